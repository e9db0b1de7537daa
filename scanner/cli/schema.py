"""``chujing schema report|check``: the JSON Schema of a report contract, generated from its typed model."""

from __future__ import annotations

import click

from reports.schemas import KINDS, schema_text


@click.command("schema")
@click.argument("kind", type=click.Choice(list(KINDS)))
def schema_command(kind: str) -> None:
    """Print the JSON Schema of KIND: ``report`` (chujing.report/1, a scan) or ``check`` (chujing.check/1).

    The schemas are generated from the models the JSON reports are validated
    against before they are written; reports/schemas/ holds the same files.
    """
    click.echo(schema_text(kind), nl=False)
