"""MEDICATION (药品名称: generic names, salts and dosage forms; English INNs).

A Chinese drug name is a generic name (通用名) with an optional salt or
preparation prefix (盐酸, 硫酸氢, 注射用, 复方 …), an optional counter-ion
suffix (阿托伐他汀 *钙*) and an optional dosage form (片, 缓释片, 胶囊, 注射液,
颗粒 …): ``盐酸二甲双胍缓释片``, ``注射用紫杉醇(白蛋白结合型)``.  Generic names
come from ``medications_zh.txt``; names nobody listed are caught by the INN
stems that Chinese transliterations keep (替尼 -tinib, 单抗 -mab, 沙星
-floxacin, 他汀 -statin, 普利 -pril, 沙坦 -sartan …) written in the characters
INN transliterations use.  English INNs (``medications_en.txt``) match as
whole words, and unlisted ones by their stems (-tinib, -mab, -floxacin …).

Brand names (希罗达, 络活喜) are not recognised: they are proprietary and
countless; a column of them is usually beside generic names anyway.

NMPA approval numbers (国药准字H20253101) and drug trace codes identify a
*product*, not a patient, and are not reported: a product catalogue is not
personal information.  A catalogue column of generic names *is* reported as
MEDICATION (the values are drug names); whether that is patient data is for the
catalogue to decide from the rest of the table — a medication beside a person
is a medication record (用药记录, GB/T 35273-2020 Table B.2).  :class:`MedicationProductContext`
marks findings in product master data (approval numbers, barcodes, prices,
nothing about a person) with ``details["product_catalogue"]`` for that decision.

More information:

* 《中国药品通用名称》(国家药典委员会); WHO INN stem book
  https://www.who.int/publications/m/item/the-use-of-stems-in-the-selection-of-inn

>>> r = MedicationRecognizer()
>>> [r.validate(v) for v in ("盐酸二甲双胍缓释片", "阿托伐他汀钙片", "注射用紫杉醇(白蛋白结合型)", "metformin 500 mg",
...                          "奥希替尼", "Pembrolizumab", "国药准字H20253101", "盐酸二甲双胍片 3", "照片", "图片")]
[True, True, True, True, True, True, False, False, False, False]
>>> [s.text for s in r.find_spans("行奥沙利铂150mg d1+替吉奥50mg bid化疗，口服阿司匹林肠溶片，换用xx替尼")]
['奥沙利铂', '替吉奥', '阿司匹林肠溶片']
>>> r.mask("盐酸二甲双胍缓释片")
'盐酸******片'
"""

from __future__ import annotations

import functools
import re
from typing import ClassVar

import pyarrow as pa

from recognizers.base import Pattern, Span, ValueRecognizer, mask_middle
from recognizers.context import TableContext
from recognizers.decision import metadata_words
from recognizers.findings import EntityFinding
from recognizers.health_lexicon import LexiconPattern, read_lines, trie_regex
from recognizers.vector_counts import shaped_and_short

