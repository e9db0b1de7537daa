"""Changes between two runs: NEW, REMOVED, CLASS_CHANGED, ROUTE_CHANGED, ERROR — and when to alert."""

from __future__ import annotations

from pathlib import Path

from scanner.store import Store
from scanner.store.changes import run_changes, since_last

KEY = "pg:db.internal/warehouse"
VERSIONS = {"tool": "0.1.0"}


def table(name: str, columns: dict[str, tuple[str, str]], status: str = "ok") -> dict:
    return {
        "source": "postgresql://db.internal/warehouse",
        "schema": "ods",
        "table": name,
        "status": status,
        "error": "permission denied for table ods.t — grant SELECT" if status != "ok" else None,
        "fingerprint": {"row_count": 1},
        "columns": [
            {"name": col, "pi_class": cls, "entities": [{"type": etype, "pi_class": cls, "score": 0.9}]}
            for col, (etype, cls) in columns.items()
        ],
    }


def run(store: Store, tables: list[dict], route: str | None = None) -> str:
    run_id = store.begin_run(["postgresql://db.internal/warehouse"], [KEY], {}, VERSIONS)
    for t in tables:
        store.record_table(run_id, KEY, t)
    store.finish_run(run_id, status="succeeded", exit_status=0, route=route)
    return run_id


def test_changes_between_runs(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "store.db")) as store:
        old = run(
            store,
            [
                table("customers", {"mobile": ("CN_MOBILE", "general"), "memo": ("CN_ADDRESS", "general")}),
                table("orders", {"buyer": ("CN_PERSON_NAME", "general")}),
            ],
            route="standard_contract_or_certification",
        )
        assert since_last(store) is None
        new = run(
            store,
            [
                table(
                    "customers", {"mobile": ("CN_MOBILE", "general"), "sfzh": ("CN_RESIDENT_ID", "sensitive")}
                ),
                table("orders", {}, status="error"),
            ],
            route="security_assessment",
        )
        changes = {(c.kind, c.table, c.column): c for c in run_changes(store, old, new)}
        assert set(changes) == {
            ("NEW", "customers", "sfzh"),
            ("REMOVED", "customers", "memo"),
            ("ERROR", "orders", ""),
            ("ROUTE_CHANGED", "", ""),
        }  # orders.buyer is unknown (the table failed), not removed
        assert changes[("NEW", "customers", "sfzh")].alert
        assert not changes[("REMOVED", "customers", "memo")].alert
        assert changes[("ROUTE_CHANGED", "", "")].after == "security_assessment"
        assert since_last(store)[:2] == (old, new)


def test_a_class_that_turns_sensitive_alerts(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "store.db")) as store:
        old = run(store, [table("students", {"name": ("CN_PERSON_NAME", "general")})])
        new = run(store, [table("students", {"name": ("CN_PERSON_NAME", "sensitive")})])  # minors found
        (change,) = run_changes(store, old, new)
        assert (change.kind, change.before, change.after, change.alert) == (
            "CLASS_CHANGED",
            "general",
            "sensitive",
            True,
        )
        assert not run_changes(store, new, new)
