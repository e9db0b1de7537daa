"""Apache Iceberg tables through pyiceberg: ``iceberg://CATALOG[/NAMESPACE[.TABLE_GLOB]]``.

What is a source, what is a table
    ``CATALOG`` is a catalog name as pyiceberg knows it: its properties come
    from pyiceberg's usual configuration, ``~/.pyiceberg.yaml`` (or
    ``$PYICEBERG_HOME/.pyiceberg.yaml``) and ``PYICEBERG_CATALOG__<NAME>__<PROPERTY>``
    environment variables, read afresh when the source is opened.  The source
    never carries credentials.

    * ``iceberg://prod`` — every table of every namespace (nested ones included);
    * ``iceberg://prod/crm`` — the tables of namespace ``crm`` and of the namespaces below it;
    * ``iceberg://prod/crm.customers``, ``iceberg://prod/crm.cust*`` — namespace ``crm``, the tables
      matching the glob.  When ``crm.customers`` is itself a namespace, it is read as one;
    * ``iceberg://prod/crm.emea/cust*`` — the namespace and the glob apart, never ambiguous.

    A table is reported with its namespace as ``schema`` (``crm.emea``) and its
    name as ``table``, so ``--tables`` and ``--exclude`` globs match either.

What is read
    The table's current snapshot, pinned when the table is first described: its
    schema (columns with their Iceberg ``doc`` as comments, the ``comment``
    property as the table's), the row count from the snapshot summary
    (``total-records`` less ``total-position-deletes``), and its data files from
    the scan plan.  The snapshot id is the table's fingerprint, so an
    incremental scan (``--store --incremental``) rescans a table only when a
    commit made a new snapshot (or its columns changed).

    Samples are drawn by :mod:`connectors.lakehouse_files` from the plan's data
    files (seeded, by row counts from the manifests, then by row group).  Where
    that would not read the table as Iceberg defines it — data files with delete
    files, a column renamed (files keep the old name), files that are not local
    Parquet — the table is read through pyiceberg's own reader instead, which
    applies deletes and field ids: files are still chosen by the same seeded
    plan, but each is read from its head.  Null counts come from the manifests'
    column statistics; persons and distinct values are counted exactly by
    DuckDB over the columns streamed from every live row
    (:mod:`connectors.lakehouse_keys`).

pyiceberg is an optional extra (``pip install 'chujing[iceberg]'``), imported
only when an ``iceberg://`` source is opened: its import takes about a second.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.fs as pafs

from connectors.base import ColumnInfo, Connector, NullCounts, SourceError, TableInfo, load_once
from connectors.lakehouse_files import DataFile, DataFiles, UnreadableFile, pick_rows
from connectors.lakehouse_keys import DISTINCT_MEMORY_LIMIT, StreamedOperations
from connectors.parquet import plan_sample
from connectors.uri import mask_uri

if TYPE_CHECKING:
    from pyiceberg.catalog import Catalog
    from pyiceberg.schema import Schema
    from pyiceberg.table import FileScanTask, Table
    from pyiceberg.types import IcebergType

SCHEME = "iceberg://"
_GLOB = re.compile(r"[*?\[]")
_MAX_NAMESPACE_DEPTH = 16
_INSTALL = "install it with: pip install 'chujing[iceberg]'"
#: Catalog properties whose values are secrets (``credential``, ``token``, ``s3.secret-access-key`` …).
_SECRET_WORDS = ("credential", "token", "secret", "password", "key")


@dataclass(frozen=True)
class IcebergLocation:
    """What an ``iceberg://`` source names: a catalog, perhaps a namespace, perhaps a table glob.

    ``namespace`` and ``table`` are what the URL says; with ``split`` the path
    was written with a slash between them, otherwise a dotted path may be a
    namespace or a namespace and a table (decided against the catalog).

    >>> IcebergLocation.parse("iceberg://prod/crm.emea/cust*")
    IcebergLocation(catalog='prod', path=('crm', 'emea'), table='cust*')
    >>> IcebergLocation.parse("iceberg://prod/crm.customers")
    IcebergLocation(catalog='prod', path=('crm', 'customers'), table=None)
    >>> IcebergLocation.parse("iceberg://prod")
    IcebergLocation(catalog='prod', path=(), table=None)
    """

    catalog: str
    path: tuple[str, ...]
    table: str | None

    @classmethod
    def parse(cls, uri: str) -> IcebergLocation:
        body = uri[len(SCHEME) :] if uri.startswith(SCHEME) else uri
        catalog, _, rest = body.partition("/")
        rest = urllib.parse.unquote(rest.strip("/"))
        namespace, slash, table = rest.partition("/")
        path = tuple(p for p in namespace.split(".") if p)
        return cls(urllib.parse.unquote(catalog), path, (table or None) if slash else None)


@dataclass
class _Loaded:
    """One table, its snapshot pinned when first described."""

    table: Table
    schema: Schema
    arrow: pa.Schema
    snapshot_id: int | None
    tasks: list[FileScanTask] | None = None
    reader: DataFiles | _PyicebergFiles | None = None


class IcebergConnector(StreamedOperations, Connector):
    """The tables of an Iceberg catalog configured for pyiceberg (see the module docstring)."""

    kind = "iceberg"

    def __init__(
        self, uri: str, *, distinct_memory_limit: str = DISTINCT_MEMORY_LIMIT, **_ignored: object
    ) -> None:
        super().__init__(uri)
        self.location = IcebergLocation.parse(uri)
        self.distinct_memory_limit = distinct_memory_limit
        self._catalog: Catalog | None = None
        self._secrets: list[str] = []
        self._loaded: dict[tuple[str, ...], _Loaded | SourceError] = {}

    @property
    def display_uri(self) -> str:
        return mask_uri(self.uri)

    # -- the catalog --------------------------------------------------------------------------
    def open(self) -> None:
        self.catalog()

    def catalog(self) -> Catalog:
        """The catalog, loaded once with pyiceberg's configuration read now (not when pyiceberg was imported)."""
        if self._catalog is not None:
            return self._catalog
        name = self.location.catalog
        if not name:
            raise self._error("no catalog named; write iceberg://CATALOG[/NAMESPACE[.TABLE]]")
        try:
            from pyiceberg.catalog import load_catalog
            from pyiceberg.utils.config import Config
        except ImportError:
            raise self._error(f"pyiceberg is not installed; {_INSTALL}") from None
        try:
            config = Config().get_catalog_config(name)
        except ValueError as exc:
            raise self._error(f"pyiceberg's configuration is malformed ({_reason(exc)}); fix it") from None
        if not config:
            env = f"PYICEBERG_CATALOG__{name.upper().replace('-', '_')}__URI"
            raise self._error(
                f"no Iceberg catalog {name!r} is configured; define it in ~/.pyiceberg.yaml "
                f"(catalog: {name}: uri: …) or with {env} and its siblings"
            )
        self._secrets = [
            str(v) for k, v in config.items() if v and any(w in str(k).lower() for w in _SECRET_WORDS)
        ]
        self._check_sqlite(config)
        try:
            # A SQL catalog would otherwise create its tables in an empty database: sources are read only.
            self._catalog = load_catalog(name, **{**config, "init_catalog_tables": "false"})
        except Exception as exc:
            raise self._error(self._unanswered(exc)) from None
        return self._catalog

    def _check_sqlite(self, config: dict[str, Any]) -> None:
        """A SQL catalog on a SQLite file that does not exist: SQLite would create an empty one."""
        uri = str(config.get("uri") or "")
        if uri.startswith("sqlite:///") and not uri.startswith("sqlite:///:memory:"):
            path = urllib.parse.unquote(uri[len("sqlite:///") :].partition("?")[0])
            if path and not os.path.exists(path):
                raise self._error(f"the catalog database {path} does not exist; check the catalog's uri")

    def _unanswered(self, exc: BaseException) -> str:
        return (
            f"the catalog did not answer ({type(exc).__name__}: {_reason(exc)}); "
            "check that it is running and its configuration (uri, credentials)"
        )

    # -- listing ------------------------------------------------------------------------------
    def list_tables(self) -> list[TableInfo]:
        catalog = self.catalog()
        namespaces, glob = self._targets(catalog)
        tables: list[TableInfo] = []
        for ns in namespaces:
            try:
                identifiers = catalog.list_tables(ns)
            except Exception as exc:
                if _is(exc, "NoSuchNamespaceError"):
                    raise self._error(
                        f"no namespace {'.'.join(ns)!r} in this catalog; check the name"
                    ) from None
                raise self._error(self._unanswered(exc)) from None
            for ident in identifiers:
                *space, name = ident
                if glob is None or fnmatch.fnmatchcase(name, glob):
                    tables.append(TableInfo(name, schema=".".join(space), kind="table"))
        if glob is not None and not tables and not _GLOB.search(glob):
            where = ".".join(namespaces[0]) if namespaces else ""
            raise self._error(f"no table {where}.{glob} in this catalog; check the name")
        return sorted(tables, key=lambda t: (t.schema or "", t.name))

    def _targets(self, catalog: Catalog) -> tuple[list[tuple[str, ...]], str | None]:
        """The namespaces to list and the table glob, resolving a dotted path against the catalog."""
        path, table = self.location.path, self.location.table
        if table is not None:
            return [path], table
        if not path:
            return self._below(catalog, ()), None
        if self._exists(catalog, path):
            return self._below(catalog, path), None
        if len(path) > 1 and self._exists(catalog, path[:-1]):
            return [path[:-1]], path[-1]
        raise self._error(f"no namespace {'.'.join(path)!r} in this catalog; check the name")

    def _exists(self, catalog: Catalog, ns: tuple[str, ...]) -> bool:
        try:
            catalog.load_namespace_properties(ns)
            return True
        except Exception as exc:
            if _is(exc, "NoSuchNamespaceError"):
                return False
            raise self._error(self._unanswered(exc)) from None

    def _below(self, catalog: Catalog, root: tuple[str, ...]) -> list[tuple[str, ...]]:
        """``root`` (unless the catalog's root) and every namespace nested below it."""
        found, queue = ([root] if root else []), [root]
        while queue:
            ns = queue.pop(0)
            if len(ns) >= _MAX_NAMESPACE_DEPTH:
                continue
            try:
                children = catalog.list_namespaces(ns)
            except Exception as exc:
                if _is(exc, "NoSuchNamespaceError"):
                    continue
                raise self._error(self._unanswered(exc)) from None
            for child in sorted(tuple(c) for c in children):
                if len(child) > len(ns) and child[: len(ns)] == ns and child not in found:
                    found.append(child)
                    queue.append(child)
        return found

    # -- one table ----------------------------------------------------------------------------
    def _load(self, info: TableInfo) -> _Loaded:
        ident = (*(info.schema.split(".") if info.schema else ()), info.name)
        cached = load_once(self._loaded, ident, lambda: self._read_metadata(ident, info))
        if info.comment is None:
            info.comment = cached.table.properties.get("comment")
        info.fingerprint.update(_fingerprint(cached.table))
        return cached

    def _read_metadata(self, ident: tuple[str, ...], info: TableInfo) -> _Loaded:
        catalog = self.catalog()
        try:
            table = catalog.load_table(ident)
        except Exception as exc:
            if _is(exc, "NoSuchTableError"):
                raise self._error(
                    "no such table (dropped or renamed after listing?); run the scan again",
                    table=info.qualified_name,
                ) from None
            raise self._error(
                f"cannot read its metadata ({type(exc).__name__}: {_reason(exc)}); "
                "repair the table or exclude it",
                table=info.qualified_name,
            ) from None
        schema = table.schema()
        arrow = pa.schema([f.with_nullable(True).remove_metadata() for f in schema.as_arrow()])
        snapshot = table.current_snapshot()
        return _Loaded(table, schema, arrow, snapshot.snapshot_id if snapshot else None)

    def _reader(self, info: TableInfo) -> DataFiles | _PyicebergFiles:
        loaded = self._load(info)
        if loaded.reader is None:
            with self._reading(info):
                tasks = [] if loaded.snapshot_id is None else list(_plan(loaded))
            tasks.sort(key=_content_order)
            loaded.tasks = tasks
            if _plain_files(loaded.table, tasks):
                files = [_data_file(t, loaded.schema) for t in tasks]
                loaded.reader = DataFiles(files, loaded.arrow, pafs.LocalFileSystem())
            else:
                loaded.reader = _PyicebergFiles(loaded, tasks)
        return loaded.reader

    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        loaded = self._load(table)
        return [
            ColumnInfo(f.name, type_name(f.field_type), f.doc or None, not f.required)
            for f in loaded.schema.fields
        ]

    def row_count(self, table: TableInfo) -> int | None:
        """From the snapshot summary: records less position deletes (an upper bound under equality deletes)."""
        loaded = self._load(table)
        snapshot = loaded.table.current_snapshot()
        if snapshot is None:
            return 0
        summary = snapshot.summary
        total = _summary_int(summary, "total-records")
        if total is None:
            return sum(t.file.record_count for t in self._tasks(table))
        return max(0, total - (_summary_int(summary, "total-position-deletes") or 0))

    def _tasks(self, table: TableInfo) -> list[FileScanTask]:
        self._reader(table)
        tasks = self._load(table).tasks
        assert tasks is not None
        return tasks

    # -- samples --------------------------------------------------------------------------------
    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        reader = self._reader(table)
        with self._reading(table):
            return reader.sample(n, seed)

    def null_counts(
        self, table: TableInfo, columns: Sequence[str], *, exact: bool = False
    ) -> NullCounts | None:
        """From the manifests' column statistics; with ``exact``, every column counted in one pass."""
        loaded = self._load(table)
        names = [c for c in columns if c in loaded.arrow.names]
        tasks = self._tasks(table)
        has_deletes = any(t.delete_files for t in tasks)
        if exact and (
            has_deletes or any(_file_values(t, loaded.schema, c) is None for t in tasks for c in names)
        ):
            return self.exact_non_null(table, names)
        rows = sum(t.file.record_count for t in tasks)
        non_null: dict[str, int | None] = {}
        for c in names:
            counts = [_file_values(t, loaded.schema, c) for t in tasks]
            non_null[c] = None if any(v is None for v in counts) else sum(v or 0 for v in counts)
        return NullCounts(rows, non_null, "statistics")

    def sample_non_null(self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0) -> pa.Table:
        loaded = self._load(table)
        self._require_columns(loaded.arrow.names, columns, table.qualified_name)
        reader = self._reader(table)
        with self._reading(table):
            return reader.sample_non_null(list(columns), n, seed)

    # -- streamed columns (persons, distinct counts: connectors.lakehouse_keys) --------------------
    def _stream(self, table: TableInfo, columns: Sequence[str]) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        loaded = self._load(table)
        self._require_columns(loaded.arrow.names, columns, table.qualified_name)
        schema = pa.schema([loaded.arrow.field(c) for c in columns])
        return schema, self._reader(table).batches(list(columns))

    # -- errors ----------------------------------------------------------------------------------
    def _read_failure(self, exc: BaseException, table: TableInfo) -> SourceError | None:
        name = table.qualified_name
        if isinstance(exc, UnreadableFile):
            if exc.missing:
                what = "data file missing (the snapshot lists it: deleted by hand or expired?)"
                return self._error(f"{exc.path}: {what}; repair the table or exclude it", table=name)
            return self._error(
                f"{exc.path}: not a readable Parquet data file ({exc.reason()}); repair the table or exclude it",
                table=name,
            )
        if isinstance(exc, OSError | pa.ArrowException | ValueError) or _is(exc, "ResolveError"):
            return self._error(
                f"cannot read its data ({type(exc).__name__}: {_reason(exc)}); repair the table or exclude it",
                table=name,
            )
        return None

    def _error(self, what: str, *, table: str | None = None) -> SourceError:
        """A one-line error; the catalog's secrets (credential, token …) never reach it, even from pyiceberg's text."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            what = what.replace(secret, "***")
        prefix = self.display_uri if table is None else f"{self.display_uri} [{table}]"
        return SourceError(f"{prefix}: {what}", source=self.display_uri, table=table)


class _PyicebergFiles:
    """A table read through pyiceberg's reader (deletes, renamed columns, remote files), file by file.

    Files are chosen by the same seeded plan as :class:`~connectors.lakehouse_files.DataFiles`;
    each is read from its head, as far as the plan's rows, with deletes applied.
    """

    def __init__(self, loaded: _Loaded, tasks: list[FileScanTask]) -> None:
        self.loaded, self.tasks = loaded, tasks

    def _scan(
        self, columns: Sequence[str] | None, *, not_null: bool = False, limit: int | None = None
    ) -> Any:
        from pyiceberg.expressions import AlwaysTrue, And, NotNull
        from pyiceberg.io.pyarrow import ArrowScan

        schema = self.loaded.schema if columns is None else self.loaded.schema.select(*columns)
        row_filter: Any = AlwaysTrue()
        if not_null and columns:
            row_filter = NotNull(columns[0])
            for c in columns[1:]:
                row_filter = And(row_filter, NotNull(c))
        table = self.loaded.table
        return ArrowScan(table.metadata, table.io, schema, row_filter, limit=limit)

    def _target(self, columns: Sequence[str] | None) -> pa.Schema:
        arrow = self.loaded.arrow
        return arrow if columns is None else pa.schema([arrow.field(c) for c in columns])

    def sample(self, n: int, seed: int) -> pa.Table:
        return self._sample([t.file.record_count for t in self.tasks], None, n, seed)

    def sample_non_null(self, columns: list[str], n: int, seed: int) -> pa.Table:
        weights = []
        for t in self.tasks:
            known = [_file_values(t, self.loaded.schema, c) for c in columns]
            weights.append(min((k for k in known if k is not None), default=t.file.record_count))
        return self._sample(weights, columns, n, seed)

    def _sample(self, weights: list[int], columns: list[str] | None, n: int, seed: int) -> pa.Table:
        target = self._target(columns)
        parts = []
        for index, readable, picks in plan_sample(weights, n, seed):
            scan = self._scan(columns, not_null=columns is not None, limit=readable)
            batches = (b.cast(target) for b in scan.to_record_batches([self.tasks[index]]))
            parts.append(pick_rows(batches, readable, picks, target))
        return pa.concat_tables(parts) if parts else target.empty_table()

    def batches(self, columns: list[str]) -> Iterator[pa.RecordBatch]:
        target = self._target(columns)
        for task in self.tasks:
            for batch in self._scan(columns).to_record_batches([task]):
                yield batch.cast(target)


# -- helpers -------------------------------------------------------------------------------------
def _plan(loaded: _Loaded) -> Any:
    return loaded.table.scan(snapshot_id=loaded.snapshot_id).plan_files()


def _plain_files(table: Table, tasks: Sequence[FileScanTask]) -> bool:
    """Whether the data files read as the table by name alone: local Parquet, no deletes, no renamed column."""
    from pyiceberg.manifest import FileFormat

    return (
        all(not t.delete_files and t.file.file_format == FileFormat.PARQUET for t in tasks)
        and all(_local_path(t.file.file_path) is not None for t in tasks)
        and _names_stable(table)
    )


def _names_stable(table: Table) -> bool:
    """Every field id has had one name, and every name one field id, in all the table's schemas.

    Then a file written under any of them stores each column under its current
    name, and a column dropped and added again cannot be mistaken for the old one.
    """
    from pyiceberg.schema import index_name_by_id

    names: dict[int, str] = {}
    ids: dict[str, int] = {}
    for schema in table.metadata.schemas:
        for fid, name in index_name_by_id(schema).items():
            if names.setdefault(fid, name) != name or ids.setdefault(name, fid) != fid:
                return False
    return True


def _local_path(location: str) -> str | None:
    parts = urllib.parse.urlsplit(location)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        return urllib.parse.unquote(parts.path)
    if parts.scheme == "" and location.startswith("/"):
        return location
    return None


def _content_order(task: FileScanTask) -> tuple[object, ...]:
    """Data files ordered by what they hold (their columns' lower bounds, then row count), the path last.

    Writers name files ``00000-0-<uuid>.parquet``: ordered by name, the same table content written twice
    would give a seeded sample different rows each time.
    """
    bounds = tuple(sorted((task.file.lower_bounds or {}).items()))
    return bounds, task.file.record_count, task.file.file_path


def _data_file(task: FileScanTask, schema: Schema) -> DataFile:
    path = _local_path(task.file.file_path)
    assert path is not None
    values = {f.name: _file_values(task, schema, f.name) for f in schema.fields}
    return DataFile(path, task.file.record_count, {}, values)


def _file_values(task: FileScanTask, schema: Schema, column: str) -> int | None:
    """Non-null values of a top-level column in one data file, from its manifest entry (``None``: unknown)."""
    from pyiceberg.types import PrimitiveType

    field = schema.find_field(column)
    if not isinstance(field.field_type, PrimitiveType):
        return None  # statistics are kept per leaf; a struct is NULL where none of its leaves says so
    nulls = (task.file.null_value_counts or {}).get(field.field_id)
    return None if nulls is None else max(0, task.file.record_count - nulls)


def _fingerprint(table: Table) -> dict[str, object]:
    """The snapshot the scan reads: its id decides whether an incremental scan reads the table again."""
    snapshot = table.current_snapshot()
    out: dict[str, object] = {"format": "iceberg", "snapshot_id": snapshot.snapshot_id if snapshot else None}
    if snapshot is not None:
        out["snapshot_committed"] = dt.datetime.fromtimestamp(
            snapshot.timestamp_ms / 1000, tz=dt.timezone.utc
        ).isoformat(timespec="seconds")
        for key, name in (("total-data-files", "files"), ("total-files-size", "bytes")):
            value = _summary_int(snapshot.summary, key)
            if value is not None:
                out[name] = value
    return out


def _summary_int(summary: Any, key: str) -> int | None:
    if summary is None:
        return None
    try:
        value = summary[key]
    except (KeyError, TypeError):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def type_name(t: IcebergType) -> str:
    """An Iceberg type as its users write it, without field ids: ``long``, ``struct<city: string>``.

    >>> from pyiceberg.types import ListType, LongType, NestedField, StringType, StructType
    >>> type_name(LongType()), type_name(StructType(NestedField(4, "city", StringType())))
    ('long', 'struct<city: string>')
    >>> type_name(ListType(5, StringType()))
    'list<string>'
    """
    from pyiceberg.types import ListType, MapType, StructType

    if isinstance(t, StructType):
        return "struct<" + ", ".join(f"{f.name}: {type_name(f.field_type)}" for f in t.fields) + ">"
    if isinstance(t, ListType):
        return f"list<{type_name(t.element_type)}>"
    if isinstance(t, MapType):
        return f"map<{type_name(t.key_type)}, {type_name(t.value_type)}>"
    return str(t)


def _is(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` is pyiceberg's exception ``name`` (or a subclass), without importing pyiceberg."""
    return any(k.__name__ == name and k.__module__.startswith("pyiceberg") for k in type(exc).__mro__)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
