"""Trajectory profiles measured in the source, and trade-logistics item 1 decided on them.

Seed 001, 贸易物流 item 1: 「精度超过小数点后两位、超过1公里级且传输间隔低于1小时的车辆经纬度信息」.  A fleet whose
vehicles report every 10 minutes at 3 decimals meets all three conditions; the same fleet reporting every 2 hours
does not.  The numbers come from the engine: vehicles counted exactly, the fixes of sampled vehicles read in time
order by a window function (SQLite, PostgreSQL, MariaDB, DuckDB over Parquet and over S3 objects).
"""

from __future__ import annotations

import datetime as _dt
import io
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from catalog.report import to_document
from connectors import open_source
from connectors.base import FixQuery, TableInfo
from scanner.demo.identities import vin_complete
from scanner.scan import ScanOptions, scan
from scanner.trajectory_profile import build_profile, epoch_seconds, intervals, province_of, time_span
from tests import s3server
from tests.servers import admin_engine

s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3

TRADE = "multisector-2025-trade-logistics"
ITEM1 = "精度超过小数点后两位、超过1公里级且传输间隔低于1小时的车辆经纬度信息"
T0 = _dt.datetime(2025, 3, 1, 8, 0, 0)


def fleet_rows(vehicles: int, fixes: int, every_s: int, decimals: int, seed: int = 1) -> list[tuple]:
    """``fixes`` positions per vehicle around Suzhou (江苏), ``every_s`` seconds apart, written to ``decimals``."""
    rng = random.Random(seed)
    rows = []
    for i in range(vehicles):
        vin = vin_complete("LSVAU2A3", f"N{i:07d}")
        lat, lng = 31.2 + rng.random() / 2, 120.5 + rng.random() / 4
        rows += [
            (
                vin,
                T0 + _dt.timedelta(seconds=every_s * k + i),
                round(lat + k * 0.003, decimals),
                round(lng + k * 0.003, decimals),
            )
            for k in range(fixes)
        ]
    rng.shuffle(rows)  # stored out of time order: the engine must order each vehicle's fixes
    return rows


def write_sql(url: str, rows: list[tuple], name: str = "fleet_gps") -> None:
    engine = admin_engine(url)
    meta = sa.MetaData()
    t = sa.Table(
        name,
        meta,
        sa.Column("vin", sa.String(17)),
        sa.Column("gps_time", sa.DateTime),
        sa.Column("lat", sa.Double),
        sa.Column("lng", sa.Double),
    )
    with engine.begin() as conn:
        meta.drop_all(conn)
        meta.create_all(conn)
        conn.execute(t.insert(), [dict(zip(("vin", "gps_time", "lat", "lng"), r, strict=True)) for r in rows])
    engine.dispose()


def parquet_table(rows: list[tuple]) -> pa.Table:
    return pa.table(
        {
            "vin": [r[0] for r in rows],
            "gps_time": pa.array([r[1] for r in rows], pa.timestamp("s")),
            "lat": [r[2] for r in rows],
            "lng": [r[3] for r in rows],
        }
    )


def scan_trade(source: str, **connector_options: object) -> dict:
    options = ScanOptions(
        sample_rows=400, lists=[TRADE], scenario="cargo-tracking", connector_options=dict(connector_options)
    )
    return to_document(scan([source], options))


def item_1(report: dict) -> tuple[str, str]:
    li = report["list_items"]
    for key in ("items", "manual_review", "not_hit"):
        for x in li[key]:
            if x["item"] == 1:
                return key, x["reason"]
    return "absent", ""


def assert_fleet(report: dict, every_s: int, vehicles: int = 240) -> dict:
    (t,) = report["tables"]
    assert t["status"] == "ok", t["error"]
    tr = t["trajectory"]
    assert (
        tr["device"] == {"column": "vin", "kind": "VIN", "vehicle": True} and tr["time_column"] == "gps_time"
    )
    assert tr["devices"] == vehicles and tr["fixes"] == vehicles * 12  # exact, from the engine
    assert tr["decimals"] == {"lat": 3, "lon": 3}
    assert tr["interval"]["median_s"] == every_s
    assert tr["sampled"]["devices"] > 0 and tr["sampled"]["fixes"] == 12 * tr["sampled"]["devices"]
    assert tr["time_span"]["first"] == "2025-03-01" and tr["time_span"]["basis"] == "exact"
    assert tr["bbox"]["basis"] == "exact" and 31.19 <= tr["bbox"]["lat"][0] < tr["bbox"]["lat"][1] <= 31.75
    assert tr["provinces"][0]["name"] == "江苏省"
    return tr


