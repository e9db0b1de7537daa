"""The free-text path over a whole column: candidate rows found with RE2 on the Arrow array, spans in Python.

Calling every recognizer's ``find_spans`` on every cell costs each of ~55
recognizers a Python regex scan (or a lexicon walk) per cell, although most
cells hold nothing a given recognizer could find: a note without an ``@``
holds no e-mail.  Here each recognizer first names a *prefilter*, an RE2
pattern that every text holding one of its spans matches; one
``pyarrow.compute.match_substring_regex`` over the column (RE2, in C++) marks
the rows that can hold its spans, and ``find_spans`` runs on those rows only.

* A recognizer that finds its spans with the generic pattern scan
  (:meth:`~recognizers.base.ValueRecognizer.find_spans`) is prefiltered by
  the union of its pattern cores: the cores carry no look-arounds, so the
  core matches wherever the bounded Python pattern does.
* A recognizer that reports only pattern matches with a context word nearby
  (``requires_context``) is prefiltered by both: a row must hold a core match
  *and* one of its context words.
* A recognizer with its own ``find_spans`` declares ``text_prefilter()``
  (an RE2 pattern, a tuple of patterns that must all match, or ``None`` to be
  run on every row; an element of the tuple may itself be a tuple of
  alternatives, any of which will do: RE2 can be far slower on the union of two
  patterns than on each alone); :func:`relaxed` turns its own Python regexes
  into RE2 prefilters by dropping their look-arounds.
* A recognizer with ``find_spans_column(texts)`` reads its candidate rows in
  one call: the name model (:mod:`recognizers.names_vector`), and the generic
  pattern scan, which validates each distinct match once.
* The column is matched after NFKC normalisation, so full-width digits and
  letters (``１３８…``), which Python's ``\\d`` matches, match RE2's ASCII
  classes too; rows NFKC changes are matched as written as well (a lexicon's
  ``Ⅱ型`` is no ``II型``).  Patterns whose meaning differs between the engines (``\\b``,
  ``\\w`` are Unicode-aware in Python, ASCII in RE2) are not used as prefilters.
  Python reads a few characters otherwise than RE2 even after NFKC (``İ``,
  ``ı`` are ``i`` under ``re.I``, ``١`` is a digit to ``\\d``): rows holding
  them are matched again with those written as RE2 would read them.

A column's distinct texts are read once: a text's spans are the text's alone, so every row repeating it (a
template note, ``无``, one patient's number in many rows) takes the spans of its one reading.

The spans found are exactly those of per-cell ``find_spans`` (the test suite
checks parity on the labelled corpus); overlaps are then resolved per cell
(:func:`recognizers.decision.resolve_overlaps`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import re._parser as _re_parser
import unicodedata
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Span, ValueRecognizer, distinct_values
from recognizers.decision import resolve_overlaps
from recognizers.protocols import ValueRecognizerProtocol
from recognizers.regex_syntax import tokens
from recognizers.row_match import ColumnBytes, ascii_projection, rows_matching
from recognizers.shapes import UNBOUNDED, ColumnShape, reads_ascii_only, regex_gate

#: ``find_spans`` implementations that report only pattern matches (their cores are a valid prefilter).
_GENERIC_FIND_SPANS = (ValueRecognizer.find_spans,)
#: Escapes whose meaning differs between Python ``re`` (Unicode) and RE2 (ASCII).
_ENGINE_DEPENDENT = re.compile(r"\\[bBwW]")


#: One RE2 pattern, or alternatives any of which will do.
Requirement = str | tuple[str, ...]
Prefilter = str | tuple[Requirement, ...] | None


def pattern_cores(rec: ValueRecognizerProtocol) -> str | None:
    """The union of a recognizer's pattern cores (what the generic ``find_spans`` searches for)."""
    patterns = getattr(rec, "patterns", ())
    return "|".join(f"(?:{p.regex})" for p in patterns) if patterns else None


