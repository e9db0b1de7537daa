"""Vehicle trajectories against the lists' own words (seed 001), with the scan's trajectory profile.

* automotive items 12/14: 「平面精度不优于10米(不含10米)的车辆行踪轨迹」 — tracks coarser than 10 m are the items'
  sensitive PI; tracks at 10 m or finer are a candidate for item 1 (「车辆位置信息-精确坐标、行踪轨迹」) for a person
  to confirm, whatever the number of vehicles;
* trade-logistics item 1: 「精度超过小数点后两位、超过1公里级且传输间隔低于1小时的车辆经纬度信息」 — three conditions;
* autonomous driving: 「10万台以上车辆规模」 (items 2, 5, 6) and 「行踪轨迹」 among items 11/14's sensitive PI.
"""

from __future__ import annotations

from typing import Any

import pytest

from catalog import PersonCounts, evaluate
from catalog.findings import table_signature
from catalog.report import Table
from tests.catalog.builders import annotate, column, entity, findings_of, table

AUTO = "multisector-2025-automotive"
TRADE = "multisector-2025-trade-logistics"
AD = "multisector-2025-autonomous-driving"
ITEM1 = "精度超过小数点后两位、超过1公里级且传输间隔低于1小时的车辆经纬度信息"
PRECISION_M = {2: 1113.2, 3: 111.3, 6: 0.111}  # decimals of a degree at ~31°N


def profile(
    decimals: int = 3,
    interval_s: float | None = 600.0,
    vehicles: int | None = 12_000,
    fastest_s: float | None = None,
    device: str | None = "vin",
) -> dict[str, Any]:
    """A trajectory profile as the scanner writes it into ``tables[].trajectory``."""
    return {
        "coordinates": ["lat", "lng"],
        "device": {"column": device, "kind": "VIN", "vehicle": True} if device else None,
        "time_column": "gps_time" if interval_s is not None else None,
        "devices": vehicles,
        "fixes": (vehicles or 1) * 100,
        "decimals": {"lat": decimals, "lon": decimals},
        "precision_m": PRECISION_M[decimals],
        "interval": None
        if interval_s is None
        else {
            "median_s": interval_s,
            "device_median_s": {"min": fastest_s or interval_s, "median": interval_s, "max": interval_s},
            "devices": 200,
            "pairs": 99_800,
        },
        "time_span": {"first": "2025-03-01", "last": "2025-03-31", "days": 30.0, "basis": "exact"},
        "bbox": {"lat": [31.2, 31.71], "lon": [120.5, 120.76], "basis": "exact"},
        "provinces": [{"code": "320000", "name": "江苏省", "fixes": 900}],
        "sampled": {"devices": 200, "fixes": 100_000, "positions": 101_000, "seed": 0},
        "notes": []
        if interval_s is not None
        else ["no time column found (…): the interval between fixes not measured"],
    }


def fleet(real_catalog, decimals: int, traj: dict[str, Any] | None, name: str = "fleet_gps") -> Table:
    """A scanned table of vehicle fixes (VIN, latitude/longitude pair), annotated by the mapping."""
    p = PRECISION_M[decimals]
    pair = {"pair": {"lat": "lat", "lon": "lng"}, "decimals": {"lat": decimals, "lon": decimals}}
    t = table(
        name,
        column("vin", entity("VIN")),
        column("lat", {**entity("GEO_COORDINATE", 1.0, p), "details": pair}),
        column("lng", {**entity("GEO_COORDINATE", 1.0, p), "details": pair}),
        rows=1_000_000,
    )
    if traj is not None:
        t["trajectory"] = traj
    t = annotate(t, real_catalog.reference_rule("jiangsu-2025-reference-rule"))
    return t


def run(
    real_catalog,
    t: Table,
    lst: str,
    persons: int,
    scenario: str | None = None,
    subject: str | None = None,
):
    """``persons`` vehicle owners, each carrying every element of ``t``."""
    return evaluate(
        findings_of(t),
        catalog=real_catalog,
        lists=[lst],
        scenario=scenario,
        subject=subject,
        persons=PersonCounts({table_signature(t): persons}),
    )


