"""The scan report's building blocks and its versioned JSON contract.

``chujing.report/1`` is a contract: later versions of chujing add keys but
never remove or rename the ones below.

.. code-block:: text

    {"schema": "chujing.report/1", "tool": {"name", "version"}, "started_at", "finished_at",
     "sources": [{"uri", "kind", "status", "error"}],
     "tables": [{"source", "table", "row_count", "sampled_rows", "status", "error",
                 "columns": [{"name", "type", "non_null", "null_ratio", "null_ratio_method",
                              "entities": [{"type", "score", "match_ratio", "evidence", "precision_m"}],
                              "pi_class", "categories"}]}]}

A table where coordinates were found carries ``"trajectory"``: its devices, fixes, reporting
interval, time span and area (see :mod:`scanner.trajectory_profile`).

``non_null`` is the number of values the recognizers read; ``null_ratio`` the
column's share of NULL rows, measured as ``null_ratio_method`` says (``exact``:
counted by the engine, ``statistics``: Parquet footers, ``sample``: in the row
sample; ``null`` when nothing was sampled).  A column the row sample held too
few values of carries ``"value_sample": "non-null"``: its findings come from a
sample of its non-null values (see :mod:`scanner.sparse`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.report import Column, Entity, Source, Summary, Table
from recognizers.findings import EntityFinding


def entity_model(e: EntityFinding) -> Entity:
    """A recognizer's finding as the report carries it, before the catalogue gives it a PI class."""
    return Entity.model_validate({**e.to_dict(), "pi_class": None})


@dataclass
class ColumnResult:
    name: str
    type: str
    non_null: int = 0
    comment: str | None = None
    entities: list[EntityFinding] = field(default_factory=list)
    null_ratio: float | None = None
    null_ratio_method: str | None = None  # exact | statistics | sample
    #: ``non-null`` when the findings come from a sample of the column's values, not the row sample.
    value_sample: str | None = None
    #: For a sub-column of a JSON or nested column (named by its path, connectors.json_flatten): that column.
    parent: str | None = None

    def to_model(self) -> Column:
        """The column as the report carries it, not yet classified (the catalogue fills ``pi_class``)."""
        extra: dict[str, Any] = {}
        if self.comment:
            extra["comment"] = self.comment
        if self.value_sample:
            extra["value_sample"] = self.value_sample
        if self.parent:
            extra["parent"] = self.parent
        return Column.model_validate(
            {
                "name": self.name,
                "type": self.type,
                "non_null": self.non_null,
                "null_ratio": self.null_ratio,
                "null_ratio_method": self.null_ratio_method,
                "entities": [entity_model(e) for e in self.entities],
                "pi_class": None,
                "categories": [],
                **extra,
                "pi_basis": None,
            }
        )


@dataclass
class TableResult:
    source: str
    table: str
    schema: str | None = None
    kind: str = "table"
    row_count: int | None = None
    sampled_rows: int = 0
    status: str = "ok"
    error: str | None = None
    columns: list[ColumnResult] = field(default_factory=list)
    fingerprint: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    #: A table with coordinates: devices, fixes, reporting interval, time span, area (scanner.trajectory).
    trajectory: dict[str, Any] | None = None
    #: With a scan store: the run that scanned the table (this one, or an earlier one it was carried from).
    scanned_in_run: str | None = None
    #: With a scan store: the earlier result carried over instead of scanning (the report's table as it was).
    carried: Table | None = None

    def to_model(self) -> Table:
        """The table as the report carries it (a carried table as the store kept it)."""
        if self.carried is not None:
            return self.carried
        extra: dict[str, Any] = {}
        if self.schema:
            extra["schema"] = self.schema
        if self.trajectory is not None:
            extra["trajectory"] = self.trajectory
        if self.scanned_in_run is not None:
            extra["scanned_in_run"] = self.scanned_in_run
        return Table.model_validate(
            {
                "source": self.source,
                "table": self.table,
                "row_count": self.row_count,
                "sampled_rows": self.sampled_rows,
                "status": self.status,
                "error": self.error,
                "columns": [c.to_model() for c in self.columns],
                "kind": self.kind,
                "fingerprint": dict(self.fingerprint),
                **extra,
            }
        )


@dataclass
class SourceResult:
    uri: str
    kind: str
    status: str = "ok"
    error: str | None = None
    tables_found: int = 0
    tables_selected: int = 0
    #: Objects listed but not scannable, with the reason (object stores).
    skipped: list[dict[str, Any]] = field(default_factory=list)
    #: The connector's listing summary (object counts, caps, sampling strategy).
    listing: dict[str, Any] = field(default_factory=dict)

    def to_model(self) -> Source:
        out: dict[str, Any] = {
            "uri": self.uri,
            "kind": self.kind,
            "status": self.status,
            "error": self.error,
            "tables_found": self.tables_found,
            "tables_selected": self.tables_selected,
            "skipped": list(self.skipped),
        }
        if self.listing:
            out["listing"] = dict(self.listing)
        return Source.model_validate(out)


@dataclass
class ScanResults:
    """What the connectors and recognizers gave, before the catalogue judges it."""

    tool_version: str
    started_at: str
    finished_at: str = ""
    sources: list[SourceResult] = field(default_factory=list)
    tables: list[TableResult] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True when any source or table could not be scanned (exit status 2)."""
        return any(s.status != "ok" for s in self.sources) or any(t.status != "ok" for t in self.tables)


def summarize(tables: list[Table], sources: list[Source]) -> Summary:
    """Counts a reader wants first: what was scanned, what failed, what was found.

    Computed from the annotated tables, after the catalogue has filled ``pi_class``.
    """
    entity_columns: dict[str, int] = {}
    pi_classes: dict[str, int] = {}
    columns = [c for t in tables for c in t.columns]
    for c in columns:
        if c.pi_class:
            pi_classes[c.pi_class] = pi_classes.get(c.pi_class, 0) + 1
        for e in c.entities:
            entity_columns[e.type] = entity_columns.get(e.type, 0) + 1
    return Summary(
        sources=len(sources),
        sources_failed=sum(1 for s in sources if s.status != "ok"),
        tables=len(tables),
        tables_failed=sum(1 for t in tables if t.status != "ok"),
        columns=len(columns),
        columns_with_findings=sum(1 for c in columns if c.entities),
        columns_by_pi_class=dict(sorted(pi_classes.items())),  # type: ignore[arg-type]
        entity_columns=dict(sorted(entity_columns.items())),
    )
