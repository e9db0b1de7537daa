"""CN_FOREIGNER_PR (外国人永久居留身份证, foreigner permanent residence ID card numbers).

Since 2023-12-01: 18 characters modelled on the resident ID: ``9`` (no
province code starts with 9), two-digit province of the accepting office,
three-digit ISO 3166-1 numeric nationality, birth date YYYYMMDD, three-digit
sequence, MOD 11-2 check character.  Cards of 2004-2023: ISO 3166-1 alpha-3
nationality + 12 digits beginning with the province code.  The nationality
codes come from ``data/iso3166.tsv`` (Debian iso-codes).

More information:

* https://www.nia.gov.cn/ (National Immigration Administration, 2023 notice on the new card)
* https://en.wikipedia.org/wiki/Foreign_Permanent_Resident_ID_Card

>>> is_valid_foreigner_pr("911840198001010013"), is_valid_foreigner_pr("911840198001010014")
(True, False)
"""

from __future__ import annotations

import datetime as _dt
import functools
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.iso7064 import mod_11_2

from recognizers.base import Pattern, mask_middle
from recognizers.columnar import UpperCaseCodeRecognizer
from recognizers.divisions import province_prefixes
from recognizers.idcheck import (
    MOD11_2_WEIGHTS,
    all_digits,
    compact,
    date_ok,
    date_ok_array,
    length_groups,
    mod11_2_matches,
    place_weights,
    sorted_member,
    weighted_sums,
)
from recognizers.identity_resident import GENERIC_DOCUMENT_WORDS

_DATA = Path(__file__).resolve().parent / "data"


@functools.lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """ISO 3166-1 codes: numeric and alpha-3 → (alpha-3, English name), from ``data/iso3166.tsv``."""
    out: dict[str, tuple[str, str]] = {}
    with open(_DATA / "iso3166.tsv", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            numeric, alpha3, name = line.rstrip("\n").split("\t")[:3]
            out[numeric] = out[alpha3] = (alpha3, name)
    return out


@functools.lru_cache(maxsize=1)
def _country_numeric_array() -> np.ndarray:
    return np.array(sorted(int(k) for k in countries() if k.isdigit()), dtype=np.int64)


#: Column weights over a new foreigner PR number: MOD 11-2 sum, province, nationality, year, month, day.
_PR18_W = np.hstack(
    [np.append(MOD11_2_WEIGHTS, 0)[:, None], place_weights(18, [(1, 3), (3, 6), (6, 10), (10, 12), (12, 14)])]
)


@functools.lru_cache(maxsize=1)
def _province_array() -> np.ndarray:
    return np.array(sorted(int(p) for p in province_prefixes()), dtype=np.int64)


def validate_foreigner_pr(number: str) -> str:
    """Check a foreigner permanent residence ID number; return its compact form or raise.

    New (2023-12-01): ``9``, two-digit province of the accepting office,
    three-digit ISO 3166-1 numeric nationality, birth date YYYYMMDD, three-digit
    sequence, MOD 11-2 check character.  Old (2004-2023): the ISO 3166-1 alpha-3
    nationality + 12 digits beginning with the two-digit province code; the rest
    (birth date, sequence, check) is not publicly specified and not checked.

    >>> validate_foreigner_pr("911840198001010013")
    '911840198001010013'
    >>> validate_foreigner_pr("USA110801011234")
    'USA110801011234'
    """
    number = compact(number, " -").upper()
    if len(number) == 18:
        if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
            raise InvalidFormat()
        if number[0] != "9":
            raise InvalidComponent("not a foreigner permanent residence number")
        if mod_11_2.calc_check_digit(number[:17]) != number[17]:
            raise InvalidChecksum()
        if number[1:3] not in province_prefixes() or number[3:6] not in countries():
            raise InvalidComponent()
        if not date_ok(int(number[6:10]), int(number[10:12]), int(number[12:14])):
            raise InvalidComponent("birth date is not a real date between 1880 and today")
        return number
    if len(number) == 15:
        if not (
            number[:3].isascii() and number[:3].isalpha() and number[3:].isascii() and number[3:].isdigit()
        ):
            raise InvalidFormat()
        if number[:3] not in countries() or number[3:5] not in province_prefixes():
            raise InvalidComponent()
        return number
    raise InvalidLength()


@functools.lru_cache(maxsize=65536)
def is_valid_foreigner_pr(number: str) -> bool:
    try:
        return bool(validate_foreigner_pr(number))
    except (ValueError, TypeError, AttributeError):
        return False


class ForeignerPrRecognizer(UpperCaseCodeRecognizer):
    """CN_FOREIGNER_PR (外国人永久居留身份证 numbers, new 18-digit and old 15-character forms).

    See :func:`validate_foreigner_pr`.  The new number starts with ``9``, which
    no province code does, so it never collides with a resident ID.
    """

    entity = "CN_FOREIGNER_PR"
    patterns: ClassVar = (
        Pattern("foreigner PR id, 18 characters (strong with checksum)", r"9\d{16}[0-9Xx]", 0.9),
        Pattern("foreigner PR id, old 3 letters + 12 digits (medium)", r"[A-Za-z]{3}\d{12}", 0.6),
    )
    context = (
        "永久居留",
        "永居证",
        "永久居留证",
        "外国人永久居留身份证",
        "绿卡",
        "permanent residence",
        "permanent resident",
        "green card",
        "yjjl",
        "yjz",
        "yongjiu",
    ) + GENERIC_DOCUMENT_WORDS
    validator_strength = 0.95
    min_ratio = 0.5

    def validate(self, candidate: str) -> bool:
        return is_valid_foreigner_pr(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        out = np.zeros(len(values), dtype=bool)
        for idx, m in length_groups(values, (18, 15)):
            if m.shape[1] == 18:
                s = weighted_sums(m, _PR18_W)
                ok = all_digits(m[:, :17]) & mod11_2_matches(s[:, 0], m[:, 17]) & (m[:, 0] == ord("9"))
                ok &= sorted_member(s[:, 1], _province_array()) & sorted_member(
                    s[:, 2], _country_numeric_array()
                )
                out[idx] = ok & date_ok_array(s[:, 3], s[:, 4], s[:, 5])
            else:
                sub = values.take(pa.array(idx))
                alpha = pc.utf8_slice_codeunits(sub, 0, 3)
                prov = pc.utf8_slice_codeunits(sub, 3, 5)
                known = pc.is_in(alpha, value_set=pa.array([k for k in countries() if k.isalpha()]))
                in_prov = pc.is_in(prov, value_set=pa.array(sorted(province_prefixes())))
                out[idx] = pc.and_(known, in_prov).to_numpy(zero_copy_only=False)
        return out

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 4, 3)

    def describe(self, candidate: str) -> dict[str, object]:
        c = self.normalize(candidate)
        if not is_valid_foreigner_pr(c):
            return {}
        if len(c) == 18:
            return {
                "nationality": countries()[c[3:6]][0],
                "birth_date": _dt.date(int(c[6:10]), int(c[10:12]), int(c[12:14])).isoformat(),
                "format": "2023",
            }
        return {"nationality": c[:3], "format": "2004"}
