"""The terminal table of ``chujing ledger show``: the year's recorded exports and de-duplicated totals."""

from __future__ import annotations

from typing import Any

from connectors.textio import pad, truncate
from reports.check_table import column_widths, number


def render_ledger_table(doc: dict[str, Any], *, max_width: int | None = None) -> str:
    """One line per export (cells cut to fit only with ``max_width``), after the year's totals."""
    t = doc["totals"]
    lines = [
        f"Ledger {doc['ledger']} — {doc['year']}"
        + ("" if doc["exists"] else " (empty: nothing recorded yet)"),
        f"Persons exported in {doc['year']} (de-duplicated, exempt exports not counted): "
        f"{t['persons']['any']:,} — sensitive PI {t['persons']['sensitive']:,}, "
        f"general PI {t['persons']['general']:,}"
        + (f" (incl. {t['unkeyed']:,} counted without a key)" if t["unkeyed"] else ""),
        "",
    ]
    head = [
        "id",
        "exported",
        "lists",
        "scenario",
        "subject",
        "route",
        "persons",
        "sensitive",
        "exempt",
        "recipient",
    ]
    rows = [
        [
            e["id"],
            e["exported_at"],
            ",".join(str(x.get("id", x)) if isinstance(x, dict) else str(x) for x in e.get("lists") or []),
            e.get("scenario") or "",
            e.get("subject") or "",
            e.get("route") or "",
            number(e.get("persons_any")),
            number(e.get("persons_sensitive")),
            e.get("exempt") or "",
            e.get("recipient") or "",
        ]
        for e in doc["exports"]
    ]
    if not rows:
        lines.append("no exports recorded this year")
        return "\n".join(lines) + "\n"
    widths = column_widths([head, *rows], 36 if max_width else None)
    lines.append("  ".join(pad(h, w) for h, w in zip(head, widths, strict=True)).rstrip())
    for r in rows:
        lines.append("  ".join(pad(truncate(str(c), w), w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"
