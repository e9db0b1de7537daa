"""Who hears about a long run while it happens: progress and errors, reported as they occur.

The scan (:func:`scanner.scan.scan`), the gate (:func:`scanner.export.check.assess`)
and the spot-check report to a :class:`ScanObserver`: each table as it is
done, each failure as one line, and the progress of the other long steps —
an S3 listing (objects), person counting (tables), hashing persons into the
ledger (keys).  The command line draws them as progress bars on a terminal
(:class:`scanner.cli.observer.CliObserver`); a library caller passes nothing
and gets :data:`SILENT`.
"""

from __future__ import annotations

from typing import Protocol

from scanner.models import TableResult


class Progress(Protocol):
    """One long step: ``update`` as work is done, ``close`` when it is over."""

    def update(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


class ScanObserver(Protocol):
    """Receives progress and errors (the CLI draws progress bars and prints errors)."""

    def source_started(self, uri: str, tables: int) -> None: ...

    def table_done(self, result: TableResult) -> None: ...

    def error(self, message: str) -> None: ...

    def progress(self, label: str, *, unit: str, total: int | None = None) -> Progress:
        """A step of ``total`` ``unit``\\ s (``None``: not known in advance), e.g. objects listed, keys hashed."""
        ...


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class _Silent:
    """An observer that hears nothing: the default of library calls."""

    def source_started(self, uri: str, tables: int) -> None:
        pass

    def table_done(self, result: TableResult) -> None:
        pass

    def error(self, message: str) -> None:
        pass

    def progress(self, label: str, *, unit: str, total: int | None = None) -> Progress:
        return _NoProgress()


SILENT: ScanObserver = _Silent()
