"""LAB_RESULT (检验结果: a laboratory test, its value and unit).

In text and in short values a result is a test name, a value and usually a
unit: ``HbA1c 7.2%``, ``血糖 6.1 mmol/L``, ``ALT 45 U/L``, ``白细胞5.6×10^9/L``,
``肌酐↑ 132μmol/L`` (``lab_tests.tsv`` lists ~300 Chinese names and the
abbreviations printed on Chinese reports).  Short or common names (K, Na, TP,
PT, 葡萄糖) need the unit after the value; a value with a unit used only in
clinical chemistry and haematology (mmol/L, μmol/L, U/L, ×10^9/L, ng/mL …)
counts without a name.  Values must be numbers; ``血糖控制良好`` is no result.
Qualitative tests (serology, nucleic acid tests, cultures, urine strips: flag
``q`` in ``lab_tests.tsv``) also take a qualitative result or a titre after
their name: ``TPPA 阳性``, ``HIV抗体 阴性``, ``尿蛋白 ++``, ``RPR 1:16``.

A column of bare numbers (``6.1``) is a result only when the table says so:
:class:`LabResultColumns` reports a numeric or qualitative (阴性/阳性, +/-)
column named like a result (检验结果, 化验结果, jyjg, lab_result …), or named
generically (result, result_value, 结果, value) in a table whose name or another
column holds test names.

More information:

* 《全国临床检验操作规程》(第4版); GB/T 35273-2020 Table B.2 (检验报告)

>>> r = LabResultRecognizer()
>>> [s.text for s in r.find_spans("复查HbA1c 7.2%，空腹血糖6.1mmol/L，ALT 45 U/L，白细胞5.6×10^9/L；K 4.2，血糖控制良好")]
['HbA1c 7.2%', '空腹血糖6.1mmol/L', 'ALT 45 U/L', '白细胞5.6×10^9/L']
>>> [r.validate(v) for v in ("6.1 mmol/L", "血糖 6.1", "K 4.2 mmol/L", "K 4.2", "12.50", "5 mg")]
[True, True, True, False, False, False]
>>> [r.validate(v) for v in ("TPPA 阳性", "RPR 1:16", "尿蛋白 ++", "HIV-1 RNA 12500 copies/mL", "血糖 阳性", "阳性")]
[True, True, True, True, False, False]
>>> r.mask("血糖 6.1 mmol/L")
'血糖 *.* mmol/L'
"""

from __future__ import annotations

import functools
import re
from typing import ClassVar

import pyarrow as pa

from recognizers.base import Pattern, Span, ValueRecognizer
from recognizers.context import TableContext
from recognizers.decision import metadata_words
from recognizers.findings import EntityFinding
from recognizers.free_text import relaxed
from recognizers.health_lexicon import read_tsv, trie_regex
from recognizers.vector_counts import shaped_and_short

#: Units of clinical chemistry, haematology and immunology results.
LAB_UNITS = (
    "mmol/L",
    "μmol/L",
    "µmol/L",
    "umol/L",
    "U/L",
    "IU/L",
    "KU/L",
    "mg/dL",
    "ng/mL",
    "pg/mL",
    "μg/L",
    "ug/L",
    "mIU/mL",
    "mIU/L",
    "μIU/mL",
    "uIU/mL",
    "pmol/L",
    "nmol/L",
    "copies/mL",
    "拷贝/mL",
    "IU/mL",
    "U/mL",
    "cells/μL",
    "个/μL",
    "/HPF",
    "/μL",
    "/uL",
    "mL/min/1.73m2",
    "mL/min/1.73m²",
    "fL",
    "mm/h",
    "×10^9/L",
    "x10^9/L",
    "X10^9/L",
    "*10^9/L",
    "×10⁹/L",
    "10^9/L",
    "×10^12/L",
    "x10^12/L",
    "*10^12/L",
    "×10¹²/L",
    "10^12/L",
    "×10^9/l",
    "g/dL",
    "mg/L",
)
#: Units that also mean other things (concentrations of products, shares, seconds): only after a test name.
NAMED_UNITS = ("g/L", "%", "s", "秒", "pg", "kPa", "mmHg", "mg/mL", "ng/L")
_VALUE = r"(?:[<>≤≥]\s*)?\d+(?:\.\d+)?"
_FLAG = r"(?:\s*[↑↓](?![A-Za-z0-9]))?"
_SEP = r"\s*(?:[:：=]|为|是)?\s*"
_NUMERIC = re.compile(r"[<>≤≥]?\s*[+-]?\d+(?:\.\d+)?(?:\s*[↑↓HL])?")
#: A qualitative result or a titre, after the name of a qualitative test only.
_QUAL_RESULT = (
    r"(?:(?:弱阳性|可疑阳性|阴性|阳性|(?i:non-?reactive|reactive|negative|positive|neg|pos))"
    r"(?:\s*[（(][+\-−±]{1,4}[)）])?|\+{1,4}|±|[（(][+\-−±]{1,4}[)）]|1\s*[:：∶]\s*\d{1,5})"
)
_QUALITATIVE = re.compile(r"阴性|阳性|弱阳性|可疑阳性|[+]{1,4}|[-−]|±|negative|positive|neg|pos", re.I)


