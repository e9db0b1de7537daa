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

import copy
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


def _style_parts(name: str) -> dict[str, Any]:
    """The font, fill and alignment of each cell style the workbook uses, by name."""
    from openpyxl.styles import Alignment, Font, PatternFill

    parts: dict[str, dict[str, Any]] = {
        "head": {
            "font": Font(bold=True, color=_HEAD_FONT),
            "fill": PatternFill("solid", fgColor=_HEAD_FILL),
            "alignment": Alignment(wrap_text=True, vertical="center"),
        },
        "title": {"font": Font(bold=True, size=14)},
        "table": {"font": Font(bold=True, size=13)},
        "section": {"font": Font(bold=True, size=12)},
        "label": {"font": Font(bold=True)},
        "hint": {"font": Font(italic=True, color="5F6B7A")},
        "wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
        **{pi: {"fill": PatternFill("solid", fgColor=colour)} for pi, colour in _PI_FILLS.items()},
    }
    return parts[name]


class _Book:
    """A workbook written as a stream (openpyxl's write-only mode), and the cell styles its sheets share.

    The workbook of a 10,000-table scan has 10,000 table sheets: openpyxl's
    ordinary workbook holds every cell of them as an object until it saves
    (770 MB on top of the report for that scan); a streamed sheet is written
    out row after row and closed (250 MB, most of it the sheets' own objects,
    which openpyxl keeps until the save).  Setting a font or fill looks the
    style up among the workbook's by comparing style objects, a third of the
    time: each named style is looked up once, and its cells copy the result.
    """

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook(write_only=True)
        self._styles: dict[str, Any] = {}

    def sheet(self, title: str, widths: Sequence[int], *, freeze: str | None = None) -> _Sheet:
        return _Sheet(self, title, widths, freeze=freeze)

    def style(self, cell: Any, name: str) -> None:
        """Give ``cell`` the named style (:func:`_style_parts`)."""
        done = self._styles.get(name)
        if done is None:
            for part, value in _style_parts(name).items():
                setattr(cell, part, value)
            self._styles[name] = copy.copy(cell._style)  # the style's indices in the workbook's tables
        else:
            cell._style = copy.copy(done)  # as openpyxl copies a cell's style itself (WorksheetCopy)


class _Sheet:
    """A streamed worksheet: its column widths and frozen panes come first (they precede the rows in the
    file), then rows in order; closed when done, so that no sheet's file stays open until the save."""

    def __init__(self, book: _Book, title: str, widths: Sequence[int], *, freeze: str | None = None) -> None:
        from openpyxl.utils import get_column_letter

        self.book = book
        self.ws = book.wb.create_sheet(title)
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        if freeze:
            self.ws.freeze_panes = freeze
        self.written = 0  # rows appended so far: the next row's number is one more

    def cell(self, value: Any, style: str | None = None) -> Any:
        """What to append for ``value``: a string as a cell typed text (never a formula, whatever it starts
        with), a value with a named ``style`` as a styled cell, anything else as it is."""
        from openpyxl.cell import WriteOnlyCell

        if not isinstance(value, str) and style is None:
            return value
        cell = WriteOnlyCell(self.ws, value=_text(value))
        if isinstance(value, str):
            cell.data_type = "s"
        if style is not None:
            self.book.style(cell, style)
        return cell

    def append(self, values: Sequence[Any] = ()) -> int:
        """Append one row (cells or values) and return its number."""
        self.ws.append([self.cell(v) for v in values])
        self.written += 1
        return self.written

    def header(self, headers: Sequence[tuple[str, str]]) -> int:
        """Append the bilingual header row (Chinese over English, white on dark, 32 points high)."""
        self.ws.row_dimensions[self.written + 1].height = 32
        return self.append([self.cell(f"{zh}\n{en}", "head") for zh, en in headers])

    def rows(
        self,
        rows: Iterable[Sequence[Any]],
        *,
        pi_col: int | None = None,
        pi_values: Sequence[str | None] = (),
    ) -> int:
        """Append ``rows``, the cell in ``pi_col`` filled by the row's PI class; the last row's number."""
        for i, values in enumerate(rows):
            cells = list(values)
            if pi_col is not None and i < len(pi_values) and pi_values[i] in _PI_FILLS:
                cells[pi_col - 1] = self.cell(cells[pi_col - 1], pi_values[i])
            self.append(cells)
        return self.written

    def close(self) -> None:
        """Finish the sheet: its file is closed now, not held open until the workbook is saved."""
        self.ws.close()


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
    from openpyxl.packaging.custom import StringProperty

    check, scan = split_report(report)
    sha = digest(report)
    rows = field_rows(report)
    book = _Book()
    wb = book.wb
    taken: set[str] = set()
    _summary_sheet(book, report, sha, taken)
    _catalogue_sheet(book, sheet_title(CATALOGUE_SHEET, taken), rows)
    if list_evaluation(report) is not None:
        _items_sheet(book, sheet_title(ITEMS_SHEET, taken), report)
    by_table: dict[tuple[str, str | None, str], list[FieldRow]] = {}
    for r in rows:
        by_table.setdefault((r.source, r.schema, r.table), []).append(r)
    for t in scan.get("tables", []):
        cols = by_table.get((str(t.get("source", "")), t.get("schema"), str(t.get("table", ""))), [])
        _table_sheet(book, sheet_title(table_name(t), taken), t, cols)
    _evidence_sheet(book, sheet_title(EVIDENCE_SHEET, taken), scan, sha)
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


