"""Identity documents of people and organisations in China.

One class per document (python-stdnum style); each class docstring is the spec.

=====================  ==============================================================  ========  =========
entity                 document                                                        strength  min_ratio
=====================  ==============================================================  ========  =========
CN_RESIDENT_ID         公民身份号码 GB 11643-1999, 18 digits (MOD 11-2) or 15 (legacy)   0.99      0.5
CN_HMT_PERMIT          港澳台居民居住证 (810000/820000/830000 + ID layout)               0.99      0.5
CN_HMT_PERMIT          港澳居民来往内地通行证, 往来港澳/台湾通行证 (letter + digits)     0.6       0.7  context
CN_HMT_PERMIT          台湾居民来往大陆通行证 (8 or 10 digits)                           0.4       0.8  context
CN_PASSPORT            中华人民共和国护照 (E/G + 8, DE/SE/PE + 7)                         0.7       0.7  context
CN_FOREIGNER_PR        外国人永久居留身份证 (9 + 17 digits MOD 11-2; old 3 letters + 12)  0.95      0.5
CN_USCC                统一社会信用代码 GB 32100-2015 (MOD 31)                           0.97      0.5
=====================  ==============================================================  ========  =========

"context" marks recognizers with ``requires_context``: their shapes carry no
check digit and collide with product codes, so the column name or comment (or,
in free text, a word just before the value) must say what they are.

Package gaps this module works around (python-stdnum 2.2): ``cn.ric`` rejects
real numbers whose county code is newer than the holder (``440524197001010019``),
raises ``KeyError`` on some unknown codes (``119900199001010010``), accepts
birth dates in the future and rejects the 81/82/83 residence permits;
``cn.uscc`` rejects valid codes of the registration authorities A, N and Y.

More information:

* https://zh.wikipedia.org/wiki/中华人民共和国公民身份号码
* https://zh.wikipedia.org/wiki/港澳台居民居住证
* https://zh.wikipedia.org/wiki/中华人民共和国护照
* https://zh.wikipedia.org/wiki/统一社会信用代码

>>> is_valid_resident_id("11010519491231002X"), is_valid_resident_id("110105194912310021")
(True, False)
>>> is_valid_resident_id("440524197001010019"), is_valid_resident_id("119900199001010010")
(True, False)
>>> is_valid_resident_id("810000199408230021"), is_valid_hmt_residence_permit("810000199408230021")
(False, True)
>>> to_18("130503670401001")
'130503196704010016'
>>> is_valid_uscc("91110000600037341L"), is_valid_uscc("N1110000MA01N5G92F"), is_valid_uscc("N1110000MA01N5G92E")
(True, True, False)
>>> ResidentIdRecognizer().mask("11010519491231002X")
'1101**********002X'
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, mask_middle
from recognizers.columnar import ColumnarRecognizer
from recognizers.divisions import PERMIT_PREFIXES, division_code_array, division_name, province_prefixes
from recognizers.idcheck import (
    MOD11_2_WEIGHTS,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    all_digits,
    compact,
    date_ok,
    date_ok_array,
    length_groups,
    mod11_2_char,
    place_weights,
    sorted_member,
    weighted_sums,
)

_DATA = Path(__file__).resolve().parent / "data"
_PERMIT_CODES = np.array(sorted(int(p) for p in PERMIT_PREFIXES), dtype=np.int64)
_MOD11_2_CODES = np.frombuffer(b"10X98765432", dtype=np.uint8)

#: Words that name an identity document in general; every person-document recognizer accepts them.
GENERIC_DOCUMENT_WORDS = ("证件号码", "证件号", "证件编号", "zjhm", "zjh", "certificate no", "document no", "document_no")


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits of an ID number.

    >>> check_char("11010519491231002")
    'X'
    """
    return mod11_2_char(first17)


def _regex_mask(values: pa.Array, regex: str) -> np.ndarray:
    return pc.match_substring_regex(values, f"^(?:{regex})$").to_numpy(zero_copy_only=False)


