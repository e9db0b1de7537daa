"""``chujing spotcheck``: every divergence kind, person counts, and the XLSX catalogue round trip."""

from __future__ import annotations

import copy
import io
import json
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from catalog.report import ScanReport
from reports.filing import load_filing
from reports.integrity import verify
from reports.spotcheck import compare, persons_from_rows
from reports.xlsx import CATALOGUE_SHEET, render_xlsx
from scanner.cli import main
from scanner.export.spotcheck import count_export_persons
from tests.reports.conftest import SCAN_DATE, build_warehouse, scan_warehouse

ALL_KINDS = {
    "undeclared_sensitive_field",
    "undeclared_field_with_findings",
    "undeclared_category",
    "pi_class_stricter",
    "entity_types_undeclared",
    "persons_above_scale",
    "sensitive_persons_above_scale",
    "declared_table_missing",
    "declared_field_missing",
}

DIVERGENT = """\
recipient: Example Pharma GmbH
persons: {total: 100, sensitive: 50}
categories: ["22"]
tables:
  - table: customers
    fields:
      - id
      - full_name
      - {field: id_card, pi_class: general}
      - city
      - {field: bank_card_no, pi_class: sensitive, entities: [CN_BANK_CARD], categories: [22]}
      - wechat_id
  - table: patients
    fields: [batch_ref, {field: contact_phone, pi_class: general, entities: [EMAIL]}]
  - table: orders
  - table: suppliers
    fields: [name]
"""


def _filing(tmp_path, text: str, name: str = "filing.yaml"):
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return load_filing(p)


def test_catalogue_round_trip_is_consistent(tmp_path, report):
    p = tmp_path / "catalogue.xlsx"
    p.write_bytes(render_xlsx(report))
    res = compare(load_filing(p), report)
    assert res.consistent and res.exit_status == 0, res.divergences


def test_every_divergence_kind(tmp_path, report):
    res = compare(_filing(tmp_path, DIVERGENT), report)
    kinds = {d.kind: d for d in res.divergences}
    assert set(kinds) == ALL_KINDS and res.exit_status == 1
    assert kinds["undeclared_sensitive_field"].where == "patients.icd10_code"
    assert kinds["undeclared_field_with_findings"].where == "customers.mobile"
    assert kinds["pi_class_stricter"].where == "customers.id_card"
    assert "CN_MOBILE" in kinds["entity_types_undeclared"].detail
    assert "28 健康医疗 (Health & medical)" in kinds["undeclared_category"].detail
    assert kinds["undeclared_category"].where == "patients.icd10_code"
    assert kinds["declared_table_missing"].where == "suppliers"
    assert kinds["declared_field_missing"].where == "customers.wechat_id"
    above = kinds["persons_above_scale"]
    assert (above.declared, above.found) == (100, 120) and "upper bound" in above.detail
    assert kinds["sensitive_persons_above_scale"].found == 120
    assert any("upper bound" in n for n in res.notes)  # the basis of the person figures is said


def test_a_consistent_hand_written_filing(tmp_path, report):
    text = """\
persons: 1000
categories: [银行, Health & medical]
tables:
  - {table: customers, fields: [id, full_name, city,
      {field: id_card, pi_class: sensitive}, {field: mobile, pi_class: general},
      {field: bank_card_no, pi_class: 敏感个人信息}]}
  - {table: orders}
  - {table: patients, fields: [batch_ref, {field: icd10_code, pi_class: sensitive},
      {field: contact_phone, pi_class: sensitive}]}
"""
    res = compare(_filing(tmp_path, text), report)
    assert res.consistent, res.divergences  # declaring stricter than found is not a divergence


def test_per_table_declared_persons(tmp_path, report):
    p = tmp_path / "c.xlsx"
    p.write_bytes(render_xlsx(report))
    wb = load_workbook(p)
    ws = wb[CATALOGUE_SHEET]
    persons_col = [c.value for c in ws[1]].index("涉及人数\nPersons") + 1
    for row in ws.iter_rows(min_row=2):
        if row[2].value == "customers" and row[persons_col - 1].value is not None:
            row[persons_col - 1].value = 10
    wb.save(p)
    res = compare(load_filing(p), report)
    (d,) = res.divergences
    assert d.kind == "persons_above_scale" and d.where == "customers" and (d.declared, d.found) == (10, 60)