@functools.lru_cache(maxsize=1)
def _lab_names() -> tuple[list[str], list[str]]:
    """(names that stand with a bare value, names that need a unit); qualitative tests are among the first."""
    plain, needs_unit = [], []
    for row in read_tsv("lab_tests.tsv"):
        (needs_unit if row[1:2] == ["1"] else plain).append(row[0])
    return plain, needs_unit


@functools.lru_cache(maxsize=1)
def _qualitative_names() -> list[str]:
    return [row[0] for row in read_tsv("lab_tests.tsv") if row[1:2] == ["q"]]


@functools.lru_cache(maxsize=1)
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    plain, needs_unit = _lab_names()
    units_all = trie_regex(LAB_UNITS + NAMED_UNITS)
    lab_units = trie_regex(LAB_UNITS)
    # qualitative results first, so that a titre (RPR 1:16) is not cut to the number before its colon
    named = (
        rf"(?:{trie_regex(_qualitative_names())}){_SEP}{_QUAL_RESULT}"
        rf"|(?:{trie_regex(plain)}){_FLAG}{_SEP}{_VALUE}(?:\s*(?i:{units_all}))?{_FLAG}"
        rf"|(?:{trie_regex(needs_unit)}){_FLAG}{_SEP}{_VALUE}\s*(?i:{units_all}){_FLAG}"
    )
    text = rf"(?<![A-Za-z0-9.])(?:(?:{named})|{_VALUE}\s*(?i:{lab_units}){_FLAG})(?![0-9A-Za-z])"
    return re.compile(text), re.compile(text.replace("(?<![A-Za-z0-9.])", "", 1))


@functools.lru_cache(maxsize=1)
def _describe_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    plain, needs_unit = _lab_names()
    units = trie_regex(LAB_UNITS + NAMED_UNITS)
    return re.compile(trie_regex(plain + needs_unit)), re.compile(rf"\d\s*((?i:{units}))[\s↑↓]*$")


def lab_spans(text: str) -> list[tuple[int, int]]:
    """Spans of test results (name + value [+ unit], or value + laboratory unit) in text."""
    return [m.span() for m in _regexes()[0].finditer(text)]


def is_lab_value(value: str) -> bool:
    """True when a whole short value is a test result with a name or a laboratory unit."""
    return _regexes()[1].fullmatch(value.strip()) is not None


#: A lab value's shape: a Chinese name before a number, an ASCII name and a separator before a number, or a
#: unit after one.
_CANDIDATE = (
    "(?:阴性|阳性|(?i:reactive|negative|positive|neg|pos)|[+±]|[)）])$|"
    "[\u4e00-\u9fff][^0-9]{0,4}[<>≤≥]?\\s*\\d|^[A-Za-zα-ωγβ][A-Za-z0-9()/%+\\-]{0,15}[↑↓]?[\\s:：=]+[<>≤≥]?\\s*\\d|"
    "\\d\\s*(?:%|[munpµμ]?(?:mol|g|IU|U)|[KkmM]?U/|IU|[×xX*]\\s*10|10\\^|fL|s$|秒|mm/h|copies|拷贝|cells|个/|/HPF|/[uμ]L|mL/min|kPa|mmHg)"
)


class LabResultRecognizer(ValueRecognizer):
    """LAB_RESULT: laboratory test results (name + value + unit, or value + laboratory unit)."""

    entity = "LAB_RESULT"
    patterns: ClassVar = (
        Pattern(
            "lab test name + value [+ unit] (medium)",
            "[\u4e00-\u9fffA-Za-z]" + r"[^\n]{0,20}\d+(?:\.\d+)?[^\n]{0,20}",
            0.7,
        ),
        Pattern("value + laboratory unit (weak)", r"[<>]?\d+(?:\.\d+)?\s*[A-Za-zμµ×x*/^0-9⁹¹²]{1,16}", 0.5),
    )
    context = (
        "检验",
        "化验",
        "检验结果",
        "化验结果",
        "检测结果",
        "检验值",
        "结果值",
        "实验室检查",
        "lab",
        "laboratory",
        "lab result",
        "lab_result",
        "test result",
        "result_value",
        "jyjg",
        "hyjg",
        "jyxm",
        "jcjg",
    )
    validator_strength = 0.8
    min_ratio = 0.5

    counted_shapes = ((_CANDIDATE, 48),)  # candidate_mask's (recognizers.shapes)

    def candidate_mask(self, values: pa.Array) -> pa.Array:
        return shaped_and_short(values, _CANDIDATE, 48)

    def validate(self, candidate: str) -> bool:
        return is_lab_value(candidate)

    def pattern_name(self, candidate: str) -> str:
        return self.patterns[1 if candidate[:1].isdigit() or candidate[:1] in "<>≤≥" else 0].name

    def mask(self, value: str) -> str:
        return re.sub(r"\d", "*", value.strip())

    def describe(self, candidate: str) -> dict[str, object]:
        """The test name and unit (never the value).

        >>> LabResultRecognizer().describe("血糖 6.1 mmol/L")
        {'test': '血糖', 'unit': 'mmol/L'}
        """
        name_re, unit_re = _describe_regexes()
        name, unit = name_re.match(candidate.strip()), unit_re.search(candidate.strip())
        return {"test": name.group(0) if name else None, "unit": unit.group(1) if unit else None}

    def text_prefilter(self) -> str | None:
        """RE2 form of the lab-result regex."""
        return relaxed(_regexes()[0])

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = []
        for s, e in lab_spans(text or ""):
            near = self.context_near(text, s, e)
            out.append(Span(self.entity, s, e, text[s:e], 0.8 if near else 0.7, self.pattern_name(text[s:e])))
        return out


