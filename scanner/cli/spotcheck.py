"""``chujing spotcheck FILING SOURCE...``: the export data against its filing (Jiangsu Art. 14 一致性抽验).

Exit status: 1 on any divergence, 0 when consistent, 2 on error (the rule every
report command follows; see :mod:`scanner.cli.output`).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence

import click

from catalog import load_catalog
from reports.filing import load_filing
from reports.integrity import load_sign_key
from reports.spotcheck import render_spotcheck, render_spotcheck_text
from scanner.cli.observer import CliObserver
from scanner.cli.options import output_options, person_key_option, quiet_option, scan_options, sign_key_option
from scanner.cli.output import emit
from scanner.cli.store import open_store, start_run, store_option
from scanner.export.spotcheck import run_spotcheck
from scanner.scan import ScanOptions


@click.command("spotcheck")
@click.argument("filing", type=click.Path(dir_okay=False))
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@scan_options(lists=None)
@person_key_option
@click.option(
    "--no-count-persons",
    is_flag=True,
    help="Use row counts (an upper bound) instead of counting distinct persons in the engine.",
)
@output_options(
    ("table", "json", "html"),
    help="Output format: a terminal table, JSON for machines, or a self-contained HTML page.",
)
@sign_key_option()
@quiet_option()
@store_option(required=False)
def spotcheck_command(
    filing: str,
    sources: Sequence[str],
    scan_opts: ScanOptions,
    person_keys: tuple[tuple[str, ...], ...],
    no_count_persons: bool,
    fmt: str,
    output: str | None,
    sign_key_file: str | None,
    quiet: bool,
    store_url: str | None,
) -> None:
    """Check the export data SOURCE... against its FILING (Jiangsu Art. 14 一致性抽验).

    FILING is the XLSX catalogue chujing writes (edited by people), or YAML or
    JSON declaring fields, categories, persons and the recipient.  The sources
    it names (数据源 Source) are matched by what they point at, not by how they
    are written: a relative path, a trailing slash, credentials, the driver and
    a default port make no difference.  Every divergence is listed: undeclared
    sensitive fields, undeclared fields with findings, undeclared categories,
    PI classes stricter than declared, more persons than declared, declared
    tables or fields missing.  Exit status 1 on any divergence, 0 when
    consistent, 2 on error.
    """
    sign_key = load_sign_key(sign_key_file)
    declared = load_filing(filing)
    observer = CliObserver(quiet=quiet)
    with contextlib.ExitStack() as stack:
        run = None
        if store_url:  # the spot-check's scan is kept as a run, and people's reviews apply to its findings
            store = stack.enter_context(open_store(store_url))
            run = start_run(store, sources, scan_opts, load_catalog(scan_opts.catalog_dirs))
        try:
            res = run_spotcheck(
                declared,
                list(sources),
                scan_opts,
                person_keys=person_keys,
                count_persons=not no_count_persons,
                observer=observer,
                run=run,
            )
        finally:
            observer.close()
        if run is not None:
            run.finish(res.exit_status)
    emit(
        lambda f: render_spotcheck(res, f, sign_key=sign_key),
        lambda _width: render_spotcheck_text(res),
        fmt,
        output,
        quiet=quiet,
    )
    sys.exit(res.exit_status)
