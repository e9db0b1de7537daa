"""Recognition on the machine's other cores: with ``--jobs N``, batches of tables recognized in other processes.

The recognizers run Python, so threads take turns at them (``scanner.scan._RECOGNIZING``) and a scan of many
small tables used one core whatever ``--jobs`` said: 2,000 SQLite tables took ten times their plain read,
half of it recognition, while the machine's second core stood idle.  With ``--jobs N`` the scan now starts
up to ``min(N, cores) - 1`` recognition processes (:func:`recognition_processes`) once a source has more
tables than one batch: the main thread reads a batch and hands it to the processes, or recognizes it itself
while they start up or have :data:`QUEUED` batches each already, and hands the tables on in their order, so
the report and the store are the same whatever ``--jobs`` is.

The processes start as soon as a source of more than one batch is listed (:meth:`RecognitionPool.start`).
Each imports the recognizers, builds its registry and loads the recognizers' tables
(:func:`recognizers.warm.warm_up`) on its own core, two to three seconds here, while the main thread reads
and recognizes; only then is it handed batches, so no batch waits behind a start-up.  Before, a process was
handed a batch while it started, and a source of a few batches waited seconds for its last one: 100 small
SQLite tables took 4.75 s with ``--jobs 4`` against 3.35 s without, 500 tables 5.60 s against 5.01 s; now
the processes of a scan that ends before they are ready are stopped, not waited for, and those sources take
the time of one process (3.2 and 4.8-5.0 s).  On this machine's two cores, 2,000 small SQLite tables with
``--jobs 4`` took 0.79-0.84 times the time of one process (``benchmarks/bench_many_tables.py``).  A batch waits
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
from recognizers.warm import warm_up

#: Batches handed to each process and not yet done, at most: beyond, the main thread recognizes the next batch
#: itself.  A process with a batch queued behind the one it recognizes never waits for the main thread's reads,
#: and the main thread recognizes only what the processes cannot keep up with (and every batch while they
#: start up: :attr:`RecognitionPool.ready`); few batches queued, few wait at the end, when the main thread has
#: nothing else to do.
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
    """A process's warm-up, handed to it as :meth:`RecognitionPool.start` starts it: the recognizers' tables
    loaded (:func:`recognizers.warm.warm_up`) before any batch of the scan's is handed over, so that its first
    batch takes what any other takes, and then kept out of the cycle collector's sight."""
    warm_up()
    gc.freeze()


def _recognize(inputs: Sequence[recognizers.TableInput]) -> tuple[list[dict], float]:
    """A batch's findings (:func:`recognizers.analyze_tables`) and the seconds they took, in the process."""
    t0 = time.perf_counter()
    found = recognizers.analyze_tables(inputs, scan_date=_SCAN_DATE, registry=_REGISTRY)
    if gc.get_freeze_count() == 0:
        gc.freeze()  # a process that took no start-up task: its tables, loaded by this batch, frozen now
    return found, time.perf_counter() - t0


class RecognitionPool:
    """Up to ``processes`` recognition processes, started by :meth:`start`.

    Use as a context manager; :meth:`submit` returns ``None`` while the processes start up, when every
    process is busy, or when the pool is out of the scan, and the caller recognizes the batch itself.
    """

    def __init__(
        self, processes: int, registry: recognizers.Registry | None, scan_date: _dt.date | None
    ) -> None:
        self.processes = processes
        self._registry = registry
        self._scan_date = scan_date or _dt.date.today()
        self._executor: ProcessPoolExecutor | None = None
        self._starting: list[Future] = []
        self._ready = False
        self._busy: list[Future] = []
        self.broken = processes < 1

    def start(self) -> None:
        """Start every process now, before the first batch is read: a process takes seconds to import the
        recognizers, build its registry and load their tables (:func:`_started`), and those go by on its own
        core while the main thread reads and recognizes."""
        if self.broken or self._executor is not None:
            return
        try:
            self._executor = self._start()
            # a process is spawned for each task no idle process can take: one start-up task each
            self._starting = [self._executor.submit(_started) for _ in range(self.processes)]
        except _CANNOT_START:
            self.broken = True

    @property
    def ready(self) -> bool:
        """Whether every process has started up (:func:`_started`): until then no batch is handed over, so
        that none waits behind a start-up (a scan of a few batches would otherwise wait seconds for its last).
        A process that failed to start takes the pool out of the scan."""
        if self._ready or self.broken or not self._starting:
            return self._ready
        if not all(f.done() for f in self._starting):
            return False
        if any(f.exception() is not None for f in self._starting):
            self.broken = True
            return False
        self._ready = True
        return True

    def submit(self, inputs: Sequence[recognizers.TableInput]) -> Future | None:
        """Hand a batch to the processes: its future (``(findings, seconds)``), or ``None`` while they start
        up, when they have :data:`QUEUED` batches each already, or when the pool is out of the scan."""
        self._busy = [f for f in self._busy if not f.done()]
        if not self.ready or self._executor is None or len(self._busy) >= self.processes * QUEUED:
            return None
        try:
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
        """Shut the processes down; those still starting up are stopped rather than waited for (no batch of
        the scan's is theirs: a scan of a few batches ends before they are ready)."""
        if self._executor is None:
            return
        if not self.ready and not self.broken:
            _stop_processes(self._executor)
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None

    def __enter__(self) -> RecognitionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop_processes(executor: ProcessPoolExecutor) -> None:
    """Terminate the executor's processes: its own method from Python 3.14, its process table before."""
    terminate = getattr(executor, "terminate_workers", None)
    if callable(terminate):
        terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.terminate()
