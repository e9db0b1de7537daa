"""Report commands: ``chujing diff``, ``chujing verify-report`` and ``chujing spotcheck``.

The lead registers them on the main group::

    from reports.cli import diff_command, spotcheck_command, verify_report_command
    main.add_command(diff_command); main.add_command(verify_report_command); main.add_command(spotcheck_command)

Exit statuses follow one rule: 0 all is well, 1 the thing the command looks
for was found (a new sensitive finding, a tampered report, a divergence from
the filing), 2 the command could not do its job (unreadable input, a failed
scan).  Errors are one line on stderr; signing keys are never printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from connectors.textio import write_bytes
from scanner.cli_options import debug_option, parse_date

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _emit(data: bytes, output: str | None, *, quiet: bool = False, summary: str = "") -> None:
    if output:
        write_bytes(output, data)
        if not quiet:
            if summary:
                click.echo(summary, nl=False)
            click.echo(f"written to {output}")
    else:
        click.echo(data.decode("utf-8"), nl=False)


def _sign_key(path: str | None) -> bytes | None:
    from reports.integrity import IntegrityError, load_sign_key

    try:
        return load_sign_key(path)
    except IntegrityError as exc:
        _fail(str(exc))
    return None  # pragma: no cover


# --- diff ---------------------------------------------------------------------------------------------


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(("table", "json", "html")), default="table", show_default=True,
              help="Output format: a terminal table, JSON for machines, or a self-contained HTML page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the diff to FILE (atomically).")
@click.option("--tolerance", default=0.05, show_default=True, type=click.FloatRange(0, 1),
              help="Score and match-ratio moves up to this much are not reported.")
@click.option("--quiet", is_flag=True, help="Only the exit status and errors.")
def diff_command(old: str, new: str, fmt: str, output: str | None, tolerance: float, quiet: bool) -> None:
    """What changed between two scan reports OLD.json and NEW.json.

    Tables are matched by source, schema and name, columns by name.  Exit
    status 1 when new sensitive findings appeared (a new entity on a sensitive
    column, a column that became sensitive, a new table with sensitive columns,
    a stricter route, candidate important data), 0 otherwise, 2 when a report
    cannot be read.  A scheduled scan alerts on this.
    """
    from reports.diff import DiffError, diff_reports, load, render_diff, render_diff_text

    try:
        d = diff_reports(load(old), load(new), tolerance=tolerance)
    except DiffError as exc:
        _fail(str(exc))
    if not (quiet and not output and fmt == "table"):
        _emit(render_diff(d, fmt), output, quiet=quiet, summary=render_diff_text(d) if fmt != "table" else "")
    sys.exit(d.exit_status)


# --- verify-report ------------------------------------------------------------------------------------


@click.command("verify-report")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--sign-key-file", type=click.Path(dir_okay=False), default=None,
              help="File holding the HMAC key (else $CHUJING_SIGN_KEY); checks the signature too.")
def verify_report_command(file: str, sign_key_file: str | None) -> None:
    """Check that a JSON report is the one chujing sealed (SHA-256, and HMAC-SHA-256 with a key).

    Exit status 0 when intact (and the signature is valid, when a key is
    given), 1 when tampered, unsealed, or unsigned while a key was given, 2
    when the file cannot be read.
    """
    from reports.integrity import IntegrityError, verify

    key = _sign_key(sign_key_file)
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        _fail(f"{file}: cannot read ({exc.strerror or exc})")
    try:
        result = verify(data, key)
    except IntegrityError as exc:
        _fail(f"{file}: {exc}")
    if result.ok:
        click.echo(f"{file}: {result.message}")
        sys.exit(EXIT_OK)
    click.echo(f"{file}: {result.status.upper()}: {result.message}", err=True)
    sys.exit(EXIT_FOUND)


# --- spotcheck ----------------------------------------------------------------------------------------


@click.command("spotcheck")
@click.argument("filing", type=click.Path(dir_okay=False))
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--format", "fmt", type=click.Choice(("table", "json", "html")), default="table", show_default=True,
              help="Output format: a terminal table, JSON for machines, or a self-contained HTML page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the result to FILE (atomically).")
@click.option("--sample-rows", default=1000, show_default=True, type=click.IntRange(1, 10_000_000),
              help="Rows sampled per table.")
@click.option("--tables", "include", multiple=True, metavar="GLOB", help="Only tables matching GLOB; repeatable.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip tables matching GLOB; repeatable.")
@click.option("--schema", default=None, help="SQL schema(s) to scan: a name, a comma-separated list, or '*'.")
@click.option("--views/--no-views", default=False, show_default=True, help="Also scan SQL views.")
@click.option("--seed", default=0, show_default=True, type=int, help="Sampling seed.")
@click.option("--scan-date", default=None, callback=parse_date, metavar="YYYY-MM-DD",
              help="Date the scan is as of; default today.")
@click.option("--reference-rule", default="jiangsu-2025-reference-rule", show_default=True, metavar="ID",
              help="Classification reference rule for categories.")
@click.option("--catalog", "catalog_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Directory with your own catalogue YAML files; repeatable.")
@click.option("--person-key", default=None, metavar="COL[,COL]",
              help="Columns identifying a person (e.g. a subject code) for de-duplicated person counts.")
@click.option("--no-count-persons", is_flag=True,
              help="Use row counts (an upper bound) instead of counting distinct persons in the engine.")
@click.option("--sign-key-file", type=click.Path(dir_okay=False), default=None,
              help="HMAC key file (else $CHUJING_SIGN_KEY) to sign the JSON result.")
@click.option("--quiet", is_flag=True, help="No summary; errors still go to stderr.")
@debug_option
def spotcheck_command(filing, sources, fmt, output, sample_rows, include, exclude, schema, views, seed, scan_date,
                      reference_rule, catalog_dirs, person_key, no_count_persons, sign_key_file, quiet,
                      debug) -> None:
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
    from reports.filing import FilingError, load_filing
    from reports.spotcheck import render_spotcheck, render_spotcheck_text
    from scanner.export.persons import parse_person_key
    from scanner.export.spotcheck import run_spotcheck
    from scanner.scan import ScanOptions

    key = _sign_key(sign_key_file)
    try:
        declared = load_filing(filing)
    except FilingError as exc:
        _fail(str(exc))
    options = ScanOptions(sample_rows=sample_rows, include=include, exclude=exclude, seed=seed, schema=schema,
                          include_views=views, scan_date=scan_date, reference_rule=reference_rule,
                          catalog_dirs=catalog_dirs, debug=debug)
    try:
        res = run_spotcheck(declared, list(sources), options, person_key=parse_person_key(person_key),
                            count_persons=not no_count_persons, observer=_Errors())
    except Exception as exc:  # a catalogue error or a bug: one line unless --debug
        if debug:
            raise
        from connectors.uri import scrub

        text = " ".join(str(exc).split()) or type(exc).__name__
        for source in sources:
            text = scrub(text, source)
        _fail(text)
    summary = "" if fmt == "table" else render_spotcheck_text(res)
    if not (quiet and not output and fmt == "table"):
        _emit(render_spotcheck(res, fmt, sign_key=key), output, quiet=quiet, summary=summary)
    sys.exit(res.exit_status)


class _Errors:
    """Scan observer: one line per failing source or table on stderr."""

    def source_started(self, uri: str, tables: int) -> None:
        pass

    def table_done(self, result: object) -> None:
        pass

    def error(self, message: str) -> None:
        click.echo(f"error: {message}", err=True)
