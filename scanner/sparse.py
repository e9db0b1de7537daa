"""Sparse columns: every column's null share, and enough of its values for the recognizers.

A random sample of rows is blind to a column that is nearly always NULL: 600
resident ID numbers among a million rows put 0.6 of them in a 1,000-row
sample, so the column was reported empty and its 600 persons dropped out of
``chujing check``'s count.  So after the row sample (:func:`complete_sparse_columns`):

1. Every column gets its ``null_ratio``: from the source's free statistics
   (Parquet footers), else from the row sample.
2. A column whose sample holds fewer than :data:`MIN_VALUES` values (fewer
   than half the sample's size, when that is smaller: sampling the values of
   a column more than half filled would not double them) is *sparse*, unless
   the sample is the whole table.  When there is one, the source counts every
   column's values in one pass (``Connector.null_counts(exact=True)``: one
   ``SELECT COUNT(a), COUNT(b) …``) unless its statistics already did; a
   column with no more values than the sample held (none at all, typically)
   is done.
3. Each remaining sparse column has up to ``sample_rows`` of its non-null
   values sampled, seeded (``Connector.sample_non_null``: ``WHERE c IS NOT
   NULL`` with the row-sampling strategies, or the Parquet row groups that hold
   values), and the recognizers read those values alone: the column's findings
   and match ratios are over its values, and ``non_null`` says how many.

A table without sparse columns costs nothing more than its row sample.  A
sparse column is recognized alone, so evidence that spans columns (latitude
and longitude pairs) is not looked for among its values.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from connectors import Connector, TableInfo
from connectors.base import NullCounts
from recognizers import EntityFinding
from scanner.models import ColumnResult, TableResult

#: A column whose row sample holds fewer values than this (or than half the sample size, if smaller) is sparse.
MIN_VALUES = 200

Analyze = Callable[[pa.Table], dict[str, list[EntityFinding]]]
#: Sample a column's non-null values and recognize them: ``(values read, findings)``, or ``None`` for no more
#: values than the row sample held (see :func:`complete_null_shares`).
RecognizeValues = Callable[[str, int], tuple[int, list[EntityFinding]] | None]


def complete_sparse_columns(
    connector: Connector,
    info: TableInfo,
    sample: pa.Table,
    result: TableResult,
    *,
    n: int,
    seed: int,
    analyze: Analyze,
) -> None:
    """Fill every column's null share; recognize sparse columns again on a sample of their values.

    ``analyze`` runs the recognizers on a table of some of the columns (the
    scanner's, with the table's metadata bound).
    """

    def recognize_values(name: str, held: int) -> tuple[int, list[EntityFinding]] | None:
        values = connector.sample_non_null(info, [name], n, seed=seed)
        if values.num_rows <= held:
            return None
        return values.num_rows, analyze(values).get(name, [])

    in_sample = {name: sample.num_rows - sample.column(name).null_count for name in sample.column_names}
    complete_null_shares(
        connector, info, in_sample, sample.num_rows, result, n=n, recognize_values=recognize_values
    )


def complete_null_shares(
    connector: Connector,
    info: TableInfo,
    in_sample: dict[str, int],
    sampled_rows: int,
    result: TableResult,
    *,
    n: int,
    recognize_values: RecognizeValues,
) -> None:
    """:func:`complete_sparse_columns` from the row sample's counts alone (``in_sample``: values per column).

    ``recognize_values(column, held)`` samples up to ``n`` of the column's
    non-null values and recognizes them, or returns ``None`` when it got no more
    than the ``held`` the row sample had; it may raise ``NotImplementedError``.
    The Spark engine (:mod:`scanner.spark`) does both on its executors.
    """
    whole = result.row_count is not None and sampled_rows >= result.row_count
    floor = min(MIN_VALUES, (n + 1) // 2)
    sparse = [] if whole else [c for c, k in in_sample.items() if k < floor]
    counts = connector.null_counts(info, list(in_sample))
    if sparse and (counts is None or any(counts.non_null.get(c) is None for c in sparse)):
        counts = connector.null_counts(info, list(in_sample), exact=True) or counts
    by_name = {c.name: c for c in result.columns}
    for name, k in in_sample.items():
        _set_null_ratio(by_name[name], counts, k, sampled_rows)
    for name in sparse:
        total = counts.non_null.get(name) if counts is not None else None
        if total is not None and total <= in_sample[name]:
            continue  # the sample holds every value there is (usually: there is none)
        try:
            found = recognize_values(name, in_sample[name])
        except NotImplementedError:
            return
        if found is None:
            continue
        col = by_name[name]
        col.non_null, col.entities = found
        col.value_sample = "non-null"


def _set_null_ratio(col: ColumnResult, counts: NullCounts | None, in_sample: int, sampled_rows: int) -> None:
    ratio = counts.null_ratio(col.name) if counts is not None else None
    if ratio is not None:
        col.null_ratio, col.null_ratio_method = ratio, counts.method  # type: ignore[union-attr]
    elif sampled_rows:
        col.null_ratio, col.null_ratio_method = (sampled_rows - in_sample) / sampled_rows, "sample"
