"""Demographic attributes of a person: birth date, age, sex, ethnic group, religion, and minors under 14.

==============  ==================================================  ========  =========  =======
entity          values                                              strength  min_ratio  context
==============  ==================================================  ========  =========  =======
DATE_OF_BIRTH   dates 1880..today in 12 layouts (1980-01-02,        0.7       0.6        yes
                19800102, 1980年1月2日 …), date-typed columns
AGE             integers 0..120; ``67岁`` / ``67周岁``               0.5/0.65  0.8/0.6    yes/no
GENDER          男/女/男性/女性/male/female; M/F/0/1/2/9 codes       0.7/0.5   0.7/0.9    no/yes
ETHNICITY       the 56 groups (汉族, 壮族 …); short forms and codes   0.9/0.5   0.6/0.8    no/yes
RELIGION        佛教, 伊斯兰教, 基督教 … 无宗教信仰                   0.7       0.6        yes
MINOR_UNDER_14  derived from birth dates or resident ID numbers     table     see below
==============  ==================================================  ========  =========  =======

"context" means ``requires_context``: a column of dates, small integers or
codes proves nothing until its name or comment says what it is (出生日期,
csrq, 年龄, xb, 民族, 宗教): ``created_at`` is no birth date and ``qty`` no
age.  Values that name themselves (汉族, 67岁, 男) need no support in a
structured column; in free text they count only next to a context word or,
for sex, as a clause of their own (``常建良，男，1963年出生``).

Sources: GB/T 2261.1-2003 (sex codes 0 未知, 1 男, 2 女, 9 未说明), GB/T 3304-1991
(ethnic group names, romanisation and codes; ``recognizers/data/cn_ethnic_groups.tsv``),
``recognizers/data/religions.tsv`` (hand-compiled); 《个人信息保护法》 art. 28 lists
religious belief and the personal information of minors under 14 as sensitive.

MINOR_UNDER_14 is a table recognizer: it reads the birth dates of the
columns found to hold DATE_OF_BIRTH (string or date-typed) or CN_RESIDENT_ID
(via :func:`recognizers.identity.birth_date`), or the ages of AGE columns
(an age is taken as of the scan date), counts the sampled persons
younger than 14 on the scan date, and reports on the source column with
``match_ratio`` = their share and ``details = {"derived_from": column,
"minors": n}``.  It reports only when at least :data:`MIN_MINORS` persons or
:data:`MIN_MINOR_SHARE` of them are minors: one child among 10,000 adults may
be a data-entry error, three are a pattern.

>>> parse_date("1980年1月2日"), parse_date("19800102"), parse_date("1980/01/02 00:00:00")
(datetime.date(1980, 1, 2), datetime.date(1980, 1, 2), datetime.date(1980, 1, 2))
>>> parse_date("2099-01-01") is None, parse_date("1980-13-01") is None
(False, True)
>>> is_under_14(_dt.date(2015, 6, 1), _dt.date(2026, 11, 22)), is_under_14(_dt.date(2012, 11, 22), _dt.date(2026, 11, 22))
(True, False)
>>> [s.text for s in GenderRecognizer().find_spans("常建良，男，1963年出生")]
['男']
>>> [s.text for s in AgeInTextRecognizer().find_spans("患者女，67岁，因胸痛入院")]
['67岁']
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, Span, ValueRecognizer
from recognizers.columnar import fold_fullwidth
from recognizers.columns import column_entity_hints
from recognizers.context import TableContext
from recognizers.decision import metadata_words
from recognizers.findings import EntityFinding
from recognizers.free_text import any_of, cores_and_context, pattern_cores, relaxed
from recognizers.identity import birth_date
from recognizers.row_match import utf8_bytes, utf8_offsets

_DATA = Path(__file__).resolve().parent / "data"

#: Fewest sampled minors, or smallest share of them, that MINOR_UNDER_14 reports.
MIN_MINORS = 3
MIN_MINOR_SHARE = 0.01
MINOR_AGE = 14


def _rows(name: str) -> list[list[str]]:
    with open(_DATA / name, encoding="utf-8") as fh:
        return [ln.rstrip("\n").split("\t") for ln in fh if ln.strip() and not ln.startswith("#")]


# -- dates ----------------------------------------------------------------------------------------------------

_Y = r"(?:18|19|20)\d{2}"
_DATE_RE = re.compile(
    rf"(?P<y>{_Y})(?:(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})|年(?P<m2>\d{{1,2}})月(?:(?P<d2>\d{{1,2}})日?)?"
    rf"|(?P<m3>[01]\d)(?P<d3>[0-3]\d)|[-/.](?P<m4>\d{{1,2}}))(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?"
)


@functools.lru_cache(maxsize=65536)
def parse_date(value: str) -> _dt.date | None:
    """A calendar date from the layouts people store birth dates in (month-only forms give day 1), else ``None``.

    Dates after today are returned too (callers decide); impossible dates give ``None``.
    """
    m = _DATE_RE.fullmatch(value.strip())
    if m is None:
        return None
    month = m.group("m") or m.group("m2") or m.group("m3") or m.group("m4")
    day = m.group("d") or m.group("d2") or m.group("d3") or "1"
    try:
        return _dt.date(int(m.group("y")), int(month), int(day))
    except ValueError:
        return None


def is_birth_date(value: str, today: _dt.date | None = None) -> bool:
    """True for a real date between 1880 and ``today``."""
    d = parse_date(value)
    return d is not None and _dt.date(1880, 1, 1) <= d <= (today or _dt.date.today())


def is_under_14(birth: _dt.date, on: _dt.date) -> bool:
    """True when a person born on ``birth`` has not had their 14th birthday on ``on`` (and is born by then)."""
    try:
        fourteenth = birth.replace(year=birth.year + MINOR_AGE)
    except ValueError:  # 29 February
        fourteenth = _dt.date(birth.year + MINOR_AGE, 3, 1)
    return birth <= on < fourteenth


_CUE_BEFORE = re.compile(
    r"(?:出生(?:日期|年月|于)?|生于|生日|诞生于|(?i:born(?: on| in)?|birth(?: ?date)?|dob|date of birth))[：:\s]*$"
)
_CUE_AFTER = re.compile(r"\s*(?:出生|生人|生)")


def _mask_date(value: str) -> str:
    d = parse_date(value)
    return f"{d.year}-**-**" if d else "****-**-**"


class DateOfBirthRecognizer(ValueRecognizer):
    """DATE_OF_BIRTH: dates in a column or text that says they are birth dates.

    Layouts: ``1980-01-02``, ``1980/1/2``, ``1980.01.02``, ``19800102``,
    ``1980年1月2日``, ``1980年1月``, ``1980-01`` (with an optional time).  Only
    with support (出生日期, csrq, birth, dob, birthday; in text 出生于, 生于).
    """

    entity = "DATE_OF_BIRTH"
    patterns: ClassVar = (
        Pattern(
            "date YYYY-MM-DD and variants (weak without context)",
            rf"{_Y}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?",
            0.4,
        ),
        Pattern("date YYYYMMDD (weak without context)", rf"{_Y}[01]\d[0-3]\d", 0.3),
        Pattern("date YYYY年M月D日 (weak without context)", rf"{_Y}年\d{{1,2}}月(?:\d{{1,2}}日?)?", 0.4),
        Pattern("year and month YYYY-MM (weak without context)", rf"{_Y}[-/.]\d{{1,2}}", 0.3),
    )
    context = (
        "出生日期",
        "出生年月",
        "出生",
        "生日",
        "生于",
        "出生于",
        "诞生",
        "birth",
        "birthday",
        "birthdate",
        "date of birth",
        "dob",
        "born",
        "csrq",
        "csny",
        "csnyr",
        "shengri",
        "chushengriqi",
    )
    validator_strength = 0.7
    min_ratio = 0.6
    requires_context = True
    #: In text the cue must be close: just before (出生于, 生日：) or just after (…出生).
    CUE_BEFORE, CUE_AFTER = 8, 3

    def text_prefilter(self) -> tuple[str, ...] | None:
        """A date pattern and a birth cue (出生, 生日 …) must both be in the text."""
        cores, cues = pattern_cores(self), any_of(relaxed(_CUE_BEFORE), relaxed(_CUE_AFTER))
        return None if cores is None or cues is None else (cores, cues)

    def find_spans(self, text: str) -> list[Span]:
        out = []
        for span in super().find_spans(text):
            before = text[max(0, span.start - self.CUE_BEFORE) : span.start]
            after = text[span.end : span.end + self.CUE_AFTER]
            if _CUE_BEFORE.search(before) or _CUE_AFTER.match(after):
                out.append(span)
        return out

    def validate(self, candidate: str) -> bool:
        return is_birth_date(candidate)

    def mask(self, value: str) -> str:
        return _mask_date(value)

    def describe(self, candidate: str) -> dict[str, object]:
        d = parse_date(candidate)
        return {"birth_date": d.isoformat()} if d else {}


# -- age ------------------------------------------------------------------------------------------------------


class AgeRecognizer(ValueRecognizer):
    """AGE: integers 0-120 (or ``67岁``) in a column named for ages (年龄, age, nl)."""

    entity = "AGE"
    patterns: ClassVar = (Pattern("integer 0-120 (very weak without context)", r"\d{1,3}(?:岁|周岁)?", 0.2),)
    context = ("年龄", "岁数", "周岁", "年纪", "age", "patient age", "nl", "nld", "nianling", "hznl")
    validator_strength = 0.5
    min_ratio = 0.8
    requires_context = True

    def validate(self, candidate: str) -> bool:
        digits = candidate.rstrip("周岁")
        return digits.isdecimal() and len(digits.lstrip("0")) <= 3 and int(digits) <= 120

    def mask(self, value: str) -> str:
        return "**"

    def text_prefilter(self) -> tuple[str, ...] | None:
        """A pattern match and a context word must both be in the text (:mod:`recognizers.free_text`)."""
        return cores_and_context(self)

    def find_spans(self, text: str) -> list[Span]:
        return [s for s in super().find_spans(text) if s.details.get("context")]


class AgeInTextRecognizer(ValueRecognizer):
    """AGE written with its unit: ``67岁``, ``3周岁``, ``45岁半``."""

    entity = "AGE"
    patterns: ClassVar = (Pattern("age with unit 岁/周岁 (medium)", r"\d{1,3}(?:周岁|岁)半?", 0.6),)
    context = AgeRecognizer.context
    validator_strength = 0.65
    min_ratio = 0.6

    def validate(self, candidate: str) -> bool:
        digits = re.match(r"\d+", candidate)
        return digits is not None and len(digits.group(0).lstrip("0")) <= 3 and int(digits.group(0)) <= 120

    def mask(self, value: str) -> str:
        return "**岁"

    def text_prefilter(self) -> str | None:
        """The pattern cores: spans are pattern matches minus age limits."""
        return pattern_cores(self)

    def find_spans(self, text: str) -> list[Span]:
        # Not "3岁以上" / "18岁以下" (age limits of products and rules), not "1岁多的孩子" ranges.
        return [
            s
            for s in super().find_spans(text)
            if not text.startswith(("以上", "以下", "及以上", "及以下", "至", "-", "~"), s.end)
        ]


# -- sex ------------------------------------------------------------------------------------------------------

_GENDER_WORDS = {
    "男": "male",
    "女": "female",
    "男性": "male",
    "女性": "female",
    "male": "male",
    "female": "female",
    "男士": "male",
    "女士": "female",
}
_GENDER_CONTEXT = ("性别", "xb", "xbdm", "xbmc", "xingbie", "gender", "sex", "患者性别", "hzxb")


#: 男 or 女 as a clause of its own in text (患者王某，男，45岁).
_SEX_CLAUSE = re.compile(r"(?:(?<=[，,、；;：:\s（(])|^)(男|女)(?=[，,、；;。\s）)]|$)")


class GenderRecognizer(ValueRecognizer):
    """GENDER: 男/女/男性/女性/male/female (GB/T 2261.1 names)."""

    entity = "GENDER"
    patterns: ClassVar = (
        Pattern(
            "sex as a word 男/女/male/female (medium)",
            r"男|女|男性|女性|男士|女士|[Mm]ale|[Ff]emale|MALE|FEMALE",
            0.5,
        ),
    )
    context = _GENDER_CONTEXT
    validator_strength = 0.7
    min_ratio = 0.7

    def validate(self, candidate: str) -> bool:
        return candidate.lower() in _GENDER_WORDS

    def mask(self, value: str) -> str:
        return "*"

    def text_prefilter(self) -> str | None:
        return relaxed(_SEX_CLAUSE)

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = []
        for m in _SEX_CLAUSE.finditer(text):
            near = self.context_near(text, m.start(), m.end())
            span = Span(
                self.entity,
                m.start(1),
                m.end(1),
                m.group(1),
                0.7 if near else 0.5,
                "sex as a clause of its own (weak)",
            )
            if near:
                span.details["context"] = near
            out.append(span)
        return out


class GenderCodeRecognizer(ValueRecognizer):
    """GENDER as codes: ``M``/``F``, GB/T 2261.1 ``0``/``1``/``2``/``9``; only in a column named for sex."""

    entity = "GENDER"
    patterns: ClassVar = (Pattern("sex code M/F/0/1/2/9 (very weak without context)", r"[MFmf0129]", 0.2),)
    context = _GENDER_CONTEXT
    validator_strength = 0.5
    min_ratio = 0.9
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return candidate in {"M", "F", "m", "f", "0", "1", "2", "9"}

    def mask(self, value: str) -> str:
        return "*"

    def text_prefilter(self) -> tuple[str, ...]:
        """No row: :meth:`find_spans` reports nothing in text (see :mod:`recognizers.free_text`)."""
        return ()

    def find_spans(self, text: str) -> list[Span]:
        return []


# -- ethnic group and religion --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def ethnic_groups() -> dict[str, str]:
    """Full name → GB/T 3304 code (汉族 → 01 … 基诺族 → 56, 97, 98)."""
    return {r[1]: r[0] for r in _rows("cn_ethnic_groups.tsv")}


@functools.lru_cache(maxsize=1)
def _ethnic_short_forms() -> dict[str, str]:
    """Short forms, romanisations and codes → code (汉, 蒙古, Han, 01 …)."""
    out = {}
    for code, name, roman, _abbr in _rows("cn_ethnic_groups.tsv"):
        if name.endswith("族") and len(name) > 1:
            out[name[:-1]] = code
        out[roman.lower()] = code
        out[code] = code
        out[str(int(code))] = code
    return out


@functools.lru_cache(maxsize=1)
def religions() -> dict[str, str]:
    """Religion (zh) → English name."""
    return {r[0]: r[1] for r in _rows("religions.tsv")}


@functools.lru_cache(maxsize=1)
def _ethnic_re() -> re.Pattern[str]:
    """Every group name in one pattern: no name holds another or overlaps one, so one scan finds them all."""
    return re.compile("|".join(re.escape(n) for n in sorted(ethnic_groups(), key=len, reverse=True)))


class EthnicityRecognizer(ValueRecognizer):
    """ETHNICITY: the full names of the 56 ethnic groups of GB/T 3304 (汉族, 壮族, 维吾尔族 …)."""

    entity = "ETHNICITY"
    patterns: ClassVar = (
        Pattern("ethnic group name 汉族/壮族/… (strong, code list)", "[\u4e00-\u9fff]{1,9}", 0.7),
    )
    context = (
        "民族",
        "族别",
        "mz",
        "mzdm",
        "mzmc",
        "ssmz",
        "minzu",
        "ethnicity",
        "ethnic",
        "nation",
        "nationality",
    )
    validator_strength = 0.9
    min_ratio = 0.6

    def validate(self, candidate: str) -> bool:
        return candidate in ethnic_groups()

    def mask(self, value: str) -> str:
        return "*族"

    def text_prefilter(self) -> str:
        """RE2 pattern every text with a span matches: one of the group names (see :mod:`recognizers.free_text`)."""
        return "|".join(re.escape(name) for name in sorted(ethnic_groups(), key=len, reverse=True))

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = []
        for m in _ethnic_re().finditer(text):
            name = m.group(0)
            near = self.context_near(text, m.start(), m.end())
            if near or len(name) >= 3:
                out.append(
                    Span(
                        self.entity,
                        m.start(),
                        m.end(),
                        name,
                        0.8 if near else 0.6,
                        self.patterns[0].name,
                        details={"context": near} if near else {},
                    )
                )
        return out


class EthnicityCodeRecognizer(ValueRecognizer):
    """ETHNICITY as short forms (汉, 回, 蒙古), romanisations (Han, Zhuang) or GB/T 3304 codes (01-56, 97, 98)."""

    entity = "ETHNICITY"
    patterns: ClassVar = (
        Pattern(
            "ethnic group short form or code (weak without context)",
            "[\u4e00-\u9fff]{1,4}|[A-Za-z]{2,10}|\\d{1,2}",
            0.3,
        ),
    )
    context = EthnicityRecognizer.context
    validator_strength = 0.5
    min_ratio = 0.8
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return candidate.lower() in _ethnic_short_forms()

    def mask(self, value: str) -> str:
        return "*"

    def text_prefilter(self) -> tuple[str, ...]:
        """No row: :meth:`find_spans` reports nothing in text (see :mod:`recognizers.free_text`)."""
        return ()

    def find_spans(self, text: str) -> list[Span]:
        return []


class ReligionRecognizer(ValueRecognizer):
    """RELIGION: religious belief (佛教, 伊斯兰教, 基督教, 无宗教信仰 …), only in a column named for it."""

    entity = "RELIGION"
    patterns: ClassVar = (
        Pattern("religion name (medium with context)", "[\u4e00-\u9fff]{2,6}|[A-Za-z ]{4,20}", 0.5),
    )
    context = (
        "宗教",
        "宗教信仰",
        "信仰",
        "信教",
        "zjxy",
        "zongjiao",
        "xinyang",
        "religion",
        "religious",
        "faith",
        "belief",
    )
    validator_strength = 0.7
    min_ratio = 0.6
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return candidate in religions() or candidate.lower() in {v.lower() for v in religions().values()}

    def mask(self, value: str) -> str:
        return "**"

    def text_prefilter(self) -> str:
        """RE2 pattern every text with a span matches: one of the religions' names."""
        return "|".join(re.escape(name) for name in sorted(religions(), key=len, reverse=True))

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = []
        for name in sorted(religions(), key=len, reverse=True):
            for m in re.finditer(re.escape(name), text):
                if any(s.start <= m.start() < s.end for s in out):
                    continue  # 佛教 inside 藏传佛教
                near = self.context_near(text, m.start(), m.end())
                if near:
                    out.append(
                        Span(
                            self.entity,
                            m.start(),
                            m.end(),
                            name,
                            0.7,
                            self.patterns[0].name,
                            details={"context": near},
                        )
                    )
        return sorted(out, key=lambda s: s.start)


