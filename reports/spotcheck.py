"""Consistency spot-check (一致性抽验): does the data actually exported match its filing?

Jiangsu Art. 14 has professional bodies check "the actual data export against
the filing materials" and treats concealment, false reporting or a divergence
between exported and filed data as grounds to suspend the export.
``chujing spotcheck FILING SOURCE...`` scans the export data and lists every
divergence from the filing (read by :mod:`reports.filing`):

==============================  ==========================================================
kind                            meaning
==============================  ==========================================================
undeclared_sensitive_field      a field with sensitive PI the filing does not list
undeclared_field_with_findings  a field with other findings the filing does not list
undeclared_category             a reference-rule category in the data the filing never names
pi_class_stricter               a declared field holds stricter PI than declared
entity_types_undeclared         a declared field holds entity types its declaration omits
persons_above_scale             more persons than the declared scale (overall or per table)
sensitive_persons_above_scale   more persons with sensitive PI than declared
declared_table_missing          a declared table is not in the export data
declared_field_missing          a declared field is not in its table
==============================  ==========================================================

Persons are counted per natural person, de-duplicated (以自然人为单位去重), in
the engines by the scanner (:mod:`scanner.export.spotcheck`, which runs the
scan and the count and calls :func:`compare`); keys of the same kind are
merged across tables, rows without a key count as one person each (the
cautious reading).  Where a table cannot be keyed, its row count stands in, as
an upper bound (:func:`persons_from_rows`), and the result says so.  This
module compares and renders; it reads no source.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from connectors.uri import mask_uri, source_identity
from reports.filing import DeclaredField, Filing, norm
from reports.html import badge, card, esc, grid, integrity_footer, masthead, page, pi_badge, section
from reports.integrity import seal
from reports.view import PI_CLASS_RANK, category_label, pi_class_label, table_name

SPOTCHECK_SCHEMA = "chujing.spotcheck/1"
BASIS_WORDS = {
    "distinct_key": "distinct persons",
    "distinct_key_with_unkeyed_rows": "distinct + rows without key",
    "row_count_upper_bound": "upper bound: rows",
}
ART14 = (
    "江苏自贸试验区数据出境负面清单管理办法 第十四条: 片区管委会…应组织专业机构就数据实际出境情况与备案材料进行一致性抽验"
    " (Jiangsu Art. 14: consistency spot-checks between the actual data export and the filing materials)"
)


@dataclass(frozen=True)
class Divergence:
    kind: str
    where: str
    detail: str
    declared: Any = None
    found: Any = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PersonFigures:
    """Persons in the export data, as counted, and on what basis."""

    persons: int = 0
    persons_sensitive: int = 0
    basis: str = (
        "row_count_upper_bound"  # distinct_key | distinct_key_with_unkeyed_rows | row_count_upper_bound
    )
    by_table: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "persons": self.persons,
            "persons_sensitive": self.persons_sensitive,
            "basis": self.basis,
            "by_table": self.by_table,
            "notes": self.notes,
        }


@dataclass
class SpotcheckResult:
    filing: Filing
    scan: dict[str, Any]
    persons: PersonFigures
    divergences: list[Divergence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.divergences

    @property
    def failed(self) -> list[str]:
        """Sources and tables the scan could not read (the check is incomplete there)."""
        out = [
            f"{s.get('uri')}: {s.get('error')}"
            for s in self.scan.get("sources", [])
            if s.get("status") != "ok"
        ]
        out += [
            f"{table_name(t)}: {t.get('error')}"
            for t in self.scan.get("tables", [])
            if t.get("status") != "ok"
        ]
        return out

    @property
    def exit_status(self) -> int:
        """1 on any divergence (even when part of the scan failed), 2 when the scan failed, else 0."""
        if self.divergences:
            return 1
        return 2 if self.failed else 0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self.divergences:
            out[d.kind] = out.get(d.kind, 0) + 1
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SPOTCHECK_SCHEMA,
            "consistent": self.consistent,
            "exit_status": self.exit_status,
            "basis": ART14,
            "filing": self.filing.to_dict(),
            "persons": self.persons.to_dict(),
            "counts": self.counts(),
            "divergences": [d.to_dict() for d in self.divergences],
            "failed": self.failed,
            "notes": self.notes,
            "scan": self.scan,
        }


# --- matching declared tables and fields to the scan -------------------------------------------------


def _identities(filing: Filing, scan: dict[str, Any]) -> dict[str, str]:
    """The identity of every source the filing declares or the scan read, spelling -> identity.

    A filing keeps its sources as written when it was made (chujing writes them
    absolute); the spot-check may name them relatively, with a trailing slash,
    another driver or other credentials.  Matching by
    :func:`connectors.uri.source_identity` sees through the spelling and still
    tells a different database, directory or bucket apart.
    """
    spellings = {str(t.get("source") or "") for t in scan.get("tables", [])}
    spellings |= {str(s.get("uri") or "") for s in scan.get("sources", [])}
    spellings |= {f.source for f in filing.fields if f.source}
    return {s: source_identity(s) for s in spellings}


def _find_table(tables: list[dict[str, Any]], f: DeclaredField, ids: dict[str, str]) -> dict[str, Any] | None:
    """The scanned table ``f`` declares: same source identity (when declared), then schema + table name."""
    cands = [t for t in tables if not f.source or ids[f.source] == ids[str(t.get("source") or "")]]
    want_schema = (f.schema or "").casefold()
    name = f.table.strip()
    for exact in (True, False):
        for t in cands:
            tn, ts = str(t.get("table", "")), str(t.get("schema") or "")
            same = tn == name if exact else tn.casefold() == name.casefold()
            if same and (not want_schema or ts.casefold() == want_schema):
                return t
            if not want_schema and table_name(t).casefold() == name.casefold():  # "schema.table" in one cell
                return t
    return None


def _find_column(t: dict[str, Any], name: str) -> dict[str, Any] | None:
    cols = t.get("columns", [])
    return next((c for c in cols if c.get("name") == name), None) or next(
        (c for c in cols if str(c.get("name", "")).casefold() == name.strip().casefold()), None
    )


def _category_declared(cat: dict[str, Any], declared: frozenset[str]) -> bool:
    return any(norm(cat.get(k)) in declared for k in ("code", "name", "name_en") if cat.get(k) is not None)


def compare(filing: Filing, scan: dict[str, Any], persons: PersonFigures | None = None) -> SpotcheckResult:
    """The divergences between ``filing`` and an annotated scan report of the export data."""
    persons = persons or persons_from_rows(scan)
    res = SpotcheckResult(filing, scan, persons, notes=list(persons.notes))
    tables = [t for t in scan.get("tables", [])]
    declared_cols: dict[int, set[str]] = {}  # id(report table) -> declared column names (casefolded)
    declared_whole: set[int] = set()  # tables declared without listing fields
    missing_tables: set[tuple] = set()
    table_declared_persons: dict[int, int] = {}
    ids = _identities(filing, scan)
    for f in filing.fields:
        t = _find_table(tables, f, ids)
        if t is None:
            key = (ids[f.source] if f.source else None, f.schema, f.table)
            if key not in missing_tables:
                missing_tables.add(key)
                where = ".".join(x for x in (f.schema, f.table) if x)
                res.divergences.append(
                    Divergence(
                        "declared_table_missing",
                        where,
                        f"declared ({f.origin}{_in_source(f.source)}) but not in the export data",
                        declared=where,
                    )
                )
            continue
        if f.persons is not None:
            table_declared_persons[id(t)] = max(table_declared_persons.get(id(t), 0), f.persons)
        if f.field is None:
            declared_whole.add(id(t))
            continue
        declared_cols.setdefault(id(t), set()).add(f.field.strip().casefold())
        if t.get("status") != "ok":
            continue
        c = _find_column(t, f.field)
        where = f"{table_name(t)}.{f.field}"
        if c is None:
            res.divergences.append(
                Divergence(
                    "declared_field_missing", where, f"declared ({f.origin}) but the table has no such column"
                )
            )
            continue
        found = c.get("pi_class")
        if PI_CLASS_RANK.get(found, 0) > PI_CLASS_RANK.get(f.pi_class, 0):
            ents = ", ".join(e.get("type", "") for e in c.get("entities", []))
            res.divergences.append(
                Divergence(
                    "pi_class_stricter",
                    where,
                    f"declared {pi_class_label(f.pi_class)}, found {pi_class_label(found)}"
                    + (f" ({ents})" if ents else ""),
                    declared=f.pi_class,
                    found=found,
                )
            )
        if f.entity_types:
            extra = sorted({e.get("type", "") for e in c.get("entities", [])} - f.entity_types)
            if extra:
                res.divergences.append(
                    Divergence(
                        "entity_types_undeclared",
                        where,
                        f"found {', '.join(extra)}; declared {', '.join(sorted(f.entity_types))}",
                        declared=sorted(f.entity_types),
                        found=extra,
                    )
                )
    undeclared_plain = 0
    for t in tables:
        if t.get("status") != "ok" or id(t) in declared_whole:
            continue
        names = declared_cols.get(id(t), set())
        for c in t.get("columns", []):
            if str(c.get("name", "")).casefold() in names:
                continue
            where = f"{table_name(t)}.{c.get('name')}"
            ents = ", ".join(e.get("type", "") for e in c.get("entities", []))
            if c.get("pi_class") == "sensitive":
                res.divergences.append(
                    Divergence(
                        "undeclared_sensitive_field",
                        where,
                        f"sensitive PI ({ents}) in a field the filing does not list",
                        found="sensitive",
                    )
                )
            elif c.get("entities") or c.get("categories"):
                what = ents or "; ".join(category_label(x) for x in c.get("categories", []))
                res.divergences.append(
                    Divergence(
                        "undeclared_field_with_findings",
                        where,
                        f"{pi_class_label(c.get('pi_class'))}: {what}",
                        found=c.get("pi_class"),
                    )
                )
            else:
                undeclared_plain += 1
    if undeclared_plain:
        res.notes.append(
            f"{undeclared_plain:,} exported field(s) without findings are not in the filing's catalogue"
        )
    declared_cats = filing.declared_categories
    seen: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = {}
    for t in tables:
        for c in t.get("columns", []):
            for cat in c.get("categories", []):
                if not _category_declared(cat, declared_cats):
                    k = (str(cat.get("rule")), str(cat.get("code")))
                    seen.setdefault(k, (cat, []))[1].append(f"{table_name(t)}.{c.get('name')}")
    for (_, _), (cat, where) in sorted(seen.items()):
        res.divergences.append(
            Divergence(
                "undeclared_category",
                ", ".join(where),
                f"category {category_label(cat)} present but not declared",
                found=category_label(cat),
            )
        )
    _persons(res, filing, persons, tables, table_declared_persons)
    res.notes += _unscanned_sources(filing, scan, ids)
    return res


def _in_source(source: str | None) -> str:
    return f", source {mask_uri(source)}" if source else ""


def _unscanned_sources(filing: Filing, scan: dict[str, Any], ids: dict[str, str]) -> list[str]:
    """One note per declared source that is none of the scanned ones: why its tables are all missing."""
    scanned = {ids[str(s.get("uri") or "")] for s in scan.get("sources", [])}
    scanned |= {ids[str(t.get("source") or "")] for t in scan.get("tables", [])}
    out: dict[str, str] = {}
    for f in filing.fields:
        if f.source and ids[f.source] not in scanned:
            out.setdefault(
                ids[f.source],
                f"the filing declares source {mask_uri(f.source)}, which is none of the "
                "sources checked (compared as resolved paths, database URLs without "
                "credentials or driver, bucket and prefix)",
            )
    return list(out.values())


def _persons(
    res: SpotcheckResult,
    filing: Filing,
    p: PersonFigures,
    tables: list[dict[str, Any]],
    per_table: dict[int, int],
) -> None:
    basis = {
        "distinct_key": "distinct persons",
        "distinct_key_with_unkeyed_rows": "distinct persons, rows without a key counted one each (upper bound)",
        "row_count_upper_bound": "row counts of tables holding PI (upper bound, persons not counted)",
    }.get(p.basis, p.basis)
    if filing.persons is None:
        res.notes.append("the filing declares no scale (persons): the scale was not checked")
    elif p.persons > filing.persons:
        res.divergences.append(
            Divergence(
                "persons_above_scale",
                "export",
                f"{p.persons:,} persons ({basis}) above the declared {filing.persons:,}",
                declared=filing.persons,
                found=p.persons,
            )
        )
    if filing.persons_sensitive is not None and p.persons_sensitive > filing.persons_sensitive:
        res.divergences.append(
            Divergence(
                "sensitive_persons_above_scale",
                "export",
                f"{p.persons_sensitive:,} persons with sensitive PI ({basis}) above the "
                f"declared {filing.persons_sensitive:,}",
                declared=filing.persons_sensitive,
                found=p.persons_sensitive,
            )
        )
    for t in tables:
        declared = per_table.get(id(t))
        got = p.by_table.get(table_name(t), {}).get("persons")
        if declared is not None and isinstance(got, int) and got > declared:
            b = p.by_table[table_name(t)].get("basis", "")
            res.divergences.append(
                Divergence(
                    "persons_above_scale",
                    table_name(t),
                    f"{got:,} persons ({b}) above the {declared:,} declared for this table",
                    declared=declared,
                    found=got,
                )
            )


# --- counting persons ---------------------------------------------------------------------------------


def persons_from_rows(scan: dict[str, Any]) -> PersonFigures:
    """Row counts of tables holding PI, summed: the upper bound when persons cannot be counted."""
    fig = PersonFigures(basis="row_count_upper_bound")
    for t in scan.get("tables", []):
        if t.get("status") != "ok" or not any(c.get("pi_class") for c in t.get("columns", [])):
            continue
        rows = int(t.get("row_count") if t.get("row_count") is not None else t.get("sampled_rows") or 0)
        sens = any(c.get("pi_class") == "sensitive" for c in t.get("columns", []))
        fig.by_table[table_name(t)] = {"persons": rows, "basis": "row_count_upper_bound", "sensitive": sens}
        fig.persons += rows
        fig.persons_sensitive += rows if sens else 0
    fig.notes.append(
        "persons are row counts of tables holding PI, summed: an upper bound (one row per person at "
        "most, no person in two tables)"
    )
    return fig


# --- rendering ----------------------------------------------------------------------------------------


def render_spotcheck_text(res: SpotcheckResult) -> str:
    f = res.filing
    lines = [
        f"chujing spotcheck — filing {f.path} ({len(f.fields)} declared field(s), {len(f.tables())} table(s))"
        f" against {len(res.scan.get('tables', []))} scanned table(s)",
        f"persons: {res.persons.persons:,} ({res.persons.basis}); declared "
        f"{'—' if f.persons is None else f'{f.persons:,}'}",
    ]
    if res.consistent:
        lines.append("CONSISTENT: the export data matches the filing")
    else:
        lines.append(f"DIVERGENT: {len(res.divergences)} divergence(s) from the filing")
        for d in res.divergences:
            lines.append(f"  ! {d.kind}  {d.where}: {d.detail}")
    for n in res.notes:
        lines.append(f"  note: {n}")
    for x in res.failed:
        lines.append(f"  error: {x}")
    return "\n".join(lines) + "\n"


def render_spotcheck_html(res: SpotcheckResult, digest_of: dict[str, Any]) -> str:
    f = res.filing
    cards = "".join(
        [
            card(len(res.divergences), "不一致项", "Divergences", cls="sens" if res.divergences else ""),
            card(len(f.fields), "申报字段", "Declared fields"),
            card(
                sum(len(t.get("columns", [])) for t in res.scan.get("tables", [])),
                "实际字段",
                "Fields in the data",
            ),
            card(
                res.persons.persons,
                "实际人数",
                "Persons found",
                sub=BASIS_WORDS.get(res.persons.basis, res.persons.basis),
            ),
            card("—" if f.persons is None else f.persons, "申报规模", "Declared persons"),
        ]
    )
    verdict = badge("一致 consistent", "#2e7d32") if res.consistent else badge("不一致 divergent", "#c62828")
    rows = [
        [esc(d.kind), f'<span class="mono">{esc(d.where)}</span>', esc(d.detail)] for d in res.divergences
    ]
    div = (
        grid([("类型", "Kind"), ("位置", "Where"), ("说明", "Detail")], rows)
        if rows
        else '<p class="muted">No divergence.</p>'
    )
    decl = grid(
        [
            ("表名", "Table"),
            ("字段名", "Field"),
            ("申报类别", "Declared PI class"),
            ("实体类型", "Entity types"),
            ("来源", "Origin"),
        ],
        [
            [
                esc(x.table),
                esc(x.field or "(whole table)"),
                pi_badge(x.pi_class) if x.pi_class else "—",
                esc(", ".join(sorted(x.entity_types))),
                f'<span class="reason">{esc(x.origin.removeprefix(f.path).strip())}</span>',
            ]
            for x in f.fields
        ],
    )
    notes = "".join(
        f'<p class="reason">{esc(n)}</p>' for n in res.notes + [f"error: {x}" for x in res.failed]
    )
    body = (
        section(
            "summary",
            "抽验结论",
            "Verdict",
            f'<p>{verdict} <span class="reason">{esc(ART14)}</span></p>'
            f'<div class="cards">{cards}</div>{notes}',
        )
        + section("divergences", "不一致项", "Divergences", div)
        + section(
            "filing",
            "申报内容",
            "Declared in the filing",
            f"<p>Recipient 境外接收方: {esc(f.recipient or '—')} · Scenario 业务场景: {esc(f.scenario or '—')}"
            f' · file: <span class="mono">{esc(f.path)}</span></p>{decl}',
        )
    )
    head = masthead(
        "一致性抽验", "Consistency spot-check", [("filing", f.path), ("scanned", res.scan.get("finished_at"))]
    )
    return page(
        "chujing — 一致性抽验 (Consistency spot-check)",
        body,
        masthead=head,
        footer=integrity_footer(digest_of, "JSON spot-check result"),
    )


def render_spotcheck(res: SpotcheckResult, fmt: str, *, sign_key: bytes | None = None) -> bytes:
    """``table``, ``json`` (sealed, signed with ``sign_key``) or ``html`` bytes."""

    if fmt == "table":
        return render_spotcheck_text(res).encode("utf-8")
    doc = seal(res.to_dict(), sign_key)
    if fmt == "json":
        return (json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
    if fmt == "html":
        return render_spotcheck_html(res, doc).encode("utf-8")
    raise ValueError(f"unknown spot-check format {fmt!r} (known: table, json, html)")
