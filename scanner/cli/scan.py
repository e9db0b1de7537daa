"""``chujing scan SOURCE...``: scan SQL databases, local files and S3 for PI and important data.

Exit status: 0 when everything was scanned, 2 when any source or table failed
(the report says which; each failure was one line on stderr as it happened).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence

import click

from catalog.report import ScanReport
from reports.integrity import load_sign_key
from reports.renderers import FORMATS
from scanner.cli.observer import CliObserver
from scanner.cli.options import output_options, quiet_option, scan_options, sign_key_option
from scanner.cli.output import EXIT_ERROR, EXIT_OK, emit_report, refuse_binary_to_terminal
from scanner.cli.store import open_store, start_run, store_option
from scanner.scan import ScanOptions, check_catalog_options, scan
from scanner.store import StoreError

REPORT_FORMAT_HELP = (
    "Report format: table (terminal), json (the versioned contract), html (self-contained page), "
    "xlsx (export data catalogue, needs -o), csv (flat findings)."
)


@click.command("scan")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@scan_options(lists="optional")
@output_options(("table", *(f for f in FORMATS if f != "table")), help=REPORT_FORMAT_HELP)
@sign_key_option()
@quiet_option()
@store_option(required=False)
@click.option(
    "--incremental",
    is_flag=True,
    help="With --store: rescan only tables whose fingerprint or rules changed; carry the others over from "
    "the last successful run.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="With --store: continue the latest unfinished run of the same sources and options (scan what is left).",
)
def scan_command(
    sources: Sequence[str],
    scan_opts: ScanOptions,
    fmt: str,
    output: str | None,
    sign_key_file: str | None,
    quiet: bool,
    store_url: str | None,
    incremental: bool,
    resume: bool,
) -> None:
    """Scan SOURCE... for personal information and important data.

    SOURCE is a SQLAlchemy URL (sqlite:///wh.db, postgresql+psycopg://user@host/db,
    mysql+pymysql://user@host/db), a local path (a Parquet, CSV, JSON or Excel file, a
    directory of files, a hive-partitioned dataset) or s3://bucket/prefix.
    """
    refuse_binary_to_terminal(fmt, output)
    sign_key = load_sign_key(sign_key_file)
    if (incremental or resume) and not store_url:
        raise StoreError(
            "--incremental and --resume need a scan store: give --store URL or set $CHUJING_STORE"
        )
    catalog = check_catalog_options(scan_opts)
    observer = CliObserver(quiet=quiet)
    with contextlib.ExitStack() as stack:
        run = None
        if store_url:
            store = stack.enter_context(open_store(store_url))
            run = start_run(store, sources, scan_opts, catalog, incremental=incremental, resume=resume)
        try:
            report = scan(sources, scan_opts, observer, catalog=catalog, run=run)
        finally:
            observer.close()
        status = exit_status(report)
        if run is not None:
            run.finish(status, route=report.list_items.route if report.list_items else None)
    emit_report(report, fmt, output, quiet=quiet, sign_key=sign_key)
    sys.exit(status)


def exit_status(report: ScanReport) -> int:
    """2 when any source or table could not be scanned (the report says which), else 0."""
    return EXIT_ERROR if report.summary.sources_failed or report.summary.tables_failed else EXIT_OK
