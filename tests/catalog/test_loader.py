"""Models and loader: what loads, what is refused, and how problems are reported (file: entry: field: message)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from catalog import CatalogError, load_catalog
from catalog.loader import validate_files
from tests.catalog.builders import FIXTURES

MINI = FIXTURES / "mini"


def _copy_mini(tmp_path: Path) -> Path:
    d = tmp_path / "cat"
    shutil.copytree(MINI, d)
    return d


def _edit_list(d: Path, edit) -> None:
    p = d / "mini-list.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    edit(data)
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(d: Path) -> list[str]:
    with pytest.raises(CatalogError) as exc:
        load_catalog([d], include_builtin=False)
    return exc.value.problems


def test_mini_catalogue_loads_with_hash_and_path(mini_catalog):
    assert mini_catalog.ids() == ["jiangsu-2025-reference-rule", "mini-list"]
    d = mini_catalog.get("mini-list")
    raw = (MINI / "mini-list.yaml").read_bytes()
    assert d.sha256 == hashlib.sha256(raw).hexdigest()
    assert Path(d.path) == (MINI / "mini-list.yaml").resolve()
    assert not d.builtin
    assert d.evidence() == {"id": "mini-list", "version": "test", "sha256": d.sha256, "source": d.path}
    lst = mini_catalog.negative_list("mini-list")
    assert [it.item for it in lst.items] == [1, 2, 3]
    assert lst.item(3).thresholds[0].below == 50000


def test_thresholds_are_inclusive_below_exclusive(mini_catalog):
    th = mini_catalog.negative_list("mini-list").item(3).thresholds[0]
    assert [th.met_by(n) for n in (9_999, 10_000, 49_999, 50_000)] == [False, True, True, False]


def test_unknown_id_names_the_known_ones(mini_catalog):
    with pytest.raises(
        CatalogError, match=r"unknown catalogue id 'nope' \(known: jiangsu-2025-reference-rule, mini-list\)"
    ):
        mini_catalog.get("nope")
    with pytest.raises(CatalogError, match="is a reference_rule, not a negative list"):
        mini_catalog.negative_list("jiangsu-2025-reference-rule")


def test_type_error_names_file_item_and_field(tmp_path):
    d = _copy_mini(tmp_path)
    _edit_list(d, lambda data: data["items"][2]["thresholds"][0].update(min="1万"))
    problems = _problems(d)
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{d / 'mini-list.yaml'}: item 3: thresholds[0].min: Input should be a valid integer"
    )


def test_entry_without_usable_number_is_named_by_position(tmp_path):
    d = _copy_mini(tmp_path)
    _edit_list(d, lambda data: data["items"][1].update(item="two"))
    (p,) = [x for x in _problems(d) if "items[1]" in x]
    assert p.endswith("items[1]: item: Input should be a valid integer, unable to parse string as an integer")


def test_typo_key_and_missing_field_and_bad_route(tmp_path):
    d = _copy_mini(tmp_path)

    def edit(data):
        data["items"][0]["threshold"] = data["items"][0].pop("thresholds")
        del data["items"][1]["name_en"]
        data["items"][2]["route"] = "contract"
        data["title_en"] = None

    _edit_list(d, edit)
    name = str(d / "mini-list.yaml")
    problems = _problems(d)
    assert (
        f"{name}: item 1: threshold: unknown key (a typo? the catalogue schema has no such field)" in problems
    )
    assert f"{name}: item 2: name_en: Field required" in problems
    assert any(
        p.startswith(f"{name}: item 3: route: Input should be 'security_assessment'") for p in problems
    )
    assert f"{name}: title_en: Input should be a valid string" in problems


def test_model_level_rules_are_reported_on_the_entry(tmp_path):
    d = _copy_mini(tmp_path)

    def edit(data):
        data["items"][1]["scenarios"] = {"mode": "all_except", "except_items": []}
        data["items"][2]["thresholds"][0].update(min=50000, below=10000)

    _edit_list(d, edit)
    problems = _problems(d)
    assert any(
        p.endswith(
            "item 2: scenarios: mode 'all_except' needs except_items (the items whose scenarios are excepted)"
        )
        for p in problems
    )
    assert any(
        p.endswith("item 3: thresholds[0]: min (50000) must be smaller than below (10000)") for p in problems
    )


def test_cross_checks(tmp_path):
    d = _copy_mini(tmp_path)

    def edit(data):
        data["items"][0]["route"] = "standard_contract_or_certification"  # tier 一 is security assessment
        data["items"][0]["links"] = [{"item": 9, "relation": "see_also"}]
        data["items"][0]["scenarios"]["ids"] = ["clinical-trail"]
        data["items"][0]["subjects"] = ["martian"]
        data["items"][0]["evidence"]["entities"] = ["DIAGNOSES"]
        data["items"][0]["evidence"]["categories"] = ["99"]
        data["items"][2]["elements"]["excluded"][0]["entities"] = ["PERSON"]
        data["items"][1]["scenarios"]["except_items"] = [1, 7]

    _edit_list(d, edit)
    n = str(d / "mini-list.yaml")
    problems = set(_problems(d))
    assert {
        f"{n}: item 1: route: 'standard_contract_or_certification' differs from tier 一's route 'security_assessment'",
        f"{n}: item 1: links[0].item: 9 is not another item of this list",
        f"{n}: item 1: scenarios.ids[0]: unknown scenario id 'clinical-trail' (not canonical; add it under "
        "vocabulary.scenarios)",
        f"{n}: item 1: subjects[0]: unknown subject id 'martian' (not canonical; add it under vocabulary.subjects)",
        f"{n}: item 1: evidence.entities[0]: unknown entity id 'DIAGNOSES'",
        f"{n}: item 1: evidence.categories[0]: '99' is not a sub-category code of the reference rule",
        f"{n}: item 3: elements.excluded[0].entities[0]: unknown entity id 'PERSON'",
        f"{n}: item 2: scenarios.except_items[1]: 7 is not another item of this list",
    } <= problems


def test_item_numbers_unique_and_contiguous(tmp_path):
    d = _copy_mini(tmp_path)
    _edit_list(d, lambda data: data["items"][2].update(item=5))
    assert any(
        "items: item numbers must run 1…3 without gaps (missing [3], unexpected [5])" in p
        for p in _problems(d)
    )
    _edit_list(d, lambda data: data["items"][2].update(item=2))
    assert any(p.endswith("item 2: item: duplicate item number") for p in _problems(d))


def test_file_vocabulary_adds_ids_but_may_not_redefine_canonical_ones(tmp_path):
    d = _copy_mini(tmp_path)

    def edit(data):
        data["vocabulary"] = {
            "scenarios": {
                "lab-audit": {"name": "实验室审计", "name_en": "Lab audit"},
                "clinical-trial": {"name": "临床", "name_en": "Trial"},
            }
        }
        data["items"][0]["scenarios"]["ids"] = ["clinical-trial", "lab-audit"]

    _edit_list(d, edit)
    (p,) = _problems(d)
    assert p.endswith(
        "vocabulary.scenarios.clinical-trial: 'clinical-trial' is already a canonical scenario id; "
        "use it without redefining it"
    )


def test_yaml_syntax_and_duplicate_keys_name_the_line(tmp_path):
    d = _copy_mini(tmp_path)
    p = d / "mini-list.yaml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("sector: test\n", "sector: test\nsector: again\n"),
        encoding="utf-8",
    )
    (problem,) = _problems(d)
    assert problem.startswith(f"{p}: line ") and "duplicate key 'sector' (first at line" in problem
    p.write_text("items: [1, 2\n", encoding="utf-8")
    (problem,) = _problems(d)
    assert problem.startswith(f"{p}: line 2: ")


def test_id_must_match_file_name(tmp_path):
    d = _copy_mini(tmp_path)
    (d / "mini-list.yaml").rename(d / "other-name.yaml")
    (p,) = _problems(d)
    assert (
        p == f"{d / 'other-name.yaml'}: id: 'mini-list' must equal the file name without .yaml ('other-name')"
    )


def test_every_problem_is_reported_at_once(tmp_path):
    d = _copy_mini(tmp_path)
    (d / "broken.yaml").write_text("schema: chujing.catalog/1\nkind: spreadsheet\n", encoding="utf-8")
    _edit_list(d, lambda data: data["items"][0].update(tier="四"))
    problems = _problems(d)
    assert f"{d / 'broken.yaml'}: kind: 'spreadsheet' is not one of negative_list, reference_rule" in problems
    assert any(p.endswith("item 1: tier: '四' is not a tier of this list (一, 二)") for p in problems)


def test_user_list_may_add_but_not_shadow_a_builtin(tmp_path, real_catalog):
    d = tmp_path / "user"
    d.mkdir()
    shutil.copy(MINI / "mini-list.yaml", d)
    cat = load_catalog([d])
    assert "mini-list" in cat and "jiangsu-2025-biopharma" in cat
    assert not cat.get("mini-list").builtin and cat.get("jiangsu-2025-biopharma").builtin
    shutil.copy(MINI / "jiangsu-2025-reference-rule.yaml", d)
    with pytest.raises(CatalogError) as exc:
        load_catalog([d])
    assert exc.value.problems == [
        f"{d / 'jiangsu-2025-reference-rule.yaml'}: id: 'jiangsu-2025-reference-rule' is already defined by a "
        "built-in document (catalog/data/jiangsu-2025-reference-rule.yaml); a user list may add a new id but "
        "must not replace one — rename it"
    ]


def test_missing_directory(tmp_path):
    with pytest.raises(CatalogError, match="not a directory"):
        load_catalog([tmp_path / "nope"], include_builtin=False)


def test_validate_files_checks_against_builtin_context(tmp_path):
    ok, problems = validate_files([MINI / "mini-list.yaml", tmp_path / "missing.yaml"])
    assert [d.id for d in ok] == ["mini-list"] and len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'missing.yaml'}: cannot read")


def test_reference_rule_cross_checks(tmp_path):
    d = _copy_mini(tmp_path)
    p = d / "jiangsu-2025-reference-rule.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    data["identification_rule"]["clauses"][0]["criteria"][2]["entities"] = ["BANK"]
    data["identification_rule"]["clauses"][0]["criteria"][1]["min"] = (
        5  # with `above` too: exactly one allowed
    )
    data["categories"][1]["parent"] = "十四"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _problems(d) == [
        f"{p}: clause 2: criteria[1]: a criterion needs exactly one of above (超过) or min (以上)"
    ]
    data["identification_rule"]["clauses"][0]["criteria"][1].pop("min")
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = set(_problems(d))
    assert f"{p}: clause 2: criteria[2].entities[0]: unknown entity id 'BANK'" in problems
    assert f"{p}: category 3: parent: '十四' is not a level-1 code of this rule" in problems
