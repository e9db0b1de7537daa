"""The JSON renderer: the versioned ``chujing.report/1`` contract, for machines."""

from __future__ import annotations

import json
import os
from typing import Any

from reports.atomic import write_text


def render_json(report: dict[str, Any]) -> str:
    """Pretty, stable JSON (keys in insertion order, non-ASCII kept readable)."""
    return json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"


def write_json(report: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write the report atomically."""
    write_text(path, render_json(report))
