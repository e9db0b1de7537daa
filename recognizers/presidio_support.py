"""chujing's recognizers inside Microsoft Presidio (execution path b).

Every :class:`~recognizers.base.ValueRecognizer` is also a Presidio
``EntityRecognizer``: :class:`PresidioAdapter` wraps it and reports the same
spans as the free-text path, with an explanation (pattern, validator, context
words).  :class:`BlankChineseNlpEngine` runs spaCy's blank ``zh`` pipeline with
jieba word segmentation — no model download — and gives Presidio the tokens and
lemmas its context enhancer needs.

Add chujing to your own analyzer::

    from presidio_analyzer import AnalyzerEngine
    from recognizers.presidio_support import BlankChineseNlpEngine, build_registry

    analyzer = AnalyzerEngine(registry=build_registry(), nlp_engine=BlankChineseNlpEngine(),
                              supported_languages=["zh"])
    analyzer.analyze("患者王秀英，身份证号11010519491231002X", language="zh")

or add the recognizers to an existing registry::

    for rec in presidio_recognizers():
        my_registry.add_recognizer(rec)

Presidio keeps every recognizer's result, so the 18 digits of a resident ID
that also pass the Luhn check by chance come back as a bank card too.
:class:`ChujingAnalyzerEngine` (what :func:`build_analyzer` returns) resolves
such overlaps as the scanner does (:func:`recognizers.decision.resolve_overlaps`);
with your own ``AnalyzerEngine``, pass its results through
:func:`resolve_result_overlaps`.

>>> analyzer = build_analyzer()
>>> [(r.entity_type, r.start, r.end) for r in analyzer.analyze("身份证号11010519491231002X", language="zh")]
[('CN_RESIDENT_ID', 4, 22)]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from presidio_analyzer import (
    AnalysisExplanation,
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from recognizers.base import Span
from recognizers.decision import resolve_overlaps
from recognizers.protocols import ValueRecognizerProtocol
from recognizers.registry import value_recognizers

LANGUAGE = "zh"


@functools.lru_cache(maxsize=1)
def _blank_zh():  # noqa: ANN202 - spacy.Language
    import logging

    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


class BlankSpacyNlpEngine(NlpEngine):
    """A Presidio NLP engine on a blank spaCy pipeline: tokens and lemmas, no statistical NER.

    Presidio's context enhancer needs tokens and lemmas; entities come from the
    recognizers, so the engine reports none of its own.  Lemmas are the
    lower-cased tokens.  ``pipeline`` builds the spaCy ``Language`` (called once,
    on :meth:`load`).
    """

    def __init__(self, language: str, pipeline: Callable[[], Any]) -> None:
        self.language = language
        self._pipeline = pipeline
        self.nlp = None

    def load(self) -> None:
        self.nlp = self._pipeline()

    def is_loaded(self) -> bool:
        return self.nlp is not None

    def _artifacts(self, doc) -> NlpArtifacts:  # noqa: ANN001 - spacy Doc
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[t.idx for t in doc],
            lemmas=[t.text.lower() for t in doc],
            nlp_engine=self,
            language=self.language,
        )

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if not self.nlp:
            self.load()
        return self._artifacts(self.nlp(text))

    def process_batch(
        self,
        texts: Iterable,
        language: str,
        batch_size: int = 1,
        n_process: int = 1,
        as_tuples: bool = False,
        **kwargs: object,
    ):  # noqa: ANN201
        if not self.nlp:
            self.load()
        texts = list(texts)
        if as_tuples:
            for (text, ctx), doc in zip(texts, self.nlp.pipe(t for t, _ in texts), strict=True):
                yield text, self._artifacts(doc), ctx
        else:
            for text, doc in zip(texts, self.nlp.pipe(texts), strict=True):
                yield text, self._artifacts(doc)

    def is_stopword(self, word: str, language: str) -> bool:
        return bool(self.nlp and self.nlp.vocab[word].is_stop)

    def is_punct(self, word: str, language: str) -> bool:
        return bool(word) and all(not ch.isalnum() for ch in word)

    def get_supported_entities(self) -> list[str]:
        return []

    def get_supported_languages(self) -> list[str]:
        return [self.language]


class BlankChineseNlpEngine(BlankSpacyNlpEngine):
    """The engine chujing's analyzer uses: spaCy's blank Chinese pipeline, segmented by jieba."""

    def __init__(self) -> None:
        super().__init__(LANGUAGE, _blank_zh)


class PresidioAdapter(EntityRecognizer):
    """One chujing value recognizer as a Presidio recognizer (same spans, same validators)."""

    def __init__(self, recognizer: ValueRecognizerProtocol, language: str = LANGUAGE) -> None:
        self.recognizer = recognizer
        super().__init__(
            supported_entities=[recognizer.entity],
            name=f"chujing.{recognizer.name}",
            supported_language=language,
            context=list(recognizer.context),
        )

    def load(self) -> None:
        """Nothing to load: patterns are compiled when the chujing recognizer is built."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.recognizer.entity not in entities:
            return []
        out = []
        for span in self.recognizer.find_spans(text):
            explanation = AnalysisExplanation(
                recognizer=self.name,
                original_score=span.score,
                pattern_name=span.pattern,
                validation_result=True,
                textual_explanation=f"validated by {self.recognizer.name}.validate",
            )
            out.append(
                RecognizerResult(
                    entity_type=span.entity,
                    start=span.start,
                    end=span.end,
                    score=span.score,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return out


def presidio_recognizers(
    recognizers: Sequence[ValueRecognizerProtocol] | None = None, language: str = LANGUAGE
) -> list[PresidioAdapter]:
    """Every built-in chujing recognizer wrapped for Presidio."""
    return [
        PresidioAdapter(r, language)
        for r in (recognizers if recognizers is not None else value_recognizers())
    ]


def build_registry(language: str = LANGUAGE) -> RecognizerRegistry:
    """A Presidio registry holding chujing's recognizers for ``language`` (``zh``)."""
    registry = RecognizerRegistry(supported_languages=[language])
    for rec in presidio_recognizers(language=language):
        registry.add_recognizer(rec)
    return registry


def resolve_result_overlaps(results: Sequence[RecognizerResult]) -> list[RecognizerResult]:
    """The results that survive competition for the same characters, in their input order.

    The rule of the free-text path (:func:`recognizers.decision.resolve_overlaps`): among overlapping
    identifier readings the containing span, else the rarer chance validation, wins (a resident ID over
    the bank card its digits also spell); other types never compete.
    """
    proxies = [Span(r.entity_type, r.start, r.end, "", r.score, "") for r in results]
    kept = {id(sp) for sp in resolve_overlaps(proxies)}
    return [r for r, sp in zip(results, proxies, strict=True) if id(sp) in kept]


class ChujingAnalyzerEngine(AnalyzerEngine):
    """An ``AnalyzerEngine`` whose results are resolved for overlaps (:func:`resolve_result_overlaps`).

    ``BatchAnalyzerEngine`` calls :meth:`analyze` per value, so batches are resolved too.
    """

    def analyze(self, text: str, language: str, *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        return resolve_result_overlaps(super().analyze(text, language, *args, **kwargs))


def build_analyzer() -> ChujingAnalyzerEngine:
    """An analyzer for Chinese text with chujing's recognizers, the blank-zh NLP engine and overlap resolution."""
    return ChujingAnalyzerEngine(
        registry=build_registry(), nlp_engine=BlankChineseNlpEngine(), supported_languages=[LANGUAGE]
    )
