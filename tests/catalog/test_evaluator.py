"""The evaluator, table-driven from the seeds' wording (Jiangsu biopharma list, seed 000; automotive, seed 001).

Each case: list, scenario, subject, what the scan found (entity types, coordinate precision), persons →
the items hit and the route.  Persons default to what a one-table scan estimates: ``n`` persons, all of
them with sensitive PI when the findings hold any, else all with only general PI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from catalog import CatalogError, PersonCounts, evaluate
from catalog.evaluator import ROUTE_RANK, strictest
from tests.catalog.builders import annotate, column, entity, findings_of, persons_of, table

JS = "jiangsu-2025-biopharma"
AUTO = "multisector-2025-automotive"
SA, SCC, OLR, OUT = (
    "security_assessment",
    "standard_contract_or_certification",
    "other_lawful_route",
    "outside",
)

TRIAL = ("DIAGNOSIS", "AGE", "GENDER")  # 受试者个人基本资料、诊疗和健康生理信息
PV = ("DIAGNOSIS", "AGE")  # 患者…诊疗和健康生理信息, without real names or contact details
HCP = ("CN_PERSON_NAME", "CN_MOBILE", "EMAIL")  # 姓名、联系方式
HCP_SENSITIVE = ("CN_PERSON_NAME", "CN_RESIDENT_ID")  # 个人身份证件
PRECISE, COARSE = 1.1, 1113.2  # metres: coordinates to 5 decimals vs to 2 decimals


@dataclass
class Case:
    id: str
    lst: str
    scenario: str | None
    subject: str | None
    entities: tuple[str, ...]
    n: int
    items: set[int]
    route: str
    precision: float | None = None  # GEO_COORDINATE's precision_m when coordinates are in the findings
    table: str = "export"
    prior: int = 0  # persons exported earlier this year (n is this export)
    counts: tuple[int, int, int] | None = None  # (any, sensitive, general) when not derived from n
    review: set[int] = field(default_factory=set)  # items that must go to manual review


CASES = [
    # --- 受试者 (items 7 / 14): 1万人以上且不满5万人 → 14; 5万人以上 → 7
    Case("trial-9999", JS, "clinical-trial", "trial-subject", TRIAL, 9_999, set(), OUT),
    Case("trial-10000", JS, "clinical-trial", "trial-subject", TRIAL, 10_000, {14}, SCC),
    Case("trial-49999", JS, "clinical-trial", "trial-subject", TRIAL, 49_999, {14}, SCC),
    Case("trial-50000", JS, "clinical-trial", "trial-subject", TRIAL, 50_000, {7}, SA),
    Case("trial-drug-rd-50000", JS, "drug-rd", "trial-subject", TRIAL, 50_000, {7}, SA),
    Case("trial-cumulative", JS, "clinical-trial", "trial-subject", TRIAL, 20_000, {7}, SA, prior=30_000),
    Case(
        "trial-cumulative-below",
        JS,
        "clinical-trial",
        "trial-subject",
        TRIAL,
        20_000,
        {14},
        SCC,
        prior=29_999,
    ),
    # item 1 (一定规模以上的群体诊疗…数据) names 10 万人以上: met with diagnosis data of 120,000 persons
    Case("trial-120000-item1", JS, "clinical-trial", "trial-subject", TRIAL, 120_000, {1, 7}, SA),
    # --- 患者 in 药物警戒/产品投诉/医学问询 (items 8 / 15): 1万人以上且不满10万人 → 15; 10万人以上 → 8
    Case("pv-9999", JS, "pharmacovigilance", "patient", PV, 9_999, set(), OUT),
    Case("pv-10000", JS, "pharmacovigilance", "patient", PV, 10_000, {15}, SCC),
    Case("complaint-99999", JS, "product-complaint", "patient", PV, 99_999, {15}, SCC),
    Case("inquiry-100000", JS, "medical-inquiry", "patient", PV, 100_000, {1, 8}, SA),
    # excluded elements: 不包括患者的真实姓名和联系方式 → items 8/15 do not cover it; catch-alls 13/20 do
    Case("pv-names-50000", JS, "pharmacovigilance", "patient", (*PV, "CN_PERSON_NAME"), 50_000, {13}, SA),
    Case("pv-mobile-5000", JS, "pharmacovigilance", "patient", (*PV, "CN_MOBILE"), 5_000, {20}, SCC),
    Case(
        "pv-names-9999-sensitive",
        JS,
        "product-complaint",
        "patient",
        (*PV, "CN_PERSON_NAME"),
        9_999,
        {20},
        SCC,
    ),
    # --- HCPs (items 9 / 16 general PI; 10 / 17 sensitive PI)
    Case("hcp-9999", JS, "hcp-management", "hcp", HCP, 9_999, set(), OUT),
    Case("hcp-10000", JS, "hcp-management", "hcp", HCP, 10_000, {16}, SCC),
    Case("hcp-199999", JS, "hcp-management", "hcp", HCP, 199_999, {16}, SCC),
    Case("hcp-200000", JS, "hcp-management", "hcp", HCP, 200_000, {9}, SA),
    Case("investigator-200000", JS, "clinical-trial", "investigator", HCP, 200_000, {9}, SA),
    Case(
        "reporter-sensitive-10000",
        JS,
        "pharmacovigilance",
        "non-patient-reporter",
        HCP_SENSITIVE,
        10_000,
        {16, 17},
        SCC,
    ),
    Case(
        "reporter-sensitive-100000",
        JS,
        "pharmacovigilance",
        "non-patient-reporter",
        HCP_SENSITIVE,
        100_000,
        {10, 16},
        SA,
    ),
    Case("hcp-sensitive-9999", JS, "hcp-management", "hcp", HCP_SENSITIVE, 9_999, set(), OUT),
    # --- 医疗业务联络人 (items 12 / 19): 不满10万人 → 19
    Case("liaison-1", JS, "medical-business-liaison", "business-contact", ("CN_BANK_ACCOUNT",), 1, {19}, SCC),
    Case(
        "liaison-99999",
        JS,
        "medical-business-liaison",
        "business-contact",
        ("CN_BANK_ACCOUNT",),
        99_999,
        {19},
        SCC,
    ),
    Case(
        "liaison-100000",
        JS,
        "medical-business-liaison",
        "business-contact",
        ("CN_BANK_ACCOUNT",),
        100_000,
        {12},
        SA,
    ),
    # --- 医疗器械售后服务管理 (items 11 / 18), minors under 14 included
    Case("device-99999", JS, "device-after-sales", "patient", ("LAB_RESULT",), 99_999, {18}, SCC),
    Case(
        "device-100000",
        JS,
        "device-after-sales",
        "patient",
        ("LAB_RESULT", "DIAGNOSIS"),
        100_000,
        {1, 11},
        SA,
    ),
    Case(
        "device-minors-500",
        JS,
        "device-after-sales",
        "minor-under-14",
        ("DATE_OF_BIRTH", "MINOR_UNDER_14"),
        500,
        {18},
        SCC,
    ),
    # --- exclusive scenarios: trial-subject data exported for pharmacovigilance is not item 7's; the catch-alls
    # 「除第7、8、9、10、11、12涉及场景以外的其他场景」 are decided by scenario, and 药物警戒 is item 8's: no item
    # takes the data, which a person must confirm (manual review), not exit 20 as the old subject-based reading had
    Case(
        "trial-data-in-pv", JS, "pharmacovigilance", "trial-subject", TRIAL, 60_000, set(), OUT, review={13}
    ),
    Case(
        "hcp-data-in-liaison",
        JS,
        "medical-business-liaison",
        "hcp",
        HCP,
        300_000,
        set(),
        OUT,
        review={13, 20},
    ),
    # --- catch-alls 13 / 20 in other scenarios
    Case("other-general-99999", JS, "other", None, HCP, 99_999, set(), OUT),
    Case("other-general-100000", JS, "other", None, HCP, 100_000, {20}, SCC),
    Case("other-general-999999", JS, "other", None, HCP, 999_999, {20}, SCC),
    Case("other-general-1000000", JS, "other", None, HCP, 1_000_000, {13}, SA),
    Case("other-sensitive-9999", JS, "other", None, ("CN_RESIDENT_ID",), 9_999, {20}, SCC),
    Case("other-sensitive-10000", JS, "other", None, ("CN_RESIDENT_ID",), 10_000, {13}, SA),
    # no scenario: no exclusive item can be claimed, the catch-all applies
    Case("no-scenario", JS, None, None, PV, 20_000, {13}, SA),
    # subject not given: the scenario's items decide on their evidence; catch-all 13 does not apply in 药物警戒
    # (除第7、8、9、10、11、12涉及场景以外的其他场景 is decided by scenario)
    Case("pv-no-subject", JS, "pharmacovigilance", None, PV, 20_000, {15}, SCC),
    # --- gene data → item 21, other lawful route, in every scenario
    Case("gene-500", JS, "clinical-trial", "trial-subject", ("DNA_SEQUENCE",), 500, {21}, OLR),
    Case(
        "gene-with-trial-60000",
        JS,
        "drug-rd",
        "trial-subject",
        ("GENETIC_VARIANT", "DIAGNOSIS"),
        60_000,
        {7, 21},
        OLR,
    ),
    # … and its holders' sensitive PI still counts for the catch-all (不满1万人的敏感个人信息)
    Case("gene-other", JS, "other", None, ("GENETIC_VARIANT",), 100, {20, 21}, OLR),
    Case("gene-symbol-only", JS, "other", None, ("GENE_SYMBOL",), 100, set(), OUT),
    # --- export control (item 3): a technology-catalogue code in the data
    Case("export-control", JS, "drug-trial-cooperation", None, (), 0, {3}, SA, table="tech_082701J_specs"),
    # --- important data a scan cannot decide goes to manual review, not to the route
    Case(
        "biometric-review", JS, "clinical-trial", "trial-subject", ("BIOMETRIC",), 500, set(), OUT, review={2}
    ),
    # --- automotive: 1万人以上敏感个人信息, 包括…平面精度不优于10米(不含10米)的车辆行踪轨迹 → 12, read literally: tracks
    # coarser than 10 m are the item's sensitive PI; tracks at 10 m or finer are outside that enumeration, a candidate
    # for item 1 (车辆位置信息-精确坐标、行踪轨迹) whatever the number of vehicles, and sensitive PI by PIPL Art. 28
    Case(
        "auto-precise-12000",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        12_000,
        {1, 12},
        SA,
        precision=PRECISE,
        table="vehicle_trips",
    ),
    Case(
        "auto-coarse-12000",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        12_000,
        {12},
        SA,
        precision=COARSE,
        table="vehicle_trips",
    ),
    Case(
        "auto-coarse-9999",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        9_999,
        {14},
        SCC,
        precision=COARSE,
        table="vehicle_trips",
    ),
    Case(
        "auto-unmeasured-12000",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        12_000,
        {1, 12},
        SA,
        precision=None,
        table="vehicle_trips",
    ),
    Case(
        "auto-precise-9999",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        9_999,
        {1, 14},
        SA,
        precision=PRECISE,
        table="vehicle_trips",
    ),
    Case(
        "auto-precise-10000",
        AUTO,
        "other",
        None,
        ("GEO_COORDINATE",),
        10_000,
        {1, 12},
        SA,
        precision=PRECISE,
        table="vehicle_trips",
    ),
    Case("auto-driver-file", AUTO, None, None, ("CN_DRIVER_FILE_NO",), 10_000, {12}, SA),
    Case("auto-general-99999", AUTO, None, None, ("VIN", "CN_LICENSE_PLATE"), 99_999, set(), OUT),
    Case("auto-general-100000", AUTO, None, None, ("VIN", "CN_LICENSE_PLATE"), 100_000, {13}, SCC),
    Case("auto-general-999999", AUTO, None, None, ("VIN",), 999_999, {13}, SCC),
    Case("auto-general-1000000", AUTO, None, None, ("VIN",), 1_000_000, {11}, SA),
    # a million vans' coarse tracks: their VINs are general PI (11), their tracks the list's sensitive PI (12)
    Case(
        "auto-coarse-1000000",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        1_000_000,
        {11, 12},
        SA,
        precision=COARSE,
        table="vehicle_trips",
    ),
    # mixed: 20,000 persons of whom 5,000 with sensitive PI → 14 (不满1万人敏感) and 13 (general-only 15,000? no)
    Case(
        "auto-mixed",
        AUTO,
        None,
        None,
        ("VIN", "CN_RESIDENT_ID"),
        0,
        {14},
        SCC,
        counts=(20_000, 5_000, 15_000),
    ),
    Case(
        "auto-mixed-general",
        AUTO,
        None,
        None,
        ("VIN", "CN_RESIDENT_ID"),
        0,
        {13, 14},
        SCC,
        counts=(205_000, 5_000, 200_000),
    ),
]


def _table(case: Case, rule):
    cols = []
    for e in case.entities:
        if e == "GEO_COORDINATE":
            cols.append(column("lat", entity(e, 1.0, case.precision)))
        else:
            cols.append(column(e.lower(), entity(e, 0.97)))
    t = table(case.table, *cols, rows=case.n)
    t = annotate(t, rule)
    return t


def _findings(case: Case, rule):
    return findings_of(_table(case, rule))


def _persons(case: Case, rule) -> PersonCounts:
    """Declared (any, sensitive, general) numbers, or ``n`` persons each carrying every element of the table."""
    if case.counts is not None:
        return PersonCounts.of(*case.counts)
    return persons_of(_table(case, rule), case.n, case.prior)


def _run(case: Case, real_catalog):
    rule = real_catalog.reference_rule("jiangsu-2025-reference-rule")
    return evaluate(
        _findings(case, rule),
        catalog=real_catalog,
        lists=[case.lst],
        scenario=case.scenario,
        subject=case.subject,
        persons=_persons(case, rule),
    )


def test_enough_cases():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_items_and_route(real_catalog, case):
    ev = _run(case, real_catalog)
    assert {h["item"] for h in ev.hits} == case.items, [h["reason"] for h in ev.hits]
    assert ev.route == case.route
    assert ev.exit_status == ROUTE_RANK[case.route]
    assert case.review <= {r["item"] for r in ev.manual_review}
    for h in ev.hits:
        assert set(h) >= {"list", "item", "route", "reason", "source_text", "persons"}
        assert (
            h["list"] == case.lst
            and h["source_text"] == real_catalog.negative_list(case.lst).item(h["item"]).source_text
        )
        assert set(h["persons"]) == {"this_export", "prior_this_year", "total"}
        assert f"item {h['item']}" in h["reason"]


def _by_item(ev):
    return {h["item"]: h for h in ev.hits}


def _case(case_id):
    return next(c for c in CASES if c.id == case_id)


def test_reason_quotes_the_item_and_the_band(real_catalog):
    h = _by_item(_run(_case("trial-10000"), real_catalog))[14]
    assert "1万人以上且不满5万人的受试者个人基本资料、诊疗和健康生理信息" in h["reason"]
    assert "仅限于：临床试验、药物研发场景" in h["reason"]
    assert (
        "10,000 persons (10,000 in this export + 0 earlier this year in exports of 受试者 in 临床试验/药物研发, "
        "自当年1月1日起累计): within ≥ 10,000 and < 50,000 「1万人以上且不满5万人」"
    ) in h["reason"]
    assert "按照“卫生健康数据级别确定规则表”" in h["reason"]  # the carve-out a scan cannot check is named
    assert h["persons"] == {"this_export": 10_000, "prior_this_year": 0, "total": 10_000}


def test_cumulative_counts_in_the_hit(real_catalog):
    h = _by_item(_run(_case("trial-cumulative"), real_catalog))[7]
    assert h["persons"] == {"this_export": 20_000, "prior_this_year": 30_000, "total": 50_000}


def test_excluded_elements_are_explained_and_fall_to_the_catch_all(real_catalog):
    ev = _run(_case("pv-names-50000"), real_catalog)
    why = {n["item"]: n["reason"] for n in ev.not_hit}
    assert "item 8 does not cover this data" in why[8] and "不包括患者的真实姓名和联系方式" in why[8]
    assert "CN_PERSON_NAME" in why[8] and "falls to catch-all item 13" in why[8]
    assert "50,000 persons with sensitive PI" in _by_item(ev)[13]["reason"]


def test_trajectory_reason_states_the_measured_precision(real_catalog):
    """Fine tracks are outside 「平面精度不优于10米(不含10米)的车辆行踪轨迹」 but still sensitive PI (行踪轨迹)."""
    h = _by_item(_run(_case("auto-precise-12000"), real_catalog))[12]
    assert (
        "coordinates in vehicle_trips.lat resolve to ~1.1 m (10 m or finer): outside the item's "
        "「平面精度不优于10米(不含10米)的车辆行踪轨迹」 (working reading; counsel to confirm)"
    ) in h["reason"]
    assert "still sensitive PI as 行踪轨迹 (PIPL Art. 28)" in h["reason"]
    assert h["persons"]["total"] == 12_000


def test_coarse_coordinates_are_the_items_trajectory(real_catalog):
    """Coarser than 10 m is what 「平面精度不优于10米(不含10米)的车辆行踪轨迹」 names: the item's sensitive PI."""
    ev = _run(_case("auto-coarse-12000"), real_catalog)
    h = _by_item(ev)[12]
    assert (
        "coordinates in vehicle_trips.lat resolve to ~1,113.2 m (coarser than 10 m): the item's "
        "「平面精度不优于10米(不含10米)的车辆行踪轨迹」, sensitive PI in this item"
    ) in h["reason"]
    assert h["persons"]["total"] == 12_000
    assert 1 not in {x["item"] for x in ev.hits}  # coarse tracks are no high-precision candidate
    assert ev.route == SA


