"""``chujing check`` and ``chujing ledger``: the gate before an export, and the record after it.

    chujing check SOURCE... --list ID --scenario S --subject T [--person-key COL[,COL]] [--recipient NAME]
                  [--ledger URL] [--ledger-key-file PATH] [--as-of DATE] [--format json|table|html] [-o FILE]
    chujing ledger record SOURCE... --list ID --scenario S --subject T [--exported-at DATE] [--exempt ART] …
    chujing ledger show [--year YYYY] [--format table|json]
    chujing ledger forget EXPORT_ID

``check`` scans the data about to leave, counts its natural persons exactly,
adds the persons exported earlier this year (from the ledger, de-duplicated)
and says which negative-list items the export falls under and which route it
needs.  It only reads the ledger.  Exit status: 0 outside the list, 10 standard
contract or certification, 20 security assessment, 30 other lawful route (the
strictest item wins), 2 on any error.

``ledger record`` does the same and then records the export, so the next check
counts its persons.  The ledger keeps persons only as HMAC-SHA-256 hashes under
the key in ``$CHUJING_LEDGER_KEY`` or ``--ledger-key-file``; without a key
nothing runs.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from catalog.evaluator import ROUTE_LABELS
from connectors.textio import pad, terminal_width, truncate, width, write_text
from scanner.cli_options import (
    debug_option,
    ledger_options,
    modality_option,
    parse_date,
    s3_connector_options,
    s3_options,
)
from scanner.export.check import EXIT_ERROR, CheckError, CheckOptions, assess
from scanner.export.ledger import EXEMPTIONS, ExportRecord, Ledger, LedgerError, load_key
from scanner.export.persons import parse_person_key

CHECK_FORMATS = ("table", "json", "html", "xlsx", "csv")


def _export_options(f: Callable) -> Callable:
    """Options shared by ``check`` and ``ledger record``: what the export is and how to scan it."""
    decorators = [
        click.argument("sources", nargs=-1, required=True, metavar="SOURCE..."),
        click.option(
            "--list",
            "lists",
            multiple=True,
            required=True,
            metavar="ID",
            help="Negative list(s) to apply, e.g. jiangsu-2025-biopharma; repeatable.",
        ),
        click.option(
            "--scenario",
            required=True,
            metavar="S",
            help="Business scenario of the export: one the lists name, e.g. clinical-trial "
            "(chujing catalog show LIST), or other for none of them.",
        ),
        click.option(
            "--subject",
            required=True,
            metavar="T",
            help="Whose data it is, e.g. trial-subject, patient, hcp, vehicle-owner.",
        ),
        click.option(
            "--person-key",
            "person_keys",
            multiple=True,
            metavar="COL[,COL]",
            help="Column(s) that identify a natural person (e.g. a pseudonymous subject code), instead "
            "of the ID/passport/mobile/e-mail columns the scan finds; COL,COL is one composite key. "
            "Repeatable: each table uses the first whose columns it has.",
        ),
        click.option("--recipient", default=None, metavar="NAME", help="Who receives the data abroad."),
        click.option(
            "--ciio",
            is_flag=True,
            help="The exporter is a critical-information-infrastructure operator (关键信息基础设施运营者): "
            "the identification rule's CIIO clause applies.",
        ),
        ledger_options,
        click.option(
            "--sample-rows",
            default=1000,
            show_default=True,
            type=click.IntRange(1, 10_000_000),
            help="Rows sampled per table by the scan (persons are always counted over all rows).",
        ),
        click.option(
            "--tables",
            "include",
            multiple=True,
            metavar="GLOB",
            help="Only tables matching GLOB; repeatable.",
        ),
        click.option(
            "--exclude", multiple=True, metavar="GLOB", help="Skip tables matching GLOB; repeatable."
        ),
        click.option("--schema", default=None, help="SQL schema(s): a name, a comma-separated list, or '*'."),
        click.option("--views/--no-views", default=False, show_default=True, help="Also read SQL views."),
        click.option(
            "--reference-rule",
            default="jiangsu-2025-reference-rule",
            show_default=True,
            metavar="ID",
            help="Classification reference rule (important-data identification).",
        ),
        click.option(
            "--catalog",
            "catalog_dirs",
            multiple=True,
            type=click.Path(file_okay=False),
            help="Directory with your own catalogue YAML files; repeatable.",
        ),
        click.option(
            "--quiet",
            is_flag=True,
            help="No progress bars and no table on stdout (JSON still is): the exit status tells.",
        ),
        debug_option,
    ]
    for d in reversed(decorators):
        f = d(f)
    return modality_option(s3_options(f))


def _options(kw: dict[str, Any], as_of: _dt.date | None) -> CheckOptions:
    return CheckOptions(
        lists=kw["lists"],
        scenario=kw["scenario"],
        subject=kw["subject"],
        person_keys=[k for k in (parse_person_key(v) for v in kw["person_keys"]) if k],
        recipient=kw["recipient"],
        as_of=as_of,
        sample_rows=kw["sample_rows"],
        include=kw["include"],
        exclude=kw["exclude"],
        schema=kw["schema"],
        include_views=kw["views"],
        reference_rule=kw["reference_rule"],
        modality=kw["modality"],
        ciio=kw["ciio"],
        catalog_dirs=kw["catalog_dirs"],
        connector_options=s3_connector_options(kw),
        debug=kw["debug"],
    )


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _observer(quiet: bool) -> Any:
    from scanner.cli import CliObserver  # late: scanner.cli registers this module's commands

    return CliObserver(quiet=quiet)


def _open_ledger(url: str | None, key_file: str | None, *, create: bool) -> Ledger:
    key = load_key(key_file)
    return Ledger.open(url, key, create=create)


# --- chujing check ---------------------------------------------------------------------------------


@click.command("check")
@_export_options
@click.option(
    "--as-of",
    default=None,
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Date of the export: earlier exports from 1 January of its year up to it count [default: today].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    default="table",
    show_default=True,
    help="table for people, json (sealed) for machines; html, xlsx and csv through the report renderers.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the result to FILE (atomically)."
)
def check_command(as_of: _dt.date | None, fmt: str, output: str | None, **kw: Any) -> None:
    """Before an export: which negative-list items does SOURCE... fall under, and which route does it need?

    Persons are counted exactly (distinct natural persons, normalised ID numbers, mobiles and e-mails) and
    added to the persons exported earlier this year according to the ledger (自当年1月1日起累计, de-duplicated).
    Exit status: 0 outside the list, 10 standard contract/certification, 20 security assessment,
    30 other lawful route, 2 on error.  The ledger is only read.
    """
    options = _options(kw, as_of)
    observer = _observer(kw["quiet"])
    try:
        with _open_ledger(kw["ledger_url"], kw["ledger_key_file"], create=False) as ledger:
            result = assess(kw["sources"], options, ledger, observer=observer)
    except (CheckError, LedgerError) as exc:
        _fail(str(exc))
    finally:
        observer.close()
    doc = result.to_dict()
    _emit(doc, fmt, output, kw["quiet"])
    sys.exit(result.exit_status)


def _emit(doc: dict[str, Any], fmt: str, output: str | None, quiet: bool) -> None:
    """Write the decision in ``fmt``: JSON and the table here, HTML/XLSX/CSV through the reports' registry."""
    if fmt not in ("json", "table"):
        from reports import renderers

        if output:
            renderers.write_report(doc, fmt, output)
            if not quiet:
                click.echo(render_check_table(doc, max_width=terminal_width()), nl=False)
                click.echo(f"report written to {output}")
        elif renderers.get_renderer(fmt).binary:
            _fail(f"--format {fmt} writes a binary file: give -o FILE")
        else:
            click.echo(renderers.render(doc, fmt).decode("utf-8"), nl=False)
        return
    if output:
        write_text(output, _render_json(doc) if fmt == "json" else render_check_table(doc))
        if not quiet:
            if fmt == "json":
                click.echo(render_check_table(doc, max_width=terminal_width()), nl=False)
            click.echo(f"report written to {output}")
    elif fmt == "json":
        click.echo(_render_json(doc), nl=False)
    elif not quiet:  # --quiet: the exit status says it all
        click.echo(render_check_table(doc, max_width=terminal_width()), nl=False)


