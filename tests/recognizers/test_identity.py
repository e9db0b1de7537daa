"""Identity documents: resident IDs, residence and travel permits, passports, foreigner PR IDs, USCCs."""

from __future__ import annotations

import datetime as _dt
import random

import pytest
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError

from recognizers.identity import (
    ForeignerPrRecognizer,
    HkMacaoPermitRecognizer,
    HmtResidencePermitRecognizer,
    PassportRecognizer,
    ResidentIdRecognizer,
    TaiwanPermitRecognizer,
    UsccRecognizer,
    birth_date,
    check_char,
    is_valid_foreigner_pr,
    is_valid_hmt_residence_permit,
    is_valid_resident_id,
    is_valid_uscc,
    organization_code_ok,
    to_18,
    uscc_check_char,
    validate_resident_id,
)
from tests.recognizers import id_samples as S

# -- resident ID --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),  # lower-case check character as typed
        ("110105 19491231 002X", True),  # grouped 6-8-4
        ("440524197001010019", True),  # county code newer than the holder: python-stdnum rejects it
        ("130503670401001", True),  # 15-digit legacy
        ("119900199001010010", False),  # unknown division code: python-stdnum raises KeyError
        ("110105194912310021", False),  # wrong check character
        ("110105194902300025", False),  # 30 February
        ("110105187912310023", False),  # before 1880
        ("202611221530450001", False),  # timestamp order number
        ("810000199408230021", False),  # Hong Kong residence permit: CN_HMT_PERMIT, not a resident ID
        ("11010519491231002", False),
        ("", False),
        ("11010519491231002Ｘ", True),  # full-width check character
    ],
)
def test_resident_id_table(number, valid):
    assert is_valid_resident_id(number) is valid
    assert ResidentIdRecognizer().validate(ResidentIdRecognizer().normalize(number)) is valid


def test_future_birth_date_is_invalid():
    first = "110105" + (_dt.date.today() + _dt.timedelta(days=400)).strftime("%Y%m%d") + "001"
    assert not is_valid_resident_id(first + check_char(first))


def test_validate_resident_id_says_why_and_never_raises_key_error():
    with pytest.raises(InvalidComponent):
        validate_resident_id("119900199001010010")
    with pytest.raises(InvalidChecksum):
        validate_resident_id("110105194912310021")
    with pytest.raises(InvalidLength):
        validate_resident_id("1101051949")
    assert issubclass(InvalidComponent, ValidationError) and issubclass(ValidationError, ValueError)


def test_birth_date_sex_and_legacy_conversion():
    assert birth_date("130503670401001") == _dt.date(1967, 4, 1)
    assert to_18("130503670401001") == "130503196704010016"
    assert is_valid_resident_id(to_18("130503670401001"))
    facts = ResidentIdRecognizer().describe("11010519491231002X")
    assert facts == {"birth_date": "1949-12-31", "sex": "female", "division": "朝阳区", "legacy_15": False}
    assert ResidentIdRecognizer().describe("440524197001010019")["sex"] == "male"
    assert ResidentIdRecognizer().describe("110105194912310021") == {}


def test_resident_id_mask():
    assert ResidentIdRecognizer().mask("32010219800101123X") == "3201**********123X"
    assert ResidentIdRecognizer().mask("130503670401001") == "1305*******1001"


def test_resident_id_column_with_nulls_and_junk():
    rng = random.Random(11)
    values = S.column(rng, S.resident_id)
    found = S.analyze({"col_a": values})["col_a"]
    assert set(found) == {"CN_RESIDENT_ID"}
    f = found["CN_RESIDENT_ID"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values), abs=1e-9)
    assert f.score > 0.85 and all("*" in e for e in f.evidence)


