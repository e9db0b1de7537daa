"""Mapping: PI classes, reference-rule sub-categories with reasons, the precision rule, and judge_scan."""

from __future__ import annotations

import copy
import json

import pytest

from catalog import judge_scan
from catalog.mapping import load_mapping, resolve_category
from catalog.report import Source
from catalog.vocabulary import canonical_vocabulary
from tests.catalog.builders import annotate, as_table, column, entity, report, table

JS = "jiangsu-2025-reference-rule"


def _annotate(real_catalog, t, rule=JS):
    t = annotate(t, real_catalog.reference_rule(rule)).model_dump(by_alias=True, exclude_unset=True)
    return {c["name"]: c for c in t["columns"]}


def _codes(col):
    return [c["code"] for c in col["categories"]]


def test_mapping_covers_every_entity_of_the_vocabulary():
    m = load_mapping()
    assert set(m.pi_class) == set(canonical_vocabulary().entities)
    every = (
        {e for r in m.rules for e in r.entities}
        | set(m.vehicle_context.entities)
        | set(m.accounts_or_diagnosis_entities)
        | set(m.important_data_entities)
    )
    assert every <= set(canonical_vocabulary().entities)


@pytest.mark.parametrize("rule_id", [JS, "shanghai-reference-rule"])
def test_category_keys_resolve_to_the_named_subcategory_in_each_rule(real_catalog, rule_id):
    rule = real_catalog.reference_rule(rule_id)
    got = {
        k: (resolve_category(k, rule).code, resolve_category(k, rule).name) for k in load_mapping().categories
    }
    assert got == {
        "geographic-information": ("3", "地理信息"),
        "connected-vehicles": ("16", "智能网联汽车"),
        "banking": ("22", "银行"),
        "genetic-resources": ("27", "遗传资源"),
        "health-medical": ("28", "健康医疗"),
    }


@pytest.mark.parametrize(
    ("etype", "expected"),
    [
        ("CN_RESIDENT_ID", "sensitive"),
        ("CN_PASSPORT", "sensitive"),
        ("CN_HMT_PERMIT", "sensitive"),
        ("CN_FOREIGNER_PR", "sensitive"),
        ("CN_DRIVER_FILE_NO", "sensitive"),
        ("CN_BANK_CARD", "sensitive"),
        ("CN_BANK_ACCOUNT", "sensitive"),
        ("CREDENTIAL", "sensitive"),
        ("BIOMETRIC", "sensitive"),
        ("DNA_SEQUENCE", "sensitive"),
        ("GENETIC_VARIANT", "sensitive"),
        ("DIAGNOSIS", "sensitive"),
        ("ICD10_CODE", "sensitive"),
        ("SPECIAL_DISEASE", "sensitive"),
        ("MEDICATION", "sensitive"),
        ("LAB_RESULT", "sensitive"),
        ("MEDICAL_RECORD_NO", "sensitive"),
        ("RELIGION", "sensitive"),
        ("MINOR_UNDER_14", "sensitive"),
        ("ETHNICITY", "general"),
        ("CN_PERSON_NAME", "general"),
        ("CN_MOBILE", "general"),
        ("CN_LANDLINE", "general"),
        ("EMAIL", "general"),
        ("CN_ADDRESS", "general"),
        ("DATE_OF_BIRTH", "general"),
        ("AGE", "general"),
        ("GENDER", "general"),
        ("IP_ADDRESS", "general"),
        ("MAC_ADDRESS", "general"),
        ("IMEI", "general"),
        ("IMSI", "general"),
        ("ICCID", "general"),
        ("MSISDN", "general"),
        ("CN_LICENSE_PLATE", "general"),
        ("VIN", "general"),
        ("CN_USCC", None),
    ],
)
def test_pi_class_per_entity(real_catalog, etype, expected):
    cols = _annotate(real_catalog, table("people", column("c", entity(etype))))
    assert cols["c"]["pi_class"] == expected
    assert (cols["c"]["pi_basis"] is None) == (expected is None)


