"""--jobs scans tables side by side with the serial report; --table-timeout skips a hanging table, the rest goes on."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import recognizers
from connectors.base import SourceError, TableInfo
from connectors.sql import SQLConnector
from scanner.cli.root import main
from scanner.workers import TimedOut, in_order
from tests.export.conftest import resident_id
from tests.servers import admin_engine

#: What differs between two scans of the same data: when they ran and how long each table took.
TIMING = ("started_at", "finished_at", "integrity", "report_sha256")


def chujing(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def report(*args: object, exit_code: int = 0) -> dict:
    r = chujing("scan", *args, "--format", "json", "--quiet")
    assert r.exit_code == exit_code, r.output
    return json.loads(r.stdout)


def untimed(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k not in TIMING}
    out["tables"] = [{k: v for k, v in t.items() if k != "seconds"} for t in doc["tables"]]
    return out


def rows(t: int, n: int) -> list[tuple]:
    return [
        (i, resident_id(t * 1000 + i), f"139{(t * 7919 + i * 104729) % 10**8:08d}", "苏州") for i in range(n)
    ]


def sqlite_warehouse(path: Path, tables: int) -> str:
    con = sqlite3.connect(path)
    for t in range(tables):
        con.execute(f"CREATE TABLE ods_{t:02d} (id INTEGER PRIMARY KEY, sfzh TEXT, mobile TEXT, city TEXT)")
        con.executemany(f"INSERT INTO ods_{t:02d} VALUES (?, ?, ?, ?)", rows(t, 60 + t))
    con.commit()
    con.close()
    return f"sqlite:///{path}"


# -- the worker pool ------------------------------------------------------------------------------------


def test_results_come_in_order_and_at_most_jobs_run_at_once() -> None:
    lock, running, peak = threading.Lock(), [0], [0]

    def work(i: int) -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02 * (7 - i % 7))  # later items finish first
        with lock:
            running[0] -= 1
        return i * i

    assert [(i, r) for i, r in in_order(range(14), work, jobs=3)] == [(i, i * i) for i in range(14)]
    assert peak[0] == 3


def test_a_hanging_item_times_out_and_frees_its_place() -> None:
    release = threading.Event()

    def work(i: int) -> int:
        if i == 1:
            release.wait(10)  # hangs far beyond the timeout
        return i

    t0 = time.monotonic()
    out = list(in_order(range(6), work, jobs=1, timeout=0.3))
    release.set()
    assert [i for i, _ in out] == list(range(6))
    assert out[1][1] == TimedOut(0.3)
    assert [r for i, r in out if i != 1] == [0, 2, 3, 4, 5]
    assert time.monotonic() - t0 < 5  # the rest did not wait for the hanging one


def test_an_error_is_raised_at_its_items_turn() -> None:
    def work(i: int) -> int:
        if i == 2:
            raise ValueError("boom")
        return i

    seen = []
    with pytest.raises(ValueError, match="boom"):
        for _i, r in in_order(range(5), work, jobs=2):
            seen.append(r)
    assert seen == [0, 1]


# -- SQLite -----------------------------------------------------------------------------------------------


def test_jobs_give_the_serial_report_on_sqlite(tmp_path: Path) -> None:
    src = sqlite_warehouse(tmp_path / "wh.db", 12)
    serial = report(src)
    assert [t["table"] for t in serial["tables"]] == [f"ods_{t:02d}" for t in range(12)]
    assert any(e["type"] == "CN_RESIDENT_ID" for c in serial["tables"][0]["columns"] for e in c["entities"])
    assert untimed(report(src, "--jobs", "4")) == untimed(serial)
    assert untimed(report(src, "--jobs", "4", "--table-timeout", "600")) == untimed(serial)


def _most_at_once(monkeypatch) -> dict[str, int]:  # noqa: ANN001
    """Count how many threads recognize, and how many read a sample, at once (each lingers 20 ms)."""
    lock = threading.Lock()
    state = {"recognizing": 0, "most": 0, "reading": 0, "most_reading": 0}
    analyze, analyze_batch = recognizers.analyze_table, recognizers.analyze_tables
    sample = SQLConnector.sample

    def counted(key: str, most: str, fn, *args, **kwargs):  # noqa: ANN001, ANN202
        with lock:
            state[key] += 1
            state[most] = max(state[most], state[key])
        try:
            time.sleep(0.02)  # long enough for the other threads to get here too
            return fn(*args, **kwargs)
        finally:
            with lock:
                state[key] -= 1

    monkeypatch.setattr(
        recognizers, "analyze_table", lambda *a, **k: counted("recognizing", "most", analyze, *a, **k)
    )
    monkeypatch.setattr(  # a batch of small tables read one after another is recognized at once
        recognizers, "analyze_tables", lambda *a, **k: counted("recognizing", "most", analyze_batch, *a, **k)
    )
    monkeypatch.setattr(
        SQLConnector, "sample", lambda *a, **k: counted("reading", "most_reading", sample, *a, **k)
    )
    return state


def test_a_sqlite_database_is_read_one_table_at_a_time(tmp_path: Path, monkeypatch) -> None:
    """SQLite runs inside the scanner's process: a read has nothing to wait for, and threads would only pass
    the interpreter's lock to and fro.  ``--jobs 4`` reads its tables one at a time, with the same report."""
    src = sqlite_warehouse(tmp_path / "wh.db", 6)
    serial = report(src)
    state = _most_at_once(monkeypatch)
    assert untimed(report(src, "--jobs", "4")) == untimed(serial)
    assert state["most_reading"] == 1 and state["most"] == 1