def outcome(ev, item: int) -> tuple[str, str]:
    for key, entries in (("hit", ev.hits), ("needs_review", ev.manual_review), ("not_hit", ev.not_hit)):
        for x in entries:
            if x["item"] == item:
                return key, x["reason"]
    return "absent", ""


# --- trade logistics item 1 ----------------------------------------------------------------------------


def test_fleet_at_three_decimals_every_ten_minutes_hits_item_1(real_catalog):
    """「精度超过小数点后两位、超过1公里级且传输间隔低于1小时」: 3 decimals, ~111 m, every 10 minutes — all three hold."""
    ev = run(real_catalog, fleet(real_catalog, 3, profile(3, 600)), TRADE, 12_000, "cargo-tracking")
    got, why = outcome(ev, 1)
    assert got == "hit" and ev.route == "security_assessment"
    assert "3 decimals (> 2)" in why and "precision ~111.3 m (< 1000 m)" in why
    assert "median interval between one device's fixes 10 min (< 1 h)" in why
    assert "12,000 vehicles (distinct vin, counted in the source)" in why and "江苏省" in why
    assert f"「{ITEM1}」" in why and "candidate important data" in why


def test_same_fleet_every_two_hours_does_not_hit_item_1(real_catalog):
    ev = run(real_catalog, fleet(real_catalog, 3, profile(3, 7200)), TRADE, 12_000, "cargo-tracking")
    got, why = outcome(ev, 1)
    assert got == "not_hit", why
    assert "10 min" not in why and "median interval between one device's fixes 2 h (≥ 1 h)" in why
    assert "not all of the conditions hold" in why


def test_two_decimals_every_ten_minutes_do_not_hit_item_1(real_catalog):
    """Two decimals (~1.1 km) are not 「精度超过小数点后两位」 nor 「超过1公里级」."""
    got, why = outcome(
        run(real_catalog, fleet(real_catalog, 2, profile(2, 600)), TRADE, 12_000, "cargo-tracking"), 1
    )
    assert got == "not_hit" and "2 decimals (≤ 2)" in why and "(≥ 1000 m)" in why


@pytest.mark.parametrize("traj", [profile(3, None), None], ids=["no-time-column", "no-profile"])
def test_unmeasured_interval_goes_to_review_never_to_not_hit(real_catalog, traj):
    for scenario in ("cargo-tracking", None):  # also when the open item's scenario is not named
        ev = run(real_catalog, fleet(real_catalog, 3, traj), TRADE, 12_000, scenario)
        got, why = outcome(ev, 1)
        assert got == "needs_review", (scenario, why)
        assert "not measured" in why or "no trajectory profile" in why


def test_a_few_fast_devices_in_a_slow_fleet_go_to_a_person(real_catalog):
    ev = run(
        real_catalog, fleet(real_catalog, 3, profile(3, 7200, fastest_s=60)), TRADE, 12_000, "cargo-tracking"
    )
    got, why = outcome(ev, 1)
    assert got == "needs_review" and "some devices report more often than every 1 h" in why


# --- automotive items 1, 12, 14 --------------------------------------------------------------------------


def test_coarse_tracks_count_in_item_12_and_are_no_candidate(real_catalog):
    """12,000 vehicles' tracks at 2 decimals: 「1万人以上敏感个人信息」, including 「平面精度不优于10米(不含10米)的车辆行踪轨迹」."""
    ev = run(real_catalog, fleet(real_catalog, 2, profile(2)), AUTO, 12_000)
    assert {h["item"] for h in ev.hits} == {12} and ev.exit_status == 20
    got, why = outcome(ev, 12)
    assert "coordinates in fleet_gps (lat, lng) resolve to ~1,113.2 m (coarser than 10 m)" in why
    assert outcome(ev, 1)[0] == "needs_review"  # coarse tracks near sensitive areas: a person judges


def test_six_thousand_coarse_tracks_are_item_14(real_catalog):
    """「不满1万人敏感个人信息」 with the same tracks of 6,000 vehicles: item 14, standard contract (exit 10)."""
    ev = run(real_catalog, fleet(real_catalog, 2, profile(2, vehicles=6_000)), AUTO, 6_000)
    assert {h["item"] for h in ev.hits} == {14} and ev.exit_status == 10


