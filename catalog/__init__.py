"""The catalogue: China's cross-border data rules as data, and the code that applies them to a scan.

Regulation texts live in ``catalog/data/*.yaml`` (one document per list or
reference rule, Chinese original beside a working English translation).  The
modules, in the order data flows through them:

* :mod:`catalog.models` — the YAML contract as pydantic models;
* :mod:`catalog.loader` — :func:`load_catalog`: built-in plus user documents, cross-checked;
* :mod:`catalog.mapping` — entity findings → PI class and reference-rule sub-categories;
* :mod:`catalog.findings` — a scan report summarised as findings, and person counts;
* :mod:`catalog.evaluator` — findings + person counts + scenario → list items hit and the route;
* :mod:`catalog.identification` — the unified important-data identification rule;
* :mod:`catalog.describe` — what ``chujing catalog list | show | validate`` print.

:func:`judge_scan` is what the scanner calls after recognition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from catalog.candidates import candidate_important_data
from catalog.evaluator import ROUTE_RANK, Evaluation, evaluate
from catalog.findings import Count, Findings, PersonCounts, findings_from_tables, persons_from_tables
from catalog.identification import identify
from catalog.loader import DEFAULT_REFERENCE_RULE, Catalog, LoadedDocument, load_catalog, validate_files
from catalog.mapping import annotate_table, load_mapping
from catalog.models import CatalogError
from catalog.person_figure import person_figure
from catalog.report import (
    Candidate,
    CatalogApplied,
    DocumentApplied,
    ImportantData,
    ListItems,
    PersonFigure,
    Source,
    Table,
)

__all__ = [
    "DEFAULT_REFERENCE_RULE",
    "ROUTE_RANK",
    "Catalog",
    "CatalogError",
    "Count",
    "Evaluation",
    "Findings",
    "LoadedDocument",
    "PersonCounts",
    "ScanJudgement",
    "evaluate",
    "findings_from_tables",
    "identify",
    "judge_scan",
    "load_catalog",
    "persons_from_tables",
    "validate_files",
]


@dataclass(frozen=True)
class ScanJudgement:
    """What the catalogue makes of a scan: its tables annotated, and the decision a scan report carries."""

    tables: list[Table]
    catalog: CatalogApplied
    list_items: ListItems | None
    important_data: ImportantData
    persons: PersonFigure
    candidates: list[Candidate]


def judge_scan(
    tables: Iterable[Table],
    sources: Sequence[Source],
    *,
    catalog: Catalog | None = None,
    reference_rule: str = DEFAULT_REFERENCE_RULE,
    lists: Sequence[str] = (),
    scenario: str | None = None,
    subject: str | None = None,
    ciio: bool = False,
    modality: str | None = None,
) -> ScanJudgement:
    """Map a scan's tables onto the catalogue.

    Annotates every column (``pi_class``, ``pi_basis``, ``categories``) and every
    finding (``pi_class``), records the applied texts (id, version, SHA-256), and
    decides: the important-data candidates under the unified identification rule,
    and with ``lists`` the items hit and the route, persons bounded by row counts
    (``persons_basis: row_count_upper_bound``; ``chujing check`` counts them).
    Nothing given is changed: the judgement is new objects, recomputed from the
    findings and their reviews each time.  ``tables`` is read once, in order (a
    generator lets the scanner hand over a large scan a table at a time).
    """
    catalog = catalog or load_catalog()
    loaded_rule = catalog.get(reference_rule)
    rule = catalog.reference_rule(reference_rule)
    lists = list(lists)
    for list_id in lists:
        catalog.negative_list(list_id)  # unknown ids fail before anything is judged
    mapping = load_mapping()
    annotated = [annotate_table(t, rule, mapping) for t in tables]
    findings = findings_from_tables(annotated)
    persons = persons_from_tables(annotated)
    list_items = None
    if lists:
        list_items = evaluate(
            findings,
            catalog=catalog,
            lists=lists,
            scenario=scenario,
            subject=subject,
            persons=persons,
            modality=modality,
        ).to_model()
    important_data = ImportantData.model_validate(
        identify(
            findings,
            persons,
            rule=rule,
            rule_evidence=loaded_rule.evidence(),
            ciio=ciio,
            accounts_or_diagnosis_entities=mapping.accounts_or_diagnosis_entities,
        )
    )
    return ScanJudgement(
        tables=annotated,
        catalog=applied_texts(catalog, reference_rule, lists),
        list_items=list_items,
        important_data=important_data,
        persons=person_figure(annotated, sources),  # the one person figure every format shows
        candidates=candidate_important_data(list_items, important_data),
    )


def applied_texts(catalog: Catalog, reference_rule: str, lists: Sequence[str]) -> CatalogApplied:
    """The regulatory texts a decision applied, each with the SHA-256 of its file."""
    return CatalogApplied(
        reference_rule=DocumentApplied(**catalog.get(reference_rule).evidence()),
        lists=[DocumentApplied(**catalog.get(i).evidence()) for i in lists],
    )
