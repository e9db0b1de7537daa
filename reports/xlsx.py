"""The XLSX renderer: the export data catalogue (出境数据目录) a filing can start from.

Jiangsu Art. 12 asks a handler using the negative list to report its export
"including the catalogue of exported data and the scale of exported data".  This
workbook is that catalogue, pre-filled from the scan:

* ``摘要 Summary`` — what was scanned, the route, the report's SHA-256, and a
  *filing declaration* block (recipient, scenario, declared persons) for people
  to complete;
* ``出境数据目录 Catalogue`` — one row per field: table, field, PI class, entity
  types, category in Chinese and English, persons, list items and route;
* ``负面清单 List items`` — the items hit, with their reasons;
* one sheet per table, with scores, masked evidence and reasons;
* ``证据 Evidence`` — parameters, catalogue texts and source fingerprints.

Headers are Chinese with English below; rows are frozen under them, columns
sized, the PI-class column validated against a list.  :mod:`reports.filing`
reads the catalogue sheet back after people have edited it (headers matched by
either language).  Every string is written as a string — a column named
``=HYPERLINK(...)`` stays text, not a formula.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from reports.integrity import CANONICALIZATION, digest
from reports.view import (
    FieldRow,
    candidate_label,
    category_key,
    category_label,
    entity_names,
    field_rows,
    important_data_candidates,
    list_evaluation,
    list_hits,
    persons_shown,
    report_counts,
    route_label,
    split_report,
    table_name,
)

#: The catalogue sheet's columns: (key, Chinese header, English header, width).
CATALOGUE_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("source", "数据源", "Source", 28),
    ("schema", "模式", "Schema", 10),
    ("table", "表名", "Table", 24),
    ("field", "字段名", "Field", 22),
    ("type", "字段类型", "Type", 11),
    ("pi_class", "个人信息类别", "PI class", 20),
    ("entities", "实体类型", "Entity types", 24),
    ("entity_names", "实体名称", "Entity names", 28),
    ("category_code", "类别代码", "Category code", 10),
    ("category_zh", "数据类别", "Category", 16),
    ("category_en", "数据类别（英文）", "Category (English)", 20),
    ("persons", "涉及人数", "Persons", 11),
    ("persons_basis", "人数依据", "Persons basis", 20),
    ("list_items", "负面清单条目", "List items", 24),
    ("route", "出境路径", "Route", 30),
    ("evidence", "证据（已脱敏）", "Masked evidence", 30),
    ("match_ratio", "匹配率", "Match ratio", 9),
    ("notes", "备注", "Notes", 30),
)
PI_CLASS_CELL = {"sensitive": "敏感个人信息 sensitive", "general": "一般个人信息 general", None: ""}
PI_CLASS_CHOICES = ("敏感个人信息 sensitive", "一般个人信息 general", "非个人信息 none")
#: Labels of the filing-declaration block on the summary sheet: (key, Chinese, English).
DECLARATION_ROWS = (
    ("recipient", "境外接收方", "Overseas recipient"),
    ("scenario", "业务场景", "Business scenario"),
    ("persons", "申报规模（人）", "Declared persons"),
    ("persons_sensitive", "其中敏感个人信息（人）", "of whom with sensitive PI"),
)
SUMMARY_SHEET = "摘要 Summary"
CATALOGUE_SHEET = "出境数据目录 Catalogue"
ITEMS_SHEET = "负面清单 List items"
EVIDENCE_SHEET = "证据 Evidence"
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEAD_FILL, _HEAD_FONT = "14263A", "FFFFFF"
_PI_FILLS = {"sensitive": "FDE2E2", "general": "E1ECFA"}


def _text(value: Any) -> Any:
    """Cell-safe value: control characters replaced, everything else as is."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _put(ws, row: int, col: int, value: Any):
    cell = ws.cell(row=row, column=col, value=_text(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name for ``name``: ≤ 31 characters, none of []:*?/\\, unique (case-insensitively).

    >>> taken = set()
    >>> sheet_title("a/b:c", taken), sheet_title("A/B:C", taken), sheet_title("x" * 40, taken)
    ('a_b_c', 'A_B_C~2', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')
    """
    base = _FORBIDDEN.sub("_", name).strip().strip("'") or "table"
    if base.casefold() == "history":  # reserved by Excel
        base = "history_"
    base = base[:31]
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f"~{n}"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _header(ws, row: int, headers: Sequence[tuple[str, str, int]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for i, (zh, en, w) in enumerate(headers, start=1):
        c = _put(ws, row, i, f"{zh}\n{en}")
        c.font = Font(bold=True, color=_HEAD_FONT)
        c.fill = PatternFill("solid", fgColor=_HEAD_FILL)
        c.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[row].height = 32


def _rows(
    ws,
    start: int,
    rows: Iterable[Sequence[Any]],
    *,
    pi_col: int | None = None,
    pi_values: Sequence[str | None] = (),
) -> int:
    from openpyxl.styles import PatternFill

    r = start
    fills = {k: PatternFill("solid", fgColor=v) for k, v in _PI_FILLS.items()}
    for i, values in enumerate(rows):
        for j, v in enumerate(values, start=1):
            _put(ws, r, j, v)
        if pi_col is not None and i < len(pi_values) and pi_values[i] in _PI_FILLS:
            ws.cell(row=r, column=pi_col).fill = fills[pi_values[i]]
        r += 1
    return r


def _entity_types(r: FieldRow) -> str:
    return "; ".join(e.get("type", "") for e in r.entities)


def _entity_names(r: FieldRow) -> str:
    return "; ".join("{} ({})".format(*entity_names(e.get("type", ""))) for e in r.entities)


def _evidence(r: FieldRow) -> str:
    return " | ".join(v for e in r.entities for v in (e.get("evidence") or [])[:3])


def _ratio(r: FieldRow) -> float | None:
    ratios = [e.get("match_ratio") for e in r.entities if isinstance(e.get("match_ratio"), (int, float))]
    return round(max(ratios), 4) if ratios else None


def catalogue_values(r: FieldRow) -> list[Any]:
    """One catalogue row, in :data:`CATALOGUE_COLUMNS` order."""
    return [
        r.source,
        r.schema or "",
        r.table,
        r.field,
        r.type,
        PI_CLASS_CELL.get(r.pi_class, r.pi_class or ""),
        _entity_types(r),
        _entity_names(r),
        "; ".join(str(c.get("code", "")) for c in r.categories),
        "; ".join(str(c.get("name", "")) for c in r.categories),
        "; ".join(str(c.get("name_en", "")) for c in r.categories),
        r.persons,
        r.persons_basis,
        "; ".join(r.item_labels),
        route_label(r.route) if r.route else "",
        _evidence(r),
        _ratio(r),
        "",
    ]


def render_xlsx(report: dict[str, Any]) -> bytes:
    """The workbook as bytes (deterministic for a given report: timestamps come from the report)."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    check, scan = split_report(report)
    sha = digest(report)
    rows = field_rows(report)
    wb = Workbook()
    taken: set[str] = set()
    _summary_sheet(wb.active, report, sha, taken)
    _catalogue_sheet(wb.create_sheet(sheet_title(CATALOGUE_SHEET, taken)), rows)
    if list_evaluation(report) is not None:
        _items_sheet(wb.create_sheet(sheet_title(ITEMS_SHEET, taken)), report)
    by_table: dict[tuple[str, str | None, str], list[FieldRow]] = {}
    for r in rows:
        by_table.setdefault((r.source, r.schema, r.table), []).append(r)
    for t in scan.get("tables", []):
        cols = by_table.get((str(t.get("source", "")), t.get("schema"), str(t.get("table", ""))), [])
        _table_sheet(wb.create_sheet(sheet_title(table_name(t), taken)), t, cols)
    _evidence_sheet(wb.create_sheet(sheet_title(EVIDENCE_SHEET, taken)), scan, sha)
    when = _timestamp(scan.get("finished_at") or scan.get("started_at"))
    props = wb.properties
    props.creator = props.lastModifiedBy = "chujing"
    props.title = "出境数据目录 Export data catalogue"
    props.subject = f"chujing report SHA-256 {sha}"
    props.keywords = f"chujing; sha256:{sha}"
    props.description = (
        f"Rendered from the chujing JSON report whose canonical SHA-256 is {sha} ({CANONICALIZATION})."
    )
    props.created = props.modified = when
    wb.custom_doc_props.append(StringProperty(name="chujing_report_sha256", value=sha))
    wb.custom_doc_props.append(StringProperty(name="chujing_check", value="yes" if check else "no"))
    buf = io.BytesIO()
    wb.save(buf)
    return _stamp(buf.getvalue(), when)


def _stamp(data: bytes, when: _dt.datetime) -> bytes:
    """The same zip with every member dated ``when``: the same report gives the same bytes."""
    out = io.BytesIO()
    stamp = (max(1980, when.year), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl dates dcterms:modified at save time, whatever the properties say.
                body = _MODIFIED.sub(
                    lambda m: m.group(1) + when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + m.group(2), body
                )
            dst.writestr(member, body)
    return out.getvalue()


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _timestamp(text: str | None) -> _dt.datetime:
    try:
        return _dt.datetime.fromisoformat(str(text).replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return _dt.datetime(2000, 1, 1)


def _summary_sheet(ws, report: dict[str, Any], sha: str, taken: set[str]) -> None:
    from openpyxl.styles import Alignment, Font

    ws.title = sheet_title(SUMMARY_SHEET, taken)
    check, scan = split_report(report)
    c = report_counts(report)
    tool = scan.get("tool", {})
    cat = scan.get("catalog") or {}
    ev = list_evaluation(report) or {}
    cats: dict[tuple[str, str], str] = {}
    for t in scan.get("tables", []):
        for col in t.get("columns", []):
            for x in col.get("categories") or []:
                cats.setdefault(category_key(x), category_label(x))
    seal_ = report.get("integrity") if isinstance(report.get("integrity"), dict) else {}
    persons = persons_shown(report)
    imp = scan.get("important_data") if isinstance(scan.get("important_data"), dict) else {}
    candidates = important_data_candidates(report)
    lines: list[tuple[str, str, Any]] = []
    if check is not None:
        lines.append(("检查结论", "Check decision", route_label(check.get("route"))))
    lines += [
        ("工具版本", "Tool version", f"{tool.get('name', 'chujing')} {tool.get('version', '')}"),
        ("扫描开始", "Scan started", scan.get("started_at", "")),
        ("扫描结束", "Scan finished", scan.get("finished_at", "")),
        ("报告 SHA-256", "Report SHA-256", sha),
        ("规范化方法", "Canonicalization", CANONICALIZATION),
        (
            "签名",
            "Signed",
            "yes (HMAC-SHA-256)" if seal_.get("signed") and seal_.get("sha256") == sha else "no",
        ),
        ("数据源", "Sources", f"{c['sources']} ({c['sources_failed']} failed)"),
        ("数据表", "Tables", f"{c['tables']} ({c['tables_failed']} failed, {c['tables_with_pi']} with PI)"),
        ("字段", "Columns", f"{c['columns']} scanned, {c['columns_with_findings']} with findings"),
        ("敏感个人信息字段", "Sensitive PI columns", c["sensitive_columns"]),
        ("一般个人信息字段", "General PI columns", c["general_columns"]),
        ("数据类别", "Categories", "; ".join(cats.values()) or "—"),
        (
            "负面清单条目",
            "List items",
            "; ".join(f"{h.get('list')} #{h.get('item')} → {h.get('route')}" for h in list_hits(report))
            or "—",
        ),
        ("出境路径", "Route", route_label(c["route"])),
        ("涉及人数", "Persons", persons.count),
        ("人数依据", "Persons basis", f"{persons.basis_label}: {persons.derivation}"),
        ("敏感个人信息涉及人数", "Persons with sensitive PI", persons.sensitive),
        ("重要数据", "Important data", imp.get("status", "—")),
        (
            "候选重要数据",
            "Candidate important data",
            "; ".join(candidate_label(c) for c in candidates) or "—",
        ),
    ]
    if persons.total is not None:
        lines.insert(
            lines.index(("涉及人数", "Persons", persons.count)) + 1,
            ("自当年1月1日起累计（人）", "Persons since 1 January", persons.total),
        )
    rr = cat.get("reference_rule")
    if isinstance(rr, dict):
        lines.append(
            ("参考规则", "Reference rule", f"{rr.get('id')} {rr.get('version')} sha256:{rr.get('sha256')}")
        )
    for x in cat.get("lists") or []:
        lines.append(
            ("负面清单", "Negative list", f"{x.get('id')} {x.get('version')} sha256:{x.get('sha256')}")
        )
    params = scan.get("parameters") or {}
    lines.append(("抽样参数", "Sampling parameters", ", ".join(f"{k}={v}" for k, v in params.items()) or "—"))
    _put(ws, 1, 1, "出境数据目录 Export data catalogue — chujing").font = Font(bold=True, size=14)
    _put(
        ws,
        2,
        1,
        "Rendered from the JSON report below (SHA-256); raw values never appear, evidence is masked.",
    )
    r = 4
    for zh, en, value in lines:
        _put(ws, r, 1, f"{zh} {en}").font = Font(bold=True)
        _put(ws, r, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
        r += 1
    r += 1
    _put(ws, r, 1, "申报信息（请填写） Filing declaration (fill in)").font = Font(bold=True, size=12)
    r += 1
    hint = f"pre-filled with the report's person figure ({persons.basis_label}: {persons.derivation})"
    if persons.basis != "distinct_persons":
        hint += "; replace it with the de-duplicated count of natural persons (以自然人为单位去重)"
    prefill = {
        "persons": (persons.count, hint),
        "persons_sensitive": (persons.sensitive, hint),
        "scenario": (ev.get("scenario") or "", "scenario id or name, e.g. clinical-trial 临床试验"),
        "recipient": ("", "name and country of the overseas recipient"),
    }
    for key, zh, en in DECLARATION_ROWS:
        value, hint = prefill[key]
        _put(ws, r, 1, f"{zh} {en}").font = Font(bold=True)
        _put(ws, r, 2, value)
        _put(ws, r, 3, hint).font = Font(italic=True, color="5F6B7A")
        r += 1
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    ws.column_dimensions["C"].width = 60


def _catalogue_sheet(ws, rows: list[FieldRow]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    _header(ws, 1, [(zh, en, w) for _, zh, en, w in CATALOGUE_COLUMNS])
    pi_col = 1 + [k for k, *_ in CATALOGUE_COLUMNS].index("pi_class")
    end = _rows(
        ws, 2, (catalogue_values(r) for r in rows), pi_col=pi_col, pi_values=[r.pi_class for r in rows]
    )
    ws.freeze_panes = "E2"
    ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(CATALOGUE_COLUMNS)).column_letter}{max(2, end - 1)}"
    ws.print_title_rows = "1:1"
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(PI_CLASS_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="个人信息类别 PI class",
        error="敏感个人信息 sensitive / 一般个人信息 general / 非个人信息 none",
    )
    letter = ws.cell(row=1, column=pi_col).column_letter
    dv.add(f"{letter}2:{letter}{max(2, end - 1) + 500}")
    ws.add_data_validation(dv)


def _items_sheet(ws, report: dict[str, Any]) -> None:
    headers = [
        ("清单", "List", 24),
        ("条目", "Item", 7),
        ("层级", "Tier", 7),
        ("出境路径", "Route", 34),
        ("数据类型", "Data kind", 18),
        ("条目内容", "Item text", 50),
        ("条目（英文）", "Item (English)", 50),
        ("人数", "Persons", 10),
        ("理由", "Reason", 90),
    ]
    _header(ws, 1, headers)
    rows = []
    for h in list_hits(report):
        p = h.get("persons") if isinstance(h.get("persons"), dict) else {}
        rows.append(
            [
                h.get("list"),
                h.get("item"),
                h.get("tier"),
                route_label(h.get("route")),
                h.get("data_kind"),
                h.get("name"),
                h.get("name_en"),
                p.get("total"),
                h.get("reason"),
            ]
        )
    _rows(ws, 2, rows)
    ws.freeze_panes = "A2"


def _table_sheet(ws, t: dict[str, Any], cols: list[FieldRow]) -> None:
    from openpyxl.styles import Font

    _put(ws, 1, 1, table_name(t)).font = Font(bold=True, size=13)
    rows_txt = "?" if t.get("row_count") is None else f"{t['row_count']:,}"
    status = "" if t.get("status") == "ok" else f" — FAILED: {t.get('error') or ''}"
    _put(
        ws,
        2,
        1,
        f"{t.get('source')} · {t.get('kind', 'table')} · {rows_txt} rows · "
        f"{int(t.get('sampled_rows') or 0):,} sampled{status}",
    )
    headers = [
        ("字段名", "Field", 22),
        ("字段类型", "Type", 11),
        ("非空（样本）", "Non-null (sample)", 10),
        ("个人信息类别", "PI class", 20),
        ("实体类型", "Entity type", 20),
        ("实体名称", "Entity name", 26),
        ("评分", "Score", 7),
        ("匹配率", "Match ratio", 9),
        ("数据类别", "Category", 22),
        ("证据（已脱敏）", "Masked evidence", 34),
        ("负面清单条目", "List items", 22),
        ("出境路径", "Route", 26),
        ("说明", "Explanation", 70),
    ]
    _header(ws, 3, headers)
    rows, pis = [], []
    for c in cols:
        ents = c.entities or [{}]
        for e in ents:
            rows.append(
                [
                    c.field,
                    c.type,
                    c.non_null,
                    PI_CLASS_CELL.get(c.pi_class, ""),
                    e.get("type", ""),
                    "{} ({})".format(*entity_names(e["type"])) if e.get("type") else "",
                    e.get("score"),
                    e.get("match_ratio"),
                    "; ".join(category_label(x) for x in c.categories),
                    " | ".join(e.get("evidence") or []),
                    "; ".join(c.item_labels),
                    route_label(c.route) if c.route else "",
                    "; ".join(x for x in [e.get("explanation"), c.pi_basis] if x),
                ]
            )
            pis.append(c.pi_class)
    _rows(ws, 4, rows, pi_col=4, pi_values=pis)
    ws.freeze_panes = "B4"
    ws.print_title_rows = "3:3"


def _evidence_sheet(ws, scan: dict[str, Any], sha: str) -> None:
    from openpyxl.styles import Font

    _put(ws, 1, 1, "报告 SHA-256 Report SHA-256").font = Font(bold=True)
    _put(ws, 1, 2, sha)
    _put(ws, 2, 1, "规范化方法 Canonicalization").font = Font(bold=True)
    _put(ws, 2, 2, CANONICALIZATION)
    headers = [
        ("表名", "Table", 30),
        ("数据源", "Source", 40),
        ("行数", "Rows", 12),
        ("指纹项", "Fingerprint key", 18),
        ("指纹值", "Fingerprint value", 80),
    ]
    _header(ws, 4, headers)
    rows = []
    for t in scan.get("tables", []):
        fp = t.get("fingerprint") or {}
        items = [(k, v) for k, v in fp.items() if not isinstance(v, (list, dict))] or [("—", "not recorded")]
        for k, v in items:
            rows.append([table_name(t), t.get("source"), t.get("row_count"), k, v if v is None else str(v)])
    _rows(ws, 5, rows)
    ws.freeze_panes = "A5"
