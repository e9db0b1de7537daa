"""S3 and S3-compatible object stores (MinIO, Alibaba OSS, Tencent COS, Ceph…): ``s3://bucket/prefix``.

The listing under the prefix becomes tables (:mod:`connectors.s3_listing`): one
per object, or one per Hive-partitioned / Spark-written dataset folder.  Objects
are read without downloading them:

* Parquet by byte range — footer first, then the sampled row groups only
  (:mod:`connectors.s3_parquet`); row counts come from the footers.
* CSV/TSV, JSON, JSON Lines and plain text, optionally gzip/zstd/bz2
  compressed, from a bounded *head*: one ranged GET of at most ``head_bytes``
  (8 MiB by default), decompressed up to ``head_bytes`` of text, by the
  readers local files share (:mod:`connectors.formats_text`,
  :mod:`connectors.formats`, :mod:`connectors.formats_records`; the S3 side
  in :mod:`connectors.s3_text`).  Sampling these
  is head-biased by necessity: a CSV or compressed stream has no index, so
  reaching a random record means reading every byte before it.  The sample is
  drawn uniformly (seeded) from the records of the head.  Row counts are known
  only when the head is the whole object.
* Datasets of text files sample the heads of up to
  :data:`~connectors.formats_text.TEXT_DATASET_OBJECTS` files spread over the
  dataset, ``head_bytes`` shared between them.
* Sparse columns: Parquet null counts come from the footers' statistics, and a
  column's values are sampled over the row groups that hold some, fetching that
  column's chunks only (:func:`connectors.s3_parquet.sample_values`); text
  tables take a column's values from all the records of the heads read, not
  only from the sampled ones.
* Distinct counts stream the requested columns (Parquet) or the whole objects
  (text) into DuckDB under a memory limit (:mod:`connectors.duckdb_stream`).
* Person keys (:mod:`scanner.export.persons`) are counted and streamed the same way:
  only the key's columns (``KeySpec.columns``) of every selected object are
  registered as ``chujing_src`` and the normalised key is evaluated by DuckDB
  (:mod:`connectors.duckdb_keys`, the SQL of the local Parquet connector), so
  ``chujing check s3://…`` counts persons exactly instead of taking the row
  count as an upper bound.  A person count reads the key columns twice (the
  count, then the keys for the ledger): Parquet by range, text objects whole.

Objects that cannot be read are not tables: after :meth:`S3Connector.list_tables`
(or :meth:`~S3Connector.open`), :attr:`S3Connector.skipped` lists them as
``{"key", "bytes", "reason"}`` (first :data:`~connectors.s3_listing.SKIPPED_MAX`
by key) and :attr:`S3Connector.listing` summarises the listing (objects listed,
readable, selected, skipped by reason, the object cap and sampling strategy).

Errors: a bucket that is missing or not listable, rejected credentials and an
empty prefix fail the source (from ``open``/``list_tables``); a denied,
corrupt, vanished or throttled object fails only its table (from ``columns``,
``row_count``, ``sample``, ``distinct_count``, ``distinct_key_count`` or
``iter_distinct_keys``), with one line naming the object.  Messages never
contain the secret key or session token (:class:`~connectors.s3_client.Secrets`).
:attr:`S3Connector.stats` counts the GET requests and bytes received.
"""

from __future__ import annotations

import contextlib
import posixpath
import random
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from connectors import duckdb_keys, duckdb_trajectory, parquet_nulls
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
from connectors.duckdb_stream import count_distinct, streamed
from connectors.formats import PARQUET, CorruptStream
from connectors.formats_records import MalformedText
from connectors.s3_client import (
    ADDRESSING_STYLES,
    RETRY_MODES,
    Secrets,
    describe_error,
    error_code,
    make_client,
    parse_s3_uri,
)
from connectors.s3_listing import SAMPLINGS, ObjectTable, S3Object, list_objects, plan_tables
from connectors.s3_parquet import (
    CorruptParquet,
    ParquetPart,
    dataset_schema,
    field_comment,
    read_footer,
    sample_parts,
    sample_values,
    stream_columns,
    unit_values,
)
from connectors.s3_ranged import FetchStats, RangedS3File
from connectors.s3_text import TextReader, TextTable
from connectors.uri import mask_uri

