"""Mobile and fixed-line numbers, IMEI, IMSI, ICCID and MSISDN, and how 15-digit overlaps are decided."""

from __future__ import annotations

import random

import phonenumbers
import pyarrow as pa
import pytest
from phonenumbers import PhoneMetadata

from recognizers.telecom import (
    BareLandlineRecognizer,
    IccidRecognizer,
    ImeiRecognizer,
    ImsiRecognizer,
    LandlineRecognizer,
    MobileRecognizer,
    MsisdnRecognizer,
    area_codes,
    is_valid_iccid,
    is_valid_imei,
    is_valid_imsi,
    is_valid_landline,
    is_valid_mobile,
    is_valid_msisdn,
    mobile_ranges,
    normalize_landline,
)
from tests.recognizers import id_samples as S


@pytest.mark.parametrize(
    ("value", "normalized", "valid"),
    [
        ("13912345678", "13912345678", True),
        ("+86 139-1234-5678", "13912345678", True),
        ("+8613912345678", "13912345678", True),
        ("0086 13912345678", "13912345678", True),
        ("(+86)13912345678", "13912345678", True),
        ("139 1234 5678", "13912345678", True),
        ("86-13912345678", "13912345678", True),
        ("１３９１２３４５６７８", "13912345678", True),
        ("12012345678", "12012345678", False),  # 12x is not allocated
        ("10012345678", "10012345678", False),
        ("14012345678", "14012345678", False),
    ],
)
def test_mobile_forms(value, normalized, valid):
    rec = MobileRecognizer()
    assert rec.normalize(value) == normalized
    assert rec.is_valid(rec.normalize(value)) is valid


def test_mobile_column_mask_and_non_mobile_prefixes():
    rng = random.Random(31)
    values = S.column(rng, lambda r: r.choice(("", "+86 ", "0086")) + S.mobile(r))
    f = S.analyze({"sjhm": values})["sjhm"]["CN_MOBILE"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values))
    assert all(e[3:7] == "****" for e in f.evidence)
    other = ["1" + r + S.digits(rng, 8) for r in ("20", "21", "00", "02", "10", "11") for _ in range(150)]
    assert "CN_MOBILE" not in S.analyze({"phone": other})["phone"]


def test_serial_numbers_shaped_like_mobiles_are_rejected_as_counters():
    serials = [str(13800000000 + i) for i in range(1000)]
    assert all(is_valid_mobile(s) for s in serials)
    found = S.analyze({"serial_no": serials, "phone": serials})
    assert "CN_MOBILE" not in found["serial_no"] and "CN_MOBILE" not in found["phone"]
    vm = MobileRecognizer().analyze_values(pa.array(serials))
    assert vm.matched == 0 and "counter" in vm.details["rejected"]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("010-62345678", True),
        ("010 62345678", True),
        ("(010)62345678", True),
        ("（0512）65234567", True),  # full-width parentheses
        ("0512-65234567转806", True),
        ("0512-65234567-806", True),
        ("021-6234-5678", True),
        ("+86 21 62345678", True),
        ("+86-(0)21-62345678", True),
        ("0755-2345678", True),  # 7-digit subscriber after a three-digit code
        ("010-2345678", False),  # Beijing numbers have 8 digits
        ("010-12345678", False),  # subscriber numbers do not start with 1
        ("0200-62345678", False),  # no such area code
        ("0999-62345678", True),
        ("0000-62345678", False),
    ],
)
def test_landline_table(value, valid):
    assert is_valid_landline(value) is valid
    assert (
        LandlineRecognizer().analyze_values(pa.array([value])).matched == 1
    ) is valid  # the column path agrees


def test_area_codes_come_from_phonenumbers_and_name_places():
    codes = area_codes()
    assert 300 < len(codes) < 400 and codes["025"] == "江苏省南京市"
    assert LandlineRecognizer().describe("025-83456789") == {"area": "江苏省南京市"}
    assert LandlineRecognizer().mask("0512-65234567转806") == "0512-****4567"
    assert normalize_landline("(0512) 6523 4567") == "051265234567"


def test_landline_columns_with_and_without_separators():
    rng = random.Random(32)
    values = S.column(rng, S.landline)
    f = S.analyze({"col_t": values})["col_t"]["CN_LANDLINE"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values))
    bare = [v.replace("-", "") if v else v for v in values]
    assert "CN_LANDLINE" not in S.analyze({"col_u": bare})["col_u"]  # bare digits need context
    assert S.analyze({"zuoji": bare})["zuoji"]["CN_LANDLINE"].match_ratio == pytest.approx(
        S.expected_ratio(bare)
    )
    assert BareLandlineRecognizer().find_spans("订单号02583456789") == []
    assert [s.text for s in BareLandlineRecognizer().find_spans("座机 02583456789")] == ["02583456789"]


