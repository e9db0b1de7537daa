"""CN_RESIDENT_ID (公民身份号码, GB 11643-1999) and the residence permits that share its layout.

An 18-character number: six-digit division code (GB/T 2260) of the place of
first registration, birth date YYYYMMDD, three-digit sequence (odd for men),
ISO 7064 MOD 11-2 check character (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
remainder mapped through ``10X98765432``).  Numbers issued before 1999 have
15 digits: two-digit year (19xx), no check character.

The residence permits of Hong Kong, Macao and Taiwan residents (2018-) use the
same layout and check with the address codes 810000, 820000 and 830000; they
are reported as ``CN_HMT_PERMIT``, never as resident IDs.

More information:

* https://zh.wikipedia.org/wiki/中华人民共和国公民身份号码
* https://zh.wikipedia.org/wiki/港澳台居民居住证

>>> is_valid_resident_id("11010519491231002X"), is_valid_resident_id("440524197001010019")
(True, True)
>>> is_valid_hmt_residence_permit("810000199408230021")
True
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.iso7064 import mod_11_2

from recognizers.base import Pattern, mask_middle
from recognizers.columnar import ColumnarRecognizer
from recognizers.divisions import PERMIT_PREFIXES, division_code_array, division_name
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
from recognizers.row_match import utf8_offsets

_PERMIT_CODES = np.array(sorted(int(p) for p in PERMIT_PREFIXES), dtype=np.int64)

#: Words that name an identity document in general; every person-document recognizer accepts them.
GENERIC_DOCUMENT_WORDS = (
    "证件号码",
    "证件号",
    "证件编号",
    "zjhm",
    "zjh",
    "certificate no",
    "document no",
    "document_no",
)


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number (python-stdnum).

    >>> check_char("11010519491231002")
    'X'
    """
    return mod_11_2.calc_check_digit(first17)


def compact_id(number: str) -> str:
    """ID-layout number without separators, check character upper-cased."""
    return compact(number, " -").upper()


def _validate_id_layout(number: str, permit: bool) -> str:
    number = compact_id(number)
    if len(number) == 18:
        if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
            raise InvalidFormat()
        if check_char(number[:17]) != number[17]:
            raise InvalidChecksum()
        year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    elif len(number) == 15 and not permit:
        if not (number.isascii() and number.isdigit()):
            raise InvalidFormat()
        year, month, day = 1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
    else:
        raise InvalidLength()
    is_permit = number[:6] in PERMIT_PREFIXES
    if permit != is_permit:
        raise InvalidComponent("residence permit prefix" if is_permit else "not a residence permit prefix")
    if not permit and division_name(number[:6]) is None:
        raise InvalidComponent("unknown administrative division code")
    if not date_ok(year, month, day):
        raise InvalidComponent("birth date is not a real date between 1880 and today")
    return number


def validate_resident_id(number: str) -> str:
    """Check an 18- or 15-digit resident ID number; return its compact form or raise.

    The 81/82/83 residence-permit prefixes are rejected here: they belong to
    :func:`validate_hmt_residence_permit`.

    >>> validate_resident_id("11010519491231002x")
    '11010519491231002X'
    >>> validate_resident_id("119900199001010010")
    Traceback (most recent call last):
        ...
    stdnum.exceptions.InvalidComponent: unknown administrative division code
    """
    return _validate_id_layout(number, permit=False)


@functools.lru_cache(maxsize=65536)
def is_valid_resident_id(number: str) -> bool:
    """True for a valid 18-digit or 15-digit resident ID number (never raises)."""
    try:
        return bool(validate_resident_id(number))
    except (ValueError, TypeError, AttributeError):
        return False


def validate_hmt_residence_permit(number: str) -> str:
    """Check a residence permit number of a Hong Kong, Macao or Taiwan resident (ID layout, 8x0000 prefix)."""
    return _validate_id_layout(number, permit=True)


