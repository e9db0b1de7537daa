"""A lakehouse table's version read as its Parquet data files: seeded samples by file and row group.

Apache Iceberg and Delta Lake keep a table as Parquet data files plus a log of
which files make up each version (an Iceberg snapshot, a Delta version).  The
log says how many rows each live file holds and how many of them are NULL per
column, so planning a sample costs no read of the data.  The connectors
(:mod:`connectors.iceberg`, :mod:`connectors.delta`) turn their log into
:class:`DataFile` entries; :class:`DataFiles` reads them.  Files that the log
removed (compacted, deleted, not yet vacuumed) are never read: a Parquet scan
of the table's directory would read them as if they were live.

Sampling strategy
    Two levels, both seeded (:func:`connectors.parquet.plan_sample`): the plan
    first chooses data files by their row counts from the log, stratified over
    the table and weighted by rows (never the first files), then row groups
    inside each chosen file by their sizes in its footer, then random row
    positions inside each row group.  Only the chosen files' footers and row
    groups are read; a row group larger than ``max(65,536, 2n)`` rows is read
    from its head, batch by batch, as for plain Parquet.  A sample of a sparse
    column's values (:meth:`DataFiles.sample_non_null`) weighs files by the
    log's non-null counts and row groups by their footers' null counts, and
    reads the chosen row groups with a ``IS NOT NULL`` filter.

Columns the files do not store
    Delta does not write partition columns into its files: their values come
    from the log, as each file's partition expression.  A column added after a
    file was written is NULL on every row of that file.  Where the files use
    other names than the table (Delta column mapping) the files are read by
    their physical names and the results renamed (:func:`rename_like`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs

from connectors import parquet_nulls
from connectors.parquet import SAMPLE_BATCH_ROWS, plan_sample

#: Rows per batch when every row of some columns is streamed (person keys, exact counts).
STREAM_BATCH_ROWS = 65_536


class UnreadableFile(Exception):
    """A data file the log lists could not be read; the connector names its table and says what to do."""

    def __init__(self, path: str, cause: BaseException) -> None:
        super().__init__(f"{path}: {cause}")
        self.path, self.cause = path, cause

    @property
    def missing(self) -> bool:
        return isinstance(self.cause, FileNotFoundError) or "No such file" in str(self.cause)

    def reason(self) -> str:
        """The engine's complaint on one line, without the path it repeats."""
        text = " ".join(str(self.cause).split()) or type(self.cause).__name__
        if isinstance(self.cause, OSError) and self.cause.strerror:
            return self.cause.strerror
        return text.replace(f"'{self.path}'", "").replace(self.path, "").strip(" :")[:300]


@dataclass(frozen=True)
class DataFile:
    """One live data file of a table's version, as the table's log describes it.

    ``partition`` holds the values of columns the file does not store (Delta's
    partition columns), by read name; ``values`` the log's count of non-null
    values per read name (``None``: the log has no statistics for it).
    """

    path: str
    rows: int
    partition: Mapping[str, object] = field(default_factory=dict)
    values: Mapping[str, int | None] = field(default_factory=dict)


class DataFiles:
    """The data files of one version as one ``pyarrow`` dataset over ``schema`` (the names the files use)."""

    def __init__(self, files: Sequence[DataFile], schema: pa.Schema, filesystem: pafs.FileSystem) -> None:
        self.files = list(files)
        self.schema = pa.schema([f.with_nullable(True) for f in schema])  # a missing column reads as NULL
        partitions = [_partition_expression(f.partition, self.schema) for f in self.files]
        import pyarrow.dataset as ds  # it imports pandas (0.2-0.4 s): only lakehouse sources pay for it

        self.dataset = ds.FileSystemDataset.from_paths(
            [f.path for f in self.files],
            schema=self.schema,
            format=ds.ParquetFileFormat(),
            filesystem=filesystem,
            partitions=partitions,
        )
        self._fragments = list(self.dataset.get_fragments())

    # -- samples ------------------------------------------------------------------------------
    def sample(self, n: int, seed: int) -> pa.Table:
        """At most ``n`` rows: files by the log's row counts, row groups by the footers, rows at random."""
        return self._sample([f.rows for f in self.files], None, n, seed)

    def sample_non_null(self, columns: Sequence[str], n: int, seed: int) -> pa.Table:
        """At most ``n`` rows where none of ``columns`` is NULL, with those columns only."""
        weights = [_file_values(f, columns) for f in self.files]
        return self._sample(weights, list(columns), n, seed)

    def _sample(self, weights: Sequence[int], columns: list[str] | None, n: int, seed: int) -> pa.Table:
        schema = self.schema if columns is None else pa.schema([self.schema.field(c) for c in columns])
        parts = []
        for index, _readable, picks in plan_sample(weights, n, seed):
            parts += self._from_file(index, len(picks), columns, seed)
        return pa.concat_tables(parts) if parts else schema.empty_table()

    def _from_file(self, index: int, quota: int, columns: list[str] | None, seed: int) -> list[pa.Table]:
        """``quota`` rows of one file, spread over its row groups by the same plan, seeded per file."""
        fragment, file = self._fragments[index], self.files[index]
        schema = self.schema if columns is None else pa.schema([self.schema.field(c) for c in columns])
        not_null = None if columns is None else _all_valid(columns)
        try:
            md = fragment.metadata
            shape = parquet_nulls.FileColumns.of(md)
            units = []
            for rg in range(md.num_row_groups):
                rows = md.row_group(rg).num_rows
                if columns is not None:
                    found = parquet_nulls.group_non_null(md, rg, columns, shape, file.partition)
                    rows = rows if found is None else found
                units.append(rows)
            parts = []
            for rg, readable, picks in plan_sample(units, quota, seed * 7_919 + index):
                batches = fragment.subset(row_group_ids=[rg]).to_batches(
                    schema=self.schema,
                    columns=columns,
                    filter=not_null,
                    batch_size=SAMPLE_BATCH_ROWS,
                    use_threads=False,
                )
                parts.append(pick_rows(batches, readable, picks, schema))
            return parts
        except (OSError, pa.ArrowException) as exc:
            raise UnreadableFile(file.path, exc) from exc

    # -- every row ----------------------------------------------------------------------------
    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """Every row of ``columns``, file by file (a failure names its file), in bounded batches."""
        for fragment, file in zip(self._fragments, self.files, strict=True):
            try:
                yield from fragment.to_batches(
                    schema=self.schema, columns=list(columns), batch_size=STREAM_BATCH_ROWS
                )
            except (OSError, pa.ArrowException) as exc:
                raise UnreadableFile(file.path, exc) from exc