SALTS = (
    "注射用",
    "复方",
    "盐酸",
    "硫酸氢",
    "硫酸",
    "磷酸",
    "马来酸",
    "甲磺酸",
    "苯磺酸",
    "富马酸",
    "枸橼酸",
    "醋酸",
    "酒石酸",
    "琥珀酸",
    "门冬氨酸",
    "氢溴酸",
    "甲苯磺酸",
    "苹果酸",
    "二盐酸",
    "重酒石酸",
    "乳酸",
    "精蛋白",
    "重组人",
    "左旋",
    "右旋",
    "吸入用",
)
COUNTER_IONS = ("钙", "钠", "钾", "镁", "锌", "二钠", "酯", "氯化钠", "葡萄糖")
FORMS = (
    "片",
    "缓释片",
    "控释片",
    "肠溶片",
    "分散片",
    "咀嚼片",
    "口崩片",
    "泡腾片",
    "薄膜衣片",
    "胶囊",
    "缓释胶囊",
    "肠溶胶囊",
    "软胶囊",
    "注射液",
    "注射剂",
    "粉针剂",
    "冻干粉针",
    "颗粒",
    "缓释颗粒",
    "干混悬剂",
    "混悬液",
    "口服液",
    "口服溶液",
    "溶液",
    "糖浆",
    "滴丸",
    "丸",
    "散",
    "软膏",
    "乳膏",
    "凝胶",
    "滴眼液",
    "滴耳液",
    "滴鼻液",
    "喷雾剂",
    "鼻喷雾剂",
    "气雾剂",
    "吸入剂",
    "吸入粉雾剂",
    "粉雾剂",
    "贴剂",
    "贴片",
    "栓",
    "合剂",
    "酊",
    "乳剂",
    "片剂",
    "胶囊剂",
)
#: INN stems as Chinese transliterations keep them.
STEMS_ZH = (
    "替尼",
    "非尼",
    "单抗",
    "珠单抗",
    "沙星",
    "他汀",
    "普利",
    "沙坦",
    "洛尔",
    "地平",
    "西林",
    "霉素",
    "拉唑",
    "列净",
    "列汀",
    "鲁肽",
    "那肽",
    "洛韦",
    "他韦",
    "拉韦",
    "布韦",
    "康唑",
    "芬净",
    "培南",
    "洛芬",
    "昔布",
    "西泮",
    "唑仑",
    "膦酸",
    "他赛",
    "比星",
    "替康",
    "曲塞",
    "他滨",
    "替丁",
    "司琼",
    "特罗",
    "茶碱",
    "帕利",
    "西利",
    "替尼布",
    "米松",
    "尼松",
    "可的松",
    "卡因",
    "西汀",
    "帕明",
    "哌酮",
    "噻嗪",
    "塞米",
    "泊苷",
    "胞苷",
    "度胺",
    "佐米",
    "替布",
    "格雷",
    "沙班",
    "肝素",
    "前列素",
    "瑞林",
    "雄胺",
    "那非",
    "拉非",
    "普坦",
    "格列汀",
)
STEMS_EN = (
    "tinib",
    "ciclib",
    "parib",
    "mab",
    "floxacin",
    "statin",
    "pril",
    "sartan",
    "olol",
    "dipine",
    "cillin",
    "mycin",
    "prazole",
    "gliflozin",
    "gliptin",
    "glutide",
    "vir",
    "conazole",
    "fungin",
    "penem",
    "profen",
    "coxib",
    "azepam",
    "azolam",
    "dronate",
    "taxel",
    "rubicin",
    "tecan",
    "trexed",
    "citabine",
    "tidine",
    "setron",
    "platin",
    "semide",
    "thiazide",
    "domide",
    "zomib",
    "grel",
    "xaban",
    "parin",
    "relin",
    "steride",
    "afil",
    "vaptan",
    "cef",
)
_SPEC = (
    r"(?:\s*[（(][^()（）]{1,12}[)）])?(?:\s*\d+(?:\.\d+)?\s*(?:mg|g|ml|mL|μg|ug|IU|iu|万?单位|万U|U)\b.*)?"
)
_TRANSLIT_EXTRA = (
    "阿奥巴贝比苯吡泊布达德地多厄恩法非芬伏氟福格胍哈环磺吉加甲卡坎考可克喹拉来兰雷利联链林磷硫柳仑罗洛氯"
    "马吗麦美门孟米莫那奈尼诺哌帕培喷匹泼普齐羟嗪氢曲屈瑞塞噻赛沙舒司索他泰坦特替酮托妥维韦沃西昔硝缬"
    "辛溴亚伊依乙异吲茚右愈扎唑佐艾安澳贝倍苄丙醋达碘丁恩伐钒呋肝格胱桂红琥磺己戊肼康喹劳雷锂利膦铝"
    "麦咪莫萘尿哌泮匹屈曲瑞噻铈双顺他碳替酮头妥烷维沃西昔腺硝缬溴盐依胰乙异吲尤愈孕唑"
)


#: The characters Python's ``re`` takes for an ASCII letter under ``(?i)``: the letters, and İ ı ſ K (the Kelvin
#: sign).  Every English match starts with one: a look-ahead for them rejects a Chinese position in one test,
#: where the case-insensitive trie of drug names took ten (a third of the time of the English search).
ASCII_LETTERS_ANY_CASE = "A-Za-z\u0130\u0131\u017f\u212a"


