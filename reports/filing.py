"""Read a filing: what a handler declared it exports (fields, categories, scale, recipient).

Jiangsu Art. 12 has a handler using the negative list report "the export
business scenario, the catalogue of exported data, the scale of exported data,
and the overseas recipient"; Art. 14 has the authorities spot-check the actual
export against those filing materials.  :func:`load_filing` reads the filing
side of that check from any of:

* **the XLSX catalogue** chujing writes (``--format xlsx``), after people have
  edited it: the catalogue sheet is found by name (目录 / catalog) or by its
  header row; headers are matched in Chinese or English, in any order, with
  extra columns, blank lines, notes and repeated-table-name cells left empty
  tolerated; the filing-declaration block of the summary sheet gives the
  recipient, scenario and declared persons;
* **YAML or JSON**::

      recipient: Example Pharma GmbH
      scenario: clinical-trial
      persons: 20000                 # or {total: 20000, sensitive: 2000}
      categories: ["22"]             # codes or names (银行 / Banking)
      fields:
        - {table: trial_subjects, field: sfzh, pi_class: sensitive, entities: [CN_RESIDENT_ID]}
        - {table: trial_subjects, field: visit_date}
      tables:                        # the same, grouped by table
        - {table: healthcare_professionals, fields: [hcp_code, {field: mobile, pi_class: general}]}

  Keys may be the Chinese headers (表名, 字段名, 个人信息类别 …) as well.

A blank PI class declares the field holds no personal information.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from connectors.errors import ChujingError
from connectors.uri import mask_uri, source_identity

FILING_SCHEMA = "chujing.filing/1"


class FilingError(ChujingError, ValueError):
    """A filing that cannot be read; the message is one line naming the file and what to do."""


# --- header and key aliases ---------------------------------------------------------------------------

ALIASES: dict[str, tuple[str, ...]] = {
    "source": ("数据源", "来源", "source", "sourceuri", "uri"),
    "schema": ("模式", "库", "数据库", "schema", "database"),
    "table": ("表名", "表", "数据表", "表格", "table", "tablename"),
    "field": ("字段名", "字段", "列名", "列", "field", "fieldname", "column", "columnname"),
    "type": ("字段类型", "类型", "数据类型", "type", "datatype"),
    "pi_class": (
        "个人信息类别",
        "个人信息分类",
        "个人信息类型",
        "敏感程度",
        "敏感级别",
        "piclass",
        "pi",
        "personalinformationclass",
        "personalinformation",
    ),
    "entities": ("实体类型", "实体", "entitytypes", "entitytype", "entities"),
    "entity_names": ("实体名称", "entitynames", "entityname"),
    "category_code": (
        "类别代码",
        "类别编码",
        "分类编码",
        "分类代码",
        "categorycode",
        "categorycodes",
        "code",
    ),
    "category_zh": ("数据类别", "类别", "分类", "数据分类", "category", "categories"),
    "category_en": ("数据类别英文", "类别英文", "categoryenglish", "categoryen"),
    "persons": ("涉及人数", "人数", "规模", "数据规模", "persons", "personcount", "count"),
    "persons_basis": ("人数依据", "personsbasis"),
    "list_items": ("负面清单条目", "清单条目", "listitems", "listitem"),
    "route": ("出境路径", "路径", "route"),
    "fields": ("出境数据目录", "数据目录", "目录", "字段列表", "fields", "catalogue", "catalog", "columns"),
    "tables": ("数据表列表", "tables"),
    "recipient": ("境外接收方", "接收方", "recipient", "overseasrecipient"),
    "scenario": ("业务场景", "出境场景", "场景", "scenario", "businessscenario"),
    "persons_sensitive": (
        "其中敏感个人信息",
        "敏感个人信息人数",
        "其中敏感个人信息人",
        "personssensitive",
        "sensitivepersons",
        "ofwhomwithsensitivepi",
        "sensitive",
    ),
    "declared_persons": (
        "申报规模",
        "申报规模人",
        "申报人数",
        "出境数据规模",
        "declaredpersons",
        "declaredscale",
        "total",
        "any",
    ),
}
_INDEX = {a: k for k, aliases in ALIASES.items() for a in aliases}
_PUNCT = re.compile(r"[\s\-_:：/|,，、.。;；'\"`]+|[()（）\[\]【】{}<>《》「」]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z0-9]+")


def norm(text: Any) -> str:
    """Header text reduced for matching: case-folded, without spaces or punctuation.

    >>> norm("数据类别（英文）\\nCategory (English)")
    '数据类别英文categoryenglish'
    """
    return _PUNCT.sub("", str(text or "")).casefold()


def header_key(text: Any) -> str | None:
    """Which catalogue column a header names, in Chinese, English or both.

    >>> [header_key(h) for h in ["表名\\nTable", "Field", "字段类型", "Category code", "数据类别（英文）", "PI class"]]
    ['table', 'field', 'type', 'category_code', 'category_en', 'pi_class']
    >>> header_key("Category (English)"), header_key("数据类别\\nCategory"), header_key("备注 Notes")
    ('category_en', 'category_zh', None)
    """
    raw = str(text or "")
    full = norm(raw)
    if not full:
        return None
    zh = "".join(_CJK.findall(raw))
    latin = "".join(_LATIN.findall(raw)).casefold()
    for cand in (full, zh, latin):
        if cand and cand in _INDEX:
            return _INDEX[cand]
    tokens = [t.casefold() for t in _CJK.findall(raw) + _LATIN.findall(raw)]
    if {"英文", "english", "en"} & set(tokens) and any(_INDEX.get(t) == "category_zh" for t in tokens):
        return "category_en"
    for t in tokens:
        if t in _INDEX:
            return _INDEX[t]
    return None


# --- the filing ---------------------------------------------------------------------------------------


@dataclass
class DeclaredField:
    table: str
    field: str | None  # None: the table is declared, its fields are not listed
    schema: str | None = None
    source: str | None = None
    pi_class: str | None = None
    entity_types: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()  # normalised codes and names
    persons: int | None = None
    origin: str = ""  # where in the filing, for messages ("catalogue row 12")

    def to_dict(self) -> dict[str, Any]:
        # A hand-written filing may carry a database password in its source: it must not reach a result.
        return {
            "table": self.table,
            "field": self.field,
            "schema": self.schema,
            "source": mask_uri(self.source) if self.source else None,
            "pi_class": self.pi_class,
            "entity_types": sorted(self.entity_types),
            "categories": sorted(self.categories),
            "persons": self.persons,
            "origin": self.origin,
        }


@dataclass
class Filing:
    path: str
    fields: list[DeclaredField] = field(default_factory=list)
    categories: frozenset[str] = frozenset()
    persons: int | None = None
    persons_sensitive: int | None = None
    recipient: str | None = None
    scenario: str | None = None
    format: str = "yaml"

    @property
    def declared_categories(self) -> frozenset[str]:
        out = set(self.categories)
        for f in self.fields:
            out |= f.categories
        return frozenset(out)

    def tables(self) -> list[tuple[str | None, str | None, str]]:
        """Declared tables as (source, schema, table), in filing order, as first spelled.

        A source written two ways (``./lake/`` and its absolute path) is one
        source, so its table is counted once.
        """
        out: dict[tuple[str | None, str | None, str], tuple[str | None, str | None, str]] = {}
        for f in self.fields:
            out.setdefault(
                (source_identity(f.source) if f.source else None, f.schema, f.table),
                (f.source, f.schema, f.table),
            )
        return list(out.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": FILING_SCHEMA,
            "path": self.path,
            "format": self.format,
            "recipient": self.recipient,
            "scenario": self.scenario,
            "persons": self.persons,
            "persons_sensitive": self.persons_sensitive,
            "categories": sorted(self.declared_categories),
            "tables": len(self.tables()),
            "fields": [f.to_dict() for f in self.fields],
        }


def parse_pi_class(value: Any) -> str | None:
    """``sensitive``, ``general`` or ``None`` from whatever a person typed.

    >>> [parse_pi_class(v) for v in ["敏感个人信息 sensitive", "一般", "General PI", "非敏感", "非个人信息 none", "", None]]
    ['sensitive', 'general', 'general', 'general', None, None, None]
    """
    s = norm(value)
    if not s or s in {
        "none",
        "no",
        "n",
        "否",
        "无",
        "非个人信息",
        "非个人信息none",
        "nopi",
        "notpi",
        "na",
        "-",
    }:
        return None
    if "非敏感" in s or "nonsensitive" in s or "notsensitive" in s:
        return "general"
    if "敏感" in s or "sensitive" in s or s in {"spi", "s"}:
        return "sensitive"
    if "一般" in s or "general" in s or s in {"pi", "g", "个人信息", "yes", "是"}:
        return "general"
    if "非" in s or "none" in s:
        return None
    raise FilingError(
        f"PI class {value!r} is not one of 敏感个人信息 sensitive / 一般个人信息 general / 非个人信息 none"
    )


_UNITS = {"万": 10_000, "亿": 100_000_000, "k": 1_000, "m": 1_000_000, "千": 1_000, "百万": 1_000_000}


def parse_count(value: Any) -> int | None:
    """A person count from a number or text such as ``"12,000"``, ``"1.2万"`` or ``"5k"``.

    >>> [parse_count(v) for v in [5000, 5000.0, "12,000", "1.2万", "5k", " ", None, "约 3 万人"]]
    [5000, 5000, 12000, 12000, 5000, None, None, 30000]
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    s = str(value).replace(",", "").replace("，", "").replace(" ", "").casefold()
    m = re.search(r"(\d+(?:\.\d+)?)(百万|万|亿|千|k|m)?", s)
    if not m:
        if s:
            raise FilingError(f"{value!r} is not a number of persons")
        return None
    return int(round(float(m.group(1)) * _UNITS.get(m.group(2) or "", 1)))


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in re.split(r"[;；,，、|\n]+", str(value)) if p.strip()]