# -- table recognizers: date-typed birth-date columns and minors ---------------------------------------------


def _supported(words: tuple[str, ...], entity: str, name: str, comment: str | None) -> list[str]:
    """Support for ``entity`` from the recognizer's own words or the column lexicon."""
    found = metadata_words(words, name, comment)
    return list(dict.fromkeys(found + column_entity_hints(name, comment).get(entity, [])))


def _temporal_dates(arr: pa.ChunkedArray | pa.Array) -> list[_dt.date] | None:
    """Dates of a date- or timestamp-typed column (nulls dropped), else ``None``."""
    t = arr.type
    if pa.types.is_timestamp(t):
        arr = pc.cast(arr, pa.date32())
    elif not pa.types.is_date(t):
        return None
    return [d for d in arr.to_pylist() if d is not None]


class BirthDateColumnRecognizer:
    """DATE_OF_BIRTH in date- or timestamp-typed columns (the value path sees only strings and integers).

    Reported when the column name or comment supports it and most dates lie
    between 1880 and the scan date; ``created_at`` has no support.
    """

    entities: ClassVar[tuple[str, ...]] = ("DATE_OF_BIRTH",)

    entity = "DATE_OF_BIRTH"

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        out: dict[str, list[EntityFinding]] = {}
        for meta in ctx.columns:
            dates = _temporal_dates(ctx.table.column(meta.name))
            if not dates:
                continue
            support = _supported(DateOfBirthRecognizer.context, self.entity, meta.name, meta.comment)
            if not support:
                continue
            ok = [d for d in dates if _dt.date(1880, 1, 1) <= d <= ctx.scan_date]
            ratio = len(ok) / len(dates)
            if ratio < DateOfBirthRecognizer.min_ratio / 2:
                continue
            out[meta.name] = [
                EntityFinding(
                    type=self.entity,
                    score=min(1.0, 0.6 * DateOfBirthRecognizer.validator_strength + 0.3 * ratio + 0.1),
                    match_ratio=ratio,
                    matched=len(ok),
                    evidence=[f"{d.year}-**-**" for d in list(dict.fromkeys(ok))[:3]],
                    recognizer=type(self).__name__,
                    explanation=f"{len(ok)}/{len(dates)} sampled dates lie between 1880 and the scan date; "
                    f"column name/comment supports it ({', '.join(support)})",
                )
            ]
        return out


