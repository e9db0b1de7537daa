"""Data an item leaves out, and the catch-alls that take it (seed 000 Jiangsu biopharma; seed 001 pharma).

* Exclusions apply only to the persons they name: items 11/18 read 「患者个人生理健康信息、不满十四周岁未成年人
  个人信息…不包括患者的真实姓名和联系方式」 — patients' names, not the minors' personal information they include.
* Catch-alls worded 「除第…项涉及场景以外的其他场景」 are decided by the export's scenario, not its subjects.
* Pharma items 6/11: 「患者个人信息应为去标识化的个人信息」 is a condition; identifiable patients' data is not
  their data, and falls to the catch-all.
"""

from __future__ import annotations

import re

import pytest

from catalog import CatalogError, PersonCounts, load_catalog
from catalog.findings import MINOR
from tests.catalog.builders import evaluate_export, first_thresholded, user_catalog

JS, PHARMA = "jiangsu-2025-biopharma", "multisector-2025-pharma"
SA, SCC, OUT = "security_assessment", "standard_contract_or_certification", "outside"
NAMED_MINORS = ["CN_PERSON_NAME", MINOR, "LAB_RESULT"]


def _items(ev):
    return {h["item"] for h in ev.hits}


def _why(ev, item):
    return next(x["reason"] for x in [*ev.hits, *ev.not_hit, *ev.manual_review] if x["item"] == item)


# --- exclusions name their persons ---------------------------------------------------------------------------


@pytest.mark.parametrize("subject", ["minor-under-14", None])
def test_minors_names_stay_with_item_18(real_catalog, subject):
    """50,000 named minors in 医疗器械售后服务管理: 「不满10万人的…不满十四周岁未成年人个人信息」 → item 18, exit 10.
    「不包括患者的真实姓名和联系方式」 names patients; it does not move the minors' data to catch-all 13 (exit 20)."""
    ev = evaluate_export(
        real_catalog, JS, NAMED_MINORS, 50_000, scenario="device-after-sales", subject=subject
    )
    assert _items(ev) == {18} and ev.route == SCC and ev.exit_status == 10
    assert "does not apply" in _why(ev, 13)


def test_patients_names_still_take_the_data_out_of_item_18(real_catalog):
    """Adult patients' names are what 「不包括患者的真实姓名和联系方式」 leaves out: item 18 does not cover the data,
    which falls to the catch-all — 50,000 persons' sensitive PI, 1万人以上敏感个人信息 (item 13)."""
    ev = evaluate_export(
        real_catalog,
        JS,
        ["CN_PERSON_NAME", "LAB_RESULT"],
        50_000,
        scenario="device-after-sales",
        subject="patient",
    )
    assert _items(ev) == {13} and ev.route == SA
    assert (
        "which the item leaves out 「不包括患者的真实姓名和联系方式」; it falls to catch-all item 20"
        in _why(ev, 18)
    )
    assert "it falls to catch-all item 13" in _why(ev, 11)
    assert "leave this export's data out; read strictly" in _why(ev, 13) and "counsel to confirm" in _why(
        ev, 13
    )


def test_an_exclusion_applies_when_some_carriers_are_adults(real_catalog):
    """Named minors and 5,000 named adults in one export: the adults' names are patients' names (left out)."""
    persons = PersonCounts(
        {frozenset(NAMED_MINORS): 50_000, frozenset({"CN_PERSON_NAME", "LAB_RESULT"}): 5_000}
    )
    ev = evaluate_export(
        real_catalog, JS, NAMED_MINORS, 55_000, scenario="device-after-sales", persons=persons
    )
    assert 18 not in _items(ev) and 13 in _items(ev)


# --- catch-alls are decided by scenario ----------------------------------------------------------------------


def test_catch_all_does_not_apply_in_an_excepted_scenario_whatever_the_subject(real_catalog):
    """Trial subjects' data exported for 药物警戒: 「除第7、8、9、10、11、12涉及场景以外的其他场景」 excludes 药物警戒
    (item 8's scenario), so catch-all 13 does not apply — the old reading applied it because item 8 is for 患者.
    No item takes the data; it goes to a person (manual review), and the route is outside the list."""
    ev = evaluate_export(
        real_catalog, JS, ["DIAGNOSIS", "AGE"], 60_000, scenario="pharmacovigilance", subject="trial-subject"
    )
    assert _items(ev) == set() and ev.route == OUT
    (r,) = [r for r in ev.manual_review if r["item"] == 13]
    assert r["review"] == "judgement" and "no item of 药物警戒 covers 受试者" in r["reason"]
    assert "decided by scenario" in r["reason"]


