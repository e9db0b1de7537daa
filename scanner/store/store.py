"""The scan store: runs, the tables each run covered, their findings, and people's reviews.

Scheduled scans of a warehouse must not start from nothing every night.  The
store remembers each run and each table's result, so that

* an **incremental** run rescans only the tables whose fingerprint (or the
  catalogue and recognizers they were judged by) changed, and carries the
  others over from the last successful run, saying which run scanned them;
* a run killed half-way can be **resumed**: its finished tables are in the
  store, and the next run with the same sources and options scans only the rest;
* **history** and **diffs** between runs, and **reviews** — a person's decision
  about a finding, kept across runs — have somewhere to live.

Only what a report holds goes in: masked evidence, never a raw value; source
URIs masked (:func:`connectors.uri.mask_uri`); nothing about credentials.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from connectors.errors import ChujingError
from connectors.uri import mask_uri, scrub
from scanner.store import schema as s
from scanner.store.database import open_engine, sqlite_path, write

STORE_ENV = "CHUJING_STORE"
RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
DECISIONS = ("confirm", "dismiss")
_PG_LOCK = 0x63687374  # "chst": serialises migrations between PostgreSQL clients


class StoreError(ChujingError):
    """The scan store cannot be used; the message says what to do."""


def canonical_sha256(value: Any) -> str:
    """SHA-256 of ``value`` as canonical JSON (sorted keys): equal content, equal digest.

    >>> canonical_sha256({"b": 1, "a": [2]}) == canonical_sha256({"a": [2], "b": 1})
    True
    """
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc_now(*, precise: bool = False) -> str:
    """Now in UTC, ISO 8601 with ``Z``; ``precise`` keeps microseconds (runs are ordered by their start)."""
    now = _dt.datetime.now(_dt.timezone.utc)
    return (now if precise else now.replace(microsecond=0)).isoformat().replace("+00:00", "Z")


TableKey = tuple[str, str, str]  # (source identity, schema or "", table)


def table_key(source_key: str, table: Mapping[str, Any]) -> TableKey:
    return (source_key, str(table.get("schema") or ""), str(table.get("table")))


@dataclass(frozen=True)
class ReviewTarget:
    """The finding a decision is about: an entity type in one column of one table of one source."""

    source: str  # as given (masked before it is kept)
    source_key: str  # connectors.uri.source_identity of the source
    schema: str | None
    table: str
    column: str
    entity: str


@dataclass(frozen=True)
class Review:
    """A person's decision about one finding (an entity type in one column)."""

    decision: str
    note: str
    by: str
    at: str

    def to_dict(self) -> dict[str, str]:
        return {"decision": self.decision, "note": self.note, "by": self.by, "at": self.at}


