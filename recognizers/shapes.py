"""Which recognizers could count any value of a column: one look at the column's characters and lengths.

A structured column is offered to every value recognizer, and most of them
cannot match it at all: a column of 11-digit numbers holds no e-mail address,
no VIN and no Chinese address.  Asking each recognizer costs a
``pyarrow.compute`` regex call whose set-up (compiling the RE2 pattern,
0.02–3 ms) dominates on small samples; 55 recognizers on each column of 2,000
small tables is minutes of set-up.  So each column is profiled once
(:class:`ColumnShape`: per value, which *character classes* it uses and how
many characters it has) and each recognizer's anchored pattern once
(:class:`Gate`: the classes its characters can come from and the lengths it can
have, read from the regular expression's syntax tree).  A recognizer none of
whose admissible shapes occurs in the column is not run: it would have counted
nothing, and a column where nothing is counted is never reported
(:func:`recognizers.decision.decide_structured`), so the findings are exactly
those of running it.

The test is conservative by construction — a value is "possible" unless a
character of a class the pattern cannot produce, or its length, rules it out:

* character classes are ASCII digits, hex and other letters of each case,
  space, other controls, each ASCII punctuation character on its own, and the
  non-ASCII code points grouped by their UTF-8 lead byte (U+3000–3FFF CJK
  punctuation, U+4000–9FFF CJK ideographs, U+F000–FFFF full-width forms …);
* patterns are read with RE2's meaning, the engine they run in
  (``\\d``, ``\\w``, ``\\s`` are ASCII; ``(?i)`` folds case across scripts, so
  any non-ASCII class is allowed under it); anything the reader does not
  know (negated classes, ``.``, back-references, POSIX classes) allows every
  character;
* a recognizer is gated only when its structured path counts nothing but
  values that match its anchored pattern: :attr:`ValueRecognizer.anchored_counts
  <recognizers.base.ValueRecognizer.anchored_counts>` declared by every class
  that defines ``analyze_values`` or ``candidate_mask`` (the base classes keep
  the promise); characters the recognizer strips before matching, and
  full-width forms a columnar recognizer folds to ASCII, are allowed too.

>>> shape = ColumnShape.of(pa.array(["13912345678", "13800138000"]))
>>> shape.admits(regex_gate(r"^(?:1[3-9]\\d{9})$")), shape.admits(regex_gate(r"^(?:[a-z]+@[a-z.]+)$"))
(True, False)
>>> shape.admits(regex_gate(r"^(?:\\d{6})$"))  # the characters fit, the length does not
False
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from recognizers.base import ValueRecognizer
from recognizers.columnar import ColumnarRecognizer
from recognizers.row_match import per_value_chars, utf8_bytes, utf8_offsets

try:  # Python 3.11+: the regular-expression parser's module (sre_parse is its deprecated alias)
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: Lengths told apart: 0–63 characters, and "64 or more".
_LONG = 64
_UNBOUNDED = 1 << 40  # = UNBOUNDED
_POSIX_CLASS = re.compile(r"\[:\^?[a-z]+:\]")

# -- character classes -------------------------------------------------------------------------------------

_DIGIT, _UPPER_HEX, _UPPER, _LOWER_HEX, _LOWER, _SPACE, _CONTROL = range(7)
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_PUNCT0 = 7  # one class per ASCII punctuation character: bits 7–38
_DEL = _PUNCT0 + len(_PUNCTUATION)
#: Non-ASCII code points by range (= by UTF-8 lead byte): (first code point, bit).
_NON_ASCII = (
    (0x80, _DEL + 1),  # Latin-1 … Arabic (two bytes)
    (0x800, _DEL + 2),  # … general punctuation, letter-like symbols
    (0x3000, _DEL + 3),  # CJK symbols and punctuation (ideographic space 。), kana
    (0x4000, _DEL + 4),  # CJK unified ideographs
    (0xA000, _DEL + 5),  # Yi … Hangul, private use
    (0xF000, _DEL + 6),  # compatibility ideographs, full-width forms
    (0x10000, _DEL + 7),  # supplementary planes (four bytes)
)
_ALL = (1 << (_DEL + 8)) - 1
#: Every character class, and a length without bound: for gates written by hand.
ALL_CLASSES, UNBOUNDED = _ALL, 1 << 40
_NON_ASCII_BITS = sum(1 << b for _, b in _NON_ASCII)
#: What a columnar recognizer folds to ASCII before matching (U+3000, U+FF01–FF5E).
_FOLDED_BITS = (1 << (_DEL + 3)) | (1 << (_DEL + 6))


def _ascii_bit(cp: int) -> int:
    c = chr(cp)
    if c.isdigit():
        return _DIGIT
    if "A" <= c <= "F":
        return _UPPER_HEX
    if "G" <= c <= "Z":
        return _UPPER
    if "a" <= c <= "f":
        return _LOWER_HEX
    if "g" <= c <= "z":
        return _LOWER
    if c == " ":
        return _SPACE
    if c in _PUNCTUATION:
        return _PUNCT0 + _PUNCTUATION.index(c)
    return _DEL if cp == 0x7F else _CONTROL


def char_bits(lo: int, hi: int | None = None) -> int:
    """The class bits of the code points ``lo``…``hi`` (inclusive).

    >>> char_bits(ord("0"), ord("9")) == 1 << _DIGIT, char_bits(ord("中")) == 1 << (_DEL + 4)
    (True, True)
    """
    hi = lo if hi is None else hi
    bits = 0
    for cp in range(lo, min(hi, 0x7F) + 1):
        bits |= 1 << _ascii_bit(cp)
    for i, (first, bit) in enumerate(_NON_ASCII):
        last = _NON_ASCII[i + 1][0] - 1 if i + 1 < len(_NON_ASCII) else 0x10FFFF
        if lo <= last and hi >= first:
            bits |= 1 << bit
    return bits


def _byte_table() -> np.ndarray:
    """Class bit of each UTF-8 byte: ASCII bytes their own class, lead bytes their range's, continuations none."""
    table = np.zeros(256, dtype=np.uint64)
    for b in range(0x80):
        table[b] = 1 << _ascii_bit(b)
    for b in range(0xC0, 0x100):  # the first code point a lead byte can start (0xC0, 0xC1, 0xF5+ never occur)
        if b < 0xE0:
            cp = max((b & 0x1F) << 6, 0x80)
        elif b < 0xF0:
            cp = max((b & 0x0F) << 12, 0x800)
        else:
            cp = max((b & 0x07) << 18, 0x10000)
        table[b] = 1 << next(bit for first, bit in reversed(_NON_ASCII) if cp >= first)
    return table


