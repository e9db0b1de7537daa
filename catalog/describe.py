"""The catalogue in words: what ``chujing catalog list | show | validate`` print, built from the documents.

The command line (:mod:`scanner.cli.catalog`) loads and writes; this module
turns documents into rows, JSON-ready dicts and lines of text, the Chinese text
beside the English, wrapped to a display width (CJK characters are two
columns wide, see :func:`connectors.textio.width`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from catalog.loader import LoadedDocument
from catalog.models import Item, NegativeList, ReferenceRule, Threshold
from catalog.vocabulary import Vocabulary
from connectors.textio import pad, width

ROUTE_NAMES = {
    "security_assessment": "安全评估 (security assessment)",
    "standard_contract_or_certification": "标准合同/认证 (standard contract or certification)",
    "other_lawful_route": "其他合法合规路径 (other lawful route)",
}
KIND_NAMES = {"negative_list": "negative list", "reference_rule": "reference rule"}
#: The jurisdiction of a list whose text names no region (see catalog/models.py).
UNNAMED_JURISDICTION = "unnamed-ftz"


def wrap(text: str, indent: int, total: int) -> list[str]:
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


def summary(d: LoadedDocument) -> dict[str, Any]:
    """One row of ``catalog list``: id, kind, titles, version, jurisdiction, SHA-256, where it came from, size."""
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


def list_lines(rows: Sequence[dict[str, Any]], total: int) -> list[str]:
    """``catalog list`` as a table: one line per document, its titles wrapped under it."""
    idw = max([width("ID"), *(width(r["id"]) for r in rows)])
    lines = [f"{pad('ID', idw)}  {pad('KIND', 14)}  {'ITEMS':>5}  {pad('VERSION', 7)}  SHA256"]
    for r in rows:
        lines.append(
            f"{pad(r['id'], idw)}  {pad(KIND_NAMES[r['kind']], 14)}  {r['items']:>5}  "
            f"{pad(r['version'], 7)}  {r['sha256'][:12]}"
        )
        lines += wrap(r["title"], 2, total) + wrap(r["title_en"], 2, total)
    lines.append("")
    lines.append(
        f"{len(rows)} document(s). ITEMS: a list's items; a reference rule's sub-categories (二级类别)."
    )
    return lines


def document_data(d: LoadedDocument) -> dict[str, Any]:
    """``catalog show --format json``: the document as its model dumps it, with its SHA-256 and origin."""
    return {
        "sha256": d.sha256,
        "source": "built-in" if d.builtin else d.path,
        **d.doc.model_dump(mode="json", by_alias=True),
    }


def document_lines(d: LoadedDocument, vocab: Vocabulary, total: int) -> list[str]:
    """``catalog show``: a list with every item, or a reference rule with every category."""
    lines = _header_lines(d, total)
    if isinstance(d.doc, NegativeList):
        return lines + _list_lines(d.doc, vocab, total)
    return lines + _rule_lines(d.doc, total)


def validated_line(d: LoadedDocument) -> str:
    """``catalog validate``: the line of a file without problems."""
    n = len(d.doc.items) if isinstance(d.doc, NegativeList) else len(d.doc.subcategories())
    what = "items" if isinstance(d.doc, NegativeList) else "sub-categories"
    return f"ok: {d.path if not d.builtin else d.id} ({d.id}, {KIND_NAMES[d.kind]}, {n} {what})"


def _header_lines(d: LoadedDocument, total: int) -> list[str]:
    doc = d.doc
    lines = [*wrap(doc.title, 0, total), *wrap(doc.title_en, 0, total), ""]
    lines.append(f"id {d.id} · {KIND_NAMES[d.kind]} · version {d.version} · {doc.jurisdiction}")
    lines.append(f"sha256 {d.sha256} · {'built-in' if d.builtin else d.path}")
    lines += wrap(_source_line(doc), 0, total)
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
        "general": "persons whose general PI leaves",
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
    lines += wrap(it.name, 5, total) + wrap(it.name_en, 5, total)
    sc = it.scenarios
    if sc.mode in ("exclusive", "open"):
        where = ", ".join(vocab.scenario_label(s) for s in sc.ids)
        lines += wrap(
            f"Scenarios ({'only' if sc.mode == 'exclusive' else 'including, not limited to'}): {where}",
            5,
            total,
        )
    elif sc.mode == "all":
        lines.append("     Scenarios: all (所有场景)")
    else:
        lines.append(f"     Scenarios: all except those of items {', '.join(map(str, sc.except_items))}")
    if sc.source_text:
        lines += wrap(f"「{sc.source_text}」", 7, total)
    if it.subjects:
        lines += wrap("Subjects: " + ", ".join(vocab.subject_label(s) for s in it.subjects), 5, total)
    counting = (
        " (counted cumulatively from 1 January, 自当年1月1日起累计)"
        if it.counting == "cumulative_calendar_year"
        else ""
    )
    for i, th in enumerate(it.thresholds):
        lead = "Thresholds: " if i == 0 else "        or  "
        lines += wrap(
            lead + _threshold_words(th) + (counting if i == len(it.thresholds) - 1 else ""), 5, total
        )
    for ind in it.evidence.indicative:
        lines += wrap(f"Scale named in the text ({ind.measure}): 「{ind.source_text}」", 5, total)
    ev = it.evidence
    if ev.entities or ev.categories:
        parts = ([", ".join(ev.entities)] if ev.entities else []) + (
            [f"sub-categories {', '.join(ev.categories)}"] if ev.categories else []
        )
        lines += wrap(f"Evidence in a scan: {'; '.join(parts)}", 5, total)
    for ex in it.elements.excluded:
        lines += wrap(
            f"Excludes {ex.id}: 「{ex.source_text}」"
            + (f" ({', '.join(ex.entities)})" if ex.entities else ""),
            5,
            total,
        )
    for cond in it.elements.exclusion_conditions:
        lines += wrap(f"Carve-out: 「{cond}」", 5, total)
    if it.parameters:
        lines += wrap("Parameters: " + ", ".join(f"{k}={v}" for k, v in it.parameters.items()), 5, total)
    if it.description:
        lines += wrap(it.description, 5, total)
    if it.description_en:
        lines += wrap(it.description_en, 5, total)
    return lines


def _list_lines(doc: NegativeList, vocab: Vocabulary, total: int) -> list[str]:
    lines = [f"sector {doc.sector}: {doc.sector_name} ({doc.sector_name_en}) · {len(doc.items)} items"]
    if doc.counting_rule:
        lines += ["", "Counting rule:", *wrap(f"「{doc.counting_rule.source_text}」", 2, total)]
    for tier in doc.tiers:
        lines += ["", f"{tier.source_text}  → {ROUTE_NAMES[tier.route]}", *wrap(tier.name_en, 2, total)]
        for it in doc.items:
            if it.tier == tier.tier:
                lines += ["", *_item_lines(it, vocab, total)]
    if doc.notes:
        lines += ["", "Notes (注):"]
        for n in doc.notes:
            lines += wrap(f"{n.note}. {n.source_text}", 2, total)
            if n.text_en:
                lines += wrap(n.text_en, 5, total)
    return lines


def _rule_lines(doc: ReferenceRule, total: int) -> list[str]:
    ir = doc.identification_rule
    lines = ["", f"{ir.name} ({ir.name_en})"]
    for c in ir.clauses:
        lines += wrap(f"{c.clause}. {c.source_text}", 2, total)
        if c.text_en:
            lines += wrap(c.text_en, 5, total)
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
            lines += wrap(c.description, 6, total)
        if c.examples:
            lines += wrap(f"示例 (examples): {c.examples}", 6, total)
        if c.parent not in parents:
            lines.append(f"      parent {c.parent}")
    return lines
