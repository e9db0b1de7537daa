"""One table scanned by Spark (``--engine spark``): the local engine's steps, each a Spark job.

:func:`scan_spark_table` fills the same :class:`~scanner.models.TableResult` as the
local engine's table scan, step for step:

1. columns and comments, and the row count (``count()``, partition filter first);
2. a seeded random sample capped at ``--sample-rows``
   (:meth:`~connectors.spark.SparkConnector.sample_frame`), recognized on an
   executor by the local engine's own step (:func:`scanner.spark.recognize.recognize_frame`);
3. null shares, and sparse columns recognized again on a sample of their
   non-null values (:func:`scanner.sparse.complete_null_shares`, the local rule,
   with both the sampling and the recognition in Spark);
4. for a table with coordinates, the trajectory profile
   (:func:`scanner.trajectory.profile_table`), whose device and fix queries run
   in Spark; only then does the row sample come to the driver, as it does in
   the local engine, to pick the devices.

What reaches the driver otherwise is counts and findings (masked evidence).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import recognizers
from connectors.base import TableInfo
from connectors.spark import SparkConnector
from scanner.models import ColumnResult, TableResult
from scanner.spark.recognize import RecognitionTask, Recognized, Step, arrow_schema, recognize_frame
from scanner.sparse import complete_null_shares
from scanner.trajectory import find_coordinates, profile_table

if TYPE_CHECKING:
    from scanner.scan import ScanOptions


def scan_spark_table(
    connector: SparkConnector,
    info: TableInfo,
    result: TableResult,
    *,
    options: ScanOptions,
    recognize: Step,
    analyze_values: Step,
    clean: Callable[[str], str] = str,
) -> None:
    """Fill ``result`` from Spark; raises :class:`~connectors.base.SourceError` when Spark cannot read the table.

    ``recognize`` and ``analyze_values`` are the local engine's steps over a row
    sample and over a sparse column's values (:mod:`scanner.scan` passes them):
    the executors run them.
    """
    n, seed = options.sample_rows, options.seed
    columns = connector.columns(info)
    result.columns = [ColumnResult(c.name, c.type, comment=c.comment) for c in columns]
    result.row_count = connector.row_count(info)

    def on_executor(step: Step, frame: Any, what: str) -> Recognized:
        with connector.guard(what, info):
            task = RecognitionTask.of(step, columns, info, options, arrow_schema(frame), result)
            return recognize_frame(frame, task)

    found = on_executor(recognize, connector.sample_frame(info, n, seed=seed), "recognizing the sample")
    result.sampled_rows = found.rows
    result.columns = _merged(result.columns, found.columns)
    by_name = {c.name: c for c in result.columns}
    in_sample = {name: by_name[name].non_null for name in found.sampled}

    def recognize_values(name: str, held: int) -> tuple[int, list[recognizers.EntityFinding]] | None:
        frame = connector.sample_non_null_frame(info, [name], n, seed=seed)
        more = on_executor(analyze_values, frame, f"recognizing the values of {name}")
        if more.rows <= held:
            return None
        result.columns = _merged(result.columns, more.columns)  # a JSON column's sub-columns, from its values
        return more.rows, more.found.get(name, [])

    complete_null_shares(
        connector, info, in_sample, found.rows, result, n=n, recognize_values=recognize_values
    )
    if find_coordinates(result.columns) is not None:
        rows = connector.sample(info, n, seed=seed)
        result.trajectory = profile_table(
            connector, info, rows, result.columns, row_count=result.row_count, seed=seed, clean=clean
        )


def _merged(current: list[ColumnResult], returned: list[ColumnResult]) -> list[ColumnResult]:
    """The executor's columns, in its order, with the driver's objects kept for the columns both have.

    The step returns copies; a column the driver already holds keeps its object
    (the sparse-column rule updates the objects it looked up) and takes the
    executor's values.
    """
    mine = {c.name: c for c in current}
    out = []
    for col in returned:
        kept = mine.get(col.name)
        if kept is None:
            out.append(col)
            continue
        for f in dataclasses.fields(col):
            setattr(kept, f.name, getattr(col, f.name))
        out.append(kept)
    return out