_BYTE_BITS = _byte_table()


# -- a column's shape -------------------------------------------------------------------------------------


def _value_keys(values: pa.Array) -> np.ndarray:
    """Each value's character classes and length (capped at :data:`_LONG`): ``classes << 7 | length``."""
    offsets = utf8_offsets(values)
    nbytes = np.diff(offsets)
    masks = np.zeros(len(values), dtype=np.uint64)
    data = utf8_bytes(values, offsets)
    filled = np.flatnonzero(nbytes > 0)
    if len(filled):
        masks[filled] = np.bitwise_or.reduceat(_BYTE_BITS[data], offsets[filled] - offsets[0])
    chars = per_value_chars(data, offsets)
    return (masks << np.uint64(7)) | np.minimum(chars, _LONG).astype(np.uint64)


@dataclass(frozen=True)
class ColumnShape:
    """The distinct character-class sets of a column's values, each with the lengths its values have."""

    groups: tuple[
        tuple[int, int], ...
    ]  # (class bits, lengths: bit i for i characters, bit 64 for 64 or more)

    @classmethod
    def of(cls, values: pa.Array) -> ColumnShape:
        """Profile a string array (one vectorized pass over its UTF-8 bytes)."""
        n = len(values)
        if n == 0:
            return cls(())
        if values.null_count:
            values = values.drop_null()
            n = len(values)
        return cls._of_keys(_value_keys(values))

    @classmethod
    def of_each(cls, columns: Sequence[pa.Array]) -> list[ColumnShape]:
        """:meth:`of` of each column (strings without nulls), their bytes read in one pass: a batch of small
        tables' columns costs what one column costs, not a dozen numpy calls each."""
        if len(columns) < 2 or len({v.type for v in columns}) > 1 or any(v.null_count for v in columns):
            return [cls.of(v) for v in columns]
        keys = _value_keys(pa.concat_arrays(list(columns)))
        cut = np.cumsum([0, *map(len, columns)]).tolist()
        return [cls._of_keys(keys[a:b]) for a, b in zip(cut[:-1], cut[1:], strict=True)]

    @classmethod
    def _of_keys(cls, keys: np.ndarray) -> ColumnShape:
        groups: dict[int, int] = {}
        for k in np.unique(keys).tolist():
            groups[k >> 7] = groups.get(k >> 7, 0) | 1 << (k & 0x7F)
        return cls(tuple(groups.items()))

    @property
    def longest(self) -> int:
        """The length of the longest value, :data:`UNBOUNDED` when some value has 64 characters or more."""
        lengths = functools.reduce(operator.or_, (lengths for _, lengths in self.groups), 0)
        return UNBOUNDED if lengths >> _LONG else max(lengths.bit_length() - 1, 0)

    def admits(self, gate: Gate | None) -> bool:
        """False only when no value can be made of the characters, with a length, that the gate allows."""
        if gate is None:
            return True
        return any(shape.fits(mask, lengths) for mask, lengths in self.groups for shape in gate.shapes)

    def admitted(self, recs: Sequence[object]) -> Sequence[object]:
        """The recognizers that could count a value of this column (see :func:`recognizer_gate`).

        Remembered per column shape: a warehouse's tables repeat the same kinds of columns.
        """
        try:
            return _admitted(self.groups, tuple(recs))
        except TypeError:  # a recognizer that cannot be a dictionary key
            return [r for r in recs if self.admits(recognizer_gate(r))]

    def has_any(self, bits: int) -> bool:
        """True when some value holds a character of one of the classes in ``bits``."""
        return any(mask & bits for mask, _ in self.groups)

    def any_within(self, bits: int) -> bool:
        """True when some value is made only of characters of the classes in ``bits``."""
        return any(not (mask & ~bits) for mask, _ in self.groups)

    def all_within(self, bits: int, shortest: int, longest: int) -> bool:
        """True when every value is made only of characters of the classes in ``bits`` and has ``shortest`` to
        ``longest`` characters (``longest`` under 64).

        >>> ColumnShape.of(pa.array(["13912345678", "42"])).all_within(char_bits(48, 57), 1, 30)
        True
        >>> ColumnShape.of(pa.array(["13912345678", "4X"])).all_within(char_bits(48, 57), 1, 30)
        False
        """
        allowed = ((1 << (longest + 1)) - 1) & ~((1 << shortest) - 1)
        return all(not (mask & ~bits) and not (lengths & ~allowed) for mask, lengths in self.groups)


