"""A run as the console shows it: its report rebuilt from the store, and one row per finding.

The store keeps each table's annotated result (masked evidence, PI class,
categories, the reviews in force when it was scanned) and the run's options,
but not the run-level evaluation — the negative-list items hit, candidate
important data, the person figure — which depend on all tables together.
:func:`run_report` rebuilds the run's report from those pieces as
:func:`scanner.scan.scan` assembles it (the catalogue's :func:`catalog.judge_scan`
of all its tables with the run's lists, scenario and subject, then the summary),
so the console's downloads are rendered by the ordinary renderers and say what
the scan said.

:class:`RunIndex` flattens a run into :class:`FindingRow` s (one per column and
entity type, with the list items that reach the column as
:func:`reports.view.field_rows` assigns them) and per-table and per-source
counts.  A finished run never changes, so :class:`RunCache` keeps the last few
indexes built; a run still running is rebuilt on every request.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from catalog import DEFAULT_REFERENCE_RULE, Catalog, CatalogError, ScanJudgement, judge_scan, load_catalog
from catalog.report import Run, ScanReport, Source, Table, to_document
from connectors import source_kind
from reports.view import field_rows, list_hits, table_name
from scanner.console.queries import FindingKey, run_table_rows
from scanner.scan import ScanOptions, assemble_report
from scanner.store import Store
from scanner.store.store import RUNNING, TableKey


@cache
def _builtin_catalog() -> Catalog:
    return load_catalog()


def run_report(store: Store, run: dict[str, Any]) -> tuple[ScanReport, list[TableKey], str | None]:
    """The run's report rebuilt from the store, its tables' keys in report order, and a note when the run's
    lists could not be evaluated again (a list from a ``--catalog`` directory the console does not load)."""
    rows = run_table_rows(store, run["id"])
    order = {k: i for i, k in enumerate(run["source_keys"])}
    rows.sort(key=lambda r: (order.get(r[0], len(order)), r[1], r[2]))
    tables, keys = [], []
    for source_key, schema, table, scanned_in, result in rows:
        t = json.loads(result)
        t.setdefault("scanned_in_run", scanned_in)
        tables.append(Table.model_validate(t))
        keys.append((source_key, schema, table))
    # the run's sampling parameters (a run that kept fewer, like one recorded by hand, gets the defaults)
    params = {**ScanOptions().as_parameters(), **dict(run.get("options") or {})}
    params["scan_date"] = str(run.get("started_at") or "")[:10]
    sources = [Source.model_validate(x) for x in _sources(run, keys)]
    judged, note = _judge(tables, sources, params)
    report = assemble_report(
        judged,
        sources,
        tool_version=str((run.get("versions") or {}).get("tool") or ""),
        started_at=_stamp(run.get("started_at")),
        finished_at=_stamp(run.get("finished_at") or run.get("started_at")),
        parameters=params,
        run=Run(id=run["id"], incremental=bool(run.get("incremental")), resumed_from=run.get("resumed_from")),
    )
    return report, keys, note


def _stamp(value: object) -> str:
    """A run's time as the report writes times (seconds, ``Z``)."""
    return str(value or "")[:19] + "Z"


def _sources(run: dict[str, Any], keys: list[TableKey]) -> list[dict[str, Any]]:
    """The run's sources; one with no table recorded in a run that did not succeed is reported failed."""
    per_source: dict[str, int] = {}
    for k in keys:
        per_source[k[0]] = per_source.get(k[0], 0) + 1
    out = []
    for key, shown in zip(run["source_keys"], run["sources"], strict=False):
        n = per_source.get(key, 0)
        failed = n == 0 and run.get("status") != "succeeded"
        out.append(
            {
                "uri": shown,
                "kind": source_kind(shown),
                "status": "error" if failed else "ok",
                "error": "no table of this source was recorded in the store (the run failed or was cut short)"
                if failed
                else None,
                "tables_found": n,
                "tables_selected": n,
                "skipped": [],
            }
        )
    return out


def _judge(
    tables: list[Table], sources: list[Source], params: dict[str, Any]
) -> tuple[ScanJudgement, str | None]:
    """The catalogue's judgement of the run's tables with the run's lists, scenario and subject, as
    :func:`scanner.scan.scan` made it; without the lists (and a note) when the console cannot load them."""
    kwargs: dict[str, Any] = {
        "catalog": _builtin_catalog(),
        "reference_rule": params.get("reference_rule") or DEFAULT_REFERENCE_RULE,
        "lists": list(params.get("lists") or []),
        "scenario": params.get("scenario"),
        "subject": params.get("subject"),
        "modality": params.get("modality"),
    }
    try:
        return judge_scan(tables, sources, **kwargs), None
    except CatalogError as exc:
        note = f"the run's lists could not be evaluated again here ({exc}); its route is the one it recorded"
    kwargs.update(lists=[], scenario=None, subject=None, modality=None)
    try:
        return judge_scan(tables, sources, **kwargs), note
    except CatalogError:
        kwargs["reference_rule"] = DEFAULT_REFERENCE_RULE
        return judge_scan(tables, sources, **kwargs), note


