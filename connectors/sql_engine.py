"""Build a read-only SQLAlchemy engine for a SOURCE URL, and say clearly why it failed.

Everything that can go wrong before the first table is read happens here:
a malformed URL, a dialect SQLAlchemy does not know, a driver that is not
installed, a missing SQLite file, an unreachable server, a wrong password.
Each becomes a :class:`~connectors.base.SourceError` with one line that names
the (masked) source and says what to do.

Read-only measures, installed on every new DBAPI connection:

* PostgreSQL: ``SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`` (the
  session's ``default_transaction_read_only``) and ``statement_timeout``.
* MySQL / MariaDB: ``SET SESSION TRANSACTION READ ONLY`` (every following
  transaction, DDL included, is refused with error 1792) and
  ``max_statement_time`` (MariaDB) or ``max_execution_time`` (MySQL).
* SQLite: the file is opened through a ``file:...?mode=ro`` URI (so a missing
  path is never created), ``PRAGMA query_only = 1``, and a progress handler
  that interrupts a statement running longer than the timeout.

Secrets: driver messages sometimes echo the DSN, so every text taken from an
exception goes through :func:`scrub` with the URL's password (raw and decoded)
and secret query values before it reaches a message.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import registry
from sqlalchemy.engine import URL, Engine, make_url

from connectors.base import SourceError
from connectors.uri import mask_uri

#: Seconds to wait for a TCP connection before calling a server unreachable.
CONNECT_TIMEOUT_S = 10

# Drivers tried, in order, when a URL names no driver and the dialect's default
# one is not installed (``mysql://`` defaults to mysqlclient, which we do not ship).
_DRIVER_FALLBACKS = {
    "postgresql": ("psycopg", "psycopg2", "pg8000"),
    "mysql": ("pymysql", "mysqldb", "mysqlconnector"),
    "mariadb": ("pymysql", "mysqldb", "mariadbconnector"),
}
# pip package for a driver module, for the "install it" hint.
_DRIVER_PACKAGES = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "pyodbc": "pyodbc",
    "oracledb": "oracledb",
    "pg8000": "pg8000",
}
# The chujing extra (pyproject's optional-dependencies) that installs a backend's driver, and that driver.
_EXTRAS = {
    "postgresql": ("postgres", "psycopg"),
    "mysql": ("mysql", "pymysql"),
    "mariadb": ("mysql", "pymysql"),
}
_DIALECT_TYPOS = {
    "postgres": "postgresql",
    "pg": "postgresql",
    "psql": "postgresql",
    "maria": "mariadb",
    "sqlserver": "mssql",
    "sqlite3": "sqlite",
}
_SECRET_KEYS = re.compile(r"(?i)password|passwd|pwd|secret|token|key")


def secrets_of(uri: str) -> list[str]:
    """The strings to scrub from messages: the password as written and decoded, secret query values."""
    found: set[str] = set()
    # The password as mask_uri reads it, as SQLAlchemy reads it, and up to the last "@" (a bare "@" in it).
    for password_re in (r"([^@/]*)@", r"([^@]*)@", r"(.*)@[^@]*$"):
        m = re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^:@/]*:" + password_re, uri or "")
        if m:
            found.update({m.group(1), urllib.parse.unquote(m.group(1))})
    try:  # SQLAlchemy's own reading of the URL, which is what the driver receives
        password = make_url(uri).password
    except Exception:  # noqa: BLE001 - a malformed URL has nothing more to offer
        password = None
    if password:
        found.update({str(password), urllib.parse.quote(str(password), safe="")})
    query = (uri or "").partition("?")[2]
    for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if _SECRET_KEYS.search(key):
            found.update({value, urllib.parse.quote(value, safe="")})
    # A one- or two-character secret cannot be scrubbed without mangling every message.
    return sorted((s for s in found if len(s) >= 3), key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret replaced by ``***``, cut to its first line.

    >>> scrub('connection to "db" failed: FATAL: bad pw hunter2\\nDETAIL: x', ["hunter2"])
    'connection to "db" failed: FATAL: bad pw ***'
    """
    for s in secrets:
        text = text.replace(s, "***")
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= 300 else line[:297] + "..."