@functools.lru_cache(maxsize=65536)
def is_valid_hmt_residence_permit(number: str) -> bool:
    try:
        return bool(validate_hmt_residence_permit(number))
    except (ValueError, TypeError, AttributeError):
        return False


def _id_birth_date(number: str) -> _dt.date | None:
    try:
        if len(number) == 18:
            return _dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        return _dt.date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return None


def birth_date(number: str) -> _dt.date | None:
    """Birth date encoded in a valid 15- or 18-digit ID number (or residence permit), else ``None``.

    >>> birth_date("11010519491231002X")
    datetime.date(1949, 12, 31)
    """
    number = compact_id(number)
    if is_valid_resident_id(number) or is_valid_hmt_residence_permit(number):
        return _id_birth_date(number)
    return None


def to_18(number: str) -> str:
    """Convert a 15-digit legacy number to its 18-digit form (18-digit input is returned compact)."""
    number = compact_id(number)
    if len(number) == 15:
        first17 = number[:6] + "19" + number[6:]
        return first17 + check_char(first17)
    return number


#: Column weights over an 18-character ID: MOD 11-2 sum, year, month, day, division code.
_ID18_W = np.hstack(
    [np.append(MOD11_2_WEIGHTS, 0)[:, None], place_weights(18, [(6, 10), (10, 12), (12, 14), (0, 6)])]
)
#: Over a 15-digit legacy ID: two-digit year, month, day, division code.
_ID15_W = place_weights(15, [(6, 8), (8, 10), (10, 12), (0, 6)])


def id_layout_array(values: pa.Array, permit: bool) -> np.ndarray:
    """Vector form of :func:`is_valid_resident_id` (``permit=False``) or of the residence-permit check."""
    out = np.zeros(len(values), dtype=bool)
    widths = (18,) if permit else (15, 18)
    for idx, m in length_groups(values, widths):
        if m.shape[1] == 18:
            s = weighted_sums(m, _ID18_W)
            ok = all_digits(m[:, :17]) & mod11_2_matches(s[:, 0], m[:, 17])
            year, month, day, code = s[:, 1], s[:, 2], s[:, 3], s[:, 4]
        else:
            s = weighted_sums(m, _ID15_W)
            ok = all_digits(m)
            year, month, day, code = 1900 + s[:, 0], s[:, 1], s[:, 2], s[:, 3]
        in_permits = sorted_member(code, _PERMIT_CODES)
        ok &= in_permits if permit else (~in_permits & sorted_member(code, division_code_array()))
        out[idx] = ok & date_ok_array(year, month, day)
    return out


def _id_describe(number: str) -> dict[str, object]:
    d = _id_birth_date(number)
    if d is None:
        return {}
    seq = number[14:17] if len(number) == 18 else number[12:15]
    return {
        "birth_date": d.isoformat(),
        "sex": "male" if int(seq[-1]) % 2 else "female",
        "division": PERMIT_PREFIXES.get(number[:6]) or division_name(number[:6]) or "",
        "legacy_15": len(number) == 15,
    }


class _ResidentLayoutRecognizer(ColumnarRecognizer):
    """The 18-character layout of GB 11643 (resident IDs, and HMT residence permits that reuse it).

    Written with spaces or dashes between the groups and a lower-case ``x`` by
    hand; compared without them, upper-case; masked to the first and last four.
    """

    validator_strength = 0.99
    min_ratio = 0.5
    strip_chars = " -"

    def normalize(self, value: str) -> str:
        return compact_id(value)

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.ascii_upper(super().normalize_array(values))

    def mask(self, value: str) -> str:
        return mask_middle(compact_id(value), 4, 4)


