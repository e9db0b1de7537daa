"""Sealing and verifying reports: canonical form, digest, HMAC signature, and ``chujing verify-report``."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reports.integrity import (
    CANONICALIZATION,
    IntegrityError,
    canonical_bytes,
    canonical_chunks,
    digest,
    load_sign_key,
    seal,
    verify,
)
from reports.json_report import render_json
from scanner.cli import main

GOLDEN = Path(__file__).parent / "golden"
#: SHA-256 of golden/report_small.json in chujing-c14n/1.  Changing it breaks every sealed report ever written.
GOLDEN_SHA256 = "1310e3fd0b84b41069ee04bc96b59ae5152c595c5c3f8a38c3673a26ae4fa9c7"
KEY = b"test-signing-key-0123456789abcdef"


@pytest.fixture
def golden() -> dict:
    return json.loads((GOLDEN / "report_small.json").read_text("utf-8"))


def test_canonical_form_is_stable(golden):
    assert canonical_bytes(golden) == (GOLDEN / "report_small.c14n.json").read_bytes()
    assert digest(golden) == GOLDEN_SHA256
    assert hashlib.sha256((GOLDEN / "report_small.c14n.json").read_bytes()).hexdigest() == GOLDEN_SHA256


def test_canonical_form_piece_by_piece_is_the_whole_report_serialised_at_once(golden):
    """canonical_chunks serialises each table on its own; the bytes are those of the whole report at once."""
    report = copy.deepcopy(golden)
    report["tables"] = [*report["tables"], ("a", "tuple"), {"when": dt.date(2026, 1, 1), 3: "int key"}, []]
    report["extra"] = {"z": [1.5, float("inf")], "a": "é", "nested": ({"b": 1, "a": 2},)}
    report["empty"] = ()
    body = {k: v for k, v in report.items() if k != "integrity"}
    whole = json.dumps(
        json.loads(json.dumps(body, ensure_ascii=False, default=str)),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    assert b"".join(canonical_chunks(report)) == whole
    assert len(list(canonical_chunks(report))) > len(report["tables"])  # one piece per table at least
    assert canonical_bytes({1: "x", "a": 2}) == b'{"1":"x","a":2}'  # a key JSON renames: all at once


def test_canonical_form_rules(golden):
    data = canonical_bytes(golden)
    text = data.decode("utf-8")
    assert "受试者" in text and "\\u" not in text  # UTF-8, not ASCII escapes
    assert ", " not in text and ": " not in text and "\n" not in text  # no insignificant whitespace
    assert text.index('"finished_at"') < text.index('"parameters"') < text.index('"schema"')  # sorted keys


def test_digest_ignores_key_order_whitespace_and_the_seal(golden):
    shuffled = dict(reversed(list(golden.items())))
    shuffled["tables"][0]["columns"][0] = dict(reversed(list(shuffled["tables"][0]["columns"][0].items())))
    shuffled["integrity"] = {"sha256": "whatever"}
    assert digest(shuffled) == GOLDEN_SHA256
    reread = json.loads(json.dumps(golden, indent=4, ensure_ascii=True))
    assert digest(reread) == GOLDEN_SHA256


def test_digest_sees_every_change(golden):
    for mutate in (
        lambda r: r["tables"][0]["columns"][0]["entities"][0]["evidence"].__setitem__(
            0, "1101**********9828"
        ),
        lambda r: r["tables"][0].__setitem__("row_count", 2001),
        lambda r: r["tables"][0]["columns"][1].__setitem__("pi_class", "general"),
        lambda r: r.__setitem__("finished_at", "2025-06-30T08:00:03Z"),
        lambda r: r["tables"][0]["columns"][0]["entities"][0].__setitem__("score", 0.990001),
    ):
        r = copy.deepcopy(golden)
        mutate(r)
        assert digest(r) != GOLDEN_SHA256


def test_seal_adds_integrity_and_is_idempotent(golden):
    sealed = seal(copy.deepcopy(golden))
    assert sealed["integrity"] == {
        "canonicalization": CANONICALIZATION,
        "sha256": GOLDEN_SHA256,
        "signed": False,
    }
    assert list(sealed)[-1] == "integrity"
    again = seal(copy.deepcopy(sealed), KEY)
    assert again["integrity"]["sha256"] == GOLDEN_SHA256 and again["integrity"]["signed"] is True
    assert len(again["integrity"]["hmac_sha256"]) == 64
    assert KEY.decode() not in json.dumps(again)


def test_verify_outcomes(golden):
    unsigned = seal(copy.deepcopy(golden))
    signed = seal(copy.deepcopy(golden), KEY)
    assert verify(unsigned).status == "intact"
    assert verify(signed).status == "intact" and verify(signed).signed
    assert verify(signed, KEY).ok
    assert verify(signed, b"another key").status == "bad_signature"
    assert verify(unsigned, KEY).status == "unsigned"
    assert verify(golden).status == "unsealed"
    edited = copy.deepcopy(signed)
    edited["tables"][0]["row_count"] = 1
    assert verify(edited, KEY).status == "tampered"
    rehashed = seal(copy.deepcopy(edited))  # a forger recomputes the digest but has no key
    rehashed["integrity"]["hmac_sha256"] = signed["integrity"]["hmac_sha256"]
    rehashed["integrity"]["signed"] = True
    assert verify(rehashed).ok  # the digest alone cannot tell ...
    assert verify(rehashed, KEY).status == "bad_signature"  # ... the signature can
    with pytest.raises(IntegrityError):
        verify(b"{not json")
    with pytest.raises(IntegrityError):
        verify(b"[1, 2]")


def test_empty_key_is_refused(golden):
    with pytest.raises(IntegrityError):
        seal(golden, b"")


def test_load_sign_key(tmp_path):
    f = tmp_path / "key"
    f.write_bytes(KEY + b"\n")
    assert load_sign_key(f, env={}) == KEY
    assert load_sign_key(None, env={"CHUJING_SIGN_KEY": "k1"}) == b"k1"
    assert load_sign_key(None, env={}) is None
    (tmp_path / "empty").write_bytes(b"\n")
    with pytest.raises(IntegrityError, match="empty"):
        load_sign_key(tmp_path / "empty", env={})
    with pytest.raises(IntegrityError, match="cannot read"):
        load_sign_key(tmp_path / "missing", env={})


# --- chujing verify-report --------------------------------------------------------------------------


def _write(tmp_path: Path, report: dict, name: str = "report.json") -> Path:
    p = tmp_path / name
    p.write_text(render_json(report), "utf-8")
    return p


def _invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["verify-report", *args], env=env or {"CHUJING_SIGN_KEY": None})


def test_verify_report_cli_intact_and_tampered(tmp_path, report):
    path = _write(tmp_path, report)
    ok = _invoke(str(path))
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.stdout and digest(json.loads(path.read_text("utf-8"))) in ok.stdout
    # change one character of the masked evidence in the file
    text = path.read_text("utf-8")
    ev = next(e["evidence"][0] for t in report["tables"] for c in t["columns"] for e in c["entities"])
    tampered = text.replace(ev, ev[:-1] + ("0" if ev[-1] != "0" else "1"), 1)
    assert tampered != text
    path.write_text(tampered, "utf-8")
    bad = _invoke(str(path))
    assert bad.exit_code == 1
    assert "TAMPERED" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_verify_report_cli_with_keys(tmp_path, report):
    key_file = tmp_path / "sign.key"
    key_file.write_bytes(KEY)
    signed = _write(tmp_path, seal(copy.deepcopy(report), KEY), "signed.json")
    unsigned = _write(tmp_path, report, "unsigned.json")
    good = _invoke(str(signed), "--sign-key-file", str(key_file))
    assert good.exit_code == 0 and "signature valid" in good.stdout
    via_env = _invoke(str(signed), env={"CHUJING_SIGN_KEY": KEY.decode()})
    assert via_env.exit_code == 0
    wrong = _invoke(str(signed), env={"CHUJING_SIGN_KEY": "wrong"})
    assert wrong.exit_code == 1 and "BAD_SIGNATURE" in wrong.stderr
    no_sig = _invoke(str(unsigned), "--sign-key-file", str(key_file))
    assert no_sig.exit_code == 1 and "UNSIGNED" in no_sig.stderr
    for r in (good, via_env, wrong, no_sig):
        assert KEY.decode() not in r.output and "wrong" not in r.stdout


def test_verify_report_cli_errors(tmp_path):
    missing = _invoke(str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and missing.stderr.startswith("error: ")
    junk = tmp_path / "junk.json"
    junk.write_text("{truncated", "utf-8")
    bad = _invoke(str(junk))
    assert bad.exit_code == 2 and "not a JSON report" in bad.stderr
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"schema": "chujing.report/1", "tables": []}), "utf-8")
    unsealed = _invoke(str(plain))
    assert unsealed.exit_code == 1 and "UNSEALED" in unsealed.stderr
