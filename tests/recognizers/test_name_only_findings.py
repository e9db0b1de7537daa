"""Findings the column name alone makes: labelled ``name_only``, overruled by values, never sensitive by themselves."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from catalog import load_catalog
from catalog.mapping import annotate_table
from recognizers.engine import ColumnMeta, analyze_table
from scanner.models import ColumnResult, TableResult
from tests.recognizers.id_samples import resident_id

TITLES = [
    "Cholera",
    "Typhoid fever",
    "Tuberculosis",
    "Measles",
    "Essential hypertension",
    "Plague",
    "Malaria",
]


def _findings(table: pa.Table, comments: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    metas = [ColumnMeta(f.name, str(f.type), (comments or {}).get(f.name)) for f in table.schema]
    found = analyze_table(table, metas, table_name="t")
    return {col: {f.type: f for f in fs} for col, fs in found.items()}


def _annotated(table: pa.Table) -> dict[str, dict]:
    """The report columns of ``table`` after the catalogue classified them (as ``chujing scan`` builds them)."""
    found = analyze_table(table, table_name="t")
    cols = [
        ColumnResult(
            name,
            str(table.schema.field(name).type),
            table.num_rows - table.column(name).null_count,
            entities=found[name],
        )
        for name in table.column_names
    ]
    scanned = TableResult(source="t.parquet", table="t", columns=cols).to_model()
    doc = annotate_table(scanned, load_catalog().reference_rule("jiangsu-2025-reference-rule"))
    return {c["name"]: c for c in doc.model_dump(exclude_unset=True)["columns"]}


@pytest.mark.parametrize("typ", [pa.binary(), pa.large_binary()])
def test_english_disease_titles_under_an_icd_name_are_not_icd_codes(typ):
    """Titles a driver hands over as bytes (VARBINARY, binary collation) are read as the text they are."""
    table = pa.table({"std_icd10": pa.array([t.encode() for t in TITLES * 3], typ)})
    found = _findings(table)["std_icd10"]
    assert "ICD10_CODE" not in found and "SPECIAL_DISEASE" not in found
    assert all(f.basis == "values" for f in found.values())


def test_allele_freq_floats_make_no_genetic_finding_and_no_sensitive_column():
    table = pa.table({"allele_freq": [0.12, 0.5, 0.33, 0.01, 0.9] * 4})
    assert _findings(table)["allele_freq"] == {}
    col = _annotated(table)["allele_freq"]
    assert col["entities"] == [] and col["pi_class"] is None


def test_an_all_null_sfzh_column_keeps_a_labelled_name_only_finding():
    table = pa.table({"sfzh": pa.array([None] * 10, pa.string())})
    f = _findings(table)["sfzh"]["CN_RESIDENT_ID"]
    assert f.basis == "name_only" and f.to_dict()["basis"] == "name_only"
    assert f.match_ratio == 0 and "no sampled value is non-null" in f.explanation
    assert _annotated(table)["sfzh"]["pi_class"] == "sensitive"  # the name is all there is


def test_a_valid_id_column_is_found_from_its_values():
    rng = random.Random(7)
    table = pa.table({"sfzh": [resident_id(rng) for _ in range(20)]})
    f = _findings(table)["sfzh"]["CN_RESIDENT_ID"]
    assert f.basis == "values" and f.to_dict()["basis"] == "values" and f.match_ratio == 1.0


def test_a_name_only_finding_over_unreadable_values_is_labelled_and_never_sensitive():
    """Ciphertext blobs under ``sfzh``: the name is reported as a guess, which cannot make the column sensitive."""
    blobs = pa.array([bytes([0, 159, i, 7]) for i in range(12)], pa.binary())
    table = pa.table({"sfzh": blobs})
    assert _findings(table)["sfzh"]["CN_RESIDENT_ID"].basis == "name_only"
    col = _annotated(table)["sfzh"]
    assert [e["basis"] for e in col["entities"]] == ["name_only"]
    assert col["pi_class"] == "general" and "named only" in col["pi_basis"]
