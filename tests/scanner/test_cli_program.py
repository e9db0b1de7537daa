"""The ``chujing`` program as a process: what its entry point does before the command runs."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from scanner import __version__
from scanner.cli import root


def test_the_chujing_program_puts_what_its_imports_made_out_of_the_collectors_sight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``chujing`` (the installed script, ``python -m scanner.cli``) freezes what is alive once it is imported
    before the command runs; ``main`` alone, as tests call it, leaves the collector as it was."""
    ran: list[int] = []
    monkeypatch.setattr(root, "main", lambda: ran.append(gc.get_freeze_count()))
    before = gc.get_freeze_count()
    try:
        root.run()
    finally:
        gc.unfreeze()
    assert ran and ran[0] > before
    assert gc.get_freeze_count() == 0


def test_python_m_scanner_cli_is_the_program() -> None:
    done = subprocess.run([sys.executable, "-m", "scanner.cli", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"chujing {__version__}"
