"""The format registry: every way chujing can write a report, chosen by ``--format``.

=======  ===========  ============================================================
format   extension    what it is
=======  ===========  ============================================================
json     .json        the versioned contract (``chujing.report/1``), sealed
html     .html        one self-contained page for people (summary, charts, detail)
xlsx     .xlsx        the export data catalogue (出境数据目录) a filing starts from
csv      .csv         flat findings, one row per column × entity (UTF-8 with BOM)
table    .txt         the terminal summary
=======  ===========  ============================================================

Every renderer takes the report dict — a scan report, or a ``chujing check``
decision holding its scan under ``"scan"`` — and returns bytes.  The human
formats print the SHA-256 of the report's canonical form, the number the JSON
file's seal carries, so a page or a spreadsheet can be tied to its evidence.

>>> sorted(RENDERERS), RENDERERS["xlsx"].extension
(['csv', 'html', 'json', 'table', 'xlsx'], '.xlsx')
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from catalog.report import Contract, to_document
from connectors.textio import atomic_open
from reports.check_table import render_check_table
from reports.csv_report import render_csv
from reports.html import render_html
from reports.json_report import json_pieces
from reports.table import render_table
from reports.view import split_report
from reports.xlsx import render_xlsx

#: What the renderers take: a typed report (a scan or a check decision), or a report document read from a file.
Report = Contract | dict[str, Any]


def document(report: Report) -> dict[str, Any]:
    """The document a renderer works on: a typed report turned into its JSON form (at the edge, once)."""
    return to_document(report) if isinstance(report, Contract) else report


@dataclass(frozen=True)
class Renderer:
    """A report format: its name, file extension, media type and render function."""

    name: str
    extension: str
    media_type: str
    description: str
    _render: Callable[[dict[str, Any]], bytes]
    binary: bool = False  # True when the bytes are not text a terminal can show
    #: Writes the rendering to a binary file piece by piece (a large JSON report is never held whole).
    _write: Callable[[dict[str, Any], IO[bytes]], None] | None = None

    def render(self, report: Report) -> bytes:
        return self._render(document(report))

    def write(self, report: Report, fh: IO[bytes]) -> None:
        """Write the rendering to ``fh``: the same bytes as :meth:`render`."""
        if self._write is not None:
            self._write(document(report), fh)
        else:
            fh.write(self.render(report))


def _json(report: dict[str, Any], *, sealed_now: bool = False) -> bytes:
    return "".join(json_pieces(report, sealed_now=sealed_now)).encode("utf-8")


def _write_json(report: dict[str, Any], fh: IO[bytes], *, sealed_now: bool = False) -> None:
    for piece in json_pieces(report, sealed_now=sealed_now):
        fh.write(piece.encode("utf-8"))


def _html(report: dict[str, Any]) -> bytes:
    return render_html(report).encode("utf-8")


def _xlsx(report: dict[str, Any]) -> bytes:
    return render_xlsx(report)


def _csv(report: dict[str, Any]) -> bytes:
    return render_csv(report)


def _table(report: dict[str, Any]) -> bytes:
    return render_summary(report).encode("utf-8")


def render_summary(report: Report, *, max_width: int | None = None) -> str:
    """The ``table`` format: a check decision's table or a scan's summary, cut to ``max_width`` when given."""
    report = document(report)
    check, _scan = split_report(report)
    if check is not None:
        return render_check_table(report, max_width=max_width)
    return render_table(report, max_width=max_width)


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer(
            "json",
            ".json",
            "application/json",
            "versioned report contract, sealed with its SHA-256",
            _json,
            _write=_write_json,
        ),
        Renderer(
            "html", ".html", "text/html; charset=utf-8", "self-contained page with summary and charts", _html
        ),
        Renderer(
            "xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "export data catalogue (出境数据目录) workbook",
            _xlsx,
            binary=True,
        ),
        Renderer(
            "csv", ".csv", "text/csv; charset=utf-8", "flat findings, one row per column and entity", _csv
        ),
        Renderer("table", ".txt", "text/plain; charset=utf-8", "terminal summary", _table),
    )
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def get_renderer(fmt: str) -> Renderer:
    try:
        return RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(RENDERERS)})") from None


def render(report: Report, fmt: str, *, sealed_now: bool = False) -> bytes:
    """The report in format ``fmt`` (``sealed_now``: see :func:`write_report`)."""
    if sealed_now and fmt == "json":
        return _json(document(report), sealed_now=True)
    return get_renderer(fmt).render(report)


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format a file name's extension implies, if any.

    >>> format_for_path("out/report.XLSX"), format_for_path("x.htm"), format_for_path("x.bin")
    ('xlsx', 'html', None)
    """
    ext = Path(path).suffix.lower()
    if ext == ".htm":
        return "html"
    for r in RENDERERS.values():
        if r.extension == ext:
            return r.name
    return None


def write_report(report: Report, fmt: str, path: str | os.PathLike[str], *, sealed_now: bool = False) -> Path:
    """Render and write atomically (a reader sees the old file or the new one, never half).

    ``sealed_now``: the caller sealed the report just before (:func:`reports.integrity.seal`), so the JSON
    writer need not hash it again to check that the seal is current."""
    with atomic_open(path, "wb") as fh:
        if sealed_now and fmt == "json":
            _write_json(document(report), fh, sealed_now=True)
        else:
            get_renderer(fmt).write(report, fh)
    return Path(path)
