"""What a recognizer is shown of a table: the column metadata and the table context.

Kept apart from :mod:`recognizers.engine` so that table recognizers (and
third-party ones) can name the type they receive without importing the engine,
which imports the registry, which loads them.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import pyarrow as pa

from recognizers.findings import EntityFinding


@dataclass
class ColumnMeta:
    """What the source says about a column."""

    name: str
    type: str = ""
    comment: str | None = None


@dataclass
class TableContext:
    """Everything a table-level recognizer may look at.

    ``findings`` holds what the value recognizers (and the table recognizers
    run before this one) reported per column; a table recognizer may complete
    those findings in place or return new ones.  ``strings`` holds each text
    column's non-null values as trimmed strings.
    """

    table: pa.Table
    columns: list[ColumnMeta]
    table_name: str
    table_comment: str | None
    scan_date: _dt.date
    findings: dict[str, list[EntityFinding]] = field(default_factory=dict)
    strings: dict[str, pa.Array] = field(default_factory=dict)