#: Column names that say "a laboratory result" on their own.
RESULT_WORDS = (
    "检验结果",
    "化验结果",
    "检验值",
    "化验值",
    "检验数值",
    "结果值",
    "定量结果",
    "lab_result",
    "lab result",
    "lab_value",
    "lab value",
    "labvalue",
    "labresult",
    "jyjg",
    "hyjg",
    "jyz",
)
#: Generic result names: a result only in a table about tests.
GENERIC_RESULT_WORDS = (
    "result",
    "result_value",
    "resultvalue",
    "value",
    "结果",
    "检测结果",
    "test_result",
    "数值",
    "测定值",
    "检测值",
    "jg",
)
TABLE_WORDS = ("检验", "化验", "lab", "laboratory", "检验报告", "化验单", "lis", "jybg", "hyd")


class LabResultColumns:
    """LAB_RESULT for numeric or qualitative columns that the table names as laboratory results."""

    entities: ClassVar[tuple[str, ...]] = ("LAB_RESULT",)

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        out: dict[str, list[EntityFinding]] = {}
        name_cols: list[str] | None = None  # read once a column is named as a result: most tables have none
        table_words = metadata_words(TABLE_WORDS, ctx.table_name, ctx.table_comment)
        for meta in ctx.columns:
            if any(f.type == "LAB_RESULT" for f in ctx.findings.get(meta.name, [])):
                continue
            strong = metadata_words(RESULT_WORDS, meta.name, meta.comment)
            generic = metadata_words(GENERIC_RESULT_WORDS, meta.name, meta.comment)
            if not strong and not generic:
                continue
            if name_cols is None:
                name_cols = self._test_name_columns(ctx)
            if meta.name in name_cols or (not strong and not (generic and (name_cols or table_words))):
                continue
            ratio, n, examples = _result_share(ctx.table.column(meta.name))
            if n == 0 or ratio < 0.6:
                continue
            why = (
                f"{round(ratio * n)}/{n} sampled values are numbers or qualitative results and the column is named "
                f"as a laboratory result ({', '.join(strong or generic)})"
            )
            details: dict[str, object] = {}
            if not strong:
                why += (
                    f"; the table holds test names in {', '.join(name_cols)}"
                    if name_cols
                    else f"; the table is about laboratory tests ({', '.join(table_words)})"
                )
                details["test_name_columns"] = sorted(name_cols)
            out[meta.name] = [
                EntityFinding(
                    type="LAB_RESULT",
                    score=min(1.0, 0.6 * 0.7 + 0.3 * ratio + 0.1),
                    match_ratio=ratio,
                    matched=round(ratio * n),
                    evidence=[re.sub(r"\d", "*", x) for x in examples],
                    recognizer=type(self).__name__,
                    explanation=why,
                    details=details,
                )
            ]
        return out

    @staticmethod
    def _test_name_columns(ctx: TableContext) -> list[str]:
        names = _lab_names_lower()
        cols = []
        for col, values in ctx.strings.items():
            sample = values.slice(0, 200).to_pylist()
            if sample and sum(1 for v in sample if v.lower() in names) / len(sample) >= 0.5:
                cols.append(col)
        return cols


@functools.lru_cache(maxsize=1)
def _lab_names_lower() -> frozenset[str]:
    """Every test name in lower case (a column of them names the tests of the result columns beside it)."""
    plain, needs_unit = _lab_names()
    return frozenset(n.lower() for n in plain + needs_unit)


def _result_share(arr: pa.ChunkedArray | pa.Array) -> tuple[float, int, list[str]]:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.drop_null()
    n = len(arr)
    if n == 0:
        return 0.0, 0, []
    t = arr.type
    if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t):
        return 1.0, n, [str(v) for v in arr.slice(0, 3).to_pylist()]
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return 0.0, 0, []
    values = [v.strip() for v in arr.to_pylist() if v and v.strip()]
    if not values:
        return 0.0, 0, []
    ok = [v for v in values if _NUMERIC.fullmatch(v) or _QUALITATIVE.fullmatch(v) or is_lab_value(v)]
    return len(ok) / len(values), len(values), ok[:3]
