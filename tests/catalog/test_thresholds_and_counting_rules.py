"""Scoped thresholds, per-item counting rules, interpretations and product-catalogue medication.

Each test checks the catalogue against the seed wording it comes from: the numbers of every band, the
counting rule an item states, the readings recorded for counsel, and medication that is not health data.
"""

from __future__ import annotations

import re

import pytest

from catalog import CatalogError, PersonCounts, evaluate, load_catalog
from tests.catalog.builders import (
    annotate,
    column,
    entity,
    findings_of,
    first_thresholded,
    table,
    user_catalog,
)

BANK = "multisector-2025-banking"


def _zh(n: int) -> str:
    """10000 → 1万, 10000000 → 1000万 (how the seeds write person numbers)."""
    return f"{n // 10000}万" if n % 10000 == 0 and n >= 10000 else str(n)


def test_every_threshold_number_is_in_its_items_words(real_catalog):
    """Each band's numbers appear in the item's own text as 以上 / 不满 (checked for every list, every item)."""
    for d in real_catalog.lists():
        for it in d.doc.items:
            text = re.sub(r"\s+", "", it.source_text)
            for th in it.thresholds:
                words = re.sub(r"\s+", "", th.source_text)
                assert words in text or all(w in text for w in re.split(r"[，,]", words)), (d.id, it.item)
                if th.min is not None and th.min > 1:
                    assert f"{_zh(th.min)}人以上" in text, (d.id, it.item, th.min)
                if th.below is not None:
                    assert f"不满{_zh(th.below)}人" in text, (d.id, it.item, th.below)


def test_scoped_thresholds_where_an_item_names_two_numbers(real_catalog):
    dev = real_catalog.negative_list("multisector-2025-medical-devices").item(2)
    scopes = {th.min: th.applies_to for th in dev.thresholds}
    assert set(scopes) == {100_000, 10_000}
    assert scopes[10_000].entities == ["BIOMETRIC"] and "DIAGNOSIS" in scopes[100_000].entities
    pharma2 = real_catalog.negative_list("multisector-2025-pharma").item(2)
    assert [th.applies_to.entities for th in pharma2.thresholds] == [["BIOMETRIC"]]
    assert "28" not in pharma2.evidence.categories  # 医疗资源数据 is not what sub-category 28 evidence shows


def test_banking_items_carry_their_own_counting_rule(real_catalog):
    nl = real_catalog.negative_list(BANK)
    own = {it.item for it in nl.items if it.counting_rule is not None}
    assert own == {4, 5, 6, 7, 9, 10, 11, 12}
    for n in own:
        rule = nl.item(n).counting_rule
        assert (
            "和行业标准规范或指导文件规定情形" in rule.source_text
            and rule.source_text.strip() in nl.item(n).source_text
        )
        assert rule.cumulative_from == "01-01" and rule.unit == "natural_person"
    assert "行业标准规范" not in nl.counting_rule.source_text  # items 8 and 13 use the list's sentence
    for n in (8, 13):
        assert nl.counting_rule.source_text.strip() in nl.item(n).source_text


def _bank(real_catalog, scenario, subject, etypes, persons):
    t = table("t", *(column(e.lower(), entity(e)) for e in etypes), rows=persons.any.this_export)
    t = annotate(t, real_catalog.reference_rule("jiangsu-2025-reference-rule"))
    return evaluate(
        findings_of(t),
        catalog=real_catalog,
        lists=[BANK],
        scenario=scenario,
        subject=subject,
        persons=persons,
    )


def test_evaluator_uses_the_items_counting_rule(real_catalog):
    ev = _bank(
        real_catalog,
        "anti-money-laundering",
        "customer",
        ["CN_RESIDENT_ID"],
        PersonCounts.of(300_000, 300_000, 0, prior_any=800_000, prior_sensitive=800_000),
    )
    (h,) = [h for h in ev.hits if h["item"] == 5]  # 300,000 + 800,000 earlier this year ≥ 100万
    assert h["counting_rule"]["origin"] == "item"
    assert (
        "industry standards or guidance documents (行业标准规范或指导文件)"
        in h["counting_rule"]["excluded_cases"]
    )
    assert "counted by the item's own counting rule" in h["reason"]
    ev = _bank(real_catalog, "other", None, ["CN_RESIDENT_ID"], PersonCounts.of(20_000, 20_000, 0))
    (h,) = [h for h in ev.hits if h["item"] == 8]
    assert h["counting_rule"]["origin"] == "list" and "counted by the list's counting rule" in h["reason"]


