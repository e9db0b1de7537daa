"""DuckDB sessions: bounded, spilling, and silent on stdout."""

from __future__ import annotations

from pathlib import Path

from connectors import duckdb_session


def test_sessions_are_bounded_and_draw_no_progress_bar(tmp_path: Path) -> None:
    # DuckDB draws its progress bar on stdout for long queries: that would corrupt
    # `--format json` on standard output (a 10-million-row person count did).
    con = duckdb_session.connect("256MB", str(tmp_path), max_threads=1)
    try:
        setting = con.execute
        assert setting("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
        assert setting("SELECT current_setting('preserve_insertion_order')").fetchone() == (False,)
        assert setting("SELECT current_setting('threads')").fetchone() == (1,)
        assert Path(setting("SELECT current_setting('temp_directory')").fetchone()[0]) == tmp_path
        limit = setting("SELECT current_setting('memory_limit')").fetchone()[0]
        assert limit.endswith("MiB") and 200 <= float(limit.split()[0]) <= 256, limit
    finally:
        con.close()
