"""The one way chujing opens DuckDB: in memory, bounded, spilling to a private directory, silent.

DuckDB is the engine behind exact distinct counts and person keys over Parquet
(local or S3).  Every connection gets the same settings, for reasons that are
easy to lose when each call site builds its own:

* ``memory_limit`` with a ``temp_directory``: a hash aggregate over ten million
  identifiers spills to disk instead of growing the process;
* ``preserve_insertion_order = false``: counting needs no order, and keeping it
  costs memory;
* ``enable_progress_bar = false``: DuckDB draws its progress bar on *stdout*
  for queries longer than two seconds, which would corrupt ``--format json``
  written to standard output (seen on a 10-million-row person count).
"""

from __future__ import annotations

import os

import duckdb


def connect(memory_limit: str, temp_directory: str, *, max_threads: int = 4) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection with chujing's settings (see the module docstring)."""
    con = duckdb.connect(
        ":memory:",
        config={
            "memory_limit": memory_limit,
            "temp_directory": temp_directory,
            "threads": min(max_threads, os.cpu_count() or 1),
            "preserve_insertion_order": False,
        },
    )
    # A session option: DuckDB refuses it in the connection's global config.
    con.execute("SET enable_progress_bar = false")
    return con
