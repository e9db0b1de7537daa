"""``source_identity``: one key per source, whatever the spelling; different sources keep different keys."""

from __future__ import annotations

import os

import pytest

from connectors.uri import source_identity


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A working directory holding ``lake/`` and ``crm.db``, entered for the relative spellings."""
    (tmp_path / "lake").mkdir()
    (tmp_path / "crm.db").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


def test_local_paths_resolve(here):
    spellings = [
        "lake",
        "lake/",
        "./lake",
        "./lake/",
        "lake//",
        f"{here}/lake",
        f"{here}/lake/",
        f"{here}/../{here.name}/lake",
        f"file://{here}/lake/",
        f"file://localhost{here}/lake",
        " lake ",
    ]
    assert {source_identity(s) for s in spellings} == {str(here / "lake")}


def test_a_symlink_is_its_target(here):
    os.symlink(here / "lake", here / "exports")
    assert source_identity("exports/") == source_identity(str(here / "lake"))


def test_sqlite_resolves_against_the_working_directory(here):
    spellings = [
        "sqlite:///crm.db",
        "sqlite:///./crm.db",
        f"sqlite:////{str(here).lstrip('/')}/crm.db",
        f"sqlite+pysqlite:///{here}/crm.db",
        f"SQLite:///{here}/sub/../crm.db",
    ]
    assert {source_identity(s) for s in spellings} == {f"sqlite:///{here}/crm.db"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("sqlite:///crm.db", "sqlite:///other/crm.db"),  # same file name, another directory
        ("sqlite:///crm.db", "crm.db"),  # a SQLite database is not a Parquet path
        ("lake", "lake2"),
        ("sqlite://", "sqlite:///crm.db"),
    ],
)
def test_different_local_sources_stay_apart(here, a, b):
    assert source_identity(a) != source_identity(b)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://db.internal/dw",
        "postgresql://db.internal:5432/dw",
        "postgresql+psycopg://scanner@db.internal/dw",
        "postgresql+psycopg2://scanner:s3cr3t@DB.Internal./dw",
        "postgres://auditor:***@db.internal:5432/dw/",
        "postgresql://u:pa/ss@w@db.internal/dw?sslmode=require&connect_timeout=5",
        "postgresql://db.internal/dw#fragment",
    ],
)
def test_postgresql_spellings_agree(url):
    assert source_identity(url) == "postgresql://db.internal:5432/dw"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://db.internal/crm",
        "mysql+pymysql://root:pw@db.internal:3306/crm?charset=utf8mb4",
        "mariadb+mariadbconnector://db.internal/crm",
        "MySQL://DB.INTERNAL/crm",
    ],
)
def test_mysql_and_mariadb_spellings_agree(url):
    assert source_identity(url) == "mysql://db.internal:3306/crm"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a name and an address are not assumed equal
        ("postgresql://localhost/dw", "postgresql://127.0.0.1/dw"),
        ("postgresql://db.internal/dw", "postgresql://db.internal:5433/dw"),
        ("postgresql://db.internal/dw", "postgresql://db.internal/dw_archive"),
        ("postgresql://db.internal/dw", "postgresql://db2.internal/dw"),
        ("postgresql://db.internal/dw", "mysql://db.internal/dw"),
        ("mysql://db.internal/crm", "mysql://db.internal:3307/crm"),
        ("postgresql:///dw?host=/run/a", "postgresql:///dw?host=/run/b"),  # the socket directory says where
        ("postgresql:///dw", "postgresql://localhost/dw"),  # the local socket is not TCP to localhost
    ],
)
def test_different_servers_and_databases_stay_apart(a, b):
    assert source_identity(a) != source_identity(b)


def test_ipv6_hosts_are_compared_as_addresses():
    long_form = "postgresql://[0:0:0:0:0:0:0:1]:5432/dw"
    assert source_identity(long_form) == source_identity("postgresql://[::1]/dw")


def test_credentials_never_reach_the_identity():
    ident = source_identity("postgresql://scan:hunter2@db.internal/dw?password=hunter3&sslpassword=hunter4")
    assert "hunter" not in ident and "scan" not in ident


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("s3://export-staging/2026-11/", "s3://export-staging/2026-11", True),
        ("s3://export-staging", "s3://export-staging/", True),
        # a shorter prefix is not the same
        ("s3://export-staging/2026-11/", "s3://export-staging/2026-1", False),
        ("s3://export-staging/2026-11/", "s3://export-archive/2026-11/", False),
        ("s3://export-staging/Crm/", "s3://export-staging/crm/", False),  # keys are case-sensitive
    ],
)
def test_s3_bucket_and_prefix(a, b, same):
    assert (source_identity(a) == source_identity(b)) is same
