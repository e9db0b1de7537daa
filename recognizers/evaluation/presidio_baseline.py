"""The comparison baseline: Microsoft Presidio's stock English recognizers, run on the same corpus.

What "stock" means here: ``RecognizerRegistry.load_predefined_recognizers``
for language ``en`` (credit card, e-mail, IP, MAC, phone, URL, US documents
…) inside an ``AnalyzerEngine``.  Presidio normally runs a spaCy model for
names and places; no model can be downloaded here, so the engine gets spaCy's
*blank* English pipeline (:class:`BlankEnglishNlpEngine`): tokens and lemmas
for the context enhancer, no statistical NER.  Its ``PERSON``/``LOCATION``
recognizer therefore reports nothing — as it would on Chinese text with an
English model anyway.

Presidio's entity names are mapped onto chujing's (:data:`PRESIDIO_TO_CHUJING`).
Where one Presidio entity stands for several of ours (``PHONE_NUMBER`` for a
mobile, a landline or an MSISDN) the prediction counts as whichever of them
the gold label is, which is generous to Presidio.  Entities with no
counterpart (``DATE_TIME``, ``URL``, ``US_SSN`` …) are not scored.

Column level, Presidio has no column decision of its own; the baseline uses
presidio-structured's rule: analyse the values one by one, take each value's
highest-scoring entity, and give the column the most common one when at least
half of the analysed non-null values carry it.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers.presidio_support import BlankSpacyNlpEngine

#: Presidio entity → the chujing entity types it may stand for (first = default).
PRESIDIO_TO_CHUJING: dict[str, tuple[str, ...]] = {
    "EMAIL_ADDRESS": ("EMAIL",),
    "CREDIT_CARD": ("CN_BANK_CARD",),
    "PHONE_NUMBER": ("CN_MOBILE", "CN_LANDLINE", "MSISDN"),
    "IP_ADDRESS": ("IP_ADDRESS",),
    "MAC_ADDRESS": ("MAC_ADDRESS",),
    "PERSON": ("CN_PERSON_NAME",),
    "LOCATION": ("CN_ADDRESS",),
    "US_BANK_NUMBER": ("CN_BANK_ACCOUNT",),
    "US_PASSPORT": ("CN_PASSPORT",),
    "NRP": ("ETHNICITY", "RELIGION"),
}
#: The chujing types the baseline can report at all.
COVERED_TYPES: frozenset[str] = frozenset(t for ts in PRESIDIO_TO_CHUJING.values() for t in ts)
LANGUAGE = "en"


@functools.lru_cache(maxsize=1)
def _blank_en():  # noqa: ANN202 - spacy.Language
    import spacy

    return spacy.blank("en")


class BlankEnglishNlpEngine(BlankSpacyNlpEngine):
    """Presidio NLP engine on spaCy's blank English pipeline: tokens and lemmas, no entities."""

    def __init__(self) -> None:
        super().__init__(LANGUAGE, _blank_en)


def _offline_tldextract() -> None:
    """Make ``tldextract`` (used by Presidio's e-mail recognizer) read its bundled suffix list.

    By default it downloads the Public Suffix List on first use, which would be
    a run-time download (and a long timeout without network).  The bundled
    snapshot is what it falls back to anyway.
    """
    import tldextract.tldextract as tt

    tt.TLD_EXTRACTOR = tt.TLDExtract(suffix_list_urls=(), cache_dir=None)


@functools.lru_cache(maxsize=1)
def stock_analyzer() -> AnalyzerEngine:
    """Presidio's predefined English recognizers in an ``AnalyzerEngine`` on the blank English pipeline."""
    _offline_tldextract()
    engine = BlankEnglishNlpEngine()
    engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=engine)
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE])


def text_spans(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Presidio's findings in ``text`` as ``(start, end, chujing alternatives)``; unmapped entities dropped."""
    out = []
    for r in stock_analyzer().analyze(text, language=LANGUAGE):
        alts = PRESIDIO_TO_CHUJING.get(r.entity_type)
        if alts:
            out.append((r.start, r.end, alts))
    return out


def column_types(
    values: Iterable[object], max_values: int = 100, share: float = 0.5
) -> list[tuple[str, ...]]:
    """The presidio-structured style decision for one column: ``[alternatives]`` or ``[]``."""
    analyzer = stock_analyzer()
    seen = 0
    top: Counter[tuple[str, ...]] = Counter()
    for v in values:
        if v is None or str(v).strip() == "":
            continue
        seen += 1
        results = [
            r for r in analyzer.analyze(str(v), language=LANGUAGE) if r.entity_type in PRESIDIO_TO_CHUJING
        ]
        if results:
            best = max(results, key=lambda r: r.score)
            top[PRESIDIO_TO_CHUJING[best.entity_type]] += 1
        if seen >= max_values:
            break
    if not top or not seen:
        return []
    alts, count = top.most_common(1)[0]
    return [alts] if count / seen >= share else []
