"""Orchestration: plan → sample → recognize → aggregate → catalogue.

:func:`scan` takes SOURCE strings and returns the report: a typed
:class:`catalog.report.ScanReport` (``chujing.report/1``), turned into JSON only
by the renderers.  A failing source or table never stops the scan: it is
recorded in the report with a one-line error, reported to the observer (the
CLI prints it on stderr), and the scan goes on.  Exceptions that are not
:class:`~connectors.base.SourceError` are bugs or driver surprises; they are
caught too, their text scrubbed of secrets, and re-raised only in debug mode.
"""

from __future__ import annotations

import collections
import datetime as _dt
import gc
import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

import recognizers
from catalog import DEFAULT_REFERENCE_RULE, Catalog, ScanJudgement, judge_scan, load_catalog
from catalog.mapping import annotate_table, load_mapping
from catalog.models import ReferenceRule
from catalog.report import REPORT_SCHEMA, Entity, Parameters, Review, Run, ScanReport, Source, Table, Tool
from catalog.requests import validate_request
from connectors import Connector, SourceError, TableInfo, mask_uri, open_source, select_tables, source_kind
from connectors.errors import ChujingError
from connectors.json_flatten import Flattened, flatten_table
from connectors.spark import SparkConnector
from connectors.subcolumns import SubColumnReader
from connectors.uri import scrub
from scanner import __version__
from scanner.models import ColumnResult, ScanResults, SourceResult, TableResult, summarize
from scanner.observer import SILENT, ScanObserver
from scanner.processes import QUEUED, RecognitionPool, available_cores, recognition_processes
from scanner.spark.table import scan_spark_table
from scanner.sparse import complete_sparse_columns
from scanner.store.runner import StoreRun, table_fingerprint
from scanner.store.store import utc_now
from scanner.trajectory import profile_table
from scanner.workers import Deferred, TimedOut, in_order

#: Where tables are read and recognized (``--engine``).
ENGINES = ("local", "spark")


#: The statement timeout of SQL sources (seconds), lowered to ``--table-timeout`` when that is shorter.
SQL_STATEMENT_TIMEOUT_S = 60.0


@dataclass
class ScanOptions:
    """What to scan and how.  Defaults are the CLI's defaults."""

    sample_rows: int = 1000
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    seed: int = 0
    schema: str | None = None
    include_views: bool = False
    scan_date: _dt.date | None = None
    reference_rule: str = DEFAULT_REFERENCE_RULE
    lists: Sequence[str] = ()
    scenario: str | None = None
    subject: str | None = None
    #: Content type of the data (audio, image, text, video …) when the exporter declares it:
    #: a column scan cannot tell, and the AI-training-data items depend on it.
    modality: str | None = None
    catalog_dirs: Sequence[str] = ()
    #: Recognizers to run: ``recognizers.load_registry(files=--recognizers, catalog_dirs=--catalog)``; None runs
    #: the built-ins and installed packages.
    registry: recognizers.Registry | None = None
    connector_options: dict[str, Any] = field(default_factory=dict)
    debug: bool = False
    #: Tables scanned at once (``--jobs``): threads, for sources whose connector reads tables concurrently
    #: (SQL); the others are read one table at a time.  The report is the same whatever it is.
    jobs: int = 1
    #: Seconds a table may take (``--table-timeout``) before it is skipped and reported; SQL statements are
    #: also cancelled by the database at that time (statement timeout).
    table_timeout: float | None = None
    #: ``--watermark-column``: a column (``updated_at``) whose maximum joins a table's fingerprint in the
    #: scan store, so that an incremental run rescans a table whose rows changed but not their number.
    watermark_column: str | None = None
    #: ``local`` (this process: the databases, DuckDB and pyarrow) or ``spark`` (a SparkSession reads
    #: ``hive://`` tables and Parquet/ORC paths, and the recognizers run on its executors; docs/spark.md).
    engine: str = "local"
    spark_master: str = "local[*]"
    #: ``--spark-conf KEY=VALUE`` settings of the SparkSession.
    spark_conf: dict[str, str] = field(default_factory=dict)
    #: A Spark SQL condition on every table (``dt >= '2026-11-01'``), applied first: Spark prunes partitions by it.
    partition_filter: str | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ChujingError(f"--engine {self.engine}: choose one of {', '.join(ENGINES)}")
        if self.partition_filter is not None and self.engine != "spark":
            raise ChujingError("--partition-filter needs --engine spark (it is a Spark SQL condition)")

    def open_options(self) -> dict[str, Any]:
        """What :func:`connectors.open_source` gets: the connector options, schema, views and seed (and Spark's)."""
        opts = dict(self.connector_options)
        if self.schema is not None:
            opts.setdefault("schema", self.schema)
        opts.setdefault("include_views", self.include_views)
        opts.setdefault("seed", self.seed)
        if self.table_timeout is not None:  # SQL: the database cancels a statement at the table timeout
            opts.setdefault("statement_timeout_s", min(SQL_STATEMENT_TIMEOUT_S, self.table_timeout))
        if self.jobs > 1:  # SQL: one pooled connection per worker
            opts.setdefault("pool_size", self.jobs)
        if self.engine == "spark":
            opts.update(
                engine="spark",
                spark_master=self.spark_master,
                spark_conf=dict(self.spark_conf),
                partition_filter=self.partition_filter,
            )
        return opts

    def as_parameters(self) -> dict[str, Any]:
        """Sampling parameters recorded in the report as evidence."""
        params: dict[str, Any] = {
            "sample_rows": self.sample_rows,
            "seed": self.seed,
            "tables": list(self.include),
            "exclude": list(self.exclude),
            "schema": self.schema,
            "include_views": self.include_views,
            "scan_date": (self.scan_date or _dt.date.today()).isoformat(),
            "reference_rule": self.reference_rule,
            "lists": list(self.lists),
            "scenario": self.scenario,
            "subject": self.subject,
        }
        if self.modality is not None:
            params["modality"] = self.modality
        if self.engine != "local":
            params["engine"] = self.engine
            params["spark_master"] = self.spark_master
        if self.partition_filter is not None:
            params["partition_filter"] = self.partition_filter
        return params


