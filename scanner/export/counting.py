"""The persons of an export: every scanned table counted in its engine, then the year's figure.

Each table's distinct persons are counted exactly where the data is
(:func:`scanner.export.persons.count_persons`).  When those numbers must be
merged — several keyed tables, earlier exports this year, or a record to write
(:func:`must_merge`) — each table's normalised keys are also streamed out of
the engine, hashed at once and kept in the ledger session, whose database
counts this export's persons and their overlap with the year's earlier
exports (:func:`tally_year`).  Otherwise the engine's own count is exact and
nothing is hashed.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.findings import PersonCounts, Signature, merge_signatures
from catalog.report import ScanReport, Table
from connectors import Connector, SourceError, TableInfo, open_source
from connectors.uri import scrub
from scanner.export.ledger import LedgerSession
from scanner.export.ledger_counts import Histograms, YearTally
from scanner.export.person_plan import person_key_for, plan_person_key
from scanner.export.persons import PersonTally, count_persons, iter_hashed_person_keys
from scanner.observer import Progress, ScanObserver


@dataclass
class ExportCount:
    """The persons of one export: per table, and this year's figure against the ledger."""

    tallies: list[PersonTally]
    year: YearTally
    #: persons counted without a key (each row a person), per signature: never de-duplicated
    unkeyed_groups: dict[Signature, int] = field(default_factory=dict)
    #: one line per source or table whose persons could not be counted
    errors: list[str] = field(default_factory=list)

    @property
    def unkeyed(self) -> int:
        return sum(self.unkeyed_groups.values())


def must_merge(
    report: ScanReport,
    person_keys: Sequence[Sequence[str]],
    session: LedgerSession,
    as_of: _dt.date,
    *,
    recording: bool,
) -> bool:
    """Whether persons must be hashed into the ledger: a record to write, several keyed tables, or earlier
    exports this year whose persons may be the same."""
    plans = (plan_person_key(t, person_key_for(t, person_keys)) for t in report.tables)
    keyed = sum(1 for p in plans if p is not None and p.parts)
    return recording or keyed > 1 or session.prior_persons(as_of) > 0


def count_export(
    sources: Sequence[str],
    report: ScanReport,
    *,
    open_options: dict[str, Any],
    person_keys: Sequence[Sequence[str]],
    session: LedgerSession,
    as_of: _dt.date,
    merge: bool,
    observer: ScanObserver,
) -> ExportCount:
    """Count every scanned table's persons (with ``merge``, hashing their keys into ``session``), then the year."""
    errors: list[str] = []
    tallies = count_tables(
        sources,
        report,
        open_options=open_options,
        person_keys=person_keys,
        session=session if merge else None,
        as_of=as_of,
        errors=errors,
        observer=observer,
    )
    unkeyed_groups = merge_signatures(*(t.unkeyed_signatures for t in tallies))
    year = tally_year(session, tallies, unkeyed_groups, as_of, merge=merge)
    return ExportCount(tallies, year, unkeyed_groups, errors)


def tally_year(
    session: LedgerSession,
    tallies: Sequence[PersonTally],
    unkeyed_groups: dict[Signature, int],
    as_of: _dt.date,
    *,
    merge: bool,
) -> YearTally:
    """This export's persons against the year's: counted by the ledger database when merged, else the engines'."""
    if merge:
        session.add_unkeyed(unkeyed_groups)
        year = session.tally(as_of)
    else:  # one keyed table at most and nothing earlier this year: the engine's own counts are exact
        this = merge_signatures(*(t.all_signatures() for t in tallies))
        year = YearTally.of(as_of, Histograms(current=this, total=this), PersonCounts(this))
        year.prior_exports = session.tally(as_of).prior_exports if session.ledger.exists else 0
    year.this_unkeyed = sum(unkeyed_groups.values())
    return year


def count_tables(
    sources: Sequence[str],
    report: ScanReport,
    *,
    open_options: dict[str, Any],
    person_keys: Sequence[Sequence[str]],
    session: LedgerSession | None,
    as_of: _dt.date,
    errors: list[str],
    observer: ScanObserver,
) -> list[PersonTally]:
    """Count every scanned table's persons; with a session, also stream its hashed keys into it.

    Failures become lines of ``errors``; progress goes to ``observer`` (tables
    counted, keys hashed).
    """
    tallies: list[PersonTally] = []
    seen: set[int] = set()
    counted = observer.progress(
        "counting persons", unit="table", total=sum(1 for t in report.tables if t.status == "ok")
    )
    hashed = observer.progress("hashing person keys", unit="key") if session is not None else None
    try:
        for source in sources:
            try:
                connector = open_source(source, **open_options)
            except SourceError as exc:
                errors.append(scrub(exc.message, source))
                continue
            mine = [
                t
                for t in report.tables
                if t.source == connector.display_uri and t.status == "ok" and id(t) not in seen
            ]
            if not mine:
                continue
            try:
                with connector:
                    listed = {(i.schema, i.name): i for i in connector.list_tables()}
                    for t in mine:
                        seen.add(id(t))
                        info = listed.get((t.schema_, t.table))
                        tally = _count_table(connector, info, t, person_key_for(t, person_keys), as_of)
                        if session is not None and hashed is not None and info is not None and tally.keyed:
                            _hash_keys(connector, info, tally, session, hashed)
                        if tally.error:
                            errors.append(scrub(tally.error, source))
                        tallies.append(tally)
                        counted.update(1)
            except SourceError as exc:
                errors.append(scrub(exc.message, source))
    finally:
        counted.close()
        if hashed is not None:
            hashed.close()
    return tallies


def _count_table(
    connector: Connector,
    info: TableInfo | None,
    t: Table,
    person_key: Sequence[str] | None,
    as_of: _dt.date,
) -> PersonTally:
    """One table's persons.  Failures end up in ``tally.error``."""
    tally = PersonTally(table=t.qualified_name, source=connector.display_uri, schema=t.schema_)
    if info is None:
        tally.basis, tally.error = "error", f"{connector.display_uri}: table {tally.table} vanished; rerun"
        return tally
    try:
        tally = count_persons(connector, info, t, person_key=person_key, as_of=as_of)
        tally.source = connector.display_uri
    except SourceError as exc:
        tally.basis, tally.error = "error", exc.message
    return tally


def _hash_keys(
    connector: Connector, info: TableInfo, tally: PersonTally, session: LedgerSession, progress: Progress
) -> None:
    """Stream a counted table's keys into the session, hashed at once; a connector that cannot stream them
    leaves its persons counted without de-duplication, and says so."""
    try:
        for batch in iter_hashed_person_keys(connector, info, tally, session.ledger.hasher.hash_many):
            session.add_hashed(batch)
            progress.update(len(batch))
    except NotImplementedError:  # counted, but its keys cannot be streamed out
        tally.unkeyed_signatures = tally.all_signatures()
        tally.signatures = {}
        tally.distinct_keys = 0
        tally.note = (tally.note + "; " if tally.note else "") + (
            f"{type(connector).__name__} cannot stream keys: these persons are counted without "
            "de-duplication against other tables and exports"
        )
    except SourceError as exc:
        tally.basis, tally.error = "error", exc.message
