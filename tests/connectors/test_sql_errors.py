"""SQLConnector when things go wrong: bad URLs, missing drivers, unreachable servers,
wrong passwords, missing files, vanished tables, slow statements, and attempts to write.

Every failure must be a :class:`SourceError` with one line naming the (masked)
source and saying what to do, and no message may contain the password.
"""

from __future__ import annotations

import hashlib
import importlib.util
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from connectors.base import SourceError, TableInfo
from connectors.sql import SQLConnector
from connectors.sql_engine import driver_message, scrub, secrets_of
from tests import servers
from tests.servers import admin_engine

# The real-server fixtures (tests/conftest.py imports them too); bound here so the module also runs alone.
pg_url, mysql_url, pg_db_url, mysql_db_url = (
    servers.pg_url,
    servers.mysql_url,
    servers.pg_db_url,
    servers.mysql_db_url,
)

SECRET = "Wr0ng-Secret-4711"


@dataclass
class DB:
    kind: str
    url: str
    admin: Engine


SLOW_VIEW = {  # a view whose every read takes seconds, for the statement timeout
    "postgresql": "CREATE VIEW slow AS SELECT 1 AS x FROM pg_sleep(5)",
    "mysql": "CREATE VIEW slow AS SELECT 1 AS x FROM DUAL WHERE SLEEP(5) = 0",
    "sqlite": (
        "CREATE VIEW slow AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300000000) "
        "SELECT max(i) AS x FROM c"
    ),
}


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DB]:
    kind = request.param
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'errors.db'}"
    else:
        url = request.getfixturevalue("pg_db_url" if kind == "postgresql" else "mysql_db_url")
    admin = admin_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(20))")
        conn.execute(
            sa.text("INSERT INTO people (id, name) VALUES (:i, :n)"),
            [{"i": i, "n": f"p{i}"} for i in range(50)],
        )
        conn.exec_driver_sql(SLOW_VIEW[kind])
    yield DB(kind, url, admin)
    admin.dispose()


def with_password(url: str, password: str) -> str:
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def open_error(uri: str, **options: object) -> SourceError:
    with pytest.raises(SourceError) as info:
        SQLConnector(uri, **options).open()
    message = str(info.value)
    assert "\n" not in message and " — " in message, message
    return info.value


# -- URLs and drivers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            f"postgresql://scan:{SECRET}@db.local:notaport/dw",
            "not a valid database URL (the port is not a number)",
        ),
        ("postgres:/dw", "not a valid database URL"),
        (f"foodb://scan:{SECRET}@db.local/dw", "unknown database dialect 'foodb'"),
        (f"postgres://scan:{SECRET}@db.local/dw", "did you mean postgresql://"),
        (
            f"postgresql+nosuchdriver://scan:{SECRET}@db.local/dw",
            "unknown driver 'nosuchdriver' for postgresql",
        ),
        ("sqlite://", "in-memory SQLite database holds no data"),
        (f"postgresql://scan:p@{SECRET}@127.0.0.1/dw", "percent-encode '@'"),
        (f"postgresql://scan:p/{SECRET}@127.0.0.1:1/dw", "cannot reach the server at 127.0.0.1:1"),
    ],
)
def test_bad_urls(uri: str, expected: str) -> None:
    err = open_error(uri)
    assert expected in str(err)
    assert SECRET not in str(err) and SECRET not in err.source
    if SECRET in uri:
        assert str(err).startswith(uri.split("://")[0] + "://scan:***@")
        assert "p/" not in str(err) and "p@" not in str(err)


def test_a_driver_that_is_not_installed_says_what_to_install() -> None:
    candidates = [
        ("mssql+pyodbc", "pyodbc"),
        ("oracle+oracledb", "oracledb"),
        ("postgresql+psycopg2", "psycopg2"),
    ]
    missing = [(scheme, module) for scheme, module in candidates if importlib.util.find_spec(module) is None]
    if not missing:
        pytest.skip("every candidate driver is installed here")
    scheme, module = missing[0]
    err = open_error(f"{scheme}://scan:{SECRET}@db.local/dw")
    assert f"no module named '{module}'" in str(err) and "pip install" in str(err)
    assert SECRET not in str(err)


@pytest.mark.parametrize(
    ("scheme", "module", "extra"),
    [("postgresql+psycopg2", "psycopg2", "postgres"), ("mysql+mysqldb", "MySQLdb", "mysql")],
)
def test_a_missing_driver_points_at_chujings_extra(scheme: str, module: str, extra: str) -> None:
    """The README installs drivers as chujing's extras; the hint says the same (and which URL then works)."""
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here")
    err = open_error(f"{scheme}://scan:{SECRET}@db.local/dw")
    backend = scheme.split("+")[0]
    driver = {"postgres": "psycopg", "mysql": "pymysql"}[extra]
    assert f"pip install 'chujing[{extra}]' and write {backend}+{driver}://" in str(err)
    assert SECRET not in str(err)


def test_a_url_without_driver_falls_back_to_an_installed_one(mysql_url: str) -> None:
    url = make_url(mysql_url)
    bare = url.set(drivername="mysql").render_as_string(hide_password=False)
    with SQLConnector(bare) as c:
        expected = "mysqldb" if importlib.util.find_spec("MySQLdb") else "pymysql"
        assert c.engine.dialect.driver == expected
        c.list_tables()


# -- servers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["postgresql+psycopg", "mysql+pymysql"])
def test_unreachable_server(scheme: str) -> None:
    port = free_port()
    err = open_error(f"{scheme}://scan:{SECRET}@127.0.0.1:{port}/dw")
    assert f"cannot reach the server at 127.0.0.1:{port}" in str(err)
    assert "check the host and port" in str(err) and SECRET not in str(err)


