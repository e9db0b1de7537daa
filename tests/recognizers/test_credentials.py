"""CREDENTIAL (hashes, tokens, secrets, CVN, expiry, OTP) and BIOMETRIC (templates, media, embeddings)."""

from __future__ import annotations

import base64
import datetime as _dt
import random

import pyarrow as pa
import pytest

from recognizers.credentials import (
    ApiTokenRecognizer,
    BiometricTemplateRecognizer,
    PasswordHashRecognizer,
    is_password_hash,
    media_kind,
)
from recognizers.engine import ColumnMeta, analyze_table

SCAN = _dt.date(2026, 11, 22)
BCRYPT = "$2b$12$EXRkfkdmXn2gzds2SSitu.MW9.gAVqa9eLS1//RYtYCmB1eLHg.9q"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
WAV = b"RIFF\x24\x08\x00\x00WAVEfmt " + bytes(300)
FMR = b"FMR\x00 20\x00\x00\x00\x01\x2c" + bytes(120)


def _types(found: dict, column: str) -> dict:
    return {f.type: f for f in found.get(column, [])}


@pytest.mark.parametrize(
    "value",
    [
        BCRYPT,
        ARGON2,
        "$6$saltsalt$" + "a" * 86,
        "$1$saltsalt$" + "b" * 22,
        "pbkdf2_sha256$600000$abcdefgh12345678$" + "Q" * 43 + "=",
        "pbkdf2:sha256:600000$Ab12Cd34$" + "ab" * 32,
        "scrypt:32768:8:1$Ab12Cd34$" + "cd" * 64,
        "{SSHA}" + "A" * 28,
    ],
)
def test_password_hashes(value):
    assert is_password_hash(value)
    assert "****" in PasswordHashRecognizer().mask(value) and len(PasswordHashRecognizer().mask(value)) < 24


@pytest.mark.parametrize(
    "value", ["password", "$2b$12$short", "e10adc3949ba59abbe56e057f20f883e", "2024-01-01", ""]
)
def test_not_password_hashes(value):
    assert not is_password_hash(value)


def test_hash_columns_need_no_name():
    found = analyze_table(pa.table({"c1": [BCRYPT] * 30, "c2": [ARGON2] * 30}), scan_date=SCAN)
    assert _types(found, "c1")["CREDENTIAL"].score > 0.85
    assert "CREDENTIAL" in _types(found, "c2")  # 86 characters: read as free text, one valid span is enough
    assert all("$2b$12$" in e and "EXRk" not in e for e in _types(found, "c1")["CREDENTIAL"].evidence)


def test_tokens():
    jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    r = ApiTokenRecognizer()
    assert r.validate(jwt) and r.mask(jwt) == "eyJ****"
    assert not r.validate("eyJub3QganNvbg.eyJ4IjoxfQ.x")  # header does not decode to JSON
    found = analyze_table(
        pa.table({"t": ["AKIA" + "ABCDEFGHIJKLMNOP"] * 10, "gh": ["ghp_" + "a1B2" * 9] * 10}), scan_date=SCAN
    )
    assert "CREDENTIAL" in _types(found, "t") and "CREDENTIAL" in _types(found, "gh")


