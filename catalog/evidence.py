"""An item's evidence: every finding in full for JSON, and grouped in words a person reads in seconds.

A gene table of forty columns gives forty findings; a reason that repeats
"sub-category 27 遗传资源 in gene_variant_calls.X" forty times hides the one
thing it says.  So each finding is kept as a record (``evidence`` on a hit, for
machines and audits) and the reason groups them: by table, then by entity type
or sub-category, with the columns listed once.

>>> entries = [entity_entry(EntityHit("GENETIC_VARIANT", "calls", c, 0.97)) for c in ("v1", "v2")]
>>> entries += [category_entry(CategoryHit("r", "27", "遗传资源", "calls", c)) for c in ("v1", "v2")]
>>> grouped_words(entries)
'calls: GENETIC_VARIANT in v1 (97%), v2 (97%); sub-category 27 遗传资源 in v1, v2'
"""

from __future__ import annotations

from typing import Any

from catalog.findings import CategoryHit, EntityHit

#: Columns named per group before "and N more" (the JSON evidence keeps them all).
COLUMNS_SHOWN = 6


def entity_entry(h: EntityHit) -> dict[str, Any]:
    """One entity finding as an evidence record."""
    out: dict[str, Any] = {
        "kind": "entity",
        "type": h.type,
        "table": h.table,
        "column": h.column,
        "match_ratio": h.match_ratio,
        "pi_class": h.pi_class,
    }
    if h.precision_m is not None:
        out["precision_m"] = h.precision_m
    return out


def category_entry(c: CategoryHit) -> dict[str, Any]:
    """One column filed under a reference-rule sub-category, as an evidence record."""
    return {
        "kind": "category",
        "rule": c.rule,
        "code": c.code,
        "name": c.name,
        "table": c.table,
        "column": c.column,
    }


def export_control_entry(code: str, where: list[str]) -> dict[str, Any]:
    """A technology-catalogue code and where it was seen."""
    return {"kind": "export_control_code", "code": code, "where": list(where)}


def words_entry(text: str) -> dict[str, Any]:
    """Evidence already worded by its producer (a trajectory's measured precision)."""
    return {"kind": "words", "text": text}


def _columns(cols: list[str]) -> str:
    shown = list(dict.fromkeys(cols))
    more = len(shown) - COLUMNS_SHOWN
    return ", ".join(shown[:COLUMNS_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _entity_column(e: dict[str, Any]) -> str:
    r = e.get("match_ratio")
    return e["column"] if r is None else f"{e['column']} ({r * 100:.0f}%)"


def grouped_words(entries: list[dict[str, Any]]) -> str:
    """The entries in words: per table, each entity type and sub-category once, with its columns."""
    tables: dict[str, dict[str, list[str]]] = {}
    tail: list[str] = []
    for e in entries:
        if e["kind"] == "entity":
            tables.setdefault(e["table"], {}).setdefault(e["type"], []).append(_entity_column(e))
        elif e["kind"] == "category":
            tables.setdefault(e["table"], {}).setdefault(f"sub-category {e['code']} {e['name']}", []).append(
                e["column"]
            )
        elif e["kind"] == "export_control_code":
            tail.append(f"technology-catalogue code {e['code']} in {', '.join(e['where'])}")
        else:
            tail.append(e["text"])
    parts = [
        f"{t}: " + "; ".join(f"{what} in {_columns(cols)}" for what, cols in groups.items())
        for t, groups in tables.items()
    ]
    return " | ".join(dict.fromkeys([*parts, *tail]))