@pytest.mark.postgres
def test_wrong_password_postgres(pg_url: str) -> None:
    err = open_error(with_password(pg_url, SECRET))
    user = make_url(pg_url).username
    assert f"authentication failed for user '{user}' — check the user name and password" in str(err)
    assert SECRET not in str(err) and make_url(pg_url).password not in str(err)
    assert f"{user}:***@127.0.0.1" in str(err)


@pytest.mark.mysql
def test_wrong_password_mysql(mysql_url: str) -> None:
    err = open_error(with_password(mysql_url, SECRET))
    user = make_url(mysql_url).username
    assert f"authentication failed for user '{user}'" in str(err)
    assert SECRET not in str(err) and make_url(mysql_url).password not in str(err)


@pytest.mark.postgres
def test_unknown_database_postgres(pg_url: str) -> None:
    err = open_error(make_url(pg_url).set(database="no_such_db").render_as_string(hide_password=False))
    assert "database 'no_such_db' does not exist — check the database name" in str(err)


@pytest.mark.mysql
def test_unknown_database_mysql(mysql_url: str) -> None:
    err = open_error(make_url(mysql_url).set(database="no_such_db").render_as_string(hide_password=False))
    assert "database 'no_such_db' does not exist" in str(err)


def test_passwords_are_scrubbed_from_driver_messages() -> None:
    uri = "postgresql://scan:p%40ss%2Fw0rd@db.local/dw?sslpassword=k3y-pass"
    secrets = secrets_of(uri)
    assert {"p%40ss%2Fw0rd", "p@ss/w0rd", "k3y-pass"} <= set(secrets)
    echo = Exception(
        "could not connect to postgresql://scan:p@ss/w0rd@db.local (p%40ss%2Fw0rd) key=k3y-pass\nDETAIL"
    )
    text = driver_message(echo, secrets)
    assert "w0rd" not in text and "k3y" not in text and "DETAIL" not in text
    assert scrub("x hunter22 y", ["hunter22"]) == "x *** y"


# -- SQLite files ---------------------------------------------------------------------------------


def test_missing_sqlite_file_is_reported_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent" / "nothing.db"
    err = open_error(f"sqlite:///{path}")
    assert f"SQLite file {path} does not exist — check the path" in str(err)
    assert not path.exists() and not path.parent.exists()


def test_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database, just some text " * 100)
    err = open_error(f"sqlite:///{path}")
    assert "is not a SQLite database" in str(err)


# -- tables -----------------------------------------------------------------------------------


def people(c: SQLConnector) -> TableInfo:
    return next(t for t in c.list_tables() if t.name == "people")


@pytest.mark.parametrize("reflect_first", [False, True], ids=["unreflected", "reflected"])
def test_a_table_dropped_after_listing(db: DB, reflect_first: bool) -> None:
    name = f"doomed_{int(reflect_first)}"
    with db.admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, v VARCHAR(5))")
    with SQLConnector(db.url) as c:
        doomed = next(t for t in c.list_tables() if t.name == name)
        if reflect_first:
            assert [col.name for col in c.columns(doomed)] == ["id", "v"]
        with db.admin.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE {name}")
        with pytest.raises(SourceError) as info:
            c.sample(doomed, 10)
        assert info.value.table == name
        assert f"table {name} no longer exists — it was dropped or renamed after listing" in str(info.value)
        assert c.sample(people(c), 10).num_rows == 10  # the rest of the source is still readable


def test_statement_timeout_stops_a_slow_read(db: DB) -> None:
    with SQLConnector(db.url, include_views=True, statement_timeout_s=0.3) as c:
        slow = next(t for t in c.list_tables() if t.name == "slow")
        assert c.row_count(slow) is None  # the exact count timed out and a view has no estimate
        with pytest.raises(SourceError) as info:
            c.sample(slow, 10)
        assert info.value.table == "slow"
        assert "table slow: sampling stopped at the statement timeout (0.3 s)" in str(info.value)
        assert c.sample(people(c), 5).num_rows == 5  # the connection is usable afterwards


# -- read only ----------------------------------------------------------------------------------


WRITES = [
    "INSERT INTO people (id, name) VALUES (1000, 'intruder')",
    "UPDATE people SET name = 'changed'",
    "DELETE FROM people",
    "CREATE TABLE intruder (a INTEGER)",
    "DROP TABLE people",
]
REFUSAL = {
    "postgresql": "read-only transaction",
    "mysql": "read only transaction",
    "sqlite": "readonly database",
}


@pytest.mark.parametrize("statement", WRITES, ids=lambda s: s.split()[0].lower())
def test_writes_through_the_connectors_connection_are_refused(db: DB, statement: str) -> None:
    sqlite_path = Path(make_url(db.url).database) if db.kind == "sqlite" else None
    before = hashlib.sha256(sqlite_path.read_bytes()).hexdigest() if sqlite_path else None
    with SQLConnector(db.url) as c, c.engine.connect() as conn:
        with pytest.raises(sa.exc.DBAPIError) as info:
            conn.exec_driver_sql(statement)
            conn.commit()
        assert REFUSAL[db.kind] in str(info.value.orig).lower()
    with db.admin.connect() as conn:
        rows = conn.exec_driver_sql("SELECT count(*), min(name), max(name) FROM people").one()
        assert tuple(rows) == (50, "p0", "p9")
        assert "intruder" not in sa.inspect(conn).get_table_names()
    if sqlite_path:
        assert hashlib.sha256(sqlite_path.read_bytes()).hexdigest() == before