# -- a pattern's gate --------------------------------------------------------------------------------------


#: A conjunction of class sets a value must each hold a character of; a gate's alternatives are a disjunction.
Requirement = tuple[int, ...]
_MAX_ALTERNATIVES = 16


@dataclass(frozen=True)
class Shape:
    """One way to match: values made of the ``allowed`` character classes, holding a character of each class
    set of one of the ``required`` conjunctions, between ``min_len`` and ``max_len`` characters long."""

    allowed: int
    required: tuple[Requirement, ...]
    min_len: int
    max_len: int

    def fits(self, mask: int, lengths: int) -> bool:
        """Whether a value with the classes ``mask`` and one of the ``lengths`` (see :class:`ColumnShape`) may match."""
        return (
            not (mask & ~self.allowed)
            and bool(lengths & _length_bits(self.min_len, self.max_len))
            and any(all(mask & r for r in conj) for conj in self.required)
        )


@functools.lru_cache(maxsize=4096)
def _length_bits(lo: int, hi: int) -> int:
    """Bits ``lo``…``hi`` of a length set (bit 64: 64 characters or more)."""
    if lo > _LONG:
        return 1 << _LONG
    return ((1 << (min(hi, _LONG) + 1)) - 1) & ~((1 << lo) - 1)


@dataclass(frozen=True)
class Gate:
    """What a recognizer can count: values that fit one of its pattern's alternatives."""

    shapes: tuple[Shape, ...]


