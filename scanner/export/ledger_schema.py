"""The export ledger's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

``chujing_exports``
    One row per recorded export: its date, the lists and items it was checked
    against, scenario, subject type, recipient, the source fingerprints from the
    scan (the evidence of *which* data left), this export's person counts, and
    the cumulative counts at the time it was recorded.
``chujing_export_persons``
    One row per (export, person): the person as an HMAC-SHA-256 of the
    normalised, kind-tagged key (never the identifier), and whether the export
    held sensitive PI about them.  Indexed by hash, so "how many of these
    persons were exported earlier this year" is an index join.
``chujing_ledger_meta``
    The schema version and the fingerprint of the HMAC key the ledger is
    written with, so that a ledger is never mixed with another key (hashes
    under two keys never match, and every person would be counted twice).

The ``TEMPORARY`` tables hold one run's hashes while the database counts the
overlap with earlier exports; they live in the session and vanish with it.
"""

from __future__ import annotations

import sqlalchemy as sa

SCHEMA_VERSION = "2"  # 2: persons carry their signature (elements); exports their unkeyed signatures
HASH_BYTES = 32

metadata = sa.MetaData()

ledger_meta = sa.Table(
    "chujing_ledger_meta",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

exports = sa.Table(
    "chujing_exports",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("exported_at", sa.Date, nullable=False, index=True),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column(
        "lists", sa.Text, nullable=False
    ),  # JSON list of {"id", "version", "sha256"} of the lists applied
    sa.Column("items", sa.Text, nullable=False),  # JSON list of {"list", "item", "route"}
    sa.Column("route", sa.String(64), nullable=False),
    sa.Column("scenario", sa.String(128)),
    sa.Column("subject", sa.String(128)),
    sa.Column("recipient", sa.Text),
    sa.Column("exempt", sa.String(64)),  # CBDF Provisions article: not counted towards the cumulative number
    sa.Column("sources", sa.Text, nullable=False),  # JSON list of masked source URIs
    sa.Column(
        "dataset", sa.Text, nullable=False
    ),  # JSON list of {"source", "table", "row_count", "fingerprint"}
    sa.Column("dataset_sha256", sa.String(64), nullable=False),
    sa.Column("persons_any", sa.Integer, nullable=False),
    sa.Column("persons_sensitive", sa.Integer, nullable=False),
    sa.Column("persons_general", sa.Integer, nullable=False),
    sa.Column("unkeyed_any", sa.Integer, nullable=False, default=0),
    sa.Column("unkeyed_sensitive", sa.Integer, nullable=False, default=0),
    sa.Column("cumulative", sa.Text),  # JSON: the year's counts when the export was recorded
    # JSON [[elements…], persons] of the persons counted without a key (schema 2)
    sa.Column("unkeyed_signatures", sa.Text),
    sa.Column("tool_version", sa.String(32)),
)

export_persons = sa.Table(
    "chujing_export_persons",
    metadata,
    sa.Column(
        "export_id", sa.String(40), sa.ForeignKey("chujing_exports.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("person_hash", sa.LargeBinary(HASH_BYTES), primary_key=True),
    sa.Column("sensitive", sa.SmallInteger, nullable=False),
    # the elements of the person's signature, sorted, comma-separated (schema 2; NULL in schema-1 rows)
    sa.Column("elements", sa.Text),
    sa.Index("ix_chujing_export_persons_hash", "person_hash"),
)

# -- per-session scratch tables ------------------------------------------------------------------

temp_metadata = sa.MetaData()

#: Hashes as they are streamed in, with the person's elements in that table; duplicates across tables allowed.
tmp_keys = sa.Table(
    "chujing_tmp_keys",
    temp_metadata,
    sa.Column("h", sa.LargeBinary(HASH_BYTES), nullable=False),
    sa.Column("el", sa.Text, nullable=False),
    prefixes=["TEMPORARY"],
)

#: Columns added by schema 2 to tables of schema 1: (table, column, SQL type).
MIGRATIONS_2 = (
    ("chujing_export_persons", "elements", "TEXT"),
    ("chujing_exports", "unkeyed_signatures", "TEXT"),
)
