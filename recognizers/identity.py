"""Identity documents of people and organisations in China: the family index.

One class per document (python-stdnum style), in one module per kind of
number; each module and class docstring is the spec:

* :mod:`recognizers.identity_resident` — resident ID and the residence permits that share its layout;
* :mod:`recognizers.identity_travel` — passports and travel permits (no check digit, context only);
* :mod:`recognizers.identity_foreigner` — foreigner permanent residence ID;
* :mod:`recognizers.identity_uscc` — unified social credit code.

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

from recognizers.identity_foreigner import (
    ForeignerPrRecognizer,
    countries,
    is_valid_foreigner_pr,
    validate_foreigner_pr,
)
from recognizers.identity_resident import (
    GENERIC_DOCUMENT_WORDS,
    HmtResidencePermitRecognizer,
    ResidentIdRecognizer,
    birth_date,
    check_char,
    compact_id,
    id_layout_array,
    is_valid_hmt_residence_permit,
    is_valid_resident_id,
    to_18,
    validate_hmt_residence_permit,
    validate_resident_id,
)
from recognizers.identity_travel import HkMacaoPermitRecognizer, PassportRecognizer, TaiwanPermitRecognizer
from recognizers.identity_uscc import (
    USCC_ALPHABET,
    UsccRecognizer,
    is_valid_uscc,
    organization_code_ok,
    uscc_check_char,
    validate_uscc,
)

VALUE_RECOGNIZERS = (
    ResidentIdRecognizer,
    HmtResidencePermitRecognizer,
    HkMacaoPermitRecognizer,
    TaiwanPermitRecognizer,
    PassportRecognizer,
    ForeignerPrRecognizer,
    UsccRecognizer,
)

__all__ = [
    "GENERIC_DOCUMENT_WORDS",
    "USCC_ALPHABET",
    "VALUE_RECOGNIZERS",
    "ForeignerPrRecognizer",
    "HkMacaoPermitRecognizer",
    "HmtResidencePermitRecognizer",
    "PassportRecognizer",
    "ResidentIdRecognizer",
    "TaiwanPermitRecognizer",
    "UsccRecognizer",
    "birth_date",
    "check_char",
    "compact_id",
    "countries",
    "id_layout_array",
    "is_valid_foreigner_pr",
    "is_valid_hmt_residence_permit",
    "is_valid_resident_id",
    "is_valid_uscc",
    "organization_code_ok",
    "to_18",
    "uscc_check_char",
    "validate_foreigner_pr",
    "validate_hmt_residence_permit",
    "validate_resident_id",
    "validate_uscc",
]
