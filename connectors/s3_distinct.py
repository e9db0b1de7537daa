"""Exact distinct counts over a stream of Arrow batches read from S3.

DuckDB's hash aggregate runs under a memory limit and spills to a temporary
directory beyond it, so counting a column with hundreds of millions of distinct
values needs disk, not RAM.  (A Python set of ``pyarrow.compute.unique`` results
would grow with the number of distinct values; a pyarrow group-by cannot spill.)
Only tuples without a null count.  DuckDB's ``httpfs`` is not used — it is not
available offline — the batches come from chujing's own ranged reader.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence

import pyarrow as pa


def count_distinct(
    schema: pa.Schema, batches: Iterator[pa.RecordBatch], columns: Sequence[str], limit: str
) -> int:
    """Exact distinct non-null tuples, in DuckDB (hash aggregate under a memory limit, spilling to disk).

    Batches come from a Python generator reading S3; an exception there (access
    denied, throttling) is re-raised as itself rather than as DuckDB's wrapper,
    so that the caller can describe it.
    """
    import duckdb

    from connectors import duckdb_session

    failure: list[BaseException] = []

    def guarded() -> Iterator[pa.RecordBatch]:
        try:
            yield from batches
        except BaseException as exc:
            failure.append(exc)
            raise

    quoted = [f'"{c.replace(chr(34), chr(34) * 2)}"' for c in columns]
    select = ", ".join(f"{q} AS c{i}" for i, q in enumerate(quoted))
    where = " AND ".join(f"{q} IS NOT NULL" for q in quoted)
    with tempfile.TemporaryDirectory(prefix="chujing-distinct-") as spill:
        con = duckdb_session.connect(limit, spill, max_threads=2)
        try:
            con.register("src", pa.RecordBatchReader.from_batches(schema, guarded()))
            (count,) = con.execute(
                f"SELECT COUNT(*) FROM (SELECT DISTINCT {select} FROM src WHERE {where})"
            ).fetchone()
            return int(count)
        except duckdb.Error:
            if failure:
                raise failure[0] from None
            raise
        finally:
            con.close()
