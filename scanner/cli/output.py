"""The one way a command writes its result: rendered in the chosen format to a file (atomically) or stdout.

Every command that produces a document (``scan``, ``check``, ``ledger record``,
``spotcheck``, ``diff``) goes through :func:`emit`:

* with ``-o FILE`` the rendered bytes are written atomically, and (unless
  ``--quiet``) the terminal summary and ``report written to FILE`` go to stdout;
* without a file, the ``table`` format prints the summary (cut to the terminal's
  width; whole when piped) unless ``--quiet``; ``json`` always prints (it is what
  a pipeline asked for); other text formats print unless ``--quiet``;
* binary formats (xlsx) need a file: :func:`refuse_binary_to_terminal` says so
  before any work is done.

Reports and check decisions are sealed (and signed with a key) and rendered by
the report registry (:mod:`reports.renderers`): :func:`emit_report`.  Listings
that are not documents (``catalog``, ``ledger show``) use :func:`emit_text`.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from catalog.report import CheckReport, ScanReport, to_document
from connectors.textio import terminal_width, write_bytes, write_text
from reports.integrity import seal
from reports.renderers import get_renderer, render, render_summary, write_report

#: Exit statuses every command shares: 0 all is well, 1 what the command looks for was found (a new sensitive
#: finding, a tampered report, a divergence from the filing), 2 it could not do its job (an error, a failed
#: source).  ``chujing check`` adds its routes' statuses (:mod:`scanner.export.check`).
EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def refuse_binary_to_terminal(fmt: str, output: str | None) -> None:
    """Binary formats cannot go to a terminal: refuse early, before any scanning."""
    renderer = get_renderer(fmt)
    if renderer.binary and not output:
        raise click.UsageError(
            f"--format {fmt} writes a binary file: give it with -o FILE{renderer.extension}"
        )


def emit(
    render: Callable[[str], bytes],
    summary: Callable[[int | None], str],
    fmt: str,
    output: str | None,
    *,
    quiet: bool,
    write: Callable[[str, str], object] | None = None,
) -> None:
    """Write ``render(fmt)`` to ``output`` or stdout; ``summary(max_width)`` is what a person reads.

    ``write(fmt, output)``, when given, writes the same bytes to the output file itself (atomically, piece by
    piece: :func:`reports.renderers.write_report`).
    """
    if output:
        if write is None:
            write_bytes(output, render(fmt))
        else:
            write(fmt, output)
        if not quiet:
            click.echo(summary(terminal_width()), nl=False)
            click.echo(f"report written to {output}")
    elif fmt == "table":
        if not quiet:  # at a terminal, cut to its width; piped, whole
            click.echo(summary(terminal_width()), nl=False)
    elif fmt == "json" or not quiet:
        click.echo(render(fmt).decode("utf-8"), nl=False)


def emit_report(
    report: ScanReport | CheckReport, fmt: str, output: str | None, *, quiet: bool, sign_key: bytes | None
) -> None:
    """Turn the typed report (a scan or a check decision) into its document, seal it, and :func:`emit` it
    through the report renderers: every format renders the one sealed document, so all show its SHA-256."""
    doc = seal(to_document(report), sign_key)
    emit(
        lambda f: render(doc, f, sealed_now=True),
        lambda max_width: render_summary(doc, max_width=max_width),
        fmt,
        output,
        quiet=quiet,
        write=lambda f, path: write_report(doc, f, path, sealed_now=True),
    )


def emit_text(text: str, output: str | None) -> None:
    """A listing: to ``output`` (atomically, saying so on stderr) or stdout."""
    if output:
        write_text(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