def scan(
    sources: Sequence[str],
    options: ScanOptions | None = None,
    observer: ScanObserver | None = None,
    *,
    catalog: Catalog | None = None,
    run: StoreRun | None = None,
) -> ScanReport:
    """Scan every source and return the report (``chujing.report/1``, typed).

    ``catalog``: a catalogue the caller already loaded and checked the options
    against (``chujing check`` does, with its own lists); otherwise it is
    loaded and checked here, before anything is scanned.  ``run``: a scan-store
    run (``--store``): each table's result goes to the store as soon as it is
    scanned, tables a resumed or incremental run already has are taken from it,
    and the store's reviews are applied to the findings.
    """
    options = options or ScanOptions()
    observer = observer or SILENT
    catalog = catalog or check_catalog_options(options)
    results = ScanResults(tool_version=__version__, started_at=utc_now(), parameters=options.as_parameters())
    keeper = (
        None
        if run is None
        else _Keeper(run, catalog.reference_rule(options.reference_rule), options.watermark_column)
    )
    processes = recognition_processes(options.jobs, available_cores())
    with RecognitionPool(processes, options.registry, options.scan_date) as pool:
        for source in sources:
            _scan_source(source, options, observer, results, keeper, pool)
    results.finished_at = utc_now()
    sources_read = [s.to_model() for s in results.sources]
    judged = judge_scan(
        _handed_over(results.tables),
        sources_read,
        catalog=catalog,
        reference_rule=options.reference_rule,
        lists=options.lists,
        scenario=options.scenario,
        subject=options.subject,
        modality=options.modality,
    )
    return assemble_report(
        judged,
        sources_read,
        tool_version=results.tool_version,
        started_at=results.started_at,
        finished_at=results.finished_at,
        parameters=results.parameters,
        run=None
        if run is None
        else Run(id=run.run_id, incremental=run.incremental, resumed_from=run.resumed_from),
    )


def _handed_over(results: list[TableResult]) -> Iterator[Table]:
    """Each table's result as its model, in order, let go of as it is taken: the catalogue annotates one
    table at a time, so a scan of 10,000 tables is never held twice."""
    results.reverse()
    while results:
        yield results.pop().to_model()


