"""Parquet objects read by byte range: footer first, then only the sampled row groups.

Footer
    One ranged GET of the last :data:`FOOTER_READ` bytes holds the 8-byte
    trailer (footer length + ``PAR1``) and, nearly always, the whole footer; a
    second GET fetches the rest when it is longer.  Row counts come from the
    footer alone.  An object that does not end with ``PAR1`` is truncated or not
    Parquet and fails on its own, before any data is read.

Sampling, and why windows
    On S3 a sample costs bytes and requests, not seeks.  A row group is read
    either whole (when small) or as a *window*: its first
    :data:`SAMPLE_WINDOW_ROWS` rows.  The window is smaller than the 20,000-row
    page limit that parquet-mr (Spark, Hive) and Arrow (since 15) write by
    default, so a window costs about one data page per column plus the
    column's dictionary page, whatever the row group's size.  Dictionary pages
    dominate: writers keep up to 1 MiB of dictionary per column chunk before
    falling back to plain encoding, so a window of a wide table with
    high-cardinality columns costs several MiB.

    :func:`plan_windows` therefore works from the footer alone: it estimates
    each window's bytes (dictionary page + the window's share of the data
    pages, +25 % and 64 KiB slack — :func:`chunk_ranges`), spreads the sample
    over :data:`SAMPLE_MIN_ROW_GROUPS` row groups chosen by seeded strata over
    the rows of all fragments, fewer when that would exceed the byte budget
    ``max(SAMPLE_BUDGET_MIN, SAMPLE_BUDGET_FRACTION × table bytes)``, and more
    when needed to cover about ``2n`` rows (``n`` always wins over the budget).
    Up to ``n`` rows are then drawn at seeded random positions, in proportion
    to the windows' sizes, and returned in file order.  The estimated ranges are
    prefetched with one GET per column chunk (adjacent chunks coalesced); pyarrow
    decodes from that cache, and anything the estimate missed is fetched on
    demand.

    Trade-off: rows of a large row group come from its first 16,384 rows (the
    head of each sampled group, not the whole group); reaching later rows would
    mean fetching every page before them, or the page index, which many writers
    omit.  Spread across the object comes from sampling several row groups, as
    many as the budget allows.

Sparse columns
    The footers' column statistics give each row group's values of a column
    (:mod:`connectors.parquet_nulls`); :func:`sample_values` plans over those
    counts (a row group without values is never fetched) and fetches only that
    column's chunks of the row groups chosen, whole: the chunk of a column that
    is 99.9 % NULL is mostly a run of definition levels, a few KiB.

Distinct counts
    Stream the requested columns only, one row group at a time (its column
    chunks prefetched, then dropped), so memory is one row group's chunks of
    those columns plus the consumer's state.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq

from connectors import parquet_nulls
from connectors.s3_ranged import RangedS3File

FOOTER_READ = 64 * 1024
SAMPLE_WINDOW_ROWS = 16_384
SAMPLE_MIN_ROW_GROUPS = 4
SAMPLE_OVERSAMPLE = 2
SAMPLE_BUDGET_MIN = 8 * 1024 * 1024
SAMPLE_BUDGET_FRACTION = 0.04
SAMPLE_BATCH_ROWS = 8_192
SAMPLE_BUFFER_BYTES = 128 * 1024
STREAM_BATCH_ROWS = 65_536
PREFETCH_SLACK = 1.25
PREFETCH_PAD = 64 * 1024
_MAGIC = b"PAR1"
_COMMENT_KEYS = (b"comment", b"description", b"doc")


class CorruptParquet(Exception):
    """The object is not a readable Parquet file."""


@dataclass
class ParquetPart:
    """One Parquet object of a table: its footer and its hive partition values."""

    key: str
    metadata: pq.FileMetaData
    schema: pa.Schema
    partition: dict[str, str] = field(default_factory=dict)


def read_footer(f: RangedS3File) -> tuple[pq.FileMetaData, pa.Schema]:
    """Footer and Arrow schema of the object behind ``f``, in one or two ranged GETs."""
    if f.size < 12:
        raise CorruptParquet(f"{f.size} bytes is too small to be Parquet")
    f.prefetch([(f.size - min(f.size, FOOTER_READ), f.size)])
    trailer = f.read_at(f.size - 8, 8)
    if trailer[4:] == b"PARE":
        raise CorruptParquet("encrypted Parquet footer; chujing cannot read encrypted files")
    if trailer[4:] != _MAGIC:
        raise CorruptParquet("does not end with the PAR1 magic: the object is truncated or not Parquet")
    length = int.from_bytes(trailer[:4], "little")
    if length + 12 > f.size:
        raise CorruptParquet(
            f"footer length {length} exceeds the object size {f.size}: the object is truncated"
        )
    f.prefetch([(f.size - 8 - length, f.size)])
    try:
        pf = pq.ParquetFile(pa.PythonFile(f, mode="r"))
        return pf.metadata, pf.schema_arrow
    except pa.ArrowException as exc:
        raise CorruptParquet(f"unreadable footer ({_reason(exc)})") from exc


def field_comment(f: pa.Field) -> str | None:
    for key in _COMMENT_KEYS:
        if f.metadata and f.metadata.get(key):
            return f.metadata[key].decode("utf-8", "replace")
    return None


def dataset_schema(parts: Sequence[ParquetPart]) -> pa.Schema:
    """The fragments' schemas unified (permissive promotion), then partition keys as strings."""
    try:
        schema = pa.unify_schemas([p.schema.remove_metadata() for p in parts], promote_options="permissive")
    except (pa.ArrowException, ValueError) as exc:
        raise CorruptParquet(f"the files of this dataset have incompatible schemas ({_reason(exc)})") from exc
    keys: dict[str, None] = {}
    for p in parts:
        keys.update(dict.fromkeys(p.partition))
    for key in keys:
        if key not in schema.names:
            schema = schema.append(pa.field(key, pa.string()))
    if len(parts) == 1:
        schema = schema.with_metadata(parts[0].schema.metadata)
    return schema


