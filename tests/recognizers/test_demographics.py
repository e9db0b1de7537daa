"""DATE_OF_BIRTH, AGE, GENDER, ETHNICITY, RELIGION and the MINOR_UNDER_14 table recognizer."""

from __future__ import annotations

import datetime as _dt
import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from recognizers.demographics import (
    MIN_MINORS,
    MINOR_AGE,
    AgeInTextRecognizer,
    AgeRecognizer,
    DateOfBirthRecognizer,
    EthnicityRecognizer,
    GenderRecognizer,
    ReligionRecognizer,
    _recent_plain,
    ethnic_groups,
    is_birth_date,
    is_under_14,
    parse_date,
    religions,
)
from recognizers.engine import ColumnMeta, analyze_table
from recognizers.identity import check_char
from tests.export.conftest import resident_id

SCAN = _dt.date(2026, 11, 22)


def _types(found: dict, column: str) -> dict:
    return {f.type: f for f in found.get(column, [])}


@pytest.mark.parametrize(
    "value, date",
    [
        ("1980-01-02", _dt.date(1980, 1, 2)),
        ("1980/1/2", _dt.date(1980, 1, 2)),
        ("1980.01.02", _dt.date(1980, 1, 2)),
        ("19800102", _dt.date(1980, 1, 2)),
        ("1980年1月2日", _dt.date(1980, 1, 2)),
        ("1980年1月", _dt.date(1980, 1, 1)),
        ("1980-01", _dt.date(1980, 1, 1)),
        ("1980-01-02 00:00:00", _dt.date(1980, 1, 2)),
        ("1980-01-02T08:00", _dt.date(1980, 1, 2)),
        ("1980-02-30", None),
        ("19801302", None),
        ("2026年", None),
        ("abc", None),
        ("", None),
    ],
)
def test_parse_date(value, date):
    assert parse_date(value) == date


def test_birth_dates_are_real_and_past():
    assert is_birth_date("1949-10-01") and not is_birth_date("1879-12-31") and not is_birth_date("2999-01-01")


def test_under_14_boundaries():
    assert is_under_14(_dt.date(2012, 11, 23), SCAN)  # turns 14 tomorrow
    assert not is_under_14(_dt.date(2012, 11, 22), SCAN)  # 14th birthday today
    assert is_under_14(_dt.date(2012, 2, 29), _dt.date(2026, 2, 28))
    assert not is_under_14(_dt.date(2030, 1, 1), SCAN)  # not born yet: a data error, not a minor


def _dates(n: int, start: int = 1940, end: int = 2005, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return [
        (_dt.date(start, 1, 1) + _dt.timedelta(days=rng.randint(0, (end - start) * 365))).isoformat()
        for _ in range(n)
    ]


def test_date_of_birth_needs_support():
    dates = _dates(100)
    table = pa.table(
        {"csrq": dates, "created_at": dates, "c1": dates, "birthday": [d.replace("-", "") for d in dates]}
    )
    found = analyze_table(table, [ColumnMeta("c1", "varchar", "出生日期")], scan_date=SCAN)
    for col in ("csrq", "c1", "birthday"):
        assert "DATE_OF_BIRTH" in _types(found, col), col
    assert "DATE_OF_BIRTH" not in _types(found, "created_at")
    assert all(e.endswith("-**-**") for e in _types(found, "csrq")["DATE_OF_BIRTH"].evidence)


def test_date_typed_birth_columns():
    rng = random.Random(2)
    days = [_dt.date(1950, 1, 1) + _dt.timedelta(days=rng.randint(0, 20000)) for _ in range(80)]
    table = pa.table(
        {
            "dob": pa.array(days, pa.date32()),
            "created_at": pa.array(days, pa.date32()),
            "birth_ts": pa.array([_dt.datetime(d.year, d.month, d.day) for d in days], pa.timestamp("us")),
        }
    )
    found = analyze_table(table, scan_date=SCAN)
    assert "DATE_OF_BIRTH" in _types(found, "dob") and "DATE_OF_BIRTH" in _types(found, "birth_ts")
    assert found["created_at"] == []


def test_date_of_birth_in_text_needs_a_cue():
    r = DateOfBirthRecognizer()
    assert [s.text for s in r.find_spans("患者1958年3月12日出生，于2024-05-01入院")] == ["1958年3月12日"]
    assert r.find_spans("订单于2024-05-01创建") == []


def test_age():
    rng = random.Random(4)
    ages = [str(rng.randint(1, 95)) for _ in range(100)]
    table = pa.table(
        {
            "nl": ages,
            "qty": ages,
            "age_text": [a + "岁" for a in ages],
            "score": [str(rng.randint(0, 500)) for _ in range(100)],
        }
    )
    found = analyze_table(table, [ColumnMeta("score", "int", "年龄")], scan_date=SCAN)
    assert "AGE" in _types(found, "nl") and "AGE" in _types(found, "age_text")
    assert "AGE" not in _types(found, "qty")  # small integers without a name are quantities
    assert "AGE" not in _types(found, "score")  # named age, but most values exceed 120
    assert [s.text for s in AgeInTextRecognizer().find_spans("患者女，67岁，3岁以上儿童适用")] == ["67岁"]
    assert AgeRecognizer().validate("120") and not AgeRecognizer().validate("121")


def test_gender():
    table = pa.table(
        {
            "xb": ["男", "女"] * 40,
            "sex": ["M", "F"] * 40,
            "xbdm": ["1", "2"] * 40,
            "flag": ["1", "2"] * 40,
            "gender": ["male", "female", "Male", "Female"] * 20,
        }
    )
    found = analyze_table(table, scan_date=SCAN)
    for col in ("xb", "sex", "xbdm", "gender"):
        assert "GENDER" in _types(found, col), col
    assert "GENDER" not in _types(found, "flag")
    assert [s.text for s in GenderRecognizer().find_spans("常建良，男，1963年出生，工科学士")] == ["男"]
    assert GenderRecognizer().find_spans("男装女装七折") == []


def test_ethnicity():
    assert len([k for k, v in ethnic_groups().items() if v <= "56"]) == 56
    groups = ["汉族", "壮族", "回族", "维吾尔族", "满族", "苗族"]
    table = pa.table(
        {
            "col_a": groups * 15,
            "mz": ["汉", "回", "满", "苗", "壮", "藏"] * 15,
            "codes": ["01", "03"] * 45,
            "mzdm": ["01", "03"] * 45,
        }
    )
    found = analyze_table(table, scan_date=SCAN)
    assert (
        "ETHNICITY" in _types(found, "col_a")
        and "ETHNICITY" in _types(found, "mz")
        and "ETHNICITY" in _types(found, "mzdm")
    )
    assert "ETHNICITY" not in _types(found, "codes")
    assert [s.text for s in EthnicityRecognizer().find_spans("民族：汉族，籍贯江苏")] == ["汉族"]


def test_religion():
    assert "伊斯兰教" in religions()
    values = ["佛教", "无宗教信仰", "基督教", "伊斯兰教", "道教"] * 12
    found = analyze_table(pa.table({"zjxy": values, "topic": values}), scan_date=SCAN)
    assert "RELIGION" in _types(found, "zjxy") and "RELIGION" not in _types(found, "topic")
    assert ReligionRecognizer().mask("佛教") == "**"


def _resident_id(rng: random.Random, birth: _dt.date) -> str:
    first17 = f"320506{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + check_char(first17)


def test_minor_from_resident_ids():
    rng = random.Random(9)
    adults = [_resident_id(rng, _dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)) for i in range(95)]
    children = [_resident_id(rng, _dt.date(2015 + i, 6, 1)) for i in range(5)]
    found = analyze_table(pa.table({"sfzh": adults + children}), scan_date=SCAN)
    f = _types(found, "sfzh")["MINOR_UNDER_14"]
    assert f.match_ratio == pytest.approx(0.05) and f.matched == 5
    assert f.details == {"derived_from": "sfzh", "minors": 5, "source_entity": "CN_RESIDENT_ID"}
    only_adults = analyze_table(pa.table({"sfzh": adults}), scan_date=SCAN)
    assert "MINOR_UNDER_14" not in _types(only_adults, "sfzh")