def assemble_report(
    judged: ScanJudgement,
    sources: list[Source],
    *,
    tool_version: str,
    started_at: str,
    finished_at: str,
    parameters: dict[str, Any],
    run: Run | None = None,
) -> ScanReport:
    """The typed report of a judged scan: what :func:`scan` returns, and what the console rebuilds a stored run
    into.  Keys the contract makes optional (``list_items`` without lists, ``run`` without a store) are left
    out rather than written as null."""
    optional: dict[str, Any] = {}
    if judged.list_items is not None:
        optional["list_items"] = judged.list_items
    if run is not None:
        optional["run"] = run
    return ScanReport(
        schema=REPORT_SCHEMA,
        tool=Tool(name="chujing", version=tool_version),
        started_at=started_at,
        finished_at=finished_at,
        parameters=Parameters.model_validate(parameters),
        sources=sources,
        tables=judged.tables,
        catalog=judged.catalog,
        important_data=judged.important_data,
        persons=judged.persons,
        candidate_important_data=judged.candidates,
        summary=summarize(judged.tables, sources),
        **optional,
    )


def check_catalog_options(options: ScanOptions) -> Catalog:
    """Load the catalogue and check list ids, reference rule, scenario and subject before scanning.

    A typo in ``--list`` should fail in a second, not after an hour of scanning.
    Raises :class:`catalog.CatalogError` with one line per problem (see
    :func:`catalog.requests.validate_request`, which ``chujing check`` shares).
    """
    catalog = load_catalog(options.catalog_dirs)
    validate_request(
        catalog, options.lists, options.scenario, options.subject, reference_rule=options.reference_rule
    )
    return catalog


def _describe_unexpected(exc: BaseException, source: str, where: str) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return scrub(
        f"{mask_uri(source)}{where}: unexpected {type(exc).__name__}: {text} (rerun with --debug for details)",
        source,
    )


class _Keeper:
    """Consults and feeds the scan store table by table (see :mod:`scanner.store.runner`)."""

    def __init__(self, run: StoreRun, rule: ReferenceRule, watermark: str | None = None) -> None:
        self.run, self.rule, self.mapping = run, rule, load_mapping()
        self.watermark = watermark

    def fingerprint(self, connector: Connector, info: TableInfo) -> dict[str, Any] | None:
        """The table's cheap fingerprint (listing, columns, row count, the watermark column's maximum), or
        None when it cannot be had."""
        try:
            columns = [(c.name, c.type) for c in connector.columns(info)]
            mark = self._watermark(connector, info, [name for name, _ in columns])
            return table_fingerprint(info.fingerprint, columns, connector.row_count(info), watermark=mark)
        except SourceError:
            return None  # the scan of the table reports the failure

    def _watermark(self, connector: Connector, info: TableInfo, names: list[str]) -> tuple[str, Any] | None:
        """``(column, its maximum)`` where the table has the watermark column and the engine can say."""
        if self.watermark is None or self.watermark not in names:
            return None
        try:
            _low, high = connector.value_bounds(info, [self.watermark])[self.watermark]
        except NotImplementedError:
            return None
        return self.watermark, high

    def reuse(
        self, source: str, connector: Connector, info: TableInfo, fingerprint: dict[str, Any] | None
    ) -> TableResult | None:
        if fingerprint is None:
            return None
        hit = self.run.reuse(source, {"schema": info.schema, "table": info.name}, fingerprint)
        if hit is None:
            return None
        hit = hit.model_copy(update={"source": connector.display_uri})  # the source as spelled in this run
        return TableResult(
            source=connector.display_uri,
            table=info.name,
            schema=info.schema,
            kind=info.kind,
            status=hit.status,
            scanned_in_run=hit.scanned_in_run,
            carried=self._reviewed(source, hit),
        )

    def keep(self, source: str, result: TableResult, fingerprint: dict[str, Any] | None) -> None:
        if result.carried is None:
            result.scanned_in_run = self.run.run_id
            result.carried = self._reviewed(source, result.to_model())
        if fingerprint is not None:
            self.run.done(source, result.carried, fingerprint)

    def _reviewed(self, source: str, table: Table) -> Table:
        """The table with the store's reviews on its findings, annotated as the catalogue reads it.  A store
        without reviews leaves a table that carries none as it is, rather than copy each column to look each
        of its entities up for nothing."""
        if self.run.reviews or any("review" in e.model_fields_set for c in table.columns for e in c.entities):
            columns = [
                c.model_copy(
                    update={"entities": [self._review(source, table, c.name, e) for e in c.entities]}
                )
                for c in table.columns
            ]
            table = table.model_copy(update={"columns": columns})
        return annotate_table(table, self.rule, self.mapping)

    def _review(self, source: str, table: Table, column: str, entity: Entity) -> Entity:
        review = self.run.review_of(
            source, {"schema": table.schema_, "table": table.table}, column, entity.type
        )
        if review is None:
            if "review" not in entity.model_fields_set:
                return entity
            return Entity.model_validate(
                entity.model_dump(by_alias=True, exclude_unset=True, exclude={"review"})
            )
        return entity.model_copy(update={"review": Review(**review.to_dict())})


