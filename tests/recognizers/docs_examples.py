"""The examples of ``docs/recognizers.md``, read from the page so that the tests run what the page shows."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "recognizers.md"


def fenced(language: str) -> list[str]:
    """The page's fenced blocks in ``language``, in order."""
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _block(language: str, first_line: str) -> str:
    found = [b for b in fenced(language) if b.startswith(first_line)]
    assert len(found) == 1, f"docs/recognizers.md has {len(found)} {language} blocks starting {first_line!r}"
    return found[0]


def recognizer_file() -> str:
    """The example recognizer file (Presidio's format with chujing's keys)."""
    return _block("yaml", "# team-recognizers.yaml\n")


def package_module() -> str:
    """The example recognizer package's module."""
    return _block("python", "# acme_pii.py\n")


def write_recognizer_file(directory: Path) -> Path:
    path = directory / "team-recognizers.yaml"
    path.write_text(recognizer_file(), encoding="utf-8")
    return path