# -- resident ID and residence permits (same layout) -------------------------------------------------------


def compact_id(number: str) -> str:
    """ID-layout number without separators, check character upper-cased."""
    return compact(number, " -").upper()


def _validate_id_layout(number: str, permit: bool) -> str:
    number = compact_id(number)
    if len(number) == 18:
        if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
            raise InvalidFormat()
        if mod11_2_char(number[:17]) != number[17]:
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
    recognizers.idcheck.InvalidComponent: unknown administrative division code
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
_ID18_W = np.hstack([np.append(MOD11_2_WEIGHTS, 0)[:, None], place_weights(18, [(6, 10), (10, 12), (12, 14), (0, 6)])])
#: Over a 15-digit legacy ID: two-digit year, month, day, division code.
_ID15_W = place_weights(15, [(6, 8), (8, 10), (10, 12), (0, 6)])
_UPPER_X = np.arange(256, dtype=np.uint8)
_UPPER_X[ord("x")] = ord("X")


def id_layout_array(values: pa.Array, permit: bool) -> np.ndarray:
    """Vector form of :func:`is_valid_resident_id` (``permit=False``) or of the residence-permit check."""
    out = np.zeros(len(values), dtype=bool)
    widths = (18,) if permit else (15, 18)
    for idx, m in length_groups(values, widths):
        if m.shape[1] == 18:
            s = weighted_sums(m, _ID18_W)
            ok = all_digits(m[:, :17]) & (_MOD11_2_CODES[s[:, 0] % 11] == _UPPER_X[m[:, 17]])
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
        "division": division_name(number[:6]) or PERMIT_PREFIXES.get(number[:6], ""),
        "legacy_15": len(number) == 15,
    }


