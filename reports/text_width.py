"""Terminal display width of strings that mix CJK and Latin characters, and when to cut them.

Text is cut to a width (with "…") only for a person at a terminal: output that
goes to a file or a pipe keeps every name whole, so that it can be searched and
compared (``Intelligent connected vehicles``, not ``Intelligent connected veh…``).
Renderers take ``max_width=None`` for "do not cut" and the CLI passes
:func:`terminal_width`.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from typing import TextIO


def width(s: str) -> int:
    """Columns ``s`` occupies in a terminal (CJK wide characters count twice).

    >>> width("健康医疗 (Health)"), width("abc")
    (17, 3)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def pad(s: str, n: int) -> str:
    """Left-justify ``s`` to ``n`` display columns."""
    return s + " " * max(0, n - width(s))


def truncate(s: str, n: int | None) -> str:
    """Cut ``s`` to at most ``n`` display columns, marking the cut with an ellipsis; ``None``: keep it whole.

    >>> truncate("智能网联汽车 (Intelligent connected vehicles)", 20), truncate("abc", None)
    ('智能网联汽车 (Intel…', 'abc')
    """
    if n is None or width(s) <= n:
        return s
    out, w = [], 0
    for ch in s:
        cw = width(ch)
        if w + cw > n - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def terminal_width(stream: TextIO | None = None) -> int | None:
    """Columns of the terminal ``stream`` (default stdout) shows, or ``None`` when it is not a terminal.

    ``$COLUMNS`` overrides the size the terminal reports, as in :func:`shutil.get_terminal_size`.
    """
    stream = stream if stream is not None else sys.stdout
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return None
    return shutil.get_terminal_size((160, 24)).columns