def test_six_decimal_tracks_are_a_candidate_whatever_the_number_of_vehicles(real_catalog):
    """Tracks at 10 m or finer are outside 「平面精度不优于10米(不含10米)」: a candidate for item 1 for a person to
    confirm — with 600 vehicles too — and their owners still count as persons with sensitive PI."""
    ev = run(real_catalog, fleet(real_catalog, 6, profile(6, vehicles=600)), AUTO, 600)
    assert {h["item"] for h in ev.hits} == {1, 14} and ev.route == "security_assessment"
    h = next(h for h in ev.hits if h["item"] == 1)
    assert h["candidate"] and "candidate important data for a person to confirm" in h["reason"]
    assert "fleet_gps: ~0.11 m, 600 vehicles (distinct vin, counted in the source)" in h["reason"]
    assert "area 31.20–31.71°N, 120.50–120.76°E (江苏省; provinces approximate)" in h["reason"]
    assert "still sensitive PI as 行踪轨迹 (PIPL Art. 28)" in outcome(ev, 14)[1]


def test_mapping_marks_fine_tracks_as_candidate_with_what_to_confirm(real_catalog):
    t = fleet(real_catalog, 6, profile(6))
    lat = next(c for c in t.columns if c.name == "lat")
    assert lat.pi_class == "sensitive" and [c.code for c in lat.categories] == ["3", "16"]
    for cat in lat.categories:
        assert "candidate important data for a person to confirm" in cat.reason
        assert "~0.11 m, 12,000 vehicles" in cat.reason and "area 31.20–31.71°N" in cat.reason
    coarse = next(c for c in fleet(real_catalog, 2, profile(2)).columns if c.name == "lat")
    assert coarse.pi_class == "general" and coarse.categories == []


def test_the_literal_reading_is_recorded_beside_the_text(real_catalog):
    lst = real_catalog.negative_list(AUTO)
    for n in (12, 14):
        it = lst.item(n)
        (d,) = it.sensitive_elements
        assert (
            d.source_text == "平面精度不优于10米(不含10米)的车辆行踪轨迹" and d.source_text in it.description
        )
        assert d.entities == ["GEO_COORDINATE"] and d.confirm_with == "counsel"
    ip = lst.item(1).interpretation("precise_track_at_most_m")
    assert ip.source_text == "车辆位置信息-精确坐标、行踪轨迹" and ip.source_text in lst.item(1).description
    trade = real_catalog.negative_list(TRADE).item(1)
    for key in ("coordinate_decimal_places_above", "trajectory_precision_m", "transmission_interval_below_s"):
        ip = trade.interpretation(key)
        assert ip is not None and ip.source_text in trade.description and ip.confirm_with == "counsel"


# --- autonomous driving ----------------------------------------------------------------------------------


def test_a_hundred_thousand_vehicles_reach_the_scale_of_items_2_5_6(real_catalog):
    """「10万台以上车辆规模」: 120,000 vehicles counted in the source."""
    ev = run(real_catalog, fleet(real_catalog, 2, profile(2, vehicles=120_000)), AD, 120_000, "vehicle-rd")
    for item in (2, 5, 6):
        got, why = outcome(ev, item)
        assert got == "hit", why
        assert "120,000 vehicles" in why and "「10万台以上车辆规模」" in why


def test_fewer_vehicles_leave_the_other_measures_to_a_person(real_catalog):
    """Below 10万台 the items' 「或者涉及单一省级行政道路一定里程以上」 remains: review, with the count."""
    ev = run(real_catalog, fleet(real_catalog, 2, profile(2, vehicles=50_000)), AD, 50_000, "vehicle-rd")
    got, why = outcome(ev, 2)
    assert got == "needs_review" and "50,000 vehicles" in why and "below the scale" in why


def test_coarse_tracks_are_sensitive_in_items_11_and_14(real_catalog):
    """Items 11/14 name 「行踪轨迹」 among the 车主…敏感个人信息: 60,000 owners' coarse tracks reach 5万人以上."""
    ev = run(
        real_catalog,
        fleet(real_catalog, 2, profile(2, vehicles=60_000)),
        AD,
        60_000,
        "model-training",
        "vehicle-owner",
    )
    got, why = outcome(ev, 11)
    assert got == "hit", why
    assert "「行踪轨迹」" in why
