"""Reading filings: YAML, JSON, and the XLSX catalogue after people edited it."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from reports.filing import FilingError, header_key, load_filing, parse_count, parse_pi_class
from reports.xlsx import CATALOGUE_SHEET, SUMMARY_SHEET, render_xlsx

YAML = """\
recipient: Example Pharma GmbH (Germany)
scenario: clinical-trial
persons: {total: 12000, sensitive: 3000}
categories: ["28 健康医疗 (Health & medical)"]
fields:
  - {table: customers, field: id_card, pi_class: sensitive, entities: [CN_RESIDENT_ID]}
  - {表名: customers, 字段名: mobile, 个人信息类别: 一般个人信息}
tables:
  - table: patients
    fields: [case_no, {field: icd10_code, pi_class: 敏感, categories: "28"}]
  - {table: orders}
"""


def test_yaml_filing(tmp_path):
    p = tmp_path / "filing.yaml"
    p.write_text(YAML, "utf-8")
    f = load_filing(p)
    assert (f.recipient, f.scenario, f.persons, f.persons_sensitive) == (
        "Example Pharma GmbH (Germany)",
        "clinical-trial",
        12000,
        3000,
    )
    got = [(x.table, x.field, x.pi_class) for x in f.fields]
    assert got == [
        ("customers", "id_card", "sensitive"),
        ("customers", "mobile", "general"),
        ("patients", "case_no", None),
        ("patients", "icd10_code", "sensitive"),
        ("orders", None, None),
    ]
    assert f.fields[0].entity_types == {"CN_RESIDENT_ID"}
    assert {"28", "健康医疗", "health&medical"} <= f.declared_categories
    assert f.tables() == [(None, None, "customers"), (None, None, "patients"), (None, None, "orders")]


def test_json_filing(tmp_path):
    p = tmp_path / "filing.json"
    p.write_text(
        json.dumps({"fields": [{"table": "t", "column": "c", "pi_class": "general"}], "persons": "1.2万"}),
        "utf-8",
    )
    f = load_filing(p)
    assert f.format == "json" and f.persons == 12000 and f.fields[0].field == "c"


@pytest.mark.parametrize(
    "text, message",
    [
        ("fields: [{field: c}]", "without a table name"),
        ("- just a list", "must be a mapping"),
        ("recipient: x", "declares no fields"),
        ("fields: [{table: t, field: c, pi_class: maybe}]", "PI class 'maybe'"),
        ("fields: [{table: t, field: c}]\npersons: lots", "not a number of persons"),
        ("fields: [\n", "not valid YAML"),
    ],
)
def test_bad_filings_say_what_is_wrong(tmp_path, text, message):
    p = tmp_path / "bad.yaml"
    p.write_text(text, "utf-8")
    with pytest.raises(FilingError, match=message) as info:
        load_filing(p)
    assert str(p) in str(info.value) or "PI class" in str(info.value) or "persons" in str(info.value)
    assert "\n" not in str(info.value)


def test_unreadable_filings(tmp_path):
    with pytest.raises(FilingError, match="cannot read"):
        load_filing(tmp_path / "missing.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FilingError, match="not a readable XLSX"):
        load_filing(broken)
    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    with pytest.raises(FilingError, match="no sheet has a header row"):
        load_filing(empty)


def test_header_matching_in_either_language():
    assert header_key("表名\nTable") == header_key("TABLE") == header_key("数据表") == "table"
    assert header_key("Column name") == header_key("字段") == "field"
    assert header_key("个人信息类别\nPI class") == header_key("pi_class") == "pi_class"
    assert header_key("类别代码 Category code") == "category_code"
    assert header_key("备注 Notes") is None and header_key(None) is None


def test_value_parsing():
    assert parse_pi_class("SENSITIVE") == "sensitive" and parse_pi_class("一般个人信息 general") == "general"
    assert parse_count("120,000") == 120000 and parse_count(3.0) == 3 and parse_count("") is None


def test_catalogue_xlsx_round_trip(tmp_path, report):
    p = tmp_path / "catalogue.xlsx"
    p.write_bytes(render_xlsx(report))
    f = load_filing(p)
    fields = [(t["table"], c["name"], c["pi_class"]) for t in report["tables"] for c in t["columns"]]
    assert [(x.table, x.field, x.pi_class) for x in f.fields] == fields
    assert f.persons == f.persons_sensitive == report["persons"]["count"] == 120  # the figure: the row bound
    assert f.recipient is None
    icd = next(x for x in f.fields if x.field == "icd10_code")
    assert icd.entity_types == {"ICD10_CODE"} and {"28", "健康医疗", "health&medical"} <= icd.categories
    assert icd.origin.endswith("row 12")


def test_edited_catalogue_is_tolerated(tmp_path, report):
    """People reorder and rename columns, leave repeated table names blank, add notes and blank rows."""
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    ws = wb[CATALOGUE_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    keep = {
        "表名\nTable": "Table name",
        "字段名\nField": "字段",
        "个人信息类别\nPI class": "PI class",
        "实体类型\nEntity types": "实体类型",
        "类别代码\nCategory code": "类别代码",
    }
    idx = [head.index(h) for h in keep]
    new = Workbook()
    out = new.active
    out.title = "Filing 出境数据目录"
    out.append(["XX 公司数据出境备案 — 附件 2"])  # a title row above the header
    out.append([])
    out.append(["备注 Notes"] + [keep[h] for h in reversed(list(keep))])  # other order, other words
    last = None
    for r in rows[1:]:
        vals = [r[i] for i in idx]
        table = vals[0]
        vals[0] = None if table == last else table  # blank repeated table names (merged-cell style)
        last = table
        out.append(["checked"] + list(reversed(vals)))
        if vals[1] == "mobile":
            out.append([])  # a blank line
    out.append(["合计 Total", None, None, None, None, None])  # a footer without table or field
    sheet = new.create_sheet("摘要")
    sheet.append(["境外接收方", "Example Pharma GmbH"])
    sheet.append(["申报规模（人）", "5万"])
    p = tmp_path / "edited.xlsx"
    new.save(p)
    f = load_filing(p)
    fields = [(t["table"], c["name"], c["pi_class"]) for t in report["tables"] for c in t["columns"]]
    assert [(x.table, x.field, x.pi_class) for x in f.fields] == fields
    assert f.recipient == "Example Pharma GmbH" and f.persons == 50000
    assert SUMMARY_SHEET not in new.sheetnames


@pytest.mark.parametrize("fmt", ["csv", "html", "json", "table"])
def test_a_report_given_as_the_filing_says_which_formats_are_read(tmp_path, report, fmt):
    """``chujing spotcheck report.csv …`` once said "not valid YAML": the user needs to hear what is read."""
    from reports.renderers import RENDERERS, write_report

    p = write_report(report, fmt, tmp_path / f"report{RENDERERS[fmt].extension}")
    with pytest.raises(FilingError) as info:
        load_filing(p)
    message = str(info.value)
    assert message.startswith(f"{p}: ") and "\n" not in message and "YAML (" not in message
    assert "reads a filing as the XLSX export data catalogue" in message and "YAML or JSON" in message
    if fmt == "json":
        assert "a chujing.report/1 document, not a filing" in message


def test_an_xls_workbook_is_told_to_be_saved_as_xlsx(tmp_path):
    old = tmp_path / "filing.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(FilingError, match=r"Excel 97-2003 \(\.xls\).* save it as \.xlsx"):
        load_filing(old)


def test_a_filing_without_extension_is_read_by_its_content(tmp_path):
    p = tmp_path / "FILING"
    p.write_text(YAML, "utf-8")
    assert load_filing(p).format == "yaml"
    p.write_text(json.dumps({"fields": [{"table": "t", "field": "c"}]}), "utf-8")
    assert load_filing(p).format == "json"
