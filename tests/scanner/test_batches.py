"""Small tables read a batch at a time, their samples recognized together: the report is the one a scan of one
table at a time gives, failures stay each table's, and what each table says comes in the tables' order."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import recognizers
import scanner.scan
from connectors.base import SourceError, TableInfo
from connectors.sql import SQLConnector
from scanner.cli.root import main
from tests.export.conftest import resident_id

TIMING = ("started_at", "finished_at", "integrity")


def scan(*args: object) -> tuple[dict, int, str]:
    r = CliRunner().invoke(
        main, ["scan", *map(str, args), "--format", "json", "--quiet"], catch_exceptions=False
    )
    return json.loads(r.stdout), r.exit_code, r.stderr


def untimed(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k not in TIMING}
    out["tables"] = [{k: v for k, v in t.items() if k != "seconds"} for t in doc["tables"]]
    return out


def warehouse(path: Path) -> str:
    """Nine tables: identifiers, an empty table, notes that repeat across tables, and a mobile column that is a
    counter in one table only."""
    con = sqlite3.connect(path)
    for t in range(9):
        con.execute(f"CREATE TABLE ods_{t} (id INTEGER PRIMARY KEY, sfzh TEXT, mobile TEXT, note TEXT)")
        n = 0 if t == 3 else 30 + 7 * t
        mobile = [
            f"1380000{i:04d}" if t == 5 else f"139{(t * 7919 + i * 104729) % 10**8:08d}" for i in range(n)
        ]
        con.executemany(
            f"INSERT INTO ods_{t} VALUES (?, ?, ?, ?)",
            [
                (i, resident_id(t * 1000 + i), mobile[i], f"第{i % 4}次回访，王先生满意，电话{mobile[i]}。")
                for i in range(n)
            ],
        )
    con.commit()
    con.close()
    return f"sqlite:///{path}"


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of four tables (nine tables: three batches), and table ods_4 cannot be sampled."""
    monkeypatch.setattr(scanner.scan, "BATCH_TABLES", 4)
    sample = SQLConnector.sample

    def failing(self: SQLConnector, table: TableInfo, *args: object, **kwargs: object) -> object:
        if table.name == "ods_4":
            raise SourceError(f"{self.display_uri}: table ods_4: the sample could not be read")
        return sample(self, table, *args, **kwargs)

    monkeypatch.setattr(SQLConnector, "sample", failing)


def test_tables_read_in_batches_give_the_report_of_one_table_at_a_time(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = warehouse(tmp_path / "wh.db")
    batched, code, said = scan(src)
    assert untimed(scan(src, "--table-timeout", "600")[0]) == untimed(batched)  # read in a worker thread
    monkeypatch.setattr(scanner.scan, "BATCH_TABLES", 1)
    alone, code_alone, said_alone = scan(src)  # a table at a time
    assert untimed(batched) == untimed(alone)
    assert code == code_alone == 2 and said == said_alone  # the view's error, said once, in its place
    by_name = {t["table"]: t for t in batched["tables"]}
    assert by_name["ods_4"]["status"] == "error" and "ods_4" in said
    assert [t["status"] for t in batched["tables"]].count("ok") == 8
    found = {t["table"]: {e["type"] for c in t["columns"] for e in c["entities"]} for t in batched["tables"]}
    assert {"CN_RESIDENT_ID", "CN_MOBILE"} <= found["ods_1"]
    assert "CN_MOBILE" not in {
        e["type"] for c in by_name["ods_5"]["columns"] if c["name"] == "mobile" for e in c["entities"]
    }
    assert by_name["ods_3"]["sampled_rows"] == 0  # empty: what it holds is guessed from its column names
    assert {e["basis"] for c in by_name["ods_3"]["columns"] for e in c["entities"]} == {"name_only"}


def test_a_batch_whose_recognition_fails_is_recognized_table_by_table(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should reading a batch's samples together fail, each table is read on its own: the failure is then the
    table's that causes it, and the others keep their findings."""
    src = warehouse(tmp_path / "wh.db")
    with monkeypatch.context() as one:
        one.setattr(scanner.scan, "BATCH_TABLES", 1)
        alone, _, _ = scan(src)

    def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a recognizer's bug")

    monkeypatch.setattr(recognizers, "analyze_tables", fails)
    batched, code, _ = scan(src)
    assert untimed(batched) == untimed(alone) and code == 2
