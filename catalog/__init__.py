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

:func:`annotate_report` is what the scanner calls after recognition.
"""

from __future__ import annotations

from collections.abc import Sequence

from catalog.evaluator import ROUTE_RANK, Evaluation, evaluate
from catalog.findings import Count, Findings, PersonCounts, findings_from_report, persons_from_report
from catalog.identification import identify
from catalog.loader import DEFAULT_REFERENCE_RULE, Catalog, LoadedDocument, load_catalog, validate_files
from catalog.mapping import annotate_table, load_mapping
from catalog.models import CatalogError

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
    "annotate_report",
    "evaluate",
    "findings_from_report",
    "identify",
    "load_catalog",
    "persons_from_report",
    "validate_files",
]


def annotate_report(
    report: dict,
    *,
    catalog: Catalog | None = None,
    reference_rule: str = DEFAULT_REFERENCE_RULE,
    lists: Sequence[str] = (),
    scenario: str | None = None,
    subject: str | None = None,
    ciio: bool = False,
    modality: str | None = None,
) -> dict:
    """Map a scan report onto the catalogue, in place, and return it.

    Fills every column's ``pi_class`` / ``pi_basis`` / ``categories`` (and each
    entity's ``pi_class``), records the applied texts under ``report["catalog"]``
    (id, version, SHA-256), and adds ``report["important_data"]``: candidates
    under the unified identification rule.  With ``lists`` it adds
    ``report["list_items"]``: the items hit and the route, persons estimated from
    row counts (``persons_basis: row_count_upper_bound``).  Running it twice gives
    the same report: every key it writes is recomputed from the findings.
    """
    catalog = catalog or load_catalog()
    loaded_rule = catalog.get(reference_rule)
    rule = catalog.reference_rule(reference_rule)
    lists = list(lists)
    for list_id in lists:
        catalog.negative_list(list_id)  # unknown ids fail before the report is touched
    mapping = load_mapping()
    for t in report.get("tables", []):
        annotate_table(t, rule, mapping)
    report["catalog"] = {
        "reference_rule": loaded_rule.evidence(),
        "lists": [catalog.get(i).evidence() for i in lists],
    }
    findings = findings_from_report(report)
    persons = persons_from_report(report)
    if lists:
        ev = evaluate(
            findings,
            catalog=catalog,
            lists=lists,
            scenario=scenario,
            subject=subject,
            persons=persons,
            modality=modality,
        )
        report["list_items"] = ev.to_dict()
    else:
        report.pop("list_items", None)
    report["important_data"] = identify(
        findings,
        persons,
        rule=rule,
        rule_evidence=loaded_rule.evidence(),
        ciio=ciio,
        accounts_or_diagnosis_entities=mapping.accounts_or_diagnosis_entities,
    )
    return report
