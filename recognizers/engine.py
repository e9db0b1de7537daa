"""The one entry point from the scanner into recognition: :func:`analyze_table` (and :func:`analyze_tables`,
the same for a batch of small tables at once).

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
import itertools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import MAX_STRUCTURED_LEN, Span, ValueMatches, distinct_values
from recognizers.context import ColumnMeta, TableContext
from recognizers.decision import (
    contradicted,
    decide_structured,
    decide_text,
    metadata_support,
)
from recognizers.findings import EntityFinding
from recognizers.free_text import column_spans_found, no_cycle_collection
from recognizers.name_only import decode_text, name_only
from recognizers.packs import Registry
from recognizers.protocols import TableRecognizerProtocol, ValueRecognizerProtocol
from recognizers.registry import default_registry
from recognizers.shapes import ALL_CLASSES, UNBOUNDED, ColumnShape, Gate, Shape, char_bits, regex_gate

__all__ = [
    "ColumnMeta",
    "TableContext",
    "TableInput",
    "analyze_table",
    "analyze_tables",
    "column_strings",
    "is_free_text",
]


def column_strings(arr: pa.ChunkedArray | pa.Array) -> pa.Array | None:
    """Non-null values as trimmed strings, or ``None`` when the type holds no text."""
    text = _as_text(arr)
    return None if text is None else strings_of_each([text])[0]


def _as_text(arr: pa.ChunkedArray | pa.Array) -> pa.Array | None:
    """The column as one string array (numbers and decimals written out, binary decoded), or ``None`` when
    its type holds no text."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    t = arr.type
    if t == pa.string():  # most columns: nothing to convert
        return arr
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
    return arr


#: Columns joined for :func:`strings_of_each` while their text stays under this many bytes (Arrow's string
#: offsets are 32-bit; beyond, each column is trimmed on its own).
_JOINED_BYTES = 1 << 28


def strings_of_each(arrays: Sequence[pa.Array]) -> list[pa.Array]:
    """Each string array's non-null values, trimmed, without the empty ones (:func:`column_strings`).

    A batch's columns are trimmed end to end as one array (a value's trimmed form is its own) and cut back
    into columns: five Arrow calls for the batch instead of five for each of its hundreds of columns.
    """
    if not arrays:
        return []
    if len(arrays) > 1 and sum(a.nbytes for a in arrays) >= _JOINED_BYTES:
        return [strings_of_each([a])[0] for a in arrays]
    joined = arrays[0] if len(arrays) == 1 else pa.concat_arrays(list(arrays))
    cut = np.cumsum([0, *map(len, arrays)]).tolist()
    trimmed = pc.utf8_trim_whitespace(joined)
    keep = pc.fill_null(pc.not_equal(trimmed, ""), False)
    kept = trimmed.filter(keep)
    at = np.concatenate([[0], np.cumsum(keep.to_numpy(zero_copy_only=False), dtype=np.int64)])[cut].tolist()
    return [kept.slice(a, b - a) for a, b in itertools.pairwise(at)]


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
_DIGIT_BITS = char_bits(ord("0"), ord("9"))
_PUNCTUATION_BITS = functools.reduce(operator.or_, (char_bits(ord(c)) for c in _SENTENCE_PUNCTUATION))


def _share(values: pa.Array, regex: str) -> float:
    """Share of values in which ``regex`` (RE2) finds a match."""
    return pc.mean(pc.cast(pc.match_substring_regex(values, regex), pa.int8())).as_py() or 0


def is_free_text(values: pa.Array, shape: ColumnShape | None = None) -> bool:
    """True when a string column reads as prose rather than as one value per cell.

    ``shape`` (the column's :class:`~recognizers.shapes.ColumnShape`, computed here when not given) spares
    the tests that no value can pass: a column without whitespace has no words to count.
    """
    return free_text_each([values], [shape or ColumnShape.of(values)])[0]


