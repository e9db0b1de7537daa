"""The pre-export gate: scan an export, count its persons against the ledger, decide the route.

:func:`assess` is what ``chujing check`` and ``chujing ledger record`` share, in steps:

1. check the request against the catalogue (:func:`scanner.export.request.validate_request`);
2. scan the sources (:func:`scanner.scan.scan`) so that every column carries its
   findings and PI class; a source that gave no table is an error (:func:`unread_sources`);
3. count each table's distinct persons in its engine and, when they must be
   merged, hash their keys into the ledger session, which counts this export
   against the year's earlier ones (:mod:`scanner.export.counting`);
4. apply the negative lists (:func:`catalog.evaluator.evaluate`) with those
   counts, and the important-data identification rule (:func:`decide`), and
   write the decision into the scan report (:func:`with_decision`);
5. with a record, store the export in the ledger (:func:`record_export`).

The result is an :class:`~scanner.export.assessment.Assessment`; its route maps to the exit status.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from catalog import applied_texts, findings_from_tables, identify
from catalog.candidates import candidate_important_data
from catalog.evaluator import Evaluation, evaluate
from catalog.findings import Signature
from catalog.loader import Catalog
from catalog.mapping import load_mapping
from catalog.models import CatalogError
from catalog.person_figure import ExactCount, person_figure
from catalog.report import ImportantData, ScanReport
from catalog.scope import scope_reviews
from scanner import __version__
from scanner.export.assessment import Assessment
from scanner.export.counting import ExportCount, count_export, must_merge
from scanner.export.ledger import EXEMPTIONS, ExportRecord, Ledger, LedgerSession
from scanner.export.ledger_counts import YearTally, year_window
from scanner.export.person_plan import has_columns
from scanner.export.persons import PersonTally
from scanner.export.request import CheckError, CheckOptions, validate_request
from scanner.observer import SILENT, ScanObserver
from scanner.scan import ScanOptions, scan
from scanner.store.runner import StoreRun
from scanner.store.store import utc_now


def assess(
    sources: Sequence[str],
    options: CheckOptions,
    ledger: Ledger,
    *,
    observer: ScanObserver | None = None,
    record: ExportRecord | None = None,
    run: StoreRun | None = None,
) -> Assessment:
    """Scan, count persons, consult (and with ``record``, write) the ledger, and decide.

    ``record`` carries the export's date and description; its lists, items,
    route, sources, dataset fingerprint and counts are filled in here.  Raises
    :class:`~scanner.export.request.CheckError` for a request that cannot be checked.
    """
    observer = observer or SILENT
    catalog = validate_request(options)
    started = utc_now()
    as_of = record.exported_at if record else (options.as_of or _dt.date.today())
    report = scan(sources, options.scan_options(), observer, catalog=catalog, run=run)
    errors = scan_errors(report) + _reported(observer, unread_sources(report, options.scan))
    require_person_keys(report, options.person_keys)
    with ledger.session() as session:
        count = count_export(
            sources,
            report,
            open_options=options.scan.open_options(),
            person_keys=options.person_keys,
            session=session,
            as_of=as_of,
            merge=must_merge(report, options.person_keys, session, as_of, recording=record is not None),
            observer=observer,
        )
        errors += _reported(observer, count.errors)  # the scan reported its own failures as they happened
        basis = "ledger" if ledger.exists else "distinct_persons"
        ev, identification = decide(report, catalog, options, count.year, basis=basis)
        report = with_decision(report, catalog, options.scan, ev, identification, count.year)
        recorded = record_export(session, record, report, ev, count, errors) if record is not None else None
    report = with_tallies(report, count.tallies)
    return Assessment(
        options=options,
        as_of=as_of,
        report=report,
        tallies=count.tallies,
        year=count.year,
        evaluation=ev,
        identification=identification,
        started_at=started,
        finished_at=utc_now(),
        errors=errors,
        notes=_exempt_notes(record) + _count_notes(count),
        recorded=recorded,
        ledger=_ledger_facts(ledger, as_of, count.year),
    )


# --- the steps -------------------------------------------------------------------------------------


def scan_errors(report: ScanReport) -> list[str]:
    """The scan's failures, one line per source or table that could not be read."""
    errors = [s.error or s.uri for s in report.sources if s.status != "ok"]
    return errors + [t.error or t.qualified_name for t in report.tables if t.status != "ok"]


def _reported(observer: ScanObserver, errors: list[str]) -> list[str]:
    for message in errors:
        observer.error(message)
    return errors


def unread_sources(report: ScanReport, options: ScanOptions) -> list[str]:
    """One error per source that opened but gave no table to check: data not read is never "outside the list".

    >>> from catalog.report import Source
    >>> empty = ScanReport.model_construct(sources=[Source.model_construct(uri="sqlite:///a.db", status="ok")], tables=[])
    >>> print(unread_sources(empty, ScanOptions(include=["ods_*"]))[0].split(";")[0])
    sqlite:///a.db: no table to check — --tables ods_* matched none
    """
    out = []
    for s in report.sources:
        if s.status != "ok":
            continue
        if any(t.source == s.uri for t in report.tables):
            continue
        why = (
            f"--tables {' '.join(options.include)} matched none"
            if options.include
            else ("every table is excluded by --exclude " + " ".join(options.exclude))
            if options.exclude
            else "the source holds no table (an empty directory or database?)"
        )
        out.append(
            f"{s.uri}: no table to check — {why}; nothing was read, so nothing can be cleared "
            "(list the tables with chujing scan, or fix the filter)"
        )
    return out


def require_person_keys(report: ScanReport, person_keys: Sequence[Sequence[str]]) -> None:
    """``--person-key`` names columns no scanned table has: a typo, refused before persons are counted."""
    if person_keys and not any(has_columns(t, k) for t in report.tables for k in person_keys):
        shown = " / ".join(",".join(k) for k in person_keys)
        raise CheckError(f"--person-key {shown}: no scanned table has the column(s) — check the names")


