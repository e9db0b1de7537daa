"""The pre-export gate: scan an export, count its persons against the ledger, decide the route.

:func:`assess` is what ``chujing check`` and ``chujing ledger record`` share:

1. scan the sources (:func:`scanner.scan.scan`) so that every column carries
   its findings and PI class;
2. count each table's distinct persons in its engine (:mod:`scanner.export.persons`);
3. when the numbers must be merged — several tables with persons, earlier
   exports this year in the ledger, or a record to write — stream each table's
   normalised keys out of the engine, hash them at once and let the ledger
   database count this export's persons and their overlap with the year's
   earlier exports (:mod:`scanner.export.ledger`);
4. apply the negative lists (:func:`catalog.evaluator.evaluate`) with those
   counts, and the important-data identification rule.

The result's route maps to the exit status (0 outside the list, 10 standard
contract or certification, 20 security assessment, 30 other lawful route; the
strictest wins), and to 2 when any source or table could not be read, since
then the persons of what was not read are missing from the count.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from catalog import findings_from_report, identify, load_catalog
from catalog.candidates import candidate_important_data
from catalog.evaluator import Evaluation, evaluate
from catalog.findings import PersonCounts, Signature
from catalog.loader import Catalog
from catalog.mapping import load_mapping
from catalog.models import CatalogError
from catalog.person_figure import ExactCount, person_figure
from catalog.requests import validate_request as validate_catalog_request
from catalog.scope import scope_reviews
from connectors import Connector, SourceError, TableInfo, open_source
from connectors.errors import ChujingError
from connectors.uri import scrub
from reports.models import CHECK_SCHEMA
from scanner import __version__
from scanner.export.ledger import EXEMPTIONS, ExportRecord, Histograms, Ledger, LedgerSession, YearTally
from scanner.export.persons import (
    PersonTally,
    count_persons,
    has_columns,
    iter_person_keys,
    person_key_for,
    plan_person_key,
)
from scanner.models import utc_now
from scanner.scan import ScanObserver, ScanOptions, scan

EXIT_ERROR = 2
#: Nothing routes the export, but a person must judge something first (an item's scale or modality, data a
#: list may not cover): never 0, which would let the export go unexamined.
EXIT_NEEDS_REVIEW = 5


class CheckError(ChujingError):
    """The check cannot run (bad list id, scenario, person key …): one line saying what to do."""


@dataclass
class CheckOptions:
    """What to check and how: the scan's options (lists, scenario, subject, sampling, sources) and the gate's."""

    #: The lists, scenario, subject and modality, the reference rule and catalogue, and how to read the sources.
    scan: ScanOptions
    #: ``--person-key`` values: each one column or a composite of several; per table the first whose
    #: columns the table has keys its persons (all of kind ``person_key``, so they are unioned across tables).
    person_keys: Sequence[Sequence[str]] = ()
    recipient: str | None = None
    #: the exporter is a critical-information-infrastructure operator (the identification rule's CIIO clause)
    ciio: bool = False
    as_of: _dt.date | None = None

    def scan_options(self) -> ScanOptions:
        """The scan's options without the lists: the scan would evaluate them with row counts, the gate with persons."""
        return replace(self.scan, lists=(), scenario=None, subject=None, scan_date=self.as_of)


