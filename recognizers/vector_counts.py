"""Column counts for recognizers whose RE2 pattern *is* the validation (rsIDs, record numbers, geohashes).

:meth:`recognizers.base.ValueRecognizer.analyze_values` validates each distinct
candidate in Python, about a microsecond each: fine for ICD codes (a few
thousand distinct values), too slow for a million distinct rsIDs or order
numbers.  When the anchored pattern already checks everything the validator
would, the count is one vectorized ``pyarrow.compute`` pass.

>>> import pyarrow as pa, pyarrow.compute as pc
>>> v = pa.array(["rs123", "rs0", "x", "rs77"])
>>> vm = count_matches("GENETIC_VARIANT", v, pc.match_substring_regex(v, "^rs[1-9][0-9]*$"), pattern="rsID")
>>> vm.matched, vm.examples
(2, ['rs123', 'rs77'])
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import ValueMatches
from recognizers.row_match import per_value_chars, per_value_sums, rows_matching, utf8_bytes, utf8_offsets


def count_matches(
    entity: str,
    values: pa.Array,
    mask: pa.Array,
    *,
    pattern: str = "",
    max_examples: int = 3,
    details: dict[str, object] | None = None,
) -> ValueMatches:
    """A :class:`ValueMatches` counting the ``True`` entries of ``mask`` (nulls count as ``False``)."""
    mask = pc.fill_null(mask, False)
    matched = int(pc.sum(pc.cast(mask, pa.int64())).as_py() or 0)
    examples = values.filter(mask).slice(0, max_examples).to_pylist() if matched else []
    return ValueMatches(
        entity,
        len(values),
        matched,
        examples,
        pattern=pattern if matched else "",
        details=dict(details or {}),
    )


def all_of(*masks: pa.Array) -> pa.Array:
    """Element-wise AND of boolean arrays."""
    out = masks[0]
    for m in masks[1:]:
        out = pc.and_(out, m)
    return out


def shaped_and_short(values: pa.Array, regex: str, max_len: int, *, exclude: str = "") -> pa.Array:
    """Values matching ``regex`` (unanchored, RE2), at most ``max_len`` characters long and without ``exclude``
    (a literal substring such as ``@``: e-mail addresses are no diagnoses).

    The lengths and the excluded character are read from the UTF-8 bytes with numpy, and only when
    something matched: a column of codes costs one regex pass, and a small column no Arrow kernel call.
    """
    mask = rows_matching(values, regex)  # compiled once: the lexicons' patterns are long
    if not mask.any():
        return pa.array(mask)
    offsets = utf8_offsets(values)
    data = utf8_bytes(values, offsets)
    mask &= per_value_chars(data, offsets) <= max_len
    if exclude and mask.any():
        if len(exclude) == 1 and exclude.isascii():
            mask &= per_value_sums(data == ord(exclude), offsets) == 0
        else:
            mask &= ~pc.match_substring(values, exclude).to_numpy(zero_copy_only=False)
    return pa.array(mask)
