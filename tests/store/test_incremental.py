"""Scans with a store: incremental runs carry unchanged tables, killed runs resume, reviews stick."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from scanner.cli.root import main
from scanner.store import Store
from tests.export.conftest import resident_id

REPO = Path(__file__).resolve().parents[2]


def chujing(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def warehouse(path: Path, tables: int, rows: int = 200) -> str:
    con = sqlite3.connect(path)
    for t in range(tables):
        con.execute(f"CREATE TABLE customers_{t:03d} (id INTEGER PRIMARY KEY, sfzh TEXT, note TEXT)")
        con.executemany(
            f"INSERT INTO customers_{t:03d} (sfzh, note) VALUES (?, ?)",
            [(resident_id(t * 1000 + i), "ok") for i in range(rows)],
        )
    con.commit()
    con.close()
    return f"sqlite:///{path}"


def dismiss_ids(store: Path, src: str, note: str):
    """A reviewer dismisses the ID numbers of customers_000.sfzh."""
    return chujing(
        "review",
        "--store",
        store,
        src,
        "customers_000",
        "sfzh",
        "--dismiss",
        "CN_RESIDENT_ID",
        "--note",
        note,
        "--by",
        "li.wei",
    )


def scan(src: str, store: Path, *extra: object) -> dict:
    r = chujing("scan", src, "--store", store, "--format", "json", "--quiet", *extra)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_an_incremental_run_rescans_only_what_changed(tmp_path: Path) -> None:
    db = tmp_path / "wh.db"
    src = warehouse(db, 3)
    store = tmp_path / "store.db"
    first = scan(src, store, "--incremental")
    run1 = first["run"]["id"]
    assert first["run"] == {"id": run1, "incremental": True, "resumed_from": None}
    assert {t["scanned_in_run"] for t in first["tables"]} == {run1}

    second = scan(src, store, "--incremental")
    assert {t["scanned_in_run"] for t in second["tables"]} == {run1}  # nothing changed: all carried
    strip = [{k: v for k, v in t.items() if k != "scanned_in_run"} for t in first["tables"]]
    assert [{k: v for k, v in t.items() if k != "scanned_in_run"} for t in second["tables"]] == strip

    con = sqlite3.connect(db)
    con.execute("INSERT INTO customers_001 (sfzh, note) VALUES (?, 'new')", (resident_id(99_999),))
    con.commit()
    con.close()
    third = scan(src, store, "--incremental")
    run3 = third["run"]["id"]
    by_table = {t["table"]: t["scanned_in_run"] for t in third["tables"]}
    assert by_table == {"customers_000": run1, "customers_001": run3, "customers_002": run1}
    with Store.open(str(store)) as s:
        runs = {r["id"]: r for r in s.history()}
    assert (runs[run3]["tables_scanned"], runs[run3]["tables_carried"]) == (1, 2)


def test_a_catalogue_change_rescans_everything(tmp_path: Path) -> None:
    src = warehouse(tmp_path / "wh.db", 2)
    store = tmp_path / "store.db"
    scan(src, store, "--incremental")
    mine = tmp_path / "catalogue"
    mine.mkdir()
    text = (REPO / "catalog" / "data" / "jiangsu-2025-biopharma.yaml").read_text(encoding="utf-8")
    (mine / "my-biopharma.yaml").write_text(
        text.replace("id: jiangsu-2025-biopharma", "id: my-biopharma", 1), "utf-8"
    )
    again = scan(src, store, "--incremental", "--catalog", mine)
    assert {t["scanned_in_run"] for t in again["tables"]} == {again["run"]["id"]}


def test_without_incremental_every_table_is_scanned(tmp_path: Path) -> None:
    src = warehouse(tmp_path / "wh.db", 2)
    store = tmp_path / "store.db"
    scan(src, store)
    again = scan(src, store)
    assert {t["scanned_in_run"] for t in again["tables"]} == {again["run"]["id"]}
    assert again["run"]["incremental"] is False


def test_a_killed_run_resumes_and_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    # three batches (64, 64 and 2 tables): the store takes a batch's tables at once, so the run is killed
    # between two of them, with tables left to scan, however fast the store takes them
    src = warehouse(tmp_path / "wh.db", 130, rows=400)
    store = tmp_path / "store.db"
    Store.open(str(store)).close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "scan", src, "--store", store, "--quiet", "--format", "json"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        with sqlite3.connect(store) as con:
            done = con.execute("SELECT COUNT(*) FROM chujing_run_tables").fetchone()[0]
        if done >= 5:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the scan finished before it could be killed: make the warehouse bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store.open(str(store)) as s:
        (killed,) = s.history()
    assert killed["status"] == "running" and killed["finished_at"] is None

    resumed = scan(src, store, "--resume")
    assert resumed["run"]["resumed_from"] == killed["id"]
    scanned_in = [t["scanned_in_run"] for t in resumed["tables"]]
    assert len(resumed["tables"]) == 130 and len({t["table"] for t in resumed["tables"]}) == 130
    assert scanned_in.count(killed["id"]) >= 5 and resumed["run"]["id"] in scanned_in

    plain = json.loads(chujing("scan", src, "--format", "json", "--quiet").output)

    def comparable(report: dict) -> list[dict]:
        return [{k: v for k, v in t.items() if k != "scanned_in_run"} for t in report["tables"]]

    assert comparable(resumed) == comparable(plain)
    assert resumed["summary"] == plain["summary"]
    with Store.open(str(store)) as s:
        statuses = {r["id"]: r["status"] for r in s.history()}
    assert statuses[killed["id"]] == "failed" and statuses[resumed["run"]["id"]] == "succeeded"


def test_a_dismissed_finding_stops_counting_toward_the_route(tmp_path: Path) -> None:
    """20,000 ID numbers make item 13 (「1万人以上敏感个人信息」, security assessment); a reviewer dismisses them as
    synthetic test data — the next run's report keeps the finding, struck through, and the route follows."""
    src = warehouse(tmp_path / "wh.db", 1, rows=20_000)
    store = tmp_path / "store.db"
    lists = ("--list", "jiangsu-2025-biopharma", "--scenario", "other", "--subject", "customer")
    before = scan(src, store, "--incremental", *lists)
    assert before["list_items"]["route"] == "security_assessment"
    r = dismiss_ids(store, src, "synthetic IDs generated for load tests")
    assert r.exit_code == 0, r.output
    for _ in range(3):  # the decision holds run after run, carried or rescanned
        after = scan(src, store, "--incremental", *lists)
        (column,) = [c for c in after["tables"][0]["columns"] if c["name"] == "sfzh"]
        (entity,) = [e for e in column["entities"] if e["type"] == "CN_RESIDENT_ID"]
        assert entity["review"]["decision"] == "dismiss" and entity["review"]["by"] == "li.wei"
        assert column["pi_class"] is None
        assert after["list_items"]["route"] == "outside"
    page = tmp_path / "scan.html"
    r = chujing("scan", src, "--store", store, "--incremental", *lists, "--format", "html", "-o", page)
    assert r.exit_code == 0, r.output
    html = page.read_text(encoding="utf-8")
    assert "<s><b>CN_RESIDENT_ID</b>" in html and "dismissed by li.wei" in html  # visible, never deleted


