"""Precision, recall and F1 per entity type, with micro and macro averages, and span matching.

Conventions (stated once, used by every report):

* precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean;
  a ratio whose denominator is zero is ``None`` (printed ``-``): a type that
  was never predicted has no precision, a type never labelled has no recall;
* **micro** averages pool the counts of the types; **macro** averages are the
  mean of the per-type figures over the types that have support (labelled
  instances), with an undefined precision or F1 counted as 0 there — a type
  that is labelled but never found drags the macro average down, as it should.

Span matching:

* **exact**: same start, end and type;
* **overlap**: same type and at least one character in common, matched one to
  one (each gold span and each prediction is used once, earliest first).

>>> c = Counts(tp=8, fp=2, fn=0)
>>> c.precision, c.recall, round(c.f1, 3)
(0.8, 1.0, 0.889)
>>> gold = [("t1", 0, 3, "CN_PERSON_NAME"), ("t1", 5, 16, "CN_MOBILE")]
>>> pred = [("t1", 0, 2, "CN_PERSON_NAME"), ("t1", 5, 16, "CN_MOBILE")]
>>> exact = match_spans(gold, pred, "exact")
>>> exact["CN_PERSON_NAME"], exact["CN_MOBILE"]
(Counts(tp=0, fp=1, fn=1), Counts(tp=1, fp=0, fn=0))
>>> match_spans(gold, pred, "overlap")["CN_PERSON_NAME"]
Counts(tp=1, fp=0, fn=0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SpanKey = tuple[str, int, int, str]  # (document id, start, end, entity type)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.support,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def micro(per_type: Mapping[str, Counts], types: Iterable[str] | None = None) -> Counts:
    """Pooled counts over ``types`` (all types by default)."""
    total = Counts()
    for t in per_type if types is None else types:
        total = total + per_type.get(t, Counts())
    return total


def macro(per_type: Mapping[str, Counts], types: Iterable[str] | None = None) -> dict[str, float | None]:
    """Mean precision, recall and F1 over the types with support (undefined figures count as 0)."""
    rows = [per_type.get(t, Counts()) for t in (per_type if types is None else types)]
    rows = [c for c in rows if c.support]
    if not rows:
        return {"precision": None, "recall": None, "f1": None}
    return {
        "precision": round(sum(c.precision or 0.0 for c in rows) / len(rows), 4),
        "recall": round(sum(c.recall or 0.0 for c in rows) / len(rows), 4),
        "f1": round(sum(c.f1 or 0.0 for c in rows) / len(rows), 4),
    }


def match_spans(gold: Iterable[SpanKey], pred: Iterable[SpanKey], mode: str) -> dict[str, Counts]:
    """Per-type counts of predicted spans against gold spans (``mode`` is ``"exact"`` or ``"overlap"``)."""
    if mode not in ("exact", "overlap"):
        raise ValueError(f"unknown matching mode {mode!r}")
    gold_set, pred_set = set(gold), set(pred)
    out: dict[str, Counts] = defaultdict(Counts)
    if mode == "exact":
        for k in gold_set:
            out[k[3]].tp += k in pred_set
            out[k[3]].fn += k not in pred_set
        for k in pred_set - gold_set:
            out[k[3]].fp += 1
        return dict(out)
    by_doc_type: dict[tuple[str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
    for doc, s, e, t in gold_set:
        by_doc_type[(doc, t)][0].append((s, e))
    for doc, s, e, t in pred_set:
        by_doc_type[(doc, t)][1].append((s, e))
    for (_doc, t), (golds, preds) in by_doc_type.items():
        used = set()
        tp = 0
        for gs, ge in sorted(golds):
            for i, (ps, pe) in enumerate(sorted(preds)):
                if i not in used and ps < ge and gs < pe:
                    used.add(i)
                    tp += 1
                    break
        out[t].tp += tp
        out[t].fn += len(golds) - tp
        out[t].fp += len(preds) - tp
    return dict(out)
