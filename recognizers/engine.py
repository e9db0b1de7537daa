"""The one entry point from the scanner into recognition: :func:`analyze_table`.

For every column of a sampled Arrow table it decides which entity types the
column holds, from its values and its metadata (name and comment).

How a column is read
--------------------
* Integer and decimal columns are cast to strings (ID numbers and phone
  numbers are often stored as ``BIGINT``); floating-point columns are left to
  table recognizers (coordinates); dates, binaries and nested types likewise.
* String values are trimmed.  A column whose values are mostly long (median
  length over :data:`~recognizers.base.MAX_STRUCTURED_LEN`) or contain
  whitespace between words is *free text*: every value is searched for spans,
  spans competing for the same characters are resolved per value (a resident
  ID that passes Luhn by chance is not also a bank card), and ``match_ratio``
  is the share of values holding at least one surviving valid span.
  Otherwise it is *structured*: a value must be an instance as a whole.

Structured columns of more than :data:`SCREEN_MIN_VALUES` values are first
read by each recognizer on :data:`SCREEN_SAMPLE` evenly spread values; a
recognizer whose valid share there is under half its decision threshold is
not run on the whole column (it could not reach the threshold), which keeps
the structured path above a million cells a second with ~55 recognizers.

The decision rule
-----------------
See :mod:`recognizers.decision` for the thresholds and the score formula.
"""

from __future__ import annotations

import datetime as _dt
import functools
import operator
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import MAX_STRUCTURED_LEN
from recognizers.context import ColumnMeta, TableContext
from recognizers.decision import (
    contradicted,
    decide_structured,
    decide_text,
    metadata_support,
)
from recognizers.findings import EntityFinding
from recognizers.free_text import column_spans
from recognizers.name_only import decode_text, name_only
from recognizers.packs import Registry
from recognizers.protocols import TableRecognizerProtocol, ValueRecognizerProtocol
from recognizers.registry import default_registry
from recognizers.shapes import ALL_CLASSES, UNBOUNDED, ColumnShape, Gate, Shape, char_bits, regex_gate

__all__ = ["ColumnMeta", "TableContext", "analyze_table", "column_strings", "is_free_text"]


