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
  :func:`catalog.findings.persons_from_tables`, so the figure and the route
  never disagree;
* ``none`` — no table that was read holds PI.

``sensitive`` counts persons with sensitive PI and ``general`` persons with
general PI, as the evaluation's bands count them; either is ``None`` when the
source of the figure does not say.

>>> from catalog.report import Column, Entity, Table
>>> sfzh = Entity.model_construct(type="CN_RESIDENT_ID", pi_class="sensitive", details=None, review=None)
>>> t = Table.model_construct(table="t", schema_=None, status="ok", row_count=7, sampled_rows=7,
...     columns=[Column.model_construct(name="sfzh", pi_class="sensitive", entities=[sfzh])])
>>> f = person_figure([t], [])
>>> f.count, f.basis, f.tables
(7, 'row_count_upper_bound', 1)
>>> person_figure([t], [], exact=ExactCount(5, 5, 0)).basis
'distinct_persons'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from catalog.findings import persons_from_tables, table_signature
from catalog.report import PersonFigure, PersonTally, Source, Table

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


def pi_tables(tables: Sequence[Table]) -> list[Table]:
    """The tables that were read and hold PI, in report order (what the evaluation counts persons over)."""
    return [t for t in tables if t.status == "ok" and table_signature(t)]


def _tally_for(t: Table, tallies: Sequence[PersonTally] | None) -> PersonTally | None:
    """The person counter's tally of ``t``: from ``tallies`` (matched by source and table), else ``t.persons``."""
    if tallies is None:
        return t.persons
    return next((x for x in tallies if x.table == t.qualified_name and x.source == t.source), None)


def _counted_exactly(tally: PersonTally | None) -> bool:
    return tally is not None and tally.basis == _DISTINCT_TALLY


def _failed_note(tables: Sequence[Table], sources: Sequence[Source]) -> str:
    failed = sum(1 for t in tables if t.status != "ok") + sum(1 for s in sources if s.status != "ok")
    return f"; {failed} source(s) or table(s) could not be read and are not counted" if failed else ""


def person_figure(
    tables: Sequence[Table],
    sources: Sequence[Source],
    tallies: Sequence[PersonTally] | None = None,
    *,
    exact: ExactCount | None = None,
) -> PersonFigure:
    """The report's person figure (see the module docstring), from a scan's annotated tables and its sources.

    ``tallies`` are per-table person tallies; without them each table's
    ``persons`` tally is used when present.  ``exact`` is a count de-duplicated
    across tables: when given it is the figure.
    """
    held = pi_tables(tables)
    failed = _failed_note(tables, sources)
    if exact is not None:
        how = f"distinct persons across the {len(held)} table(s) holding PI, {exact.how}{failed}"
        return PersonFigure(
            count=exact.count,
            sensitive=exact.sensitive,
            general=exact.general,
            basis="distinct_persons",
            derivation=how,
            tables=len(held),
        )
    if not held:
        read = any(t.status == "ok" for t in tables)
        zero = 0 if read else None
        why = (
            "no table that was read holds personal information"
            if read
            else "no table could be read, so the persons are unknown"
        )
        return PersonFigure(
            count=zero, sensitive=zero, general=zero, basis="none", derivation=why + failed, tables=0
        )
    tally = _tally_for(held[0], tallies) if len(held) == 1 else None
    if tally is not None and _counted_exactly(tally):
        how = (
            f"distinct persons in the only table holding PI ({held[0].qualified_name}), counted exactly by its "
            f"{tally.key_kind} key"
        )
        unkeyed = tally.rows_without_key
        how += f" ({unkeyed:,} rows without a key counted as one person each)" if unkeyed else ""
        return PersonFigure(
            count=tally.persons,
            sensitive=tally.persons_sensitive,
            general=None,
            basis="distinct_persons",
            derivation=how + failed,
            tables=1,
        )
    est = persons_from_tables(tables)
    sampled = [t.qualified_name for t in held if t.row_count is None]  # the sample stands for the rows
    how = (
        f"sum of the row counts of the {len(held)} table(s) holding PI: an upper bound (no more persons than "
        "rows; persons who appear in several tables or rows are counted each time — chujing check counts "
        "distinct persons)"
    )
    if sampled:
        how += f"; sampled rows stand for the unknown row counts of {', '.join(sampled)}"
    if len(held) > 1 and all(_counted_exactly(_tally_for(t, tallies)) for t in held):
        how += "; each table's persons were counted exactly, but not de-duplicated across tables"
    return PersonFigure(
        count=est.any.this_export,
        sensitive=est.sensitive.this_export,
        general=est.general.this_export,
        basis="row_count_upper_bound",
        derivation=how + failed,
        tables=len(held),
    )
