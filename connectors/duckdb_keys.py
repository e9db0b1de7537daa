"""Person keys (:mod:`scanner.export.persons`) counted and streamed by DuckDB over a relation named ``chujing_src``.

The SQL is :func:`key_sql`'s: the key expression over its derived stages,
compiled the same way for every DuckDB-backed connector, so the same
person gets the same key whether the rows come from a local Parquet file or an
object streamed from S3.  The connection is the caller's
(:func:`connectors.duckdb_session.connect`: memory limit, spilling); so is
turning DuckDB's errors into its :class:`~connectors.base.SourceError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from connectors.base import (
    KeyCount,
    KeySpec,
    SignatureGroup,
    key_select,
    signature_counts_select,
    signature_keys_select,
)

if TYPE_CHECKING:
    import duckdb

#: The relation the key expressions read.
SOURCE = "chujing_src"


def _compile(stmt: object) -> str:
    dialect = postgresql.dialect(paramstyle="named")
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))  # type: ignore[attr-defined]


def count_signatures(con: duckdb.DuckDBPyConnection, spec: KeySpec) -> list[SignatureGroup]:
    """Persons per combination of ``spec.flags`` (see :func:`connectors.base.signature_counts_select`)."""

    keys = key_select(spec, sa.table(SOURCE), fence=False)
    rows = con.execute(_compile(signature_counts_select(spec, keys))).fetchall()
    return [SignatureGroup(tuple(int(f or 0) for f in r[:-2]), bool(r[-2]), int(r[-1])) for r in rows]


def iter_signatures(
    con: duckdb.DuckDBPyConnection, spec: KeySpec, batch_rows: int
) -> Iterator[list[tuple[str, tuple[int, ...]]]]:
    """Each distinct non-null key with its flags' maxima, ``batch_rows`` at a time."""

    keys = key_select(spec, sa.table(SOURCE), fence=False)
    reader = con.sql(_compile(signature_keys_select(spec, keys))).to_arrow_reader(batch_rows)
    for batch in reader:
        cols = [c.to_pylist() for c in batch.columns]
        out = [(k, tuple(int(f or 0) for f in fl)) for k, *fl in zip(*cols, strict=True) if k is not None]
        if out:
            yield out


def key_sql(spec: KeySpec) -> str:
    """``SELECT k FROM (key over derived stages over chujing_src)`` in DuckDB's SQL.

    The expressions are SQLAlchemy's, compiled by the PostgreSQL dialect, whose
    SQL DuckDB speaks for the functions keys use (CAST, REPLACE, SUBSTR, ||, CASE).
    No optimisation fence: DuckDB eliminates the common subexpressions itself.
    """

    keys = key_select(spec, sa.table(SOURCE), fence=False)
    stmt = sa.select(keys.c.k)
    dialect = postgresql.dialect(paramstyle="named")
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def count_keys(con: duckdb.DuckDBPyConnection, spec: KeySpec) -> KeyCount:
    """Distinct non-null keys and the rows without one, in one GROUP BY pass (spills under the memory limit)."""
    sql = (
        "SELECT COUNT(k), COALESCE(SUM(CASE WHEN k IS NULL THEN n ELSE 0 END), 0) "
        f"FROM (SELECT k, COUNT(*) AS n FROM ({key_sql(spec)}) GROUP BY k)"
    )
    distinct, nulls = con.execute(sql).fetchone()
    return KeyCount(int(distinct), int(nulls))


def iter_keys(con: duckdb.DuckDBPyConnection, spec: KeySpec, batch_rows: int) -> Iterator[list[str]]:
    """The distinct non-null keys, de-duplicated by DuckDB, ``batch_rows`` at a time."""
    # No "WHERE k IS NOT NULL": the filter would be pushed below the projection and evaluate the key
    # twice (3x slower); the one NULL group is dropped here instead.
    reader = con.sql(f"SELECT DISTINCT k FROM ({key_sql(spec)})").to_arrow_reader(batch_rows)
    for batch in reader:
        keys = batch.column(0)
        if keys.null_count:
            keys = keys.drop_null()
        if len(keys):
            yield keys.to_pylist()
