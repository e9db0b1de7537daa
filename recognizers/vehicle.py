"""Vehicles and drivers: number plates, VINs and driving-licence file numbers.

=================  ===============================================  ========  =========
entity             what                                             strength  min_ratio
=================  ===============================================  ========  =========
CN_LICENSE_PLATE   机动车号牌 GA 36-2018                              0.9       0.6
VIN                车辆识别代号 ISO 3779 / GB 16735 (check digit)     0.95      0.5
CN_DRIVER_FILE_NO  驾驶证档案编号 (12 digits, no check)                0.5       0.8  context
=================  ===============================================  ========  =========

The driving-licence *number* is the holder's resident ID number and is found
by :mod:`recognizers.identity`.

More information:

* https://zh.wikipedia.org/wiki/中华人民共和国机动车号牌
* https://en.wikipedia.org/wiki/Vehicle_identification_number
* GB 16735-2019 道路车辆 车辆识别代号(VIN)

>>> is_valid_plate("苏A·12345"), is_valid_plate("京AD12345"), is_valid_plate("粤B12345F"), is_valid_plate("苏I12345")
(True, True, True, False)
>>> is_valid_vin("1M8GDM9AXKP042788"), is_valid_vin("1M8GDM9A1KP042788")
(True, False)
>>> vin_check_digit("1M8GDM9A_KP042788")
'X'
>>> PlateRecognizer().mask("苏A·12345"), VinRecognizer().mask("LSVAU218XN2183294")
('苏A****5', 'LSV**************')
"""

from __future__ import annotations

import functools
import re
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, mask_middle
from recognizers.columnar import ColumnarRecognizer, UpperCaseCodeRecognizer, regex_mask
from recognizers.idcheck import all_digits, compact, length_groups, weighted_sums

# -- number plates ----------------------------------------------------------------------------------------------

PROVINCES = {
    "京": "北京",
    "津": "天津",
    "沪": "上海",
    "渝": "重庆",
    "冀": "河北",
    "豫": "河南",
    "云": "云南",
    "辽": "辽宁",
    "黑": "黑龙江",
    "湘": "湖南",
    "皖": "安徽",
    "鲁": "山东",
    "新": "新疆",
    "苏": "江苏",
    "浙": "浙江",
    "赣": "江西",
    "鄂": "湖北",
    "桂": "广西",
    "甘": "甘肃",
    "晋": "山西",
    "蒙": "内蒙古",
    "陕": "陕西",
    "吉": "吉林",
    "闽": "福建",
    "贵": "贵州",
    "粤": "广东",
    "青": "青海",
    "藏": "西藏",
    "川": "四川",
    "宁": "宁夏",
    "琼": "海南",
}
_P = "[" + "".join(PROVINCES) + "]"
_L = "[A-HJ-NP-Z]"
_LD = "[A-HJ-NP-Z0-9]"
_SUFFIX = "挂学警港澳领试超"
PLATE_RE = "|".join(
    (
        rf"{_P}{_L}{_LD}{{4}}[A-HJ-NP-Z0-9{_SUFFIX}]",  # ordinary, police, coach, trailer, HK/Macao, consulate
        rf"{_P}{_L}[DABCEFGHJK]{_LD}\d{{4}}",  # small new-energy vehicle
        rf"{_P}{_L}\d{{5}}[DABCEFGHJK]",  # large new-energy vehicle
        r"\d{6}使|使\d{6}",  # embassy
    )
)
_PLATE = re.compile(PLATE_RE, re.ASCII)
_PLATE_SEPARATORS = "·• .-"
_KINDS = {
    "挂": "trailer",
    "学": "coach",
    "警": "police",
    "港": "Hong Kong",
    "澳": "Macao",
    "领": "consulate",
    "试": "test",
    "超": "oversize test",
}


def normalize_plate(plate: str) -> str:
    """Separators (middle dot, space, dash) removed, letters upper-cased.

    >>> normalize_plate(" 苏a·123 45 ")
    '苏A12345'
    """
    return compact(plate, _PLATE_SEPARATORS).upper()


