"""Instructions the recognizers execute per small table and per sentence: a figure the machine's noise cannot move.

Run::

    python benchmarks/bench_instructions.py                          # this tree
    git worktree add /tmp/base <rev>
    python benchmarks/bench_instructions.py --against /tmp/base      # this tree and another checkout, side by side

On a shared machine the time of the same run varies by a fifth or more from one minute to the next, so small
speed-ups drown in the noise of a timed benchmark.  valgrind's cachegrind counts the instructions a process
executes, which do not depend on the machine's load.  Each figure is the difference between two runs of the same
child process: one that imports chujing and warms the recognizers up (dictionaries, lexicons, compiled
patterns) and then analyses ``n`` items, and one that stops after the warm-up; so start-up is left out.

* **per small table** — ``recognizers.analyze_table`` on the tables of ``bench_many_tables.py`` (an id, a
  name, a mobile number, a resident ID number, a city and a note; 300 rows each), after one warm-up table;
* **per sentence** — ``analyze_table`` on a column of ``bench_recognizers.text_table``'s sentences, after a
  warm-up of 300 of them.

Needs valgrind (Debian ``valgrind``); each run takes a minute or two (the child runs some 50 times slower).
Instructions are not time: a figure that falls 10% is a real saving of work, not a promise of 10% less time.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_many_tables import build_sqlite  # noqa: E402 - the same tables as the many-tables benchmark

CHILD = textwrap.dedent(
    """
    import sqlite3, sys
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/benchmarks"]
    import pyarrow as pa
    from recognizers import analyze_table
    kind, db, load, n = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    if kind == "tables":  # the same tables are read either way: only the analysis differs
        con = sqlite3.connect(db)
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = []
        for name in names[: load + 1]:
            cur = con.execute(f"SELECT * FROM {name}")
            cols, rows = [d[0] for d in cur.description], cur.fetchall()
            tables.append(pa.table({c: pa.array([r[i] for r in rows]) for i, c in enumerate(cols)}))
        analyze_table(tables[0])
        for table in tables[1 : n + 1]:
            analyze_table(table)
    else:
        import bench_recognizers
        text = bench_recognizers.text_table(300 + load)
        analyze_table(text.slice(0, 300))
        if n:
            analyze_table(text.slice(300, n))
    """
)


def instructions(tree: Path, child: Path, kind: str, db: Path, load: int, n: int) -> int:
    """Instructions executed by the child process (cachegrind's ``I refs``): ``load`` items read, ``n`` of them
    analysed."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            str(child),
            str(tree),
            kind,
            str(db),
            str(load),
            str(n),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"error: the child failed in {tree}: {done.stderr.strip()[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_item(tree: Path, child: Path, kind: str, db: Path, n: int) -> float:
    """Instructions per table (or sentence): ``n`` items analysed minus none, over ``n`` (the same read)."""
    return (instructions(tree, child, kind, db, n, n) - instructions(tree, child, kind, db, n, 0)) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", type=int, default=40, help="small tables analysed (default 40)")
    ap.add_argument("--sentences", type=int, default=4000, help="sentences analysed (default 4,000)")
    ap.add_argument("--against", type=Path, help="another checkout (a git worktree) to measure the same way")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("error: valgrind is not installed: apt-get install valgrind")
    trees = [ROOT] + ([args.against.resolve()] if args.against else [])
    with tempfile.TemporaryDirectory(prefix="chujing-instructions-") as tmp:
        db, child = Path(tmp) / "wh.db", Path(tmp) / "child.py"
        build_sqlite(db, args.tables + 1, 300)
        child.write_text(CHILD, encoding="utf-8")
        rows = []
        for tree in trees:
            table = per_item(tree, child, "tables", db, args.tables)
            sentence = per_item(tree, child, "text", db, args.sentences)
            rows.append((str(tree), table, sentence))
    print(f"{'tree':<40}{'M instr./table':>16}{'k instr./sentence':>19}")
    for name, table, sentence in rows:
        print(f"{name:<40}{table / 1e6:>16.1f}{sentence / 1e3:>19.1f}")
    if len(rows) == 2:
        (_, t0, s0), (_, t1, s1) = rows
        print(f"this tree / the other: {t0 / t1:.3f} per table, {s0 / s1:.3f} per sentence")


if __name__ == "__main__":
    main()
