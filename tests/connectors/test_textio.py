"""connectors.textio: text is cut to fit only for a terminal, and to the terminal's width."""

from __future__ import annotations

import io
import os
import pty

import pytest

from connectors.textio import terminal_width, truncate, width


def test_a_terminal_has_a_width_a_file_or_pipe_has_none(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("COLUMNS", "93")
    controller, terminal = pty.openpty()
    with os.fdopen(terminal, "w") as tty, open(tmp_path / "out.txt", "w") as file:
        assert terminal_width(tty) == 93
        assert terminal_width(file) is None
        assert terminal_width(io.StringIO()) is None  # click's test runner, a pipe
    os.close(controller)
    closed = io.StringIO()
    closed.close()
    assert terminal_width(closed) is None


def test_truncate_keeps_text_whole_without_a_width_and_counts_wide_characters_twice() -> None:
    name = "16 智能网联汽车 (Intelligent connected vehicles)"
    assert truncate(name, None) == name
    cut = truncate(name, 30)
    assert cut.endswith("…") and width(cut) <= 30 and name.startswith(cut[:-1])
