"""What a lakehouse connector counts by streaming a table's columns into DuckDB: persons, distinct values, nulls.

Iceberg and Delta tables are read through their own logs (which files are
live, which rows are deleted, what each column is called in the files), so
DuckDB cannot be pointed at a directory: the connector streams the columns a
question needs, every live row once, and DuckDB answers it under a memory
limit, spilling beyond it (:mod:`connectors.duckdb_stream`).  The SQL is the
one every DuckDB-backed connector uses (:mod:`connectors.duckdb_keys`,
:mod:`connectors.duckdb_trajectory`), so a person gets the same normalised key
from an Iceberg table as from a Parquet file or a database.

:class:`StreamedOperations` is a mixin: the connector supplies
:meth:`~StreamedOperations._stream` (the schema and batches of some columns)
and :meth:`~StreamedOperations._error`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import duckdb
import pyarrow as pa

from connectors import duckdb_keys, duckdb_trajectory
from connectors.base import FixQuery, KeyCount, KeySpec, NullCounts, SignatureGroup, SourceError, TableInfo
from connectors.duckdb_stream import count_distinct, streamed

#: DuckDB's memory limit for the hash aggregates of counts and keys (it spills to disk beyond it).
DISTINCT_MEMORY_LIMIT = "256MB"


class StreamedOperations:
    """Distinct counts, person keys, exact null counts and trajectory queries over streamed columns."""

    distinct_memory_limit: str = DISTINCT_MEMORY_LIMIT

    def _stream(self, table: TableInfo, columns: Sequence[str]) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        """The schema and every live row of ``columns`` (named as the table names them), in batches."""
        raise NotImplementedError

    def _error(self, what: str, *, table: str | None = None) -> SourceError:
        raise NotImplementedError

    def _read_failure(self, exc: BaseException, table: TableInfo) -> SourceError | None:
        """The one-line error for an exception raised while reading, or ``None`` for one that is not a read."""
        return None

    @contextlib.contextmanager
    def _reading(self, table: TableInfo) -> Iterator[None]:
        """Turn a read's failure into the connector's one-line error naming the table (others pass through)."""
        try:
            yield
        except SourceError:
            raise
        except Exception as exc:
            failure = self._read_failure(exc, table)
            if failure is None:
                raise
            raise failure from exc

    def _require_columns(self, available: Sequence[str], columns: Sequence[str], table: str) -> None:
        """Refuse, in one line naming the table, a request for no column or for columns the table lacks."""
        missing = [c for c in columns if c not in available]
        if not columns or missing:
            raise self._error(
                f"no column {missing or list(columns)!r} in this table; check the column names", table=table
            )

    def distinct_count(self, table: TableInfo, columns: Sequence[str]) -> int:
        with self._relation(table, columns, f"distinct count of {list(columns)!r}", name="src") as con:
            return count_distinct(con, columns)

    def exact_non_null(self, table: TableInfo, columns: Sequence[str]) -> NullCounts:
        """Every column's values over every live row, in one pass (``SELECT COUNT(*), COUNT(a), …``)."""
        quoted = ", ".join(f'COUNT("{c.replace(chr(34), chr(34) * 2)}")' for c in columns)
        with self._relation(table, columns, "counting values", name="src") as con:
            rows, *counts = con.execute(f"SELECT COUNT(*), {quoted} FROM src").fetchone()
        return NullCounts(int(rows), {c: int(k) for c, k in zip(columns, counts, strict=True)}, "exact")

    # -- person keys (scanner.export.persons) ------------------------------------------------
    def distinct_key_count(self, table: TableInfo, spec: KeySpec) -> KeyCount:
        with self._relation(table, spec.columns, "counting persons") as con:
            return duckdb_keys.count_keys(con, spec)

    def iter_distinct_keys(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[str]]:
        with self._relation(table, spec.columns, "reading person keys") as con:
            yield from duckdb_keys.iter_keys(con, spec, batch_rows)

    def key_signature_counts(self, table: TableInfo, spec: KeySpec) -> list[SignatureGroup]:
        with self._relation(table, spec.columns, "counting persons") as con:
            return duckdb_keys.count_signatures(con, spec)

    def iter_key_signatures(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[tuple[str, tuple[int, ...]]]]:
        with self._relation(table, spec.columns, "reading person keys") as con:
            yield from duckdb_keys.iter_signatures(con, spec, batch_rows)

    # -- trajectory profiles (scanner.trajectory) -------------------------------------------
    def device_fixes(self, table: TableInfo, query: FixQuery) -> pa.Table:
        with self._relation(table, query.names, "reading the fixes of sampled devices", name="src") as con:
            return duckdb_trajectory.fixes(con, "src", query)

    def value_bounds(self, table: TableInfo, columns: Sequence[str]) -> dict[str, tuple[object, object]]:
        with self._relation(table, columns, f"reading the bounds of {', '.join(columns)}", name="src") as con:
            return duckdb_trajectory.bounds(con, "src", columns)

    @contextlib.contextmanager
    def _relation(
        self, table: TableInfo, columns: Sequence[str], action: str, *, name: str = duckdb_keys.SOURCE
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection where ``name`` streams ``columns``; a failure is one line naming the table."""
        schema, batches = self._stream(table, columns)
        try:
            with streamed(schema, batches, self.distinct_memory_limit, name=name) as con:
                yield con
        except SourceError:
            raise
        except duckdb.Error as exc:
            raise self._error(
                f"{action} failed ({' '.join(str(exc).split())[:300]}); "
                "raise distinct_memory_limit or exclude the table",
                table=table.qualified_name,
            ) from None
        except Exception as exc:
            failure = self._read_failure(exc, table)
            if failure is None:
                raise
            raise failure from exc
