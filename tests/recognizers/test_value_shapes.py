"""The shape gate (recognizers.shapes): a recognizer is skipped only on columns where it could count nothing."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pyarrow as pa
import pytest

from recognizers import ColumnMeta, analyze_table
from recognizers.engine import column_strings, is_free_text
from recognizers.free_text import ColumnForms, candidate_rows, prefilter
from recognizers.registry import default_registry
from recognizers.shapes import UNBOUNDED, ColumnShape, char_bits, recognizer_gate, regex_gate

EVAL_TABLES = sorted((Path(__file__).parents[1] / "eval" / "tables").glob("*.json"))
#: Values the eval corpus does not hold: full-width forms, case variants, separators, junk.
EXTRA = [
    "１３９１２３４５６７８",
    "３２０１０２１９８００１０１１２３Ｘ",
    "139 1234 5678",
    "139-1234-5678",
    "+86 139 1234 5678",
    "ＺＨＡＮＧ ＷＥＩ",
    "Zhang Wei",
    "zhang.wei@example.com",
    "ZHANG.WEI@EXAMPLE.COM",
    "2001:db8::1",
    "\u212a",
    "ſ",
    "苏E·12345",
    "ab\u3000cd",
    "",
    " ",
    "🙂🙂🙂",
    "<script>",
]


def _eval_tables() -> list[tuple[str, pa.Table, list[ColumnMeta]]]:
    out = []
    for path in EVAL_TABLES:
        doc = json.loads(path.read_text(encoding="utf-8"))
        data = {c["name"]: [None if v is None else str(v) for v in c["values"]] for c in doc["columns"]}
        metas = [ColumnMeta(c["name"], c.get("type") or "string", c.get("comment")) for c in doc["columns"]]
        out.append((doc["name"], pa.table(data), metas))
    return out


@functools.lru_cache(maxsize=1)
def _pool() -> tuple[tuple[str, ColumnShape], ...]:
    """Up to 40 distinct values of every eval column, and the extras, each with its own shape."""
    values: set[str] = set(EXTRA)
    for _name, table, _metas in _eval_tables():
        for col in table.columns:
            strings = column_strings(col)
            if strings is not None:
                values.update(sorted(set(strings.to_pylist()))[:40])
    return tuple((v, ColumnShape.of(pa.array([v]))) for v in sorted(values) if v.strip())


GATED = [r for r in default_registry().value_recognizers if recognizer_gate(r) is not None]


def test_most_recognizers_are_gated() -> None:
    """The gate only pays if it covers the registry; a new recognizer class that declares nothing shows here."""
    assert len(GATED) >= 0.8 * len(default_registry().value_recognizers)


@pytest.mark.parametrize("rec", GATED, ids=lambda r: type(r).__name__)
def test_values_outside_the_gate_are_never_counted(rec) -> None:  # noqa: ANN001 - a recognizer
    pool = _pool()
    gate = recognizer_gate(rec)
    outside = [v for v, shape in pool if not shape.admits(gate)]
    assert len(outside) > len(pool) // 4, "the gate should rule most of the corpus out"
    for start in range(0, len(outside), 100):  # small batches: a column-level veto cannot hide a count
        vm = rec.analyze_values(pa.array(outside[start : start + 100]))
        assert vm.matched == 0, (type(rec).__name__, vm.examples)


class _Ungated:
    """A recognizer seen through a plain object: the gate does not know it, so it always runs."""

    def __init__(self, rec) -> None:  # noqa: ANN001 - a recognizer
        self._rec = rec

    def __getattr__(self, name: str):  # noqa: ANN204 - forwards everything
        return getattr(self._rec, name)


@pytest.mark.parametrize("name,table,metas", [pytest.param(*t, id=t[0]) for t in _eval_tables()])
def test_findings_are_those_of_running_every_recognizer(name: str, table: pa.Table, metas) -> None:  # noqa: ANN001
    registry = default_registry()
    gated = analyze_table(table, metas, table_name=name)
    ungated = analyze_table(
        table, metas, table_name=name, recognizers=[_Ungated(r) for r in registry.value_recognizers]
    )
    assert {c: [f.to_dict() for f in fs] for c, fs in gated.items()} == {
        c: [f.to_dict() for f in fs] for c, fs in ungated.items()
    }


def test_re2_meanings() -> None:
    """Patterns are read as RE2 runs them: \\d is ASCII, (?i) folds across scripts, full-width forms fold."""
    digits = regex_gate(r"^(?:\d{3})$")
    assert not ColumnShape.of(pa.array(["１２３"])).admits(digits)
    assert ColumnShape.of(pa.array(["１２３"])).admits(regex_gate(r"^(?:\d{3})$", fold=True))
    assert ColumnShape.of(pa.array(["\u212a"])).admits(regex_gate(r"(?i)^(?:k)$"))
    assert not ColumnShape.of(pa.array(["\u212a"])).admits(regex_gate(r"^(?:k)$"))
    assert regex_gate(r"^(?:[[:alpha:]]+)$") is None  # POSIX classes are not read: never gated


def test_required_characters_and_lengths() -> None:
    email = regex_gate(r"^(?:[a-z0-9.]+@[a-z0-9.]+)$")
    assert not ColumnShape.of(pa.array(["abc.def", "12345"])).admits(email)
    assert ColumnShape.of(pa.array(["abc.def", "a@b.cn"])).admits(email)
    six = regex_gate(r"^(?:\d{6})$")
    assert not ColumnShape.of(pa.array(["12345", "1234567"])).admits(six)  # lengths either side of 6
    assert ColumnShape.of(pa.array(["12345", "123456"])).admits(six)
    stripped = regex_gate(r"^(?:\d{6})$", "-")  # separators removed before matching lengthen values
    assert ColumnShape.of(pa.array(["12-34-56"])).admits(stripped)


def test_character_classes_follow_utf8_lead_bytes() -> None:
    shape = ColumnShape.of(pa.array(["张伟", "ab", None, "，"]))
    assert shape.has_any(char_bits(ord("张"))) and shape.has_any(char_bits(ord("，")))
    assert not shape.has_any(char_bits(ord("0")))
    assert shape.any_within(char_bits(ord("a"), ord("z")))


# -- free text: prefilters are not run on columns where no row has what a match needs ------------------------


class _AlwaysAsk(ColumnForms):
    """The column's forms with the shape check switched off: every prefilter goes to RE2."""

    def could_hold(self, pattern: str) -> bool:
        return True


