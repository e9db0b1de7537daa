"""Which rows of a string column an RE2 pattern matches, without compiling the pattern for every column.

``pyarrow.compute.match_substring_regex`` compiles its pattern on every call.
For the free-text prefilters (:mod:`recognizers.free_text`) that set-up is
most of the cost on a small column: a disease lexicon of 10,000 characters
takes ~4 ms to compile and ~0.1 ms to run over 300 short notes, and a scan of
thousands of small tables pays it once per table and pattern.

Here each pattern is compiled once per process by google-re2 (the same RE2
engine, syntax and default options as Arrow's kernel, so the two agree on
every row) and searched over the column's UTF-8 data buffer as it is, all
rows end to end:

* no match anywhere in the buffer means no row matches: a row's match is a
  match in the buffer (one search, a few microseconds a kilobyte);
* a match inside one row's bytes marks that row, and the search goes on from
  the next row;
* a match running past its row's end may hide a shorter one inside the row:
  that row alone is searched again.

That holds for patterns whose matches do not depend on the text around them:
those with anchors or word boundaries (``^ $ \\A \\z \\b \\B``) are matched row by
row by Arrow, as are columns where the pattern matches many rows (past
:data:`HIT_BUDGET`, a search per row costs more than Arrow's kernel).

>>> import pyarrow as pa
>>> rows_matching(pa.array(["电话13912345678", "无", "138", "00"]), r"1[3-9]\\d{9}").tolist()
[True, False, False, False]
>>> rows_matching(pa.array(["12", "34"]), r"\\d{3}").tolist()  # "12" + "34" holds 3 digits, no row does
[False, False]
"""

from __future__ import annotations

import bisect
import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import re2

#: Matches found by searching before the rest of a column is left to Arrow's per-row kernel.
HIT_BUDGET = 64
#: Assertions whose result depends on the text around a position (outside character classes).
_ASSERTION_ESCAPES = frozenset("AzbB")


@functools.lru_cache(maxsize=4096)
def _searcher(pattern: str) -> re2._Regexp | None:
    """The compiled pattern, or ``None`` when it has assertions or google-re2 does not compile it."""
    if _has_assertions(pattern):
        return None
    try:
        return re2.compile(pattern.encode("utf-8"))
    except re2.error:
        return None


def _has_assertions(pattern: str) -> bool:
    """Whether ``pattern`` holds ``^``, ``$`` or an escape in :data:`_ASSERTION_ESCAPES` outside a class.

    >>> _has_assertions(r"(?m:^[>@])"), _has_assertions(r"[$^]\\d"), _has_assertions(r"\\\\b"), _has_assertions(r"a\\b")
    (True, False, False, True)
    """
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if not in_class and pattern[i + 1 : i + 2] in _ASSERTION_ESCAPES:
                return True
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":
                i += 1 + (pattern[i + 1] == "^")
        elif ch in "^$":
            return True
        i += 1
    return False


def rows_matching(values: pa.Array, pattern: str) -> np.ndarray:
    """A boolean per row of ``values`` (non-null strings): does ``pattern`` match somewhere in it?

    Raises what Arrow raises for a pattern RE2 does not accept (``pyarrow.ArrowInvalid``).
    """
    n = len(values)
    rx = _searcher(pattern)
    if rx is None or n == 0:
        return _per_row(values, pattern)
    data, offsets = _utf8(values)
    hit = np.zeros(n, dtype=bool)
    if rx.search(b"") is not None:  # matches the empty string, so every row
        hit[:] = True
        return hit
    pos, end, found = offsets[0], offsets[-1], 0
    while pos < end:
        m = rx.search(data, pos, end)
        if m is None:
            break
        start = m.start()
        r = bisect.bisect_right(offsets, start) - 1  # the row holding the match's first byte
        row_end = offsets[r + 1]
        hit[r] = m.end() <= row_end or rx.search(data, offsets[r], row_end) is not None
        found += 1
        if found >= HIT_BUDGET and r + 1 < n:
            hit[r + 1 :] = _per_row(values.slice(r + 1), pattern)
            break
        pos = row_end
    return hit


def _per_row(values: pa.Array, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)


def _utf8(values: pa.Array) -> tuple[bytes, list[int]]:
    """The column's UTF-8 bytes end to end and each row's start in them (and the end of the last)."""
    if pa.types.is_large_string(values.type):
        width = np.int64
    elif pa.types.is_string(values.type):
        width = np.int32
    else:
        return _utf8(values.cast(pa.string()))
    offsets = np.frombuffer(
        values.buffers()[1],
        dtype=width,
        count=len(values) + 1,
        offset=values.offset * np.dtype(width).itemsize,
    )
    buffer = values.buffers()[2]
    data = buffer.to_pybytes() if buffer is not None else b""
    return data, offsets.tolist()