_CATEGORY_BITS = {
    _sre.CATEGORY_DIGIT: 1 << _DIGIT,
    _sre.CATEGORY_SPACE: char_bits(ord(" ")) | char_bits(9, 13),
    _sre.CATEGORY_WORD: char_bits(ord("0"), ord("9"))
    | char_bits(ord("A"), ord("Z"))
    | char_bits(ord("a"), ord("z"))
    | char_bits(ord("_")),
}
_REPEATS = tuple(
    op
    for op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None))
    if op is not None
)
_ATOMIC = getattr(_sre, "ATOMIC_GROUP", None)


@functools.lru_cache(maxsize=65536)
def _literal_bits(cp: int, ignorecase: bool) -> int:
    """The class bits of one literal character (cached: a lexicon's few thousand characters recur in tens of
    thousands of literals, read once per pattern when a process starts)."""
    bits = char_bits(cp)
    if ignorecase:  # RE2 folds case across scripts (k matches U+212A KELVIN SIGN)
        c = chr(cp)
        bits |= char_bits(ord(c.lower()[0])) | char_bits(ord(c.upper()[0])) | _NON_ASCII_BITS
    return bits


def _set_bits(items: list, ignorecase: bool) -> int:
    bits = 0
    for op, av in items:
        if op is _sre.LITERAL:
            bits |= _literal_bits(av, ignorecase)
        elif op is _sre.RANGE:
            bits |= char_bits(av[0], av[1])
            if ignorecase:
                bits |= char_bits(ord("A"), ord("Z")) | char_bits(ord("a"), ord("z")) | _NON_ASCII_BITS
        elif op is _sre.CATEGORY and av in _CATEGORY_BITS:
            bits |= _CATEGORY_BITS[av]
        else:  # NEGATE, the other categories: anything
            return _ALL
    return bits


def _scoped(op, av, flags: int) -> tuple[list, int] | None:  # noqa: ANN001 - parser nodes
    """The sub-pattern a grouping node wraps and the flags inside it, or None for other nodes."""
    if op is _sre.SUBPATTERN:
        _group, add, remove, sub = av
        return sub, (flags | add) & ~remove
    if op in _REPEATS:
        return (av[2], flags) if av[1] > 0 else ([], flags)
    if _ATOMIC is not None and op is _ATOMIC:
        return av, flags
    return None


def _pattern_bits(items, flags: int) -> int:  # noqa: ANN001 - a parsed (sub)pattern
    """The classes of every character a match can consume."""
    ignorecase = bool(flags & _sre.SRE_FLAG_IGNORECASE)
    bits = 0
    for op, av in items:
        if op is _sre.LITERAL:
            bits |= _literal_bits(av, ignorecase)
        elif op is _sre.IN:
            bits |= _set_bits(av, ignorecase)
        elif op is _sre.BRANCH:
            for sub in av[1]:
                bits |= _pattern_bits(sub, flags)
        elif (inner := _scoped(op, av, flags)) is not None:
            bits |= _pattern_bits(*inner)
        elif op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # anchors and look-arounds consume nothing
        else:  # ANY, NOT_LITERAL, GROUPREF …: anything
            return _ALL
    return bits


