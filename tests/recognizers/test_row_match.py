"""recognizers.row_match: one search over a column's bytes gives exactly Arrow's per-row matches."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import re2

from recognizers import row_match, value_recognizers
from recognizers.free_text import prefilter
from recognizers.row_match import rows_matching


def _arrow(values: pa.Array, pattern: str) -> list[bool]:
    return pc.match_substring_regex(values, pattern).to_pylist()


def _prefilter_patterns() -> list[str]:
    """Every RE2 pattern the built-in recognizers' free-text prefilters use."""
    out: list[str] = []
    for rec in value_recognizers():
        for req in prefilter(rec) or ():
            out += [req] if isinstance(req, str) else list(req)
    return list(dict.fromkeys(out))


_PIECES = [
    "13912345678",
    "3201",
    "021-",
    "江苏省",
    "苏州市",
    "路",
    "88号",
    "糖尿病",
    "HIV",
    "，",
    " ",
    "\n",
    "a",
    "9",
    "",
]


def _column(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 5))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(3))
def test_every_prefilter_agrees_with_arrow_row_by_row(seed):
    rng = random.Random(seed)
    values = pa.array(_column(rng, 400))
    patterns = _prefilter_patterns()
    assert len(patterns) > 40
    for pattern in patterns:
        assert rows_matching(values, pattern).tolist() == _arrow(values, pattern), pattern


@pytest.mark.parametrize(
    "rows, pattern",
    [
        (["12", "34"], r"\d{3}"),  # the bytes end to end hold a match no row holds
        (["1", "", "23", "4"], r"\d{2}"),  # empty rows between
        (["ab", "cab"], r"a.*b"),  # a row matched only by a shorter match than the one across rows
        (["x", "y"], r"z?"),  # matches the empty string: every row
        (["", ""], r"\d"),
        (["abc", "cab"], r"^ab"),  # anchors mean a row's edges
        (["12", "123", "", "1"], r"^\d{2}$"),
        (["", "a", ""], r"^$"),  # an empty match at a row's edge
        (["a", "", "b"], r"$"),
        (["ab c", "abc", "c"], r"\bc"),
        (["ab", "b"], r"\Bb"),
        (["a\nb", "b"], r"^b"),  # a line feed inside a row: Arrow reads it
        (["ab", "b"], r"\Ab"),
        ([">x", "a>"], r"(?m:^[>@])"),
        (["电话", "话费"], r"话话"),
        (["1３", "３1"], r"3"),
    ],
)
def test_rows_across_each_other(rows, pattern):
    values = pa.array(rows)
    assert rows_matching(values, pattern).tolist() == _arrow(values, pattern)


_ANCHORED = [r"^\d{4}$", r"^(?:苏州市|江苏省)", r"路$", r"\b9\b", r"^$", r"\Ba", r"^[^，]{3,}$", r"^\s*\d"]


@pytest.mark.parametrize("seed", range(3))
def test_anchored_patterns_agree_with_arrow_row_by_row(seed):
    rng = random.Random(seed)
    rows = [r.replace("\n", "") for r in _column(rng, 400)]
    values = pa.array(rows)
    for pattern in _ANCHORED:
        assert rows_matching(values, pattern).tolist() == _arrow(values, pattern), pattern


def test_slices_large_strings_and_many_hits(monkeypatch):
    monkeypatch.setattr(row_match, "HIT_BUDGET", 5)
    rng = random.Random(7)
    rows = _column(rng, 300)
    for values in (pa.array(rows).slice(17, 200), pa.array(rows, pa.large_string()).slice(3)):
        for pattern in (r"\d{4}", r"苏州", r"[^，]{3}", r"糖尿病|HIV", *_ANCHORED):
            assert rows_matching(values, pattern).tolist() == _arrow(values, pattern), pattern


def test_a_pattern_re2_rejects_raises_as_arrow_does():
    with pytest.raises(pa.ArrowInvalid):
        rows_matching(pa.array(["a"]), "(?<=a)b")


def test_a_column_without_matches_is_one_search():
    values = pa.array(["第1次回访，客户满意。"] * 1000)
    assert not rows_matching(values, "糖尿病|高血压").any()
    assert isinstance(rows_matching(values, "回访"), np.ndarray)


