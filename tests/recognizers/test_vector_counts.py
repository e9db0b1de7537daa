"""Column counts read from the UTF-8 bytes with numpy agree with Arrow's string kernels."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.vector_counts import shaped_and_short


def test_shaped_and_short_agrees_with_arrow_on_any_mix_of_characters_and_slices() -> None:
    """Lengths are characters, not bytes (CJK, accents, emoji), the excluded literal is searched in the
    value's own bytes, and a slice's values are read from its offset."""
    rng = random.Random(3)
    alphabet = [*"ab@中文字x1 ", "é", "😀"]
    for trial in range(300):
        values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(40)]
        arr = pa.array(values)
        if trial % 3 == 0:
            arr = arr.slice(rng.randint(0, 39))
        for regex, longest, exclude in (
            ("[中文字]{2}|[a-z]{3}", 5, "@"),
            ("a", 3, ""),
            ("x", 8, "中文"),
            ("1", 0, "@"),
        ):
            expected = pc.and_(
                pc.match_substring_regex(arr, regex), pc.less_equal(pc.utf8_length(arr), longest)
            )
            if exclude:
                expected = pc.and_(expected, pc.invert(pc.match_substring(arr, exclude)))
            assert shaped_and_short(arr, regex, longest, exclude=exclude).to_pylist() == expected.to_pylist()
