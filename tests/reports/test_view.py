"""The shared view of a report: which list items reach which fields, counts, and odd reports rendering."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from catalog.report import ContractError
from reports.renderers import FORMATS, render
from reports.view import field_rows, report_counts, split_report

GOLDEN = Path(__file__).parent / "golden" / "report_small.json"


@pytest.fixture
def small() -> dict:
    return json.loads(GOLDEN.read_text("utf-8"))


def _with_items(r: dict, *items: dict) -> dict:
    r["list_items"] = {"route": "security_assessment", "items": list(items)}
    return r


def test_items_reach_the_fields_their_reason_names(small):
    _with_items(
        small,
        {
            "list": "l",
            "item": 3,
            "route": "security_assessment",
            "data_kind": "important_data",
            "reason": "evidence: DIAGNOSIS in 受试者.zdmc (25% of sampled values)",
        },
    )
    rows = {r.field: r for r in field_rows(small)}
    assert rows["zdmc"].route == "security_assessment" and rows["zdmc"].item_labels == ["l #3"]
    assert rows["sfzh"].items == [] and rows["visit_date"].route is None


def test_a_name_is_matched_whole(small):
    small["tables"][0]["columns"].append(
        {"name": "zdmc2", "type": "TEXT", "entities": [], "pi_class": None, "categories": []}
    )
    _with_items(
        small,
        {
            "list": "l",
            "item": 1,
            "route": "security_assessment",
            "data_kind": "important_data",
            "reason": "evidence in 受试者.zdmc2",
        },
    )
    rows = {r.field: r for r in field_rows(small)}
    assert rows["zdmc2"].items and not rows["zdmc"].items


def test_general_evidence_reaches_every_pi_field(small):
    small["tables"][0]["columns"][2]["pi_class"] = "general"
    _with_items(
        small,
        {
            "list": "l",
            "item": 20,
            "route": "standard_contract_or_certification",
            "data_kind": "personal_information",
            "reason": "evidence: personal information found",
        },
        {
            "list": "l",
            "item": 9,
            "route": "security_assessment",
            "data_kind": "sensitive_personal_information",
            "reason": "evidence: sensitive PI found",
        },
    )
    rows = {r.field: r for r in field_rows(small)}
    assert rows["sfzh"].route == "security_assessment" and rows["sfzh"].item_labels == ["l #20", "l #9"]
    assert rows["visit_date"].route == "standard_contract_or_certification"  # general PI: item 20 only


def test_counts_and_persons_basis(small):
    c = report_counts(small)
    assert (c["tables"], c["columns"], c["sensitive_columns"], c["categories"], c["route"]) == (
        1,
        3,
        2,
        1,
        None,
    )
    rows = {r.field: r for r in field_rows(small)}
    assert rows["sfzh"].persons == 2000 and rows["sfzh"].persons_basis == "row_count_upper_bound"
    assert rows["visit_date"].persons is None
    small["tables"][0]["persons"] = {"persons": 1500, "key_kind": "resident_id"}
    assert {r.field: r for r in field_rows(small)}["sfzh"].persons == 1500


def test_split_report(small):
    assert split_report(small) == (None, small)
    check = {"route": "outside", "scan": small}
    assert split_report(check) == (check, small)


@pytest.mark.parametrize("fmt", FORMATS)
def test_odd_reports_render(fmt, small):
    """No list, no catalogue, no summary; failed sources and tables; empty reports: every human format copes."""
    failed = copy.deepcopy(small)
    failed["sources"].append(
        {
            "uri": "postgresql://app:***@db/x",
            "kind": "sql",
            "status": "error",
            "error": "db: connection refused; check the host",
        }
    )
    failed["tables"].append(
        {
            "source": "postgresql://app:***@db/x",
            "table": "t",
            "row_count": None,
            "sampled_rows": 0,
            "status": "error",
            "error": "t: permission denied",
            "columns": [],
        }
    )
    empty = {
        "schema": "chujing.report/1",
        "tool": {"name": "chujing", "version": "0"},
        "sources": [],
        "tables": [],
    }
    for r in (small, failed, empty):
        if fmt == "json":  # JSON is evidence: a document that breaks chujing.report/1 is refused
            with pytest.raises(ContractError) as refused:
                render(r, fmt)
            assert "catalog: Field required" in refused.value.problems
            continue
        assert render(r, fmt)
    assert "connection refused" in render(failed, "html").decode()
    assert "permission denied" in render(failed, "csv").decode("utf-8-sig")


def test_candidate_important_data_counts_what_the_check_decided(report):
    """A check's candidates (list items of important data, e.g. gene data) are what its summary counts,
    not the scan's identification-rule candidates beneath it."""
    import re

    from reports.html import render_html
    from reports.view import important_data_candidates

    item = {
        "source": "negative_list",
        "list": "jiangsu-2025-biopharma",
        "item": 21,
        "route": "other_lawful_route",
        "reason": "item 21: gene data",
    }
    check = {
        "schema": "chujing.check/1",
        "route": "other_lawful_route",
        "items": [item],
        "candidate_important_data": [item],
        "scan": report,
    }
    assert important_data_candidates(check) == [item]
    assert important_data_candidates(report) == report["candidate_important_data"]
    page = render_html(check)
    card = re.search(r'<div class="num">(\d+)</div>\s*<div class="lbl">候选重要数据', page)
    assert card and card.group(1) == "1", page[:200]
