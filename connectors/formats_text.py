"""Text tables (CSV/TSV, JSON, JSON Lines, plain text): heads for samples, streams for counts.

Shared by the S3 connector and the local-files connector.  A table is one or
more :class:`TextSource` — an object or a file, with a way to open its raw
bytes — so nothing here knows where the bytes come from.

A sample comes from the *head* of each source: at most ``head_bytes`` of raw
bytes, decompressed up to ``head_bytes`` of text.  It is head-biased by
necessity: a CSV or a compressed stream has no index, so reaching a random
record means reading every byte before it.  Records are drawn uniformly
(seeded) from the head.  A dataset of text files samples the heads of up to
:data:`TEXT_DATASET_OBJECTS` files spread over it, sharing ``head_bytes``.  Row
counts are exact only when the heads were the whole table.

Encoding and layout (delimiter, header) are decided once per source from its
head and reused when the whole source is streamed for a distinct or person
count.  The raw bytes of a head are hashed as they are read, so a source read
whole carries the SHA-256 of its content as evidence.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TypeVar

import pyarrow as pa

from connectors.formats import (
    CUT,
    ENDED,
    CorruptStream,
    ObjectFormat,
    decode_head,
    decompressing,
    detect_encoding,
    iter_chunks,
    iter_text,
    read_bounded,
)
from connectors.formats_records import Layout, inspect_layout, record_batches

TEXT_DATASET_OBJECTS = 4
MIN_HEAD_BYTES = 1024 * 1024
_LAYOUT_PROBE_BYTES = 256 * 1024

#: ``open(limit)``: a binary stream of the source's raw bytes from the start; ``limit`` is how many the
#: reader needs at most (``None``: all), so that S3 can ask for a byte range; a file may ignore it.
Opener = Callable[[int | None], BinaryIO | io.RawIOBase]
_T = TypeVar("_T")


@dataclass(frozen=True)
class TextSource:
    """One text file or object of a table: ``name`` (key or relative path) names it in layouts and messages."""

    name: str
    size: int
    format: ObjectFormat
    open: Opener
    partition: Mapping[str, str | None] = field(default_factory=dict)


@dataclass
class TextTable:
    """The records of the heads read, how each source is laid out, and evidence for the report."""

    rows: pa.Table
    layouts: dict[str, tuple[Layout, str]]  # source name -> (layout, encoding)
    row_count: int | None
    evidence: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Head:
    """Up to a limit of decompressed bytes from the start of a source.

    ``whole`` when they are all of it; ``sha256`` of the raw bytes then (else ``None``).
    """

    data: bytes
    whole: bool
    sha256: str | None


class _Tally(io.RawIOBase):
    """Counts and hashes the raw bytes read through it (a decompressor reads through it)."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self.raw = raw
        self.count = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.raw.read(len(view))
        view[: len(data)] = data
        self.count += len(data)
        self.digest.update(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
        super().close()


def read_head(src: TextSource, limit: int) -> Head:
    """Up to ``limit`` bytes of text from the start of ``src``.

    A compressed stream that ends before its end marker although every raw byte
    was read is damage (:class:`~connectors.formats.CorruptStream`); when only a
    prefix was read it is the byte cap.
    """
    raw = _Tally(src.open(min(src.size, limit)))
    try:
        data, state = read_bounded(decompressing(raw, src.format.compression), limit)
    finally:
        raw.close()
    read_all = raw.count >= src.size
    if state == CUT and read_all:
        raise CorruptStream(
            f"the {src.format.compression} stream ends before its end marker: the data is truncated"
        )
    whole = state == ENDED and read_all
    return Head(data, whole, raw.digest.hexdigest() if whole else None)


def load(
    sources: Sequence[TextSource],
    head_bytes: int,
    *,
    listed: int | None = None,
    unit: str = "object",
    reading: Callable[[TextSource], AbstractContextManager[object]] = lambda src: nullcontext(),
) -> TextTable:
    """Parse the heads of (up to :data:`TEXT_DATASET_OBJECTS` of) ``sources``, one table.

    ``listed`` is how many sources the table has in all (``sources`` may be a
    selection of them): the row count is exact only when every one was read
    whole.  ``unit`` is what the evidence calls a source (``object``,
    ``file``).  ``reading(src)`` wraps the work on each source, so that its
    failure is reported with the source's name.
    """
    picked = spread(sources, TEXT_DATASET_OBJECTS)
    budget = max(MIN_HEAD_BYTES, head_bytes // len(picked)) if len(picked) > 1 else head_bytes
    tables, layouts, complete, encodings, hashes = [], {}, True, set(), []
    for src in picked:
        with reading(src):
            head = read_head(src, budget)
            encoding = detect_encoding(head.data)
            text = decode_head(head.data, encoding, complete=head.whole)
            layout = inspect_layout(src.format.kind, text)
            batches = [
                pa.Table.from_batches([b]) for b in record_batches(layout, [text], complete=head.whole)
            ]
            # Later batches may carry columns the first did not have (new JSON keys, extra CSV fields).
            rows = pa.concat_tables(batches, promote_options="default")
        for key, value in src.partition.items():
            if key not in rows.column_names:
                rows = rows.append_column(key, pa.array([value] * rows.num_rows, pa.string()))
        tables.append(rows)
        layouts[src.name] = (layout, encoding)
        complete &= head.whole
        encodings.add(encoding)
        hashes.append(head.sha256)
    rows = pa.concat_tables(tables, promote_options="default") if len(tables) > 1 else tables[0]
    everything = complete and len(picked) == (len(sources) if listed is None else listed)
    first = layouts[picked[0].name][0]
    evidence: dict[str, object] = {
        "encoding": ", ".join(sorted(encodings)),
        "sample_basis": f"whole {unit}(s)"
        if everything
        else f"head of {len(picked)} {unit}(s), {budget} bytes each",
    }
    if len(picked) == 1 and hashes[0]:
        evidence["sha256"] = hashes[0]
    if first.kind in ("csv", "tsv"):
        evidence.update(delimiter=first.delimiter, header=first.has_header)
    return TextTable(rows, layouts, rows.num_rows if everything else None, evidence)


def stream(
    sources: Sequence[TextSource],
    layouts: Mapping[str, tuple[Layout, str]],
    schema: pa.Schema,
    reading: Callable[[TextSource], AbstractContextManager[object]] = lambda src: nullcontext(),
) -> Iterator[pa.RecordBatch]:
    """Every record of every source, projected on ``schema`` (for distinct and person counts).

    ``layouts`` are :attr:`TextTable.layouts`; a source whose head was not
    sampled is inspected first.  ``reading(src)`` wraps the work on each source,
    as in :func:`load`.
    """
    for src in sources:
        with reading(src):
            yield from _stream_source(src, layouts.get(src.name), schema)


def _stream_source(
    src: TextSource, layout_encoding: tuple[Layout, str] | None, schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    if layout_encoding is None:  # a dataset file whose head was not sampled: inspect it now
        head = read_head(src, _LAYOUT_PROBE_BYTES)
        encoding = detect_encoding(head.data)
        layout_encoding = (
            inspect_layout(src.format.kind, decode_head(head.data, encoding, complete=head.whole)),
            encoding,
        )
    layout, encoding = layout_encoding
    raw = src.open(None)
    try:
        chunks = iter_text(iter_chunks(decompressing(raw, src.format.compression)), encoding)
        for batch in record_batches(layout, chunks, complete=True, batch_rows=65_536):
            yield project(batch, schema, src.partition)
    finally:
        raw.close()


def spread(items: Sequence[_T], k: int) -> list[_T]:
    """``k`` items evenly spread over ``items`` (in their order), deterministic.

    >>> spread([f"k{i}" for i in range(10)], 4)
    ['k1', 'k3', 'k6', 'k8']
    """
    if len(items) <= k:
        return list(items)
    return [items[int((i + 0.5) * len(items) / k)] for i in range(k)]


def project(batch: pa.RecordBatch, schema: pa.Schema, partition: Mapping[str, str | None]) -> pa.RecordBatch:
    """``batch`` with exactly ``schema``'s string columns: partition values filled in, missing columns null."""
    arrays = []
    for f in schema:
        if f.name in batch.schema.names:
            arrays.append(batch.column(f.name))
        elif f.name in partition:
            arrays.append(pa.array([partition[f.name]] * batch.num_rows, pa.string()))
        else:
            arrays.append(pa.nulls(batch.num_rows, pa.string()))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def sample_rows(rows: pa.Table, n: int, seed: int) -> pa.Table:
    """At most ``n`` of ``rows``, drawn uniformly with ``seed``, in their order.

    >>> t = pa.table({"x": list(range(10))})
    >>> sample_rows(t, 3, seed=1).column("x").to_pylist() == sample_rows(t, 3, seed=1).column("x").to_pylist()
    True
    >>> sample_rows(t, 20, seed=0).num_rows
    10
    """
    if rows.num_rows <= n:
        return rows
    return rows.take(sorted(random.Random(seed).sample(range(rows.num_rows), n)))