def _scan_source(
    source: str,
    options: ScanOptions,
    observer: ScanObserver,
    report: ScanResults,
    keeper: _Keeper | None = None,
    pool: RecognitionPool | None = None,
) -> None:
    result = SourceResult(uri=mask_uri(source), kind=source_kind(source))
    report.sources.append(result)
    listing = observer.progress(f"listing {result.uri}", unit="object")  # object stores list page by page
    try:
        connector = open_source(source, **options.open_options(), on_listed=listing.update)
        result.uri = connector.display_uri
        with connector:
            try:
                tables = connector.list_tables()
            finally:
                listing.close()
                _record_listing(connector, result)
            result.tables_found = len(tables)
            selected = select_tables(tables, options.include, options.exclude)
            result.tables_selected = len(selected)
            observer.source_started(result.uri, len(selected))
            _scan_tables(source, connector, selected, options, observer, report, keeper, pool)
    except SourceError as exc:
        result.status, result.error = "error", scrub(exc.message, source)
        observer.error(result.error)
    except Exception as exc:
        if options.debug:
            raise
        result.status, result.error = "error", _describe_unexpected(exc, source, "")
        observer.error(result.error)
    finally:
        listing.close()


def _scan_tables(
    source: str,
    connector: Connector,
    selected: Sequence[TableInfo],
    options: ScanOptions,
    observer: ScanObserver,
    report: ScanResults,
    keeper: _Keeper | None,
    pool: RecognitionPool | None = None,
) -> None:
    """Scan (or take from the store) each table, ``--jobs`` at a time, each within ``--table-timeout``.

    Workers read; this thread recognizes what they read a batch at a time, in the tables' order, and alone
    writes the report and the store, so both are the same whatever ``--jobs`` is (:mod:`scanner.workers`).
    A batch is up to :data:`BATCH_TABLES` tables (or :data:`BATCH_ROWS` sampled rows) whose samples the
    recognizers read at once (:func:`recognizers.analyze_tables`: the findings of one table at a time): two
    thousand tables of 300 rows took 15 ms of recognition each, most of it a recognizer's call per column
    setting up; read together, a few.  While this thread recognizes a batch, the workers read the next tables.
    With ``--jobs`` on a machine of several cores, a source of more than one batch has its batches recognized
    in other processes as well (:mod:`scanner.processes`), while this thread reads the next ones; each batch
    is handed on in its turn.  ``--table-timeout`` bounds a table's reads, where a table can hang (a lock, a
    view that never returns).
    """
    jobs = options.jobs if getattr(connector, "concurrent_tables", False) else 1

    def take(info: TableInfo, t: TableResult, fingerprint: dict[str, Any] | None) -> None:
        if keeper is not None:
            keeper.keep(source, t, fingerprint)
        report.tables.append(t)
        observer.table_done(t)
        if t.carried is not None:  # kept in the store and annotated: the report takes that, not a second copy
            t.columns, t.trajectory = [], None
        forget = getattr(connector, "forget", None)  # what the connector kept about the table (SQL)
        if forget is not None:
            forget(info)

    if isinstance(connector, SparkConnector):  # --engine spark: each table's steps are Spark jobs
        _scan_spark_tables(source, connector, selected, options, observer, keeper, take)
        return

    def read(info: TableInfo) -> _Read:
        read = _Read(info, _new_result(connector, info), None, Deferred(observer))
        read.fingerprint = keeper.fingerprint(connector, info) if keeper else None
        carried = keeper.reuse(source, connector, info, read.fingerprint) if keeper else None
        if carried is not None:
            read.result = carried
        else:
            _read_sample(connector, read, options, source)
        return read

    batch: list[_Read] = []
    shared = pool if pool is not None and not pool.broken and len(selected) > BATCH_TABLES else None
    if shared is not None:
        shared.start()  # its processes start up on their own cores while this thread reads and recognizes
    #: batches read, in order, each with its findings or the future of a process recognizing it
    waiting: collections.deque[tuple[list[_Read], list[int], Future | _Found]] = collections.deque()

    def flush() -> None:
        if not batch:
            return
        items = batch.copy()
        batch.clear()
        inputs, owners = _batch_inputs(items)
        future = shared.submit(inputs) if shared is not None and inputs else None
        if future is None:  # no process to recognize it (or nothing to recognize): this thread does
            waiting.append((items, owners, _recognize_here(inputs, owners, len(items), options)))
        else:
            waiting.append((items, owners, future))
        hand_on(keep=1 + shared.processes * QUEUED if shared is not None else 0)

    def hand_on(*, keep: int) -> None:
        """Hand on the batches whose findings are in, in order, waiting for the first while more than ``keep``
        batches wait (their samples are held until then)."""
        while waiting:
            items, owners, job = waiting[0]
            if isinstance(job, Future):
                if not job.done() and len(waiting) <= keep:
                    return
                done = shared.result(job) if shared is not None else None
                if done is None:  # the process failed: this thread recognizes each table on its own
                    job = _Found(None, 0.0)
                else:
                    job = _Found(_grouped(done[0], owners, len(items)), done[1])
            waiting.popleft()
            for read in _complete_batch(connector, items, job, options, source):
                read.said.replay()
                take(read.info, read.result, read.fingerprint)

    rows = 0
    for info, outcome in in_order(selected, read, jobs=jobs, timeout=options.table_timeout):
        if isinstance(outcome, TimedOut):
            flush()  # the tables before it first, in order
            hand_on(keep=0)
            t = _timed_out(connector, info, outcome, source)
            observer.error(t.error or "")
            take(info, t, {})
            continue
        batch.append(outcome)
        rows += outcome.sample.num_rows if outcome.sample is not None else 0
        if len(batch) >= BATCH_TABLES or rows >= BATCH_ROWS:
            flush()
            rows = 0
    flush()
    hand_on(keep=0)