def cores_and_context(rec: ValueRecognizerProtocol) -> tuple[str, ...] | None:
    """Prefilter of spans that are pattern matches with a context word nearby: both must occur in the text."""
    cores, words = pattern_cores(rec), context_words(getattr(rec, "context", ()))
    return None if cores is None or words is None else (cores, words)


def prefilter(rec: ValueRecognizerProtocol) -> tuple[Requirement, ...] | None:
    """The RE2 patterns every text holding one of ``rec``'s spans matches (all of them), or ``None`` (read
    every row).

    ``text_prefilter()`` when the recognizer declares it; for the generic pattern scan its pattern cores,
    and its context words too when it reports only spans with context (``requires_context``).  Worked out
    once per recognizer (recognizers hold no mutable state).
    """
    try:
        return _cached_prefilter(rec)
    except TypeError:  # an unhashable recognizer
        return _prefilter(rec)


@functools.lru_cache(maxsize=1024)
def _cached_prefilter(rec: ValueRecognizerProtocol) -> tuple[Requirement, ...] | None:
    return _prefilter(rec)


def _prefilter(rec: ValueRecognizerProtocol) -> tuple[Requirement, ...] | None:
    declared = getattr(rec, "text_prefilter", None)
    cls = type(rec)
    if callable(declared):
        found: Prefilter = declared()
    elif getattr(cls, "find_spans", None) in _GENERIC_FIND_SPANS:
        generic_context = getattr(cls, "context_near", None) is ValueRecognizer.context_near
        needs_context = getattr(rec, "requires_context", False) and generic_context
        found = cores_and_context(rec) if needs_context else pattern_cores(rec)
    else:
        found = None
    if found is None:
        return None
    patterns = (found,) if isinstance(found, str) else tuple(found)
    if any(_ENGINE_DEPENDENT.search(p) for req in patterns for p in _alternatives(req)):
        return None
    return patterns  # () when the recognizer finds nothing in text: no row is read