def driver_message(exc: BaseException, secrets: list[str]) -> str:
    """The driver's own words for ``exc`` (not SQLAlchemy's wrapper text), scrubbed."""
    orig = getattr(exc, "orig", None) or exc
    args = getattr(orig, "args", ())
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):  # PyMySQL: (code, msg)
        text = f"{args[1]} ({args[0]})"
    else:
        text = str(orig)
    text = re.sub(r"^\([\w.]+\)\s*", "", text)  # SQLAlchemy's "(psycopg.OperationalError) " prefix
    text = re.sub(r"^connection failed:\s*", "", text)
    return scrub(text, secrets)


def parse_url(uri: str, display: str) -> URL:
    try:
        url = make_url(uri)
    except (sa.exc.ArgumentError, ValueError) as exc:
        detail = "the port is not a number" if "int()" in str(exc) else "cannot be parsed"
        raise SourceError(
            f"{display}: not a valid database URL ({detail}) — write it as "
            "dialect+driver://user:password@host:port/database, e.g. postgresql://scan:pw@db:5432/dw",
            source=display,
        ) from None
    if "@" in (url.host or ""):
        raise SourceError(
            f"{display}: not a valid database URL (more than one '@') — percent-encode '@' in the "
            "user name or password as %40",
            source=display,
        )
    return url


def build_engine(
    uri: str, *, timeout_s: float, display: str | None = None, pool_size: int | None = None
) -> Engine:
    """A read-only engine for ``uri``; raises :class:`SourceError` when it cannot be built.

    ``pool_size``: connections kept for that many concurrent readers (``--jobs``).  Building does not
    connect: :func:`check_connection` does.
    """
    display = display or mask_uri(uri)
    url = parse_url(uri, display)
    backend = url.get_backend_name()
    pool = {"pool_size": pool_size, "max_overflow": pool_size} if pool_size else {}
    if backend == "sqlite":
        return _sqlite_engine(url, timeout_s, display, pool)
    connect_args: dict[str, object] = {}
    if backend in ("postgresql", "mysql", "mariadb") and "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    engine = _create(url, display, connect_args, pool)
    name = engine.dialect.name
    if name == "postgresql":
        sa.event.listen(engine, "connect", _pg_session(timeout_s))
    elif name in ("mysql", "mariadb"):
        sa.event.listen(engine, "connect", _mysql_session(timeout_s))
    return engine


def _create(url: URL, display: str, connect_args: dict[str, object], pool: dict[str, int]) -> Engine:
    backend = url.get_backend_name()
    candidates = [url]
    if "+" not in url.drivername:
        candidates += [url.set(drivername=f"{backend}+{d}") for d in _DRIVER_FALLBACKS.get(backend, ())]
    first_missing: ImportError | None = None
    for candidate in candidates:
        try:
            return sa.create_engine(candidate, connect_args=connect_args, pool_pre_ping=True, **pool)
        except sa.exc.NoSuchModuleError:
            if candidate is not url:
                continue  # a fallback driver SQLAlchemy does not know: try the next one
            raise SourceError(_unknown_dialect(url, display), source=display) from None
        except ImportError as exc:
            first_missing = first_missing or exc
    module = getattr(first_missing, "name", None) or str(first_missing)
    named = url.drivername.partition("+")[2] or None
    raise SourceError(
        f"{display}: the Python driver for {backend} is not installed (no module named '{module}') — "
        f"{install_hint(backend, module, named)}",
        source=display,
    ) from None


def install_hint(backend: str, module: str, named_driver: str | None) -> str:
    """What to install for a missing driver: chujing's extra where it has one, as the README says.

    >>> install_hint("postgresql", "psycopg2", None)
    "pip install 'chujing[postgres]'"
    >>> install_hint("mysql", "MySQLdb", "mysqldb")
    "pip install mysqlclient, or pip install 'chujing[mysql]' and write mysql+pymysql://"
    >>> install_hint("mssql", "pyodbc", "pyodbc")
    'pip install pyodbc'
    """
    package = _DRIVER_PACKAGES.get(module, module)
    extra = _EXTRAS.get(backend)
    if extra is None:
        return f"pip install {package}"
    name, driver = extra
    if named_driver is None or named_driver == driver:  # the extra's driver is the one that will be used
        return f"pip install 'chujing[{name}]'"
    return f"pip install {package}, or pip install 'chujing[{name}]' and write {backend}+{driver}://"