def _scan_spark_tables(
    source: str,
    connector: SparkConnector,
    selected: Sequence[TableInfo],
    options: ScanOptions,
    observer: ScanObserver,
    keeper: _Keeper | None,
    take: Callable[[TableInfo, TableResult, dict[str, Any] | None], None],
) -> None:
    """Each table scanned on Spark, one at a time (its steps are jobs the cluster runs)."""
    threaded = options.jobs > 1 or options.table_timeout is not None

    def work(info: TableInfo) -> tuple[TableResult, dict[str, Any] | None, Deferred | None]:
        said = Deferred(observer) if threaded else None
        fingerprint = keeper.fingerprint(connector, info) if keeper else None
        t = keeper.reuse(source, connector, info, fingerprint) if keeper else None
        if t is None:
            t = _scan_spark_table(connector, info, options, said or observer, source)
        return t, fingerprint, said

    for info, outcome in in_order(selected, work, jobs=1, timeout=options.table_timeout):
        if isinstance(outcome, TimedOut):
            t, fingerprint = _timed_out(connector, info, outcome, source), {}
            observer.error(t.error or "")
        else:
            t, fingerprint, said = outcome
            if said is not None:
                said.replay()
        take(info, t, fingerprint)


def _timed_out(connector: Connector, info: TableInfo, outcome: TimedOut, source: str) -> TableResult:
    """A table skipped at the table timeout: an error naming it and the timeout (it has no fingerprint, so
    a later incremental run scans it again)."""
    message = (
        f"{connector.display_uri}: table {info.qualified_name}: no result within the table timeout "
        f"({outcome.seconds:g} s) — skipped; raise --table-timeout or exclude the table"
    )
    result = _new_result(connector, info)
    result.status, result.error = "error", scrub(message, source)
    return result


