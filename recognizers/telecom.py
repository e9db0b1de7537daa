"""Telephone numbers and mobile-network identifiers of mainland China.

=============  ========================================================  ========  =========
entity         what                                                      strength  min_ratio
=============  ========================================================  ========  =========
CN_MOBILE      11-digit mobile numbers (MIIT plan, libphonenumber)       0.6       0.7
CN_LANDLINE    fixed lines with area code, written with a separator      0.8       0.6
CN_LANDLINE    fixed lines written as bare digits                        0.6       0.8  context
IMEI           device identity, 15 digits, Luhn, reporting body prefix   0.85      0.6
IMSI           subscriber identity, 460 + carrier MNC + MSIN             0.8       0.7
ICCID          SIM card serial, 8986 + 15/16 digits, Luhn                0.95      0.6
MSISDN         86 + mobile number as networks store it (13 digits)       0.7       0.7
=============  ========================================================  ========  =========

**Overlaps, decided on purpose.**  A 15-digit value may be an IMEI (Luhn and a
reporting-body prefix) or a legacy resident ID (division code and YYMMDD
date).  Both tests are run on every column and the column goes to the entity
whose share of valid values clears its threshold: about one legacy ID in ten
passes Luhn and very few IMEIs carry a real division code and date, so a
column of either is reported as what it is, and a column name such as ``imei``
or ``身份证`` halves the threshold of the right one.  IMSIs start with 460 (no
reporting body) and ICCIDs with 89 (no card scheme), so they do not collide
with IMEIs or bank cards.

**Counters are not phone numbers.**  A serial ``13800000001, 13800000002 …``
(or every seventh number) matches the mobile plan; a column whose sorted
distinct values mostly advance by one constant step is rejected as a counter
(``column_veto``, :func:`recognizers.columnar.is_sequential`).

Mobile validation barely filters (three quarters of random ``1[3-9]…`` numbers
are allocated); the column decision and the digit boundaries do the work.
Carrier by prefix is unreliable since number portability (2019) and is not
reported.

More information:

* https://github.com/google/libphonenumber (metadata for region CN)
* https://en.wikipedia.org/wiki/International_Mobile_Equipment_Identity
* https://en.wikipedia.org/wiki/International_mobile_subscriber_identity
* https://en.wikipedia.org/wiki/SIM_card#ICCID

>>> is_valid_mobile("13912345678"), is_valid_mobile("12012345678")
(True, False)
>>> MobileRecognizer().normalize("+86 139-1234-5678")
'13912345678'
>>> is_valid_landline("010-62345678"), is_valid_landline("0512-65234567转806"), is_valid_landline("0200-2345678")
(True, True, False)
>>> is_valid_imei("490154203237518"), is_valid_imsi("460001234567890"), is_valid_msisdn("8613912345678")
(True, True, True)
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, mask_middle
from recognizers.columnar import ColumnarRecognizer, is_sequential, regex_mask, rewrite
from recognizers.idcheck import compact, length_groups, luhn_ok, luhn_ok_array

_DATA = Path(__file__).resolve().parent / "data"

#: Allocated mobile ranges (libphonenumber metadata for CN, 2026).
MOBILE_RE = r"1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}"
_MOBILE = re.compile(MOBILE_RE, re.ASCII)


def _numbers(values: pa.Array) -> np.ndarray:
    return pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)


def _apply(steps: tuple[tuple[str, str], ...], value: str) -> str:
    for rx, repl in steps:
        value = re.sub(rx, repl, value, flags=re.ASCII)
    return value


def _apply_array(steps: tuple[tuple[str, str], ...], values: pa.Array) -> pa.Array:
    for rx, repl in steps:
        trigger = _TRIGGERS.get(rx)
        if trigger is None:
            values = pc.replace_substring_regex(values, rx, repl)
        else:
            values = rewrite(values, rx, repl, trigger=trigger)
    return values


# -- mobile ---------------------------------------------------------------------------------------------------

_MOBILE_STEPS = ((r"[ ()\-]", ""), (r"^(?:\+86|0086|86)(1\d{10})$", r"\1"))
#: Characters one of which every match of a normalisation step contains (lets columns without them skip the step).
_TRIGGERS = {r"[ ()\-]": " ()-", r"^(?:\+86|0086|86)(1\d{10})$": "+8"}


def is_valid_mobile(number: str) -> bool:
    """True for an allocated 11-digit mainland mobile number (no prefix, no separators)."""
    return len(number) == 11 and _MOBILE.fullmatch(number) is not None


class MobileRecognizer(ColumnarRecognizer):
    """CN_MOBILE (中国大陆手机号码): 11 digits from 1, with or without +86/0086 and separators."""

    entity = "CN_MOBILE"
    patterns: ClassVar = (
        Pattern("mobile, 11 digits (medium)", r"1[3-9]\d{9}", 0.6),
        Pattern("mobile with +86/0086 (medium)", r"(?:\+86|0086|\(\+86\))[ -]?1[3-9]\d{9}|86[ -]1[3-9]\d{9}", 0.7),
        Pattern("mobile grouped 3-4-4 (medium)", r"(?:(?:\+86|0086|\(\+86\))[ -]?)?1[3-9]\d[ -]\d{4}[ -]\d{4}", 0.6),
    )
    context = (
        "手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "移动电话",
        "mobile", "phone", "cell", "tel", "telephone", "contact",
        "shouji", "sjh", "sjhm", "lxdh", "dh", "dianhua",
    )
    validator_strength = 0.6
    min_ratio = 0.7

    def normalize(self, value: str) -> str:
        return _apply(_MOBILE_STEPS, compact(value, ""))

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return _apply_array(_MOBILE_STEPS, values)

    def validate(self, candidate: str) -> bool:
        return is_valid_mobile(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return regex_mask(values, MOBILE_RE)

    def column_veto(self, valid: pa.Array) -> str | None:
        return "sequential counter, not phone numbers" if is_sequential(_numbers(valid)) else None

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 3, 4)


# -- landline -------------------------------------------------------------------------------------------------

_EXT = r"(?:(?:转|分机|[Ee][Xx][Tt]\.?|#|[xX])\s?\d{1,6}|-\d{1,5})?"
_SUBSCRIBER = r"[2-9]\d{6,7}|[2-9]\d{2,3}[ -]\d{4}"
#: One rewrite from every accepted written form to ``0`` + area code + subscriber digits: country code,
#: parentheses, separators and extension dropped (the digit groups may split anywhere: only digits are kept).
_LANDLINE_STEPS = (
    (
        r"^(?:(?:\+86|0086)[ -]?(?:\(0\))?\(?0?|\(?0?)(\d{2,3})\)?[ -]?(\d{3,4})[ -]?(\d{4})"
        r"(?:(?:转|分机|[Ee][Xx][Tt]\.?|#|[xX])\s?\d{1,6}|-\d{1,5})?$",
        r"0\1\2\3",
    ),
)
#: Shape of a normalised landline: 010/02x + 8 digits, or a three-digit code + 7-8 digits.
LANDLINE_SHAPE = r"0[12]\d[2-9]\d{7}|0[3-9]\d{2}[2-9]\d{6,7}"
_LANDLINE_SHAPE = re.compile(LANDLINE_SHAPE, re.ASCII)


@functools.lru_cache(maxsize=1)
def area_codes() -> dict[str, str]:
    """Fixed-line area code (with the trunk 0) → place, from ``data/cn_area_codes.tsv``.

    >>> area_codes()["010"], area_codes()["0512"]
    ('北京市', '江苏省苏州市')
    """
    out = {}
    with open(_DATA / "cn_area_codes.tsv", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, zh = line.rstrip("\n").split("\t")[:2]
            out[code] = zh
    return out


@functools.lru_cache(maxsize=1)
def _area_value_set() -> pa.Array:
    return pa.array(sorted(area_codes()))


def normalize_landline(number: str) -> str:
    """``0`` + area code + subscriber number, digits only (extension and country code dropped).

    >>> normalize_landline("+86 (0)21 6234-5678"), normalize_landline("(0512)65234567-806")
    ('02162345678', '051265234567')
    """
    return _apply(_LANDLINE_STEPS, compact(number, ""))


def is_valid_landline(number: str) -> bool:
    """True for a fixed-line number with a real area code and a subscriber number of the right length."""
    n = normalize_landline(number)
    if _LANDLINE_SHAPE.fullmatch(n) is None:
        return False
    return (n[:3] if n[1] in "12" else n[:4]) in area_codes()


def landline_array(values: pa.Array) -> np.ndarray:
    """Vector form of :func:`is_valid_landline` on normalised candidates."""
    shape = pc.match_substring_regex(values, f"^(?:{LANDLINE_SHAPE})$")
    two = pc.match_substring_regex(values, "^0[12]")
    area = pc.if_else(two, pc.utf8_slice_codeunits(values, 0, 3), pc.utf8_slice_codeunits(values, 0, 4))
    return pc.and_(shape, pc.is_in(area, value_set=_area_value_set())).to_numpy(zero_copy_only=False)


class LandlineRecognizer(ColumnarRecognizer):
    """CN_LANDLINE (固定电话): area code and number with a separator or in parentheses.

    ``0`` + area code (010, 02x, or three digits from phonenumbers' list of
    mainland area codes) + a subscriber number of 8 digits (7 or 8 after a
    three-digit code) that does not start with 0 or 1; ``-``, space or
    ``(0xx)`` between them; ``+86``/``0086`` allowed; an extension after
    ``转``/``ext``/``#``/``-`` is dropped.  Bare digit strings are left to
    :class:`BareLandlineRecognizer`, which needs context.
    """

    entity = "CN_LANDLINE"
    patterns: ClassVar = (
        Pattern("landline 0xx-xxxxxxxx (medium)", rf"0\d{{2,3}}[ -](?:{_SUBSCRIBER}){_EXT}", 0.6),
        Pattern("landline (0xx)xxxxxxxx (medium)", rf"\(0\d{{2,3}}\)[ -]?(?:{_SUBSCRIBER}){_EXT}", 0.65),
        Pattern(
            "landline with +86/0086 (medium)",
            rf"(?:\+86|0086)[ -]?(?:\(0\))?\(?\d{{2,3}}\)?[ -](?:{_SUBSCRIBER}){_EXT}",
            0.65,
        ),
    )
    context = (
        "电话", "固话", "座机", "固定电话", "办公电话", "联系电话", "传真", "总机",
        "tel", "telephone", "phone", "landline", "fax", "office phone",
        "dh", "gddh", "bgdh", "lxdh", "zuoji", "guhua", "dianhua",
    )
    validator_strength = 0.8
    min_ratio = 0.6

    def normalize(self, value: str) -> str:
        return normalize_landline(value)

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return _apply_array(_LANDLINE_STEPS, values)

    def validate(self, candidate: str) -> bool:
        return is_valid_landline(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return landline_array(values)

    def column_veto(self, valid: pa.Array) -> str | None:
        return "sequential counter, not phone numbers" if is_sequential(_numbers(valid)) else None

    def mask(self, value: str) -> str:
        n = self.normalize(value)
        area = 3 if n[1:2] in ("1", "2") else 4
        return n[:area] + "-" + mask_middle(n[area:], 0, 4) if len(n) > area + 4 else mask_middle(n)

    def describe(self, candidate: str) -> dict[str, object]:
        n = self.normalize(candidate)
        if not is_valid_landline(n):
            return {}
        return {"area": area_codes()[n[:3] if n[1] in "12" else n[:4]]}


class BareLandlineRecognizer(LandlineRecognizer):
    """CN_LANDLINE written as bare digits (``01062345678``): any 10-12 digit string starting with 0
    has that shape, so only with a context word."""

    patterns: ClassVar = (Pattern("landline, bare digits (weak)", r"0[1-9]\d{8,10}", 0.3),)
    validator_strength = 0.6
    min_ratio = 0.8
    requires_context = True


# -- device and subscription identifiers ------------------------------------------------------------------------

#: GSMA reporting-body identifiers (first two IMEI digits) in use.
IMEI_REPORTING_BODIES = {
    "01": "PTCRB (USA)", "10": "DECT", "30": "Iridium", "33": "DGPT (France)", "35": "BABT (UK)",
    "44": "BABT (UK)", "45": "NTA (Denmark)", "49": "BZT/BAPT (Germany)", "50": "BZT ETS (Germany)",
    "51": "Cetecom ICT (Germany)", "52": "Cetecom (Germany)", "53": "TÜV (Germany)", "54": "Phoenix (Germany)",
    "86": "TAF (China)", "91": "MSAI (India)", "98": "BABT (UK)", "99": "GHA (global)",
}
_RBI_SET = pa.array(sorted(IMEI_REPORTING_BODIES))


def is_valid_imei(number: str) -> bool:
    """15 digits, an allocated reporting-body prefix and the Luhn check digit."""
    n = compact(number, " -/")
    return len(n) == 15 and n[:2] in IMEI_REPORTING_BODIES and luhn_ok(n)


class ImeiRecognizer(ColumnarRecognizer):
    """IMEI (International Mobile Equipment Identity, 3GPP TS 23.003).

    8-digit type allocation code (TAC, beginning with the two-digit reporting
    body), 6-digit serial, Luhn check digit; written plain or as
    ``AA-BBBBBB-CCCCCC-D``.  The 16-digit IMEISV has no check digit and is not
    matched.
    """

    entity = "IMEI"
    patterns: ClassVar = (
        Pattern("IMEI, 15 digits (medium with Luhn)", r"\d{15}", 0.5),
        Pattern("IMEI grouped 2-6-6-1 (strong with Luhn)", r"\d{2}[ /-]\d{6}[ /-]\d{6}[ /-]\d", 0.8),
    )
    context = (
        "imei", "设备号", "设备识别码", "设备串号", "串号", "手机串号", "移动设备识别码", "device id", "device_id",
        "sbh", "chuanhao",
    )
    validator_strength = 0.85
    min_ratio = 0.6
    strip_chars = " -/"

    def normalize(self, value: str) -> str:
        return compact(value, " -/")

    def validate(self, candidate: str) -> bool:
        return is_valid_imei(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        out = np.zeros(len(values), dtype=bool)
        for idx, m in length_groups(values, (15,)):
            out[idx] = luhn_ok_array(m)
        return out & pc.is_in(pc.utf8_slice_codeunits(values, 0, 2), value_set=_RBI_SET).to_numpy(zero_copy_only=False)

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 8, 0)

    def describe(self, candidate: str) -> dict[str, object]:
        n = self.normalize(candidate)
        return {"tac": n[:8], "reporting_body": IMEI_REPORTING_BODIES[n[:2]]} if is_valid_imei(n) else {}


#: Mobile network codes under MCC 460 (China).
CN_MNC = {
    "00": "China Mobile", "02": "China Mobile", "04": "China Mobile", "07": "China Mobile", "08": "China Mobile",
    "01": "China Unicom", "06": "China Unicom", "09": "China Unicom",
    "03": "China Telecom", "05": "China Telecom", "11": "China Telecom",
    "15": "China Broadnet", "20": "China Tietong",
}
_MNC_RE = "|".join(sorted(CN_MNC))


def is_valid_imsi(number: str) -> bool:
    """15 digits: MCC 460, an allocated MNC, a 10-digit MSIN."""
    n = compact(number, " -")
    return len(n) == 15 and n.isascii() and n.isdigit() and n[:3] == "460" and n[3:5] in CN_MNC


class ImsiRecognizer(ColumnarRecognizer):
    """IMSI (International Mobile Subscriber Identity, ITU-T E.212) of Chinese networks.

    ``460`` (China) + a two-digit MNC of China Mobile, Unicom, Telecom,
    Broadnet or Tietong + a 10-digit subscriber number.  No check digit.
    """

    entity = "IMSI"
    patterns: ClassVar = (Pattern("IMSI 460 + MNC + MSIN (medium)", rf"460(?:{_MNC_RE})\d{{10}}", 0.6),)
    context = ("imsi", "用户识别码", "国际移动用户识别码", "sim", "subscriber id")
    validator_strength = 0.8
    min_ratio = 0.7

    def validate(self, candidate: str) -> bool:
        return is_valid_imsi(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return regex_mask(values, rf"460(?:{_MNC_RE})\d{{10}}")

    def mask(self, value: str) -> str:
        return mask_middle(compact(value, " -"), 5, 2)

    def describe(self, candidate: str) -> dict[str, object]:
        n = compact(candidate, " -")
        return {"carrier": CN_MNC[n[3:5]]} if is_valid_imsi(n) else {}


def is_valid_iccid(number: str) -> bool:
    """19 or 20 digits from ``8986`` (telecom, China) with the Luhn check digit."""
    n = compact(number, " -")
    return len(n) in (19, 20) and n.startswith("8986") and luhn_ok(n)


class IccidRecognizer(ColumnarRecognizer):
    """ICCID (Integrated Circuit Card Identifier, ITU-T E.118) of Chinese SIM cards.

    ``89`` (telecom) + ``86`` (China) + issuer and card serial, 19 or 20
    digits, Luhn check digit last.
    """

    entity = "ICCID"
    patterns: ClassVar = (Pattern("ICCID 8986 + 15/16 digits (strong with Luhn)", r"8986\d{15,16}", 0.8),)
    context = ("iccid", "sim卡号", "sim卡", "sim card", "卡号", "集成电路卡识别码", "simkh")
    validator_strength = 0.95
    min_ratio = 0.6
    strip_chars = " -"

    def normalize(self, value: str) -> str:
        return compact(value, " -")

    def validate(self, candidate: str) -> bool:
        return is_valid_iccid(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        out = np.zeros(len(values), dtype=bool)
        for idx, m in length_groups(values, (19, 20)):
            out[idx] = luhn_ok_array(m) & (m[:, :4] == np.frombuffer(b"8986", dtype=np.uint8)).all(axis=1)
        return out

    def mask(self, value: str) -> str:
        return mask_middle(compact(value, " -"), 6, 2)

    def describe(self, candidate: str) -> dict[str, object]:
        n = compact(candidate, " -")
        return {"issuer": CN_MNC.get(n[4:6], "unknown")} if is_valid_iccid(n) else {}


def is_valid_msisdn(number: str) -> bool:
    """``86`` + an allocated 11-digit mobile number (13 digits, E.164 without ``+``)."""
    n = compact(number, " -")
    return len(n) == 13 and n.startswith("86") and is_valid_mobile(n[2:])


class MsisdnRecognizer(ColumnarRecognizer):
    """MSISDN (E.164 subscriber number as networks and SMS gateways store it): ``86`` + mobile number.

    Millisecond timestamps also have 13 digits but begin with ``1``, never ``86``.  In free text a number
    written ``+86…`` is a mobile number in international form (CN_MOBILE), not a billing MSISDN, so a
    span right after ``+`` is not reported.
    """

    entity = "MSISDN"
    patterns: ClassVar = (Pattern("MSISDN 86 + mobile (medium)", r"86[ ]?1[3-9]\d{9}", 0.6),)
    context = ("msisdn", "用户号码", "计费号码", "手机号", "号码", "mdn", "phone", "mobile")
    validator_strength = 0.7
    min_ratio = 0.7
    strip_chars = " "
    text_left = r"(?<![0-9A-Za-z+＋])"

    def validate(self, candidate: str) -> bool:
        return is_valid_msisdn(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return regex_mask(values, f"86(?:{MOBILE_RE})")

    def column_veto(self, valid: pa.Array) -> str | None:
        return "sequential counter, not phone numbers" if is_sequential(_numbers(valid)) else None

    def mask(self, value: str) -> str:
        return mask_middle(compact(value, " "), 5, 4)


VALUE_RECOGNIZERS = (
    MobileRecognizer,
    LandlineRecognizer,
    BareLandlineRecognizer,
    ImeiRecognizer,
    ImsiRecognizer,
    IccidRecognizer,
    MsisdnRecognizer,
)
