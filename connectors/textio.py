"""Files written atomically, and text measured for a terminal: the helpers every package may use.

They live in ``connectors``, the lowest layer, so that any package can import
them downwards (a report, a catalogue listing, a maintainer's data script).

Atomic writes
    Reports are evidence, so a crash or a full disk must not leave a truncated
    file behind: :func:`atomic_open` writes to a temporary file in the same
    directory, flushes and fsyncs it, then ``os.replace``\\ s it over the target
    (atomic on POSIX and Windows).  A reader sees the old file or the new one,
    never half of either.  A target that exists and is not a regular file — a
    device such as ``/dev/null`` or ``/dev/stdout``, a named pipe — is written
    in place: replacing it would turn ``/dev/null`` into an ordinary file for
    every program on the machine (as root, that is what a rename does).

Display width
    Terminal columns of strings that mix CJK and Latin characters (:func:`width`),
    and when to cut them: text is cut to a width (with "…") only for a person at
    a terminal; output that goes to a file or a pipe keeps every name whole, so
    that it can be searched and compared (``Intelligent connected vehicles``, not
    ``Intelligent connected veh…``).  Renderers take ``max_width=None`` for "do
    not cut" and the command line passes :func:`terminal_width`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TextIO

# --- atomic writes ----------------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path``.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_open(d / "r.json") as fh:
    ...     _ = fh.write("{}")
    >>> (d / "r.json").read_text(), sorted(p.name for p in d.iterdir())
    ('{}', ['r.json'])
    """
    target = Path(path)
    binary = "b" in mode
    if target.exists() and not target.is_file() and not target.is_dir():
        with open(target, mode, encoding=None if binary else encoding) as special:  # a device or a pipe
            yield special
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding) as fh:
            yield fh
            fh.flush()
            os.fchmod(fh.fileno(), _default_mode())  # mkstemp makes 0600; a report is an ordinary file
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _default_mode() -> int:
    """0666 less the process umask: the mode ``open()`` would have given a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Atomically write ``text`` (UTF-8) to ``path``."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Atomically write ``data`` to ``path``."""
    with atomic_open(path, "wb", encoding=None) as fh:
        fh.write(data)


# --- display width ----------------------------------------------------------------------------------


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