def _render_json(doc: dict[str, Any]) -> str:
    from reports.json_report import render_json

    return render_json(doc)


# --- the table --------------------------------------------------------------------------------------


def _n(x: int | None) -> str:
    return "-" if x is None else f"{x:,}"


#: The person figures of a check, in the order shown, with their labels.
PERSON_KINDS = (("any", "all"), ("sensitive", "sensitive PI 敏感"), ("general", "general only 一般"))
#: The three numbers of a figure, each after its label.
PERSON_FIGURES = (
    ("this_export", "this export"),
    ("prior_this_year", "earlier this year"),
    ("total", "total"),
)


def _person_lines(persons: dict[str, Any]) -> list[str]:
    """One line per kind of person, every number after its label and the columns aligned:

    ``all   this export 3,100 · earlier this year 0 · total 3,100``
    """
    figures = [(label, persons.get(kind) or {}) for kind, label in PERSON_KINDS]
    widths = {key: max(len(_n(c.get(key))) for _, c in figures) for key, _ in PERSON_FIGURES}
    out = []
    for label, c in figures:
        parts = [f"{words} {_n(c.get(key)):>{widths[key]}}" for key, words in PERSON_FIGURES]
        line = f"  {pad(label, 18)} {' · '.join(parts)}"
        if c.get("already_exported_this_year"):
            line += f"  (of these, already exported earlier this year: {_n(c['already_exported_this_year'])})"
        out.append(line)
    return out