def test_gene_data_is_a_candidate_with_the_art17_note(real_catalog):
    ev = _run(_case("gene-with-trial-60000"), real_catalog)
    h = _by_item(ev)[21]
    assert h["route"] == OLR and h["candidate"] and h["data_kind"] == "important_data"
    assert "不包括临床数据、影像数据、蛋白质数据和代谢数据" in h["reason"]  # the diagnoses are not gene data
    assert "已履行《人类遗传资源管理条例实施细则》" in h["reason"]
    assert not _by_item(ev)[7]["candidate"]
    assert any("告知或者公开发布为重要数据" in n for n in ev.notes)


def test_export_control_note(real_catalog):
    ev = _run(_case("export-control"), real_catalog)
    assert "082701J" in _by_item(ev)[3]["reason"]
    assert any(n.startswith("jiangsu-2025-biopharma note 3") and "不适用本清单" in n for n in ev.notes)


def test_manual_review_for_undefined_scale(real_catalog):
    ev = _run(_case("biometric-review"), real_catalog)
    (r,) = [r for r in ev.manual_review if r["item"] == 2]
    assert "一定规模" in r["reason"] and r["route"] == SA


def test_several_lists_take_the_strictest_route(real_catalog):
    case = _case("gene-500")
    rule = real_catalog.reference_rule("jiangsu-2025-reference-rule")
    ev = evaluate(
        _findings(case, rule),
        catalog=real_catalog,
        lists=[JS, "multisector-2025-pharma"],
        scenario="clinical-trial",
        subject="trial-subject",
        persons=_persons(case, rule),
    )
    assert [x["id"] for x in ev.lists] == [JS, "multisector-2025-pharma"]
    assert ev.route == OLR and {h["list"] for h in ev.hits} == {JS, "multisector-2025-pharma"}
    assert all(len(x["sha256"]) == 64 for x in ev.lists)


