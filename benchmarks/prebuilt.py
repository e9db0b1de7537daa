"""Benchmark datasets built once and kept: large inputs take minutes to write, and every rerun reads them again.

A dataset is written by a small script in a fresh interpreter (so the benchmark's own process holds none of
its memory), which prints the number of distinct persons it wrote as its last line; that number is kept in a
file beside the dataset, and both are reused while they are there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def built_once(script: str, args: list[str], path: Path, persons_file: Path) -> int:
    """Run ``python -c script *args`` unless ``path`` and ``persons_file`` exist; the persons it printed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not (path.exists() and persons_file.exists()):
        out = subprocess.run(
            [sys.executable, "-c", script, *args], cwd=ROOT, check=True, capture_output=True, text=True
        )
        persons_file.write_text(out.stdout.strip().splitlines()[-1])
    return int(persons_file.read_text())
