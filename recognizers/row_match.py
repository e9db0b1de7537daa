"""Which rows of a string column an RE2 pattern matches, without compiling the pattern for every column.

``pyarrow.compute.match_substring_regex`` compiles its pattern on every call.
For the recognizers' patterns that set-up is most of the cost on a small
column: a disease lexicon of 10,000 characters takes ~4 ms to compile and
~0.1 ms to run over 300 short notes, and a scan of thousands of small tables
pays it once per table and pattern.

Here each pattern is compiled once per process by google-re2 (the same RE2
engine, syntax and default options as Arrow's kernel, so the two agree on
every row) and searched over all the rows end to end:

* no match anywhere means no row matches (one search, a few microseconds a
  kilobyte);
* a match inside one row marks that row, and the search goes on from the next
  row;
* a match running past its row's end may hide a shorter one inside the row:
  that row alone is searched again.

A pattern without assertions is searched over the column's UTF-8 data buffer
as it is.  One with ``^``, ``$``, ``\\b`` or ``\\B`` is searched in multi-line
mode over the rows joined by line feeds, where each of them means at a row's
edges what it means at a text's, as long as no row holds a line feed (else
the rows are read one by one).  A pattern with ``\\A`` or ``\\z`` always reads
the rows one by one, as does the rest of a column once the pattern has matched
many of the rows read (past :data:`HIT_BUDGET` matches, a share of them that
grows with the pattern's length; or most of them: a search per match then
costs more than a search per row).  Rows read one by one go to
Arrow's kernel, or, when they are so few that searching each costs less than
Arrow's compiling the pattern again (:func:`_few_rows`), to the compiled pattern.

>>> import pyarrow as pa
>>> rows_matching(pa.array(["电话13912345678", "无", "138", "00"]), r"1[3-9]\\d{9}").tolist()
[True, False, False, False]
>>> rows_matching(pa.array(["12", "34"]), r"\\d{3}").tolist()  # "12" + "34" holds 3 digits, no row does
[False, False]
>>> rows_matching(pa.array(["12", "123", ""]), r"^\\d{2}$").tolist()
[True, False, False]
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import re2

from recognizers.regex_syntax import tokens

#: Matches found by searching before the rest of a column may be left to Arrow's per-row kernel (when more than
#: :func:`_dense_share` of the rows read so far matched) ...
HIT_BUDGET = 64
#: ... or sooner, after this many, when more than half the rows read so far matched (a column of mobiles).
_DENSE_AFTER = 8


def _dense_share(pattern: str) -> float:
    """The share of matching rows past which Arrow's per-row kernel reads the rest of a column in less time than
    searching on: the search costs some 2.5 µs a row it finds, the kernel a fixed cost a row, 0.3 µs for a
    short pattern and more for a long one (1.5 µs for the disease lexicon's 10,000 characters).  On the
    benchmark's 20,000 sentences, as written and rewritten, a tenth growing with the pattern takes 3% fewer
    instructions for all the prefilters than switching after :data:`HIT_BUDGET` matches whatever the share
    (and 6-9% less time on the rewritten ones)."""
    return 0.1 * (1 + len(pattern) / 2000)


def re2_options(max_mem: int | None = None) -> re2.Options:
    """RE2's options for the recognizers' patterns: RE2's defaults, as Arrow's kernel has them, but silent.

    RE2 logs to standard error when a search outgrows its automaton's memory (``DFA out of memory``: it then
    searches another way, as fast as it can and with the same result), a line no user of a command-line tool
    should see; Arrow turns the same log off.  ``max_mem`` gives a large pattern more room than the default.
    """
    options = re2.Options()
    options.log_errors = False
    if max_mem is not None:
        options.max_mem = max_mem
    return options


#: Where a match starts and ends in ``data[pos:end]`` (byte offsets in ``data``), ``None`` where none does.
Finder = Callable[[memoryview | bytes, int, int], "tuple[int, int] | None"]

#: The anchor of google-re2's own binding for a search (``None``: a layout of it not known here).
_UNANCHORED = getattr(
    getattr(getattr(getattr(re2, "_re2", None), "RE2", None), "Anchor", None), "UNANCHORED", None
)


def finder(rx: re2._Regexp) -> Finder:
    """A search with ``rx`` that gives the span of its first match: through google-re2's binding when its layout
    is the one known here (1.1: ``_regexp.Match`` gives each group's byte offsets), else through its public
    ``search``, which finds the same match but builds a generator and a match object per call, some 3 µs
    where the search itself takes 1: a column search pays that for every row it finds.

    >>> find = finder(re2.compile(b"b+"))
    >>> find(b"abbcb", 0, 5), find(b"abbcb", 3, 5), find(b"abbcb", 0, 1)
    ((1, 3), (4, 5), None)
    """
    match, anchor = getattr(getattr(rx, "_regexp", None), "Match", None), _UNANCHORED
    if match is None or anchor is None:

        def search(data: memoryview | bytes, pos: int, end: int) -> tuple[int, int] | None:
            m = rx.search(data, pos, end)
            return None if m is None else m.span()

        return search

    def find(data: memoryview | bytes, pos: int, end: int) -> tuple[int, int] | None:
        span = match(anchor, data, pos, end)[0]
        return None if span[0] < 0 else span

    return find


@functools.lru_cache(maxsize=4096)
def _searcher(pattern: str) -> tuple[Finder, bool] | None:
    """A search with the compiled pattern (:func:`finder`) and whether it is searched over rows joined by line
    feeds (it holds assertions); ``None`` when only Arrow reads it (``\\A``, ``\\z``, or google-re2 does not
    compile it)."""
    lines = _assertions(pattern)
    if lines is None:
        return None
    try:
        return finder(
            re2.compile(("(?m)" + pattern if lines else pattern).encode("utf-8"), re2_options())
        ), lines
    except re2.error:
        return None


def _assertions(pattern: str) -> bool | None:
    """Whether ``pattern`` holds ``^``, ``$``, ``\\b`` or ``\\B`` outside a class; ``None`` for ``\\A`` or ``\\z``.

    >>> _assertions(r"(?m:^[>@])"), _assertions(r"[$^]\\d"), _assertions(r"\\\\b"), _assertions(r"a\\b"), _assertions(r"\\Aa")
    (True, False, False, True, None)
    """
    found = False
    for _, tok, _ in tokens(pattern):
        if tok in ("\\A", "\\z"):
            return None
        found = found or tok in ("\\b", "\\B", "^", "$")
    return found


class ColumnBytes:
    """What every pattern's search over one column reads, worked out once for all of them: the UTF-8 bytes,
    where each row starts and ends in them, and (when a pattern with assertions first asks) whether a row holds
    a line feed and the rows joined by line feeds.

    A column's free text is searched by some sixty prefilters: each working these out again cost 10 µs on a
    300-row column, 55 µs for the joined rows (0.4 and 2.8 ms on 20,000 sentences).
    """

    def __init__(self, values: pa.Array) -> None:
        self.values = values
        raw, offsets = _utf8(values)
        self.raw = raw
        self.data = memoryview(raw)
        self.starts, self.ends = offsets[:-1], offsets[1:]
        self._offsets = offsets

    @functools.cached_property
    def line_feed(self) -> bool:
        """Whether some row holds a line feed (then ``^`` and ``$`` would match inside it)."""
        return bool((self.raw == ord("\n")).any())

    @functools.cached_property
    def joined(self) -> tuple[memoryview, list[int], list[int]]:
        """The rows joined by line feeds, and where each row starts and ends in them."""
        return _joined(self.values, self._offsets)


def rows_matching(values: pa.Array, pattern: str, column: ColumnBytes | None = None) -> np.ndarray:
    """A boolean per row of ``values`` (non-null strings): does ``pattern`` match somewhere in it?

    ``column`` is :class:`ColumnBytes` of ``values``, when the caller searches them for several patterns.
    Raises what Arrow raises for a pattern RE2 does not accept (``pyarrow.ArrowInvalid``).
    """
    n = len(values)
    compiled = _searcher(pattern) if n else None
    if compiled is None:
        return _per_row(values, pattern)
    find, lines = compiled
    column = column if column is not None else ColumnBytes(values)
    if lines:
        if column.line_feed:
            return _per_row(values, pattern, column)  # a line feed inside a row: ^ and $ would match there
        data, starts, ends = column.joined
    else:
        if find(b"", 0, 0) is not None:  # matches the empty string, wherever it is: so every row
            return np.ones(n, dtype=bool)
        data, starts, ends = column.data, column.starts, column.ends
    hit = np.zeros(n, dtype=bool)
    pos, end, found, dense = starts[0], ends[-1], 0, _dense_share(pattern)
    while pos <= end:
        span = find(data, pos, end)
        if span is None:
            break
        r = bisect.bisect_right(starts, span[0]) - 1  # the row the match starts in (or at the end of)
        hit[r] = span[1] <= ends[r] or find(data, starts[r], ends[r]) is not None
        found += 1
        if r + 1 == n:
            break
        if (found >= HIT_BUDGET and found > dense * (r + 1)) or (
            found >= _DENSE_AFTER and 2 * found > r + 1  # most rows match
        ):
            hit[r + 1 :] = _per_row(values.slice(r + 1), pattern)
            break
        pos = starts[r + 1]
    return hit


def _per_row(values: pa.Array, pattern: str, column: ColumnBytes | None = None) -> np.ndarray:
    """Each row searched on its own: with the pattern compiled once when the rows are few (Arrow's kernel
    would spend longer compiling the pattern than reading them, :func:`_few_rows`), else by Arrow's kernel.
    ``column`` is :class:`ColumnBytes` of ``values``, when the caller has it."""
    rx = _row_searcher(pattern) if len(values) <= _few_rows(pattern) else None
    if rx is None:
        return pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
    column = column if column is not None else ColumnBytes(values)
    data, find = column.data, finder(rx)
    # a row's bytes as a buffer of their own: to the pattern the row is the whole text, as in Arrow's kernel
    return np.fromiter(
        (find(data[a:b], 0, b - a) is not None for a, b in zip(column.starts, column.ends, strict=True)),
        dtype=bool,
        count=len(values),
    )


def _few_rows(pattern: str) -> int:
    """How many rows a search per row in Python reads (1-3 µs a row) in less time than one call of Arrow's
    kernel takes to compile ``pattern`` and read them: 20-150 µs for a pattern of a few dozen characters,
    and some 0.4 ms more a thousand characters of a lexicon's alternatives (measured on 300-row columns)."""
    return 32 + len(pattern) // 3


@functools.lru_cache(maxsize=4096)
def _row_searcher(pattern: str) -> re2._Regexp | None:
    """``pattern`` compiled once for searches of one row at a time (``\\A`` and ``\\z`` included);
    ``None`` when google-re2 does not compile it (Arrow's kernel then reads the rows, or raises)."""
    try:
        return re2.compile(pattern.encode("utf-8"), re2_options())
    except re2.error:
        return None


def _joined(values: pa.Array, offsets: list[int]) -> tuple[memoryview, list[int], list[int]]:
    """The rows joined by line feeds, and where each row starts and ends in them (``offsets`` start at 0)."""
    one = pa.ListArray.from_arrays(pa.array([0, len(values)], pa.int32()), values)
    data = memoryview(pc.binary_join(one, "\n")[0].as_buffer())
    base = np.asarray(offsets, dtype=np.int64)
    shift = np.arange(len(offsets), dtype=np.int64)
    starts = (base[:-1] + shift[:-1]).tolist()
    ends = (base[1:] + shift[:-1]).tolist()
    return data, starts, ends


def _utf8(values: pa.Array) -> tuple[np.ndarray, list[int]]:
    """The column's UTF-8 bytes end to end, read in place, and each row's start in them (and the end of the
    last): every pattern's search reads the same bytes, none copies them."""
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        return _utf8(values.cast(pa.string()))
    offsets = utf8_offsets(values)
    return utf8_bytes(values, offsets), (offsets - offsets[0]).tolist()


def utf8_offsets(values: pa.Array) -> np.ndarray:
    """Where each value of a string (or large string) array starts in its data buffer, and where the last
    ends: ``len(values) + 1`` offsets, read in place (a slice's offsets need not start at 0)."""
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    return np.frombuffer(
        values.buffers()[1],
        dtype=width,
        count=len(values) + 1,
        offset=values.offset * np.dtype(width).itemsize,
    )


def utf8_bytes(values: pa.Array, offsets: np.ndarray | None = None) -> np.ndarray:
    """The UTF-8 bytes of a string array's values end to end (``uint8``, read in place; empty when every value
    is): ``offsets`` are :func:`utf8_offsets`, when the caller has them."""
    data = values.buffers()[2] if len(values) else None
    if data is None:
        return np.zeros(0, dtype=np.uint8)
    offsets = utf8_offsets(values) if offsets is None else offsets
    return np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]


