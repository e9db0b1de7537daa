"""Number plates, VINs and driving-licence file numbers."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from recognizers.vehicle import (
    DriverFileNoRecognizer,
    PlateRecognizer,
    VinRecognizer,
    is_valid_driver_file_no,
    is_valid_plate,
    is_valid_vin,
    vin_check_digit,
)
from tests.recognizers import id_samples as S


@pytest.mark.parametrize(
    ("plate", "valid", "kind"),
    [
        ("苏A12345", True, "ordinary"),
        ("苏A·12345", True, "ordinary"),
        ("苏a·1234x", True, "ordinary"),
        ("京AD12345", True, "new energy"),  # small new-energy vehicle
        ("粤B12345F", True, "new energy"),  # large new-energy vehicle
        ("沪A1234挂", True, "trailer"),
        ("京A0001警", True, "police"),
        ("粤Z1234港", True, "Hong Kong"),
        ("苏A1234学", True, "coach"),
        ("224001使", True, "embassy"),
        ("使014001", True, "embassy"),
        ("苏I12345", False, None),  # no I as the office letter
        ("苏A1234", False, None),
        ("苏AZ12345", False, None),  # Z is no new-energy letter
        ("港A12345", False, None),  # 港 is no province character
        ("AB12345", False, None),
    ],
)
def test_plate_table(plate, valid, kind):
    assert is_valid_plate(plate) is valid
    assert PlateRecognizer().describe(plate).get("kind") == kind
    assert (PlateRecognizer().analyze_values(pa.array([plate])).matched == 1) is valid


def test_plate_column_mask_and_text():
    rng = random.Random(51)
    values = S.column(rng, S.plate)
    f = S.analyze({"col_p": values})["col_p"]["CN_LICENSE_PLATE"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values))
    assert PlateRecognizer().mask("苏A·12345") == "苏A****5"
    assert [s.text for s in PlateRecognizer().find_spans("车牌号苏E·5X8K2的车辆于")] == ["苏E·5X8K2"]
    assert PlateRecognizer().describe("京AD12345") == {
        "province": "北京",
        "kind": "new energy",
        "new_energy": True,
    }


def test_vin_check_digit_and_rules():
    assert vin_check_digit("1M8GDM9AXKP042788") == "X" and is_valid_vin("1M8GDM9AXKP042788")
    assert not is_valid_vin("1M8GDM9A1KP042788")  # wrong check digit
    assert not is_valid_vin("1M8GDM9AXKP04278")  # 16 characters
    assert not is_valid_vin("1M8GDM9AXIP042788")  # I is not allowed
    body = "12345678901234567"
    assert not is_valid_vin(
        body[:8] + vin_check_digit(body) + body[9:]
    )  # all digits: an order number, not a VIN
    assert is_valid_vin("1m8gdm9axkp042788")
    assert VinRecognizer().describe("LSVAU218XN2183294") == {"wmi": "LSV", "region": "China"}
    assert VinRecognizer().mask("LSVAU218XN2183294") == "LSV**************"


def test_vin_column_and_random_17_character_strings():
    rng = random.Random(52)
    values = S.column(rng, S.vin)
    f = S.analyze({"col_v": values})["col_v"]["VIN"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values))
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    noise = ["".join(rng.choice(alphabet) for _ in range(17)) for _ in range(1000)]
    # by chance: position 9 holds the one right character of 33 (the eleven check characters are a third of them)
    assert 0.015 < sum(is_valid_vin(v) for v in noise) / 1000 < 0.05
    assert "VIN" not in S.analyze({"vin": noise})["vin"]  # even with a supporting name


def test_driver_file_number_needs_context():
    rng = random.Random(53)
    values = S.column(rng, lambda r: S.digits(r, 12))
    assert "CN_DRIVER_FILE_NO" not in S.analyze({"col_d": values})["col_d"]
    f = S.analyze({"dabh": values})["dabh"]["CN_DRIVER_FILE_NO"]
    assert f.match_ratio == pytest.approx(S.expected_ratio(values))
    assert not is_valid_driver_file_no("000000000000") and is_valid_driver_file_no("320100123456")
    spans = DriverFileNoRecognizer().find_spans("驾驶证档案编号：320100123456")
    assert [s.text for s in spans] == ["320100123456"]
    assert DriverFileNoRecognizer().find_spans("流水号320100123456") == []
