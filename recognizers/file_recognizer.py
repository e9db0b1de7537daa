"""A value recognizer defined by data: Presidio patterns, a deny list and context words, and a named validator.

:mod:`recognizers.recognizer_files` builds one :class:`FileRecognizer` per
entry of a recognizer file.  It reads the patterns as Presidio does — Python
regular expressions searched in text with the entry's flags (by default
``DOTALL | MULTILINE | IGNORECASE``), each match scored by its pattern, context
words nearby raising the score — so a team's existing Presidio recognizers find
the same spans here.  In a structured column a value counts when one pattern
matches it as a whole and the validator (if any) accepts it; the column is then
decided by :mod:`recognizers.decision` like every other recognizer's, with the
strongest pattern score as the validator strength.

>>> rec = FileRecognizer(name="Employee ID", entity="EMPLOYEE_ID",
...                      patterns=(Pattern("employee id (medium)", r"\\bEMP-\\d{6}\\b", 0.6),), context=("工号",))
>>> [(s.start, s.end, s.score) for s in rec.find_spans("工号 EMP-004211，部门 emp-1")]
[(3, 13, 0.7)]
>>> rec.analyze_values(pa.array(["EMP-004211", "emp-123456", "EMP-12"])).matched
2
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import (
    CONTEXT_BOOST,
    CONTEXT_WINDOW,
    Pattern,
    Span,
    ValueMatches,
    context_hits,
    mask_middle,
)

#: Presidio's default ``global_regex_flags``.
PRESIDIO_FLAGS = re.DOTALL | re.MULTILINE | re.IGNORECASE


class FileRecognizer:
    """One recognizer of a recognizer file; satisfies :class:`recognizers.protocols.ValueRecognizerProtocol`."""

    def __init__(
        self,
        *,
        name: str,
        entity: str,
        patterns: tuple[Pattern, ...],
        context: tuple[str, ...] = (),
        column_words: tuple[str, ...] = (),
        validator: Callable[[str], bool] | None = None,
        validator_name: str = "",
        flags: int = PRESIDIO_FLAGS,
        min_ratio: float = 0.6,
        source: str = "",
    ) -> None:
        self._name = name
        self._entity = entity
        self.patterns = patterns
        self._context = context
        self._column_words = column_words
        self._validator = validator
        self.validator_name = validator_name
        self._min_ratio = min_ratio
        self.source = source
        self._compiled = tuple((p, re.compile(p.regex, flags)) for p in patterns)
        self.__doc__ = (
            f"{entity} from {source or 'a recognizer file'}: "
            + ", ".join(p.name for p in patterns)
            + (f"; validator {validator_name}" if validator_name else "")
        )

    # -- the protocol's attributes ------------------------------------------------------------------------
    @property
    def entity(self) -> str:
        return self._entity

    @property
    def name(self) -> str:
        return self._name

    @property
    def context(self) -> tuple[str, ...]:
        return self._context

    @property
    def column_words(self) -> tuple[str, ...]:
        return self._column_words

    @property
    def negative_context(self) -> tuple[str, ...]:
        return ()

    @property
    def requires_context(self) -> bool:
        return False

    @property
    def min_ratio(self) -> float:
        return self._min_ratio

    @property
    def validator_strength(self) -> float:
        """The strongest pattern score: Presidio scores a pattern by how much a match proves."""
        return max((p.score for p in self.patterns), default=0.0)

    # -- values -------------------------------------------------------------------------------------------
    def valid(self, text: str) -> Pattern | None:
        """The first pattern that matches ``text`` as a whole and passes the validator, else ``None``."""
        for p, rx in self._compiled:
            if rx.fullmatch(text) and (self._validator is None or self._validator(text)):
                return p
        return None

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Count the values that are an instance as a whole; each distinct value is tested once."""
        n = len(values)
        if n == 0:
            return ValueMatches(self._entity, 0, 0, [])
        vc = pc.value_counts(values)
        matched, examples, first = 0, [], ""
        for value, count in zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True):
            p = self.valid(value) if isinstance(value, str) else None
            if p is None:
                continue
            matched += count
            first = first or p.name
            if len(examples) < max_examples:
                examples.append(value)
        return ValueMatches(self._entity, n, matched, examples, pattern=first)

    # -- free text ----------------------------------------------------------------------------------------
    def find_spans(self, text: str) -> list[Span]:
        """Every validated match of every pattern, overlapping matches of weaker patterns dropped."""
        if not isinstance(text, str) or not text:
            return []
        found: list[Span] = []
        for p, rx in self._compiled:
            for m in rx.finditer(text):
                start, end = m.span()
                if start == end or (self._validator is not None and not self._validator(m.group(0))):
                    continue
                near = (
                    context_hits(
                        self._context,
                        text[max(0, start - CONTEXT_WINDOW) : start] + " " + text[end : end + CONTEXT_WINDOW],
                    )
                    if self._context
                    else []
                )
                span = Span(
                    self._entity,
                    start,
                    end,
                    m.group(0),
                    min(1.0, p.score + (CONTEXT_BOOST if near else 0.0)),
                    p.name,
                )
                if near:
                    span.details["context"] = near
                found.append(span)
        kept: list[Span] = []
        for s in sorted(found, key=lambda s: (-s.score, s.start - s.end, s.start)):
            if not any(k.start <= s.start and s.end <= k.end for k in kept):
                kept.append(s)
        return sorted(kept, key=lambda s: s.start)

    def mask(self, value: str) -> str:
        return mask_middle(value) if isinstance(value, str) else ""
