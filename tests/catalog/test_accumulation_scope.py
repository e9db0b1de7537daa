"""Persons accumulate toward an item within its scope (seed 000, Jiangsu biopharma list).

「自当年1月1日起累计向境外提供5万人以上的受试者个人基本资料、诊疗和健康生理信息」 (item 7, 仅限于：临床试验、药物
研发场景) accumulates trial subjects exported in those scenarios — not every person exported this year.  The
earlier exports here stand for the ledger: each was declared with a scenario and a subject, and
``PersonCounts.total(scope)`` adds only those the item's :class:`ExportScope` admits.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from catalog import PersonCounts
from catalog.findings import ExportScope
from tests.catalog.builders import evaluate_export

JS = "jiangsu-2025-biopharma"
TRIAL = ["DIAGNOSIS", "AGE", "GENDER"]  # 受试者个人基本资料、诊疗和健康生理信息
SA, SCC = "security_assessment", "standard_contract_or_certification"


@dataclass(frozen=True)
class Earlier:
    """An export recorded earlier this year: its declared scenario and subject, and its persons (all distinct)."""

    scenario: str | None
    subject: str | None
    persons: int


def _persons(now: int, *earlier: Earlier) -> PersonCounts:
    """``now`` persons in this export; the year's total adds the earlier exports the scope admits."""
    sig = frozenset(TRIAL)

    def total(scope: ExportScope | None) -> dict[frozenset[str], int]:
        prior = sum(e.persons for e in earlier if scope is None or scope.admits(e.scenario, e.subject))
        return {sig: now + prior}

    return PersonCounts({sig: now}, total, basis="ledger")


def _run(real_catalog, now: int, *earlier: Earlier, scenario="clinical-trial", subject="trial-subject"):
    return evaluate_export(
        real_catalog, JS, TRIAL, now, scenario=scenario, subject=subject, persons=_persons(now, *earlier)
    )


def test_patients_exported_for_pharmacovigilance_do_not_count_toward_trial_subjects(real_catalog):
    """40,000 pharmacovigilance patients recorded, then 10,000 trial subjects: item 14 (1万人以上且不满5万人的受试者…),
    exit 10 — not item 7 (5万人以上的受试者…), which pooling every export of the year gave."""
    ev = _run(real_catalog, 10_000, Earlier("pharmacovigilance", "patient", 40_000))
    assert {h["item"] for h in ev.hits} == {14} and ev.route == SCC and ev.exit_status == 10
    (h,) = ev.hits
    assert h["persons"] == {"this_export": 10_000, "prior_this_year": 0, "total": 10_000}
    assert "earlier this year in exports of 受试者 in 临床试验/药物研发" in h["reason"]
    assert h["persons_query"]["scope"] == {
        "scenarios": ["clinical-trial", "drug-rd"],
        "subjects": ["trial-subject"],
    }


@pytest.mark.parametrize(
    ("earlier", "items"),
    [
        (Earlier("clinical-trial", "trial-subject", 40_000), {7}),  # 50,000 trial subjects: 5万人以上
        (Earlier("drug-rd", "trial-subject", 40_000), {7}),  # 药物研发 is in 仅限于：临床试验、药物研发场景
        (Earlier("clinical-trial", "patient", 40_000), {14}),  # not 受试者
        (Earlier("other", "trial-subject", 40_000), {14}),  # not in the item's scenarios
        (
            Earlier(None, None, 40_000),
            {7},
        ),  # declared nothing: counts toward every scope (the cautious reading)
    ],
)
def test_earlier_exports_in_the_items_scope_accumulate(real_catalog, earlier, items):
    ev = _run(real_catalog, 10_000, earlier)
    assert {h["item"] for h in ev.hits} == items
    (h,) = ev.hits
    assert h["persons"]["total"] == (50_000 if items == {7} else 10_000)


def test_a_catch_all_accumulates_every_export(real_catalog):
    """Catch-all 13 (「除第7…12涉及场景以外的其他场景」) names no closed set of scenarios: 9,000 trial subjects' sensitive
    PI exported for a clinical trial earlier and 2,000 persons now make 11,000, 1万人以上敏感个人信息."""
    ev = _run(
        real_catalog, 2_000, Earlier("clinical-trial", "trial-subject", 9_000), scenario="other", subject=None
    )
    assert {h["item"] for h in ev.hits} == {13} and ev.route == SA
    (h,) = ev.hits
    assert h["persons"] == {"this_export": 2_000, "prior_this_year": 9_000, "total": 11_000}
    assert h["persons_query"]["scope"] == {"scenarios": None, "subjects": None}
