"""The console over a big store: server time of its pages against a plain SQL query of the same rows.

Run::

    python benchmarks/bench_console.py                              # 10,000 tables × 30 runs
    python benchmarks/bench_console.py --tables 1000 --runs 5       # quicker

A SQLite store of ``--tables`` tables × ``--runs`` runs is written straight into
the store's tables (one transaction per run, the rows ``chujing scan --store``
writes: each table's result with a resident-ID column on every third table and a
mobile column on every fifth; after the first run most tables are carried, as in
nightly incremental runs, and a few are rescanned).  Then, through Flask's test
client (server time only, no network), each page is requested ``--requests``
times after one cold request:

* the **overview** (each source's current run, counts, trend, coverage queries);
* a **table page** (one table's result, its history across runs);
* a **findings page** (page 3 of the current findings, 50 per page).

Each is set against the plain SQL query of the rows it shows: the current run's
``chujing_run_tables`` rows, one table's row, and one page of ``chujing_findings``.
Printed: p50 and p95 in milliseconds, and the p50 ratio to the plain query.  The
first (cold) request of a run builds that run's index (its report rebuilt and
flattened) once; it is printed on its own line.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scanner.console.app import ConsoleConfig, create_app  # noqa: E402
from scanner.console.security import Authenticator  # noqa: E402
from scanner.scan import ScanOptions  # noqa: E402
from scanner.store import Store  # noqa: E402
from scanner.store import schema as s  # noqa: E402

SOURCE, KEY = "sqlite:///warehouse.db", "sqlite:////data/warehouse.db"
OPTIONS = {k: v for k, v in ScanOptions(sample_rows=300).as_parameters().items() if k != "scan_date"}


def entity(kind: str, i: int) -> dict:
    if kind == "id":
        ev, etype, pi = ["3205**********0373", "1101**********0389"], "CN_RESIDENT_ID", "sensitive"
    else:
        ev, etype, pi = ["139****5678", "138****0001"], "CN_MOBILE", "general"
    return {
        "type": etype,
        "score": 0.99,
        "match_ratio": 1.0,
        "matched": 300,
        "evidence": ev,
        "precision_m": None,
        "recognizer": "bench",
        "explanation": "benchmark row",
        "basis": "values",
        "pi_class": pi,
    }


def column(name: str, kind: str | None, i: int) -> dict:
    found = [entity(kind, i)] if kind else []
    pi = found[0]["pi_class"] if found else None
    return {
        "name": name,
        "type": "TEXT",
        "non_null": 300,
        "null_ratio": 0.0,
        "null_ratio_method": "sample",
        "entities": found,
        "pi_class": pi,
        "categories": [],
        "pi_basis": f"{found[0]['type']}: benchmark" if found else None,
    }


def table(i: int, run_id: str) -> dict:
    cols = [column("id", None, i), column("note", None, i)]
    if i % 3 == 0:
        cols.append(column("sfzh", "id", i))
    if i % 5 == 0:
        cols.append(column("mobile", "mobile", i))
    return {
        "source": SOURCE,
        "table": f"t_{i:05d}",
        "schema": "ods",
        "row_count": 300,
        "sampled_rows": 300,
        "status": "ok",
        "error": None,
        "columns": cols,
        "kind": "table",
        "fingerprint": {"row_count": 300},
        "scanned_in_run": run_id,
    }


def build(path: Path, tables: int, runs: int) -> list[str]:
    """The store, written run by run in bulk; returns the run ids, oldest first."""
    ids: list[str] = []
    with Store.open(str(path)) as store:
        for r in range(runs):
            run_id = store.begin_run([SOURCE], [KEY], OPTIONS, {"tool": "bench"})
            ids.append(run_id)
            now = (_dt.datetime(2026, 1, 1) + _dt.timedelta(days=r)).isoformat() + "Z"
            rt, fd = [], []
            for i in range(tables):
                scanned = run_id if (r == 0 or i % 50 == r % 50) else ids[0]
                t = table(i, scanned)
                rt.append(
                    {
                        "run_id": run_id,
                        "source_key": KEY,
                        "schema_name": "ods",
                        "table_name": t["table"],
                        "source": SOURCE,
                        "status": "ok",
                        "scanned_in_run": scanned,
                        "fingerprint_sha256": f"{i:064x}",
                        "result": json.dumps(t, ensure_ascii=False, sort_keys=True),
                        "recorded_at": now,
                    }
                )
                for c in t["columns"]:
                    for e in c["entities"]:
                        fd.append(
                            {
                                "run_id": run_id,
                                "source_key": KEY,
                                "schema_name": "ods",
                                "table_name": t["table"],
                                "column_name": c["name"],
                                "entity": e["type"],
                                "pi_class": e["pi_class"],
                                "score": e["score"],
                                "match_ratio": e["match_ratio"],
                            }
                        )
            with store.engine.begin() as conn:
                conn.execute(s.run_tables.insert(), rt)
                conn.execute(s.findings.insert(), fd)
            store.finish_run(run_id, status="succeeded", exit_status=0)
    return ids


def timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--requests", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "store.db"
        t0 = time.perf_counter()
        ids = build(path, args.tables, args.runs)
        print(f"store: {args.tables:,} tables × {args.runs} runs written in {time.perf_counter() - t0:.1f} s")
        app = create_app(ConsoleConfig(str(path), auth=Authenticator(local_user="bench")))
        client = app.test_client()
        current = ids[-1]
        con = sqlite3.connect(path)
        pages = {
            "overview": (
                "/",
                lambda: con.execute(
                    "SELECT status, result FROM chujing_run_tables WHERE run_id = ? AND source_key = ?",
                    (current, KEY),
                ).fetchall(),
            ),
            "table page": (
                f"/table?source={KEY}&schema=ods&table=t_00042",
                lambda: con.execute(
                    "SELECT * FROM chujing_run_tables WHERE run_id = ? AND source_key = ? AND schema_name = ? "
                    "AND table_name = ?",
                    (current, KEY, "ods", "t_00042"),
                ).fetchall(),
            ),
            "findings page": (
                "/findings?page=3&per_page=50",
                lambda: con.execute(
                    "SELECT * FROM chujing_findings WHERE run_id = ? ORDER BY source_key, schema_name, "
                    "table_name, column_name, entity LIMIT 50 OFFSET 100",
                    (current,),
                ).fetchall(),
            ),
        }
        t0 = time.perf_counter()
        assert client.get("/").status_code == 200
        print(
            f"cold: first overview (builds the current run's index once) {(time.perf_counter() - t0) * 1000:,.0f} ms"
        )
        print(f"{'page':<14} {'p50 ms':>9} {'p95 ms':>9} {'SQL p50 ms':>11} {'ratio':>8}")
        for name, (url, sql) in pages.items():

            def get(url: str = url) -> None:
                assert client.get(url).status_code == 200

            served = timed(get, args.requests)
            plain = timed(sql, args.requests)
            ratio = statistics.median(served) / max(statistics.median(plain), 1e-6)
            print(
                f"{name:<14} {statistics.median(served):>9.1f} {p95(served):>9.1f} "
                f"{statistics.median(plain):>11.2f} {ratio:>7.0f}×"
            )
        con.close()


if __name__ == "__main__":
    main()