def free_text_each(columns: Sequence[pa.Array], shapes: Sequence[ColumnShape]) -> list[bool]:
    """:func:`is_free_text` of each column (``shapes``: theirs), each test's regex asked once over all the
    columns whose shapes admit a match and that no earlier test decided."""
    verdict: list[bool | None] = [None if len(v) else False for v in columns]

    @functools.cache
    def median(k: int) -> float:  # asked only when the longest value could make it count
        return pc.approximate_median(pc.utf8_length(columns[k])).as_py() or 0

    for k, shape in enumerate(shapes):
        if verdict[k] is None and shape.longest > MAX_STRUCTURED_LEN and median(k) > MAX_STRUCTURED_LEN:
            verdict[k] = True
    # Grouped digits ("6212 3456 7890 1234", "+86 139 1234 5678") are one value, not prose.
    grouped = _shares(
        columns,
        shapes,
        verdict,
        _GROUPED_DIGITS,
        lambda s: s.admits(regex_gate(_GROUPED_DIGITS)),
        certain=lambda s: s.all_within(_DIGIT_BITS, 1, 30),  # digits alone, 1-30 of them: every value matches
    )
    for k, share in grouped.items():
        if share > 0.5:
            verdict[k] = False
    # Short sentences: several words, or CJK text mixed with digits/punctuation.
    spaced = _shares(columns, shapes, verdict, _SPACED, lambda s: s.admits(_SPACED_GATE))
    mixed = _shares(columns, shapes, verdict, _MIXED, lambda s: s.admits(_MIXED_GATE))
    # Short Chinese sentences ("患者王秀英，女，67岁，主诉胸痛三天。") carry sentence punctuation.
    punctuated = _shares(columns, shapes, verdict, _PUNCTUATED, lambda s: s.has_any(_PUNCTUATION_BITS))
    for k in spaced:
        longest = shapes[k].longest
        verdict[k] = (
            spaced[k] > 0.5
            or (mixed[k] > 0.3 and longest > 12 and median(k) > 12)
            or (punctuated[k] > 0.3 and longest > 8 and median(k) > 8)
        )
    return [bool(v) for v in verdict]


_PUNCTUATED = f"[{_SENTENCE_PUNCTUATION}]"


def _shares(
    columns: Sequence[pa.Array],
    shapes: Sequence[ColumnShape],
    verdict: Sequence[bool | None],
    regex: str,
    possible: Callable[[ColumnShape], bool],
    *,
    certain: Callable[[ColumnShape], bool] | None = None,
) -> dict[int, float]:
    """:func:`_share` of ``regex`` in each undecided column: 0 where its shape admits no match, 1 where it
    says every value matches (``certain``), and one search over the distinct values of the others end to end
    (:func:`~recognizers.base.distinct_values`: a batch's columns repeat their notes, names and cities),
    counted per column."""
    out: dict[int, float] = {k: 0 for k, v in enumerate(verdict) if v is None}
    asked = []
    for k in out:
        if certain is not None and certain(shapes[k]):
            out[k] = 1.0
        elif possible(shapes[k]):
            asked.append(k)
    if len(asked) == 1:
        out[asked[0]] = _share(columns[asked[0]], regex)
    elif asked:
        every, index = distinct_values([columns[k] for k in asked])
        hits = pc.match_substring_regex(every, regex).to_numpy(zero_copy_only=False)[index]
        starts = np.cumsum([0, *(len(columns[k]) for k in asked[:-1])])
        counts = np.add.reduceat(hits.astype(np.int64), starts)
        for k, count in zip(asked, counts.tolist(), strict=True):
            out[k] = count / len(columns[k])  # as Arrow's mean: a count over a count, one division
    return out


@dataclass(frozen=True)
class TableInput:
    """One table for :func:`analyze_tables`: its sampled rows, the source's column metadata and its name."""

    table: pa.Table
    columns: Sequence[ColumnMeta] | None = None
    table_name: str = ""
    table_comment: str | None = None


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
    return analyze_tables(
        [TableInput(table, columns, table_name, table_comment)],
        scan_date=scan_date,
        registry=registry,
        recognizers=recognizers,
        table_recognizers=table_recognizers,
    )[0]


