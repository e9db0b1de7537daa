"""The summary ``chujing scan`` and ``chujing demo`` print (one renderer): the route when lists were applied,
names whole.

What matters to a user: the conclusion report.json records (``route``,
``exit_status``) is on the screen too, and output that goes to a file or a pipe
(click's test runner is one) is never cut with "…"; only a terminal's is.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from recognizers.identity import check_char
from reports.table import render_table
from scanner.cli import main
from tests.export.conftest import vin

LONG = "patient_resident_identity_card_number_primary"  # wider than the 28 columns a terminal gives names


def resident_id(i: int) -> str:
    first17 = f"320505{1960 + i % 40}{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
    return first17 + check_char(first17)


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as con:
        con.execute(f"CREATE TABLE patients (id INTEGER, {LONG} TEXT)")
        con.executemany("INSERT INTO patients VALUES (?, ?)", [(i, resident_id(i)) for i in range(200)])
        con.execute("CREATE TABLE vans (vin TEXT, latitude REAL, longitude REAL)")  # 16 智能网联汽车
        con.executemany(
            "INSERT INTO vans VALUES (?, ?, ?)",
            [(vin(i), 31.3 + i / 7919, 120.6 + i / 6007) for i in range(200)],
        )
    return f"sqlite:///{path}"


def scan(*args: str):
    r = CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return r


def test_scan_summary_shows_the_route_report_json_records(db: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    r = scan(db, "--list", "jiangsu-2025-biopharma", "--format", "json", "-o", str(out))
    evaluation = json.loads(out.read_text(encoding="utf-8"))["list_items"]
    route = [ln for ln in r.stdout.splitlines() if ln.startswith("Route 出境路径: ")]
    assert route == [
        f"Route 出境路径: {evaluation['route_label']} — exit {evaluation['exit_status']} "
        "(chujing check's status for this route)"
    ]
    assert "Route" not in scan(db).stdout  # no list, no route


def test_names_are_whole_unless_stdout_is_a_terminal(db: str) -> None:
    r = scan(db)
    assert f"    {LONG}  " in r.stdout and "…" not in r.stdout
    assert "16 智能网联汽车 (Intelligent connected vehicles)" in r.stdout  # was "Intelligent connected veh…"
    report = json.loads(scan(db, "--format", "json").stdout)
    assert "…" not in render_table(report)  # the table format written to a file
    narrow = render_table(report, max_width=80)
    assert LONG not in narrow and f"{LONG[:27]}…" in narrow
    assert all(len(line) <= 80 for line in narrow.splitlines() if line.startswith("    "))
