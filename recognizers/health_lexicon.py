"""Term lists of the health and genetics recognizers, and the trie regex that finds them fast.

The lists live in ``recognizers/data/`` as plain text with ``#`` header
comments naming their source and licence; they are read once, at first use.

:func:`trie_regex` turns a word list into one alternation that shares
prefixes (``胃(?:癌|溃疡|炎)``), which both Python ``re`` and RE2 run quickly.
Optional groups are greedy, so at a given start position the longest listed
word wins — ``2型糖尿病`` before ``糖尿病`` is not needed, ``糖尿病肾病`` beats
``糖尿病`` by construction.

>>> trie_regex(["胃癌", "胃炎", "胃"])
'胃[炎癌]?'
>>> import re; re.match(trie_regex(["糖尿病", "糖尿病肾病"]), "糖尿病肾病患者").group(0)
'糖尿病肾病'
>>> icd_category_name("E11")
'非胰岛素依赖型糖尿病'
>>> "伤寒" in icd_terms() and "副伤寒" in icd_terms()
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import re2

from recognizers.regex_syntax import tokens
from recognizers.row_match import re2_options

DATA = Path(__file__).resolve().parent / "data"

_META = set(r"\.^$|?*+()[]{}")


def escape(s: str) -> str:
    """Escape regex metacharacters only, so the result is valid for Python ``re`` and RE2 alike."""
    return "".join("\\" + ch if ch in _META else ch for ch in s)


class LexiconPattern:
    """A lexicon pattern (:func:`trie_regex` alternations with classes and counts) searched in text by RE2.

    Python's ``re`` tries a trie's alternatives one after another at every position (some 40 µs a clinical
    sentence for the disease grammar); RE2 reads each character once.  Both find the same leftmost-first
    matches for a pattern of literal characters, classes of them, groups, alternation and counted repetition:
    a pattern holding anything else (an escaped letter or digit such as ``\\d``, which the two read
    differently, a look-around, a flag, an anchor) is searched by ``re``, as is a text RE2 cannot read (a lone
    surrogate).  ``lead`` is prepended for ``re`` only: a look-ahead that lets it skip positions.

    >>> LexiconPattern(trie_regex(["胃癌", "胃炎"]) + "(?:术后)?").spans("胃癌术后，慢性胃炎")
    [(0, 4), (7, 9)]
    >>> LexiconPattern(r"\\d+").searched_by_re2
    False
    """

    def __init__(self, pattern: str, lead: str = "") -> None:
        self.pattern, self.lead = pattern, lead
        self._re2 = _re2_lexicon(pattern)

    @property
    def searched_by_re2(self) -> bool:
        return self._re2 is not None

    @functools.cached_property
    def _re(self) -> re.Pattern[str]:
        return re.compile(self.lead + self.pattern)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of each match, in order (as ``re.finditer`` gives them)."""
        if self._re2 is not None:
            try:
                return [m.span() for m in self._re2.finditer(text)]
            except UnicodeEncodeError:
                pass  # a lone surrogate: no UTF-8 for RE2
        return [m.span() for m in self._re.finditer(text)]


def _re2_lexicon(pattern: str) -> re2._Regexp | None:
    """``pattern`` compiled by RE2 when both engines read it alike (see :class:`LexiconPattern`), else ``None``."""
    if re.search(r"\\[A-Za-z0-9]", pattern):
        return None
    for i, tok, _ in tokens(pattern):
        if tok in ("^", "$") or (
            tok == "(" and pattern[i + 1 : i + 2] == "?" and pattern[i + 2 : i + 3] != ":"
        ):
            return None
    # room for the disease grammar's automaton: past its budget RE2 runs slower, never wrong
    options = re2_options(max_mem=64 << 20)
    try:
        return re2.compile(pattern, options=options)
    except re2.error:
        return None


def read_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file, stripped."""
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file (comment lines skipped, trailing empty fields kept)."""
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.rstrip("\n").split("\t"))
    return out


def trie_regex(words: Iterable[str]) -> str:
    """One regex alternation matching any of ``words``, longest first at each position."""
    trie: dict[str, dict] = {}
    for w in words:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(trie)


def _emit(node: dict[str, dict]) -> str:
    kids = sorted((ch, sub) for ch, sub in node.items() if ch)
    if not kids:
        return ""
    alts: list[str] = []
    singles: list[str] = []
    for ch, sub in kids:
        rest = _emit(sub)
        if rest:
            alts.append(escape(ch) + rest)
        else:
            singles.append(ch)
    if singles:
        if len(singles) == 1:
            alts.append(escape(singles[0]))
        else:
            alts.append("[" + "".join("\\" + c if c in "\\]^-[" else c for c in singles) + "]")
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:
        single_atom = len(alts) == 1 and (len(body) == 1 or (body.startswith("[") and body.endswith("]")))
        body = body + "?" if single_atom else "(?:" + body + ")?"
    return body


