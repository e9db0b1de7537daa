"""Null counts and non-null values of Parquet columns, for local files and S3 objects alike.

A column that is 99.9 % NULL shows up in a random row sample as one value or
none.  Parquet says where its values are without reading them: every column
chunk's statistics carry its ``null_count``, so the values of a column in each
row group are ``num_rows - null_count``, from the footer alone.  Those counts
give the column's null share for the report (``statistics``) and let a sample of
its values skip every row group that holds none, reading only that column's
chunks of the row groups chosen (:func:`read_non_null`).

Where a writer left out the statistics (old parquet-mr, some hand-rolled
writers) or the column is nested (its leaves count nulls at their own level),
the count is unknown (``None``) until the column is read (:func:`count_non_null`).
A column absent from a file (schema evolution) is NULL on every row of it; a
Hive partition key holds its value on every row of its files, or none.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from connectors.base import NullCounts

#: Rows decoded per batch while reading a column's values.
READ_BATCH_ROWS = 65_536
#: How a non-null sample of Parquet was drawn, in the Arrow schema metadata like the row samples' strategies.
STRATEGY = "row-group-values"


@dataclass(frozen=True)
class FileColumns:
    """The top-level columns stored in one file, and the column chunk of each flat one."""

    names: frozenset[str]
    leaves: dict[str, int]

    @classmethod
    def of(cls, md: pq.FileMetaData) -> FileColumns:
        leaves = {}
        for j in range(md.num_columns):
            col = md.schema.column(j)
            # A top-level column's leaf is named by its whole path; a struct field's is not.
            if col.name == col.path and col.max_repetition_level == 0 and col.max_definition_level <= 1:
                leaves[col.path] = j
        return cls(frozenset(md.schema.to_arrow_schema().names), leaves)


def present_columns(
    columns: Sequence[str], file: FileColumns, partition: Mapping[str, object]
) -> list[str] | None:
    """The ``columns`` to read from the file, or ``None`` when one of them is NULL on every row of it.

    A column the file lacks is a partition key (one value for the whole file) or
    was added after the file was written (NULL throughout).
    """
    out = []
    for c in columns:
        if c in file.names:
            out.append(c)
        elif partition.get(c) is None:
            return None
    return out


def group_non_null(
    md: pq.FileMetaData, rg: int, columns: Sequence[str], file: FileColumns, partition: Mapping[str, object]
) -> int | None:
    """Rows of row group ``rg`` where every one of ``columns`` holds a value, from the footer; ``None`` if unknown."""
    rows = md.row_group(rg).num_rows
    present = present_columns(columns, file, partition)
    if present is None:
        return 0
    if not present:
        return rows
    if len(present) > 1 or present[0] not in file.leaves:
        return None  # statistics count each column alone, and nested columns per leaf
    stats = md.row_group(rg).column(file.leaves[present[0]]).statistics
    if stats is None or not stats.has_null_count:
        return None
    return rows - stats.null_count


def footer_counts(
    files: Sequence[tuple[pq.FileMetaData, Mapping[str, object]]], columns: Sequence[str]
) -> NullCounts:
    """Every column's values over all ``(footer, partition values)`` files, from statistics alone."""
    non_null: dict[str, int | None] = {}
    shapes = [(md, FileColumns.of(md), partition) for md, partition in files]
    for c in columns:
        total: int | None = 0
        for md, file, partition in shapes:
            for rg in range(md.num_row_groups):
                found = group_non_null(md, rg, [c], file, partition)
                if found is None:
                    total = None
                    break
                total += found
            if total is None:
                break
        non_null[c] = total
    return NullCounts(sum(md.num_rows for md, _ in files), non_null, "statistics")


def _valid_rows(batch: pa.RecordBatch) -> pa.RecordBatch:
    mask = None
    for col in batch.columns:
        valid = pc.is_valid(col)
        mask = valid if mask is None else pc.and_(mask, valid)
    return batch.filter(mask) if mask is not None else batch


def count_non_null(pf: pq.ParquetFile, rg: int, present: Sequence[str]) -> int:
    """Rows of row group ``rg`` where all ``present`` columns hold a value, by reading those columns only."""
    if not present:
        return pf.metadata.row_group(rg).num_rows
    batches = pf.iter_batches(
        batch_size=READ_BATCH_ROWS, row_groups=[rg], columns=list(present), use_threads=False
    )
    return sum(_valid_rows(b).num_rows for b in batches)


def read_non_null(
    pf: pq.ParquetFile, rg: int, present: Sequence[str] | None, readable: int, picks: Sequence[int]
) -> pa.Table:
    """The picked rows among the first ``readable`` rows of ``rg`` where all ``present`` columns hold a value.

    ``picks`` are sorted positions counted over those rows only.  Only the
    ``present`` columns are decoded, a batch at a time, and reading stops after
    the last pick.  With no column to read (partition keys only) the rows are a
    placeholder column of ``len(picks)`` nulls for the caller to fill in.
    """
    if present is None or not picks:
        return pa.table({"_": pa.nulls(0)})
    if not present:
        return pa.table({"_": pa.nulls(len(picks))})
    kept, offset, i = [], 0, 0
    schema = pa.schema([pf.schema_arrow.field(c) for c in present])
    for batch in pf.iter_batches(
        batch_size=READ_BATCH_ROWS, row_groups=[rg], columns=list(present), use_threads=False
    ):
        valid = _valid_rows(batch)
        end = offset + valid.num_rows
        j = bisect.bisect_left(picks, end, lo=i)
        if j > i:
            kept.append(valid.take([p - offset for p in picks[i:j]]))
        i, offset = j, end
        if i >= len(picks) or offset >= readable:
            break
    return pa.Table.from_batches(kept) if kept else schema.empty_table()