def analyze_tables(
    tables: Sequence[TableInput],
    *,
    scan_date: _dt.date | None = None,
    registry: Registry | None = None,
    recognizers: Sequence[ValueRecognizerProtocol] | None = None,
    table_recognizers: Sequence[TableRecognizerProtocol] | None = None,
) -> list[dict[str, list[EntityFinding]]]:
    """:func:`analyze_table` of each of ``tables``, the same findings, with the value recognizers reading the
    columns of all of them at once.

    A warehouse of small tables costs a recognizer call per column, most of it setting up: small tables of
    six columns and 300 rows took 13 ms each one at a time, 4 ms in batches of 64.  Here each value
    recognizer reads every column it is run on in one call (:meth:`~recognizers.base.ValueRecognizer.
    analyze_segments`), and the free-text columns read by the same recognizers are searched as one column
    (:func:`~recognizers.free_text.column_spans`: a text's spans are its own); the decision, the table
    recognizers and the name-only findings stay each table's.
    """
    if not tables:  # an incremental rerun's batches of carried tables: no registry to build (half a second)
        return []
    registry = registry or default_registry()
    recs = tuple(recognizers) if recognizers is not None else registry.value_recognizers
    trs = tuple(table_recognizers) if table_recognizers is not None else registry.table_recognizers
    date = scan_date or _dt.date.today()
    contexts: list[TableContext] = []
    pending: list[tuple[ColumnMeta, pa.Array]] = []
    where: list[tuple[TableContext, str]] = []
    texts: list[tuple[TableContext, ColumnMeta, pa.Array]] = []
    for given in tables:
        metas = {c.name: c for c in (given.columns or [])}
        cols = [metas.get(f.name) or ColumnMeta(f.name, str(f.type)) for f in given.table.schema]
        ctx = TableContext(
            table=given.table,
            columns=cols,
            table_name=given.table_name,
            table_comment=given.table_comment,
            scan_date=date,
        )
        for meta in cols:
            ctx.findings[meta.name] = []
            text = _as_text(given.table.column(meta.name))
            if text is not None:
                texts.append((ctx, meta, text))
        contexts.append(ctx)
    for (ctx, meta, _), values in zip(texts, strings_of_each([t for _, _, t in texts]), strict=True):
        if len(values) == 0:
            continue
        ctx.strings[meta.name] = values
        pending.append((meta, values))
        where.append((ctx, meta.name))
    # a batch allocates a few objects per value, and each burst would make the cycle collector walk every
    # live object, the recognizers' tables of hundreds of thousands of entries included (free_text.py)
    with no_cycle_collection():
        for (ctx, name), found in zip(where, _analyze_columns(pending, recs), strict=True):
            ctx.findings[name] = found
        return [_complete(ctx, trs, registry) for ctx in contexts]


def _complete(
    ctx: TableContext, trs: Sequence[TableRecognizerProtocol], registry: Registry
) -> dict[str, list[EntityFinding]]:
    """A table's findings once its value recognizers have run: the table recognizers', the name-only ones,
    duplicates dropped, strongest first, declared classes added."""
    for tr in trs:
        for col, found in tr.analyze_table(ctx).items():
            ctx.findings.setdefault(col, []).extend(found)
    for meta in ctx.columns:
        if not ctx.findings.get(meta.name) and meta.name not in ctx.strings:
            ctx.findings[meta.name] = name_only(meta, ctx.table.column(meta.name))
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


def _readers(
    recs: Sequence[ValueRecognizerProtocol], name: str, comment: str | None, *, text: bool
) -> Sequence[tuple[ValueRecognizerProtocol, list[str]]]:
    """The recognizers that read a column, each with the words of its name and comment that support it: those
    the name and comment do not contradict, and of a structured column (``text`` false) only those that do not
    require a context word the name lacks.  Remembered per recognizers, name and comment, as :func:`_metadata`
    is: a warehouse repeats its column names.  (The support lists are shared: read them, never add to them.)"""
    try:
        return _readers_cached(tuple(recs), name, comment, text)
    except TypeError:  # a recognizer that cannot be a dictionary key
        return _readers_of(recs, name, comment, text)


@functools.lru_cache(maxsize=1 << 12)
def _readers_cached(
    recs: tuple[ValueRecognizerProtocol, ...], name: str, comment: str | None, text: bool
) -> tuple[tuple[ValueRecognizerProtocol, list[str]], ...]:
    return _readers_of(recs, name, comment, text)


def _readers_of(
    recs: Sequence[ValueRecognizerProtocol], name: str, comment: str | None, text: bool
) -> tuple[tuple[ValueRecognizerProtocol, list[str]], ...]:
    out = []
    for rec in recs:
        contra, support = _metadata(rec, name, comment)
        if contra or (not text and rec.requires_context and not support):
            continue
        out.append((rec, support))
    return tuple(out)


