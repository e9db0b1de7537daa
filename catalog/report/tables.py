"""What was scanned: sources, their tables and columns, the findings in each column, and trajectory profiles.

These are the connectors' and recognizers' results as a report carries them
(``sources`` and ``tables`` of ``chujing.report/1``), after the catalogue has
filled each column's PI class and reference-rule sub-categories.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from catalog.report.common import Contract, Day, EntityType, Number, PiClass, Ratio, Sha256, Timestamp
from catalog.report.persons import PersonTally

#: How a table was read: a database table or view, a file, a dataset of files or objects, an object, a worksheet.
TableKind = Literal["table", "view", "file", "dataset", "object", "sheet"]
#: What a SOURCE argument is: a database URL, an S3 prefix, or a local path labelled by what it holds.
SourceKind = Literal[
    "sql",
    "s3",
    "iceberg",
    "delta",
    "hive",
    "hadoop",
    "sqlite-file",
    "files",
    "parquet",
    "csv",
    "tsv",
    "json",
    "jsonl",
    "text",
    "xlsx",
]
#: The column naming a trajectory's device: a recognized identifier's entity type, or a name that says so.
DeviceKind = Literal[
    "VIN", "CN_LICENSE_PLATE", "IMEI", "ICCID", "IMSI", "MSISDN", "MAC_ADDRESS", "named column"
]
#: Whether a number was measured over all rows (``exact``) or over the fixes read (``sampled``).
Basis = Literal["exact", "sampled"]


class Entity(Contract):
    """One entity type the recognizers found in a column, with masked examples and why they decided so."""

    type: EntityType = Field(description="Entity type, e.g. `CN_RESIDENT_ID`, `CN_MOBILE`, `GEO_COORDINATE`.")
    score: Ratio = Field(
        description="Confidence in the finding, 0–1 (pattern, validator and context combined)."
    )
    match_ratio: Ratio = Field(description="Share of the column's sampled non-null values that matched, 0–1.")
    matched: Number = Field(description="Number of sampled values that matched.")
    evidence: list[str] = Field(
        description="Up to three examples, masked (`3201**********123X`, `139****5678`): never a raw value."
    )
    precision_m: float | None = Field(
        description="For coordinates: the planar precision in metres the values resolve to (10 m or finer is "
        "sensitive: 精准定位信息); null for other types or when not measured."
    )
    recognizer: str = Field(description="The recognizer that made the finding.")
    explanation: str = Field(description="Which pattern, validator, column name or context words led to it.")
    basis: Literal["values", "name_only"] = Field(
        default="values",
        description="What the finding rests on: `values` (sampled values matched) or `name_only` (only the column "
        "name/comment speaks: the column had no non-null sampled value, or values no recognizer can read; "
        "such a finding never makes a column sensitive by itself when values exist).",
    )
    details: dict[str, Any] | None = Field(
        default=None,
        description="Facts the recognizer derived that later stages use (coordinate pairs and decimals, minors "
        "counted from birth dates, bank-card issuers, `free_text`, `product_catalogue` …); recognizer-specific, "
        "never raw values; absent when empty.",
    )
    pi_class: PiClass | None = Field(
        description="This finding's PI class under catalog/data/mapping.yaml in the table's context; null when it "
        "is not personal information (a product code, a gene symbol with no person beside it)."
    )
    review: Review | None = Field(
        default=None,
        description="A person's decision about this finding, from the scan store (`chujing review`); a dismissed "
        "finding stays in the report but sets no PI class and counts toward no route.  Absent when none.",
    )


class Review(Contract):
    """A person's decision about a finding, kept in the scan store across runs (audit evidence, never deleted)."""

    decision: Literal["confirm", "dismiss"] = Field(
        description="Confirmed as this data, or dismissed as not it."
    )
    note: str = Field(description="Why, in the reviewer's words.")
    by: str = Field(description="Who decided.")
    at: Timestamp = Field(description="When (UTC).")


