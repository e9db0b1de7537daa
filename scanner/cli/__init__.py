"""The ``chujing`` command line: every command, its options declared once, its errors rendered once.

One job per module:

* :mod:`~scanner.cli.root` — the ``chujing`` group, the list of commands, one-line errors (exit 2);
* :mod:`~scanner.cli.options` — options shared by commands, each declared once (``scan_options`` builds
  the :class:`~scanner.scan.ScanOptions` every scanning command receives);
* :mod:`~scanner.cli.output` — the one way results are written: through the report renderers, to a file
  (atomically) or stdout, with the summary a person reads;
* :mod:`~scanner.cli.observer` — progress bars and errors while a command runs;
* :mod:`~scanner.cli.logs` — log levels (``--debug``);
* the commands: :mod:`~scanner.cli.scan`, :mod:`~scanner.cli.demo`, :mod:`~scanner.cli.check`,
  :mod:`~scanner.cli.ledger`, :mod:`~scanner.cli.spotcheck`, :mod:`~scanner.cli.reports` (``diff``,
  ``verify-report``), :mod:`~scanner.cli.catalog`;
* :mod:`~scanner.cli.clidoc` — ``docs/cli.md``, generated from the commands (``python -m scanner.cli.clidoc``).

The commands parse options and write results; the work is the library's
(:mod:`scanner.scan`, :mod:`scanner.export`, :mod:`scanner.demo`, :mod:`catalog`, :mod:`reports`).
"""

from scanner.cli.root import main, run

__all__ = ["main", "run"]