# --- end to end: the fleet in every engine ---------------------------------------------------------------


@pytest.mark.parametrize(("every_s", "expected"), [(600, "items"), (7200, "not_hit")])
def test_sqlite_fleet(tmp_path: Path, every_s: int, expected: str) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    write_sql(url, fleet_rows(240, 12, every_s, 3))
    report = scan_trade(url)
    assert_fleet(report, every_s)
    got, why = item_1(report)
    assert got == expected, why
    assert f"「{ITEM1}」" in why and "240 vehicles (distinct vin, counted in the source)" in why


@pytest.mark.parametrize(("every_s", "expected"), [(600, "items"), (7200, "not_hit")])
def test_parquet_fleet(tmp_path: Path, every_s: int, expected: str) -> None:
    path = tmp_path / "fleet_gps.parquet"
    pq.write_table(parquet_table(fleet_rows(240, 12, every_s, 3)), path, row_group_size=500)
    report = scan_trade(str(path))
    assert_fleet(report, every_s)
    assert item_1(report)[0] == expected


@pytest.mark.s3
def test_s3_parquet_fleet(s3: s3server.S3Fixture) -> None:
    buf = io.BytesIO()
    pq.write_table(parquet_table(fleet_rows(240, 12, 600, 3)), buf, row_group_size=500)
    s3.put("fleet/fleet_gps.parquet", buf.getvalue())
    report = scan_trade(s3.uri("fleet/"), endpoint_url=s3.endpoint, max_attempts=2)
    assert_fleet(report, 600)
    assert item_1(report)[0] == "items"


@pytest.mark.postgres
def test_postgresql_fleet(pg_db_url: str) -> None:
    write_sql(pg_db_url, fleet_rows(240, 12, 7200, 3))
    report = scan_trade(pg_db_url)
    assert_fleet(report, 7200)
    assert item_1(report)[0] == "not_hit"


@pytest.mark.mysql
def test_mariadb_fleet(mysql_db_url: str) -> None:
    write_sql(mysql_db_url, fleet_rows(240, 12, 600, 3))
    report = scan_trade(mysql_db_url)
    assert_fleet(report, 600)
    assert item_1(report)[0] == "items"


def test_two_decimals_do_not_meet_item_1_even_every_ten_minutes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    write_sql(url, fleet_rows(240, 12, 600, 2))
    got, why = item_1(scan_trade(url))
    assert got == "not_hit" and "2 decimals (≤ 2)" in why


def test_a_table_without_times_leaves_item_1_to_a_person(tmp_path: Path) -> None:
    """No time column, no interval: 「传输间隔低于1小时」 cannot be tested, so the item is reviewed, not dismissed."""
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    engine = admin_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE fleet_gps (vin TEXT, lat REAL, lng REAL)")
        conn.exec_driver_sql(
            "INSERT INTO fleet_gps VALUES "
            + ", ".join(f"('{v}', {a}, {b})" for v, _, a, b in fleet_rows(50, 4, 600, 3))
        )
    engine.dispose()
    report = scan_trade(url)
    tr = report["tables"][0]["trajectory"]
    assert tr["interval"] is None and tr["devices"] == 50
    assert any("no time column" in n for n in tr["notes"])
    got, why = item_1(report)
    assert got == "manual_review" and "reporting interval not measured" in why


# --- the connector methods --------------------------------------------------------------------------------


