"""Seal a report so a reader can tell it is the one chujing wrote: a digest, and optionally a signature.

A report is audit evidence only if nobody can change a finding, a count or a
timestamp without it showing.  :func:`seal` adds an ``integrity`` member:

.. code-block:: text

    "integrity": {"canonicalization": "chujing-c14n/1 (...)", "sha256": "<hex>",
                  "hmac_sha256": "<hex>",   # only with a signing key
                  "signed": true}

**Canonical form (chujing-c14n/1).**  The report is first read as JSON would
read it back (so a tuple and a list, or a date and its ISO string, seal the
same), the top-level ``integrity`` member is removed, and the rest is
serialised as JSON with object keys sorted by Unicode code point, the
separators ``,`` and ``:`` and no other whitespace, non-ASCII characters
written as themselves (``ensure_ascii=False``), numbers as Python's shortest
round-trip ``repr``, and the text encoded as UTF-8.  ``sha256`` is the hex
SHA-256 of those bytes; ``hmac_sha256`` is HMAC-SHA-256 of the same bytes under
the signing key.  Any JSON library can recompute it: load, drop ``integrity``,
dump with sorted keys and compact separators, hash.

The digest proves a file is intact against its own seal; only the signature,
made with a key the auditor trusts, proves who sealed it (anyone can recompute
a digest after editing).  Keys are never printed, logged or stored in a report.

>>> r = {"schema": "chujing.report/1", "tables": [], "tool": {"name": "chujing", "version": "0"}}
>>> canonical_bytes(r)
b'{"schema":"chujing.report/1","tables":[],"tool":{"name":"chujing","version":"0"}}'
>>> sealed = seal(r, b"k")
>>> sealed["integrity"]["signed"], verify(sealed, b"k").ok, verify(sealed, b"other").ok
(True, True, False)
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.errors import ChujingError

CANONICALIZATION = (
    "chujing-c14n/1 (JSON without the top-level integrity member; keys sorted by code point; "
    "separators ',' ':'; no whitespace; ensure_ascii=false; UTF-8)"
)
SIGN_KEY_ENV = "CHUJING_SIGN_KEY"


class IntegrityError(ChujingError, ValueError):
    """A report that cannot be sealed or verified (not JSON, not an object, a bad key)."""


def _plain(value: Any) -> Any:
    """``value`` as a JSON reader sees it (what the file will hold)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _canonical(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_chunks(report: dict[str, Any]) -> Iterator[bytes]:
    """The chujing-c14n/1 bytes of ``report`` (the ``integrity`` member excluded), a piece at a time.

    The canonical form of an object is its members' in key order, and of an array its elements': each
    top-level member, and each element of a top-level array (a scan's tables), is read back and
    serialised on its own, so a report of 10,000 tables is never held twice as text.  The bytes are those
    of serialising the whole report at once (the tests compare them).
    """
    if not all(isinstance(k, str) for k in report):  # keys JSON would rename: the whole report at once
        yield _canonical({k: v for k, v in report.items() if k != "integrity"}).encode("utf-8")
        return
    yield b"{"
    for n, key in enumerate(sorted(k for k in report if k != "integrity")):
        value = report[key]
        yield (("," if n else "") + json.dumps(key, ensure_ascii=False) + ":").encode("utf-8")
        if isinstance(value, list | tuple):
            yield b"["
            for i, item in enumerate(value):
                yield (("," if i else "") + _canonical(item)).encode("utf-8")
            yield b"]"
        else:
            yield _canonical(value).encode("utf-8")
    yield b"}"


def canonical_bytes(report: dict[str, Any]) -> bytes:
    """The chujing-c14n/1 bytes of ``report`` (the ``integrity`` member excluded)."""
    return b"".join(canonical_chunks(report))


def _hashes(report: dict[str, Any], sign_key: bytes | None) -> tuple[str, str | None]:
    """Hex SHA-256 of the canonical form, and its HMAC-SHA-256 under ``sign_key`` (when given)."""
    sha = hashlib.sha256()
    mac = hmac.new(sign_key, digestmod=hashlib.sha256) if sign_key else None
    for chunk in canonical_chunks(report):
        sha.update(chunk)
        if mac is not None:
            mac.update(chunk)
    return sha.hexdigest(), mac.hexdigest() if mac is not None else None


def digest(report: dict[str, Any]) -> str:
    """Hex SHA-256 of the canonical form: the number HTML, XLSX and CSV print to tie them to the JSON.

    >>> digest({"b": 1, "a": "é"}) == digest({"a": "é", "b": 1, "integrity": {"sha256": "x"}})
    True
    """
    return _hashes(report, None)[0]


def seal(report: dict[str, Any], sign_key: bytes | None = None) -> dict[str, Any]:
    """Add ``report["integrity"]`` (in place) and return the report.

    Sealing twice gives the same seal: the old ``integrity`` member is not part
    of the canonical form.
    """
    if sign_key is not None and not sign_key:
        raise IntegrityError("the signing key is empty")
    sha, mac = _hashes(report, sign_key)
    integrity: dict[str, Any] = {"canonicalization": CANONICALIZATION, "sha256": sha}
    if mac is not None:
        integrity["hmac_sha256"] = mac
    integrity["signed"] = bool(sign_key)
    report.pop("integrity", None)
    report["integrity"] = integrity
    return report


def sealed_copy(report: dict[str, Any], sign_key: bytes | None = None) -> dict[str, Any]:
    """A sealed deep copy; the caller's report is left as it was."""
    return seal(copy.deepcopy(report), sign_key)


def is_current(report: dict[str, Any]) -> bool:
    """Whether the report carries a seal that still matches its content."""
    seal_ = report.get("integrity")
    return isinstance(seal_, dict) and seal_.get("sha256") == digest(report)


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`.  ``status`` is one of:

    ``intact`` (digest matches; signature valid when a key was given),
    ``unsealed`` (no integrity member), ``tampered`` (digest mismatch),
    ``unsigned`` (a key was given but the report carries no signature),
    ``bad_signature`` (digest matches, signature does not: edited and re-hashed, or another key).
    """

    status: str
    message: str
    sha256: str | None = None
    signed: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "intact"


def load_report(data: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """A report from JSON bytes/text, or the dict itself."""
    if isinstance(data, dict):
        return data
    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise IntegrityError(f"not a JSON report ({exc})") from None
    if not isinstance(obj, dict):
        raise IntegrityError("not a JSON report (the top level is not an object)")
    return obj


def verify(report_bytes_or_dict: bytes | str | dict[str, Any], sign_key: bytes | None = None) -> VerifyResult:
    """Check a report against its seal, and its signature when ``sign_key`` is given."""
    report = load_report(report_bytes_or_dict)
    seal_ = report.get("integrity")
    if not isinstance(seal_, dict) or not isinstance(seal_.get("sha256"), str):
        return VerifyResult(
            "unsealed", "no integrity member: the report was not sealed, nothing to verify against"
        )
    if not str(seal_.get("canonicalization", "")).startswith("chujing-c14n/1"):
        return VerifyResult("tampered", f"unknown canonicalization {seal_.get('canonicalization')!r}")
    actual, mac = _hashes(report, sign_key or None)
    signed = isinstance(seal_.get("hmac_sha256"), str)
    if not hmac.compare_digest(actual, seal_["sha256"]):
        return VerifyResult(
            "tampered",
            f"content does not match its SHA-256 (sealed {seal_['sha256'][:16]}…, "
            f"content {actual[:16]}…): the report was changed after it was sealed",
            actual,
            signed,
        )
    if sign_key is None:
        what = "signed; give the key to check the signature" if signed else "unsigned"
        return VerifyResult("intact", f"intact: SHA-256 {actual} ({what})", actual, signed)
    if not signed:
        return VerifyResult(
            "unsigned", "a signing key was given but the report carries no signature", actual, False
        )
    if mac is None or not hmac.compare_digest(mac, seal_["hmac_sha256"]):
        return VerifyResult(
            "bad_signature",
            "the HMAC-SHA-256 signature does not match: the report was re-hashed "
            "after a change, or signed with another key",
            actual,
            True,
        )
    return VerifyResult("intact", f"intact and signature valid: SHA-256 {actual}", actual, True)


def load_sign_key(
    path: str | os.PathLike[str] | None = None, *, env: dict[str, str] | None = None
) -> bytes | None:
    """The signing key from ``path`` (its bytes, trailing newlines dropped) or ``$CHUJING_SIGN_KEY``.

    Returns ``None`` when neither is set.  The error names the file, never the key.
    """
    env = os.environ if env is None else env
    if path is not None:
        try:
            key = Path(path).read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise IntegrityError(f"cannot read the signing key file {path}: {exc.strerror or exc}") from None
        if not key:
            raise IntegrityError(f"the signing key file {path} is empty")
        return key
    value = env.get(SIGN_KEY_ENV)
    if value is None:
        return None
    if not value:
        raise IntegrityError(f"${SIGN_KEY_ENV} is set but empty")
    return value.encode("utf-8")
