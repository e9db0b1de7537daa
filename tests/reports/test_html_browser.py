"""The HTML report opened in headless Chromium: the DOM after load, and a screenshot that is not blank.

Chromium starts twice for the whole module (one DOM dump, one screenshot), with
networking features off and a throw-away profile.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from reports.html import render_html
from reports.integrity import digest
from tests.browser import chromium_or_skip

pytestmark = pytest.mark.browser


def _run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        chromium_or_skip(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory, _scanned) -> dict:
    chromium_or_skip()
    d = tmp_path_factory.mktemp("browser")
    html = render_html(_scanned)
    path = d / "report.html"
    path.write_text(html, "utf-8")
    dom = _run_chromium(d / "profile", "--dump-dom", path.as_uri())
    shot = d / "report.png"
    _run_chromium(d / "profile", f"--screenshot={shot}", "--window-size=1280,2000", path.as_uri())
    return {"html": html, "dom": dom.stdout.decode("utf-8"), "png": shot, "report": _scanned}


def _card(dom: str, label: str) -> str:
    m = re.search(r'<div class="num"[^>]*>([^<]+)</div><div class="lbl">' + re.escape(label), dom)
    assert m, f"no summary card {label!r}"
    return m.group(1)


def test_dom_shows_the_summary_first(page):
    dom, report = page["dom"], page["report"]
    assert "出境数据扫描报告" in dom
    tables = report["tables"]
    sensitive = sum(1 for t in tables for c in t["columns"] if c["pi_class"] == "sensitive")
    assert _card(dom, "数据源") == str(len(report["sources"]))
    assert _card(dom, "数据表") == str(len(tables))
    assert _card(dom, "敏感个人信息字段") == str(sensitive) == "3"
    assert _card(dom, "负面清单条目") == "1"
    assert "标准合同备案或个人信息保护认证 (standard contract or certification)" in dom
    assert (
        dom.index('id="summary"')
        < dom.index('id="charts"')
        < dom.index('id="tables"')
        < dom.index('id="evidence"')
    )


def test_dom_has_bilingual_labels_charts_and_evidence(page):
    dom, report = page["dom"], page["report"]
    assert "28 健康医疗 (Health &amp; medical)" in dom and "22 银行 (Banking)" in dom
    assert "居民身份证号码 (Resident identity card number)" in dom
    charts = re.findall(r"<svg[^>]*class=\"chart\".*?</svg>", dom, re.S)
    assert len(charts) == 4 and all("<rect" in c for c in charts[:3])
    assert digest(report) in dom
    assert report["catalog"]["reference_rule"]["sha256"] in dom


def test_no_remote_references(page):
    html = page["html"]
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"<(?:script|link|iframe|object|embed|img)\b", html, re.I)
    assert not re.search(r"@import|url\(", html)


def _png_facts(path: Path) -> tuple[int, int, float]:
    """(width, height, share of non-zero bytes in the filtered image data): a blank page filters to zeros."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    return width, height, sum(1 for b in raw[::97] if b) / len(raw[::97])


def test_screenshot_is_a_real_page(page):
    png = page["png"]
    assert png.exists() and png.stat().st_size > 50_000
    width, height, busy = _png_facts(png)
    assert (width, height) == (1280, 2000)
    assert busy > 0.01, f"screenshot looks blank ({busy:.3%} non-zero filtered bytes)"
