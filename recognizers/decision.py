"""The decision rule: when a column holds an entity, and how sure we are.

Recognition is decided per column, never per value: one 18-digit order number
in ten passes the Luhn check by chance, so a single passing value proves
nothing, while 95 % of a column passing proves a great deal.

Structured columns
------------------
Let *ratio* be the share of sampled non-null values that validate
(``match_ratio``), *strength* the recognizer's ``validator_strength`` (0.99 for
a checksum plus a code list, about 0.6 for a shape with allocated prefixes),
and *support* 1 when the column name or comment carries one of the
recognizer's context words, else 0.

* The entity is reported when ``ratio >= min_ratio`` (the recognizer's own
  threshold, 0.5–0.9), or ``ratio >= max(0.2, min_ratio / 2)`` with support.
  Recognizers with ``requires_context`` (bank accounts, Taiwan permits …) are
  reported only with support.
* ``score = 0.6 * strength + 0.3 * ratio + 0.1 * support``, clipped to [0, 1].

A column whose name or comment carries one of the recognizer's
``negative_context`` words (``version`` for IP addresses) is never reported
for that entity, and a ``requires_context`` recognizer is not even run on a
structured column without support.

Free-text columns
-----------------
Each value is searched for valid spans; *ratio* is the share of values with
at least one.  A strong validator (strength >= 0.9) needs one valid span, a
weaker one two values with spans or one with support.  ``score = 0.6 * strength
+ 0.3 * min(1, 5 * ratio) + 0.1 * support``.
"""

from __future__ import annotations

import re

import pyarrow as pa

from recognizers.base import ValueMatches
from recognizers.columns import column_entity_hints
from recognizers.findings import EntityFinding
from recognizers.protocols import ValueRecognizerProtocol

MAX_EVIDENCE = 3


def _name_tokens(name: str) -> tuple[str, set[str]]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    low = spaced.lower()
    tokens = set(re.split(r"[^0-9a-z\u4e00-\u9fff]+", low)) - {""}
    return low, tokens


def metadata_words(words: tuple[str, ...], name: str, comment: str | None) -> list[str]:
    """Context words found in a column name or comment.

    Short ASCII words (pinyin initials such as ``xm``, ``sfzh``) must be a whole
    token of the name, so ``xm`` does not fire on ``xml_payload``; longer words
    and Chinese words may appear anywhere.

    >>> metadata_words(("sfzh", "身份证", "id card"), "patient_SFZH", "患者身份证号")
    ['sfzh', '身份证']
    >>> metadata_words(("xm",), "xml_payload", None)
    []
    """
    hits = []
    low, tokens = _name_tokens(name)
    low_joined = low.replace("_", " ")
    comment_low = (comment or "").lower()
    for w in words:
        wl = w.lower()
        if wl.isascii():
            if len(wl) <= 4 and " " not in wl:
                if wl in tokens or wl == low:
                    hits.append(w)
            elif (
                wl in low
                or wl in low_joined
                or wl.replace(" ", "_") in low
                or (comment_low and wl in comment_low)
            ):
                hits.append(w)
        elif wl in low or wl in comment_low:
            hits.append(w)
    return hits


def metadata_support(rec: ValueRecognizerProtocol, name: str, comment: str | None) -> list[str]:
    """Words in the column's name or comment that support the recognizer's entity.

    The union of the recognizer's own context and column words and the
    column-name lexicon's hints for its entity (Chinese, English, pinyin,
    pinyin initials; see :mod:`recognizers.columns`).
    """
    own = metadata_words(rec.context, name, comment)
    if rec.column_words:
        own += metadata_words(rec.column_words, name, comment)
    hints = column_entity_hints(name, comment).get(rec.entity, [])
    return list(dict.fromkeys(own + hints))


def _score(strength: float, ratio: float, support: bool) -> float:
    return max(0.0, min(1.0, 0.6 * strength + 0.3 * ratio + (0.1 if support else 0.0)))


def contradicted(rec: ValueRecognizerProtocol, name: str, comment: str | None) -> list[str]:
    """The recognizer's negative context words in a column's name or comment (``version`` for IPs)."""
    return metadata_words(rec.negative_context, name, comment) if rec.negative_context else []


def decide_structured(
    rec: ValueRecognizerProtocol, vm: ValueMatches, support: list[str]
) -> EntityFinding | None:
    """Apply the structured rule to one recognizer's matches in one column."""
    if vm.matched == 0 or vm.non_null == 0:
        return None
    if rec.requires_context and not support:
        return None
    ratio = vm.match_ratio
    threshold = rec.min_ratio if not support else max(0.2, rec.min_ratio / 2)
    if ratio < threshold:
        return None
    why = f"{vm.matched}/{vm.non_null} sampled values match '{vm.pattern}' and pass {rec.name}.validate"
    if support:
        why += f"; column name/comment supports it ({', '.join(support)})"
    return EntityFinding(
        type=rec.entity,
        score=_score(rec.validator_strength, ratio, bool(support)),
        match_ratio=ratio,
        matched=vm.matched,
        evidence=[rec.mask(v) for v in vm.examples[:MAX_EVIDENCE]],
        recognizer=rec.name,
        explanation=why,
        details=dict(vm.details),
    )


def decide_text(rec: ValueRecognizerProtocol, values: pa.Array, support: list[str]) -> EntityFinding | None:
    """Apply the free-text rule: search every value for valid spans.

    Recognizers that require context keep only spans with a context word
    nearby (see :meth:`~recognizers.base.ValueRecognizer.find_spans`), so no
    column-level support is needed here.
    """
    n = len(values)
    with_spans = 0
    examples: list[str] = []
    pattern = ""
    for text in values.to_pylist():
        spans = rec.find_spans(text)
        if not spans:
            continue
        with_spans += 1
        pattern = pattern or spans[0].pattern
        for sp in spans:
            if len(examples) < MAX_EVIDENCE:
                examples.append(sp.text)
    if with_spans == 0:
        return None
    if rec.validator_strength < 0.9 and with_spans < 2 and not support:
        return None
    ratio = with_spans / n
    why = (
        f"{with_spans}/{n} sampled texts contain a span matching '{pattern}' that passes {rec.name}.validate"
    )
    if support:
        why += f"; column name/comment supports it ({', '.join(support)})"
    return EntityFinding(
        type=rec.entity,
        score=_score(rec.validator_strength, min(1.0, 5 * ratio), bool(support)),
        match_ratio=ratio,
        matched=with_spans,
        evidence=[rec.mask(v) for v in examples],
        recognizer=rec.name,
        explanation=why,
        details={"free_text": True},
    )