def test_a_dismissal_changes_the_check_where_it_was_decisive(tmp_path: Path, monkeypatch) -> None:
    """The gate reads the same reviews: 20,000 dismissed ID numbers no longer make 「1万人以上敏感个人信息」."""
    monkeypatch.setenv("CHUJING_LEDGER_KEY", "test-ledger-key-9f1c2e7a5b3d4c6e")
    src = warehouse(tmp_path / "wh.db", 1, rows=20_000)
    store = tmp_path / "store.db"
    args = (
        "--list",
        "jiangsu-2025-biopharma",
        "--scenario",
        "other",
        "--subject",
        "customer",
        "--ledger",
        tmp_path / "l.db",
        "--store",
        store,
        "--format",
        "json",
    )
    before = chujing("check", src, *args)
    assert before.exit_code == 20, before.output
    dismiss_ids(store, src, "synthetic IDs generated for load tests")
    after = chujing("check", src, *args)
    assert after.exit_code in (0, 5), after.output
    doc = json.loads(after.output)
    assert doc["persons"]["sensitive"]["this_export"] == 0 and doc["items"] == []
    with Store.open(str(store)) as s:
        assert [r["exit_status"] for r in s.history()] == [after.exit_code, 20]


def test_a_dismissal_holds_in_a_spot_check(tmp_path: Path) -> None:
    """The filing declares no ID numbers; the scan finds them (a divergence) until a person dismisses them."""
    src = warehouse(tmp_path / "wh.db", 1, rows=300)
    store = tmp_path / "store.db"
    filing = tmp_path / "filing.yaml"
    filing.write_text("tables:\n  - table: customers_000\n    fields: [id, sfzh, note]\n", encoding="utf-8")
    args = ("spotcheck", filing, src, "--store", store, "--no-count-persons", "--format", "json")
    before = chujing(*args)
    assert before.exit_code == 1, before.output
    assert any(d["where"] == "customers_000.sfzh" for d in json.loads(before.output)["divergences"])
    dismiss_ids(store, src, "synthetic IDs")
    after = chujing(*args)
    assert after.exit_code == 0, after.output
    with Store.open(str(store)) as s:
        assert len(s.history()) == 2