@functools.lru_cache(maxsize=1)
def _matchers() -> tuple[LexiconPattern, re.Pattern[str], re.Pattern[str]]:
    names = read_lines("medications_zh.txt")
    translit = "".join(sorted(set("".join(names)) & set(_TRANSLIT_EXTRA) | set(_TRANSLIT_EXTRA)))
    stem = rf"(?:头孢[{translit}]{{1,4}}|[{translit}]{{1,5}}(?:{trie_regex(STEMS_ZH)}))"
    first = "".join(sorted({n[0] for n in names + list(SALTS)} | set(translit) | {"头"}))
    lead = rf"(?=[{first}])"  # lets Python's re skip most positions in one test
    zh = (
        rf"(?:{trie_regex(SALTS)}){{0,2}}(?:{trie_regex(names)}|{stem})"
        rf"(?:{trie_regex(COUNTER_IONS)})?(?:{trie_regex(FORMS)})?"
    )
    en_names = trie_regex(n.lower() for n in read_lines("medications_en.txt"))
    # Names match in any case (METFORMIN); unlisted INNs by their stem only as words (Osimertinib, osimertinib),
    # never inside capital-letter noise such as FASTQ quality strings (CEFDHIC).
    en = (
        rf"(?=[{ASCII_LETTERS_ANY_CASE}])"
        rf"(?<![A-Za-z])(?:(?i:{en_names})|[A-Za-z]?[a-z]{{2,}}(?:{trie_regex(STEMS_EN)})|[Cc]ef[a-z]{{3,}})"
        rf"(?:\s+(?i:hydrochloride|sodium|potassium|calcium|mesylate|maleate|besylate|tablets?|capsules?|"
        rf"injection|extended-release|sustained-release))*(?![A-Za-z])"
    )
    return LexiconPattern(zh, lead), re.compile(en), re.compile(rf"(?:{lead}{zh}){_SPEC}|(?:{en}){_SPEC}")


@functools.lru_cache(maxsize=1)
def _prefilter() -> str:
    starts = {n[:2] for n in read_lines("medications_zh.txt")} | {"头孢"} | set(STEMS_ZH)
    return "|".join(re.escape(w) for w in sorted(starts)) + "|[A-Za-z]{4}"


#: English drug names are read only in text holding four letters in a row.
_FOUR_LETTERS = re.compile(r"[A-Za-z]{4}")


def medication_spans(text: str) -> list[tuple[int, int]]:
    """Drug-name spans in text (Chinese generic names and English INNs)."""
    zh, en, _ = _matchers()
    out = zh.spans(text)
    if _FOUR_LETTERS.search(text):
        out += [m.span() for m in en.finditer(text)]
    return sorted(out)


def is_medication_value(value: str) -> bool:
    """True when a whole short value is a drug name, optionally with a strength (``0.5g``, ``500 mg``)."""
    v = value.strip()
    if not v or len(v) > 60:
        return False
    return _matchers()[2].fullmatch(v) is not None


_CANDIDATE = "[\u4e00-\u9fff]{2}|[A-Za-z]{4}"


