"""Recognizer files: Presidio's YAML format read as Presidio reads it, chujing's keys, and errors that say where."""

from __future__ import annotations

from pathlib import Path

import presidio_analyzer
import pyarrow as pa
import pytest
from presidio_analyzer import RecognizerRegistry

from catalog import CatalogError, load_catalog
from recognizers import RecognizerError, analyze_table, load_registry
from recognizers.base import CONTEXT_BOOST
from recognizers.recognizer_files import pack_from_file, recognizer_files_in

PRESIDIO_CONF = Path(presidio_analyzer.__file__).resolve().parent / "conf"

TEXTS = [
    "Send it to 10115 Berlin, zip 20095-1234 or 123456.",
    "Dear Mr. Smith and Dr. Jones, Mrs.Brown and MISS Lee; Prof.",
    "邮编 10115，地址 Berlin 20095",
    "",
]


def _write(tmp_path: Path, text: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(RecognizerError) as exc:
        load_registry(files=[path], plugins=False)
    return exc.value.problems


def test_presidios_example_file_finds_what_presidio_finds():
    """conf/example_recognizers.yaml of the installed Presidio loads unchanged and finds Presidio's spans."""
    path = PRESIDIO_CONF / "example_recognizers.yaml"
    pack = pack_from_file(path)
    assert [(r.name, r.entity) for r in pack.value_recognizers] == [
        ("Zip code Recognizer", "ZIP"),
        ("Titles recognizer", "TITLE"),
    ]
    theirs = RecognizerRegistry()
    theirs.add_recognizers_from_yaml(path)
    by_name = {r.name: r for r in theirs.recognizers}
    for ours in pack.value_recognizers:
        presidio = by_name[ours.name]
        for text in TEXTS:
            want = {(r.start, r.end): r.score for r in presidio.analyze(text, [ours.entity], None)}
            spans = ours.find_spans(text)
            assert {(s.start, s.end) for s in spans} == set(want), (ours.name, text)
            for s in spans:  # Presidio's raw pattern score; chujing adds its context boost itself
                assert s.score == pytest.approx(
                    want[(s.start, s.end)] + (CONTEXT_BOOST if "context" in s.details else 0)
                )
    assert any(pack.value_recognizers[1].find_spans(t) for t in TEXTS)


def test_presidios_registry_file_of_predefined_recognizers_loads_as_skipped():
    pack = pack_from_file(PRESIDIO_CONF / "default_recognizers.yaml")
    assert pack.value_recognizers == ()
    assert len(pack.skipped) > 20
    assert all("predefined" in why or why == "disabled" for _, why in pack.skipped)


def test_chujing_keys_validator_class_and_column_words(tmp_path):
    path = _write(
        tmp_path,
        """
recognizers:
  - name: Loyalty card
    supported_entity: LOYALTY_CARD
    patterns: [{name: "loyalty card, 16 digits (medium)", regex: "\\\\d{16}", score: 0.7}]
    validator: luhn
    pi_class: sensitive
    column_words: [hykh]
""",
    )
    registry = load_registry(files=[path], plugins=False)
    cards = ["4111111111111111", "5500005555555559", "6011000990139424"] * 10
    bad = ["4111111111111112", "5500005555555558", "6011000990139425"] * 10
    found = analyze_table(pa.table({"hykh": cards, "ref": bad}), registry=registry)
    loyalty = [f for f in found["hykh"] if f.type == "LOYALTY_CARD"]
    assert loyalty and loyalty[0].details["declared_pi_class"] == "sensitive"
    assert "hykh" in loyalty[0].explanation  # the column word supports it
    assert not [f for f in found["ref"] if f.type == "LOYALTY_CARD"]  # the validator rejects every value
    assert registry.declared_classes == {"LOYALTY_CARD": "sensitive"}
    assert registry.evidence()[0]["source"] == str(path) and len(registry.evidence()[0]["sha256"]) == 64


def test_deny_list_and_language_context(tmp_path):
    path = _write(
        tmp_path,
        """
recognizers:
  - name: Project code names
    supported_entities: [PROJECT_NAME]
    deny_list: [青龙计划, Blue Whale]
    deny_list_score: 0.9
    supported_languages:
      - language: zh
        context: [项目]
      - language: en
""",
    )
    rec = pack_from_file(path).value_recognizers[0]
    assert [s.text for s in rec.find_spans("项目 青龙计划 and blue whale, Blue Whales")] == [
        "青龙计划",
        "blue whale",
    ]
    assert rec.context == ("项目",)


def test_errors_name_file_entry_and_field(tmp_path):
    path = _write(
        tmp_path,
        """
recognizers:
  - name: Good
    supported_entity: GOOD
    patterns: [{name: ok, regex: "G\\\\d+", score: 0.5}]
  - name: Bad score
    supported_entity: BAD
    patterns: [{name: p, regex: "x", score: 1.5}]
  - name: Bad regex
    supported_entity: BAD
    patterns: [{name: p, regex: "(unclosed", score: 0.5}]
  - name: Typo
    supported_entity: BAD
    pi_clas: sensitive
    patterns: [{name: p, regex: "x", score: 0.5}]
  - name: No entity
    patterns: [{name: p, regex: "x", score: 0.5}]
  - name: Bad validator
    supported_entity: BAD
    validator: iso7064
    patterns: [{name: p, regex: "x", score: 0.5}]
  - name: Bad class
    supported_entity: "BAD:X"
    pi_class: secret
    patterns: [{name: p, regex: "x", score: 0.5}]
  - patterns: [{name: p, regex: "x", score: 0.5}]
    supported_entity: NONAME
""",
    )
    f = str(path)
    problems = _problems(path)
    assert (
        f"{f}: recognizer 'Bad score': patterns[0].score: Input should be less than or equal to 1" in problems
    )
    assert any(
        p.startswith(f"{f}: recognizer 'Bad regex': patterns[0].regex: not a valid regular expression")
        for p in problems
    )
    assert (
        f"{f}: recognizer 'Typo': pi_clas: unknown key (not a Presidio recognizer key nor one of chujing's: "
        "pi_class, column_words, validator)"
    ) in problems
    assert f"{f}: recognizer 'No entity': supported_entity is required" in problems
    assert any(
        p.startswith(f"{f}: recognizer 'Bad validator': validator: unknown validator 'iso7064'")
        for p in problems
    )
    # typing caches Literal["general", "sensitive"] as the first equal Literal made, in either order
    assert any(
        p.startswith(f"{f}: recognizer 'Bad class': pi_class: Input should be ")
        and {"'general'", "'sensitive'"} <= set(p.split())
        for p in problems
    )
    assert any(p.startswith(f"{f}: recognizer 8: name: Field required") for p in problems)
    assert not any("'Good'" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("recognizers: [", "not valid YAML (line 1)"),
        ("- a\n- b\n", "expected a mapping with 'recognizers:' at the top"),
        ("recognizers: []\n", "recognizers: List should have at least 1 item"),
        (
            "recognizers:\n  - {name: a, supported_entity: A, patterns: [{name: p, regex: x, score: 0.5}]}\nextra: 1\n",
            "extra: unknown key",
        ),
    ],
)
def test_file_level_errors(tmp_path, text, problem):
    path = _write(tmp_path, text)
    problems = _problems(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}: ") and problem in problems[0]