def test_scan_failures_make_the_check_incomplete(tmp_path, report):
    r = copy.deepcopy(report)
    r["tables"][1].update(status="error", error="orders: permission denied")
    p = tmp_path / "c.xlsx"
    p.write_bytes(render_xlsx(report))
    res = compare(load_filing(p), r)
    assert res.consistent and res.failed and res.exit_status == 2


def test_persons_are_counted_per_natural_person(tmp_path):
    wh = build_warehouse(tmp_path / "dup", duplicates=5)
    report = scan_warehouse(wh)
    rows = persons_from_rows(report)
    assert rows.persons == 125 and rows.basis == "row_count_upper_bound"
    fig = count_export_persons(wh.sources, ScanReport.model_validate(report), connector_options={})
    assert fig.by_table["customers"]["persons"] == 60  # 65 rows, 5 repeat earlier persons
    assert fig.by_table["customers"]["key_kind"] == "resident_id"
    assert (
        fig.persons == 120 and fig.basis == "distinct_key"
    )  # ID-keyed and mobile-keyed persons are not merged
    filing_text = "persons: 122\nfields: [{table: customers, field: id}]\n"
    declared = load_filing(_write(tmp_path, filing_text))
    assert "persons_above_scale" not in {d.kind for d in compare(declared, report, fig).divergences}
    assert "persons_above_scale" in {d.kind for d in compare(declared, report, rows).divergences}


def _write(tmp_path, text: str):
    p = tmp_path / "f.yaml"
    p.write_text(text, "utf-8")
    return p


# --- the command ------------------------------------------------------------------------------------


def _run(*args: str):
    return CliRunner().invoke(
        main, ["spotcheck", *args, "--scan-date", SCAN_DATE.isoformat()], env={"CHUJING_SIGN_KEY": None}
    )


def test_cli_consistent_then_divergent(tmp_path, warehouse, report):
    catalogue = tmp_path / "catalogue.xlsx"
    catalogue.write_bytes(render_xlsx(report))
    ok = _run(str(catalogue), *warehouse.sources)
    assert ok.exit_code == 0, ok.output
    assert "CONSISTENT" in ok.stdout
    wb = load_workbook(io.BytesIO(catalogue.read_bytes()))
    ws = wb[CATALOGUE_SHEET]
    for row in list(ws.iter_rows(min_row=2)):
        if row[3].value == "icd10_code":
            ws.delete_rows(row[0].row)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    key = tmp_path / "key"
    key.write_bytes(b"k3y")
    out = tmp_path / "spot.json"
    bad = _run(
        str(edited), *warehouse.sources, "--format", "json", "-o", str(out), "--sign-key-file", str(key)
    )
    assert bad.exit_code == 1, bad.output
    assert "undeclared_sensitive_field  patients.icd10_code" in bad.stdout
    doc = json.loads(out.read_text("utf-8"))
    assert doc["schema"] == "chujing.spotcheck/1" and doc["consistent"] is False
    assert verify(doc, b"k3y").ok and doc["scan"]["schema"] == "chujing.report/1"
    html = _run(str(edited), *warehouse.sources, "--format", "html")
    assert html.exit_code == 1 and "一致性抽验" in html.stdout and "patients.icd10_code" in html.stdout


def test_cli_errors(tmp_path, warehouse):
    bad = tmp_path / "bad.yaml"
    bad.write_text("fields: [{field: c}]", "utf-8")
    r = _run(str(bad), *warehouse.sources)
    assert r.exit_code == 2 and r.stderr.startswith("error: ") and "without a table name" in r.stderr
    missing = _run(str(tmp_path / "nope.yaml"), *warehouse.sources)
    assert missing.exit_code == 2 and "cannot read" in missing.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "html"])
def test_no_raw_values_in_spotcheck_output(tmp_path, warehouse, raw_values, fmt):
    r = _run(str(_write(tmp_path, DIVERGENT)), *warehouse.sources, "--format", fmt)
    assert r.exit_code == 1
    assert not [v for v in raw_values if v in r.stdout]