def _column_widths(rows: list[list[Any]], cap: int | None) -> list[int]:
    """Each column as wide as its widest cell, at most ``cap`` (no cap: nothing is cut)."""
    widths = [max(width(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return widths if cap is None else [min(cap, w) for w in widths]


def _room(max_width: int | None) -> int | None:
    """Columns left for a reason after its indent and item reference (``None``: no limit)."""
    return None if max_width is None else max(40, max_width - 30)


def render_check_table(doc: dict[str, Any], *, max_width: int | None = None) -> str:
    """The decision for a person at a terminal: route, items with their counts, persons per table.

    Long cells and reasons are cut to fit only with ``max_width`` (a terminal's width); a file keeps them whole.
    """
    lines: list[str] = []
    lists = ", ".join(str(x.get("id")) for x in doc.get("lists", []))
    lines.append(f"chujing check — as of {doc['as_of']} — lists: {lists}")
    lines.append(
        f"scenario: {doc.get('scenario') or '-'}   subject: {doc.get('subject') or '-'}"
        + (f"   recipient: {doc['recipient']}" if doc.get("recipient") else "")
    )
    lines.append("")
    lines.append(
        f"Route: {ROUTE_LABELS.get(doc['route'], doc['route'])}   (exit status {doc['exit_status']})"
    )
    items = doc.get("items", [])
    if items:
        lines.append("")
        lines.append("Items hit 命中条目")
        for it in items:
            p = it.get("persons") or {}
            lines.append(f"  {it['list']} item {it['item']} → {ROUTE_LABELS.get(it['route'], it['route'])}")
            if it.get("name"):
                lines.append(f"    {it['name']}")
            if p:
                lines.append(
                    f"    persons: {_n(p.get('this_export'))} in this export + "
                    f"{_n(p.get('prior_this_year'))} earlier this year = {_n(p.get('total'))}"
                )
    persons = doc.get("persons", {})
    lines.append("")
    lines.append("Persons 自然人 (de-duplicated, 以自然人为单位去重)")
    lines += _person_lines(persons)
    tables = persons.get("tables", [])
    if tables:
        lines.append("")
        head = ["table", "key", "persons", "PI", "basis"]
        rows = [
            [
                t["table"],
                " → ".join(f"{k['kind']}({'+'.join(k['columns'])})" for k in t.get("key_chain", []))
                or "(none)",
                _n(t.get("persons")),
                "sensitive" if t.get("sensitive") else "general",
                t.get("basis", ""),
            ]
            for t in tables
        ]
        widths = _column_widths([head, *rows], 40 if max_width else None)
        lines.append("  " + "  ".join(pad(h, w) for h, w in zip(head, widths, strict=True)))
        for r in rows:
            lines.append(
                "  " + "  ".join(pad(truncate(str(c), w), w) for c, w in zip(r, widths, strict=True))
            )
    ledger = doc.get("ledger", {})
    lines.append("")
    state = f"{ledger.get('prior_exports', 0)} earlier export(s) counted" if ledger.get("exists") else "empty"
    lines.append(
        f"Ledger: {ledger.get('location')} ({state}; key {str(ledger.get('key_fingerprint', ''))[:12]}…)"
    )
    if ledger.get("recorded"):
        r = ledger["recorded"]
        lines.append(
            f"Recorded export {r['id']} dated {r['exported_at']}"
            + (f" (exempt: {r['exempt']})" if r.get("exempt") else "")
        )
    review = doc.get("manual_review", [])
    if review:
        lines.append("")
        lines.append("Manual review 需人工判断")
        for it in review:
            where = f"item {it['item']}" if it.get("item") is not None else f"note {it.get('note')}"
            lines.append(f"  {it['list']} {where}: {truncate(it.get('reason', ''), _room(max_width))}")
    for title, entries in (
        ("Candidate important data 重要数据候选", doc.get("candidate_important_data", [])),
    ):
        if entries:
            lines.append("")
            lines.append(title)
            for c in entries:
                where = (
                    f"{c['list']} item {c['item']}"
                    if c.get("source") == "negative_list"
                    else f"{c.get('rule')} clause {c.get('clause')}"
                )
                lines.append(f"  {where}: {truncate(str(c.get('reason', '')), _room(max_width))}")
    notes = [*doc.get("notes", []), *(t["note"] for t in tables if t.get("note"))]
    if notes:
        lines.append("")
        lines.append("Notes")
        lines.extend(f"  - {n}" for n in notes)
    for e in doc.get("errors", []):
        lines.append(f"error: {e}")
    return "\n".join(lines) + "\n"


# --- chujing ledger -----------------------------------------------------------------------------------


@click.group("ledger")
def ledger_group() -> None:
    """The export ledger: persons exported this year, as keyed hashes (for the cumulative thresholds)."""


@ledger_group.command("record")
@_export_options
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "table"]),
    default="table",
    show_default=True,
    help="table for people; json (sealed) with the decision and the export id.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the result to FILE (atomically)."
)
def record_command(
    exported_at: _dt.date | None, exempt: str | None, fmt: str, output: str | None, **kw: Any
) -> None:
    """After an export: record it, so later checks count its persons (scans SOURCE... again to hash them)."""
    date = exported_at or _dt.date.today()
    options = _options(kw, date)
    observer = _observer(kw["quiet"])
    record = ExportRecord(
        exported_at=date,
        scenario=kw["scenario"],
        subject=kw["subject"],
        recipient=kw["recipient"],
        exempt=EXEMPTIONS.get(exempt) if exempt else None,
    )
    try:
        with _open_ledger(kw["ledger_url"], kw["ledger_key_file"], create=True) as ledger:
            result = assess(kw["sources"], options, ledger, observer=observer, record=record)
    except (CheckError, LedgerError) as exc:
        _fail(str(exc))
    finally:
        observer.close()
    doc = result.to_dict()
    _emit(doc, fmt, output, kw["quiet"])
    if not kw["quiet"] and result.recorded:
        click.echo(
            f"recorded export {result.recorded['id']} ({result.recorded['persons']:,} persons) "
            f"in {doc['ledger']['location']}",
            err=True,
        )
    sys.exit(0)


