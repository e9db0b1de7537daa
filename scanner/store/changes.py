"""What changed between two runs in the store: the alert a scheduled scan raises.

Per finding — (source, table, column, entity) — a change is ``NEW`` (found now,
not before), ``REMOVED`` (found before, not now), ``CLASS_CHANGED`` (general ↔
sensitive), or ``ERROR`` (the table could not be read now, so its findings are
unknown, not gone); per run, ``ROUTE_CHANGED`` when the strictest route moved.
``alert`` is true when a sensitive finding appeared (new, or a class turned
sensitive): ``chujing diff --since-last`` exits 1 then, for cron and CI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.store.store import Store

KINDS = ("NEW", "REMOVED", "CLASS_CHANGED", "ROUTE_CHANGED", "ERROR")


@dataclass(frozen=True)
class Change:
    kind: str
    source: str = ""
    schema: str | None = None
    table: str = ""
    column: str = ""
    entity: str = ""
    before: str | None = None
    after: str | None = None

    @property
    def alert(self) -> bool:
        return (self.kind == "NEW" and self.after == "sensitive") or (
            self.kind == "CLASS_CHANGED" and self.after == "sensitive"
        )

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if v not in (None, "")}
        out["alert"] = self.alert
        return out


def run_changes(store: Store, old: str, new: str) -> list[Change]:
    """The changes from run ``old`` to run ``new``, in a stable order (see the module docstring)."""
    before, after = store.findings_of(old), store.findings_of(new)
    failed = store.failed_tables(new)
    changes: list[Change] = []
    for key in sorted(set(before) | set(after)):
        src, schema, table, column, entity = key
        where = {"source": src, "schema": schema or None, "table": table, "column": column, "entity": entity}
        if (src, schema, table) in failed and key not in after:
            continue  # reported once per table below: unknown, not removed
        if key not in before:
            changes.append(Change("NEW", **where, after=after[key]))
        elif key not in after:
            changes.append(Change("REMOVED", **where, before=before[key]))
        elif before[key] != after[key]:
            changes.append(Change("CLASS_CHANGED", **where, before=before[key], after=after[key]))
    for (src, schema, table), error in sorted(failed.items()):
        changes.append(Change("ERROR", source=src, schema=schema or None, table=table, after=error))
    r_old, r_new = store.run(old).get("route"), store.run(new).get("route")
    if r_old != r_new:
        changes.append(Change("ROUTE_CHANGED", before=r_old, after=r_new))
    return changes


def since_last(store: Store) -> tuple[str, str, list[Change]] | None:
    """The changes between the latest two successful runs (``None`` when there are fewer than two)."""
    runs = store.successful_runs(2)
    if len(runs) < 2:
        return None
    new, old = runs
    return old, new, run_changes(store, old, new)
