"""``chujing catalog list | show | validate`` through click's CliRunner (words from catalog.describe)."""

from __future__ import annotations

import json
import shutil

import yaml
from click.testing import CliRunner

from scanner.cli import main
from tests.catalog.builders import FIXTURES

MINI = FIXTURES / "mini"


def _run(*args: str):
    # A fixed terminal width: the table layout wraps to it, and CI has no terminal.
    return CliRunner(env={"COLUMNS": "160"}).invoke(main, ["catalog", *args], catch_exceptions=False)


def test_list_table_shows_every_document_with_chinese_and_english(real_catalog):
    r = _run("list")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0].split() == ["ID", "KIND", "ITEMS", "VERSION", "SHA256"]
    for d in real_catalog:
        assert d.id in r.output and d.sha256[:12] in r.output
    assert "中国（江苏）自由贸易试验区数据出境管理清单（负面清单）（2025版）医药行业" in r.output
    assert "Jiangsu FTZ Data Export Management List (Negative List), 2025 edition" in r.output
    line = next(x for x in r.output.splitlines() if x.startswith("jiangsu-2025-biopharma "))
    assert line.split()[1:5] == ["negative", "list", "21", "2025"]


def test_list_json_and_atomic_output_file(tmp_path, real_catalog):
    out = tmp_path / "sub" / "catalog.json"
    r = _run("list", "--format", "json", "-o", str(out))
    assert r.exit_code == 0 and f"wrote {out}" in r.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert {x["id"] for x in rows} == set(real_catalog.ids())
    js = next(x for x in rows if x["id"] == "jiangsu-2025-biopharma")
    assert js["items"] == 21 and js["kind"] == "negative_list" and len(js["sha256"]) == 64
    assert js["title"].endswith("医药行业") and js["title_en"]
    assert [p.name for p in out.parent.iterdir()] == ["catalog.json"]  # no temporary file left behind


def test_list_with_user_catalogue(tmp_path):
    d = tmp_path / "user"
    d.mkdir()
    shutil.copy(MINI / "mini-list.yaml", d)
    r = _run("list", "--catalog", str(d), "--format", "json")
    rows = {x["id"]: x for x in json.loads(r.output)}
    assert rows["mini-list"]["source"] == str((d / "mini-list.yaml").resolve())
    assert rows["jiangsu-2025-biopharma"]["source"] == "built-in"


def test_list_refuses_a_shadowing_user_file(tmp_path):
    d = tmp_path / "user"
    d.mkdir()
    shutil.copy(MINI / "jiangsu-2025-reference-rule.yaml", d)
    r = _run("list", "--catalog", str(d))
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("error: ") and "is already defined by a built-in document" in r.stderr


def test_show_list_has_every_item_with_route_thresholds_and_both_languages():
    r = _run("show", "jiangsu-2025-biopharma")
    assert r.exit_code == 0, r.output
    text = r.output
    for n in range(1, 22):
        assert f"\n{n:>3}. " in text
    assert "安全评估 (security assessment)" in text and "其他合法合规路径 (other lawful route)" in text
    assert "persons ≥ 10,000 and < 50,000  「1万人以上且不满5万人」" in text
    assert "Scenarios (only): 临床试验 (Clinical trial), 药物研发 (Drug R&D)" in text
    assert "Scenarios: all except those of items 7, 8, 9, 10, 11, 12" in text
    assert "Excludes patient-real-name: 「不包括患者的真实姓名和联系方式」 (CN_PERSON_NAME)" in text
    assert "Pharmaceutical" in text and "注" in text


def test_show_automotive_parameter_and_reference_rule():
    r = _run("show", "multisector-2025-automotive")
    assert "Parameters: trajectory_precision_m=10" in r.output
    r = _run("show", "jiangsu-2025-reference-rule")
    assert r.exit_code == 0
    assert " 27 遗传资源 (Genetic resources)" in r.output and " 28 健康医疗 (Health & medical)" in r.output
    assert "test: persons_sensitive_pi_with_accounts_or_diagnosis ≥ 100,000" in r.output


