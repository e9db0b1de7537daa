"""docs/recognizers.md stays true: its examples run, its error lines are the loader's, its tables are complete."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from stdnum import luhn

from recognizers import RecognizerError, analyze_table, load_registry
from recognizers.recognizer_files import RecognizerEntry
from recognizers.validators import VALIDATORS
from tests.recognizers import docs_examples


def test_the_example_file_recognizes_its_columns(tmp_path):
    registry = load_registry(files=[docs_examples.write_recognizer_file(tmp_path)], plugins=False)
    cards = [(b := f"{n:011d}") + luhn.calc_check_digit(b) for n in range(41000, 41060)]
    found = analyze_table(
        pa.table({"ygh": [f"EMP{n:06d}" for n in range(60)], "jzkh": cards}), registry=registry
    )
    top = {col: found[col][0] for col in ("ygh", "jzkh")}  # the strongest finding of each column
    assert (top["ygh"].type, top["ygh"].details["declared_pi_class"]) == ("EMPLOYEE_ID", "general")
    assert (top["jzkh"].type, top["jzkh"].details["declared_pi_class"]) == ("PATIENT_CARD_NO", "sensitive")
    text = "患者就诊卡号 " + cards[0] + "，工号 EMP-004211。"
    spans = {s.entity: s for rec in registry.value_recognizers for s in rec.find_spans(text)}
    assert spans["PATIENT_CARD_NO"].details["context"] == ["就诊卡", "就诊卡号"]
    assert spans["EMPLOYEE_ID"].text == "EMP-004211"


def test_the_error_lines_shown_are_the_loaders(tmp_path):
    shown = [
        line.removeprefix("error: ")
        for b in docs_examples.fenced("text")
        for line in b.splitlines()
        if line.startswith("error: team-recognizers.yaml")
    ]
    assert len(shown) == 2
    example = docs_examples.recognizer_file()
    broken = example.replace("score: 0.6", "score: 1.6").replace("pi_class: sensitive", "pi_clas: sensitive")
    path = tmp_path / "team-recognizers.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(RecognizerError) as exc:
        load_registry(files=[path], plugins=False)
    assert [p.replace(str(path), "team-recognizers.yaml") for p in exc.value.problems] == shown


def test_every_validator_and_every_key_is_documented():
    page = docs_examples.DOC.read_text(encoding="utf-8")
    table = page[page.index("| `validator` | check |") :]
    documented = set(re.findall(r"`([a-z0-9-]+)`", table[: table.index("\n\n")]))
    assert set(VALIDATORS) <= documented
    keys = set(RecognizerEntry.model_fields) - {"predefined_options"}
    assert {k for k in keys if f"`{k}`" not in page} == set()
