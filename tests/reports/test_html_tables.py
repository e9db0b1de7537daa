"""The HTML report's tables: grouped by schema, tables with findings shown whole, the rest one collapsed list."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from reports.html import render_html

GOLDEN = Path(__file__).parent / "golden" / "report_small.json"


def _table(base: dict, schema: str | None, name: str, *, findings: bool = True, failed: bool = False) -> dict:
    t = copy.deepcopy(base)
    t["schema"], t["table"] = schema, name
    if not findings:
        for c in t["columns"]:
            c["entities"], c["categories"], c["pi_class"] = [], [], None
    if failed:
        t.update(
            status="error",
            error=f"sqlite:////data/crm.db: table {schema}.{name}: sampling failed",
            columns=[],
        )
    return t


def _report(quiet: int = 3) -> dict:
    doc = json.loads(GOLDEN.read_text("utf-8"))
    base = doc["tables"][0]
    doc["tables"] = (
        [_table(base, "ods", "patients")]
        + [_table(base, "ods", f"log_{i:03d}", findings=False) for i in range(quiet)]
        + [_table(base, "dw", "broken", failed=True), _table(base, "tmp", "scratch", findings=False)]
    )
    return doc


def _groups(page: str) -> list[tuple[bool, str]]:
    """``(open, html)`` of each schema group in the tables section, in order."""
    section = page[page.index('id="tables"') :]
    return [
        (bool(m.group(1)), m.group(2))
        for m in re.finditer(
            r'<details class="schema"( open)?>(.*?)</details>(?=<details class="schema"|</)', section
        )
    ]


def test_tables_are_grouped_by_schema_in_report_order() -> None:
    groups = _groups(render_html(_report()))
    names = [re.search(r'<span class="name mono">([^<]*)</span>', g).group(1) for _, g in groups]
    assert names == ["ods", "dw", "tmp"]
    assert "4 table(s) · 1 with findings" in groups[0][1]
    assert "1 table(s) · 0 with findings · 1 failed" in groups[1][1]


def test_only_tables_with_findings_or_errors_are_expanded() -> None:
    (ods_open, ods), (dw_open, dw), (tmp_open, tmp) = _groups(render_html(_report()))
    assert ods_open and dw_open and not tmp_open  # a group with nothing to show starts closed
    assert ods.count('<div class="tbl">') == 1 and "ods.patients" in ods
    assert "3 table(s) without findings" in ods and "ods.log_000, ods.log_001, ods.log_002" in ods
    assert '<div class="tbl"><div class="tbl-head"><span class="name mono">ods.log_000' not in ods
    assert "sampling failed" in dw  # a failure is shown whole
    assert '<div class="tbl">' not in tmp and "tmp.scratch" in tmp


def test_summary_comes_before_ten_thousand_quiet_tables() -> None:
    page = render_html(_report(quiet=10_000))
    assert page.index('id="summary"') < page.index('id="tables"')
    section = page[page.index('id="tables"') : page.index('id="evidence"')]
    assert section.count('<div class="tbl">') == 2  # the table with findings and the failed one
    assert "10,000 table(s) without findings" in section
    assert len(section) < 200 * 10_000  # a name each, not a block each
