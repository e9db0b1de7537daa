"""Synthetic scan reports in the ``chujing.report/1`` shape and user catalogues, for the catalogue tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from catalog import evaluate, findings_from_tables
from catalog.findings import ExportScope, Findings, PersonCounts, table_signature
from catalog.mapping import annotate_table
from catalog.models import ReferenceRule
from catalog.report import Table

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def entity(etype: str, ratio: float = 1.0, precision_m: float | None = None) -> dict[str, Any]:
    """An entity finding as the scanner writes it into a report (evidence already masked)."""
    return {
        "type": etype,
        "score": 0.95,
        "match_ratio": ratio,
        "matched": 10,
        "evidence": ["***"],
        "precision_m": precision_m,
        "recognizer": "TestRecognizer",
        "explanation": "built by tests.catalog.builders",
        "pi_class": None,
    }


def column(name: str, *entities: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": "text",
        "non_null": 100,
        "null_ratio": 0.0,
        "null_ratio_method": "sample",
        "entities": list(entities),
        "pi_class": None,
        "categories": [],
        "pi_basis": None,
    }


def table(name: str, *columns: dict[str, Any], rows: int | None = 1000) -> dict[str, Any]:
    return {
        "source": "postgresql://u:***@127.0.0.1/db",
        "table": name,
        "row_count": rows,
        "sampled_rows": min(rows or 1000, 1000),
        "status": "ok",
        "error": None,
        "columns": list(columns),
        "kind": "table",
        "fingerprint": {},
    }


def as_table(t: dict[str, Any] | Table) -> Table:
    """A builder's table dict as the typed table the catalogue takes (defaults filled for keys a test left out)."""
    if isinstance(t, Table):
        return t
    d = table(t["table"], rows=t.get("row_count"))
    d.update({k: v for k, v in t.items() if k != "columns"})
    d["columns"] = [{**column(c["name"]), **c} for c in t.get("columns", [])]
    for c in d["columns"]:
        # an entity without its own class has its column's (as reports written before findings had one)
        c["entities"] = [{**entity(e["type"]), "pi_class": c.get("pi_class"), **e} for e in c["entities"]]
    return Table.model_validate(d, strict=False)


def annotate(t: dict[str, Any] | Table, rule: ReferenceRule) -> Table:
    """``t`` typed and annotated under ``rule``."""
    return annotate_table(as_table(t), rule)


def findings_of(*tables: dict[str, Any] | Table) -> Findings:
    """The findings of annotated tables (dicts are typed first, as they are)."""
    return findings_from_tables([as_table(t) for t in tables])


def report(*tables: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": "chujing.report/1",
        "tool": {"name": "chujing", "version": "test"},
        "started_at": "2025-01-01T00:00:00Z",
        "finished_at": "2025-01-01T00:00:01Z",
        "sources": [{"uri": "postgresql://u:***@127.0.0.1/db", "kind": "sql", "status": "ok", "error": None}],
        "tables": list(tables),
    }


def persons_of(t: Table, n: int, prior: int = 0) -> PersonCounts:
    """``n`` persons in this export, each carrying every element of annotated table ``t`` (a one-table export);
    ``prior`` persons with the same elements exported earlier this year, in every scope."""
    sig = table_signature(t)
    if not sig:
        return PersonCounts()

    def total(scope: ExportScope | None) -> dict[frozenset[str], int]:
        return {sig: n + prior}

    return PersonCounts({sig: n}, total)


def evaluate_export(
    catalog: Any,
    lst: str,
    entities: list[str] | tuple[str, ...],
    n: int,
    *,
    scenario: str | None = None,
    subject: str | None = None,
    modality: str | None = None,
    persons: PersonCounts | None = None,
    name: str = "t",
) -> Any:
    """Evaluate one list against a one-table export of ``n`` rows whose columns hold ``entities``.

    Persons default to :func:`persons_of` the table (every person carries every element it holds).
    """
    t = annotate(
        table(name, *(column(e.lower(), entity(e)) for e in entities), rows=n),
        catalog.reference_rule("jiangsu-2025-reference-rule"),
    )
    return evaluate(
        findings_of(t),
        catalog=catalog,
        lists=[lst],
        scenario=scenario,
        subject=subject,
        persons=persons if persons is not None else persons_of(t, n),
        modality=modality,
    )


def user_catalog(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """The mini fixtures copied to ``tmp_path`` with ``edit`` applied to mini-list.yaml's parsed YAML."""
    for f in (FIXTURES / "mini").iterdir():
        shutil.copy(f, tmp_path / f.name)
    p = tmp_path / "mini-list.yaml"
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    edit(doc)
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path


def first_thresholded(doc: dict[str, Any]) -> dict[str, Any]:
    """The first item of a parsed list document that has thresholds."""
    return next(it for it in doc["items"] if it.get("thresholds"))
