"""chujing's own databases (the scan store, the ledger): SQLAlchemy engines that many processes can share.

A SQLite file is the embedded default for one person; PostgreSQL serves a team.
SQLite needs three things to be shared safely by concurrent runs: write-ahead
logging (readers never wait for the writer), a busy timeout (a second writer
waits instead of failing), and write transactions that take the lock when they
begin (``BEGIN IMMEDIATE``: two writers that both read first would otherwise
deadlock on upgrading their locks).  :func:`write` marks a transaction as a
write; :func:`open_engine` sets the rest up.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

#: Seconds a writer waits for another one (SQLite's busy timeout).
BUSY_TIMEOUT_S = 120


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite database given as ``sqlite:///…`` or a plain path; ``None`` for other databases.

    >>> sqlite_path("sqlite:///var/store.db"), sqlite_path("store.db"), sqlite_path("postgresql://h/db")
    (PosixPath('var/store.db'), PosixPath('store.db'), None)
    """
    if "://" not in url:
        return Path(url).expanduser()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return Path(parsed.database or "").expanduser()


def _switch_to_wal(cur: sqlite3.Cursor) -> None:
    """Put the file in write-ahead-logging mode, waiting as long as a writer would for a busy file.

    Switching the journal mode needs the file to itself, and SQLite answers
    "database is locked" at once, without its busy handler, when another
    connection opens the same new file at that moment: four writers that
    start together on a ledger that does not exist yet lost two of them that way.
    The switch is made once per file (the mode is stored in it), so the wait
    only ever happens when a file is new.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.001
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def sqlite_engine(path: Path | None) -> Engine:
    """A SQLite engine (a file, or ``None`` for a private in-memory database) set up for concurrent writers."""
    if path is None:
        engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    else:
        engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    def on_connect(dbapi_conn, record) -> None:  # noqa: ANN001 - DB-API connection
        dbapi_conn.isolation_level = None  # the "begin" event below issues BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        if path is not None:
            _switch_to_wal(cur)
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    def on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get("chujing_write") else "BEGIN"
        )

    sa.event.listen(engine, "connect", on_connect)
    sa.event.listen(engine, "begin", on_begin)
    return engine


def open_engine(url: str) -> Engine:
    """An engine for ``url``: a SQLite file (created with its folder, readable by its owner only) or any
    SQLAlchemy URL (PostgreSQL for a team)."""
    path = sqlite_path(url)
    if path is None:
        return sa.create_engine(url, pool_pre_ping=True)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)  # masked evidence only, but still a map of where personal data lives
    return sqlite_engine(path)


def open_readonly_engine(url: str) -> Engine:
    """An engine whose connections cannot write, for readers that must never change the store (the console's
    views): SQLite connections run with ``PRAGMA query_only``, PostgreSQL sessions with
    ``default_transaction_read_only``.  The database must exist (open it once with :func:`open_engine`)."""
    path = sqlite_path(url)
    if path is None:
        if make_url(url).get_backend_name() == "postgresql":
            options = "-c default_transaction_read_only=on"
            return sa.create_engine(url, pool_pre_ping=True, connect_args={"options": options})
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sqlite_engine(path)

    def query_only(dbapi_conn, record) -> None:  # noqa: ANN001 - DB-API connection
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only = ON")
        cur.close()

    sa.event.listen(engine, "connect", query_only)
    return engine


@contextlib.contextmanager
def write(conn: Connection) -> Iterator[None]:
    """A write transaction (SQLite: ``BEGIN IMMEDIATE``, so concurrent writers queue on the busy timeout)."""
    conn.execution_options(chujing_write=True)
    try:
        with conn.begin():
            yield
    finally:
        conn.execution_options(chujing_write=False)