def schema_digest(columns: Sequence[ColumnResult]) -> str:
    """SHA-256 of a table's column names and source types: evidence that the schema did not change between scans."""
    text = "\n".join(f"{c.name}\t{c.type}" for c in columns)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record_listing(connector: Connector, result: SourceResult) -> None:
    """Objects a store listed but could not scan (images, archives …) and its listing summary, for the report."""
    skipped = getattr(connector, "skipped", None)
    if skipped:
        result.skipped = [dict(x) for x in skipped]
    listing = getattr(connector, "listing", None)
    if listing:
        result.listing = dict(listing)


def _scan_spark_table(
    connector: SparkConnector, info: TableInfo, options: ScanOptions, observer: ScanObserver, source: str
) -> TableResult:
    """One table's steps as Spark jobs, the executors running the local engine's own steps."""
    t0 = time.perf_counter()
    result = _new_result(connector, info)

    def read() -> None:
        scan_spark_table(
            connector,
            info,
            result,
            options=options,
            recognize=_recognize,
            analyze_values=_analyze_values,
            clean=lambda text: scrub(text, source),
        )

    _guarded(read, result, info, options, observer, source)
    _seal_result(info, result, time.perf_counter() - t0)
    return result


def _new_result(connector: Connector, info: TableInfo) -> TableResult:
    return TableResult(source=connector.display_uri, table=info.name, schema=info.schema, kind=info.kind)


def _guarded(
    step: Callable[[], object],
    result: TableResult,
    info: TableInfo,
    options: ScanOptions,
    observer: ScanObserver,
    source: str,
) -> bool:
    """Run one step of a table's scan; a failure makes the table an error (one line to the observer), and the
    scan goes on.  False when it failed."""
    try:
        step()
        return True
    except SourceError as exc:
        result.status, result.error = "error", scrub(exc.message, source)
    except Exception as exc:
        if options.debug:
            raise
        result.status = "error"
        result.error = _describe_unexpected(exc, source, f": table {info.qualified_name}")
    observer.error(result.error or "")
    return False


def _seal_result(info: TableInfo, result: TableResult, seconds: float) -> None:
    """A scanned table's fingerprint, as the connector completed it while reading (schema hash, row groups),
    and the seconds it took."""
    result.fingerprint = dict(info.fingerprint)
    if result.columns:
        result.fingerprint.setdefault(  # the source's schema: sub-columns of JSON depend on the sample
            "schema_sha256", schema_digest([c for c in result.columns if c.parent is None])
        )
    if result.row_count is not None:
        result.fingerprint.setdefault("row_count", result.row_count)
    result.seconds = seconds


def _sample_table(
    connector: Connector, info: TableInfo, options: ScanOptions, result: TableResult
) -> tuple[list, pa.Table]:
    """The local engine's reads: the columns, a row sample and the row count (asked after the sample: a
    connector that read a small table whole has counted it, :meth:`connectors.sql.SQLConnector.sample`)."""
    columns = connector.columns(info)
    result.columns = [ColumnResult(c.name, c.type, comment=c.comment) for c in columns]
    sample = connector.sample(info, options.sample_rows, seed=options.seed)
    result.row_count = connector.row_count(info)
    result.sampled_rows = sample.num_rows
    return columns, sample


def _complete_table(
    connector: Connector,
    info: TableInfo,
    options: ScanOptions,
    result: TableResult,
    source: str,
    columns: list,
    sample: pa.Table,
    flat: Flattened,
) -> None:
    """What the recognized sample leaves to read: sparse columns, and trajectories of a table with coordinates."""
    complete_sparse_columns(
        connector,
        info,
        sample,
        result,
        n=options.sample_rows,
        seed=options.seed,
        analyze=lambda values: _analyze_values(values, columns, info, options, result),
    )
    result.trajectory = profile_table(  # devices, interval, area of a table with coordinates
        SubColumnReader(connector, flat.parents, _declared(columns)) if flat.parents else connector,
        info,
        flat.table,
        result.columns,
        row_count=result.row_count,
        seed=options.seed,
        clean=lambda text: scrub(text, source),
    )


