"""``chujing recognizers list``: what recognizes what — built-ins, installed packages, recognizer files."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

import recognizers
from catalog import load_mapping
from scanner.cli.options import output_options
from scanner.cli.output import emit_text


@click.group("recognizers")
def recognizers_group() -> None:
    """The recognizers a scan runs: chujing's own, packages' (entry point chujing.recognizers), YAML files."""


def _rows(registry_rows: list[dict]) -> list[dict]:
    classes = load_mapping().pi_class
    for row in registry_rows:
        if row.get("pi_class") is None and row.get("entities"):
            found = {classes[e].class_ for e in row["entities"] if e in classes}
            row["pi_class"] = "/".join(sorted(found)) or None
    return registry_rows


def _table(rows: list[dict]) -> str:
    lines = []
    for r in rows:
        ents = ", ".join(r.get("entities") or []) or "-"
        lines.append(
            f"{r['name']:<34} {r.get('kind', ''):<7} {r.get('pack', ''):<12} {ents}  [{r.get('pi_class') or '-'}]"
        )
    return "\n".join(lines) + "\n"


@recognizers_group.command("list")
@output_options(("table", "json"), help="A table for people or JSON for machines.")
@click.option(
    "--recognizers",
    "recognizer_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Also load this recognizer YAML file (Presidio's format, with chujing's keys); repeatable.",
)
@click.option(
    "--catalog",
    "catalog_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Also load the recognizer files in DIR (repeatable).",
)
def list_command(
    fmt: str, recognizer_files: Sequence[str], catalog_dirs: Sequence[str], output: str | None
) -> None:
    """List every recognizer with the entity types it reports and their PI class."""
    registry = recognizers.load_registry(files=list(recognizer_files), catalog_dirs=list(catalog_dirs))
    rows = _rows(recognizers.list_recognizers(registry))
    emit_text(
        json.dumps(rows, ensure_ascii=False, indent=2) + "\n" if fmt == "json" else _table(rows), output
    )
