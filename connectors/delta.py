"""Delta Lake tables through deltalake: ``delta://PATH``.

What is a source, what is a table
    ``PATH`` is a local directory (a mounted filesystem): ``delta:///data/lake/events``
    (absolute), ``delta://lake/events`` (relative to the working directory),
    ``delta://~/lake``.  A directory holding ``_delta_log/`` is one table, named
    after the directory; any other directory is searched for tables (not inside
    one), each named by its path below it (``crm/customers``).

What is read
    The table's latest version, pinned when the table is first described: its
    schema (columns with the ``comment`` in their field metadata, the table's
    description as its comment), the row count from the add actions'
    ``numRecords`` statistics (a file without them is counted from its footer),
    and the live data files.  The version is the table's fingerprint, so an
    incremental scan (``--store --incremental``) rescans a table only after a
    commit (or when its columns changed).

    Samples are drawn by :mod:`connectors.lakehouse_files` from the live files
    (seeded, by row counts from the log, then by row group; partition values
    from the log, physical column names under column mapping); files a commit
    removed are never read, though they stay on disk until vacuumed.  Null
    counts come from the add actions' ``nullCount`` statistics.  Persons and
    distinct values are counted exactly by DuckDB over the columns streamed by
    deltalake's own reader (:meth:`deltalake.DeltaTable.scan`), which applies
    deletion vectors.

    Deletion vectors are applied to counts but not to samples: a sample may hold
    a row a deletion vector hides.  Its values are still in the data file until
    the file is rewritten, so the finding stands for the data at rest.

deltalake is an optional extra (``pip install 'chujing[delta]'``), imported only
when a ``delta://`` source is opened.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from connectors.base import ColumnInfo, Connector, NullCounts, SourceError, TableInfo, load_once
from connectors.lakehouse_files import DataFile, DataFiles, UnreadableFile, rename_like
from connectors.lakehouse_keys import DISTINCT_MEMORY_LIMIT, StreamedOperations
from connectors.uri import mask_uri

if TYPE_CHECKING:
    from deltalake import DeltaTable

SCHEME = "delta://"
LOG_DIR = "_delta_log"
_PHYSICAL = b"delta.columnMapping.physicalName"
_MAX_DEPTH = 8
_INSTALL = "install it with: pip install 'chujing[delta]'"


def delta_path(uri: str) -> str:
    """The local directory a ``delta://`` source names, absolute.

    >>> delta_path("delta:///data/lake/events")
    '/data/lake/events'
    >>> import os; delta_path("delta://lake/events") == os.path.abspath("lake/events")
    True
    """
    body = uri[len(SCHEME) :] if uri.startswith(SCHEME) else uri
    return os.path.abspath(os.path.expanduser(urllib.parse.unquote(body) or "."))


@dataclass
class _Loaded:
    """One table, its version pinned when first described."""

    table: DeltaTable
    version: int
    schema: pa.Schema  # logical names
    read: pa.Schema  # the names in the files (physical names under column mapping)
    files: list[DataFile]
    sizes: list[int]
    deleted: int  # rows hidden by deletion vectors
    reader: DataFiles


class DeltaConnector(StreamedOperations, Connector):
    """Delta tables in a local directory (see the module docstring)."""

    kind = "delta"

    def __init__(
        self, uri: str, *, distinct_memory_limit: str = DISTINCT_MEMORY_LIMIT, **_ignored: object
    ) -> None:
        super().__init__(uri)
        self.root = delta_path(uri)
        self.distinct_memory_limit = distinct_memory_limit
        self._tables: dict[str, str] | None = None
        self._loaded: dict[str, _Loaded | SourceError] = {}

    @property
    def display_uri(self) -> str:
        return mask_uri(self.uri)

    # -- listing ------------------------------------------------------------------------------
    def open(self) -> None:
        if not os.path.isdir(self.root):
            what = "not a directory" if os.path.exists(self.root) else "no such directory"
            raise self._error(f"{what}; give the directory of a Delta table (the one holding {LOG_DIR}/)")

    def list_tables(self) -> list[TableInfo]:
        if self._tables is None:
            self.open()
            if _is_table(self.root):
                self._tables = {os.path.basename(self.root) or self.root: self.root}
            else:
                self._tables = dict(self._walk())
            if not self._tables:
                raise self._error(
                    f"no Delta table here (no {LOG_DIR}/ directory in it or below it); "
                    "give the directory of a Delta table"
                )
        return [TableInfo(name, kind="table") for name in self._tables]

    def _walk(self) -> Iterator[tuple[str, str]]:
        """Tables below the root, sorted, not looking inside a table."""
        stack = [(self.root, 0)]
        found: list[tuple[str, str]] = []
        while stack:
            path, depth = stack.pop()
            try:
                entries = sorted(
                    (e for e in os.scandir(path) if e.is_dir() and not e.name.startswith((".", "_"))),
                    key=lambda e: e.name,
                )
            except OSError:
                continue
            for entry in entries:
                if _is_table(entry.path):
                    found.append((os.path.relpath(entry.path, self.root), entry.path))
                elif depth + 1 < _MAX_DEPTH:
                    stack.append((entry.path, depth + 1))
        return iter(sorted(found))

    # -- one table ----------------------------------------------------------------------------
    def _load(self, info: TableInfo) -> _Loaded:
        if self._tables is None:
            self.list_tables()
        assert self._tables is not None
        path = self._tables.get(info.name)
        if path is None:
            raise self._error(
                f"no table {info.name!r} here; run the scan again to refresh the listing", table=info.name
            )
        cached = load_once(self._loaded, info.name, lambda: self._read_log(path, info))
        if info.comment is None:
            info.comment = cached.table.metadata().description or None
        info.fingerprint.update(
            {
                "format": "delta",
                "version": cached.version,
                "files": len(cached.files),
                "bytes": sum(cached.sizes),
            }
        )
        return cached

    def _read_log(self, path: str, info: TableInfo) -> _Loaded:
        try:
            from deltalake import DeltaTable
        except ImportError:
            raise self._error(f"deltalake is not installed; {_INSTALL}") from None
        try:
            table = DeltaTable(path)
            schema = pa.schema(table.schema().to_arrow())
            actions = pa.table(table.get_add_actions(flatten=True))
            uris = table.file_uris()
            partitions = list(table.metadata().partition_columns)
        except Exception as exc:
            raise self._error(
                f"cannot read its transaction log ({_reason(exc)}); repair the table or exclude it",
                table=info.name,
            ) from None
        logical = pa.schema([pa.field(f.name, f.type, True) for f in schema])
        read = pa.schema([_physical(f).with_nullable(True) for f in schema])
        files, sizes = self._files(path, actions, uris, schema, partitions, info)
        deleted = 0
        if "deletionVector.cardinality" in actions.column_names:
            deleted = sum(v or 0 for v in actions.column("deletionVector.cardinality").to_pylist())
        reader = DataFiles(files, read, pafs.LocalFileSystem())
        return _Loaded(table, table.version(), logical, read, files, sizes, deleted, reader)

    def _files(
        self,
        path: str,
        actions: pa.Table,
        uris: list[str],
        schema: pa.Schema,
        partitions: list[str],
        info: TableInfo,
    ) -> tuple[list[DataFile], list[int]]:
        """The live files with their row counts, partition values and non-null counts, from the add actions."""
        rows = actions.to_pylist()
        by_path = {urllib.parse.unquote(r["path"]): r for r in rows}
        read_names = {f.name: _physical(f).name for f in schema}
        live = []
        for uri in uris:
            local = _local(uri)
            rel = os.path.relpath(local, path)
            action = by_path.get(rel) or by_path.get(urllib.parse.unquote(rel))
            if action is None:
                raise self._error(
                    f"{local}: listed by the table but without its add action; repair the table",
                    table=info.name,
                )
            live.append((action.get("modification_time") or 0, rel, local, action))
        # in the order the table wrote its files (then by path): a seeded sample of the same table content picks
        # the same rows however a writer named the files (part-00000-<uuid>), not whatever their names sort to
        files, sizes = [], []
        for _written, _rel, local, action in sorted(live, key=lambda x: (x[0], x[1])):
            count = action.get("num_records")
            if count is None:
                count = self._footer_rows(local, info)
            partition = {read_names[c]: action.get(f"partition.{c}") for c in partitions if c in read_names}
            values: dict[str, int | None] = {}
            for f in schema:
                nulls = action.get(f"null_count.{read_names[f.name]}")
                values[read_names[f.name]] = None if nulls is None else max(0, count - nulls)
            for c, value in partition.items():  # one value for the whole file, or none
                values[c] = count if value is not None else 0
            files.append(DataFile(local, count, partition, values))
            sizes.append(int(action.get("size_bytes") or 0))
        return files, sizes

    def _footer_rows(self, path: str, info: TableInfo) -> int:
        try:
            return pq.read_metadata(path).num_rows
        except (OSError, pa.ArrowException) as exc:
            raise self._read_failure(UnreadableFile(path, exc), info) from None  # type: ignore[misc]

    # -- the interface ---------------------------------------------------------------------------
    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        loaded = self._load(table)
        fields = {f.name: f for f in loaded.table.schema().fields}
        return [
            ColumnInfo(name, type_name(f.type), (f.metadata or {}).get("comment") or None, f.nullable)
            for name, f in fields.items()
        ]

    def row_count(self, table: TableInfo) -> int:
        loaded = self._load(table)
        return max(0, sum(f.rows for f in loaded.files) - loaded.deleted)

    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        loaded = self._load(table)
        with self._reading(table):
            return rename_like(loaded.reader.sample(n, seed), loaded.schema)

    def null_counts(
        self, table: TableInfo, columns: Sequence[str], *, exact: bool = False
    ) -> NullCounts | None:
        """From the add actions' statistics; with ``exact``, every column counted in one pass."""
        loaded = self._load(table)
        read = dict(zip(loaded.schema.names, loaded.read.names, strict=True))
        names = [c for c in columns if c in read]
        non_null: dict[str, int | None] = {}
        for c in names:
            counts = [f.values.get(read[c]) for f in loaded.files]
            non_null[c] = None if any(v is None for v in counts) else sum(v or 0 for v in counts)
        if exact and (loaded.deleted or any(v is None for v in non_null.values())):
            return self.exact_non_null(table, names)
        return NullCounts(sum(f.rows for f in loaded.files), non_null, "statistics")

    def sample_non_null(self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0) -> pa.Table:
        loaded = self._load(table)
        self._require_columns(loaded.schema.names, columns, table.name)
        index = [loaded.schema.names.index(c) for c in columns]
        with self._reading(table):
            values = loaded.reader.sample_non_null([loaded.read.field(i).name for i in index], n, seed)
        return rename_like(values, pa.schema([loaded.schema.field(i) for i in index]))

    def _stream(self, table: TableInfo, columns: Sequence[str]) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        loaded = self._load(table)
        self._require_columns(loaded.schema.names, columns, table.name)
        schema = pa.schema([loaded.schema.field(c) for c in columns])
        return schema, _scan(loaded.table, list(columns), schema)

    # -- errors ----------------------------------------------------------------------------------
    def _read_failure(self, exc: BaseException, table: TableInfo) -> SourceError | None:
        if isinstance(exc, UnreadableFile):
            if exc.missing:
                what = "data file missing (the log lists it: deleted by hand, or vacuumed too early?)"
                return self._error(f"{exc.path}: {what}; repair the table or exclude it", table=table.name)
            return self._error(
                f"{exc.path}: not a readable Parquet data file ({exc.reason()}); repair the table or exclude it",
                table=table.name,
            )
        if isinstance(exc, OSError | pa.ArrowException) or type(exc).__module__.startswith("deltalake"):
            return self._error(
                f"cannot read its data ({_reason(exc)}); repair the table or exclude it", table=table.name
            )
        return None

    def _error(self, what: str, *, table: str | None = None) -> SourceError:
        prefix = self.display_uri if table is None else f"{self.display_uri} [{table}]"
        return SourceError(f"{prefix}: {what}", source=self.display_uri, table=table)


