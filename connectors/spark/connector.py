"""A Spark source (``--engine spark``): Hive tables and Parquet/ORC files and datasets, read where they live.

Every operation is a Spark job over the table's DataFrame, with the partition
filter (``--partition-filter``) applied first so that Spark prunes partitions
before it reads a file:

* **row counts**: ``count()`` (Parquet and ORC answer it from file footers);
* **samples**: a seeded Bernoulli sample sized from the count (a little over the
  cap, so it nearly always holds enough rows), then the cap taken by a seeded
  random order (:func:`bounded_sample`): rows from the whole table, never the
  first rows of the first files; the DataFrame itself is what
  :mod:`scanner.spark` hands to the recognizers on the executors;
* **non-null values** of a sparse column: the same sample over ``WHERE c IS NOT NULL``;
* **null counts**: one aggregate job (``count(c)`` for every column);
* **persons**: the key and flag expressions every engine evaluates
  (:mod:`connectors.spark.keys`), grouped and counted by Spark; for the ledger
  the keys are hashed on the executors (:meth:`SparkConnector.iter_hashed_key_signatures`),
  so only HMACs reach the driver;
* **trajectories**: ``COUNT(DISTINCT device)``, ``MIN``/``MAX`` and the first fixes
  of chosen devices by a window function.

A table Spark cannot read (a missing path, a corrupt file, a filter on a column
the table lacks) is a :class:`~connectors.base.SourceError` naming it; the
source goes on with its other tables.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from connectors.base import (
    ColumnInfo,
    Connector,
    FixQuery,
    KeyCount,
    KeySpec,
    NullCounts,
    SignatureGroup,
    SourceError,
    TableInfo,
)
from connectors.spark.keys import key_count_sql, signature_counts_sql, signature_keys_sql
from connectors.spark.session import SparkError, arrow_udf, first_line, spark_session
from connectors.spark.sources import HadoopLister, HiveSource, SparkTable, list_path, parse_source
from connectors.spark.workers import HashMany, hash_key_batches
from connectors.uri import mask_uri

_views = itertools.count()


def quote(name: str) -> str:
    """A column or table name as a Spark SQL identifier.

    >>> quote("身份证号"), quote("a`b"), quote("x.y")
    ('`身份证号`', '`a``b`', '`x.y`')
    """
    return "`" + name.replace("`", "``") + "`"


def is_spark_error(exc: BaseException) -> bool:
    """Whether ``exc`` came from Spark or its JVM gateway (pyspark's and py4j's exceptions), not from chujing."""
    return any(k.__module__.split(".")[0] in ("pyspark", "py4j") for k in type(exc).__mro__)


def sample_fraction(rows: int, n: int) -> float:
    """The Bernoulli fraction that yields at least ``n`` of ``rows`` with near certainty (mean + 4 sd + 16).

    >>> round(sample_fraction(10_000_000, 1000) * 10_000_000), sample_fraction(1100, 1000)
    (1142, 1.0)
    """
    if rows <= 0:
        return 1.0
    return min(1.0, (n + 4 * math.sqrt(n) + 16) / rows)


def bounded_sample(df: Any, rows: int, n: int, seed: int) -> Any:
    """At most ``n`` rows spread over ``df`` (of ``rows`` rows), seeded: sample a little more, order randomly, cap.

    The random order keeps the cap from favouring the first partitions; Spark
    takes the top ``n`` of each partition before it merges them, so only about
    ``n`` rows per partition move.
    """
    if rows <= n:
        return df
    sampled = df.sample(withReplacement=False, fraction=sample_fraction(rows, n), seed=seed)
    order = "__chujing_order"
    columns = [quote(c) for c in df.columns]
    return (
        sampled.selectExpr(*columns, f"rand({int(seed)}) AS {order}")
        .orderBy(order)
        .limit(n)
        .selectExpr(*columns)
    )


class SparkConnector(Connector):
    """Tables of a Hive metastore (``hive://DB[.GLOB]``) or Parquet/ORC paths, read by Spark."""

    kind = "spark"

    def __init__(
        self,
        uri: str,
        *,
        spark_master: str = "local[*]",
        spark_conf: dict[str, str] | None = None,
        partition_filter: str | None = None,
        include_views: bool = False,
        **_ignored: object,
    ) -> None:
        super().__init__(uri)
        self.master = spark_master
        self.conf = dict(spark_conf or {})
        self.partition_filter = partition_filter
        self.include_views = include_views
        self.source = parse_source(uri)
        self.spark: Any = None
        self._tables: dict[tuple[str | None, str], SparkTable] = {}
        self._frames: dict[tuple[str | None, str], Any] = {}
        self._counts: dict[tuple[str | None, str], int] = {}
        self._nulls: dict[tuple[str | None, str], NullCounts] = {}

    @property
    def display_uri(self) -> str:
        return mask_uri(self.uri)

    def _error(self, text: str, table: TableInfo | None = None) -> SourceError:
        where = f"{self.display_uri}: table {table.qualified_name}" if table else self.display_uri
        return SourceError(f"{where}: {text}", source=self.display_uri, table=table and table.qualified_name)

    @contextlib.contextmanager
    def guard(self, what: str, table: TableInfo | None = None) -> Iterator[None]:
        """Turn Spark's errors into one :class:`SourceError` line naming the source and the table."""
        try:
            yield
        except SparkError as exc:
            raise self._error(exc.message, table) from None
        except Exception as exc:
            if not is_spark_error(exc):
                raise
            raise self._error(f"{what} failed: {first_line(exc)}", table) from None

    # -- listing ---------------------------------------------------------------------------------
    def open(self) -> None:
        try:
            self.spark = spark_session(self.master, self.conf)
        except SparkError as exc:
            raise SourceError(f"{self.display_uri}: {exc.message}", source=self.display_uri) from None
        if isinstance(self.source, HiveSource):
            db = self.source.database
            if not db:
                raise self._error("name a database: hive://DB or hive://DB.TABLE_GLOB")
            with self.guard(
                "reading the metastore (check hive-site.xml or spark.hadoop.hive.metastore.uris)"
            ):
                found = self.spark.catalog.databaseExists(db)
            if not found:
                raise self._error(
                    f"no database {db} in the Spark catalogue ({self._catalog_name()}): check the name "
                    "(SHOW DATABASES) or the metastore the Spark conf names"
                )
        else:
            with self.guard("listing the path"):
                exists, _ = HadoopLister(self.spark).status(self.source.path)
            if not exists:
                raise self._error(
                    "no such file or directory; check the path (Spark reads it from the driver)"
                )

    def _catalog_name(self) -> str:
        return str(self.spark.conf.get("spark.sql.catalogImplementation", "in-memory"))

    def list_tables(self) -> list[TableInfo]:
        if isinstance(self.source, HiveSource):
            tables = self._list_hive(self.source)
        else:
            with self.guard("listing the path"):
                tables = list_path(HadoopLister(self.spark), self.source.path)
            if not tables:
                raise self._error(
                    "no Parquet or ORC files here (*.parquet, *.parq, *.pq, *.orc, or a partitioned dataset "
                    "of them); for a Hive table's files scan the table as hive://DB.TABLE"
                )
        for t in tables:
            if self.partition_filter:
                t.info.fingerprint["partition_filter"] = self.partition_filter
            self._tables[(t.info.schema, t.info.name)] = t
        return [t.info for t in tables]

    def _list_hive(self, source: HiveSource) -> list[SparkTable]:
        with self.guard("listing the tables (check the metastore)"):
            listed = self.spark.catalog.listTables(source.database)
        out = []
        for t in listed:
            view = (t.tableType or "").upper() == "VIEW"
            if t.isTemporary or not source.matches(t.name) or (view and not self.include_views):
                continue
            info = TableInfo(
                t.name,
                schema=source.database,
                kind="view" if view else "table",
                comment=t.description or None,
            )
            out.append(SparkTable(info, hive_name=f"{quote(source.database)}.{quote(t.name)}"))
        return out

    def _table(self, table: TableInfo) -> SparkTable:
        found = self._tables.get((table.schema, table.name))
        if found is None:
            raise self._error("not listed by this source (rerun)", table)
        return found

    def frame(self, table: TableInfo) -> Any:
        """The table as a DataFrame, partition filter applied (built once per table)."""
        key = (table.schema, table.name)
        if key not in self._frames:
            t = self._table(table)
            with self.guard("reading", table):
                if t.hive_name is not None:
                    df = self.spark.table(t.hive_name)
                    self._describe_hive(t)
                else:
                    df = self.spark.read.format(t.format or "parquet").load(t.path)
                    with contextlib.suppress(Exception):  # sizes are evidence, not a condition of the scan
                        t.info.fingerprint.update(HadoopLister(self.spark).summary(str(t.path)))
            if self.partition_filter:
                with self.guard(f"--partition-filter {self.partition_filter!r}", table):
                    df = df.where(self.partition_filter)
            self._frames[key] = df
        return self._frames[key]

    def _describe_hive(self, t: SparkTable) -> None:
        """Format, location and sizes of a catalogue table, into its fingerprint (evidence of the version read)."""
        rows = self.spark.sql(f"DESCRIBE TABLE EXTENDED {t.hive_name}").collect()
        details = {str(r[0]).strip(): str(r[1]).strip() for r in rows if r[0] and r[1] is not None}
        fp = t.info.fingerprint
        if details.get("Provider"):
            fp["format"] = details["Provider"].lower()
        if details.get("Location"):
            fp["location"] = details["Location"]
            with contextlib.suppress(Exception):
                fp.update(HadoopLister(self.spark).summary(details["Location"]))

    # -- the interface --------------------------------------------------------------------------
    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        df = self.frame(table)
        t = self._table(table)
        comments: dict[str, str | None] = {}
        if t.hive_name is not None:
            with self.guard("reading the columns", table):
                listed = self.spark.catalog.listColumns(self._table(table).hive_name)
            comments = {c.name: c.description or None for c in listed}
        return [
            ColumnInfo(
                f.name,
                f.dataType.simpleString(),
                comments.get(f.name) or f.metadata.get("comment") or None,
                f.nullable,
            )
            for f in df.schema.fields
        ]

    def row_count(self, table: TableInfo) -> int | None:
        key = (table.schema, table.name)
        if key not in self._counts:
            df = self.frame(table)
            with self.guard("counting rows", table):
                self._counts[key] = int(df.count())
        return self._counts[key]

    def sample_frame(self, table: TableInfo, n: int, *, seed: int = 0) -> Any:
        """A DataFrame of at most ``n`` rows spread over the table (see :func:`bounded_sample`)."""
        rows = self.row_count(table) or 0
        with self.guard("sampling", table):
            return bounded_sample(self.frame(table), rows, n, seed)

    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        frame = self.sample_frame(table, n, seed=seed)
        with self.guard("sampling", table):
            return frame.toArrow()

    def distinct_count(self, table: TableInfo, columns: Sequence[str]) -> int:
        df = self.frame(table)
        with self.guard("counting distinct values", table):
            return int(df.selectExpr(f"count(DISTINCT {', '.join(quote(c) for c in columns)})").first()[0])

    def null_counts(
        self, table: TableInfo, columns: Sequence[str], *, exact: bool = False
    ) -> NullCounts | None:
        """Exact non-null counts of every column in one aggregate job (nothing without ``exact``: no free statistics)."""
        key = (table.schema, table.name)
        if key in self._nulls and set(columns) <= set(self._nulls[key].non_null):
            return self._nulls[key]
        if not exact:
            return None
        df = self.frame(table)
        with self.guard("counting values", table):
            row = df.selectExpr("count(1)", *(f"count({quote(c)})" for c in columns)).first()
        counts = NullCounts(int(row[0]), {c: int(v) for c, v in zip(columns, row[1:], strict=True)}, "exact")
        self._nulls[key] = counts
        return counts

    def sample_non_null_frame(
        self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0
    ) -> Any:
        """At most ``n`` rows where none of ``columns`` is NULL, with those columns only, spread over the table."""
        df = self.frame(table)
        known = self._nulls.get((table.schema, table.name))
        with self.guard("sampling values", table):
            values = df.where(" AND ".join(f"{quote(c)} IS NOT NULL" for c in columns)).select(
                *(quote(c) for c in columns)
            )
            total = known.non_null.get(columns[0]) if known is not None and len(columns) == 1 else None
            if total is None:
                total = int(values.count())
            return bounded_sample(values, total, n, seed)

    def sample_non_null(self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0) -> pa.Table:
        frame = self.sample_non_null_frame(table, columns, n, seed=seed)
        with self.guard("sampling values", table):
            return frame.toArrow()

    # -- persons ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _view(self, table: TableInfo) -> Iterator[str]:
        """The filtered table as a temporary view the key SQL reads (dropped afterwards)."""
        df = self.frame(table)
        name = f"chujing_src_{next(_views)}"
        df.createOrReplaceTempView(name)
        try:
            yield name
        finally:
            self.spark.catalog.dropTempView(name)

    def key_signature_counts(self, table: TableInfo, spec: KeySpec) -> list[SignatureGroup]:
        with self._view(table) as view, self.guard("counting persons", table):
            rows = self.spark.sql(signature_counts_sql(spec, view)).collect()
        return [SignatureGroup(tuple(int(f or 0) for f in r[:-2]), bool(r[-2]), int(r[-1])) for r in rows]

    def distinct_key_count(self, table: TableInfo, spec: KeySpec) -> KeyCount:
        with self._view(table) as view, self.guard("counting persons", table):
            distinct, nulls = self.spark.sql(key_count_sql(spec, view)).first()
        return KeyCount(int(distinct), int(nulls))

    def iter_hashed_key_signatures(
        self, table: TableInfo, spec: KeySpec, hash_many: HashMany, *, batch_rows: int = 50_000
    ) -> Iterator[list[tuple[bytes, tuple[int, ...]]]]:
        """Each distinct key's HMAC with its flags' maxima, hashed on the executors, in batches.

        ``hash_many`` (the ledger's hasher, with its key) is broadcast to the
        executors once; Spark de-duplicates the keys, each executor hashes its
        share in Arrow batches (:func:`~connectors.spark.workers.hash_key_batches`)
        and sends back packed batches of hashes and flags, fetched one partition
        at a time.  No raw key reaches the driver.
        """
        with self._view(table) as view, self.guard("hashing person keys", table):
            keys = self.spark.sql(signature_keys_sql(spec, view))
            shared = self.spark.sparkContext.broadcast(hash_many)
            try:
                work = functools.partial(hash_key_batches, hasher=shared, batch_rows=batch_rows)
                with arrow_udf():
                    packed = keys.mapInArrow(work, "packed binary")
                for row in packed.toLocalIterator():
                    batch = pa.ipc.open_stream(row[0]).read_all()
                    hashes = batch.column(0).to_pylist()
                    flags = [batch.column(i).to_pylist() for i in range(1, batch.num_columns)]
                    out = [(h, tuple(int(f or 0) for f in fl)) for h, *fl in zip(hashes, *flags, strict=True)]
                    if out:
                        yield out
            finally:
                shared.destroy()

    # -- trajectories ---------------------------------------------------------------------------
    def value_bounds(self, table: TableInfo, columns: Sequence[str]) -> dict[str, tuple[object, object]]:
        df = self.frame(table)
        with self.guard("measuring bounds", table):
            row = df.selectExpr(*(f"{fn}({quote(c)})" for c in columns for fn in ("min", "max"))).first()
        return {c: (row[2 * i], row[2 * i + 1]) for i, c in enumerate(columns)}

    def device_fixes(self, table: TableInfo, query: FixQuery) -> pa.Table:
        from pyspark.sql import Window
        from pyspark.sql import functions as F  # noqa: N812 - pyspark's own idiom

        df = self.frame(table)
        device, time = F.col(quote(query.device)), F.col(quote(query.time))
        with self.guard("reading fixes", table):
            fixes = (
                df.where(device.isin(list(query.devices)) & time.isNotNull())
                .select(*(quote(c) for c in query.names))
                .withColumn("__chujing_n", F.row_number().over(Window.partitionBy(device).orderBy(time)))
                .where(F.col("__chujing_n") <= query.per_device)
                .drop("__chujing_n")
                .orderBy(device, time)
            )
            return fixes.toArrow()