def _loosen(alternatives: list[Requirement]) -> list[Requirement]:
    """Too many alternatives: one conjunction each implies — the sets they all require, and a character of
    one of their other narrowest sets."""
    common = set(alternatives[0]).intersection(*alternatives[1:])
    rest = [tuple(r for r in conj if r not in common) for conj in alternatives]
    either = (
        ()
        if any(not r for r in rest)
        else (functools.reduce(operator.or_, (min(r, key=int.bit_count) for r in rest)),)
    )
    return [tuple(sorted(common)) + either]


def _requirements(items, flags: int) -> list[Requirement]:  # noqa: ANN001 - a parsed (sub)pattern
    """Alternatives of class sets a match holds a character of each of (``@`` for an e-mail address …)."""
    ignorecase = bool(flags & _sre.SRE_FLAG_IGNORECASE)
    out: list[Requirement] = [()]
    for op, av in items:
        alts: list[Requirement]
        if op is _sre.LITERAL:
            alts = [(_literal_bits(av, ignorecase),)]
        elif op is _sre.IN:
            bits = _set_bits(av, ignorecase)
            alts = [(bits,)] if bits != _ALL else [()]
        elif op is _sre.BRANCH:
            alts = [conj for sub in av[1] for conj in _requirements(sub, flags)]
        elif op in _REPEATS:
            alts = _requirements(av[2], flags) if av[0] > 0 else [()]
        elif (inner := _scoped(op, av, flags)) is not None:
            alts = _requirements(*inner)
        else:
            continue
        out = [tuple(dict.fromkeys(a + b)) for a in out for b in alts]
        if len(out) > _MAX_ALTERNATIVES:
            out = _loosen(out)
    return list(dict.fromkeys(out))


def _top_alternatives(parsed, flags: int) -> list[tuple[object, int]]:  # noqa: ANN001 - a parsed pattern
    """The alternatives of ``^(?:(?:a)|(?:b))$`` one by one (each pattern of a recognizer has its own shape)."""
    items = [(op, av) for op, av in parsed if op is not _sre.AT]
    if len(items) == 1:
        op, av = items[0]
        if op is _sre.SUBPATTERN and av[0] is None and not av[1] and not av[2]:
            return _top_alternatives(av[3], flags)
        if op is _sre.BRANCH:
            return [alt for sub in av[1] for alt in _top_alternatives(sub, flags)]
    return [(parsed, flags)]


def _shape(sub, flags: int, search_max: int | None) -> Shape:  # noqa: ANN001 - a parsed (sub)pattern
    lo, hi = sub.getwidth()
    required = tuple(_requirements(sub, flags))
    if search_max is not None:  # searched, not matched whole: any character, but no longer than search_max
        return Shape(_ALL, required, int(lo), search_max)
    return Shape(_pattern_bits(sub, flags), required, int(lo), _UNBOUNDED if hi >= _LONG else int(hi))


def _widened(shape: Shape, extra: str, fold: bool) -> Shape:
    """Allow what the recognizer removes (``extra``, which also lengthens values) or folds before matching."""
    allowed, required, max_len = shape.allowed, shape.required, shape.max_len
    if extra:
        allowed |= functools.reduce(operator.or_, (char_bits(ord(ch)) for ch in extra))
        max_len = _UNBOUNDED
    if fold:
        allowed |= _FOLDED_BITS
        required = tuple(tuple(r | _FOLDED_BITS for r in conj) for conj in required)
    return Shape(allowed, required, shape.min_len, max_len)


