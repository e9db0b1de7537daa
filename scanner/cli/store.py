"""Commands on the scan store: ``chujing history`` (the runs) and ``chujing review`` (decisions on findings).

The store is given with ``--store URL`` or ``$CHUJING_STORE``: a SQLite file or
any SQLAlchemy URL (PostgreSQL for a team).  Nothing here prints a raw value:
the store holds masked evidence and masked URIs only.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Sequence
from dataclasses import dataclass

import click

from catalog import Catalog
from connectors.uri import source_identity
from scanner import __version__
from scanner.cli.options import output_options
from scanner.cli.output import emit_text
from scanner.scan import ScanOptions
from scanner.store import STORE_ENV, Store, StoreError
from scanner.store.changes import Change, since_last
from scanner.store.runner import StoreRun, run_versions


def store_option(required: bool = True) -> click.Option:
    """``--store URL`` (else ``$CHUJING_STORE``)."""
    return click.option(
        "--store",
        "store_url",
        envvar=STORE_ENV,
        show_envvar=True,
        required=required,
        metavar="URL",
        help="Scan store: a SQLite file (sqlite:///path/store.db or a path) or a SQLAlchemy URL "
        "(postgresql+psycopg://… for a team).",
    )


def start_run(
    store: Store,
    sources: Sequence[str],
    opts: ScanOptions,
    catalog: Catalog,
    *,
    incremental: bool = False,
    resume: bool = False,
) -> StoreRun:
    """Begin a store run for a scan with ``opts``: its options (whatever day it runs, for ``--resume``) and
    the versions its results depend on (tool, catalogue documents, user recognizer packs)."""
    params = opts.as_parameters()
    params.pop("scan_date", None)
    packs = opts.registry.evidence() if opts.registry is not None else []
    versions = run_versions(__version__, {d.id: d.sha256 for d in catalog}, packs)
    return StoreRun.start(store, sources, params, versions, incremental=incremental, resume=resume)


def open_store(url: str | None) -> Store:
    if not url:
        raise StoreError(f"no scan store: give --store URL or set ${STORE_ENV}")
    return Store.open(url)


@dataclass
class StoreChanges:
    """``chujing diff --since-last``: the changes between the store's latest two successful runs."""

    old: str | None
    new: str | None
    changes: list[Change]

    @property
    def alert(self) -> bool:
        return any(c.alert for c in self.changes)

    def text(self, fmt: str) -> str:
        if fmt == "json":
            doc = {
                "old_run": self.old,
                "new_run": self.new,
                "alert": self.alert,
                "changes": [c.to_dict() for c in self.changes],
            }
            return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        if self.old is None:
            return "fewer than two successful runs in the store: nothing to compare yet\n"
        lines = [f"changes from run {self.old} to run {self.new}:"]
        for c in self.changes:
            where = ".".join(x for x in (c.schema, c.table, c.column) if x)
            what = (
                f"{c.before or '-'} → {c.after or '-'}"
                if c.kind in ("CLASS_CHANGED", "ROUTE_CHANGED")
                else (c.after or c.before or "")
            )
            lines.append(
                f"  {'!' if c.alert else ' '} {c.kind:<14} {c.source} {where} {c.entity} {what}".rstrip()
            )
        if not self.changes:
            lines.append("  none")
        return "\n".join(lines) + "\n"


def store_changes(url: str | None) -> StoreChanges:
    with open_store(url) as store:
        found = since_last(store)
    return StoreChanges(None, None, []) if found is None else StoreChanges(*found)


def _history_table(runs: list[dict]) -> str:
    head = ("run", "started", "finished", "status", "exit", "scanned", "carried", "failed", "sensitive cols")
    rows = [
        (
            r["id"],
            r["started_at"][:19],
            (r.get("finished_at") or "-")[:19],
            r["status"],
            "-" if r.get("exit_status") is None else str(r["exit_status"]),
            str(r["tables_scanned"]),
            str(r["tables_carried"]),
            str(r["tables_failed"]),
            str(r["sensitive_columns"]),
        )
        for r in runs
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in (head, *rows)
    ]
    return "\n".join(lines) + "\n" if runs else "no runs in the store yet\n"


@click.command("history")
@store_option()
@output_options(("table", "json"), help="A table for people or JSON for machines.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the latest N runs.")
def history_command(store_url: str, fmt: str, output: str | None, limit: int | None) -> None:
    """The runs in the scan store, newest first: status, tables scanned / carried / failed, sensitive columns."""
    with open_store(store_url) as store:
        runs = store.history(limit)
    text = json.dumps(runs, ensure_ascii=False, indent=2) + "\n" if fmt == "json" else _history_table(runs)
    emit_text(text, output)


@click.command("review")
@store_option()
@click.argument("source", required=False)
@click.argument("table", required=False)
@click.argument("column", required=False)
@click.option(
    "--confirm", "confirm", metavar="ENTITY", help="Confirm that COLUMN holds ENTITY (e.g. CN_RESIDENT_ID)."
)
@click.option("--dismiss", "dismiss", metavar="ENTITY", help="Dismiss ENTITY in COLUMN: not this data.")
@click.option(
    "--note", default="", help="Why (required with --confirm/--dismiss): the note is audit evidence."
)
@click.option("--by", default=None, help="Who decides (default: the login name).")
@click.option("--list", "list_", is_flag=True, help="List every decision taken, oldest first.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="With --list: a table or JSON.",
)
def review_command(
    store_url: str,
    source: str | None,
    table: str | None,
    column: str | None,
    confirm: str | None,
    dismiss: str | None,
    note: str,
    by: str | None,
    list_: bool,
    fmt: str,
) -> None:
    """Record a person's decision about a finding: it holds in every later run, report, check and spot-check.

    TABLE is ``schema.table`` where the source has schemas.  A dismissed finding
    no longer makes its column sensitive nor counts toward a route; it stays in
    the report, struck through with who, when and why.  Decisions are never
    deleted: a later one supersedes an earlier one, and ``--list`` shows them all.
    """
    with open_store(store_url) as store:
        if list_:
            log = store.review_log()
            if fmt == "json":
                click.echo(json.dumps(log, ensure_ascii=False, indent=2))
            elif not log:
                click.echo("no reviews yet")
            for r in log if fmt == "table" else []:
                where = ".".join(x for x in (r["schema"], r["table"], r["column"]) if x)
                click.echo(
                    f"{r['at']}  {r['decision']:<8} {r['entity']:<18} {r['source']} {where}  "
                    f"by {r['by']}: {r['note']}"
                )
            return
        if not (source and table and column) or bool(confirm) == bool(dismiss):
            raise StoreError(
                "give SOURCE TABLE COLUMN and one of --confirm ENTITY / --dismiss ENTITY (or --list)"
            )
        schema, _, name = table.rpartition(".")
        decision, entity = ("confirm", confirm) if confirm else ("dismiss", dismiss)
        review = store.add_review(
            source,
            source_identity(source),
            schema or None,
            name,
            column,
            str(entity),
            decision=decision,
            note=note,
            by=by or getpass.getuser(),
        )
    click.echo(f"{decision}ed {entity} in {table}.{column} ({review.at}, by {review.by})")