class Store:
    """An open scan store.  Use :meth:`open`; close it (or use it as a context manager)."""

    def __init__(self, engine: Engine, display: str) -> None:
        self.engine = engine
        self.display = display

    @classmethod
    def open(cls, url: str) -> Store:
        """Open (and create or migrate) the store at ``url``: a SQLite file or any SQLAlchemy URL."""
        display = mask_uri(url)
        try:
            path = sqlite_path(url)
            if path is not None:
                if path.exists() and not path.is_file():
                    raise StoreError(f"{path}: not a file — give the store's SQLite file or a database URL")
                display = str(path)
            engine = open_engine(url)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise StoreError(
                f"{display}: cannot use this store database ({type(exc).__name__}: {scrub(str(exc), url)}) — "
                "give sqlite:///path/store.db or postgresql+psycopg://user@host/db"
            ) from None
        store = cls(engine, display)
        try:
            store._migrate()
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            detail = scrub(" ".join(str(getattr(exc, "orig", None) or exc).split()), url)
            raise StoreError(f"{display}: cannot open the store ({detail[:300]})") from None
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self.engine.connect() as conn, write(conn):
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            s.store_meta.create(conn, checkfirst=True)
            row = conn.execute(
                sa.select(s.store_meta.c.value).where(s.store_meta.c.name == "schema_version")
            ).scalar_one_or_none()
            version = int(row) if row is not None else 0
            if version > s.SCHEMA_VERSION:
                raise StoreError(
                    f"{self.display}: the store has schema version {version}, newer than this chujing "
                    f"({s.SCHEMA_VERSION}) — upgrade chujing"
                )
            for target, step in s.MIGRATIONS:
                if target > version:
                    step(conn)
                    version = target
            values = {"name": "schema_version", "value": str(version)}
            if row is None:
                conn.execute(s.store_meta.insert().values(values))
            else:
                conn.execute(
                    sa.update(s.store_meta)
                    .where(s.store_meta.c.name == "schema_version")
                    .values(value=str(version))
                )

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(s.store_meta.c.value).where(s.store_meta.c.name == "schema_version")
                ).scalar_one()
            )

    # -- runs ---------------------------------------------------------------------------------------

    def begin_run(
        self,
        sources: Sequence[str],
        source_keys: Sequence[str],
        options: Mapping[str, Any],
        versions: Mapping[str, Any],
        *,
        incremental: bool = False,
        resumed_from: str | None = None,
    ) -> str:
        """Record a new run as ``running`` and return its id."""
        run_id = f"{_dt.datetime.now(_dt.timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
        with self.engine.connect() as conn, write(conn):
            conn.execute(
                s.runs.insert().values(
                    id=run_id,
                    started_at=utc_now(precise=True),
                    status=RUNNING,
                    sources=json.dumps([mask_uri(x) for x in sources], ensure_ascii=False),
                    source_keys=json.dumps(list(source_keys), ensure_ascii=False),
                    options=json.dumps(dict(options), ensure_ascii=False, sort_keys=True, default=str),
                    options_sha256=run_options_sha256(options, source_keys),
                    versions=json.dumps(dict(versions), ensure_ascii=False, sort_keys=True),
                    versions_sha256=canonical_sha256(dict(versions)),
                    incremental=incremental,
                    resumed_from=resumed_from,
                )
            )
        return run_id

    def record_table(
        self,
        run_id: str,
        source_key: str,
        table: Mapping[str, Any],
        *,
        scanned_in_run: str | None = None,
        fingerprint: Mapping[str, Any] | None = None,
    ) -> None:
        """Keep one table's result for ``run_id`` (replacing an earlier one of the same run), with its findings.

        ``fingerprint`` is what later runs compare the table by (default: the report's ``fingerprint``).
        """
        key = table_key(source_key, table)
        at = {"k_run": run_id, "k_source": key[0], "k_schema": key[1], "k_table": key[2]}
        rows = list(_finding_rows(run_id, key, table)) if table.get("status", "ok") == "ok" else []
        with self.engine.connect() as conn, write(conn):
            conn.execute(_DELETE_FINDINGS, at)
            conn.execute(_DELETE_TABLE, at)
            conn.execute(
                _INSERT_TABLE,
                {
                    "run_id": run_id,
                    "source_key": key[0],
                    "schema_name": key[1],
                    "table_name": key[2],
                    "source": str(table.get("source") or ""),
                    "status": str(table.get("status") or "ok"),
                    "scanned_in_run": scanned_in_run or run_id,
                    "fingerprint_sha256": fingerprint_sha256(
                        {"fingerprint": fingerprint or table.get("fingerprint")}
                    ),
                    "result": json.dumps(dict(table), ensure_ascii=False, sort_keys=True, default=str),
                    "recorded_at": utc_now(),
                },
            )
            if rows:
                conn.execute(_INSERT_FINDINGS, rows)

    def finish_run(
        self, run_id: str, *, status: str, exit_status: int | None, route: str | None = None
    ) -> dict[str, Any]:
        """Close a run with its status and exit status; its table counts are taken from what it recorded."""
        rt = s.run_tables
        with self.engine.connect() as conn, write(conn):
            counts = conn.execute(
                sa.select(
                    sa.func.count().filter(sa.and_(rt.c.status == "ok", rt.c.scanned_in_run == run_id)),
                    sa.func.count().filter(sa.and_(rt.c.status == "ok", rt.c.scanned_in_run != run_id)),
                    sa.func.count().filter(rt.c.status != "ok"),
                ).where(rt.c.run_id == run_id)
            ).one()
            f = s.findings
            columns = (
                sa.select(f.c.source_key, f.c.schema_name, f.c.table_name, f.c.column_name)
                .where(f.c.run_id == run_id, f.c.pi_class == "sensitive")
                .distinct()
                .subquery()
            )
            sensitive = conn.execute(sa.select(sa.func.count()).select_from(columns)).scalar_one()
            conn.execute(
                sa.update(s.runs)
                .where(s.runs.c.id == run_id)
                .values(
                    status=status,
                    exit_status=exit_status,
                    route=route,
                    finished_at=utc_now(),
                    tables_scanned=int(counts[0]),
                    tables_carried=int(counts[1]),
                    tables_failed=int(counts[2]),
                    sensitive_columns=int(sensitive),
                )
            )
        return self.run(run_id)

    def run(self, run_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(s.runs).where(s.runs.c.id == run_id)).mappings().first()
        if row is None:
            raise StoreError(f"{self.display}: no run {run_id!r} — `chujing history` lists the runs")
        return _run_dict(row)

    def history(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Runs, newest first."""
        stmt = sa.select(s.runs).order_by(s.runs.c.started_at.desc(), s.runs.c.id.desc())
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [_run_dict(r) for r in conn.execute(stmt).mappings()]

    def unfinished_run(self, options: Mapping[str, Any], source_keys: Sequence[str]) -> str | None:
        """The latest run of the same sources and options that did not finish (killed, or lost its connection)."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(s.runs.c.id)
                .where(
                    s.runs.c.status == RUNNING,
                    s.runs.c.options_sha256 == run_options_sha256(options, source_keys),
                )
                .order_by(s.runs.c.started_at.desc(), s.runs.c.id.desc())
                .limit(1)
            ).scalar_one_or_none()

    def tables(self, run_id: str) -> dict[TableKey, tuple[str, dict[str, Any], str | None]]:
        """What a run recorded: per table, the run that scanned it, the table's result and its fingerprint digest."""
        rt = s.run_tables
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(rt).where(rt.c.run_id == run_id)).mappings().all()
        return {
            (r["source_key"], r["schema_name"], r["table_name"]): (
                r["scanned_in_run"],
                json.loads(r["result"]),
                r["fingerprint_sha256"],
            )
            for r in rows
        }

    def carried(
        self, source_key: str, table: Mapping[str, Any], versions: Mapping[str, Any]
    ) -> tuple[str, dict] | None:
        """The latest successful result of ``table`` with the same fingerprint and versions, or ``None``.

        ``table`` needs ``schema``, ``table`` and ``fingerprint`` (what the table is compared by).  A
        table without a fingerprint is never carried: nothing shows it unchanged.
        """
        fp = fingerprint_sha256(table)
        if fp is None:
            return None
        key = table_key(source_key, table)
        at = {
            "k_versions": canonical_sha256(dict(versions)),
            "k_source": key[0],
            "k_schema": key[1],
            "k_table": key[2],
            "k_fingerprint": fp,
        }
        with self.engine.connect() as conn:
            row = conn.execute(_CARRIED, at).first()
        return None if row is None else (row[0], json.loads(row[1]))

    def findings_of(self, run_id: str) -> dict[tuple[str, str, str, str, str], str | None]:
        """A run's findings: ``(source key, schema, table, column, entity)`` → PI class."""
        f = s.findings
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    f.c.source_key, f.c.schema_name, f.c.table_name, f.c.column_name, f.c.entity, f.c.pi_class
                ).where(f.c.run_id == run_id)
            ).all()
        return {(r[0], r[1], r[2], r[3], r[4]): r[5] for r in rows}

    def failed_tables(self, run_id: str) -> dict[TableKey, str]:
        """A run's tables that could not be read, with their error."""
        rt = s.run_tables
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(rt.c.source_key, rt.c.schema_name, rt.c.table_name, rt.c.result).where(
                    rt.c.run_id == run_id, rt.c.status != "ok"
                )
            ).all()
        return {(r[0], r[1], r[2]): str(json.loads(r[3]).get("error") or "") for r in rows}

    def succeeded_with(self, versions: Mapping[str, Any]) -> bool:
        """Whether some run with these versions (tool, catalogue, recognizers) succeeded: what an incremental
        run can carry tables from (:meth:`carried`)."""
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    sa.select(s.runs.c.id)
                    .where(
                        s.runs.c.status == SUCCEEDED,
                        s.runs.c.versions_sha256 == canonical_sha256(dict(versions)),
                    )
                    .limit(1)
                ).first()
                is not None
            )

    def successful_runs(self, n: int = 2) -> list[str]:
        """Ids of the latest ``n`` successful runs, newest first."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(s.runs.c.id)
                    .where(s.runs.c.status == SUCCEEDED)
                    .order_by(s.runs.c.started_at.desc(), s.runs.c.id.desc())
                    .limit(n)
                ).scalars()
            )

    # -- reviews ------------------------------------------------------------------------------------

    def add_review(
        self,
        source: str,
        source_key: str,
        schema: str | None,
        table: str,
        column: str,
        entity: str,
        *,
        decision: str,
        note: str,
        by: str,
    ) -> Review:
        """Keep a person's decision about a finding; earlier decisions stay (audit evidence)."""
        target = ReviewTarget(source, source_key, schema, table, column, entity)
        return self.add_reviews([target], decision=decision, note=note, by=by)[0]

    def add_reviews(
        self, targets: Sequence[ReviewTarget], *, decision: str, note: str, by: str
    ) -> list[Review]:
        """One decision about several findings, kept in one transaction: all of them or none."""
        if decision not in DECISIONS:
            raise StoreError(f"review decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
        if not note.strip():
            raise StoreError("a review needs a note saying why (--note TEXT)")
        if not by.strip():
            raise StoreError("a review needs the name of the person who decides (--by NAME)")
        review = Review(decision, note.strip(), by, utc_now())
        rows = [
            {
                "source_key": t.source_key,
                "source": mask_uri(t.source),
                "schema_name": t.schema or "",
                "table_name": t.table,
                "column_name": t.column,
                "entity": t.entity,
                "decision": decision,
                "note": review.note,
                "reviewer": by,
                "at": review.at,
            }
            for t in targets
        ]
        if rows:
            with self.engine.connect() as conn, write(conn):
                conn.execute(s.reviews.insert(), rows)
        return [review] * len(rows)

    def reviews(self) -> dict[tuple[str, str, str, str, str], Review]:
        """The decision in force per finding ``(source key, schema, table, column, entity)``: the latest one."""
        rv = s.reviews
        out: dict[tuple[str, str, str, str, str], Review] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(sa.select(rv).order_by(rv.c.id)).mappings():
                key = (r["source_key"], r["schema_name"], r["table_name"], r["column_name"], r["entity"])
                out[key] = Review(r["decision"], r["note"], r["reviewer"], r["at"])
        return out

    def review_log(self) -> list[dict[str, Any]]:
        """Every decision ever taken, oldest first."""
        rv = s.reviews
        with self.engine.connect() as conn:
            return [
                {
                    "id": r["id"],
                    "source": r["source"],
                    "schema": r["schema_name"] or None,
                    "table": r["table_name"],
                    "column": r["column_name"],
                    "entity": r["entity"],
                    "decision": r["decision"],
                    "note": r["note"],
                    "by": r["reviewer"],
                    "at": r["at"],
                }
                for r in conn.execute(sa.select(rv).order_by(rv.c.id)).mappings()
            ]


def _of_table(t: sa.Table) -> sa.ColumnElement[bool]:
    """``t``'s rows of one table of a source (``:k_source``, ``:k_schema``, ``:k_table``)."""
    return sa.and_(
        t.c.source_key == sa.bindparam("k_source"),
        t.c.schema_name == sa.bindparam("k_schema"),
        t.c.table_name == sa.bindparam("k_table"),
    )


# The statements a scan runs once a table (record_table, carried), built once: SQLAlchemy took longer to build
# each anew than the database took to run it (1.3 ms of a table's recording, with its commit).
_DELETE_FINDINGS = sa.delete(s.findings).where(
    s.findings.c.run_id == sa.bindparam("k_run"), _of_table(s.findings)
)
_DELETE_TABLE = sa.delete(s.run_tables).where(
    s.run_tables.c.run_id == sa.bindparam("k_run"), _of_table(s.run_tables)
)
_INSERT_TABLE = s.run_tables.insert()
_INSERT_FINDINGS = s.findings.insert()
_CARRIED = (
    sa.select(s.run_tables.c.scanned_in_run, s.run_tables.c.result)
    .select_from(s.run_tables.join(s.runs, s.runs.c.id == s.run_tables.c.run_id))
    .where(
        s.runs.c.status == SUCCEEDED,
        s.runs.c.versions_sha256 == sa.bindparam("k_versions"),
        _of_table(s.run_tables),
        s.run_tables.c.status == "ok",
        s.run_tables.c.fingerprint_sha256 == sa.bindparam("k_fingerprint"),
    )
    .order_by(s.runs.c.started_at.desc(), s.runs.c.id.desc())
    .limit(1)
)


def run_options_sha256(options: Mapping[str, Any], source_keys: Sequence[str]) -> str:
    """What makes two runs "the same run" for ``--resume``: their options and their sources' identities."""
    return canonical_sha256({"options": dict(options), "sources": sorted(source_keys)})


def fingerprint_sha256(table: Mapping[str, Any]) -> str | None:
    fp = table.get("fingerprint")
    return canonical_sha256(fp) if fp else None


def _finding_rows(run_id: str, key: TableKey, table: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """One row per finding.  A dismissed finding keeps its row (evidence is never deleted) but no PI class:
    it sets none in the report either, so a run's count of sensitive columns is the report's."""
    for c in table.get("columns") or []:
        for e in c.get("entities") or []:
            dismissed = (e.get("review") or {}).get("decision") == "dismiss"
            yield {
                "run_id": run_id,
                "source_key": key[0],
                "schema_name": key[1],
                "table_name": key[2],
                "column_name": str(c.get("name")),
                "entity": str(e.get("type")),
                "pi_class": None if dismissed else e.get("pi_class", c.get("pi_class")),
                "score": e.get("score"),
                "match_ratio": e.get("match_ratio"),
                "basis": e.get("basis") or "values",
            }


def _run_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for k in ("sources", "source_keys", "options", "versions"):
        out[k] = json.loads(out[k])
    out.pop("options_sha256", None)
    out.pop("versions_sha256", None)
    out["incremental"] = bool(out["incremental"])
    return out