def test_legacy_and_modern_ids_mixed_in_an_int64_column():
    rng = random.Random(12)
    values = [int(S.legacy_id(rng)) for _ in range(300)] + [
        int(v) for v in (S.resident_id(rng) for _ in range(700)) if v[-1] != "X"
    ]
    found = S.analyze({"sfzh": values}, types={"sfzh": None})["sfzh"]
    assert "CN_RESIDENT_ID" in found and found["CN_RESIDENT_ID"].match_ratio == pytest.approx(1.0)
    assert 0.2 < found["CN_RESIDENT_ID"].details["legacy_15_share"] < 0.4
    assert "IMEI" not in found  # ~10 % of legacy numbers pass Luhn: far below the IMEI threshold


def test_checksum_failing_id_shaped_numbers_are_not_reported():
    rng = random.Random(13)
    bad = []
    for _ in range(1000):
        v = S.resident_id(rng)
        bad.append(v[:17] + rng.choice([c for c in "0123456789X" if c != v[17]]))
    found = S.analyze({"id_card_no": bad})["id_card_no"]
    assert "CN_RESIDENT_ID" not in found


# -- residence permits and travel permits -------------------------------------------------------------------


def test_hmt_residence_permits():
    assert is_valid_hmt_residence_permit("810000199408230021")
    assert is_valid_hmt_residence_permit("83000019850517012x")
    assert not is_valid_hmt_residence_permit("810000199408230022")
    assert not is_valid_hmt_residence_permit("11010519491231002X")
    assert HmtResidencePermitRecognizer().describe("820000200102030040")["division"] == "澳门居民"
    rng = random.Random(14)
    found = S.analyze({"zjhm": S.column(rng, S.hmt_residence_permit)})["zjhm"]
    assert set(found) == {"CN_HMT_PERMIT"}


def test_permit_numbers_mixed_into_an_id_column_are_reported_beside_ids():
    rng = random.Random(15)
    values = [S.resident_id(rng) for _ in range(700)] + [S.hmt_residence_permit(rng) for _ in range(300)]
    found = S.analyze({"sfzh": values})["sfzh"]
    assert found["CN_RESIDENT_ID"].match_ratio == pytest.approx(0.7)
    assert found["CN_HMT_PERMIT"].match_ratio == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("H12345678", True),
        ("M1234567890", True),
        ("C12345678", True),
        ("CA1234567", True),
        ("W12345678", True),
        ("L12345678", True),
        ("h12345678", True),
        ("H00000000", False),
        ("X12345678", False),
        ("H1234567", False),
    ],
)
def test_hk_macao_travel_permit_shapes(number, valid):
    rec = HkMacaoPermitRecognizer()
    assert rec.is_valid(rec.normalize(number)) is valid


def test_travel_permits_need_context():
    rng = random.Random(16)
    values = S.column(rng, lambda r: r.choice("HMC") + S.digits(r, 8))
    assert "CN_HMT_PERMIT" not in S.analyze({"code": values})["code"]
    assert (
        "CN_HMT_PERMIT"
        in S.analyze({"hxz_no": values}, comments={"hxz_no": "港澳居民来往内地通行证号码"})["hxz_no"]
    )
    taiwan = S.column(rng, lambda r: S.digits(r, 8))
    assert (
        "CN_HMT_PERMIT" not in S.analyze({"zjhm": taiwan})["zjhm"]
    )  # the generic word is not enough for 8 digits
    assert "CN_HMT_PERMIT" in S.analyze({"tbz": taiwan}, comments={"tbz": "台胞证号"})["tbz"]


def test_permit_in_free_text_needs_a_context_word_nearby():
    rec = HkMacaoPermitRecognizer()
    assert [s.text for s in rec.find_spans("旅客回乡证号码H12345678，已登记")] == ["H12345678"]
    assert rec.find_spans("产品型号H12345678已下架") == []
    assert [s.text for s in TaiwanPermitRecognizer().find_spans("台胞证 12345678")] == ["12345678"]


