"""Building blocks shared by every recognizer.

A *value recognizer* knows one entity type (``CN_RESIDENT_ID``, ``CN_MOBILE``
…): named, scored patterns, a validator (checksum, date, code list), context
words, and how to mask a value for evidence.  It serves two execution paths:

* the **structured path** (:meth:`ValueRecognizer.analyze_values`): a whole
  column of short values at once.  Candidates are found with
  ``pyarrow.compute`` (RE2, vectorized) on anchored patterns, and the validator
  runs only on the distinct candidates;
* the **free-text path** (:meth:`ValueRecognizer.find_spans`): Python ``re``
  over long strings, with digit/letter look-arounds as boundaries (``\\b`` does
  not work next to CJK characters), yielding spans with offsets.

Patterns are RE2-compatible *cores* without anchors or look-arounds; the two
paths add their own boundaries.  Keep the cores free of back-references and
look-arounds so that both engines accept them.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Longest string the structured path treats as one value; longer strings are free text.
MAX_STRUCTURED_LEN = 64

#: Characters either side of a span searched for context words.
CONTEXT_WINDOW = 24
#: Score added to a span with a context word nearby.
CONTEXT_BOOST = 0.1

_TEXT_LEFT = r"(?<![0-9A-Za-z])"
_TEXT_RIGHT = r"(?![0-9A-Za-z])"


@dataclass(frozen=True)
class Pattern:
    """A named regular-expression core with the score a bare match deserves.

    ``name`` says what it is and how strong it is, Presidio style, for example
    ``"resident id 18 digits (medium)"``.
    """

    name: str
    regex: str
    score: float

    def __post_init__(self) -> None:
        re.compile(self.regex)  # fail at build time, not in the middle of a scan


@dataclass
class Span:
    """One match in free text."""

    entity: str
    start: int
    end: int
    text: str
    score: float
    pattern: str
    validated: bool = True
    details: dict[str, object] = field(default_factory=dict)


@dataclass
class ValueMatches:
    """What a recognizer found in one column of values (structured path)."""

    entity: str
    non_null: int
    matched: int
    examples: list[str]  # raw matched values, for masking by the caller; never reported raw
    pattern: str = ""
    details: dict[str, object] = field(default_factory=dict)

    @property
    def match_ratio(self) -> float:
        return self.matched / self.non_null if self.non_null else 0.0


def fullwidth_to_ascii(s: str) -> str:
    """Map full-width digits, letters and punctuation to ASCII.

    >>> fullwidth_to_ascii("１３８００１３８０００")
    '13800138000'
    """
    return s if s.isascii() else s.translate(_FULLWIDTH)  # most values are ASCII: no per-character look-up


_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class ValueRecognizer:
    """Base class of value recognizers.

    Subclasses set the class attributes and override :meth:`validate` (and
    :meth:`normalize`, :meth:`mask`, :meth:`describe` where they need to).
    Instances hold no mutable state, so one instance serves every thread.
    """

    #: Stable entity id used in reports and by the catalogue.
    entity: ClassVar[str] = ""
    #: Patterns tried in order; the first that matches a value names it.
    patterns: ClassVar[tuple[Pattern, ...]] = ()
    #: Words that support the entity when they appear near a value or in a
    #: column name/comment (Chinese, English, pinyin, pinyin initials).
    context: ClassVar[tuple[str, ...]] = ()
    #: Words that support the entity in a column name or comment only (the built-in
    #: entities have theirs in the column lexicon, ``data/column_lexicon.tsv``).
    column_words: ClassVar[tuple[str, ...]] = ()
    #: How much a value that passes :meth:`validate` proves, 0..1.  A checksum
    #: with a code list proves a lot (0.95+); a shape alone proves little.
    validator_strength: ClassVar[float] = 0.5
    #: Share of sampled non-null values that must validate before the column is
    #: reported without supporting context.
    min_ratio: ClassVar[float] = 0.6
    #: When True the entity is only reported with supporting context (column
    #: name, comment, or context words near a span).
    requires_context: ClassVar[bool] = False
    #: Words in a column name or comment that contradict the entity (``version``
    #: for IP addresses, ``serial``/``序列号`` for phone numbers): the column is not reported.
    negative_context: ClassVar[tuple[str, ...]] = ()
    #: Characters removed from a value before matching (separators people type).
    strip_chars: ClassVar[str] = ""
    #: The structured path counts only values that match the anchored patterns as a whole (after
    #: ``strip_chars`` are removed), so a column none of whose values can is skipped unread
    #: (:mod:`recognizers.shapes`).  The base classes keep this promise; a class that defines its own
    #: ``analyze_values`` or ``candidate_mask`` is skipped only when it declares ``anchored_counts = True``.
    anchored_counts: ClassVar[bool] = True
    #: Declared instead by a class whose structured path counts other values: ``(RE2 regex, longest)`` pairs,
    #: a value counting only when it matches one regex as a whole (``longest`` None) or holds a match of it
    #: and has at most ``longest`` characters; the regex ``""`` stands for the class's own patterns.
    counted_shapes: ClassVar[tuple[tuple[str, int | None], ...] | None] = None

    #: What must not touch a match in free text, before and after it (RE2/``re`` lookarounds).
    text_left: ClassVar[str] = _TEXT_LEFT
    text_right: ClassVar[str] = _TEXT_RIGHT

    def __init__(self) -> None:
        self._body = "|".join(f"(?:{p.regex})" for p in self.patterns)
        self._anchored = f"^(?:{self._body})$" if self._body else ""
        self._strip_table = str.maketrans("", "", self.strip_chars) if self.strip_chars else None

    # The patterns compiled by Python's ``re`` when first used, not when the registry is built: a scan's
    # recognizers compile some 300 patterns, and most search no text (their prefilter admits no row) and
    # name no pattern (they count nothing).
    @functools.cached_property
    def _text_re(self) -> re.Pattern[str] | None:
        """The patterns as they are searched in free text, between :attr:`text_left` and :attr:`text_right`."""
        return re.compile(f"{self.text_left}(?:{self._body}){self.text_right}") if self._body else None

    @functools.cached_property
    def _pattern_res(self) -> list[tuple[Pattern, re.Pattern[str]]]:
        """Each pattern compiled on its own (:meth:`pattern_name`, :meth:`span_score`)."""
        return [(p, re.compile(f"(?:{p.regex})")) for p in self.patterns]

    # -- hooks for subclasses -----------------------------------------------
    @property
    def name(self) -> str:
        return type(self).__name__

    def normalize(self, value: str) -> str:
        """Canonical form of a candidate before validation (full-width → ASCII, separators removed)."""
        value = fullwidth_to_ascii(value.strip())
        if self._strip_table is not None:
            value = value.translate(self._strip_table)
        return value

    def validate(self, candidate: str) -> bool:
        """True when a normalised candidate is a real instance (checksum, date, code list)."""
        return True

    def mask(self, value: str) -> str:
        """Masked form for evidence: never enough to recover the value."""
        return mask_middle(value)

    def describe(self, candidate: str) -> dict[str, object]:
        """Facts derived from a valid value (birth date, sex, precision …) for aggregation."""
        return {}

    # -- structured path ----------------------------------------------------
    def candidate_mask(self, values: pa.Array) -> pa.Array:
        """Boolean array: which (string) values have this entity's shape (RE2, vectorized)."""
        if self.strip_chars:
            for ch in self.strip_chars:
                values = pc.replace_substring(values, ch, "")
        return pc.match_substring_regex(values, self._anchored)

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Count the values of a string column that are valid instances.

        ``values`` must already be trimmed strings without nulls.  Validation
        runs once per distinct candidate, so a column of repeated values costs
        what its distinct values cost.
        """
        n = len(values)
        if n == 0 or not self._anchored:
            return ValueMatches(self.entity, n, 0, [])
        cand = values.filter(self.candidate_mask(values))
        if len(cand) == 0:
            return ValueMatches(self.entity, n, 0, [])
        vc = pc.value_counts(cand)
        distinct, counts = vc.field("values"), vc.field("counts")
        possible = self.possibly_valid(distinct)
        if possible is not None:
            distinct, counts = distinct.filter(pa.array(possible)), counts.filter(pa.array(possible))
        matched = 0
        examples: list[str] = []
        first_pattern = ""
        for raw, count in zip(distinct.to_pylist(), counts.to_pylist(), strict=True):
            norm = self.normalize(raw)
            if self.validate(norm):
                matched += count
                if len(examples) < max_examples:
                    examples.append(raw)
                if not first_pattern:
                    first_pattern = self.pattern_name(norm)
        return ValueMatches(self.entity, n, matched, examples, pattern=first_pattern)

    def analyze_segments(self, columns: Sequence[pa.Array], *, max_examples: int = 3) -> list[ValueMatches]:
        """:meth:`analyze_values` of each of ``columns`` (trimmed strings without nulls), in one pass over all.

        A warehouse's small tables are read a batch at a time: one candidate search over their columns end to
        end and one validation of each distinct candidate, where a call per column spent its time setting
        up.  The result is each column's own, as :meth:`analyze_values` gives it, because a value's candidacy
        (:meth:`candidate_mask`, :meth:`possibly_valid`) and validity are the value's alone.  A class with its
        own :meth:`analyze_values` has it called per column.
        """
        if self._read_alone(columns, ValueRecognizer):
            return [self.analyze_values(v, max_examples=max_examples) for v in columns]
        return self._base_segments(columns, max_examples)

    def _read_alone(self, columns: Sequence[pa.Array], owner: type[ValueRecognizer]) -> bool:
        """Whether ``owner``'s :meth:`analyze_segments` must read ``columns`` one by one: fewer than two, a
        subclass with its own :meth:`analyze_values` (which the joined reading would not run), or arrays of
        more than one type (nothing to join them in)."""
        return (
            len(columns) < 2
            or type(self).analyze_values is not owner.analyze_values
            or len({v.type for v in columns}) > 1
        )

    def _base_segments(self, columns: Sequence[pa.Array], max_examples: int) -> list[ValueMatches]:
        """This class's own :meth:`analyze_values` of each column (of one array type), all read at once: what a
        subclass that counts some values itself hands the rest to, as it calls ``super().analyze_values``."""
        sizes = [len(v) for v in columns]
        empty = [ValueMatches(self.entity, n, 0, []) for n in sizes]
        if not self._anchored or not columns:
            return empty
        every, everywhere = distinct_values(columns)  # distinct in order of first occurrence, and each row's
        candidate = np.asarray(self.candidate_mask(every).to_numpy(zero_copy_only=False), dtype=bool)
        rows = np.flatnonzero(candidate[everywhere])
        if len(rows) == 0:
            return empty
        # the candidates among the distinct values, still in order of first occurrence, and each row's
        distinct = every.filter(pa.array(candidate))
        index = (np.cumsum(candidate) - 1)[everywhere[rows]]
        possible = self.possibly_valid(distinct)
        texts = distinct.to_pylist()
        valid = np.zeros(len(texts), dtype=bool)
        norms: dict[int, str] = {}
        for d in range(len(texts)) if possible is None else np.flatnonzero(possible).tolist():
            norm = self.normalize(texts[d])
            if self.validate(norm):
                valid[d], norms[d] = True, norm
        ok = valid[index]
        cut = np.searchsorted(rows, np.cumsum([0, *sizes])).tolist()  # each column's candidates, in order
        out = []
        for k, n in enumerate(sizes):
            ids = index[cut[k] : cut[k + 1]][ok[cut[k] : cut[k + 1]]]
            if len(ids) == 0:
                out.append(empty[k])
                continue
            _, first = np.unique(ids, return_index=True)
            order = ids[np.sort(first)].tolist()  # the column's valid distinct values, first occurrence first
            pattern = next((name for d in order if (name := self.pattern_name(norms[d]))), "")
            examples = [texts[d] for d in order[:max_examples]]
            out.append(ValueMatches(self.entity, n, len(ids), examples, pattern=pattern))
        return out

    def _screened_segments(
        self, columns: Sequence[pa.Array], max_examples: int, owner: type[ValueRecognizer]
    ) -> list[ValueMatches]:
        """:meth:`analyze_segments` for ``owner``, a class whose own ``analyze_values`` counts only candidates,
        and returns ``ValueMatches(entity, n, 0, [])`` for a column without one: the candidate search
        (:meth:`candidate_mask`) runs once over all the columns, and a column holding no candidate is counted
        nothing without a call.  Columns that must be read alone (:meth:`_read_alone`) are read one by one."""
        if self._read_alone(columns, owner):
            return [self.analyze_values(v, max_examples=max_examples) for v in columns]
        sizes = [len(v) for v in columns]
        mask = np.asarray(self.candidate_mask(pa.concat_arrays(list(columns))).to_numpy(zero_copy_only=False))
        cut = np.cumsum([0, *sizes]).tolist()
        return [
            self.analyze_values(v, max_examples=max_examples)
            if mask[cut[k] : cut[k + 1]].any()
            else ValueMatches(self.entity, sizes[k], 0, [])
            for k, v in enumerate(columns)
        ]

    def possibly_valid(self, distinct: pa.Array) -> np.ndarray | None:
        """Which distinct candidates :meth:`validate` can accept at all, worked out over the array at once
        (``None``: every one): the others are not validated one by one.  The base class does not know."""
        return None

    def pattern_name(self, candidate: str) -> str:
        for p, rx in self._pattern_res:
            if rx.fullmatch(candidate):
                return p.name
        return self.patterns[0].name if self.patterns else ""

    # -- free-text path -----------------------------------------------------
    def find_spans(self, text: str) -> list[Span]:
        """Every valid instance in ``text`` with its offsets (anything but a non-empty string gives ``[]``)."""
        if self._text_re is None or not isinstance(text, str) or not text:
            return []
        return self._spans_in(text, self.span_facts)

    def find_spans_column(self, texts: Sequence[str]) -> list[list[Span]]:
        """:meth:`find_spans` of every text of a column, the same spans, each distinct match validated and named
        once (:meth:`span_facts`): a column repeats its values (one patient's phone number in many notes).

        A class with its own ``find_spans`` has it called per text.
        """
        if type(self).find_spans is not ValueRecognizer.find_spans or self._text_re is None:
            return [self.find_spans(t) for t in texts]
        facts = functools.cache(self.span_facts)  # for this column only: the cache goes with it
        return [self._spans_in(t, facts) if isinstance(t, str) and t else [] for t in texts]

    def span_facts(self, raw: str) -> tuple[float, str] | None:
        """The score before context and the pattern name of a match as written, ``None`` when it is no valid
        instance: all that the generic :meth:`find_spans` works out from the matched characters alone
        (recognizers hold no state, so a match repeated in a column is worked out once)."""
        norm = self.normalize(raw)
        if not self.validate(norm):
            return None
        return self.span_score(norm), self.pattern_name(norm)

    def span_veto(self, text: str, start: int, end: int) -> bool:
        """True to drop a valid span because of what surrounds it (e.g. ``v1.2.3.4``)."""
        return False

    def _spans_in(self, text: str, facts: Callable[[str], tuple[float, str] | None]) -> list[Span]:
        """The generic span scan of one text: each pattern match, valid (``facts``) and not vetoed, with the
        context words near it."""
        assert self._text_re is not None
        out = []
        # most recognizers veto nothing: no call per match then
        veto = None if type(self).span_veto is ValueRecognizer.span_veto else self.span_veto
        for m in self._text_re.finditer(text):
            raw = m.group(0)
            got = facts(raw)
            if got is None:
                continue
            start, end = m.span()
            if veto is not None and veto(text, start, end):
                continue
            near = self.context_near(text, start, end)
            if self.requires_context and not near:
                continue
            score = min(1.0, got[0] + (CONTEXT_BOOST if near else 0.0))
            span = Span(self.entity, start, end, raw, score, got[1])
            if near:
                span.details["context"] = near
            out.append(span)
        return out

    def context_near(self, text: str, start: int, end: int, window: int = CONTEXT_WINDOW) -> list[str]:
        """Context words within ``window`` characters before or after a span."""
        if not self.context:
            return []
        return context_hits(
            self.context, text[max(0, start - window) : start] + " " + text[end : end + window]
        )

    def span_score(self, candidate: str) -> float:
        return max((p.score for p, rx in self._pattern_res if rx.fullmatch(candidate)), default=0.5)


_DISTINCT = threading.local()


def distinct_values(columns: Sequence[pa.Array]) -> tuple[pa.Array, np.ndarray]:
    """The distinct values of string ``columns`` read end to end, in order of first occurrence, and for each
    row the index of its value among them.

    A batch's columns are offered to several recognizers (the disease, drug and lab-result lexicons read the
    same text columns), and a warehouse's columns repeat their values (names, cities, statuses): each
    recognizer searches the distinct values for candidates (:meth:`ValueRecognizer._base_segments`), and the
    columns are hashed once for all of them, the last reading kept in this thread (with the arrays it read,
    so that it is the same arrays asked for again, not others at the same addresses).
    """
    kept = getattr(_DISTINCT, "kept", None)
    if (
        kept is not None
        and len(kept[0]) == len(columns)
        and all(a is b for a, b in zip(kept[0], columns, strict=True))
    ):
        return kept[1], kept[2]
    encoded = pc.dictionary_encode(pa.concat_arrays(list(columns)) if len(columns) > 1 else columns[0])
    every, index = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    _DISTINCT.kept = (tuple(columns), every, index)
    return every, index


def mask_middle(value: str, keep_start: int | None = None, keep_end: int | None = None) -> str:
    """Mask the middle of a value.

    Without explicit ``keep_start``/``keep_end`` a sixth of the value stays
    visible at each end; recognizers pass the customary Chinese masks
    (``3201**********123X``, ``139****5678``).

    >>> mask_middle("320102198001011234", 4, 4)
    '3201**********1234'
    >>> mask_middle("13912345678", 3, 4)
    '139****5678'
    >>> mask_middle("ab")
    '**'
    """
    n = len(value)
    if keep_start is None or keep_end is None:
        keep_start = keep_end = n // 6
    if keep_start + keep_end >= n:
        keep_start = keep_end = n // 6
    return (
        value[:keep_start] + "*" * (n - keep_start - keep_end) + (value[n - keep_end :] if keep_end else "")
    )


def context_hits(words: Iterable[str], text: str) -> list[str]:
    """The context words that occur in ``text``.

    Chinese words match anywhere; ASCII words match case-insensitively and only
    as whole words, so ``tel`` does not fire inside ``hotel``.

    >>> context_hits(("电话", "tel", "id card"), "Hotel 联系电话: ID Card 32")
    ['电话', 'id card']
    """
    low = text.lower()
    anywhere, prepared, starting = _prepared_words(words) if isinstance(words, tuple) else _prepare(words)
    m = anywhere.search(low) if anywhere is not None else None
    if m is None:
        return []  # most windows hold none of the words: one regex search instead of a test per word
    # Every position where a word starts, once: the longest form there (the alternation tries the longest
    # first) and the shorter forms it starts with.  Fewer tests than one per word for a window with a hit.
    found: list[int] = []
    while m is not None:
        found += starting[m.group()]
        m = anywhere.search(low, m.start() + 1) if m.start() < len(low) else None
    out = []
    for k in sorted(set(found)) if len(found) > 1 else found:
        w, _, rx = prepared[k]
        if rx is None or rx.search(low):
            out.append(w)
    return out


_Prepared = tuple[
    re.Pattern[str] | None,
    tuple[tuple[str, str, re.Pattern[str] | None], ...],
    dict[str, tuple[int, ...]],
]


def _prepare(words: Iterable[str]) -> _Prepared:
    """A regex finding any of the words' lower-case forms, longest first; each word with its lower-case form
    and, for ASCII words, the whole-word regex; and for each form, the words whose forms start it."""
    prepared = tuple((w, w.lower(), _ascii_word_re(w.lower()) if w.isascii() else None) for w in words)
    forms = sorted({wl for _, wl, _ in prepared}, key=len, reverse=True)
    starting = {f: tuple(k for k, (_, wl, _) in enumerate(prepared) if f.startswith(wl)) for f in forms}
    return (re.compile("|".join(map(re.escape, forms))) if forms else None), prepared, starting


@functools.lru_cache(maxsize=1024)
def _prepared_words(words: tuple[str, ...]) -> _Prepared:
    """:func:`_prepare` once per tuple of words (recognizers pass their class attributes: the same tuples)."""
    return _prepare(words)


@functools.lru_cache(maxsize=4096)
def _ascii_word_re(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])")
