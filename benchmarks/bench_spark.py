"""``--engine spark`` (local[2]) against the local engine: a scan and an exact person count of one dataset.

Run::

    python benchmarks/bench_spark.py                  # 10,000,000 rows (cached in benchmarks/data/)
    python benchmarks/bench_spark.py --rows 1000000   # quicker

The dataset is a hive-partitioned Parquet dataset (``dt=…``, ten partitions, a
file per million rows and partition), seeded: resident ID numbers (90 %
distinct persons, the rest the same persons again as clerks write them:
lower-case ``x``, 15 digits, spaced), mobiles, names, a sparse e-mail column
(one row in 2,000) and an amount.

Each measurement is a fresh process, timed from inside (interpreter start and
imports excluded); the Spark runs report the session's start separately (the
JVM: paid once per process, not per table):

* **scan**: :func:`scanner.scan.scan` of the dataset (1,000-row sample, sparse
  columns, the catalogue) with each engine;
* **persons**: the exact, normalised count of distinct persons in the engine
  (:meth:`~connectors.base.Connector.key_signature_counts` with the resident-ID key
  ``chujing check`` uses): DuckDB over the Parquet files, or Spark.

Each step runs twice in its process: cold (the first in a fresh process; for
Spark the JVM's compiler and the Python workers are still warming up) and
warm (the same step again).  Times are printed with the ratio Spark / local
from the same run: this machine is shared and noisy, so compare ratios, not
seconds.  local[2] on one machine
is the worst case for Spark (a JVM, task scheduling, Python workers, Arrow
transfers, for the same two cores DuckDB uses directly); the ratio says what
the engine costs, not what a cluster would give.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path

from prebuilt import built_once, child_figures

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PARTITIONS = 10
CHUNK = 1_000_000

BUILD = textwrap.dedent(
    """
    import os, shutil, sys
    import numpy as np, pyarrow as pa, pyarrow.parquet as pq
    rows, path, parts, chunk = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    persons = rows * 9 // 10
    rng = np.random.default_rng(11)
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"))
    divisions = np.array(["320505", "320506", "320507", "320508", "110105", "310104", "440305", "330106"])
    surnames = np.array(list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"))
    given = np.array(["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟"])
    tmp = path + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for n, start in enumerate(range(0, rows, chunk)):
        r = np.arange(start, min(rows, start + chunk))
        p = np.where(r < persons, r, rng.integers(0, persons, r.size))
        birth = np.datetime64("1940-01-01") + (p // 1000).astype("timedelta64[D]")
        ymd = np.char.replace(np.datetime_as_string(birth, unit="D"), "-", "")
        first17 = np.char.add(np.char.add(divisions[p % 8], ymd), np.char.zfill((p % 1000).astype(str), 3))
        digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - ord("0")
        ids = np.char.add(first17, check[(digits * weights).sum(axis=1) % 11]).astype(object)
        form = rng.integers(0, 3, r.size)
        for i in np.flatnonzero(r >= persons):
            s = ids[i]
            ids[i] = (s.lower(), s[:6] + s[8:17], s[:6] + " " + s[6:14] + " " + s[14:])[form[i]]
        mobile = np.char.add("13", np.char.zfill((p * 7919 % 1_000_000_000).astype(str), 9))
        names = np.char.add(surnames[rng.integers(0, surnames.size, r.size)], given[rng.integers(0, given.size, r.size)])
        email = np.where(r % 2000 == 7, np.char.add(np.char.add("u", p.astype(str)), "@example.com"), None)
        table = pa.table({
            "visit_no": pa.array(np.char.add("V", np.char.zfill(r.astype(str), 9))),
            "id_no": pa.array(ids, pa.string()),
            "mobile": pa.array(mobile),
            "name": pa.array(names),
            "email": pa.array(email, pa.string()),
            "amount": pa.array(rng.random(r.size) * 1000),
            "dt": pa.array([f"2026-11-{1 + d:02d}" for d in r % parts]),
        })
        pq.write_to_dataset(table, tmp, partition_cols=["dt"], basename_template=f"part-{n:05d}-{{i}}.parquet")
    os.replace(tmp, path)
    print(persons)
    """
)

CHILD = textwrap.dedent(
    """
    import json, sys, time
    mode, source = sys.argv[1], sys.argv[2]
    engine = mode.split("-")[0]
    from connectors.parquet import ParquetConnector
    from connectors.spark import SparkConnector, spark_session
    from scanner.export.person_plan import KeyPart, KeyPlan, key_spec
    from scanner.scan import ScanOptions, scan
    from catalog import load_catalog
    load_catalog()
    session = None
    if engine == "spark":
        t0 = time.perf_counter()
        spark_session("local[2]", {"spark.ui.enabled": "false"})
        session = time.perf_counter() - t0

    def run():
        if mode.endswith("scan"):
            report = scan([source], ScanOptions(engine=engine, spark_master="local[2]"))
            t = report.tables[0]
            types = {c.name: sorted(e.type for e in c.entities) for c in t.columns}
            return {"rows": t.row_count, "status": t.status, "types": types}
        spec = key_spec(KeyPlan((KeyPart("resident_id", ("id_no",), ("resident_id",)),), sensitive=True))
        c = SparkConnector(source, spark_master="local[2]") if engine == "spark" else ParquetConnector(source)
        with c:
            return sum(g.persons for g in c.key_signature_counts(c.list_tables()[0], spec))

    seconds = []
    for _ in range(2):  # cold: the first in a fresh process; warm: the same again (JIT, workers, caches)
        t0 = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - t0)
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
    print(json.dumps({"seconds": seconds, "session": session, "rss_mb": hwm, "result": result}))
    """
)


def measure(mode: str, source: Path) -> dict:
    return child_figures(CHILD, [mode, str(source)])


def build(rows: int, data_dir: Path) -> tuple[Path, int]:
    path = data_dir / f"spark_visits_{rows}"
    args = [str(rows), str(path), str(PARTITIONS), str(CHUNK)]
    return path, built_once(BUILD, args, path, data_dir / f"spark_visits_{rows}.persons")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="rows of the dataset")
    ap.add_argument("--data-dir", type=Path, default=HERE / "data")
    args = ap.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    dataset, persons = build(args.rows, args.data_dir)
    print(f"{args.rows:,} rows in {PARTITIONS} partitions, {persons:,} distinct persons; Spark local[2]")
    print("seconds of each step in a fresh process (cold), then of the same step again in it (warm)")
    print(
        f"{'step':8} {'local cold':>10} {'warm':>6} {'spark cold':>10} {'warm':>6} {'spark/local cold':>16} "
        f"{'warm':>6} {'session':>8} {'agree':>6}"
    )
    for step in ("scan", "persons"):
        local, spark = measure(f"local-{step}", dataset), measure(f"spark-{step}", dataset)
        agree = local["result"] == spark["result"]
        if step == "persons":
            agree = agree and local["result"] == persons
        (lc, lw), (sc, sw) = local["seconds"], spark["seconds"]
        print(
            f"{step:8} {lc:10.2f} {lw:6.2f} {sc:10.2f} {sw:6.2f} {sc / lc:16.2f} {sw / lw:6.2f} "
            f"{spark['session']:8.2f} {'yes' if agree else 'NO':>6}"
        )
        if not agree:
            print(f"  local: {json.dumps(local['result'])}\n  spark: {json.dumps(spark['result'])}")


if __name__ == "__main__":
    main()