def test_without_a_subject_the_scenarios_items_decide(real_catalog):
    """20,000 patients' diagnoses for 药物警戒, subject not given: item 15 (1万人以上且不满10万人的患者…) on its
    evidence; catch-all 13 does not apply beside it in 药物警戒."""
    ev = evaluate_export(real_catalog, JS, ["DIAGNOSIS", "AGE"], 20_000, scenario="pharmacovigilance")
    assert _items(ev) == {15} and ev.route == SCC


# --- pharma 6 / 11: 患者个人信息应为去标识化的个人信息 -------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["CN_RESIDENT_ID", "CN_MOBILE", "CN_PERSON_NAME"])
def test_identifiable_patients_data_is_not_items_6_and_11(real_catalog, identifier):
    """20,000 patients' diagnoses with ID numbers (or phones, or names) for 药物警戒: not de-identified, so item 11
    (1万人以上且不满10万人的患者…, exit 10) does not apply; the data falls to catch-all 9 (1万人以上敏感个人信息, exit 20)."""
    ev = evaluate_export(
        real_catalog,
        PHARMA,
        ["DIAGNOSIS", identifier],
        20_000,
        scenario="pharmacovigilance",
        subject="patient",
    )
    assert _items(ev) == {9} and ev.route == SA
    why = _why(ev, 11)
    assert (
        "item 11 does not cover this data" in why
        and identifier in why
        and "it falls to catch-all item 14" in why
    )
    if (
        identifier == "CN_RESIDENT_ID"
    ):  # only the condition speaks (名字 and 联系方式 are also excluded elements)
        assert (
            "its data must meet 「患者个人信息应为去标识化的个人信息」" in why and "counsel to confirm" in why
        )


def test_de_identified_patients_data_is_item_11(real_catalog):
    ev = evaluate_export(
        real_catalog,
        PHARMA,
        ["DIAGNOSIS", "AGE", "GENDER"],
        20_000,
        scenario="pharmacovigilance",
        subject="patient",
    )
    assert _items(ev) == {11} and ev.route == SCC


def test_requirements_are_recorded_beside_the_words(real_catalog):
    nl = real_catalog.negative_list(PHARMA)
    for n in (6, 11):
        (rq,) = nl.item(n).elements.requirements
        assert (
            rq.source_text == "患者个人信息应为去标识化的个人信息"
            and rq.source_text in nl.item(n).source_text
        )
        assert rq.subjects == ["patient"] and rq.status == "working_reading" and rq.confirm_with == "counsel"
        assert {"CN_PERSON_NAME", "CN_RESIDENT_ID", "CN_MOBILE"} <= set(rq.not_met_by)
    js = real_catalog.negative_list(JS)
    for n in (8, 11, 15, 18):
        assert all(ex.subjects == ["patient"] for ex in js.item(n).elements.excluded)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda it: it.setdefault("elements", {}).update(
                requirements=[
                    {
                        "id": "de-identified",
                        "source_text": "不在条目中",
                        "not_met_by": ["CN_PERSON_NAME"],
                        "reading": "r",
                    }
                ]
            ),
            "requirements[0].source_text: not found in the item's source_text",
        ),
        (
            lambda it: it.setdefault("elements", {}).update(
                requirements=[
                    {
                        "id": "de-identified",
                        "source_text": it["source_text"][:6],
                        "not_met_by": ["NAME"],
                        "reading": "r",
                    }
                ]
            ),
            "requirements[0].not_met_by[0]: unknown entity id 'NAME'",
        ),
        (
            lambda it: it.setdefault("elements", {}).update(
                excluded=[
                    {"id": "names", "entities": ["CN_PERSON_NAME"], "subjects": ["alien"], "source_text": "x"}
                ]
            ),
            "excluded[0].subjects[0]: unknown subject id 'alien'",
        ),
    ],
)
def test_the_loader_checks_requirements_and_exclusions(tmp_path, edit, message):
    with pytest.raises(CatalogError, match=re.escape(message)):
        load_catalog(
            [user_catalog(tmp_path, lambda doc: edit(first_thresholded(doc)))], include_builtin=False
        )
