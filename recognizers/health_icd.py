"""ICD10_CODE (国际疾病分类 ICD-10, GB/T 14396; 国家临床版 2.0 and 医保版 extensions).

A code is a letter, two digits (the *category*, ``E11``), and optionally a dot
and up to three more characters (``E11.9``, ``E11.900``).  The Chinese clinical
edition 2.0 and the national insurance edition extend it with ``x`` and three
digits (``E11.900x001``), use ``x`` as a placeholder where WHO has no
subdivision (``I10.x00x002``, ``G20.x03``) or two of them after the category
(``A38xx01``).  Aetiology/manifestation pairs join a dagger code and an
asterisk code (``A01.003+G01*``, ``E11.401+G63.2*``).

A code is valid when its category is one of the 2,105 ICD-10 three-character
categories (``recognizers/data/icd10_categories.tsv``: the Chinese category
names of chaseliu/ICD-10-CN, MIT, plus the WHO V–Z and U chapters).  Four in
five letter-and-two-digit strings are categories, so validation alone proves
little for the bare three-character form: room numbers (``B12``), grades and
seat numbers (``A01``) look the same, and firmware versions (``V10.2``) look
like transport-accident codes.  A column of bare categories (or of ``V``
codes alone) therefore counts only when a third of its codes are other dotted
codes (``I10`` beside ``E11.900``), or with the column name or comment naming ICD codes
(:class:`IcdCategoryRecognizer`); in free text a bare category needs a context
word nearby (诊断, ICD).  Prices (``12.50``) and versions (``1.2.3``) lack
the letter.

More information:

* https://icd.who.int/browse10/2019/en
* 国家卫生健康委《疾病分类与代码（国家临床版2.0）》(2019), 国家医保局《医疗保障疾病诊断分类及代码》
* https://github.com/chaseliu/ICD-10-CN

>>> r = IcdCodeRecognizer()
>>> [r.validate(c) for c in ("E11.900x001", "I10.x00x002", "G20.x03", "A38xx01", "A01.003+G01*", "B12.1")]
[True, True, True, True, True, False]
>>> r.mask("E11.900x001")
'E11********'
>>> r.describe("E11.401+G63.2*")["category_name"]
'非胰岛素依赖型糖尿病'
>>> [s.text for s in r.find_spans("诊断：2型糖尿病(E11.900)，高血压(I10)；B12室")]
['E11.900', 'I10']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, Span, ValueMatches, ValueRecognizer, context_hits, mask_middle
from recognizers.free_text import pattern_cores
from recognizers.health_lexicon import icd_categories, icd_category_name

#: One ICD-10 code: category, optional subdivision and clinical-edition extension.
ICD_CODE = r"[A-Z]\d{2}(?:\.[0-9Xx]\d{0,2}(?:[Xx]\d{3})?|[Xx]{2}\d{2})?"
#: A code with an optional dagger/asterisk mark or dagger+asterisk pair.
ICD_FULL = rf"{ICD_CODE}(?: ?[+†] ?{ICD_CODE}\*|[+†*])?"

ICD_CONTEXT = (
    "icd",
    "icd10",
    "icd-10",
    "icd_10",
    "icd编码",
    "icd代码",
    "疾病编码",
    "疾病代码",
    "诊断编码",
    "诊断代码",
    "主要诊断编码",
    "出院诊断编码",
    "diagnosis code",
    "diag_code",
    "diag code",
    "dx_code",
    "dxcode",
    "jbbm",
    "jbdm",
    "zdbm",
    "zddm",
)
_TEXT_CONTEXT = ICD_CONTEXT + ("诊断", "diagnosis", "dx", "诊断为", "确诊")
_CODE_RE = re.compile(ICD_CODE)
#: Share of dotted codes a column needs before its bare three-character codes count too.
BARE_CODE_SUPPORT = 0.3


def icd_codes(candidate: str) -> list[str]:
    """The codes in a candidate (two for a dagger/asterisk pair).

    >>> icd_codes("A01.003+G01*")
    ['A01.003', 'G01']
    """
    return _CODE_RE.findall(candidate)


def is_valid_icd10(candidate: str) -> bool:
    """True when every code in ``candidate`` has a real ICD-10 category."""
    codes = icd_codes(candidate)
    cats = icd_categories()
    return bool(codes) and all(c[:3].upper() in cats for c in codes)


def _is_bare(candidate: str) -> bool:
    return "." not in candidate and "x" not in candidate.lower()


@functools.lru_cache(maxsize=1)
def _category_array() -> pa.Array:
    return pa.array(sorted(icd_categories()))


class IcdCodeRecognizer(ValueRecognizer):
    """ICD10_CODE: ICD-10 codes with the Chinese clinical and insurance extensions."""

    anchored_counts = True  # counts only candidates of the anchored patterns (recognizers.shapes)
    entity = "ICD10_CODE"
    patterns: ClassVar = (
        Pattern(
            "ICD-10 code with subdivision or extension (medium)",
            rf"[A-Z]\d{{2}}(?:\.[0-9Xx]\d{{0,2}}(?:[Xx]\d{{3}})?|[Xx]{{2}}\d{{2}})(?: ?[+†] ?{ICD_CODE}\*|[+†*])?",
            0.7,
        ),
        Pattern(
            "ICD-10 three-character category (very weak)",
            rf"[A-Z]\d{{2}}(?: ?[+†] ?{ICD_CODE}\*|[+†*])?",
            0.3,
        ),
    )
    context = ICD_CONTEXT
    #: Rooms, beds, seats, grades, SKUs and model numbers share the letter-and-digits shape (B12, A01).
    negative_context = (
        "room",
        "房间",
        "房号",
        "床号",
        "bed",
        "seat",
        "座位",
        "班级",
        "grade",
        "年级",
        "sku",
        "型号",
        "model",
        "version",
        "版本",
        "货位",
        "库位",
        "bin",
    )
    validator_strength = 0.85
    min_ratio = 0.6

    def validate(self, candidate: str) -> bool:
        return is_valid_icd10(candidate)

    def mask(self, value: str) -> str:
        v = value.strip()
        return mask_middle(v, 3, 0) if len(v) > 3 else "*" * len(v)

    def describe(self, candidate: str) -> dict[str, object]:
        codes = icd_codes(candidate)
        if not codes:
            return {}
        return {
            "category": codes[0][:3],
            "category_name": icd_category_name(codes[0]),
            "manifestation": codes[1][:3] if len(codes) > 1 else None,
        }

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Vectorized: the category is looked up with ``is_in``; bare categories count only beside dotted codes.

        Dagger/asterisk pairs (a few per cent of values) have their second code checked in Python.
        """
        n = len(values)
        if n == 0:
            return ValueMatches(self.entity, n, 0, [])
        cand = values.filter(self.candidate_mask(values))
        if len(cand) == 0:
            return ValueMatches(self.entity, n, 0, [])
        ok = pc.is_in(pc.utf8_slice_codeunits(cand, 0, 3), value_set=_category_array())
        paired = pc.match_substring_regex(cand, r"[+†] ?[A-Z]")
        if pc.any(paired).as_py():
            vc = pc.value_counts(cand.filter(pc.and_(ok, paired)))
            bad = [v for v in vc.field("values").to_pylist() if not is_valid_icd10(v)]
            if bad:
                ok = pc.and_(ok, pc.invert(pc.is_in(cand, value_set=pa.array(bad))))
        valid = cand.filter(ok)
        # Bare categories, and V-chapter codes that read like versions (V10.2), count only beside other codes.
        bare_mask = pc.match_substring_regex(valid, r"^[A-Z]\d{2}[+†*]?$|^V\d{2}\.\d{1,3}$")
        bare = int(pc.sum(pc.cast(bare_mask, pa.int64())).as_py() or 0)
        dotted = len(valid) - bare
        if dotted == 0:
            return ValueMatches(self.entity, n, 0, [], details={"bare_categories": bare} if bare else {})
        counted = dotted + (bare if dotted / (dotted + bare) >= BARE_CODE_SUPPORT else 0)
        examples = valid.filter(pc.invert(bare_mask)).slice(0, max_examples).to_pylist()
        return ValueMatches(
            self.entity,
            n,
            counted,
            examples,
            pattern=self.patterns[0].name,
            details={"dotted_codes": dotted, "bare_categories": bare},
        )

    def analyze_segments(self, columns: Sequence[pa.Array], *, max_examples: int = 3) -> list[ValueMatches]:
        """:meth:`analyze_values` of each column, called only for those holding a candidate (one search over
        all: :meth:`~recognizers.base.ValueRecognizer._screened_segments`); the others count nothing."""
        return self._screened_segments(columns, max_examples, IcdCodeRecognizer)

    def text_prefilter(self) -> str | None:
        """The pattern cores: spans are pattern matches (bare categories only beside a cue)."""
        return pattern_cores(self)

    def find_spans(self, text: str) -> list[Span]:
        spans = super().find_spans(text)
        if all(_is_bare(sp.text) for sp in spans):
            # Bare categories alone (A01, B12) need a word such as 诊断/ICD right beside them.
            spans = [sp for sp in spans if self.context_near(text, sp.start, sp.end, window=12)]
        return spans

    def context_near(self, text: str, start: int, end: int, window: int = 24) -> list[str]:
        return context_hits(
            _TEXT_CONTEXT, text[max(0, start - window) : start] + " " + text[end : end + window]
        )


class IcdCategoryRecognizer(IcdCodeRecognizer):
    """ICD10_CODE: a column of bare three-character categories, reported only when its name says ICD."""

    anchored_counts = True  # the base class's count (recognizers.shapes)
    patterns: ClassVar = (
        Pattern("ICD-10 three-character category in an ICD column (weak)", r"[A-Z]\d{2}[+†*]?", 0.4),
    )
    requires_context = True
    validator_strength = 0.7
    min_ratio = 0.8

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        return ValueRecognizer.analyze_values(self, values, max_examples=max_examples)

    def text_prefilter(self) -> tuple[str, ...]:
        """No row: :meth:`find_spans` reports nothing in text (see :mod:`recognizers.free_text`)."""
        return ()

    def find_spans(self, text: str) -> list[Span]:
        return []  # free text is IcdCodeRecognizer's
