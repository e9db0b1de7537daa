"""Travel documents without a check digit: CN_PASSPORT and the CN_HMT_PERMIT travel permits.

Passport numbers and the permits between the mainland and Hong Kong, Macao and
Taiwan are a letter and digits (or digits alone) with no public check digit:
product codes and batch numbers have the same shapes.  Every recognizer here
has ``requires_context``: the column name or comment, or in free text a word
near the value, must name the document.

More information:

* https://zh.wikipedia.org/wiki/中华人民共和国护照
* https://zh.wikipedia.org/wiki/港澳居民来往内地通行证
* https://zh.wikipedia.org/wiki/台湾居民来往大陆通行证

>>> PassportRecognizer().is_valid("EA1234567"), HkMacaoPermitRecognizer().is_valid("H12345678")
(True, True)
"""

from __future__ import annotations

import re
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, mask_middle
from recognizers.columnar import ColumnarRecognizer, UpperCaseCodeRecognizer, regex_mask
from recognizers.idcheck import compact
from recognizers.identity_resident import GENERIC_DOCUMENT_WORDS

# -- travel permits ------------------------------------------------------------------------------------------

_HK_MACAO_RE = r"[HM]\d{8}|[HM]\d{10}|C\d{8}|C[A-HJ-NP-Z]\d{7}|W\d{8}|L\d{8}"
_TAIWAN_RE = r"\d{8}|\d{10}|\d{8}\([0-9A-Z]{1,2}\)"
_HK_MACAO, _TAIWAN = re.compile(_HK_MACAO_RE, re.ASCII), re.compile(_TAIWAN_RE, re.ASCII)
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
        Pattern(
            "HK/Macao/Taiwan travel permit, letter + digits (weak)",
            r"[HMCWLhmcwl][0-9A-HJ-NP-Za-hj-np-z]\d{7}(?:\d{2})?",
            0.4,
        ),
    )
    context = (
        "通行证",
        "回乡证",
        "港澳通行证",
        "往来港澳",
        "来往内地",
        "往来台湾",
        "大通证",
        "赴台证",
        "home return permit",
        "home-return permit",
        "travel permit",
        "exit-entry permit",
        "hk macao permit",
        "txz",
        "txzh",
        "hxz",
        "gatxz",
        "huixiangzheng",
        "tongxingzheng",
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
        return regex_mask(values, _HK_MACAO_RE) & ~regex_mask(values, r"[A-Z]0+")

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
    patterns: ClassVar = (
        Pattern("Taiwan resident travel permit, 8 or 10 digits (very weak)", _TAIWAN_RE, 0.2),
    )
    context = (
        "台胞证",
        "台湾居民来往大陆通行证",
        "台湾通行证",
        "台湾居民",
        "taibaozheng",
        "tbz",
        "tbzh",
        "mtp",
        "taiwan compatriot",
        "taiwan permit",
    )
    validator_strength = 0.4
    min_ratio = 0.8
    requires_context = True

    def normalize(self, value: str) -> str:
        return compact(value, " -").upper()

    def validate(self, candidate: str) -> bool:
        return _TAIWAN.fullmatch(candidate) is not None and candidate[:8].strip("0") != ""

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return regex_mask(values, _TAIWAN_RE) & ~regex_mask(values, r"0{8}.*")

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 2, 2)


# -- passports -----------------------------------------------------------------------------------------------

_PASSPORT_RE = r"E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8}|[DSP]E\d{7}"
_PASSPORT = re.compile(_PASSPORT_RE, re.ASCII)
_PASSPORT_KINDS = {
    "E": "ordinary passport (electronic, 2012-)",
    "G": "ordinary passport (2007-2012)",
    "DE": "diplomatic passport",
    "SE": "service passport",
    "PE": "public affairs passport",
}


class PassportRecognizer(UpperCaseCodeRecognizer):
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
        "护照",
        "护照号",
        "护照号码",
        "因公护照",
        "外交护照",
        "passport",
        "passport no",
        "passport_no",
        "huzhao",
        "hz",
        "hzh",
        "hzhm",
    ) + GENERIC_DOCUMENT_WORDS
    validator_strength = 0.7
    min_ratio = 0.7
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return _PASSPORT.fullmatch(candidate) is not None

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return regex_mask(values, _PASSPORT_RE)

    def mask(self, value: str) -> str:
        return mask_middle(self.normalize(value), 2, 2)

    def describe(self, candidate: str) -> dict[str, object]:
        c = self.normalize(candidate)
        if not self.is_valid(c):
            return {}
        return {"document": _PASSPORT_KINDS[c[:2]] if c[:2] in _PASSPORT_KINDS else _PASSPORT_KINDS[c[0]]}
