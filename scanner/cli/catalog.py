"""``chujing catalog``: see which regulation texts chujing applies, read them, and check your own.

    chujing catalog list [--format table|json] [-o FILE] [--catalog DIR]
    chujing catalog show ID [--format table|json] [-o FILE] [--catalog DIR]
    chujing catalog validate FILE...

``list`` prints every loaded document (id, kind, title in Chinese and English,
item count, version, SHA-256 prefix).  ``show`` prints one document: every item
with its route, thresholds and scenarios, the Chinese text beside the English.
``validate`` checks catalogue files you wrote (another free-trade zone's list, to
pass with ``--catalog DIR``) and prints one line per problem, naming file, entry
and field; it exits 1 when there is any.  The words are :mod:`catalog.describe`'s.
"""

from __future__ import annotations

import json
import shutil
import sys

import click

from catalog.describe import document_data, document_lines, list_lines, summary, validated_line
from catalog.loader import load_catalog, validate_files
from catalog.models import CatalogError
from catalog.requests import did_you_mean
from scanner.cli.output import emit_text

_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Human-readable table or JSON.",
)
_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to FILE (atomically) instead of standard output.",
)
_catalog_option = click.option(
    "--catalog",
    "catalog_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Also load the catalogue files in DIR (repeatable), e.g. another FTZ's list.",
)


def _term_width() -> int:
    """The width the listings wrap to: the terminal's, kept between 72 and 160 columns (110 when piped)."""
    return max(72, min(160, shutil.get_terminal_size((110, 24)).columns))


@click.group(name="catalog")
def catalog_group() -> None:
    """The regulation catalogue: negative lists and reference rules chujing applies."""


@catalog_group.command("list")
@_format_option
@_output_option
@_catalog_option
def list_cmd(fmt: str, output: str | None, catalog_dirs: tuple[str, ...]) -> None:
    """List the loaded negative lists and reference rules."""
    rows = [summary(d) for d in load_catalog(catalog_dirs)]
    if fmt == "json":
        emit_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", output)
    else:
        emit_text("\n".join(list_lines(rows, _term_width())) + "\n", output)


@catalog_group.command("show")
@click.argument("doc_id", metavar="ID")
@_format_option
@_output_option
@_catalog_option
def show_cmd(doc_id: str, fmt: str, output: str | None, catalog_dirs: tuple[str, ...]) -> None:
    """Show one list (every item) or reference rule (every category)."""
    catalog = load_catalog(catalog_dirs)
    if doc_id not in catalog:
        raise CatalogError(
            [
                f"unknown catalogue id '{doc_id}'{did_you_mean(doc_id, catalog.ids())} "
                "(chujing catalog list shows the ids)"
            ]
        )
    d = catalog.get(doc_id)
    if fmt == "json":
        emit_text(json.dumps(document_data(d), ensure_ascii=False, indent=2) + "\n", output)
    else:
        emit_text("\n".join(document_lines(d, catalog.vocabulary, _term_width())) + "\n", output)


@catalog_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_cmd(files: tuple[str, ...]) -> None:
    """Check catalogue FILEs: one line per problem (file: entry: field: message); exit 1 if any."""
    ok, problems = validate_files(files)
    for d in ok:
        click.echo(validated_line(d))
    for line in problems:
        click.echo(line)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len(files) - len(ok)} of {len(files)} file(s)", err=True)
        sys.exit(1)
