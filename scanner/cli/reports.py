"""Commands on written reports: ``chujing diff`` (what changed) and ``chujing verify-report`` (is it intact).

Exit statuses follow one rule: 0 all is well, 1 the thing the command looks
for was found (a new sensitive finding, a tampered report), 2 the command
could not do its job.  Signing keys are never printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reports.diff import DiffError, diff_reports, load, render_diff, render_diff_text
from reports.integrity import IntegrityError, load_sign_key, verify
from scanner.cli.options import output_options, quiet_option, sign_key_option
from scanner.cli.output import EXIT_FOUND, EXIT_OK, emit, emit_text
from scanner.cli.store import store_changes, store_option


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False), required=False)
@click.argument("new", type=click.Path(dir_okay=False), required=False)
@click.option(
    "--since-last",
    is_flag=True,
    help="Compare the latest two successful runs in the scan store (--store) instead of two report files.",
)
@store_option(required=False)
@output_options(
    ("table", "json", "html"),
    help="Output format: a terminal table, JSON for machines, or a self-contained HTML page.",
)
@click.option(
    "--tolerance",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Score and match-ratio moves up to this much are not reported.",
)
@quiet_option("Only the exit status and errors (and JSON, when asked for).")
def diff_command(
    old: str | None,
    new: str | None,
    since_last: bool,
    store_url: str | None,
    fmt: str,
    output: str | None,
    tolerance: float,
    quiet: bool,
) -> None:
    """What changed between two scan reports OLD.json and NEW.json, or (``--since-last``) the store's last two runs.

    Tables are matched by source, schema and name, columns by name.  Exit
    status 1 when new sensitive findings appeared (a new entity on a sensitive
    column, a column that became sensitive, a new table with sensitive columns,
    a stricter route, candidate important data), 0 otherwise, 2 when a report
    cannot be read.  A scheduled scan alerts on this.  With ``--since-last``
    the store's findings are compared: NEW, REMOVED, CLASS_CHANGED,
    ROUTE_CHANGED, ERROR per source, table, column and entity.
    """
    if since_last:
        if old or new:
            raise DiffError("give either OLD NEW report files or --since-last, not both")
        changes = store_changes(store_url)
        emit_text(changes.text(fmt), output)
        sys.exit(EXIT_FOUND if changes.alert else EXIT_OK)
    if not (old and new):
        raise DiffError("give two reports OLD.json NEW.json, or --since-last --store URL")
    d = diff_reports(load(old), load(new), tolerance=tolerance)
    emit(lambda f: render_diff(d, f), lambda _width: render_diff_text(d), fmt, output, quiet=quiet)
    sys.exit(d.exit_status)


@click.command("verify-report")
@click.argument("file", type=click.Path(dir_okay=False))
@sign_key_option("File holding the HMAC key (else $CHUJING_SIGN_KEY); checks the signature too.")
def verify_report_command(file: str, sign_key_file: str | None) -> None:
    """Check that a JSON report is the one chujing sealed (SHA-256, and HMAC-SHA-256 with a key).

    Exit status 0 when intact (and the signature is valid, when a key is
    given), 1 when tampered, unsealed, or unsigned while a key was given, 2
    when the file cannot be read.
    """
    key = load_sign_key(sign_key_file)
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise IntegrityError(f"{file}: cannot read ({exc.strerror or exc})") from None
    try:
        result = verify(data, key)
    except IntegrityError as exc:
        raise IntegrityError(f"{file}: {exc}") from None
    if result.ok:
        click.echo(f"{file}: {result.message}")
        sys.exit(EXIT_OK)
    click.echo(f"{file}: {result.status.upper()}: {result.message}", err=True)
    sys.exit(EXIT_FOUND)
