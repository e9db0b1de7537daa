"""Person counting at scale, and the cost of ``chujing check`` over a plain scan.

Run::

    python benchmarks/bench_persons.py                  # 10,000,000 identifiers (cached in benchmarks/data/)
    python benchmarks/bench_persons.py --rows 2000000   # quicker
    python benchmarks/bench_persons.py --skip-ledger    # without the 10M-person hashing pass

Part 1 — exact distinct persons in Parquet with bounded memory.  A Parquet
file of ``--rows`` resident ID numbers (90 % distinct persons, the other 10 %
the same persons again as clerks write them: lower-case ``x``, 15 digits,
spaced) is counted by :func:`scanner.export.persons.count_persons` (normalised keys,
``GROUP BY`` in DuckDB under its memory limit, spilling to disk).  Baselines
measured in the same run: the interpreter with chujing's modules imported, the
raw (un-normalised) ``distinct_count`` of the column, and reading the whole
column into Arrow.  With ``--ledger`` (default on) the keys are also streamed
out, HMAC-hashed and counted in a SQLite ledger's temporary table (what
``chujing ledger record`` does).

Part 2 — ``chujing check`` on a 100,000-row export against ``chujing scan`` of
the same data, with an empty ledger and with a ledger holding an earlier export
(then every key is hashed and the overlap counted by the ledger database).

Every measurement runs in a fresh subprocess; peak memory is the child's
``VmHWM`` (its own high-water mark) beside ``resource.getrusage(RUSAGE_SELF)``
(Linux keeps ``ru_maxrss`` across ``execve``, so it can carry the parent's
peak: the parent therefore builds no data itself).  Times are reported as
ratios against baselines of the same run: this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from prebuilt import built_once, child_figures

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LEDGER_KEY = "bench-ledger-key-0123456789abcdef"

BUILD = textwrap.dedent(
    """
    import sys, numpy as np, pyarrow as pa, pyarrow.parquet as pq
    rows, path = int(sys.argv[1]), sys.argv[2]
    persons = rows * 9 // 10
    rng = np.random.default_rng(7)
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"))
    divisions = np.array(["320505", "320506", "320507", "320508", "110105", "310104", "440305", "330106"])
    writer = None
    chunk = 1_000_000
    for start in range(0, rows, chunk):
        r = np.arange(start, min(rows, start + chunk))
        p = np.where(r < persons, r, rng.integers(0, persons, r.size))
        birth = (np.datetime64("1940-01-01") + (p // 1000).astype("timedelta64[D]"))
        ymd = np.char.replace(np.datetime_as_string(birth, unit="D"), "-", "")
        first17 = np.char.add(np.char.add(divisions[p % 8], ymd), np.char.zfill((p % 1000).astype(str), 3))
        digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - ord("0")
        ids = np.char.add(first17, check[(digits * weights).sum(axis=1) % 11])
        dup = r >= persons
        form = rng.integers(0, 3, r.size)
        out = ids.astype(object)
        for i in np.flatnonzero(dup):
            s = ids[i]
            out[i] = (s.lower(), s[:6] + s[8:17], s[:6] + " " + s[6:14] + " " + s[14:])[form[i]]
        table = pa.table({"id_no": pa.array(out, pa.string()), "row": pa.array(r)})
        if writer is None:
            writer = pq.ParquetWriter(path + ".tmp", table.schema)
        writer.write_table(table, row_group_size=chunk)
    writer.close()
    import os
    os.replace(path + ".tmp", path)
    print(persons)
    """
)

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    mode, source, extra = sys.argv[1], sys.argv[2], sys.argv[3]
    result = None
    if mode == "import":
        import scanner.export.persons, scanner.export.ledger, connectors.parquet
        t0 = time.perf_counter()
    elif mode in ("persons", "persons+ledger", "raw-distinct"):
        import datetime as dt
        from connectors.parquet import ParquetConnector
        from scanner.export.persons import count_persons
        from scanner.export.ledger import Ledger, load_key
        from tests.catalog.builders import as_table
        report_table = as_table({"table": "ids", "status": "ok", "row_count": None, "columns": [
            {"name": "id_no", "entities": [{"type": "CN_RESIDENT_ID", "match_ratio": 1.0, "score": 0.99}],
             "pi_class": "sensitive"}]})
        t0 = time.perf_counter()
        with ParquetConnector(source) as c:
            info = c.list_tables()[0]
            if mode == "raw-distinct":
                result = c.distinct_count(info, ["id_no"])
            else:
                tally = count_persons(c, info, report_table)
                result = tally.persons
                if mode == "persons+ledger":
                    from scanner.export.persons import iter_person_keys
                    with Ledger.open(extra, load_key(), create=True) as ledger, ledger.session() as s:
                        for batch in iter_person_keys(c, info, tally):
                            s.add_keys(batch)
                        result = [result, s.tally(dt.date(2025, 6, 1)).this_any]
    elif mode == "full-read":
        import pyarrow.compute as pc, pyarrow.parquet as pq
        t0 = time.perf_counter()
        result = pc.count_distinct(pq.read_table(source, columns=["id_no"]).column("id_no")).as_py()
    elif mode in ("scan", "check"):
        import datetime as dt, os
        from scanner.scan import ScanOptions, scan
        from scanner.export.check import assess
        from scanner.export.request import CheckOptions
        from scanner.export.ledger import Ledger, load_key
        import recognizers, catalog
        from catalog import load_catalog
        load_catalog()
        t0 = time.perf_counter()
        if mode == "scan":
            report = scan([source], ScanOptions(lists=["jiangsu-2025-biopharma"]))
            result = report.tables[0].row_count
        else:
            opts = CheckOptions(ScanOptions(lists=["jiangsu-2025-biopharma"], scenario="clinical-trial",
                                            subject="trial-subject"), as_of=dt.date(2025, 6, 1))
            with Ledger.open(extra, load_key(), create=False) as ledger:
                a = assess([source], opts, ledger)
            result = {"persons": a.year.this_any, "already_exported": a.year.overlap_any,
                      "route": a.evaluation.route}
    seconds = time.perf_counter() - t0
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": hwm, "maxrss_mb": maxrss, "result": result}))
    """
)


def measure(mode: str, source: str = "", extra: str = "") -> dict:
    env = {**os.environ, "CHUJING_LEDGER_KEY": LEDGER_KEY}
    return child_figures(CHILD, [mode, str(source), str(extra)], env)


def build_ids(rows: int, data_dir: Path) -> tuple[Path, int]:
    path = data_dir / f"persons_{rows}.parquet"
    return path, built_once(BUILD, [str(rows), str(path)], path, path.with_suffix(".persons"))


def build_export(rows: int, data_dir: Path) -> Path:
    """A trial-subject export (SQLite) of ``rows`` rows and as many persons."""
    path = data_dir / f"trial_{rows}.db"
    if not path.exists():
        code = textwrap.dedent(f"""
            import sqlite3, sys
            sys.path.insert(0, ".")
            from tests.export.conftest import TRIAL_COLUMNS, trial_rows
            con = sqlite3.connect("{path}.tmp")
            con.execute("CREATE TABLE trial_subjects (" + ", ".join(c + " TEXT" for c in TRIAL_COLUMNS) + ")")
            con.executemany("INSERT INTO trial_subjects VALUES (?, ?, ?, ?, ?)", trial_rows(range({rows})))
            con.commit(); con.close()
            import os; os.replace("{path}.tmp", "{path}")
        """)
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return path


def record_prior(export: Path, ledger: Path) -> None:
    """Record the export once (dated 2025-03-01) so that the next check must count the overlap."""
    code = textwrap.dedent(f"""
        import datetime as dt
        from scanner.export.check import assess
        from scanner.export.request import CheckOptions
        from scanner.scan import ScanOptions
        from scanner.export.ledger import ExportRecord, Ledger
        opts = CheckOptions(ScanOptions(lists=["jiangsu-2025-biopharma"], scenario="clinical-trial",
                                        subject="trial-subject"))
        with Ledger.open("{ledger}", {LEDGER_KEY.encode()!r}, create=True) as led:
            assess(["sqlite:///{export}"], opts, led, record=ExportRecord(dt.date(2025, 3, 1)))
    """)
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="identifiers in the Parquet file")
    ap.add_argument("--export-rows", type=int, default=100_000, help="rows of the export checked in part 2")
    ap.add_argument("--skip-ledger", action="store_true", help="skip hashing every identifier into a ledger")
    ap.add_argument("--data-dir", type=Path, default=HERE / "data")
    args = ap.parse_args()

    ids, persons = build_ids(args.rows, args.data_dir)
    base = measure("import")
    print(
        f"Part 1: {args.rows:,} resident ID numbers in Parquet, {persons:,} distinct persons "
        f"({args.rows - persons:,} rows repeat them in other written forms)"
    )
    print(f"baseline: interpreter + chujing imports, peak RSS {base['rss_mb']:.0f} MB")
    print(f"{'run':42} {'seconds':>8} {'×raw':>6} {'peak RSS MB':>12} {'ru_maxrss MB':>13} {'result':>22}")
    raw = measure("raw-distinct", ids)
    runs = [
        ("raw distinct_count (no normalisation)", raw),
        ("count_persons (normalised, exact)", measure("persons", ids)),
    ]
    if not args.skip_ledger:
        ledger = args.data_dir / "bench_ledger.db"
        for p in (ledger, Path(f"{ledger}-wal"), Path(f"{ledger}-shm")):
            p.unlink(missing_ok=True)
        runs.append(("count + HMAC every key into a ledger", measure("persons+ledger", ids, ledger)))
    runs.append(("full read into Arrow + count_distinct", measure("full-read", ids)))
    for label, r in runs:
        print(
            f"{label:42} {r['seconds']:8.2f} {r['seconds'] / raw['seconds']:6.2f} {r['rss_mb']:12.0f} "
            f"{r['maxrss_mb']:13.0f} {json.dumps(r['result']):>22}"
        )
    counted = runs[1][1]["result"]
    print(
        f"persons counted: {counted:,} (expected {persons:,}: {'exact' if counted == persons else 'WRONG'}); "
        f"peak RSS {runs[1][1]['rss_mb']:.0f} MB = "
        f"{runs[1][1]['rss_mb'] - base['rss_mb']:.0f} MB above the baseline"
    )

    export = build_export(args.export_rows, args.data_dir)
    ledger = args.data_dir / "bench_check_ledger.db"
    for p in (ledger, Path(f"{ledger}-wal"), Path(f"{ledger}-shm")):
        p.unlink(missing_ok=True)
    print(f"\nPart 2: a {args.export_rows:,}-row trial-subject export in SQLite")
    print(f"{'run':46} {'seconds':>8} {'×scan':>6} {'peak RSS MB':>12}  result")
    scan = measure("scan", f"sqlite:///{export}")
    empty = measure("check", f"sqlite:///{export}", ledger)
    record_prior(export, ledger)
    merged = measure("check", f"sqlite:///{export}", ledger)
    for label, r in (
        ("chujing scan (baseline)", scan),
        ("chujing check, empty ledger", empty),
        ("chujing check, ledger holding the same export", merged),
    ):
        print(
            f"{label:46} {r['seconds']:8.2f} {r['seconds'] / scan['seconds']:6.2f} {r['rss_mb']:12.0f}  "
            f"{json.dumps(r['result'])}"
        )


if __name__ == "__main__":
    main()