#: Tables are recognized a batch at a time (:func:`_scan_tables`): up to this many tables, or until their samples
#: hold :data:`BATCH_ROWS` rows.
BATCH_TABLES = 64
BATCH_ROWS = 50_000


@dataclass
class _Read:
    """A table of a batch: read (or carried from the store), its sample waiting for the batch's recognizers."""

    info: TableInfo
    result: TableResult
    fingerprint: dict[str, Any] | None
    said: Deferred
    columns: list = field(default_factory=list)
    sample: pa.Table | None = None
    flat: Flattened | None = None
    seconds: float = 0.0


_FROZEN = threading.Event()


def _freeze_once() -> None:
    """Once the first batch is recognized, what is alive then (the recognizers' dictionaries, place and name
    tables, loaded on first use: millions of objects) is taken out of the cycle collector's sight for good
    (:func:`gc.freeze`): each later full collection walked them all again, a second of a 2,000-table scan."""
    if not _FROZEN.is_set():
        _FROZEN.set()
        gc.freeze()


def _read_sample(connector: Connector, read: _Read, options: ScanOptions, source: str) -> None:
    t0 = time.perf_counter()

    def sample() -> None:
        with connector.table_session(read.info):
            read.columns, read.sample = _sample_table(connector, read.info, options, read.result)
        read.flat = flatten_table(read.sample, _declared(read.columns))

    if not _guarded(sample, read.result, read.info, options, read.said, source):
        read.sample = read.flat = None
    read.seconds = time.perf_counter() - t0


@dataclass
class _Found:
    """A batch's findings (one dict per table of the batch, by column), or ``None`` when recognizing the batch
    together failed; and the seconds that took."""

    tables: list[dict] | None
    seconds: float


def _batch_inputs(batch: list[_Read]) -> tuple[list[recognizers.TableInput], list[int]]:
    """What the recognizers read of a batch (each sampled table, and each list's elements in it), and the
    position in the batch of the table each input belongs to."""
    inputs, owners = [], []
    for k, read in enumerate(batch):
        if read.sample is None or read.flat is None:
            continue
        metas = [recognizers.ColumnMeta(c.name, c.type, c.comment) for c in read.columns]
        for table in read.flat.tables():
            inputs.append(recognizers.TableInput(table, metas, read.info.name, read.info.comment))
            owners.append(k)
    return inputs, owners


def _grouped(each: list[dict], owners: list[int], tables: int) -> list[dict]:
    """The findings of each input gathered by the table they belong to."""
    found: list[dict] = [{} for _ in range(tables)]
    for k, part in zip(owners, each, strict=True):
        found[k] |= part
    return found


def _recognize_here(
    inputs: list[recognizers.TableInput], owners: list[int], tables: int, options: ScanOptions
) -> _Found:
    """A batch's samples recognized together in this process (:func:`recognizers.analyze_tables`)."""
    t0 = time.perf_counter()
    try:
        with _RECOGNIZING:
            each = recognizers.analyze_tables(inputs, scan_date=options.scan_date, registry=options.registry)
        found: list[dict] | None = _grouped(each, owners, tables)
    except Exception:
        if options.debug:
            raise
        found = None
    _freeze_once()
    return _Found(found, time.perf_counter() - t0)


def _complete_batch(
    connector: Connector, batch: list[_Read], found: _Found, options: ScanOptions, source: str
) -> Iterator[_Read]:
    """Each table of a recognized batch completed and handed on, in order.  Should the batch's recognition have
    failed, each table is recognized on its own, so that the failure is the table's."""
    todo = [
        (k, read, read.sample, read.flat)
        for k, read in enumerate(batch)
        if read.sample is not None and read.flat is not None
    ]
    rows = sum(sample.num_rows for _, _, sample, _ in todo)
    for k, read, sample, flat in todo:
        t1 = time.perf_counter()

        def complete(
            read: _Read = read, sample: pa.Table = sample, flat: Flattened = flat, k: int = k
        ) -> None:
            if found.tables is None:
                flat = _recognize(sample, read.columns, read.info, options, read.result)
            else:
                _record_findings(sample, flat, found.tables[k], read.result)
            _complete_table(connector, read.info, options, read.result, source, read.columns, sample, flat)

        _guarded(complete, read.result, read.info, options, read.said, source)
        share = sample.num_rows / rows if rows else 1 / len(todo)
        read.seconds += time.perf_counter() - t1 + found.seconds * share
    for read in batch:
        if read.result.carried is None:
            _seal_result(read.info, read.result, read.seconds)
        read.sample = read.flat = None  # the batch's samples are let go of as it is handed on
        yield read


