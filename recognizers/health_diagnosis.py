"""DIAGNOSIS (疾病诊断名称) and SPECIAL_DISEASE (艾滋病与性传播疾病).

DIAGNOSIS — disease and diagnosis names in Chinese and English.

There is no offline Chinese disease vocabulary on PyPI, so the recognizer
carries its own: the ICD-10 category names (``icd10_categories.tsv``, split
into the names clinicians write: ``伤寒和副伤寒`` → 伤寒, 副伤寒), a list of
common clinical names (``diseases_zh.txt``: 感冒, 2型糖尿病, 冠心病 …) and a
small grammar for the names nobody can list: one to six *prefixes* (anatomy,
side, histology, acuity: ``disease_prefixes_zh.txt``) followed by a *head*
(癌, 腺癌, 恶性肿瘤, 炎, 梗死, 骨折 …) or a listed name, and an optional stage
or grade (``右肺上叶恶性肿瘤``, ``结肠肝曲管状腺癌``, ``高血压3级``).  English
names (``diseases_en.txt``) match as whole words, case-insensitively, acronyms
(AIDS, COPD) only as written.

A structured value is a diagnosis when disease names cover most of it after
trailing qualifiers (``伴…``, ``(极高危)``) are set aside, and it does not end
like a product, a department, a test or an operation (``感冒灵颗粒``,
``肿瘤科``, ``肿瘤标志物``, ``胃癌根治术``).  Diagnoses are sensitive personal
information only when linked to a person; the evidence is masked anyway
(first characters and the last one kept: ``2***病``).

SPECIAL_DISEASE — HIV infection/AIDS and the sexually transmitted diseases
(``special_diseases.txt``: 艾滋病, HIV感染, 梅毒, 淋病, 尖锐湿疣, 生殖器疱疹,
软下疳 …) and their ICD-10 codes (B20–B24, Z21, R75, A50–A64, O98.1/O98.2/O98.7).
They are reported beside DIAGNOSIS (their names are in its dictionary too);
inside a column of diagnoses or ICD codes a single special value is enough
(:class:`SpecialDiseaseInDiagnosisColumns`), because one HIV diagnosis in a
table of patients is already the sensitive fact.  Bare ``HIV`` is not a
disease: ``HIV抗体`` names a test.

More information:

* GB/T 35273-2020 Table B.2 (个人健康生理信息: 病症、传染病史)
* 《性病防治管理办法》(2012), 《中华人民共和国传染病防治法》

>>> d = DiagnosisRecognizer()
>>> [s.text for s in d.find_spans("患者因胃癌术后多发脑转移入院，既往高血压3级、2型糖尿病，行胃癌根治术。")]
['胃癌术后', '多发脑转移', '高血压3级', '2型糖尿病']
>>> [d.validate(v) for v in ("右肺上叶恶性肿瘤", "2型糖尿病不伴有并发症", "type 2 diabetes mellitus",
...                          "感冒灵颗粒", "肿瘤科", "盐酸二甲双胍片", "Hypertension")]
[True, True, True, False, False, False, True]
>>> d.mask("2型糖尿病")
'2***病'
>>> s = SpecialDiseaseRecognizer()
>>> [s.validate(v) for v in ("梅毒", "HIV感染", "B20.000", "Z21", "HIV抗体", "E11.900")]
[True, True, True, True, False, False]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, Span, ValueMatches, ValueRecognizer, mask_middle
from recognizers.context import TableContext
from recognizers.findings import EntityFinding
from recognizers.free_text import any_of, prefilter_mask, relaxed
from recognizers.health_icd import ICD_CODE, icd_codes, is_valid_icd10
from recognizers.health_lexicon import DISEASE_HEADS, LexiconPattern, icd_terms, read_lines, trie_regex
from recognizers.row_match import utf8_bytes, utf8_offsets
from recognizers.vector_counts import shaped_and_short

#: Grades, stages and states that may follow a disease name (高血压3级, 宫颈鳞癌IB1期, 胃癌术后).
_QUALIFIER = (
    r"(?:术后|复发|待查|待排|[1-5一二三四五][级期]|[IVⅠⅡⅢⅣivx]{1,4}(?:-[IVⅠⅡⅢⅣivx]{1,4})?[abcABC]?[12]?[级期]|"
    r"[（(][^（()）]{1,8}[)）]){0,2}"
)
#: Endings that make a value something else: product, department, test, procedure, drug class.
_NOT_DIAGNOSIS_END = re.compile(
    r"(?:片|胶囊|颗粒|注射液|注射剂|丸|散|膏|口服液|糖浆|喷雾剂|气雾剂|贴|栓|溶液|合剂|冲剂|"
    r"科|病区|病房|门诊|中心|医院|研究所|诊所|药房|实验室|检查|检测|筛查|试剂盒|试剂|抗体|抗原|标志物|"
    r"术|手术|疫苗|药|药物|指南|共识|量表)$"
)
#: What may follow a free-text span and make it part of something else (肿瘤科, 癌胚抗原, 乙肝表面抗原, 病灶).
_BAD_AFTER = re.compile(
    r"(?:科|医院|中心|研究|标志物|标记物|抗原|抗体|疫苗|药|试剂|筛查|表面|核心|五项|三对|两对半|"
    r"病毒|杆菌|定量|定性|灶|变|状|症细胞|细胞浸润|片|胶囊|颗粒|注射液)"
)
#: An operation named after the disease it treats (胃癌姑息切除术, 卵巢癌细胞减灭术, 结肠息肉电切术); 根治术后 stays a
#: diagnosis (status after the operation).
_PROCEDURE_AFTER = re.compile(
    r"(?:姑息性?|低位|前|根治性?|扩大|部分|次全|全|局部|楔形|肿瘤|细胞|内镜[上下]?|腹腔镜[上下]?|经|癌|"
    r"dixon|miles|DIXON|MILES)*"
    r"(?:切除|根治|电切|剥除|活检|开窗|引流|消融|修补|清除|摘除|切开|穿刺|减灭|造瘘|松解|特殊治疗|射频|介入|手?术)"
    r"(?!术后|后)"
)
#: What follows a tumour marker's "CA" (CA125, CA19-9).
_TUMOUR_MARKER_NEXT = re.compile(r"[0-9A-Za-z\-]")
#: English diagnoses are read only in text holding three letters in a row, and prose (spaces or Chinese) or
#: at most 40 characters.
_THREE_LETTERS = re.compile(r"[A-Za-z]{3}")
_SPACE_OR_CHINESE = re.compile(r"[\s\u4e00-\u9fff]")
#: Generic nouns that are no diagnosis on their own in running text (肿瘤位于胃体).
_GENERIC = frozenset({"肿瘤", "癌", "ca", "CA"})
_TRAILING = re.compile(r"(?:[（(][^（()）]*[)）]|[，,;；]|(?:伴有?|合并|并发|不伴有?).*)$")
_CJK_OR_LETTER = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: What may stand beside an English acronym in prose: space, punctuation of sentences, Chinese.
_WORD_EDGE = re.compile(r"[\s(),.;:!?，。、；：（）“”\"'/\u4e00-\u9fff-]")
#: CJK unified ideographs as literal characters: valid in Python ``re`` and in RE2 alike.
CJK = "[\u4e00-\u9fff]"
#: Structured candidates: two CJK characters (no diagnosis is shorter; a licence plate has one) or an English
#: word, at most 40 characters and no ``@`` (e-mail addresses).
_CANDIDATE_RE2 = CJK + "{2}|[A-Za-z]{3}"


@functools.lru_cache(maxsize=1)
def _english_terms() -> tuple[list[str], list[str]]:
    words, acronyms = [], []
    for t in read_lines("diseases_en.txt") + read_lines("special_diseases.txt"):
        if not t.isascii():
            continue
        (
            acronyms
            if re.fullmatch(r"[A-Z0-9/\-]+|[A-Z][A-Za-z]*[A-Z]+[A-Za-z]*", t) and " " not in t
            else words
        ).append(t)
    return words, acronyms


#: Characters that end an adjective in 性 (慢性, 占位性, 感染性): a span starting with that 性 is no disease (慢性病 is
#: no 性病).
_XING_BEFORE = frozenset("慢急良恶位实染毒菌敏质能发传天塞缺漫限殖异变理期行阻热源型")


def _adjective_xing(text: str, start: int) -> bool:
    return text[start : start + 1] == "性" and start > 0 and text[start - 1] in _XING_BEFORE


class DiseaseMatcher:
    """Disease-name spans in text: dictionary + prefix/head grammar (Chinese), dictionary (English)."""

    def __init__(self, extra_zh: tuple[str, ...] = ()) -> None:
        zh_terms = set(read_lines("diseases_zh.txt")) | set(icd_terms()) | set(extra_zh)
        zh_terms |= {t for t in read_lines("special_diseases.txt") if not t.isascii()}
        prefixes = read_lines("disease_prefixes_zh.txt")
        d, p, h = trie_regex(zh_terms), trie_regex(prefixes), trie_regex(DISEASE_HEADS)
        # The look-ahead on the possible first characters lets the engine skip most positions in one test.
        first = "".join(sorted({t[0] for t in zh_terms | set(prefixes)} - set("\\]^-[")))
        self.zh = LexiconPattern(rf"(?:(?:{p}){{1,6}}(?:{d}|{h})|{d}){_QUALIFIER}", lead=rf"(?=[{first}])")
        # Every Chinese match ends in a term or a head: their first three characters (the whole of a shorter
        # one) are the free-text prefilter (two characters admitted twice as many texts: 上肢, 中性, 主动).
        self.zh_starts = sorted({t[:3] for t in zh_terms | set(DISEASE_HEADS)})
        words, acronyms = _english_terms()
        # The same look-ahead for English (a third of the time over Chinese text with a few Latin letters).
        en_first, acr_first = (
            re.escape("".join(sorted({t[0].lower() for t in ts}))) for ts in (words, acronyms)
        )
        self.en = re.compile(
            rf"(?=[{en_first}])(?<![A-Za-z0-9])(?:{trie_regex(w.lower() for w in words)})(?![A-Za-z0-9])",
            re.I,
        )
        self.en_acronyms = re.compile(
            rf"(?=[{acr_first}])(?<![A-Za-z0-9])(?:{trie_regex(a.upper() for a in acronyms)})(?![A-Za-z0-9])",
            re.I,
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        out = []
        for s, e in self.zh.spans(text):
            if _BAD_AFTER.match(text, e) or _PROCEDURE_AFTER.match(text, e) or text[s:e] in _GENERIC:
                continue
            if text[e - 2 : e].lower() == "ca" and _TUMOUR_MARKER_NEXT.match(text, e):
                continue  # CA125, CA19-9: tumour markers
            if s > 0 and (text[s - 1] == "抗" or text[s - 1 : s + 1] == "开腹") or _adjective_xing(text, s):
                continue  # 抗肿瘤 (a drug class); 开腹 (laparotomy); 占位性病变 (性 ends the word before)
            out.append((s, e))
        # English only in prose: a long run without spaces or Chinese is an encoded string (quality, base64).
        if _THREE_LETTERS.search(text) and (len(text) <= 40 or _SPACE_OR_CHINESE.search(text)):
            out += [m.span() for m in self.en.finditer(text)]
            for m in self.en_acronyms.finditer(text):
                s, e = m.span()
                # Acronyms count between words, as written (AIDS, COPD) or in any case right beside Chinese
                # (copd加重); never inside symbol noise such as quality strings (?HCC;).
                before, after = text[s - 1 : s], text[e : e + 1]
                if not (_WORD_EDGE.fullmatch(before or " ") and _WORD_EDGE.fullmatch(after or " ")):
                    continue
                if m.group(0).isupper() or _CJK.fullmatch(before or "x") or _CJK.fullmatch(after or "x"):
                    out.append((s, e))
        return sorted(out)


#: Distinct candidates below which validating each (a few µs) costs less than a prefilter search (~0.1 ms).
_FEW_DISTINCT = 64


def holding_spans(rec: ValueRecognizer, distinct: pa.Array) -> np.ndarray | None:
    """Which distinct values the recognizer's free-text prefilter admits (``None`` for a few: all of them).

    Its validator accepts only a value holding one of its spans (:func:`is_diagnosis_value` needs a disease
    term covering most of it, :func:`is_special_value` a special disease or code), and the prefilter admits
    every text holding one (:func:`recognizers.free_text.prefilter_mask`): a column of 300 person names
    costs one RE2 search instead of 300 Python regex scans.
    """
    return None if len(distinct) < _FEW_DISTINCT else prefilter_mask(distinct, rec)


@functools.lru_cache(maxsize=1)
def disease_matcher() -> DiseaseMatcher:
    """The shared matcher (built once: about 4,000 terms)."""
    return DiseaseMatcher()


def is_diagnosis_value(value: str, matcher: DiseaseMatcher | None = None) -> bool:
    """True when a whole (short) value is a disease or diagnosis name."""
    v = value.strip()
    if not v or len(v) > 40 or _NOT_DIAGNOSIS_END.search(v):
        return False
    core = v
    for _ in range(3):  # set trailing qualifiers aside: 伴…, (极高危), 、…
        stripped = _TRAILING.sub("", core).strip()
        if stripped == core or not stripped:
            break
        core = stripped
    spans = (matcher or disease_matcher()).spans(core)
    if not spans:
        return False
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    letters = [i for i, ch in enumerate(core) if _CJK_OR_LETTER.match(ch)]
    return bool(letters) and sum(1 for i in letters if i in covered) / len(letters) >= 0.6


def _mask_name(value: str) -> str:
    v = value.strip()
    n = len(v)
    if n <= 2:
        return v[:1] + "*" * (n - 1)
    return mask_middle(v, max(1, n // 4), 1)


class DiagnosisRecognizer(ValueRecognizer):
    """DIAGNOSIS: disease and diagnosis names, Chinese (dictionary + grammar) and English (dictionary)."""

    entity = "DIAGNOSIS"
    patterns: ClassVar = (
        Pattern("disease name from the dictionary or prefix+head grammar (medium)", CJK + "{2,40}", 0.6),
        Pattern("English disease name from the dictionary (medium)", r"[A-Za-z][A-Za-z0-9 '\-,]{2,39}", 0.6),
    )
    context = (
        "诊断",
        "诊断名称",
        "疾病",
        "疾病名称",
        "病名",
        "主要诊断",
        "出院诊断",
        "入院诊断",
        "门诊诊断",
        "临床诊断",
        "既往史",
        "病史",
        "主诉",
        "现病史",
        "适应症",
        "diagnosis",
        "diagnoses",
        "disease",
        "condition",
        "dx",
        "zdmc",
        "zd",
        "jbmc",
        "cyzd",
        "ryzd",
        "mzzd",
        "zyzd",
        "jws",
        "bs",
    )
    #: Departments, hospitals and product columns hold disease words without holding diagnoses (肿瘤科).
    negative_context = (
        "科室",
        "ksmc",
        "department",
        "dept",
        "医院",
        "hospital",
        "产品",
        "product",
        "商品",
        "通用名",
        "generic_name",
        "brand",
        "sku",
    )
    validator_strength = 0.7
    min_ratio = 0.5

    counted_shapes = ((_CANDIDATE_RE2, 40),)  # candidate_mask's (recognizers.shapes)

    def candidate_mask(self, values: pa.Array) -> pa.Array:
        return shaped_and_short(values, _CANDIDATE_RE2, 40, exclude="@")

    def possibly_valid(self, distinct: pa.Array) -> np.ndarray | None:
        return holding_spans(self, distinct)

    def validate(self, candidate: str) -> bool:
        return is_diagnosis_value(candidate)

    def pattern_name(self, candidate: str) -> str:
        return self.patterns[1 if candidate.isascii() else 0].name

    def mask(self, value: str) -> str:
        return _mask_name(value)

    def describe(self, candidate: str) -> dict[str, object]:
        """Language, and whether the name is a special disease (HIV/AIDS, STD)."""
        return {"language": "en" if candidate.isascii() else "zh", "special": is_special_value(candidate)}

    def text_prefilter(self) -> str | None:
        """A Chinese match ends in a listed term or head, so it holds a term's or head's first three characters
        (a flat alternation RE2 runs fast; the grammar itself is slow there); English as the regexes say."""
        m = disease_matcher()
        return any_of("|".join(map(re.escape, m.zh_starts)), relaxed(m.en), relaxed(m.en_acronyms))

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = []
        for s, e in disease_matcher().spans(text):
            near = self.context_near(text, s, e)
            name = self.patterns[1 if text[s:e].isascii() else 0].name
            span = Span(self.entity, s, e, text[s:e], min(1.0, 0.6 + (0.1 if near else 0.0)), name)
            if near:
                span.details["context"] = near
            out.append(span)
        return out


# -- special diseases --------------------------------------------------------------------------------

_SPECIAL_ICD = re.compile(r"B2[0-4]|Z21|R75|A5\d|A6[034]|O98\.[127]")
#: A whole value that is a special code (vectorized check; the categories all exist in ICD-10).
_SPECIAL_CODE_VALUE = (
    r"^(?:(?:B2[0-4]|Z21|R75|A5\d|A6[034])(?:\.[0-9Xx]\d{0,2}(?:[Xx]\d{3})?|[Xx]{2}\d{2})?"
    rf"|O98\.[127]\d{{0,2}}(?:[Xx]\d{{3}})?)(?: ?[+†] ?{ICD_CODE}\*|[+†*])?$"
)


def is_special_icd(code: str) -> bool:
    """True for ICD-10 codes of HIV disease/infection and sexually transmitted diseases.

    >>> is_special_icd("B20.000"), is_special_icd("A51.0"), is_special_icd("A65"), is_special_icd("O98.700")
    (True, True, False, True)
    """
    return _SPECIAL_ICD.match(code.upper()) is not None


#: Values that may hold a special disease: a code of the special ranges, or any CJK/English text.
_SPECIAL_PREFILTER = r"(?:^|[^0-9A-Za-z])(?:B2[0-4]|Z21|R75|A5\d|A6[034]|O98)|[\x{4e00}-\x{9fff}]|[A-Za-z]{3}"


class SpecialDiseaseMatcher:
    """Spans of special-disease names and codes."""

    def __init__(self) -> None:
        terms = read_lines("special_diseases.txt")
        zh = [t for t in terms if not t.isascii()]
        en = [t for t in terms if t.isascii() and not t.isupper()]
        acr = [t for t in terms if t.isascii() and t.isupper()]
        self.zh = LexiconPattern(trie_regex(zh))
        self.en = re.compile(rf"(?<![A-Za-z0-9])(?:{trie_regex(t.lower() for t in en)})(?![A-Za-z0-9])", re.I)
        self.acr = re.compile(rf"(?<![A-Za-z0-9])(?:{trie_regex(acr)})(?![A-Za-z0-9])")
        self.icd = re.compile(rf"(?<![0-9A-Za-z]){ICD_CODE}(?![0-9A-Za-z])")

    def spans(self, text: str) -> list[tuple[int, int]]:
        out = [(a, b) for a, b in self.zh.spans(text) if not _adjective_xing(text, a)]
        out += [m.span() for m in self.en.finditer(text)] + [m.span() for m in self.acr.finditer(text)]
        out += [
            m.span()
            for m in self.icd.finditer(text)
            if is_special_icd(m.group(0)) and is_valid_icd10(m.group(0))
        ]
        return sorted(out)


@functools.lru_cache(maxsize=1)
def special_matcher() -> SpecialDiseaseMatcher:
    return SpecialDiseaseMatcher()


def is_special_value(value: str) -> bool:
    """True when a short value is a special disease name or code (or holds one: ``A51.0+…``, ``梅毒(二期)``)."""
    v = value.strip()
    if not v:
        return False
    codes = icd_codes(v)
    if codes and re.fullmatch(rf"{ICD_CODE}(?: ?[+†] ?{ICD_CODE}\*|[+†*])?", v):
        return any(is_special_icd(c) for c in codes) and is_valid_icd10(v)
    return bool(special_matcher().spans(v)) and not _NOT_DIAGNOSIS_END.search(v)


class SpecialDiseaseRecognizer(ValueRecognizer):
    """SPECIAL_DISEASE: HIV infection/AIDS and sexually transmitted diseases (names and ICD-10 codes)."""

    entity = "SPECIAL_DISEASE"
    patterns: ClassVar = (
        Pattern(
            "HIV/AIDS or STD name from the list (strong)",
            "[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9 /-]{1,39}",
            0.85,
        ),
        Pattern(
            "ICD-10 code of HIV disease or an STD (strong)",
            r"[ABORZ]\d{2}(?:\.[0-9Xx]\d{0,2}(?:[Xx]\d{3})?)?",
            0.85,
        ),
    )
    context = DiagnosisRecognizer.context + ("传染病", "性病", "infectious disease")
    validator_strength = 0.9
    min_ratio = 0.3
    # what analyze_values counts: codes, and names (recognizers.shapes)
    counted_shapes = ((_SPECIAL_CODE_VALUE, None), (_CANDIDATE_RE2, 40))

    def candidate_mask(self, values: pa.Array) -> pa.Array:
        return shaped_and_short(values, _CANDIDATE_RE2, 40, exclude="@")

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Codes are counted vectorized (all special categories exist); names as the base class does.  A column
        where no value starts with a capital letter holds no code (both code patterns match from a value's
        start, with one): no regex is asked, of resident ID numbers ending in X either."""
        names, n_codes, code_examples = self._codes(values, max_examples)
        vm = (
            super().analyze_values(names, max_examples=max_examples)
            if len(names)
            else ValueMatches(self.entity, 0, 0, [])
        )
        return self._combined(len(values), n_codes, code_examples, vm, max_examples)

    def analyze_segments(self, columns: Sequence[pa.Array], *, max_examples: int = 3) -> list[ValueMatches]:
        """:meth:`analyze_values` of each column: codes counted per column, the names of all read at once."""
        if self._read_alone(columns, SpecialDiseaseRecognizer):
            return [self.analyze_values(v, max_examples=max_examples) for v in columns]
        split = [self._codes(v, max_examples) for v in columns]
        named = [k for k, (names, _, _) in enumerate(split) if len(names)]
        vms = dict(zip(named, self._base_segments([split[k][0] for k in named], max_examples), strict=True))
        none = ValueMatches(self.entity, 0, 0, [])
        return [
            self._combined(len(v), n_codes, examples, vms.get(k, none), max_examples)
            for k, (v, (_, n_codes, examples)) in enumerate(zip(columns, split, strict=True))
        ]

    def _codes(self, values: pa.Array, max_examples: int) -> tuple[pa.Array, int, list[str]]:
        """The values that are no ICD code (left to the names), the special codes counted, and their examples."""
        offsets = utf8_offsets(values)
        first = utf8_bytes(values, offsets)[(offsets[:-1] - offsets[0])[np.diff(offsets) > 0]]
        if not ((first >= ord("A")) & (first <= ord("Z"))).any():
            return values, 0, []
        codes = pc.match_substring_regex(values, _SPECIAL_CODE_VALUE)
        names = values.filter(pc.invert(pc.match_substring_regex(values, f"^{ICD_CODE}")))
        n_codes = int(pc.sum(pc.cast(codes, pa.int64())).as_py() or 0)
        return names, n_codes, values.filter(codes).slice(0, max_examples).to_pylist() if n_codes else []

    def _combined(
        self, n: int, n_codes: int, code_examples: list[str], vm: ValueMatches, max_examples: int
    ) -> ValueMatches:
        examples = code_examples + vm.examples
        pattern = self.patterns[1].name if n_codes >= vm.matched else vm.pattern
        return ValueMatches(
            self.entity,
            n,
            n_codes + vm.matched,
            examples[:max_examples],
            pattern=pattern if n_codes + vm.matched else "",
        )

    def possibly_valid(self, distinct: pa.Array) -> np.ndarray | None:
        """Names only reach here (:meth:`analyze_values` counts codes itself)."""
        return holding_spans(self, distinct)

    def validate(self, candidate: str) -> bool:
        return is_special_value(candidate)

    def pattern_name(self, candidate: str) -> str:
        return self.patterns[
            1 if icd_codes(candidate) and candidate[:1] in "ABORZ" and candidate[1:3].isdigit() else 0
        ].name

    def mask(self, value: str) -> str:
        v = value.strip()
        return mask_middle(v, 1, 0) if len(v) > 1 else "*"

    def describe(self, candidate: str) -> dict[str, object]:
        """Which group: HIV infection/AIDS or another sexually transmitted disease.

        >>> SpecialDiseaseRecognizer().describe("B20.000"), SpecialDiseaseRecognizer().describe("梅毒")
        ({'group': 'HIV/AIDS'}, {'group': 'STD'})
        """
        c = candidate.strip()
        hiv = re.match(r"B2[0-4]|Z21|R75|O98\.7", c) or re.search(
            r"HIV|艾滋|人类?免疫缺陷|immunodeficiency|AIDS", c, re.I
        )
        return {"group": "HIV/AIDS" if hiv else "STD"}

    def text_prefilter(self) -> str | None:
        """RE2 form of the special-disease matcher's regexes (names, acronyms), and for codes the special
        categories alone (a code counts only when :func:`is_special_icd`: any ICD code admitted a fifth of
        the bench sentences, a special one 28 in 5,000)."""
        m = special_matcher()
        return any_of(m.zh.pattern, relaxed(m.en), relaxed(m.acr), _SPECIAL_ICD.pattern)

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = []
        for s, e in special_matcher().spans(text or ""):
            near = self.context_near(text, s, e)
            out.append(
                Span(
                    self.entity,
                    s,
                    e,
                    text[s:e],
                    min(1.0, 0.85 + (0.1 if near else 0.0)),
                    self.pattern_name(text[s:e]),
                )
            )
        return out


