"""Regenerate ``recognizers/data/iso3166.tsv`` (ISO 3166-1 country codes) from Debian's ``iso-codes``.

The foreigner permanent residence ID carries the holder's nationality: the
alpha-3 code in the old 15-character number, the numeric code in the new
18-digit one.  Debian's ``iso-codes`` package (LGPL-2.1+) installs the ISO
3166-1 table as ``/usr/share/iso-codes/json/iso_3166-1.json``; withdrawn codes
(ISO 3166-3) are added because permits outlive the countries that issued
their holders' passports.

Usage::

    apt-get install iso-codes
    python recognizers/data/update/iso3166.py [/usr/share/iso-codes/json]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "iso3166.tsv"


def main(argv: list[str]) -> None:
    src = Path(argv[1] if len(argv) > 1 else "/usr/share/iso-codes/json")
    rows = {}
    for entry in json.loads((src / "iso_3166-1.json").read_text(encoding="utf-8"))["3166-1"]:
        rows[entry["alpha_3"]] = (entry["numeric"], entry["alpha_3"], entry["name"], "current")
    for entry in json.loads((src / "iso_3166-3.json").read_text(encoding="utf-8"))["3166-3"]:
        if "numeric" in entry and "alpha_3" in entry and entry["alpha_3"] not in rows:
            rows[entry["alpha_3"]] = (entry["numeric"], entry["alpha_3"], entry["name"], "withdrawn")
    lines = [
        "# ISO 3166-1 country codes: numeric<TAB>alpha-3<TAB>name<TAB>status (current | withdrawn, from ISO 3166-3).",
        "# Source: Debian iso-codes (https://salsa.debian.org/iso-codes-team/iso-codes, LGPL-2.1+), iso_3166-1/-3.json.",
        "# Regenerate: python recognizers/data/update/iso3166.py /usr/share/iso-codes/json",
    ]
    lines += ["\t".join(r) for r in sorted(rows.values())]
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, OUT)
    print(f"{OUT}: {len(rows)} countries")


if __name__ == "__main__":
    main(sys.argv)