# -- passports ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid", "kind"),
    [
        ("E12345678", True, "ordinary passport (electronic, 2012-)"),
        ("EA1234567", True, "ordinary passport (electronic, 2012-)"),
        ("G12345678", True, "ordinary passport (2007-2012)"),
        ("DE1234567", True, "diplomatic passport"),
        ("SE1234567", True, "service passport"),
        ("PE1234567", True, "public affairs passport"),
        ("EI1234567", False, None),
        ("E1234567", False, None),
        ("K12345678", False, None),
        ("E١٢٣٤٥٦٧٨", False, None),
    ],
)
def test_passport_table(number, valid, kind):
    rec = PassportRecognizer()
    assert rec.is_valid(rec.normalize(number)) is valid
    assert rec.describe(number).get("document") == kind


def test_passport_column_needs_context():
    rng = random.Random(17)
    values = S.column(rng, S.passport)
    assert "CN_PASSPORT" not in S.analyze({"col_7": values})["col_7"]
    found = S.analyze({"passport_no": values})["passport_no"]["CN_PASSPORT"]
    assert found.match_ratio == pytest.approx(S.expected_ratio(values))
    assert PassportRecognizer().mask("E12345678") == "E1*****78"
    assert [s.text for s in PassportRecognizer().find_spans("护照号码：E12345678")] == ["E12345678"]


# -- foreigner permanent residence --------------------------------------------------------------------------------


def test_foreigner_pr_new_and_old():
    assert is_valid_foreigner_pr("911840198001010013")
    assert not is_valid_foreigner_pr("911840198001010014")  # check
    no_country = "91299919800101001"  # 999 is no ISO 3166 country
    assert not is_valid_foreigner_pr(no_country + check_char(no_country))
    assert is_valid_foreigner_pr("USA110801011234")
    assert not is_valid_foreigner_pr("XYZ110801011234")  # not an ISO 3166 code
    assert not is_valid_foreigner_pr("USA990801011234")  # 99 is no province
    assert ForeignerPrRecognizer().describe("911840198001010013") == {
        "nationality": "USA",
        "birth_date": "1980-01-01",
        "format": "2023",
    }
    assert not is_valid_resident_id("911840198001010013")  # 9 is no province: never a resident ID
    rng = random.Random(18)
    found = S.analyze({"yjz": S.column(rng, S.foreigner_pr)})["yjz"]
    assert set(found) == {"CN_FOREIGNER_PR"}


# -- USCC ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91110000600037341L", True),
        ("Y1110000MA01N5G927", True),  # authority Y: python-stdnum rejects it
        ("A1110000MA01N5G92U", True),  # authority A
        ("N1110000MA01N5G92F", True),  # authority N
        ("N1110000MA01N5G92E", False),  # wrong check character
        ("91110000600037341l", True),  # lower case
        ("91I10000600037341L", False),  # I is not in the alphabet
        ("90110000600037341L", False),  # entity type 0
        ("91200000600037341L"[:17] + "0", False),  # 20 is no province
        ("B1110000MA01N5G92F", False),  # B is no authority
    ],
)
def test_uscc_table(code, valid):
    assert is_valid_uscc(code) is valid


def test_uscc_org_code_is_supporting_evidence_only():
    assert organization_code_ok("600037341") and organization_code_ok("MA01N5G92")
    first = "91110000MA01N5G9X"  # organisation code with a wrong check, USCC check right
    assert not organization_code_ok(first[8:]) and is_valid_uscc(first + uscc_check_char(first))
    facts = UsccRecognizer().describe("91110000600037341L")
    assert facts["org_code_valid"] is True and facts["authority"].startswith("市场监管")


def test_uscc_column_and_random_strings():
    rng = random.Random(19)
    values = S.column(rng, S.uscc)
    f = S.analyze({"tyshxydm": values})["tyshxydm"]["CN_USCC"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values))
    assert f.details["org_code_valid_share"] < 0.2  # the generator draws organisation codes at random
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    noise = ["91" + S.digits(rng, 6) + "".join(rng.choice(alphabet) for _ in range(10)) for _ in range(1000)]
    assert "CN_USCC" not in S.analyze({"credit_code": noise})["credit_code"]
