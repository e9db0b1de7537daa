"""The HTML renderer: one self-contained page a compliance officer can read, print and archive.

The page opens with the decision (for ``chujing check``) and the summary —
sources, tables, sensitive columns, categories, negative-list items and the
route — then charts of findings by category, route, entity type and PI class
(inline SVG), the list items with their reasons, the important-data test, and
one block per table with masked evidence and the reasons behind every class and
category.  It ends with the evidence a reviewer needs to trust it: sampling
parameters, catalogue texts with their SHA-256, source fingerprints, and the
SHA-256 of the JSON report it renders (``chujing verify-report`` checks that).

Everything that came from a data source (names, comments, errors, evidence) is
escaped: table and column names are untrusted input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from reports.html_template import PI_COLOURS, ROUTE_COLOURS, badge, bilingual, esc, page
from reports.integrity import digest
from reports.svg_charts import Bar, bar_chart
from reports.view import (
    ROUTE_SHORT,
    FieldRow,
    candidate_label,
    category_key,
    category_label,
    entity_label,
    field_rows,
    important_data_candidates,
    list_evaluation,
    list_hits,
    persons_shown,
    pi_class_label,
    report_counts,
    route_label,
    route_rank,
    split_report,
    table_name,
)

#: Entity types charted one by one; the rest share one bar (the table detail lists them all).
MAX_ENTITY_BARS = 12

# --- small building blocks (the diff and spot-check pages use them too) --------------------------------


def route_badge(route: str | None, *, short: bool = False) -> str:
    """A colour-coded route; ``short`` for table cells (the full name stays in the tooltip)."""
    colour = ROUTE_COLOURS.get(route, ROUTE_COLOURS[None])
    if not short:
        return badge(route_label(route), colour)
    return (
        f'<span class="badge" title="{esc(route_label(route))}" style="background:{esc(colour)}">'
        f"{esc(ROUTE_SHORT.get(route, str(route)))}</span>"
    )


def pi_badge(pi_class: str | None) -> str:
    return badge(pi_class_label(pi_class), PI_COLOURS.get(pi_class, PI_COLOURS[None]))


def grid(
    headers: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[str]],
    *,
    cls: str = "grid",
    widths: Sequence[int] | None = None,
) -> str:
    """A table; headers are (Chinese, English) and escaped here, cells are HTML the caller escaped.

    ``widths`` are column widths in percent (long reasons otherwise squeeze the item names).
    """
    head = "".join(f"<th>{bilingual(zh, en)}</th>" for zh, en in headers)
    cols = "".join(f'<col style="width:{int(w)}%">' for w in widths) if widths else ""
    body = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" if not c.startswith("<td") else c for c in r) + "</tr>" for r in rows
    )
    colgroup = f"<colgroup>{cols}</colgroup>" if cols else ""
    return f'<table class="{cls}">{colgroup}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def kv(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table of escaped labels and caller-escaped values."""
    body = "".join(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="grid kv"><tbody>{body}</tbody></table>'


def num(n: object) -> str:
    return f'<td class="num">{esc(f"{n:,}" if isinstance(n, int) else ("—" if n is None else n))}</td>'


def section(sid: str, zh: str, en: str, inner: str) -> str:
    return f'<section id="{esc(sid)}"><h2>{bilingual(zh, en)}</h2>{inner}</section>'


def card(value: object, zh: str, en: str, *, cls: str = "", sub: str = "") -> str:
    shown = f"{value:,}" if isinstance(value, int) else str(value)
    extra = f'<div class="sub">{esc(sub)}</div>' if sub else ""
    return (
        f'<div class="card {esc(cls)}"><div class="num">{esc(shown)}</div>'
        f'<div class="lbl">{esc(zh)}<br>{esc(en)}</div>{extra}</div>'
    )


def masthead(zh: str, en: str, facts: Sequence[tuple[str, object]]) -> str:
    meta = "".join(f"<span>{esc(k)}: {esc(v)}</span>" for k, v in facts if v not in (None, ""))
    return (
        f'<div class="brand">chujing 出境 · cross-border data discovery</div>'
        f'<h1>{esc(zh)}<span class="en">{esc(en)}</span></h1><div class="meta">{meta}</div>'
    )


def integrity_footer(report: dict[str, Any], what: str = "JSON report") -> str:
    sha = digest(report)
    seal_ = report.get("integrity") if isinstance(report.get("integrity"), dict) else {}
    signed = "signed (HMAC-SHA-256)" if seal_.get("signed") and seal_.get("sha256") == sha else "unsigned"
    return (
        f"<div>This page renders the {esc(what)} whose canonical SHA-256 is "
        f'<span class="mono digest" id="report-sha256">{esc(sha)}</span> ({esc(signed)}; '
        f"chujing-c14n/1). Check the JSON with <code>chujing verify-report FILE</code>.</div>"
        f"<div>Raw values never appear in chujing reports: evidence is masked at recognition.</div>"
    )


# --- the scan report ----------------------------------------------------------------------------------


def render_html(report: dict[str, Any]) -> str:
    """The report (a scan report, or a ``chujing check`` decision with its scan) as one HTML page."""
    check, scan = split_report(report)
    counts = report_counts(report)
    rows = field_rows(report)
    tool = scan.get("tool", {})
    parts = []
    if check is not None:
        parts.append(_decision(check))
    parts += [
        _summary(counts, report),
        _charts(report, rows),
        _list_items(report),
        _important_data(scan, important_data_candidates(report)),
        _sources(scan),
        _tables(scan, rows),
        _evidence(scan),
    ]
    zh, en = (
        ("出境合规检查报告", "Cross-border export check")
        if check
        else ("出境数据扫描报告", "Cross-border data scan report")
    )
    head = masthead(
        zh,
        en,
        [
            ("chujing", tool.get("version")),
            ("Scanned", scan.get("finished_at") or scan.get("started_at")),
            ("Schema", scan.get("schema")),
            ("SHA-256", digest(report)[:16] + "…"),
        ],
    )
    return page(f"chujing — {zh} ({en})", "".join(parts), masthead=head, footer=integrity_footer(report))


def _decision(check: dict[str, Any]) -> str:
    route = check.get("route")
    items = [i for i in check.get("items") or [] if isinstance(i, dict)]
    cand = check.get("candidate_important_data")
    n_cand = len(important_data_candidates(check))
    facts = [
        (k, v)
        for k, v in check.items()
        if k
        not in {
            "scan",
            "items",
            "route",
            "route_label",
            "candidate_important_data",
            "integrity",
            "not_hit",
            "manual_review",
            "lists",
            "notes",
        }
        and isinstance(v, (str, int, float))
        and v != ""
    ]
    inner = (
        f'<div class="panel decision" id="decision"><div style="font-size:18px;margin-bottom:8px">'
        f"出境路径 (Route): {route_badge(route)}</div>"
        f"<div>{len(items):,} negative-list item(s) hit · {n_cand:,} candidate important-data finding(s)</div>"
    )
    if facts:
        inner += kv((str(k), esc(v)) for k, v in facts)
    notes = check.get("notes") or []
    if notes:
        inner += "".join(f'<p class="reason">{esc(n)}</p>' for n in notes)
    if cand:
        inner += f'<h3 style="margin-top:10px">{bilingual("候选重要数据", "Candidate important data")}</h3>'
        inner += _candidates(cand)
    inner += "</div>"
    return section("check", "检查结论", "Check decision", inner)


def _candidates(cand: Any) -> str:
    entries = cand if isinstance(cand, list) else cand.get("candidates", []) if isinstance(cand, dict) else []
    if not entries:
        return '<p class="muted">none</p>'
    out = []
    for c in entries:
        if isinstance(c, dict):
            text = c.get("reason") or c.get("name") or c.get("source_text") or c
            out.append(f"<li>{esc(text)}</li>")
        else:
            out.append(f"<li>{esc(c)}</li>")
    return f"<ul>{''.join(out)}</ul>"


def _summary(c: dict[str, Any], report: dict[str, Any]) -> str:
    failed_src = f"{c['sources_failed']} failed" if c["sources_failed"] else ""
    failed_tbl = f"{c['tables_failed']} failed" if c["tables_failed"] else ""
    route = c["route"]
    route_card = (
        f'<div class="card route" style="border-top-color:{esc(ROUTE_COLOURS.get(route, "#607d8b"))}">'
        f'<div class="num" style="color:{esc(ROUTE_COLOURS.get(route, "#607d8b"))}">{esc(route_label(route))}'
        f'</div><div class="lbl">出境路径<br>Route</div></div>'
    )
    cards = "".join(
        [
            card(
                c["sources"], "数据源", "Sources", cls="fail" if c["sources_failed"] else "", sub=failed_src
            ),
            card(c["tables"], "数据表", "Tables", cls="fail" if c["tables_failed"] else "", sub=failed_tbl),
            card(
                c["columns_with_findings"],
                "含个人信息的字段",
                "Columns with findings",
                sub=f"of {c['columns']:,} scanned",
            ),
            card(c["sensitive_columns"], "敏感个人信息字段", "Sensitive PI columns", cls="sens"),
            card(c["general_columns"], "一般个人信息字段", "General PI columns", cls="gen"),
            card(c["categories"], "数据类别", "Categories"),
            card(c["list_items"], "负面清单条目", "List items"),
            *_scale_cards(report),
            route_card,
        ]
    )
    return section("summary", "摘要", "Summary", f'<div class="cards">{cards}</div>{_persons_note(report)}')


def _scale_cards(report: dict[str, Any]) -> list[str]:
    """The report's one person figure, and the candidate important data (list items and identification rule)."""
    p = persons_shown(report)
    check, scan = split_report(report)
    sub = p.basis_label + (" · this export 本次出境" if check is not None else "")
    out = [card(p.count if p.count is not None else "?", "涉及人数", "Persons", sub=sub, cls="persons")]
    if check is not None or isinstance(scan.get("important_data"), dict) or list_hits(report):
        n = len(important_data_candidates(report))
        out.append(card(n, "候选重要数据", "Candidate important data", cls="sens" if n else ""))
    return out


def _persons_note(report: dict[str, Any]) -> str:
    """How the person figure was derived, under the cards (a bound must say it is one)."""
    return f'<p class="reason" id="persons-derivation">涉及人数 Persons: {esc(persons_shown(report).sentence())}</p>'


def _charts(report: dict[str, Any], rows: list[FieldRow]) -> str:
    found = [r for r in rows if r.has_findings or r.categories]
    cats: Counter[tuple[str, str]] = Counter()
    cat_names: dict[tuple[str, str], str] = {}
    for r in found:
        for c in r.categories:
            cats[category_key(c)] += 1
            cat_names[category_key(c)] = category_label(c)
    cat_bars = [
        Bar(cat_names[k], n, "#0f7c8c") for k, n in sorted(cats.items(), key=lambda kv_: (-kv_[1], kv_[0]))
    ]
    rank = route_rank()
    evaluated = list_evaluation(report) is not None
    routes: Counter[str | None] = Counter()
    for r in rows:
        if r.pi_class or r.categories:
            routes[r.route or ("outside" if evaluated else None)] += 1
    route_bars = [
        Bar(ROUTE_SHORT.get(k, str(k)), n, ROUTE_COLOURS.get(k, "#607d8b"))
        for k, n in sorted(routes.items(), key=lambda kv_: -rank.get(kv_[0] or "", -1))
    ]
    ents: Counter[str] = Counter(e["type"] for r in rows for e in r.entities)
    ranked = sorted(ents.items(), key=lambda kv_: (-kv_[1], kv_[0]))
    ent_bars = [Bar(entity_label(k), n, "#37474f") for k, n in ranked[:MAX_ENTITY_BARS]]
    rest = ranked[MAX_ENTITY_BARS:]
    more = (
        (
            f'<p class="quiet">{len(rest)} more type(s), at most {rest[0][1]} column(s) each: '
            f"{esc(', '.join(entity_label(k) for k, _ in rest))}</p>"
        )
        if rest
        else ""
    )
    pis: Counter[str | None] = Counter(r.pi_class for r in rows if r.pi_class)
    pi_bars = [Bar(pi_class_label(k), pis[k], PI_COLOURS[k]) for k in ("sensitive", "general") if pis[k]]
    charts = [
        (
            "按数据类别的字段",
            "Columns by category",
            bar_chart("Columns by category", cat_bars, empty_text="no reference-rule category found"),
        ),
        (
            "按出境路径的字段",
            "Columns by route",
            bar_chart("Columns by route", route_bars, empty_text="no personal information or category found"),
        ),
        (
            "按实体类型的字段",
            "Columns by entity type",
            bar_chart("Columns by entity type", ent_bars, empty_text="no entity found") + more,
        ),
        (
            "按个人信息类别的字段",
            "Columns by PI class",
            bar_chart("Columns by PI class", pi_bars, empty_text="no personal information found"),
        ),
    ]
    inner = "".join(f'<div class="panel"><h3>{bilingual(zh, en)}</h3>{svg}</div>' for zh, en, svg in charts)
    note = (
        ""
        if evaluated
        else (
            '<p class="quiet">No negative list was evaluated (scan with <code>--list ID</code>): '
            "routes are shown as not evaluated.</p>"
        )
    )
    return section("charts", "图表", "Charts", f'<div class="charts">{inner}</div>{note}')


def _list_items(report: dict[str, Any]) -> str:
    ev = list_evaluation(report)
    if ev is None:
        return section(
            "list-items",
            "负面清单条目",
            "Negative-list items",
            '<p class="muted">No negative list was evaluated.</p>',
        )
    hits = list_hits(report)
    lists = ", ".join(
        f"{x.get('id')} {x.get('version', '')}".strip() for x in ev.get("lists") or [] if isinstance(x, dict)
    )
    head = (
        f"<p>Route 出境路径: {route_badge(ev.get('route'))} · lists evaluated: {esc(lists or '—')}"
        f' · persons basis: <span class="mono">{esc(ev.get("persons_basis", "—"))}</span></p>'
    )
    rows = []
    for h in hits:
        persons = h.get("persons") or {}
        rows.append(
            [
                esc(h.get("list")),
                num(h.get("item")),
                esc(h.get("tier", "")),
                route_badge(h.get("route"), short=True),
                f'{esc(h.get("name", ""))}<div class="reason">{esc(h.get("name_en", ""))}</div>',
                num(persons.get("total") if isinstance(persons, dict) else None),
                f'<div class="reason">{esc(h.get("reason", ""))}</div>',
            ]
        )
    table = (
        grid(
            [
                ("清单", "List"),
                ("条目", "Item"),
                ("层级", "Tier"),
                ("出境路径", "Route"),
                ("条目内容", "Item"),
                ("人数", "Persons"),
                ("理由", "Reason"),
            ],
            rows,
            widths=(11, 5, 5, 14, 28, 7, 30),
        )
        if rows
        else '<p class="muted">No item hit.</p>'
    )
    review = [r for r in ev.get("manual_review") or [] if isinstance(r, dict)]
    if review:
        table += f'<h3 style="margin-top:12px">{bilingual("需人工判断", "For a person to judge")}</h3>'
        table += grid(
            [("清单", "List"), ("条目", "Item"), ("出境路径", "Route"), ("理由", "Reason")],
            [
                [
                    esc(r.get("list")),
                    num(r.get("item")),
                    route_badge(r.get("route"), short=True),
                    f'<div class="reason">{esc(r.get("reason", ""))}</div>',
                ]
                for r in review
            ],
        )
    notes = "".join(f'<p class="reason">{esc(n)}</p>' for n in ev.get("notes") or [])
    return section("list-items", "负面清单条目", "Negative-list items", head + table + notes)


def _important_data(scan: dict[str, Any], candidates: list[Any]) -> str:
    """The identification rule's clauses, and the list items that call the data important whatever its scale."""
    imp = scan.get("important_data")
    if not isinstance(imp, dict):
        return ""
    status = imp.get("status", "")
    colour = "#c62828" if status == "candidate" else "#2e7d32"
    label = {
        "candidate": "候选重要数据 (candidate important data)",
        "not_indicated": "识别规则未显示为重要数据 (not indicated by the identification rule)",
    }.get(status, status)
    listed = [c for c in candidates if isinstance(c, dict) and c.get("source") == "negative_list"]
    rows = [
        [
            num(x.get("clause")),
            esc(x.get("threshold", "")),
            num(x.get("count")),
            esc("met 满足" if x.get("met") else "not met 未满足"),
            f'<div class="reason">{esc(x.get("reason", ""))}</div>',
        ]
        for x in (imp.get("candidates") or []) + (imp.get("not_met") or [])
        if isinstance(x, dict)
    ]
    inner = f'<p>{badge(label, colour)} <span class="reason">{esc(imp.get("note", ""))}</span></p>'
    if listed:
        names = "; ".join(candidate_label(c) for c in listed)
        inner += (
            f"<p>{badge('候选重要数据 (candidate important data)', '#c62828')} negative-list item(s) of "
            f"important data hit: {esc(names)}</p>"
        )
    if rows:
        inner += grid(
            [
                ("条款", "Clause"),
                ("阈值", "Threshold"),
                ("人数", "Persons"),
                ("结果", "Result"),
                ("理由", "Reason"),
            ],
            rows,
        )
    decl = imp.get("declaration")
    if isinstance(decl, dict):
        inner += f'<p class="reason">Art. {esc(decl.get("article"))}: 「{esc(decl.get("source_text"))}」</p>'
    return section("important-data", "重要数据识别", "Important-data identification", inner)


def _sources(scan: dict[str, Any]) -> str:
    rows = []
    for s in scan.get("sources", []):
        status = badge("已扫描 ok", "#2e7d32") if s.get("status") == "ok" else badge("失败 failed", "#c62828")
        err = f'<div class="err">{esc(s["error"])}</div>' if s.get("error") else ""
        rows.append(
            [
                f'<span class="mono">{esc(s.get("uri"))}</span>{err}',
                esc(s.get("kind")),
                status,
                num(s.get("tables_found")),
                num(s.get("tables_selected")),
            ]
        )
    return section(
        "sources",
        "数据源",
        "Sources",
        grid(
            [
                ("数据源", "Source"),
                ("类型", "Kind"),
                ("状态", "Status"),
                ("发现的表", "Tables found"),
                ("扫描的表", "Tables scanned"),
            ],
            rows,
        ),
    )


def _entities_cell(r: FieldRow) -> str:
    out = []
    for e in r.entities:
        s = f'<div><b>{esc(e.get("type"))}</b> <span class="muted">{esc(entity_label(e.get("type", "")))}</span>'
        ratio = e.get("match_ratio")
        score = e.get("score")
        s += f" · score {score:.2f}" if isinstance(score, (int, float)) else ""
        s += f" · {ratio * 100:.0f}%" if isinstance(ratio, (int, float)) else ""
        if e.get("precision_m") is not None:
            s += f" · ±{esc(e['precision_m'])} m"
        out.append(_reviewed(s + "</div>", e.get("review")))
    return "".join(out)


def _reviewed(html: str, review: object) -> str:
    """A finding a person reviewed: dismissed ones struck through, each with who, when and why (never hidden).

    >>> _reviewed("<div>x</div>", {"decision": "dismiss", "note": "test IDs", "by": "li", "at": "2026-12-06T00:00:00Z"})
    '<div><s>x</s> <span class="muted">dismissed by li, 2026-12-06T00:00:00Z: test IDs</span></div>'
    """
    if not isinstance(review, dict):
        return html
    said = f"{'dismissed' if review.get('decision') == 'dismiss' else 'confirmed'} by {review.get('by')}, "
    said += f"{review.get('at')}: {review.get('note')}"
    inner = html.removeprefix("<div>").removesuffix("</div>")
    if review.get("decision") == "dismiss":
        inner = f"<s>{inner}</s>"
    return f'<div>{inner} <span class="muted">{esc(said)}</span></div>'


def _evidence_cell(r: FieldRow) -> str:
    vals = [v for e in r.entities for v in (e.get("evidence") or [])[:3]]
    return "".join(f'<span class="tag mono ev">{esc(v)}</span>' for v in vals[:6])


def _reasons_cell(r: FieldRow) -> str:
    parts = [e.get("explanation") for e in r.entities if e.get("explanation")]
    if r.pi_basis:
        parts.append(f"PI class: {r.pi_basis}")
    parts += [f"{category_label(c)}: {c.get('reason')}" for c in r.categories if c.get("reason")]
    parts += [f"{i.get('list')} item {i.get('item')} → {i.get('route')}" for i in r.items]
    return "".join(f'<div class="reason">{esc(p)}</div>' for p in parts)


def _tables(scan: dict[str, Any], rows: list[FieldRow]) -> str:
    """Tables grouped by source and schema, in report order: a group with something to show is open, and
    in it every table with findings (or that failed) is shown whole; the others are one collapsed list of
    names, so a warehouse of 10,000 tables reads as the few hundred that matter."""
    by_table: dict[tuple[str, str | None, str], list[FieldRow]] = {}
    for r in rows:
        by_table.setdefault((r.source, r.schema, r.table), []).append(r)
    groups: dict[tuple[str, str | None], list[tuple[dict[str, Any], list[FieldRow]]]] = {}
    for t in scan.get("tables", []):
        source, schema = str(t.get("source", "")), t.get("schema")
        cols = by_table.get((source, schema, str(t.get("table", ""))), [])
        groups.setdefault((source, schema), []).append((t, cols))
    blocks = [_schema_group(source, schema, members) for (source, schema), members in groups.items()]
    return section(
        "tables", "数据表明细", "Tables in detail", "".join(blocks) or '<p class="muted">No table.</p>'
    )


def _noteworthy(t: dict[str, Any], cols: list[FieldRow]) -> bool:
    """Shown whole: a table that failed, or with a column holding findings or categories."""
    return t.get("status") != "ok" or any(c.has_findings or c.categories for c in cols)


def _schema_group(
    source: str, schema: str | None, members: list[tuple[dict[str, Any], list[FieldRow]]]
) -> str:
    shown = [(t, cols) for t, cols in members if _noteworthy(t, cols)]
    quiet = [t for t, cols in members if not _noteworthy(t, cols)]
    failed = sum(1 for t, _ in members if t.get("status") != "ok")
    facts = f"{len(members):,} table(s) · {len(shown) - failed:,} with findings"
    facts += f" · {failed:,} failed" if failed else ""
    summary = (
        f'<summary><span class="name mono">{esc(schema) if schema else "—"}</span>'
        f'<span class="facts">{esc(facts)} · <span class="mono">{esc(source)}</span></span></summary>'
    )
    body = "".join(_table_block(t, cols) for t, cols in shown)
    if quiet:
        names = ", ".join(table_name(t) for t in quiet)
        body += (
            f'<details class="quiet-tables"><summary>{len(quiet):,} table(s) without findings</summary>'
            f'<div class="mono">{esc(names)}</div></details>'
        )
    return f'<details class="schema"{" open" if shown else ""}>{summary}{body}</details>'


def _table_block(t: dict[str, Any], cols: list[FieldRow]) -> str:
    status = badge("失败 failed", "#c62828") if t.get("status") != "ok" else ""
    n_s = sum(1 for c in cols if c.pi_class == "sensitive")
    n_g = sum(1 for c in cols if c.pi_class == "general")
    pis = (pi_badge("sensitive") + f" ×{n_s} " if n_s else "") + (
        pi_badge("general") + f" ×{n_g}" if n_g else ""
    )
    rows_txt = "?" if t.get("row_count") is None else f"{t['row_count']:,}"
    facts = (
        f"{esc(t.get('kind', 'table'))} · {esc(rows_txt)} rows · {int(t.get('sampled_rows') or 0):,} sampled · "
        f'<span class="mono">{esc(t.get("source"))}</span>'
    )
    head = (
        f'<div class="tbl-head"><span class="name mono">{esc(table_name(t))}</span>{status}'
        f'<span class="facts">{facts}</span><span>{pis}</span></div>'
    )
    if t.get("status") != "ok":
        return f'<div class="tbl">{head}<div class="err">{esc(t.get("error") or "failed")}</div></div>'
    found = [c for c in cols if c.has_findings or c.categories]
    body = ""
    if found:
        body = grid(
            [
                ("字段", "Column"),
                ("发现", "Entities found"),
                ("个人信息类别", "PI class"),
                ("数据类别", "Categories"),
                ("证据（已脱敏）", "Masked evidence"),
                ("依据", "Reasons"),
            ],
            [
                [
                    f'<span class="mono">{esc(c.field)}</span><div class="reason">{esc(c.type)}</div>',
                    _entities_cell(c),
                    pi_badge(c.pi_class) if c.pi_class else '<span class="muted">—</span>',
                    "".join(f'<span class="tag">{esc(category_label(x))}</span>' for x in c.categories)
                    or "—",
                    _evidence_cell(c),
                    _reasons_cell(c),
                ]
                for c in found
            ],
        )
    else:
        body = '<p class="muted">No personal information or category found in the sample.</p>'
    rest = [c.field for c in cols if not (c.has_findings or c.categories)]
    if rest:
        body += (
            f'<div class="quiet">{len(rest):,} other column(s) without findings: '
            f'<span class="mono">{esc(", ".join(rest))}</span></div>'
        )
    return f'<div class="tbl">{head}{body}</div>'


def _fingerprint(fp: dict[str, Any]) -> str:
    if not fp:
        return '<span class="muted">not recorded by the connector</span>'
    parts = []
    for k, v in fp.items():
        if k == "file_list" and isinstance(v, list):
            parts.append(f"{esc(k)}: {len(v):,} file(s)")
        elif isinstance(v, (str, int, float, bool)) or v is None:
            parts.append(f'{esc(k)}: <span class="mono digest">{esc(v)}</span>')
    return "<br>".join(parts)


def _evidence(scan: dict[str, Any]) -> str:
    params = scan.get("parameters") or {}
    param_rows = [
        (
            str(k),
            f'<span class="mono">{esc(v if not isinstance(v, list) else ", ".join(map(str, v)) or "—")}</span>',
        )
        for k, v in params.items()
    ]
    times = [
        ("started_at", esc(scan.get("started_at"))),
        ("finished_at", esc(scan.get("finished_at"))),
        (
            "tool",
            esc(f"{scan.get('tool', {}).get('name', 'chujing')} {scan.get('tool', {}).get('version', '')}"),
        ),
        ("schema", esc(scan.get("schema"))),
    ]
    cat = scan.get("catalog") or {}
    texts = ([cat["reference_rule"]] if isinstance(cat.get("reference_rule"), dict) else []) + [
        x for x in cat.get("lists") or [] if isinstance(x, dict)
    ]
    cat_rows = [
        [
            esc(x.get("id")),
            esc(x.get("version")),
            esc(x.get("source")),
            f'<span class="mono digest">{esc(x.get("sha256"))}</span>',
        ]
        for x in texts
    ]
    fp_rows = [
        [
            f'<span class="mono">{esc(table_name(t))}</span>',
            num(t.get("row_count")),
            _fingerprint(t.get("fingerprint") or {}),
        ]
        for t in scan.get("tables", [])
    ]
    inner = (
        f"<h3>{bilingual('扫描参数与时间', 'Parameters and timestamps')}</h3>"
        + kv(times + param_rows)
        + f'<h3 style="margin-top:12px">{bilingual("适用的规则文本", "Catalogue texts applied")}</h3>'
        + (
            grid(
                [("编号", "Id"), ("版本", "Version"), ("来源", "Source"), ("SHA-256", "of the file")],
                cat_rows,
            )
            if cat_rows
            else '<p class="muted">no catalogue recorded</p>'
        )
        + f'<h3 style="margin-top:12px">{bilingual("数据源指纹", "Source fingerprints")}</h3>'
        + grid([("表", "Table"), ("行数", "Rows"), ("指纹", "Fingerprint")], fp_rows)
    )
    return section("evidence", "证据与完整性", "Evidence and integrity", inner)