@functools.lru_cache(maxsize=1024)
def regex_gate(
    regex: str, extra: str = "", *, fold: bool = False, search_max: int | None = None
) -> Gate | None:
    """The gate of an anchored pattern (``^(?:…)$``, RE2), or ``None`` when nothing can be ruled out.

    ``extra``: characters removed before matching (they may occur in a value, and lengthen it);
    ``fold``: full-width forms are folded to ASCII before matching; ``search_max``: the pattern is searched
    in values of at most that many characters instead of matching them whole.
    """
    if not regex or _POSIX_CLASS.search(regex):  # [[:alpha:]] is a class to RE2, a character set to Python
        return None
    try:
        parsed = _sre_parse.parse(regex)
        flags = parsed.state.flags
        parts = [(parsed, flags)] if search_max is not None else _top_alternatives(parsed, flags)
        shapes = tuple(_widened(_shape(sub, f, search_max), extra, fold) for sub, f in parts)
    except Exception:  # noqa: BLE001 - a pattern the reader cannot follow is never gated
        return None
    return Gate(shapes)


@functools.lru_cache(maxsize=4096)
def reads_ascii_only(pattern: str) -> bool:
    """Whether every character a match of ``pattern`` (RE2) can consume is ASCII, and none is DEL: then it matches
    a value exactly when it matches the value's :func:`~recognizers.row_match.ascii_projection`.  ``\\B`` holds
    between two Chinese characters, which the projection writes as one: a pattern with it is not counted.

    >>> reads_ascii_only(r"1[3-9]\\d{9}"), reads_ascii_only(r"\\b\\d{4}\\s*[,;]"), reads_ascii_only("岁|(?i:age)")
    (True, True, False)
    >>> reads_ascii_only("(?i:ks)"), reads_ascii_only("[^,]"), reads_ascii_only(r"\\B\\d"), reads_ascii_only("[\\x00-\\x7f]")
    (False, False, False, False)
    """
    if "\\B" in pattern or _POSIX_CLASS.search(pattern):
        return False
    try:
        parsed = _sre_parse.parse(pattern)
        bits = _pattern_bits(parsed, parsed.state.flags)
    except Exception:  # noqa: BLE001 - a pattern the reader cannot follow may consume anything
        return False
    return not bits & (_NON_ASCII_BITS | 1 << _DEL)


_BASES = (ValueRecognizer, ColumnarRecognizer)


def _declaring_class(cls: type) -> type | None:
    """The most derived class that defines the structured path (``analyze_values`` or ``candidate_mask``)
    beyond the base classes, whose declaration says what it counts; ``None`` when the base classes' own."""
    return next(
        (
            k
            for k in cls.__mro__
            if k not in _BASES and ("analyze_values" in k.__dict__ or "candidate_mask" in k.__dict__)
        ),
        None,
    )


def recognizer_gate(rec: object) -> Gate | None:
    """What a value recognizer's structured path can count (see the module docstring), or ``None``: no limit."""
    try:
        return _recognizer_gate(rec)
    except TypeError:  # an unhashable recognizer (not one of chujing's classes): never gated
        return None


@functools.lru_cache(maxsize=4096)
def _recognizer_gate(rec: object) -> Gate | None:
    if not isinstance(rec, ValueRecognizer) or not rec._anchored:
        return None
    owner = _declaring_class(type(rec))
    declared = owner.__dict__ if owner is not None else {}
    if owner is None or declared.get("anchored_counts") is True:
        return regex_gate(rec._anchored, rec.strip_chars, fold=isinstance(rec, ColumnarRecognizer))
    counted = declared.get("counted_shapes")
    if not counted:
        return None  # a structured path of its own that declares nothing: always run
    own = regex_gate(rec._anchored, rec.strip_chars, fold=isinstance(rec, ColumnarRecognizer))
    gates = [
        own if not regex else regex_gate(regex, search_max=longest) if longest else regex_gate(regex)
        for regex, longest in counted
    ]
    if any(g is None for g in gates):
        return None
    return Gate(tuple(shape for g in gates for shape in g.shapes))  # type: ignore[union-attr]


@functools.lru_cache(maxsize=4096)
def _admitted(groups: tuple[tuple[int, int], ...], recs: tuple[object, ...]) -> tuple[object, ...]:
    shape = ColumnShape(groups)
    return tuple(r for r in recs if shape.admits(recognizer_gate(r)))
