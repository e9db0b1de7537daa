"""Benchmark work in a fresh interpreter, and datasets built once and kept.

A measurement runs as a small script in a fresh interpreter (so the benchmark's own process holds none of its
memory and none of its imports), which prints its figures as JSON on its last line (:func:`child_figures`).

Large inputs take minutes to write, and every rerun reads them again: a dataset is written the same way, its
script printing the number of distinct persons it wrote as its last line; that number is kept in a file beside
the dataset, and both are reused while they are there (:func:`built_once`).
"""

from __future__ import annotations

import json
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


def child_figures(script: str, args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run ``python -c script *args`` from the repository's root (in ``env``, when given); the JSON object it
    printed last.  A script that fails ends the benchmark with the end of its standard error."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        sys.exit(f"{args[0] if args else 'measurement'} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
