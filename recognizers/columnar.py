"""Column-at-a-time validation for identifier recognizers.

:class:`~recognizers.base.ValueRecognizer` finds candidates with RE2 and then
validates each distinct candidate in Python.  For identifier columns (a million
distinct ID or card numbers) the Python loop and the ``value_counts`` before it
cost about a microsecond per value, far from the million cells a second the
structured path must sustain.  :class:`ColumnarRecognizer` keeps the same
interface but validates whole arrays:

1. the *shape* patterns (loose, with the separators people type) select
   candidates with ``pyarrow.compute`` (RE2, anchored);
2. :meth:`ColumnarRecognizer.normalize_array` turns them into the compact form
   (separators removed, case folded) with vectorized string kernels;
3. :meth:`ColumnarRecognizer.validate_array` checks them with numpy (check
   digits, dates, code lists via :mod:`recognizers.idcheck`) or a strict RE2
   pattern; the scalar :meth:`validate` stays the reference and the tests
   compare the two;
4. :meth:`ColumnarRecognizer.column_veto` may reject the column as a whole
   (sequential counters that look like phone numbers, version strings that look
   like IP addresses), and :meth:`ColumnarRecognizer.column_details` adds
   aggregate facts that hold no raw value.

The free-text path is the base class's (near-context words, ``requires_context``
spans kept only with a context word nearby, :meth:`~recognizers.base.ValueRecognizer.span_veto`), with a
validator that never raises on junk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.exceptions import ValidationError

from recognizers.base import ValueMatches, ValueRecognizer, fullwidth_to_ascii
from recognizers.idcheck import as_string_array, compact
from recognizers.row_match import utf8_bytes

_FULLWIDTH_RE = r"[\x{FF01}-\x{FF5E}\x{3000}]"


def fold_fullwidth(values: pa.Array) -> pa.Array:
    """Replace values holding full-width characters by their ASCII form (pure-ASCII columns cost one scan)."""
    if not (utf8_bytes(values) >= 0x80).any():
        return values
    fw = pc.match_substring_regex(values, _FULLWIDTH_RE)
    if not pc.any(fw).as_py():
        return values
    fw = pc.fill_null(fw, False)
    fixed = [fullwidth_to_ascii(v) for v in values.filter(fw).to_pylist()]  # only the values that need it
    return pc.replace_with_mask(values, fw, pa.array(fixed, type=values.type))


def regex_mask(values: pa.Array, regex: str) -> np.ndarray:
    """Boolean numpy mask: which values match ``regex`` as a whole (RE2, anchored here)."""
    return pc.match_substring_regex(values, f"^(?:{regex})$").to_numpy(zero_copy_only=False)


def has_any(values: pa.Array, chars: str) -> bool:
    """True when some value contains one of ``chars`` (ASCII: one scan of the data buffer)."""
    raw = utf8_bytes(values)
    for ch in chars:
        if ch.isascii():
            if (raw == ord(ch)).any():
                return True
        elif (raw >= 0x80).any() and pc.any(pc.match_substring(values, ch)).as_py():
            return True
    return False


def rewrite(values: pa.Array, regex: str, repl: str, *, trigger: str = "", min_len: int = 0) -> pa.Array:
    """``replace_substring_regex`` on the rows that match only (matching is cheaper than replacing).

    ``trigger`` (characters one of which every match contains) and ``min_len``
    (shortest value that can match) skip the scan altogether when no row can
    match.
    """
    if len(values) == 0 or (trigger and not has_any(values, trigger)):
        return values
    if min_len and (pc.max(pc.binary_length(values)).as_py() or 0) < min_len:
        return values
    hit = pc.match_substring_regex(values, regex)
    if not pc.any(hit).as_py():
        return values
    fixed = pc.replace_substring_regex(values.filter(hit), regex, repl)
    return pc.replace_with_mask(values, hit, fixed)


def is_sequential(numbers: np.ndarray, min_count: int = 20, share: float = 0.5, max_step: int = 1000) -> bool:
    """True when the sorted distinct numbers mostly advance by one constant step (a counter, not identifiers).

    Serial numbers ``13800000001, 13800000002 …`` (or every seventh one) fit the
    mobile numbering plan; real phone numbers are spread over billions, so the
    test stops at the range check for them without sorting.

    >>> is_sequential(np.arange(13800000000, 13800000100))
    True
    >>> is_sequential(np.arange(13800000000, 13800007000, 7))
    True
    >>> is_sequential(np.random.default_rng(0).integers(13000000000, 13999999999, 100))
    False
    """
    if len(numbers) < min_count:
        return False
    lo, hi = int(numbers.min()), int(numbers.max())
    if hi - lo > max_step * len(numbers):  # too sparse to be a counter: most columns stop here
        return False
    u = np.unique(numbers)
    if len(u) < min_count:
        return False
    steps, counts = np.unique(np.diff(u), return_counts=True)
    return bool(counts.max() >= share * (len(u) - 1)) and int(steps[counts.argmax()]) <= max_step


class ColumnarRecognizer(ValueRecognizer):
    """A value recognizer whose validator also runs on whole columns (see the module docstring)."""

    #: Rows kept to pick distinct examples from.
    _EXAMPLE_POOL: ClassVar[int] = 64

    # -- hooks ------------------------------------------------------------------------------------------
    def normalize(self, value: str) -> str:
        """Compact form: full-width → ASCII, whitespace trimmed, ``strip_chars`` removed."""
        value = fullwidth_to_ascii(value).strip()
        for ch in self.strip_chars:
            value = value.replace(ch, "")
        return value

    def normalize_array(self, values: pa.Array) -> pa.Array:
        """Vector form of :meth:`normalize` for candidates that matched a shape pattern."""
        for ch in self.strip_chars:
            if has_any(values, ch):
                values = pc.replace_substring(values, ch, "")
        return values

    def validate_array(self, values: pa.Array) -> np.ndarray:
        """Boolean mask over normalised candidates.  The default calls :meth:`validate` per distinct value."""
        cache: dict[str, bool] = {}
        out = np.zeros(len(values), dtype=bool)
        for i, v in enumerate(values.to_pylist()):
            ok = cache.get(v)
            if ok is None:
                ok = cache[v] = self.is_valid(v)
            out[i] = ok
        return out

    def is_valid(self, candidate: str) -> bool:
        """:meth:`validate` that never raises (junk input gives ``False``)."""
        try:
            return bool(self.validate(candidate))
        except (ValidationError, ValueError, TypeError, IndexError, KeyError):
            return False

    def column_veto(self, valid: pa.Array) -> str | None:
        """A reason to reject the whole column although its values validate, else ``None``."""
        return None

    def column_details(self, valid: pa.Array) -> dict[str, object]:
        """Aggregate facts about the valid values (shares, issuers …): never raw values."""
        return {}

    # -- structured path ----------------------------------------------------------------------------------
    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        values = as_string_array(values)
        n = len(values)
        if n == 0 or not self._anchored:
            return ValueMatches(self.entity, n, 0, [])
        values = fold_fullwidth(values)
        cand_idx = np.flatnonzero(
            pc.match_substring_regex(values, self._anchored).to_numpy(zero_copy_only=False)
        )
        if len(cand_idx) == 0:
            return ValueMatches(self.entity, n, 0, [])
        raw = values.take(pa.array(cand_idx))
        norm = self.normalize_array(raw)
        ok = self.validate_array(norm)
        matched = int(ok.sum())
        if matched == 0:
            return ValueMatches(self.entity, n, 0, [])
        valid = norm.filter(pa.array(ok))
        veto = self.column_veto(valid)
        if veto:
            return ValueMatches(self.entity, n, 0, [], details={"rejected": veto})
        pool = raw.filter(pa.array(ok)).slice(0, self._EXAMPLE_POOL).to_pylist()
        examples = list(dict.fromkeys(pool))[:max_examples]
        return ValueMatches(
            self.entity,
            n,
            matched,
            examples,
            pattern=self.pattern_name(examples[0]),
            details=self.column_details(valid),
        )

    def analyze_segments(self, columns: Sequence[pa.Array], *, max_examples: int = 3) -> list[ValueMatches]:
        """:meth:`analyze_values` of each of ``columns``, the candidates of all searched, normalised and
        validated at once (each value's alone); :meth:`column_veto`, :meth:`column_details` and the examples
        are then each column's own, from its valid values."""
        columns = [as_string_array(v) for v in columns]
        if self._read_alone(columns, ColumnarRecognizer):
            return [self.analyze_values(v, max_examples=max_examples) for v in columns]
        sizes = [len(v) for v in columns]
        empty = [ValueMatches(self.entity, n, 0, []) for n in sizes]
        if not self._anchored:
            return empty
        values = fold_fullwidth(pa.concat_arrays(columns))
        cand_idx = np.flatnonzero(
            pc.match_substring_regex(values, self._anchored).to_numpy(zero_copy_only=False)
        )
        if len(cand_idx) == 0:
            return empty
        raw = values.take(pa.array(cand_idx))
        norm = self.normalize_array(raw)
        ok = self.validate_array(norm)
        cut = np.searchsorted(cand_idx, np.cumsum([0, *sizes])).tolist()  # each column's candidates, in order
        out = []
        for k, n in enumerate(sizes):
            a, b = cut[k], cut[k + 1]
            mine = ok[a:b]
            matched = int(mine.sum())
            if matched == 0:
                out.append(empty[k])
                continue
            every = matched == b - a  # every candidate valid (a column of ID numbers): nothing to filter out
            keep = None if every else pa.array(mine)
            valid = norm.slice(a, b - a) if keep is None else norm.slice(a, b - a).filter(keep)
            veto = self.column_veto(valid)
            if veto:
                out.append(ValueMatches(self.entity, n, 0, [], details={"rejected": veto}))
                continue
            mine_raw = raw.slice(a, b - a) if keep is None else raw.slice(a, b - a).filter(keep)
            pool = mine_raw.slice(0, self._EXAMPLE_POOL).to_pylist()
            examples = list(dict.fromkeys(pool))[:max_examples]
            out.append(
                ValueMatches(
                    self.entity,
                    n,
                    matched,
                    examples,
                    pattern=self.pattern_name(examples[0]),
                    details=self.column_details(valid),
                )
            )
        return out

    # -- free-text path -----------------------------------------------------------------------------------
    def span_facts(self, raw: str) -> tuple[float, str] | None:
        """As :meth:`ValueRecognizer.span_facts`, but junk never raises (validation goes through
        :meth:`is_valid`), and the score and pattern are named from the match as written, since the patterns
        include the separators people type."""
        if not self.is_valid(self.normalize(raw)):
            return None
        return self.span_score(raw), self.pattern_name(raw)


class UpperCaseCodeRecognizer(ColumnarRecognizer):
    """Codes people write in either case, sometimes spaced or dashed (USCC, VIN, permits, PR IDs).

    A value is compared upper-case without spaces or dashes; the shape patterns
    of these codes admit neither, so a pattern-matched candidate only needs
    upper-casing in the vector path.
    """

    def normalize(self, value: str) -> str:
        return compact(value, " -").upper()

    def normalize_array(self, values: pa.Array) -> pa.Array:
        return pc.ascii_upper(values)
