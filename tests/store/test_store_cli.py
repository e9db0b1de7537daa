"""The store's commands: history, review, diff --since-last (exit 1 on new sensitive data); schema; recognizers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reports.schemas import json_schema
from scanner.cli.root import main
from scanner.store import Store


def chujing(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _record(store: Store, sensitive: bool) -> str:
    run_id = store.begin_run(["sqlite:///crm.db"], ["sqlite:/crm.db"], {}, {"tool": "x"})
    entity = {
        "type": "CN_RESIDENT_ID" if sensitive else "CN_MOBILE",
        "pi_class": "sensitive" if sensitive else "general",
    }
    store.record_table(
        run_id,
        "sqlite:/crm.db",
        {
            "table": "customers",
            "status": "ok",
            "fingerprint": {"r": 1},
            "columns": [{"name": "c", "entities": [entity]}],
        },
    )
    store.finish_run(run_id, status="succeeded", exit_status=0)
    return run_id


def test_diff_since_last_exits_1_when_sensitive_data_appears(tmp_path: Path) -> None:
    url = str(tmp_path / "store.db")
    with Store.open(url) as store:
        _record(store, sensitive=False)
        _record(store, sensitive=False)
    quiet = chujing("diff", "--since-last", "--store", url)
    assert quiet.exit_code == 0 and "none" in quiet.output
    with Store.open(url) as store:
        _record(store, sensitive=True)
    loud = chujing("diff", "--since-last", "--store", url, "--format", "json")
    assert loud.exit_code == 1
    doc = json.loads(loud.output)
    assert doc["alert"] and {c["kind"] for c in doc["changes"]} == {"NEW", "REMOVED"}


def test_history_lists_the_runs(tmp_path: Path) -> None:
    url = str(tmp_path / "store.db")
    with Store.open(url) as store:
        first = _record(store, sensitive=True)
    r = chujing("history", "--store", url, "--format", "json")
    assert r.exit_code == 0
    (run,) = json.loads(r.output)
    assert (run["id"], run["status"], run["tables_scanned"], run["sensitive_columns"]) == (
        first,
        "succeeded",
        1,
        1,
    )
    assert first in chujing("history", "--store", url).output


def test_review_records_and_lists_decisions(tmp_path: Path) -> None:
    url = str(tmp_path / "store.db")
    r = chujing(
        "review",
        "--store",
        url,
        "sqlite:///crm.db",
        "ods.customers",
        "sfzh",
        "--dismiss",
        "CN_RESIDENT_ID",
        "--note",
        "synthetic test IDs",
        "--by",
        "li.wei",
    )
    assert r.exit_code == 0, r.output
    listed = chujing("review", "--store", url, "--list", "--format", "json")
    (entry,) = json.loads(listed.output)
    assert (entry["schema"], entry["table"], entry["column"], entry["decision"], entry["by"]) == (
        "ods",
        "customers",
        "sfzh",
        "dismiss",
        "li.wei",
    )
    bad = chujing(
        "review", "--store", url, "sqlite:///crm.db", "customers", "sfzh", "--dismiss", "CN_RESIDENT_ID"
    )
    assert bad.exit_code == 2 and "needs a note" in bad.output


def test_schema_prints_the_committed_contract() -> None:
    r = chujing("schema", "check")
    assert r.exit_code == 0 and json.loads(r.output) == json_schema("check")


def test_recognizers_list_names_every_built_in_type_with_its_class() -> None:
    r = chujing("recognizers", "list", "--format", "json")
    rows = json.loads(r.output)
    by_entity = {e: row for row in rows for e in row.get("entities") or []}
    assert (
        by_entity["CN_RESIDENT_ID"]["pi_class"] == "sensitive"
        and by_entity["CN_MOBILE"]["pi_class"] == "general"
    )