def column_strings(arr: pa.ChunkedArray | pa.Array) -> pa.Array | None:
    """Non-null values as trimmed strings, or ``None`` when the type holds no text."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.cast(t.value_type)
        t = arr.type
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        decoded = decode_text(arr)
        if decoded is None:
            return None
        arr, t = decoded, pa.string()
    if (
        pa.types.is_large_string(t)
        or pa.types.is_string_view(t)
        or pa.types.is_integer(t)
        or pa.types.is_decimal(t)
    ):
        arr = arr.cast(pa.string())
    elif not pa.types.is_string(t):
        return None
    arr = arr.drop_null()
    arr = pc.utf8_trim_whitespace(arr)
    return arr.filter(pc.not_equal(arr, ""))


_GROUPED_DIGITS = r"^[+(]?\d[\d ()\-]{0,29}$"
_SPACED = r"\S\s+\S.*\S\s+\S"
_MIXED = r"[\x{4e00}-\x{9fff}].*[0-9A-Za-z@]{5}|[0-9A-Za-z@]{5}.*[\x{4e00}-\x{9fff}]"
_SENTENCE_PUNCTUATION = "，。；！？"
#: What a value needs for each test to match it (a column where no value has it skips the regex: share 0).
_WHITESPACE_BITS = char_bits(ord(" ")) | char_bits(9, 13)
_ALNUM_AT_BITS = char_bits(ord("0"), ord("9")) | char_bits(ord("A"), ord("Z")) | char_bits(ord("a"), ord("z"))
_ALNUM_AT_BITS |= char_bits(ord("@"))
_SPACED_GATE = Gate((Shape(ALL_CLASSES, ((_WHITESPACE_BITS,),), 5, UNBOUNDED),))
_MIXED_GATE = Gate((Shape(ALL_CLASSES, ((char_bits(0x4E00, 0x9FFF), _ALNUM_AT_BITS),), 6, UNBOUNDED),))
_PUNCTUATION_BITS = functools.reduce(operator.or_, (char_bits(ord(c)) for c in _SENTENCE_PUNCTUATION))


def _share(values: pa.Array, regex: str, possible: bool) -> float:
    """Share of values in which ``regex`` (RE2) finds a match; 0 without a regex call when none can."""
    if not possible:
        return 0
    return pc.mean(pc.cast(pc.match_substring_regex(values, regex), pa.int8())).as_py() or 0


def is_free_text(values: pa.Array, shape: ColumnShape | None = None) -> bool:
    """True when a string column reads as prose rather than as one value per cell.

    ``shape`` (the column's :class:`~recognizers.shapes.ColumnShape`, computed here when not given) spares
    the tests that no value can pass: a column without whitespace has no words to count.
    """
    if len(values) == 0:
        return False
    shape = shape or ColumnShape.of(values)
    lengths = pc.utf8_length(values)
    median = pc.approximate_median(lengths).as_py() or 0
    if median > MAX_STRUCTURED_LEN:
        return True
    # Grouped digits ("6212 3456 7890 1234", "+86 139 1234 5678") are one value, not prose.
    grouped = _share(values, _GROUPED_DIGITS, shape.admits(regex_gate(_GROUPED_DIGITS)))
    if grouped > 0.5:
        return False
    # Short sentences: several words, or CJK text mixed with digits/punctuation.
    spaced = _share(values, _SPACED, shape.admits(_SPACED_GATE))
    mixed = _share(values, _MIXED, shape.admits(_MIXED_GATE))
    # Short Chinese sentences ("患者王秀英，女，67岁，主诉胸痛三天。") carry sentence punctuation.
    punctuated = _share(values, f"[{_SENTENCE_PUNCTUATION}]", shape.has_any(_PUNCTUATION_BITS))
    return spaced > 0.5 or (mixed > 0.3 and median > 12) or (punctuated > 0.3 and median > 8)


def analyze_table(
    table: pa.Table,
    columns: Sequence[ColumnMeta] | None = None,
    *,
    table_name: str = "",
    table_comment: str | None = None,
    scan_date: _dt.date | None = None,
    registry: Registry | None = None,
    recognizers: Sequence[ValueRecognizerProtocol] | None = None,
    table_recognizers: Sequence[TableRecognizerProtocol] | None = None,
) -> dict[str, list[EntityFinding]]:
    """Entity findings for every column of ``table``, keyed by column name.

    ``columns`` adds the source's types and comments; missing entries are
    filled from the Arrow schema.  ``registry`` is the set of recognizers to run
    (default: :func:`~recognizers.registry.default_registry`, the built-ins and
    installed packages); ``recognizers`` and ``table_recognizers`` replace its
    value or table recognizers (tests use them).  A finding of an entity type
    a pack classifies (``pi_class`` in a recognizer file) carries that class
    in ``details["declared_pi_class"]`` for the catalogue.  Findings in each
    list are sorted by score, strongest first.
    """
    registry = registry or default_registry()
    metas = {c.name: c for c in (columns or [])}
    cols = [metas.get(f.name) or ColumnMeta(f.name, str(f.type)) for f in table.schema]
    recs = tuple(recognizers) if recognizers is not None else registry.value_recognizers
    trs = tuple(table_recognizers) if table_recognizers is not None else registry.table_recognizers
    ctx = TableContext(
        table=table,
        columns=cols,
        table_name=table_name,
        table_comment=table_comment,
        scan_date=scan_date or _dt.date.today(),
    )
    for meta in cols:
        values = column_strings(table.column(meta.name))
        ctx.findings[meta.name] = []
        if values is None or len(values) == 0:
            continue
        ctx.strings[meta.name] = values
        ctx.findings[meta.name] = _analyze_column(meta, values, recs)
    for tr in trs:
        for col, found in tr.analyze_table(ctx).items():
            ctx.findings.setdefault(col, []).extend(found)
    for meta in cols:
        if not ctx.findings.get(meta.name) and meta.name not in ctx.strings:
            ctx.findings[meta.name] = name_only(meta, table.column(meta.name))
    declared = registry.declared_classes
    for col, found in ctx.findings.items():
        ctx.findings[col] = sorted(_dedupe(found), key=lambda f: (-f.score, f.type))
        for f in ctx.findings[col]:
            if f.type in declared:
                f.details["declared_pi_class"] = declared[f.type]
    return ctx.findings


def _dedupe(found: list[EntityFinding]) -> list[EntityFinding]:
    best: dict[str, EntityFinding] = {}
    for f in found:
        if f.type not in best or f.score > best[f.type].score:
            best[f.type] = f
    return list(best.values())


#: Structured columns longer than ``SCREEN_MIN_VALUES`` are screened on ``SCREEN_SAMPLE`` evenly spread values first.
SCREEN_SAMPLE = 1024
SCREEN_MIN_VALUES = 4 * SCREEN_SAMPLE


def screen_sample(values: pa.Array) -> pa.Array | None:
    """Every k-th value, ``SCREEN_SAMPLE`` of them, or ``None`` for columns short enough to read whole."""
    n = len(values)
    if n < SCREEN_MIN_VALUES:
        return None
    return values.take(pa.array(np.linspace(0, n - 1, SCREEN_SAMPLE).astype(np.int64)))


def _cannot_reach(rec: ValueRecognizerProtocol, sample: pa.Array, support: list[str]) -> bool:
    """True when the recognizer's valid share in the screening sample is under half the decision threshold.

    The decision needs ``ratio >= threshold`` (at least 0.2) over the whole column; a spread sample of 1,024
    values showing less than half of that has a chance below 1e-15 of coming from such a column, so the
    full analysis would find nothing.  A sample the recognizer vetoes as a whole (counters) is no evidence:
    the column is analysed in full.
    """
    vm = rec.analyze_values(sample)
    if vm.details.get("rejected"):
        return False
    threshold = rec.min_ratio if not support else max(0.2, rec.min_ratio / 2)
    return vm.match_ratio < threshold / 2


def _metadata(rec: ValueRecognizerProtocol, name: str, comment: str | None) -> tuple[bool, list[str]]:
    """Whether the column's name or comment contradicts the recognizer, and the words that support it.

    Warehouses repeat column names across thousands of tables (``id``, ``name``, ``created_at``), so
    the answer is remembered per recognizer, name and comment.
    """
    try:
        contra, support = _metadata_cached(rec, name, comment)
    except TypeError:  # a recognizer that cannot be a dictionary key
        return bool(contradicted(rec, name, comment)), metadata_support(rec, name, comment)
    return contra, list(support)


@functools.lru_cache(maxsize=1 << 16)
def _metadata_cached(
    rec: ValueRecognizerProtocol, name: str, comment: str | None
) -> tuple[bool, tuple[str, ...]]:
    return bool(contradicted(rec, name, comment)), tuple(metadata_support(rec, name, comment))


def _analyze_column(
    meta: ColumnMeta, values: pa.Array, recs: Sequence[ValueRecognizerProtocol]
) -> list[EntityFinding]:
    shape = ColumnShape.of(values)
    if is_free_text(values, shape):
        return _analyze_text_column(meta, values, recs, shape)
    sample = screen_sample(values)
    out: list[EntityFinding] = []
    for rec in shape.admitted(recs):  # the others have no value they could count: they would find nothing
        contra, support = _metadata(rec, meta.name, meta.comment)
        if contra:
            continue
        if rec.requires_context and not support:
            continue  # the decision would discard it: don't pay for the validation
        if sample is not None and _cannot_reach(rec, sample, support):
            continue  # a spread sample is far below the threshold: don't pay for the whole column
        finding = decide_structured(rec, rec.analyze_values(values), support)
        if finding is not None:
            out.append(finding)
    return out


def _analyze_text_column(
    meta: ColumnMeta, values: pa.Array, recs: Sequence[ValueRecognizerProtocol], shape: ColumnShape
) -> list[EntityFinding]:
    """The free-text rule: every recognizer's spans per value (candidate rows found with RE2 over the whole
    column, :func:`recognizers.free_text.column_spans`), overlaps resolved per value, then the decision.

    Recognizers the column's name contradicts take no part, so their spans cannot suppress another type's.
    """
    # each recognizer's verdict on the name and comment, remembered as for structured columns (_metadata)
    metadata = [(rec, *_metadata(rec, meta.name, meta.comment)) for rec in recs]
    read = [(rec, support) for rec, contra, support in metadata if not contra]
    found = column_spans(values, [rec for rec, _ in read], shape=shape)
    out: list[EntityFinding] = []
    for (rec, support), spans in zip(read, found, strict=True):
        finding = decide_text(rec, spans, support)
        if finding is not None:
            out.append(finding)
    return out
