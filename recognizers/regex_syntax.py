"""Walking a regular expression's syntax outside character classes, for the few questions asked of patterns.

The free-text path asks where a group ends and what a pattern's top-level
alternatives are (:mod:`recognizers.free_text`); the column search asks whether
a pattern holds anchors or word boundaries (:mod:`recognizers.row_match`).  Both
need the same reading: an escape is two characters, a class runs to its ``]``
(a ``]`` first in a class, or right after its ``^``, is literal), and groups
nest.

>>> [t for _, t, _ in tokens(r"a[)\\]](b\\d)")]
['a', '(', 'b', '\\\\d', ')']
"""

from __future__ import annotations

from collections.abc import Iterator


def tokens(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """``(index, token, group depth after it)`` of each token of ``pattern`` from ``start`` outside character
    classes: a character, or an escape (a backslash and the character after it)."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if not in_class:
                yield i, pattern[i : i + 2], depth
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":
                i += 1 + (pattern[i + 1] == "^")
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth
        i += 1
