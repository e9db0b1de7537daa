"""The one base of every error chujing reports to a person.

Each package raises its own kind (:class:`~connectors.base.SourceError`,
``CatalogError``, ``LedgerError``, ``CheckError``, ``FilingError`` …), all
derived from :class:`ChujingError`, so the command line catches one type and
prints it once, as ``error: …`` lines on stderr with exit status 2.  It lives
in ``connectors``, the lowest layer, because every other package may import
downwards only.

The message is what a person reads: one line naming the source and saying
what to do (a message of several lines is several problems, one per line).  It
never holds a secret or a raw sensitive value: whoever raises it masks URLs and
values first.  ``source``, ``table`` and ``column`` say where, for reports that
list failures beside the data they concern.

>>> err = ChujingError("sqlite:///a.db: no such file — check the path", source="sqlite:///a.db")
>>> str(err), err.source, err.table, err.lines()
('sqlite:///a.db: no such file — check the path', 'sqlite:///a.db', None, ['sqlite:///a.db: no such file — check the path'])
"""

from __future__ import annotations


class ChujingError(Exception):
    """Something chujing cannot do, said in words a person can act on (never a secret)."""

    def __init__(
        self, message: str, *, source: str | None = None, table: str | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.table = table
        self.column = column

    def __str__(self) -> str:
        return self.message

    def lines(self) -> list[str]:
        """The problems, one per line, as the command line prints them after ``error:``."""
        return [line for line in self.message.splitlines() if line.strip()] or [type(self).__name__]