def _summary_sheet(book: _Book, report: dict[str, Any], sha: str, taken: set[str]) -> None:
    ws = book.sheet(sheet_title(SUMMARY_SHEET, taken), (34, 100, 60))
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
    ws.append([ws.cell("出境数据目录 Export data catalogue — chujing", "title")])
    ws.append(["Rendered from the JSON report below (SHA-256); raw values never appear, evidence is masked."])
    ws.append()
    for zh, en, value in lines:
        ws.append([ws.cell(f"{zh} {en}", "label"), ws.cell(value, "wrap")])
    ws.append()
    ws.append([ws.cell("申报信息（请填写） Filing declaration (fill in)", "section")])
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
        ws.append([ws.cell(f"{zh} {en}", "label"), value, ws.cell(hint, "hint")])
    ws.close()


def _catalogue_sheet(book: _Book, title: str, rows: list[FieldRow]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = book.sheet(title, [w for *_, w in CATALOGUE_COLUMNS], freeze="E2")
    ws.header([(zh, en) for _, zh, en, _ in CATALOGUE_COLUMNS])
    pi_col = 1 + [k for k, *_ in CATALOGUE_COLUMNS].index("pi_class")
    end = ws.rows((catalogue_values(r) for r in rows), pi_col=pi_col, pi_values=[r.pi_class for r in rows])
    ws.ws.auto_filter.ref = f"A1:{get_column_letter(len(CATALOGUE_COLUMNS))}{max(2, end)}"
    ws.ws.print_title_rows = "1:1"
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(PI_CLASS_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="个人信息类别 PI class",
        error="敏感个人信息 sensitive / 一般个人信息 general / 非个人信息 none",
    )
    letter = get_column_letter(pi_col)
    dv.add(f"{letter}2:{letter}{max(2, end) + 500}")
    ws.ws.data_validations.append(dv)
    ws.close()


def _items_sheet(book: _Book, title: str, report: dict[str, Any]) -> None:
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
    ws = book.sheet(title, [w for *_, w in headers], freeze="A2")
    ws.header([(zh, en) for zh, en, _ in headers])
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
    ws.rows(rows)
    ws.close()


def _table_sheet(book: _Book, title: str, t: dict[str, Any], cols: list[FieldRow]) -> None:

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
    ws = book.sheet(title, [w for *_, w in headers], freeze="B4")
    ws.append([ws.cell(table_name(t), "table")])
    rows_txt = "?" if t.get("row_count") is None else f"{t['row_count']:,}"
    status = "" if t.get("status") == "ok" else f" — FAILED: {t.get('error') or ''}"
    ws.append(
        [
            f"{t.get('source')} · {t.get('kind', 'table')} · {rows_txt} rows · "
            f"{int(t.get('sampled_rows') or 0):,} sampled{status}"
        ]
    )
    ws.header([(zh, en) for zh, en, _ in headers])
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
    ws.ws.print_title_rows = "3:3"
    ws.rows(rows, pi_col=4, pi_values=pis)
    ws.close()


def _evidence_sheet(book: _Book, title: str, scan: dict[str, Any], sha: str) -> None:

    headers = [
        ("表名", "Table", 30),
        ("数据源", "Source", 40),
        ("行数", "Rows", 12),
        ("指纹项", "Fingerprint key", 18),
        ("指纹值", "Fingerprint value", 80),
    ]
    ws = book.sheet(title, [w for *_, w in headers], freeze="A5")
    ws.append([ws.cell("报告 SHA-256 Report SHA-256", "label"), sha])
    ws.append([ws.cell("规范化方法 Canonicalization", "label"), CANONICALIZATION])
    ws.append()
    ws.header([(zh, en) for zh, en, _ in headers])
    rows = []
    for t in scan.get("tables", []):
        fp = t.get("fingerprint") or {}
        items = [(k, v) for k, v in fp.items() if not isinstance(v, (list, dict))] or [("—", "not recorded")]
        for k, v in items:
            rows.append([table_name(t), t.get("source"), t.get("row_count"), k, v if v is None else str(v)])
    ws.rows(rows)
    ws.close()
