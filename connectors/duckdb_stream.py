"""Exact distinct counts and person keys over a stream of Arrow batches (S3 objects, local text files).

DuckDB's hash aggregate runs under a memory limit and spills to a temporary
directory beyond it, so counting a column with hundreds of millions of distinct
values needs disk, not RAM.  (A Python set of ``pyarrow.compute.unique`` results
would grow with the number of distinct values; a pyarrow group-by cannot spill.)
Only tuples without a null count.  DuckDB's ``httpfs`` is not used — it is not
available offline — the batches come from chujing's own readers (ranged GETs
on S3, the shared text and workbook readers for local files).

:func:`streamed` is the one place a stream of batches becomes a DuckDB relation:
:func:`count_distinct` counts columns over it, and the person keys of the S3
and local-files connectors (:mod:`connectors.duckdb_keys`) read it as
``chujing_src``.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from connectors import duckdb_session

if TYPE_CHECKING:
    import duckdb


@contextlib.contextmanager
def streamed(
    schema: pa.Schema,
    batches: Iterator[pa.RecordBatch],
    memory_limit: str,
    *,
    name: str = "src",
    spill_prefix: str = "chujing-distinct-",
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A bounded, spilling DuckDB connection where ``name`` is the stream ``batches`` (read once, lazily).

    Batches come from a Python generator reading S3 or files; an exception there
    (access denied, throttling, a corrupt object) surfaces in DuckDB as its own error
    wrapping it.  Whatever the body raises after that, the generator's exception
    is re-raised as itself, so that the caller can describe it.
    """

    failure: list[BaseException] = []

    def guarded() -> Iterator[pa.RecordBatch]:
        try:
            yield from batches
        except GeneratorExit:
            raise
        except BaseException as exc:
            failure.append(exc)
            raise

    with tempfile.TemporaryDirectory(prefix=spill_prefix) as spill:
        con = duckdb_session.connect(memory_limit, spill, max_threads=2)
        try:
            con.register(name, pa.RecordBatchReader.from_batches(schema, guarded()))
            yield con
        except Exception:
            if failure:
                raise failure[0] from None
            raise
        finally:
            con.close()


def count_distinct(con: duckdb.DuckDBPyConnection, columns: Sequence[str], *, source: str = "src") -> int:
    """Exact distinct non-null tuples of ``columns`` of ``source`` (hash aggregate under the memory limit, spilling)."""
    quoted = [f'"{c.replace(chr(34), chr(34) * 2)}"' for c in columns]
    select = ", ".join(f"{q} AS c{i}" for i, q in enumerate(quoted))
    where = " AND ".join(f"{q} IS NOT NULL" for q in quoted)
    (count,) = con.execute(
        f"SELECT COUNT(*) FROM (SELECT DISTINCT {select} FROM {source} WHERE {where})"
    ).fetchone()
    return int(count)
