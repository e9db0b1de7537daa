"""Recognizers of Chinese personal information and candidate important data.

The scanner calls one function, :func:`analyze_table`, on each sampled Arrow
table (:func:`analyze_tables` on a batch of small tables: the same findings), with the :class:`Registry` of recognizers to run (:func:`load_registry`:
the built-ins, installed packages and recognizer files; see
:mod:`recognizers.registry` and ``docs/recognizers.md``).  Family modules (``identity``, ``telecom``, ``network`` …) hold the
value recognizers, one standard per class, in the python-stdnum style: the
docstring cites the standard and carries a doctest.
"""

from __future__ import annotations

from recognizers.base import Pattern, Span, ValueRecognizer
from recognizers.context import ColumnMeta, TableContext
from recognizers.engine import TableInput, analyze_table, analyze_tables
from recognizers.findings import EntityFinding
from recognizers.packs import EntitySpec, RecognizerError, RecognizerPack, Registry
from recognizers.protocols import TableRecognizerProtocol, ValueRecognizerProtocol
from recognizers.registry import (
    default_registry,
    entity_types,
    list_recognizers,
    load_registry,
    load_user_recognizers,
    table_recognizers,
    value_recognizers,
)

__all__ = [
    "ColumnMeta",
    "EntityFinding",
    "EntitySpec",
    "Pattern",
    "RecognizerError",
    "RecognizerPack",
    "Registry",
    "Span",
    "TableContext",
    "TableInput",
    "TableRecognizerProtocol",
    "ValueRecognizer",
    "ValueRecognizerProtocol",
    "analyze_table",
    "analyze_tables",
    "default_registry",
    "entity_types",
    "list_recognizers",
    "load_registry",
    "load_user_recognizers",
    "table_recognizers",
    "value_recognizers",
]
