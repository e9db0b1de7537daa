"""Recognition on the machine's other cores: with ``--jobs N``, batches of tables recognized in other processes.

The recognizers run Python, so threads take turns at them (``scanner.scan._RECOGNIZING``) and a scan of many
small tables used one core whatever ``--jobs`` said: 2,000 SQLite tables took ten times their plain read,
half of it recognition, while the machine's second core stood idle.  With ``--jobs N`` the scan now starts
up to ``min(N, cores) - 1`` recognition processes (:func:`recognition_processes`) once a source has more
tables than one batch: the main thread reads a batch and hands it to the processes, or recognizes it itself
when they have :data:`QUEUED` batches each already (so a process still starting up delays nothing), and
hands the tables on in their order, so the report and the store are the same whatever ``--jobs`` is.

The processes start as soon as a source of more than one batch is listed (:meth:`RecognitionPool.start`),
and each imports the recognizers and builds its registry then (a second and a half here), while the main
thread reads the first batch; each loads the recognizers' tables on its first batch, as the main process does
(about a second more), so the gain starts at a few hundred tables.  On this machine's two cores, 2,000 small
SQLite tables with ``--jobs 4`` took 0.78-0.99 times the time of one process when the processes started with
the first batch; started at the listing, 0.80-0.96 times what they took before (four interleaved runs), and
0.79-0.84 times the time of one process (``benchmarks/bench_many_tables.py``).  A batch waits
for its process in its turn, never taken back: cancelling a queued batch races with the executor's own
handling of a process that died (Python 3.11 then leaves the batches after it unresolved).

A process receives what :func:`recognizers.analyze_tables` reads — each table's sample as Arrow, its column
metadata and names — and sends back only the findings (entity types, counts, masked evidence).  The
registry travels pickled once, when the process starts, as it does to Spark's executors
(:mod:`scanner.spark.recognize`).  A batch whose process fails is recognized again in the main process, one
table at a time, so that a failure is a table's; a process that dies takes the pool out of the scan, and
the rest is recognized in the main process.

The processes are started with ``spawn``: a fork would copy the scan's reader threads' locks (a database
driver's, SQLAlchemy's pool's) in whatever state they were, and pyarrow's own threads not at all.
"""

from __future__ import annotations

import datetime as _dt
import gc
import multiprocessing
import os
import pickle
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import recognizers

#: Batches handed to each process and not yet done, at most: beyond, the main thread recognizes the next batch
#: itself.  A process with a batch queued behind the one it recognizes never waits for the main thread's reads,
#: and the main thread recognizes only what the processes cannot keep up with (at first, while a process
#: starts: its imports and the recognizers' tables take a few seconds); few batches queued, few wait at the
#: end, when the main thread has nothing else to do.
QUEUED = 2

#: What starting a process or handing it a batch raises when it cannot be done here: no process can start, or
#: the registry does not pickle (a plug-in's local class, a lock it holds).
_CANNOT_START = (BrokenProcessPool, OSError, RuntimeError, pickle.PicklingError, TypeError, AttributeError)

#: The registry of this recognition process, and the scan's date (set when the process starts).
_REGISTRY: recognizers.Registry | None = None
_SCAN_DATE: _dt.date | None = None


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or ``taskset`` narrows)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def recognition_processes(jobs: int, cores: int) -> int:
    """How many processes recognize beside the main one: ``--jobs`` places, at most a core each, one of them
    the main process's.

    >>> recognition_processes(1, 8), recognition_processes(4, 2), recognition_processes(4, 8), recognition_processes(4, 1)
    (0, 1, 3, 0)
    """
    return max(0, min(jobs, cores) - 1)


def _start(registry: bytes | None, scan_date: _dt.date) -> None:
    """A recognition process's start: the scan's registry (the default one built now, its recognizers'
    modules imported, rather than on the first batch) and date."""
    global _REGISTRY, _SCAN_DATE
    if registry is None:
        recognizers.default_registry()
    _REGISTRY = None if registry is None else pickle.loads(registry)  # noqa: S301 - the scan's own registry
    _SCAN_DATE = scan_date


def _started() -> None:
    """Nothing: handed to each process as :meth:`RecognitionPool.start` starts it."""


def _recognize(inputs: Sequence[recognizers.TableInput]) -> tuple[list[dict], float]:
    """A batch's findings (:func:`recognizers.analyze_tables`) and the seconds they took, in the process."""
    t0 = time.perf_counter()
    found = recognizers.analyze_tables(inputs, scan_date=_SCAN_DATE, registry=_REGISTRY)
    if gc.get_freeze_count() == 0:
        gc.freeze()  # the recognizers' tables, loaded by the first batch, out of the collector's sight for good
    return found, time.perf_counter() - t0


class RecognitionPool:
    """Up to ``processes`` recognition processes, started by :meth:`start` or the first batch handed over.

    Use as a context manager; :meth:`submit` returns ``None`` when every process is busy (or the pool is
    out of the scan), and the caller recognizes the batch itself.
    """

    def __init__(
        self, processes: int, registry: recognizers.Registry | None, scan_date: _dt.date | None
    ) -> None:
        self.processes = processes
        self._registry = registry
        self._scan_date = scan_date or _dt.date.today()
        self._executor: ProcessPoolExecutor | None = None
        self._busy: list[Future] = []
        self.broken = processes < 1

    def start(self) -> None:
        """Start every process now, before the first batch is read: a process takes seconds to import the
        recognizers and build its registry, and those go by while the main thread reads."""
        if self.broken or self._executor is not None:
            return
        try:
            self._executor = self._start()
            for _ in range(self.processes):  # a process is spawned for each task no idle process can take
                self._executor.submit(_started)
        except _CANNOT_START:
            self.broken = True

    def submit(self, inputs: Sequence[recognizers.TableInput]) -> Future | None:
        """Hand a batch to the processes: its future (``(findings, seconds)``), or ``None`` when they have
        :data:`QUEUED` batches each already, or the pool is out of the scan."""
        self._busy = [f for f in self._busy if not f.done()]
        if self.broken or len(self._busy) >= self.processes * QUEUED:
            return None
        try:
            if self._executor is None:
                self._executor = self._start()
            future = self._executor.submit(_recognize, list(inputs))
        except _CANNOT_START:  # the main process recognizes the rest
            self.broken = True
            return None
        self._busy.append(future)
        return future

    def _start(self) -> ProcessPoolExecutor:
        registry = None if self._registry is None else pickle.dumps(self._registry)
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(registry, self._scan_date),
        )

    def result(self, future: Future) -> tuple[list[dict], float] | None:
        """The batch's findings and seconds, or ``None`` when its process failed (the pool is then out of the
        scan if the process died).  The caller recognizes a failed batch itself."""
        try:
            return future.result()
        except BrokenProcessPool:
            self.broken = True
            return None
        except Exception:
            return None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> RecognitionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
