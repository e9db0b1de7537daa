"""Regenerate ``recognizers/data/cn_area_codes.tsv`` from the ``phonenumbers`` geocoding data.

Google's libphonenumber (Python port ``phonenumbers``, Apache-2.0) maps number
prefixes to places.  Prefixes ``86`` + ``10``/``2x`` and ``86`` + three digits
(``0`` not written) are the trunk area codes of mainland fixed lines; longer
prefixes are special services and mobile blocks and are left out.

Usage::

    python recognizers/data/update/area_codes.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "cn_area_codes.tsv"


def main() -> None:
    import phonenumbers
    from phonenumbers.geodata import GEOCODE_DATA

    rows = []
    for key, names in GEOCODE_DATA.items():
        if not key.startswith("86"):
            continue
        code = key[2:]
        two = len(code) == 2 and (code == "10" or code.startswith("2"))
        three = len(code) == 3 and code[0] in "3456789"
        if two or three:
            rows.append((f"0{code}", names.get("zh", ""), names.get("en", "")))
    lines = [
        "# Mainland China fixed-line area codes: code (with trunk 0)<TAB>place (zh)<TAB>place (en).",
        f"# Source: phonenumbers {phonenumbers.__version__} geocoding data (libphonenumber, Apache-2.0).",
        "# Regenerate: python recognizers/data/update/area_codes.py",
    ]
    lines += ["\t".join(r) for r in sorted(rows)]
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, OUT)
    print(f"{OUT}: {len(rows)} area codes")


if __name__ == "__main__":
    main()
