"""The report as renderers see it: bilingual labels, the check/scan split, and one row per field.

Every human-facing format (HTML, XLSX, CSV, terminal) shows the same facts
with the same words, so the labels and the flattening live here once.  The
flat rows are the export data catalogue (出境数据目录) that Jiangsu Art. 12 asks
a handler to report: one row per field, with what was found in it, its PI
class, its reference-rule categories, the persons it concerns, and the
negative-list items and route that reach it.

Labels put the Chinese regulatory name first and the English beside it:

>>> pi_class_label("sensitive")
'敏感个人信息 (Sensitive PI)'
>>> route_label("security_assessment")
'数据出境安全评估 (security assessment)'
>>> category_label({"code": "22", "name": "银行", "name_en": "Banking"})
'22 银行 (Banking)'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from catalog.candidates import candidate_important_data
from catalog.evaluator import ROUTE_LABELS, ROUTE_RANK
from catalog.person_figure import BASES, person_figure
from catalog.report import ImportantData, ListItems, Source, Table
from catalog.vocabulary import canonical_vocabulary

PI_CLASS_LABELS = {
    "sensitive": "敏感个人信息 (Sensitive PI)",
    "general": "一般个人信息 (General PI)",
    None: "非个人信息 (No PI found)",
}
PI_CLASS_RANK = {None: 0, "general": 1, "sensitive": 2}
#: Short route names for charts and narrow cells.
ROUTE_SHORT = {
    "outside": "负面清单外 (Outside the list)",
    "standard_contract_or_certification": "标准合同/认证 (Standard contract / cert.)",
    "security_assessment": "安全评估 (Security assessment)",
    "other_lawful_route": "其他合法路径 (Other lawful route)",
    None: "未评估 (Not evaluated)",
}
STATUS_LABELS = {"ok": "已扫描 (scanned)", "error": "失败 (failed)"}


def route_rank() -> dict[str, int]:
    """Routes by strictness (the catalogue's order)."""
    return dict(ROUTE_RANK)


def route_label(route: str | None) -> str:
    if route is None:
        return "未评估 (no list evaluated)"
    return ROUTE_LABELS.get(route, route)


def stricter(a: str | None, b: str | None) -> bool:
    """Whether route ``b`` is stricter than route ``a`` (``None``: no list evaluated, the laxest)."""
    rank = route_rank()
    return rank.get(b or "", -1) > rank.get(a or "", -1)


def strictest(routes: list[str]) -> str | None:
    rank = route_rank()
    known = [r for r in routes if r]
    return max(known, key=lambda r: rank.get(r, -1)) if known else None


def pi_class_label(pi_class: str | None) -> str:
    return PI_CLASS_LABELS.get(pi_class, str(pi_class))


@functools.lru_cache(maxsize=1)
def _entity_names() -> dict[str, tuple[str, str]]:
    try:
        return {k: (t.name, t.name_en) for k, t in canonical_vocabulary().entities.items()}
    except Exception:  # a broken vocabulary must not stop a report from rendering
        return {}


def entity_names(etype: str) -> tuple[str, str]:
    """(Chinese, English) name of an entity type; the id itself when the vocabulary does not know it."""
    return _entity_names().get(etype, (etype, etype))


def entity_label(etype: str) -> str:
    zh, en = entity_names(etype)
    return etype if zh == etype else f"{zh} ({en})"


def category_label(cat: dict[str, Any]) -> str:
    en = cat.get("name_en")
    return f"{cat.get('code', '')} {cat.get('name', '')}" + (f" ({en})" if en else "")


def category_key(cat: dict[str, Any]) -> tuple[str, str]:
    return (str(cat.get("rule", "")), str(cat.get("code", "")))


def table_name(t: dict[str, Any]) -> str:
    """``schema.table`` or ``table``: how the catalogue names a table in its reasons."""
    return f"{t['schema']}.{t['table']}" if t.get("schema") else str(t.get("table"))


# --- check decision vs scan report --------------------------------------------------------------------


def split_report(report: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(check decision or None, scan report): ``chujing check`` nests the scan under ``"scan"``."""
    inner = report.get("scan")
    if isinstance(inner, dict) and "tables" in inner:
        return report, inner
    return None, report


def important_data_candidates(report: dict[str, Any]) -> list[Any]:
    """Candidate important data: list items of important data hit and the unified identification rule's
    candidates — the check decision's list for a check, the scan's for a scan (rebuilt for reports
    written before scans stored it), so a route decided by an important-data item never sits beside 0."""
    check, scan = split_report(report)
    stored = (check if check is not None else scan).get("candidate_important_data")
    if isinstance(stored, list):
        return stored
    imp, li = scan.get("important_data"), scan.get("list_items")
    try:
        rebuilt = candidate_important_data(
            ListItems.model_validate(li) if isinstance(li, dict) else None,
            ImportantData.model_validate(imp) if isinstance(imp, dict) else None,
        )
    except ValidationError:  # a document in an older shape: nothing can be rebuilt from it with confidence
        return []
    return [c.model_dump(by_alias=True) for c in rebuilt]


def _rebuilt_figure(scan: dict[str, Any]) -> dict[str, Any]:
    """The person figure of a report document written before scans stored it, from its tables.

    A document whose tables do not follow the contract (hand-made, or older than
    it) gives no number: an unknown count is said, never guessed.
    """
    try:
        tables = [Table.model_validate(t) for t in scan.get("tables", [])]
        sources = [Source.model_validate(s) for s in scan.get("sources", [])]
    except ValidationError:
        return {
            "count": None,
            "sensitive": None,
            "general": None,
            "basis": "none",
            "derivation": "the report states no person figure, and its tables are not in the shape of "
            "chujing.report/1 to count them from: persons unknown",
            "tables": 0,
        }
    return person_figure(tables, sources).model_dump()


def candidate_label(c: Any) -> str:
    """A short name for one candidate: ``list #item name`` or ``rule clause N (threshold)``.

    >>> candidate_label({"source": "negative_list", "list": "l", "item": 21, "name": "基因数据"})
    'l #21 基因数据'
    """
    if not isinstance(c, dict):
        return str(c)
    if c.get("source") == "negative_list":
        return f"{c.get('list')} #{c.get('item')} {c.get('name') or ''}".strip()
    if c.get("clause") is not None:
        return (
            f"{c.get('rule') or 'identification rule'} clause {c.get('clause')} ({c.get('threshold') or ''})"
        )
    return str(c.get("reason") or c.get("name") or c)


def list_evaluation(report: dict[str, Any]) -> dict[str, Any] | None:
    """The negative-list evaluation: the check decision's, else the scan's ``list_items``."""
    check, scan = split_report(report)
    if check is not None and ("route" in check or "items" in check):
        return check
    li = scan.get("list_items")
    return li if isinstance(li, dict) else None


def list_hits(report: dict[str, Any]) -> list[dict[str, Any]]:
    ev = list_evaluation(report)
    items = ev.get("items") if ev else None
    return [i for i in items or [] if isinstance(i, dict)]


def overall_route(report: dict[str, Any]) -> str | None:
    ev = list_evaluation(report)
    return ev.get("route") if ev else None


# --- the person figure ----------------------------------------------------------------------------------

#: How each basis reads beside the number.
PERSONS_BASIS_LABELS = {
    "distinct_persons": "去重自然人 distinct persons",
    "row_count_upper_bound": "上限估计 upper bound",
    "none": "未发现个人信息 no PI",
}


@dataclass(frozen=True)
class PersonsShown:
    """The one person figure a report shows, in every format.

    A scan shows its ``persons`` object (:mod:`catalog.person_figure`); a check
    shows the persons of this export it counted exactly, with the year's total
    from the ledger beside it.
    """

    count: int | None
    sensitive: int | None
    basis: str
    derivation: str
    prior_this_year: int | None = None
    total: int | None = None

    @property
    def basis_label(self) -> str:
        return PERSONS_BASIS_LABELS.get(self.basis, self.basis)

    def sentence(self) -> str:
        """``5,000 persons (上限估计 upper bound): largest row count among …``"""
        n = "?" if self.count is None else f"{self.count:,}"
        return f"{n} persons ({self.basis_label}): {self.derivation}"


def persons_shown(report: dict[str, Any]) -> PersonsShown:
    """The person figure of a scan report or of a ``chujing check`` decision (its own exact count)."""
    check, scan = split_report(report)
    block = check.get("persons") if check is not None else None
    if isinstance(block, dict) and isinstance(block.get("any"), dict):
        return _check_persons(block)
    fig = scan.get("persons")
    if not (isinstance(fig, dict) and fig.get("basis") in BASES):
        fig = _rebuilt_figure(scan)  # a report written before scans stored their figure
    return PersonsShown(
        fig.get("count"), fig.get("sensitive"), str(fig["basis"]), str(fig.get("derivation") or "")
    )


def _check_persons(block: dict[str, Any]) -> PersonsShown:
    """A check's persons: this export counted exactly, earlier exports this year from the ledger."""
    this, sens = block["any"], block.get("sensitive") if isinstance(block.get("sensitive"), dict) else {}
    counting = block.get("counting") if isinstance(block.get("counting"), dict) else {}
    unkeyed = int(counting.get("this_unkeyed") or 0)
    how = "distinct natural persons in this export, counted exactly over every row and de-duplicated across tables"
    how += f" ({unkeyed:,} without any key, counted one per row)" if unkeyed else ""
    prior, total = this.get("prior_this_year"), this.get("total")
    if isinstance(prior, int) and isinstance(total, int):
        how += (
            f"; {prior:,} more exported earlier this year according to the ledger, {total:,} since 1 January"
        )
    return PersonsShown(
        this.get("this_export"),
        sens.get("this_export"),
        "distinct_persons",
        how,
        prior if isinstance(prior, int) else None,
        total if isinstance(total, int) else None,
    )


# --- the export data catalogue: one row per field -----------------------------------------------------


@dataclass
class FieldRow:
    """One field of one table, with what a renderer needs to print it."""

    source: str
    schema: str | None
    table: str
    table_label: str
    field: str
    type: str
    table_status: str
    row_count: int | None
    sampled_rows: int
    non_null: int
    pi_class: str | None
    pi_basis: str | None
    entities: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    persons: int | None
    persons_basis: str
    comment: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def route(self) -> str | None:
        return strictest([i.get("route", "") for i in self.items])

    @property
    def item_labels(self) -> list[str]:
        return [f"{i.get('list')} #{i.get('item')}" for i in self.items]

    @property
    def has_findings(self) -> bool:
        return bool(self.entities)


def table_persons(t: dict[str, Any]) -> tuple[int | None, str]:
    """Persons a table concerns, and on what basis.

    A table carrying a de-duplicated tally (``persons``, written by the person
    counter) gives distinct persons; otherwise the row count is the upper bound
    (one row per person at most).
    """
    p = t.get("persons")
    if isinstance(p, dict) and isinstance(p.get("persons"), int):
        return p["persons"], str(p.get("key_kind") or "distinct_persons")
    if isinstance(p, int):
        return p, "distinct_persons"
    rows = t.get("row_count")
    if rows is None:
        rows = t.get("sampled_rows")
    return (int(rows) if rows is not None else None), "row_count_upper_bound"


def _mentions(reason: str, where: str) -> bool:
    """Whether ``reason`` names ``where`` as a whole (``t.c`` is not named by ``t.cc``)."""
    if where not in reason:  # the cheap test first: most fields are not named
        return False
    return re.search(re.escape(where) + r"(?![\w.])", reason) is not None


def field_rows(report: dict[str, Any]) -> list[FieldRow]:
    """Every field of every scanned table, in report order, with the list items that reach it.

    An item reaches a field when its reason names the field (``table.column``,
    as the catalogue writes evidence).  An item whose evidence is personal
    information in general ("personal information found") reaches every field
    holding PI — every sensitive field for a sensitive-PI item.
    """
    _, scan = split_report(report)
    rows: list[FieldRow] = []
    for t in scan.get("tables", []):
        persons, basis = table_persons(t)
        for c in t.get("columns", []):
            pi = c.get("pi_class")
            rows.append(
                FieldRow(
                    source=str(t.get("source", "")),
                    schema=t.get("schema"),
                    table=str(t.get("table", "")),
                    table_label=table_name(t),
                    field=str(c.get("name", "")),
                    type=str(c.get("type", "")),
                    table_status=str(t.get("status", "ok")),
                    row_count=t.get("row_count"),
                    sampled_rows=int(t.get("sampled_rows") or 0),
                    non_null=int(c.get("non_null") or 0),
                    pi_class=pi,
                    pi_basis=c.get("pi_basis"),
                    entities=list(c.get("entities") or []),
                    categories=list(c.get("categories") or []),
                    persons=persons if pi else None,
                    persons_basis=basis if pi else "",
                    comment=c.get("comment"),
                )
            )
    for hit in list_hits(report):
        reason = str(hit.get("reason", ""))
        named = [r for r in rows if _mentions(reason, f"{r.table_label}.{r.field}")]
        if not named:
            kind = hit.get("data_kind")
            if kind == "sensitive_personal_information":
                named = [r for r in rows if r.pi_class == "sensitive"]
            elif kind == "personal_information":
                named = [r for r in rows if r.pi_class]
        for r in named:
            r.items.append(hit)
    return rows


def report_counts(report: dict[str, Any]) -> dict[str, Any]:
    """The summary numbers every format shows first (computed, so old reports without ``summary`` work)."""
    check, scan = split_report(report)
    rows = field_rows(report)
    tables = scan.get("tables", [])
    cats: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        for c in r.categories:
            cats.setdefault(category_key(c), c)
    return {
        "sources": len(scan.get("sources", [])),
        "sources_failed": sum(1 for s in scan.get("sources", []) if s.get("status") != "ok"),
        "tables": len(tables),
        "tables_failed": sum(1 for t in tables if t.get("status") != "ok"),
        "tables_with_pi": sum(1 for t in tables if any(c.get("pi_class") for c in t.get("columns", []))),
        "columns": len(rows),
        "columns_with_findings": sum(1 for r in rows if r.has_findings),
        "sensitive_columns": sum(1 for r in rows if r.pi_class == "sensitive"),
        "general_columns": sum(1 for r in rows if r.pi_class == "general"),
        "categories": len(cats),
        "list_items": len(list_hits(report)),
        "route": overall_route(report),
        "check": check is not None,
    }
