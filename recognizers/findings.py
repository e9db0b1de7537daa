"""What recognizers report about a column: entity findings with their explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: What a finding rests on: sampled values that matched, or the column's name/comment alone.
Basis = Literal["values", "name_only"]


@dataclass
class EntityFinding:
    """One entity type found in one column.

    ``evidence`` holds *masked* examples only (at most three); ``explanation``
    says which pattern, validator and context words led to the finding, so that
    a report can say why.  ``details`` carries derived facts that later stages
    use (``birth_dates`` for minors, ``lat_column``/``lon_column`` for
    coordinate pairs, ``free_text`` …); it is written into the report as is, so
    it must never hold raw values either.  ``basis`` says whether values matched
    (``values``) or only the column name/comment speaks (``name_only``): a reader
    and the catalogue must be able to tell a guess from a measurement.
    """

    type: str
    score: float
    match_ratio: float
    matched: int
    evidence: list[str] = field(default_factory=list)
    precision_m: float | None = None
    recognizer: str = ""
    explanation: str = ""
    details: dict[str, object] = field(default_factory=dict)
    basis: Basis = "values"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "type": self.type,
            "score": round(self.score, 4),
            "match_ratio": round(self.match_ratio, 4),
            "matched": self.matched,
            "evidence": list(self.evidence),
            "precision_m": None if self.precision_m is None else round(self.precision_m, 3),
            "recognizer": self.recognizer,
            "explanation": self.explanation,
            "basis": self.basis,
        }
        if self.details:
            out["details"] = dict(self.details)
        return out