#: What a run of non-ASCII characters is written as in :func:`ascii_projection`: DEL, which no pattern searched in
#: the projection can match (:func:`recognizers.shapes.reads_ascii_only`), and no word character (``\\b`` reads
#: it as it reads a Chinese character).
PROJECTION_MARK = 0x7F


def ascii_projection(values: pa.Array) -> pa.Array:
    """Each value (a non-null string) with every run of non-ASCII characters written as one DEL.

    A pattern that matches only ASCII characters other than DEL, ``\\B`` aside, matches a value exactly when
    it matches its projection (:func:`recognizers.shapes.reads_ascii_only`): each of its matches lies in a
    stretch of ASCII characters, which the projection keeps as it is, between characters that are no word
    characters to ``\\b`` on either side, and row and line edges stay where they were.  Chinese text is
    three bytes a character, so the projection of clinical notes is a third of their bytes or less: that
    much less for each such pattern to read.

    >>> ascii_projection(pa.array(["患者13912345678，男", "", "abc", "中"])).to_pylist()
    ['\\x7f13912345678\\x7f', '', 'abc', '\\x7f']
    """
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    offsets = utf8_offsets(values).astype(np.int64)
    data = utf8_bytes(values, offsets)
    base = offsets - offsets[0]
    high = data >= 0x80
    run_goes_on = np.zeros(len(data), dtype=bool)  # a non-ASCII byte after another of the same value
    run_goes_on[1:] = high[1:] & high[:-1]
    firsts = base[:-1][base[:-1] < len(data)]
    run_goes_on[firsts] = False
    kept = ~run_goes_on
    out = data[kept]
    out[out >= 0x80] = PROJECTION_MARK
    ends = np.cumsum(per_value_sums(kept, base))
    new_offsets = np.concatenate(([0], ends)).astype(np.int32 if len(out) < 1 << 31 else np.int64)
    kind = pa.string() if new_offsets.dtype == np.int32 else pa.large_string()
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(new_offsets), pa.py_buffer(out)])


def per_value_sums(flags: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """How many of ``flags`` (one per byte of a string array's data, :func:`utf8_bytes`) are set in each value's
    bytes; ``offsets`` are :func:`utf8_offsets`.  Empty values are left out of the sums (``reduceat`` would give
    them the next byte), and each filled one runs to the next filled one's start."""
    out = np.zeros(len(offsets) - 1, dtype=np.int64)
    filled = np.flatnonzero(np.diff(offsets) > 0)
    if len(filled):
        out[filled] = np.add.reduceat(flags, offsets[filled] - offsets[0], dtype=np.int64)
    return out


def per_value_chars(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """How many characters each value holds: the bytes of its UTF-8 (:func:`utf8_bytes`) that start one, the
    continuation bytes (``10xxxxxx``) left out; ``offsets`` are :func:`utf8_offsets`."""
    return per_value_sums((data & 0xC0) != 0x80, offsets)
