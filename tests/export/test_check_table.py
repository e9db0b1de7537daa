"""How ``chujing check`` reads at a terminal and in a file: labels before numbers, names whole unless cut to fit.

What matters to the person about to export: "this export 3,100 · earlier this
year 0 · total 3,100" cannot be misread as 3,100 earlier this year, and a table
name is never shortened in output that goes to a file or a pipe.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reports.check_table import render_check_table
from tests.export.conftest import TRIAL_COLUMNS, trial_rows, write_sqlite

TRIAL = ("--list", "jiangsu-2025-biopharma", "--scenario", "clinical-trial", "--subject", "trial-subject")
LONG = "trial_subjects_enrolled_at_the_suzhou_site_in_phase_three"  # wider than the table's 40 columns


@pytest.fixture()
def export(tmp_path: Path) -> str:
    return write_sqlite(tmp_path / "export.db", LONG, TRIAL_COLUMNS, trial_rows(range(3_100)))


def test_person_figures_put_each_label_before_its_number(
    run, ledger_key, tmp_path: Path, export: str
) -> None:
    out = run("check", export, *TRIAL, "--ledger", tmp_path / "l.db")
    assert out.exit_code != 2, out.stderr  # a decision (the route is not what is tested here)
    lines = out.output.splitlines()
    (everyone,) = [ln for ln in lines if ln.lstrip().startswith("all ")]
    assert re.fullmatch(r"\s+all\s+this export 3,100 · earlier this year\s+0 · total 3,100", everyone)
    assert not any(re.search(r"\d\s+this export", ln) for ln in lines)  # the old order: number, then label


def test_names_are_cut_only_to_fit_a_terminal(run, ledger_key, tmp_path: Path, export: str) -> None:
    out = run("check", export, *TRIAL, "--ledger", tmp_path / "l.db", "--format", "json")
    assert out.exit_code != 2, out.stderr  # a decision (the route is not what is tested here)
    doc = out.json
    whole = render_check_table(doc)
    assert f"  {LONG}  " in whole and f"{LONG[:39]}…" not in whole
    narrow = render_check_table(doc, max_width=80)
    assert LONG not in narrow and f"{LONG[:39]}…" in narrow
    table = run("check", export, *TRIAL, "--ledger", tmp_path / "l.db")  # CliRunner's stdout is no terminal
    assert f"  {LONG}  " in table.output and f"{LONG[:39]}…" not in table.output