class Category(Contract):
    """A reference-rule sub-category (数据分类) a column's findings fall under, with the reason in words."""

    rule: str = Field(description="The reference rule's catalogue id, e.g. `jiangsu-2025-reference-rule`.")
    level: Literal[2] = Field(description="Level in the rule's classification: always 2 (sub-category).")
    code: str = Field(description="Sub-category code in that rule, e.g. `27`.")
    name: str = Field(description="Sub-category name, Chinese, e.g. 遗传资源.")
    name_en: str = Field(description="Sub-category name, English.")
    reason: str = Field(
        description="Why: the entity type, the share of values, and any context or precision."
    )


class Column(Contract):
    """One column (field) of a table: what was read of it, what was found, and its PI class."""

    name: str = Field(description="Column name as the source spells it.")
    type: str = Field(description="The source's type for the column (SQL type, Arrow type).")
    non_null: Number = Field(description="Number of non-null values in the row sample the recognizers read.")
    null_ratio: Ratio | None = Field(
        description="The column's share of NULL rows, measured as `null_ratio_method` says; null when nothing was "
        "sampled."
    )
    null_ratio_method: Literal["exact", "statistics", "sample"] | None = Field(
        description="`exact`: counted by the engine; `statistics`: from Parquet footers; `sample`: in the row "
        "sample; null when nothing was sampled."
    )
    entities: list[Entity] = Field(description="Entity types found in the column (empty when none).")
    pi_class: PiClass | None = Field(
        description="The column's PI class: `sensitive` when any finding is, else `general` when any is; null "
        "when no finding is personal information."
    )
    categories: list[Category] = Field(description="Reference-rule sub-categories the column falls under.")
    comment: str | None = Field(
        default=None, description="The source's column comment; absent when it has none."
    )
    value_sample: Literal["non-null"] | None = Field(
        default=None,
        description="`non-null` when the row sample held too few values of a sparse column and the findings "
        "come from a sample of its non-null values instead; absent otherwise.",
    )
    pi_basis: str | None = Field(
        description="Why the column has its PI class, in words; null with no PI class."
    )
    parent: str | None = Field(
        default=None,
        description="For a sub-column of a JSON, JSONB or nested (struct, list, map) column: that column's name.  "
        "The sub-column is named by its path: `payload.geo.lat` (object keys), `payload.items[].sku` (each element "
        "of a list), `payload.contacts.*` and `payload.contacts.*~` (the values and the keys of an object keyed by "
        "data, such as phone numbers).  Its findings are its own; the JSON column keeps only findings in what could "
        "not be flattened.  Absent for the source's own columns.",
    )