#: The bytes that are no plain ASCII to :func:`_minors_by_id`: RE2's ``\s`` and a dash (which it removes from
#: ASCII values), and every byte of a non-ASCII character.
_NOT_PLAIN = re.compile(rb"[\t\n\f\r \-\x80-\xff]")


def _plain_ascii(values: pa.Array) -> bool:
    """Whether every value is ASCII without a separator (one scan of the bytes for the first that is not)."""
    return _NOT_PLAIN.search(memoryview(utf8_bytes(values))) is None


def _recent_plain(values: pa.Array, scan_date: _dt.date) -> tuple[pa.Array, np.ndarray]:
    """The values of 15 or 18 characters (ASCII without separators), and which of them were born in or after
    the year a minor can be born in, read from their bytes: the birth date's eight bytes (``19`` and six for a
    15-digit number) compared as a big-endian number, which orders them as Arrow orders strings, byte by byte.
    """
    offsets = utf8_offsets(values)
    data = utf8_bytes(values, offsets)
    since = int.from_bytes(f"{scan_date.year - MINOR_AGE - 1:04d}0101".encode("ascii"), "big")
    lengths = np.diff(offsets)
    if (lengths == 18).all():  # 18 characters each, as a column of ID numbers holds them: rows of a matrix
        births = np.ascontiguousarray(data.reshape(len(values), 18)[:, 6:14])
        return values, births.view(">u8").ravel() >= since
    keep = (lengths == 15) | (lengths == 18)
    starts = offsets[:-1][keep] - offsets[0]
    long = lengths[keep] == 18
    births = np.empty((len(starts), 8), dtype=np.uint8)
    births[long] = data[starts[long, None] + 6 + np.arange(8)]
    births[~long, :2] = (ord("1"), ord("9"))
    births[~long, 2:] = data[starts[~long, None] + 6 + np.arange(6)]
    recent = births.view(">u8").ravel() >= since
    return (values if keep.all() else values.filter(pa.array(keep))), recent


