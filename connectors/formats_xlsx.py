"""Excel workbooks (``.xlsx``/``.xlsm``): every worksheet a table of string columns.

Workbooks are opened with openpyxl in read-only mode, which streams a sheet's
XML row by row instead of building it in memory, and with ``data_only`` (the
values Excel last computed, not formulas).  Chart sheets hold no cells and are
not tables.

Cells become strings as a person reads them, because a PI scanner must see
values as written (as in :mod:`connectors.formats_records`): an integral number
loses its ``.0`` (``13912345678``, not ``13912345678.0``), a date at midnight is
``YYYY-MM-DD``, booleans are ``true``/``false``, empty cells are nulls.  An ID
number typed as a number has already lost its last digits inside Excel (a
double holds 15 to 17 significant digits); it is read as stored.

Header
    The first non-empty row names the columns when
    :func:`~connectors.formats.looks_like_header` agrees on its non-blank cells
    (a sheet without a header would otherwise put an ID number into the report
    as a column name); a blank header cell is ``column_N``, and so are all
    columns of a sheet without a header.  Rows wider than the header get ``column_N``
    names for the extra cells.

Bounds
    A sample reads the first :data:`HEAD_ROWS` rows of a sheet; the row count
    is exact when the sheet ends within them, else unknown (the dimension a
    writer records is not trusted).  Counts (:func:`iter_batches`) stream every
    row.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import pyarrow as pa

from connectors.formats import looks_like_header
from connectors.formats_records import BATCH_ROWS, clean_names, row_batches

HEAD_ROWS = 50_000
_HEADER_PROBE_ROWS = 50


@dataclass
class SheetLayout:
    """Column names of a sheet and whether its first non-empty row is the header."""

    names: list[str] = field(default_factory=list)
    has_header: bool = False


@dataclass
class SheetHead:
    """The first rows of a sheet as a table of strings; ``complete`` when they are all of it."""

    rows: pa.Table
    layout: SheetLayout
    complete: bool


def open_workbook(source: str | BinaryIO) -> Any:
    """An openpyxl workbook in read-only, values-only mode (close it with ``.close()``)."""
    import openpyxl

    return openpyxl.load_workbook(source, read_only=True, data_only=True)


def sheet_names(workbook: Any) -> list[str]:
    """The worksheets of ``workbook``, in workbook order (chart sheets left out)."""
    return [ws.title for ws in workbook.worksheets]


def read_head(workbook: Any, sheet: str, max_rows: int = HEAD_ROWS) -> SheetHead:
    """The first ``max_rows`` data rows of ``sheet`` and its layout."""
    rows = _rows(workbook, sheet)
    first: list[str | None] = []
    probe: list[list[str | None]] = []
    for cells in rows:
        if not first:
            first = cells
            continue
        probe.append(cells)
        if len(probe) >= max(_HEADER_PROBE_ROWS, max_rows + 1):
            break
    layout = _layout(first, probe[:_HEADER_PROBE_ROWS])
    data = ([] if layout.has_header or not first else [first]) + probe
    complete = len(data) <= max_rows and next(rows, None) is None
    if not complete:
        data = data[:max_rows]
    batches = row_batches((_record(layout.names, r) for r in data), layout.names)
    table = pa.concat_tables((pa.Table.from_batches([b]) for b in batches), promote_options="default")
    return SheetHead(table, layout, complete)


def iter_batches(
    workbook: Any, sheet: str, layout: SheetLayout, *, batch_rows: int = BATCH_ROWS
) -> Iterator[pa.RecordBatch]:
    """Every data row of ``sheet`` (laid out as :func:`read_head` found), in batches of strings."""
    rows = _rows(workbook, sheet)
    if layout.has_header:
        next(rows, None)
    yield from row_batches((_record(layout.names, r) for r in rows), layout.names, batch_rows=batch_rows)


def cell_text(value: object) -> str | None:
    """One cell as a person reads it.

    >>> cell_text(13912345678.0), cell_text(12.5), cell_text(dt.datetime(1990, 1, 1)), cell_text(True)
    ('13912345678', '12.5', '1990-01-01', 'true')
    >>> cell_text(dt.datetime(2026, 3, 15, 9, 30)), cell_text("  "), cell_text(None)
    ('2026-03-15T09:30:00', None, None)
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def is_workbook_error(exc: BaseException) -> bool:
    """What openpyxl raises for a file that is not a workbook it can read (not a zip, parts missing, bad XML)."""
    from openpyxl.utils.exceptions import InvalidFileException

    return isinstance(
        exc, zipfile.BadZipFile | InvalidFileException | KeyError | ValueError | SyntaxError | OSError
    )


def describe_error(exc: BaseException) -> str:
    """One line for a person whose workbook cannot be read, saying what to do.

    >>> describe_error(zipfile.BadZipFile("File is not a zip file"))
    'not a readable Excel workbook (File is not a zip file); save it again as .xlsx or exclude this table'
    """
    if isinstance(exc, PermissionError):
        return "permission denied; grant the scanning user read access or exclude this table"
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return f"not a readable Excel workbook ({reason}); save it again as .xlsx or exclude this table"


# -- rows ------------------------------------------------------------------------------
def _rows(workbook: Any, sheet: str) -> Iterator[list[str | None]]:
    """Non-empty rows of ``sheet`` as cell texts, trailing empty cells dropped."""
    for values in workbook[sheet].iter_rows(values_only=True):
        cells = [cell_text(v) for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            yield cells


def _layout(first: list[str | None], rest: list[list[str | None]]) -> SheetLayout:
    """Header or not, from the first non-empty row and the rows below it (see the module docstring)."""
    if not first:
        return SheetLayout()
    filled = [i for i, v in enumerate(first) if v is not None]
    below = [[(r[i] if i < len(r) else None) or "" for i in filled] for r in rest]
    if looks_like_header([first[i] or "" for i in filled], below):
        return SheetLayout(clean_names([v or "" for v in first]), True)
    return SheetLayout([f"column_{i + 1}" for i in range(len(first))], False)


def _record(names: list[str], cells: Iterable[str | None]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for i, value in enumerate(cells):
        out[names[i] if i < len(names) else f"column_{i + 1}"] = value
    return out