def category_tokens(*values: Any) -> frozenset[str]:
    """Declared categories as normalised tokens (codes, Chinese and English names)."""
    out = set()
    for v in values:
        items = v if isinstance(v, (list, tuple)) else [v]
        for item in items:
            if isinstance(item, dict):
                out |= {norm(item.get(k)) for k in ("code", "name", "name_en") if item.get(k) is not None}
            else:
                for part in _split(item):
                    out.add(norm(part))
                    m = re.match(r"^\s*(\d+)\s+(.+?)\s*(?:\((.+)\))?\s*$", part)  # "22 银行 (Banking)"
                    if m:
                        out |= {norm(g) for g in m.groups() if g}
    return frozenset(t for t in out if t)


def _entity_tokens(value: Any) -> frozenset[str]:
    return frozenset(p.strip().upper() for p in _split(value) if re.fullmatch(r"[A-Za-z0-9_]+", p.strip()))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def _declared(rec: dict[str, Any], origin: str, table: str | None = None) -> DeclaredField:
    tname = _text(rec.get("table")) or table
    if not tname:
        raise FilingError(f"{origin}: a field without a table name")
    return DeclaredField(
        table=tname,
        field=_text(rec.get("field")),
        schema=_text(rec.get("schema")),
        source=_text(rec.get("source")),
        pi_class=parse_pi_class(rec.get("pi_class")),
        entity_types=_entity_tokens(rec.get("entities")),
        categories=category_tokens(rec.get("category_code"), rec.get("category_zh"), rec.get("category_en")),
        persons=parse_count(rec.get("persons")),
        origin=origin,
    )


