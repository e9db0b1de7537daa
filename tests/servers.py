"""The real PostgreSQL and MariaDB servers tests run against, and a fresh database per test module.

``.ci/run`` starts throwaway servers on 127.0.0.1 (``.ci/services.sh``) and
exports their URLs; these fixtures read them:

``pg_url`` / ``mysql_url`` (session)
    ``CHUJING_TEST_PG_URL`` / ``CHUJING_TEST_MYSQL_URL``.  Without the variable the
    test is skipped, except under CI (``CI=true``), where a missing server is a
    failure: a green CI run must mean the database tests ran.
``pg_db_url`` / ``mysql_db_url`` (module)
    The URL of a new, uniquely named database that exists for one test module and
    is dropped afterwards, so modules (and pytest-xdist workers) never see each
    other's tables.

Tests write their data through an ordinary engine on that URL (:func:`admin_engine`);
connectors under test are read only.  To run the database tests locally::

    source .ci/services.sh && services_start && python -m pytest -q tests/connectors
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

PG_ENV = "CHUJING_TEST_PG_URL"
MYSQL_ENV = "CHUJING_TEST_MYSQL_URL"


def server_url(env: str, what: str) -> str:
    """The URL in ``env``; skip the test (fail it under ``CI=true``) when it is not set."""
    url = os.environ.get(env, "").strip()
    if url:
        return url
    message = f"{what} test server not running: set {env} (started by .ci/run)"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_url() -> str:
    return server_url(PG_ENV, "PostgreSQL")


@pytest.fixture(scope="session")
def mysql_url() -> str:
    return server_url(MYSQL_ENV, "MariaDB/MySQL")


def unique_name(prefix: str) -> str:
    """A database name no other test run uses at the same time: ``prefix`` + pid + random suffix.

    >>> bool(re.fullmatch(r"t_test_sql_\\d+_[0-9a-f]{6}", unique_name("Test-SQL")))
    True
    """
    clean = re.sub(r"[^a-z0-9_]+", "_", prefix.lower()).strip("_")[:30] or "db"
    return f"t_{clean}_{os.getpid()}_{secrets.token_hex(3)}"


def admin_engine(url: str, **kwargs: object) -> Engine:
    """An ordinary read-write engine, for creating and loading test data."""
    return sa.create_engine(url, **kwargs)


@contextlib.contextmanager
def fresh_pg_database(url: str, prefix: str = "db") -> Iterator[str]:
    """Create a database on the server of ``url``, yield its URL, drop it (even if still in use)."""
    name = unique_name(prefix)
    server = admin_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


@contextlib.contextmanager
def fresh_mysql_database(url: str, prefix: str = "db") -> Iterator[str]:
    """Create a database (a schema, in MySQL terms), yield its URL, drop it."""
    name = unique_name(prefix)
    server = admin_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        server.dispose()


def _module_prefix(request: pytest.FixtureRequest) -> str:
    return request.module.__name__.rsplit(".", 1)[-1]


@pytest.fixture(scope="module")
def pg_db_url(pg_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    with fresh_pg_database(pg_url, _module_prefix(request)) as url:
        yield url


@pytest.fixture(scope="module")
def mysql_db_url(mysql_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    with fresh_mysql_database(mysql_url, _module_prefix(request)) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty scan store per test: a SQLite file, or a fresh database on the real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with fresh_pg_database(request.getfixturevalue("pg_url"), _module_prefix(request)) as url:
        yield url
