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
Each value is searched for valid spans by every recognizer, and spans that
compete for the same characters are resolved (:func:`resolve_overlaps`): an
18-digit resident ID passes the Luhn check one time in ten and must not also
make the column a bank-card column.  *ratio* is the share of values with at
least one surviving span.  A strong validator (strength >= 0.9) needs one valid span, a
weaker one two values with spans or one with support.  ``score = 0.6 * strength
+ 0.3 * min(1, 5 * ratio) + 0.1 * support``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from recognizers.base import Span, ValueMatches
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
    return list(_metadata_words(tuple(words), name, comment))


@functools.lru_cache(maxsize=16384)
def _metadata_words(words: tuple[str, ...], name: str, comment: str | None) -> tuple[str, ...]:
    """:func:`metadata_words`, once per column name and word list: a warehouse repeats its column names in
    table after table, and every recognizer asks about every column."""
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
    return tuple(hits)


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


#: Identifier types that compete for the same characters, by how rarely a string of the right shape validates
#: by chance (0 = rarest).  Only these types suppress one another: a disease that is both DIAGNOSIS and
#: SPECIAL_DISEASE, or an ICD code inside a diagnosis, are two true readings, not competitors.
SPAN_PRECEDENCE: dict[str, int] = {
    # GB 11643 MOD 11-2 check character (1 in 11) on top of a real division code and a real birth date:
    # a random 18-digit string passes well under once in a thousand.  (CN_HMT_PERMIT is left out: the type
    # also covers travel permits with no check digit at all.)
    "CN_RESIDENT_ID": 0,
    # GB 32100 MOD 31 check character (1 in 31) with registration authority and category codes, and the
    # 2023 permanent-residence card's check digit with a nationality code: both pass by chance more often
    # than a resident ID, far less often than Luhn.
    "CN_USCC": 1,
    "CN_FOREIGNER_PR": 1,
    # Luhn: one digit string in ten passes, whatever it is; the issuer prefix narrows it only a little.
    "CN_BANK_CARD": 2,
    "ICCID": 2,
    "IMEI": 2,
    # No check digit: shape, length and allocated prefixes only.
    "CN_BANK_ACCOUNT": 3,
    "CN_MOBILE": 3,
    "MSISDN": 3,
    "IMSI": 3,
    "CN_PASSPORT": 3,
    "CN_DRIVER_FILE_NO": 3,
    "MEDICAL_RECORD_NO": 3,
}


def _beats(a: Span, b: Span) -> bool:
    """True when competing span ``a`` suppresses the overlapping span ``b`` of another type.

    A span that strictly contains the other wins: the sub-span reads part of a token the longer reading
    explains whole.  Otherwise (same characters, or crossing) the rarer chance validation wins; equal
    precedence keeps both, as there is nothing to choose by.
    """
    if a.start <= b.start and b.end <= a.end and (a.start, a.end) != (b.start, b.end):
        return True
    if b.start <= a.start and a.end <= b.end and (a.start, a.end) != (b.start, b.end):
        return False
    return SPAN_PRECEDENCE[a.entity] < SPAN_PRECEDENCE[b.entity]


def resolve_overlaps(spans: Sequence[Span]) -> list[Span]:
    """The spans of one text that survive competition for the same characters, in their input order.

    A span of a type in :data:`SPAN_PRECEDENCE` is dropped when an overlapping span of another such type
    beats it (:func:`_beats`): the 18 digits of a resident ID pass its MOD 11-2 check and, one time in
    ten, the Luhn check too, but they are one resident ID, not also a bank card.  Spans of other types,
    and spans of the same type, are never dropped here.  Each span is judged against every other, so the
    result does not depend on the order of the recognizers.
    """
    ranked = [sp for sp in spans if sp.entity in SPAN_PRECEDENCE]
    if len(ranked) < 2:
        return list(spans)
    beaten = {
        id(b)
        for b in ranked
        for a in ranked
        if a.entity != b.entity and a.start < b.end and b.start < a.end and _beats(a, b)
    }
    return [sp for sp in spans if id(sp) not in beaten]


def decide_text(
    rec: ValueRecognizerProtocol, spans_per_value: Sequence[Sequence[Span]], support: list[str]
) -> EntityFinding | None:
    """Apply the free-text rule to one recognizer's surviving spans, one list per sampled value.

    The caller finds the spans and drops those another type beats on the same characters
    (:func:`resolve_overlaps`), so a column is reported for a type only from spans that survive.
    Recognizers that require context keep only spans with a context word nearby (see
    :meth:`~recognizers.base.ValueRecognizer.find_spans`), so no column-level support is needed here.
    """
    n = len(spans_per_value)
    found = list(filter(None, spans_per_value))  # in C, half a comprehension's time: columns are long
    with_spans = len(found)
    if with_spans == 0:
        return None
    pattern = next((spans[0].pattern for spans in found if spans[0].pattern), "")
    examples = [sp.text for spans in found[:MAX_EVIDENCE] for sp in spans][:MAX_EVIDENCE]
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