def pick_rows(
    batches: Iterable[pa.RecordBatch], readable: int, picks: Sequence[int], schema: pa.Schema
) -> pa.Table:
    """The rows at sorted positions ``picks`` among the first ``readable`` rows of a stream of batches.

    Reading stops after the last pick, so a huge file or row group is decoded
    only as far as needed; picks past the end of the stream are left out.

    >>> b = pa.record_batch({"x": list(range(10))})
    >>> pick_rows([b, b], 20, [1, 12, 19], b.schema)["x"].to_pylist()
    [1, 2, 9]
    """
    kept, offset, i = [], 0, 0
    for batch in batches:
        end = offset + batch.num_rows
        j = bisect.bisect_left(picks, end, lo=i)
        if j > i:
            kept.append(batch.take([p - offset for p in picks[i:j]]))
        i, offset = j, end
        if i >= len(picks) or offset >= readable:
            break
    if not kept:
        return schema.empty_table()
    return pa.Table.from_batches(kept)


def rename_like(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with the names of ``schema``, field by field and inside structs (same shape, other names).

    >>> t = pa.table({"col-1": pa.array([{"col-2": "x"}], pa.struct([("col-2", pa.string())]))})
    >>> rename_like(t, pa.schema([("addr", pa.struct([("city", pa.string())]))])).to_pylist()
    [{'addr': {'city': 'x'}}]
    """
    arrays = [
        pa.chunked_array([_rename(chunk, f.type) for chunk in col.chunks], f.type)
        for col, f in zip(table.columns, schema, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _rename(arr: pa.Array, target: pa.DataType) -> pa.Array:
    if pa.types.is_struct(target) and pa.types.is_struct(arr.type):
        children = [_rename(arr.field(i), target.field(i).type) for i in range(target.num_fields)]
        return pa.StructArray.from_arrays(
            children, fields=list(target), mask=arr.is_null() if arr.null_count else None
        )
    if pa.types.is_list(target) and pa.types.is_list(arr.type):
        values = _rename(arr.values, target.value_type)
        return pa.ListArray.from_arrays(
            arr.offsets, values, type=target, mask=arr.is_null() if arr.null_count else None
        )
    return arr if arr.type == target else arr.cast(target)


def _partition_expression(values: Mapping[str, object], schema: pa.Schema) -> pc.Expression:
    exprs = [
        pc.field(k).is_null() if v is None else pc.field(k) == pa.scalar(v, schema.field(k).type)
        for k, v in values.items()
        if k in schema.names
    ]
    return reduce(lambda a, b: a & b, exprs) if exprs else pc.scalar(True)


def _all_valid(columns: Sequence[str]) -> pc.Expression:
    return reduce(lambda a, b: a & b, (pc.field(c).is_valid() for c in columns))


def _file_values(file: DataFile, columns: Sequence[str]) -> int:
    """Rows of a file where the columns hold values, as the log tells (unknown: the rows, read to find out)."""
    known = [file.values.get(c) for c in columns]
    for c in columns:
        if c in file.partition:
            known.append(file.rows if file.partition[c] is not None else 0)
    counts = [k for k in known if k is not None]
    return min(counts, default=file.rows)
