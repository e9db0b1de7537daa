"""Identifier recognizers on columns: the column path against the scalar path, and hard negatives.

The column path (RE2 + numpy) must agree with the scalar path (Python) value
for value, or a column and a sentence holding the same number would disagree.
Hard negatives are realistic columns that look like identifiers and must not
be reported.  (Junk input is tested over every registered recognizer in
``test_junk_input.py``; check digits against python-stdnum in ``test_check_digits.py``.)
"""

from __future__ import annotations

import hashlib
import random
import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from recognizers import identity
from tests.recognizers import id_samples as S

# -- the column path agrees with the scalar path -----------------------------------------------------------------

GENERATORS = {
    "ResidentIdRecognizer": lambda r: r.choice((S.resident_id, S.legacy_id))(r),
    "HmtResidencePermitRecognizer": S.hmt_residence_permit,
    "HkMacaoPermitRecognizer": lambda r: r.choice("HMCWL") + S.digits(r, r.choice((8, 10))),
    "TaiwanPermitRecognizer": lambda r: S.digits(r, r.choice((8, 10))),
    "PassportRecognizer": S.passport,
    "ForeignerPrRecognizer": lambda r: (
        S.foreigner_pr(r) if r.random() < 0.7 else "USA" + r.choice(("11", "44")) + S.digits(r, 10)
    ),
    "UsccRecognizer": S.uscc,
    "BankCardRecognizer": S.bank_card,
    "BankAccountRecognizer": lambda r: S.digits(r, r.randint(9, 25)),
    "MobileRecognizer": lambda r: r.choice(("", "+86 ", "0086")) + S.mobile(r),
    "LandlineRecognizer": S.landline,
    "BareLandlineRecognizer": lambda r: S.landline(r).replace("-", ""),
    "ImeiRecognizer": S.imei,
    "ImsiRecognizer": S.imsi,
    "IccidRecognizer": S.iccid,
    "MsisdnRecognizer": S.msisdn,
    "EmailRecognizer": S.email,
    "IpRecognizer": lambda r: S.ipv4(r) if r.random() < 0.6 else S.ipv6(r),
    "MacRecognizer": lambda r: S.mac(r, r.choice(":-")),
    "BareMacRecognizer": lambda r: S.mac(r, ""),
    "PlateRecognizer": S.plate,
    "VinRecognizer": S.vin,
    "DriverFileNoRecognizer": lambda r: S.digits(r, 12),
}


def _mutate(rng: random.Random, value: str) -> str:
    pos = rng.randrange(len(value))
    return value[:pos] + rng.choice("0123456789XxAF:-.·苏 ") + value[pos + 1 :]


def test_every_recognizer_has_a_generator():
    assert {r.name for r in S.RECOGNIZERS} == set(GENERATORS)


@pytest.mark.parametrize("rec", S.RECOGNIZERS, ids=lambda r: r.name)
def test_column_path_agrees_with_scalar_path(rec):
    rng = random.Random(61)
    gen = GENERATORS[rec.name]
    values = [gen(rng) for _ in range(1500)]
    values += [_mutate(rng, v) for v in values[:1500]]
    arr = pa.array(values)
    shaped = arr.filter(pc.match_substring_regex(arr, rec._anchored))
    assert len(shaped) > 1500  # valid values and many mutants have the shape
    norm_vec = rec.normalize_array(shaped).to_pylist()
    norm_scalar = [rec.normalize(v) for v in shaped.to_pylist()]
    assert norm_vec == norm_scalar
    vec = rec.validate_array(pa.array(norm_vec)).tolist()
    scalar = [rec.is_valid(v) for v in norm_scalar]
    assert vec == scalar
    # a small column's few candidates may be checked one by one (bank cards): the same answers
    small = [
        ok for i in range(0, len(norm_vec), 40) for ok in rec.validate_array(pa.array(norm_vec[i : i + 40]))
    ]
    assert [bool(ok) for ok in small] == scalar
    assert (
        sum(scalar) / len(scalar) > 0.3
    )  # shape-only recognizers accept every shaped value; the others some


