"""What ``chujing scan`` and ``chujing check`` say about a request they cannot evaluate as asked.

One ``error: …`` line on stderr, exit status 2, nothing scanned: the closest id
for a typo, only the ids that would work there, and no option silently ignored.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main

JS = "jiangsu-2025-biopharma"


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "trial.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE subjects (subject_id TEXT, diagnosis TEXT)")
        con.execute("INSERT INTO subjects VALUES ('S0001', '2型糖尿病')")
    return f"sqlite:///{path}"


@pytest.fixture()
def ledger_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHUJING_LEDGER_KEY", "0" * 64)
    monkeypatch.setenv("CHUJING_LEDGER", str(tmp_path / "ledger.db"))


def refused(*args: str) -> str:
    """Run ``chujing …`` and return its one error line, after checking that it was refused and scanned nothing."""
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    (line,) = r.stderr.splitlines()
    assert line.startswith("error: ")
    return line


def test_scan_unknown_scenario_suggests_and_lists_only_the_lists_scenarios(db: str) -> None:
    line = refused("scan", db, "--list", JS, "--scenario", "clinical-trail")
    assert line.startswith("error: unknown scenario 'clinical-trail' — did you mean 'clinical-trial'?")
    assert "pharmacovigilance" in line
    assert "vehicle-rd" not in line and "model-training" not in line  # other lists' scenarios are not offered


def test_scan_scenario_the_lists_do_not_name_is_an_error(db: str) -> None:
    line = refused("scan", db, "--list", JS, "--scenario", "vehicle-rd")
    assert f"is not one that {JS} names" in line and "give --scenario other" in line


@pytest.mark.parametrize(("flag", "value"), [("--scenario", "clinical-trial"), ("--subject", "patient")])
def test_scan_scenario_or_subject_without_a_list_is_an_error(db: str, flag: str, value: str) -> None:
    line = refused("scan", db, flag, value)
    assert line == (
        f"error: {flag} {value} applies to a negative list's items: give the list with --list ID as well "
        "(chujing catalog list shows them)"
    )


def test_scan_unknown_list_offers_negative_lists_only(db: str) -> None:
    line = refused("scan", db, "--list", "jiangsu-2025-biopharm")
    assert "did you mean 'jiangsu-2025-biopharma'?" in line
    line = refused("scan", db, "--list", "jiangsu-reference-rule")
    assert "negative lists: " in line and "did you mean" not in line
    assert "jiangsu-2025-reference-rule" not in line and "shanghai-reference-rule" not in line


def test_check_shares_the_checks(db: str, ledger_env: None) -> None:
    request = ("check", db, "--list", JS, "--subject", "trial-subject")
    line = refused(*request, "--scenario", "clinical-trail")
    assert line.startswith("error: unknown scenario 'clinical-trail' — did you mean 'clinical-trial'?")
    assert "vehicle-rd" not in line
    line = refused(*request, "--scenario", "vehicle-rd")
    assert "give --scenario other" in line
    line = refused(
        "check", db, "--list", "jiangsu-2025-reference-rule", "--scenario", "other", "--subject", "other"
    )
    assert "is a reference rule, not a negative list" in line and "shanghai-reference-rule" not in line
