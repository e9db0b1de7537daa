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


def test_a_device_or_pipe_target_is_written_in_place_not_replaced(tmp_path) -> None:
    """``-o /dev/null`` must not turn /dev/null into a regular file: special files are written in place."""
    import os
    import stat
    import threading

    from connectors.textio import write_bytes

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_bytes(fifo, b"report")
    reader.join(10)
    assert got == [b"report"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a pipe, not replaced by a file
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # and no temporary file left behind