def test_minor_from_birth_dates_needs_enough_children():
    adults = _dates(500, 1950, 2000)
    two = adults + ["2016-03-01", "2018-07-09"]  # 2 of 502 (0.4 %): below both thresholds
    three = adults + ["2016-03-01", "2018-07-09", "2020-01-01"]
    assert MIN_MINORS == 3
    found2 = analyze_table(pa.table({"csrq": two}), scan_date=SCAN)
    assert "DATE_OF_BIRTH" in _types(found2, "csrq") and "MINOR_UNDER_14" not in _types(found2, "csrq")
    f = _types(analyze_table(pa.table({"csrq": three}), scan_date=SCAN), "csrq")["MINOR_UNDER_14"]
    assert f.matched == 3 and f.details["derived_from"] == "csrq"
    dated = pa.table(
        {"birth_date": pa.array([_dt.date(2019, 5, 1)] * 10 + [_dt.date(1970, 1, 1)] * 10, pa.date32())}
    )
    assert _types(analyze_table(dated, scan_date=SCAN), "birth_date")[
        "MINOR_UNDER_14"
    ].match_ratio == pytest.approx(0.5)


def test_created_at_children_are_not_minors():
    dates = ["2019-05-01"] * 20
    found = analyze_table(pa.table({"created_at": dates}), scan_date=SCAN)
    assert found["created_at"] == []


def test_recent_births_read_from_the_bytes_are_those_arrow_compares() -> None:
    """``_recent_plain`` keeps the values of 15 or 18 characters and compares their birth dates as big-endian
    numbers: the same values, and the same verdicts, as Arrow's string comparison, junk digits included."""
    rng = random.Random(7)
    alphabet = "0123456789X"
    values = pa.array(
        [
            "".join(rng.choice(alphabet) for _ in range(rng.choice((14, 15, 16, 18, 18, 18, 19))))
            for _ in range(3000)
        ]
        + [resident_id(k) for k in range(200)]
        + ["110105" + "20150101" + "1234", "110105" + "201201" + "123"]
    )
    scan_date = _dt.date(2026, 12, 7)
    eighteen = values.filter(pc.equal(pc.utf8_length(values), 18))  # every value 18 long: read as a matrix
    for column in (values, eighteen, eighteen.slice(7, 900)):
        kept, recent = _recent_plain(column, scan_date)
        expected = column.filter(pc.is_in(pc.utf8_length(column), pa.array([15, 18], pa.int32())))
        n = pc.utf8_length(expected)
        births = pc.if_else(
            pc.equal(n, 15),
            pc.binary_join_element_wise("19", pc.utf8_slice_codeunits(expected, 6, 12), ""),
            pc.utf8_slice_codeunits(expected, 6, 14),
        )
        assert kept.equals(expected)
        assert (
            recent.tolist()
            == pc.greater_equal(births, f"{scan_date.year - MINOR_AGE - 1:04d}0101").to_pylist()
        )
        assert recent.any() and not recent.all()