@pytest.mark.parametrize("seed", range(2))
def test_few_rows_are_searched_one_by_one_as_arrow_does(seed, monkeypatch):
    """Below :func:`row_match._few_rows` each row is searched on its own with the pattern compiled once:
    the same rows as Arrow's kernel, line feeds, ``\\A`` and ``\\z`` included."""
    monkeypatch.setattr(row_match, "_few_rows", lambda pattern: 10**6)  # every pattern, however short
    rng = random.Random(seed)
    values = pa.array(_column(rng, 120))
    assert "\n" in "".join(values.to_pylist())
    for pattern in [*_prefilter_patterns(), *_ANCHORED, r"\Ab", r"9\z", r"(?m)^路", r"(?s)a.b"]:
        assert row_match._per_row(values, pattern).tolist() == _arrow(values, pattern), pattern


def test_many_rows_are_left_to_arrow(monkeypatch):
    calls = []
    monkeypatch.setattr(row_match, "_row_searcher", lambda p: calls.append(p))
    values = pa.array(["13912345678"] * 200)
    assert row_match._few_rows(r"\d{11}") < 100
    assert row_match._per_row(values, r"\d{11}").all() and not calls
    assert row_match._per_row(values.slice(0, 20), r"\d{11}").all() and calls == [r"\d{11}"]


def test_one_columns_bytes_serve_every_pattern():
    """The bytes, rows and joined rows worked out once (``ColumnBytes``) give each pattern Arrow's rows."""
    rng = random.Random(11)
    for rows in (_column(rng, 300), [r.replace("\n", "") for r in _column(rng, 300)]):
        values = pa.array(rows)
        column = row_match.ColumnBytes(values)
        for pattern in [*_prefilter_patterns(), *_ANCHORED]:
            assert rows_matching(values, pattern, column).tolist() == _arrow(values, pattern), pattern
        assert column.line_feed == any("\n" in r for r in rows)


_OUTGROWS_THE_AUTOMATON = """
import random, sys
import re2
import pyarrow as pa
from recognizers.row_match import rows_matching
rng = random.Random(1)
text = "".join(rng.choice("ab") for _ in range(200_000))
if sys.argv[1] == "re2":
    print(re2.compile(b"a[ab]{20}c").search(text.encode()) is not None)
else:
    print(rows_matching(pa.array([text, "xac"]), "a[ab]{20}c").tolist())
"""


def test_a_search_outgrowing_re2s_automaton_writes_nothing_to_standard_error(tmp_path):
    """``a[ab]{20}c`` over 200,000 letters a and b needs a million automaton states: RE2 runs out of its memory
    and searches another way.  Compiled with its defaults it says so on standard error (written by the C++
    library, so a subprocess is watched); the recognizers' searches say nothing, and find the same."""
    script = tmp_path / "outgrow.py"
    script.write_text(_OUTGROWS_THE_AUTOMATON, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    run = lambda how: subprocess.run(  # noqa: E731
        [sys.executable, str(script), how],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    loud, quiet = run("re2"), run("rows")
    assert "DFA out of memory" in loud.stderr and loud.stdout.strip() == "False"
    assert quiet.stderr == "" and quiet.stdout.strip() == "[False, False]"


def test_a_search_through_re2s_binding_finds_what_its_public_search_finds(monkeypatch):
    """The column search reads google-re2's binding beneath its Python wrapper; without that layout it falls
    back on the public ``search``: both give the same first match, from any start, to any end."""
    rng = random.Random(8)
    data = "".join(_column(rng, 200)).encode("utf-8")
    fast = row_match.finder(re2.compile(rb"\d{3,}|[a-z]+"))
    monkeypatch.setattr(row_match, "_UNANCHORED", None)
    public = row_match.finder(re2.compile(rb"\d{3,}|[a-z]+"))
    assert fast.__name__ == "find" and public.__name__ == "search"
    for _ in range(500):
        pos = rng.randrange(len(data))
        end = rng.randrange(pos, len(data) + 1)
        assert fast(data, pos, end) == public(data, pos, end)
    assert fast(data, 0, len(data)) is not None
