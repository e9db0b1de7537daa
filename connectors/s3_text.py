"""Text objects (CSV/TSV, JSON, JSON Lines, plain text) of an S3 table: heads for samples, streams for counts.

A sample comes from the *head* of each object: one ranged GET of at most
``head_bytes``, decompressed up to ``head_bytes`` of text.  It is head-biased by
necessity: a CSV or a compressed stream has no index, so reaching a random
record means reading every byte before it.  Records are drawn uniformly
(seeded) from the head.  A dataset of text files samples the heads of up to
:data:`TEXT_DATASET_OBJECTS` files spread over it, sharing ``head_bytes``.

Encoding and layout (delimiter, header) are decided once per object from its
head and reused when the whole object is streamed for a distinct count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import pyarrow as pa

from connectors.s3_formats import (
    CUT,
    ENDED,
    CorruptStream,
    decode_head,
    decompressing,
    detect_encoding,
    iter_chunks,
    iter_text,
    read_bounded,
)
from connectors.s3_listing import ObjectTable, S3Object
from connectors.s3_ranged import FetchStats, open_body
from connectors.s3_records import Layout, inspect_layout, record_batches

TEXT_DATASET_OBJECTS = 4
MIN_HEAD_BYTES = 1024 * 1024
_LAYOUT_PROBE_BYTES = 256 * 1024


@dataclass
class TextTable:
    """The records of the heads read, how each object is laid out, and evidence for the report."""

    rows: pa.Table
    layouts: dict[str, tuple[Layout, str]]  # key -> (layout, encoding)
    row_count: int | None
    evidence: dict[str, object] = field(default_factory=dict)


@dataclass
class TextReader:
    """Reads the text objects of one bucket, counting what it fetches in ``stats``."""

    client: object
    bucket: str
    stats: FetchStats

    def read_head(self, obj: S3Object, compression: str | None, limit: int) -> tuple[bytes, bool]:
        """Up to ``limit`` bytes of text from the start of ``obj``, and whether that is all of it."""
        body = open_body(
            self.client,
            self.bucket,
            obj.key,
            etag=obj.etag or None,
            stats=self.stats,
            limit=min(obj.size, limit),
        )
        try:
            data, state = read_bounded(decompressing(body, compression), limit)
        finally:
            body.close()
        fetched_all = body.received >= obj.size
        if state == CUT and fetched_all:
            raise CorruptStream(
                f"the {compression} stream ends before its end marker: the object is truncated"
            )
        return data, state == ENDED and fetched_all

    def load(
        self,
        t: ObjectTable,
        head_bytes: int,
        reading: Callable[[S3Object], AbstractContextManager[None]],
    ) -> TextTable:
        """Parse the heads of (up to :data:`TEXT_DATASET_OBJECTS` of) the objects of ``t``.

        ``reading(obj)`` wraps the work on each object, so that its failure is
        reported with the object's key.
        """
        objs = spread(t.objects, TEXT_DATASET_OBJECTS)
        budget = max(MIN_HEAD_BYTES, head_bytes // len(objs)) if len(objs) > 1 else head_bytes
        tables, layouts, complete, encodings = [], {}, True, set()
        for obj in objs:
            fmt = t.formats[obj.key]
            with reading(obj):
                data, whole = self.read_head(obj, fmt.compression, budget)
                encoding = detect_encoding(data)
                text = decode_head(data, encoding, complete=whole)
                layout = inspect_layout(fmt.kind, text)
                batches = [pa.Table.from_batches([b]) for b in record_batches(layout, [text], complete=whole)]
                # Later batches may carry columns the first did not have (new JSON keys, extra CSV fields).
                rows = pa.concat_tables(batches, promote_options="default")
            for key, value in t.partitions.get(obj.key, {}).items():
                if key not in rows.column_names:
                    rows = rows.append_column(key, pa.array([value] * rows.num_rows, pa.string()))
            tables.append(rows)
            layouts[obj.key] = (layout, encoding)
            complete &= whole
            encodings.add(encoding)
        rows = pa.concat_tables(tables, promote_options="default") if len(tables) > 1 else tables[0]
        everything = complete and len(objs) == t.listed
        first = layouts[objs[0].key][0]
        evidence: dict[str, object] = {
            "encoding": ", ".join(sorted(encodings)),
            "sample_basis": "whole object(s)"
            if everything
            else f"head of {len(objs)} object(s), {budget} bytes each",
        }
        if first.kind in ("csv", "tsv"):
            evidence.update(delimiter=first.delimiter, header=first.has_header)
        return TextTable(rows, layouts, rows.num_rows if everything else None, evidence)

    def stream(
        self,
        t: ObjectTable,
        layouts: dict[str, tuple[Layout, str]],
        schema: pa.Schema,
        reading: Callable[[S3Object], AbstractContextManager[object]] = lambda obj: nullcontext(),
    ) -> Iterator[pa.RecordBatch]:
        """Every record of every selected object of ``t``, projected on ``schema`` (for distinct counts).

        ``reading(obj)`` wraps the work on each object, as in :meth:`load`.
        """
        for obj in t.objects:
            with reading(obj):
                yield from self._stream_object(t, obj, layouts.get(obj.key), schema)

    def _stream_object(
        self, t: ObjectTable, obj: S3Object, layout_encoding: tuple[Layout, str] | None, schema: pa.Schema
    ) -> Iterator[pa.RecordBatch]:
        fmt = t.formats[obj.key]
        if layout_encoding is None:  # a dataset file whose head was not sampled: inspect it now
            data, whole = self.read_head(obj, fmt.compression, _LAYOUT_PROBE_BYTES)
            encoding = detect_encoding(data)
            layout_encoding = (
                inspect_layout(fmt.kind, decode_head(data, encoding, complete=whole)),
                encoding,
            )
        layout, encoding = layout_encoding
        body = open_body(self.client, self.bucket, obj.key, etag=obj.etag or None, stats=self.stats)
        try:
            chunks = iter_text(iter_chunks(decompressing(body, fmt.compression)), encoding)
            partition = t.partitions.get(obj.key, {})
            for batch in record_batches(layout, chunks, complete=True, batch_rows=65_536):
                yield project(batch, schema, partition)
        finally:
            body.close()


def spread(objects: Sequence[S3Object], k: int) -> list[S3Object]:
    """``k`` objects evenly spread over ``objects`` (in key order), deterministic.

    >>> import datetime as dt
    >>> objs = [S3Object(f"k{i}", 1, "", dt.datetime(2025, 1, 1)) for i in range(10)]
    >>> [o.key for o in spread(objs, 4)]
    ['k1', 'k3', 'k6', 'k8']
    """
    if len(objects) <= k:
        return list(objects)
    return [objects[int((i + 0.5) * len(objects) / k)] for i in range(k)]


def project(batch: pa.RecordBatch, schema: pa.Schema, partition: dict[str, str | None]) -> pa.RecordBatch:
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
