"""The accuracy targets the recognizers are held to (issue 3), and which entity types exist to be held.

Column level: for every entity type that has labelled columns, precision at
least 0.98 and recall at least 0.95 — names, addresses and diagnoses included.
Span level (free text): F1 at least 0.90 with exact matching for names, ID
numbers, phone numbers and addresses.

A type of the vocabulary with no recognizer is *not implemented*: it is listed
as such, never silently dropped, and the targets apply to it as soon as a
recognizer for it is registered.
"""

from __future__ import annotations

from recognizers.registry import entity_types

COLUMN_PRECISION = 0.98
COLUMN_RECALL = 0.95
SPAN_F1 = 0.90
#: Matching mode of the span-level headline figures and targets.
HEADLINE_MATCH = "exact"
#: Types held to the span-level target: names, ID numbers, phones, addresses.
SPAN_TARGET_TYPES: tuple[str, ...] = (
    "CN_PERSON_NAME",
    "CN_RESIDENT_ID",
    "CN_PASSPORT",
    "CN_HMT_PERMIT",
    "CN_FOREIGNER_PR",
    "CN_MOBILE",
    "CN_LANDLINE",
    "CN_ADDRESS",
)


def implemented_types() -> set[str]:
    """Entity types some built-in recognizer can report: value recognizers and the types table recognizers declare."""
    return set(entity_types())


def column_status(precision: float | None, recall: float | None, support: int, implemented: bool) -> str:
    """``ok``, ``MISS`` (below a target) or ``not implemented``; types without labelled columns are ``-``."""
    if not implemented:
        return "not implemented"
    if not support:
        return "ok" if precision in (None, 1.0) else "MISS"
    ok = (precision or 0.0) >= COLUMN_PRECISION and (recall or 0.0) >= COLUMN_RECALL
    return "ok" if ok else "MISS"


def span_status(etype: str, f1: float | None, implemented: bool) -> str:
    if not implemented:
        return "not implemented"
    if etype not in SPAN_TARGET_TYPES:
        return "-"
    return "ok" if (f1 or 0.0) >= SPAN_F1 else "MISS"
