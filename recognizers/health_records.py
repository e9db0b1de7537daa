"""MEDICAL_RECORD_NO (病历号/病案号/住院号/门诊号, MRN).

Hospitals number records as they like (``ZY202500123``, ``0012345``), so the
shape proves nothing: the entity is reported only with a context word in the
column name or comment, or right before the number in text (``住院号ZY2025…``;
the engine keeps only such spans in free text).

More information:

* WS 445-2014《电子病历基本数据集》(住院号, 门(急)诊号, 病案号 data elements)

>>> r = MedicalRecordNoRecognizer()
>>> [s.text for s in r.find_spans("患者张某，住院号ZY202500123，2025-03-01入院；订单号20250301123")]
['ZY202500123']
>>> r.mask("ZY202500123")
'ZY*******23'
"""

from __future__ import annotations

import re
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import (
    CONTEXT_BOOST,
    Pattern,
    Span,
    ValueMatches,
    ValueRecognizer,
    context_hits,
    mask_middle,
)
from recognizers.free_text import cores_and_context
from recognizers.vector_counts import all_of, count_matches

_REPEATED = "^[A-Za-z-]*(?:" + "|".join(f"{d}+" for d in "0123456789") + ")$"


class MedicalRecordNoRecognizer(ValueRecognizer):
    """MEDICAL_RECORD_NO: hospital record, admission and outpatient numbers (context only)."""

    anchored_counts = True  # candidates of the anchored patterns, fewer repeated digits (recognizers.shapes)
    entity = "MEDICAL_RECORD_NO"
    patterns: ClassVar = (
        Pattern("record number, letters + digits (weak)", r"[A-Za-z]{1,4}-?\d{4,15}", 0.4),
        Pattern("record number, digits (very weak)", r"\d{4,20}", 0.3),
    )
    context = (
        "病历号",
        "病案号",
        "住院号",
        "门诊号",
        "就诊号",
        "就诊卡号",
        "诊疗卡号",
        "病人id",
        "患者id",
        "病人编号",
        "患者编号",
        "住院流水号",
        "门诊流水号",
        "住院登记号",
        "病历编号",
        "病案编号",
        "mrn",
        "medical record",
        "medical_record",
        "patient id",
        "patient_id",
        "patientid",
        "patient no",
        "patient_no",
        "admission no",
        "admission_no",
        "inpatient no",
        "inpatient_no",
        "outpatient no",
        "outpatient_no",
        "visit no",
        "visit_no",
        "bah",
        "zyh",
        "mzh",
        "blh",
        "jzh",
        "jzkh",
        "brid",
        "hzid",
    )
    validator_strength = 0.5
    min_ratio = 0.6
    requires_context = True

    def validate(self, candidate: str) -> bool:
        digits = re.sub(r"\D", "", candidate)
        return 4 <= len(digits) <= 20 and len(set(digits)) > 1

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Vectorized: the pattern checks the shape; repeated digits (``0000000``) are set aside."""
        mask = all_of(self.candidate_mask(values), pc.invert(pc.match_substring_regex(values, _REPEATED)))
        return count_matches(
            self.entity, values, mask, pattern=self.patterns[0].name, max_examples=max_examples
        )

    def mask(self, value: str) -> str:
        v = value.strip()
        return mask_middle(v, 2, 2)

    def describe(self, candidate: str) -> dict[str, object]:
        """Length and letter prefix (ZY for 住院, MZ for 门诊 in many hospitals)."""
        return {"length": len(candidate), "prefix": re.match(r"[A-Za-z]*", candidate).group(0) or None}

    def text_prefilter(self) -> tuple[str, ...] | None:
        """A pattern match and a context word must both be in the text (:mod:`recognizers.free_text`)."""
        return cores_and_context(self)

    def find_spans(self, text: str) -> list[Span]:
        # A number is a record number only when the words right before it say so (住院号ZY2025…).  That test
        # comes first: most numbers of a note (dates, phones, IDs) have no such word before them.
        if self._text_re is None or not isinstance(text, str) or not text:
            return []
        out = []
        for m in self._text_re.finditer(text):
            if not self.context_near(text, m.start(), m.start(), window=8):
                continue
            norm = self.normalize(m.group(0))
            near = self.context_near(text, m.start(), m.end())
            if not self.validate(norm) or not near:
                continue
            score = min(1.0, self.span_score(norm) + CONTEXT_BOOST)
            span = Span(self.entity, m.start(), m.end(), m.group(0), score, self.pattern_name(norm))
            span.details["context"] = near
            out.append(span)
        return out

    def context_near(self, text: str, start: int, end: int, window: int = 24) -> list[str]:
        return context_hits(self.context, text[max(0, start - window) : start])
