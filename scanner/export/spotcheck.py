"""The consistency spot-check (一致性抽验) as a run: scan the export data, count its persons, compare.

:mod:`reports.spotcheck` compares a scan with a filing and renders the result;
this module does what needs the sources: it scans them
(:func:`scanner.scan.scan`), goes back to them to count the distinct persons
of every table holding PI in its engine (:func:`scanner.export.persons.count_persons`),
and hands both to :func:`reports.spotcheck.compare`.

Persons are merged across tables by their normalised, kind-tagged keys, held
in memory as 16-byte BLAKE2b digests (never the keys) up to
:data:`UNION_LIMIT`; beyond it, or when a source cannot be counted, the
figures fall back to upper bounds and the result says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.findings import PersonQuery, count_matching, signature_matches
from catalog.report import ScanReport, to_document
from connectors import Connector, SourceError, TableInfo, open_source
from reports.filing import Filing
from reports.spotcheck import PersonFigures, SpotcheckResult, compare, persons_from_rows
from scanner.export.person_plan import person_key_for
from scanner.export.persons import PersonTally, count_persons, iter_hashed_person_keys
from scanner.observer import SILENT, Progress, ScanObserver
from scanner.scan import ScanOptions, scan
from scanner.store.runner import StoreRun

SENSITIVE = PersonQuery("sensitive")
#: Distinct keys merged in memory across tables (as 16-byte hashes) before falling back to bounds.
UNION_LIMIT = 5_000_000


def run_spotcheck(
    filing: Filing,
    sources: Sequence[str],
    options: ScanOptions | None = None,
    *,
    person_keys: Sequence[Sequence[str]] = (),
    count_persons: bool = True,
    observer: ScanObserver | None = None,
    run: StoreRun | None = None,
) -> SpotcheckResult:
    """Scan ``sources`` with ``options``, count persons, compare with ``filing``.

    ``count_persons=False`` takes row counts instead of counting distinct persons in the engines.
    ``run``: a scan-store run; its reviews apply (a dismissed finding is not a divergence).
    """
    options = options or ScanOptions()
    observer = observer or SILENT
    report = scan(list(sources), options, observer, run=run)
    doc = to_document(report)  # the filing is compared with the report as it is written
    if not count_persons:
        return compare(filing, doc, persons_from_rows(doc))
    persons = count_export_persons(
        sources, report, connector_options=options.open_options(), person_keys=person_keys, observer=observer
    )
    return compare(filing, doc, persons)


@dataclass
class _Steps:
    """The progress of counting: tables counted, keys hashed."""

    counted: Progress
    hashed: Progress


def union_hashes(keys: Sequence[str]) -> list[bytes]:
    """16-byte BLAKE2b digests of person keys, what the union keeps (module level: Spark's executors run it).

    >>> len(union_hashes(["resident_id:11010519491231002"])[0])
    16
    """
    return [hashlib.blake2b(k.encode("utf-8"), digest_size=16).digest() for k in keys]


@dataclass
class _KeyUnion:
    """The distinct persons of several tables: hashed keys merged in memory, rows without a key added."""

    keys: set[bytes] = field(default_factory=set)
    keys_sensitive: set[bytes] = field(default_factory=set)
    unkeyed: int = 0
    unkeyed_sensitive: int = 0
    over_limit: bool = False

    def add_tally(self, tally: PersonTally) -> None:
        self.unkeyed += tally.unkeyed
        self.unkeyed_sensitive += count_matching(tally.unkeyed_signatures, SENSITIVE)

    def add_keys(self, connector: Connector, info: TableInfo, tally: PersonTally, progress: Progress) -> None:
        """Stream the table's keys in, hashed at once; stop at :data:`UNION_LIMIT`."""
        if not tally.keyed or self.over_limit:
            return
        for batch in iter_hashed_person_keys(connector, info, tally, union_hashes):
            progress.update(len(batch))
            for hashed, sig in batch:
                self.keys.add(hashed)
                if signature_matches(sig, SENSITIVE):
                    self.keys_sensitive.add(hashed)
            if len(self.keys) > UNION_LIMIT:
                self.over_limit = True
                return


def count_export_persons(
    sources: Sequence[str],
    scan: ScanReport,
    *,
    connector_options: dict[str, Any],
    person_keys: Sequence[Sequence[str]] = (),
    observer: ScanObserver = SILENT,
) -> PersonFigures:
    """Distinct persons across the scanned tables, counted in the engines (see the module docstring)."""
    fig = PersonFigures(basis="distinct_key")
    union = _KeyUnion()
    bound = persons_from_rows(to_document(scan))
    steps = _Steps(
        counted=observer.progress("counting persons", unit="table", total=len(bound.by_table)),
        hashed=observer.progress("hashing person keys", unit="key"),
    )
    try:
        for source in sources:
            _count_source(source, scan, connector_options, person_keys, fig, union, steps)
    except SourceError as exc:
        fig.notes.append(
            f"persons could not be counted in {exc.message}; row counts used there (upper bound)"
        )
        for name, entry in bound.by_table.items():
            fig.by_table.setdefault(name, entry)
        return _fallback(fig, bound)
    finally:
        steps.counted.close()
        steps.hashed.close()
    if union.over_limit:
        fig.notes.append(
            f"more than {UNION_LIMIT:,} distinct keys: tables summed instead of merged (upper bound)"
        )
        return _fallback(fig, bound, summed=True)
    fig.persons = len(union.keys) + union.unkeyed
    fig.persons_sensitive = len(union.keys_sensitive) + union.unkeyed_sensitive
    if union.unkeyed:
        fig.basis = "distinct_key_with_unkeyed_rows"
        fig.notes.append(
            f"{union.unkeyed:,} person(s) counted from rows without a key (row counts or empty key columns): "
            "an upper bound for those"
        )
    return fig


def _count_source(
    source: str,
    scan: ScanReport,
    connector_options: dict[str, Any],
    person_keys: Sequence[Sequence[str]],
    fig: PersonFigures,
    union: _KeyUnion,
    steps: _Steps,
) -> None:
    """Count the persons of one source's tables holding PI into ``fig`` and ``union``."""
    conn = open_source(source, **connector_options)
    with conn:
        mine = [
            t
            for t in scan.tables
            if t.source == conn.display_uri and t.status == "ok" and any(c.pi_class for c in t.columns)
        ]
        if not mine:
            return
        infos = {(i.schema or "", i.name): i for i in conn.list_tables()}
        for t in mine:
            info = infos.get((t.schema_ or "", t.table))
            if info is None:
                raise SourceError(
                    f"{t.qualified_name}: not found again for counting", source=conn.display_uri
                )
            tally = count_persons(conn, info, t, person_key=person_key_for(t, person_keys))
            fig.by_table[t.qualified_name] = _entry(tally)
            union.add_tally(tally)
            union.add_keys(conn, info, tally, steps.hashed)
            steps.counted.update(1)


def _entry(tally: PersonTally) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "persons": tally.persons,
        "basis": tally.basis,
        "sensitive": tally.sensitive,
        "key_kind": tally.key_kind,
        "key_columns": list(tally.key_columns),
    }
    if tally.note:
        entry["note"] = tally.note
    return entry


def _fallback(fig: PersonFigures, bound: PersonFigures, *, summed: bool = False) -> PersonFigures:
    if summed:
        fig.persons = sum(int(e.get("persons") or 0) for e in fig.by_table.values())
        fig.persons_sensitive = sum(
            int(e.get("persons") or 0) for e in fig.by_table.values() if e.get("sensitive")
        )
        fig.basis = "distinct_key_with_unkeyed_rows"
    else:
        fig.persons, fig.persons_sensitive, fig.basis = bound.persons, bound.persons_sensitive, bound.basis
    return fig
