"""The terminal renderer: a readable summary of a scan report.

One block per source, one line per table, and under it one line per column
with findings: entity types with score and match ratio, PI class, categories
(Chinese name beside English), and masked evidence; with negative lists, the
items hit and the route they need.  Only masked evidence from the report is
shown; this renderer never sees raw values.

Lines are cut to ``max_width`` (with "…") only when the caller gives one — the
CLI gives the terminal's width when stdout is a terminal; the ``table`` format
written to a file keeps every name and reason whole.
"""

from __future__ import annotations

from typing import Any

from connectors.textio import pad, truncate, width
from reports.view import persons_shown, route_label

PI_CLASS_LABELS = {"sensitive": "敏感个人信息 (sensitive PI)", "general": "一般个人信息 (general PI)"}


def _fmt_int(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def _entities(col: dict[str, Any]) -> str:
    parts = []
    for e in col["entities"]:
        s = f"{e['type']} {e['score']:.2f} {e['match_ratio'] * 100:.0f}%"
        if e.get("precision_m") is not None:
            s += f" ±{e['precision_m']:.1f}m"
        parts.append(s)
    return ", ".join(parts)


def _categories(col: dict[str, Any]) -> str:
    return "; ".join(f"{c['code']} {c['name']} ({c.get('name_en', '')})" for c in col.get("categories", []))


def render_table(report: dict[str, Any], *, max_width: int | None = None) -> str:
    """Render the scan report as text for a terminal (cut to ``max_width`` columns; ``None``: nothing cut).

    A ``chujing check`` decision has its own table (:mod:`reports.check_table`).
    """
    s = report.get("summary", {})
    lines = [
        f"chujing {report['tool']['version']} — {s.get('sources', 0)} source(s), {s.get('tables', 0)} table(s)"
        f" ({s.get('tables_failed', 0)} failed), {s.get('columns_with_findings', 0)} of {s.get('columns', 0)}"
        " column(s) with findings",
    ]
    lines.append(_persons_line(report))
    by_source: dict[str, list[dict[str, Any]]] = {}
    for t in report["tables"]:
        by_source.setdefault(t["source"], []).append(t)
    for src in report["sources"]:
        lines.append("")
        status = "" if src["status"] == "ok" else "  [ERROR]"
        lines.append(f"{src['uri']}  ({src['kind']}){status}")
        if src.get("error"):
            lines.append(f"  ! {src['error']}")
        for t in by_source.get(src["uri"], []):
            lines.extend(_table_lines(t, max_width))
    lists = report.get("list_items") or {}
    hits = lists.get("items", []) if isinstance(lists, dict) else []
    if hits:
        lines.append("")
        lines.append("Negative-list items (出境负面清单条目):")
        for h in hits:
            lines.append(
                f"  {h['list']} item {h['item']}: {h['route']} — {truncate(h.get('reason', ''), _less(max_width, 30))}"
            )
    if isinstance(lists, dict) and lists.get("route"):
        lines += ["", *_route_lines(lists)]
    return "\n".join(lines) + "\n"


def _less(max_width: int | None, used: int, least: int = 20) -> int | None:
    """Columns left after ``used`` of them (at least ``least``), or ``None`` when nothing is cut."""
    return None if max_width is None else max(least, max_width - used)


def _route_lines(evaluation: dict[str, Any]) -> list[str]:
    """The route the lists' evaluation needs, as ``chujing check`` would exit with it, and on what basis.

    A scan may estimate persons from row counts (an upper bound) and knows nothing
    of earlier exports; ``chujing check`` counts distinct persons and adds the
    ledger's, so its route can differ either way.
    """

    lines = [
        f"Route 出境路径: {route_label(evaluation['route'])} — exit {evaluation.get('exit_status')} "
        "(chujing check's status for this route)"
    ]
    if evaluation.get("persons_basis") == "row_count_upper_bound":
        lines.append(
            "  decided on persons estimated from row counts; chujing check counts distinct persons "
            "and adds earlier exports this year"
        )
    review = evaluation.get("manual_review") or []
    if review:
        lines.append(f"  {len(review)} item(s) need manual review 需人工判断 (see the report)")
    return lines


def _table_lines(t: dict[str, Any], max_width: int | None) -> list[str]:
    name = f"{t['schema']}.{t['table']}" if t.get("schema") else t["table"]
    if t["status"] != "ok":
        return [f"  {name}  [ERROR] {t.get('error') or ''}"]
    out = [f"  {name}  ({_fmt_int(t['row_count'])} rows, {_fmt_int(t['sampled_rows'])} sampled)"]
    cols = [c for c in t["columns"] if c["entities"]]
    if not cols:
        out.append("    no personal information found in the sample")
        return out
    w = max(width(c["name"]) for c in cols)
    w = w if max_width is None else min(28, w)
    for c in cols:
        head = f"    {pad(truncate(c['name'], w), w)}  "
        body = _entities(c)
        if c.get("pi_class"):
            body += f" | {PI_CLASS_LABELS.get(c['pi_class'], c['pi_class'])}"
        cats = _categories(c)
        if cats:
            body += f" | {cats}"
        ev = c["entities"][0].get("evidence") or []
        if ev:
            body += f" | e.g. {', '.join(ev[:2])}"
        out.append(head + truncate(body, _less(max_width, width(head))))
    return out


def _persons_line(report: dict[str, Any]) -> str:
    """The report's one person figure with how it was derived (never shortened: a bound must say it is one)."""

    return f"Persons 涉及人数: {persons_shown(report).sentence()}"