def test_landline_in_free_text():
    spans = LandlineRecognizer().find_spans("请致电 025-83456789 转 806，或传真(0512)65234567。")
    assert [s.text for s in spans] == ["025-83456789", "(0512)65234567"]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("490154203237518", True),
        ("49-015420-323751-8", True),
        ("490154203237517", False),
        ("000154203237518", False),
        ("86" + "0" * 13, False),
    ],
)
def test_imei_table(value, valid):
    assert is_valid_imei(value) is valid


def test_imsi_iccid_msisdn():
    assert is_valid_imsi("460001234567890") and is_valid_imsi("460111234567890")
    assert not is_valid_imsi("460991234567890") and not is_valid_imsi("310001234567890")
    assert ImsiRecognizer().describe("460031234567890") == {"carrier": "China Telecom"}
    iccid = S.luhn_complete("898600" + "1" * 13)
    assert is_valid_iccid(iccid) and not is_valid_iccid(iccid[:-1] + str((int(iccid[-1]) + 1) % 10))
    assert IccidRecognizer().describe(iccid) == {"issuer": "China Mobile"}
    assert is_valid_msisdn("8613912345678") and not is_valid_msisdn("8612012345678")
    assert MsisdnRecognizer().mask("8613912345678") == "86139****5678"
    assert ImeiRecognizer().mask("490154203237518") == "49015420*******"


@pytest.mark.parametrize(
    ("name", "gen", "entity"),
    [
        ("imei", S.imei, "IMEI"),
        ("imsi", S.imsi, "IMSI"),
        ("iccid", S.iccid, "ICCID"),
        ("msisdn", S.msisdn, "MSISDN"),
    ],
)
def test_device_columns(name, gen, entity):
    rng = random.Random(33)
    values = S.column(rng, gen)
    found = S.analyze({"col_x": values})["col_x"]
    assert set(found) == {entity}
    assert found[entity].match_ratio == pytest.approx(S.expected_ratio(values))


def test_fifteen_digit_overlap_imei_versus_legacy_id():
    rng = random.Random(34)
    imeis = [S.imei(rng) for _ in range(1000)]
    legacy = [S.legacy_id(rng) for _ in range(1000)]
    found = S.analyze({"a": imeis, "b": legacy})
    assert "IMEI" in found["a"] and "CN_RESIDENT_ID" not in found["a"]
    assert "CN_RESIDENT_ID" in found["b"] and "IMEI" not in found["b"]
    assert found["b"].get("IMEI") is None
    # the premise: some values pass both tests, so the decision has to be per column
    assert any(is_valid_imei(v) for v in legacy)


def test_millisecond_timestamps_are_not_msisdn_or_mobiles():
    rng = random.Random(35)
    stamps = [1_700_000_000_000 + rng.randint(0, 10**11) for _ in range(1000)]
    assert S.analyze({"ts": stamps})["ts"] == {}
    assert S.analyze({"ts": [str(s) for s in stamps]})["ts"] == {}


def test_random_fifteen_and_twenty_digit_numbers_are_not_devices():
    rng = random.Random(36)
    found = S.analyze(
        {
            "imei": [rng.choice(("86", "35")) + S.digits(rng, 13) for _ in range(1000)],
            "iccid": ["8986" + S.digits(rng, 16) for _ in range(1000)],
        }
    )
    assert "IMEI" not in found["imei"] and "ICCID" not in found["iccid"]


# -- the mobile ranges are libphonenumber's ------------------------------------------------------------------------


def test_mobile_ranges_are_the_phonenumbers_metadata():
    """The copy in data/cn_mobile_ranges.txt is the installed phonenumbers' CN mobile pattern: after a phonenumbers
    upgrade this fails until `python recognizers/data/update/mobile_ranges.py` is run (and the change reviewed)."""
    mobile = PhoneMetadata.metadata_for_region("CN").mobile
    assert mobile_ranges() == mobile.national_number_pattern
    assert tuple(mobile.possible_length) == (11,)  # is_valid_mobile's length check


def test_mobile_validation_agrees_with_phonenumbers():
    rng = random.Random(31)
    numbers = ["1" + S.digits(rng, 10) for _ in range(3000)] + [S.mobile(rng) for _ in range(500)]
    for n in numbers:
        parsed = phonenumbers.PhoneNumber(
            country_code=86, national_number=int(n)
        )  # parse() strips carrier codes
        is_mobile = phonenumbers.number_type(parsed) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        assert is_valid_mobile(n) == is_mobile, n