def _analyze_columns(
    columns: Sequence[tuple[ColumnMeta, pa.Array]], recs: Sequence[ValueRecognizerProtocol]
) -> list[list[EntityFinding]]:
    """Each column's findings (``columns``: metadata and non-null trimmed strings), as if each were read on
    its own: which recognizers read a column is the column's (its shape, name and comment, a screening
    sample), but each recognizer then reads all the columns it is to read in one call, and free-text columns
    read by the same recognizers are searched as one."""
    plans: list[Sequence[tuple[ValueRecognizerProtocol, list[str]]]] = []
    structured: dict[int, tuple[ValueRecognizerProtocol, list[int]]] = {}  # id(rec) → its columns
    texts: dict[tuple[int, ...], tuple[list[ValueRecognizerProtocol], list[int]]] = {}
    shapes: dict[int, ColumnShape] = {}
    shapes_of = ColumnShape.of_each([v for _, v in columns])
    free = free_text_each([v for _, v in columns], shapes_of)
    for k, ((meta, values), shape) in enumerate(zip(columns, shapes_of, strict=True)):
        if free[k]:
            # recognizers the name contradicts take no part, so their spans suppress no other's
            read = _readers(recs, meta.name, meta.comment, text=True)
            plans.append(read)
            shapes[k] = shape
            key = tuple(id(rec) for rec, _ in read)
            texts.setdefault(key, ([rec for rec, _ in read], []))[1].append(k)
            continue
        sample = screen_sample(values)
        plan = []
        # the recognizers the shape admits (the others have no value they could count), the name does not
        # contradict, and, when they require context, the name gives (the decision would discard them)
        for rec, support in _readers(shape.admitted(recs), meta.name, meta.comment, text=False):
            if sample is not None and _cannot_reach(rec, sample, support):
                continue  # a spread sample is far below the threshold: don't pay for the whole column
            plan.append((rec, support))
            structured.setdefault(id(rec), (rec, []))[1].append(k)
        plans.append(plan)
    matches: dict[tuple[int, int], ValueMatches] = {}
    for rec, ks in structured.values():
        for k, vm in zip(ks, _value_matches(rec, [columns[k][1] for k in ks]), strict=True):
            matches[k, id(rec)] = vm
    spans: dict[int, list[list[list[Span]] | None]] = {}
    for read, ks in texts.values():
        for k, found in zip(ks, _text_spans([columns[k][1] for k in ks], read, shapes[ks[0]]), strict=True):
            spans[k] = found
    out: list[list[EntityFinding]] = []
    for k, plan in enumerate(plans):
        if k in spans:  # the free-text rule: every recognizer's surviving spans per value, then the decision
            decided = [
                None if found is None else decide_text(rec, found, support)  # None: no span in any value
                for (rec, support), found in zip(plan, spans[k], strict=True)
            ]
        else:
            decided = [decide_structured(rec, matches[k, id(rec)], support) for rec, support in plan]
        out.append([f for f in decided if f is not None])
    return out


def _value_matches(rec: ValueRecognizerProtocol, columns: list[pa.Array]) -> list[ValueMatches]:
    """``rec.analyze_values`` of each column: in one call where the recognizer reads several at once."""
    segments = getattr(rec, "analyze_segments", None)
    if len(columns) > 1 and callable(segments):
        return segments(columns)
    return [rec.analyze_values(v) for v in columns]


def _text_spans(
    columns: list[pa.Array], recs: Sequence[ValueRecognizerProtocol], shape: ColumnShape
) -> list[list[list[list[Span]] | None]]:
    """:func:`~recognizers.free_text.column_spans_found` of each free-text column (``shape``: the first's), the
    columns searched end to end as one: a value's spans are its own, so each column's rows keep theirs
    (``None`` for a recognizer that found nothing in any of them)."""
    if len(columns) == 1:
        return [column_spans_found(columns[0], recs, shape=shape)]
    found = column_spans_found(pa.concat_arrays(columns), recs)
    cut = np.cumsum([0, *map(len, columns)]).tolist()
    return [
        [None if per_rec is None else per_rec[a:b] for per_rec in found] for a, b in itertools.pairwise(cut)
    ]
