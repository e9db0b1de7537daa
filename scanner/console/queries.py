"""The console's reads of the scan store: each one query, each one backed by a key or an index.

Every function takes a read-only :class:`~scanner.store.Store` (opened on
:func:`scanner.store.database.open_readonly_engine`), so no view can write.
Results are plain dicts and tuples; JSON columns are parsed here.

* the run of a source that the console shows (:func:`current_runs`): the
  latest finished run that covered it — scans keep running while people look;
* one table of a run (:func:`table_row`): a primary-key lookup;
* a table across runs (:func:`table_history`) and coverage (:func:`never_scanned`,
  :func:`stale_tables`): the ``ix_chujing_run_tables_table`` index;
* the decisions about one finding (:func:`finding_reviews`): ``ix_chujing_reviews_finding``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from scanner.store import Store, StoreError
from scanner.store import schema as s
from scanner.store.store import RUNNING, TableKey

FindingKey = tuple[str, str, str, str, str]  # (source key, schema or "", table, column, entity)


@dataclass(frozen=True)
class CurrentRun:
    """The run the console shows for one source: its latest finished run."""

    source_key: str
    source: str  # masked URI, as the run was given it
    run: dict[str, Any]


def current_runs(store: Store, *, limit: int = 200) -> list[CurrentRun]:
    """Per source, its latest run that is not still running, newest first (``limit`` runs are looked at)."""
    out: dict[str, CurrentRun] = {}
    for run in store.history(limit):
        if run["status"] == RUNNING:
            continue
        for key, shown in zip(run["source_keys"], run["sources"], strict=False):
            out.setdefault(key, CurrentRun(key, shown, run))
    return list(out.values())


def run_or_none(store: Store, run_id: str | None) -> dict[str, Any] | None:
    """The run ``run_id``, or ``None`` when the store has no such run."""
    if not run_id:
        return None
    try:
        return store.run(run_id)
    except StoreError:
        return None


def table_row(store: Store, run_id: str, key: TableKey) -> dict[str, Any] | None:
    """One table's row in a run (its result parsed), or ``None``."""
    rt = s.run_tables
    stmt = sa.select(rt).where(
        rt.c.run_id == run_id,
        rt.c.source_key == key[0],
        rt.c.schema_name == key[1],
        rt.c.table_name == key[2],
    )
    with store.engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    out = dict(row)
    out["result"] = json.loads(out["result"])
    return out


def table_history(store: Store, key: TableKey, *, limit: int = 30) -> list[dict[str, Any]]:
    """The table in every run that covered it, newest first: status, the run that scanned it, fingerprint."""
    rt, r = s.run_tables, s.runs
    stmt = (
        sa.select(
            rt.c.run_id,
            rt.c.status,
            rt.c.scanned_in_run,
            rt.c.fingerprint_sha256,
            rt.c.recorded_at,
            r.c.started_at,
            r.c.status.label("run_status"),
        )
        .select_from(rt.join(r, r.c.id == rt.c.run_id))
        .where(rt.c.source_key == key[0], rt.c.schema_name == key[1], rt.c.table_name == key[2])
        .order_by(r.c.started_at.desc(), r.c.id.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [dict(x) for x in conn.execute(stmt).mappings()]


def never_scanned(store: Store, runs: Sequence[CurrentRun], *, limit: int = 50) -> tuple[int, list[TableKey]]:
    """Tables the current runs list that no run has ever read successfully: (how many, the first ``limit``)."""
    rt = s.run_tables
    ok = rt.alias("ok")
    where = _current(rt, runs) & (rt.c.status != "ok")
    ever = sa.exists().where(
        ok.c.source_key == rt.c.source_key,
        ok.c.schema_name == rt.c.schema_name,
        ok.c.table_name == rt.c.table_name,
        ok.c.status == "ok",
    )
    return _count_and_keys(store, rt, where & ~ever, limit)


def stale_tables(
    store: Store, runs: Sequence[CurrentRun], days: int, *, now: _dt.datetime | None = None, limit: int = 50
) -> tuple[int, list[TableKey]]:
    """Tables of the current runs whose findings come from a scan older than ``days`` (carried over since)."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    cutoff = (now - _dt.timedelta(days=days)).isoformat().replace("+00:00", "Z")
    rt, r = s.run_tables, s.runs
    scanned = sa.select(r.c.started_at).where(r.c.id == rt.c.scanned_in_run).scalar_subquery()
    where = _current(rt, runs) & (rt.c.status == "ok") & (scanned < cutoff)
    return _count_and_keys(store, rt, where, limit)


def _current(rt: sa.Table, runs: Sequence[CurrentRun]) -> sa.ColumnElement[bool]:
    pairs = [sa.and_(rt.c.run_id == c.run["id"], rt.c.source_key == c.source_key) for c in runs]
    return sa.or_(*pairs) if pairs else sa.false()


def _count_and_keys(
    store: Store, rt: sa.Table, where: sa.ColumnElement[bool], limit: int
) -> tuple[int, list[TableKey]]:
    with store.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(rt).where(where)).scalar_one()
        rows = conn.execute(
            sa.select(rt.c.source_key, rt.c.schema_name, rt.c.table_name)
            .where(where)
            .order_by(rt.c.source_key, rt.c.schema_name, rt.c.table_name)
            .limit(limit)
        ).all()
    return int(n), [(a, b, c) for a, b, c in rows]


def finding_reviews(store: Store, key: FindingKey) -> list[dict[str, Any]]:
    """Every decision about one finding, oldest first (the audit trail; the last one holds)."""
    rv = s.reviews
    stmt = (
        sa.select(rv.c.decision, rv.c.note, rv.c.reviewer, rv.c.at)
        .where(
            rv.c.source_key == key[0],
            rv.c.schema_name == key[1],
            rv.c.table_name == key[2],
            rv.c.column_name == key[3],
            rv.c.entity == key[4],
        )
        .order_by(rv.c.id)
    )
    with store.engine.connect() as conn:
        return [dict(x) for x in conn.execute(stmt).mappings()]


def run_table_rows(store: Store, run_id: str) -> list[tuple[str, str, str, str, str]]:
    """A run's tables in a stable order, results as JSON text: (source key, schema, table, scanned in, result)."""
    rt = s.run_tables
    stmt = (
        sa.select(rt.c.source_key, rt.c.schema_name, rt.c.table_name, rt.c.scanned_in_run, rt.c.result)
        .where(rt.c.run_id == run_id)
        .order_by(rt.c.source_key, rt.c.schema_name, rt.c.table_name)
    )
    with store.engine.connect() as conn:
        return [tuple(x) for x in conn.execute(stmt).all()]  # type: ignore[misc]


def run_started(store: Store, run_ids: Sequence[str]) -> dict[str, str]:
    """When each of ``run_ids`` started (for "scanned N days ago")."""
    if not run_ids:
        return {}
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(s.runs.c.id, s.runs.c.started_at).where(s.runs.c.id.in_(sorted(set(run_ids))))
        ).all()
    return {a: b for a, b in rows}