HEAD_BYTES = 8 * 1024 * 1024
#: Footers are kept for this many tables (the scanner works through tables one at a time).
FOOTER_CACHE_TABLES = 8
DISTINCT_MEMORY_LIMIT = "256MB"


@dataclass
class _ParquetTable:
    parts: list[ParquetPart]
    schema: pa.Schema


class S3Connector(Connector):
    """``s3://bucket/prefix`` read through boto3 (see the module docstring).

    Options (all keyword; unknown ones are ignored, as for every connector):

    ``profile``, ``region``
        Named profile of ``~/.aws/config``; region (else the profile's or the
        environment's).  Credentials come from boto3's standard chain.
    ``endpoint_url``, ``addressing_style``
        S3-compatible stores: ``http://minio:9000`` with ``path``;
        ``https://oss-cn-hangzhou.aliyuncs.com`` or
        ``https://cos.ap-shanghai.myqcloud.com`` with ``virtual``; ``auto``
        (default) lets botocore choose.
    ``max_objects``, ``object_sampling``, ``seed``
        At most ``max_objects`` (1,000) single-object tables, and files per
        dataset; ``newest`` (default), ``random`` (seeded) or ``all``.
    ``key_include``, ``key_exclude``
        Shell globs on keys relative to the prefix (``crm/*.csv``; ``*``
        crosses ``/``).  Not the scanner's ``--tables``/``--exclude``, which
        filter table names afterwards.
    ``max_attempts``, ``retry_mode``, ``connect_timeout``, ``read_timeout``
        Total attempts per request (5) with botocore's ``standard`` or
        ``adaptive`` backoff; timeouts in seconds (10, 60).
    ``head_bytes``
        Bytes read from the start of a text object to sample it (8 MiB).
    ``distinct_memory_limit``
        DuckDB memory limit for distinct counts and person keys (``"256MB"``; spills beyond).
    ``client``
        A ready boto3 S3 client (then the options above that build one are unused).
    ``on_listed``
        Called with the number of objects of each listing page as it arrives (a
        progress bar: a prefix of a million objects takes a thousand requests).
    """

    kind = "s3"

    def __init__(
        self,
        uri: str,
        *,
        profile: str | None = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        addressing_style: str | None = None,
        max_objects: int = 1000,
        object_sampling: str = "newest",
        key_include: Sequence[str] = (),
        key_exclude: Sequence[str] = (),
        seed: int = 0,
        max_attempts: int = 5,
        retry_mode: str = "standard",
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        head_bytes: int = HEAD_BYTES,
        distinct_memory_limit: str = DISTINCT_MEMORY_LIMIT,
        client=None,
        on_listed: Callable[[int], None] | None = None,
        **_ignored: object,
    ) -> None:
        super().__init__(uri)
        self.secrets = Secrets.from_environment()
        try:
            self.location = parse_s3_uri(uri)
        except ValueError as exc:
            raise self._error(str(exc)) from exc
        if object_sampling not in SAMPLINGS:
            raise self._error(
                f"object_sampling must be one of {', '.join(SAMPLINGS)}, not {object_sampling!r}"
            )
        if addressing_style not in (None, *ADDRESSING_STYLES):
            raise self._error(f"addressing_style must be one of {', '.join(ADDRESSING_STYLES)}")
        if retry_mode not in RETRY_MODES:
            raise self._error(f"retry_mode must be one of {', '.join(RETRY_MODES)}")
        if int(max_objects) < 1 or int(head_bytes) < 1024 or int(max_attempts) < 1:
            raise self._error("max_objects and max_attempts must be at least 1, head_bytes at least 1024")
        self.profile, self.endpoint_url, self.region = profile, endpoint_url, region
        self.addressing_style = addressing_style
        self.max_objects, self.object_sampling, self.seed = int(max_objects), object_sampling, int(seed)
        self.key_include, self.key_exclude = _globs(key_include), _globs(key_exclude)
        self.max_attempts, self.retry_mode = int(max_attempts), retry_mode
        self.connect_timeout, self.read_timeout = float(connect_timeout), float(read_timeout)
        self.head_bytes = int(head_bytes)
        self.distinct_memory_limit = distinct_memory_limit
        self.on_listed = on_listed
        #: Objects that are not tables, with why: ``[{"key", "bytes", "reason"}]`` (set by listing).
        self.skipped: list[dict[str, object]] = []
        #: Summary of the listing: counts, cap, sampling strategy, skipped by reason.
        self.listing: dict[str, object] = {}
        #: GET requests made and bytes received for object data (listing calls not included).
        self.stats = FetchStats()
        self._client = client
        self._own_client = client is None
        self._tables: dict[str, ObjectTable] | None = None
        self._parquet: OrderedDict[str, _ParquetTable] = OrderedDict()
        self._parquet_errors: dict[str, SourceError] = {}
        self._text: tuple[str, TextTable] | None = None
        self._text_errors: dict[str, SourceError] = {}

    @property
    def display_uri(self) -> str:
        return mask_uri(self.uri)

    @property
    def _texts(self) -> TextReader:
        return TextReader(self.client, self.location.bucket, self.stats)

    # -- lifecycle ------------------------------------------------------------------
    def open(self) -> None:
        self._list()

    def close(self) -> None:
        if self._client is not None and self._own_client:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None

    @property
    def client(self):
        if self._client is None:
            try:
                self._client = make_client(
                    profile=self.profile,
                    endpoint_url=self.endpoint_url,
                    region=self.region,
                    addressing_style=self.addressing_style,
                    max_attempts=self.max_attempts,
                    retry_mode=self.retry_mode,
                    connect_timeout=self.connect_timeout,
                    read_timeout=self.read_timeout,
                    secrets=self.secrets,
                )
            except Exception as exc:
                raise self._error(
                    describe_error(exc, what="connecting", endpoint_url=self.endpoint_url)
                ) from None
        return self._client

    # -- listing --------------------------------------------------------------------
    def list_tables(self) -> list[TableInfo]:
        bucket = self.location.bucket
        return [
            TableInfo(t.name, kind=t.kind, fingerprint=t.fingerprint(bucket)) for t in self._list().values()
        ]

    def _list(self) -> dict[str, ObjectTable]:
        if self._tables is not None:
            return self._tables
        bucket, prefix = self.location.bucket, self.location.prefix
        base = prefix
        try:
            objects, truncated = list_objects(self.client, bucket, prefix, on_page=self.on_listed)
            if prefix and not prefix.endswith("/"):
                # "s3://b/exports" means the folder exports/, or the one object named exports.
                base = prefix + "/"
                folder = [o for o in objects if o.key.startswith(base)]
                exact = [o for o in objects if o.key == prefix]
                objects = folder or exact
                if not folder and exact:
                    base = prefix.rpartition("/")[0] + ("/" if "/" in prefix else "")
        except SourceError:
            raise
        except Exception as exc:
            raise self._error(describe_error(exc, what="listing", endpoint_url=self.endpoint_url)) from None
        if not objects:
            raise self._error(
                "no objects under this prefix; check the bucket and prefix (keys are case-sensitive)"
            )
        root_name = posixpath.basename(prefix.rstrip("/")) or bucket
        listing = plan_tables(
            objects,
            base=base,
            root_name=root_name,
            max_objects=self.max_objects,
            sampling=self.object_sampling,
            seed=self.seed,
            key_include=self.key_include,
            key_exclude=self.key_exclude,
            probe=self._is_parquet,
        )
        self.skipped = listing.skipped
        self.listing = {"bucket": bucket, "prefix": prefix, **listing.summary, "listing_truncated": truncated}
        if not listing.tables:
            reasons = "; ".join(f"{n} {r}" for r, n in listing.summary["skipped_by_reason"].items())
            raise self._error(
                f"none of the {listing.summary['objects_listed']} objects here can be scanned"
                + (f" ({reasons})" if reasons else " (all excluded by key globs)")
                + "; see the skipped list"
            )
        self._tables = {t.name: t for t in listing.tables}
        return self._tables

    def _is_parquet(self, obj: S3Object) -> bool:
        """Magic-byte probe for objects without extension (Hive's ``000000_0``)."""
        if obj.size < 12:
            return False
        try:
            f = self._file(obj)
            return f.fetch(0, 4) == b"PAR1" and f.fetch(obj.size - 4, obj.size) == b"PAR1"
        except Exception:
            return False

    def _table(self, info: TableInfo) -> ObjectTable:
        table = self._list().get(info.name)
        if table is None:
            raise self._error(
                f"no table {info.name!r} here; run the scan again to refresh the listing", table=info.name
            )
        return table

    def _file(self, obj: S3Object) -> RangedS3File:
        return RangedS3File(
            self.client, self.location.bucket, obj.key, obj.size, etag=obj.etag or None, stats=self.stats
        )

    # -- the interface ----------------------------------------------------------------
    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        t = self._table(table)
        if t.format == PARQUET:
            schema = self._load_parquet(t).schema
            return [ColumnInfo(f.name, str(f.type), field_comment(f), f.nullable) for f in schema]
        loaded = self._load_text(t, table)
        return [ColumnInfo(name, "string") for name in loaded.rows.column_names]

    def row_count(self, table: TableInfo) -> int | None:
        t = self._table(table)
        if t.format == PARQUET:
            parts = self._load_parquet(t).parts
            return sum(p.metadata.num_rows for p in parts) if len(t.objects) == t.listed else None
        return self._load_text(t, table).row_count

    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        t = self._table(table)
        if t.format == PARQUET:
            loaded = self._load_parquet(t)
            by_key = {o.key: o for o in t.objects}
            with self._reading(t):
                return sample_parts(
                    loaded.parts,
                    loaded.schema,
                    n,
                    seed,
                    lambda key: self._file(by_key[key]),
                    table_bytes=sum(o.size for o in t.objects),
                )
        rows = self._load_text(t, table).rows
        if rows.num_rows <= n:
            return rows
        return rows.take(sorted(random.Random(seed).sample(range(rows.num_rows), n)))

    # -- sparse columns ------------------------------------------------------------------
    def null_counts(
        self, table: TableInfo, columns: Sequence[str], *, exact: bool = False
    ) -> NullCounts | None:
        """Parquet: the footers' statistics (with ``exact``, columns without them fetched and counted).

        Text: ``None`` — only the heads were read, and the row sample already measures them.
        """
        t = self._table(table)
        if t.format != PARQUET or len(t.objects) != t.listed:  # objects left out of the table: no total
            return None
        loaded = self._load_parquet(t)
        names = [c for c in columns if c in loaded.schema.names]
        counts = parquet_nulls.footer_counts([(p.metadata, p.partition) for p in loaded.parts], names)
        unknown = [c for c, v in counts.non_null.items() if v is None]
        if not exact or not unknown:
            return counts
        by_key = {o.key: o for o in t.objects}
        non_null = dict(counts.non_null)
        with self._reading(t):
            for c in unknown:
                non_null[c] = sum(unit_values(loaded.parts, [c], lambda key: self._file(by_key[key])))
        return NullCounts(counts.rows, non_null, "exact")

    def sample_non_null(self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0) -> pa.Table:
        t = self._table(table)
        if t.format == PARQUET:
            loaded = self._load_parquet(t)
            names = loaded.schema.names
        else:
            rows = self._load_text(t, table).rows
            names = rows.column_names
        missing = [c for c in columns if c not in names]
        if not columns or missing:
            raise self._error(
                f"no column {missing or list(columns)!r} in this table; check the column names", table=t.name
            )
        if t.format == PARQUET:
            by_key = {o.key: o for o in t.objects}
            with self._reading(t):
                return sample_values(
                    loaded.parts,
                    loaded.schema,
                    columns,
                    n,
                    seed,
                    lambda key: self._file(by_key[key]),
                    table_bytes=sum(o.size for o in t.objects),
                )
        valid = rows.select(list(columns)).drop_null()
        if valid.num_rows <= n:
            return valid
        return valid.take(sorted(random.Random(seed).sample(range(valid.num_rows), n)))

    def distinct_count(self, table: TableInfo, columns: Sequence[str]) -> int:
        with self._streamed(table, columns, f"distinct count of {list(columns)!r}") as con:
            return count_distinct(con, columns)

    # -- person keys (scanner.export.persons) ------------------------------------------------
    def distinct_key_count(self, table: TableInfo, spec: KeySpec) -> KeyCount:
        """One GROUP BY pass in DuckDB over the key columns streamed from every object of the table."""
        with self._streamed(table, spec.columns, "counting persons", name=duckdb_keys.SOURCE) as con:
            return duckdb_keys.count_keys(con, spec)

    def iter_distinct_keys(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[str]]:
        with self._streamed(table, spec.columns, "reading person keys", name=duckdb_keys.SOURCE) as con:
            yield from duckdb_keys.iter_keys(con, spec, batch_rows)

    def key_signature_counts(self, table: TableInfo, spec: KeySpec) -> list[SignatureGroup]:
        with self._streamed(table, spec.columns, "counting persons", name=duckdb_keys.SOURCE) as con:
            return duckdb_keys.count_signatures(con, spec)

    def iter_key_signatures(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[tuple[str, tuple[int, ...]]]]:
        with self._streamed(table, spec.columns, "reading person keys", name=duckdb_keys.SOURCE) as con:
            yield from duckdb_keys.iter_signatures(con, spec, batch_rows)

    # -- trajectory profiles (scanner.trajectory) -------------------------------------------
    def device_fixes(self, table: TableInfo, query: FixQuery) -> pa.Table:
        """The chosen devices' first fixes in time, from their columns streamed from every object into DuckDB."""
        with self._streamed(table, query.names, "reading the fixes of sampled devices") as con:
            return duckdb_trajectory.fixes(con, "src", query)

    def value_bounds(self, table: TableInfo, columns: Sequence[str]) -> dict[str, tuple[object, object]]:
        with self._streamed(table, columns, f"reading the bounds of {', '.join(columns)}") as con:
            return duckdb_trajectory.bounds(con, "src", columns)

    @contextlib.contextmanager
    def _streamed(
        self, table: TableInfo, columns: Sequence[str], action: str, *, name: str = "src"
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection where ``name`` streams ``columns`` of every selected object of the table.

        Only those columns are read (Parquet: their column chunks by range; text:
        whole objects, projected as they are parsed), under
        ``distinct_memory_limit``, spilling beyond it.  A failure reading an
        object becomes its one-line :class:`SourceError` naming the object;
        DuckDB's own failures (memory) one naming ``action``.
        """
        t = self._table(table)
        if t.format == PARQUET:
            loaded = self._load_parquet(t)
            names = loaded.schema.names
        else:
            text = self._load_text(t, table)
            names = text.rows.column_names
        missing = [c for c in columns if c not in names]
        if not columns or missing:
            raise self._error(
                f"no column {missing or list(columns)!r} in this table; check the column names", table=t.name
            )
        by_key = {o.key: o for o in t.objects}
        if t.format == PARQUET:
            schema = pa.schema([loaded.schema.field(c) for c in columns])
            batches = stream_columns(
                loaded.parts,
                loaded.schema,
                columns,
                lambda key: self._file(by_key[key]),
                lambda key: self._reading(t, by_key[key]),
            )
        else:
            schema = pa.schema([pa.field(c, pa.string()) for c in columns])
            batches = self._texts.stream(t, text.layouts, schema, lambda obj: self._reading(t, obj))

        with self._reading(t):
            try:
                with streamed(schema, batches, self.distinct_memory_limit, name=name) as con:
                    yield con
            except duckdb.Error as exc:
                raise self._error(
                    f"{action} failed ({' '.join(str(exc).split())[:300]}); "
                    "raise distinct_memory_limit or exclude the table",
                    table=t.name,
                ) from None

    # -- Parquet ------------------------------------------------------------------------
    def _load_parquet(self, t: ObjectTable) -> _ParquetTable:
        if t.name in self._parquet_errors:
            raise self._parquet_errors[t.name]
        cached = self._parquet.get(t.name)
        if cached is None:
            try:
                parts = []
                for obj in t.objects:
                    with self._reading(t, obj):
                        metadata, schema = read_footer(self._file(obj))
                    parts.append(ParquetPart(obj.key, metadata, schema, dict(t.partitions.get(obj.key, {}))))
                with self._reading(t):
                    cached = _ParquetTable(parts, dataset_schema(parts))
            except SourceError as exc:
                self._parquet_errors[t.name] = exc
                raise
            self._parquet[t.name] = cached
            while len(self._parquet) > FOOTER_CACHE_TABLES:
                self._parquet.popitem(last=False)
        self._parquet.move_to_end(t.name)
        return cached

    # -- text formats ---------------------------------------------------------------------
    def _load_text(self, t: ObjectTable, info: TableInfo) -> TextTable:
        if t.name in self._text_errors:
            raise self._text_errors[t.name]
        if self._text is not None and self._text[0] == t.name:
            return self._text[1]
        try:
            loaded = self._texts.load(t, self.head_bytes, lambda obj: self._reading(t, obj))
        except SourceError as exc:
            self._text_errors[t.name] = exc
            raise
        self._text = (t.name, loaded)  # one table at a time: heads are up to head_bytes of text
        info.fingerprint.update(loaded.evidence)
        return loaded

    # -- errors -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _reading(self, t: ObjectTable, obj: S3Object | None = None) -> Iterator[None]:
        """Turn whatever reading one table raises into its one-line :class:`SourceError`."""
        where = f"{obj.key}: " if obj is not None else ""
        try:
            yield
        except SourceError:
            raise
        except CorruptParquet as exc:
            raise self._error(
                f"{where}not a readable Parquet object ({exc}); re-upload it or exclude it", table=t.name
            ) from None
        except CorruptStream as exc:
            raise self._error(
                f"{where}damaged compressed data ({exc}); re-upload it or exclude it", table=t.name
            ) from None
        except MalformedText as exc:
            raise self._error(f"{where}{exc}; fix the file or exclude it", table=t.name) from None
        except pa.ArrowException as exc:
            raise self._error(
                f"{where}not readable as {t.format} ({' '.join(str(exc).split())[:300]}); re-upload it or exclude it",
                table=t.name,
            ) from None
        except OSError as exc:
            raise self._error(
                f"{where}{' '.join(str(exc).split())[:300]}; run the scan again", table=t.name
            ) from None
        except Exception as exc:
            if not (error_code(exc) or type(exc).__module__.startswith(("botocore", "urllib3"))):
                raise
            raise self._error(
                where + describe_error(exc, what="reading this object", endpoint_url=self.endpoint_url),
                table=t.name,
            ) from None

    def _error(self, what: str, *, table: str | None = None) -> SourceError:
        prefix = self.display_uri if table is None else f"{self.display_uri} [{table}]"
        message = self.secrets.scrub(f"{prefix}: {what}")
        return SourceError(message, source=self.display_uri, table=table)


def _globs(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Key globs from an option: one string or a list of them."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)
