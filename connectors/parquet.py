"""Parquet files, directories of files and Hive-partitioned datasets.

What is a table
    * A path to one file (``.parquet``/``.parq``/``.pq``, or any file that starts
      with the ``PAR1`` magic) is one table named after the file without its
      extension.
    * In a directory, every Parquet file is a table named by its path relative to
      the directory (``customers``, ``crm/contacts``); plain subdirectories are
      walked, so nothing in a lake is silently left out.
    * A directory is a *dataset* — one table named after the directory — when it
      holds ``key=value`` subdirectories (Hive partitioning), a Spark/Hadoop marker
      (``_SUCCESS``, ``_metadata``, ``_common_metadata``), or Parquet files that
      are all writer part files (``part-0.parquet``, ``part-00000-….snappy.parquet``,
      ``data_0.parquet``, Hive's ``000000_0``).  All Parquet files below it are its
      fragments; partition keys become columns (``pyarrow.dataset``, Hive flavour)
      and the fragments' schemas are unified (permissive promotion).
    * Names starting with ``.`` or ``_`` (``.crc``, ``_SUCCESS``) and files with
      other extensions (``README.txt``) are ignored.

Listing only stats files; footers are read the first time a table is described,
counted or sampled, so a corrupt or unreadable file makes *its* table fail with a
:class:`SourceError` and the other tables scan as usual.

Row counts come from the footers (never from data pages).

Sampling strategy and memory bounds
    Rows are read by row group, the unit of I/O in Parquet.  Row groups of all
    fragments are laid end to end; the plan divides the rows into ``k`` equal
    strata and picks the row group under one seeded random position in each,
    then adds random groups until about ``SAMPLE_OVERSAMPLE * n`` rows are
    covered.  ``k`` is :data:`SAMPLE_MIN_ROW_GROUPS` for spread (more when groups
    are small), fewer when that many groups would exceed a tenth of a large table
    (:data:`SAMPLE_MAX_FRACTION`; a small table is always spread).  Up to ``n``
    rows are then drawn at seeded random positions, spread over the chosen groups
    in proportion to their size, and returned in file order.  Sampling 1,000 rows
    of a 1,000,000-row file reads 4 of 100 row groups (10,000 rows each), 4 of
    1,000 (1,000 each), or 1 of 10 (100,000 each, streamed as below).

    A row group larger than ``max(SAMPLE_SCAN_ROWS, SAMPLE_OVERSAMPLE * n)`` rows
    (a file written as one huge group) is streamed with ``iter_batches`` in
    batches of :data:`SAMPLE_BATCH_ROWS` through a buffered reader
    (:data:`SAMPLE_BUFFER_BYTES` per column), and reading stops at that many rows.
    Trade-off: rows from such a group come from its first 65,536 rows only;
    reaching later rows would mean decoding every page before them.  Memory is
    therefore bounded by ``max(65,536, 2n)`` decoded rows of one group (or one
    batch while streaming) plus the ``n`` kept rows, whatever the file size.

Sparse columns
    Null counts come from the footers' column statistics (``null_count`` per
    column chunk), and a column's values are sampled over the row groups that
    hold some, by the plan above applied to the values instead of the rows,
    reading that column's chunks only (:mod:`connectors.parquet_nulls`).

Distinct counts
    Exact, in DuckDB, whose hash aggregate runs under a memory limit
    (:data:`DISTINCT_MEMORY_LIMIT`, ``distinct_memory_limit=``) and spills to a
    temporary directory beyond it.  Local files are read by DuckDB's own parallel
    Parquet reader (``read_parquet`` with ``union_by_name`` and, for datasets,
    Hive partitioning with the partition types pyarrow inferred, so both count
    the same values); other filesystems, and the few layouts DuckDB would read
    differently (see :meth:`ParquetConnector._duckdb_reads`), stream the requested
    columns from the ``pyarrow.dataset`` scanner into DuckDB.  Only tuples without
    a null count.  Measured on 10 and 30 million distinct int64 values: 0.6 s
    and 3.6 s, peak RSS 313 and 390 MiB (the limit plus reader buffers); the
    Arrow-scanner route took 378 and 523 MiB at half the limit, hence DuckDB's
    reader wherever it can be used.  A grouped ``pyarrow``
    aggregation was rejected: its hash table cannot spill, so memory would grow
    with the number of distinct values.

Person keys (:mod:`scanner.export.persons`)
    :meth:`ParquetConnector.distinct_key_count` and
    :meth:`~ParquetConnector.iter_distinct_keys` evaluate a normalised key
    expression over the same DuckDB relation (``chujing_src``), with the same
    memory limit and spilling: 10 million ID numbers count in 11–24 s (quiet vs
    shared machine) at a peak RSS near 400 MiB (``benchmarks/bench_persons.py``).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import posixpath
import random
import re
import tempfile
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from connectors import duckdb_keys, duckdb_session, duckdb_trajectory, parquet_nulls
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
    load_once,
)
from connectors.uri import mask_uri

if TYPE_CHECKING:
    import pyarrow.dataset

SAMPLE_MIN_ROW_GROUPS = 4
SAMPLE_OVERSAMPLE = 2
SAMPLE_MAX_FRACTION = 0.1
SAMPLE_SCAN_ROWS = 65_536
SAMPLE_BATCH_ROWS = 8_192
SAMPLE_BUFFER_BYTES = 128 * 1024
DISTINCT_MEMORY_LIMIT = "256MB"
FINGERPRINT_MAX_FILES = 100
_MAX_DEPTH = 32

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
_MAGIC = b"PAR1"
_DATASET_MARKERS = frozenset({"_SUCCESS", "_metadata", "_common_metadata"})
_PARTITION_DIR = re.compile(r"^[^=]+=.*$")
_PART_FILE = re.compile(
    r"^(?:(?:part|data)[-_.]?\d|\d+_\d+(?:_copy_\d+)?$|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-)", re.I
)
_GLOB_CHARS = re.compile(r"[*?\[\]{}]")
_DUCKDB_TYPES = {pa.int8(): "TINYINT", pa.int16(): "SMALLINT", pa.int32(): "INTEGER", pa.int64(): "BIGINT"}
_COMMENT_KEYS = (b"comment", b"description", b"doc")
_SPARK_SCHEMA_KEY = b"org.apache.spark.sql.parquet.row.metadata"


@dataclass
class _Entry:
    """What listing found for one table; ``error`` is set for an unreadable directory."""

    name: str
    kind: str  # file | dataset
    base: str
    files: list[pafs.FileInfo]
    error: str | None = None


@dataclass
class _Loaded:
    """Footers read once per table."""

    kind: str
    base: str
    dataset: pyarrow.dataset.Dataset
    schema: pa.Schema
    partition_schema: pa.Schema
    paths: list[str]
    metadata: list[pq.FileMetaData]
    partitions: list[dict[str, object]]
    units: list[tuple[int, int]] = field(default_factory=list)  # (file index, row group)
    unit_rows: list[int] = field(default_factory=list)


class ParquetConnector(Connector):
    """A local Parquet file or directory (``/data/lake``, ``file:///data/lake``).

    ``filesystem`` (a ``pyarrow.fs.FileSystem``) reads the same layout from
    elsewhere; paths are then that filesystem's paths.
    """

    kind = "parquet"

    def __init__(
        self,
        path_or_file_uri: str,
        *,
        filesystem: pafs.FileSystem | None = None,
        distinct_memory_limit: str = DISTINCT_MEMORY_LIMIT,
        **_ignored: object,
    ) -> None:
        super().__init__(path_or_file_uri)
        self.fs = filesystem or pafs.LocalFileSystem()
        self._local = isinstance(self.fs, pafs.LocalFileSystem)
        self.root = _to_path(path_or_file_uri, local=self._local, display=self.display_uri)
        self.distinct_memory_limit = distinct_memory_limit
        self._entries: dict[str, _Entry] | None = None
        self._loaded: dict[str, _Loaded | SourceError] = {}

    @property
    def display_uri(self) -> str:
        return mask_uri(self.uri)

    # -- listing ------------------------------------------------------------
    def open(self) -> None:
        self._root_info()

    def _root_info(self) -> pafs.FileInfo:
        try:
            info = self.fs.get_file_info(self.root)
        except OSError as exc:
            raise self._error(f"cannot read this path ({_reason(exc)}); check permissions") from exc
        if info.type == pafs.FileType.NotFound:
            raise self._error("no such file or directory; check the path")
        if info.type == pafs.FileType.File and not self.is_parquet(info):
            raise self._error(
                "not a Parquet file or a directory; give a *.parquet file or a directory of Parquet files"
            )
        return info

    def list_tables(self) -> list[TableInfo]:
        tables = self.list_parquet_tables()
        if not tables:
            raise self._error(
                "no Parquet files in this directory (looked for *.parquet, *.parq, *.pq and "
                "Hive-partitioned datasets); point chujing at a directory that holds Parquet files"
            )
        return tables

    def list_parquet_tables(self, *, skip_empty: bool = False) -> list[TableInfo]:
        """The Parquet tables here, none for a directory without Parquet files.

        The local-files connector (:mod:`connectors.local_files`) lists the other
        formats of a directory beside these; with ``skip_empty`` it leaves out
        dataset directories that hold no Parquet file at all (a Hive-partitioned
        directory of CSV files is its table, not a failed Parquet one).
        """
        if self._entries is None:
            info = self._root_info()
            if info.type == pafs.FileType.File:
                entries = [
                    _Entry(_strip_suffix(info.base_name), "file", posixpath.dirname(self.root), [info])
                ]
            else:
                entries = self._walk_root()
            self._entries = {e.name: e for e in entries}
        return [
            TableInfo(e.name, kind=e.kind, fingerprint=_fingerprint(e))
            for e in self._entries.values()
            if e.files or e.error or not skip_empty
        ]

    def _walk_root(self) -> list[_Entry]:
        try:
            files, dirs, names = self._ls(self.root)
        except OSError as exc:
            raise self._error(_unlistable(self.root, exc)) from exc
        if _is_dataset(files, dirs, names):
            name = posixpath.basename(self.root) or self.root
            return [self._dataset_entry(name, self.root, files, dirs)]
        entries: list[_Entry] = []
        self._walk(self.root, files, dirs, entries, depth=0, seen={self._real(self.root)})
        return entries

    def _walk(self, path, files, dirs, entries, *, depth, seen) -> None:
        taken = {e.name for e in entries}
        for f in files:
            name = _relname(self.root, f.path, strip=True)
            if name in taken:
                name = _relname(self.root, f.path, strip=False)
            entries.append(_Entry(name, "file", path, [f]))
            taken.add(name)
        for d in dirs:
            name = _relname(self.root, d.path, strip=False)
            if name in taken:
                name += "/"
            real = self._real(d.path)
            if real in seen or depth >= _MAX_DEPTH:
                continue
            try:
                sub_files, sub_dirs, sub_names = self._ls(d.path)
            except OSError as exc:
                entries.append(_Entry(name, "dataset", d.path, [], error=_unlistable(d.path, exc)))
                continue
            if _is_dataset(sub_files, sub_dirs, sub_names):
                entries.append(self._dataset_entry(name, d.path, sub_files, sub_dirs))
            else:
                self._walk(d.path, sub_files, sub_dirs, entries, depth=depth + 1, seen=seen | {real})
            taken = {e.name for e in entries}

    def _dataset_entry(self, name, path, files, dirs) -> _Entry:
        """Collect every Parquet file below a dataset directory (sorted: sampling is seeded by position)."""
        found = list(files)
        stack = [(d, 1) for d in dirs]
        error = None
        while stack:
            d, depth = stack.pop()
            if depth > _MAX_DEPTH:
                continue
            try:
                sub_files, sub_dirs, _ = self._ls(d.path)
            except OSError as exc:
                error = _unlistable(d.path, exc)
                break
            found.extend(sub_files)
            stack.extend((s, depth + 1) for s in sub_dirs)
        found.sort(key=lambda f: f.path)
        return _Entry(name, "dataset", path, found, error=error)

    def _ls(self, path: str) -> tuple[list[pafs.FileInfo], list[pafs.FileInfo], set[str]]:
        """Parquet files, visible subdirectories and all entry names of one directory."""
        infos = self.fs.get_file_info(pafs.FileSelector(path, recursive=False))
        names = {i.base_name for i in infos}
        visible = [i for i in infos if not i.base_name.startswith((".", "_"))]
        files = sorted(
            (i for i in visible if i.type == pafs.FileType.File and self.is_parquet(i)), key=lambda i: i.path
        )
        dirs = sorted((i for i in visible if i.type == pafs.FileType.Directory), key=lambda i: i.path)
        return files, dirs, names

    def is_parquet(self, info: pafs.FileInfo) -> bool:
        """By extension; a file without one (Hive's ``000000_0``) by its magic bytes."""
        name = info.base_name.lower()
        if name.endswith(PARQUET_SUFFIXES):
            return True
        if "." in name:
            return False
        try:
            with self.fs.open_input_stream(info.path) as f:
                return f.read(4) == _MAGIC
        except OSError:
            return False

    def _real(self, path: str) -> str:
        return os.path.realpath(path) if self._local else path

    # -- metadata -----------------------------------------------------------
    def _load(self, table: TableInfo) -> _Loaded:
        if self._entries is None:
            self.list_tables()
        assert self._entries is not None
        entry = self._entries.get(table.name)
        if entry is None:
            raise self._error(
                f"no table {table.name!r} here; run the scan again to refresh the listing", table=table.name
            )
        cached = load_once(self._loaded, entry.name, lambda: self._read_footers(entry))
        table.fingerprint["schema_sha256"] = hashlib.sha256(
            cached.schema.to_string(show_schema_metadata=False).encode()
        ).hexdigest()
        table.fingerprint["row_groups"] = len(cached.units)
        if table.comment is None:
            table.comment = _comment(cached.schema.metadata)
        return cached

    def _read_footers(self, entry: _Entry) -> _Loaded:
        if entry.error:
            raise self._error(entry.error, table=entry.name)
        if not entry.files:
            raise self._error(
                f"{entry.base}: dataset holds no Parquet files; remove it or exclude it", table=entry.name
            )
        schemas, metas = [], []
        for info in entry.files:
            try:
                with self.fs.open_input_file(info.path) as f:
                    pf = pq.ParquetFile(f)
                    schemas.append(pf.schema_arrow)
                    metas.append(pf.metadata)
            except (OSError, pa.ArrowException) as exc:
                raise self._file_error(info.path, exc, entry.name) from exc
        paths = [i.path for i in entry.files]
        import pyarrow.dataset as ds  # it imports pandas (0.2-0.4 s): only file sources pay for it

        try:
            if entry.kind == "dataset":
                # No schema here: given one, pyarrow would not discover the partition keys.
                dataset = ds.dataset(
                    paths,
                    filesystem=self.fs,
                    format="parquet",
                    partitioning="hive",
                    partition_base_dir=entry.base,
                )
                part_schema = dataset.partitioning.schema if dataset.partitioning else pa.schema([])
                keys = {
                    f.path: ds.get_partition_keys(f.partition_expression) for f in dataset.get_fragments()
                }
                partitions = [keys.get(p, {}) for p in paths]
            else:
                dataset = ds.dataset(paths, schema=schemas[0], filesystem=self.fs, format="parquet")
                part_schema, partitions = pa.schema([]), [{} for _ in paths]
            schema = pa.unify_schemas([*schemas, part_schema], promote_options="permissive")
            dataset = dataset.replace_schema(schema)
        except (OSError, pa.ArrowException) as exc:
            raise self._error(
                f"{entry.base}: files of this dataset have incompatible schemas "
                f"({_reason(exc)}); rewrite them with one schema or exclude the table",
                table=entry.name,
            ) from exc
        loaded = _Loaded(entry.kind, entry.base, dataset, schema, part_schema, paths, metas, partitions)
        for i, md in enumerate(metas):
            for rg in range(md.num_row_groups):
                loaded.units.append((i, rg))
                loaded.unit_rows.append(md.row_group(rg).num_rows)
        return loaded

    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        schema = self._load(table).schema
        spark = _spark_comments(schema.metadata)
        pandas = _pandas_comments(schema.metadata)
        return [
            ColumnInfo(
                f.name,
                str(f.type),
                _comment(f.metadata) or spark.get(f.name) or pandas.get(f.name),
                f.nullable,
            )
            for f in schema
        ]

    def row_count(self, table: TableInfo) -> int:
        return sum(md.num_rows for md in self._load(table).metadata)

    # -- sampling -----------------------------------------------------------
    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        loaded = self._load(table)
        plan = plan_sample(loaded.unit_rows, n, seed)
        parts: list[pa.Table] = []
        by_file: dict[int, list[tuple[int, int, list[int]]]] = {}
        for unit, readable, picks in plan:
            file_index, rg = loaded.units[unit]
            by_file.setdefault(file_index, []).append((rg, readable, picks))
        for file_index in sorted(by_file):
            path = loaded.paths[file_index]
            try:
                with self.fs.open_input_file(path) as f:
                    pf = pq.ParquetFile(
                        f,
                        metadata=loaded.metadata[file_index],
                        pre_buffer=False,
                        buffer_size=SAMPLE_BUFFER_BYTES,
                    )
                    for rg, readable, picks in by_file[file_index]:
                        rows = _read_rows(pf, rg, readable, picks)
                        parts.append(_conform(rows, loaded.schema, loaded.partitions[file_index]))
            except (OSError, pa.ArrowException) as exc:
                raise self._file_error(path, exc, table.name) from exc
        if not parts:
            return loaded.schema.empty_table()
        return pa.concat_tables(parts)

    # -- sparse columns -------------------------------------------------------
    def null_counts(
        self, table: TableInfo, columns: Sequence[str], *, exact: bool = False
    ) -> NullCounts | None:
        """From the footers' statistics; with ``exact``, columns without statistics are read and counted."""
        loaded = self._load(table)
        names = [c for c in columns if c in loaded.schema.names]
        files = list(zip(loaded.metadata, loaded.partitions, strict=True))
        counts = parquet_nulls.footer_counts(files, names)
        unknown = [c for c, v in counts.non_null.items() if v is None]
        if not exact or not unknown:
            return counts
        non_null = dict(counts.non_null)
        for c in unknown:
            non_null[c] = sum(self._unit_values(loaded, [c], table))
        return NullCounts(counts.rows, non_null, "exact")

    def sample_non_null(self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0) -> pa.Table:
        """The plan of :meth:`sample` over each row group's values of ``columns``, reading those columns only."""
        loaded = self._load(table)
        missing = [c for c in columns if c not in loaded.schema.names]
        if not columns or missing:
            raise self._error(
                f"no column {missing or list(columns)!r} in this table; check the column names",
                table=table.name,
            )
        schema = pa.schema([loaded.schema.field(c) for c in columns])
        by_file: dict[int, list[tuple[int, int, list[int]]]] = {}
        for unit, readable, picks in plan_sample(self._unit_values(loaded, columns, table), n, seed):
            file_index, rg = loaded.units[unit]
            by_file.setdefault(file_index, []).append((rg, readable, picks))
        parts = []
        for file_index in sorted(by_file):
            partition = loaded.partitions[file_index]
            with self._open_parquet(loaded, file_index, table) as (pf, file):
                present = parquet_nulls.present_columns(columns, file, partition)
                for rg, readable, picks in by_file[file_index]:
                    rows = parquet_nulls.read_non_null(pf, rg, present, readable, picks)
                    parts.append(_conform(rows, schema, partition))
        out = pa.concat_tables(parts) if parts else schema.empty_table()
        return out.replace_schema_metadata({b"chujing.sample_strategy": parquet_nulls.STRATEGY.encode()})

    def _unit_values(self, loaded: _Loaded, columns: Sequence[str], table: TableInfo) -> list[int]:
        """Rows of each row group (``loaded.units``) where all ``columns`` hold a value: statistics, else read."""
        files = [parquet_nulls.FileColumns.of(md) for md in loaded.metadata]
        counts = [
            parquet_nulls.group_non_null(loaded.metadata[i], rg, columns, files[i], loaded.partitions[i])
            for i, rg in loaded.units
        ]
        unknown: dict[int, list[int]] = {}
        for unit, found in enumerate(counts):
            if found is None:
                unknown.setdefault(loaded.units[unit][0], []).append(unit)
        for file_index, units in sorted(unknown.items()):
            with self._open_parquet(loaded, file_index, table) as (pf, file):
                present = parquet_nulls.present_columns(columns, file, loaded.partitions[file_index])
                for unit in units:  # present is never None here: group_non_null counted those files as 0
                    counts[unit] = parquet_nulls.count_non_null(pf, loaded.units[unit][1], present or [])
        return [c or 0 for c in counts]

    @contextlib.contextmanager
    def _open_parquet(
        self, loaded: _Loaded, file_index: int, table: TableInfo
    ) -> Iterator[tuple[pq.ParquetFile, parquet_nulls.FileColumns]]:
        """One file of the table opened for column reads; a failure names the file."""
        path = loaded.paths[file_index]
        try:
            with self.fs.open_input_file(path) as f:
                md = loaded.metadata[file_index]
                pf = pq.ParquetFile(f, metadata=md, pre_buffer=False, buffer_size=SAMPLE_BUFFER_BYTES)
                yield pf, parquet_nulls.FileColumns.of(md)
        except (OSError, pa.ArrowException) as exc:
            raise self._file_error(path, exc, table.name) from exc

    # -- distinct counts ----------------------------------------------------
    def distinct_count(self, table: TableInfo, columns: Sequence[str]) -> int:
        loaded = self._load(table)
        missing = [c for c in columns if c not in loaded.schema.names]
        if not columns or missing:
            raise self._error(
                f"no column {missing or list(columns)!r} in this table; check the column names",
                table=table.name,
            )
        try:
            with tempfile.TemporaryDirectory(prefix="chujing-distinct-") as spill:
                con = duckdb_session.connect(self.distinct_memory_limit, spill)
                try:
                    if self._duckdb_reads(loaded):
                        return _distinct_native(con, loaded, columns)
                    return _distinct_arrow(con, loaded, columns)
                finally:
                    con.close()
        except (OSError, pa.ArrowException, duckdb.Error) as exc:
            raise self._error(
                f"distinct count of {list(columns)!r} failed ({_reason(exc)}); "
                "raise distinct_memory_limit or exclude the table",
                table=table.name,
            ) from exc

    # -- person keys (scanner.export.persons) ---------------------------------------
    def distinct_key_count(self, table: TableInfo, spec: KeySpec) -> KeyCount:
        """One GROUP BY pass in DuckDB (spills under the memory limit, like :meth:`distinct_count`)."""
        with self._key_source(table, spec, "counting persons") as con:
            return duckdb_keys.count_keys(con, spec)

    def iter_distinct_keys(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[str]]:
        with self._key_source(table, spec, "reading person keys") as con:
            try:
                yield from duckdb_keys.iter_keys(con, spec, batch_rows)
            except (OSError, pa.ArrowException, duckdb.Error) as exc:
                raise self._error(f"reading person keys failed ({_reason(exc)})", table=table.name) from exc

    def key_signature_counts(self, table: TableInfo, spec: KeySpec) -> list[SignatureGroup]:
        with self._key_source(table, spec, "counting persons") as con:
            return duckdb_keys.count_signatures(con, spec)

    def iter_key_signatures(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[tuple[str, tuple[int, ...]]]]:
        with self._key_source(table, spec, "reading person keys") as con:
            try:
                yield from duckdb_keys.iter_signatures(con, spec, batch_rows)
            except (OSError, pa.ArrowException, duckdb.Error) as exc:
                raise self._error(f"reading person keys failed ({_reason(exc)})", table=table.name) from exc

    # -- trajectory profiles (scanner.trajectory) -------------------------------------
    def device_fixes(self, table: TableInfo, query: FixQuery) -> pa.Table:
        """The chosen devices' first fixes in time, numbered per device by DuckDB (spilling, like counts)."""
        with self._relation(table, query.names, "reading the fixes of sampled devices") as con:
            return duckdb_trajectory.fixes(con, "chujing_src", query)

    def value_bounds(self, table: TableInfo, columns: Sequence[str]) -> dict[str, tuple[object, object]]:
        with self._relation(table, columns, f"reading the bounds of {', '.join(columns)}") as con:
            return duckdb_trajectory.bounds(con, "chujing_src", columns)

    @contextlib.contextmanager
    def _key_source(
        self, table: TableInfo, spec: KeySpec, action: str
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection where ``chujing_src`` is the table (its key columns, at least)."""
        with self._relation(table, spec.columns, action) as con:
            yield con

    @contextlib.contextmanager
    def _relation(
        self, table: TableInfo, columns: Sequence[str], action: str
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection where ``chujing_src`` is the table (``columns``, at least); failures name ``action``."""
        loaded = self._load(table)
        missing = [c for c in columns if c not in loaded.schema.names]
        if missing:
            raise self._error(
                f"no column {missing!r} in this table; check the column names", table=table.name
            )
        try:
            with tempfile.TemporaryDirectory(prefix="chujing-keys-") as spill:
                con = duckdb_session.connect(self.distinct_memory_limit, spill)
                try:
                    if self._duckdb_reads(loaded):
                        files = ", ".join(_literal(p) for p in loaded.paths)
                        con.execute(
                            f"CREATE TEMP VIEW chujing_src AS SELECT * FROM read_parquet([{files}], "
                            f"{_read_options(loaded)})"
                        )
                    else:
                        scanner = loaded.dataset.scanner(
                            columns=list(columns), batch_size=65_536, fragment_readahead=1, batch_readahead=2
                        )
                        con.register("chujing_src", scanner.to_reader())
                    yield con
                finally:
                    con.close()
        except SourceError:
            raise
        except (OSError, pa.ArrowException, duckdb.Error) as exc:
            raise self._error(
                f"{action} failed ({_reason(exc)}); raise distinct_memory_limit or exclude the table",
                table=table.name,
            ) from exc

    def _duckdb_reads(self, loaded: _Loaded) -> bool:
        """Whether DuckDB's own reader sees exactly what pyarrow sees.

        It needs local paths without glob characters, no ``key=value`` directory
        above the dataset (DuckDB would take it for a partition key) and column
        names that stay distinct case-insensitively.
        """
        names = [n.lower() for n in loaded.schema.names]
        return (
            self._local
            and not any(_GLOB_CHARS.search(p) for p in loaded.paths)
            and not (loaded.kind == "dataset" and "=" in loaded.base)
            and len(set(names)) == len(names)
        )

    # -- errors -------------------------------------------------------------
    def _error(self, what: str, *, table: str | None = None) -> SourceError:
        prefix = self.display_uri if table is None else f"{self.display_uri} [{table}]"
        return SourceError(f"{prefix}: {what}", source=self.display_uri, table=table)

    def _file_error(self, path: str, exc: BaseException, table: str) -> SourceError:
        if isinstance(exc, PermissionError):
            what = "permission denied; grant the scanning user read access or exclude this table"
        elif isinstance(exc, FileNotFoundError):
            what = "file disappeared after listing; run the scan again"
        else:
            what = f"not a readable Parquet file ({_reason(exc)}); re-export it or exclude this table"
        return self._error(f"{path}: {what}", table=table)


# -- sampling plan (pure, seeded) ----------------------------------------------
def plan_sample(unit_rows: Sequence[int], n: int, seed: int) -> list[tuple[int, int, list[int]]]:
    """Which row groups to read, how many leading rows of each, and which of them to keep.

    Returns ``(unit, readable_rows, sorted_row_indices)`` in unit order.

    >>> plan = plan_sample([10_000] * 100, 1_000, seed=7)
    >>> len(plan), sum(len(p) for _, _, p in plan)
    (4, 1000)
    >>> plan == plan_sample([10_000] * 100, 1_000, seed=7)
    True
    >>> [(u, r, len(p)) for u, r, p in plan_sample([1_000_000], 100, seed=0)]
    [(0, 65536, 100)]
    >>> plan_sample([3, 2], 10, seed=0)
    [(0, 3, [0, 1, 2]), (1, 2, [0, 1])]
    """
    total = sum(unit_rows)
    if n <= 0 or total == 0:
        return []
    rng = random.Random(seed)
    cap = max(SAMPLE_SCAN_ROWS, SAMPLE_OVERSAMPLE * n)
    readable = [min(r, cap) for r in unit_rows]
    if total <= n:
        return [(u, r, list(range(r))) for u, r in enumerate(readable) if r]
    target = min(total, SAMPLE_OVERSAMPLE * n)
    mean = min(total / len(unit_rows), cap)
    # Spread over several groups, unless that alone would read more than a tenth of a large table.
    allowed = max(target, SAMPLE_SCAN_ROWS, total * SAMPLE_MAX_FRACTION)
    spread = min(SAMPLE_MIN_ROW_GROUPS, max(1, int(allowed // mean)))
    k = min(len(unit_rows), max(spread, math.ceil(target / mean)))
    ends = list(_cumsum(unit_rows))
    chosen = {bisect.bisect_right(ends, (i + rng.random()) * total / k) for i in range(k)}
    chosen = {min(u, len(unit_rows) - 1) for u in chosen}
    rest = [u for u in range(len(unit_rows)) if u not in chosen and unit_rows[u]]
    rng.shuffle(rest)
    while rest and sum(readable[u] for u in chosen) < target:
        chosen.add(rest.pop())
    units = sorted(u for u in chosen if readable[u])
    have = sum(readable[u] for u in units)
    if have <= n:
        return [(u, readable[u], list(range(readable[u]))) for u in units]
    quota = {u: n * readable[u] // have for u in units}
    short = n - sum(quota.values())
    by_remainder = sorted(units, key=lambda u: (-(n * readable[u] % have), rng.random()))
    for u in by_remainder[:short]:
        quota[u] += 1
    return [(u, readable[u], sorted(rng.sample(range(readable[u]), quota[u]))) for u in units]


def _cumsum(values: Sequence[int]):
    acc = 0
    for v in values:
        acc += v
        yield acc


def _read_rows(pf: pq.ParquetFile, rg: int, readable: int, picks: list[int]) -> pa.Table:
    """The picked rows among the first ``readable`` rows of row group ``rg``."""
    if readable >= pf.metadata.row_group(rg).num_rows:
        return pf.read_row_group(rg, use_threads=False).take(picks)
    kept, offset, i = [], 0, 0
    for batch in pf.iter_batches(batch_size=SAMPLE_BATCH_ROWS, row_groups=[rg], use_threads=False):
        end = offset + batch.num_rows
        j = bisect.bisect_left(picks, end, lo=i)
        if j > i:
            kept.append(batch.take([p - offset for p in picks[i:j]]))
        i, offset = j, end
        if i >= len(picks) or offset >= readable:
            break
    return pa.Table.from_batches(kept, schema=pf.schema_arrow)


def _conform(rows: pa.Table, schema: pa.Schema, partition: dict[str, object]) -> pa.Table:
    """Cast a fragment's rows to the dataset schema: partition values filled in, missing columns null."""
    arrays = []
    for f in schema:
        if f.name in rows.column_names:
            col = rows.column(f.name)
            arrays.append(col if col.type == f.type else col.cast(f.type))
        elif partition.get(f.name) is not None:
            arrays.append(pa.repeat(pa.scalar(partition[f.name], f.type), rows.num_rows))
        else:
            arrays.append(pa.nulls(rows.num_rows, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_options(loaded: _Loaded) -> str:
    """``read_parquet`` options that make DuckDB read what pyarrow reads (partition keys and their types)."""
    options = "union_by_name = true"
    if loaded.kind == "dataset":
        types = ", ".join(
            f"{_literal(f.name)}: {_literal(_DUCKDB_TYPES.get(f.type, 'VARCHAR'))}"
            for f in loaded.partition_schema
        )
        options += ", hive_partitioning = true" + (f", hive_types = {{{types}}}" if types else "")
    else:
        options += ", hive_partitioning = false"
    return options


def _distinct_native(con: duckdb.DuckDBPyConnection, loaded: _Loaded, columns: Sequence[str]) -> int:
    """DuckDB's parallel Parquet reader, with the partition types pyarrow inferred."""
    options = _read_options(loaded)
    cols = ", ".join(_quote(c) for c in columns)
    where = " AND ".join(f"{_quote(c)} IS NOT NULL" for c in columns)
    sql = f"SELECT COUNT(*) FROM (SELECT DISTINCT {cols} FROM read_parquet($files, {options}) WHERE {where})"
    (count,) = con.execute(sql, {"files": loaded.paths}).fetchone()
    return int(count)


def _distinct_arrow(con: duckdb.DuckDBPyConnection, loaded: _Loaded, columns: Sequence[str]) -> int:
    """Any pyarrow filesystem: the dataset scanner streams the columns into DuckDB."""
    not_null = reduce(lambda a, b: a & b, (pc.field(c).is_valid() for c in columns))
    scanner = loaded.dataset.scanner(
        columns={f"c{i}": pc.field(c) for i, c in enumerate(columns)},
        filter=not_null,
        batch_size=65_536,
        fragment_readahead=1,
        batch_readahead=2,
    )
    con.register("src", scanner.to_reader())
    select = ", ".join(f"c{i}" for i in range(len(columns)))
    (count,) = con.execute(f"SELECT COUNT(*) FROM (SELECT DISTINCT {select} FROM src)").fetchone()
    return int(count)


# -- helpers --------------------------------------------------------------------
def _to_path(source: str, *, local: bool, display: str) -> str:
    path = source
    if source.startswith("file:"):
        parts = urllib.parse.urlsplit(source)
        if parts.netloc not in ("", "localhost"):
            raise SourceError(
                f"{display}: file:// URIs on another host are not supported; mount it locally", source=display
            )
        path = urllib.parse.unquote(parts.path)
    if local:
        path = os.path.abspath(os.path.expanduser(path))
    return path.rstrip("/") or "/"


def _is_dataset(files: list[pafs.FileInfo], dirs: list[pafs.FileInfo], names: set[str]) -> bool:
    if any(_PARTITION_DIR.match(d.base_name) for d in dirs):
        return True
    if not files:
        return False
    return bool(names & _DATASET_MARKERS) or all(_PART_FILE.match(f.base_name) for f in files)


def _strip_suffix(name: str) -> str:
    for suffix in PARQUET_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _relname(root: str, path: str, *, strip: bool) -> str:
    rel = posixpath.relpath(path, root) if path.startswith(root) else posixpath.basename(path)
    return _strip_suffix(rel) if strip else rel


def _fingerprint(entry: _Entry) -> dict[str, object]:
    return files_fingerprint(
        (_relname(entry.base, f.path, strip=False), f.size or 0, f.mtime_ns or 0) for f in entry.files
    )


def files_fingerprint(files: Iterable[tuple[str, int, int]]) -> dict[str, object]:
    """Evidence of which version of the data was scanned, from a directory listing alone.

    ``files`` are ``(path relative to the table's directory, bytes, mtime in ns)``.
    """
    rows = sorted(files)
    listing = "".join(f"{p}\t{s}\t{m}\n" for p, s, m in rows)
    out: dict[str, object] = {
        "files": len(rows),
        "bytes": sum(s for _, s, _ in rows),
        "modified": _iso(max((m for _, _, m in rows), default=0)),
        "listing_sha256": hashlib.sha256(listing.encode()).hexdigest(),
        "file_list": [
            {"path": p, "bytes": s, "modified": _iso(m)} for p, s, m in rows[:FINGERPRINT_MAX_FILES]
        ],
    }
    if len(rows) > FINGERPRINT_MAX_FILES:
        out["file_list_truncated"] = True
    return out


def _iso(mtime_ns: int) -> str | None:
    if not mtime_ns:
        return None
    return dt.datetime.fromtimestamp(mtime_ns / 1e9, tz=dt.timezone.utc).isoformat(timespec="seconds")


def _comment(metadata: dict[bytes, bytes] | None) -> str | None:
    for key in _COMMENT_KEYS:
        if metadata and metadata.get(key):
            return metadata[key].decode("utf-8", "replace")
    return None


def _spark_comments(metadata: dict[bytes, bytes] | None) -> dict[str, str]:
    try:
        fields = json.loads(metadata[_SPARK_SCHEMA_KEY])["fields"]  # type: ignore[index]
        return {
            f["name"]: str(f["metadata"]["comment"]) for f in fields if f.get("metadata", {}).get("comment")
        }
    except (KeyError, TypeError, ValueError):
        return {}


def _pandas_comments(metadata: dict[bytes, bytes] | None) -> dict[str, str]:
    try:
        columns = json.loads(metadata[b"pandas"])["columns"]  # type: ignore[index]
        return {
            c["name"]: str((c.get("metadata") or {}).get("comment") or c["metadata"]["description"])
            for c in columns
            if isinstance(c.get("metadata"), dict)
            and (c["metadata"].get("comment") or c["metadata"].get("description"))
        }
    except (KeyError, TypeError, ValueError):
        return {}


def _unlistable(path: str, exc: OSError) -> str:
    return (
        f"{path}: cannot list this directory ({_reason(exc)}); grant the scanning user access or exclude it"
    )


def _reason(exc: BaseException) -> str:
    """The last clause of an engine error, on one line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return text.rsplit("': ", 1)[-1][:300]
