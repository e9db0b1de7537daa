"""The scan store keeps runs, tables, findings and reviews — on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest
import sqlalchemy as sa

from scanner.store import Store, StoreError
from scanner.store import schema as s
from scanner.store.runner import StoreRun

VERSIONS = {"tool": "0.1.0", "catalog": {"jiangsu-2025-biopharma": "ab12"}, "recognizers": "1"}
OPTIONS = {"sample_rows": 1000, "seed": 0}
SOURCE = "postgresql+psycopg://scanner:Secret-Pw-9@db.internal/warehouse"


def table(name: str, *, fingerprint: dict | None = None, status: str = "ok", sensitive: bool = True) -> dict:
    entity = {
        "type": "CN_RESIDENT_ID" if sensitive else "CN_MOBILE",
        "score": 0.99,
        "match_ratio": 1.0,
        "evidence": ["3201**********123X"],
        "pi_class": "sensitive" if sensitive else "general",
    }
    return {
        "source": "postgresql+psycopg://scanner:***@db.internal/warehouse",
        "schema": "ods",
        "table": name,
        "status": status,
        "fingerprint": fingerprint if fingerprint is not None else {"schema_sha256": "x", "row_count": 10},
        "columns": [{"name": "sfzh", "pi_class": entity["pi_class"], "entities": [entity]}],
    }


def run(store: Store, tables: list[dict], *, versions: dict = VERSIONS, finish: bool = True) -> str:
    run_id = store.begin_run([SOURCE], ["pg:db.internal/warehouse"], OPTIONS, versions)
    for t in tables:
        store.record_table(run_id, "pg:db.internal/warehouse", t)
    if finish:
        store.finish_run(run_id, status="succeeded", exit_status=0)
    return run_id


def test_a_new_store_is_created_at_the_current_schema_version(store_url: str) -> None:
    with Store.open(store_url) as store:
        assert store.schema_version() == s.SCHEMA_VERSION
    with Store.open(store_url) as store:  # opening again migrates nothing
        assert store.schema_version() == s.SCHEMA_VERSION and store.history() == []


def test_a_store_from_a_newer_chujing_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.update(s.store_meta).values(value=str(s.SCHEMA_VERSION + 1)))
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this chujing"):
        Store.open(url)


def test_runs_tables_and_findings_are_kept(store_url: str) -> None:
    with Store.open(store_url) as store:
        first = run(
            store, [table("customers"), table("orders", sensitive=False), table("bad", status="error")]
        )
        info = store.run(first)
        assert (info["status"], info["exit_status"]) == ("succeeded", 0)
        assert (info["tables_scanned"], info["tables_carried"], info["tables_failed"]) == (2, 0, 1)
        assert info["sensitive_columns"] == 1
        recorded = store.tables(first)
        assert recorded[("pg:db.internal/warehouse", "ods", "customers")][0] == first
        # masked evidence and masked URIs only: the password never reaches the store
        assert "Secret-Pw-9" not in json.dumps(store.history())
        assert "Secret-Pw-9" not in json.dumps(list(recorded.values()), default=str)


def test_an_unchanged_table_is_carried_from_the_last_successful_run(store_url: str) -> None:
    with Store.open(store_url) as store:
        first = run(store, [table("customers")])
        hit = store.carried("pg:db.internal/warehouse", table("customers"), VERSIONS)
        assert hit is not None and hit[0] == first and hit[1]["columns"][0]["name"] == "sfzh"
        changed = table("customers", fingerprint={"schema_sha256": "x", "row_count": 11})
        assert store.carried("pg:db.internal/warehouse", changed, VERSIONS) is None
        new_catalogue = {**VERSIONS, "catalog": {"jiangsu-2025-biopharma": "cd34"}}
        assert store.carried("pg:db.internal/warehouse", table("customers"), new_catalogue) is None
        assert store.carried("pg:db.internal/warehouse", table("customers", fingerprint={}), VERSIONS) is None
        # a later run that failed is not a source of carried results; the earlier success still is
        failed = run(store, [table("customers")], finish=False)
        store.finish_run(failed, status="failed", exit_status=2)
        assert store.carried("pg:db.internal/warehouse", table("customers"), VERSIONS)[0] == first


def test_an_unfinished_run_is_found_for_the_same_sources_and_options(store_url: str) -> None:
    with Store.open(store_url) as store:
        killed = run(store, [table("customers")], finish=False)
        assert store.unfinished_run(OPTIONS, ["pg:db.internal/warehouse"]) == killed
        assert store.unfinished_run({**OPTIONS, "seed": 1}, ["pg:db.internal/warehouse"]) is None
        assert store.unfinished_run(OPTIONS, ["pg:other/db"]) is None
        store.finish_run(killed, status="succeeded", exit_status=0)
        assert store.unfinished_run(OPTIONS, ["pg:db.internal/warehouse"]) is None


def test_reviews_stick_and_are_never_deleted(store_url: str) -> None:
    with Store.open(store_url) as store:
        args = (SOURCE, "pg:db.internal/warehouse", "ods", "orders", "sfzh", "CN_RESIDENT_ID")
        store.add_review(*args, decision="dismiss", note="test fixture numbers", by="li.wei")
        store.add_review(*args, decision="confirm", note="real customers after all", by="zhang.min")
        ((key, review),) = store.reviews().items()
        assert key == ("pg:db.internal/warehouse", "ods", "orders", "sfzh", "CN_RESIDENT_ID")
        assert (review.decision, review.by) == ("confirm", "zhang.min")
        assert [r["decision"] for r in store.review_log()] == ["dismiss", "confirm"]
        assert "Secret-Pw-9" not in json.dumps(store.review_log())
        with pytest.raises(StoreError, match="confirm, dismiss"):
            store.add_review(*args, decision="ignore", note="x", by="x")
        with pytest.raises(StoreError, match="needs a note"):
            store.add_review(*args, decision="dismiss", note="  ", by="x")


def test_a_dismissed_finding_makes_no_sensitive_column_in_the_run(store_url: str) -> None:
    """History and the console count what the report counts: a dismissed ID column is not sensitive."""
    dismissed = table("orders")
    dismissed["columns"][0]["entities"][0]["review"] = {
        "decision": "dismiss",
        "note": "order numbers",
        "by": "li.wei",
        "at": "2026-12-01T08:00:00Z",
    }
    dismissed["columns"][0]["pi_class"] = None
    with Store.open(store_url) as store:
        run_id = run(store, [dismissed, table("customers")])
        assert store.run(run_id)["sensitive_columns"] == 1  # customers.sfzh only


def _writer(url: str, worker: int) -> None:
    with Store.open(url) as store:
        for r in range(5):
            run_id = store.begin_run([SOURCE], [f"w{worker}"], OPTIONS, VERSIONS)
            for i in range(20):
                store.record_table(run_id, f"w{worker}", table(f"t{r}_{i}"))
            store.finish_run(run_id, status="succeeded", exit_status=0)


def test_concurrent_runs_on_one_store_lose_nothing(store_url: str) -> None:
    Store.open(store_url).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(store_url, w)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs)
    with Store.open(store_url) as store:
        runs = store.history()
        assert len(runs) == 15 and all(r["status"] == "succeeded" for r in runs)
        assert sum(r["tables_scanned"] for r in runs) == 300


def test_tables_can_be_carried_only_from_a_run_of_the_same_versions_that_succeeded(store_url: str) -> None:
    """An incremental run looks a table up only when some run it could carry from succeeded: not in a new
    store, not after a failed run, not after a change of rules (a scan of 2,000 tables asked 2,000 times)."""
    newer = {**VERSIONS, "recognizers": "2"}
    with Store.open(store_url) as store:
        assert not store.succeeded_with(VERSIONS)
        failed = run(store, [table("t1")], finish=False)
        store.finish_run(failed, status="failed", exit_status=2)
        assert not store.succeeded_with(VERSIONS)
        run(store, [table("t1")])
        assert store.succeeded_with(VERSIONS) and not store.succeeded_with(newer)
        started = StoreRun.start(store, [SOURCE], OPTIONS, VERSIONS, incremental=True)
        assert started.carryable
        assert not StoreRun.start(store, [SOURCE], OPTIONS, newer, incremental=True).carryable
