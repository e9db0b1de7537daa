"""Evaluator cases worded from the seeds, one item (or band edge) each, across the built-in lists.

Every case id names the list and the item(s) whose wording it exercises (``dev-2`` is
multisector-2025-medical-devices item 2, ``bank-9`` banking item 9, ``ai-7`` AI-training-data item 7 …)
and the comment above it quotes the words.  A case gives what a scan found (entity types; coordinate
precision), the persons (this export, earlier this year; per PI kind), the scenario, the subject and, for
AI training data, the declared modality; it expects the items hit, the route, and the items that must go
to manual review.  Band edges follow the texts: 以上 is inclusive, 不满 exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from catalog import evaluate
from tests.catalog.builders import annotate, column, entity, findings_of, persons_of, table

DEV, PHARMA, BANK = "multisector-2025-medical-devices", "multisector-2025-pharma", "multisector-2025-banking"
AI, AUTO, AVIA = (
    "multisector-2025-ai-training-data",
    "multisector-2025-automotive",
    "multisector-2025-civil-aviation",
)
RETAIL, TRADE, JS = (
    "multisector-2025-retail-services",
    "multisector-2025-trade-logistics",
    "jiangsu-2025-biopharma",
)
SA, SCC, OUT = "security_assessment", "standard_contract_or_certification", "outside"

CUSTOMER_GENERAL = ("CN_PERSON_NAME", "CN_MOBILE")  # 姓名、联系信息
CUSTOMER_SENSITIVE = ("CN_RESIDENT_ID", "CN_BANK_ACCOUNT")  # 身份证件信息、银行账户


@dataclass
class Case:
    id: str
    lst: str
    scenario: str | None
    subject: str | None
    entities: tuple[str, ...]
    n: int  # persons in this export (all sensitive when the findings hold sensitive PI, else all general)
    items: set[int]
    route: str
    review: set[int] = field(default_factory=set)  # exactly the items that must need review
    prior: int = 0  # persons exported earlier this year
    modality: str | None = None
    precision: float | None = None  # GEO_COORDINATE precision_m
    table: str = "export"
    details: dict | None = None  # recognizer details put on every finding (product_catalogue …)


C = Case
CASES = [
    # --- medical devices item 2: 10万人以上的群体诊疗…；1万人以上的…生物特征数据 (scoped bands)
    # diagnoses of 20,000 trial subjects: ≥ 1万 but the 1万 band is for biometric data only → item 2 not hit;
    # item 9 (1万人以上且不满5万人的受试者…) is.
    C(
        "dev-2-9-diagnosis-20000-not-the-biometric-band",
        DEV,
        "clinical-trial",
        "trial-subject",
        ("DIAGNOSIS",),
        20_000,
        {9},
        SCC,
    ),
    C("dev-2-4-diagnosis-99999", DEV, "clinical-trial", "trial-subject", ("DIAGNOSIS",), 99_999, {4}, SA),
    C(
        "dev-2-4-diagnosis-100000",
        DEV,
        "clinical-trial",
        "trial-subject",
        ("DIAGNOSIS",),
        100_000,
        {2, 4},
        SA,
    ),
    C("dev-2-biometric-9999", DEV, "clinical-trial", "trial-subject", ("BIOMETRIC",), 9_999, set(), OUT),
    C("dev-2-biometric-10000", DEV, "clinical-trial", "trial-subject", ("BIOMETRIC",), 10_000, {2}, SA),
    # --- pharma item 2: 1万人以上的…生物特征数据，医疗资源数据 — diagnoses are not its data
    C(
        "pharma-2-10-diagnosis-20000",
        PHARMA,
        "clinical-trial",
        "trial-subject",
        ("DIAGNOSIS",),
        20_000,
        {10},
        SCC,
    ),
    C("pharma-2-biometric-10000", PHARMA, "clinical-trial", "trial-subject", ("BIOMETRIC",), 10_000, {2}, SA),
    # --- pharma item 1: 10万人以上的群体诊疗… ; items 5 / 10: 5万人以上 / 1万人以上且不满5万人的受试者
    C(
        "pharma-1-5-diagnosis-99999",
        PHARMA,
        "clinical-trial",
        "trial-subject",
        ("DIAGNOSIS",),
        99_999,
        {5},
        SA,
    ),
    C(
        "pharma-1-5-diagnosis-100000",
        PHARMA,
        "clinical-trial",
        "trial-subject",
        ("DIAGNOSIS",),
        100_000,
        {1, 5},
        SA,
    ),
    C(
        "pharma-10-diagnosis-9999",
        PHARMA,
        "clinical-trial",
        "trial-subject",
        ("DIAGNOSIS",),
        9_999,
        set(),
        OUT,
    ),
    # exclusive scenario (仅限于：药物警戒、产品投诉、医学问询场景) with names the item leaves out → catch-all 9
    C(
        "pharma-6-9-names-excluded-pv",
        PHARMA,
        "pharmacovigilance",
        "patient",
        ("DIAGNOSIS", "CN_PERSON_NAME"),
        20_000,
        {9},
        SA,
    ),
    # --- banking 4 / 9: 1000万人以上 / 100万人以上且不满1000万人的个人客户…的个人信息（不含敏感个人信息）
    C(
        "bank-9-general-9999999",
        BANK,
        "anti-money-laundering",
        "customer",
        CUSTOMER_GENERAL,
        9_999_999,
        {9},
        SCC,
    ),
    C(
        "bank-4-general-10000000",
        BANK,
        "anti-money-laundering",
        "customer",
        CUSTOMER_GENERAL,
        10_000_000,
        {4},
        SA,
    ),
    C(
        "bank-4-general-cumulative",
        BANK,
        "due-diligence",
        "guarantor",
        CUSTOMER_GENERAL,
        4_000_000,
        {4},
        SA,
        prior=6_000_000,
    ),
    C(
        "bank-9-general-999999",
        BANK,
        "cross-border-payment",
        "counterparty",
        CUSTOMER_GENERAL,
        999_999,
        set(),
        OUT,
    ),
    C(
        "bank-9-general-1000000",
        BANK,
        "cross-border-payment",
        "counterparty",
        CUSTOMER_GENERAL,
        1_000_000,
        {9},
        SCC,
    ),
    # --- banking 5 / 10: 100万人以上 / 10万人以上且不满100万人的…敏感个人信息
    C(
        "bank-10-sensitive-99999",
        BANK,
        "credit-management",
        "customer",
        CUSTOMER_SENSITIVE,
        99_999,
        set(),
        OUT,
    ),
    C(
        "bank-10-sensitive-100000",
        BANK,
        "credit-management",
        "customer",
        CUSTOMER_SENSITIVE,
        100_000,
        {10},
        SCC,
    ),
    C(
        "bank-10-sensitive-999999",
        BANK,
        "global-custody",
        "enterprise-customer-person",
        CUSTOMER_SENSITIVE,
        999_999,
        {10},
        SCC,
    ),
    C(
        "bank-5-sensitive-1000000",
        BANK,
        "global-custody",
        "enterprise-customer-person",
        CUSTOMER_SENSITIVE,
        1_000_000,
        {5},
        SA,
    ),
    # --- banking 6 / 7 / 11 / 12: 企业客户内部相关人员、供应商/合作方内部相关人员 in 风险管理…系统运维场景
    C(
        "bank-7-staff-sensitive-100000",
        BANK,
        "risk-management",
        "enterprise-customer-staff",
        ("CN_BANK_ACCOUNT",),
        100_000,
        {7},
        SA,
    ),
    C(
        "bank-12-staff-sensitive-99999",
        BANK,
        "internal-control-compliance",
        "supplier-partner-staff",
        ("CN_BANK_ACCOUNT",),
        99_999,
        {12},
        SCC,
    ),
    C(
        "bank-12-staff-sensitive-9999",
        BANK,
        "system-operations",
        "supplier-partner-staff",
        ("CN_BANK_ACCOUNT",),
        9_999,
        set(),
        OUT,
    ),
    C(
        "bank-6-staff-general-1000000",
        BANK,
        "financial-management",
        "enterprise-customer-staff",
        CUSTOMER_GENERAL,
        1_000_000,
        {6},
        SA,
    ),
    C(
        "bank-11-staff-general-999999",
        BANK,
        "financial-management",
        "enterprise-customer-staff",
        CUSTOMER_GENERAL,
        999_999,
        {11},
        SCC,
    ),
    # 仅限于 scenarios: customer data exported in another scenario falls to the catch-alls 8 / 13
    C(
        "bank-8-customer-sensitive-other-scenario",
        BANK,
        "other",
        "customer",
        CUSTOMER_SENSITIVE,
        200_000,
        {8},
        SA,
    ),
    C(
        "bank-13-customer-sensitive-other-9999",
        BANK,
        "other",
        "customer",
        CUSTOMER_SENSITIVE,
        9_999,
        {13},
        SCC,
    ),
    # subject types: 担保人 are not among items 6/7/11/12's persons → catch-all 8
    C(
        "bank-8-guarantor-in-risk-management",
        BANK,
        "risk-management",
        "guarantor",
        CUSTOMER_SENSITIVE,
        50_000,
        {8},
        SA,
    ),
    C("bank-13-general-100000-no-scenario", BANK, None, None, CUSTOMER_GENERAL, 100_000, {13}, SCC),
    # --- AI training data 3/4/5/7: 音频 / 图像 / 文本 — the modality decides, and a scan cannot tell it
    C(
        "ai-3-4-7-sensitive-60000-modality-unknown",
        AI,
        "model-training",
        None,
        ("BIOMETRIC",),
        60_000,
        set(),
        OUT,
        review={3, 4, 7},
    ),
    C(
        "ai-3-audio-60000-declared",
        AI,
        "model-training",
        None,
        ("BIOMETRIC",),
        60_000,
        {3},
        SA,
        modality="audio",
    ),
    C(
        "ai-4-image-50000-declared",
        AI,
        "algorithm-development",
        None,
        ("BIOMETRIC",),
        50_000,
        {4},
        SA,
        modality="image",
    ),
    C(
        "ai-7-image-49999-declared",
        AI,
        "product-testing",
        None,
        ("BIOMETRIC",),
        49_999,
        {7},
        SCC,
        modality="image",
    ),
    C(
        "ai-7-text-60000-declared",
        AI,
        "model-training",
        None,
        ("CN_RESIDENT_ID",),
        60_000,
        {7},
        SCC,
        modality="text",
    ),
    C(
        "ai-5-text-100000-declared",
        AI,
        "model-training",
        None,
        ("CN_RESIDENT_ID",),
        100_000,
        {5},
        SA,
        modality="text",
    ),
    C(
        "ai-3-4-5-sensitive-100000-modality-unknown",
        AI,
        "model-training",
        None,
        ("CN_RESIDENT_ID", "BIOMETRIC"),
        100_000,
        set(),
        OUT,
        review={3, 4, 5},
    ),
    # 不包括视频等上述未明确列出的其他模态 (note 1): declared video data is outside every item
    C(
        "ai-video-declared-outside",
        AI,
        "model-training",
        None,
        ("BIOMETRIC",),
        60_000,
        set(),
        OUT,
        modality="video",
    ),
    C("ai-7-below-band-9999", AI, "model-training", None, ("BIOMETRIC",), 9_999, set(), OUT),
    # --- automotive 12 / 14: 平面精度不优于10米(不含10米)的车辆行踪轨迹, read literally: coarser than 10 m is the items'
    # sensitive PI; 10 m or finer (10 m itself: 不含10米) is outside it, a candidate for item 1 and still 行踪轨迹
    C(
        "auto-12-trajectory-1113m-10000",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        10_000,
        {12},
        SA,
        precision=1113.2,
        table="vehicle_trips",
    ),
    C(
        "auto-12-trajectory-10.01m-10000",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        10_000,
        {12},
        SA,
        precision=10.01,
        table="vehicle_trips",
    ),
    C(
        "auto-1-12-trajectory-exactly-10m",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        10_000,
        {1, 12},
        SA,
        precision=10.0,
        table="vehicle_trips",
    ),
    C(
        "auto-14-trajectory-1113m-9999",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        9_999,
        {14},
        SCC,
        precision=1113.2,
        table="vehicle_trips",
    ),
    C(
        "auto-1-14-trajectory-0.11m-9999",
        AUTO,
        None,
        None,
        ("GEO_COORDINATE", "VIN"),
        9_999,
        {1, 14},
        SA,
        precision=0.11,
        table="vehicle_trips",
    ),
    # --- civil aviation 4 / 6: 500万人以上 / 50万人以上且不满500万人 in 客户服务…场景; 5 / 7 elsewhere
    C("avia-4-general-5000000", AVIA, "customer-service", None, CUSTOMER_GENERAL, 5_000_000, {4}, SA),
    C("avia-6-general-4999999", AVIA, "customer-service", None, CUSTOMER_GENERAL, 4_999_999, {6}, SCC),
    C("avia-6-general-499999", AVIA, "membership-management", None, CUSTOMER_GENERAL, 499_999, set(), OUT),
    C("avia-5-other-sensitive-10000", AVIA, "other", None, ("CN_RESIDENT_ID",), 10_000, {5}, SA),
    C("avia-7-other-sensitive-9999", AVIA, "other", None, ("CN_RESIDENT_ID",), 9_999, {7}, SCC),
    # --- retail 1 / 4: 1000万人以上 / 100万人以上且不满1000万人的个人消费者会员个人信息; 3 elsewhere
    C(
        "retail-1-member-10000000",
        RETAIL,
        "membership-management",
        "member",
        CUSTOMER_GENERAL,
        10_000_000,
        {1},
        SA,
    ),
    C(
        "retail-4-member-9999999",
        RETAIL,
        "membership-management",
        "member",
        CUSTOMER_GENERAL,
        9_999_999,
        {4},
        SCC,
    ),
    C("retail-3-other-sensitive-10000", RETAIL, "other", None, ("CN_RESIDENT_ID",), 10_000, {3}, SA),
    # --- trade logistics 7 / 10: 200万人以上 / 50万人以上且不满200万人的企业客户联系人、供应商联系人个人基本资料
    C(
        "trade-7-contacts-2000000",
        TRADE,
        "enterprise-customer-delivery",
        "enterprise-contact",
        CUSTOMER_GENERAL,
        2_000_000,
        {7},
        SA,
    ),
    C(
        "trade-10-contacts-1999999",
        TRADE,
        "supplier-management",
        "supplier-contact",
        CUSTOMER_GENERAL,
        1_999_999,
        {10},
        SCC,
    ),
    C(
        "trade-10-contacts-499999",
        TRADE,
        "supplier-management",
        "supplier-contact",
        CUSTOMER_GENERAL,
        499_999,
        set(),
        OUT,
    ),
    # --- Jiangsu 11 / 13: 患者…不包括患者的真实姓名和联系方式 → with real names it falls to catch-all 13 (and 20:
    # the general PI of 100,000 persons — their names — is 10万人以上且不满100万人的个人信息（不含敏感个人信息）);
    # item 1 (一定规模以上…, 10 万人以上的…血液检测…诊疗数据) is met by the lab results of 100,000 persons
    C(
        "js-1-11-13-names-excluded-after-sales",
        JS,
        "device-after-sales",
        "patient",
        ("LAB_RESULT", "CN_PERSON_NAME"),
        100_000,
        {1, 13, 20},
        SA,
    ),
    C(
        "js-11-13-names-excluded-after-sales-99999",
        JS,
        "device-after-sales",
        "patient",
        ("LAB_RESULT", "CN_PERSON_NAME"),
        99_999,
        {13},
        SA,
    ),
    # --- Jiangsu 20: 不满1万人的敏感个人信息 — but a drug *product catalogue* holds no personal information
    C("js-20-medication-records-5000", JS, "other", None, ("MEDICATION", "CN_PERSON_NAME"), 5_000, {20}, SCC),
    C(
        "js-20-product-catalogue-medication",
        JS,
        "other",
        None,
        ("MEDICATION",),
        5_000,
        set(),
        OUT,
        table="products",
        details={"product_catalogue": ["approval_no", "price"]},
    ),
]


def _table(case: Case, rule):
    cols = []
    for e in case.entities:
        ent = entity(e, 1.0, case.precision if e == "GEO_COORDINATE" else None)
        if case.details:
            ent["details"] = dict(case.details)
        cols.append(column(e.lower(), ent))
    t = table(case.table, *cols, rows=case.n)
    t = annotate(t, rule)
    return t


def run(case: Case, catalog):
    """``n`` persons in this export and ``prior`` earlier this year, each carrying every element the table holds."""
    t = _table(case, catalog.reference_rule("jiangsu-2025-reference-rule"))
    return evaluate(
        findings_of(t),
        catalog=catalog,
        lists=[case.lst],
        scenario=case.scenario,
        subject=case.subject,
        persons=persons_of(t, case.n, case.prior),
        modality=case.modality,
    )


def test_at_least_forty_distinct_cases():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_seed_case(real_catalog, case):
    ev = run(case, real_catalog)
    assert {h["item"] for h in ev.hits} == case.items, [h["reason"] for h in ev.hits]
    assert ev.route == case.route
    got_review = {r["item"] for r in ev.manual_review}
    # important-data items a scan cannot decide (banking 1–3 on bank accounts …) may also need review
    assert case.review <= got_review if case.lst != AI else case.review == got_review, got_review
    for h in ev.hits:
        assert h["outcome"] == "hit" and f"item {h['item']}" in h["reason"]
        assert h["source_text"] == real_catalog.negative_list(case.lst).item(h["item"]).source_text
    assert all(r["outcome"] == "needs_review" for r in ev.manual_review)
    assert all(n["outcome"] == "not_hit" for n in ev.not_hit)


def _case(case_id: str) -> Case:
    return next(c for c in CASES if c.id == case_id)


def _why(ev, item: int) -> str:
    return next(x["reason"] for x in [*ev.hits, *ev.not_hit, *ev.manual_review] if x["item"] == item)


def test_scoped_threshold_is_explained(real_catalog):
    ev = run(_case("dev-2-9-diagnosis-20000-not-the-biometric-band"), real_catalog)
    why = _why(ev, 2)
    assert (
        "「1万人以上的特定领域、特定群体、特定区域的生物特征数据」 is for BIOMETRIC" in why
        and "not applied" in why
    )
    assert (
        "20,000 persons with DIAGNOSIS, ICD10_CODE, LAB_RESULT, MEDICAL_RECORD_NO, MEDICATION, SPECIAL_DISEASE: "
        "outside ≥ 100,000" in why
    )
    hit = _by_item(run(_case("dev-2-biometric-10000"), real_catalog))[2]
    assert "10,000 persons with BIOMETRIC: within ≥ 10,000 (for 「涉及1万人的生物特征数据" in hit["reason"]


def _by_item(ev):
    return {h["item"]: h for h in ev.hits}


def test_modality_review_says_why(real_catalog):
    ev = run(_case("ai-3-4-7-sensitive-60000-modality-unknown"), real_catalog)
    r = {x["item"]: x for x in ev.manual_review}
    assert r[3]["review"] == "modality" and r[3]["route"] == SA
    assert "the item is for audio data and a column scan cannot tell" in r[3]["reason"]
    assert "declare the modality" in r[3]["reason"]
    assert (
        "for text data" in r[7]["reason"]
    )  # 60,000 meets only the text band (1万人以上且不满10万人…文本数据)
    assert ev.to_dict()["manual_review"] == ev.manual_review


def test_trajectory_reason_names_the_measured_precision(real_catalog):
    h = _by_item(run(_case("auto-12-trajectory-10.01m-10000"), real_catalog))[12]
    assert (
        "resolve to ~10.01 m (coarser than 10 m): the item's 「平面精度不优于10米(不含10米)的车辆行踪轨迹」"
        in h["reason"]
    )
    assert "counsel to confirm" in h["reason"]
    ev = run(_case("auto-1-12-trajectory-exactly-10m"), real_catalog)
    assert (
        "resolve to ~10 m (10 m or finer): outside the item's 「平面精度不优于10米(不含10米)的车辆行踪轨迹」"
        in _by_item(ev)[12]["reason"]
    )
    assert "candidate important data for a person to confirm" in _by_item(ev)[1]["reason"]
