"""What the connector runs on Spark's executors (in ``mapInArrow``): hashing person keys where they are.

Functions here are pickled by reference, so the executors' Python must have
chujing installed (the same version as the driver).  They read only their own
Arrow batches and return packed batches (:func:`pack`): one Arrow IPC stream
per row of a single ``binary`` column, so the driver fetches a partition's
worth of results as a few large values instead of millions of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa

#: Hashes a batch of normalised person keys (the ledger's HMAC-SHA-256 under its key).
HashMany = Callable[[Sequence[str]], Sequence[bytes]]
PACKED = pa.schema([pa.field("packed", pa.binary())])


def pack(batches: Sequence[pa.RecordBatch]) -> pa.RecordBatch:
    """Batches of one schema as one row of :data:`PACKED`: their Arrow IPC stream.

    >>> b = pa.record_batch({"h": [b"x"], "f": [1]})
    >>> pa.ipc.open_stream(pack([b, b]).column(0)[0].as_py()).read_all().num_rows
    2
    """
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batches[0].schema) as writer:
        for b in batches:
            writer.write_batch(b)
    return pa.RecordBatch.from_arrays([pa.array([sink.getvalue().to_pybytes()], pa.binary())], schema=PACKED)


def hash_key_batches(
    batches: Iterable[pa.RecordBatch], *, hasher: Any, batch_rows: int
) -> Iterator[pa.RecordBatch]:
    """``(k, flags…)`` batches to packed ``(h, flags…)`` batches of about ``batch_rows`` rows.

    ``hasher`` is a Spark broadcast of a :data:`HashMany`: fetched once per
    executor process, it replaces each key by its HMAC, so the keys end here.
    """
    hash_many: HashMany = hasher.value
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        hashes = pa.array(hash_many(batch.column(0).to_pylist()), pa.binary())
        names = ["h", *batch.schema.names[1:]]
        pending.append(pa.RecordBatch.from_arrays([hashes, *batch.columns[1:]], names=names))
        rows += batch.num_rows
        if rows >= batch_rows:
            yield pack(pending)
            pending, rows = [], 0
    if pending:
        yield pack(pending)
