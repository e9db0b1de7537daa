"""CN_USCC (统一社会信用代码, unified social credit code, GB 32100-2015).

18 characters from a 31-character alphabet (digits and upper-case letters
without I, O, S, V, Z): registration authority (1-9, A, N, Y), entity type,
six-digit region code, nine-character GB 11714 organisation code, check
character alphabet[(31 − Σ value·weight mod 31) mod 31] with weights
1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.

python-stdnum's ``cn.uscc`` requires the first eight characters to be digits
and so rejects the valid codes of authorities A, N and Y; this module does not.

More information:

* https://zh.wikipedia.org/wiki/统一社会信用代码
* https://zh.wikipedia.org/wiki/组织机构代码

>>> is_valid_uscc("91110000600037341L"), is_valid_uscc("Y1110000MA01N5G927")
(True, True)
"""

from __future__ import annotations

import functools
from typing import ClassVar

import numpy as np
import pyarrow as pa
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from recognizers.base import Pattern, mask_middle
from recognizers.columnar import UpperCaseCodeRecognizer
from recognizers.divisions import division_name, province_prefixes
from recognizers.idcheck import (
    all_digits,
    compact,
    length_groups,
    place_weights,
    sorted_member,
    weighted_sums,
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_USCC_VALUE = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(USCC_ALPHABET):
    _USCC_VALUE[ord(_c)] = _i
_USCC_CODES = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
#: Column weights over character values: the check sum, and characters 3-4 read as a number.
_USCC_W = np.hstack([np.append(_USCC_WEIGHTS, 0)[:, None], place_weights(18, [(2, 4)])])
_USCC_FIRST = np.zeros(256, dtype=bool)
_USCC_FIRST[[ord(c) for c in "123456789ANY"]] = True
_USCC_AUTHORITIES = {
    "1": "机构编制 (establishment administration)",
    "2": "外交 (foreign affairs)",
    "3": "司法行政 (justice)",
    "4": "文化 (culture)",
    "5": "民政 (civil affairs)",
    "6": "旅游 (tourism)",
    "7": "宗教 (religious affairs)",
    "8": "工会 (trade unions)",
    "9": "市场监管 (market regulation)",
    "A": "中央军委改革和编制办公室 (military)",
    "N": "农业 (agriculture)",
    "Y": "其他 (other)",
}
#: Chars 3-4 are a province prefix, or 10 for registrations at national level.
_USCC_REGION_PREFIXES_EXTRA = frozenset({"10"})


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character: alphabet[(31 - Σ value·weight mod 31) mod 31] (python-stdnum's ``cn.uscc``).

    >>> uscc_check_char("91110000600037341")
    'L'
    """
    return stdnum_uscc.calc_check_digit(first17)


def organization_code_ok(code9: str) -> bool:
    """GB 11714 organisation code check (8 characters + check, weights 3 7 9 10 5 8 4 2, MOD 11).

    >>> organization_code_ok("600037341"), organization_code_ok("600037342")
    (True, False)
    """
    if len(code9) != 9 or not code9.isascii() or not code9[:8].isalnum():
        return False
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(code9[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    return code9[8] == {10: "X", 11: "0"}.get(check, str(check))


def validate_uscc(number: str) -> str:
    """Check a unified social credit code; return its compact form or raise.

    Registration authority ``1``-``9``, ``A``, ``N`` or ``Y``; entity type
    ``1``-``9``; six-digit region code whose first two digits are a province
    (or ``10``, national level); nine-character organisation code; check
    character.  Unlike python-stdnum this accepts A/N/Y codes.

    >>> validate_uscc("91110000600037341L")
    '91110000600037341L'
    >>> validate_uscc("Y1110000MA01N5G927")
    'Y1110000MA01N5G927'
    """
    number = compact(number, " -").upper()
    if len(number) != 18:
        raise InvalidLength()
    if (
        number[0] not in _USCC_AUTHORITIES
        or not ("1" <= number[1] <= "9")
        or not (number[2:8].isascii() and number[2:8].isdigit())
    ):
        raise InvalidFormat()
    if any(c not in USCC_ALPHABET for c in number[8:]):
        raise InvalidFormat()
    if number[2:4] not in province_prefixes() and number[2:4] not in _USCC_REGION_PREFIXES_EXTRA:
        raise InvalidComponent("unknown region code")
    if uscc_check_char(number[:17]) != number[17]:
        raise InvalidChecksum()
    return number


@functools.lru_cache(maxsize=65536)
def is_valid_uscc(number: str) -> bool:
    try:
        return bool(validate_uscc(number))
    except (ValueError, TypeError, AttributeError):
        return False


@functools.lru_cache(maxsize=1)
def _uscc_region_array() -> np.ndarray:
    return np.array(
        sorted({int(p) for p in province_prefixes()} | {int(p) for p in _USCC_REGION_PREFIXES_EXTRA})
    )


class UsccRecognizer(UpperCaseCodeRecognizer):
    """CN_USCC (统一社会信用代码, GB 32100-2015).

    18 characters from a 31-character alphabet (digits and upper-case letters
    without I, O, S, V, Z); see :func:`validate_uscc`.  A random string of that
    shape passes about once in 80.  The embedded GB 11714 organisation code
    (characters 9-17) has its own check digit; it is *not* required (some
    registrations, individual businesses among them, carry codes that fail it)
    and is reported as ``org_code_valid_share`` supporting evidence.
    """

    entity = "CN_USCC"
    patterns: ClassVar = (
        Pattern(
            "unified social credit code, 18 characters (strong with checksum)",
            r"[1-9ANYany][1-9]\d{6}[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{10}",
            0.85,
        ),
    )
    context = (
        "统一社会信用代码",
        "信用代码",
        "社会信用代码",
        "纳税人识别号",
        "税号",
        "营业执照",
        "企业代码",
        "机构代码",
        "uscc",
        "credit code",
        "social credit",
        "tax id",
        "taxpayer",
        "tyshxydm",
        "shxydm",
        "xydm",
        "nsrsbh",
    )
    validator_strength = 0.97
    min_ratio = 0.5

    def validate(self, candidate: str) -> bool:
        return is_valid_uscc(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        out = np.zeros(len(values), dtype=bool)
        for idx, m in length_groups(values, (18,)):
            v = _USCC_VALUE[m]
            s = weighted_sums(v, _USCC_W, zero=0)
            ok = (v != 255).all(axis=1) & (_USCC_CODES[(31 - s[:, 0] % 31) % 31] == m[:, 17])
            ok &= all_digits(m[:, 2:8]) & sorted_member(s[:, 1], _uscc_region_array())
            ok &= _USCC_FIRST[m[:, 0]] & (m[:, 1] >= ord("1")) & (m[:, 1] <= ord("9"))
            out[idx] = ok
        return out

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 4, 4)

    def describe(self, candidate: str) -> dict[str, object]:
        c = self.normalize(candidate)
        if not is_valid_uscc(c):
            return {}
        return {
            "authority": _USCC_AUTHORITIES[c[0]],
            "region": division_name(c[2:8]) or "",
            "org_code_valid": organization_code_ok(c[8:17]),
        }

    def column_details(self, valid: pa.Array) -> dict[str, object]:
        sample = valid.slice(0, 1000).to_pylist()
        ok = sum(organization_code_ok(v[8:17]) for v in sample)
        return {"org_code_valid_share": round(ok / len(sample), 4)} if sample else {}
