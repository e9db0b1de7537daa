"""The scan store's tables (SQLAlchemy Core, the same on SQLite and PostgreSQL) and their migrations.

``chujing_runs``
    One row per run: its sources (masked) and their identities, the options and
    the versions it ran with (tool, catalogue documents' SHA-256, recognizers), so
    that a later run knows whether a table's earlier result still holds; start,
    end, status (``running`` → ``succeeded`` / ``failed``), exit status, and the
    run it resumed.
``chujing_run_tables``
    One row per table a run covered: the table's result as it appears in the
    report (masked evidence only), its fingerprint, and the run that actually
    scanned it — the same run, or an earlier one whose result was carried over
    because the table and the rules had not changed.
``chujing_findings``
    One row per (table, column, entity) of each run, for history, diffs and the
    console to query without parsing results, with what the finding rests on
    (``basis``: ``values``, or ``name_only`` when only the column's name spoke).
``chujing_reviews``
    A person's decisions about findings (confirm / dismiss, note, who, when).
    Never updated or deleted: the latest decision for a finding holds, the
    earlier ones stay as audit evidence.

The schema is versioned: :data:`MIGRATIONS` lists the steps, each applied once
in order inside a write transaction, and ``chujing_store_meta`` remembers the
version reached.  A store newer than this chujing is refused, not downgraded.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()

store_meta = sa.Table(
    "chujing_store_meta",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

runs = sa.Table(
    "chujing_runs",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("started_at", sa.String(32), nullable=False, index=True),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),  # running | succeeded | failed
    sa.Column("exit_status", sa.Integer),
    sa.Column("route", sa.String(64)),  # the strictest route of the lists applied, when any were
    sa.Column("sources", sa.Text, nullable=False),  # JSON: masked URIs as given
    sa.Column("source_keys", sa.Text, nullable=False),  # JSON: connectors.uri.source_identity of each
    sa.Column("options", sa.Text, nullable=False),  # JSON: the sampling parameters of the report
    sa.Column("options_sha256", sa.String(64), nullable=False, index=True),
    sa.Column("versions", sa.Text, nullable=False),  # JSON: tool, catalogue, recognizers
    sa.Column("versions_sha256", sa.String(64), nullable=False),
    sa.Column("incremental", sa.Boolean, nullable=False, default=False),
    sa.Column("resumed_from", sa.String(40)),
    sa.Column("tables_scanned", sa.Integer, nullable=False, default=0),
    sa.Column("tables_carried", sa.Integer, nullable=False, default=0),
    sa.Column("tables_failed", sa.Integer, nullable=False, default=0),
    sa.Column("sensitive_columns", sa.Integer, nullable=False, default=0),
)

run_tables = sa.Table(
    "chujing_run_tables",
    metadata,
    sa.Column(
        "run_id", sa.String(40), sa.ForeignKey("chujing_runs.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("source_key", sa.String(512), primary_key=True),
    sa.Column("schema_name", sa.String(256), primary_key=True),  # "" when the source has no schemas
    sa.Column("table_name", sa.String(512), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),  # masked URI as the report shows it
    sa.Column("status", sa.String(16), nullable=False),  # ok | error
    sa.Column("scanned_in_run", sa.String(40), nullable=False),
    sa.Column("fingerprint_sha256", sa.String(64)),
    sa.Column("result", sa.Text, nullable=False),  # JSON: the report's table entry (masked evidence only)
    sa.Column("recorded_at", sa.String(32), nullable=False),
)

findings = sa.Table(
    "chujing_findings",
    metadata,
    sa.Column("run_id", sa.String(40), sa.ForeignKey("chujing_runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("source_key", sa.String(512), nullable=False),
    sa.Column("schema_name", sa.String(256), nullable=False),
    sa.Column("table_name", sa.String(512), nullable=False),
    sa.Column("column_name", sa.String(512), nullable=False),
    sa.Column("entity", sa.String(128), nullable=False),
    sa.Column("pi_class", sa.String(16)),
    sa.Column("score", sa.Float),
    sa.Column("match_ratio", sa.Float),
    # values | name_only: what the finding rests on (recognizers.name_only; a name alone is never sensitive)
    sa.Column("basis", sa.String(16)),
    sa.Index("ix_chujing_findings_run", "run_id", "source_key", "schema_name", "table_name"),
)

reviews = sa.Table(
    "chujing_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_key", sa.String(512), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("schema_name", sa.String(256), nullable=False),
    sa.Column("table_name", sa.String(512), nullable=False),
    sa.Column("column_name", sa.String(512), nullable=False),
    sa.Column("entity", sa.String(128), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),  # confirm | dismiss
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("reviewer", sa.String(256), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Index(
        "ix_chujing_reviews_finding", "source_key", "schema_name", "table_name", "column_name", "entity"
    ),
)


#: A table across runs (the console's coverage and a table's history): "was it ever scanned?" is an index probe.
run_tables_by_table = sa.Index(
    "ix_chujing_run_tables_table", run_tables.c.source_key, run_tables.c.schema_name, run_tables.c.table_name
)


def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[runs, run_tables, findings, reviews], checkfirst=True)


def _index_tables_v2(conn: Connection) -> None:
    """Version 2: :data:`run_tables_by_table` (a new store gets it from version 1's ``create_all`` already)."""
    run_tables_by_table.create(conn, checkfirst=True)


def _findings_basis_v3(conn: Connection) -> None:
    """Version 3: ``chujing_findings.basis`` (a new store has it from version 1's ``create_all``), filled in
    for the findings already kept from each table's stored result — entities kept before name-only
    findings existed rest on values."""
    if "basis" not in {c["name"] for c in sa.inspect(conn).get_columns(findings.name)}:
        conn.execute(sa.text(f"ALTER TABLE {findings.name} ADD COLUMN basis VARCHAR(16)"))
    rt, f = run_tables, findings
    rows = conn.execute(
        sa.select(rt.c.run_id, rt.c.source_key, rt.c.schema_name, rt.c.table_name, rt.c.result)
        .select_from(rt)
        .where(
            sa.exists().where(
                f.c.run_id == rt.c.run_id,
                f.c.source_key == rt.c.source_key,
                f.c.schema_name == rt.c.schema_name,
                f.c.table_name == rt.c.table_name,
                f.c.basis.is_(None),
            )
        )
    )
    for run_id, source_key, schema_name, table_name, result in rows.all():
        for column in json.loads(result).get("columns") or []:
            for entity in column.get("entities") or []:
                conn.execute(
                    sa.update(f)
                    .where(
                        f.c.run_id == run_id,
                        f.c.source_key == source_key,
                        f.c.schema_name == schema_name,
                        f.c.table_name == table_name,
                        f.c.column_name == str(column.get("name")),
                        f.c.entity == str(entity.get("type")),
                    )
                    .values(basis=entity.get("basis") or "values")
                )
    conn.execute(sa.update(f).where(f.c.basis.is_(None)).values(basis="values"))


#: (version, step): each step brings the store from the version before to its own.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = (
    (1, _create_v1),
    (2, _index_tables_v2),
    (3, _findings_basis_v3),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
