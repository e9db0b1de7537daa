"""The console in a real browser: Playwright driving Debian's chromium against the console on 127.0.0.1.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (``$CHUJING_CHROMIUM``) with networking
features off.  Each page's screenshot is written to a temporary folder and checked not to be blank; with
``CHUJING_CONSOLE_SCREENSHOTS=docs/console`` they are written there for docs/console.md.
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import sync_playwright

from scanner.store import Store
from tests.browser import chromium_or_skip
from tests.console.conftest import (
    LISTS,
    XSS_COLUMN,
    XSS_TABLE,
    Scanned,
    Served,
    chujing,
    proxy_config,
    scan,
    scanned_store,
    serving,
)

pytestmark = pytest.mark.browser
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
USER = "li.wei"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    path = chromium_or_skip()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def served(scanned: Scanned) -> Iterator[Served]:
    with serving(proxy_config(scanned.store)) as s:
        yield s


@pytest.fixture
def page(browser, served: Served) -> Iterator[object]:
    context = browser.new_context(
        extra_http_headers={"X-Forwarded-User": USER}, viewport={"width": 1200, "height": 820}
    )
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()


def shot(pg, name: str, tmp_path: Path) -> Path:
    """A screenshot of the page (viewport): written, a PNG, and not one flat colour."""
    folder = Path(os.environ.get("CHUJING_CONSOLE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    data = pg.screenshot(path=str(path))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 820) and len(data) > 20_000  # a blank page compresses to a few KB
    return path


def url(served: Served, path: str, **args: str) -> str:
    return f"{served.url}{path}" + (f"?{urlencode(args)}" if args else "")


def store_counts(store: Path) -> dict[str, int]:
    """The overview's numbers computed from the store's rows, without the console's code."""
    con = sqlite3.connect(store)
    (run_id,) = con.execute(
        "SELECT id FROM chujing_runs WHERE status != 'running' ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    tables = [
        json.loads(r)
        for (r,) in con.execute("SELECT result FROM chujing_run_tables WHERE run_id=?", (run_id,))
    ]
    con.close()
    cols = [c for t in tables for c in t["columns"]]
    return {
        "n-tables": len(tables),
        "n-failed": sum(t["status"] != "ok" for t in tables),
        "n-sensitive": sum(c.get("pi_class") == "sensitive" for c in cols),
        "n-general": sum(c.get("pi_class") == "general" for c in cols),
    }


def test_the_overview_shows_the_stores_numbers(
    page, served: Served, scanned: Scanned, tmp_path: Path
) -> None:
    page.goto(url(served, "/"))
    expected = store_counts(scanned.store)
    shown = {k: int(page.inner_text(f"#{k}").replace(",", "")) for k in expected}
    assert (
        shown == expected and expected["n-sensitive"] == 3
    )  # customers.sfzh, leads.id_no, the markup column
    assert page.inner_text("#n-sources") == "1"
    assert int(page.inner_text("#n-items")) == len(scanned.reports[-1]["list_items"]["items"]) >= 1
    assert page.locator("svg.chart polyline").count() == 3  # trend: tables, sensitive columns, failed tables
    assert page.locator("#sources .route-security_assessment").count() == 1
    shot(page, "overview", tmp_path)
    page.goto(url(served, "/runs"))
    assert page.locator("#runs tbody tr").count() == 3
    shot(page, "runs", tmp_path)


def test_the_drill_down_reaches_a_column_with_masked_evidence_only(
    page, served: Served, scanned: Scanned, tmp_path: Path
) -> None:
    page.goto(url(served, "/"))
    page.click("#sources a[href^='/source']")
    page.click("#schemas a")
    shot(page, "schema", tmp_path)
    page.click("#tables a:text-is('customers')")
    assert page.inner_text("#table-name") == "customers"
    shot(page, "table", tmp_path)
    page.click("#columns a:text-is('sfzh')")
    assert page.inner_text("#column-name") == "sfzh"
    assert "敏感个人信息" in page.inner_text("#pi-class")
    evidence = page.locator(".entity[data-entity='CN_RESIDENT_ID'] .ev").all_inner_texts()
    assert evidence and all("*" in e and len(e) == 18 for e in evidence)
    html = page.content()
    assert not [v for v in scanned.raw_ids if v in html]
    assert "jiangsu-2025-biopharma#13" in page.inner_text("body")  # the list item that reaches the column
    shot(page, "column", tmp_path)