def _unknown_dialect(url: URL, display: str) -> str:
    backend, _, driver = url.drivername.partition("+")
    guess = _DIALECT_TYPOS.get(backend.lower())
    if guess:
        return f"{display}: unknown database dialect '{backend}' — did you mean {guess}://?"
    if driver and _dialect_exists(backend):
        return (
            f"{display}: unknown driver '{driver}' for {backend} — name an installed driver, "
            f"e.g. postgresql+psycopg:// or mysql+pymysql://, or leave the driver out"
        )
    return (
        f"{display}: unknown database dialect '{backend}' — use a SQLAlchemy URL such as "
        "postgresql://, mysql+pymysql://, mariadb+pymysql:// or sqlite:///path/to/file.db"
    )


def _dialect_exists(backend: str) -> bool:
    try:
        registry.load(backend)
    except sa.exc.NoSuchModuleError:
        return False
    return True


# -- SQLite ------------------------------------------------------------------------


def _sqlite_engine(url: URL, timeout_s: float, display: str, pool: dict[str, int]) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:"):
        raise SourceError(
            f"{display}: an in-memory SQLite database holds no data to scan — give a file: sqlite:///path/to/file.db",
            source=display,
        )
    if database.startswith("file:"):  # already an SQLite URI filename (…?uri=true)
        path = Path(urllib.parse.unquote(database[5:].partition("?")[0]).removeprefix("//"))
    else:
        path = Path(database).expanduser()
    if not path.exists():
        raise SourceError(f"{display}: SQLite file {path} does not exist — check the path", source=display)
    if not path.is_file():
        raise SourceError(f"{display}: {path} is not a file — give the SQLite database file", source=display)
    # mode=ro: never create or modify the file, whatever the URL asked for.
    target = path.resolve().as_uri() + "?mode=ro"

    def creator() -> sqlite3.Connection:
        return sqlite3.connect(target, uri=True, check_same_thread=False, timeout=min(timeout_s, 30))

    engine = sa.create_engine(URL.create("sqlite+pysqlite", database=str(path)), creator=creator, **pool)
    sa.event.listen(engine, "connect", _sqlite_session(timeout_s))
    sa.event.listen(engine, "before_cursor_execute", _sqlite_deadline)
    return engine


