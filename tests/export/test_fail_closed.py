"""The gate fails closed: data it did not read, or that a person must judge, never exits 0.

"Outside the list" (负面清单外, Jiangsu measures Art. 10: 未列入负面清单的数据可以自由流动) clears an export;
it may be said only of data that was read and that the list speaks to.
"""

from __future__ import annotations

from pathlib import Path

from tests.export.conftest import TRIAL_COLUMNS, trial_rows, write_sqlite

JS = "jiangsu-2025-biopharma"
AI = "multisector-2025-ai-training-data"
TRIAL = ("--list", JS, "--scenario", "clinical-trial", "--subject", "trial-subject")


def test_a_table_filter_that_matches_nothing_is_an_error(run, ledger_key, tmp_path: Path) -> None:
    src = write_sqlite(tmp_path / "t.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(50)))
    r = run("check", src, *TRIAL, "--tables", "no_such_*", "--ledger", tmp_path / "l.db", "--format", "json")
    assert r.exit_code == 2
    assert "no table to check — --tables no_such_* matched none" in r.stderr
    assert r.json["route"] == "outside" and r.json["exit_status"] == 2


def test_an_empty_directory_is_an_error(run, ledger_key, tmp_path: Path) -> None:
    empty = tmp_path / "lake"
    empty.mkdir()
    r = run("check", empty, *TRIAL, "--ledger", tmp_path / "l.db", "--format", "json")
    assert r.exit_code == 2, r.output
    assert str(empty) in r.stderr


def test_an_item_that_needs_judgement_does_not_clear_the_export(run, ledger_key, tmp_path: Path) -> None:
    """9,999 trial subjects are below item 14 (「1万人以上且不满5万人的受试者…」), but their health data is
    the kind item 2 names (「一定规模以上…医疗资源数据」) without a number: a person must judge — exit 5."""
    src = write_sqlite(tmp_path / "t.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(9_999)))
    r = run("check", src, *TRIAL, "--ledger", tmp_path / "l.db", "--format", "json")
    assert r.exit_code == 5, r.stderr
    doc = r.json
    assert doc["route"] == "outside" and doc["exit_status"] == 5 and doc["items"] == []
    assert any(m["item"] == 2 for m in doc["manual_review"])


def test_data_a_list_does_not_cover_is_for_the_general_rules(run, ledger_key, tmp_path: Path) -> None:
    """AI list note 1: 「…包括文本、语音、图像模态的训练数据，不包括视频等上述未明确列出的其他模态的训练数据。」
    Video training data is not covered by the list: the general rules apply, and the gate says so (exit 5)."""
    src = write_sqlite(tmp_path / "t.db", "clips", TRIAL_COLUMNS, trial_rows(range(200)))
    r = run(
        "check",
        src,
        "--list",
        AI,
        "--scenario",
        "model-training",
        "--subject",
        "other",
        "--modality",
        "video",
        "--ledger",
        tmp_path / "l.db",
        "--format",
        "json",
    )
    assert r.exit_code == 5, r.stderr
    scope = [m for m in r.json["manual_review"] if m.get("review") == "scope"]
    assert scope and "not covered by this list" in scope[0]["reason"]
    assert "不包括视频" in scope[0]["reason"]


def test_ciio_applies_the_operators_clause_of_the_identification_rule(
    run, ledger_key, tmp_path: Path
) -> None:
    """Jiangsu reference rule, clause 3: 「被国家认定为关键信息基础设施的运营者掌握的10万人以上个人信息」.
    ``--ciio`` declares the exporter one; without it the clause cannot apply."""
    rows = ((f"1{'35789'[i % 5]}{(i * 7_919_317 + 104_729) % 10**9:09d}",) for i in range(100_000))
    src = write_sqlite(tmp_path / "m.db", "members", ("mobile",), rows)
    args = ("--list", JS, "--scenario", "other", "--subject", "customer", "--ledger", tmp_path / "l.db")
    plain = run("check", src, *args, "--format", "json")
    ciio = run("check", src, *args, "--ciio", "--format", "json")
    assert plain.exit_code != 2 and ciio.exit_code != 2, plain.stderr + ciio.stderr

    def clauses(doc: dict) -> set[int]:
        return {
            c["clause"] for c in doc["candidate_important_data"] if c.get("source") == "identification_rule"
        }

    assert 3 not in clauses(plain.json) and 3 in clauses(ciio.json)
    assert ciio.json["scan"]["important_data"]["ciio"] is True
