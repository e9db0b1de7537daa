"""The CSV renderer: flat findings, one row per column × entity, for spreadsheets and pipelines.

UTF-8 with a byte-order mark, so Excel opens Chinese names correctly; CRLF
line ends (RFC 4180).  Columns without findings are left out (the XLSX
catalogue lists every field); failed sources and tables get one row saying so, so a
filter on findings never hides that part of the data went unscanned.  Every
row carries the JSON report's SHA-256 (``report_sha256``) to tie it to the
evidence, and the report's one person figure (``report_persons``, with its
``report_persons_basis``; ``persons`` is the row's own table).  Text from the
data source that a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@`` first) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from reports.integrity import digest
from reports.view import category_label, entity_names, field_rows, persons_shown, route_label, split_report

CSV_COLUMNS = (
    "source",
    "schema",
    "table",
    "column",
    "column_type",
    "table_status",
    "row_count",
    "sampled_rows",
    "entity_type",
    "entity_name_zh",
    "entity_name_en",
    "score",
    "match_ratio",
    "matched",
    "precision_m",
    "pi_class",
    "categories",
    "category_codes",
    "persons",
    "persons_basis",
    "list_items",
    "route",
    "route_label",
    "evidence_masked",
    "explanation",
    "error",
    "report_persons",
    "report_persons_basis",
    "report_sha256",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text; numbers and None pass through.

    >>> _cell("=1+1"), _cell("-x"), _cell("姓名"), _cell(-3)
    ("'=1+1", "'-x", '姓名', -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def render_csv(report: dict[str, Any]) -> bytes:
    """The findings as CSV bytes (UTF-8 with BOM)."""
    _, scan = split_report(report)
    sha = digest(report)
    p = persons_shown(report)
    tail = (p.count, p.basis, sha)  # the report's one person figure on every row, like its digest
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for s in scan.get("sources", []):
        if s.get("status") != "ok":
            w.writerow(
                [
                    _cell(v)
                    for v in (
                        s.get("uri"),
                        "",
                        "",
                        "",
                        "",
                        s.get("status"),
                        "",
                        "",
                        *[""] * 17,
                        s.get("error") or "",
                        *tail,
                    )
                ]
            )
    for t in scan.get("tables", []):
        if t.get("status") != "ok":
            w.writerow(
                [
                    _cell(v)
                    for v in (
                        t.get("source"),
                        t.get("schema"),
                        t.get("table"),
                        "",
                        "",
                        t.get("status"),
                        t.get("row_count"),
                        t.get("sampled_rows"),
                        *[""] * 17,
                        t.get("error") or "",
                        *tail,
                    )
                ]
            )
    for r in field_rows(report):
        for e in r.entities:
            zh, en = entity_names(str(e.get("type", "")))
            values = (
                r.source,
                r.schema,
                r.table,
                r.field,
                r.type,
                r.table_status,
                r.row_count,
                r.sampled_rows,
                e.get("type"),
                zh,
                en,
                e.get("score"),
                e.get("match_ratio"),
                e.get("matched"),
                e.get("precision_m"),
                r.pi_class,
                "; ".join(category_label(c) for c in r.categories),
                "; ".join(str(c.get("code", "")) for c in r.categories),
                r.persons,
                r.persons_basis,
                "; ".join(r.item_labels),
                r.route,
                route_label(r.route) if r.route else "",
                " | ".join(e.get("evidence") or []),
                e.get("explanation"),
                "",
                *tail,
            )
            w.writerow([_cell(v) for v in values])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
