"""Span-level evaluation on labelled free text.

Predictors return ``(start, end, alternatives)`` per sentence:

* :func:`presidio_path` — chujing's recognizers inside Presidio
  (:func:`recognizers.presidio_support.build_analyzer`, blank-zh NLP engine):
  what a user of the Presidio integration gets, and the headline;
* :func:`find_spans_path` — every value recognizer's ``find_spans`` directly
  (the free-text path of the scanner), reported alongside as a parity check;
* :func:`recognizers.evaluation.presidio_baseline.text_spans` — Presidio's stock
  English recognizers, the comparison row.

Only the corpus's ``text_types`` are scored: the text is labelled exhaustively
for them (README.md), so every other prediction is outside the labels and is
counted apart, not as an error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from recognizers.decision import resolve_overlaps
from recognizers.evaluation.corpus import LabelledText
from recognizers.evaluation.metrics import Counts, SpanKey, match_spans
from recognizers.protocols import ValueRecognizerProtocol
from recognizers.registry import value_recognizers

SpanPrediction = tuple[int, int, tuple[str, ...]]
SpanPredictor = Callable[[str], list[SpanPrediction]]


@functools.lru_cache(maxsize=1)
def _chujing_analyzer():  # noqa: ANN202 - presidio AnalyzerEngine
    from recognizers.presidio_support import build_analyzer

    return build_analyzer()


def presidio_path(text: str) -> list[SpanPrediction]:
    """chujing's recognizers as Presidio runs them (language ``zh``)."""
    return [(r.start, r.end, (r.entity_type,)) for r in _chujing_analyzer().analyze(text, language="zh")]


def find_spans_path(
    text: str, recognizers: Sequence[ValueRecognizerProtocol] | None = None
) -> list[SpanPrediction]:
    """Every value recognizer's ``find_spans`` on ``text``, overlaps resolved as the scanner resolves them
    (:func:`recognizers.decision.resolve_overlaps`), duplicates removed."""
    spans = [
        sp
        for rec in (recognizers if recognizers is not None else value_recognizers())
        for sp in rec.find_spans(text)
    ]
    return sorted({(sp.start, sp.end, (sp.entity,)) for sp in resolve_overlaps(spans)})


@dataclass(frozen=True)
class SpanError:
    text_id: str
    type: str
    kind: str  # "miss" or "false alarm"
    surface: str
    context: str


@dataclass
class SpanResult:
    exact: dict[str, Counts]
    overlap: dict[str, Counts]
    errors: list[SpanError] = field(default_factory=list)
    outside_labels: dict[str, int] = field(
        default_factory=dict
    )  # predictions of types the text is not labelled for
    texts: int = 0
    crashes: list[str] = field(default_factory=list)  # sentences on which the predictor raised


def _resolve(start: int, end: int, alts: tuple[str, ...], gold: Iterable[tuple[int, int, str]]) -> str:
    """Pick the alternative that an overlapping gold span has (baselines map one entity to several)."""
    for gs, ge, gt in gold:
        if gt in alts and gs < end and start < ge:
            return gt
    return alts[0]


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return f"{text[max(0, start - width) : start]}【{text[start:end]}】{text[end : end + width]}"


def evaluate_spans(
    texts: Sequence[LabelledText],
    predict: SpanPredictor,
    text_types: Iterable[str],
    *,
    scored_types: Iterable[str] | None = None,
) -> SpanResult:
    """Score ``predict`` on ``texts``; ``scored_types`` limits the types counted (baselines)."""
    scored = set(text_types) if scored_types is None else set(scored_types) & set(text_types)
    gold: list[SpanKey] = []
    pred: list[SpanKey] = []
    outside: dict[str, int] = {}
    crashes = []
    for t in texts:
        spans = [(s.start, s.end, s.type) for s in t.spans]
        gold.extend((t.id, s, e, ty) for s, e, ty in spans if ty in scored)
        try:
            found = predict(t.text)
        except Exception as exc:  # noqa: BLE001 - one broken recognizer must not hide the other results
            crashes.append(f"{t.id}: {type(exc).__name__}: {exc}")
            found = []
        for s, e, alts in found:
            ty = _resolve(s, e, alts, spans)
            if ty in scored:
                pred.append((t.id, s, e, ty))
            else:
                outside[ty] = outside.get(ty, 0) + 1
    result = SpanResult(
        exact=match_spans(gold, pred, "exact"),
        overlap=match_spans(gold, pred, "overlap"),
        outside_labels=outside,
        texts=len(texts),
        crashes=crashes,
    )
    for t in scored:
        result.exact.setdefault(t, Counts())
        result.overlap.setdefault(t, Counts())
    by_id = {t.id: t.text for t in texts}
    gold_set, pred_set = set(gold), set(pred)
    for doc, s, e, ty in sorted(gold_set - pred_set):
        result.errors.append(SpanError(doc, ty, "miss", by_id[doc][s:e], _context(by_id[doc], s, e)))
    for doc, s, e, ty in sorted(pred_set - gold_set):
        result.errors.append(SpanError(doc, ty, "false alarm", by_id[doc][s:e], _context(by_id[doc], s, e)))
    return result
