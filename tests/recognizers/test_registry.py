"""The registry: built-ins registered like a package, installed packages through entry points, and listing."""

from __future__ import annotations

import json
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pyarrow as pa
import pytest
from stdnum import luhn

from recognizers import (
    EntitySpec,
    RecognizerError,
    RecognizerPack,
    Registry,
    TableRecognizerProtocol,
    ValueRecognizerProtocol,
    analyze_table,
    default_registry,
    list_recognizers,
    load_registry,
)
from recognizers.builtin import TABLE_RECOGNIZERS, VALUE_RECOGNIZERS
from recognizers.registry import ENTRY_POINT_GROUP, builtin_registry, entry_point_packs, load_provider
from tests.recognizers import docs_examples

PROVIDERS = """
from recognizers import EntitySpec, RecognizerPack
from recognizers.identity import ResidentIdRecognizer


def good():
    return RecognizerPack(name="good", value_recognizers=(ResidentIdRecognizer(),),
                          entities=(EntitySpec("CN_RESIDENT_ID", "general"),), builtin=True)


def not_a_pack():
    return [ResidentIdRecognizer()]


def broken():
    raise RuntimeError("no licence file")


def wrong_members():
    return RecognizerPack(name="wrong", value_recognizers=(object(),), table_recognizers=(ResidentIdRecognizer(),))


CONSTANT = 3
"""


