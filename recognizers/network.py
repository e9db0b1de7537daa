"""Internet identifiers: e-mail, IP and MAC addresses.

=============  ==================================================  ========  =========
entity         what                                                strength  min_ratio
=============  ==================================================  ========  =========
EMAIL          RFC 5322 addr-spec in its common form               0.95      0.6
IP_ADDRESS     IPv4 (dotted quad, optional /prefix or :port), IPv6  0.9       0.6
MAC_ADDRESS    EUI-48 with ``:``/``-`` separators or Cisco dots     0.9       0.6
MAC_ADDRESS    EUI-48 as 12 bare hex digits                        0.7       0.8  context
=============  ==================================================  ========  =========

**Version strings are not addresses.**  ``1.2.3.4`` is both a valid IPv4
address and a version.  A column in which most valid values look like versions
(first number below 10 and every number below 32, outside the private ranges)
is rejected as a whole; in free text a span preceded by ``v``/``version``/``版本``
is dropped.  Four-part versions whose later parts run up to 255
(``3.15.8.108``) are valid addresses by every value-level test, so the column
name decides: a column named or commented ``version``/``ver``/``版本``/
``firmware``/``固件`` is never reported as IP addresses
(:attr:`IpRecognizer.negative_context`).

**MAC vendors** come from python-stdnum's copy of the IEEE registry
(``stdnum/oui.dat``), read directly: ``stdnum.mac.get_manufacturer`` raises
on unknown prefixes and takes milliseconds per call.  Locally administered
addresses (bit 1 of the first octet: randomised Wi-Fi MACs, virtual machines)
have no vendor and are flagged by :meth:`MacRecognizer.describe`.

More information:

* https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1
* https://docs.python.org/3/library/ipaddress.html
* https://en.wikipedia.org/wiki/MAC_address

>>> EmailRecognizer().validate("zhang.wei@example.com.cn"), EmailRecognizer().validate("a@b")
(True, False)
>>> EmailRecognizer().mask("zhangwei@example.com")
'z*******@example.com'
>>> is_valid_ip("192.168.1.10"), is_valid_ip("256.1.1.1"), is_valid_ip("2001:db8::1")
(True, False, True)
>>> IpRecognizer().describe("10.0.0.8")["scope"], IpRecognizer().describe("114.114.114.114")["scope"]
('private', 'public')
>>> MacRecognizer().describe("d0:50:99:84:a2:a0")
{'vendor': 'ASRock Incorporation', 'locally_administered': False, 'multicast': False}
>>> MacRecognizer().mask("D0-50-99-84-A2-A0")
'D0-50-99-**-**-**'
"""

from __future__ import annotations

import bisect
import collections
import functools
import ipaddress
import os
import re
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import stdnum

from recognizers.base import Pattern
from recognizers.columnar import ColumnarRecognizer, regex_mask, rewrite

# -- e-mail ---------------------------------------------------------------------------------------------------

_EMAIL_STRICT = (
    r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)
_EMAIL = re.compile(_EMAIL_STRICT, re.ASCII)


def is_valid_email(address: str) -> bool:
    """Common-form address: dot-atom local part (≤ 64), host names of letters, digits and inner hyphens."""
    local, _, _ = address.partition("@")
    return len(address) <= 254 and len(local) <= 64 and _EMAIL.fullmatch(address) is not None


