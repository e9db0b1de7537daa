"""The findings list: filters, review state, pages, and the filtered set as CSV or XLSX.

The findings shown are those of each source's current run
(:func:`scanner.console.queries.current_runs`), with the decision in force now
(a review taken after the run holds from the next run on; the list shows it at
once so that the queue empties as people work).  Exports hold masked evidence
only, and every text cell is neutralised so a column named ``=HYPERLINK(…)``
stays text in a spreadsheet.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reports.view import category_label, entity_label, pi_class_label
from scanner.console.queries import FindingKey
from scanner.console.runview import FindingRow
from scanner.store import Review

REVIEW_STATES = ("unreviewed", "confirmed", "dismissed")
PER_PAGE_MAX = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Filters:
    """What the findings page was asked for (every field optional)."""

    entity: str = ""
    pi_class: str = ""
    category: str = ""
    item: str = ""
    review: str = ""
    source: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        return cls(**{k: str(args.get(k) or "").strip() for k in cls.__dataclass_fields__})

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def review_state(review: Review | None) -> str:
    if review is None:
        return "unreviewed"
    return "dismissed" if review.decision == "dismiss" else "confirmed"


def item_key(item: Mapping[str, Any]) -> str:
    """``list#item``, how the filter names a negative-list item."""
    return f"{item.get('list')}#{item.get('item')}"


def category_code(cat: Mapping[str, Any]) -> str:
    return str(cat.get("code") or "")


def matches(row: FindingRow, f: Filters, review: Review | None) -> bool:
    if f.entity and row.entity_type != f.entity:
        return False
    if f.pi_class and (row.pi_class or "none") != f.pi_class:
        return False
    if f.category and f.category not in {category_code(c) for c in row.categories}:
        return False
    if f.item and f.item not in {item_key(i) for i in row.items}:
        return False
    if f.review and review_state(review) != f.review:
        return False
    return not (f.source and row.key[0] != f.source)


def select(rows: Iterable[FindingRow], f: Filters, reviews: Mapping[FindingKey, Review]) -> list[FindingRow]:
    return [r for r in rows if matches(r, f, reviews.get(r.key))]


def queue_order(rows: Sequence[FindingRow], reviews: Mapping[FindingKey, Review]) -> list[FindingRow]:
    """Unreviewed first; among them sensitive before general; then by place."""
    rank = {"unreviewed": 0, "confirmed": 1, "dismissed": 2}
    cls = {"sensitive": 0, "general": 1}
    return sorted(
        rows, key=lambda r: (rank[review_state(reviews.get(r.key))], cls.get(r.pi_class or "", 2), r.key)
    )


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def start(self) -> int:
        return (self.number - 1) * self.per_page


def paginate(total: int, page: str | None, per_page: str | None, default: int = 50) -> Page:
    """A page within range (a page past the end shows the last one)."""
    size = min(PER_PAGE_MAX, max(1, _int(per_page, default)))
    pages = max(1, -(-total // size))
    return Page(min(pages, max(1, _int(page, 1))), size, total)


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def facets(rows: Sequence[FindingRow]) -> dict[str, list[tuple[str, str]]]:
    """The values each filter can take among ``rows``: (value, label), sorted."""
    entities = sorted({r.entity_type for r in rows})
    cats: dict[str, str] = {}
    items: dict[str, str] = {}
    sources: dict[str, str] = {}
    for r in rows:
        for c in r.categories:
            cats.setdefault(category_code(c), category_label(c))
        for i in r.items:
            items.setdefault(item_key(i), f"{i.get('list')} #{i.get('item')}")
        sources.setdefault(r.key[0], r.source)
    return {
        "entity": [(e, f"{e} · {entity_label(e)}") for e in entities],
        "pi_class": [(k, pi_class_label(v)) for k, v in (("sensitive", "sensitive"), ("general", "general"))]
        + [("none", pi_class_label(None))],
        "category": sorted(cats.items(), key=lambda kv: (len(kv[0]), kv[0])),
        "item": sorted(items.items()),
        "review": [(s, s) for s in REVIEW_STATES],
        "source": sorted(sources.items()),
    }


# --- finding tokens: the review form names findings by them --------------------------------------------


def finding_token(key: FindingKey) -> str:
    """A finding's key as one form value (URL-safe base64 of its JSON)."""
    return base64.urlsafe_b64encode(json.dumps(list(key), ensure_ascii=False).encode("utf-8")).decode("ascii")


def parse_token(token: str) -> FindingKey | None:
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError):
        return None
    if not (isinstance(value, list) and len(value) == 5 and all(isinstance(x, str) for x in value)):
        return None
    return tuple(value)  # type: ignore[return-value]


# --- exports ------------------------------------------------------------------------------------------

EXPORT_HEADERS: tuple[tuple[str, str], ...] = (
    ("数据源", "Source"),
    ("模式", "Schema"),
    ("表名", "Table"),
    ("字段名", "Column"),
    ("实体类型", "Entity type"),
    ("实体名称", "Entity name"),
    ("得分", "Score"),
    ("匹配比例", "Match ratio"),
    ("脱敏样例", "Masked evidence"),
    ("个人信息类别", "PI class"),
    ("依据", "Basis"),
    ("类别", "Categories"),
    ("负面清单条目", "List items"),
    ("审核", "Review"),
    ("审核人", "Reviewed by"),
    ("审核时间", "Reviewed at"),
    ("审核说明", "Review note"),
    ("扫描批次", "Scanned in run"),
)


def export_values(r: FindingRow, review: Review | None) -> list[Any]:
    e = r.entity
    return [
        r.source,
        r.key[1],
        r.key[2],
        r.key[3],
        r.entity_type,
        entity_label(r.entity_type),
        e.get("score"),
        e.get("match_ratio"),
        " | ".join(str(v) for v in e.get("evidence") or []),
        r.pi_class or "",
        r.pi_basis or "",
        "; ".join(category_label(c) for c in r.categories),
        "; ".join(item_key(i) for i in r.items),
        review_state(review),
        review.by if review else "",
        review.at if review else "",
        review.note if review else "",
        r.scanned_in_run,
    ]


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe.

    >>> _cell("=1+1"), _cell("姓名"), _cell(0.5)
    ("'=1+1", '姓名', 0.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(rows: Sequence[FindingRow], reviews: Mapping[FindingKey, Review]) -> bytes:
    """UTF-8 with a BOM (Excel opens Chinese text right), bilingual headers."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([f"{zh} {en}" for zh, en in EXPORT_HEADERS])
    for r in rows:
        w.writerow([_cell(v) for v in export_values(r, reviews.get(r.key))])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def export_xlsx(rows: Sequence[FindingRow], reviews: Mapping[FindingKey, Review]) -> bytes:
    """One sheet, headers frozen, every text cell a string (never a formula); written in memory."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "发现 Findings"
    for j, (zh, en) in enumerate(EXPORT_HEADERS, start=1):
        c = ws.cell(row=1, column=j, value=f"{zh}\n{en}")
        c.data_type = "s"
        c.font = Font(bold=True)
    for i, r in enumerate(rows, start=2):
        for j, v in enumerate(export_values(r, reviews.get(r.key)), start=1):
            cell = ws.cell(
                row=i, column=j, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v
            )
            if isinstance(v, str):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