def test_secrets_cvn_expiry_and_otp_need_their_name():
    rng = random.Random(8)
    three = [f"{rng.randint(100, 999)}" for _ in range(60)]
    six = [f"{rng.randint(0, 999999):06d}" for _ in range(60)]
    table = pa.table(
        {
            "cvv2": three,
            "code3": three,
            "card_expiry": [f"{rng.randint(1, 12):02d}/{rng.randint(25, 32)}" for _ in range(60)],
            "batch": [f"{rng.randint(1, 12):02d}/{rng.randint(25, 32)}" for _ in range(60)],
            "yzm": six,
            "order_seq": six,
            "mima": [f"pw{rng.randint(0, 10**8)}!" for _ in range(60)],
            "note": [f"pw{rng.randint(0, 10**8)}!" for _ in range(60)],
            "pwd_md5": ["e10adc3949ba59abbe56e057f20f883e", "25d55ad283aa400af464c76d713c07ad"] * 30,
            "pwd_fail_count": [str(rng.randint(0, 5)) for _ in range(60)],
        }
    )
    found = analyze_table(table, [ColumnMeta("card_expiry", "varchar", "信用卡有效期")], scan_date=SCAN)
    for col in ("cvv2", "card_expiry", "yzm", "mima", "pwd_md5"):
        assert "CREDENTIAL" in _types(found, col), col
    for col in ("code3", "batch", "order_seq", "note", "pwd_fail_count"):
        assert "CREDENTIAL" not in _types(found, col), col
    assert _types(found, "cvv2")["CREDENTIAL"].evidence[0] == "***"
    assert _types(found, "mima")["CREDENTIAL"].evidence[0] == "******"


def test_media_kind():
    assert media_kind(JPEG) == "JPEG" and media_kind(PNG) == "PNG" and media_kind(WAV) == "WAV"
    assert media_kind(FMR) == "ISO 19794-2 finger minutiae"
    assert media_kind(base64.b64encode(JPEG).decode()) == "JPEG"
    assert media_kind("data:image/png;base64," + base64.b64encode(PNG).decode()) == "PNG"
    assert media_kind(FMR.hex()) == "ISO 19794-2 finger minutiae"
    assert (
        media_kind(b"hello world") == "" and media_kind("") == "" and media_kind("not base64 at all!") == ""
    )


def test_biometric_text_columns():
    jpeg64 = base64.b64encode(JPEG).decode()
    fmr64 = base64.b64encode(FMR).decode()
    table = pa.table(
        {
            "face_img": [jpeg64] * 10,
            "product_img": [jpeg64] * 10,
            "tpl": [fmr64] * 10,
            "rlzp": ["data:image/jpeg;base64," + jpeg64] * 10,
        }
    )
    found = analyze_table(table, scan_date=SCAN)
    assert "BIOMETRIC" in _types(found, "face_img") and "BIOMETRIC" in _types(found, "rlzp")
    assert "BIOMETRIC" in _types(found, "tpl")  # an ISO template names itself
    assert "BIOMETRIC" not in _types(found, "product_img")  # a JPEG alone is any photo
    assert _types(found, "face_img")["BIOMETRIC"].evidence[0].startswith("[JPEG")
    assert BiometricTemplateRecognizer().mask(fmr64).startswith("[ISO 19794-2")


def test_biometric_binary_and_embedding_columns():
    rng = random.Random(1)
    vectors = [[rng.uniform(-1, 1) for _ in range(512)] for _ in range(20)]
    table = pa.table(
        {
            "face_feature": pa.array([JPEG] * 20, pa.binary()),
            "attachment": pa.array([JPEG] * 20, pa.binary()),
            "finger_tpl": pa.array([FMR] * 20, pa.binary()),
            "blob": pa.array([FMR] * 20, pa.large_binary()),
            "voiceprint": pa.array([WAV] * 20, pa.binary()),
            "face_embedding": pa.array(vectors, pa.list_(pa.float32())),
            "price_history": pa.array(vectors, pa.list_(pa.float32())),
            "face_small": pa.array([v[:3] for v in vectors], pa.list_(pa.float64())),
        }
    )
    found = analyze_table(table, scan_date=SCAN)
    for col in ("face_feature", "finger_tpl", "blob", "voiceprint", "face_embedding"):
        assert "BIOMETRIC" in _types(found, col), col
    for col in ("attachment", "price_history", "face_small"):
        assert "BIOMETRIC" not in _types(found, col), col
    f = _types(found, "face_embedding")["BIOMETRIC"]
    assert f.details == {"content": "embedding", "dimensions": 512} and f.evidence == [
        "[float vector, 512 dims]"
    ]
    assert _types(found, "blob")["BIOMETRIC"].details == {"content": "ISO 19794-2 finger minutiae"}