def test_pi_basis_cites_the_standard(real_catalog):
    cols = _annotate(
        real_catalog,
        table(
            "t",
            column("id", entity("CN_RESIDENT_ID")),
            column("eth", entity("ETHNICITY")),
            column("rel", entity("RELIGION")),
        ),
    )
    assert "35273-B.2" in cols["id"]["pi_basis"] and "PIPL-28" in cols["id"]["pi_basis"]
    assert "35273-B.1" in cols["eth"]["pi_basis"]
    assert "宗教信仰" in cols["rel"]["pi_basis"]


def test_columns_without_entities_keep_null_and_no_categories(real_catalog):
    cols = _annotate(real_catalog, table("t", column("free"), column("dx", entity("DIAGNOSIS"))))
    assert (
        cols["free"]["pi_class"] is None
        and cols["free"]["categories"] == []
        and cols["free"]["pi_basis"] is None
    )


def test_sensitive_wins_within_a_column(real_catalog):
    cols = _annotate(
        real_catalog, table("t", column("note", entity("CN_PERSON_NAME"), entity("CN_RESIDENT_ID", 0.1)))
    )
    assert cols["note"]["pi_class"] == "sensitive"
    assert [e["pi_class"] for e in cols["note"]["entities"]] == ["general", "sensitive"]


def test_minor_under_14_makes_the_whole_table_sensitive(real_catalog):
    cols = _annotate(
        real_catalog,
        table(
            "kids",
            column("name", entity("CN_PERSON_NAME")),
            column("dob", entity("DATE_OF_BIRTH"), entity("MINOR_UNDER_14", 0.3)),
        ),
    )
    assert cols["name"]["pi_class"] == "sensitive" and cols["dob"]["pi_class"] == "sensitive"
    assert "minors under 14" in cols["name"]["pi_basis"]


def test_genetic_data_is_27_with_reason(real_catalog):
    cols = _annotate(
        real_catalog,
        table(
            "variants",
            column("v", entity("GENETIC_VARIANT", 0.98)),
            column("gene", entity("GENE_SYMBOL", 0.9)),
        ),
    )
    (cat,) = cols["v"]["categories"]
    assert cat == {
        "rule": JS,
        "level": 2,
        "code": "27",
        "name": "遗传资源",
        "name_en": "Genetic resources",
        "reason": "GENETIC_VARIANT in 98% of sampled values",
    }
    assert _codes(cols["gene"]) == ["27"]
    assert cols["gene"]["categories"][0]["reason"] == (
        "GENE_SYMBOL in 90% of sampled values, beside GENETIC_VARIANT in the same table"
    )
    assert cols["gene"]["pi_class"] == "sensitive"


def test_gene_symbol_alone_is_no_pi_and_no_category(real_catalog):
    cols = _annotate(real_catalog, table("gene_list", column("symbol", entity("GENE_SYMBOL"))))
    assert cols["symbol"]["pi_class"] is None and cols["symbol"]["categories"] == []


def test_health_entities_are_28(real_catalog):
    t = table(
        "emr",
        *(
            column(e.lower(), entity(e, 0.5))
            for e in (
                "DIAGNOSIS",
                "ICD10_CODE",
                "LAB_RESULT",
                "SPECIAL_DISEASE",
                "MEDICATION",
                "MEDICAL_RECORD_NO",
            )
        ),
    )
    for c in _annotate(real_catalog, t).values():
        assert _codes(c) == ["28"] and c["categories"][0]["name"] == "健康医疗"
        assert c["categories"][0]["reason"].endswith("in 50% of sampled values")


def test_bank_cards_are_banking(real_catalog):
    cols = _annotate(
        real_catalog,
        table("payments", column("card", entity("CN_BANK_CARD")), column("acct", entity("CN_BANK_ACCOUNT"))),
    )
    assert _codes(cols["card"]) == ["22"] and _codes(cols["acct"]) == ["22"]
    assert cols["card"]["categories"][0]["name"] == "银行"