def test_show_json(tmp_path):
    out = tmp_path / "js.json"
    r = _run("show", "jiangsu-2025-biopharma", "--format", "json", "-o", str(out))
    assert r.exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "chujing.catalog/1" and len(doc["items"]) == 21 and len(doc["sha256"]) == 64
    assert doc["items"][6]["thresholds"][0]["min"] == 50000


def test_show_unknown_id_is_an_error_with_the_closest_id():
    r = _run("show", "nope")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("error: unknown catalogue id 'nope'") and "did you mean" not in r.stderr
    r = _run("show", "jiangsu-2025-biopharm")
    assert r.exit_code == 2
    assert r.stderr == (
        "error: unknown catalogue id 'jiangsu-2025-biopharm' — did you mean 'jiangsu-2025-biopharma'? "
        "(chujing catalog list shows the ids)\n"
    )


def test_show_names_the_published_text_by_title_and_date_not_the_seed_file(real_catalog):
    def header(doc_id: str) -> str:  # the lines above the body, unwrapped
        r = _run("show", doc_id)
        assert r.exit_code == 0, r.output
        return " ".join(r.output.split("\n\n")[1].split())

    for d in real_catalog:
        assert d.doc.provenance.seed not in _run("show", d.id).output
    js = header("jiangsu-2025-biopharma")
    assert (
        "Source: 《中国（江苏）自由贸易试验区数据出境管理清单（负面清单）（2025版）医药行业》, 2025 edition"
        in js
    )
    rule = header("jiangsu-2025-reference-rule")
    assert "Source: annex to 《中国（江苏）自由贸易试验区数据出境负面清单管理办法（试行）》" in rule
    assert rule.endswith("2025 edition")
    assert header("shanghai-reference-rule").endswith(", undated")
    assert (
        "Source: section 《汽车》 of a multi-sector negative list whose text names neither its title nor its "
        "region, 2025 edition" in header("multisector-2025-automotive")
    )


def test_validate_ok():
    r = _run("validate", str(MINI / "mini-list.yaml"))
    assert r.exit_code == 0, r.output
    assert r.output.startswith("ok: ") and "(mini-list, negative list, 3 items)" in r.output


def test_validate_reports_one_line_per_problem(tmp_path):
    bad = tmp_path / "my-list.yaml"
    data = yaml.safe_load((MINI / "mini-list.yaml").read_text(encoding="utf-8"))
    data["id"] = "my-list"
    data["items"][2]["item"] = 8
    data["items"][2]["thresholds"][0]["min"] = "1万"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = _run("validate", str(bad), str(MINI / "mini-list.yaml"))
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert (
        f"{bad}: item 8: thresholds[0].min: Input should be a valid integer, unable to parse string as an "
        "integer" in lines
    )
    assert any(x.startswith("ok: ") and "mini-list" in x for x in lines)
    assert "1 problem(s) in 1 of 2 file(s)" in lines


def test_validate_cross_checks_and_needs_a_file(tmp_path):
    bad = tmp_path / "my-list.yaml"
    data = yaml.safe_load((MINI / "mini-list.yaml").read_text(encoding="utf-8"))
    data["id"] = "my-list"
    data["items"][0]["links"] = [{"item": 12, "relation": "upper_band_of"}]
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = _run("validate", str(bad))
    assert (
        r.exit_code == 1 and f"{bad}: item 1: links[0].item: 12 is not another item of this list" in r.output
    )
    assert _run("validate").exit_code == 2  # click: missing argument


def test_show_every_shipped_document(real_catalog):
    for d in real_catalog:
        r = _run("show", d.id)
        assert r.exit_code == 0, (d.id, r.output)
        assert d.doc.title in r.output.replace("\n", "") or d.doc.title[:20] in r.output
        if d.kind == "negative_list":
            for it in d.doc.items:
                assert f"\n{it.item:>3}. " in r.output, (d.id, it.item)
        r = _run("show", d.id, "--format", "json")
        assert json.loads(r.output)["id"] == d.id
