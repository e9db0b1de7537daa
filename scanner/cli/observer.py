"""What a person sees while a command runs: progress bars (tqdm, stderr, only at a terminal) and errors.

The scan and the gate report to an observer (:class:`scanner.scan.ScanObserver`);
this one draws a bar per source and prints each failing source or table as one
``error: …`` line on stderr as it happens, so a long scan says what went wrong
without waiting for the report.  ``--quiet`` keeps the bars away; errors always
show.
"""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from scanner.models import TableResult


class CliObserver:
    """Progress bars (tqdm, stderr, TTY only) and one-line errors on stderr."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: tqdm | None = None
        self.show_bars = not quiet and sys.stderr.isatty()

    def source_started(self, uri: str, tables: int) -> None:
        self._close()
        if self.show_bars:
            self.bar = tqdm(total=tables, desc=uri[-40:], unit="table", file=sys.stderr, leave=False)

    def table_done(self, result: TableResult) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def error(self, message: str) -> None:
        if self.bar is not None:
            self.bar.clear()
        click.echo(f"error: {message}", err=True)

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def close(self) -> None:
        self._close()
