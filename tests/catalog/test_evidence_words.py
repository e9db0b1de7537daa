"""A reason reads in seconds: evidence grouped by table, entity type and sub-category; the detail stays in JSON.

Item 21 of the Jiangsu biopharma list (「遗传信息、达到国家有关部门规定的规模或者精度的基因数据」) over a table
of 40 variant columns used to repeat "sub-category 27 遗传资源 in gene_variant_calls.X" forty times.
"""

from __future__ import annotations

from catalog import PersonCounts, evaluate
from catalog.evidence import COLUMNS_SHOWN
from tests.catalog.builders import annotate, column, entity, findings_of, table

JS = "jiangsu-2025-biopharma"


def _gene_export(real_catalog, n_columns: int):
    cols = [column(f"variant_{i:02d}", entity("GENETIC_VARIANT", 0.9)) for i in range(n_columns)]
    t = table("gene_variant_calls", column("sample_name", entity("CN_PERSON_NAME")), *cols, rows=500)
    t = annotate(t, real_catalog.reference_rule("jiangsu-2025-reference-rule"))
    return evaluate(
        findings_of(t),
        catalog=real_catalog,
        lists=[JS],
        scenario="drug-rd",
        subject="trial-subject",
        persons=PersonCounts({frozenset({"CN_PERSON_NAME", "GENETIC_VARIANT"}): 500}),
    )


def test_gene_evidence_is_grouped_per_table_and_sub_category(real_catalog):
    ev = _gene_export(real_catalog, 40)
    (h,) = [h for h in ev.hits if h["item"] == 21]
    assert h["reason"].count("sub-category 27 遗传资源") == 1 and h["reason"].count("GENETIC_VARIANT") == 1
    assert h["reason"].count("gene_variant_calls") == 1
    assert f"and {40 - COLUMNS_SHOWN} more" in h["reason"] and len(h["reason"]) < 900
    assert "gene_variant_calls: GENETIC_VARIANT in variant_00 (90%), variant_01 (90%)" in h["reason"]
    # the JSON keeps every finding
    kinds = [(e["kind"], e.get("type") or e.get("code"), e["column"]) for e in h["evidence"]]
    assert len([k for k in kinds if k[:2] == ("entity", "GENETIC_VARIANT")]) == 40
    assert len([k for k in kinds if k[:2] == ("category", "27")]) == 40
    assert {e["table"] for e in h["evidence"]} == {"gene_variant_calls"}