def test_counting_unit_other_than_persons_needs_review(tmp_path):
    def edit(doc):
        it = first_thresholded(doc)
        it["counting"] = "cumulative_calendar_year"
        it["counting_rule"] = {
            "cumulative_from": "01-01",
            "unit": "account",
            "source_text": it["source_text"][:10],
        }

    cat = load_catalog([user_catalog(tmp_path, edit)], include_builtin=False)
    nl = cat.negative_list("mini-list")
    it = next(i for i in nl.items if i.counting_rule is not None)
    t = table(
        "t", *(column(e.lower(), entity(e)) for e in it.evidence.entities or ["CN_RESIDENT_ID"]), rows=10**7
    )
    t = annotate(t, cat.reference_rule("jiangsu-2025-reference-rule"))
    ev = evaluate(
        findings_of(t),
        catalog=cat,
        lists=["mini-list"],
        scenario=(it.scenarios.ids or [None])[0],
        subject=(it.subjects or [None])[0],
        persons=PersonCounts.of(10**7, 10**7, 10**7),
    )
    (r,) = [r for r in ev.manual_review if r["item"] == it.item]
    assert r["review"] == "counting_unit" and "counts by account" in r["reason"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda it: it["thresholds"][0].update(
                applies_to={"entities": ["BIOMETRIC"], "source_text": "nowhere"}
            ),
            "not found in the item's source_text",
        ),
        (
            lambda it: it["thresholds"][0].update(
                applies_to={"entities": ["RELIGION"], "source_text": it["source_text"][:6]}
            ),
            "'RELIGION' is not in the item's evidence.entities",
        ),
        (
            lambda it: it.update(
                counting="none", counting_rule={"cumulative_from": "01-01", "source_text": "x"}
            ),
            "contradicts counting: none",
        ),
        (
            lambda it: it.update(
                interpretations=[
                    {"parameter": "missing_m", "source_text": it["source_text"][:6], "reading": "r"}
                ]
            ),
            "'missing_m' is not a key of the item's parameters",
        ),
    ],
)
def test_loader_checks_scopes_rules_and_interpretations(tmp_path, edit, message):
    def apply(doc):
        it = first_thresholded(doc)
        it.setdefault("evidence", {}).setdefault("entities", ["DIAGNOSIS"])
        edit(it)

    with pytest.raises(CatalogError, match=re.escape(message)):
        load_catalog([user_catalog(tmp_path, apply)], include_builtin=False)


def test_trajectory_interpretation_is_recorded_for_counsel(real_catalog):
    lst = real_catalog.negative_list("multisector-2025-automotive")
    for n in (12, 14):
        it = lst.item(n)
        ip = it.interpretation("trajectory_precision_m")
        assert it.parameters["trajectory_precision_m"] == 10
        assert ip is not None and ip.status == "working_reading" and ip.confirm_with == "counsel"
        assert (
            ip.source_text == "平面精度不优于10米(不含10米)的车辆行踪轨迹"
            and ip.source_text in it.source_text
        )
        # read literally: coarser than 10 m is the enumerated sensitive PI; 10 m or finer is high-precision data
        assert "precision_m > 10" in ip.reading and "not better than 10 m" in ip.reading
        assert "candidate for item 1" in ip.reading and "PIPL Art. 28" in ip.reading


# --- MEDICATION in a product catalogue ----------------------------------------------------------------


def _products(real_catalog, details):
    med = entity("MEDICATION")
    if details is not None:
        med["details"] = details
    t = table("products", column("generic_name", med), column("sku_code"), rows=5_000)
    t = annotate(t, real_catalog.reference_rule("jiangsu-2025-reference-rule"))
    return t


def test_product_catalogue_medication_is_not_personal_nor_health_data(real_catalog):
    t = _products(real_catalog, {"product_catalogue": ["approval_no", "price", "sku"]})
    col = t.columns[0]
    assert col.pi_class is None and col.categories == []
    assert col.entities[0].pi_class is None
    f = findings_of(t)
    assert not f.has_pi() and f.hits("MEDICATION") == []


def test_medication_in_patient_context_stays_sensitive_health_data(real_catalog):
    t = _products(real_catalog, None)
    col = t.columns[0]
    assert col.pi_class == "sensitive" and [c.code for c in col.categories] == ["28"]
    t = table("prescriptions", column("drug", entity("MEDICATION")), column("name", entity("CN_PERSON_NAME")))
    t = annotate(t, real_catalog.reference_rule("jiangsu-2025-reference-rule"))
    assert t.columns[0].pi_class == "sensitive"
