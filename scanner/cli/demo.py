"""``chujing demo``: build the embedded demo warehouse, scan it, write its reports, show the summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from connectors.textio import terminal_width
from reports.table import render_table
from scanner.cli.logs import debug_option
from scanner.cli.observer import CliObserver
from scanner.cli.scan import exit_status
from scanner.demo.run import run_demo


@click.command("demo")
@click.option(
    "--dir",
    "target",
    default="chujing-demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where the demo warehouse and its reports are written.",
)
@click.option("--seed", default=20250101, show_default=True, type=int, help="Seed of the generated data.")
@click.option("--quiet", is_flag=True, help="No summary on stdout.")
@debug_option
def demo_command(target: str, seed: int, quiet: bool, debug: bool) -> None:
    """Build the embedded demo warehouse of a fictional Suzhou biopharma company, scan it,
    and write its reports into --dir (default ./chujing-demo/)."""
    observer = CliObserver(quiet=quiet)
    try:
        result = run_demo(Path(target), seed=seed, observer=observer, debug=debug)
    finally:
        observer.close()
    if not quiet:
        click.echo(render_table(result.document, max_width=terminal_width()), nl=False)
        click.echo("")
        for path in result.outputs:
            click.echo(f"wrote {path}")
    sys.exit(exit_status(result.report))
