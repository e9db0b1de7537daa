"""``chujing ledger``: the record after an export, and what the year's records hold.

    chujing ledger record SOURCE... --list ID --scenario S --subject T [--exported-at DATE] [--exempt ART] …
    chujing ledger show [--year YYYY] [--format table|json]
    chujing ledger forget EXPORT_ID

``record`` does what ``chujing check`` does and then records the export, so the
next check counts its persons.  The ledger keeps persons only as HMAC-SHA-256
hashes under the key in ``$CHUJING_LEDGER_KEY`` or ``--ledger-key-file``;
without a key nothing runs (:mod:`scanner.export.ledger`).
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from collections.abc import Sequence

import click

from connectors.textio import terminal_width
from reports.integrity import load_sign_key
from reports.ledger_table import render_ledger_table
from scanner.cli.observer import CliObserver
from scanner.cli.options import (
    export_options,
    ledger_options,
    output_options,
    parse_date,
    quiet_option,
    sign_key_option,
)
from scanner.cli.output import EXIT_OK, emit_report, emit_text
from scanner.export.check import assess
from scanner.export.ledger import EXEMPTIONS, ExportRecord, open_ledger
from scanner.export.request import CheckOptions
from scanner.scan import ScanOptions


@click.group("ledger")
def ledger_group() -> None:
    """The export ledger: persons exported this year, as keyed hashes (for the cumulative thresholds)."""


@ledger_group.command("record")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@export_options
@click.option(
    "--exported-at",
    default=None,
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Date the export happened (back-filled exports carry their own date) [default: today].",
)
@click.option(
    "--exempt",
    type=click.Choice(sorted(EXEMPTIONS)),
    default=None,
    help="The export falls under this article of the CBDF Provisions (促进和规范数据跨境流动规定) and "
    "does not count towards the cumulative number.",
)
@output_options(
    ("table", "json"), help="table for people; json (sealed) with the decision and the export id."
)
@sign_key_option()
@quiet_option("No progress bars and no table on stdout (JSON still is): the exit status tells.")
def record_command(
    sources: Sequence[str],
    scan_opts: ScanOptions,
    person_keys: tuple[tuple[str, ...], ...],
    recipient: str | None,
    ciio: bool,
    ledger_url: str | None,
    ledger_key_file: str | None,
    exported_at: _dt.date | None,
    exempt: str | None,
    fmt: str,
    output: str | None,
    sign_key_file: str | None,
    quiet: bool,
) -> None:
    """After an export: record it, so later checks count its persons (scans SOURCE... again to hash them)."""
    sign_key = load_sign_key(sign_key_file)
    date = exported_at or _dt.date.today()
    options = CheckOptions(
        scan=scan_opts, person_keys=person_keys, recipient=recipient, ciio=ciio, as_of=date
    )
    record = ExportRecord(
        exported_at=date,
        scenario=scan_opts.scenario,
        subject=scan_opts.subject,
        recipient=recipient,
        exempt=EXEMPTIONS.get(exempt) if exempt else None,
    )
    observer = CliObserver(quiet=quiet)
    try:
        with open_ledger(ledger_url, ledger_key_file, create=True) as ledger:
            result = assess(sources, options, ledger, observer=observer, record=record)
    finally:
        observer.close()
    emit_report(result.to_model(), fmt, output, quiet=quiet, sign_key=sign_key)
    if not quiet and result.recorded:
        click.echo(
            f"recorded export {result.recorded['id']} ({result.recorded['persons']:,} persons) "
            f"in {result.ledger['location']}",
            err=True,
        )
    sys.exit(EXIT_OK)


@ledger_group.command("show")
@click.option(
    "--year", type=click.IntRange(1970, 9999), default=None, help="Exports of this year [default: this year]."
)
@output_options(("table", "json"), help="table for people, json for machines.")
@ledger_options
def show_command(
    year: int | None, fmt: str, output: str | None, ledger_url: str | None, ledger_key_file: str | None
) -> None:
    """The year's recorded exports and its de-duplicated person totals."""
    year = year or _dt.date.today().year
    with open_ledger(ledger_url, ledger_key_file, create=False) as ledger:
        doc = {
            "ledger": ledger.display,
            "exists": ledger.exists,
            "year": year,
            "totals": ledger.year_totals(year),
            "exports": ledger.exports(year),
        }
    if fmt == "json":
        emit_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n", output)
    else:
        emit_text(render_ledger_table(doc, max_width=None if output else terminal_width()), output)


@ledger_group.command("forget")
@click.argument("export_id")
@ledger_options
def forget_command(export_id: str, ledger_url: str | None, ledger_key_file: str | None) -> None:
    """Remove a mistaken record: the export and its persons, in one transaction."""
    with open_ledger(ledger_url, ledger_key_file, create=False) as ledger:
        removed = ledger.forget(export_id)
    lists = ",".join(
        str(x.get("id", x)) if isinstance(x, dict) else str(x) for x in removed.get("lists") or []
    )
    click.echo(
        f"removed export {removed['id']} dated {removed['exported_at']} (lists {lists}, scenario "
        f"{removed.get('scenario')}, {removed['persons_any']:,} persons) and its "
        f"{removed['person_rows_removed']:,} person rows from {ledger.display}"
    )
