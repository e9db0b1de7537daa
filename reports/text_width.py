"""Terminal display width of strings that mix CJK and Latin characters."""

from __future__ import annotations

import unicodedata


def width(s: str) -> int:
    """Columns ``s`` occupies in a terminal (CJK wide characters count twice).

    >>> width("健康医疗 (Health)"), width("abc")
    (17, 3)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def pad(s: str, n: int) -> str:
    """Left-justify ``s`` to ``n`` display columns."""
    return s + " " * max(0, n - width(s))


def truncate(s: str, n: int) -> str:
    """Cut ``s`` to at most ``n`` display columns, marking the cut with an ellipsis."""
    if width(s) <= n:
        return s
    out, w = [], 0
    for ch in s:
        cw = width(ch)
        if w + cw > n - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"