class MedicationRecognizer(ValueRecognizer):
    """MEDICATION: Chinese generic drug names with salts and dosage forms, and English INNs."""

    entity = "MEDICATION"
    patterns: ClassVar = (
        Pattern(
            "Chinese generic drug name (dictionary or INN stem) with salt/dosage form (medium)",
            "[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9()（）]{1,40}",
            0.6,
        ),
        Pattern("English INN (dictionary or stem) (medium)", r"[A-Za-z][A-Za-z \-]{3,40}", 0.6),
    )
    context = (
        "药品",
        "药物",
        "药名",
        "药品名称",
        "通用名",
        "用药",
        "处方",
        "医嘱",
        "怀疑药品",
        "合并用药",
        "给药",
        "drug",
        "medication",
        "medicine",
        "prescription",
        "generic name",
        "drug_name",
        "yp",
        "ypmc",
        "yaopin",
        "yw",
        "ywmc",
        "cf",
        "yz",
    )
    validator_strength = 0.75
    min_ratio = 0.5

    counted_shapes = ((_CANDIDATE, 60),)  # candidate_mask's (recognizers.shapes)

    def candidate_mask(self, values: pa.Array) -> pa.Array:
        # two CJK characters (a licence plate has one) or an English word; never an e-mail address
        return shaped_and_short(values, _CANDIDATE, 60, exclude="@")

    def validate(self, candidate: str) -> bool:
        return is_medication_value(candidate)

    def pattern_name(self, candidate: str) -> str:
        return self.patterns[1 if candidate[:1].isascii() else 0].name

    def mask(self, value: str) -> str:
        v = value.strip()
        return mask_middle(v, 2, 1) if len(v) > 4 else v[:1] + "*" * (len(v) - 1)

    def describe(self, candidate: str) -> dict[str, object]:
        """The dosage form written after a Chinese name (片, 缓释片, 注射液 …), if any."""
        m = re.search(
            f"(?:{trie_regex(FORMS)})$", re.sub(r"[(（][^()（）]*[)）]$|\\s.*$", "", candidate.strip())
        )
        return {
            "language": "en" if candidate[:1].isascii() else "zh",
            "dosage_form": m.group(0) if m else None,
        }

    def text_prefilter(self) -> str:
        """A Chinese match holds a listed name (its first two characters), 头孢 or a stem; English needs four
        letters in a row (:func:`medication_spans`).  Flat alternations: the grammar itself compiles slowly."""
        return _prefilter()

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = []
        for s, e in medication_spans(text or ""):
            near = self.context_near(text, s, e)
            out.append(Span(self.entity, s, e, text[s:e], 0.7 if near else 0.6, self.pattern_name(text[s:e])))
        return out


#: Column and table names of product master data (a drug catalogue, an inventory).
PRODUCT_WORDS = (
    "批准文号",
    "国药准字",
    "approval",
    "approval_no",
    "sku",
    "条码",
    "barcode",
    "ean",
    "规格",
    "specification",
    "剂型",
    "dosage_form",
    "零售价",
    "售价",
    "价格",
    "price",
    "list_price",
    "生产企业",
    "manufacturer",
    "商品名",
    "brand",
    "brand_name",
    "产品",
    "product",
    "目录",
    "catalog",
    "catalogue",
    "库存",
    "inventory",
    "批号",
    "batch",
    "贮藏",
    "storage",
)
#: Entities that make a row a person's: beside them a drug name is a medication record.
PERSON_ENTITIES = frozenset(
    {
        "CN_PERSON_NAME",
        "CN_RESIDENT_ID",
        "CN_PASSPORT",
        "CN_HMT_PERMIT",
        "CN_MOBILE",
        "DATE_OF_BIRTH",
        "AGE",
        "GENDER",
        "MEDICAL_RECORD_NO",
        "CN_ADDRESS",
        "EMAIL",
        "DIAGNOSIS",
        "ICD10_CODE",
        "LAB_RESULT",
    }
)


class MedicationProductContext:
    """Marks MEDICATION findings in product master data (a drug catalogue) so the catalogue can tell them apart.

    Drug names in a table of products, with approval numbers, barcodes and
    prices and nothing about a person, describe products, not patients: the
    finding stays (the column does hold drug names) and gains
    ``details["product_catalogue"]`` with the words that show it.
    """

    entities: ClassVar[tuple[str, ...]] = ()  # marks MEDICATION findings, reports none of its own

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        meds = [f for found in ctx.findings.values() for f in found if f.type == "MEDICATION"]
        if not meds or any(f.type in PERSON_ENTITIES for found in ctx.findings.values() for f in found):
            return {}
        signals = set(metadata_words(PRODUCT_WORDS, ctx.table_name or "", ctx.table_comment))
        for meta in ctx.columns:
            signals.update(metadata_words(PRODUCT_WORDS, meta.name, meta.comment))
        if len(signals) < 2:
            return {}
        for f in meds:
            f.details["product_catalogue"] = sorted(signals)
            f.explanation += (
                "; the table reads as product master data ("
                + ", ".join(sorted(signals)[:5])
                + ") with no personal data beside it: the drug names describe products, not patients"
            )
        return {}
