"""The terminal table of a ``chujing check`` decision (``chujing.check/1``), the ``table`` format of a check.

What matters to the person about to export comes first: the route and the exit
status it gives, the report's one person figure (the sentence every format
shows), the items hit with their counts, then persons per table with the key
that identified them, the ledger consulted, what needs review and the notes.
Every number follows its label ("this export 3,100 · earlier this year 0"), so
none can be read as another.  Long cells and reasons are cut to fit only with
``max_width`` (a terminal's width); a file keeps them whole.
"""

from __future__ import annotations

from typing import Any

from catalog.evaluator import ROUTE_LABELS
from connectors.textio import pad, truncate, width
from reports.view import persons_shown


def number(x: int | None) -> str:
    """A count with thousands separators, ``-`` when unknown."""
    return "-" if x is None else f"{x:,}"


#: The person figures of a check, in the order shown, with their labels.
PERSON_KINDS = (("any", "all"), ("sensitive", "sensitive PI 敏感"), ("general", "general PI 一般"))
#: The three numbers of a figure, each after its label.
PERSON_FIGURES = (
    ("this_export", "this export"),
    ("prior_this_year", "earlier this year"),
    ("total", "total"),
)


def _person_lines(persons: dict[str, Any]) -> list[str]:
    """One line per kind of person, every number after its label and the columns aligned:

    ``all   this export 3,100 · earlier this year 0 · total 3,100``
    """
    figures = [(label, persons.get(kind) or {}) for kind, label in PERSON_KINDS]
    widths = {key: max(len(number(c.get(key))) for _, c in figures) for key, _ in PERSON_FIGURES}
    out = []
    for label, c in figures:
        parts = [f"{words} {number(c.get(key)):>{widths[key]}}" for key, words in PERSON_FIGURES]
        line = f"  {pad(label, 18)} {' · '.join(parts)}"
        if c.get("already_exported_this_year"):
            line += (
                f"  (of these, already exported earlier this year: {number(c['already_exported_this_year'])})"
            )
        out.append(line)
    return out


def column_widths(rows: list[list[Any]], cap: int | None) -> list[int]:
    """Each column as wide as its widest cell, at most ``cap`` (no cap: nothing is cut)."""
    widths = [max(width(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return widths if cap is None else [min(cap, w) for w in widths]


def _room(max_width: int | None) -> int | None:
    """Columns left for a reason after its indent and item reference (``None``: no limit)."""
    return None if max_width is None else max(40, max_width - 30)


def render_check_table(doc: dict[str, Any], *, max_width: int | None = None) -> str:
    """The decision for a person at a terminal: route, items with their counts, persons per table.

    Long cells and reasons are cut to fit only with ``max_width`` (a terminal's width); a file keeps them whole.
    """
    lines: list[str] = []
    lists = ", ".join(str(x.get("id")) for x in doc.get("lists", []))
    lines.append(f"chujing check — as of {doc.get('as_of', '-')} — lists: {lists}")
    lines.append(
        f"scenario: {doc.get('scenario') or '-'}   subject: {doc.get('subject') or '-'}"
        + (f"   recipient: {doc['recipient']}" if doc.get("recipient") else "")
    )
    lines.append("")
    status = f"   (exit status {doc['exit_status']})" if "exit_status" in doc else ""
    lines.append(f"Route: {ROUTE_LABELS.get(doc.get('route'), doc.get('route'))}{status}")
    lines.append(f"Persons 涉及人数: {persons_shown(doc).sentence()}")  # the one figure, never cut
    items = doc.get("items", [])
    if items:
        lines.append("")
        lines.append("Items hit 命中条目")
        for it in items:
            p = it.get("persons") or {}
            lines.append(f"  {it['list']} item {it['item']} → {ROUTE_LABELS.get(it['route'], it['route'])}")
            if it.get("name"):
                lines.append(f"    {it['name']}")
            if p:
                lines.append(
                    f"    persons: {number(p.get('this_export'))} in this export + "
                    f"{number(p.get('prior_this_year'))} earlier this year = {number(p.get('total'))}"
                )
    persons = doc.get("persons", {})
    lines.append("")
    lines.append("Persons 自然人 (de-duplicated, 以自然人为单位去重)")
    lines += _person_lines(persons)
    tables = persons.get("tables", [])
    if tables:
        lines.append("")
        head = ["table", "key", "persons", "PI", "basis"]
        rows = [
            [
                t["table"],
                " → ".join(f"{k['kind']}({'+'.join(k['columns'])})" for k in t.get("key_chain", []))
                or "(none)",
                number(t.get("persons")),
                "sensitive" if t.get("sensitive") else "general",
                t.get("basis", ""),
            ]
            for t in tables
        ]
        widths = column_widths([head, *rows], 40 if max_width else None)
        lines.append("  " + "  ".join(pad(h, w) for h, w in zip(head, widths, strict=True)))
        for r in rows:
            lines.append(
                "  " + "  ".join(pad(truncate(str(c), w), w) for c, w in zip(r, widths, strict=True))
            )
    ledger = doc.get("ledger", {})
    lines.append("")
    state = f"{ledger.get('prior_exports', 0)} earlier export(s) counted" if ledger.get("exists") else "empty"
    lines.append(
        f"Ledger: {ledger.get('location')} ({state}; key {str(ledger.get('key_fingerprint', ''))[:12]}…)"
    )
    if ledger.get("recorded"):
        r = ledger["recorded"]
        lines.append(
            f"Recorded export {r['id']} dated {r['exported_at']}"
            + (f" (exempt: {r['exempt']})" if r.get("exempt") else "")
        )
    review = doc.get("manual_review", [])
    if review:
        lines.append("")
        lines.append("Manual review 需人工判断")
        for it in review:
            where = f"item {it['item']}" if it.get("item") is not None else f"note {it.get('note')}"
            lines.append(f"  {it['list']} {where}: {truncate(it.get('reason', ''), _room(max_width))}")
    for title, entries in (
        ("Candidate important data 重要数据候选", doc.get("candidate_important_data", [])),
    ):
        if entries:
            lines.append("")
            lines.append(title)
            for c in entries:
                where = (
                    f"{c['list']} item {c['item']}"
                    if c.get("source") == "negative_list"
                    else f"{c.get('rule')} clause {c.get('clause')}"
                )
                lines.append(f"  {where}: {truncate(str(c.get('reason', '')), _room(max_width))}")
    notes = [*doc.get("notes", []), *(t["note"] for t in tables if t.get("note"))]
    if notes:
        lines.append("")
        lines.append("Notes")
        lines.extend(f"  - {n}" for n in notes)
    for e in doc.get("errors", []):
        lines.append(f"error: {e}")
    return "\n".join(lines) + "\n"