# --- the same source, however it is spelled ---------------------------------------------------------


def test_cli_recognises_the_filed_sources_however_spelled(tmp_path, monkeypatch, warehouse, report):
    catalogue = tmp_path / "catalogue.xlsx"
    catalogue.write_bytes(render_xlsx(report))
    declared = {f.source for f in load_filing(catalogue).fields}
    assert declared == {
        f"sqlite:///{warehouse.db}",
        str(warehouse.lake),
    }  # the catalogue names them absolutely
    monkeypatch.chdir(warehouse.root)
    for db, lake in [
        ("sqlite:///crm.db", "lake/"),
        ("sqlite+pysqlite:///./crm.db", "./lake//"),
        (f"sqlite:///{warehouse.db}", f"{warehouse.lake}/"),
    ]:
        r = _run(str(catalogue), db, lake)
        assert r.exit_code == 0 and "CONSISTENT" in r.stdout, (db, lake, r.output)


def test_cli_a_different_database_of_the_same_name_still_diverges(tmp_path, monkeypatch, warehouse, report):
    catalogue = tmp_path / "catalogue.xlsx"
    catalogue.write_bytes(render_xlsx(report))
    shutil.copy(warehouse.db, tmp_path / "crm.db")  # same tables, same name, another file
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "spot.json"
    r = _run(str(catalogue), "sqlite:///crm.db", f"{warehouse.lake}/", "--format", "json", "-o", str(out))
    assert r.exit_code == 1, r.output
    doc = json.loads(out.read_text("utf-8"))
    missing = [d for d in doc["divergences"] if d["kind"] == "declared_table_missing"]
    assert {d["where"] for d in missing} == {"customers", "orders"}  # patients, in the same lake, is matched
    assert all(f"sqlite:///{warehouse.db}" in d["detail"] for d in missing)
    assert any(
        f"declares source sqlite:///{warehouse.db}, which is none of the sources" in n for n in doc["notes"]
    )


@pytest.mark.parametrize(
    ("declared", "same"),
    [
        ("postgresql://auditor:hunter2@db.internal:5432/dw", True),
        ("postgresql+psycopg2://db.internal./dw?sslmode=require", True),
        ("postgresql://db.internal:5433/dw", False),
        ("postgresql://db.internal/dw_archive", False),
        ("postgresql://db2.internal/dw", False),
    ],
)
def test_declared_database_urls_match_by_identity(tmp_path, report, declared, same):
    scanned = "postgresql+psycopg://scan:***@DB.Internal/dw"
    for t in report["tables"]:
        t["source"] = scanned if t["source"].startswith("sqlite") else t["source"]
    for s in report["sources"]:
        s["uri"] = scanned if s["uri"].startswith("sqlite") else s["uri"]
    filing = _filing(
        tmp_path,
        f"tables:\n  - {{table: customers, source: '{declared}'}}\n"
        f"  - {{table: orders, source: '{declared}'}}\n  - {{table: patients}}\n",
    )
    assert len(filing.tables()) == 3
    res = compare(filing, report)
    missing = {d.where for d in res.divergences if d.kind == "declared_table_missing"}
    assert missing == (set() if same else {"customers", "orders"})
    assert "hunter2" not in json.dumps(res.to_dict(), ensure_ascii=False, default=str)


def test_one_source_spelled_two_ways_is_one_declared_table(tmp_path, monkeypatch, warehouse, report):
    monkeypatch.chdir(warehouse.root)
    filing = _filing(
        tmp_path,
        f"""\
tables:
  - {{table: customers, source: 'sqlite:///crm.db'}}
  - {{table: customers, source: 'sqlite:///{warehouse.db}'}}
  - {{table: orders, source: 'sqlite:///./crm.db'}}
  - {{table: patients, source: 'lake/'}}
  - {{table: patients, source: '{warehouse.lake}'}}
""",
    )
    assert [t[2] for t in filing.tables()] == ["customers", "orders", "patients"]
    assert not [d for d in compare(filing, report).divergences if d.kind.startswith("declared_")]