@dataclass
class Assessment:
    """Everything the gate found out about one export."""

    options: CheckOptions
    as_of: _dt.date
    report: dict[str, Any]
    tallies: list[PersonTally]
    year: YearTally
    evaluation: Evaluation
    identification: dict[str, Any]
    ledger: dict[str, Any]
    started_at: str
    finished_at: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    recorded: dict[str, Any] | None = None

    @property
    def exit_status(self) -> int:
        """2 when anything was not read; the route's status; 5 instead of 0 when something needs review."""
        if self.errors:
            return EXIT_ERROR
        status = self.evaluation.exit_status
        if status == 0 and self.evaluation.manual_review:
            return EXIT_NEEDS_REVIEW
        return status

    def to_dict(self) -> dict[str, Any]:
        ev = self.evaluation.to_dict()
        persons: dict[str, Any] = self.year.persons()
        return {
            "schema": CHECK_SCHEMA,
            "tool": {"name": "chujing", "version": __version__},
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "route": ev["route"],
            "route_label": ev["route_label"],
            "exit_status": self.exit_status,
            "as_of": self.as_of.isoformat(),
            "lists": ev["lists"],
            "scenario": self.options.scan.scenario,
            "subject": self.options.scan.subject,
            "recipient": self.options.recipient,
            "person_key": [list(k) for k in self.options.person_keys] or None,
            "items": [_item(i) for i in ev["items"]],
            "candidate_important_data": self._candidates(ev),
            "manual_review": ev["manual_review"],
            "not_hit": ev["not_hit"],
            "notes": [*ev["notes"], *self.notes],
            "persons": {
                **persons,
                "basis": ev["persons_basis"],
                "counting": self.year.to_dict(),
                "tables": [t.to_dict() for t in self.tallies if t.basis != "no_personal_information"],
            },
            "ledger": {**self.ledger, "recorded": self.recorded},
            "errors": list(self.errors),
            "scan": self.report,
        }

    def _candidates(self, ev: dict[str, Any]) -> list[dict[str, Any]]:
        out = [
            {
                "source": "negative_list",
                "list": i["list"],
                "item": i["item"],
                "route": i["route"],
                "name": i.get("name"),
                "name_en": i.get("name_en"),
                "reason": i["reason"],
            }
            for i in ev["items"]
            if i.get("candidate")
        ]
        rule = self.identification.get("rule", {})
        out += [
            {
                "source": "identification_rule",
                "rule": rule.get("id"),
                "clause": c.get("clause"),
                "measure": c.get("measure"),
                "threshold": c.get("threshold"),
                "reason": c.get("reason"),
            }
            for c in self.identification.get("candidates", [])
        ]
        return out


def _item(hit: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "list",
        "item",
        "route",
        "reason",
        "persons",
        "tier",
        "name",
        "name_en",
        "data_kind",
        "candidate",
        "source_text",
        "evidence",
        "persons_query",
    )
    return {k: hit[k] for k in keys if k in hit}


# --- the pipeline --------------------------------------------------------------------------------


def validate_request(options: CheckOptions) -> Catalog:
    """Load the catalogue and check list ids, reference rule, scenario and subject before anything is scanned.

    The checks are :func:`catalog.requests.validate_request`, the ones ``chujing scan`` makes too.
    """
    asked = options.scan
    if not asked.lists:
        raise CheckError("give at least one negative list with --list ID (chujing catalog list shows them)")
    try:
        catalog = load_catalog(asked.catalog_dirs)
        validate_catalog_request(
            catalog, asked.lists, asked.scenario, asked.subject, reference_rule=asked.reference_rule
        )
    except CatalogError as exc:
        raise CheckError("; ".join(exc.problems)) from None
    return catalog


