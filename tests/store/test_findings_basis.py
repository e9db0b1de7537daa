"""The store keeps what each finding rests on (values, or the column's name only), and older stores get it too."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from scanner.cli.root import main
from scanner.store import Store
from scanner.store import schema as s
from tests.export.conftest import resident_id


def warehouse(path: Path) -> str:
    """``sfzh`` holds ID numbers (found from values); ``id_card`` is empty (found from its name only)."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, sfzh TEXT, id_card TEXT)")
    con.executemany("INSERT INTO customers (sfzh) VALUES (?)", [(resident_id(i),) for i in range(50)])
    con.commit()
    con.close()
    return f"sqlite:///{path}"


def scan_into(src: str, store: Path) -> dict:
    r = CliRunner().invoke(main, ["scan", src, "--store", str(store), "--format", "json", "--quiet"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def kept_bases(store: Path) -> dict[tuple[str, str], str]:
    with Store.open(str(store)) as st, st.engine.connect() as conn:
        rows = conn.execute(
            sa.select(s.findings.c.column_name, s.findings.c.entity, s.findings.c.basis)
        ).all()
    return {(column, entity): basis for column, entity, basis in rows}


def test_each_finding_is_kept_with_its_basis(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    doc = scan_into(warehouse(tmp_path / "wh.db"), store)
    reported = {
        (c["name"], e["type"]): e.get("basis", "values")
        for c in doc["tables"][0]["columns"]
        for e in c["entities"]
    }
    assert reported[("sfzh", "CN_RESIDENT_ID")] == "values"
    assert "name_only" in {b for (col, _), b in reported.items() if col == "id_card"}
    assert kept_bases(store) == reported


def test_a_version_2_store_is_migrated_and_its_findings_get_their_basis(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    scan_into(warehouse(tmp_path / "wh.db"), store)
    expected = kept_bases(store)
    con = sqlite3.connect(store)  # the store as chujing left it before findings kept their basis
    con.execute("ALTER TABLE chujing_findings DROP COLUMN basis")
    con.execute("UPDATE chujing_store_meta SET value = '2' WHERE name = 'schema_version'")
    con.commit()
    con.close()
    with Store.open(f"sqlite:///{store}") as st:
        assert st.schema_version() == s.SCHEMA_VERSION == 3
    assert kept_bases(store) == expected
    assert set(expected.values()) == {"values", "name_only"}
