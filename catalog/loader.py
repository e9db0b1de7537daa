"""Load catalogue files: the built-in regulation data plus lists the user supplies.

Built-in documents are the package data ``catalog/data/*.yaml`` (read through
:mod:`importlib.resources`, so an installed wheel works too).  ``--catalog DIR``
adds user files, e.g. another free-trade zone's list applied by reference under
Jiangsu Art. 24 (其他自贸试验区正式发布的数据出境负面清单，江苏自贸试验区可参照执行).
A user file may add a new id but never replace a built-in one: a silently
shadowed regulation would make a report cite a text it did not apply.

Every loaded document carries the SHA-256 of its file bytes and where it was read
from, so a report can say exactly which text it applied.  Every problem in every
file is collected and reported at once, one line each, naming file, entry and
field (``my-list.yaml: item 8: thresholds[0].min: Input should be a valid integer``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from catalog.models import (
    CatalogError,
    Document,
    Item,
    NegativeList,
    ReferenceRule,
    SensitiveDefinition,
    parse_yaml,
    problem,
    validate_document,
)
from catalog.vocabulary import VOCABULARY_FILE, Vocabulary, canonical_vocabulary, extension_conflicts
from recognizers.recognizer_files import is_recognizer_document

#: Files in ``catalog/data`` that are not catalogue documents.
RESERVED_FILES = frozenset({VOCABULARY_FILE, "mapping.yaml"})
#: The reference rule whose sub-category codes negative lists cite in ``evidence.categories``; also the one
#: columns are classified by when no other is named (``--reference-rule``).
LIST_CATEGORY_RULE = DEFAULT_REFERENCE_RULE = "jiangsu-2025-reference-rule"


@dataclass(frozen=True)
class LoadedDocument:
    """A validated document with the evidence of where it came from."""

    doc: Document
    path: str
    sha256: str
    builtin: bool

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def kind(self) -> str:
        return self.doc.kind

    @property
    def version(self) -> str:
        return self.doc.version

    def evidence(self) -> dict[str, object]:
        """What a report records about the text it applied."""
        return {
            "id": self.id,
            "version": self.version,
            "sha256": self.sha256,
            "source": "built-in" if self.builtin else self.path,
        }


class Catalog:
    """The loaded documents by id, and the vocabulary extended by their additions."""

    def __init__(self, documents: Iterable[LoadedDocument], vocabulary: Vocabulary | None = None):
        self._docs = {d.id: d for d in documents}
        base = vocabulary or canonical_vocabulary()
        self.vocabulary = base.extend(d.doc.vocabulary for d in self._docs.values())

    def __iter__(self) -> Iterator[LoadedDocument]:
        return iter(sorted(self._docs.values(), key=lambda d: (d.kind != "reference_rule", d.id)))

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def ids(self) -> list[str]:
        return [d.id for d in self]

    def get(self, doc_id: str) -> LoadedDocument:
        try:
            return self._docs[doc_id]
        except KeyError:
            known = ", ".join(self.ids()) or "none"
            raise CatalogError(
                [f"unknown catalogue id {doc_id!r} (known: {known}); see `chujing catalog list`"]
            ) from None

    def negative_list(self, doc_id: str) -> NegativeList:
        d = self.get(doc_id).doc
        if not isinstance(d, NegativeList):
            raise CatalogError([f"{doc_id!r} is a {d.kind}, not a negative list"])
        return d

    def reference_rule(self, doc_id: str) -> ReferenceRule:
        d = self.get(doc_id).doc
        if not isinstance(d, ReferenceRule):
            raise CatalogError([f"{doc_id!r} is a {d.kind}, not a reference rule"])
        return d

    def lists(self) -> list[LoadedDocument]:
        return [d for d in self if d.kind == "negative_list"]


# --- reading files ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    name: str  # how messages name the file
    path: str  # where it was read from
    data: bytes
    builtin: bool


def _builtin_sources() -> list[_Source]:
    root = resources.files("catalog").joinpath("data")
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")) and entry.name not in RESERVED_FILES and entry.is_file():
            out.append(_Source(f"catalog/data/{entry.name}", str(entry), entry.read_bytes(), True))
    return out


def _user_sources(dirs: Sequence[str | os.PathLike[str]], problems: list[str]) -> list[_Source]:
    out = []
    for d in dirs:
        p = Path(d)
        if not p.is_dir():
            problems.append(f"{d}: not a directory (--catalog takes a directory of catalogue .yaml files)")
            continue
        for f in sorted(p.iterdir()):
            if f.suffix in (".yaml", ".yml") and f.is_file():
                out.append(_Source(str(f), str(f.resolve()), f.read_bytes(), False))
    return out


def _read(src: _Source, problems: list[str]) -> LoadedDocument | None:
    """The document of one file; ``None`` when it has problems (added to ``problems``) or is a recognizer file
    (``recognizers:`` at the top: a catalogue directory may hold the recognizers its lists need, which
    :func:`recognizers.load_registry` reads)."""
    try:
        raw = parse_yaml(src.data, src.name)
        if is_recognizer_document(raw):
            return None
        doc = validate_document(raw, src.name)
    except CatalogError as exc:
        problems.extend(exc.problems)
        return None
    stem = Path(src.name).stem
    if doc.id != stem:
        problems.append(
            problem(src.name, "", "id", f"'{doc.id}' must equal the file name without .yaml ('{stem}')")
        )
        return None
    return LoadedDocument(doc, src.path, hashlib.sha256(src.data).hexdigest(), src.builtin)


def category_codes(docs: Iterable[LoadedDocument]) -> set[str] | None:
    """Sub-category codes lists may cite: the Jiangsu rule's, else every loaded rule's, else unknown."""
    rules = [d.doc for d in docs if isinstance(d.doc, ReferenceRule)]
    preferred = [r for r in rules if r.id == LIST_CATEGORY_RULE] or rules
    if not preferred:
        return None
    return {c.code for r in preferred for c in r.subcategories()}


def load_catalog(dirs: Sequence[str | os.PathLike[str]] = (), *, include_builtin: bool = True) -> Catalog:
    """Load and cross-check the built-in documents and every ``*.yaml`` in ``dirs``.

    Raises :class:`CatalogError` listing every problem found.  ``include_builtin=False``
    loads only ``dirs`` (tests, and checking a directory on its own).
    """
    problems: list[str] = []
    sources = (_builtin_sources() if include_builtin else []) + _user_sources(dirs, problems)
    seen: dict[str, _Source] = {}
    loaded: list[LoadedDocument] = []
    for src in sources:
        doc = _read(src, problems)
        if doc is None:
            continue
        first = seen.get(doc.id)
        if first is not None:
            what = "a built-in document" if first.builtin else "another file"
            problems.append(
                problem(
                    src.name,
                    "",
                    "id",
                    f"'{doc.id}' is already defined by {what} ({first.name}); "
                    "a user list may add a new id but must not replace one — rename it",
                )
            )
            continue
        seen[doc.id] = src
        loaded.append(doc)
    vocab = canonical_vocabulary()
    codes = category_codes(loaded)
    for d in loaded:
        problems.extend(check_document(d.doc, seen[d.id].name, vocab, codes))
    if problems:
        raise CatalogError(list(dict.fromkeys(problems)))
    return Catalog(loaded, vocab)


def validate_files(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[LoadedDocument], list[str]]:
    """Validate files one by one against the schema and the built-in context (``catalog validate``).

    Returns the documents that passed and one line per problem.  Built-in files
    that fail are left out of the context rather than reported here.
    """
    context: list[LoadedDocument] = []
    for src in _builtin_sources():
        doc = _read(src, [])
        if doc is not None:
            context.append(doc)
    vocab = canonical_vocabulary()
    ok: list[LoadedDocument] = []
    problems: list[str] = []
    for path in paths:
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            problems.append(f"{path}: cannot read ({exc.strerror or exc})")
            continue
        mine: list[str] = []
        doc = _read(_Source(str(path), str(p.resolve()), data, False), mine)
        if doc is not None:
            others = [d for d in context if d.id != doc.id]
            mine.extend(check_document(doc.doc, str(path), vocab, category_codes([*others, doc])))
        problems.extend(mine)
        if doc is not None and not mine:
            ok.append(doc)
    return ok, problems


# --- cross-checks -------------------------------------------------------------------------------------


def check_document(doc: Document, name: str, vocab: Vocabulary, codes: set[str] | None) -> list[str]:
    """Checks that span entries: numbering, tiers and routes, links, vocabulary, category codes."""
    out = [problem(name, "", f, m) for f, m in extension_conflicts(doc.vocabulary, vocab)]
    if isinstance(doc, NegativeList):
        out += _check_list(doc, name, vocab.extend([doc.vocabulary]), codes)
    else:
        out += _check_rule(doc, name, vocab)
    return out


def _check_list(doc: NegativeList, name: str, vocab: Vocabulary, codes: set[str] | None) -> list[str]:
    out: list[str] = []
    numbers = [it.item for it in doc.items]
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    for n in dupes:
        out.append(problem(name, f"item {n}", "item", "duplicate item number"))
    expected = set(range(1, len(set(numbers)) + 1))
    if not dupes and set(numbers) != expected:
        missing = sorted(expected - set(numbers))
        extra = sorted(set(numbers) - expected)
        out.append(
            problem(
                name,
                "",
                "items",
                f"item numbers must run 1…{len(numbers)} without gaps "
                f"(missing {missing or 'none'}, unexpected {extra or 'none'})",
            )
        )
    tiers = {t.tier: t for t in doc.tiers}
    if len(tiers) != len(doc.tiers):
        out.append(problem(name, "", "tiers", "duplicate tier names"))
    present = set(numbers)
    for it in doc.items:
        e = f"item {it.item}"
        tier = tiers.get(it.tier)
        if tier is None:
            out.append(
                problem(name, e, "tier", f"'{it.tier}' is not a tier of this list ({', '.join(tiers)})")
            )
        elif tier.route != it.route:
            out.append(
                problem(name, e, "route", f"'{it.route}' differs from tier {it.tier}'s route '{tier.route}'")
            )
        for i, link in enumerate(it.links):
            if link.item not in present or link.item == it.item:
                out.append(
                    problem(name, e, f"links[{i}].item", f"{link.item} is not another item of this list")
                )
        for i, n in enumerate(it.scenarios.except_items):
            if n not in present or n == it.item:
                out.append(
                    problem(name, e, f"scenarios.except_items[{i}]", f"{n} is not another item of this list")
                )
        for i, sid in enumerate(it.scenarios.ids):
            if sid not in vocab.scenarios:
                out.append(
                    problem(
                        name,
                        e,
                        f"scenarios.ids[{i}]",
                        f"unknown scenario id '{sid}' (not canonical; add it under vocabulary.scenarios)",
                    )
                )
        for i, sid in enumerate(it.subjects):
            if sid not in vocab.subjects:
                out.append(
                    problem(
                        name,
                        e,
                        f"subjects[{i}]",
                        f"unknown subject id '{sid}' (not canonical; add it under vocabulary.subjects)",
                    )
                )
        for i, ent in enumerate(it.evidence.entities):
            if ent not in vocab.entities:
                out.append(problem(name, e, f"evidence.entities[{i}]", f"unknown entity id '{ent}'"))
        for j, ex in enumerate(it.elements.excluded):
            for i, ent in enumerate(ex.entities):
                if ent not in vocab.entities:
                    out.append(
                        problem(
                            name, e, f"elements.excluded[{j}].entities[{i}]", f"unknown entity id '{ent}'"
                        )
                    )
            out += _check_subjects(ex.subjects, it, vocab, name, e, f"elements.excluded[{j}].subjects")
        if codes is not None:
            for i, code in enumerate(it.evidence.categories):
                if code not in codes:
                    out.append(
                        problem(
                            name,
                            e,
                            f"evidence.categories[{i}]",
                            f"'{code}' is not a sub-category code of the reference rule",
                        )
                    )
        out += _check_item_extras(it, name, e, vocab, codes)
    notes = [n.note for n in doc.notes]
    for n in sorted({n for n in notes if notes.count(n) > 1}):
        out.append(problem(name, f"note {n}", "note", "duplicate note number"))
    out += _check_list_definitions(doc, name, vocab)
    return out


def _check_subjects(
    subjects: Sequence[str], it: Item, vocab: Vocabulary, name: str, e: str, f: str
) -> list[str]:
    """Subject ids an exclusion or a requirement names must be known, and among the item's when it names some."""
    out = []
    for i, sid in enumerate(subjects):
        if sid not in vocab.subjects:
            out.append(problem(name, e, f"{f}[{i}]", f"unknown subject id '{sid}'"))
        elif it.subjects and sid not in it.subjects:
            out.append(problem(name, e, f"{f}[{i}]", f"'{sid}' is not one of the item's subjects"))
    return out


