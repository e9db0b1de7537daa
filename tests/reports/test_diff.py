"""``chujing diff``: every change kind on crafted before/after reports, alerts, exit statuses, formats."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reports.diff import DiffError, diff_reports, render_diff
from reports.json_report import render_json
from scanner.cli import main
from tests.reports.conftest import build_warehouse, scan_warehouse

GOLDEN = Path(__file__).parent / "golden" / "report_small.json"
SRC = "sqlite:////data/crm.db"


@pytest.fixture
def old() -> dict:
    r = json.loads(GOLDEN.read_text("utf-8"))
    r["list_items"] = {
        "route": "standard_contract_or_certification",
        "items": [
            {
                "list": "jiangsu-2025-biopharma",
                "item": 20,
                "route": "standard_contract_or_certification",
                "data_kind": "personal_information",
                "name": "个人信息",
                "reason": "evidence: personal information found",
            }
        ],
    }
    r["important_data"] = {"status": "not_indicated"}
    r["catalog"] = {"reference_rule": {"id": "jiangsu-2025-reference-rule", "sha256": "aa"}, "lists": []}
    return r


def _kinds(old: dict, new: dict, **kw) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in diff_reports(old, new, **kw).changes:
        out.setdefault(c.kind, []).append(c)
    return out


def _col(r: dict, name: str) -> dict:
    return next(c for c in r["tables"][0]["columns"] if c["name"] == name)


def test_identical_reports_have_no_changes(old):
    d = diff_reports(old, copy.deepcopy(old))
    assert d.changes == [] and d.exit_status == 0


def test_entity_appeared_on_a_sensitive_column_alerts(old):
    new = copy.deepcopy(old)
    _col(new, "sfzh")["entities"].append(
        {"type": "CN_PASSPORT", "score": 0.9, "match_ratio": 0.1, "evidence": []}
    )
    k = _kinds(old, new)
    (c,) = k["entity_appeared"]
    assert c.alert and c.new == "CN_PASSPORT" and c.where == f"{SRC} · 受试者.sfzh"
    assert diff_reports(old, new).exit_status == 1


def test_entity_on_a_general_column_is_reported_without_alert(old):
    new = copy.deepcopy(old)
    v = _col(new, "visit_date")
    v["entities"] = [{"type": "DATE_OF_BIRTH", "score": 0.7, "match_ratio": 0.9, "evidence": []}]
    v["pi_class"] = "general"
    k = _kinds(old, new)
    assert not k["entity_appeared"][0].alert and not k["pi_class_changed"][0].alert
    assert diff_reports(old, new).exit_status == 0


def test_column_became_sensitive_alerts(old):
    new = copy.deepcopy(old)
    _col(new, "visit_date")["pi_class"] = "sensitive"
    (c,) = _kinds(old, new)["pi_class_changed"]
    assert c.alert and (c.old, c.new) == (None, "sensitive")


def test_entity_vanished_and_score_moves(old):
    new = copy.deepcopy(old)
    _col(new, "zdmc")["entities"] = []
    e = _col(new, "sfzh")["entities"][0]
    e["score"], e["match_ratio"] = 0.97, 0.5  # score within tolerance, ratio beyond it
    k = _kinds(old, new)
    assert k["entity_vanished"][0].old == "DIAGNOSIS"
    (moved,) = k["entity_changed"]
    assert "match_ratio 1 → 0.5" in moved.detail and "score" not in moved.detail
    assert "entity_changed" not in _kinds(old, new, tolerance=0.6)
    assert diff_reports(old, new).exit_status == 0


def test_category_changes(old):
    new = copy.deepcopy(old)
    _col(new, "zdmc")["categories"] = []
    _col(new, "sfzh")["categories"] = [
        {
            "rule": "jiangsu-2025-reference-rule",
            "code": "27",
            "name": "遗传资源",
            "name_en": "Genetic resources",
        }
    ]
    k = _kinds(old, new)
    assert "28 健康医疗 (Health & medical)" in k["category_removed"][0].detail
    assert "27 遗传资源 (Genetic resources)" in k["category_added"][0].detail


def test_tables_and_columns_added_and_removed(old):
    new = copy.deepcopy(old)
    added = copy.deepcopy(new["tables"][0])
    added["table"] = "patients"
    new["tables"].append(added)
    harmless = copy.deepcopy(new["tables"][0])
    harmless["table"] = "calendar"
    for c in harmless["columns"]:
        c.update(entities=[], pi_class=None, categories=[])
    new["tables"].append(harmless)
    new["tables"][0]["columns"].append(
        {"name": "passport_no", "type": "TEXT", "entities": [], "pi_class": "sensitive", "categories": []}
    )
    new["tables"][0]["columns"] = [c for c in new["tables"][0]["columns"] if c["name"] != "visit_date"]
    k = _kinds(old, new)
    by_table = {c.where.split(" · ")[1]: c for c in k["table_added"]}
    assert by_table["patients"].alert and "2 sensitive: sfzh, zdmc" in by_table["patients"].detail
    assert not by_table["calendar"].alert
    assert k["column_added"][0].alert and k["column_removed"][0].where.endswith("visit_date")
    removed = _kinds(new, old)
    assert len(removed["table_removed"]) == 2 and not any(c.alert for c in removed["table_removed"])


def test_tables_are_matched_by_source_schema_and_name(old):
    new = copy.deepcopy(old)
    new["tables"][0]["schema"] = "crm"  # same source and name, other schema: another table
    k = _kinds(old, new)
    assert len(k["table_added"]) == 1 and len(k["table_removed"]) == 1


def test_failed_tables_and_sources(old):
    new = copy.deepcopy(old)
    new["tables"][0].update(status="error", error="受试者: permission denied", columns=[])
    new["sources"][0].update(status="error", error="connection refused")
    k = _kinds(old, new)
    assert "permission denied" in k["table_failed"][0].detail and k["source_failed"]
    assert "column_removed" not in k and "entity_vanished" not in k  # a failed table is not compared
    back = _kinds(new, old)
    assert back["table_recovered"] and back["source_recovered"]


def test_list_items_and_route(old):
    new = copy.deepcopy(old)
    new["list_items"]["items"].append(
        {"list": "jiangsu-2025-biopharma", "item": 7, "route": "security_assessment", "name": "临床试验数据"}
    )
    new["list_items"]["route"] = "security_assessment"
    k = _kinds(old, new)
    assert k["list_item_added"][0].where == "jiangsu-2025-biopharma item 7"
    (route,) = k["route_changed"]
    assert route.alert and "(stricter)" in route.detail
    laxer = _kinds(new, old)
    assert not laxer["route_changed"][0].alert and laxer["list_item_removed"]


def test_check_decisions_are_compared_by_their_route(old):
    a = {"route": "standard_contract_or_certification", "items": [], "scan": old}
    b = {"route": "other_lawful_route", "items": [], "scan": copy.deepcopy(old)}
    (c,) = _kinds(a, b)["route_changed"]
    assert c.alert and c.new == "other_lawful_route"


def test_important_data_catalogue_and_parameters(old):
    new = copy.deepcopy(old)
    new["important_data"]["status"] = "candidate"
    new["catalog"]["reference_rule"]["sha256"] = "bb"
    new["parameters"]["sample_rows"] = 5000
    new["parameters"]["scan_date"] = "2025-07-01"  # moves every day: not a change
    k = _kinds(old, new)
    assert k["important_data_changed"][0].alert
    assert k["catalog_changed"][0].old == "aa" and not k["catalog_changed"][0].alert
    assert k["parameters_changed"][0].detail == "sample_rows: 1000 → 5000"


def test_formats(old):
    new = copy.deepcopy(old)
    _col(new, "visit_date")["pi_class"] = "sensitive"
    d = diff_reports(old, new)
    text = render_diff(d, "table").decode()
    assert "ALERT: 1 new sensitive finding(s)" in text and "[ALERT] pi_class_changed" in text
    doc = json.loads(render_diff(d, "json"))
    assert (
        doc["schema"] == "chujing.diff/1"
        and doc["alert"] is True
        and doc["counts"] == {"pi_class_changed": 1}
    )
    html = render_diff(d, "html").decode()
    assert "受试者.visit_date" in html and "http://" not in html and "https://" not in html
    with pytest.raises(ValueError):
        render_diff(d, "pdf")


def test_not_a_report():
    with pytest.raises(DiffError, match="no 'tables' list"):
        diff_reports({"schema": "x"}, {"tables": []})


# --- the command, end to end on two real scans -----------------------------------------------------


def _run(*args: str):
    return CliRunner().invoke(main, ["diff", *args])


def test_cli_on_two_scans(tmp_path):
    before = build_warehouse(tmp_path / "before")
    after = build_warehouse(tmp_path / "after", extra_sensitive_column=True)
    old_report, new_report = scan_warehouse(before), scan_warehouse(after)
    # same source URIs in both reports: the scheduled scan reads the same warehouse twice
    for t in new_report["tables"]:
        t["source"] = t["source"].replace(str(after.root), str(before.root))
    for s in new_report["sources"]:
        s["uri"] = s["uri"].replace(str(after.root), str(before.root))
    o, n = tmp_path / "old.json", tmp_path / "new.json"
    o.write_text(render_json(old_report), "utf-8")
    n.write_text(render_json(new_report), "utf-8")
    same = _run(str(o), str(o))
    assert same.exit_code == 0 and "no changes" in same.stdout
    alert = _run(str(o), str(n))
    assert alert.exit_code == 1, alert.output
    assert "[ALERT] column_added" in alert.stdout and "orders.buyer_id_card" in alert.stdout
    out = tmp_path / "diff.html"
    written = _run(str(o), str(n), "--format", "html", "-o", str(out))
    assert written.exit_code == 1 and out.read_text("utf-8").startswith("<!DOCTYPE html>")
    back = _run(str(n), str(o), "--format", "json")
    assert back.exit_code == 0 and json.loads(back.stdout)["counts"] == {"column_removed": 1}


def test_cli_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", "utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"tables": [], "sources": []}), "utf-8")
    for args, words in (
        ([str(tmp_path / "missing.json"), str(good)], "cannot read"),
        ([str(bad), str(good)], "not valid JSON"),
        ([str(good), str(bad)], "not valid JSON"),
    ):
        r = _run(*args)
        assert r.exit_code == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1
