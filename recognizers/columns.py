"""What column names and comments say about the entity a column holds.

Chinese schemas name columns in four ways, often mixed in one database:
Chinese (``身份证号``, ``患者姓名``), English (``id_card``, ``patientName``),
full pinyin (``shenfenzheng``, ``xingming``) and pinyin initials (``sfzh``,
``xm``, ``csrq``).  The lexicon ``recognizers/data/column_lexicon.tsv`` lists
the words for every entity of the vocabulary; its pinyin and initials are
generated from the Chinese terms by ``recognizers/data/update/column_lexicon.py``.

Matching rules (so that short words do not fire inside longer ones):

* names are split into tokens at ``_``, ``-``, ``.``, spaces, camel-case
  humps (``patientName`` → ``patient name``, ``IDCard`` → ``id card``) and
  script changes (``ip地址`` → ``ip`` + ``地址``);
* Chinese words match anywhere in the name or the comment;
* ASCII words of up to four letters (initials ``xm``, ``dz``, ``sfzh``; ``dob``,
  ``sex``) must be a whole token, so ``xm`` does not fire in ``xml`` and ``dz``
  not in ``dzfp``; longer words may also begin or end a token
  (``shenfenzhenghao``, ``userpassword``); phrases match consecutive tokens or
  their concatenation (``id card`` in ``id_card``, ``idCard``, ``idcard``);
* *not* words cancel an entity: weak words in the same name (``company_name``
  is no person's name), strong words only right next to the hit
  (``ip_address``, ``邮箱地址``, ``birth_place``, ``pwd_fail_count``).

Two uses:

* :func:`column_entity_hints` — *support*: an entity's recognizer needs a
  smaller share of matching values when the name agrees (see
  :mod:`recognizers.decision`);
* :func:`name_only_findings` — for columns whose values say nothing (empty,
  encrypted, binary) but whose name strongly does (``face_feature``,
  ``mima``): low-scored findings the caller reports only when no value
  finding contradicts them.

>>> column_entity_hints("hzxm", "患者姓名")["CN_PERSON_NAME"]
['姓名', '患者姓名', 'hzxm']
>>> sorted(column_entity_hints("patientIdCard"))
['CN_RESIDENT_ID']
>>> column_entity_hints("xml_payload"), column_entity_hints("dzfp_no")
({}, {})
>>> "CN_ADDRESS" in column_entity_hints("ip_address"), "CN_PERSON_NAME" in column_entity_hints("company_name")
(False, False)
>>> name_only_findings("face_feature")
[NameHint(entity='BIOMETRIC', words=['face feature'], score=0.35)]
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NamedTuple

_LEXICON = Path(__file__).resolve().parent / "data" / "column_lexicon.tsv"

#: Score of a finding backed by the column name alone (below any value-backed finding).
NAME_ONLY_SCORE = 0.35
#: ASCII words up to this length must be a whole token.
SHORT_WORD = 4


class Term(NamedTuple):
    """One lexicon word: the entity it supports, its kind (zh/en/pinyin/initials/not) and strength."""

    entity: str
    kind: str
    term: str
    strength: str


class NameHint(NamedTuple):
    """A finding suggested by a column's name or comment alone."""

    entity: str
    words: list[str]
    score: float


