"""The XLSX export data catalogue, read back with openpyxl."""

from __future__ import annotations

import copy
import io
import zipfile

from openpyxl import load_workbook

from reports.integrity import digest
from reports.xlsx import CATALOGUE_COLUMNS, CATALOGUE_SHEET, SUMMARY_SHEET, render_xlsx, sheet_title


def _wb(report: dict):
    return load_workbook(io.BytesIO(render_xlsx(report)))


def test_sheets_summary_first_then_catalogue_then_tables(report):
    wb = _wb(report)
    names = wb.sheetnames
    assert names[0] == SUMMARY_SHEET and names[1] == CATALOGUE_SHEET
    assert "负面清单 List items" in names and names[-1] == "证据 Evidence"
    for t in ("customers", "orders", "patients"):
        assert t in names
    for n in names:
        assert len(n) <= 31 and not set(n) & set("[]:*?/\\")


def test_catalogue_has_one_row_per_field_with_bilingual_headers(report):
    ws = _wb(report)[CATALOGUE_SHEET]
    headers = [c.value for c in ws[1]]
    assert headers == [f"{zh}\n{en}" for _, zh, en, _ in CATALOGUE_COLUMNS]
    assert ws.freeze_panes == "E2"
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    fields = [(t["table"], c["name"]) for t in report["tables"] for c in t["columns"]]
    col = {k: i for i, (k, *_rest) in enumerate(CATALOGUE_COLUMNS)}
    assert [(r[col["table"]], r[col["field"]]) for r in rows] == fields
    by_field = {r[col["field"]]: r for r in rows}
    icd = by_field["icd10_code"]
    assert icd[col["pi_class"]] == "敏感个人信息 sensitive"
    assert icd[col["entities"]] == "ICD10_CODE"
    assert icd[col["category_zh"]] == "健康医疗" and icd[col["category_en"]] == "Health & medical"
    assert icd[col["category_code"]] == "28"
    assert icd[col["persons"]] == 60 and icd[col["persons_basis"]] == "row_count_upper_bound"
    assert icd[col["list_items"]] == "jiangsu-2025-biopharma #20"
    assert icd[col["route"]].startswith("标准合同备案或个人信息保护认证")
    assert "居民身份证号码" in by_field["id_card"][col["entity_names"]]
    assert by_field["city"][col["pi_class"]] is None and by_field["city"][col["route"]] is None
    validations = ws.data_validations.dataValidation
    assert validations and "敏感个人信息 sensitive" in validations[0].formula1


def test_summary_sheet_carries_evidence_and_the_declaration_block(report):
    wb = _wb(report)
    ws = wb[SUMMARY_SHEET]
    cells = {str(r[0]): r[1] for r in ws.iter_rows(values_only=True) if r[0] is not None}
    assert cells["报告 SHA-256 Report SHA-256"] == digest(report)
    assert cells["敏感个人信息字段 Sensitive PI columns"] == 3
    assert cells["出境路径 Route"].startswith("标准合同备案或个人信息保护认证")
    assert "sha256:" in cells["参考规则 Reference rule"]
    # the report's person figure: customers and patients (60 rows each), bounded by their rows' sum
    assert (
        cells["申报规模（人） Declared persons"]
        == cells["涉及人数 Persons"]
        == report["persons"]["count"]
        == 120
    )
    assert "境外接收方 Overseas recipient" in cells
    assert wb.properties.keywords == f"chujing; sha256:{digest(report)}"
    assert any(p.name == "chujing_report_sha256" and p.value == digest(report) for p in wb.custom_doc_props)


def test_table_sheet_shows_masked_evidence_and_reasons(report):
    ws = _wb(report)["customers"]
    assert ws["A1"].value == "customers" and ws.freeze_panes == "B4"
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    card = rows["bank_card_no"]
    assert card[4] == "CN_BANK_CARD" and "*" in card[9] and "22 银行 (Banking)" in card[8]
    assert card[12]  # the recognizer's explanation


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    names = [
        sheet_title(n, taken)
        for n in ["摘要 Summary", "a/b", "A/B", "x" * 40, "x" * 40, "History", "'quoted'", "[]:*?/\\"]
    ]
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[2] == "A_B~2" and names[4].endswith("~2") and names[5] != "History"


def test_long_and_clashing_table_names(report):
    r = copy.deepcopy(report)
    r["tables"][0]["table"] = "客户主数据_" + "非常长的表名" * 8
    r["tables"][1]["table"] = "客户主数据_" + "非常长的表名" * 8 + "_2"
    wb = _wb(r)
    assert (
        len(wb.sheetnames) == len(set(wb.sheetnames)) == 3 + 3 + 1
    )  # summary, catalogue, items, 3 tables, evidence


def test_deterministic_for_a_report(report):
    assert render_xlsx(report) == render_xlsx(copy.deepcopy(report))


def test_document_dates_are_the_reports_not_the_clock(report):
    """openpyxl stamps dcterms:modified with the time of saving: the catalogue carries the scan's time.

    (An even second: zip dates have a two-second resolution.)
    """
    r = copy.deepcopy(report)
    r["finished_at"] = "2021-03-04T05:06:08Z"
    with zipfile.ZipFile(io.BytesIO(render_xlsx(r))) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2021, 3, 4, 5, 6, 8)}
    assert "<dcterms:created" in core and core.count("2021-03-04T05:06:08Z") == 2, core
