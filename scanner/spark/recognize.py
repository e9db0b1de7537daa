"""Recognition on Spark's executors: the local engine's own recognition step, run where the sample is.

:func:`recognize_frame` sends a sampled DataFrame through ``mapInArrow``: a Python
worker on an executor receives the sample as Arrow batches and runs the local
engine's step on it — :mod:`scanner.scan` hands its functions over (the row
sample's recognition, with nested and JSON columns flattened into sub-columns,
and a sparse column's values), pickled by reference, so the executors run
exactly the code the local engine runs — with the scan's recognizer registry,
unpickled once per worker process and kept (:func:`registry_for`).  The worker
returns one row: the rows it read and the table's columns as that step left them
(entity types, counts, match ratios, masked evidence, precision, sub-columns).
Only that row reaches the driver (:class:`Recognized`); the sampled values never
leave the executor.

The decision rule is a column's, over its whole sample (match ratios against
thresholds, the free-text test on the median length, table recognizers that
pair a latitude with a longitude), so a table's bounded sample is analysed
whole by one worker (``coalesce(1)``): split across workers, each share would
be judged on fewer values and the answer could differ from the local engine's.
Spark's parallelism is in reading, sampling and counting the table, which is
where a warehouse's time goes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

import recognizers
from connectors.base import ColumnInfo, TableInfo
from connectors.spark.session import arrow_udf
from scanner.models import ColumnResult, TableResult

#: The local engine's step: ``step(table, columns, info, options, result)`` fills ``result`` from ``table``
#: (the row sample: ``scanner.scan._recognize``) or returns a sparse column's findings (``_analyze_values``).
Step = Callable[[pa.Table, list[ColumnInfo], TableInfo, Any, TableResult], Any]
#: What each worker returns (Spark's DDL for ``mapInArrow``): one row, the pickled :class:`Recognized`.
RESULT_DDL = "recognized binary"
RESULT_SCHEMA = pa.schema([("recognized", pa.binary())])


@dataclass(frozen=True)
class RecognitionTask:
    """What a worker needs besides the sample: the local engine's step and its arguments.

    ``options`` are the scan's options without their registry, which travels
    pickled in ``registry`` (about 50 kB: recognizers refer to their data by
    module) so that each worker process unpickles it once; ``None`` is the
    default registry.  ``columns`` are the table's columns as the step has left
    them so far (a sparse column's step replaces its sub-columns).  ``schema``
    is the sample's Arrow schema, for a sample without rows.
    """

    step: Step
    columns: tuple[ColumnInfo, ...]
    info: TableInfo
    options: Any
    schema: pa.Schema
    registry: bytes | None = None
    result_columns: tuple[ColumnResult, ...] = ()

    @classmethod
    def of(cls, step: Step, columns: Sequence[ColumnInfo], info: TableInfo, options: Any, schema: pa.Schema,
           result: TableResult) -> RecognitionTask:  # fmt: skip
        registry = options.registry
        return cls(
            step=step,
            columns=tuple(columns),
            info=info,
            options=dataclasses.replace(options, registry=None),
            schema=schema,
            registry=None if registry is None else pickle.dumps(registry),
            result_columns=tuple(result.columns),
        )


@dataclass
class Recognized:
    """What the executor's step made of one sample: rows read, the sample's columns, the table's columns."""

    rows: int
    sampled: list[str]
    columns: list[ColumnResult] = field(default_factory=list)
    #: what the step returned (a sparse column's step: the findings per column)
    found: dict[str, list[recognizers.EntityFinding]] = field(default_factory=dict)


@functools.cache
def _unpickled_registry(digest: bytes, blob: bytes) -> recognizers.Registry:
    return pickle.loads(blob)  # noqa: S301 - the driver's own registry, sent by the driver to its executors


def registry_for(task: RecognitionTask) -> recognizers.Registry | None:
    """The task's registry, built once per worker process (``None``: the default, cached by the recognizers)."""
    if task.registry is None:
        return None
    return _unpickled_registry(hashlib.sha256(task.registry).digest(), task.registry)


def run_step(sample: pa.Table, task: RecognitionTask) -> Recognized:
    """The local engine's step over ``sample``, with the task's arguments (on an executor, or here for no rows)."""
    options = dataclasses.replace(task.options, registry=registry_for(task))
    result = TableResult(source="", table=task.info.name, columns=list(task.result_columns))
    found = task.step(sample, list(task.columns), task.info, options, result)
    return Recognized(
        rows=sample.num_rows,
        sampled=list(sample.column_names),
        columns=result.columns,
        found=found if isinstance(found, dict) else {},
    )


def recognize_batches(
    batches: Iterable[pa.RecordBatch], *, task: RecognitionTask
) -> Iterator[pa.RecordBatch]:
    """The worker's side of ``mapInArrow``: the whole sample in, one pickled :class:`Recognized` out."""
    received = [b for b in batches if b.num_rows]
    sample = pa.Table.from_batches(received) if received else task.schema.empty_table()
    done = pickle.dumps(run_step(sample, task))
    yield pa.RecordBatch.from_arrays([pa.array([done], pa.binary())], schema=RESULT_SCHEMA)


def recognize_frame(sample: Any, task: RecognitionTask) -> Recognized:
    """Run the local engine's step over a sampled DataFrame on an executor; bring back only what it found.

    A sample Spark hands over as no partition at all (an empty table) is
    analysed here, on its schema alone: there is no value to move.
    """
    with arrow_udf():
        out = sample.coalesce(1).mapInArrow(functools.partial(recognize_batches, task=task), RESULT_DDL)
    rows = out.toArrow()
    if rows.num_rows == 0:
        return run_step(task.schema.empty_table(), task)
    return pickle.loads(rows.column(0)[0].as_py())  # noqa: S301 - written by recognize_batches


def arrow_schema(frame: Any) -> pa.Schema:
    """The Arrow schema Spark gives a DataFrame's batches (for :class:`RecognitionTask`)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(frame.schema)