def assess(
    sources: Sequence[str],
    options: CheckOptions,
    ledger: Ledger,
    *,
    observer: ScanObserver | None = None,
    record: ExportRecord | None = None,
) -> Assessment:
    """Scan, count persons, consult (and with ``record``, write) the ledger, and decide.

    ``record`` carries the export's date and description; its lists, items,
    route, sources, dataset fingerprint and counts are filled in here.  Raises
    :class:`CheckError` for a request that cannot be checked.
    """
    catalog = validate_request(options)
    started = utc_now()
    as_of = record.exported_at if record else (options.as_of or _dt.date.today())
    report = scan(sources, options.scan_options(), observer, catalog=catalog)
    errors = [s["error"] for s in report["sources"] if s["status"] != "ok"]
    errors += [t["error"] for t in report["tables"] if t["status"] != "ok"]
    unread = unread_sources(report, options.scan)
    errors += unread
    if observer is not None:
        for message in unread:
            observer.error(message)
    plans = {id(t): plan_person_key(t, person_key_for(t, options.person_keys)) for t in report["tables"]}
    if options.person_keys and not any(
        has_columns(t, k) for t in report["tables"] for k in options.person_keys
    ):
        shown = " / ".join(",".join(k) for k in options.person_keys)
        raise CheckError(f"--person-key {shown}: no scanned table has the column(s) — check the names")
    keyed = sum(1 for p in plans.values() if p is not None and p.parts)
    notes: list[str] = []
    with ledger.session() as session:
        merge = record is not None or keyed > 1 or session.prior_persons(as_of) > 0
        scan_errors = len(errors)
        tallies = _count_sources(sources, report, options, session if merge else None, errors, as_of)
        if observer is not None:  # the scan reported its own failures as they happened; now the counting's
            for message in errors[scan_errors:]:
                observer.error(message)
        unkeyed_groups = _merge_groups(t.unkeyed_signatures for t in tallies)
        unkeyed = sum(unkeyed_groups.values())
        if merge:
            session.add_unkeyed(unkeyed_groups)
            year = session.tally(as_of)
        else:  # one keyed table at most and nothing earlier this year: the engine's own counts are exact
            this = _merge_groups(t.all_signatures() for t in tallies)
            year = YearTally.of(as_of, Histograms(current=this, total=this), PersonCounts(this))
            year.prior_exports = session.tally(as_of).prior_exports if ledger.exists else 0
        year.this_unkeyed = unkeyed
        ev, identification = _decide(
            report, catalog, options, year, basis="ledger" if ledger.exists else "distinct_persons"
        )
        recorded = None
        if record is not None:
            if errors:
                raise CheckError(
                    f"{len(errors)} source(s) or table(s) could not be read, so their persons would be "
                    "missing from the ledger: nothing recorded — fix or --exclude them and record again"
                )
            _fill_record(record, report, ev, unkeyed_groups)
            export_id, at_record = session.record(record)
            recorded = {
                "id": export_id,
                "exported_at": record.exported_at.isoformat(),
                "exempt": record.exempt,
                "counted_towards_cumulative": record.exempt is None,
                "persons": at_record.this_any,
            }
            if record.exempt:
                notes.append(
                    f"recorded as exempt ({record.exempt}): 不计入累计数量 — its persons do not count "
                    "towards later exports' cumulative numbers"
                )
    if unkeyed:
        notes.append(
            f"{unkeyed:,} persons were counted without a key (rows without any identifier, or tables "
            "whose persons could not be counted exactly); they cannot be de-duplicated — see persons.tables"
        )
    kinds = {t.key_kind for t in tallies if t.keyed}
    if len(kinds) > 1:
        notes.append(
            f"tables identify persons by different kinds of key ({', '.join(sorted(kinds))}): persons "
            "keyed differently cannot be matched and are counted separately (an upper bound); "
            "--person-key COLUMN makes the count exact when the tables share an identifier"
        )
    for t in report["tables"]:
        tally = next((x for x in tallies if x.source == t.get("source") and x.table == _qualified(t)), None)
        if tally is not None:
            t["persons"] = tally.to_dict()
    return Assessment(
        options=options,
        as_of=as_of,
        report=report,
        tallies=tallies,
        year=year,
        evaluation=ev,
        identification=identification,
        started_at=started,
        finished_at=utc_now(),
        errors=errors,
        notes=notes,
        recorded=recorded,
        ledger={
            "location": ledger.display,
            "exists": ledger.exists,
            "key_fingerprint": ledger.fingerprint,
            "window": [_dt.date(as_of.year, 1, 1).isoformat(), as_of.isoformat()],
            "prior_exports": year.prior_exports,
            "exempt_articles": sorted(EXEMPTIONS.values()),
        },
    )


def unread_sources(report: dict[str, Any], options: ScanOptions) -> list[str]:
    """One error per source that opened but gave no table to check: data not read is never "outside the list".

    >>> print(unread_sources({"sources": [{"uri": "sqlite:///a.db", "status": "ok"}], "tables": []},
    ...                      ScanOptions(include=["ods_*"]))[0].split(";")[0])
    sqlite:///a.db: no table to check — --tables ods_* matched none
    """
    out = []
    for s in report.get("sources", []):
        if s.get("status") != "ok":
            continue
        read = [t for t in report.get("tables", []) if t.get("source") == s.get("uri")]
        if read:
            continue
        why = (
            f"--tables {' '.join(options.include)} matched none"
            if options.include
            else ("every table is excluded by --exclude " + " ".join(options.exclude))
            if options.exclude
            else "the source holds no table (an empty directory or database?)"
        )
        out.append(
            f"{s.get('uri')}: no table to check — {why}; nothing was read, so nothing can be cleared "
            "(list the tables with chujing scan, or fix the filter)"
        )
    return out


def _merge_groups(groups: Iterable[dict[Signature, int]]) -> dict[Signature, int]:
    out: dict[Signature, int] = {}
    for g in groups:
        for sig, n in g.items():
            out[sig] = out.get(sig, 0) + n
    return out


def _qualified(t: dict[str, Any]) -> str:
    return f"{t['schema']}.{t['table']}" if t.get("schema") else str(t.get("table"))


