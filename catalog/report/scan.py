"""The scan report, ``chujing.report/1``: what ``chujing scan`` and ``chujing demo`` write.

The contract grows by adding keys; it never removes or renames the ones
below.  Key order in the file is :data:`reports.json_report.KEY_ORDER`'s.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from catalog.report.common import Contract, Day, DocumentApplied, Integrity, Number, PiClass, Timestamp, Tool
from catalog.report.decision import Candidate, ImportantData, ListItems, PersonFigure
from catalog.report.tables import Source, Table

REPORT_SCHEMA = "chujing.report/1"


class Parameters(Contract):
    """The scan's parameters, recorded as evidence of how the data was sampled and judged."""

    sample_rows: Number = Field(description="Rows sampled per table (`--sample-rows`).")
    seed: int = Field(description="Seed of the random samples: the same seed reads the same rows.")
    tables: list[str] = Field(description="`--tables` globs (empty: every table).")
    exclude: list[str] = Field(description="`--exclude` globs.")
    schema_: str | None = Field(alias="schema", description="`--schema`; null for the source's default.")
    include_views: bool = Field(description="Whether views were scanned.")
    scan_date: Day = Field(description="The date ages (children under 14) are computed at.")
    reference_rule: str = Field(description="The reference rule's id.")
    lists: list[str] = Field(description="Negative lists applied (`--list`).")
    scenario: str | None = Field(description="Declared business scenario id (`--scenario`); null when none.")
    subject: str | None = Field(description="Declared data-subject id (`--subject`); null when none.")
    modality: str | None = Field(
        default=None,
        description="Declared content type (audio, image, text, video …); absent when not declared.",
    )
    engine: Literal["local", "spark"] | None = Field(
        default=None,
        description="`spark` when Spark read the tables and ran the recognizers (`--engine spark`); absent for "
        "the local engine.",
    )
    spark_master: str | None = Field(
        default=None, description="The Spark master (`--spark-master`); absent for the local engine."
    )
    partition_filter: str | None = Field(
        default=None,
        description="The Spark SQL condition every table was filtered by before sampling and counting "
        "(`--partition-filter`); absent when none.",
    )


class CatalogApplied(Contract):
    """The regulatory texts applied, with the SHA-256 of their files."""

    reference_rule: DocumentApplied = Field(
        description="The reference rule (classification, identification rule)."
    )
    lists: list[DocumentApplied] = Field(description="The negative lists.")


class Summary(Contract):
    """Counts a reader wants first."""

    sources: Number
    sources_failed: Number
    tables: Number
    tables_failed: Number
    columns: Number
    columns_with_findings: Number = Field(description="Columns with at least one entity found.")
    columns_by_pi_class: dict[PiClass, int] = Field(description="Columns per PI class.")
    entity_columns: dict[str, int] = Field(description="Columns per entity type found.")


class Run(Contract):
    """The scan store's run this report is (see docs/scheduling.md)."""

    id: str = Field(description="The run's id in the store.")
    incremental: bool = Field(
        description="Whether unchanged tables were carried over from the last successful run."
    )
    resumed_from: str | None = Field(
        description="The unfinished run this one continued (`--resume`), or null."
    )


class ScanReport(Contract):
    """A scan report (`chujing.report/1`): what was scanned, what was found, and what the regulations make of it.

    Raw sensitive values never appear in it: evidence is masked.
    """

    schema_: Literal["chujing.report/1"] = Field(alias="schema", description="The contract and its version.")
    tool: Tool
    started_at: Timestamp = Field(description="When the scan started (UTC).")
    finished_at: Timestamp = Field(description="When the scan finished (UTC).")
    parameters: Parameters
    sources: list[Source] = Field(description="Every SOURCE argument, in the order given.")
    tables: list[Table] = Field(description="Every table scanned or failed, source by source.")
    catalog: CatalogApplied
    list_items: ListItems | None = Field(
        default=None, description="The negative lists' decision; absent without `--list`."
    )
    important_data: ImportantData
    persons: PersonFigure
    candidate_important_data: list[Candidate] = Field(
        description="Every reason to call the data candidate important data: list items of important data hit, "
        "then the identification rule's tests met."
    )
    summary: Summary
    run: Run | None = Field(
        default=None,
        description="With a scan store (`--store`): which run this report is; absent without one.",
    )
    integrity: Integrity | None = Field(
        default=None, description="The seal; absent only before the report is written."
    )
