"""Many small tables: chujing's per-table overhead against the plain read of the same samples.

Run::

    python benchmarks/bench_many_tables.py                 # 2,000 SQLite tables of 300 rows
    python benchmarks/bench_many_tables.py --tables 500    # quicker
    CHUJING_TEST_PG_URL=postgresql+psycopg://… python benchmarks/bench_many_tables.py --pg-tables 500

A warehouse of ``--tables`` small tables (an id, a name, a mobile number, a
resident ID number, a city and a free-text note; 300 rows each) is scanned
several ways, each in the same run so that the ratios hold on a noisy machine:

* **plain read** — the floor: ``sqlite3`` (or psycopg) reads every table's
  columns and its rows, as a sampler must, and does nothing else;
* **chujing scan** — the whole scan (listing, sampling, recognizers, catalogue),
  one table at a time and with ``--jobs`` (threads; a SQLite database is read
  one table at a time whatever ``--jobs`` says, so there the row shows that
  asking for threads costs nothing);
* **incremental rerun** — ``chujing scan --store --incremental`` a second time
  with nothing changed: every table is carried over from the first run.

Every run is repeated ``--repeat`` times (3) and its best kept, and the floor is read three times before each
repetition, its best over all of them kept: noise only ever adds time, and a machine shared with other work
adds seconds to one run and not the next (within an hour the same 2,000-table scan took 11 to 17 s, and the
floor 0.9 to 1.5 s), so each side of a ratio is its least disturbed run over the same minutes.

Printed: seconds (wall clock), milliseconds per table, and each as a ratio to
the floor (the scans) or to the first store run (the rerun); and the CPU
seconds of each chujing run (user + system, the scan's own process), which a
machine shared with other work distorts less than the wall clock.  Then what each
further table costs: the scans of the first quarter of the tables (a second
warehouse of the same tables) subtracted from the whole one's, per table, against
the floor's difference; a whole scan's ratio also holds what every scan pays once
(imports, the registry, the recognizers' tables, the catalogue and the report).

The project's modules are compiled to bytecode first (``compileall``, into their
``__pycache__`` folders, which git ignores), as an installed package has them: with
``PYTHONDONTWRITEBYTECODE`` set (as on this machine) and an editable install, every
scan would otherwise compile its 300 modules again, 0.4-0.6 s that are no table's.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.export.conftest import resident_id  # noqa: E402 - the repository's own person generator

CITIES = ("苏州", "南京", "无锡", "上海", "杭州")
NAMES = "王李张刘陈杨黄赵吴周"


def rows(t: int, n: int) -> list[tuple]:
    rng = random.Random(t)
    return [
        (
            i,
            NAMES[rng.randrange(10)] + NAMES[rng.randrange(10)] + "华",
            f"13{rng.randrange(10**9):09d}",
            resident_id(t * 1000 + i),
            CITIES[i % 5],
            f"第{i}次回访，客户满意。",
        )
        for i in range(n)
    ]


def build_sqlite(path: Path, tables: int, n: int) -> None:
    con = sqlite3.connect(path)
    for t in range(tables):
        con.execute(
            f"CREATE TABLE ods_t{t:05d} (id INTEGER PRIMARY KEY, name TEXT, mobile TEXT, sfzh TEXT, city TEXT, note TEXT)"
        )
        con.executemany(f"INSERT INTO ods_t{t:05d} VALUES (?, ?, ?, ?, ?, ?)", rows(t, n))
    con.commit()
    con.close()


def plain_sqlite(path: Path) -> float:
    t0 = time.perf_counter()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for name in names:
        con.execute(f"PRAGMA table_info({name})").fetchall()
        con.execute(f"SELECT COUNT(*) FROM {name}").fetchone()
        con.execute(f"SELECT * FROM {name}").fetchall()
    con.close()
    return time.perf_counter() - t0


CPU: dict[str, float] = {}


PACKAGES = ("scanner", "recognizers", "connectors", "catalog", "reports")


def compile_project() -> None:
    """Compile the project's modules to bytecode, as installing the package would."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *PACKAGES], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def chujing(*args: str) -> float:
    """Wall-clock seconds of one ``chujing scan`` (its CPU seconds go to :data:`CPU`)."""
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scanner.cli", "scan", *args, "--quiet", "--format", "json"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t0
    after = os.times()
    CPU[" ".join(args)] = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall


def build_pg(url: str, tables: int, n: int) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS bench_many CASCADE; CREATE SCHEMA bench_many")
        for t in range(tables):
            conn.exec_driver_sql(
                f"CREATE TABLE bench_many.ods_t{t:05d} (id int PRIMARY KEY, name text, mobile text, sfzh text, "
                "city text, note text)"
            )
            conn.exec_driver_sql(
                f"INSERT INTO bench_many.ods_t{t:05d} VALUES (%s, %s, %s, %s, %s, %s)", rows(t, n)
            )
    engine.dispose()


