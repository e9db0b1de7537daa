"""Every entity type a recognizer can report is classified: the registry, the vocabulary, the mapping and the
column lexicon agree, and a recognizer file's own types get the class the file declares (general PI otherwise)."""

from __future__ import annotations

import pyarrow as pa
from stdnum import luhn

from catalog import load_catalog
from catalog.findings import PersonQuery, element_class, signature_matches, table_signature
from catalog.mapping import annotate_table, load_mapping
from catalog.report import Table
from catalog.vocabulary import canonical_vocabulary
from recognizers import analyze_table, load_registry
from recognizers.columns import entity_words
from recognizers.registry import builtin_registry
from scanner.models import ColumnResult, TableResult
from tests.recognizers import docs_examples


def test_every_builtin_entity_is_named_classified_and_has_column_words():
    reported = set(builtin_registry().entity_types())
    vocabulary = set(canonical_vocabulary().entities)
    classified = set(load_mapping().pi_class)
    lexicon = set(entity_words())
    assert reported - vocabulary == set(), "reported but not in catalog/data/vocabulary.yaml"
    assert reported - classified == set(), "reported but not classified in catalog/data/mapping.yaml"
    assert reported - lexicon == set(), "reported but without words in recognizers/data/column_lexicon.tsv"
    assert lexicon - reported == set(), "column words for a type no recognizer reports"
    assert classified - vocabulary == set(), "classified but not in the vocabulary"


def _report_table(found: dict) -> Table:
    """The findings as the scanner hands them to the catalogue."""
    columns = [ColumnResult(col, "string", 60, entities=fs) for col, fs in found.items()]
    return TableResult(source="t.parquet", table="t", columns=columns).to_model()


def test_the_types_of_a_recognizer_file_are_classed_as_it_declares(tmp_path):
    path = docs_examples.write_recognizer_file(tmp_path)
    extra = tmp_path / "undeclared.yaml"
    extra.write_text(
        "recognizers:\n  - {name: Staff, supported_entity: STAFF_NO, "
        "patterns: [{name: p, regex: 'S\\d{6}', score: 0.6}]}\n",
        encoding="utf-8",
    )
    registry = load_registry(files=[path, extra], plugins=False)
    mapping, rule = load_mapping(), load_catalog().reference_rule("jiangsu-2025-reference-rule")
    user_types = set(registry.entity_types()) - set(builtin_registry().entity_types())
    assert user_types == {"EMPLOYEE_ID", "PATIENT_CARD_NO", "STAFF_NO"}
    assert not user_types & set(mapping.pi_class)  # unknown to the catalogue: the file decides
    cards = [(b := f"{n:011d}") + luhn.calc_check_digit(b) for n in range(41000, 41060)]
    found = analyze_table(
        pa.table(
            {
                "gonghao": [f"EMP-{n:06d}" for n in range(60)],
                "jzkh": cards,
                "staff": [f"S{n:06d}" for n in range(60)],
            }
        ),
        registry=registry,
    )
    table = _report_table(found)
    table = annotate_table(table, rule, mapping)
    cols = {c["name"]: c for c in table.model_dump(exclude_unset=True)["columns"]}
    assert cols["gonghao"]["pi_class"] == "general"
    assert (
        "EMPLOYEE_ID: not classified in mapping.yaml; general PI as its recognizer declares"
        in cols["gonghao"]["pi_basis"]
    )
    assert cols["jzkh"]["pi_class"] == "sensitive"
    assert (
        "PATIENT_CARD_NO: not classified in mapping.yaml; sensitive PI as its recognizer declares"
        in cols["jzkh"]["pi_basis"]
    )
    assert cols["staff"]["pi_class"] == "general"
    assert "STAFF_NO: not classified in mapping.yaml; treated as general PI" in cols["staff"]["pi_basis"]
    # persons: a type the file declares sensitive counts its persons as sensitive
    sig = table_signature(table)
    assert {"EMPLOYEE_ID:general", "PATIENT_CARD_NO:sensitive", "STAFF_NO:general"} <= sig
    assert element_class("PATIENT_CARD_NO:sensitive") == "sensitive"
    assert signature_matches(frozenset({"PATIENT_CARD_NO:sensitive"}), PersonQuery("sensitive"))
    assert not signature_matches(frozenset({"STAFF_NO:general"}), PersonQuery("sensitive"))