@dataclass
class FindingRow:
    """One entity type found in one column of one run (masked evidence only)."""

    key: FindingKey
    source: str
    table_label: str
    column_type: str
    entity: dict[str, Any]
    column_pi_class: str | None
    pi_basis: str | None
    categories: list[dict[str, Any]]
    items: list[dict[str, Any]]
    run_id: str
    scanned_in_run: str

    @property
    def entity_type(self) -> str:
        return self.key[4]

    @property
    def table_key(self) -> TableKey:
        return self.key[:3]  # type: ignore[return-value]

    @property
    def pi_class(self) -> str | None:
        """The entity's own class (a dismissed finding keeps it; its column's class no longer counts it)."""
        return self.entity.get("pi_class")


@dataclass
class TableSummary:
    """One table of a run, counted: what the drill-down lists."""

    key: TableKey
    source: str
    status: str
    error: str | None
    columns: int
    sensitive: int
    general: int
    findings: int
    scanned_in_run: str
    row_count: int | None


@dataclass
class RunIndex:
    """A run flattened for the console (see the module docstring)."""

    run: dict[str, Any]
    findings: list[FindingRow]
    tables: list[TableSummary]
    list_items: list[dict[str, Any]]
    route: str | None
    candidates: list[dict[str, Any]]
    note: str | None
    by_table: dict[TableKey, TableSummary] = field(default_factory=dict)
    #: Per table, per column: the negative-list items that reach the column.
    items: dict[TableKey, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store, run: dict[str, Any]) -> RunIndex:
        typed, keys, note = run_report(store, run)
        report = to_document(typed)
        rows = field_rows(report)
        findings: list[FindingRow] = []
        tables: list[TableSummary] = []
        items: dict[TableKey, dict[str, list[dict[str, Any]]]] = {}
        it = iter(rows)
        for key, t in zip(keys, report["tables"], strict=True):
            cols = t.get("columns") or []
            summary = TableSummary(
                key=key,
                source=str(t.get("source") or ""),
                status=str(t.get("status") or "ok"),
                error=t.get("error"),
                columns=len(cols),
                sensitive=sum(1 for c in cols if c.get("pi_class") == "sensitive"),
                general=sum(1 for c in cols if c.get("pi_class") == "general"),
                findings=sum(len(c.get("entities") or []) for c in cols),
                scanned_in_run=str(t.get("scanned_in_run") or run["id"]),
                row_count=t.get("row_count"),
            )
            tables.append(summary)
            for c in cols:
                r = next(it)
                if r.items:
                    items.setdefault(key, {})[r.field] = list(r.items)
                for e in r.entities:
                    findings.append(
                        FindingRow(
                            key=(*key, r.field, str(e.get("type"))),
                            source=summary.source,
                            table_label=table_name(t),
                            column_type=str(c.get("type") or ""),
                            entity=e,
                            column_pi_class=r.pi_class,
                            pi_basis=r.pi_basis,
                            categories=r.categories,
                            items=r.items,
                            run_id=run["id"],
                            scanned_in_run=summary.scanned_in_run,
                        )
                    )
        evaluation = report.get("list_items") or {}
        return cls(
            run=run,
            findings=findings,
            tables=tables,
            list_items=list_hits(report),
            route=run.get("route") or evaluation.get("route"),
            candidates=list(report.get("candidate_important_data") or []),
            note=note,
            by_table={t.key: t for t in tables},
            items=items,
        )

    def for_source(self, source_key: str) -> Iterable[FindingRow]:
        return (f for f in self.findings if f.key[0] == source_key)

    def source_counts(self, source_key: str) -> dict[str, int]:
        """Tables, failed tables, sensitive and general columns of one source in this run."""
        ts = [t for t in self.tables if t.key[0] == source_key]
        return {
            "tables": len(ts),
            "failed": sum(1 for t in ts if t.status != "ok"),
            "sensitive": sum(t.sensitive for t in ts),
            "general": sum(t.general for t in ts),
            "findings": sum(t.findings for t in ts),
        }


class RunCache:
    """The last ``size`` finished runs' indexes (a finished run never changes); running runs are not kept."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._items: OrderedDict[str, RunIndex] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, run: dict[str, Any]) -> RunIndex:
        stamp = f"{run['id']}|{run.get('status')}|{run.get('finished_at')}"
        with self._lock:
            hit = self._items.get(stamp)
            if hit is not None:
                self._items.move_to_end(stamp)
                return hit
        index = RunIndex.build(store, run)
        if run.get("status") != RUNNING:
            with self._lock:
                self._items[stamp] = index
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return index