def plain_pg(url: str) -> float:
    import sqlalchemy as sa

    t0 = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = (
            conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'bench_many'"
            )
            .scalars()
            .all()
        )
        for name in names:
            conn.exec_driver_sql(
                f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{name}'"
            ).all()
            conn.exec_driver_sql(f"SELECT COUNT(*) FROM bench_many.{name}").one()
            conn.exec_driver_sql(f"SELECT * FROM bench_many.{name}").all()
    engine.dispose()
    return time.perf_counter() - t0


def report(label: str, tables: int, floor: float, runs: dict[str, tuple[float, float]]) -> None:
    """``runs``: name → (wall seconds, CPU seconds)."""
    print(f"\n{label}: {tables:,} tables")
    print(f"{'run':<44}{'seconds':>9}{'ms/table':>10}{'× floor':>9}{'CPU s':>9}")
    print(f"{'plain read (floor)':<44}{floor:>9.2f}{floor / tables * 1000:>10.1f}{1:>9.1f}")
    for name, (s, cpu) in runs.items():
        print(f"{name:<44}{s:>9.2f}{s / tables * 1000:>10.1f}{s / floor:>9.1f}{cpu:>9.1f}")


def marginal(
    tables: int,
    part: int,
    floor: float,
    runs: dict[str, tuple[float, float]],
    part_runs: dict[str, tuple[float, float]],
) -> None:
    """What each further table costs: the difference between the scans of ``tables`` and of their first
    ``part``, per table, against the floor's difference.  The whole-scan ratios above also hold what a scan
    pays once whatever its size (start-up: imports, the registry, the recognizers' tables; the catalogue and
    the report), about three seconds here; this is the per-table overhead alone."""
    extra = tables - part
    print(f"\nper further table ({part:,} → {tables:,} tables: the difference, per table)")
    print(f"{'run':<44}{'ms/table':>10}{'× floor':>9}")
    print(f"{'plain read (floor)':<44}{floor / extra * 1000:>10.2f}{1:>9.1f}")
    for name, (part_s, _) in part_runs.items():
        s = runs[name][0] - part_s
        print(f"{name:<44}{s / extra * 1000:>10.2f}{s / floor:>9.1f}")


def timed(*args: str) -> tuple[float, float]:
    wall = chujing(*args)
    return wall, CPU[" ".join(args)]


def best(runs: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Each run's best repetition (its wall clock, with that repetition's CPU seconds)."""
    return {name: min(r[name] for r in runs) for name in runs[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=4, help="the --jobs of the threaded runs (default 4)")
    ap.add_argument("--pg-tables", type=int, default=0, help="also PostgreSQL ($CHUJING_TEST_PG_URL)")
    ap.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="times each run is repeated, the best kept, as for the floor (3)",
    )
    args = ap.parse_args()
    repeat = max(1, args.repeat)
    jobs = str(args.jobs)
    with tempfile.TemporaryDirectory(prefix="chujing-many-") as tmp:
        compile_project()
        db, part = Path(tmp) / "wh.db", Path(tmp) / "wh-quarter.db"
        build_sqlite(db, args.tables, args.rows)
        build_sqlite(part, args.tables // 4, args.rows)  # the same first quarter of the tables
        src, part_src = f"sqlite:///{db}", f"sqlite:///{part}"
        floors, part_floors = [], []
        reps, part_reps = [], []
        for k in range(repeat):
            floors += [plain_sqlite(db) for _ in range(3)]  # the floor read between the scans, as they run
            part_floors += [plain_sqlite(part) for _ in range(3)]
            store = str(Path(tmp) / f"store{k}.db")  # a new store each time: its first run stores every table
            reps.append(
                {
                    "chujing scan": timed(src),
                    f"chujing scan --jobs {jobs}": timed(src, "--jobs", jobs),
                    "chujing scan --store --incremental (1st)": timed(src, "--store", store, "--incremental"),
                    "… again, nothing changed": timed(src, "--store", store, "--incremental"),
                }
            )
            part_reps.append(
                {
                    "chujing scan": timed(part_src),
                    f"chujing scan --jobs {jobs}": timed(part_src, "--jobs", jobs),
                }
            )
        runs = best(reps)
        report("SQLite", args.tables, min(floors), runs)
        first = runs["chujing scan --store --incremental (1st)"][0]
        print(
            f"unchanged incremental rerun: {runs['… again, nothing changed'][0] / first:.3f} × the first store run"
        )
        marginal(args.tables, args.tables // 4, min(floors) - min(part_floors), runs, best(part_reps))
        url = os.environ.get("CHUJING_TEST_PG_URL")
        if args.pg_tables and url:
            build_pg(url, args.pg_tables, args.rows)
            floors, reps = [], []
            for _ in range(repeat):
                floors += [plain_pg(url) for _ in range(3)]
                reps.append(
                    {
                        "chujing scan": timed(url, "--schema", "bench_many"),
                        f"chujing scan --jobs {jobs}": timed(url, "--schema", "bench_many", "--jobs", jobs),
                    }
                )
            report("PostgreSQL", args.pg_tables, min(floors), best(reps))


if __name__ == "__main__":
    main()
