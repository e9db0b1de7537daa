"""E-mail, IP and MAC addresses: validation, version strings, vendors and randomised MACs."""

from __future__ import annotations

import ipaddress
import random

import pyarrow as pa
import pytest

from recognizers.network import (
    BareMacRecognizer,
    EmailRecognizer,
    IpRecognizer,
    MacRecognizer,
    is_valid_email,
    is_valid_ip,
    is_valid_mac,
    oui_vendor,
)
from tests.recognizers import id_samples as S


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("zhang.wei@example.com.cn", True),
        ("a+b_c%d@sub.qq.com", True),
        (".a@example.com", False),
        ("a..b@example.com", False),
        ("a@-example.com", False),
        ("a@example.c", False),
        ("a@b", False),
        ("x" * 65 + "@example.com", False),
        ("张伟@example.com", False),
    ],
)
def test_email_table(address, valid):
    assert is_valid_email(address) is valid
    assert (EmailRecognizer().analyze_values(pa.array([address])).matched == 1) is valid


def test_email_column():
    rng = random.Random(41)
    values = S.column(rng, S.email)
    f = S.analyze({"yx": values})["yx"]["EMAIL"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values))
    assert all(e.split("@")[0][1:] == "*" * (len(e.split("@")[0]) - 1) for e in f.evidence)


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("192.168.1.10", True),
        ("114.114.114.114", True),
        ("10.0.0.0/8", True),
        ("1.2.3.4:8080", True),
        ("[2001:db8::1]:443", True),
        ("2001:db8::1", True),
        ("::1", True),
        ("::ffff:192.168.1.1", True),
        ("fe80::1ff:fe23:4567:890a", True),
        ("2001:db8::/32", True),
        ("256.1.1.1", False),
        ("010.1.1.1", False),
        ("1.2.3", False),
        ("1.2.3.4/33", False),
        ("2001:db8:::1", False),
        ("12:30:45", False),
        ("1:2:3:4:5:6:7:8:9", False),
    ],
)
def test_ip_table(address, valid):
    rec = IpRecognizer()
    assert rec.is_valid(rec.normalize(address)) is valid
    assert (rec.analyze_values(pa.array([address])).matched == 1) is valid


def test_ipv6_regex_agrees_with_ipaddress():
    """The RE2 pattern that validates IPv6 columns accepts exactly what ``ipaddress`` accepts."""
    rng = random.Random(42)
    samples = []
    for _ in range(3000):
        groups = [f"{rng.randint(0, 65535):x}" for _ in range(8)]
        text = str(ipaddress.IPv6Address(":".join(groups)))  # compressed forms
        if rng.random() < 0.3:
            i, j = sorted(rng.sample(range(9), 2))
            text = ":".join(groups[:i]) + "::" + ":".join(groups[j:])
        if rng.random() < 0.3:  # corrupt it
            pos = rng.randrange(len(text))
            text = text[:pos] + rng.choice(":g0f") + text[pos + 1 :]
        samples.append(text)
    rec = IpRecognizer()
    arr = pa.array(samples)
    vector = rec.validate_array(rec.normalize_array(arr))
    scalar = [is_valid_ip(s) for s in samples]
    assert vector.tolist() == scalar
    assert 0.3 < sum(scalar) / len(scalar) < 0.95  # both kinds were exercised


def test_ip_scope_and_column_details():
    rec = IpRecognizer()
    assert rec.describe("10.1.2.3") == {"version": 4, "scope": "private"}
    assert rec.describe("127.0.0.1")["scope"] == "loopback" and rec.describe("2408::1")["scope"] == "public"
    assert rec.mask("192.168.1.10") == "192.168.*.*" and rec.mask("2001:db8::1") == "2001:db8:****"
    rng = random.Random(43)
    values = [f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(500)] + [
        S.ipv4(rng) for _ in range(500)
    ]
    f = S.analyze({"client_ip": values})["client_ip"]["IP_ADDRESS"]
    assert f.match_ratio == 1.0 and 0.5 <= f.details["private_share"] < 0.6
    v6 = S.column(rng, S.ipv6)
    assert S.analyze({"col_6": v6})["col_6"]["IP_ADDRESS"].match_ratio == pytest.approx(S.expected_ratio(v6))