def _declared(columns: list) -> dict[str, str]:
    return {c.name: c.type for c in columns}


def _analyze_values(
    values: pa.Table, columns: list, info: TableInfo, options: ScanOptions, result: TableResult
) -> dict:
    """Findings over a sample of a sparse column's non-null values; a JSON column's sub-columns come from it too."""
    flat = flatten_table(values, _declared(columns))
    found = _analyze_flat(flat, columns, info, options)
    if flat.parents:
        again = set(flat.parents.values())
        result.columns = [c for c in result.columns if c.parent not in again]
        _add_sub_columns(flat, found, result, values_only=True)
    return found


#: Held while the recognizers read a sample, so that ``--jobs`` threads take turns at it.  Recognition runs
#: Python, and its Arrow and RE2 calls on a sample of a few hundred rows each release the GIL for microseconds:
#: two threads recognizing at once pass the GIL back and forth at every call, and four threads scanned 200
#: small SQLite tables in 1.7 times the time one took (500 PostgreSQL tables in 1.5-1.6 times), a quarter of
#: their CPU time spent in the kernel.  Taking turns, four threads take about the time of one, while their
#: database reads and waits still overlap (``benchmarks/bench_many_tables.py``); a SQLite database, whose reads
#: have nothing to wait for, is read by one thread (:attr:`connectors.sql.SQLConnector.concurrent_tables`).
_RECOGNIZING = threading.Lock()


def _analyze_flat(flat: Flattened, columns: list, info: TableInfo, options: ScanOptions) -> dict:
    """Findings per column and per sub-column of JSON (the row-aligned table, then each list's elements)."""
    metas = [recognizers.ColumnMeta(c.name, c.type, c.comment) for c in columns]
    found: dict = {}
    with _RECOGNIZING:
        for table in flat.tables():
            found |= recognizers.analyze_table(
                table,
                metas,
                table_name=info.name,
                table_comment=info.comment,
                scan_date=options.scan_date,
                registry=options.registry,
            )
    return found


def _recognize(
    sample: pa.Table, columns: list, info: TableInfo, options: ScanOptions, result: TableResult
) -> Flattened:
    flat = flatten_table(sample, _declared(columns))
    _record_findings(sample, flat, _analyze_flat(flat, columns, info, options), result)
    return flat


def _record_findings(sample: pa.Table, flat: Flattened, found: dict, result: TableResult) -> None:
    """Each column's findings and non-null count in the table's result, and the JSON sub-columns'."""
    by_name = {c.name: c for c in result.columns}
    for name in sample.column_names:
        col = by_name.get(name)
        if col is None:  # a column the schema listing did not show (e.g. partition keys)
            col = ColumnResult(name, str(sample.schema.field(name).type))
            result.columns.append(col)
            by_name[name] = col
        col.non_null = sample.num_rows - sample.column(name).null_count
        col.entities = found.get(name, [])
    _add_sub_columns(flat, found, result)


def _add_sub_columns(flat: Flattened, found: dict, result: TableResult, *, values_only: bool = False) -> None:
    """Each sub-column of a JSON column as a column named by its path, right after that column.

    Its ``null_ratio`` is over the sampled rows, or over the elements of its list for a path inside one;
    none when the JSON column was sparse and only its non-null values were sampled (``values_only``).
    """
    subs: dict[str, list[ColumnResult]] = {}
    for name, parent in flat.parents.items():
        values = flat.column(name)
        col = ColumnResult(name, str(values.type), non_null=len(values) - values.null_count, parent=parent)
        col.entities = found.get(name, [])
        if values_only:
            col.value_sample = "non-null"
        elif len(values):
            col.null_ratio, col.null_ratio_method = values.null_count / len(values), "sample"
        subs.setdefault(parent, []).append(col)
    result.columns = [x for c in result.columns for x in (c, *subs.get(c.name, ()))]