def _check_definition(
    d: SensitiveDefinition, texts: Sequence[str], vocab: Vocabulary, name: str, e: str, f: str
) -> list[str]:
    """A sensitive-PI definition names known entities and quotes words found in the text it is read from."""
    out = [
        problem(name, e, f"{f}.entities[{i}]", f"unknown entity id '{ent}'")
        for i, ent in enumerate(d.entities)
        if ent not in vocab.entities
    ]
    if not any(_squash(d.source_text) in _squash(t) for t in texts):
        out.append(
            problem(
                name,
                e,
                f"{f}.source_text",
                "not found in the source_text of the items it is for (quote the list's words)",
            )
        )
    return out


def _check_list_definitions(doc: NegativeList, name: str, vocab: Vocabulary) -> list[str]:
    out: list[str] = []
    numbers = {it.item for it in doc.items}
    for j, d in enumerate(doc.sensitive_elements):
        f = f"sensitive_elements[{j}]"
        missing = [n for n in d.items if n not in numbers]
        for n in missing:
            out.append(problem(name, "", f"{f}.items", f"{n} is not an item of this list"))
        texts = [it.source_text for it in doc.items if not d.items or it.item in d.items]
        out += _check_definition(d, texts + [n.source_text for n in doc.notes], vocab, name, "", f)
    return out


