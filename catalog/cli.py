"""``chujing catalog``: see which regulation texts chujing applies, read them, and check your own.

    chujing catalog list [--format table|json] [-o FILE] [--catalog DIR]
    chujing catalog show ID [--format table|json] [-o FILE] [--catalog DIR]
    chujing catalog validate FILE...

``list`` prints every loaded document (id, kind, title in Chinese and English,
item count, version, SHA-256 prefix).  ``show`` prints one document: every item
with its route, thresholds and scenarios, the Chinese text beside the English.
``validate`` checks catalogue files you wrote (another free-trade zone's list, to
pass with ``--catalog DIR``) and prints one line per problem, naming file, entry
and field; it exits 1 when there is any.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import click

from catalog.loader import Catalog, LoadedDocument, load_catalog, validate_files
from catalog.models import CatalogError, Item, NegativeList, ReferenceRule, Threshold
from catalog.requests import did_you_mean
from catalog.vocabulary import Vocabulary
from connectors.textio import pad, width, write_text

ROUTE_NAMES = {
    "security_assessment": "安全评估 (security assessment)",
    "standard_contract_or_certification": "标准合同/认证 (standard contract or certification)",
    "other_lawful_route": "其他合法合规路径 (other lawful route)",
}
KIND_NAMES = {"negative_list": "negative list", "reference_rule": "reference rule"}
#: The jurisdiction of a list whose text names no region (see catalog/models.py).
UNNAMED_JURISDICTION = "unnamed-ftz"
#: Exit status of a command that could not do its job (``validate`` finding problems exits 1).
EXIT_ERROR = 2

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


@click.group(name="catalog")
def catalog_group() -> None:
    """The regulation catalogue: negative lists and reference rules chujing applies."""


def _load(dirs: Sequence[str]) -> Catalog:
    try:
        return load_catalog(dirs)
    except CatalogError as exc:
        _fail(exc.problems)


def _fail(lines: Iterable[str]) -> NoReturn:
    """An error: one ``error: …`` line per problem on stderr, exit status 2 (as every chujing command)."""
    for line in lines:
        click.echo(f"error: {line}", err=True)
    sys.exit(EXIT_ERROR)


def _emit(text: str, output: str | None) -> None:
    if output:
        write_text(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _term_width() -> int:
    return max(72, min(160, shutil.get_terminal_size((110, 24)).columns))


def _wrap(text: str, indent: int, total: int) -> list[str]:
    """Wrap mixed Chinese/English text to ``total`` display columns, every line indented."""
    room = max(20, total - indent)
    out: list[str] = []
    for para in str(text).splitlines() or [""]:
        line, w = "", 0
        for word in _chunks(para):
            cw = width(word)
            if w + cw > room and line.strip():
                out.append(line.rstrip())
                line, w = "", 0
                word = word.lstrip()
                cw = width(word)
            line += word
            w += cw
        out.append(line.rstrip())
    return [" " * indent + x for x in out]


def _chunks(text: str) -> Iterable[str]:
    """Latin words with their trailing space stay whole; CJK characters break anywhere."""
    word = ""
    for ch in text:
        if width(ch) == 2:
            if word:
                yield word
                word = ""
            yield ch
        else:
            word += ch
            if ch == " ":
                yield word
                word = ""
    if word:
        yield word


# --- list ----------------------------------------------------------------------------------------------


def _summary(d: LoadedDocument) -> dict[str, Any]:
    doc = d.doc
    out: dict[str, Any] = {
        "id": d.id,
        "kind": d.kind,
        "title": doc.title,
        "title_en": doc.title_en,
        "version": d.version,
        "jurisdiction": doc.jurisdiction,
        "sha256": d.sha256,
        "source": "built-in" if d.builtin else d.path,
    }
    if isinstance(doc, NegativeList):
        out.update(items=len(doc.items), sector=doc.sector)
    else:
        out.update(items=len(doc.subcategories()), categories=len(doc.subcategories()))
    return out


@catalog_group.command("list")
@_format_option
@_output_option
@_catalog_option
def list_cmd(fmt: str, output: str | None, catalog_dirs: tuple[str, ...]) -> None:
    """List the loaded negative lists and reference rules."""
    rows = [_summary(d) for d in _load(catalog_dirs)]
    if fmt == "json":
        _emit(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", output)
        return
    idw = max([width("ID"), *(width(r["id"]) for r in rows)])
    lines = [f"{pad('ID', idw)}  {pad('KIND', 14)}  {'ITEMS':>5}  {pad('VERSION', 7)}  SHA256"]
    total = _term_width()
    for r in rows:
        lines.append(
            f"{pad(r['id'], idw)}  {pad(KIND_NAMES[r['kind']], 14)}  {r['items']:>5}  "
            f"{pad(r['version'], 7)}  {r['sha256'][:12]}"
        )
        lines += _wrap(r["title"], 2, total) + _wrap(r["title_en"], 2, total)
    lines.append("")
    lines.append(
        f"{len(rows)} document(s). ITEMS: a list's items; a reference rule's sub-categories (二级类别)."
    )
    _emit("\n".join(lines) + "\n", output)


# --- show ----------------------------------------------------------------------------------------------


@catalog_group.command("show")
@click.argument("doc_id", metavar="ID")
@_format_option
@_output_option
@_catalog_option
def show_cmd(doc_id: str, fmt: str, output: str | None, catalog_dirs: tuple[str, ...]) -> None:
    """Show one list (every item) or reference rule (every category)."""
    catalog = _load(catalog_dirs)
    if doc_id not in catalog:
        _fail(
            [
                f"unknown catalogue id '{doc_id}'{did_you_mean(doc_id, catalog.ids())} "
                "(chujing catalog list shows the ids)"
            ]
        )
    d = catalog.get(doc_id)
    if fmt == "json":
        data = {
            "sha256": d.sha256,
            "source": "built-in" if d.builtin else d.path,
            **d.doc.model_dump(mode="json", by_alias=True),
        }
        _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
        return
    total = _term_width()
    lines = _header_lines(d, total)
    if isinstance(d.doc, NegativeList):
        lines += _list_lines(d.doc, catalog.vocabulary, total)
    else:
        lines += _rule_lines(d.doc, total)
    _emit("\n".join(lines) + "\n", output)


def _header_lines(d: LoadedDocument, total: int) -> list[str]:
    doc = d.doc
    lines = [*_wrap(doc.title, 0, total), *_wrap(doc.title_en, 0, total), ""]
    lines.append(f"id {d.id} · {KIND_NAMES[d.kind]} · version {d.version} · {doc.jurisdiction}")
    lines.append(f"sha256 {d.sha256} · {'built-in' if d.builtin else d.path}")
    lines += _wrap(_source_line(doc), 0, total)
    return lines


def _source_line(doc: NegativeList | ReferenceRule) -> str:
    """The published text the document transcribes, by its title and date (not the seed file it came from).

    A reference rule is an annex to measures (管理办法), which is what one cites; a
    list from a text without a title is named by its section; the catalogue records
    the year of a document's edition as its ``version``.
    """
    date = "undated" if doc.version == "undated" else f"{doc.version} edition"
    measures = getattr(doc, "measures_title", None)
    if measures:
        en = getattr(doc, "measures_title_en", None)
        return f"Source: annex to 《{measures}》" + (f" ({' '.join(en.split())})" if en else "") + f", {date}"
    if doc.jurisdiction == UNNAMED_JURISDICTION:  # the title is only a section heading of the text
        return (
            f"Source: section 《{doc.title}》 of a multi-sector negative list whose text names neither its "
            f"title nor its region, {date}"
        )
    return f"Source: 《{doc.title}》, {date}"


def _threshold_words(th: Threshold) -> str:
    kind = {
        "any": "persons",
        "sensitive": "persons with sensitive PI",
        "general": "persons with only general PI",
    }
    band = " and ".join(
        x
        for x in (
            f"≥ {th.min:,}" if th.min is not None else "",
            f"< {th.below:,}" if th.below is not None else "",
        )
        if x
    )
    mods = f" [{', '.join(th.modalities)}]" if th.modalities else ""
    return f"{kind[th.pi]} {band}{mods}  「{th.source_text}」"


def _item_lines(it: Item, vocab: Vocabulary, total: int) -> list[str]:
    lines = [f"{it.item:>3}. {ROUTE_NAMES[it.route]} · {it.data_category} ({it.data_kind.replace('_', ' ')})"]
    lines += _wrap(it.name, 5, total) + _wrap(it.name_en, 5, total)
    sc = it.scenarios
    if sc.mode in ("exclusive", "open"):
        where = ", ".join(vocab.scenario_label(s) for s in sc.ids)
        lines += _wrap(
            f"Scenarios ({'only' if sc.mode == 'exclusive' else 'including, not limited to'}): {where}",
            5,
            total,
        )
    elif sc.mode == "all":
        lines.append("     Scenarios: all (所有场景)")
    else:
        lines.append(f"     Scenarios: all except those of items {', '.join(map(str, sc.except_items))}")
    if sc.source_text:
        lines += _wrap(f"「{sc.source_text}」", 7, total)
    if it.subjects:
        lines += _wrap("Subjects: " + ", ".join(vocab.subject_label(s) for s in it.subjects), 5, total)
    counting = (
        " (counted cumulatively from 1 January, 自当年1月1日起累计)"
        if it.counting == "cumulative_calendar_year"
        else ""
    )
    for i, th in enumerate(it.thresholds):
        lead = "Thresholds: " if i == 0 else "        or  "
        lines += _wrap(
            lead + _threshold_words(th) + (counting if i == len(it.thresholds) - 1 else ""), 5, total
        )
    for ind in it.evidence.indicative:
        lines += _wrap(f"Scale named in the text ({ind.measure}): 「{ind.source_text}」", 5, total)
    ev = it.evidence
    if ev.entities or ev.categories:
        parts = ([", ".join(ev.entities)] if ev.entities else []) + (
            [f"sub-categories {', '.join(ev.categories)}"] if ev.categories else []
        )
        lines += _wrap(f"Evidence in a scan: {'; '.join(parts)}", 5, total)
    for ex in it.elements.excluded:
        lines += _wrap(
            f"Excludes {ex.id}: 「{ex.source_text}」"
            + (f" ({', '.join(ex.entities)})" if ex.entities else ""),
            5,
            total,
        )
    for cond in it.elements.exclusion_conditions:
        lines += _wrap(f"Carve-out: 「{cond}」", 5, total)
    if it.parameters:
        lines += _wrap("Parameters: " + ", ".join(f"{k}={v}" for k, v in it.parameters.items()), 5, total)
    if it.description:
        lines += _wrap(it.description, 5, total)
    if it.description_en:
        lines += _wrap(it.description_en, 5, total)
    return lines


def _list_lines(doc: NegativeList, vocab: Vocabulary, total: int) -> list[str]:
    lines = [f"sector {doc.sector}: {doc.sector_name} ({doc.sector_name_en}) · {len(doc.items)} items"]
    if doc.counting_rule:
        lines += ["", "Counting rule:", *_wrap(f"「{doc.counting_rule.source_text}」", 2, total)]
    for tier in doc.tiers:
        lines += ["", f"{tier.source_text}  → {ROUTE_NAMES[tier.route]}", *_wrap(tier.name_en, 2, total)]
        for it in doc.items:
            if it.tier == tier.tier:
                lines += ["", *_item_lines(it, vocab, total)]
    if doc.notes:
        lines += ["", "Notes (注):"]
        for n in doc.notes:
            lines += _wrap(f"{n.note}. {n.source_text}", 2, total)
            if n.text_en:
                lines += _wrap(n.text_en, 5, total)
    return lines


def _rule_lines(doc: ReferenceRule, total: int) -> list[str]:
    ir = doc.identification_rule
    lines = ["", f"{ir.name} ({ir.name_en})"]
    for c in ir.clauses:
        lines += _wrap(f"{c.clause}. {c.source_text}", 2, total)
        if c.text_en:
            lines += _wrap(c.text_en, 5, total)
        for cr in c.criteria:
            who = " (CIIO)" if cr.operator_type == "ciio" else ""
            lines.append(f"     test: {cr.measure}{who} {cr.bound_text()}")
    parents = {c.code: c for c in doc.categories if c.level == 1}
    lines += ["", "Categories (一级类别 / 二级类别):"]
    for c in doc.categories:
        if c.level == 1:
            lines += ["", f"({c.code}) {c.name} ({c.name_en})"]
            continue
        lines.append(f"  {c.code:>3} {c.name} ({c.name_en})")
        if c.description:
            lines += _wrap(c.description, 6, total)
        if c.examples:
            lines += _wrap(f"示例 (examples): {c.examples}", 6, total)
        if c.parent not in parents:
            lines.append(f"      parent {c.parent}")
    return lines


# --- validate ------------------------------------------------------------------------------------------


@catalog_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_cmd(files: tuple[str, ...]) -> None:
    """Check catalogue FILEs: one line per problem (file: entry: field: message); exit 1 if any."""
    ok, problems = validate_files(files)
    for d in ok:
        n = len(d.doc.items) if isinstance(d.doc, NegativeList) else len(d.doc.subcategories())
        what = "items" if isinstance(d.doc, NegativeList) else "sub-categories"
        click.echo(f"ok: {d.path if not d.builtin else d.id} ({d.id}, {KIND_NAMES[d.kind]}, {n} {what})")
    for line in problems:
        click.echo(line)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len(files) - len(ok)} of {len(files)} file(s)", err=True)
        sys.exit(1)