def test_unknown_scenario_or_subject_is_refused(real_catalog):
    f = findings_of()
    with pytest.raises(CatalogError, match="unknown scenario 'clinical-trail'"):
        evaluate(
            f,
            catalog=real_catalog,
            lists=[JS],
            scenario="clinical-trail",
            subject=None,
            persons=PersonCounts(),
        )
    with pytest.raises(CatalogError, match="unknown subject 'alien'"):
        evaluate(f, catalog=real_catalog, lists=[JS], scenario=None, subject="alien", persons=PersonCounts())


def test_list_vocabulary_extensions_are_accepted(real_catalog):
    f = findings_of()
    ev = evaluate(
        f,
        catalog=real_catalog,
        lists=[JS],
        scenario="adverse-reaction-management",
        subject=None,
        persons=PersonCounts(),
    )
    assert ev.route == OUT


def test_route_order():
    assert strictest([SCC, SA]) == SA and strictest([SA, OLR]) == OLR and strictest([]) == OUT
    assert [ROUTE_RANK[r] for r in (OUT, SCC, SA, OLR)] == [0, 10, 20, 30]


def test_mini_catalogue_catch_all_and_exclusion(mini_catalog):
    rule = mini_catalog.reference_rule("jiangsu-2025-reference-rule")
    t = table("t", column("dx", entity("DIAGNOSIS")), column("name", entity("CN_PERSON_NAME")), rows=20_000)
    t = annotate(t, rule)
    f = findings_of(t)
    ev = evaluate(
        f,
        catalog=mini_catalog,
        lists=["mini-list"],
        scenario="clinical-trial",
        subject="trial-subject",
        persons=PersonCounts.of(20_000, 20_000, 0),
    )
    # item 3 leaves out real names, item 1 does not: item 1 is below its band, so the data is outside the list
    assert ev.hits == [] and ev.route == OUT
    assert "falls to catch-all" not in {n["item"]: n["reason"] for n in ev.not_hit}[3]