class ResidentIdRecognizer(ColumnarRecognizer):
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
        Pattern("resident id, 18 characters (strong with checksum)", r"[1-9]\d{5}(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[0-9Xx]", 0.9),
        Pattern("resident id, 18 characters grouped 6-8-4 (strong with checksum)", r"[1-9]\d{5}[ -](?:18|19|20)\d{6}[ -]\d{3}[0-9Xx]", 0.9),
        Pattern("resident id, 15-digit legacy (weak)", r"[1-9]\d{5}\d{2}[01]\d[0-3]\d\d{3}", 0.4),
    )
    context = (
        "身份证", "身份证号", "身份证号码", "公民身份号码", "身份号码", "居民身份证",
        "id card", "id_card", "idcard", "id number", "id_no", "idno", "citizen id", "national id", "identity",
        "shenfenzheng", "sfz", "sfzh", "sfzhm", "sfzjhm",
    ) + GENERIC_DOCUMENT_WORDS
    validator_strength = 0.99
    min_ratio = 0.5
    strip_chars = " -"

    def normalize(self, value: str) -> str:
        return compact_id(value)

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.ascii_upper(super().normalize_array(values))

    def validate(self, candidate: str) -> bool:
        return is_valid_resident_id(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return id_layout_array(values, permit=False)

    def mask(self, value: str) -> str:
        return mask_middle(compact_id(value), 4, 4)

    def describe(self, candidate: str) -> dict[str, object]:
        candidate = compact_id(candidate)
        return _id_describe(candidate) if is_valid_resident_id(candidate) else {}

    def column_details(self, valid: pa.Array) -> dict[str, object]:
        legacy = int(pc.sum(pc.equal(pc.utf8_length(valid), 15)).as_py() or 0)
        return {"legacy_15_share": round(legacy / len(valid), 4)} if legacy else {}


class HmtResidencePermitRecognizer(ColumnarRecognizer):
    """CN_HMT_PERMIT (港澳台居民居住证, residence permits of Hong Kong, Macao and Taiwan residents, 2018-).

    The resident-ID layout and MOD 11-2 check with the address code 810000
    (Hong Kong), 820000 (Macao) or 830000 (Taiwan).
    """

    entity = "CN_HMT_PERMIT"
    patterns: ClassVar = (
        Pattern("HMT residence permit, 18 characters (strong with checksum)", r"8[123]0000(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[0-9Xx]", 0.9),
    )
    context = (
        "居住证", "港澳台居民居住证", "港澳居民居住证", "台湾居民居住证", "身份证", "身份证号",
        "residence permit", "juzhuzheng", "jzz", "jzzh",
    ) + GENERIC_DOCUMENT_WORDS
    validator_strength = 0.99
    min_ratio = 0.5
    strip_chars = " -"

    def normalize(self, value: str) -> str:
        return compact_id(value)

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.ascii_upper(super().normalize_array(values))

    def validate(self, candidate: str) -> bool:
        return is_valid_hmt_residence_permit(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return id_layout_array(values, permit=True)

    def mask(self, value: str) -> str:
        return mask_middle(compact_id(value), 4, 4)

    def describe(self, candidate: str) -> dict[str, object]:
        candidate = compact_id(candidate)
        if not is_valid_hmt_residence_permit(candidate):
            return {}
        return {"document": "residence permit"} | _id_describe(candidate)


# -- travel permits ------------------------------------------------------------------------------------------

_HK_MACAO_RE = r"[HM]\d{8}|[HM]\d{10}|C\d{8}|C[A-HJ-NP-Z]\d{7}|W\d{8}|L\d{8}"
_TAIWAN_RE = r"\d{8}|\d{10}|\d{8}\([0-9A-Z]{1,2}\)"
_HK_MACAO, _TAIWAN = re.compile(_HK_MACAO_RE), re.compile(_TAIWAN_RE)
_PERMIT_KINDS = {
    "H": "港澳居民来往内地通行证 (Hong Kong resident)",
    "M": "港澳居民来往内地通行证 (Macao resident)",
    "C": "往来港澳通行证 (mainland resident, electronic)",
    "W": "往来港澳通行证 (mainland resident, old booklet)",
    "L": "往来台湾通行证 (mainland resident)",
}


class HkMacaoPermitRecognizer(ColumnarRecognizer):
    """CN_HMT_PERMIT (travel permits between the mainland and Hong Kong, Macao, Taiwan).

    * 港澳居民来往内地通行证 (home-return permit): ``H`` (Hong Kong) or ``M``
      (Macao) + 8 digits; old cards + 10 digits.
    * 往来港澳通行证 (mainland residents to Hong Kong/Macao): ``C`` + 8 digits
      (electronic; ``C`` + letter + 7 digits once the digits ran out), old
      booklets ``W`` + 8 digits.
    * 往来台湾通行证 (mainland residents to Taiwan): ``L`` + 8 digits.

    No check digit: reported only with context.
    """

    entity = "CN_HMT_PERMIT"
    patterns: ClassVar = (
        Pattern("HK/Macao/Taiwan travel permit, letter + digits (weak)", r"[HMCWLhmcwl][0-9A-HJ-NP-Za-hj-np-z]\d{7}(?:\d{2})?", 0.4),
    )
    context = (
        "通行证", "回乡证", "港澳通行证", "往来港澳", "来往内地", "往来台湾", "大通证", "赴台证",
        "home return permit", "home-return permit", "travel permit", "exit-entry permit", "hk macao permit",
        "txz", "txzh", "hxz", "gatxz", "huixiangzheng", "tongxingzheng",
    ) + GENERIC_DOCUMENT_WORDS
    validator_strength = 0.6
    min_ratio = 0.7
    requires_context = True

    def normalize(self, value: str) -> str:
        return compact(value, " -").upper()

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.ascii_upper(super().normalize_array(values))

    def validate(self, candidate: str) -> bool:
        return _HK_MACAO.fullmatch(candidate) is not None and candidate[1:].strip("0") != ""

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return _regex_mask(values, _HK_MACAO_RE) & ~_regex_mask(values, r"[A-Z]0+")

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 2, 2)

    def describe(self, candidate: str) -> dict[str, object]:
        candidate = self.normalize(candidate)
        return {"document": _PERMIT_KINDS[candidate[0]]} if self.is_valid(candidate) else {}


class TaiwanPermitRecognizer(ColumnarRecognizer):
    """CN_HMT_PERMIT (台湾居民来往大陆通行证, mainland travel permit of Taiwan residents, "台胞证").

    8 digits (cards since 2015), 10 digits or 8 digits with a bracketed issue
    count on old booklets.  Plain digits: reported only when the column or the
    text just before names the document; the generic word 证件号码 is not
    enough.
    """

    entity = "CN_HMT_PERMIT"
    patterns: ClassVar = (Pattern("Taiwan resident travel permit, 8 or 10 digits (very weak)", _TAIWAN_RE, 0.2),)
    context = (
        "台胞证", "台湾居民来往大陆通行证", "台湾通行证", "台湾居民", "taibaozheng", "tbz", "tbzh",
        "mtp", "taiwan compatriot", "taiwan permit",
    )
    validator_strength = 0.4
    min_ratio = 0.8
    requires_context = True

    def normalize(self, value: str) -> str:
        return compact(value, " -").upper()

    def validate(self, candidate: str) -> bool:
        return _TAIWAN.fullmatch(candidate) is not None and candidate[:8].strip("0") != ""

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return _regex_mask(values, _TAIWAN_RE) & ~_regex_mask(values, r"0{8}.*")

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 2, 2)