def test_precision_six_decimals_is_sensitive_geographic_two_decimals_is_not(real_catalog):
    # 6 decimals of a degree ≈ 0.11 m: high-precision, a candidate for a person to confirm; 2 decimals ≈ 1.1 km
    cols = _annotate(
        real_catalog,
        table(
            "stores",
            column("lat6", entity("GEO_COORDINATE", 1.0, 0.111)),
            column("lat2", entity("GEO_COORDINATE", 1.0, 1113.2)),
        ),
    )
    assert cols["lat6"]["pi_class"] == "sensitive" and _codes(cols["lat6"]) == ["3"]
    assert cols["lat6"]["categories"][0]["reason"] == (
        "GEO_COORDINATE resolves to 0.11 m (10 m or finer, precision_m measured) in 100% of sampled values; "
        "candidate important data for a person to confirm (high-precision positions, ~0.11 m; no trajectory "
        "profile: vehicles and area not measured)"
    )
    assert cols["lat2"]["pi_class"] == "general" and cols["lat2"]["categories"] == []
    assert "1,113.2 m (coarser than 10 m)" in cols["lat2"]["pi_basis"]
    # the vehicle lists' reading is named where a coarse track is general PI only outside their items 12/14
    assert "平面精度不优于10米(不含10米)的车辆行踪轨迹" in cols["lat2"]["pi_basis"]


def test_precision_boundary_10_m_is_fine(real_catalog):
    """「平面精度不优于10米(不含10米)」 leaves 10 m itself out of the coarse tracks: 10 m is high-precision."""
    cols = _annotate(
        real_catalog,
        table(
            "t",
            column("a", entity("GEO_COORDINATE", 1.0, 10.0)),
            column("b", entity("GEO_COORDINATE", 1.0, 10.01)),
        ),
    )
    assert cols["a"]["pi_class"] == "sensitive" and _codes(cols["a"]) == ["3"]
    assert cols["b"]["pi_class"] == "general" and cols["b"]["categories"] == []


def test_unmeasured_precision_is_treated_as_precise(real_catalog):
    cols = _annotate(real_catalog, table("t", column("pos", entity("GEO_COORDINATE", 1.0, None))))
    assert cols["pos"]["pi_class"] == "sensitive" and _codes(cols["pos"]) == ["3"]
    assert "precision not measured" in cols["pos"]["categories"][0]["reason"]


@pytest.mark.parametrize(
    ("tname", "cols", "why"),
    [
        ("positions", [column("vin", entity("VIN"))], "VIN in column 'vin' of the same table"),
        ("positions", [column("plate", entity("CN_LICENSE_PLATE"))], "CN_LICENSE_PLATE in column 'plate'"),
        ("vehicle_positions", [], "table name 'vehicle_positions' mentions 'vehicle'"),
        ("fleetTelematics", [], "table name 'fleetTelematics' mentions 'fleet'"),
        ("车辆轨迹", [], "table name '车辆轨迹' mentions '车辆'"),
        ("positions", [column("van_id")], "column 'van_id' mentions 'van'"),
    ],
)
def test_precise_coordinates_with_vehicle_context_are_also_16(real_catalog, tname, cols, why):
    t = table(tname, column("lat", entity("GEO_COORDINATE", 1.0, 1.1)), *cols)
    lat = _annotate(real_catalog, t)["lat"]
    assert _codes(lat) == ["3", "16"]
    reason = lat["categories"][1]["reason"]
    assert (
        reason.startswith("GEO_COORDINATE resolves to 1.1 m (10 m or finer, precision_m measured)")
        and why in reason
    )
    assert "candidate important data for a person to confirm" in reason


@pytest.mark.parametrize("tname", ["positions", "advance_payments", "relevant_sites", "shopping_cart"])
def test_no_vehicle_context_without_vehicle_words(real_catalog, tname):
    lat = _annotate(real_catalog, table(tname, column("lat", entity("GEO_COORDINATE", 1.0, 1.1))))["lat"]
    assert _codes(lat) == ["3"]


def test_coarse_coordinates_in_a_vehicle_table_are_not_16(real_catalog):
    lat = _annotate(
        real_catalog,
        table("vehicles", column("lat", entity("GEO_COORDINATE", 1.0, 1113.0)), column("vin", entity("VIN"))),
    )["lat"]
    assert lat["categories"] == [] and lat["pi_class"] == "general"


def test_shanghai_rule_is_applied_by_its_own_names(real_catalog):
    cols = _annotate(
        real_catalog, table("t", column("dx", entity("DIAGNOSIS"))), rule="shanghai-reference-rule"
    )
    assert cols["dx"]["categories"][0]["rule"] == "shanghai-reference-rule"
    assert cols["dx"]["categories"][0]["name"] == "健康医疗"