def test_jobs_with_a_store_keep_every_table_once(tmp_path: Path) -> None:
    src = sqlite_warehouse(tmp_path / "wh.db", 8)
    store = tmp_path / "store.db"
    first = report(src, "--store", store, "--incremental", "--jobs", "3")
    again = report(src, "--store", store, "--incremental", "--jobs", "3")
    assert {t["scanned_in_run"] for t in again["tables"]} == {first["run"]["id"]}  # all carried
    history = json.loads(chujing("history", "--store", store, "--format", "json").stdout)
    assert [(r["tables_scanned"], r["tables_carried"]) for r in history] == [(0, 8), (8, 0)]


# -- PostgreSQL ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_warehouse(pg_db_url: str) -> str:
    engine = admin_engine(pg_db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA ods")
        for t in range(10):
            conn.exec_driver_sql(
                f"CREATE TABLE ods.t_{t:02d} (id int PRIMARY KEY, sfzh text, mobile text, city text)"
            )
            conn.execute(
                sa.text(f"INSERT INTO ods.t_{t:02d} VALUES (:a, :b, :c, :d)"),
                [dict(zip("abcd", r, strict=True)) for r in rows(t, 80)],
            )
    engine.dispose()
    return pg_db_url


def test_jobs_give_the_serial_report_on_postgresql(pg_warehouse: str) -> None:
    serial = report(pg_warehouse, "--schema", "ods")
    assert len(serial["tables"]) == 10
    assert untimed(report(pg_warehouse, "--schema", "ods", "--jobs", "5")) == untimed(serial)


@pytest.mark.parametrize("jobs", [1, 4])
def test_a_locked_table_is_skipped_at_the_timeout_and_the_rest_is_scanned(
    pg_warehouse: str, jobs: int
) -> None:
    """Another session holds an exclusive lock on one table: reading it hangs until the lock goes."""
    engine = admin_engine(pg_warehouse)
    with engine.connect() as holder:
        holder.exec_driver_sql("BEGIN")
        holder.exec_driver_sql("LOCK TABLE ods.t_03 IN ACCESS EXCLUSIVE MODE")
        t0 = time.monotonic()
        r = chujing(
            "scan",
            pg_warehouse,
            "--schema",
            "ods",
            "--jobs",
            jobs,
            "--table-timeout",
            "2",
            "--format",
            "json",
        )
        elapsed = time.monotonic() - t0
        holder.exec_driver_sql("ROLLBACK")
    engine.dispose()
    assert r.exit_code == 2, r.output  # something could not be read
    doc = json.loads(r.stdout)
    by_name = {t["table"]: t for t in doc["tables"]}
    assert [t["table"] for t in doc["tables"]] == [f"t_{t:02d}" for t in range(10)]
    assert by_name["t_03"]["status"] == "error"
    assert "ods.t_03" in by_name["t_03"]["error"] and "timeout (2 s)" in by_name["t_03"]["error"]
    assert all(t["status"] == "ok" for name, t in by_name.items() if name != "t_03")
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "ods.t_03" in errors[0]
    assert elapsed < 30  # the lock was never waited out


def test_jobs_take_turns_at_recognizing_while_reading_side_by_side(pg_warehouse: str, monkeypatch) -> None:
    """Threads recognize one after another (the GIL makes recognition at once slower than in turn), while
    their reads still run side by side: a read that waits does not hold the recognizers up."""
    state = _most_at_once(monkeypatch)
    report(pg_warehouse, "--schema", "ods", "--jobs", "4")
    assert state["most"] == 1
    assert state["most_reading"] > 1


def test_a_table_is_read_on_one_connection(pg_warehouse: str) -> None:
    """The estimate, the count and the sample of a table share one pooled connection (one checkout, ping and
    reset instead of three); a failed statement on it is rolled back, so the table's next read still runs."""
    connector = SQLConnector(pg_warehouse, schema="ods")
    checkouts: list[object] = []
    sa.event.listen(connector.engine.pool, "checkout", lambda *a: checkouts.append(a))
    table = next(t for t in connector.list_tables() if t.name == "t_01")
    missing = TableInfo(name="t_missing", schema="ods")
    connector.columns(table)  # the schema's columns are read once, for every table
    before = len(checkouts)
    with connector.table_session(table):
        with pytest.raises(SourceError):
            connector.row_count(missing)  # the count fails on the server: the transaction is aborted
        assert connector.row_count(table) == 80
        assert connector.sample(table, 20, seed=1).num_rows == 20
    assert len(checkouts) - before == 1
    connector.close()
