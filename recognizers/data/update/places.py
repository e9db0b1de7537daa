"""Regenerate ``recognizers/data/cn_places.tsv``, the gazetteer of Chinese administrative divisions.

Source: the historic GB/T 2260 code table shipped with python-stdnum
(``stdnum/cn/loc.dat``, LGPL-2.1-or-later package; the table is compiled from
the Wikipedia lists 中华人民共和国行政区划代码, and place names are facts of the
national standard).  Every name a code ever had is kept, since old addresses
keep old names (崇文区, 宣武区).  Placeholder rows (市辖区, 县, 省直辖县级行政区划)
are left out.  Hong Kong, Macao and Taiwan, absent from the table, are added
with their GB/T 2260 province codes.

Usage::

    python recognizers/data/update/places.py
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "cn_places.tsv"
_NAME_RE = re.compile(r"(?:\[([^\]]*)\])?([^,\[]+)")
_PLACEHOLDERS = re.compile(
    r"^(?:市辖区|县|郊区|矿区|省直辖县级行政区划|自治区直辖县级行政区划|省直辖行政单位|直辖县级行政区划)$"
)
EXTRA = [
    ("710000", "province", "台湾省", ""),
    ("810000", "province", "香港特别行政区", ""),
    ("820000", "province", "澳门特别行政区", ""),
]


def rows() -> list[tuple[str, str, str, str]]:
    import stdnum

    path = Path(stdnum.__file__).resolve().parent / "cn" / "loc.dat"
    out: list[tuple[str, str, str, str]] = []
    province = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or '="' not in line:
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        code = province + line.split()[0]
        level = "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"
        for years, name in _NAME_RE.findall(line.split('="', 1)[1].rstrip().rstrip('"')):
            name = name.strip()
            if name and not _PLACEHOLDERS.match(name):
                out.append((code, level, name, years))
    return out + EXTRA


def main() -> None:
    import stdnum

    found = rows()
    lines = [
        "# Chinese administrative divisions (GB/T 2260, all names ever used): code<TAB>level<TAB>name<TAB>years in use.",
        f"# Source: python-stdnum {stdnum.__version__} stdnum/cn/loc.dat (compiled from zh.wikipedia.org lists of",
        "# GB/T 2260 codes); Hong Kong, Macao and Taiwan added by hand.",
        "# Regenerate: python recognizers/data/update/places.py",
    ] + ["\t".join(r) for r in found]
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, OUT)
    print(f"{OUT}: {len(found)} names")


if __name__ == "__main__":
    main()
