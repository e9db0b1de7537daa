"""Tables side by side: ``--jobs N`` worker threads, ``--table-timeout SECONDS`` per table, results in order.

A warehouse scan waits on the database most of the time (sampling, counting,
catalogue queries), so tables are scanned in threads: the database drivers and
pyarrow release the GIL while they wait or compute.  The recognizers, which run
Python, take turns (``scanner.scan._RECOGNIZING``): threads overlap the waits,
not the recognition.  :func:`in_order` runs a
function on each item in up to ``jobs`` threads and hands the results back in
the items' order, so a report is the same whatever ``jobs`` is, and the caller
— the scan's main thread — alone writes the report and the store.

A table that gives no result within ``timeout`` seconds of starting is
reported as :class:`TimedOut` and the rest goes on.  A thread cannot be killed:
the abandoned one keeps running until its work ends (for SQL sources the
statement timeout, set to the table timeout, cancels the query in the
database), but it no longer holds one of the ``jobs`` places, and as a daemon it
never keeps the process alive.  A result that arrives later than ``timeout`` is
a time-out too, so the outcome of a table does not depend on when it was
looked at.

Workers receive a :class:`Deferred` observer: what they report (errors, one
line each) is replayed by the main thread in the tables' order.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from scanner.models import TableResult
from scanner.observer import Progress, ScanObserver

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class TimedOut:
    """No result within the table timeout."""

    seconds: float


class Deferred:
    """An observer for a worker thread: errors are kept to be replayed in order by the main thread."""

    def __init__(self, target: ScanObserver) -> None:
        self.target = target
        self.errors: list[str] = []

    def source_started(self, uri: str, tables: int) -> None:
        self.target.source_started(uri, tables)

    def table_done(self, result: TableResult) -> None:
        pass  # the main thread reports the table when it takes its result

    def error(self, message: str) -> None:
        self.errors.append(message)

    def progress(self, label: str, *, unit: str, total: int | None = None) -> Progress:
        return self.target.progress(label, unit=unit, total=total)

    def replay(self) -> None:
        for message in self.errors:
            self.target.error(message)


@dataclass
class _Task(Generic[T, R]):
    item: T
    started: float = 0.0
    finished: float | None = None
    abandoned: bool = False
    result: R | None = None
    error: BaseException | None = None


class _Pool(Generic[T, R]):
    """Up to ``jobs`` daemon threads at once; a task that is given up on frees its place at once."""

    def __init__(self, work: Callable[[T], R], jobs: int) -> None:
        self.work, self.jobs, self.active = work, max(1, jobs), 0
        self.changed = threading.Condition()

    def start(self, item: T) -> _Task[T, R]:
        """Start ``work(item)`` (the caller holds ``changed`` and saw a free place)."""
        task: _Task[T, R] = _Task(item, started=time.monotonic())
        self.active += 1
        threading.Thread(target=self._run, args=(task,), name="chujing-table", daemon=True).start()
        return task

    def _run(self, task: _Task[T, R]) -> None:
        result: R | None = None
        error: BaseException | None = None
        try:
            result = self.work(task.item)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread with the item's turn
            error = exc
        with self.changed:
            task.result, task.error, task.finished = result, error, time.monotonic()
            if not task.abandoned:
                self.active -= 1
            self.changed.notify_all()

    def abandon(self, task: _Task[T, R]) -> None:
        """Give up on a running task (the caller holds ``changed``): its place is free from now."""
        task.abandoned = True
        self.active -= 1


def in_order(
    items: Iterable[T],
    work: Callable[[T], R],
    *,
    jobs: int = 1,
    timeout: float | None = None,
) -> Iterator[tuple[T, R | TimedOut]]:
    """``(item, work(item))`` for every item, in order; ``TimedOut`` when an item took longer than ``timeout``.

    ``jobs`` items are worked on at once, started in order (at most ``2 * jobs`` results wait to be taken,
    so memory stays bounded).  With one job and no timeout everything runs in the calling thread, as a
    plain loop would.  An exception raised by ``work`` is raised here, when its item's turn comes.

    >>> [r for _, r in in_order(range(5), lambda i: i * i, jobs=3)]
    [0, 1, 4, 9, 16]
    >>> [type(r).__name__ for _, r in in_order([0.0, 5.0], time.sleep, timeout=0.2)]
    ['NoneType', 'TimedOut']
    """
    if jobs <= 1 and timeout is None:
        for item in items:
            yield item, work(item)
        return
    pool: _Pool[T, R] = _Pool(work, jobs)
    pending: collections.deque[_Task[T, R]] = collections.deque()
    source = iter(items)
    more = True
    while True:
        with pool.changed:
            while True:
                while more and pool.active < pool.jobs and len(pending) < 2 * pool.jobs:
                    item = next(source, _END)
                    if item is _END:
                        more = False
                    else:
                        pending.append(pool.start(item))  # type: ignore[arg-type]
                if not pending:
                    return
                head = pending[0]
                if head.finished is not None:
                    break
                left = None if timeout is None else head.started + timeout - time.monotonic()
                if left is not None and left <= 0:
                    pool.abandon(head)
                    break
                pool.changed.wait(left)
        pending.popleft()
        yield head.item, _outcome(head, timeout)


_END = object()


def _outcome(task: _Task[T, R], timeout: float | None) -> R | TimedOut:
    if task.abandoned or (
        timeout is not None and task.finished is not None and task.finished - task.started > timeout
    ):
        return TimedOut(timeout or 0.0)
    if task.error is not None:
        raise task.error
    return task.result  # type: ignore[return-value]
