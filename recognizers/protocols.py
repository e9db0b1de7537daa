"""The extension points: what the engine asks of a recognizer, declared once.

chujing's built-in recognizers, the recognizers of installed packages (entry
points in the group ``chujing.recognizers``) and the recognizers read from YAML
files all satisfy these protocols; :mod:`recognizers.registry` collects them.

* :class:`ValueRecognizerProtocol` — one entity type recognized in a column's
  values (structured path) and in free text (spans).  Subclassing
  :class:`recognizers.base.ValueRecognizer` gives every member but the patterns,
  the context words and the validator.
* :class:`TableRecognizerProtocol` — evidence that spans columns (a latitude
  beside a longitude, minors derived from birth dates); it declares the entity
  types it can report so that the catalogue can be checked to classify them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pyarrow as pa

from recognizers.base import Span, ValueMatches
from recognizers.context import TableContext
from recognizers.findings import EntityFinding


@runtime_checkable
class ValueRecognizerProtocol(Protocol):
    """A recognizer of one entity type in values; the decision rule is :mod:`recognizers.decision`'s."""

    @property
    def entity(self) -> str:
        """Stable entity id reported and classified by the catalogue (``CN_RESIDENT_ID``)."""
        ...

    @property
    def name(self) -> str:
        """Name shown in explanations and in ``chujing recognizers list``."""
        ...

    @property
    def context(self) -> tuple[str, ...]:
        """Words that support the entity near a span or in a column name or comment."""
        ...

    @property
    def column_words(self) -> tuple[str, ...]:
        """Further words that support the entity in a column name or comment only (pinyin, initials)."""
        ...

    @property
    def negative_context(self) -> tuple[str, ...]:
        """Words in a column name or comment that rule the entity out."""
        ...

    @property
    def requires_context(self) -> bool:
        """Report only with supporting context (shapes without a check digit)."""
        ...

    @property
    def min_ratio(self) -> float:
        """Share of a column's values that must be valid without supporting context."""
        ...

    @property
    def validator_strength(self) -> float:
        """How much a valid value proves, 0..1."""
        ...

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Count the valid values of a column of trimmed, non-null strings."""
        ...

    def find_spans(self, text: str) -> list[Span]:
        """Valid instances in a text, with offsets; anything but a non-empty string gives ``[]``."""
        ...

    def mask(self, value: str) -> str:
        """Masked form of a value for evidence: never enough to recover it."""
        ...


@runtime_checkable
class TableRecognizerProtocol(Protocol):
    """A recognizer that reads a whole table after the value recognizers."""

    @property
    def entities(self) -> tuple[str, ...]:
        """Entity types it can report (empty when it only completes other findings)."""
        ...

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        """New findings per column name; it may also complete ``ctx.findings`` in place."""
        ...