class SpecialDiseaseInDiagnosisColumns:
    """SPECIAL_DISEASE wherever a diagnosis or ICD-code column holds even one special value.

    A value recognizer reports a column only above a share of matching values;
    inside a column already known to hold diagnoses the bar is one value.
    """

    entities: ClassVar[tuple[str, ...]] = ("SPECIAL_DISEASE",)

    def __init__(self) -> None:
        self.rec = SpecialDiseaseRecognizer()

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        out: dict[str, list[EntityFinding]] = {}
        for col, found in ctx.findings.items():
            types = {f.type for f in found}
            if not types & {"DIAGNOSIS", "ICD10_CODE"} or "SPECIAL_DISEASE" in types:
                continue
            values = ctx.strings.get(col)
            if values is None or len(values) == 0:
                continue
            free_text = any(
                f.details.get("free_text") for f in found if f.type in ("DIAGNOSIS", "ICD10_CODE")
            )
            values = values.filter(pc.match_substring_regex(values, _SPECIAL_PREFILTER))
            if len(values) == 0:
                continue
            vc = pc.value_counts(values)
            matched, examples = 0, []
            for raw, count in zip(
                vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True
            ):
                hits = (
                    [raw[s:e] for s, e in special_matcher().spans(raw)]
                    if free_text
                    else ([raw] if is_special_value(raw) else [])
                )
                if hits:
                    matched += count
                    examples.extend(hits[: 3 - len(examples)])
            if matched:
                total = len(ctx.strings[col])
                ratio = matched / total
                within = sorted(types & {"DIAGNOSIS", "ICD10_CODE"})
                out[col] = [
                    EntityFinding(
                        type=self.rec.entity,
                        score=min(1.0, 0.6 * self.rec.validator_strength + 0.3 * min(1.0, 5 * ratio) + 0.1),
                        match_ratio=ratio,
                        matched=matched,
                        evidence=[self.rec.mask(x) for x in examples[:3]],
                        recognizer=type(self).__name__,
                        explanation=f"{matched}/{total} sampled values of a {'/'.join(within)} column name HIV/AIDS or a "
                        "sexually transmitted disease; one is enough inside a diagnosis column",
                        details={"within": within},
                    )
                ]
        return out