def _syntax(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """``(index, character, group depth after it)`` of each character of ``pattern`` from ``start`` that is
    neither escaped nor inside a character class (:func:`recognizers.regex_syntax.tokens`)."""
    return ((i, tok, depth) for i, tok, depth in tokens(pattern, start) if len(tok) == 1)


def _group_end(pattern: str, start: int) -> int:
    """Index just past the group opened at ``pattern[start]``, skipping escapes and character classes."""
    for i, ch, depth in _syntax(pattern, start):
        if ch == ")" and depth == 0:
            return i + 1
    raise ValueError("unbalanced group")


def relaxed(rx: re.Pattern[str]) -> str | None:
    """An RE2 pattern matching wherever ``rx`` matches: look-arounds dropped (they only ever reject a match),
    the compile flags written inline; ``None`` when that is not possible (\\b, \\w, verbose patterns).

    >>> relaxed(re.compile(r"(?<![0-9])1[3-9]\\d{9}(?![0-9])"))
    '1[3-9]\\\\d{9}'
    >>> relaxed(re.compile("hiv|aids", re.I))
    '(?i:hiv|aids)'
    """
    if rx.flags & re.VERBOSE:
        return None
    src, out, i, in_class = rx.pattern, [], 0, False
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            out.append(src[i : i + 2])
            i += 2
            continue
        if not in_class and src.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            i = _group_end(src, i)
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if src[i + 1 : i + 2] == "]":
                out.append("[]")
                i += 2
                continue
        out.append(ch)
        i += 1
    pattern = "".join(out)
    if not pattern or _ENGINE_DEPENDENT.search(pattern):
        return None
    flags = ("i" if rx.flags & re.IGNORECASE else "") + ("s" if rx.flags & re.DOTALL else "")
    return f"(?{flags}:{pattern})" if flags else pattern


def any_of(*patterns: str | None) -> str | None:
    """One RE2 alternation of prefilters, or ``None`` (read every row) when any of them is ``None``."""
    if not patterns or any(p is None for p in patterns):
        return None
    return "|".join(f"(?:{p})" for p in patterns)


def context_words(words: Sequence[str]) -> str | None:
    """A prefilter for spans that need a context word nearby: any of the words, ASCII ones in any case.

    A word's longest part between spaces stands for it: the context window is the text before a span, a
    space and the text after it, so ``id card`` is found around ``id 3201… card``, and each part of a word
    is in the text either way.
    """
    pieces = [max(w.split(" "), key=len) for w in words]
    if not pieces or not all(pieces):
        return None
    return "|".join(
        re.escape(w) if not w.isascii() else f"(?i:{re.escape(w)})" for w in dict.fromkeys(pieces)
    )


#: Characters Python's ``re`` reads otherwise than RE2 in NFKC text (checked over every code point): decimal
#: digits beyond ASCII (``\\d``), İ and ı (``i`` under ``re.I``), and the whitespace NFKC keeps (``\\s``).
_PYTHON_READS_OTHERWISE = r"[^\P{Nd}0-9]|[\x{130}\x{131}\x{0B}\x{1C}-\x{1F}\x{85}\x{1680}\x{2028}\x{2029}]"
_PYTHON_ONLY_SPACES = frozenset("\x0b\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029")


def as_python_reads(text: str) -> str:
    """``text`` with each character Python's ``re`` reads otherwise than RE2 written as RE2 reads it.

    >>> as_python_reads("dıabetes İNFLUENZA ١٣٩\u2028x")
    'diabetes iNFLUENZA 139 x'
    """
    return "".join(
        "i"
        if c in "\u0130\u0131"
        else " "
        if c in _PYTHON_ONLY_SPACES
        else str(unicodedata.decimal(c))
        if not c.isascii() and c.isdecimal()
        else c
        for c in text
    )


#: The smallest column (bytes of its NFKC form) whose ASCII projection is searched (:attr:`ColumnForms.ascii_form`).
PROJECT_FROM = 1 << 16
#: ... when the projection keeps at most this share of the bytes.
PROJECT_SHARE = 0.6

#: Characters NFKC composes with what precedes them (combining marks, Hangul vowels and finals).
_COMPOSING = r"[\p{M}\x{1160}-\x{11FF}]"


class ColumnForms:
    """A column as written and after NFKC, and which rows NFKC changed (full-width digits, Ⅱ, ㎎ …)."""

    def __init__(self, values: pa.Array, shape: ColumnShape | None = None) -> None:
        """``shape`` is :meth:`ColumnShape.of` ``values``, when the caller has it."""
        self.raw = values
        self.nfkc = pc.utf8_normalize(values, "NFKC")
        self.changed = np.flatnonzero(pc.not_equal(values, self.nfkc).to_numpy(zero_copy_only=False))
        self._raw_shape = shape
        self._shapes: tuple[ColumnShape, ...] | None = None

    @functools.cached_property
    def nfkc_bytes(self) -> ColumnBytes:
        """The NFKC form's bytes and rows, for the searches of every prefilter that reads the whole column."""
        return ColumnBytes(self.nfkc)

    @functools.cached_property
    def ascii_form(self) -> tuple[pa.Array, ColumnBytes] | None:
        """The NFKC form's :func:`~recognizers.row_match.ascii_projection` and its bytes, searched instead of it
        by the patterns that read ASCII alone (:func:`~recognizers.shapes.reads_ascii_only`: numbers, codes,
        e-mail addresses; some thirty prefilters); ``None`` when it would not pay: a column under
        :data:`PROJECT_FROM` bytes (a search of it costs its set-up, not its bytes), or one whose projection keeps
        more than :data:`PROJECT_SHARE` of them."""
        data = self.nfkc_bytes.raw
        if len(data) < PROJECT_FROM:
            return None
        form = ascii_projection(self.nfkc)
        column = ColumnBytes(form)
        return (form, column) if len(column.raw) <= PROJECT_SHARE * len(data) else None

    @functools.cached_property
    def raw_bytes(self) -> ColumnBytes:
        """The column's bytes and rows as written, for the raw-form searches of a column NFKC changed whole."""
        return ColumnBytes(self.raw)

    @functools.cached_property
    def composing(self) -> np.ndarray:
        """The rows where NFKC composes characters (asked only for a pattern matching raw text)."""
        if not len(self.changed):
            return self.changed
        return self.changed[rows_matching(self.raw.take(self.changed), _COMPOSING)]

    def could_hold(self, pattern: str) -> bool:
        """False when no row, as written or after NFKC, has the characters and the length a match of
        ``pattern`` needs (:mod:`recognizers.shapes`): RE2 would match no row, so it is not asked — its
        set-up costs more than the scan of a small column.  True for a pattern RE2 does not accept."""
        gate = regex_gate(pattern, search_max=UNBOUNDED)
        if gate is None or not _re2_accepts(pattern):
            return True
        if self._shapes is None:
            raw = self._raw_shape or ColumnShape.of(self.raw)
            self._shapes = (raw, ColumnShape.of(self.nfkc)) if len(self.changed) else (raw,)
        return any(shape.admits(gate) for shape in self._shapes)

    def matches(self, pattern: str, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` the pattern matches in either form: Python's classes read full-width digits as
        digits (NFKC form), a lexicon's literal Ⅱ型 is matched as written (raw form).

        A pattern that matches only characters NFKC leaves as they are (:func:`nfkc_stable`) matches the NFKC
        form wherever it matches the raw one, except where NFKC composes characters: the raw form is then
        read only in the rows holding combining characters.
        """
        form, column = self.nfkc, self.nfkc_bytes
        if reads_ascii_only(pattern) and self.ascii_form is not None:
            form, column = self.ascii_form  # the same rows match, in a third of the bytes
        if len(rows) == len(self.raw):
            hit = rows_matching(form, pattern, column)
        else:
            hit = rows_matching(form.take(rows), pattern)
        unstable = unstable_branches(pattern)
        if unstable is not None:
            self._match_form(self.raw, unstable, rows, self.changed, hit)
        if unstable != pattern:
            self._match_form(self.raw, pattern, rows, self.composing, hit)
        self._match_form(self.python_read[1], pattern, rows, self.python_read[0], hit)
        return hit

    @functools.cached_property
    def python_read(self) -> tuple[np.ndarray, pa.Array]:
        """The rows holding a character Python's ``re`` reads otherwise than RE2 even after NFKC, and the NFKC
        form with each such character written as RE2 reads it (:func:`as_python_reads`).

        A recognizer's own regexes are Python's: ``dıabetes mellıtus`` is a disease to a ``re.I`` lexicon and
        ``١٢٣`` three digits to ``\\d``, where RE2's ``(?i:…)`` and ``\\d`` see neither.  Those rows are
        matched on this form too, so a prefilter admits every row the recognizer could find a span in.
        """
        rows = np.flatnonzero(rows_matching(self.nfkc, _PYTHON_READS_OTHERWISE, self.nfkc_bytes))
        if not len(rows):
            return rows, self.nfkc
        mask = np.zeros(len(self.nfkc), dtype=bool)
        mask[rows] = True
        fixed = pa.array([as_python_reads(t) for t in self.nfkc.take(rows).to_pylist()], pa.string())
        return rows, pc.replace_with_mask(self.nfkc, pa.array(mask), fixed)

    def _match_form(
        self, form: pa.Array, pattern: str, rows: np.ndarray, where: np.ndarray, hit: np.ndarray
    ) -> None:
        """Add the matches in ``form`` (the column written another way, row for row: as written, or as Python
        reads it) of those of ``rows`` that are in ``where`` (and not yet hit)."""
        if not len(where):
            return
        if len(where) == len(self.raw):  # every row differs (a column of notes with full-width commas)
            both = np.flatnonzero(~hit)
        else:
            both = np.flatnonzero(np.isin(rows, where) & ~hit)
        if len(both) == len(self.raw):  # rows are every row, none hit yet: the whole column
            hit |= rows_matching(form, pattern, self.raw_bytes if form is self.raw else None)
        elif len(both):
            hit[both] |= rows_matching(form.take(rows[both]), pattern)


@functools.lru_cache(maxsize=4096)
def _re2_accepts(pattern: str) -> bool:
    """Whether RE2 compiles ``pattern`` (one compile per pattern for the whole run)."""
    try:
        pc.match_substring_regex(pa.array([], pa.string()), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


#: A flag group without a colon sets flags for the rest of the pattern, across ``|``: no splitting then.
_FLAG_SETTING = re.compile(r"\(\?[a-zA-Z-]+\)")


@functools.lru_cache(maxsize=4096)
def unstable_branches(pattern: str) -> str | None:
    """The top-level alternatives of ``pattern`` that are not :func:`nfkc_stable` (one pattern), ``None`` when
    all are: only they need the raw form of rows NFKC changed (a lexicon's 两千 terms, three of them with Ⅱ).

    >>> unstable_branches("(?:肺炎|Ⅱ型|糖尿)"), unstable_branches("a|b"), unstable_branches("(?i)a|Ⅱ")
    ('(?:Ⅱ型)', None, '(?i)a|Ⅱ')
    """
    parts = _unstable_parts(pattern)
    if not parts:
        return None
    return pattern if parts == [pattern] else "|".join(f"(?:{b})" for b in parts)


def _unstable_parts(pattern: str) -> list[str]:
    if nfkc_stable(pattern):
        return []
    branches = [pattern] if _FLAG_SETTING.search(pattern) else _top_level_branches(pattern)
    if len(branches) == 1:
        return [pattern]
    return [part for b in branches for part in _unstable_parts(b)]


def _top_level_branches(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (inside a ``(?:…)`` enclosing all of it, too)."""
    while pattern.startswith("(?:") and _group_end(pattern, 0) == len(pattern):
        pattern = pattern[3:-1]
    cuts = [i for i, ch, depth in _syntax(pattern) if ch == "|" and depth == 0]
    return [pattern[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(pattern)], strict=True)]


@functools.lru_cache(maxsize=4096)
def nfkc_stable(pattern: str) -> bool:
    """Whether every text the pattern can match is matched in its NFKC form too (composition aside).

    True when the pattern matches only through characters NFKC leaves alone (literals and positive classes of
    such characters) or through ``\\d`` and ``\\s``, whose Unicode digits and spaces NFKC writes in ASCII:
    then each character of a raw match keeps its place and its class in the NFKC text.  Negated classes,
    ``.``, ``\\D``/``\\S``/``\\W`` and back-references can match a character NFKC rewrites (``[^:]`` reads
    a full-width colon that NFKC turns into ``:``), and a pattern Python's parser does not read is not
    known: both are False, and the raw text is matched as well.

    >>> nfkc_stable(r"1[3-9]\\d{9}"), nfkc_stable("Ⅱ型"), nfkc_stable("[^,]+")
    (True, False, False)
    """
    if not _METACHARACTERS.intersection(pattern):  # a plain word (a lexicon's branch): its characters decide
        return all(_stable_chars(ord(c), ord(c)) for c in pattern)
    try:
        parsed = _re_parser.parse(pattern)
    except (re.error, OverflowError, RecursionError):
        return False
    return _stable_items(list(parsed))


#: Characters with a meaning in a pattern: one without any is read as its characters, each a literal.
_METACHARACTERS = frozenset(".^$*+?{}[]\\|()")


def _stable_items(items: list) -> bool:  # noqa: C901 - one case per opcode of the parse tree
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            if not _stable_chars(arg, arg):
                return False
        elif name == "IN":
            if not all(_stable_class_item(str(o), a) for o, a in arg):
                return False
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if not _stable_items(list(arg[2])):
                return False
        elif name == "SUBPATTERN":
            if not _stable_items(list(arg[3])):
                return False
        elif name == "BRANCH":
            if not all(_stable_items(list(b)) for b in arg[1]):
                return False
        elif name == "ATOMIC_GROUP":
            if not _stable_items(list(arg)):
                return False
        elif name != "AT":  # anchors match no character; anything else (., [^…], groups refs) is unsure
            return False
    return True


def _stable_class_item(op: str, arg: object) -> bool:
    if op == "LITERAL":
        return _stable_chars(arg, arg)  # type: ignore[arg-type]
    if op == "RANGE":
        lo, hi = arg  # type: ignore[misc]
        return _stable_chars(lo, hi)
    return op == "CATEGORY" and str(arg) in ("CATEGORY_DIGIT", "CATEGORY_SPACE")


@functools.lru_cache(maxsize=4096)
def _stable_chars(lo: int, hi: int) -> bool:
    """Whether NFKC leaves every character from ``lo`` to ``hi`` as it is."""
    return all(
        unicodedata.is_normalized("NFKC", chr(c)) for c in range(lo, hi + 1) if not 0xD800 <= c < 0xE000
    )


def _alternatives(req: Requirement) -> tuple[str, ...]:
    return (req,) if isinstance(req, str) else tuple(req)


def candidate_rows(
    forms: ColumnForms, patterns: Sequence[Requirement] | None, *, screen: bool = True
) -> np.ndarray | None:
    """Indices of the rows every one of ``patterns`` matches (one of its alternatives, for a tuple), or
    ``None`` when every row must be read; no row for ``()`` (:func:`prefilter` of a recognizer that finds
    nothing in text).  ``screen=False`` asks RE2 without first asking whether the column's characters and
    lengths admit a match (:meth:`ColumnForms.could_hold`: worth its cost on long columns of text)."""
    if patterns is None:
        return None
    if not patterns:
        return np.zeros(0, dtype=np.int64)
    rows = np.arange(len(forms.raw))
    for req in patterns:
        if screen and not any(forms.could_hold(pattern) for pattern in _alternatives(req)):
            rows = rows[:0]  # no row has what a match needs
            break
        hit = np.zeros(len(rows), dtype=bool)
        for pattern in _alternatives(req):
            left = np.flatnonzero(~hit)
            try:
                hit[left] |= forms.matches(pattern, rows[left])
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None  # a pattern RE2 does not accept: read every row
        rows = rows[hit]
        if len(rows) == 0:
            break
    return rows


def prefilter_mask(values: pa.Array, rec: ValueRecognizerProtocol) -> np.ndarray | None:
    """Which of ``values`` (non-null strings) the recognizer's free-text prefilter admits, as
    :func:`column_spans` reads them; ``None`` when it declares none.

    A recognizer whose structured validator needs one of its spans inside a value (a diagnosis name holds a
    disease term) validates only these: one RE2 search of a column of names instead of a Python regex per name.
    """
    rows = candidate_rows(ColumnForms(values), prefilter(rec), screen=False)
    if rows is None:
        return None
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    return mask


def column_spans(
    values: pa.Array, recs: Sequence[ValueRecognizerProtocol], *, shape: ColumnShape | None = None
) -> list[list[list[Span]]]:
    """Every recognizer's surviving spans in every value: ``out[r][i]`` for recognizer ``r`` and row ``i``.

    ``values`` are non-null strings (``shape`` their :meth:`ColumnShape.of`, when the caller has it).  Spans
    competing for the same characters are resolved per row, so a resident ID whose digits pass the Luhn check
    is not also a bank card.
    """
    return [
        [_EMPTY] * len(values) if per_row is None else per_row
        for per_row in column_spans_found(values, recs, shape=shape)
    ]


def column_spans_found(
    values: pa.Array, recs: Sequence[ValueRecognizerProtocol], *, shape: ColumnShape | None = None
) -> list[list[list[Span]] | None]:
    """:func:`column_spans`, with ``None`` for a recognizer that found no span in any value: a batch's joined
    free-text column is read by some sixty recognizers, most of which find nothing, and each column of the
    batch would otherwise be cut out of their empty rows and judged on them."""
    with no_cycle_collection():
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        distinct, index = distinct_values([values])
        if len(distinct) == len(values):  # every text its own: nothing to share
            return _column_spans(values, recs, shape)
        # A text's spans are the text's alone (``find_spans_column`` gives each text's ``find_spans``): each
        # distinct text is read once and its spans stand in every row that repeats it.  The distinct texts have
        # the column's characters and lengths, so its shape is theirs.
        rows = index.tolist()
        return [
            None if per_text is None else list(map(per_text.__getitem__, rows))
            for per_text in _column_spans(distinct, recs, shape)
        ]


#: The spans of a row that holds none (one list, shared: nothing adds to it).
_EMPTY: list[Span] = []


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a column (or a batch of tables) is read, back as it was after.

    Reading a column allocates a span, a list and a dict per finding, and each allocation burst makes the
    collector walk every live object, the name and place dictionaries of hundreds of thousands of entries
    included: a sixth of the column's time (spans hold no references back: they make no cycles).  What
    cycles there are are collected once the collector runs again.  Another thread reading a column at the same
    time may switch it back on early: that costs time, nothing else.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _column_spans(
    values: pa.Array, recs: Sequence[ValueRecognizerProtocol], shape: ColumnShape | None
) -> list[list[list[Span]] | None]:
    n = len(values)
    texts = values.to_pylist()
    forms = ColumnForms(values, shape)
    empty: list[Span] = []
    found: list[list[list[Span]]] = []
    holders: list[list[int]] = [[] for _ in range(n)]  # the recognizers with spans, per row, in order
    for r, rec in enumerate(recs):
        rows = candidate_rows(forms, prefilter(rec))
        if rows is None:
            per_row = [spans or empty for spans in _spans_of(rec, texts)]
            for i in [i for i, spans in enumerate(per_row) if spans]:
                holders[i].append(r)
        else:
            picked = rows.tolist()
            per_row = [empty] * n
            for i, spans in zip(picked, _spans_of(rec, [texts[i] for i in picked]), strict=True):
                if spans:
                    per_row[i] = spans
                    holders[i].append(r)
        found.append(per_row)
    spanned = {r for held in holders for r in held}
    for i, held in enumerate(holders):
        if len(held) < 2:
            continue
        cell = [sp for r in held for sp in found[r][i]]
        kept = {id(sp) for sp in resolve_overlaps(cell)}
        if len(kept) < len(cell):
            for r in held:
                found[r][i] = [sp for sp in found[r][i] if id(sp) in kept]
    # a recognizer that found no span in any row: None (the caller knows it found nothing)
    return [per_row if r in spanned else None for r, per_row in enumerate(found)]


def _spans_of(rec: ValueRecognizerProtocol, texts: list[str]) -> list[list[Span]]:
    """``rec.find_spans`` of each text; a recognizer with ``find_spans_column`` reads them all in one call."""
    column = getattr(rec, "find_spans_column", None)
    if callable(column):
        return column(texts)
    return [rec.find_spans(t) for t in texts]


def text_spans(text: str, recs: Sequence[ValueRecognizerProtocol]) -> list[Span]:
    """The surviving spans of every recognizer in one text (the per-cell form of :func:`column_spans`)."""
    return resolve_overlaps([sp for rec in recs for sp in rec.find_spans(text)])
