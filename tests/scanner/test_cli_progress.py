"""Progress bars for every long step, on stderr, only at a terminal.

A check spends its time scanning, then counting persons in the engines and
hashing their keys into the ledger; each step draws its own bar (tqdm) when
stderr is a terminal, and nothing at all when it is a file or a pipe or with
``--quiet``, so logs and CI output stay clean.
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import io
import os
import pty
import select
import struct
import termios
from pathlib import Path

import pytest

from scanner.cli.observer import CliObserver
from scanner.export.check import assess
from scanner.export.ledger import ExportRecord, Ledger
from scanner.export.request import CheckOptions
from scanner.scan import ScanOptions
from tests.export.conftest import TRIAL_COLUMNS, trial_rows, write_sqlite

KEY = b"0123456789abcdef0123456789abcdef"
TRIAL = ScanOptions(lists=["jiangsu-2025-biopharma"], scenario="clinical-trial", subject="trial-subject")


@pytest.fixture()
def export(tmp_path: Path) -> str:
    return write_sqlite(tmp_path / "export.db", "subjects", TRIAL_COLUMNS, trial_rows(range(300)))


def _record(export: str, tmp_path: Path, observer: CliObserver) -> None:
    with Ledger.open(str(tmp_path / "ledger.db"), KEY, create=True) as ledger:
        assess(
            [export],
            CheckOptions(TRIAL),
            ledger,
            observer=observer,
            record=ExportRecord(_dt.date(2026, 3, 1)),
        )
    observer.close()


def _drain(fd: int) -> str:
    out = b""
    while select.select([fd], [], [], 0.2)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        out += chunk
    return out.decode("utf-8", "replace")


def test_each_long_step_draws_a_bar_at_a_terminal(
    export: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a real terminal's size
    with os.fdopen(terminal, "w", encoding="utf-8") as tty:
        monkeypatch.setattr("sys.stderr", tty)
        _record(export, tmp_path, CliObserver(quiet=False))
        tty.flush()
        drawn = _drain(controller)
    os.close(controller)
    assert "table" in drawn  # the scan's bar per source
    assert "counting persons" in drawn and "hashing person keys" in drawn and "key" in drawn


@pytest.mark.parametrize("quiet", [False, True])
def test_no_bar_in_a_file_or_pipe_or_when_quiet(
    export: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    _record(export, tmp_path, CliObserver(quiet=quiet))
    assert piped.getvalue() == ""
