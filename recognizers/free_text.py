"""The free-text path over a whole column: candidate rows found with RE2 on the Arrow array, spans in Python.

Calling every recognizer's ``find_spans`` on every cell costs each of ~55
recognizers a Python regex scan (or a lexicon walk) per cell, although most
cells hold nothing a given recognizer could find: a note without an ``@``
holds no e-mail.  Here each recognizer first names a *prefilter*, an RE2
pattern that every text holding one of its spans matches; one
``pyarrow.compute.match_substring_regex`` over the column (RE2, in C++) marks
the rows that can hold its spans, and ``find_spans`` runs on those rows only.

* A recognizer that finds its spans with the generic pattern scan
  (:meth:`~recognizers.base.ValueRecognizer.find_spans`) is prefiltered by
  the union of its pattern cores: the cores carry no look-arounds, so the
  core matches wherever the bounded Python pattern does.
* A recognizer with its own ``find_spans`` declares ``text_prefilter()``
  (an RE2 pattern, or ``None`` to be run on every row).
* A recognizer with ``find_spans_column(texts)`` reads its candidate rows in
  one call (the name model: :mod:`recognizers.names_vector`).
* The column is matched after NFKC normalisation, so full-width digits and
  letters (``１３８…``), which Python's ``\\d`` matches, match RE2's ASCII
  classes too.  Patterns whose meaning differs between the engines (``\\b``,
  ``\\w`` are Unicode-aware in Python, ASCII in RE2) are not used as prefilters.

The spans found are exactly those of per-cell ``find_spans`` (the test suite
checks parity on the labelled corpus); overlaps are then resolved per cell
(:func:`recognizers.decision.resolve_overlaps`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Span, ValueRecognizer
from recognizers.columnar import ColumnarRecognizer
from recognizers.decision import resolve_overlaps
from recognizers.protocols import ValueRecognizerProtocol

#: ``find_spans`` implementations that report only pattern matches (their cores are a valid prefilter).
_GENERIC_FIND_SPANS = (ValueRecognizer.find_spans, ColumnarRecognizer.find_spans)
#: Escapes whose meaning differs between Python ``re`` (Unicode) and RE2 (ASCII).
_ENGINE_DEPENDENT = re.compile(r"\\[bBwW]")


def prefilter(rec: ValueRecognizerProtocol) -> str | None:
    """The RE2 pattern every text holding one of ``rec``'s spans matches, or ``None`` (read every row)."""
    declared = getattr(rec, "text_prefilter", None)
    if callable(declared):
        pattern = declared()
    elif getattr(type(rec), "find_spans", None) in _GENERIC_FIND_SPANS:
        patterns = getattr(rec, "patterns", ())
        pattern = "|".join(f"(?:{p.regex})" for p in patterns) if patterns else None
    else:
        pattern = None
    if pattern is None or _ENGINE_DEPENDENT.search(pattern):
        return None
    return pattern


def candidate_rows(normalized: pa.Array, pattern: str | None) -> np.ndarray | None:
    """Indices of the rows ``pattern`` matches, or ``None`` when every row must be read."""
    if pattern is None:
        return None
    try:
        hit = pc.match_substring_regex(normalized, pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a pattern RE2 does not accept: read every row
    return np.flatnonzero(hit.to_numpy(zero_copy_only=False))


def column_spans(values: pa.Array, recs: Sequence[ValueRecognizerProtocol]) -> list[list[list[Span]]]:
    """Every recognizer's surviving spans in every value: ``out[r][i]`` for recognizer ``r`` and row ``i``.

    ``values`` are non-null strings.  Spans competing for the same characters are resolved per row, so a
    resident ID whose digits pass the Luhn check is not also a bank card.
    """
    n = len(values)
    texts = values.to_pylist()
    normalized = pc.utf8_normalize(values, "NFKC")
    empty: list[Span] = []
    found: list[list[list[Span]]] = []
    busy = np.zeros(n, dtype=np.int32)  # recognizers with spans, per row
    for rec in recs:
        rows = candidate_rows(normalized, prefilter(rec))
        picked = list(range(n)) if rows is None else rows.tolist()
        per_row = [empty] * n
        for i, spans in zip(picked, _spans_of(rec, [texts[i] for i in picked]), strict=True):
            if spans:
                per_row[i] = spans
                busy[i] += 1
        found.append(per_row)
    for i in np.flatnonzero(busy >= 2).tolist():
        cell = [sp for per_row in found for sp in per_row[i]]
        kept = {id(sp) for sp in resolve_overlaps(cell)}
        if len(kept) < len(cell):
            for per_row in found:
                if per_row[i]:
                    per_row[i] = [sp for sp in per_row[i] if id(sp) in kept]
    return found


def _spans_of(rec: ValueRecognizerProtocol, texts: list[str]) -> list[list[Span]]:
    """``rec.find_spans`` of each text; a recognizer with ``find_spans_column`` reads them all in one call."""
    column = getattr(rec, "find_spans_column", None)
    if callable(column):
        return column(texts)
    return [rec.find_spans(t) for t in texts]


def text_spans(text: str, recs: Sequence[ValueRecognizerProtocol]) -> list[Span]:
    """The surviving spans of every recognizer in one text (the per-cell form of :func:`column_spans`)."""
    return resolve_overlaps([sp for rec in recs for sp in rec.find_spans(text)])