def test_every_file_is_checked_before_failing(tmp_path):
    a = _write(tmp_path, "recognizers: []\n", "a.yaml")
    b = _write(tmp_path, "recognizers: [", "b.yaml")
    missing = tmp_path / "missing.yaml"
    problems = _problems_of(a, b, missing)
    assert [p.split(":")[0] for p in problems] == [str(a), str(b), str(missing)]
    assert "cannot read the recognizer file" in problems[2]


def _problems_of(*paths: Path) -> list[str]:
    with pytest.raises(RecognizerError) as exc:
        load_registry(files=list(paths), plugins=False)
    return exc.value.problems


def test_one_entity_classed_two_ways_is_an_error(tmp_path):
    entry = "  - {{name: {n}, supported_entity: STAFF_NO, pi_class: {c}, patterns: [{{name: p, regex: x, score: 0.5}}]}}\n"
    same_file = _write(
        tmp_path, "recognizers:\n" + entry.format(n="a", c="general") + entry.format(n="b", c="sensitive")
    )
    assert "contradicts general given for STAFF_NO by 'a'" in _problems(same_file)[0]
    one = _write(tmp_path, "recognizers:\n" + entry.format(n="a", c="general"), "one.yaml")
    two = _write(tmp_path, "recognizers:\n" + entry.format(n="b", c="sensitive"), "two.yaml")
    problems = _problems_of(one, two)
    assert problems == [f"{two}: STAFF_NO: pi_class sensitive contradicts general in {one}"]


def test_a_catalogue_directory_may_hold_recognizer_files(tmp_path):
    """A recognizer file beside a user's lists is read by the registry and left alone by the catalogue loader."""
    rec = _write(
        tmp_path,
        "recognizers:\n  - {name: a, supported_entity: STAFF_NO, patterns: "
        "[{name: p, regex: 'S\\d{6}', score: 0.5}]}\n",
        "staff.yaml",
    )
    _write(tmp_path, "not: a recognizer file\n", "notes.yml")
    assert recognizer_files_in([tmp_path, tmp_path / "absent"]) == [rec]
    registry = load_registry(catalog_dirs=[tmp_path], plugins=False)
    assert "STAFF_NO" in registry.entity_types()
    # notes.yml is no catalogue document: the loader says so, and says nothing of staff.yaml
    with pytest.raises(CatalogError) as exc:
        load_catalog([tmp_path])
    assert "notes.yml" in str(exc.value) and "staff.yaml" not in str(exc.value)
    (tmp_path / "notes.yml").unlink()
    assert len(load_catalog([tmp_path])) == len(load_catalog())
