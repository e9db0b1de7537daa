"""Reports of many tables: the time and memory each format takes to render a large scan's report.

Run::

    python benchmarks/bench_reports.py                  # the report of a 2,000-table scan
    python benchmarks/bench_reports.py --tables 10000   # a scheduled warehouse scan's size (the scan: ~5 min)

The report comes from a real scan of :mod:`bench_many_tables`'s warehouse
(small tables of a name, a mobile number, a resident ID number, a city and a
note), written once as JSON under ``benchmarks/data/`` and reused.  Each format
is then rendered from that JSON by ``reports.renderers.write_report`` in a
fresh interpreter, which reports its CPU seconds and how far its peak resident
memory rose above what the loaded report itself holds.  JSON is the baseline of
each ratio: it is written a table at a time, so its rise is what streaming
costs; a format built whole rises with the number of tables.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_many_tables import build_sqlite  # noqa: E402 - the same warehouse as the per-table benchmark
from prebuilt import child_figures  # noqa: E402

FORMATS = ("json", "csv", "html", "xlsx")

#: Renders one format in a fresh interpreter: prints CPU seconds, and peak RSS after loading and after writing.
RENDER = """
import json, resource, sys, time
from reports.renderers import write_report
doc = json.load(open(sys.argv[1], encoding="utf-8"))
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.process_time()
write_report(doc, sys.argv[2], sys.argv[3])
cpu = time.process_time() - t0
print(json.dumps({"cpu": cpu, "loaded_kb": loaded, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def report_of(tables: int, rows: int) -> Path:
    """The JSON report of a scan of ``tables`` small tables (scanned once, then kept)."""
    path = HERE / "data" / f"report_{tables}x{rows}.json"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chujing-reports-") as tmp:
        db = Path(tmp) / "wh.db"
        build_sqlite(db, tables, rows)
        partial = path.with_suffix(".partial")
        subprocess.run(
            [sys.executable, "-m", "scanner.cli", "scan", f"sqlite:///{db}", "--quiet", "--format", "json"]
            + ["-o", str(partial)],
            cwd=ROOT,
            check=True,
        )
        partial.replace(path)
    return path


def render(report: Path, fmt: str, out: Path) -> dict[str, float]:
    return child_figures(RENDER, [str(report), fmt, str(out)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=300)
    args = ap.parse_args()
    report = report_of(args.tables, args.rows)
    size = report.stat().st_size
    print(f"report of {args.tables:,} tables: {size / 2**20:.1f} MB of JSON")
    print(f"{'format':8} {'CPU s':>8} {'× JSON':>8} {'MB above the report':>20} {'file MB':>9}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="chujing-reports-") as tmp:
        for fmt in FORMATS:
            out = Path(tmp) / f"report.{fmt}"
            r = render(report, fmt, out)
            results[fmt] = (r["cpu"], (r["peak_kb"] - r["loaded_kb"]) / 1024, out.stat().st_size / 2**20)
    base = results["json"][0]
    for fmt, (cpu, rise, mb) in results.items():
        print(f"{fmt:8} {cpu:8.2f} {cpu / base:8.1f} {rise:20.0f} {mb:9.1f}")


if __name__ == "__main__":
    main()