#: Heads of Chinese disease names: a name is anatomy/modifiers followed by one of these (胃 + 癌, 2型 + 糖尿病).
DISEASE_HEADS: tuple[str, ...] = (
    "恶性肿瘤",
    "良性肿瘤",
    "肿瘤",
    "腺癌",
    "鳞癌",
    "早癌",
    "癌",
    "ca",
    "CA",
    "肉瘤",
    "淋巴瘤",
    "骨髓瘤",
    "母细胞瘤",
    "腺瘤",
    "间质瘤",
    "转移瘤",
    "瘤",
    "瘤变",
    "白血病",
    "炎",
    "病",
    "综合征",
    "综合症",
    "症",
    "血症",
    "梗死",
    "梗塞",
    "出血",
    "骨折",
    "结石",
    "溃疡",
    "囊肿",
    "息肉",
    "增生",
    "硬化",
    "衰竭",
    "感染",
    "中毒",
    "积液",
    "积水",
    "狭窄",
    "闭塞",
    "栓塞",
    "血栓形成",
    "血栓",
    "穿孔",
    "破裂",
    "突出",
    "脱出",
    "萎缩",
    "钙化",
    "瘘",
    "疝",
    "脓肿",
    "坏死",
    "损伤",
    "损害",
    "功能不全",
    "功能障碍",
    "功能减退",
    "功能亢进",
    "供血不足",
    "转移",
    "畸形",
    "缺损",
    "脱位",
    "糜烂",
    "纤维化",
    "肥大",
    "扩张",
    "扩大",
    "梗阻",
    "结核",
    "结节",
    "占位",
    "憩室",
    "脱髓鞘",
    "疹",
    "癣",
    "疣",
    "疮",
    "障碍",
    "紊乱",
    "不全",
    "缺乏",
    "挫伤",
    "裂伤",
    "扭伤",
    "烧伤",
    "休克",
    "瘫痪",
    "麻痹",
    "脱垂",
    "动脉瘤",
    "血肿",
    "疾患",
    "术后",
    "切除术后",
)
#: Final characters of disease names that are not heads themselves (伤寒, 疟疾, 癫痫, 水痘 …).
_DISEASE_FINALS = set("热疟痢疾患寒痫喘痘疽痨瘫痹痿疳疔疖痔黄血")


# -- ICD-10 categories ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def icd_categories() -> dict[str, str]:
    """ICD-10 three-character category code → Chinese name (2,105 categories, A00–Z99 and U)."""
    return {row[0]: row[1] for row in read_tsv("icd10_categories.tsv")}


def icd_category_name(code: str) -> str | None:
    """Chinese name of the category of an ICD-10 code (``E11.900x001`` → ``E11``'s name)."""
    return icd_categories().get(code[:3].upper())


#: Words that make an ICD-10 category name a classification label, not something a clinician writes.
_ICD_STOP = (
    "其他",
    "未特指",
    "特指",
    "不明",
    "分类于他处",
    "归类在他处",
    "引起的",
    "部位",
    "有关",
    "情况",
    "因素",
    "接触",
    "后遗症",
    "并发于",
    "原因",
    "作为",
    "证据",
    "状态",
    "累及",
    "除外",
    "性质",
    "动态",
    "暴露",
    "操作",
    "检查",
    "医疗",
    "治疗",
    "保健",
    "需要",
)
_ICD_BRACKET = re.compile(r"\[([^\]]*)\]")
_ICD_PAREN = re.compile(r"[(（][^)）]*[)）]")


@functools.lru_cache(maxsize=1)
def icd_terms() -> frozenset[str]:
    """Disease names derived from the ICD-10 Chinese category names (for the DIAGNOSIS dictionary).

    ``伤寒和副伤寒`` gives 伤寒 and 副伤寒; bracketed synonyms (``麻风[汉森病]``)
    become terms of their own; qualifiers after a comma and classification
    labels (``其他…``, ``未特指的…``, ``分类于他处的…``) are dropped.
    """
    out: set[str] = set()
    for code, name in icd_categories().items():
        if code[0] in "RTVWXYZU":  # symptoms, poisonings, external causes, health-status factors
            continue
        for syn in _ICD_BRACKET.findall(name):
            out.update(_icd_parts(syn))
        base = _ICD_PAREN.sub("", _ICD_BRACKET.sub("", name)).split(",")[0].split("，")[0]
        out.update(_icd_parts(base))
    return frozenset(out)


def _icd_parts(name: str) -> list[str]:
    name = name.strip()
    for prefix in ("其他", "未特指的", "特指的"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if any(s in name for s in _ICD_STOP) or "的" in name or name in DISEASE_HEADS:
        return []
    parts = [p for p in re.split(r"[和及与、]", name) if p]
    if len(parts) > 1 and all(len(p) >= 2 for p in parts):
        return [p for p in parts if _looks_like_disease(p) and p not in DISEASE_HEADS]
    return [name] if _looks_like_disease(name) else []


def _looks_like_disease(term: str) -> bool:
    if not (2 <= len(term) <= 16 and re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9\-·]+", term)):
        return False
    return term.endswith(DISEASE_HEADS) or term[-1] in _DISEASE_FINALS
