"""The one person figure a report states: how many natural persons its PI concerns, and how that was found.

The lists draw their lines in distinct natural persons (以自然人为单位, e.g.
不满1万人), so a report that says 5,000 persons in one format and 10,200 in another
could send a reader down two routes.  :func:`person_figure` builds the number
once; the scanner stores it as ``report["persons"]`` and every renderer reads
that object instead of adding up rows of its own::

    {"count": 10200, "sensitive": 8700, "general": 10200, "basis": "row_count_upper_bound",
     "derivation": "sum of the row counts of the 6 tables holding PI; an upper bound ...",
     "tables": 6}

``basis`` is one of

* ``distinct_persons`` — persons counted exactly: the caller passes a count
  de-duplicated across tables (:class:`ExactCount`, from the person counter and
  the ledger), or the only table holding PI carries a keyed tally;
* ``row_count_upper_bound`` — a scan sees tables, not people: the sum of the
  row counts of the tables holding PI, which no number of distinct persons can
  exceed (one row per person at most, no person in two tables); the bound the
  negative-list evaluation of a scan uses, from
  :func:`catalog.findings.persons_from_report`, so the figure and the route
  never disagree;
* ``none`` — no table that was read holds PI.

``sensitive`` counts persons with sensitive PI and ``general`` persons with
general PI, as the evaluation's bands count them; either is ``None`` when the
source of the figure does not say.

>>> t = {"table": "t", "status": "ok", "row_count": 7, "columns": [
...     {"name": "sfzh", "pi_class": "sensitive", "entities": [{"type": "CN_RESIDENT_ID", "pi_class": "sensitive"}]}]}
>>> f = person_figure({"tables": [t]})
>>> f["count"], f["basis"], f["tables"]
(7, 'row_count_upper_bound', 1)
>>> person_figure({"tables": [t]}, exact=ExactCount(5, 5, 0))["basis"]
'distinct_persons'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from catalog.findings import persons_from_report, table_signature

BASES = ("distinct_persons", "row_count_upper_bound", "none")
#: Tally bases (scanner.export.persons.PersonTally) whose number is distinct persons, not rows.
_DISTINCT_TALLY = "distinct_key"


@dataclass(frozen=True)
class ExactCount:
    """Distinct persons across every table, counted by the caller (keys de-duplicated across tables).

    ``how`` completes the derivation sentence ("distinct persons ..., <how>").
    """

    count: int
    sensitive: int | None = None
    general: int | None = None
    how: str = "normalised person keys de-duplicated across tables"


def _name(t: dict[str, Any]) -> str:
    return f"{t['schema']}.{t['table']}" if t.get("schema") else str(t.get("table"))


def _rows(t: dict[str, Any]) -> tuple[int, bool]:
    """A table's row count, and whether it is the sample's size instead (row count unknown)."""
    if t.get("row_count") is not None:
        return int(t["row_count"]), False
    return int(t.get("sampled_rows") or 0), True


def pi_tables(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The tables that were read and hold PI, in report order (what the evaluation counts persons over)."""
    return [t for t in report.get("tables", []) if t.get("status", "ok") == "ok" and table_signature(t)]


def _tally_for(t: dict[str, Any], tallies: Sequence[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The person counter's tally of ``t``: from ``tallies`` (matched by source and table), else ``t["persons"]``."""
    if tallies is not None:
        for x in tallies:
            if x.get("table") == _name(t) and x.get("source", t.get("source")) == t.get("source"):
                return x
        return None
    p = t.get("persons")
    return p if isinstance(p, dict) else None


def _failed_note(report: dict[str, Any]) -> str:
    failed = sum(1 for t in report.get("tables", []) if t.get("status", "ok") != "ok")
    failed += sum(1 for s in report.get("sources", []) if s.get("status", "ok") != "ok")
    return f"; {failed} source(s) or table(s) could not be read and are not counted" if failed else ""


def _figure(
    count: int | None, sensitive: int | None, general: int | None, basis: str, derivation: str, tables: int
) -> dict[str, Any]:
    return {
        "count": count,
        "sensitive": sensitive,
        "general": general,
        "basis": basis,
        "derivation": derivation,
        "tables": tables,
    }


def person_figure(
    report: dict[str, Any],
    tallies: Sequence[dict[str, Any]] | None = None,
    *,
    exact: ExactCount | None = None,
) -> dict[str, Any]:
    """The report's person figure (see the module docstring), from an annotated scan report.

    ``tallies`` are per-table person tallies (``PersonTally.to_dict()``); without
    them each table's ``persons`` tally is used when present.  ``exact`` is a
    count de-duplicated across tables: when given it is the figure.
    """
    held = pi_tables(report)
    failed = _failed_note(report)
    if exact is not None:
        how = f"distinct persons across the {len(held)} table(s) holding PI, {exact.how}{failed}"
        return _figure(exact.count, exact.sensitive, exact.general, "distinct_persons", how, len(held))
    if not held:
        read = any(t.get("status", "ok") == "ok" for t in report.get("tables", []))
        return _figure(
            0 if read else None,
            0 if read else None,
            0 if read else None,
            "none",
            (
                "no table that was read holds personal information"
                if read
                else "no table could be read, so the persons are unknown"
            )
            + failed,
            0,
        )
    tally = _tally_for(held[0], tallies) if len(held) == 1 else None
    if tally is not None and tally.get("basis") == _DISTINCT_TALLY and isinstance(tally.get("persons"), int):
        unkeyed = int(tally.get("rows_without_key") or 0)
        how = (
            f"distinct persons in the only table holding PI ({_name(held[0])}), counted exactly by its "
            f"{tally.get('key_kind') or 'person'} key"
        )
        how += f" ({unkeyed:,} rows without a key counted as one person each)" if unkeyed else ""
        sens = tally.get("persons_sensitive")
        return _figure(
            tally["persons"],
            sens if isinstance(sens, int) else None,
            None,
            "distinct_persons",
            how + failed,
            1,
        )
    est = persons_from_report(report)
    sampled = [_name(t) for t in held if _rows(t)[1]]
    how = (
        f"sum of the row counts of the {len(held)} table(s) holding PI: an upper bound (no more persons than "
        "rows; persons who appear in several tables or rows are counted each time — chujing check counts "
        "distinct persons)"
    )
    if sampled:
        how += f"; sampled rows stand for the unknown row counts of {', '.join(sampled)}"
    if len(held) > 1 and all((_tally_for(t, tallies) or {}).get("basis") == _DISTINCT_TALLY for t in held):
        how += "; each table's persons were counted exactly, but not de-duplicated across tables"
    return _figure(
        est.any.this_export,
        est.sensitive.this_export,
        est.general.this_export,
        "row_count_upper_bound",
        how + failed,
        len(held),
    )
