"""Tables read a batch at a time (``analyze_tables``, ``analyze_segments``) give each table, column and
recognizer exactly what reading it alone gives."""

from __future__ import annotations

import gc
import random
from pathlib import Path

import pyarrow as pa
import pytest

from recognizers import ColumnMeta, engine
from recognizers.engine import (
    TableInput,
    analyze_table,
    analyze_tables,
    column_strings,
    free_text_each,
    is_free_text,
)
from recognizers.evaluation.corpus import load_corpus
from recognizers.registry import value_recognizers
from recognizers.shapes import ColumnShape
from tests.export.conftest import resident_id

EVAL = Path(__file__).resolve().parents[1] / "eval"


def _parts(corpus) -> list[TableInput]:  # noqa: ANN001 - recognizers.evaluation.corpus.Corpus
    """Every labelled table as the scanner reads it: the row-aligned table and each list's elements."""
    return [
        TableInput(part, table.metas(), table.name, table.comment)
        for table in corpus.tables
        for part in table.flattened().tables()
    ]


def _labelled_columns() -> list[pa.Array]:
    """Every string column of the labelled tables, as the recognizers read it."""
    return [
        values
        for part in _parts(load_corpus(EVAL))
        for name in part.table.column_names
        if (values := column_strings(part.table.column(name))) is not None
    ]


def test_the_labelled_tables_read_together_give_what_each_gives_alone() -> None:
    """24 labelled tables (208 columns, every entity type and its hard negatives) in one batch."""
    corpus = load_corpus(EVAL)
    parts = _parts(corpus)
    assert len(parts) >= 24
    alone = [
        analyze_table(
            p.table,
            p.columns,
            table_name=p.table_name,
            table_comment=p.table_comment,
            scan_date=corpus.scan_date,
        )
        for p in parts
    ]
    together = analyze_tables(parts, scan_date=corpus.scan_date)
    assert together == alone
    assert sum(len(found) for table in alone for found in table.values()) > 120


def test_each_recognizer_reads_columns_together_as_it_reads_each() -> None:
    """``analyze_segments`` of any mix of columns equals ``analyze_values`` of each, for every recognizer: the
    labelled string columns, shuffled, with columns repeated and empty ones between them."""
    columns = _labelled_columns()
    rng = random.Random(3)
    mixed = columns + rng.sample(columns, 20) + [pa.array([], pa.string())] * 3
    rng.shuffle(mixed)
    for rec in value_recognizers():
        segments = rec.analyze_segments(mixed)
        assert segments == [rec.analyze_values(v) for v in mixed], rec.name


def _warehouse_table(t: int) -> pa.Table:
    """A small table of a warehouse, in the shapes the batch must keep apart: one table's mobile column is a
    counter (vetoed as a whole), another's numbers are full-width, notes repeat across tables, names in some."""
    rng = random.Random(t)
    n = 40 + t % 7
    if t % 5 == 0:
        mobile = [f"138{i:08d}" for i in range(n)]  # sequential: no phone numbers
    else:
        mobile = [f"13{rng.randrange(10**9):09d}" for _ in range(n)]
    if t % 4 == 1:
        mobile = [m.translate(str.maketrans("0123456789", "０１２３４５６７８９")) for m in mobile]
    return pa.table(
        {
            "id": list(range(n)),
            "name": [rng.choice("王李张刘陈") + rng.choice("伟芳娜敏静") for _ in range(n)],
            "mobile": mobile,
            "sfzh": [resident_id(t * 1000 + i) for i in range(n)],
            "city": [("苏州", "南京", "上海")[i % 3] for i in range(n)],
            "note": [
                f"第{i % 9}次回访，客户{rng.choice('王李')}先生满意，电话1391234{i % 10}678。"
                for i in range(n)
            ],
        }
    )


@pytest.mark.parametrize("comment", [None, "备注（不含手机号）"])
def test_a_warehouse_of_small_tables_read_together_gives_each_table_its_findings(comment: str | None) -> None:
    """Counters vetoed in one table only, full-width numbers, notes repeated across tables, and (with a comment
    that contradicts some recognizers) free-text columns read by different recognizers in one batch."""
    tables = []
    for t in range(12):
        metas = [ColumnMeta("note", "TEXT", comment if t % 2 else None)]
        tables.append(TableInput(_warehouse_table(t), metas, f"ods_t{t}"))
    alone = [analyze_table(x.table, x.columns, table_name=x.table_name) for x in tables]
    assert analyze_tables(tables) == alone
    types = [{f.type for f in table["mobile"]} for table in alone]
    assert "CN_MOBILE" not in types[0] and "CN_MOBILE" in types[1] and "CN_MOBILE" in types[5 - 4]
    assert all("CN_RESIDENT_ID" in {f.type for f in table["sfzh"]} for table in alone)


def test_reading_a_batch_leaves_the_cycle_collector_as_it_was() -> None:
    """The collector is off while a batch is read, and as it was afterwards, on or off."""
    tables = [TableInput(_warehouse_table(t), None, f"t{t}") for t in range(2)]
    assert gc.isenabled()
    analyze_tables(tables)
    assert gc.isenabled()
    gc.disable()
    try:
        analyze_tables(tables)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_columns_judged_free_text_together_are_judged_as_each_alone() -> None:
    """``free_text_each`` asks each test's regex once over a batch's columns: the verdicts are each column's,
    for the labelled columns (notes, addresses, codes, grouped digits) and the warehouse's."""
    columns = _labelled_columns()
    columns += [column_strings(c) for t in range(3) for c in _warehouse_table(t).columns]
    columns.append(pa.array([], pa.string()))
    shapes = ColumnShape.of_each(columns)
    together = free_text_each(columns, shapes)
    assert together == [is_free_text(v, s) for v, s in zip(columns, shapes, strict=True)]
    assert 5 < sum(together) < len(columns) - 5


def test_digit_columns_that_grouped_digits_surely_match_are_matched_by_it() -> None:
    """The grouped-digits test is not searched in a column whose shape says every value is 1 to 30 digits: it
    would match each.  True of every such column here; 31 digits, a space or a plus sign make no such shape."""
    columns = _labelled_columns() + [column_strings(c) for t in range(3) for c in _warehouse_table(t).columns]
    columns += [pa.array(v) for v in (["0"], ["1" * 30, "12"], ["1" * 31], ["+8613912345678"], ["12 34"])]
    shapes = ColumnShape.of_each(columns)
    certain = [k for k, s in enumerate(shapes) if s.all_within(engine._DIGIT_BITS, 1, 30)]
    assert len(certain) >= 5
    for k in certain:
        assert engine._share(columns[k], engine._GROUPED_DIGITS) == 1.0, columns[k]
    assert [s.all_within(engine._DIGIT_BITS, 1, 30) for s in shapes[-5:]] == [True, True, False, False, False]


def test_no_table_needs_no_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental rerun hands over batches of carried tables only: nothing to recognize, and the default
    registry (half a second to build) is not built for it."""

    def unwanted() -> None:
        raise AssertionError("the registry was built for no table")

    monkeypatch.setattr(engine, "default_registry", unwanted)
    assert engine.analyze_tables([]) == []