def _scan(table: DeltaTable, columns: list[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Every live row of ``columns`` through deltalake's reader (deletion vectors and column mapping applied)."""
    reader = pa.RecordBatchReader.from_stream(table.scan(columns=columns))
    for batch in reader:
        yield pa.RecordBatch.from_arrays(
            [batch.column(c).cast(f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
        )


def _is_table(path: str) -> bool:
    return os.path.isdir(os.path.join(path, LOG_DIR))


def _local(uri: str) -> str:
    parts = urllib.parse.urlsplit(uri)
    return urllib.parse.unquote(parts.path) if parts.scheme == "file" else uri


def _physical(f: pa.Field) -> pa.Field:
    """A field under the name its data files use (column mapping), with its children's, without metadata."""
    name = (f.metadata or {}).get(_PHYSICAL, f.name.encode()).decode()
    t = f.type
    if pa.types.is_struct(t):
        t = pa.struct([_physical(t.field(i)) for i in range(t.num_fields)])
    elif pa.types.is_list(t):
        t = pa.list_(_physical(t.value_field))
    return pa.field(name, t, f.nullable)


def type_name(t: Any) -> str:
    """A Delta type as its users write it: ``string``, ``long``, ``struct<city: string>``, ``array<string>``."""
    kind = type(t).__name__
    if kind == "StructType":
        return "struct<" + ", ".join(f"{f.name}: {type_name(f.type)}" for f in t.fields) + ">"
    if kind == "ArrayType":
        return f"array<{type_name(t.element_type)}>"
    if kind == "MapType":
        return f"map<{type_name(t.key_type)}, {type_name(t.value_type)}>"
    return str(getattr(t, "type", t))


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
