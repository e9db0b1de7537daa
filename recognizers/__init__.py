"""Recognizers of Chinese personal information and candidate important data.

The scanner calls one function, :func:`analyze_table`, on each sampled Arrow
table.  Family modules (``identity``, ``telecom``, ``network`` …) hold the
value recognizers, one standard per class, in the python-stdnum style: the
docstring cites the standard and carries a doctest.
"""

from __future__ import annotations

from recognizers.base import Pattern, Span, ValueRecognizer
from recognizers.engine import ColumnMeta, TableContext, analyze_table
from recognizers.findings import EntityFinding
from recognizers.registry import entity_types, table_recognizers, value_recognizers

__all__ = [
    "ColumnMeta",
    "EntityFinding",
    "Pattern",
    "Span",
    "TableContext",
    "ValueRecognizer",
    "analyze_table",
    "entity_types",
    "table_recognizers",
    "value_recognizers",
]
