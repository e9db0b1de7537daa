"""The unified important-data identification rule (重要数据统一识别参考规则) over persons and findings."""

from __future__ import annotations

import pytest

from catalog import PersonCounts, identify
from catalog.mapping import load_mapping
from tests.catalog.builders import annotate, column, entity, findings_of, table

ACCOUNTS = load_mapping().accounts_or_diagnosis_entities


def _findings(rule, *entities, name="t"):
    t = table(name, *(column(e.lower(), entity(e)) for e in entities))
    t = annotate(t, rule)
    return findings_of(t)


def _run(rule, persons, *entities, ciio=False, name="t"):
    return identify(
        _findings(rule, *entities, name=name),
        persons,
        rule=rule,
        ciio=ciio,
        accounts_or_diagnosis_entities=ACCOUNTS,
    )


def _met(out):
    return {(c["clause"], c["measure"], c["operator_type"]) for c in out["candidates"]}


@pytest.fixture
def jiangsu(real_catalog):
    return real_catalog.reference_rule("jiangsu-2025-reference-rule")


@pytest.mark.parametrize(("general", "met"), [(9_999_999, False), (10_000_000, True)])
def test_ten_million_general_pi(jiangsu, general, met):
    out = _run(jiangsu, PersonCounts.of(general, 0, general), "CN_PERSON_NAME", "CN_MOBILE")
    assert ((2, "persons_pi", "any") in _met(out)) is met
    assert out["status"] == ("candidate" if met else "not_indicated")


@pytest.mark.parametrize(("sensitive", "met"), [(999_999, False), (1_000_000, True)])
def test_one_million_sensitive_pi(jiangsu, sensitive, met):
    out = _run(jiangsu, PersonCounts.of(sensitive, sensitive, 0), "CN_RESIDENT_ID")
    assert ((2, "persons_sensitive_pi", "any") in _met(out)) is met


def _persons_of(*entities, n):
    """``n`` persons carrying ``entities`` (one table of ``n`` rows holding them)."""
    return PersonCounts({frozenset(entities): n})


def test_hundred_thousand_sensitive_needs_accounts_or_diagnosis(jiangsu):
    p = _persons_of("CN_RESIDENT_ID", n=100_000)
    assert _met(_run(jiangsu, p, "CN_RESIDENT_ID")) == set()
    out = _run(
        jiangsu, _persons_of("CN_RESIDENT_ID", "CN_BANK_CARD", n=100_000), "CN_RESIDENT_ID", "CN_BANK_CARD"
    )
    assert _met(out) == {(2, "persons_sensitive_pi_with_accounts_or_diagnosis", "any")}
    (c,) = out["candidates"]
    assert "CN_BANK_CARD in t.cn_bank_card" in c["reason"] and "candidate only" in c["reason"]
    assert c["source_text"].startswith("10万人以上且包含个人银行账户")
    assert _met(_run(jiangsu, _persons_of("DIAGNOSIS", n=100_000), "DIAGNOSIS")) == {
        (2, "persons_sensitive_pi_with_accounts_or_diagnosis", "any")
    }
    assert _met(_run(jiangsu, _persons_of("DIAGNOSIS", n=99_999), "DIAGNOSIS")) == set()


def test_accounts_or_diagnosis_counts_only_the_persons_whose_sensitive_pi_includes_them(jiangsu):
    """「10万人以上且包含个人银行账户、个人保险账户、个人注册账户、个人诊疗数据等的敏感个人信息」: the 100,000 are persons
    whose sensitive PI includes such data.  150,000 persons with ID numbers, 60,000 of them with a bank card, do not
    meet it (the old reading counted all 150,000 once a bank-card column was found)."""
    p = PersonCounts(
        {frozenset({"CN_RESIDENT_ID"}): 90_000, frozenset({"CN_RESIDENT_ID", "CN_BANK_CARD"}): 60_000}
    )
    out = _run(jiangsu, p, "CN_RESIDENT_ID", "CN_BANK_CARD")
    assert (2, "persons_sensitive_pi_with_accounts_or_diagnosis", "any") not in _met(out)
    (c,) = [c for c in out["not_met"] if c["measure"] == "persons_sensitive_pi_with_accounts_or_diagnosis"]
    assert c["count"] == 60_000 and "persons whose sensitive PI includes" in c["reason"]
    assert "CN_BANK_CARD" in c["persons_counted"]
    # medication records and test results are 个人诊疗数据 too
    crit = [
        x
        for cl in jiangsu.identification_rule.clauses
        for x in cl.criteria
        if x.measure == "persons_sensitive_pi_with_accounts_or_diagnosis"
    ][0]
    assert {"MEDICATION", "LAB_RESULT"} <= set(crit.entities)
    p = PersonCounts({frozenset({"CN_PERSON_NAME", "LAB_RESULT"}): 100_000})
    assert (2, "persons_sensitive_pi_with_accounts_or_diagnosis", "any") in _met(
        _run(jiangsu, p, "CN_PERSON_NAME", "LAB_RESULT")
    )


def test_ciio_threshold_only_for_ciio(jiangsu):
    p = PersonCounts.of(100_000, 0, 100_000)
    assert _met(_run(jiangsu, p, "CN_MOBILE")) == set()
    assert _met(_run(jiangsu, p, "CN_MOBILE", ciio=True)) == {(3, "persons_pi", "ciio")}
    assert _met(_run(jiangsu, PersonCounts.of(99_999, 0, 99_999), "CN_MOBILE", ciio=True)) == set()


def test_output_quotes_art17_and_lists_qualitative_clauses(jiangsu):
    out = _run(jiangsu, PersonCounts.of(1, 1, 0), "CN_RESIDENT_ID")
    assert out["declaration"]["article"] == 17
    assert (
        "未被省级管理部门、省级行业主管部门及有关职能部门、片区管委会告知或者公开发布为重要数据的"
        in out["declaration"]["source_text"]
    )
    assert [m["clause"] for m in out["manual_review"]] == [4, 5]
    assert out["export_control"] is None


def test_export_control_codes_quote_art23(jiangsu):
    out = _run(jiangsu, PersonCounts(), name="tech_082701J_docs")
    ec = out["export_control"]
    assert ec["codes"] == {"082701J": ["table name tech_082701J_docs"]}
    assert ec["article"]["article"] == 23 and "出口管制法" in ec["article"]["source_text"]


def test_strict_above_and_inclusive_min(mini_catalog):
    rule = mini_catalog.reference_rule("jiangsu-2025-reference-rule")  # fixture: sensitive test is `above`
    assert _met(_run(rule, PersonCounts.of(1_000_000, 1_000_000, 0), "CN_RESIDENT_ID")) == set()
    assert _met(_run(rule, PersonCounts.of(1_000_001, 1_000_001, 0), "CN_RESIDENT_ID")) == {
        (2, "persons_sensitive_pi", "any")
    }
