"""Synthetic scan reports in the ``chujing.report/1`` shape, for the catalogue tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def entity(etype: str, ratio: float = 1.0, precision_m: float | None = None) -> dict[str, Any]:
    """An entity finding as the scanner writes it into a report (evidence already masked)."""
    return {"type": etype, "score": 0.95, "match_ratio": ratio, "matched": 10, "evidence": ["***"],
            "precision_m": precision_m}


def column(name: str, *entities: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "type": "text", "non_null": 100, "entities": list(entities), "pi_class": None,
            "categories": []}


def table(name: str, *columns: dict[str, Any], rows: int | None = 1000) -> dict[str, Any]:
    return {"source": "postgresql://u:***@127.0.0.1/db", "table": name, "row_count": rows,
            "sampled_rows": min(rows or 1000, 1000), "status": "ok", "error": None, "columns": list(columns)}


def report(*tables: dict[str, Any]) -> dict[str, Any]:
    return {"schema": "chujing.report/1", "tool": {"name": "chujing", "version": "test"},
            "started_at": "2025-01-01T00:00:00Z", "finished_at": "2025-01-01T00:00:01Z",
            "sources": [{"uri": "postgresql://u:***@127.0.0.1/db", "kind": "sql", "status": "ok", "error": None}],
            "tables": list(tables)}