def test_markup_in_names_renders_as_text_and_runs_nothing(page, served: Served, scanned: Scanned) -> None:
    with Store.open(str(scanned.store)) as store:
        (source,) = store.history()[0]["source_keys"]
    page.goto(url(served, "/schema", source=source, schema=""))
    assert page.locator("#tables a", has_text=XSS_TABLE).count() == 1
    page.goto(url(served, "/table", source=source, schema="", table=XSS_TABLE))
    assert page.inner_text("#table-name") == XSS_TABLE
    assert page.locator("#columns a", has_text=XSS_COLUMN).count() == 1
    page.goto(url(served, "/column", source=source, schema="", table=XSS_TABLE, column=XSS_COLUMN))
    assert page.inner_text("#column-name") == XSS_COLUMN
    for path in ("/findings", "/review", "/"):
        page.goto(url(served, path))
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_a_post_without_its_token_is_refused(page, served: Served, scanned: Scanned) -> None:
    page.goto(url(served, "/review"))
    token = page.locator("#queue input[name=f]").first.get_attribute("value")
    form = {"f": token, "decision": "dismiss", "note": "forged"}
    no_token = page.request.post(url(served, "/review"), form=form, headers={"Origin": served.url})
    wrong_token = page.request.post(
        url(served, "/review"), form={**form, "csrf": "x" * 43}, headers={"Origin": served.url}
    )
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    other_site = page.request.post(
        url(served, "/review"), form={**form, "csrf": csrf}, headers={"Origin": "http://evil.example"}
    )
    assert (no_token.status, wrong_token.status, other_site.status) == (400, 400, 403)
    with Store.open(str(scanned.store)) as store:
        assert store.review_log() == []


def test_dismissing_in_the_queue_changes_the_next_report_and_the_check(
    browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 12,000 ID numbers of customers.sfzh make item 13 (security assessment, check exit 20); a reviewer
    dismisses them in the console as synthetic test data — the next run's report keeps them, reviewed, and the
    500 ID numbers left elsewhere need a standard contract only, in the report and in ``chujing check``."""
    monkeypatch.setenv("CHUJING_LEDGER_KEY", "test-ledger-key-9f1c2e7a5b3d4c6e")
    s = scanned_store(tmp_path / "own")
    check = ("check", s.src, *LISTS, "--ledger", tmp_path / "l.db", "--store", s.store, "--format", "json")
    before = chujing(*check)
    assert before.exit_code == 20, before.output
    with serving(proxy_config(s.store)) as served:
        context = browser.new_context(extra_http_headers={"X-Forwarded-User": USER})
        pg = context.new_page()
        pg.goto(url(served, "/review", entity="CN_RESIDENT_ID"))
        assert pg.locator("#queue tbody tr.state-unreviewed").count() == 3
        pg.check("#queue input[aria-label='customers.sfzh CN_RESIDENT_ID']")
        pg.fill("#note", "synthetic IDs generated for load tests")
        pg.click("#dismiss")
        assert "dismissed" in pg.inner_text(".flash.ok")
        row = pg.locator("#queue tbody tr.state-dismissed")
        assert row.count() == 1 and row.locator("s.dismissed").inner_text() == "CN_RESIDENT_ID"
        assert "by li.wei" in row.inner_text() and "synthetic IDs" in row.inner_text()
        context.close()
    with Store.open(str(s.store)) as store:
        (review,) = store.review_log()
    assert (review["table"], review["column"], review["decision"], review["by"]) == (
        "customers",
        "sfzh",
        "dismiss",
        USER,
    )
    after = scan(s.src, s.store, "--incremental")
    sfzh = next(
        c for t in after["tables"] if t["table"] == "customers" for c in t["columns"] if c["name"] == "sfzh"
    )
    assert sfzh["entities"][0]["review"]["by"] == USER and sfzh["pi_class"] is None
    routes = {r["run"]["id"]: r["list_items"]["route"] for r in (s.reports[-1], after)}
    assert list(routes.values()) == ["security_assessment", "standard_contract_or_certification"]
    assert 13 not in [
        i["item"] for i in after["list_items"]["items"]
    ]  # 500 persons with IDs remain elsewhere
    now = chujing(*check)
    assert now.exit_code == 10, now.output  # standard contract, no longer the security assessment (20)
    assert json.loads(now.output)["persons"]["sensitive"]["this_export"] == 500


def test_every_page_renders_for_the_screenshots(
    page, served: Served, scanned: Scanned, tmp_path: Path
) -> None:
    for name, path in (("findings", "/findings"), ("review", "/review"), ("exports", "/exports")):
        page.goto(url(served, path))
        assert page.locator("h1").count() == 1 and "Error" not in page.inner_text("h1")
        shot(page, name, tmp_path)
    first, second = (r["run"]["id"] for r in scanned.reports[:2])
    page.goto(url(served, "/diff", old=first, new=second))
    new = page.locator("#changes tr", has_text="NEW")
    assert new.count() == 1 and new.locator("a:text-is('id_no')").count() == 1  # leads.id_no, linked
    shot(page, "diff", tmp_path)
    run_id = scanned.reports[-1]["run"]["id"]
    page.goto(url(served, f"/runs/{run_id}"))
    with page.expect_download() as dl:
        page.click("#downloads a:text-is('JSON')")
    report = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert report["run"]["id"] == run_id and report["list_items"] == scanned.reports[-1]["list_items"]