@ledger_group.command("show")
@click.option(
    "--year", type=click.IntRange(1970, 9999), default=None, help="Exports of this year [default: this year]."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for machines.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (atomically).")
@ledger_options
def show_command(
    year: int | None, fmt: str, output: str | None, ledger_url: str | None, ledger_key_file: str | None
) -> None:
    """The year's recorded exports and its de-duplicated person totals."""
    year = year or _dt.date.today().year
    try:
        with _open_ledger(ledger_url, ledger_key_file, create=False) as ledger:
            rows = ledger.exports(year)
            totals = ledger.year_totals(year)
            doc = {
                "ledger": ledger.display,
                "exists": ledger.exists,
                "year": year,
                "totals": totals,
                "exports": rows,
            }
    except LedgerError as exc:
        _fail(str(exc))
    text = (
        json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
        if fmt == "json"
        else _show_table(doc, max_width=None if output else terminal_width())
    )
    if output:
        write_text(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _show_table(doc: dict[str, Any], *, max_width: int | None = None) -> str:
    t = doc["totals"]
    lines = [
        f"Ledger {doc['ledger']} — {doc['year']}"
        + ("" if doc["exists"] else " (empty: nothing recorded yet)"),
        f"Persons exported in {doc['year']} (de-duplicated, exempt exports not counted): "
        f"{t['persons']['any']:,} — sensitive PI {t['persons']['sensitive']:,}, "
        f"general only {t['persons']['general']:,}"
        + (f" (incl. {t['unkeyed']:,} counted without a key)" if t["unkeyed"] else ""),
        "",
    ]
    head = [
        "id",
        "exported",
        "lists",
        "scenario",
        "subject",
        "route",
        "persons",
        "sensitive",
        "exempt",
        "recipient",
    ]
    rows = [
        [
            e["id"],
            e["exported_at"],
            ",".join(str(x.get("id", x)) if isinstance(x, dict) else str(x) for x in e.get("lists") or []),
            e.get("scenario") or "",
            e.get("subject") or "",
            e.get("route") or "",
            _n(e.get("persons_any")),
            _n(e.get("persons_sensitive")),
            e.get("exempt") or "",
            e.get("recipient") or "",
        ]
        for e in doc["exports"]
    ]
    if not rows:
        lines.append("no exports recorded this year")
        return "\n".join(lines) + "\n"
    widths = _column_widths([head, *rows], 36 if max_width else None)
    lines.append("  ".join(pad(h, w) for h, w in zip(head, widths, strict=True)).rstrip())
    for r in rows:
        lines.append("  ".join(pad(truncate(str(c), w), w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


@ledger_group.command("forget")
@click.argument("export_id")
@ledger_options
def forget_command(export_id: str, ledger_url: str | None, ledger_key_file: str | None) -> None:
    """Remove a mistaken record: the export and its persons, in one transaction."""
    try:
        with _open_ledger(ledger_url, ledger_key_file, create=False) as ledger:
            removed = ledger.forget(export_id)
    except LedgerError as exc:
        _fail(str(exc))
    lists = ",".join(
        str(x.get("id", x)) if isinstance(x, dict) else str(x) for x in removed.get("lists") or []
    )
    click.echo(
        f"removed export {removed['id']} dated {removed['exported_at']} (lists {lists}, scenario "
        f"{removed.get('scenario')}, {removed['persons_any']:,} persons) and its "
        f"{removed['person_rows_removed']:,} person rows from {ledger.display}"
    )