def sqlite_random(seed: object, *values: object) -> float:
    """A seeded, repeatable pseudo-random number in [0, 1) for a row's values.

    SQLite's ``random()`` takes no seed, so sampling registers this function to
    order or filter rows deterministically.  Equal rows get equal numbers.

    >>> sqlite_random(1, 42, "x") == sqlite_random(1, 42, "x") != sqlite_random(2, 42, "x")
    True
    """
    digest = hashlib.blake2b(repr((seed, values)).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _sqlite_session(timeout_s: float):
    """Each new SQLite connection: read only, with a progress handler that stops a statement at its deadline
    (armed before every statement: :func:`_sqlite_deadline`, :func:`sqlite_cursor`), and the seeded random."""

    def on_connect(dbapi_conn: sqlite3.Connection, record: object) -> None:
        dbapi_conn.execute("PRAGMA query_only = 1")
        deadline = [math.inf]
        record.info["chujing_deadline"] = (deadline, timeout_s)  # type: ignore[attr-defined]
        dbapi_conn.set_progress_handler(lambda: int(time.monotonic() > deadline[0]), 10_000)
        dbapi_conn.create_function("chujing_random", -1, sqlite_random, deterministic=True)

    return on_connect


def _arm_deadline(info: dict) -> None:
    armed = info.get("chujing_deadline")
    if armed is not None:
        deadline, timeout_s = armed
        deadline[0] = time.monotonic() + timeout_s


def _sqlite_deadline(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
    _arm_deadline(conn.info)


def sqlite_cursor(conn: sa.Connection) -> sqlite3.Cursor:
    """A cursor of the SQLite driver's connection under ``conn``, its statement deadline armed: for statements
    that skip SQLAlchemy's statement handling (compiling, events, result wrapping: a tenth of a millisecond
    each, where SQLite counts a small table in a twentieth), yet stay in the connection's read-only session,
    under its deadline.  The caller turns driver errors into SQLAlchemy's (:func:`sqlite_errors`)."""
    _arm_deadline(conn.info)
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


@contextlib.contextmanager
def sqlite_errors(statement: str) -> Iterator[None]:
    """SQLite driver errors raised as SQLAlchemy raises them (:class:`sqlalchemy.exc.DBAPIError`), so that a
    statement run on :func:`sqlite_cursor` fails as any other does."""
    try:
        yield
    except sqlite3.Error as exc:
        raise sa.exc.DBAPIError.instance(statement, None, exc, sqlite3.Error) from exc


# -- server sessions -----------------------------------------------------------------


def _pg_session(timeout_s: float):
    def on_connect(dbapi_conn, record) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cur.execute(f"SET statement_timeout = {max(1, int(timeout_s * 1000))}")
        cur.close()
        dbapi_conn.commit()  # session-level SETs made in a transaction stick once it commits

    return on_connect


def _mysql_session(timeout_s: float):
    def on_connect(dbapi_conn, record) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("SET SESSION TRANSACTION READ ONLY")
        cur.execute("SELECT VERSION()")
        version = str(cur.fetchone()[0])
        try:
            if "mariadb" in version.lower():
                cur.execute(f"SET SESSION max_statement_time = {max(0.001, float(timeout_s)):.3f}")
            else:
                cur.execute(f"SET SESSION max_execution_time = {max(1, int(timeout_s * 1000))}")
        except Exception:  # noqa: BLE001 - servers older than the setting: read-only still holds
            pass
        cur.close()
        dbapi_conn.commit()

    return on_connect


# -- connecting ----------------------------------------------------------------------


def check_connection(engine: Engine, uri: str, display: str) -> None:
    """Connect once and run a trivial query; translate every failure into one clear line."""
    probe = (
        sa.text("SELECT count(*) FROM sqlite_master")
        if engine.dialect.name == "sqlite"
        else sa.select(sa.literal_column("1"))
    )
    try:
        with engine.connect() as conn:
            conn.execute(probe).scalar()
    except Exception as exc:  # noqa: BLE001 - any driver failure becomes a SourceError
        raise SourceError(connect_error(exc, uri, display), source=display) from None


def connect_error(exc: BaseException, uri: str, display: str) -> str:
    """One line saying why connecting to ``uri`` failed and what to do about it."""
    url = make_url(uri)
    detail = driver_message(exc, secrets_of(uri))
    low = detail.lower()
    where = f"{url.host or 'localhost'}:{url.port}" if url.port else (url.host or "localhost")
    code = _mysql_code(exc)
    if url.get_backend_name() == "sqlite":
        if "not a database" in low or "encrypted" in low:
            return f"{display}: {url.database} is not a SQLite database ({detail}) — check the path"
        return f"{display}: cannot open the SQLite file ({detail}) — check the path and its permissions"
    if code == 1045 or "password authentication failed" in low or "authentication failed" in low:
        return (
            f"{display}: authentication failed for user '{url.username}' — check the user name and password"
        )
    if code == 1049 or re.search(r"database \S+ does not exist|unknown database", low):
        return f"{display}: database '{url.database}' does not exist — check the database name in the URL"
    if re.search(r"role \S+ does not exist", low):
        return f"{display}: user '{url.username}' does not exist — check the user name"
    if code in (2002, 2003, 2005, 2013) or re.search(
        r"connection refused|could not translate host|name or service not known|timeout expired|timed out|"
        r"no route to host|network is unreachable|can't connect|could not connect|nodename nor servname",
        low,
    ):
        return (
            f"{display}: cannot reach the server at {where} ({detail}) — check the host and port, "
            "and that the server is running and accepts connections from this machine"
        )
    if code == 1044 or "permission denied" in low or "access denied" in low:
        return (
            f"{display}: user '{url.username}' may not connect to this database ({detail}) — check its grants"
        )
    return f"{display}: cannot connect ({detail}) — check the URL and that the server is running"


def _mysql_code(exc: BaseException) -> int | None:
    args = getattr(getattr(exc, "orig", None) or exc, "args", ())
    return args[0] if args and isinstance(args[0], int) else None