class EmailRecognizer(ColumnarRecognizer):
    """EMAIL (电子邮件地址, RFC 5322 addr-spec in its common form).

    A local part of letters, digits and ``._%+-`` (no leading, trailing or
    doubled dot), ``@``, and a domain of at least two labels whose last label
    is alphabetic.  Quoted local parts and IP-literal domains are legal but
    almost never seen in data and are not matched.
    """

    entity = "EMAIL"
    patterns: ClassVar = (
        Pattern(
            "e-mail address (strong)",
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}",
            0.9,
        ),
    )
    context = ("邮箱", "电子邮件", "电子邮箱", "email", "e-mail", "mail", "yx", "youxiang", "dzyx")
    validator_strength = 0.95
    min_ratio = 0.6

    def validate(self, candidate: str) -> bool:
        return is_valid_email(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        ok = pc.match_substring_regex(values, f"^(?:{_EMAIL_STRICT})$")
        ok = pc.and_(ok, pc.less_equal(pc.utf8_length(values), 254))
        ok = pc.and_(ok, pc.less_equal(pc.find_substring(values, "@"), 64))
        return ok.to_numpy(zero_copy_only=False)

    def mask(self, value: str) -> str:
        local, _, domain = value.strip().rpartition("@")
        return (local[:1] + "*" * (len(local) - 1) + "@" + domain) if local else "***"


# -- IP addresses ---------------------------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4_RE = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_H = r"[0-9A-Fa-f]{1,4}"
#: Every pure-hex IPv6 text form ``ipaddress`` accepts (forms with an embedded IPv4 tail go to ``ipaddress``).
IPV6_RE = "|".join(
    (
        rf"(?:{_H}:){{7}}{_H}",
        rf"(?:{_H}:){{1,7}}:",
        rf"(?:{_H}:){{1,6}}:{_H}",
        rf"(?:{_H}:){{1,5}}(?::{_H}){{1,2}}",
        rf"(?:{_H}:){{1,4}}(?::{_H}){{1,3}}",
        rf"(?:{_H}:){{1,3}}(?::{_H}){{1,4}}",
        rf"(?:{_H}:){{1,2}}(?::{_H}){{1,5}}",
        rf"{_H}:(?::{_H}){{1,6}}",
        rf":(?:(?::{_H}){{1,7}}|:)",
    )
)
_IP_STEPS = ((r"^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$", r"\1"), (r"^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$", r"\1"))
_V4_PREFIX = r"(?:/(?:3[0-2]|[12]?\d))?"
_V6_PREFIX = r"(?:/(?:12[0-8]|1[01]\d|[1-9]?\d))?"
_VERSION_BEFORE = re.compile(r"(?:\bv|\bver|\bversion|版本号?|build)\s*[:：=]?\s*$", re.IGNORECASE)


def _split_prefix(address: str) -> tuple[str, int | None]:
    addr, sep, prefix = address.partition("/")
    if not sep:
        return addr, None
    if not (prefix.isascii() and prefix.isdigit() and len(prefix) <= 3):
        raise ValueError("bad prefix length")
    return addr, int(prefix)


def is_valid_ip(address: str) -> bool:
    """True for an IPv4 or IPv6 address, optionally with a ``/prefix`` (leading zeros in IPv4 are rejected)."""
    try:
        addr, prefix = _split_prefix(address)
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    if "%" in addr:
        return False
    return prefix is None or prefix <= (32 if ip.version == 4 else 128)


def ip_scope(address: str) -> str:
    """``private``, ``loopback``, ``link-local``, ``multicast``, ``reserved`` or ``public``."""
    ip = ipaddress.ip_address(_split_prefix(address)[0])
    for scope in ("loopback", "link_local", "multicast", "private", "reserved", "unspecified"):
        if getattr(ip, f"is_{scope}"):
            return scope.replace("_", "-")
    return "public"


def _version_like(values: pa.Array) -> np.ndarray:
    """Row mask over IPv4 strings: first number below 10, every number below 32."""
    parts = pc.split_pattern(pc.replace_substring_regex(values, "/.*$", ""), ".")
    flat = pc.cast(pc.list_flatten(parts), pa.int32()).to_numpy(zero_copy_only=False).reshape(-1, 4)
    return (flat[:, 0] < 10) & (flat < 32).all(axis=1)


class IpRecognizer(ColumnarRecognizer):
    """IP_ADDRESS (IP 地址): IPv4 dotted quads and IPv6 in every text form ``ipaddress`` accepts.

    An optional CIDR prefix (``/24``) or port (``1.2.3.4:8080``, ``[::1]:443``)
    is allowed.  IPv4 needs no leading zeros (``010.1.1.1`` is not matched, as
    Python's ``ipaddress`` refuses it).  ``describe`` says whether an address
    is private or public; ``column_details`` gives the private share.
    """

    entity = "IP_ADDRESS"
    patterns: ClassVar = (
        Pattern("IPv4 dotted quad (medium)", r"\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2}|:\d{1,5})?", 0.6),
        Pattern(
            "IPv6 (strong)",
            r"\[?(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|:|\d{1,3}(?:\.\d{1,3}){3})?(?:\](?::\d{1,5})?)?(?:/\d{1,3})?",
            0.8,
        ),
    )
    context = (
        "ip",
        "ip地址",
        "ip_addr",
        "ipaddr",
        "ip address",
        "登录ip",
        "客户端ip",
        "源地址",
        "目的地址",
        "client ip",
        "remote addr",
        "remote_addr",
        "host",
        "ipdz",
    )
    #: Version and firmware columns hold ``3.15.8.108``: valid IPv4, no address.
    negative_context = ("version", "ver", "版本", "firmware", "固件", "build_no", "buildno")
    validator_strength = 0.9
    min_ratio = 0.6
    text_left = r"(?<![0-9A-Za-z.])"
    text_right = r"(?![0-9A-Za-z]|\.\d)"

    def normalize(self, value: str) -> str:
        value = super().normalize(value)
        for rx, repl in _IP_STEPS:
            value = re.sub(rx, repl, value, flags=re.ASCII)
        return value

    def normalize_array(self, values: pa.Array) -> pa.Array:
        values = rewrite(values, _IP_STEPS[0][0], _IP_STEPS[0][1], trigger=":")
        return rewrite(values, _IP_STEPS[1][0], _IP_STEPS[1][1], trigger="[")

    def validate(self, candidate: str) -> bool:
        return is_valid_ip(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        v4 = regex_mask(values, IPV4_RE + _V4_PREFIX)
        v6 = regex_mask(values, f"(?:{IPV6_RE}){_V6_PREFIX}")
        tail = np.flatnonzero(~v4 & ~v6 & regex_mask(values, r".*:.*\..*"))  # IPv6 with an IPv4 tail: rare
        if len(tail):
            v6[tail] = [is_valid_ip(v) for v in values.take(pa.array(tail)).to_pylist()]
        return v4 | v6

    def column_veto(self, valid: pa.Array) -> str | None:
        v4 = valid.filter(pc.invert(pc.match_substring(valid, ":")))
        if len(v4) >= 3 and len(v4) >= len(valid) / 2 and float(np.mean(_version_like(v4))) >= 0.5:
            return "most values look like version numbers (1.2.3.4), not addresses"
        return None

    def span_veto(self, text: str, start: int, end: int) -> bool:
        return _VERSION_BEFORE.search(text[max(0, start - 12) : start]) is not None

    def mask(self, value: str) -> str:
        v = self.normalize(value)
        if ":" in v:
            groups = v.split(":")
            return ":".join(groups[:2]) + ":****"
        parts = v.split(".")
        return ".".join(parts[:2] + ["*"] * (len(parts) - 2)) if len(parts) == 4 else "*" * len(v)

    def describe(self, candidate: str) -> dict[str, object]:
        v = self.normalize(candidate)
        if not is_valid_ip(v):
            return {}
        return {"version": ipaddress.ip_address(_split_prefix(v)[0]).version, "scope": ip_scope(v)}

    def column_details(self, valid: pa.Array) -> dict[str, object]:
        sample = valid.slice(0, 1000).to_pylist()
        scopes = collections.Counter(ip_scope(v) for v in sample)
        return (
            {
                "private_share": round(scopes["private"] / len(sample), 4),
                "ipv6_share": round(sum(":" in v for v in sample) / len(sample), 4),
            }
            if sample
            else {}
        )


# -- MAC addresses ----------------------------------------------------------------------------------------------

_HEX2 = r"[0-9A-Fa-f]{2}"
_MAC_STRICT = (
    rf"{_HEX2}(?::{_HEX2}){{5}}|{_HEX2}(?:-{_HEX2}){{5}}|[0-9A-Fa-f]{{4}}\.[0-9A-Fa-f]{{4}}\.[0-9A-Fa-f]{{4}}"
)
_MAC = re.compile(_MAC_STRICT, re.ASCII)
_PLACEHOLDERS = ("000000000000", "ffffffffffff")


@functools.lru_cache(maxsize=1)
def _oui_table() -> tuple[dict[int, str], list[tuple[int, int, str]]]:
    """IEEE MA-L assignments from python-stdnum's ``oui.dat``: single prefixes and prefix ranges."""
    path = os.path.join(os.path.dirname(stdnum.__file__), "oui.dat")
    single: dict[int, str] = {}
    ranges: list[tuple[int, int, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(("#", " ")) or ' o="' not in line:
                continue
            keys, _, name = line.partition(' o="')
            name = name.rstrip().rstrip('"')
            for key in keys.split(","):
                lo, _, hi = key.partition("-")
                if len(lo) != 6:
                    continue
                if hi:
                    ranges.append((int(lo, 16), int(hi, 16), name))
                else:
                    single[int(lo, 16)] = name
    ranges.sort()
    return single, ranges


def mac_hex(address: str) -> str:
    """The 12 hex digits of a MAC address, lower case."""
    return re.sub(r"[:.\-]", "", address.strip()).lower()


def oui_vendor(address: str) -> str | None:
    """Registered vendor of a MAC address's OUI, ``None`` when unknown or locally administered."""
    h = mac_hex(address)
    if len(h) != 12:
        return None
    oui = int(h[:6], 16)
    single, ranges = _oui_table()
    if oui in single:
        return single[oui]
    i = bisect.bisect_right(ranges, (oui, 1 << 30, "")) - 1
    if i >= 0 and ranges[i][0] <= oui <= ranges[i][1]:
        return ranges[i][2]
    return None


def is_valid_mac(address: str) -> bool:
    """Colon, dash or Cisco-dot EUI-48 with one consistent separator; not all-zero or broadcast."""
    return _MAC.fullmatch(address) is not None and mac_hex(address) not in _PLACEHOLDERS


def _mask_hex(value: str, keep: int) -> str:
    out, seen = [], 0
    for ch in value:
        if ch in ":.-":
            out.append(ch)
        else:
            out.append(ch if seen < keep else "*")
            seen += 1
    return "".join(out)


class MacRecognizer(ColumnarRecognizer):
    """MAC_ADDRESS (EUI-48 hardware address) in its separated forms.

    ``aa:bb:cc:dd:ee:ff``, ``AA-BB-CC-DD-EE-FF`` or ``aabb.ccdd.eeff`` with one
    separator throughout.  The all-zero and broadcast placeholders are not
    personal and are not matched.  Vendor and the locally-administered
    (randomised) bit are supporting facts, never a condition: randomised MACs
    identify a device just as well.
    """

    entity = "MAC_ADDRESS"
    patterns: ClassVar = (
        Pattern("MAC with : or - separators (strong)", rf"{_HEX2}(?:[:-]{_HEX2}){{5}}", 0.85),
        Pattern("MAC in Cisco dotted form (strong)", r"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}", 0.85),
    )
    context = (
        "mac",
        "mac地址",
        "物理地址",
        "硬件地址",
        "mac address",
        "mac_addr",
        "macaddr",
        "bssid",
        "wifi mac",
        "网卡",
        "wlan mac",
        "mac_address",
        "wldz",
    )
    validator_strength = 0.9
    min_ratio = 0.6
    # not inside a longer run of hex groups ("12:34:56:78:9a:bc:de"), but "MAC:d0:50:…" is fine
    text_left = r"(?<![0-9A-Za-z.\-])(?<![^0-9A-Za-z][0-9A-Fa-f]{2}[:\-])(?<!^[0-9A-Fa-f]{2}[:\-])"
    text_right = r"(?![0-9A-Za-z\-]|[:.][0-9A-Za-z])"

    def validate(self, candidate: str) -> bool:
        return is_valid_mac(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        bare = pc.utf8_lower(pc.replace_substring_regex(values, r"[:.\-]", ""))
        placeholder = pc.is_in(bare, value_set=pa.array(_PLACEHOLDERS))
        return regex_mask(values, _MAC_STRICT) & ~placeholder.to_numpy(zero_copy_only=False)

    def mask(self, value: str) -> str:
        return _mask_hex(value.strip(), 6)

    def describe(self, candidate: str) -> dict[str, object]:
        h = mac_hex(candidate)
        if len(h) != 12 or not all(c in "0123456789abcdef" for c in h):
            return {}
        first = int(h[:2], 16)
        local = bool(first & 0x02)
        return {
            "vendor": None if local else oui_vendor(h),
            "locally_administered": local,
            "multicast": bool(first & 0x01),
        }

    def column_details(self, valid: pa.Array) -> dict[str, object]:
        sample = valid.slice(0, 2000).to_pylist()
        if not sample:
            return {}
        facts = [self.describe(v) for v in sample]
        return {
            "locally_administered_share": round(
                sum(f["locally_administered"] for f in facts) / len(facts), 4
            ),
            "known_vendor_share": round(sum(f["vendor"] is not None for f in facts) / len(facts), 4),
        }


class BareMacRecognizer(MacRecognizer):
    """MAC_ADDRESS written as 12 bare hex digits (``d0509984a2a0``).

    Twelve hex digits are also short hashes, container ids and serial numbers,
    so only with context; values without a letter or without a digit are not
    taken (0.3 % of random MACs are all digits, numeric ids always are).
    """

    patterns: ClassVar = (Pattern("MAC, 12 bare hex digits (weak)", r"[0-9A-Fa-f]{12}", 0.4),)
    validator_strength = 0.7
    min_ratio = 0.8
    requires_context = True

    def validate(self, candidate: str) -> bool:
        h = candidate.lower()
        return (
            len(h) == 12
            and all(c in "0123456789abcdef" for c in h)
            and any(c.isdigit() for c in h)
            and any(c.isalpha() for c in h)
        )

    def validate_array(self, values: pa.Array) -> np.ndarray:
        ok = pc.and_(
            pc.match_substring_regex(values, "^[0-9A-Fa-f]{12}$"),
            pc.match_substring_regex(values, "[A-Fa-f]"),
        )
        return pc.and_(ok, pc.match_substring_regex(values, "[0-9]")).to_numpy(zero_copy_only=False)


VALUE_RECOGNIZERS = (EmailRecognizer, IpRecognizer, MacRecognizer, BareMacRecognizer)