def _text_columns() -> list[pa.Array]:
    lines = (Path(__file__).parents[1] / "eval" / "text.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    extra = [
        "contact: zhang.wei@example.com",
        "ｔｅｌ：１３９１２３４５６７８",
        "Ⅱ型糖尿病",
        "no digits here at all",
    ]
    return [pa.array(texts[i : i + 40]) for i in range(0, len(texts), 40)] + [pa.array(extra)]


@pytest.mark.parametrize("values", _text_columns(), ids=lambda v: f"{len(v)}-texts")
def test_text_prefilters_pick_the_rows_re2_would(values: pa.Array) -> None:
    forms, asked = ColumnForms(values), _AlwaysAsk(values)
    skipped = 0
    for rec in default_registry().value_recognizers:
        patterns = prefilter(rec)
        rows = candidate_rows(forms, patterns)
        expected = candidate_rows(asked, patterns)
        assert (None if rows is None else rows.tolist()) == (None if expected is None else expected.tolist())
        skipped += patterns is not None and any(
            not any(forms.could_hold(p) for p in (req,) if isinstance(req, str)) for req in patterns
        )
    assert skipped > 0  # the check spares RE2 somewhere, or it is dead weight


def test_the_shapes_of_columns_read_together_are_each_columns_own() -> None:
    """``ColumnShape.of_each`` reads a batch's columns in one pass: each shape is the one ``of`` gives, and
    ``longest`` is the longest value's length, unbounded from 64 characters on."""
    columns = [
        strings
        for _name, table, _metas in _eval_tables()
        for col in table.columns
        if (strings := column_strings(col)) is not None
    ]
    columns += [
        pa.array(EXTRA),
        pa.array([], pa.string()),
        pa.array(["x" * 63, "苏" * 64]),
        pa.array(["ab", "🙂"]),
    ]
    assert ColumnShape.of_each(columns) == [ColumnShape.of(v) for v in columns]
    assert [
        ColumnShape.of(pa.array(v)).longest for v in (["ab", "🙂🙂🙂"], ["x" * 63], ["x" * 64, "y"], [])
    ] == [
        3,
        63,
        UNBOUNDED,
        0,
    ]


def test_a_column_whose_values_are_all_short_is_not_free_text_by_its_length() -> None:
    """The median length is asked only when some value is 64 characters or more: a column of long notes still
    reads as text, one of short codes does not, whatever few long values it holds."""
    assert is_free_text(pa.array(["甲" * 70, "乙" * 80, "丙" * 66]))
    assert not is_free_text(pa.array(["A" * 70, "B1", "C2", "D3", "E4"]))
    assert not is_free_text(pa.array(["A" * 63, "B" * 63, "C" * 63]))