@functools.lru_cache(maxsize=65536)
def is_valid_plate(plate: str) -> bool:
    """True for a plate of GA 36-2018 (ordinary, new-energy, special-use suffix or embassy)."""
    return _PLATE.fullmatch(normalize_plate(plate)) is not None


class PlateRecognizer(ColumnarRecognizer):
    """CN_LICENSE_PLATE (机动车号牌, GA 36-2018).

    Province character + issuing-office letter (no I or O) + five characters
    (ordinary: letters and digits, the last may be 挂 学 警 港 澳 领 试 超);
    new-energy plates have six: ``[DABCEFGHJK]`` + letter/digit + 4 digits
    (small vehicles) or 5 digits + ``[DABCEFGHJK]`` (large); embassy plates
    ``\\d{6}使``/``使\\d{6}``.  A middle dot after the office letter (``苏A·12345``),
    a space or a dash is common in data.
    """

    entity = "CN_LICENSE_PLATE"
    patterns: ClassVar = (
        Pattern(
            "licence plate, province + letter + 5-6 (strong)",
            rf"{_P}[A-Za-z][·•.\- ]?[0-9A-Za-z{_SUFFIX}]{{5,6}}",
            0.85,
        ),
        Pattern("embassy plate (strong)", r"\d{6}使|使\d{6}", 0.85),
    )
    context = (
        "车牌",
        "车牌号",
        "车牌号码",
        "号牌",
        "号牌号码",
        "机动车号牌",
        "plate",
        "license plate",
        "licence plate",
        "plate no",
        "plate_no",
        "cph",
        "hphm",
        "chepai",
    )
    validator_strength = 0.9
    min_ratio = 0.6
    strip_chars = _PLATE_SEPARATORS

    def normalize(self, value: str) -> str:
        return normalize_plate(value)

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.utf8_upper(super().normalize_array(values))

    def validate(self, candidate: str) -> bool:
        return is_valid_plate(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return regex_mask(values, PLATE_RE)

    def mask(self, value: str) -> str:
        return mask_middle(normalize_plate(value), 2, 1)

    def describe(self, candidate: str) -> dict[str, object]:
        p = normalize_plate(candidate)
        if not is_valid_plate(p):
            return {}
        if "使" in p:
            return {"kind": "embassy"}
        new_energy = len(p) == 8
        kind = "new energy" if new_energy else _KINDS.get(p[-1], "ordinary")
        return {"province": PROVINCES[p[0]], "kind": kind, "new_energy": new_energy}


# -- VIN --------------------------------------------------------------------------------------------------------

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_VIN_TABLE = np.full(256, 255, dtype=np.uint8)
for _c, _v in _VIN_VALUES.items():
    _VIN_TABLE[ord(_c)] = _v
_VIN_CHECK_CODES = np.frombuffer(b"0123456789X", dtype=np.uint8)
VIN_RE = r"[A-HJ-NPR-Z0-9]{17}"
_VIN_REGIONS = (
    ("L", "China"),
    ("J", "Japan"),
    ("K", "Korea"),
    ("W", "Germany"),
    ("V", "France/Spain/Austria"),
    ("S", "United Kingdom/Central Europe"),
    ("Z", "Italy"),
    ("Y", "Nordic countries"),
    ("1", "United States"),
    ("4", "United States"),
    ("5", "United States"),
    ("2", "Canada"),
    ("3", "Mexico"),
    ("9", "Brazil"),
    ("M", "India"),
)


def vin_check_digit(vin: str) -> str:
    """Check digit (position 9) of a 17-character VIN; the character at position 9 is ignored."""
    total = sum(_VIN_VALUES[c] * int(w) for c, w in zip(vin[:8] + "0" + vin[9:], _VIN_WEIGHTS, strict=True))
    return "0123456789X"[total % 11]


@functools.lru_cache(maxsize=65536)
def is_valid_vin(vin: str) -> bool:
    """17 characters without I, O, Q, at least one letter, a model-year code (position 10) that is not 0, U or Z,
    and the check digit at position 9 (mandatory in China under GB 16735)."""
    v = compact(vin, " -").upper()
    if len(v) != 17 or not all(c in _VIN_VALUES for c in v):
        return False
    if v.isdigit() or v[9] in "0UZ":
        return False
    return vin_check_digit(v) == v[8]


def vin_array(values: pa.Array) -> np.ndarray:
    """Vector form of :func:`is_valid_vin` on upper-cased candidates."""
    out = np.zeros(len(values), dtype=bool)
    for idx, m in length_groups(values, (17,)):
        v = _VIN_TABLE[m]
        ok = (v != 255).all(axis=1)
        total = weighted_sums(v, _VIN_WEIGHTS[:, None], zero=0)[:, 0]
        ok &= _VIN_CHECK_CODES[total % 11] == m[:, 8]
        ok &= ~all_digits(m)
        ok &= ~np.isin(m[:, 9], np.frombuffer(b"0UZ", dtype=np.uint8))
        out[idx] = ok
    return out


class VinRecognizer(UpperCaseCodeRecognizer):
    """VIN (车辆识别代号, ISO 3779; check digit as GB 16735 requires).

    17 characters from digits and letters without I, O and Q: world
    manufacturer identifier (3; Chinese WMIs begin with ``L``), vehicle
    descriptor (5), check digit, model year, plant, serial.  Check digit:
    transliterate letters (A-H → 1-8, J-N → 1-5, P → 7, R → 9, S-Z → 2-9),
    weights 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2, sum mod 11, 10 → ``X``.
    """

    entity = "VIN"
    #: Upper case as printed, or lower case as some systems store it; never mixed (``ggs0UVv38j28HN5P5``
    #: inside a base64 blob passes the check digit one time in eleven).
    patterns: ClassVar = (
        Pattern(
            "VIN, 17 characters (strong with check digit)", r"[A-HJ-NPR-Z0-9]{17}|[a-hj-npr-z0-9]{17}", 0.85
        ),
    )
    context = (
        "车架号",
        "车辆识别代号",
        "车辆识别码",
        "车辆识别代码",
        "底盘号",
        "vin",
        "vin code",
        "frame number",
        "chassis",
        "cjh",
        "clsbdh",
        "cheliangshibie",
    )
    validator_strength = 0.95
    min_ratio = 0.5

    def validate(self, candidate: str) -> bool:
        return is_valid_vin(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return vin_array(values)

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 3, 0)

    def describe(self, candidate: str) -> dict[str, object]:
        v = self.normalize(candidate)
        if not is_valid_vin(v):
            return {}
        region = next((name for prefix, name in _VIN_REGIONS if v.startswith(prefix)), "other")
        return {"wmi": v[:3], "region": region}


# -- driving licence file number -----------------------------------------------------------------------------------

_REPEATED_12 = "|".join(f"{d}{{12}}" for d in "0123456789")


@functools.lru_cache(maxsize=65536)
def is_valid_driver_file_no(number: str) -> bool:
    """Twelve digits, not one digit repeated (the number has no check digit)."""
    n = compact(number, " -")
    return len(n) == 12 and n.isascii() and n.isdigit() and len(set(n)) > 1


class DriverFileNoRecognizer(ColumnarRecognizer):
    """CN_DRIVER_FILE_NO (驾驶证档案编号): the 12-digit file number printed on the driving licence's
    secondary page.  Any 12-digit number has this shape, so only with context."""

    entity = "CN_DRIVER_FILE_NO"
    patterns: ClassVar = (Pattern("driving licence file number, 12 digits (very weak)", r"\d{12}", 0.2),)
    context = (
        "档案编号",
        "驾驶证档案编号",
        "驾驶证档案号",
        "档案号",
        "驾照档案",
        "driver file",
        "licence file",
        "license file",
        "file number",
        "file_no",
        "dabh",
        "dah",
        "jszdabh",
    )
    validator_strength = 0.5
    min_ratio = 0.8
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return is_valid_driver_file_no(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return regex_mask(values, r"\d{12}") & ~regex_mask(values, _REPEATED_12)

    def mask(self, value: str) -> str:
        return mask_middle(compact(value, " -"), 2, 2)


VALUE_RECOGNIZERS = (PlateRecognizer, VinRecognizer, DriverFileNoRecognizer)