# --- judge_scan -------------------------------------------------------------------------------------


def _scan():
    return report(
        table(
            "patients",
            column("name", entity("CN_PERSON_NAME")),
            column("dx", entity("DIAGNOSIS", 0.9)),
            column("memo"),
            rows=120_000,
        ),
        table("contacts", column("mobile", entity("CN_MOBILE")), rows=300_000),
        table("broken", rows=None) | {"status": "error", "error": "permission denied"},
    )


def annotate_report(doc, *, catalog, **asked):
    """The judgement of a scan document's tables, as the report's keys (typed results dumped for asserting)."""
    sources = [
        Source.model_validate({**s, "tables_found": 1, "tables_selected": 1, "skipped": []})
        for s in doc["sources"]
    ]
    j = judge_scan([as_table(t) for t in doc["tables"]], sources, catalog=catalog, **asked)
    out = {
        "tables": [t.model_dump(by_alias=True, exclude_unset=True) for t in j.tables],
        "catalog": j.catalog.model_dump(by_alias=True),
        "important_data": j.important_data.model_dump(by_alias=True),
        "persons": j.persons.model_dump(),
    }
    if j.list_items is not None:
        out["list_items"] = j.list_items.model_dump(by_alias=True)
    return out


def test_annotate_report_fills_columns_and_records_texts(real_catalog):
    r = annotate_report(_scan(), catalog=real_catalog)
    cols = {c["name"]: c for c in r["tables"][0]["columns"]}
    assert cols["dx"]["pi_class"] == "sensitive" and _codes(cols["dx"]) == ["28"]
    assert cols["memo"]["pi_class"] is None and cols["memo"]["categories"] == []
    rule = real_catalog.get(JS)
    assert r["catalog"] == {
        "reference_rule": {"id": JS, "version": rule.version, "sha256": rule.sha256, "source": "built-in"},
        "lists": [],
    }
    assert "list_items" not in r
    assert r["important_data"]["status"] == "candidate"  # 120,000 persons' sensitive PI with diagnosis data


def test_annotate_report_with_lists_estimates_persons_from_row_counts(real_catalog):
    r = annotate_report(
        _scan(),
        catalog=real_catalog,
        lists=["jiangsu-2025-biopharma"],
        scenario="pharmacovigilance",
        subject="patient",
    )
    li = r["list_items"]
    assert li["persons_basis"] == "row_count_upper_bound"
    # the bound adds the tables' rows (120,000 patients + 300,000 contacts): no more persons than rows
    assert li["persons"]["any"]["total"] == 420_000 and li["persons"]["sensitive"]["total"] == 120_000
    assert li["persons"]["general"]["total"] == 420_000
    assert r["catalog"]["lists"][0]["id"] == "jiangsu-2025-biopharma"
    assert len(r["catalog"]["lists"][0]["sha256"]) == 64
    # patients' real names: item 8's relief does not cover the data; the catch-all item 13 does
    assert {h["item"] for h in li["items"]} >= {13} and li["route"] == "security_assessment"
    assert li["exit_status"] == 20
    json.dumps(r, ensure_ascii=False)  # the report stays JSON


def test_annotate_report_is_idempotent(real_catalog):
    once = annotate_report(_scan(), catalog=real_catalog, lists=["jiangsu-2025-biopharma"], scenario="other")
    scan = {**_scan(), "tables": once["tables"]}  # the tables as judged: a carried-over table is judged again
    twice = annotate_report(
        copy.deepcopy(scan), catalog=real_catalog, lists=["jiangsu-2025-biopharma"], scenario="other"
    )
    assert twice == once
    again = annotate_report(copy.deepcopy(scan), catalog=real_catalog)
    assert "list_items" not in again and again["catalog"]["lists"] == []


def test_annotate_report_refuses_unknown_ids_before_touching_the_report(real_catalog):
    r = _scan()
    before = copy.deepcopy(r)
    with pytest.raises(Exception, match="unknown catalogue id 'nope'"):
        annotate_report(r, catalog=real_catalog, lists=["nope"])
    assert r == before