class ResidentIdRecognizer(_ResidentLayoutRecognizer):
    """CN_RESIDENT_ID (公民身份号码, GB 11643-1999).

    18 characters: six-digit division code (GB/T 2260) of the place of first
    registration, birth date YYYYMMDD, three-digit sequence (odd for men),
    ISO 7064 MOD 11-2 check character (``X`` for 10).  Numbers issued before
    1999 have 15 digits: two-digit year (19xx) and no check character.

    Valid when the check character matches, the birth date is real and between
    1880 and today, and the division code appeared *anywhere* in the code
    history (codes are assigned at registration, not at birth).  A random
    18-digit string passes about once in 100,000; timestamp order numbers
    (``2026…``) fail because 20 is no province.  The 81/82/83 residence-permit
    prefixes are left to :class:`HmtResidencePermitRecognizer`.

    A 15-digit legacy number and an IMEI share a shape; a legacy number needs a
    division code and a real YYMMDD date, an IMEI a Luhn check digit.  About a
    tenth of legacy numbers pass Luhn and a few IMEIs pass the legacy test, so
    each column is decided by the share that validates (see
    :mod:`recognizers.telecom`).
    """

    entity = "CN_RESIDENT_ID"
    patterns: ClassVar = (
        Pattern(
            "resident id, 18 characters (strong with checksum)",
            r"[1-9]\d{5}(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[0-9Xx]",
            0.9,
        ),
        Pattern(
            "resident id, 18 characters grouped 6-8-4 (strong with checksum)",
            r"[1-9]\d{5}[ -](?:18|19|20)\d{6}[ -]\d{3}[0-9Xx]",
            0.9,
        ),
        Pattern("resident id, 15-digit legacy (weak)", r"[1-9]\d{5}\d{2}[01]\d[0-3]\d\d{3}", 0.4),
    )
    context = (
        "身份证",
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "身份号码",
        "居民身份证",
        "id card",
        "id_card",
        "idcard",
        "id number",
        "id_no",
        "idno",
        "citizen id",
        "national id",
        "identity",
        "shenfenzheng",
        "sfz",
        "sfzh",
        "sfzhm",
        "sfzjhm",
    ) + GENERIC_DOCUMENT_WORDS

    def validate(self, candidate: str) -> bool:
        return is_valid_resident_id(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return id_layout_array(values, permit=False)

    def describe(self, candidate: str) -> dict[str, object]:
        candidate = compact_id(candidate)
        return _id_describe(candidate) if is_valid_resident_id(candidate) else {}

    def column_details(self, valid: pa.Array) -> dict[str, object]:
        """The share of 15-digit (pre-1999) numbers among the valid ones (ASCII: their bytes are characters)."""
        legacy = int((np.diff(utf8_offsets(valid)) == 15).sum())
        return {"legacy_15_share": round(legacy / len(valid), 4)} if legacy else {}


class HmtResidencePermitRecognizer(_ResidentLayoutRecognizer):
    """CN_HMT_PERMIT (港澳台居民居住证, residence permits of Hong Kong, Macao and Taiwan residents, 2018-).

    The resident-ID layout and MOD 11-2 check with the address code 810000
    (Hong Kong), 820000 (Macao) or 830000 (Taiwan).
    """

    entity = "CN_HMT_PERMIT"
    patterns: ClassVar = (
        Pattern(
            "HMT residence permit, 18 characters (strong with checksum)",
            r"8[123]0000(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[0-9Xx]",
            0.9,
        ),
    )
    context = (
        "居住证",
        "港澳台居民居住证",
        "港澳居民居住证",
        "台湾居民居住证",
        "身份证",
        "身份证号",
        "residence permit",
        "juzhuzheng",
        "jzz",
        "jzzh",
        "id card",
        "id_card",
        "idcard",
        "sfz",
        "sfzh",
        "sfzhm",
    ) + GENERIC_DOCUMENT_WORDS

    def validate(self, candidate: str) -> bool:
        return is_valid_hmt_residence_permit(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return id_layout_array(values, permit=True)

    def describe(self, candidate: str) -> dict[str, object]:
        candidate = compact_id(candidate)
        if not is_valid_hmt_residence_permit(candidate):
            return {}
        return {"document": "residence permit"} | _id_describe(candidate)