def decide(
    report: ScanReport, catalog: Catalog, options: CheckOptions, year: YearTally, *, basis: str
) -> tuple[Evaluation, ImportantData]:
    """The lists' items and route for these persons, and the identification rule's candidates."""
    asked = options.scan
    persons = year.person_counts(basis)
    findings = findings_from_tables(report.tables)
    try:
        ev = evaluate(
            findings,
            catalog=catalog,
            lists=list(asked.lists),
            scenario=asked.scenario,
            subject=asked.subject,
            persons=persons,
            modality=asked.modality,
        )
    except CatalogError as exc:
        raise CheckError("; ".join(exc.problems)) from None
    identification = ImportantData.model_validate(
        identify(
            findings,
            persons,
            rule=catalog.reference_rule(asked.reference_rule),
            rule_evidence=catalog.get(asked.reference_rule).evidence(),
            ciio=options.ciio,
            accounts_or_diagnosis_entities=load_mapping().accounts_or_diagnosis_entities,
        )
    )
    ev.manual_review += scope_reviews(catalog, asked.lists, scenario=asked.scenario, modality=asked.modality)
    return ev, identification


def with_decision(
    report: ScanReport,
    catalog: Catalog,
    asked: ScanOptions,
    ev: Evaluation,
    identification: ImportantData,
    year: YearTally,
) -> ScanReport:
    """The scan report with the check's decision in it, so that the report inside the check says what the check
    says: its list items and candidates, the persons counted exactly, and the lists applied."""
    list_items = ev.to_model()
    exact = ExactCount(year.this_any, year.this_sensitive, year.this_general, "counted by chujing check")
    return report.model_copy(
        update={
            "list_items": list_items,
            "important_data": identification,
            "candidate_important_data": candidate_important_data(list_items, identification),
            "persons": person_figure(report.tables, report.sources, exact=exact),
            "catalog": applied_texts(catalog, asked.reference_rule, asked.lists),
        }
    )


def with_tallies(report: ScanReport, tallies: Sequence[PersonTally]) -> ScanReport:
    """Each scanned table carries its persons (``tables[].persons``)."""
    by_table: dict[tuple[str, str], PersonTally] = {}
    for x in tallies:
        by_table.setdefault((x.source, x.table), x)
    tables = []
    for t in report.tables:
        tally = by_table.get((t.source, t.qualified_name))
        tables.append(t if tally is None else t.model_copy(update={"persons": tally.to_model()}))
    return report.model_copy(update={"tables": tables})


def record_export(
    session: LedgerSession,
    record: ExportRecord,
    report: ScanReport,
    ev: Evaluation,
    count: ExportCount,
    errors: list[str],
) -> dict[str, Any]:
    """Store the export and its hashed persons; refused when anything was not read (its persons would be missing)."""
    if errors:
        raise CheckError(
            f"{len(errors)} source(s) or table(s) could not be read, so their persons would be "
            "missing from the ledger: nothing recorded — fix or --exclude them and record again"
        )
    _fill_record(record, report, ev, count.unkeyed_groups)
    export_id, at_record = session.record(record)
    return {
        "id": export_id,
        "exported_at": record.exported_at.isoformat(),
        "exempt": record.exempt,
        "counted_towards_cumulative": record.exempt is None,
        "persons": at_record.this_any,
    }


def _fill_record(
    record: ExportRecord, report: ScanReport, ev: Evaluation, unkeyed: dict[Signature, int]
) -> None:
    record.lists = [{k: x.get(k) for k in ("id", "version", "sha256")} for x in ev.lists]
    record.items = [{"list": i["list"], "item": i["item"], "route": i["route"]} for i in ev.hits]
    record.route = ev.route
    record.sources = [s.uri for s in report.sources]
    record.dataset = [
        {
            "source": t.source,
            "table": t.qualified_name,
            "row_count": t.row_count,
            "fingerprint": t.fingerprint.model_dump(mode="json", exclude_unset=True),
        }
        for t in report.tables
    ]
    record.unkeyed_signatures = dict(unkeyed)
    record.unkeyed_any = sum(unkeyed.values())
    record.tool_version = __version__


def _exempt_notes(record: ExportRecord | None) -> list[str]:
    if record is None or not record.exempt:
        return []
    return [
        f"recorded as exempt ({record.exempt}): 不计入累计数量 — its persons do not count "
        "towards later exports' cumulative numbers"
    ]


def _count_notes(count: ExportCount) -> list[str]:
    """What a person reading the figure must know: persons without a key, keys of different kinds."""
    notes = []
    if count.unkeyed:
        notes.append(
            f"{count.unkeyed:,} persons were counted without a key (rows without any identifier, or tables "
            "whose persons could not be counted exactly); they cannot be de-duplicated — see persons.tables"
        )
    kinds = {t.key_kind for t in count.tallies if t.keyed}
    if len(kinds) > 1:
        notes.append(
            f"tables identify persons by different kinds of key ({', '.join(sorted(kinds))}): persons "
            "keyed differently cannot be matched and are counted separately (an upper bound); "
            "--person-key COLUMN makes the count exact when the tables share an identifier"
        )
    return notes


def _ledger_facts(ledger: Ledger, as_of: _dt.date, year: YearTally) -> dict[str, Any]:
    return {
        "location": ledger.display,
        "exists": ledger.exists,
        "key_fingerprint": ledger.fingerprint,
        "window": [day.isoformat() for day in year_window(as_of)],
        "prior_exports": year.prior_exports,
        "exempt_articles": sorted(EXEMPTIONS.values()),
    }