def test_version_strings_are_not_ip_addresses():
    rng = random.Random(44)
    versions = [
        f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 31)}"
        for _ in range(500)
    ]
    assert all(is_valid_ip(v) for v in versions)  # the premise: every one is a valid address
    found = S.analyze({"version": versions, "app_ver": versions})
    assert "IP_ADDRESS" not in found["version"] and "IP_ADDRESS" not in found["app_ver"]
    rec = IpRecognizer()
    assert rec.find_spans("升级到版本 1.2.3.4 后重启") == []
    assert rec.find_spans("app v1.2.3.4 released") == []
    assert [s.text for s in rec.find_spans("登录IP：114.114.114.114，端口 22")] == ["114.114.114.114"]
    assert rec.find_spans("see 1.2.3.4.5 for details") == []
    log = "src IP:114.114.114.114 dst=[2001:db8::1]:443 via ::ffff:10.0.0.1"
    assert [s.text for s in rec.find_spans(log)] == [
        "114.114.114.114",
        "[2001:db8::1]:443",
        "::ffff:10.0.0.1",
    ]
    # a LAN with a small address pool is not taken for version numbers
    lan = [f"10.0.0.{rng.randint(2, 30)}" for _ in range(200)]
    assert "IP_ADDRESS" in S.analyze({"host": lan})["host"]


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("d0:50:99:84:a2:a0", True),
        ("D0-50-99-84-A2-A0", True),
        ("d050.9984.a2a0", True),
        ("d0:50:99-84:a2:a0", False),
        ("00:00:00:00:00:00", False),
        ("ff:ff:ff:ff:ff:ff", False),
        ("d0:50:99:84:a2", False),
        ("g0:50:99:84:a2:a0", False),
    ],
)
def test_mac_table(address, valid):
    assert is_valid_mac(address) is valid
    assert (MacRecognizer().analyze_values(pa.array([address])).matched == 1) is valid


def test_mac_vendor_and_randomised_bit():
    rec = MacRecognizer()
    assert oui_vendor("d0:50:99:84:a2:a0") == "ASRock Incorporation"
    assert oui_vendor("00:00:0c:12:34:56") == "Cisco Systems, Inc"  # first prefix of a multi-prefix entry
    assert oui_vendor("00:01:43:12:34:56") == "Cisco Systems, Inc"  # inside a prefix range
    facts = rec.describe("da:a1:19:12:34:56")
    assert facts == {"vendor": None, "locally_administered": True, "multicast": False}
    assert rec.mask("d050.9984.a2a0") == "d050.99**.****"
    spans = rec.find_spans("MAC:d0:50:99:84:a2:a0, mac=D0-50-99-84-A2-A1. 12:34:56:78:9a:bc:de")
    assert [s.text for s in spans] == ["d0:50:99:84:a2:a0", "D0-50-99-84-A2-A1"]


def test_mac_columns():
    rng = random.Random(45)
    values = S.column(rng, lambda r: S.mac(r, r.choice(":-")))
    f = S.analyze({"col_m": values})["col_m"]["MAC_ADDRESS"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values))
    assert 0.4 < f.details["locally_administered_share"] < 0.6  # random octets: half have the local bit
    bare = S.column(rng, lambda r: S.mac(r, ""))
    assert "MAC_ADDRESS" not in S.analyze({"container_id": bare})["container_id"]
    assert "MAC_ADDRESS" in S.analyze({"wifi_mac": bare})["wifi_mac"]
    assert BareMacRecognizer().is_valid("d0509984a2a0") and not BareMacRecognizer().is_valid("123456789012")


def test_hashes_are_not_addresses():
    import hashlib

    md5 = [hashlib.md5(str(i).encode()).hexdigest() for i in range(500)]
    sha1 = [hashlib.sha1(str(i).encode()).hexdigest() for i in range(500)]
    short = [h[:12] for h in md5]  # docker-style short ids
    assert S.analyze({"md5": md5, "sha1": sha1, "image_id": short}) == {"md5": {}, "sha1": {}, "image_id": {}}