@pytest.fixture
def providers(tmp_path, monkeypatch):
    (tmp_path / "chujing_test_providers.py").write_text(PROVIDERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "chujing_test_providers"
    sys.modules.pop("chujing_test_providers", None)


def _ep(value: str) -> EntryPoint:
    return EntryPoint(name="test", value=value, group=ENTRY_POINT_GROUP)


def test_builtins_keep_the_family_order():
    """The order recognizers are tried decides ties between findings of one type: it must not move."""
    reg = builtin_registry()
    assert [type(r) for r in reg.value_recognizers] == list(VALUE_RECOGNIZERS)
    assert [type(r) for r in reg.table_recognizers] == list(TABLE_RECOGNIZERS)
    assert [r.name for r in reg.value_recognizers[:3]] == [
        "ResidentIdRecognizer",
        "HmtResidencePermitRecognizer",
        "HkMacaoPermitRecognizer",
    ]
    assert reg.packs[0].builtin and reg.packs[0].source == "built-in" and reg.user_packs() == ()


def test_every_builtin_satisfies_the_protocols_and_declares_its_entities():
    reg = builtin_registry()
    assert all(isinstance(r, ValueRecognizerProtocol) for r in reg.value_recognizers)
    assert all(isinstance(t, TableRecognizerProtocol) for t in reg.table_recognizers)
    declared = {e for t in reg.table_recognizers for e in t.entities}
    assert {"MINOR_UNDER_14", "BIOMETRIC", "DATE_OF_BIRTH", "GEO_COORDINATE", "GENETIC_VARIANT"} <= declared
    assert "MINOR_UNDER_14" in reg.entity_types()  # reported by a table recognizer only


def test_a_provider_is_checked(providers):
    pack = load_provider(_ep(f"{providers}:good"), "entry point test")
    assert pack.source == "entry point test" and not pack.builtin  # only chujing's own pack is built-in
    cases = {
        "not_a_pack": "returned a list, not a recognizers.packs.RecognizerPack",
        "broken": "failed: RuntimeError: no licence file",
        "CONSTANT": "names a int, not a function returning a RecognizerPack",
        "absent": "cannot be loaded: AttributeError",
    }
    for attr, message in cases.items():
        with pytest.raises(RecognizerError) as exc:
            load_provider(_ep(f"{providers}:{attr}"), "entry point test")
        assert exc.value.problems[0].startswith(f"entry point test: {message}"), exc.value.problems
    with pytest.raises(RecognizerError) as exc:
        load_provider(_ep(f"{providers}:wrong_members"), "entry point test")
    assert exc.value.problems == [
        "entry point test: object is not a value recognizer (see recognizers.protocols.ValueRecognizerProtocol)",
        "entry point test: ResidentIdRecognizer is not a table recognizer "
        "(see recognizers.protocols.TableRecognizerProtocol)",
    ]


def test_packs_may_not_class_one_entity_two_ways():
    a = RecognizerPack(name="a", entities=(EntitySpec("STAFF_NO", "general"),), source="a")
    b = RecognizerPack(name="b", entities=(EntitySpec("STAFF_NO", "sensitive"),), source="b")
    with pytest.raises(RecognizerError) as exc:
        Registry((a,)).extended([b])
    assert exc.value.problems == ["b: STAFF_NO: pi_class sensitive contradicts general in a"]
    assert Registry((a,)).extended([a]).declared_classes == {"STAFF_NO": "general"}


@pytest.fixture
def acme_installed(tmp_path, monkeypatch):
    """The docs' example package, installed: its module and a dist-info declaring the entry point."""
    (tmp_path / "acme_pii.py").write_text(docs_examples.package_module(), encoding="utf-8")
    info = tmp_path / "acme_pii-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-pii\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nacme = acme_pii:recognizers\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    default_registry.cache_clear()
    yield
    sys.modules.pop("acme_pii", None)
    default_registry.cache_clear()


def test_an_installed_package_is_found_through_its_entry_point(acme_installed):
    packs = entry_point_packs()
    assert [(p.name, p.source) for p in packs] == [("acme-pii", "entry point acme = acme_pii:recognizers")]
    reg = default_registry()
    assert reg.packs[0].builtin and reg.packs[1].name == "acme-pii"
    members = [f"AM{body}{luhn.calc_check_digit(body)}" for body in ("12345678", "00000001", "55500012")] * 20
    # the default registry: installed packages included
    found = analyze_table(pa.table({"member_no": members}))
    acme = [f for f in found["member_no"] if f.type == "ACME_MEMBER_NO"]
    assert acme and acme[0].details["declared_pi_class"] == "general" and acme[0].evidence[0].startswith("AM")
    rows = [r for r in list_recognizers() if r["pack"] == "acme-pii"]
    assert rows == [
        {
            "name": "MemberNumberRecognizer",
            "kind": "value",
            "entities": ["ACME_MEMBER_NO"],
            "pack": "acme-pii",
            "source": "entry point acme = acme_pii:recognizers",
            "builtin": False,
            "pi_class": "general",
            "summary": "ACME_MEMBER_NO (ACME membership number): AM + 9 digits, the last a Luhn check digit.",
            "requires_context": False,
            "min_ratio": 0.6,
            "validator_strength": 0.85,
        }
    ]
    assert load_registry(plugins=False).user_packs() == ()


def test_list_recognizers_describes_every_recognizer(tmp_path):
    path = docs_examples.write_recognizer_file(tmp_path)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("  - {name: CreditCardRecognizer, type: predefined, supported_languages: [en]}\n")
    rows = list_recognizers(load_registry(files=[path], plugins=False))
    json.dumps(rows)  # --format json
    builtin = [r for r in rows if r["builtin"]]
    assert len([r for r in builtin if r["kind"] == "value"]) == len(VALUE_RECOGNIZERS)
    assert len([r for r in builtin if r["kind"] == "table"]) == len(TABLE_RECOGNIZERS)
    resident = next(r for r in rows if r["name"] == "ResidentIdRecognizer")
    assert resident["summary"].startswith("CN_RESIDENT_ID") and resident["pi_class"] is None
    minors = next(r for r in rows if r["name"] == "MinorUnder14Recognizer")
    assert minors["entities"] == ["MINOR_UNDER_14"] and minors["summary"]
    mine = [r for r in rows if r["source"] == str(path)]
    assert [(r["name"], r["kind"], r["entities"], r["pi_class"]) for r in mine] == [
        ("Employee ID recognizer", "value", ["EMPLOYEE_ID"], "general"),
        ("Hospital patient card recognizer", "value", ["PATIENT_CARD_NO"], "sensitive"),
        ("CreditCardRecognizer", "skipped", [], None),
    ]
    assert mine[1]["summary"].endswith("; validator luhn") and mine[2]["summary"].startswith(
        "not run: a predefined"
    )


def test_default_findings_carry_no_declared_class():
    """Built-in findings are unchanged by the registry: no declared class unless a pack declares one."""
    found = analyze_table(pa.table({"sjhm": ["13912345678", "13812345679", "15012345670"] * 10}))
    assert found["sjhm"][0].type == "CN_MOBILE" and "declared_pi_class" not in found["sjhm"][0].details


def test_the_docs_example_registry_is_what_from_python_shows(tmp_path):
    path = docs_examples.write_recognizer_file(tmp_path)
    registry = load_registry(files=[Path(path)])
    found = analyze_table(pa.table({"gonghao": ["EMP-004211", "EMP-120931"]}), registry=registry)
    assert (found["gonghao"][0].type, found["gonghao"][0].details["declared_pi_class"]) == (
        "EMPLOYEE_ID",
        "general",
    )