def _minors_by_id(
    values: pa.Array, finding: EntityFinding, scan_date: _dt.date
) -> tuple[list[_dt.date], int]:
    """Birth dates of the minors among a column's resident ID numbers, and the number of persons.

    The birth date sits at characters 7-14 (``19``+7-12 for 15-digit numbers), so one vectorized string
    comparison keeps the numbers of persons born less than 15 years before the scan date; only those are
    validated one by one.  The persons are the values that validated as ID numbers (``finding.matched``).
    """
    # Only values of 15 or 18 characters without separators can be ID numbers: counted on the values as
    # written (folding writes U+3000 as a space and U+FF0D as "-"), so a column of notes is not folded whole.
    if _plain_ascii(values):  # no separator to remove, nothing to fold (a column of ID numbers as stored)
        values, recent = _recent_plain(values, scan_date)
        young = [
            d
            for d in (birth_date(v) for v in values.filter(pa.array(recent)).to_pylist())
            if d is not None and is_under_14(d, scan_date)
        ]
        return young, max(1, finding.matched)
    else:
        bare = pc.replace_substring_regex(values, r"[\s\-\x{3000}\x{FF0D}]", "")
        values = values.filter(pc.is_in(pc.utf8_length(bare), pa.array([15, 18], pa.int32())))
        compact = pc.replace_substring_regex(fold_fullwidth(values), r"[\s\-]", "")
    n = pc.utf8_length(compact)
    births = pc.if_else(
        pc.equal(n, 15),
        pc.binary_join_element_wise("19", pc.utf8_slice_codeunits(compact, 6, 12), ""),
        pc.utf8_slice_codeunits(compact, 6, 14),
    )
    recent = pc.and_(
        pc.is_in(n, pa.array([15, 18], pa.int32())),
        pc.greater_equal(births, f"{scan_date.year - MINOR_AGE - 1:04d}0101"),
    )
    young = [
        d
        for d in (birth_date(v) for v in values.filter(recent).to_pylist())
        if d is not None and is_under_14(d, scan_date)
    ]
    return young, max(1, finding.matched)