# -- passports -----------------------------------------------------------------------------------------------

_PASSPORT_RE = r"E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8}|[DSP]E\d{7}"
_PASSPORT = re.compile(_PASSPORT_RE)
_PASSPORT_KINDS = {
    "E": "ordinary passport (electronic, 2012-)",
    "G": "ordinary passport (2007-2012)",
    "DE": "diplomatic passport",
    "SE": "service passport",
    "PE": "public affairs passport",
}


class PassportRecognizer(ColumnarRecognizer):
    """CN_PASSPORT (中华人民共和国护照 numbers).

    Ordinary electronic passports ``E`` + 8 digits, later ``E`` + letter
    (no I or O) + 7 digits; older ordinary passports ``G`` + 8 digits;
    diplomatic, service and public-affairs passports ``DE``/``SE``/``PE`` + 7
    digits.  The number has no check digit outside the machine-readable zone
    (ICAO 9303), so it is reported only with context.
    """

    entity = "CN_PASSPORT"
    patterns: ClassVar = (
        Pattern("passport E/G + 8 digits (weak)", r"[EGeg]\d{8}", 0.4),
        Pattern("passport E + letter + 7 digits (medium)", r"[Ee][A-HJ-NP-Za-hj-np-z]\d{7}", 0.5),
        Pattern("official passport DE/SE/PE + 7 digits (medium)", r"[DSPdsp][Ee]\d{7}", 0.5),
    )
    context = (
        "护照", "护照号", "护照号码", "因公护照", "外交护照", "passport", "passport no", "passport_no",
        "huzhao", "hz", "hzh", "hzhm",
    ) + GENERIC_DOCUMENT_WORDS
    validator_strength = 0.7
    min_ratio = 0.7
    requires_context = True

    def normalize(self, value: str) -> str:
        return compact(value, " -").upper()

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.ascii_upper(values)

    def validate(self, candidate: str) -> bool:
        return _PASSPORT.fullmatch(candidate) is not None

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return _regex_mask(values, _PASSPORT_RE)

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 2, 2)

    def describe(self, candidate: str) -> dict[str, object]:
        c = self.normalize(candidate)
        if not self.is_valid(c):
            return {}
        return {"document": _PASSPORT_KINDS.get(c[:2], _PASSPORT_KINDS[c[0]])}


# -- foreigner permanent residence ----------------------------------------------------------------------------


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
        if mod11_2_char(number[:17]) != number[17]:
            raise InvalidChecksum()
        if number[1:3] not in province_prefixes() or number[3:6] not in countries():
            raise InvalidComponent()
        if not date_ok(int(number[6:10]), int(number[10:12]), int(number[12:14])):
            raise InvalidComponent("birth date is not a real date between 1880 and today")
        return number
    if len(number) == 15:
        if not (number[:3].isascii() and number[:3].isalpha() and number[3:].isascii() and number[3:].isdigit()):
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