class Fingerprint(Contract):
    """Evidence of which version of a table was read: sizes, times, hashes.

    The connector decides the rest of the keys (S3 ETags and object lists,
    files and their modification times, Parquet row groups, CSV encoding and
    delimiter …); the keys below are common to all.
    """

    model_config = ConfigDict(extra="allow")
    #: The keys in the order the connector wrote them: the document keeps the connector's order.
    _order: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_order(cls, data: Any, handler: ModelWrapValidatorHandler[Fingerprint]) -> Fingerprint:
        made = handler(data)
        if isinstance(data, dict):
            made._order = list(data)
        return made

    @model_serializer(mode="wrap")
    def _in_order(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out = handler(self)
        return {**{k: out[k] for k in self._order if k in out}, **out}

    schema_sha256: Sha256 | None = Field(
        default=None,
        description="SHA-256 of the column names and source types: the schema did not change between two scans "
        "when it is equal.",
    )
    row_count: Number | None = Field(default=None, description="Row count when it is known.")
    listing_sha256: Sha256 | None = Field(
        default=None, description="SHA-256 of the list of files or objects read, with sizes and times."
    )
    bytes: Number | None = Field(default=None, description="Total size of the files or objects read.")


class DeviceColumn(Contract):
    """The column naming each fix's device."""

    column: str = Field(description="Column name.")
    kind: DeviceKind = Field(
        description="The identifier recognized in it, or `named column` when its name says so."
    )
    vehicle: bool = Field(
        description="Whether the devices are vehicles (VIN, licence plate, or the column's name)."
    )


class Spread(Contract):
    """Minimum, median and maximum of the per-device median intervals, in seconds."""

    min: float
    median: float
    max: float


class Interval(Contract):
    """How often devices report: gaps between consecutive fixes of the same device, in time order."""

    median_s: float = Field(description="Median gap in seconds over every pair of consecutive fixes read.")
    device_median_s: Spread = Field(description="Spread of the per-device median gaps (seconds).")
    devices: Number = Field(description="Devices with at least two fixes at different times.")
    pairs: Number = Field(description="Pairs of consecutive fixes measured.")


class TimeSpan(Contract):
    """First and last day of the fixes (a day is precise enough; hours would be a fix's)."""

    first: Day
    last: Day
    days: float = Field(description="Days between the first and the last fix.")
    basis: Basis = Field(description="`exact`: MIN/MAX in the engine; `sampled`: over the fixes read.")


class BoundingBox(Contract):
    """The area of the fixes, rounded outward to two decimals (about 1 km): no fix's position appears."""

    lat: Annotated[list[float], Field(min_length=2, max_length=2)] = Field(description="[south, north].")
    lon: Annotated[list[float], Field(min_length=2, max_length=2)] = Field(description="[west, east].")
    basis: Basis = Field(description="`exact`: MIN/MAX in the engine; `sampled`: over the positions read.")


class ProvinceFixes(Contract):
    """Fixes that fall in one provincial-level division (by its approximate extent)."""

    code: str | None = Field(description="Division code, e.g. `32`; null for fixes outside every division.")
    name: str = Field(description="Division name, e.g. 江苏省.")
    fixes: Number = Field(description="Fixes read that fall in it.")


class LatLonDecimals(Contract):
    """Decimals written per coordinate (90th percentile of the values read): more than two is finer than ~1 km."""

    lat: int
    lon: int


class TrajectorySample(Contract):
    """How much of the trajectories was read to measure intervals, areas and provinces."""

    devices: Number
    fixes: Number
    positions: Number = Field(description="Positions read (fixes and sample rows).")
    seed: int = Field(description="Seed of the device sample.")


class Trajectory(Contract):
    """A table's trajectories in numbers, for the vehicle lists' parameters (decimals, interval, scale, area).

    A number that could not be measured is null and `notes` say why: a missing
    number is never a small one.
    """

    coordinates: list[str] = Field(
        description="The coordinate column(s): a latitude/longitude pair or one column."
    )
    device: DeviceColumn | None = Field(
        description="The column naming each fix's device; null when none was found."
    )
    time_column: str | None = Field(
        description="The column holding each fix's time; null when none was found."
    )
    devices: Number | None = Field(description="Distinct devices, counted in the engine over all rows.")
    fixes: Number | None = Field(description="Fixes (rows with coordinates), counted in the engine.")
    decimals: LatLonDecimals | None = Field(description="Decimals the coordinates are written with.")
    precision_m: float | None = Field(description="Planar precision in metres the coordinates resolve to.")
    interval: Interval | None = Field(description="Reporting interval; null when not measured.")
    time_span: TimeSpan | None = Field(description="First and last day; null when not measured.")
    bbox: BoundingBox | None = Field(description="Area of the fixes; null when not measured.")
    provinces: list[ProvinceFixes] = Field(description="Fixes per province, most first.")
    sampled: TrajectorySample = Field(description="What was read to measure the sampled numbers.")
    notes: list[str] = Field(description="What could not be measured, and why.")


class Table(Contract):
    """One table, file, dataset, object or worksheet that was scanned (or failed)."""

    source: str = Field(
        description="The source it belongs to, as `sources[].uri` shows it (credentials masked)."
    )
    table: str = Field(
        description="Table name (a file's or dataset's name, `workbook/sheet` for a worksheet)."
    )
    row_count: Number | None = Field(description="Rows in the table; null when unknown (never read in full).")
    sampled_rows: Number = Field(description="Rows in the random sample the recognizers read.")
    status: Literal["ok", "error"] = Field(description="`error` when the table could not be scanned.")
    error: str | None = Field(description="One line saying what failed and what to do; null when `ok`.")
    columns: list[Column] = Field(description="The table's columns.")
    kind: TableKind = Field(
        description="What the table is: `table`, `view`, `file`, `dataset`, `object`, `sheet`."
    )
    fingerprint: Fingerprint = Field(description="Evidence of the version read.")
    schema_: str | None = Field(
        default=None,
        alias="schema",
        description="Database schema (namespace) of the table; absent when none.",
    )
    trajectory: Trajectory | None = Field(
        default=None, description="Present when coordinates were found: the trajectories' profile."
    )
    persons: PersonTally | None = Field(
        default=None,
        description="In a `chujing check` report's scan only: the table's persons as the check counted them.",
    )
    scanned_in_run: str | None = Field(
        default=None,
        description="With a scan store: the run that scanned this table — this report's `run.id`, or an earlier "
        "run whose result was carried over because the table and the rules were unchanged.  Absent without a store.",
    )

    @property
    def qualified_name(self) -> str:
        """``schema.table``, or the table's name alone when it has no schema: how findings name the table."""
        return f"{self.schema_}.{self.table}" if self.schema_ else self.table


class Skipped(Contract):
    """A file or object listed but not scanned, with the reason (an image, an archive, an empty file …)."""

    key: str | None = Field(default=None, description="Object key (S3 sources).")
    path: str | None = Field(default=None, description="Path relative to the source (local directories).")
    bytes: Number = Field(description="Its size.")
    reason: str = Field(description="Why it was not scanned.")


class Listing(Contract):
    """An object store's listing summary: how many objects, which were read, and the sampling that chose them."""

    bucket: str
    prefix: str
    objects_listed: Number = Field(description="Objects under the prefix (folder markers aside).")
    objects_readable: Number = Field(description="Objects in a format chujing reads.")
    objects_selected: Number = Field(description="Objects read.")
    objects_not_sampled: Number = Field(description="Readable objects left out by `--max-objects`.")
    tables: Number = Field(description="Tables formed (single objects and datasets).")
    datasets: Number = Field(description="Tables that are datasets of several objects.")
    max_objects: Number = Field(description="The cap on objects read per table and on single-object tables.")
    object_sampling: Literal["newest", "random", "all"] = Field(
        description="How objects were chosen under the cap."
    )
    excluded_by_key_glob: Number = Field(description="Objects left out by `--key-include` / `--key-exclude`.")
    skipped: Number = Field(description="Objects skipped (the first of them are in `sources[].skipped`).")
    skipped_by_reason: dict[str, int] = Field(description="Skipped objects per reason.")
    listing_truncated: bool = Field(description="Whether the listing stopped before the end of the prefix.")


class Source(Contract):
    """One SOURCE argument: whether it opened, and how many of its tables were selected."""

    uri: str = Field(description="The source as given, credentials masked.")
    kind: SourceKind = Field(
        description="`sql`, `s3`, or what a local path holds (`files`, `parquet`, `csv` …)."
    )
    status: Literal["ok", "error"] = Field(
        description="`error` when the source could not be opened or listed."
    )
    error: str | None = Field(description="One line saying what failed and what to do; null when `ok`.")
    tables_found: Number = Field(description="Tables the source lists.")
    tables_selected: Number = Field(description="Tables left after `--tables` / `--exclude`.")
    skipped: list[Skipped] = Field(description="Files or objects listed but not scanned, with the reason.")
    listing: Listing | None = Field(default=None, description="Object stores only: the listing summary.")
