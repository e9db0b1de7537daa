"""A scan store made by real ``chujing scan --store`` runs, and the console serving it on 127.0.0.1.

The warehouse holds 12,000 customers with resident ID numbers — above the
10,000 persons with sensitive PI that make item 13 of the Jiangsu biopharma
list (security assessment) — and a table and a column named as markup
(``<script>alert(1)</script>``, ``<img src=x onerror=alert(1)>``): names are
attacker-controlled text.  Three runs: the first scan, an incremental one after
a new table appeared (a NEW finding), and an incremental one with nothing
changed (every table carried over).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli.root import main
from scanner.console.app import ConsoleConfig, create_app
from scanner.console.security import Authenticator
from scanner.console.server import build_server
from tests.export.conftest import resident_id

XSS_TABLE = "<script>alert(1)</script>"
XSS_COLUMN = "<img src=x onerror=alert(1)>"
LISTS = ("--list", "jiangsu-2025-biopharma", "--scenario", "other", "--subject", "customer")
CUSTOMERS = 12_000


def chujing(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def make_warehouse(path: Path) -> str:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, sfzh TEXT, note TEXT)")
    con.executemany(
        "INSERT INTO customers (sfzh, note) VALUES (?, ?)", [(resident_id(i), "ok") for i in range(CUSTOMERS)]
    )
    con.execute(f'CREATE TABLE "{XSS_TABLE}" (id INTEGER PRIMARY KEY, "{XSS_COLUMN}" TEXT)')
    con.executemany(
        f'INSERT INTO "{XSS_TABLE}" ("{XSS_COLUMN}") VALUES (?)',
        [(resident_id(50_000 + i),) for i in range(200)],
    )
    con.commit()
    con.close()
    return f"sqlite:///{path}"


def add_leads(path: Path) -> None:
    """A new table with ID numbers: the next run's NEW finding."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE leads (id INTEGER PRIMARY KEY, id_no TEXT)")
    con.executemany("INSERT INTO leads (id_no) VALUES (?)", [(resident_id(80_000 + i),) for i in range(300)])
    con.commit()
    con.close()


def scan(src: str, store: Path, *extra: object) -> dict:
    r = chujing("scan", src, "--store", store, "--format", "json", "--quiet", *LISTS, *extra)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


@dataclass
class Scanned:
    """The warehouse, the store and the three runs' reports (oldest first)."""

    db: Path
    src: str
    store: Path
    reports: list[dict]
    raw_ids: list[str]  # values in the warehouse that must never appear in a page


def scanned_store(d: Path) -> Scanned:
    d.mkdir(parents=True, exist_ok=True)
    db, store = d / "wh.db", d / "store.db"
    src = make_warehouse(db)
    first = scan(src, store)
    add_leads(db)
    second = scan(src, store, "--incremental")
    third = scan(src, store, "--incremental")
    raw = [resident_id(i) for i in (0, 1, 2, 500, 11_999)] + [resident_id(50_000), resident_id(80_000)]
    return Scanned(db, src, store, [first, second, third], raw)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scanned_store(tmp_path_factory.mktemp("console"))


@dataclass
class Served:
    url: str
    config: ConsoleConfig


@contextlib.contextmanager
def serving(config: ConsoleConfig) -> Iterator[Served]:
    """The console on 127.0.0.1 (a free port), in a thread of this process, with werkzeug's threaded server."""
    server = build_server(create_app(config), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", config)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def proxy_config(store: Path) -> ConsoleConfig:
    """As behind a reverse proxy that authenticates: the user comes in ``X-Forwarded-User``."""
    return ConsoleConfig(str(store), auth=Authenticator(proxy_header="X-Forwarded-User"))
