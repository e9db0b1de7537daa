"""``chujing check``: the gate before an export — which negative-list items, which route.

    chujing check SOURCE... --list ID --scenario S --subject T [--person-key COL[,COL]] [--recipient NAME]
                  [--ledger URL] [--ledger-key-file PATH] [--as-of DATE] [--format FMT] [-o FILE]

It scans the data about to leave, counts its natural persons exactly, adds the
persons exported earlier this year (from the ledger, de-duplicated) and says
which items the export falls under and which route it needs
(:func:`scanner.export.check.assess`).  It only reads the ledger.  Exit status:
0 outside the list, 5 nothing routes it but something needs review, 10
standard contract or certification, 20 security assessment, 30 other lawful
route (the strictest item wins), 2 on any error.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import sys
from collections.abc import Sequence

import click

from catalog import load_catalog
from reports.integrity import load_sign_key
from reports.renderers import FORMATS
from scanner.cli.observer import CliObserver
from scanner.cli.options import export_options, output_options, parse_date, quiet_option, sign_key_option
from scanner.cli.output import emit_report, refuse_binary_to_terminal
from scanner.cli.store import open_store, start_run, store_option
from scanner.export.check import assess
from scanner.export.ledger import open_ledger
from scanner.export.request import CheckOptions
from scanner.scan import ScanOptions

CHECK_FORMAT_HELP = (
    "table for people, json (sealed) for machines; html, xlsx and csv through the report renderers."
)


@click.command("check")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@export_options
@click.option(
    "--as-of",
    default=None,
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Date of the export: earlier exports from 1 January of its year up to it count [default: today].",
)
@output_options(("table", *(f for f in FORMATS if f != "table")), help=CHECK_FORMAT_HELP)
@sign_key_option()
@quiet_option("No progress bars and no table on stdout (JSON still is): the exit status tells.")
@store_option(required=False)
def check_command(
    sources: Sequence[str],
    scan_opts: ScanOptions,
    person_keys: tuple[tuple[str, ...], ...],
    recipient: str | None,
    ciio: bool,
    ledger_url: str | None,
    ledger_key_file: str | None,
    as_of: _dt.date | None,
    fmt: str,
    output: str | None,
    sign_key_file: str | None,
    quiet: bool,
    store_url: str | None,
) -> None:
    """Before an export: which negative-list items does SOURCE... fall under, and which route does it need?

    Persons are counted exactly (distinct natural persons, normalised ID numbers, mobiles and e-mails) and
    added to the persons exported earlier this year according to the ledger (自当年1月1日起累计, de-duplicated).
    Exit status: 0 outside the list, 5 needs review, 10 standard contract/certification,
    20 security assessment, 30 other lawful route, 2 on error.  The ledger is only read.
    """
    refuse_binary_to_terminal(fmt, output)
    sign_key = load_sign_key(sign_key_file)
    options = CheckOptions(
        scan=scan_opts, person_keys=person_keys, recipient=recipient, ciio=ciio, as_of=as_of
    )
    observer = CliObserver(quiet=quiet)
    with contextlib.ExitStack() as stack:
        run = None
        if store_url:  # the scan is kept as a run, and people's reviews apply to its findings
            store = stack.enter_context(open_store(store_url))
            run = start_run(store, sources, scan_opts, load_catalog(scan_opts.catalog_dirs))
        try:
            with open_ledger(ledger_url, ledger_key_file, create=False) as ledger:
                result = assess(sources, options, ledger, observer=observer, run=run)
        finally:
            observer.close()
        if run is not None:
            run.finish(result.exit_status, route=result.evaluation.route)
    emit_report(result.to_model(), fmt, output, quiet=quiet, sign_key=sign_key)
    sys.exit(result.exit_status)