class MinorUnder14Recognizer:
    """MINOR_UNDER_14: persons younger than 14 on the scan date, from birth dates or resident ID numbers."""

    entities: ClassVar[tuple[str, ...]] = ("MINOR_UNDER_14",)

    entity = "MINOR_UNDER_14"

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        out: dict[str, list[EntityFinding]] = {}
        for meta in ctx.columns:
            found = {f.type: f for f in ctx.findings.get(meta.name, [])}
            births: list[_dt.date] | None = None
            source = ""
            if "CN_RESIDENT_ID" in found and meta.name in ctx.strings:
                minors_ids, persons = _minors_by_id(
                    ctx.strings[meta.name], found["CN_RESIDENT_ID"], ctx.scan_date
                )
                if minors_ids and (
                    len(minors_ids) >= MIN_MINORS or len(minors_ids) / persons >= MIN_MINOR_SHARE
                ):
                    out[meta.name] = [
                        self._finding(
                            meta.name,
                            "CN_RESIDENT_ID",
                            found["CN_RESIDENT_ID"].score,
                            len(minors_ids),
                            persons,
                            [f"{d.year}-**-**" for d in sorted(set(minors_ids))[:3]],
                            ctx.scan_date,
                        )
                    ]
                continue
            elif "AGE" in found and meta.name in ctx.strings:
                ages = [
                    int(m.group(0))
                    for v in ctx.strings[meta.name].to_pylist()
                    if (m := re.match(r"\d{1,3}", v))
                ]
                young_ages = [a for a in ages if a < MINOR_AGE]
                if ages and (len(young_ages) >= MIN_MINORS or len(young_ages) / len(ages) >= MIN_MINOR_SHARE):
                    out[meta.name] = [
                        self._finding(
                            meta.name,
                            "AGE",
                            found["AGE"].score,
                            len(young_ages),
                            len(ages),
                            [f"{a}岁" for a in sorted(set(young_ages))[:3]],
                            ctx.scan_date,
                        )
                    ]
                continue
            elif "DATE_OF_BIRTH" in found:
                births = _temporal_dates(ctx.table.column(meta.name))
                if births is None and meta.name in ctx.strings:
                    births = [
                        d
                        for d in (parse_date(v) for v in ctx.strings[meta.name].to_pylist())
                        if d is not None
                    ]
                source = "DATE_OF_BIRTH"
            if not births:
                continue
            young = [d for d in births if is_under_14(d, ctx.scan_date)]
            minors = len(young)
            share = minors / len(births)
            if minors == 0 or (minors < MIN_MINORS and share < MIN_MINOR_SHARE):
                continue
            out[meta.name] = [
                self._finding(
                    meta.name,
                    source,
                    found[source].score,
                    minors,
                    len(births),
                    [f"{d.year}-**-**" for d in sorted(set(young))[:3]],
                    ctx.scan_date,
                )
            ]
        return out

    def _finding(
        self,
        column: str,
        source: str,
        strength: float,
        minors: int,
        persons: int,
        evidence: list[str],
        scan_date: _dt.date,
    ) -> EntityFinding:
        share = minors / persons
        return EntityFinding(
            type=self.entity,
            score=min(1.0, 0.6 * strength + 0.3 * min(1.0, 5 * share) + 0.1),
            match_ratio=share,
            matched=minors,
            evidence=evidence,
            recognizer=type(self).__name__,
            explanation=f"{minors}/{persons} sampled persons were younger than {MINOR_AGE} on "
            f"{scan_date.isoformat()} by their {source} ({column})",
            details={"derived_from": column, "minors": minors, "source_entity": source},
        )


VALUE_RECOGNIZERS = (
    DateOfBirthRecognizer,
    AgeRecognizer,
    AgeInTextRecognizer,
    GenderRecognizer,
    GenderCodeRecognizer,
    EthnicityRecognizer,
    EthnicityCodeRecognizer,
    ReligionRecognizer,
)
TABLE_RECOGNIZERS = (BirthDateColumnRecognizer, MinorUnder14Recognizer)
