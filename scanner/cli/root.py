"""The ``chujing`` group: every command registered in one place, every error rendered once.

A command raises :class:`~connectors.errors.ChujingError` (a source that cannot
be read, a catalogue problem, a ledger without its key …) and the group prints
it as ``error: …`` lines on stderr and exits with status 2: no command catches
its own set of errors.  Usage errors stay click's (``Usage: … Error: …``, also
status 2).
"""

from __future__ import annotations

import gc
from typing import Any

import click

from connectors.errors import ChujingError
from scanner import __version__
from scanner.cli.catalog import catalog_group
from scanner.cli.check import check_command
from scanner.cli.console import console_command
from scanner.cli.demo import demo_command
from scanner.cli.ledger import ledger_group
from scanner.cli.logs import configure_logging
from scanner.cli.output import EXIT_ERROR
from scanner.cli.recognizers import recognizers_group
from scanner.cli.reports import diff_command, verify_report_command
from scanner.cli.scan import scan_command
from scanner.cli.schema import schema_command
from scanner.cli.spotcheck import spotcheck_command
from scanner.cli.store import history_command, review_command

#: Every command, in the order ``chujing --help`` lists them (click sorts them by name).  A new command (such
#: as ``chujing recognizers list``) is a module in this package and one entry here.
COMMANDS: tuple[click.Command, ...] = (
    scan_command,
    demo_command,
    check_command,
    ledger_group,
    spotcheck_command,
    diff_command,
    verify_report_command,
    history_command,
    review_command,
    console_command,
    catalog_group,
    recognizers_group,
    schema_command,
)


class ChujingGroup(click.Group):
    """The root group: runs the command and renders any :class:`ChujingError` as one-line errors, exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ChujingError as exc:
            for line in exc.lines():
                click.echo(f"error: {line}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=ChujingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="chujing", message="%(prog)s %(version)s")
def main() -> None:
    """chujing (出境): find personal information and candidate important data, and map it onto
    China's cross-border data rules before anything is exported."""
    configure_logging(debug=False)  # libraries' INFO chatter stays out of the output; --debug lets it in


for _command in COMMANDS:
    main.add_command(_command)


def run() -> None:
    """The ``chujing`` program (its installed script, ``python -m scanner.cli``): :func:`main`, in a process of
    its own.

    What is alive once the command line is imported (the modules, classes and functions of every library, a
    few hundred thousand objects) lives as long as the process, so it is put out of the cycle collector's
    sight first (:func:`gc.freeze`): each full collection while a warehouse is scanned then walks the objects
    the scan made, not the interpreter's (a tenth of a second of a 2,000-table scan).  Only here, where the
    process is chujing's: a program that calls :func:`main` (tests, through click's runner) keeps its own
    collector as it was.
    """
    gc.freeze()
    main()
