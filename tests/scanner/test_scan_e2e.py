"""End to end: the ``chujing scan`` command on real SQLite files and Parquet files.

What matters to a user: findings in the right columns, masked evidence only,
the report contract, every bad input reported in one line while the rest of
the scan goes on, exit status 2 when anything failed, and no secret anywhere.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from recognizers.identity import check_char
from scanner.cli import main

RNG_SEED = 7


def make_ids(n: int, seed: int = RNG_SEED) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        first17 = f"320505{1950 + rng.randrange(60)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{i % 1000:03d}"
        out.append(first17 + check_char(first17))
    return out


def make_mobiles(n: int, seed: int = RNG_SEED) -> list[str]:
    rng = random.Random(seed + 1)
    return [f"139{rng.randrange(10**8):08d}" for _ in range(n)]


@pytest.fixture()
def warehouse(tmp_path: Path) -> dict[str, object]:
    ids, mobiles = make_ids(300), make_mobiles(300)
    db = tmp_path / "crm.db"
    con = sqlite3.connect(db)
    con.execute(
        "CREATE TABLE patients (id INTEGER PRIMARY KEY, sfzh TEXT, sjhm TEXT, email TEXT, order_no TEXT)"
    )
    con.executemany(
        "INSERT INTO patients VALUES (?, ?, ?, ?, ?)",
        [(i, ids[i], mobiles[i], f"user{i}@example.com.cn", f"20260315093015{i:04d}") for i in range(300)],
    )
    con.execute("CREATE TABLE products (sku TEXT, name TEXT, price REAL)")
    con.executemany(
        "INSERT INTO products VALUES (?, ?, ?)",
        [(f"SKU-{i:05d}", f"盐酸二甲双胍片 {i}", 12.5 + i) for i in range(50)],
    )
    con.commit()
    con.close()
    lake = tmp_path / "lake"
    lake.mkdir()
    pq.write_table(
        pa.table({"subject": [f"S{i:04d}" for i in range(200)], "id_card": ids[:200]}),
        lake / "subjects.parquet",
    )
    return {"db": db, "lake": lake, "ids": ids, "mobiles": mobiles}


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def columns_of(report: dict, table: str) -> dict[str, dict]:
    (t,) = [t for t in report["tables"] if t["table"] == table]
    return {c["name"]: c for c in t["columns"]}


def test_scan_sqlite_and_parquet_finds_pi_and_masks_evidence(warehouse, tmp_path):
    out = tmp_path / "report.json"
    code, stdout, stderr = run(
        [
            "scan",
            f"sqlite:///{warehouse['db']}",
            str(warehouse["lake"]),
            "--format",
            "json",
            "-o",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0, stderr
    text = out.read_text(encoding="utf-8")
    report = json.loads(text)
    assert report["schema"] == "chujing.report/1"
    assert report["tool"]["name"] == "chujing"
    assert [s["status"] for s in report["sources"]] == ["ok", "ok"]
    assert {t["table"] for t in report["tables"]} == {"patients", "products", "subjects"}
    cols = columns_of(report, "patients")
    (e,) = [e for e in cols["sfzh"]["entities"] if e["type"] == "CN_RESIDENT_ID"]
    assert e["match_ratio"] == 1.0 and e["score"] > 0.9
    assert 1 <= len(e["evidence"]) <= 3
    assert all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", ev) for ev in e["evidence"])
    assert [x["type"] for x in cols["sjhm"]["entities"]] == ["CN_MOBILE"]
    assert all(re.fullmatch(r"139\*{4}\d{4}", ev) for ev in cols["sjhm"]["entities"][0]["evidence"])
    assert [x["type"] for x in cols["email"]["entities"]] == ["EMAIL"]
    assert cols["order_no"]["entities"] == [], "timestamp order numbers are not ID numbers"
    assert all(not c["entities"] for c in columns_of(report, "products").values())
    assert [x["type"] for x in columns_of(report, "subjects")["id_card"]["entities"]] == ["CN_RESIDENT_ID"]
    t = [t for t in report["tables"] if t["table"] == "patients"][0]
    assert t["row_count"] == 300 and t["sampled_rows"] == 300
    assert cols["sfzh"]["non_null"] == 300
    # No raw value anywhere in the report.
    for raw in warehouse["ids"] + warehouse["mobiles"]:
        assert raw not in text
    # The report file was written atomically: nothing else left beside it.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_sample_rows_bounds_the_sample(warehouse):
    code, stdout, _ = run(["scan", f"sqlite:///{warehouse['db']}", "--sample-rows", "50", "--format", "json"])
    assert code == 0
    report = json.loads(stdout)
    t = [t for t in report["tables"] if t["table"] == "patients"][0]
    assert t["sampled_rows"] == 50 and t["row_count"] == 300
    assert report["parameters"]["sample_rows"] == 50


def test_tables_and_exclude_globs(warehouse):
    code, stdout, _ = run(["scan", f"sqlite:///{warehouse['db']}", "--tables", "pat*", "--format", "json"])
    assert code == 0
    assert [t["table"] for t in json.loads(stdout)["tables"]] == ["patients"]
    code, stdout, _ = run(["scan", f"sqlite:///{warehouse['db']}", "--exclude", "pat*", "--format", "json"])
    assert [t["table"] for t in json.loads(stdout)["tables"]] == ["products"]


def test_table_format_is_readable_and_masked(warehouse):
    code, stdout, _ = run(["scan", f"sqlite:///{warehouse['db']}"])
    assert code == 0
    assert "patients" in stdout and "CN_RESIDENT_ID" in stdout and "CN_MOBILE" in stdout
    for raw in warehouse["ids"]:
        assert raw not in stdout


def test_missing_path_is_one_line_and_the_rest_is_scanned(warehouse, tmp_path):
    missing = tmp_path / "nope" / "x.parquet"
    code, stdout, stderr = run(["scan", str(missing), f"sqlite:///{warehouse['db']}", "--format", "json"])
    assert code == 2
    report = json.loads(stdout)
    bad, good = report["sources"]
    assert bad["status"] == "error" and str(missing) in bad["error"]
    assert good["status"] == "ok"
    assert {t["table"] for t in report["tables"]} == {"patients", "products"}
    err_lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(err_lines) == 1 and str(missing) in err_lines[0]
    assert "Traceback" not in stderr


def test_corrupt_parquet_file_is_skipped_and_reported(warehouse):
    lake = warehouse["lake"]
    (lake / "broken.parquet").write_bytes(b"PAR1 this is not a parquet file at all")
    code, stdout, stderr = run(["scan", str(lake), "--format", "json"])
    assert code == 2
    report = json.loads(stdout)
    status = {t["table"]: t["status"] for t in report["tables"]}
    assert status == {"subjects": "ok", "broken": "error"}
    (broken,) = [t for t in report["tables"] if t["table"] == "broken"]
    assert "broken" in broken["error"]
    assert "Traceback" not in stderr and "broken" in stderr


def test_malformed_url_and_unreachable_database_never_leak_the_password(warehouse):
    secret = "hunter2-Sup3rSecret"
    sources = [
        f"postgresql+psycopg://scanner:{secret}@127.0.0.1:1/dw",
        f"notadialect://scanner:{secret}@host/db",
        f"sqlite:///{warehouse['db']}",
    ]
    code, stdout, stderr = run(["scan", *sources, "--format", "json"])
    assert code == 2
    assert secret not in stdout and secret not in stderr
    report = json.loads(stdout)
    assert [s["status"] for s in report["sources"]] == ["error", "error", "ok"]
    assert all("***" in s["uri"] for s in report["sources"][:2])
    assert len([ln for ln in stderr.splitlines() if ln.startswith("error:")]) == 2


def test_failing_view_is_recorded_and_other_tables_scanned(tmp_path):
    db = tmp_path / "v.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE a (x TEXT)")
    con.execute("INSERT INTO a VALUES ('13912345678')")
    con.execute("CREATE TABLE gone (y TEXT)")
    con.execute("CREATE VIEW broken_view AS SELECT y FROM gone")
    con.execute("DROP TABLE gone")
    con.commit()
    con.close()
    code, stdout, stderr = run(["scan", f"sqlite:///{db}", "--views", "--format", "json"])
    assert code == 2
    report = json.loads(stdout)
    status = {t["table"]: t["status"] for t in report["tables"]}
    assert status == {"a": "ok", "broken_view": "error"}
    assert "broken_view" in stderr


def test_version():
    code, stdout, _ = run(["--version"])
    assert code == 0 and stdout.startswith("chujing ")
