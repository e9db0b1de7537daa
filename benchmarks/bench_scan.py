"""Scan throughput and peak memory on a 1,000,000-row × 20-column table, as Parquet and in SQLite.

Run::

    python benchmarks/bench_scan.py                 # 1,000,000 rows (data cached in benchmarks/data/)
    python benchmarks/bench_scan.py --rows 200000   # quicker

Every measurement runs in a fresh subprocess so that its peak RSS is its own.
Figures are reported as ratios against baselines measured in the same run
(this machine is noisy; absolute seconds mean little):

* **memory**: the scan's peak RSS against (a) the bare interpreter with chujing
  imported and (b) reading the whole table into Arrow — sampling must stay near
  (a) and far below (b);
* **throughput**: cells recognized per second (sampled rows × columns / seconds
  spent in the scan), at the default sample size and at a large one.
"""

from __future__ import annotations

import argparse
import sqlite3
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from prebuilt import child_figures

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
N_COLUMNS = 20
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.array(list("10X98765432"))


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    return rng.integers(0, 10, size=(n, width))


def _join(cols: np.ndarray) -> np.ndarray:
    return np.array(["".join(map(str, r)) for r in cols]) if cols.size else np.array([])


def build_table(rows: int, seed: int = 42) -> pa.Table:
    """A deterministic warehouse-like table: 20 columns, about half of them personal information."""
    rng = np.random.default_rng(seed)
    divisions = np.array(["320505", "320506", "320507", "110105", "310115", "440305", "330106", "510107"])
    years = rng.integers(1950, 2015, rows)
    months = rng.integers(1, 13, rows)
    days = rng.integers(1, 29, rows)
    seq = rng.integers(0, 1000, rows)
    first17 = np.char.add(
        np.char.add(divisions[rng.integers(0, len(divisions), rows)], years.astype(str)),
        np.char.add(
            np.char.add(np.char.zfill(months.astype(str), 2), np.char.zfill(days.astype(str), 2)),
            np.char.zfill(seq.astype(str), 3),
        ),
    )
    digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(rows, 17) - ord("0")
    check = _CHECK[(digits * _WEIGHTS).sum(axis=1) % 11]
    ids = np.char.add(first17, check)
    mobiles = np.char.add(
        np.array(["139", "138", "186", "150", "177"])[rng.integers(0, 5, rows)],
        np.char.zfill(rng.integers(0, 10**8, rows).astype(str), 8),
    )
    surnames = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"))
    given = np.array(
        ["伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
    )
    names = np.char.add(
        surnames[rng.integers(0, len(surnames), rows)], given[rng.integers(0, len(given), rows)]
    )
    idx = np.arange(rows)
    table = pa.table(
        {
            "id": idx,
            "sfzh": ids,
            "sjhm": mobiles,
            "email": np.char.add(np.char.add("user", idx.astype(str)), "@example.com.cn"),
            "xm": names,
            "order_no": np.char.add("20260315", np.char.zfill((idx % 10**10).astype(str), 10)),
            "amount": np.round(rng.random(rows) * 1000, 2),
            "created_ms": 1_760_000_000_000 + idx * 1000,
            "sku": np.char.add("SKU-", np.char.zfill((idx % 99999).astype(str), 5)),
            "status": np.array(["paid", "shipped", "refunded", "open"])[rng.integers(0, 4, rows)],
            "lat": np.round(31.2 + rng.random(rows) * 0.25, 6),
            "lng": np.round(120.5 + rng.random(rows) * 0.3, 6),
            "gender": np.array(["男", "女"])[rng.integers(0, 2, rows)],
            "age": rng.integers(1, 95, rows),
            "dept": np.array(["内分泌科", "心内科", "肿瘤科", "儿科"])[rng.integers(0, 4, rows)],
            "hash": np.array([f"{x:032x}" for x in rng.integers(0, 2**62, rows, dtype=np.int64)]),
            "qty": rng.integers(0, 500, rows),
            "warehouse": np.array(["SZ-01", "SZ-02", "NJ-01"])[rng.integers(0, 3, rows)],
            "note": np.array(["正常", "加急", "客户要求周末配送", ""])[rng.integers(0, 4, rows)],
            "version": np.array(["1.2.3", "2.0.1", "3.4.5"])[rng.integers(0, 3, rows)],
        }
    )
    assert table.num_columns == N_COLUMNS
    return table


def prepare(rows: int, data_dir: Path) -> tuple[Path, Path]:
    data_dir.mkdir(parents=True, exist_ok=True)
    parquet = data_dir / f"wide_{rows}.parquet"
    sqlite = data_dir / f"wide_{rows}.db"
    if parquet.exists() and sqlite.exists():
        return parquet, sqlite
    table = build_table(rows)
    tmp = parquet.with_suffix(".tmp")
    pq.write_table(table, tmp, row_group_size=65_536)
    tmp.replace(parquet)
    tmp_db = sqlite.with_suffix(".tmp")
    tmp_db.unlink(missing_ok=True)
    con = sqlite3.connect(tmp_db)
    cols = ", ".join(f'"{c}"' for c in table.column_names)
    con.execute(f"CREATE TABLE wide ({cols}, PRIMARY KEY (id))")
    marks = ", ".join("?" * N_COLUMNS)
    for batch in table.to_batches(max_chunksize=50_000):
        con.executemany(
            f"INSERT INTO wide VALUES ({marks})", zip(*(c.to_pylist() for c in batch.columns), strict=True)
        )
    con.commit()
    con.close()
    tmp_db.replace(sqlite)
    return parquet, sqlite


CHILD = textwrap.dedent(
    """
    import json, sys, time
    mode, source, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    t0 = time.perf_counter()
    cells = 0
    if mode == "scan":
        from scanner.scan import ScanOptions, scan
        import scanner.scan, recognizers, connectors  # imported before timing the scan itself
        t0 = time.perf_counter()
        report = scan([source], ScanOptions(sample_rows=n))
        t = report.tables[0]
        assert t.status == "ok", t.error
        cells = t.sampled_rows * len(t.columns)
    elif mode == "import":
        import scanner.scan, recognizers, connectors
    elif mode == "full-parquet":
        import pyarrow.parquet as pq
        cells = pq.read_table(source).num_rows * 20
    elif mode == "full-sqlite":
        import sqlite3, pyarrow as pa
        con = sqlite3.connect(source)
        cur = con.execute("SELECT * FROM wide")
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        t = pa.table({k: list(v) for k, v in zip(names, zip(*rows))})
        cells = t.num_rows * t.num_columns
    seconds = time.perf_counter() - t0
    # VmHWM is this process image's own peak; ru_maxrss would inherit the parent's peak across fork+exec.
    rss_mb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "cells": cells}))
    """
)


def measure(mode: str, source: str, n: int = 0) -> dict[str, float]:
    return child_figures(CHILD, [mode, source, str(n)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sample-rows", type=int, default=1000)
    ap.add_argument("--large-sample", type=int, default=100_000)
    ap.add_argument("--data-dir", type=Path, default=HERE / "data")
    args = ap.parse_args()
    parquet, sqlite = prepare(args.rows, args.data_dir)
    base = measure("import", "")
    print(
        f"table: {args.rows:,} rows × {N_COLUMNS} columns; baseline interpreter + chujing imports: {base['rss_mb']:.0f} MB RSS"
    )
    print(
        f"{'source':8} {'run':24} {'seconds':>8} {'cells/s':>12} {'peak RSS MB':>12} {'RSS / import':>13} {'RSS / full read':>16}"
    )
    for label, source, full_mode in (
        ("parquet", str(parquet), "full-parquet"),
        ("sqlite", f"sqlite:///{sqlite}", "full-sqlite"),
    ):
        full = measure(full_mode, str(parquet) if label == "parquet" else str(sqlite))
        for n in (args.sample_rows, args.large_sample):
            r = measure("scan", source, n)
            print(
                f"{label:8} {'scan, sample ' + format(n, ','):24} {r['seconds']:8.2f} {r['cells'] / r['seconds']:12,.0f} "
                f"{r['rss_mb']:12.0f} {r['rss_mb'] / base['rss_mb']:13.2f} {r['rss_mb'] / full['rss_mb']:16.2f}"
            )
        print(
            f"{label:8} {'full read (baseline)':24} {full['seconds']:8.2f} {full['cells'] / full['seconds']:12,.0f} "
            f"{full['rss_mb']:12.0f} {full['rss_mb'] / base['rss_mb']:13.2f} {1.0:16.2f}"
        )


if __name__ == "__main__":
    main()
