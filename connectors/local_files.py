"""Local files and directories of any format chujing reads: what engineers are about to send.

A local path that does not name a Parquet file is read here (a ``*.parquet``
path keeps the Parquet connector, :func:`connectors.open_source`).

What is a table
    * Parquet files, directories of them and Hive-partitioned or Spark-written
      Parquet datasets: exactly the tables :class:`~connectors.parquet.ParquetConnector`
      finds, read by it (footers, row-group sampling, DuckDB counts).
    * Everything else by the rules S3 applies to keys
      (:mod:`connectors.local_listing`): a CSV/TSV, JSON, JSON Lines or text
      file is one table; a directory of such files is one table per file,
      unless it is Hive-partitioned, marked (``_SUCCESS``) or made of writer
      part files, when it is one *dataset* table like a Parquet dataset; an
      Excel workbook is one table per worksheet (``workbook/sheet``).
    * So a directory may mix formats: ``lake/visits.parquet``,
      ``lake/events/dt=2025-01-01/part-0.parquet`` and ``lake/crm/客户.csv``
      are the tables ``visits``, ``events`` and ``crm/客户``.
    * Files that are not tables are listed in :attr:`LocalFilesConnector.skipped`
      with why (``{"path", "bytes", "reason"}``), and the report shows them.

Reading (shared with S3, not copied)
    Text files go through :mod:`connectors.formats_text`: encoding detected
    from the head (BOM, UTF-8, else GB18030 for GBK/GB2312 exports),
    delimiter sniffed, header recognised, gzip/zstd/bz2 decompressed.  A
    sample comes from the first ``head_bytes`` (8 MiB) of a file, drawn
    uniformly with the seed; the row count is exact when the head is the
    whole file (a dataset: when every file was read whole), else unknown.
    Workbooks go through :mod:`connectors.formats_xlsx` (openpyxl, read-only).
    Every column of a text or workbook table is a string column.

Counts
    Distinct counts and person keys (:mod:`scanner.export.persons`) stream the whole
    file(s) — not only the head — into DuckDB under ``distinct_memory_limit``
    (:mod:`connectors.duckdb_stream`, :mod:`connectors.duckdb_keys`, as for
    S3 text objects), so ``chujing check`` counts the persons of a CSV exactly.

Fingerprints
    The Parquet connector's evidence (files, bytes, modification times, a
    SHA-256 of the listing) plus format and compression; once read, the
    encoding, delimiter, header and sample basis, and the SHA-256 of the
    content of a file read whole (of a workbook no larger than ``head_bytes``).
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.fs as pafs

from connectors import duckdb_keys, formats_text, formats_xlsx
from connectors.base import ColumnInfo, Connector, KeyCount, KeySpec, SourceError, TableInfo
from connectors.duckdb_stream import count_distinct, streamed
from connectors.formats import (
    CSV,
    JSON,
    JSONL,
    PARQUET,
    SQLITE_SUFFIXES,
    TEXT,
    TSV,
    XLSX,
    CorruptStream,
    detect_format,
)
from connectors.formats_records import MalformedText
from connectors.formats_text import TextSource, TextTable
from connectors.local_listing import LocalFile, LocalTable, is_sqlite, plan, single, walk
from connectors.parquet import DISTINCT_MEMORY_LIMIT, ParquetConnector
from connectors.uri import mask_uri

if TYPE_CHECKING:
    from connectors.base import SignatureGroup

HEAD_BYTES = 8 * 1024 * 1024
_LABELS = {
    PARQUET: "Parquet file",
    CSV: "CSV file",
    TSV: "TSV file",
    JSON: "JSON file",
    JSONL: "JSON Lines file",
    TEXT: "text file",
    XLSX: "Excel workbook",
}
_READS = "Parquet, CSV/TSV, JSON/JSON Lines, text (optionally gzip/zstd/bz2) or Excel .xlsx"


class LocalFilesConnector(Connector):
    """A local file or directory of Parquet, CSV/TSV, JSON, JSON Lines, text and Excel files.

    Options: ``head_bytes`` (8 MiB) read from the start of a text file to
    sample it; ``distinct_memory_limit`` for DuckDB (``"256MB"``, spills
    beyond).  Others are ignored, as for every connector.
    """

    kind = "files"

    def __init__(
        self,
        path_or_file_uri: str,
        *,
        head_bytes: int = HEAD_BYTES,
        distinct_memory_limit: str = DISTINCT_MEMORY_LIMIT,
        **_ignored: object,
    ) -> None:
        super().__init__(path_or_file_uri)
        self.parquet = ParquetConnector(path_or_file_uri, distinct_memory_limit=distinct_memory_limit)
        self.root = self.parquet.root
        if int(head_bytes) < 1024:
            raise self._error("head_bytes must be at least 1024")
        self.head_bytes = int(head_bytes)
        self.distinct_memory_limit = distinct_memory_limit
        #: Files below the root that are not tables, with why: ``[{"path", "bytes", "reason"}]``.
        self.skipped: list[dict[str, object]] = []
        self._parquet_names: set[str] = set()
        self._tables: dict[str, LocalTable] | None = None
        self._order: list[TableInfo] = []
        self._loaded: tuple[str, TextTable | formats_xlsx.SheetHead] | None = None
        self._errors: dict[str, SourceError] = {}

    @property
    def display_uri(self) -> str:
        return mask_uri(self.uri)

    # -- listing --------------------------------------------------------------------
    def open(self) -> None:
        self._root_stat()

    def list_tables(self) -> list[TableInfo]:
        if self._tables is None:
            self._list()
        return [TableInfo(t.name, kind=t.kind, fingerprint=dict(t.fingerprint)) for t in self._order]

    def _list(self) -> None:
        st = self._root_stat()
        parquet: list[TableInfo] = []
        if os.path.isdir(self.root):
            parquet = self.parquet.list_parquet_tables(skip_empty=True)
            files = walk(self.root, self._is_parquet)
            listing = plan(self.root, files, reserved=[t.name for t in parquet], sheets=self._sheets)
            tables, self.skipped = listing.tables, listing.skipped
            if not parquet and not tables:
                raise self._error(self._nothing_readable())
        elif self._is_parquet(self.root):
            parquet, tables = self.parquet.list_parquet_tables(), []
        else:
            tables = self._single(st)
        self._parquet_names = {t.name for t in parquet}
        self._tables = {t.name: t for t in tables}
        self._order = parquet + [TableInfo(t.name, kind=t.kind, fingerprint=t.fingerprint()) for t in tables]

    def _root_stat(self) -> os.stat_result:
        try:
            return os.stat(self.root)
        except FileNotFoundError:
            raise self._error(self._missing()) from None
        except OSError as exc:
            raise self._error(f"cannot read this path ({exc.strerror or exc}); check permissions") from None

    def _single(self, st: os.stat_result) -> list[LocalTable]:
        f = LocalFile(os.path.basename(self.root), self.root, st.st_size, st.st_mtime_ns)
        if is_sqlite(self.root):
            raise self._error(f"a SQLite database, not a data file; scan it as {self._sqlite_url()}")
        found = single(f, self._sheets)
        if isinstance(found, str):
            raise self._error(
                f"not a file chujing reads ({found}); give {_READS} files, or a directory of them"
            )
        return found

    def _is_parquet(self, path: str) -> bool:
        return self.parquet.is_parquet(pafs.FileInfo(path, pafs.FileType.File))

    def _sheets(self, f: LocalFile) -> list[str] | str:
        """A workbook's worksheets, or why they cannot be listed (then its one table fails when read)."""
        try:
            workbook = formats_xlsx.open_workbook(f.path)
        except Exception as exc:
            return f"{f.path}: {formats_xlsx.describe_error(exc)}"
        try:
            return formats_xlsx.sheet_names(workbook)
        finally:
            workbook.close()

    def _missing(self) -> str:
        name = os.path.basename(self.root).lower()
        if name.endswith(SQLITE_SUFFIXES):
            return (
                "no such SQLite database file; check the path "
                f"(a SQLite database is scanned as {self._sqlite_url()})"
            )
        fmt = detect_format(name, workbooks=True)
        if isinstance(fmt, str):
            return "no such file or directory; check the path"
        label = _LABELS[fmt.kind]
        return f"no such {f'{fmt.compression}-compressed ' if fmt.compression else ''}{label}; check the path"

    def _sqlite_url(self) -> str:
        return f"sqlite:///{self.root if self.uri.startswith('file:') else self.uri}"

    def _nothing_readable(self) -> str:
        reasons: dict[str, int] = {}
        for s in self.skipped:
            reasons[str(s["reason"])] = reasons.get(str(s["reason"]), 0) + 1
        why = "; ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
        return (
            f"no files chujing reads in this directory ({_READS}){f'; skipped: {why}' if why else ''}; "
            "point chujing at the files to be exported"
        )

    def _table(self, info: TableInfo) -> LocalTable | None:
        """The non-Parquet table ``info`` names; ``None`` for a Parquet table (read by the Parquet connector)."""
        if self._tables is None:
            self._list()
        assert self._tables is not None
        if info.name in self._parquet_names:
            return None
        t = self._tables.get(info.name)
        if t is None:
            raise self._error(
                f"no table {info.name!r} here; run the scan again to refresh the listing", table=info.name
            )
        if t.error:
            raise self._error(t.error, table=t.name)
        return t

    # -- the interface ----------------------------------------------------------------
    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        t = self._table(table)
        if t is None:
            return self.parquet.columns(table)
        return [ColumnInfo(name, "string") for name in self._load(t, table).rows.column_names]

    def row_count(self, table: TableInfo) -> int | None:
        t = self._table(table)
        if t is None:
            return self.parquet.row_count(table)
        loaded = self._load(t, table)
        if isinstance(loaded, TextTable):
            return loaded.row_count
        return loaded.rows.num_rows if loaded.complete else None

    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        t = self._table(table)
        if t is None:
            return self.parquet.sample(table, n, seed=seed)
        return formats_text.sample_rows(self._load(t, table).rows, n, seed)

    def distinct_count(self, table: TableInfo, columns: Sequence[str]) -> int:
        t = self._table(table)
        if t is None:
            return self.parquet.distinct_count(table, columns)
        with self._streamed(t, table, columns, f"distinct count of {list(columns)!r}") as con:
            return count_distinct(con, columns)

    # -- person keys (scanner.export.persons) ------------------------------------------------
    def distinct_key_count(self, table: TableInfo, spec: KeySpec) -> KeyCount:
        """One GROUP BY pass in DuckDB over the key columns of every record of the file(s)."""
        t = self._table(table)
        if t is None:
            return self.parquet.distinct_key_count(table, spec)
        with self._streamed(t, table, spec.columns, "counting persons", name=duckdb_keys.SOURCE) as con:
            return duckdb_keys.count_keys(con, spec)

    def iter_distinct_keys(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[str]]:
        t = self._table(table)
        if t is None:
            yield from self.parquet.iter_distinct_keys(table, spec, batch_rows=batch_rows)
            return
        with self._streamed(t, table, spec.columns, "reading person keys", name=duckdb_keys.SOURCE) as con:
            yield from duckdb_keys.iter_keys(con, spec, batch_rows)

    def key_signature_counts(self, table: TableInfo, spec: KeySpec) -> list[SignatureGroup]:
        t = self._table(table)
        if t is None:
            return self.parquet.key_signature_counts(table, spec)
        with self._streamed(t, table, spec.columns, "counting persons", name=duckdb_keys.SOURCE) as con:
            return duckdb_keys.count_signatures(con, spec)

    def iter_key_signatures(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[tuple[str, tuple[int, ...]]]]:
        t = self._table(table)
        if t is None:
            yield from self.parquet.iter_key_signatures(table, spec, batch_rows=batch_rows)
            return
        with self._streamed(t, table, spec.columns, "reading person keys", name=duckdb_keys.SOURCE) as con:
            yield from duckdb_keys.iter_signatures(con, spec, batch_rows)

    # -- sparse columns (scanner.sparse) ----------------------------------------------------------
    def sample_non_null(self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0) -> pa.Table:
        """Text and sheets: the values among all the records of the head read, not only the sampled rows."""
        t = self._table(table)
        if t is None:
            return self.parquet.sample_non_null(table, columns, n, seed=seed)
        rows = self._load(t, table).rows
        missing = [c for c in columns if c not in rows.column_names]
        if not columns or missing:
            raise self._error(
                f"no column {missing or list(columns)!r} in this table; check the column names", table=t.name
            )
        return formats_text.sample_rows(rows.select(list(columns)).drop_null(), n, seed)

    # -- reading ----------------------------------------------------------------------------
    def _load(self, t: LocalTable, info: TableInfo) -> TextTable | formats_xlsx.SheetHead:
        """The head of a text table or a sheet, kept for one table at a time (up to ``head_bytes`` of text)."""
        if t.name in self._errors:
            raise self._errors[t.name]
        if self._loaded is not None and self._loaded[0] == t.name:
            return self._loaded[1]
        try:
            loaded = self._load_sheet(t, info) if t.format == XLSX else self._load_text(t, info)
        except SourceError as exc:
            self._errors[t.name] = exc
            raise
        self._loaded = (t.name, loaded)
        return loaded

    def _load_text(self, t: LocalTable, info: TableInfo) -> TextTable:
        by_rel = {f.rel: f for f in t.files}
        loaded = formats_text.load(
            self._sources(t),
            self.head_bytes,
            unit="file",
            reading=lambda src: self._reading(t, by_rel[src.name].path),
        )
        info.fingerprint.update(loaded.evidence)
        return loaded

    def _load_sheet(self, t: LocalTable, info: TableInfo) -> formats_xlsx.SheetHead:
        assert t.sheet is not None
        f = t.files[0]
        with self._reading(t, f.path):
            workbook = formats_xlsx.open_workbook(f.path)
            try:
                head = formats_xlsx.read_head(workbook, t.sheet)
            finally:
                workbook.close()
            evidence: dict[str, object] = {
                "header": head.layout.has_header,
                "sample_basis": "whole sheet" if head.complete else f"first {formats_xlsx.HEAD_ROWS} rows",
            }
            if f.size <= self.head_bytes:
                evidence["sha256"] = _sha256(f.path)
        info.fingerprint.update(evidence)
        return head

    def _sources(self, t: LocalTable) -> list[TextSource]:
        return [
            TextSource(f.rel, f.size, t.formats[f.rel], _opener(f.path), t.partitions.get(f.rel, {}))
            for f in t.files
        ]

    @contextlib.contextmanager
    def _streamed(
        self, t: LocalTable, info: TableInfo, columns: Sequence[str], action: str, *, name: str = "src"
    ) -> Iterator[Any]:
        """A DuckDB connection where ``name`` streams ``columns`` of every record of the table."""
        loaded = self._load(t, info)
        missing = [c for c in columns if c not in loaded.rows.column_names]
        if not columns or missing:
            raise self._error(
                f"no column {missing or list(columns)!r} in this table; check the column names", table=t.name
            )
        schema = pa.schema([pa.field(c, pa.string()) for c in columns])
        if isinstance(loaded, TextTable):
            by_rel = {f.rel: f for f in t.files}
            batches = formats_text.stream(
                self._sources(t), loaded.layouts, schema, lambda src: self._reading(t, by_rel[src.name].path)
            )
        else:
            batches = self._sheet_batches(t, loaded.layout, schema)

        try:
            with streamed(schema, batches, self.distinct_memory_limit, name=name) as con:
                yield con
        except duckdb.Error as exc:
            raise self._error(
                f"{action} failed ({' '.join(str(exc).split())[:300]}); "
                "raise distinct_memory_limit or exclude the table",
                table=t.name,
            ) from None

    def _sheet_batches(
        self, t: LocalTable, layout: formats_xlsx.SheetLayout, schema: pa.Schema
    ) -> Iterator[pa.RecordBatch]:
        """Every row of the sheet, from a workbook opened for this stream alone."""
        assert t.sheet is not None
        with self._reading(t, t.files[0].path):
            workbook = formats_xlsx.open_workbook(t.files[0].path)
            try:
                for batch in formats_xlsx.iter_batches(workbook, t.sheet, layout, batch_rows=65_536):
                    yield formats_text.project(batch, schema, {})
            finally:
                workbook.close()

    # -- errors -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _reading(self, t: LocalTable, path: str) -> Iterator[None]:
        """Turn whatever reading one file of a table raises into its one-line :class:`SourceError`."""
        try:
            yield
        except SourceError:
            raise
        except CorruptStream as exc:
            raise self._error(
                f"{path}: damaged compressed data ({exc}); export it again or exclude this table",
                table=t.name,
            ) from None
        except MalformedText as exc:
            raise self._error(f"{path}: {exc}; fix the file or exclude this table", table=t.name) from None
        except PermissionError:
            raise self._error(
                f"{path}: permission denied; grant the scanning user read access or exclude this table",
                table=t.name,
            ) from None
        except FileNotFoundError:
            raise self._error(
                f"{path}: file disappeared after listing; run the scan again", table=t.name
            ) from None
        except Exception as exc:
            if t.format == XLSX and formats_xlsx.is_workbook_error(exc):
                raise self._error(f"{path}: {formats_xlsx.describe_error(exc)}", table=t.name) from None
            if isinstance(exc, OSError | pa.ArrowException):
                raise self._error(
                    f"{path}: not readable as {t.format} ({' '.join(str(exc).split())[:300]}); "
                    "export it again or exclude this table",
                    table=t.name,
                ) from None
            raise

    def _error(self, what: str, *, table: str | None = None) -> SourceError:
        prefix = self.display_uri if table is None else f"{self.display_uri} [{table}]"
        return SourceError(f"{prefix}: {what}", source=self.display_uri, table=table)