def _count_sources(
    sources: Sequence[str],
    report: dict[str, Any],
    options: CheckOptions,
    session: LedgerSession | None,
    errors: list[str],
    as_of: _dt.date,
) -> list[PersonTally]:
    """Count every scanned table's persons; with a session, also stream its hashed keys into it."""
    tallies: list[PersonTally] = []
    seen: set[int] = set()
    for source in sources:
        try:
            connector = open_source(source, **options.scan.open_options())
        except SourceError as exc:
            errors.append(scrub(exc.message, source))
            continue
        mine = [
            t
            for t in report["tables"]
            if t.get("source") == connector.display_uri and t.get("status") == "ok" and id(t) not in seen
        ]
        if not mine:
            continue
        try:
            with connector:
                listed = {(i.schema, i.name): i for i in connector.list_tables()}
                for t in mine:
                    seen.add(id(t))
                    tally = _count_table(
                        connector, listed.get((t.get("schema"), t["table"])), t, options, session, as_of
                    )
                    if tally.error:
                        errors.append(scrub(tally.error, source))
                    tallies.append(tally)
        except SourceError as exc:
            errors.append(scrub(exc.message, source))
    return tallies


def _count_table(
    connector: Connector,
    info: TableInfo | None,
    t: dict[str, Any],
    options: CheckOptions,
    session: LedgerSession | None,
    as_of: _dt.date,
) -> PersonTally:
    """One table's persons; with a session, its keys hashed into it.  Failures end up in ``tally.error``."""
    tally = PersonTally(table=_qualified(t), source=connector.display_uri, schema=t.get("schema"))
    if info is None:
        tally.basis, tally.error = "error", f"{connector.display_uri}: table {tally.table} vanished; rerun"
        return tally
    try:
        tally = count_persons(
            connector, info, t, person_key=person_key_for(t, options.person_keys), as_of=as_of
        )
        tally.source = connector.display_uri
        if session is not None and tally.keyed:
            try:
                for batch in iter_person_keys(connector, info, tally):
                    session.add_keys(batch)
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
    return tally


def _decide(
    report: dict[str, Any], catalog: Catalog, options: CheckOptions, year: YearTally, *, basis: str
) -> tuple[Evaluation, dict[str, Any]]:
    persons = year.person_counts(basis)
    findings = findings_from_report(report)
    try:
        ev = evaluate(
            findings,
            catalog=catalog,
            lists=list(options.scan.lists),
            scenario=options.scan.scenario,
            subject=options.scan.subject,
            persons=persons,
            modality=options.scan.modality,
        )
    except CatalogError as exc:
        raise CheckError("; ".join(exc.problems)) from None
    rule_doc = catalog.get(options.scan.reference_rule)
    identification = identify(
        findings,
        persons,
        rule=catalog.reference_rule(options.scan.reference_rule),
        rule_evidence=rule_doc.evidence(),
        ciio=options.ciio,
        accounts_or_diagnosis_entities=load_mapping().accounts_or_diagnosis_entities,
    )
    asked = options.scan
    ev.manual_review += scope_reviews(catalog, asked.lists, scenario=asked.scenario, modality=asked.modality)
    report["list_items"] = ev.to_dict()
    report["important_data"] = identification
    report["candidate_important_data"] = candidate_important_data(report["list_items"], identification)
    report["persons"] = person_figure(
        report, exact=ExactCount(year.this_any, year.this_sensitive, year.this_general, "counted by chujing check")
    )
    report.setdefault("catalog", {})["lists"] = [catalog.get(i).evidence() for i in options.scan.lists]
    return ev, identification


def _fill_record(
    record: ExportRecord, report: dict[str, Any], ev: Evaluation, unkeyed: dict[Signature, int]
) -> None:
    record.lists = [{k: x.get(k) for k in ("id", "version", "sha256")} for x in ev.lists]
    record.items = [{"list": i["list"], "item": i["item"], "route": i["route"]} for i in ev.hits]
    record.route = ev.route
    record.sources = [s["uri"] for s in report["sources"]]
    record.dataset = [
        {
            "source": t.get("source"),
            "table": _qualified(t),
            "row_count": t.get("row_count"),
            "fingerprint": t.get("fingerprint", {}),
        }
        for t in report["tables"]
    ]
    record.unkeyed_signatures = dict(unkeyed)
    record.unkeyed_any = sum(unkeyed.values())
    record.tool_version = __version__