def _fixes_and_bounds(source: str, name: str) -> None:
    rows = fleet_rows(5, 12, 600, 3)
    vins = sorted({r[0] for r in rows})[:2]
    with open_source(source) as conn:
        info = next(t for t in conn.list_tables() if t.name == name)
        got = conn.device_fixes(info, FixQuery("vin", "gps_time", tuple(vins), 4, ("lat", "lng")))
        bounds = conn.value_bounds(info, ["lat", "gps_time"])
    assert got.column_names == ["vin", "gps_time", "lat", "lng"]
    assert got.column("vin").to_pylist() == [vins[0]] * 4 + [vins[1]] * 4  # four per vehicle, by vehicle
    times = [epoch_seconds(t) for t in got.column("gps_time").to_pylist()]
    assert times[:4] == sorted(times[:4]) and times[1] - times[0] == 600  # the earliest four, in time order
    assert bounds["lat"][0] == min(r[2] for r in rows) and bounds["lat"][1] == max(r[2] for r in rows)
    assert epoch_seconds(bounds["gps_time"][0]) == epoch_seconds(T0)


def test_sqlite_reads_the_first_fixes_of_chosen_vehicles(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    write_sql(url, fleet_rows(5, 12, 600, 3))
    _fixes_and_bounds(url, "fleet_gps")


def test_parquet_reads_the_first_fixes_of_chosen_vehicles(tmp_path: Path) -> None:
    pq.write_table(parquet_table(fleet_rows(5, 12, 600, 3)), tmp_path / "fleet_gps.parquet", row_group_size=7)
    _fixes_and_bounds(str(tmp_path / "fleet_gps.parquet"), "fleet_gps")


def test_unknown_devices_and_no_devices_read_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    write_sql(url, fleet_rows(3, 4, 600, 3))
    with open_source(url) as conn:
        info = TableInfo("fleet_gps")
        assert conn.device_fixes(info, FixQuery("vin", "gps_time", ("NO-SUCH-VIN",), 10)).num_rows == 0
        assert conn.device_fixes(info, FixQuery("vin", "gps_time", (), 10)).num_rows == 0


# --- the pure profile ----------------------------------------------------------------------------------------


def test_interval_is_the_median_gap_between_one_devices_fixes() -> None:
    t = epoch_seconds(T0)
    devices = ["a"] * 4 + ["b"] * 3 + ["c"]
    times = [
        t + 1800,
        t,
        t + 600,
        t + 600,  # a: out of order, one fix written twice → gaps 600, 1200
        t,
        t + 7200,
        t + 14400,  # b: every 2 h
        t,
    ]  # c: one fix, no gap; pooled gaps 600, 1200, 7200, 7200
    out = intervals(devices, times)
    assert out == {
        "median_s": 4200.0,
        "device_median_s": {"min": 900.0, "median": 4050.0, "max": 7200.0},
        "devices": 2,
        "pairs": 4,
    }


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-01 08:00:00",
        "2025/3/1 8:00",
        "2025-03-01T08:00:00Z",
        "2025年3月1日 08时00分",
        "20250301080000",
        1740816000,
        1740816000000,
        T0,
    ],
)
def test_times_as_sources_write_them(value: object) -> None:
    assert epoch_seconds(value) == epoch_seconds(T0)


def test_provinces_by_extent_and_nearest_capital() -> None:
    assert province_of(31.30, 120.62).name == "江苏省"  # Suzhou
    assert province_of(31.82, 117.23).name == "安徽省"  # Hefei, inside Jiangsu's box too
    assert province_of(39.90, 116.41).name == "北京市"  # inside Hebei's box too
    assert province_of(43.83, 87.62).name == "新疆维吾尔自治区"
    assert province_of(1.35, 103.82) is None  # Singapore


def test_area_is_rounded_outward_and_times_to_the_day() -> None:
    """No fix's full position or time appears in a report: the box keeps two decimals (~1 km), times the day."""
    p = build_profile(
        coordinates=["lat", "lng"],
        device=None,
        time_column=None,
        devices=None,
        fixes=10,
        decimals=None,
        precision_m=None,
        bounds={"lat": (31.204171, 31.70002), "lon": (120.5, 121.000013)},
    )
    assert p.bbox == {"lat": [31.2, 31.71], "lon": [120.5, 121.01], "basis": "exact"}
    assert time_span("2025-03-01 08:13:07", "2025-04-02 20:00:00", "exact") == {
        "first": "2025-03-01",
        "last": "2025-04-02",
        "days": 32.5,
        "basis": "exact",
    }
