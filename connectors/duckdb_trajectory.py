"""Trajectory-profile queries in DuckDB over a relation, for the Parquet and S3 connectors.

The same two questions as :mod:`connectors.sql_trajectory` asks a database —
the first fixes in time of chosen devices, and ``MIN``/``MAX`` of columns —
asked of a relation the caller opened (a ``read_parquet`` view, or batches
streamed from S3 under a memory limit, see :mod:`connectors.duckdb_stream`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from connectors.base import FixQuery

if TYPE_CHECKING:
    import duckdb


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fixes(con: duckdb.DuckDBPyConnection, source: str, query: FixQuery) -> pa.Table:
    """The first ``per_device`` fixes in time of each chosen device of ``source``, ordered by device and time."""
    cols = ", ".join(_q(c) for c in query.names)
    dev, at = _q(query.device), _q(query.time)
    sql = (
        f"SELECT {cols} FROM (SELECT {cols}, row_number() OVER (PARTITION BY {dev} ORDER BY {at}) AS chujing_rn "
        f"FROM {source} WHERE {dev} IN (SELECT UNNEST($devices)) AND {at} IS NOT NULL) "
        f"WHERE chujing_rn <= $n ORDER BY {dev}, {at}"
    )
    rows = con.execute(sql, {"devices": list(query.devices), "n": query.per_device}).fetchall()
    # Python rows, not an Arrow result: the Arrow fetch method is named differently across DuckDB versions.
    return pa.table({c: [r[i] for r in rows] for i, c in enumerate(query.names)})


def bounds(
    con: duckdb.DuckDBPyConnection, source: str, columns: Sequence[str]
) -> dict[str, tuple[object, object]]:
    """``MIN`` and ``MAX`` of each column of ``source`` in one pass."""
    if not columns:
        return {}
    aggs = ", ".join(f"MIN({_q(c)}), MAX({_q(c)})" for c in columns)
    row = con.execute(f"SELECT {aggs} FROM {source}").fetchone() or ()
    return {c: (row[2 * i], row[2 * i + 1]) for i, c in enumerate(columns)}
