"""The ``chujing`` command line.

``chujing scan SOURCE...`` scans SQL databases (any SQLAlchemy URL) and local
Parquet files, directories and datasets; ``chujing demo`` builds and scans the
embedded demo warehouse.  Exit status: 0 when everything was scanned, 2 when
any source or table failed (the report says which) or on usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from catalog import CatalogError
from catalog.cli import catalog_group
from connectors.textio import terminal_width
from reports.cli import diff_command, spotcheck_command, verify_report_command
from reports.integrity import IntegrityError, load_sign_key, seal
from reports.renderers import FORMATS, RENDERERS, write_report
from reports.table import render_table
from scanner import __version__
from scanner.cli_options import (
    configure_logging,
    debug_option,
    modality_option,
    parse_date,
    s3_connector_options,
    s3_options,
)
from scanner.export_cli import check_command, ledger_group
from scanner.models import TableResult
from scanner.scan import ScanOptions, scan

EXIT_OK = 0
EXIT_FAILED = 2


class CliObserver:
    """Progress bars (tqdm, stderr, TTY only) and one-line errors on stderr."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.show_bars = not quiet and sys.stderr.isatty()

    def source_started(self, uri: str, tables: int) -> None:
        self._close()
        if self.show_bars:
            from tqdm import tqdm

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


def emit(report: dict, fmt: str, output: str | None, quiet: bool, sign_key: bytes | None = None) -> None:
    """Seal the report, then write it to ``output`` (atomically) or stdout.

    With a file, the summary table goes to stdout too.  Binary formats (xlsx)
    need a file.
    """
    seal(report, sign_key)
    if output:
        write_report(report, fmt, output)
        if not quiet:
            click.echo(render_table(report, max_width=terminal_width()), nl=False)
            click.echo(f"report written to {output}")
    elif fmt == "table" and not quiet:  # at a terminal, cut to its width; piped, whole
        click.echo(render_table(report, max_width=terminal_width()), nl=False)
    elif fmt == "json" or not quiet:
        click.echo(RENDERERS[fmt].render(report).decode("utf-8"), nl=False)


def check_format(fmt: str, output: str | None) -> None:
    """Binary formats cannot go to a terminal: refuse early, before any scanning."""
    if RENDERERS[fmt].binary and not output:
        raise click.UsageError(f"--format {fmt} writes a binary file: give it with -o FILE{RENDERERS[fmt].extension}")


def sign_key_option(fn):  # noqa: ANN001, ANN201 - click decorator
    """``--sign-key-file``: HMAC-sign the report (the key may also come from $CHUJING_SIGN_KEY)."""
    return click.option(
        "--sign-key-file", type=click.Path(dir_okay=False), default=None,
        help="HMAC-SHA-256 sign the report with the key in this file (or $CHUJING_SIGN_KEY); "
             "`chujing verify-report` checks it.",
    )(fn)


def read_sign_key(path: str | None) -> bytes | None:
    """The signing key, or exit 2 with one line naming the file (never the key)."""
    try:
        return load_sign_key(path)
    except IntegrityError as exc:
        fail_usage([str(exc)])


def fail_usage(problems: list[str]) -> NoReturn:
    """Print one line per problem on stderr and exit with status 2."""
    for p in problems:
        click.echo(f"error: {p}", err=True)
    sys.exit(EXIT_FAILED)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="chujing", message="%(prog)s %(version)s")
def main() -> None:
    """chujing (出境): find personal information and candidate important data, and map it onto
    China's cross-border data rules before anything is exported."""
    configure_logging(debug=False)  # libraries' INFO chatter stays out of the output; --debug lets it in


@main.command("scan")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--sample-rows", default=1000, show_default=True, type=click.IntRange(1, 10_000_000),
              help="Rows sampled per table.")
@click.option("--tables", "include", multiple=True, metavar="GLOB",
              help="Only tables matching GLOB (name or schema.name); repeatable.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip tables matching GLOB; repeatable.")