class ForeignerPrRecognizer(ColumnarRecognizer):
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
        "永久居留", "永居证", "永久居留证", "外国人永久居留身份证", "绿卡", "permanent residence", "permanent resident",
        "green card", "yjjl", "yjz", "yongjiu",
    ) + GENERIC_DOCUMENT_WORDS
    validator_strength = 0.95
    min_ratio = 0.5

    def normalize(self, value: str) -> str:
        return compact(value, " -").upper()

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.ascii_upper(values)

    def validate(self, candidate: str) -> bool:
        return is_valid_foreigner_pr(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        out = np.zeros(len(values), dtype=bool)
        for idx, m in length_groups(values, (18, 15)):
            if m.shape[1] == 18:
                s = weighted_sums(m, _PR18_W)
                ok = all_digits(m[:, :17]) & (_MOD11_2_CODES[s[:, 0] % 11] == _UPPER_X[m[:, 17]]) & (m[:, 0] == ord("9"))
                ok &= sorted_member(s[:, 1], _province_array()) & sorted_member(s[:, 2], _country_numeric_array())
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
            return {"nationality": countries()[c[3:6]][0], "birth_date": _id_birth_date(c).isoformat(), "format": "2023"}
        return {"nationality": c[:3], "format": "2004"}


# -- unified social credit code ---------------------------------------------------------------------------------

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
    "1": "机构编制 (establishment administration)", "2": "外交 (foreign affairs)", "3": "司法行政 (justice)",
    "4": "文化 (culture)", "5": "民政 (civil affairs)", "6": "旅游 (tourism)", "7": "宗教 (religious affairs)",
    "8": "工会 (trade unions)", "9": "市场监管 (market regulation)", "A": "中央军委改革和编制办公室 (military)",
    "N": "农业 (agriculture)", "Y": "其他 (other)",
}
#: Chars 3-4 are a province prefix, or 10 for registrations at national level.
_USCC_REGION_PREFIXES_EXTRA = frozenset({"10"})


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character: alphabet[(31 - Σ value·weight mod 31) mod 31].

    >>> uscc_check_char("91110000600037341")
    'L'
    """
    total = sum(USCC_ALPHABET.index(c) * int(w) for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def organization_code_ok(code9: str) -> bool:
    """GB 11714 organisation code check (8 characters + check, weights 3 7 9 10 5 8 4 2, MOD 11).

    >>> organization_code_ok("600037341"), organization_code_ok("600037342")
    (True, False)
    """
    if len(code9) != 9 or not code9.isascii() or not code9[:8].isalnum():
        return False
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(code9[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
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
    if number[0] not in _USCC_AUTHORITIES or not ("1" <= number[1] <= "9") or not (number[2:8].isascii() and number[2:8].isdigit()):
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
    return np.array(sorted({int(p) for p in province_prefixes()} | {int(p) for p in _USCC_REGION_PREFIXES_EXTRA}))


class UsccRecognizer(ColumnarRecognizer):
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
        "统一社会信用代码", "信用代码", "社会信用代码", "纳税人识别号", "税号", "营业执照", "企业代码", "机构代码",
        "uscc", "credit code", "social credit", "tax id", "taxpayer", "tyshxydm", "shxydm", "xydm", "nsrsbh",
    )
    validator_strength = 0.97
    min_ratio = 0.5

    def normalize(self, value: str) -> str:
        return compact(value, " -").upper()

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.ascii_upper(values)

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


VALUE_RECOGNIZERS = (
    ResidentIdRecognizer,
    HmtResidencePermitRecognizer,
    HkMacaoPermitRecognizer,
    TaiwanPermitRecognizer,
    PassportRecognizer,
    ForeignerPrRecognizer,
    UsccRecognizer,
)
