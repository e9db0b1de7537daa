"""What a person sees while a command runs: progress bars (tqdm, stderr, only at a terminal) and errors.

The scan, the gate and the spot-check report to an observer
(:class:`scanner.observer.ScanObserver`); this one draws a bar per source
(tables), and one per other long step as it starts — an S3 listing (objects),
person counting (tables), hashing persons into the ledger (keys) — and prints
each failing source or table as one ``error: …`` line on stderr as it happens,
so a long run says what went wrong without waiting for the report.
``--quiet``, or a stderr that is no terminal, keeps the bars away; errors
always show.
"""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from scanner.models import TableResult


class _Bar:
    """A tqdm bar drawn at the first update, so that a step with nothing to report shows nothing."""

    def __init__(self, label: str, unit: str, total: int | None, *, show: bool) -> None:
        self.label, self.unit, self.total, self.show = label, unit, total, show
        self.bar: tqdm | None = None

    def update(self, n: int = 1) -> None:
        if not self.show:
            return
        if self.bar is None:
            desc = self.label if len(self.label) <= 40 else "…" + self.label[-39:]
            self.bar = tqdm(total=self.total, desc=desc, unit=self.unit, file=sys.stderr, leave=False)
        self.bar.update(n)

    def clear(self) -> None:
        if self.bar is not None:
            self.bar.clear()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class CliObserver:
    """Progress bars (tqdm, stderr, TTY only) and one-line errors on stderr."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.show_bars = not quiet and sys.stderr.isatty()
        self.source: _Bar | None = None  # the tables of the source being scanned
        self.steps: list[_Bar] = []  # other long steps, closed by whoever started them

    def source_started(self, uri: str, tables: int) -> None:
        self._end_source()
        self.source = _Bar(uri, "table", tables, show=self.show_bars)
        self.source.update(0)  # a source's bar shows at once, with its number of tables

    def table_done(self, result: TableResult) -> None:
        if self.source is not None:
            self.source.update(1)

    def progress(self, label: str, *, unit: str, total: int | None = None) -> _Bar:
        """A new step (a listing, counting, hashing): the scan of the source before it is over."""
        self._end_source()
        bar = _Bar(label, unit, total, show=self.show_bars)
        self.steps.append(bar)
        return bar

    def error(self, message: str) -> None:
        for bar in (self.source, *self.steps):
            if bar is not None:
                bar.clear()
        click.echo(f"error: {message}", err=True)

    def close(self) -> None:
        """Take every bar off the terminal (the command is done)."""
        self._end_source()
        for bar in self.steps:
            bar.close()
        self.steps = []

    def _end_source(self) -> None:
        if self.source is not None:
            self.source.close()
            self.source = None