def _squash(text: str) -> str:
    return "".join(text.split())


def _check_item_extras(it: Item, name: str, e: str, vocab: Vocabulary, codes: set[str] | None) -> list[str]:
    """Threshold scopes, the counting rule and interpretations: each must fit the item it sits in.

    A scope that names data the item does not list, or words the item does not
    say, would apply a number the text never gave that data; a counting rule
    whose ``cumulative_from`` contradicts ``counting`` would count two ways.
    """
    out: list[str] = []
    text = _squash(it.source_text)
    for j, th in enumerate(it.thresholds):
        sc = th.applies_to
        if sc is None:
            continue
        f = f"thresholds[{j}].applies_to"
        if _squash(sc.source_text) not in text:
            out.append(
                problem(name, e, f"{f}.source_text", "not found in the item's source_text (quote its words)")
            )
        for i, el in enumerate(sc.elements):
            if el not in it.elements.included:
                out.append(
                    problem(name, e, f"{f}.elements[{i}]", f"'{el}' is not in the item's elements.included")
                )
        for i, ent in enumerate(sc.entities):
            if ent not in vocab.entities:
                out.append(problem(name, e, f"{f}.entities[{i}]", f"unknown entity id '{ent}'"))
            elif ent not in it.evidence.entities:
                out.append(
                    problem(name, e, f"{f}.entities[{i}]", f"'{ent}' is not in the item's evidence.entities")
                )
        for i, code in enumerate(sc.categories):
            if code not in it.evidence.categories:
                out.append(
                    problem(
                        name, e, f"{f}.categories[{i}]", f"'{code}' is not in the item's evidence.categories"
                    )
                )
            elif codes is not None and code not in codes:
                out.append(
                    problem(
                        name,
                        e,
                        f"{f}.categories[{i}]",
                        f"'{code}' is not a sub-category code of the reference rule",
                    )
                )
        for i, sid in enumerate(sc.subjects):
            if sid not in (it.subjects or vocab.subjects):
                out.append(
                    problem(name, e, f"{f}.subjects[{i}]", f"'{sid}' is not one of the item's subjects")
                )
    rule = it.counting_rule
    if rule is not None and (rule.cumulative_from is not None) != (it.counting == "cumulative_calendar_year"):
        out.append(
            problem(
                name,
                e,
                "counting_rule.cumulative_from",
                f"{rule.cumulative_from!r} contradicts counting: {it.counting}",
            )
        )
    for j, ip in enumerate(it.interpretations):
        if ip.parameter is not None and ip.parameter not in it.parameters:
            out.append(
                problem(
                    name,
                    e,
                    f"interpretations[{j}].parameter",
                    f"'{ip.parameter}' is not a key of the item's parameters",
                )
            )
        if _squash(ip.source_text) not in text:
            out.append(
                problem(
                    name,
                    e,
                    f"interpretations[{j}].source_text",
                    "not found in the item's source_text (quote its words)",
                )
            )
        for i, sid in enumerate(ip.scenario_ids):
            if sid not in it.scenarios.ids:
                out.append(
                    problem(
                        name,
                        e,
                        f"interpretations[{j}].scenario_ids[{i}]",
                        f"'{sid}' is not one of the item's scenarios.ids",
                    )
                )
    for j, d in enumerate(it.sensitive_elements):
        out += _check_definition(d, [it.source_text], vocab, name, e, f"sensitive_elements[{j}]")
    for j, rq in enumerate(it.elements.requirements):
        f = f"elements.requirements[{j}]"
        if _squash(rq.source_text) not in text:
            out.append(
                problem(name, e, f"{f}.source_text", "not found in the item's source_text (quote its words)")
            )
        out += [
            problem(name, e, f"{f}.not_met_by[{i}]", f"unknown entity id '{ent}'")
            for i, ent in enumerate(rq.not_met_by)
            if ent not in vocab.entities
        ]
        out += _check_subjects(rq.subjects, it, vocab, name, e, f"{f}.subjects")
    return out


def _check_rule(doc: ReferenceRule, name: str, vocab: Vocabulary) -> list[str]:
    out: list[str] = []
    for cl in doc.identification_rule.clauses:
        for j, crit in enumerate(cl.criteria):
            for i, ent in enumerate(crit.entities):
                if ent not in vocab.entities:
                    out.append(
                        problem(
                            name,
                            f"clause {cl.clause}",
                            f"criteria[{j}].entities[{i}]",
                            f"unknown entity id '{ent}'",
                        )
                    )
    keys = [(c.level, c.code) for c in doc.categories]
    for level, code in sorted({k for k in keys if keys.count(k) > 1}):
        out.append(problem(name, f"category {code}", "code", f"duplicate level-{level} code"))
    level1 = {c.code for c in doc.categories if c.level == 1}
    for c in doc.categories:
        if c.level == 2 and c.parent not in level1:
            out.append(
                problem(
                    name, f"category {c.code}", "parent", f"'{c.parent}' is not a level-1 code of this rule"
                )
            )
    clauses = [c.clause for c in doc.identification_rule.clauses]
    for n in sorted({n for n in clauses if clauses.count(n) > 1}):
        out.append(problem(name, f"clause {n}", "clause", "duplicate clause number"))
    return out