# -- hard negatives ------------------------------------------------------------------------------------------------


def _hard_negatives() -> dict[str, list]:
    rng = random.Random(63)
    n = 1000
    return {
        "order_no": [
            f"2026{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{S.digits(rng, 6)}{i:04d}" for i in range(n)
        ],
        "order_id": [
            int(f"2025{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{S.digits(rng, 4)}{i:04d}")
            for i in range(n)
        ],
        "id_card_no": [(v := S.resident_id(rng))[:17] + ("0" if v[17] != "0" else "1") for _ in range(n)],
        "card_no": ["62" + S.digits(rng, rng.randint(14, 17)) for _ in range(n)],
        "ref_16_19": [rng.choice("3456") + S.digits(rng, rng.randint(15, 18)) for _ in range(n)],
        "phone": [
            "1" + rng.choice(("20", "21", "00", "05", "10", "12")) + S.digits(rng, 8) for _ in range(n)
        ],
        "created_ms": [1_600_000_000_000 + rng.randint(0, 10**11) for _ in range(n)],
        "md5": [hashlib.md5(str(i).encode()).hexdigest() for i in range(n)],
        "sha1": [hashlib.sha1(str(i).encode()).hexdigest() for i in range(n)],
        "sku": [f"SKU-{rng.randint(10000, 99999)}-{rng.choice(('BLK', 'WHT', 'RED'))}" for _ in range(n)],
        "sku2": [f"{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')}{S.digits(rng, 6)}" for _ in range(n)],
        "price": [f"{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}" for _ in range(n)],
        "version": [
            f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 31)}"
            for _ in range(n)
        ],
        "serial_no": [str(15000000000 + i) for i in range(n)],
        "device_sn": [str(13900000000 + 7 * i) for i in range(n)],  # a counter with step 7
        "qty": [rng.randint(0, 500) for _ in range(n)],
        "trace_code": ["8" + S.digits(rng, 19) for _ in range(n)],
        "batch": [f"{rng.choice('ABCDEFGH')}{S.digits(rng, 8)}" for _ in range(n)],
        "zip": [S.digits(rng, 6) for _ in range(n)],
        "imei_like": [rng.choice(("86", "35")) + S.digits(rng, 13) for _ in range(n)],
        "vin_like": [
            "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17)) for _ in range(n)
        ],
        "uscc_like": [
            "91" + S.digits(rng, 6) + "".join(rng.choice(identity.USCC_ALPHABET) for _ in range(10))
            for _ in range(n)
        ],
    }


def test_hard_negative_columns_are_not_reported():
    found = S.analyze(_hard_negatives())
    reported = {col: sorted(f) for col, f in found.items() if f}
    assert reported == {}


def test_real_phone_numbers_of_one_block_are_not_a_counter():
    """A company's numbers from one block are close together but do not advance by a constant step."""
    rng = random.Random(64)
    block = [str(13912340000 + rng.randint(0, 9999)) for _ in range(300)]
    assert "CN_MOBILE" in S.analyze({"col_k": block})["col_k"]


# -- the documentation states the decision parameters actually used ---------------------------------------------


@pytest.mark.parametrize("rec", S.RECOGNIZERS, ids=lambda r: r.name)
def test_family_docstring_table_matches_the_recognizer(rec):
    """Each family module's table lists entity, strength, min_ratio and "context" as the classes set them."""
    module = type(rec).__module__
    family = next(m for m in S.FAMILIES if module == m.__name__ or module.startswith(m.__name__ + "_"))
    rows = [line.split() for line in (family.__doc__ or "").splitlines() if line.startswith(rec.entity + " ")]
    wanted = [str(rec.validator_strength), str(rec.min_ratio)]
    assert any(
        [t for t in row if re.fullmatch(r"\d\.\d+", t)][-2:] == wanted
        and (row[-1] == "context") == rec.requires_context
        for row in rows
    ), f"{family.__name__} docstring has no row '{rec.entity} … {' '.join(wanted)}'"
