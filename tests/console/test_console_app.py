"""The console's pages through Flask's test client: filters, pages, exports, headers, authentication, forms.

The store is made by real scans (tests/console/conftest.py); the browser tests drive the same app in chromium.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from scanner.console.app import ConsoleConfig, create_app
from scanner.console.findings import Filters, select
from scanner.console.security import CSP, Authenticator
from scanner.store import Store
from tests.console.conftest import XSS_COLUMN, XSS_TABLE, Scanned, chujing, scanned_store

ORIGIN = "http://localhost"


@pytest.fixture(scope="module")
def app(scanned: Scanned):
    return create_app(ConsoleConfig(str(scanned.store), auth=Authenticator(local_user="li.wei")))


@pytest.fixture
def client(app):
    return app.test_client()


def source_key(scanned: Scanned) -> str:
    with Store.open(str(scanned.store)) as store:
        (key,) = store.history()[0]["source_keys"]
    return key


def rows(html: str, table_id: str) -> int:
    body = html.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0]
    return body.count('<tr class="finding">')


def csrf(client) -> str:
    html = client.get("/review").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_every_response_carries_the_strict_policy(client) -> None:
    for path in (
        "/",
        "/findings",
        "/review",
        "/runs",
        "/diff",
        "/exports",
        "/static/console.css",
        "/nowhere",
    ):
        r = client.get(path)
        assert r.headers["Content-Security-Policy"] == CSP, path
        assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in CSP and "script-src 'none'" in CSP and "unsafe-inline" not in CSP
    page = client.get("/").get_data(as_text=True)
    assert "<script" not in page and " style=" not in page and "http://" not in page.split("<body>")[0]


def test_findings_filter_by_entity_class_item_source_and_review_state(client, scanned: Scanned) -> None:
    def shown(**args: str) -> int:
        return rows(client.get("/findings", query_string=args).get_data(as_text=True), "findings")

    assert shown() == 3
    assert shown(entity="CN_RESIDENT_ID") == 3 and shown(entity="CN_MOBILE") == 0
    assert shown(pi_class="sensitive") == 3 and shown(pi_class="general") == 0
    assert shown(item="jiangsu-2025-biopharma#13") == 3 and shown(item="jiangsu-2025-biopharma#1") == 0
    assert shown(source=source_key(scanned)) == 3 and shown(source="sqlite:////elsewhere.db") == 0
    assert shown(review="unreviewed") == 3 and shown(review="dismissed") == 0


def test_findings_are_paginated(client) -> None:
    html = client.get("/findings?per_page=1&page=2").get_data(as_text=True)
    assert rows(html, "findings") == 1 and "page 2 of 3" in html
    assert "page 3 of 3" in client.get("/findings?per_page=1&page=99").get_data(as_text=True)


def test_the_filtered_set_exports_as_csv_and_xlsx_with_masked_evidence(client, scanned: Scanned) -> None:
    r = client.get("/findings.csv", query_string={"entity": "CN_RESIDENT_ID", "pi_class": "sensitive"})
    assert r.headers["Content-Disposition"].startswith("attachment;") and r.data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert table[0][0] == "数据源 Source" and len(table) == 4
    assert {t[2] for t in table[1:]} == {"customers", "leads", XSS_TABLE} and XSS_COLUMN in {
        t[3] for t in table
    }
    text = r.data.decode("utf-8")
    assert "**********" in text and not [v for v in scanned.raw_ids if v in text]
    none = client.get("/findings.csv?review=dismissed").data.decode("utf-8-sig").splitlines()
    assert len(none) == 1  # the header only

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/findings.xlsx?entity=CN_RESIDENT_ID").data))
    ws = wb.active
    assert ws.max_row == 4 and ws.cell(row=1, column=1).value == "数据源\nSource"


def test_category_filter_keeps_the_rows_in_that_sub_category(app) -> None:
    console = app.extensions["chujing_console"]
    found = console.current_findings()
    found[0].categories = [{"code": "27", "name": "遗传资源", "name_en": "Genetic resources"}]
    try:
        assert select(found, Filters(category="27"), {}) == [found[0]]
        assert select(found, Filters(category="22"), {}) == []
    finally:
        found[0].categories = []


def test_a_post_needs_its_token_and_our_origin_and_writes_the_reviews(tmp_path: Path) -> None:
    scanned = scanned_store(tmp_path)  # its own store: this test writes reviews
    app = create_app(ConsoleConfig(str(scanned.store), auth=Authenticator(local_user="li.wei")))
    client = app.test_client()
    token = csrf(client)
    html = client.get("/review").get_data(as_text=True)
    picks = re.findall(r'name="f" value="([^"]+)"', html)
    form = {"f": picks[:2], "decision": "confirm", "note": "checked with the data owner"}
    assert client.post("/review", data=form, headers={"Origin": ORIGIN}).status_code == 400
    assert client.post("/review", data={**form, "csrf": token}).status_code == 403  # no Origin, no Referer
    assert (
        client.post("/review", data={**form, "csrf": token}, headers={"Origin": "http://evil"}).status_code
        == 403
    )
    assert (
        client.get("/review", query_string={**form, "csrf": token}).status_code == 200
    )  # a GET changes nothing
    with Store.open(str(scanned.store)) as store:
        assert store.review_log() == []
    empty = client.post("/review", data={**form, "csrf": token, "note": " "}, headers={"Origin": ORIGIN})
    assert empty.status_code == 303
    ok = client.post("/review", data={**form, "csrf": token}, headers={"Referer": f"{ORIGIN}/review"})
    assert ok.status_code == 303 and ok.headers["Location"].endswith("/review")
    with Store.open(str(scanned.store)) as store:
        log = store.review_log()
    assert [(r["decision"], r["by"], r["note"]) for r in log] == [
        ("confirm", "li.wei", "checked with the data owner")
    ] * 2
    assert len({r["at"] for r in log}) == 1  # one decision, one transaction
    html = client.get("/findings?review=confirmed").get_data(as_text=True)
    assert rows(html, "findings") == 2 and "confirmed 已确认 by li.wei" in html


def test_http_basic_users_come_from_the_auth_file(scanned: Scanned, tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text(f"# console users\nwang.fang:{generate_password_hash('correct horse')}\n", "utf-8")
    app = create_app(ConsoleConfig(str(scanned.store), auth=Authenticator.configure(str(users), None)))
    client = app.test_client()
    assert client.get("/").status_code == 401
    assert 'Basic realm="chujing console"' in client.get("/").headers["WWW-Authenticate"]
    assert client.get("/", auth=("wang.fang", "wrong")).status_code == 401
    assert client.get("/", auth=("nobody", "correct horse")).status_code == 401
    page = client.get("/", auth=("wang.fang", "correct horse"))
    assert page.status_code == 200 and "wang.fang" in page.get_data(as_text=True)


def test_behind_a_proxy_a_request_without_the_user_header_is_refused(scanned: Scanned) -> None:
    app = create_app(ConsoleConfig(str(scanned.store), auth=Authenticator(proxy_header="X-Forwarded-User")))
    client = app.test_client()
    assert client.get("/").status_code == 403
    assert client.get("/", headers={"X-Forwarded-User": "zhao.lei"}).status_code == 200


def test_a_public_address_without_authentication_is_refused_in_one_line(
    scanned: Scanned, tmp_path: Path
) -> None:
    r = chujing("console", "--store", scanned.store, "--host", "0.0.0.0")
    assert r.exit_code == 2
    (line,) = r.output.strip().splitlines()
    assert line.startswith("error: refusing to serve the console on 0.0.0.0") and "--auth-file" in line
    both = chujing("console", "--store", scanned.store, "--host", "0.0.0.0", "--auth-file", tmp_path / "u",
                   "--trust-proxy-header", "X-Forwarded-User")  # fmt: skip
    assert both.exit_code == 2 and "not both" in both.output
    bad = tmp_path / "bad"
    bad.write_text("wang.fang:plaintext\n", "utf-8")
    r = chujing("console", "--store", scanned.store, "--host", "0.0.0.0", "--auth-file", bad)
    assert r.exit_code == 2 and r.output.startswith(f"error: {bad}:1: expected user:hash")
