"""The free-text name model of :mod:`recognizers.names` over a whole column at once (numpy on code points).

:func:`recognizers.names.find_names` reads one text at a time: every surname
position yields candidate spans, each scored by a logistic model over 21
features computed with dictionary look-ups in Python (~10 µs a candidate,
a dozen candidates a sentence).  Here the texts of a column are joined with
``\\n`` (a character no name, cue or word contains, and punctuation to the
model) into one array of code points, and every step is an array operation:

* candidates: surname tables indexed by code point, given-name character
  counts, and the vetoes (organisation and place words after the span, a title
  as given name, reduplicated characters) as boolean arrays over positions;
* features: log-probabilities per code point summed over the span, cue
  words before and after as 1-3 character keys looked up with ``np.isin``,
  word boundaries from one jieba-rs segmentation of the joined text (jieba
  segments each run of Han characters on its own, so joining changes nothing);
* look-ups of whole candidate strings (jieba's dictionary, place names) run
  once per distinct string.

The result is exactly :func:`~recognizers.names.find_names` per text (the test
suite compares them on public corpora); :class:`NameTables` carries the
tables, built by :mod:`recognizers.names`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import rjieba

BMP = 0x10000
#: How far before the start or past the end positions are read (cue windows of 3, words of 4, spans of 4).
_PAD = 16
#: Separator of the joined texts: punctuation to the model, in no word, cue, surname or given name.
SEP = "\n"


@dataclass(frozen=True)
class NameTables:
    """Everything the model reads, as arrays over code points or sets of strings (see :mod:`recognizers.names`)."""

    sur1_logp: np.ndarray  # float, log10(share / 100) of single-character surnames, NaN elsewhere
    sur1_share: np.ndarray  # float, percent share of single-character surnames, 0 elsewhere
    sur2_keys: np.ndarray  # sorted int64 first << 21 | second of compound surnames
    sur2_logp: np.ndarray  # their log10(share / 100), aligned with sur2_keys
    sur2_first: np.ndarray  # bool, the first characters of compound surnames
    giv_count: np.ndarray  # int, how many names use a character as given name
    giv_logp: np.ndarray  # float, log10 share among given-name characters, -8 for unknown
    background: np.ndarray  # float, log10 share in running text
    punct: np.ndarray  # bool
    not_name_end: np.ndarray  # bool
    place_suffix: np.ndarray  # bool
    place_endings: np.ndarray  # bool
    translit: np.ndarray  # bool
    left_cues: np.ndarray  # sorted int64 keys of 1-3 character words (see :func:`_keys`)
    right_cues: np.ndarray
    org_after: tuple[str, ...]
    titles: tuple[str, ...]
    head_titles: tuple[str, ...]
    dictionary: dict[str, tuple[str, int]]
    place_names: frozenset[str]
    role_words: frozenset[str]
    title_min_share: float
    foreign_re: re.Pattern[str]
    dots_re: re.Pattern[str]  # a dot of a dotted name: every match of dotted_re holds one
    dotted_re: re.Pattern[str]
    dotted_core: Callable[[str, int, int], tuple[int, int] | None]
    dotted_logit: float
    weights: np.ndarray
    threshold: float


def word_keys(words: Sequence[str]) -> np.ndarray:
    """Sorted int64 keys of 1-3 character words: code points packed 21 bits each, length in the top bits."""
    out = []
    for w in words:
        if 1 <= len(w) <= 3:
            key = len(w) << 63 - 2
            for k, ch in enumerate(w):
                key |= ord(ch) << (21 * k)
            out.append(key)
    return np.array(sorted(set(out)), dtype=np.int64)


def _member(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    if len(table) == 0:
        return np.zeros(len(keys), dtype=bool)
    pos = np.clip(np.searchsorted(table, keys), 0, len(table) - 1)
    return table[pos] == keys


class _Joined:
    """The texts joined with :data:`SEP` (and one after the last), as code points and offsets."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.text = SEP.join(texts) + SEP
        self.cp = np.frombuffer(self.text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        self.bmp = np.where(self.cp < BMP, self.cp, 0)  # astral characters read as U+0000 (in no table)
        lengths = np.array(list(map(len, texts)), dtype=np.int64)
        self.starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
        self.ends = self.starts + lengths  # where each text's separator is
        self.n = len(self.cp)
        # Separators around the text, so that every position read (-PAD .. n + PAD) is a plain index.
        self._padded = np.concatenate((np.full(_PAD, ord(SEP)), self.bmp, np.full(_PAD, ord(SEP))))

    def at(self, pos: np.ndarray) -> np.ndarray:
        """Code points at ``pos`` (positions before the start or past the end read as the separator)."""
        return self._padded[pos + _PAD]

    def window_keys(self, pos: np.ndarray, length: int, before: bool) -> np.ndarray:
        """Keys (see :func:`word_keys`) of the ``length`` characters before or from ``pos``."""
        key = np.full(len(pos), length << 63 - 2, dtype=np.int64)
        start = pos - length if before else pos
        for k in range(length):
            key |= self.at(start + k) << (21 * k)
        return key


@functools.lru_cache(maxsize=64)
def _short_word_keys(words: tuple[str, ...]) -> tuple[tuple[tuple[int, np.ndarray], ...], tuple[str, ...]]:
    """Keys (:func:`word_keys`) of the words of one to three characters, by length; and the other words."""
    lengths = sorted({len(w) for w in words if 1 <= len(w) <= 3})
    short = tuple((n, word_keys([w for w in words if len(w) == n])) for n in lengths)
    return short, tuple(w for w in words if not 1 <= len(w) <= 3)


def _rows_with(j: _Joined, rx: re.Pattern[str]) -> list[int]:
    """The rows (in order) where ``rx`` matches, from one scan of the joined text."""
    hits = [m.start() for m in rx.finditer(j.text)]
    return np.unique(np.searchsorted(j.starts, hits, side="right") - 1).tolist() if hits else []


def _starts_with_any(j: _Joined, pos: np.ndarray, words: Sequence[str]) -> np.ndarray:
    """For each position: does one of ``words`` start there?

    Words of one to three characters are looked up as keys of the characters from each position (one sorted
    search per length, not a comparison per character of every word).
    """
    out = np.zeros(len(pos), dtype=bool)
    short, longer = _short_word_keys(tuple(words))
    for length, keys in short:
        out |= _member(j.window_keys(pos, length, False), keys)
    for w in longer:
        hit = np.ones(len(pos), dtype=bool)
        for k, ch in enumerate(w):
            hit &= j.at(pos + k) == ord(ch)
        out |= hit
    return out


#: Punctuation jieba never joins to a word: each is a word of its own (its ``cut`` splits the text at every
#: character outside its Chinese-and-alphanumeric blocks, whitespace apart), so the words between two of them
#: depend on those characters alone.
_CUT_APART = "，。；：、！？“”‘’（）《》【】,;:!?()"
_CUT_APART_CP = np.zeros(BMP, dtype=bool)
_CUT_APART_CP[[ord(c) for c in _CUT_APART]] = True


def _bounds(j: _Joined, read: np.ndarray) -> np.ndarray:
    """Boolean array over positions (and one past the end): does jieba put a word boundary there?  Right at the
    positions ``read`` and at every text's start; elsewhere it may say no where jieba would say yes.

    Only the stretches of text holding a position read are cut: a stretch runs between two characters of
    :data:`_CUT_APART` (or a text's edges), and both sides of such a character are boundaries whatever stands
    around it, so each stretch cuts on its own as it would in its text (no word holds the separator either).
    On the benchmark's clinical notes that is two fifths of the characters of the texts holding a candidate.
    """
    out = np.zeros(j.n + 1, dtype=bool)
    out[0] = True
    out[j.starts] = True
    if len(read) == 0:
        return out
    apart = _CUT_APART_CP[j.bmp]
    out[:-1] |= apart
    out[1:] |= apart
    edge = apart.copy()
    edge[j.ends] = True  # the separator after each text
    cuts = np.flatnonzero(edge)
    read = read[~apart[read]]  # a boundary already
    if len(read) == 0:
        return out
    k = np.unique(np.searchsorted(cuts, read))  # the stretches read (a text's end: the stretch before it)
    ends = cuts[k]
    starts = np.where(k > 0, cuts[k - 1] + 1, 0)
    text = SEP.join([j.text[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]) + SEP
    sub_starts = np.concatenate(([0], np.cumsum(ends - starts + 1)[:-1]))
    cut = np.cumsum(np.array(list(map(len, rjieba.cut(text))), dtype=np.int64))
    q = np.searchsorted(sub_starts, cut, side="right") - 1  # the stretch each boundary is in (or just after)
    out[cut - sub_starts[q] + starts[q]] = True
    out[starts] = True
    return out


def _name_candidates(j: _Joined, t: NameTables) -> tuple[np.ndarray, ...]:
    """Surname + given-name candidates: arrays (start, end, surname length, given length, order).

    The vetoes that look whole strings up (:func:`_not_vetoed`) are left to the candidates that can still
    reach the threshold.
    """
    cp = j.bmp
    n = j.n
    single = ~np.isnan(t.sur1_logp[cp])
    # a compound surname's pair of characters is looked up only where its first character stands
    first = np.flatnonzero(t.sur2_first[cp])
    compound = np.zeros(n, dtype=bool)
    compound[first] = _member(cp[first] << 21 | j.at(first + 1), t.sur2_keys)
    out_i, out_k, out_g, out_sub = [], [], [], []
    for sub, (k, g) in enumerate(((2, 1), (2, 2), (1, 1), (1, 2))):
        base = compound if k == 2 else single
        idx = np.flatnonzero(base)
        jj = idx + k + g
        ok = jj <= n
        for d in range(g):  # given-name characters (the separator has count 0, so no span crosses a text)
            ok &= t.giv_count[j.at(idx + k + d)] >= 5
        if g == 2:
            ok &= ~t.not_name_end[j.at(jj - 1)]
        if k == 1 and g == 1:
            ok &= j.at(idx + 1) != cp[idx]  # 谢谢, 常常: a reduplicated character is a word
        idx, jj = idx[ok], jj[ok]
        veto = _starts_with_any(j, jj, t.org_after) | (
            t.place_suffix[j.at(jj)] & ~_starts_with_any(j, jj, t.head_titles)
        )
        idx, jj = idx[~veto], jj[~veto]
        out_i.append(idx)
        out_k.append(np.full(len(idx), k))
        out_g.append(np.full(len(idx), g))
        out_sub.append(np.full(len(idx), sub))
    i, k, g = np.concatenate(out_i), np.concatenate(out_k), np.concatenate(out_g)
    return i, i + k + g, k, g, np.concatenate(out_sub)


def _not_vetoed(j: _Joined, t: NameTables, i: np.ndarray, jj: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Whole-string vetoes of surname + given-name candidates, once per distinct string: the given name is a
    title, the span a place, or a dictionary word ending in a place character (张家口)."""
    text = j.text
    titles, places, dictionary = frozenset(t.titles), t.place_names, t.dictionary
    memo: dict[tuple[str, int], bool] = {}

    def kept(a: int, b: int, given: int) -> bool:
        sp = text[a:b]
        key = (sp, b - given)
        got = memo.get(key)
        if got is None:
            veto = (
                sp[given - a :] in titles
                or sp in places
                or (b - given == 2 and sp in dictionary and t.place_endings[ord(sp[-1])])
            )
            got = memo[key] = not veto
        return got

    return np.array(list(map(kept, i.tolist(), jj.tolist(), (i + k).tolist())), dtype=bool)


def _title_candidates(j: _Joined, t: NameTables) -> np.ndarray:
    """Positions of a common single-character surname right before a title (江主席, 王先生)."""
    idx = np.flatnonzero(t.sur1_share[j.bmp] >= t.title_min_share)
    return idx[_starts_with_any(j, idx + 1, t.titles)]


#: Features read by looking whole strings up in dictionaries (:func:`_lookup_features`), and the largest
#: value each can take when the dictionary's frequencies are ``f``: 1 for a yes/no, log10(f + 1) for a frequency.
_LOOKUPS: dict[int, Callable[[float], float]] = {
    3: lambda f: 1.0,
    4: lambda f: math.log10(f + 1),
    14: lambda f: 1.0,
    18: lambda f: math.log10(f + 1),
    19: lambda f: math.log10(f + 1),
}


def _array_features(j: _Joined, t: NameTables, bounds: np.ndarray | None, cands: dict) -> np.ndarray:
    """The feature matrix of :func:`recognizers.names._features`, one row per candidate, but for the
    dictionary look-ups (:data:`_LOOKUPS`, left 0): every one of these is an array operation."""
    i, jj, kind, k, g = cands["i"], cands["j"], cands["kind"], cands["k"], cands["g"]
    m = len(i)
    f = np.zeros((m, 21))
    f[:, 0] = 1.0
    bg, glp = t.background, t.giv_logp
    name = kind == 0
    # name: log-probability as a name against running text
    ni = np.flatnonzero(name)
    if len(ni):
        a, b, kk, gg = i[ni], jj[ni], k[ni], g[ni]
        sur_lp = np.where(kk == 1, t.sur1_logp[j.bmp[a]], 0.0)
        two = kk == 2
        if two.any():
            keys = j.bmp[a[two]] << 21 | j.bmp[a[two] + 1]
            sur_lp[two] = t.sur2_logp[np.searchsorted(t.sur2_keys, keys)]
        giv_lp = glp[j.bmp[a + kk]] + np.where(gg == 2, glp[j.at(a + kk + 1)], 0.0)
        span_bg = sum(np.where(a + d < b, bg[j.at(a + d)], 0.0) for d in range(4))
        name_lp = sur_lp + giv_lp
        f[ni, 1] = name_lp - span_bg
        f[ni, 2] = name_lp
        f[ni, 12] = gg == 2
        f[ni, 13] = kk == 2
        last = j.at(b - 1)
        f[ni, 20] = np.where(gg == 2, bg[last] - glp[last], 0.0)
    # title and foreign
    f[kind == 1, 15] = 1.0
    fi = np.flatnonzero(kind == 2)
    if len(fi):
        # the mean background log-probability of the transliteration characters, summed character by
        # character from the left as the per-text model sums them (adding 0.0 for the others changes no sum)
        a, b = i[fi], jj[fi]
        total = np.zeros(len(fi))
        for d in range(int((b - a).max())):
            inside = a + d < b
            cp = j.at(np.where(inside, a + d, a))
            total += np.where(inside & t.translit[cp], bg[cp], 0.0)
        f[fi, 16] = 1.0
        f[fi, 17] = -total / np.maximum(1, b - a) - 4.0
    # word boundaries (left 0 without them), cues, punctuation
    if bounds is not None:
        _boundary_features(f, bounds, i, jj)
    f[:, 8] = np.any([_member(j.window_keys(i, n, True), t.left_cues) for n in (1, 2, 3)], axis=0)
    f[:, 9] = np.any([_member(j.window_keys(jj, n, False), t.right_cues) for n in (1, 2, 3)], axis=0)
    f[:, 10] = t.punct[j.at(i - 1)]
    f[:, 11] = t.punct[j.at(jj)]
    return f


def _boundary_features(f: np.ndarray, bounds: np.ndarray, i: np.ndarray, jj: np.ndarray) -> None:
    """Fill in the word-boundary features of ``f`` (:func:`_bounds`): a boundary before, after, both."""
    f[:, 5] = bounds[i]
    f[:, 6] = bounds[jj]
    f[:, 7] = f[:, 5] * f[:, 6]


def _lookup_slack(t: NameTables) -> float:
    """How much the dictionary look-ups can add to a candidate's score at most (0 while all their weights are
    negative, as fitted): a candidate scoring below the threshold without them is below it with them."""
    if all(t.weights[c] <= 0 for c in _LOOKUPS):
        return 0.0
    top = max((freq for _, freq in t.dictionary.values()), default=0)
    return sum(max(0.0, float(t.weights[c])) * cap(top) for c, cap in _LOOKUPS.items())


def _bounds_slack(t: NameTables) -> float:
    """How much the word-boundary features (a boundary before, after, both) can add to a score at most."""
    w5, w6, w7 = (float(t.weights[c]) for c in (5, 6, 7))
    return max(0.0, w5, w6, w5 + w6 + w7)


def _lookup_features(j: _Joined, t: NameTables, f: np.ndarray, cands: dict) -> None:
    """Fill in the dictionary look-up features (:data:`_LOOKUPS`) of ``f``, once per distinct string."""
    i, jj, kind, k = cands["i"], cands["j"], cands["kind"], cands["k"]
    m = len(i)
    text = j.text
    ni = np.flatnonzero(kind == 0)
    dictionary, places, roles = t.dictionary, t.place_names, t.role_words
    cache: dict[str, tuple[float, float, float]] = {}

    def span_facts(sp: str) -> tuple[float, float, float]:
        got = cache.get(sp)
        if got is None:
            tag, freq = dictionary.get(sp, ("", 0))
            nr = 1.0 if tag.startswith("nr") else 0.0
            other = math.log10(freq + 1) if tag and not nr else 0.0
            place = 1.0 if sp in places or sp in roles or tag == "ns" else 0.0
            got = cache[sp] = (nr, other, place)
        return got

    il, jl = i.tolist(), jj.tolist()
    facts = np.array([span_facts(text[a:b]) for a, b in zip(il, jl, strict=True)]).reshape(m, 3)
    f[:, 3], f[:, 4], f[:, 14] = facts[:, 0], facts[:, 1], facts[:, 2]
    word_cache: dict[str, float] = {}

    def common_word(w: str) -> float:
        """log10(frequency + 1) of a dictionary word that is no name, else 0."""
        got = word_cache.get(w)
        if got is None:
            tag, freq = dictionary.get(w, ("", 0))
            got = word_cache[w] = math.log10(freq + 1) if tag and not tag.startswith("nr") else 0.0
        return got

    given_starts = (i + k).tolist()
    f[ni, 18] = [common_word(text[given_starts[r] : jl[r]]) for r in ni.tolist()]
    f[:, 19] = [common_word(text[a - 1 : a + 1]) if a > 0 and text[a - 1] != SEP else 0.0 for a in il]


def find_names_column(texts: Sequence[str], t: NameTables) -> list[list[tuple[int, int, float]]]:
    """:func:`recognizers.names.find_names` for every text: ``(start, end, log-odds)`` per text, sorted."""
    out: list[list[tuple[int, int, float]]] = [[] for _ in texts]
    if not texts:
        return out
    j = _Joined(texts)
    row_of = lambda p: np.searchsorted(j.starts, p, side="right") - 1  # noqa: E731 - one-line helper
    taken: dict[int, list[tuple[int, int]]] = {}  # spans already chosen, per row (a handful at most)
    starts, ends = j.starts.tolist(), j.ends.tolist()
    for r in _rows_with(j, t.dots_re):  # a dotted name never crosses a separator: only these rows hold one
        for m in t.dotted_re.finditer(j.text, starts[r], ends[r]):
            span = t.dotted_core(j.text, m.start(), m.end())
            if span:
                taken.setdefault(r, []).append(span)
                out[r].append((span[0] - starts[r], span[1] - starts[r], t.dotted_logit))
    ni, nj, nk, ng, nsub = _name_candidates(j, t)
    ti = _title_candidates(j, t)
    i, jj = np.concatenate((ni, ti)), np.concatenate((nj, ti + 1))
    kind = np.concatenate((np.zeros(len(ni), int), np.ones(len(ti), int)))
    k, g = np.concatenate((nk, np.ones(len(ti), int))), np.concatenate((ng, np.zeros(len(ti), int)))
    sub = np.concatenate((nsub, np.full(len(ti), 4)))
    # Word boundaries are read only where a name can still reach the threshold with the most favourable
    # boundaries (a fifth of the candidates, half the texts of clinical notes) or a transliterated name
    # stands: jieba cuts only the stretches of text holding them (:func:`_bounds`).
    f = _array_features(j, t, None, {"i": i, "j": jj, "kind": kind, "k": k, "g": g})
    reach = np.flatnonzero(f @ t.weights + _lookup_slack(t) + _bounds_slack(t) >= t.threshold - 1e-9)
    i, jj, kind, k, g, sub, f = i[reach], jj[reach], kind[reach], k[reach], g[reach], sub[reach], f[reach]
    foreign = [m.span() for m in t.foreign_re.finditer(j.text)]
    read = np.concatenate((i, jj, np.array([x for span in foreign for x in span], dtype=np.int64)))
    bounds = _bounds(j, read)
    _boundary_features(f, bounds, i, jj)  # the reached candidates' other features are worked out above
    fi, fj = [], []
    for a, b in foreign:
        if bounds[a] and bounds[b] and len(set(j.text[a:b])) > 1:
            fi.append(a)
            fj.append(b)
    foreign_cands = {
        "i": np.array(fi, dtype=np.int64),
        "j": np.array(fj, dtype=np.int64),
        "kind": np.full(len(fi), 2),
        "k": np.zeros(len(fi), int),
        "g": np.zeros(len(fi), int),
    }
    f = np.concatenate((f, _array_features(j, t, bounds, foreign_cands)))
    i, jj = np.concatenate((i, foreign_cands["i"])), np.concatenate((jj, foreign_cands["j"]))
    kind = np.concatenate((kind, foreign_cands["kind"]))
    k, g = np.concatenate((k, foreign_cands["k"])), np.concatenate((g, foreign_cands["g"]))
    # Candidate order of the per-text reading: by position, compound surname first, one given character
    # first, the title last; transliterated names after all of them (ties in score keep this order).
    sub = np.concatenate((sub, np.zeros(len(fi), int)))
    order = np.lexsort((sub, i, kind == 2, row_of(i)))
    i, jj, kind, k, g, f = i[order], jj[order], kind[order], k[order], g[order], f[order]
    if len(i) == 0:
        return [sorted(x) if len(x) > 1 else x for x in out]
    # Only candidates that can still reach the threshold are looked up (a sixth of them on news text); the
    # margin covers the rounding of a sum taken in another order.
    hopeful = f @ t.weights + _lookup_slack(t) >= t.threshold - 1e-9
    named = np.flatnonzero(hopeful & (kind == 0))
    hopeful[named] = _not_vetoed(j, t, i[named], jj[named], k[named])
    keep = np.flatnonzero(hopeful)
    i, jj, kind, k, g, f = i[keep], jj[keep], kind[keep], k[keep], g[keep], f[keep]
    _lookup_features(j, t, f, {"i": i, "j": jj, "kind": kind, "k": k})
    scores = f @ t.weights
    rows = row_of(i)
    keep = np.flatnonzero(scores >= t.threshold)
    picked = keep[np.lexsort((np.arange(len(keep)), -scores[keep], rows[keep]))]
    for a, b, r, score in zip(
        i[picked].tolist(), jj[picked].tolist(), rows[picked].tolist(), scores[picked].tolist(), strict=True
    ):
        row_taken = taken.setdefault(r, [])
        if row_taken and any(x < b and a < y for x, y in row_taken):
            continue
        row_taken.append((a, b))
        out[r].append((a - starts[r], b - starts[r], score))
    return [sorted(x) if len(x) > 1 else x for x in out]