# --- YAML / JSON --------------------------------------------------------------------------------------


def _keys(d: dict[str, Any]) -> dict[str, Any]:
    """A mapping with its keys translated to canonical names (unknown keys kept, normalised)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = _INDEX.get(norm(k)) or header_key(k) or norm(k)
        if norm(k) == "name":
            key = "name"
        out.setdefault(key, v)
    return out


def _from_mapping(doc: Any, path: str, fmt: str) -> Filing:
    if not isinstance(doc, dict):
        raise FilingError(
            f"{path}: a filing must be a mapping with 'fields' (or 'tables'), not {type(doc).__name__}"
        )
    d = _keys(doc)
    filing = Filing(
        path=path, format=fmt, recipient=_text(d.get("recipient")), scenario=_text(d.get("scenario"))
    )
    persons = d.get("persons", d.get("declared_persons"))
    if isinstance(persons, dict):
        p = _keys(persons)
        filing.persons = parse_count(p.get("declared_persons", p.get("persons")))
        filing.persons_sensitive = parse_count(p.get("persons_sensitive"))
    else:
        filing.persons = parse_count(persons)
    if d.get("persons_sensitive") is not None:
        filing.persons_sensitive = parse_count(d.get("persons_sensitive"))
    filing.categories = category_tokens(d.get("category_zh"), d.get("category_code"), d.get("category_en"))
    for i, rec in enumerate(d.get("fields") or [], start=1):
        if not isinstance(rec, dict):
            raise FilingError(f"{path}: fields[{i}] must be a mapping with table and field")
        r = _keys(rec)
        r.setdefault("field", r.get("name"))
        filing.fields.append(_declared(r, f"{path} fields[{i}]"))
    tables = d.get("tables") or []
    if isinstance(tables, dict):
        tables = [{"table": k, **(v if isinstance(v, dict) else {"fields": v})} for k, v in tables.items()]
    for i, t in enumerate(tables, start=1):
        if not isinstance(t, dict):
            raise FilingError(f"{path}: tables[{i}] must be a mapping with a table name and fields")
        tr = _keys(t)
        tname = _text(tr.get("table") or tr.get("name"))
        if not tname:
            raise FilingError(f"{path}: tables[{i}] has no table name")
        base = {k: tr.get(k) for k in ("schema", "source")}
        fields = tr.get("fields") or []
        if not fields:
            filing.fields.append(_declared({**base, "table": tname}, f"{path} tables[{i}]"))
        for j, f in enumerate(fields, start=1):
            r = {"field": f} if not isinstance(f, dict) else _keys(f)
            r.setdefault("field", r.get("name"))
            filing.fields.append(_declared({**base, **r, "table": tname}, f"{path} tables[{i}].fields[{j}]"))
    if not filing.fields:
        raise FilingError(f"{path}: the filing declares no fields (give 'fields' or 'tables')")
    return filing


# --- XLSX ---------------------------------------------------------------------------------------------


def _header_row(ws, max_scan: int = 15) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=max_scan, values_only=True), start=1):
        cols: dict[str, int] = {}
        for i, v in enumerate(row):
            k = header_key(v)
            if k and k not in cols:
                cols[k] = i
        if "table" in cols and "field" in cols:
            return r, cols
    return None


def _from_xlsx(data: bytes, path: str) -> Filing:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException: all "not a workbook"
        raise FilingError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheets = sorted(
            wb.worksheets, key=lambda ws: not any(w in norm(ws.title) for w in ("目录", "catalog"))
        )
        found = next(((ws, h) for ws in sheets if (h := _header_row(ws)) is not None), None)
        if found is None:
            raise FilingError(
                f"{path}: no sheet has a header row naming the table and field columns "
                "(表名 Table, 字段名 Field)"
            )
        ws, (head, cols) = found
        filing = Filing(path=path, format="xlsx")
        last_table: dict[str, Any] = {}
        for r, row in enumerate(ws.iter_rows(min_row=head + 1, values_only=True), start=head + 1):
            rec = {k: (row[i] if i < len(row) else None) for k, i in cols.items()}
            if not _text(rec.get("table")) and not _text(rec.get("field")):
                continue
            if not _text(rec.get("table")):  # a blank (or merged) table cell repeats the one above
                rec.update(
                    {k: last_table.get(k) for k in ("table", "schema", "source") if not _text(rec.get(k))}
                )
            else:
                last_table = {k: rec.get(k) for k in ("table", "schema", "source")}
            filing.fields.append(_declared(rec, f"{path} sheet '{ws.title}' row {r}"))
        _declaration(wb, filing)
    finally:
        wb.close()
    if not filing.fields:
        raise FilingError(f"{path}: the catalogue sheet lists no fields")
    return filing


def _declaration(wb, filing: Filing) -> None:
    """The filing-declaration block (label in one cell, value in the next) on any sheet but the catalogue."""
    wanted = {"recipient", "scenario", "declared_persons", "persons_sensitive"}
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=200, max_col=4, values_only=True):
            if not row or row[0] is None:
                continue
            label = str(row[0])
            key = _INDEX.get(norm(label)) or _INDEX.get("".join(_CJK.findall(label)))
            if key not in wanted:
                continue
            value = row[1] if len(row) > 1 else None
            if key == "recipient":
                filing.recipient = _text(value)
            elif key == "scenario":
                filing.scenario = _text(value)
            elif key == "declared_persons":
                filing.persons = parse_count(value)
            else:
                filing.persons_sensitive = parse_count(value)


# --- entry point --------------------------------------------------------------------------------------


#: What ``chujing spotcheck`` reads as a filing, said whenever a file is not one.
FILING_FORMATS = (
    "chujing spotcheck reads a filing as the XLSX export data catalogue (the report.xlsx that "
    "chujing scan --format xlsx writes, edited) or a YAML or JSON file declaring 'fields' or 'tables'"
)
_SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_OLE2 = b"\xd0\xcf\x11\xe0"  # the container of .xls (Excel 97-2003) and .doc files


def load_filing(path: str | Path) -> Filing:
    """Read a filing from XLSX, YAML or JSON: by the file's extension when it names one, else by content.

    A file that is none of them (a CSV or HTML report, an old .xls workbook,
    chujing's own JSON report) is refused with a message that says what is read.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FilingError(f"{p}: cannot read the filing ({exc.strerror or exc})") from None
    fmt = _SUFFIXES.get(p.suffix.lower())
    if fmt == "xlsx" or (fmt is None and data[:2] == b"PK"):
        return _from_xlsx(data, str(p))
    if data[:4] == _OLE2:
        raise FilingError(
            f"{p}: an Excel 97-2003 (.xls) or Word file, not a filing — save it as .xlsx; {FILING_FORMATS}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FilingError(f"{p}: not UTF-8 text nor an XLSX workbook — {FILING_FORMATS}") from None
    if fmt is None:
        return _sniffed(text, p)
    try:
        doc = _parse(text, fmt)
    except ValueError as exc:
        raise FilingError(f"{p}: not valid {fmt.upper()} ({exc})") from None
    return _from_mapping(_not_a_report(doc, p), str(p), fmt)


def _parse(text: str, fmt: str) -> Any:
    """JSON or YAML text to data; ValueError (one line) when it is not valid."""
    if fmt == "json":
        return json.loads(text)

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(" ".join(str(exc).split())) from None


def _sniffed(text: str, p: Path) -> Filing:
    """A filing whose extension names no format (``.csv``, ``.txt``, none): JSON or YAML by content."""
    fmt = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
    try:
        doc = _parse(text, fmt)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):  # a CSV, HTML or text file parses as a YAML string, or not at all
        what = f"a {p.suffix} file" if p.suffix else "neither an XLSX workbook nor YAML or JSON"
        raise FilingError(f"{p}: {what}, not a filing — {FILING_FORMATS}")
    return _from_mapping(_not_a_report(doc, p), str(p), fmt)


def _not_a_report(doc: Any, p: Path) -> Any:
    """``doc``, unless it is one of chujing's own JSON documents (a scan report, a check decision)."""
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if isinstance(schema, str) and schema.startswith("chujing.") and schema != FILING_SCHEMA:
        raise FilingError(f"{p}: a {schema} document, not a filing — {FILING_FORMATS}")
    return doc
