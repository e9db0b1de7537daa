"""--watermark-column: rows updated in place (same count, same schema) still get their table rescanned."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from scanner.cli.root import main
from tests.export.conftest import resident_id


def warehouse(path: Path) -> str:
    con = sqlite3.connect(path)
    for name in ("customers", "patients"):
        con.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, sfzh TEXT, updated_at TEXT)")
        con.executemany(
            f"INSERT INTO {name} (sfzh, updated_at) VALUES (?, '2026-11-30 23:00:00')",
            [(resident_id(i),) for i in range(40)],
        )
    con.execute("CREATE TABLE codes (code TEXT)")  # no watermark column: compared as before
    con.executemany("INSERT INTO codes VALUES (?)", [("A01",), ("B02",)])
    con.commit()
    con.close()
    return f"sqlite:///{path}"


def scan(src: str, store: Path, *extra: str) -> dict:
    args = ["scan", src, "--store", str(store), "--incremental", "--format", "json", "--quiet", *extra]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def update_in_place(db: Path) -> None:
    """Overwrite one customer's ID number: the row count and the columns stay as they were."""
    con = sqlite3.connect(db)
    con.execute(
        "UPDATE customers SET sfzh = ?, updated_at = '2026-12-01 02:00:00' WHERE id = 7", (resident_id(9999),)
    )
    con.commit()
    con.close()


def runs(doc: dict) -> dict[str, str]:
    return {t["table"]: t["scanned_in_run"] for t in doc["tables"]}


def test_a_watermark_change_rescans_the_table(tmp_path: Path) -> None:
    db, store = tmp_path / "wh.db", tmp_path / "store.db"
    src = warehouse(db)
    first = scan(src, store, "--watermark-column", "updated_at")
    run1 = first["run"]["id"]
    update_in_place(db)
    second = scan(src, store, "--watermark-column", "updated_at")
    assert runs(second) == {"customers": second["run"]["id"], "patients": run1, "codes": run1}


def test_without_a_watermark_an_update_in_place_goes_unseen(tmp_path: Path) -> None:
    db, store = tmp_path / "wh.db", tmp_path / "store.db"
    src = warehouse(db)
    run1 = scan(src, store)["run"]["id"]
    update_in_place(db)
    assert set(runs(scan(src, store)).values()) == {run1}  # what --watermark-column is for
