"""GB/T 2260 administrative division codes, every one that ever existed.

Resident ID numbers keep the division code of the place where a person was
first registered, and codes are never reused for anything else, so a number is
plausible when its first six digits appear *anywhere* in the code history,
whatever the birth date.  (python-stdnum's ``cn.ric`` checks validity years
against the birth date and so rejects real numbers whose county code is newer
than the holder, and raises ``KeyError`` for some unknown codes; we ignore the
years on purpose and never raise.)

Source: the historic code table shipped with python-stdnum
(``stdnum/cn/loc.dat``, compiled from the Wikipedia lists of GB/T 2260 codes,
current to 2025).  It is read from the installed package at first use, so a
python-stdnum upgrade brings new codes without a change here.

The residence permits for residents of Hong Kong, Macao and Taiwan use the
address codes 810000, 820000 and 830000 (:data:`PERMIT_PREFIXES`); they are
not places of registration, and :mod:`recognizers.identity` reports them as
``CN_HMT_PERMIT``.

>>> division_name("110105"), is_division_code("440524"), is_division_code("119900")
('朝阳区', True, False)
"""

from __future__ import annotations

import functools
import os
import re

import numpy as np
import stdnum

#: Address codes of the residence permits for Hong Kong, Macao and Taiwan residents (2018-).
PERMIT_PREFIXES = {"810000": "香港居民", "820000": "澳门居民", "830000": "台湾居民"}

_NAME_RE = re.compile(r"(?:\[[^\]]*\])?([^,\[]+)")


@functools.lru_cache(maxsize=1)
def division_codes() -> dict[str, str]:
    """Map of six-digit code → place name (county, else prefecture, else province).

    >>> codes = division_codes()
    >>> codes["110105"], "440524" in codes, len(codes) > 6000
    ('朝阳区', True, True)
    """
    path = os.path.join(os.path.dirname(stdnum.__file__), "cn", "loc.dat")
    out: dict[str, str] = {}
    province = ""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#") or '="' not in line:
                continue
            code = line.split()[0]
            names = _NAME_RE.findall(line.split('="', 1)[1].rstrip().rstrip('"'))
            name = names[-1].strip() if names else ""
            if not line.startswith(" "):
                province = code
                out.setdefault(province + "0000", name)
            else:
                out.setdefault(province + code, name)
    return out


@functools.lru_cache(maxsize=1)
def division_code_array() -> np.ndarray:
    """Every code as a sorted int64 array, for vectorized membership tests."""
    return np.array(sorted(int(c) for c in division_codes()), dtype=np.int64)


@functools.lru_cache(maxsize=1)
def province_prefixes() -> frozenset[str]:
    """The two-digit province-level prefixes (11 … 65, 71, 81, 82).

    >>> sorted(province_prefixes())[:3], "20" in province_prefixes()
    (['11', '12', '13'], False)
    """
    return frozenset(c[:2] for c in division_codes())


def is_division_code(code: str) -> bool:
    """True when ``code`` is a GB/T 2260 code that ever existed.

    >>> is_division_code("320102"), is_division_code("119900"), is_division_code("830000")
    (True, False, False)
    """
    return code in division_codes()


def division_name(code: str) -> str | None:
    """Place name of a code (the latest name the table records), or ``None``."""
    return division_codes().get(code)
