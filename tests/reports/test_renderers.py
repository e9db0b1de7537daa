"""Every format from the registry: raw values never appear, untrusted names stay inert, files land atomically."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import decimal
import io
import json
import re
import zipfile

import pytest

from reports.integrity import digest, seal, verify
from reports.json_report import KEY_ORDER, json_pieces, ordered, pretty_json, render_json
from reports.renderers import FORMATS, RENDERERS, format_for_path, render, write_report

HOSTILE_TABLE = '<script>alert("t")</script>&"=cmd|/c calc"'
HOSTILE_COLUMN = '=HYPERLINK("x","y")<img src=x onerror=alert(1)>'


def _texts(fmt: str, data: bytes) -> str:
    """Everything a reader of the output could see, as text (an XLSX is a zip of XML parts)."""
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    return data.decode("utf-8-sig")


def _check_decision(report: dict) -> dict:
    """The shape ``chujing check`` returns: the decision on top, the scan inside."""
    li = report["list_items"]
    return {
        "route": li["route"],
        "route_label": li["route_label"],
        "items": li["items"],
        "candidate_important_data": [],
        "scenario": "clinical-trial",
        "scan": report,
    }


def test_registry_api():
    assert set(FORMATS) == {"json", "html", "xlsx", "csv", "table"}
    for name, r in RENDERERS.items():
        assert r.name == name and r.extension.startswith(".") and r.media_type
    assert format_for_path("a/b.csv") == "csv"
    with pytest.raises(ValueError, match="unknown report format"):
        render({}, "pdf")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_raw_value_in_any_format(fmt, report, raw_values):
    assert raw_values and len(raw_values) > 100
    for doc in (report, _check_decision(report)):
        text = _texts(fmt, RENDERERS[fmt].render(doc))
        leaked = [v for v in raw_values if v in text]
        assert not leaked, f"{fmt} leaks raw values, e.g. {leaked[:1]}"
        # the masked evidence is there instead
        if fmt != "table":
            assert re.search(r"\d{4}\*{6,}\d{3}[\dX]", text), f"{fmt}: no masked ID evidence"


@pytest.mark.parametrize("fmt", ["html", "xlsx", "csv"])
def test_human_formats_carry_the_json_digest(fmt, report):
    text = _texts(fmt, RENDERERS[fmt].render(report))
    assert digest(report) in text


def test_json_is_sealed_and_ordered(report):
    text = render_json(report)
    doc = json.loads(text)
    assert verify(doc).ok
    assert doc["integrity"]["sha256"] == digest(report)
    keys = list(doc)
    assert keys[:2] == ["schema", "tool"] and keys[-1] == "integrity"
    known = [k for k in keys if k in KEY_ORDER]
    assert known == sorted(known, key=KEY_ORDER.index)
    assert doc["schema"] == "chujing.report/1"
    for t in doc["tables"]:
        assert {"source", "table", "row_count", "sampled_rows", "status", "error", "columns"} <= set(t)
        for c in t["columns"]:
            assert {"name", "type", "non_null", "entities", "pi_class", "categories"} <= set(c)
    assert "integrity" not in report  # the caller's dict is not touched


def test_json_refuses_a_stale_seal(report):
    from reports.integrity import seal

    sealed = seal(copy.deepcopy(report))
    sealed["tables"][0]["row_count"] = 1
    with pytest.raises(ValueError, match="changed after it was sealed"):
        render_json(sealed)


def test_a_report_sealed_just_before_is_written_as_any_other(report, tmp_path):
    """A command seals its report and writes it at once, and says so: the JSON writer does not hash the report a
    second time to check the seal, and writes the very bytes the checking writer writes."""
    sealed = seal(copy.deepcopy(report))
    checked = write_report(sealed, "json", tmp_path / "checked.json").read_bytes()
    now = write_report(sealed, "json", tmp_path / "now.json", sealed_now=True).read_bytes()
    assert now == checked == render(sealed, "json", sealed_now=True) == render(sealed, "json")
    assert verify(json.loads(now)).ok
    assert render(sealed, "csv", sealed_now=True) == render(sealed, "csv")


def _hostile(report: dict) -> dict:
    r = copy.deepcopy(report)
    t = next(t for t in r["tables"] if t["table"] == "customers")
    t["table"] = HOSTILE_TABLE
    t["columns"][2]["name"] = HOSTILE_COLUMN
    t["columns"][2]["entities"][0]["evidence"] = ["<b>1101</b>**********"]
    r["sources"][0]["error"] = "<iframe src=x>"
    return r


def test_html_escapes_untrusted_names_and_loads_nothing(report):
    html = RENDERERS["html"].render(_hostile(report)).decode("utf-8")
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<iframe" not in html.lower()
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "onerror=alert(1)&gt;" in html  # the text is shown, inert
    assert "<b>1101</b>" not in html
    assert not re.search(r"(?:src|href|url)\s*[=(]\s*['\"]?(?:https?:)?//", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_xlsx_keeps_formulas_as_text(report):
    from openpyxl import load_workbook

    data = RENDERERS["xlsx"].render(_hostile(report))
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    hostile = [c for c in cells if c.value.startswith("=")]
    assert hostile and all(c.data_type == "s" for c in hostile)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any(
            "<f>" in z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")
        )


def test_csv_is_excel_friendly_and_flat(report):
    data = RENDERERS["csv"].render(_hostile(report))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    found = [(r["table"], r["column"], r["entity_type"]) for r in rows]
    n_entities = sum(len(c["entities"]) for t in report["tables"] for c in t["columns"])
    assert len(rows) == n_entities  # one row per column x entity
    assert all(r["report_sha256"] == rows[0]["report_sha256"] for r in rows)
    hostile = [r for r in rows if r["column"].startswith("'=")]
    assert hostile and hostile[0]["table"].startswith("<script>")  # formula neutralised, text kept
    assert ("patients", "icd10_code", "ICD10_CODE") in found
    icd = next(r for r in rows if r["entity_type"] == "ICD10_CODE")
    assert icd["pi_class"] == "sensitive" and "健康医疗" in icd["categories"] and icd["entity_name_zh"]


def test_csv_lists_failed_tables(report):
    r = copy.deepcopy(report)
    r["tables"][1].update(status="error", error="orders: permission denied; grant SELECT")
    rows = list(csv.DictReader(io.StringIO(RENDERERS["csv"].render(r).decode("utf-8-sig"))))
    failed = [x for x in rows if x["table_status"] == "error"]
    assert failed and failed[0]["error"].startswith("orders: permission denied")


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_report_is_atomic(tmp_path, fmt, report):
    target = tmp_path / "out" / f"report{RENDERERS[fmt].extension}"
    write_report(report, fmt, target)
    first = target.read_bytes()
    assert first == RENDERERS[fmt].render(report)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temp file left behind


def test_check_decision_renders_on_top(report):
    check = _check_decision(report)
    table = RENDERERS["table"].render(check).decode("utf-8")  # the table chujing check prints
    assert table.splitlines()[3].startswith("Route: 标准合同备案或个人信息保护认证")
    assert all(f"{i['list']} item {i['item']} →" in table for i in check["items"])
    html = RENDERERS["html"].render(check).decode("utf-8")
    assert html.index('id="check"') < html.index('id="summary"') < html.index('id="tables"')
    assert "出境合规检查报告" in html and "clinical-trial" in html
    doc = json.loads(RENDERERS["json"].render(check))
    assert doc["route"] == check["route"] and doc["scan"]["schema"] == "chujing.report/1" and verify(doc).ok


def test_the_json_report_is_written_a_table_at_a_time_as_the_whole_document(report):
    """json_pieces serialises and validates each table on its own; joined, the pieces are the text of the
    whole report serialised at once."""
    sealed = seal(report)
    pieces = list(json_pieces(sealed))
    whole = json.dumps(ordered(sealed), ensure_ascii=False, indent=2, default=str) + "\n"
    assert "".join(pieces) == whole
    assert len(pieces) > len(sealed["tables"]) > 1
    assert (
        "".join(json_pieces({"schema": "x", "empty": [], "nested": {"a": [1, {}]}}, seal_missing=False))
        == json.dumps({"schema": "x", "empty": [], "nested": {"a": [1, {}]}}, indent=2) + "\n"
    )


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, -0.0, 1e16, 1e22, 5e-324, 0.0001, 1 / 3, 10**30], "b": {}, "c": [[]], "d": None},
        {"text": '\x00\x1f\x7f\b\f\n\r\t"\\/ \u2028 中文 \U0001f600', "ok": True, "no": False},
        {"small": 2.5e-05},  # pydantic-core writes 0.000025
        {"nan": float("nan"), "inf": [float("inf"), float("-inf")]},
        {"when": dt.datetime(2026, 12, 7, 5, 0), "on": dt.date(2026, 12, 7)},  # json's default=str
        {1: "number key", "t": (1, 2), "s": decimal.Decimal("1.50")},
    ],
    ids=["numbers", "strings", "small-float", "nan", "dates", "odd-types"],
)
def test_pretty_json_is_pythons_json_text(value):
    """The report's indented JSON is written by pydantic-core, and is the text Python's ``json`` writes, for
    plain JSON and for what pydantic-core would write otherwise (a float under 1e-4, dates, tuples, NaN)."""
    assert pretty_json(value) == json.dumps(value, ensure_ascii=False, indent=2, default=str)


def test_the_report_json_is_pythons_json_text(report):
    sealed = seal(copy.deepcopy(report))
    assert render_json(sealed) == json.dumps(ordered(sealed), ensure_ascii=False, indent=2) + "\n"