def _opener(path: str) -> formats_text.Opener:
    """Open ``path`` for the text readers (a local file needs no byte range: the limit is the reader's)."""

    def open_(limit: int | None) -> Any:
        return open(path, "rb", buffering=0)  # noqa: SIM115 - the reader closes it

    return open_


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# -- every other optional operation: the Parquet connector's for Parquet tables -------------------------
def _delegating(name: str) -> Any:
    """``Connector.<name>(table, …)`` answered by the Parquet connector for its tables, the default otherwise."""
    default = getattr(Connector, name)

    def method(self: LocalFilesConnector, table: TableInfo, *args: Any, **kwargs: Any) -> Any:
        if self._table(table) is None:
            return getattr(self.parquet, name)(table, *args, **kwargs)
        return default(self, table, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = default.__doc__
    return method


def _takes_a_table(fn: object) -> bool:
    try:
        params = list(inspect.signature(fn).parameters)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2 and params[1] == "table"


# Optional operations other parts of chujing add to Connector (null counts, trajectories …) keep working
# on the Parquet tables of a directory without this class listing each of them.
for _name, _fn in list(vars(Connector).items()):
    if not _name.startswith("_") and _name not in vars(LocalFilesConnector) and _takes_a_table(_fn):
        setattr(LocalFilesConnector, _name, _delegating(_name))