def chunk_ranges(
    rg: pq.RowGroupMetaData, readable: int, columns: set[str] | None = None
) -> list[tuple[int, int]]:
    """Byte ranges of the column chunks of row group ``rg`` needed to decode its first ``readable`` rows."""
    out = []
    rows = max(1, rg.num_rows)
    for j in range(rg.num_columns):
        cc = rg.column(j)
        if columns is not None and cc.path_in_schema.split(".")[0] not in columns:
            continue
        data_start = cc.data_page_offset
        dict_start = cc.dictionary_page_offset
        start = (
            dict_start
            if cc.has_dictionary_page and dict_start and 0 < dict_start < data_start
            else data_start
        )
        total = cc.total_compressed_size
        if readable >= rows:
            need = total
        else:
            head = data_start - start
            need = (
                head + math.ceil((total - head) * min(1.0, readable * PREFETCH_SLACK / rows)) + PREFETCH_PAD
            )
        out.append((start, start + min(total, need)))
    return out


def plan_windows(
    unit_rows: Sequence[int], windows: Sequence[int], costs: Sequence[int], n: int, seed: int, budget: int
) -> list[tuple[int, int, list[int]]]:
    """Which units (row groups) to read, how many leading rows of each, and which of those rows to keep.

    ``unit_rows`` are the row groups' sizes, ``windows`` the rows readable in
    each (``min(rows, SAMPLE_WINDOW_ROWS)``), ``costs`` the estimated bytes of
    reading them.  Returns ``(unit, readable_rows, sorted_row_indices)`` in unit
    order.

    >>> plan = plan_windows([250_000] * 8, [16_384] * 8, [300_000] * 8, 1000, seed=7, budget=8 << 20)
    >>> len(plan), sum(len(p) for _, _, p in plan), plan == plan_windows(
    ...     [250_000] * 8, [16_384] * 8, [300_000] * 8, 1000, seed=7, budget=8 << 20)
    (4, 1000, True)
    >>> len(plan_windows([1 << 20] * 5, [16_384] * 5, [8 << 20] * 5, 1000, seed=7, budget=20 << 20))
    2
    >>> plan_windows([3, 2], [3, 2], [10, 10], 10, seed=0, budget=100)
    [(0, 3, [0, 1, 2]), (1, 2, [0, 1])]
    """
    units = [u for u, w in enumerate(windows) if w > 0]
    readable_total = sum(windows[u] for u in units)
    if n <= 0 or not units:
        return []
    if readable_total <= n and all(windows[u] == unit_rows[u] for u in units):
        return [(u, windows[u], list(range(windows[u]))) for u in units]
    rng = random.Random(seed)
    target = min(readable_total, SAMPLE_OVERSAMPLE * n)
    mean_window = readable_total / len(units)
    mean_cost = sum(costs[u] for u in units) / len(units)
    spread = SAMPLE_MIN_ROW_GROUPS
    while spread > 1 and spread * mean_cost > budget:
        spread -= 1
    k = min(len(units), max(spread, math.ceil(target / mean_window)))
    # One unit under a seeded random position in each of k strata of the rows.
    rows = [unit_rows[u] for u in units]
    total = sum(rows)
    ends = list(_cumsum(rows))
    chosen = {
        units[min(len(units) - 1, bisect.bisect_right(ends, (i + rng.random()) * total / k))]
        for i in range(k)
    }
    rest = [u for u in units if u not in chosen]
    rng.shuffle(rest)
    while rest and sum(windows[u] for u in chosen) < target:
        chosen.add(rest.pop())
    picked = sorted(chosen)
    have = sum(windows[u] for u in picked)
    if have <= n:
        return [(u, windows[u], list(range(windows[u]))) for u in picked]
    quota = {u: n * windows[u] // have for u in picked}
    short = n - sum(quota.values())
    for u in sorted(picked, key=lambda u: (-(n * windows[u] % have), rng.random()))[:short]:
        quota[u] += 1
    return [(u, windows[u], sorted(rng.sample(range(windows[u]), quota[u]))) for u in picked if quota[u]]


def _cumsum(values: Sequence[int]) -> Iterator[int]:
    acc = 0
    for v in values:
        acc += v
        yield acc


def sample_parts(
    parts: Sequence[ParquetPart],
    schema: pa.Schema,
    n: int,
    seed: int,
    open_file: Callable[[str], RangedS3File],
    *,
    table_bytes: int,
) -> pa.Table:
    """At most ``n`` rows of the table made of ``parts`` (``table_bytes`` in all), by the plan above."""
    units: list[tuple[int, int]] = []
    unit_rows: list[int] = []
    windows: list[int] = []
    costs: list[int] = []
    # A large n widens the windows so that a few row groups can still supply it.
    window_rows = max(SAMPLE_WINDOW_ROWS, math.ceil(SAMPLE_OVERSAMPLE * n / SAMPLE_MIN_ROW_GROUPS))
    for i, part in enumerate(parts):
        for rg in range(part.metadata.num_row_groups):
            rg_md = part.metadata.row_group(rg)
            window = min(rg_md.num_rows, window_rows)
            units.append((i, rg))
            unit_rows.append(rg_md.num_rows)
            windows.append(window)
            costs.append(sum(end - start for start, end in chunk_ranges(rg_md, window)))
    budget = max(SAMPLE_BUDGET_MIN, int(SAMPLE_BUDGET_FRACTION * table_bytes))
    by_part: dict[int, list[tuple[int, int, list[int]]]] = {}
    for unit, readable, picks in plan_windows(unit_rows, windows, costs, n, seed, budget):
        part_index, rg = units[unit]
        by_part.setdefault(part_index, []).append((rg, readable, picks))
    tables = []
    for i in sorted(by_part):
        part = parts[i]
        f = open_file(part.key)
        try:
            f.prefetch(
                r
                for rg, readable, _ in by_part[i]
                for r in chunk_ranges(part.metadata.row_group(rg), readable)
            )
            pf = pq.ParquetFile(
                pa.PythonFile(f, mode="r"),
                metadata=part.metadata,
                pre_buffer=False,
                buffer_size=SAMPLE_BUFFER_BYTES,
            )
            for rg, readable, picks in by_part[i]:
                tables.append(conform(_read_window(pf, rg, readable, picks), schema, part.partition))
        finally:
            f.drop_cache()
    return pa.concat_tables(tables) if tables else schema.empty_table()


def _read_window(pf: pq.ParquetFile, rg: int, readable: int, picks: list[int]) -> pa.Table:
    if readable >= pf.metadata.row_group(rg).num_rows:
        return pf.read_row_group(rg, use_threads=False).take(picks)
    kept, offset, i = [], 0, 0
    for batch in pf.iter_batches(batch_size=SAMPLE_BATCH_ROWS, row_groups=[rg], use_threads=False):
        end = offset + batch.num_rows
        j = bisect.bisect_left(picks, end, lo=i)
        if j > i:
            kept.append(batch.take([p - offset for p in picks[i:j]]))
        i, offset = j, end
        if i >= len(picks):
            break
    return pa.Table.from_batches(kept, schema=pf.schema_arrow)


def unit_values(
    parts: Sequence[ParquetPart], columns: Sequence[str], open_file: Callable[[str], RangedS3File]
) -> list[int]:
    """Rows of each row group (all parts, in order) where every one of ``columns`` holds a value.

    From the footers' statistics; row groups without them have those columns fetched and counted.
    """
    out: list[int] = []
    for part in parts:
        file = parquet_nulls.FileColumns.of(part.metadata)
        counts = [
            parquet_nulls.group_non_null(part.metadata, rg, columns, file, part.partition)
            for rg in range(part.metadata.num_row_groups)
        ]
        if None in counts:
            present = parquet_nulls.present_columns(columns, file, part.partition) or []
            f = open_file(part.key)
            try:
                pf = pq.ParquetFile(pa.PythonFile(f, mode="r"), metadata=part.metadata, pre_buffer=False)
                for rg, found in enumerate(counts):
                    if found is None:
                        rg_md = part.metadata.row_group(rg)
                        f.prefetch(chunk_ranges(rg_md, rg_md.num_rows, set(present)))
                        counts[rg] = parquet_nulls.count_non_null(pf, rg, present)
                        f.drop_cache()
            finally:
                f.drop_cache()
        out += [c or 0 for c in counts]
    return out


def sample_values(
    parts: Sequence[ParquetPart],
    schema: pa.Schema,
    columns: Sequence[str],
    n: int,
    seed: int,
    open_file: Callable[[str], RangedS3File],
    *,
    table_bytes: int,
) -> pa.Table:
    """At most ``n`` rows where all ``columns`` hold a value, with those columns only, by :func:`plan_windows`.

    The units are the row groups' values (not rows), each read whole: its
    chunks of ``columns`` are prefetched (their bytes are the plan's costs,
    under the same budget as :func:`sample_parts`) and decoded a batch at a time.
    """
    target = pa.schema([schema.field(c) for c in columns])
    units: list[tuple[int, int]] = []
    costs: list[int] = []
    wanted = set(columns)
    for i, part in enumerate(parts):
        for rg in range(part.metadata.num_row_groups):
            rg_md = part.metadata.row_group(rg)
            units.append((i, rg))
            costs.append(sum(end - start for start, end in chunk_ranges(rg_md, rg_md.num_rows, wanted)))
    values = unit_values(parts, columns, open_file)
    budget = max(SAMPLE_BUDGET_MIN, int(SAMPLE_BUDGET_FRACTION * table_bytes))
    by_part: dict[int, list[tuple[int, int, list[int]]]] = {}
    for unit, readable, picks in plan_windows(values, values, costs, n, seed, budget):
        part_index, rg = units[unit]
        by_part.setdefault(part_index, []).append((rg, readable, picks))
    tables = []
    for i in sorted(by_part):
        part = parts[i]
        file = parquet_nulls.FileColumns.of(part.metadata)
        present = parquet_nulls.present_columns(columns, file, part.partition)
        f = open_file(part.key)
        try:
            groups = [part.metadata.row_group(rg) for rg, _, _ in by_part[i]]
            f.prefetch(r for rg_md in groups for r in chunk_ranges(rg_md, rg_md.num_rows, wanted))
            pf = pq.ParquetFile(
                pa.PythonFile(f, mode="r"),
                metadata=part.metadata,
                pre_buffer=False,
                buffer_size=SAMPLE_BUFFER_BYTES,
            )
            for rg, readable, picks in by_part[i]:
                rows = parquet_nulls.read_non_null(pf, rg, present, readable, picks)
                tables.append(conform(rows, target, part.partition))
        finally:
            f.drop_cache()
    out = pa.concat_tables(tables) if tables else target.empty_table()
    return out.replace_schema_metadata({b"chujing.sample_strategy": parquet_nulls.STRATEGY.encode()})


def stream_columns(
    parts: Sequence[ParquetPart],
    schema: pa.Schema,
    columns: Sequence[str],
    open_file: Callable[[str], RangedS3File],
    reading: Callable[[str], AbstractContextManager[object]] = lambda key: nullcontext(),
) -> Iterator[pa.RecordBatch]:
    """Every row of ``columns``, row group by row group, conformed to ``schema``.

    ``reading(key)`` wraps the work on each object, so that its failure can be
    reported with the object's key.
    """
    target = pa.schema([schema.field(c) for c in columns])
    for part in parts:
        with reading(part.key):
            yield from _stream_part(part, target, columns, open_file)


def _stream_part(
    part: ParquetPart, target: pa.Schema, columns: Sequence[str], open_file: Callable[[str], RangedS3File]
) -> Iterator[pa.RecordBatch]:
    present = [c for c in columns if c in part.schema.names]
    f = open_file(part.key)
    try:
        pf = pq.ParquetFile(
            pa.PythonFile(f, mode="r"), metadata=part.metadata, pre_buffer=False, buffer_size=1024 * 1024
        )
        for rg in range(part.metadata.num_row_groups):
            rows = part.metadata.row_group(rg).num_rows
            if not present:
                for start in range(0, rows, STREAM_BATCH_ROWS):
                    empty = pa.table({"_": pa.nulls(min(STREAM_BATCH_ROWS, rows - start))})
                    yield from conform(empty, target, part.partition).to_batches()
                continue
            f.prefetch(chunk_ranges(part.metadata.row_group(rg), rows, set(present)))
            for batch in pf.iter_batches(
                batch_size=STREAM_BATCH_ROWS, row_groups=[rg], columns=present, use_threads=False
            ):
                yield from conform(pa.Table.from_batches([batch]), target, part.partition).to_batches()
            f.drop_cache()
    finally:
        f.drop_cache()


def conform(rows: pa.Table, schema: pa.Schema, partition: dict[str, str]) -> pa.Table:
    """Rows of one fragment cast to the table schema: partition values filled in, missing columns null."""
    arrays = []
    for f in schema:
        if f.name in rows.column_names:
            col = rows.column(f.name)
            arrays.append(col if col.type == f.type else col.cast(f.type))
        elif f.name in partition:
            arrays.append(pa.repeat(pa.scalar(partition[f.name], f.type), rows.num_rows))
        else:
            arrays.append(pa.nulls(rows.num_rows, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__