@click.option("--schema", default=None, help="SQL schema(s) to scan: a name, a comma-separated list, or '*'.")
@click.option("--views/--no-views", default=False, show_default=True, help="Also scan SQL views.")
@click.option("--seed", default=0, show_default=True, type=int, help="Sampling seed (same seed, same sample).")
@click.option("--scan-date", default=None, callback=parse_date, metavar="YYYY-MM-DD",
              help="Date the scan is as of (minors are counted against it); default today.")
@click.option("--list", "lists", multiple=True, metavar="ID",
              help="Negative list(s) to evaluate findings against, e.g. jiangsu-2025-biopharma; repeatable.")
@click.option("--scenario", default=None, metavar="ID",
              help="Export scenario for list evaluation: one the lists name, e.g. clinical-trial "
                   "(`chujing catalog show LIST`), or other for none of them.")
@click.option("--subject", default=None, metavar="ID", help="Whose data it is, e.g. trial-subject, patient.")
@modality_option
@click.option("--reference-rule", default="jiangsu-2025-reference-rule", show_default=True, metavar="ID",
              help="Classification reference rule for column categories.")
@click.option("--catalog", "catalog_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Directory with your own catalogue YAML files (another FTZ's list); repeatable.")
@s3_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Report format: table (terminal), json (the versioned contract), html (self-contained page), "
                   "xlsx (export data catalogue, needs -o), csv (flat findings).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE (atomically).")
@sign_key_option
@click.option("--quiet", is_flag=True, help="No progress bars and no summary; errors still go to stderr.")
@debug_option
def scan_command(sources, sample_rows, include, exclude, schema, views, seed, scan_date, lists, scenario, subject,
                 modality, reference_rule, catalog_dirs, fmt, output, sign_key_file, quiet, debug, **s3) -> None:
    """Scan SOURCE... for personal information and important data.

    SOURCE is a SQLAlchemy URL (sqlite:///wh.db, postgresql+psycopg://user@host/db,
    mysql+pymysql://user@host/db) or a local path (a Parquet file, a directory of files,
    a hive-partitioned dataset).
    """
    check_format(fmt, output)
    sign_key = read_sign_key(sign_key_file)
    options = ScanOptions(
        sample_rows=sample_rows, include=include, exclude=exclude, seed=seed, schema=schema,
        include_views=views, scan_date=scan_date, reference_rule=reference_rule, lists=lists,
        scenario=scenario, subject=subject, modality=modality, catalog_dirs=catalog_dirs, debug=debug,
        connector_options=s3_connector_options(s3),
    )
    observer = CliObserver(quiet=quiet)
    try:
        report = scan(sources, options, observer)
    except CatalogError as exc:
        fail_usage(exc.problems)
    finally:
        observer.close()
    emit(report, fmt, output, quiet, sign_key)
    failed = report["summary"]["sources_failed"] or report["summary"]["tables_failed"]
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command("demo")
@click.option("--dir", "target", default="chujing-demo", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo warehouse and its reports are written.")
@click.option("--seed", default=20250101, show_default=True, type=int, help="Seed of the generated data.")
@click.option("--quiet", is_flag=True, help="No summary on stdout.")
@debug_option
def demo_command(target: str, seed: int, quiet: bool, debug: bool) -> None:
    """Build the embedded demo warehouse of a fictional Suzhou biopharma company, scan it,
    and write its reports into --dir (default ./chujing-demo/)."""
    from scanner.demo.run import run_demo

    observer = CliObserver(quiet=quiet)
    try:
        result = run_demo(Path(target), seed=seed, observer=observer, debug=debug)
    finally:
        observer.close()
    if not quiet:
        click.echo(render_table(result.report, max_width=terminal_width()), nl=False)
        click.echo("")
        for path in result.outputs:
            click.echo(f"wrote {path}")
    failed = result.report["summary"]["sources_failed"] or result.report["summary"]["tables_failed"]
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


main.add_command(catalog_group)
main.add_command(diff_command)
main.add_command(verify_report_command)
main.add_command(spotcheck_command)
main.add_command(check_command)
main.add_command(ledger_group)


if __name__ == "__main__":  # pragma: no cover
    main()