@functools.lru_cache(maxsize=1)
def lexicon() -> tuple[Term, ...]:
    """Every lexicon entry, in file order."""
    out = []
    with open(_LEXICON, encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                entity, kind, term, strength = (line.rstrip("\n").split("\t") + [""])[:4]
                out.append(Term(entity, kind, term.lower(), strength))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def entity_words() -> dict[str, tuple[str, ...]]:
    """Entity → its supporting words (every kind but ``not``)."""
    out: dict[str, list[str]] = {}
    for t in lexicon():
        if t.kind != "not":
            out.setdefault(t.entity, []).append(t.term)
    return {e: tuple(w) for e, w in out.items()}


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(
    r"[^0-9a-z\u3400-\u9fff]+|(?<=[a-z0-9])(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])(?=[a-z0-9])"
)


def name_tokens(name: str) -> list[str]:
    """Lower-case tokens of a column name (snake, kebab, camel case, script changes; digits trimmed).

    >>> name_tokens("patientIDCard_no2"), name_tokens("患者ip地址")
    (['patient', 'id', 'card', 'no'], ['患者', 'ip', '地址'])
    """
    spaced = _CAMEL.sub(" ", name or "")
    out = []
    for tok in _SPLIT.split(spaced.lower()):
        tok = tok.strip("0123456789") if not tok.isdigit() else ""
        if tok:
            out.append(tok)
    return out


def _ascii_positions(term: str, tokens: list[str]) -> list[int]:
    """Token indices where an ASCII term matches (see the module rules)."""
    words = term.split()
    hits = []
    if len(words) > 1:
        joined = "".join(words)
        for k in range(len(tokens)):
            exact = tokens[k : k + len(words)] == words or tokens[k] == joined
            if exact or (
                len(joined) > SHORT_WORD and (tokens[k].startswith(joined) or tokens[k].endswith(joined))
            ):
                hits.append(k)
        return hits
    for k, tok in enumerate(tokens):
        if tok == term or (len(term) > SHORT_WORD and (tok.startswith(term) or tok.endswith(term))):
            hits.append(k)
    return hits


class _Hit(NamedTuple):
    term: Term
    where: str  # token index (as text), "zh" (Chinese in the name) or "comment"
    start: int  # span in tokens (ASCII in the name) or characters (Chinese, comment)
    end: int


def _raw_hits(name: str, comment: str | None) -> dict[str, list[_Hit]]:
    """Entity → matched lexicon terms with where they matched; a hit inside a longer hit of another entity is dropped."""
    tokens = name_tokens(name)
    low_name = (name or "").lower()
    low_comment = (comment or "").lower()
    hits: list[_Hit] = []
    for t in lexicon():
        if t.term.isascii():
            width = len(t.term.split())
            hits.extend(_Hit(t, str(k), k, k + width) for k in _ascii_positions(t.term, tokens))
            if low_comment and not any(h.term is t for h in hits[-1:]):
                m = _comment_re(t.term).search(low_comment)
                if m:
                    hits.append(_Hit(t, "comment", m.start(), m.end()))
        else:
            for where, text in (("zh", low_name), ("comment", low_comment)):
                k = text.find(t.term) if text else -1
                if k >= 0:
                    hits.append(_Hit(t, where, k, k + len(t.term)))
    out: dict[str, list[_Hit]] = {}
    for h in hits:
        if h.term.kind != "not" and any(
            _inside(h, o) for o in hits if o.term.entity != h.term.entity and o.term.kind != "not"
        ):
            continue
        out.setdefault(h.term.entity, []).append(h)
    return out


def _inside(h: _Hit, o: _Hit) -> bool:
    """True when another entity's hit ``o`` overrides ``h``: it contains ``h`` and is longer, or overlaps it and
    ends later (the head of a compound comes last: ``patient id card`` is an ID card, not a patient id)."""
    same_space = (h.where == "comment") == (o.where == "comment") and (h.where == "zh") == (o.where == "zh")
    if not same_space or not (o.start < h.end and h.start < o.end):
        return False
    longer = len(o.term.term.replace(" ", "")) > len(h.term.term.replace(" ", ""))
    return (longer and o.start <= h.start and h.end <= o.end) or o.end > h.end


@functools.lru_cache(maxsize=4096)
def _comment_re(term: str) -> re.Pattern[str]:
    pattern = r"[\s_\-]?".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<![a-z]){pattern}(?![a-z])")


def _cancelled(h: _Hit, nots: list[_Hit], name: str, comment: str | None) -> bool:
    if not nots:
        return False
    hit, where = h.term, h.where
    if hit.strength != "strong":
        return True
    tokens = name_tokens(name)
    for n, nwhere, _, _ in nots:
        if hit.term.isascii() and where.isdigit():
            k = int(where)
            if (nwhere.isdigit() and abs(int(nwhere) - k) == 1) or (
                tokens[k].startswith(n.term) and tokens[k] != hit.term
            ):
                return True
        elif not hit.term.isascii():
            texts = [(text or "").lower() for text in (name, comment)]
            if any(n.term + hit.term in t or hit.term + n.term in t for t in texts):
                return True
    return False


def column_entity_hints(name: str, comment: str | None = None) -> dict[str, list[str]]:
    """Entity → the lexicon words found in a column's name or comment (order of the lexicon, no repeats).

    Every recognizer asks this of every column, so the answer is cached per (name, comment); callers get
    fresh lists.
    """
    return {entity: list(words) for entity, words in _entity_hints(name, comment)}


@functools.lru_cache(maxsize=8192)
def _entity_hints(name: str, comment: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = _raw_hits(name, comment)
    out = []
    for entity, hits in raw.items():
        nots = [h for h in hits if h.term.kind == "not"]
        words = [h.term.term for h in hits if h.term.kind != "not" and not _cancelled(h, nots, name, comment)]
        if words:
            out.append((entity, tuple(dict.fromkeys(words))))
    return tuple(out)


def name_only_findings(name: str, comment: str | None = None) -> list[NameHint]:
    """Entities the name or comment states with a *strong* word, each with :data:`NAME_ONLY_SCORE`.

    Meant for columns whose values are empty or unrecognisable; values outweigh
    names when they contradict.

    >>> name_only_findings("mima"), name_only_findings("name")
    ([NameHint(entity='CREDENTIAL', words=['mima'], score=0.35)], [])
    """
    raw = _raw_hits(name, comment)
    out = []
    for entity, hits in raw.items():
        nots = [h for h in hits if h.term.kind == "not"]
        strong = [
            h.term.term
            for h in hits
            if h.term.strength == "strong" and not _cancelled(h, nots, name, comment)
        ]
        if strong:
            out.append(NameHint(entity, list(dict.fromkeys(strong)), NAME_ONLY_SCORE))
    return sorted(out, key=lambda h: (-len(h.words), h.entity))
