"""Regenerate ``recognizers/data/cn_mobile_ranges.txt`` from the ``phonenumbers`` metadata.

Google's libphonenumber (Python port ``phonenumbers``, Apache-2.0) describes
the allocated mainland mobile ranges as one regular expression over the
national number (``PhoneMetadata`` for region ``CN``, ``mobile``).  chujing
validates mobile numbers against that expression; it is copied into the data
file here rather than read from the installed package at run time, so that a
``phonenumbers`` upgrade cannot change scan results unnoticed:
``tests/recognizers/test_telecom.py`` fails until this script is run again.

Usage::

    python recognizers/data/update/mobile_ranges.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneMetadata

OUT = Path(__file__).resolve().parents[1] / "cn_mobile_ranges.txt"


def mobile_pattern() -> str:
    """The national-number pattern of CN mobile numbers in the installed ``phonenumbers``."""
    metadata = PhoneMetadata.metadata_for_region("CN")
    if metadata is None or metadata.mobile is None or metadata.mobile.national_number_pattern is None:
        raise SystemExit("phonenumbers has no mobile metadata for region CN")
    return metadata.mobile.national_number_pattern


def main() -> None:
    lines = [
        "# Allocated mainland China mobile ranges: one regular expression over the 11-digit national number.",
        f"# Source: phonenumbers {phonenumbers.__version__} metadata, region CN, mobile (libphonenumber, Apache-2.0).",
        "# Regenerate: python recognizers/data/update/mobile_ranges.py",
        mobile_pattern(),
    ]
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, OUT)
    print(f"{OUT}: {lines[-1]}")


if __name__ == "__main__":
    main()
