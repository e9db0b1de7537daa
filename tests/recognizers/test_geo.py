"""GEO_COORDINATE: column pairs, coordinates in strings, geohashes, and ``precision_m`` on every finding."""

from __future__ import annotations

import decimal
import glob
import math
import random

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest

from recognizers import geo
from recognizers.engine import ColumnMeta, analyze_table
from recognizers.geo import parse_coordinate
from recognizers.geo_precision import column_decimals, geohash_precision_m, precision_m

RECS = tuple(cls() for cls in geo.VALUE_RECOGNIZERS)
TABLE_RECS = tuple(cls() for cls in geo.TABLE_RECOGNIZERS)


def analyze(
    columns: dict[str, list],
    metas: list[ColumnMeta] | None = None,
    table_name: str = "t",
    schema: pa.Schema | None = None,
) -> dict[str, dict[str, object]]:
    table = pa.table(columns, schema=schema) if schema is not None else pa.table(columns)
    res = analyze_table(table, metas, table_name=table_name, recognizers=RECS, table_recognizers=TABLE_RECS)
    return {col: {f.type: f for f in found} for col, found in res.items()}


def _track(
    rng: random.Random, n: int, lat0: float = 31.3178, lon0: float = 120.7364, d: int = 6
) -> tuple[list, list]:
    lats, lons = [], []
    lat, lon = lat0, lon0
    for _ in range(n):
        lat += rng.uniform(-1e-3, 1e-3)
        lon += rng.uniform(-1e-3, 1e-3)
        lats.append(round(lat, d))
        lons.append(round(lon, d))
    return lats, lons


# -- precision arithmetic --------------------------------------------------------------------------------


def test_precision_from_decimals():
    # one step of the 4th decimal at 40°N: 11.13 m north-south, 8.53 m east-west; the pair is the coarser
    assert precision_m(4, 4, 40.0) == pytest.approx(11.132)
    assert precision_m(5, 5, 30.0) == pytest.approx(1.1132)  # finer than 10 m needs 5 decimals
    assert precision_m(2, 2, 31.23) > 1000  # city level
    assert precision_m(6, 4, 54.0) == pytest.approx(111_320 * math.cos(math.radians(54)) * 1e-4)
    assert geohash_precision_m("wx4g0ec1") > 10 > geohash_precision_m("wx4g0ec19")


def test_column_decimals_see_through_dropped_zeros():
    rng = random.Random(1)
    six = [round(39.9 + rng.random() / 10, 6) for _ in range(1000)]
    written = [repr(v) for v in six]
    assert sum(1 for w in written if len(w.split(".")[1]) < 6) > 50  # floats dropped trailing zeros …
    assert column_decimals(written) == 6  # … the 90th percentile still reads 6
    assert column_decimals(["39.98", "39.9"] * 95 + ["39.984094"] * 5) == 2  # a few fine values do not count
    assert column_decimals(pa.array(["39.980000", "39.990000"])) == 2  # fixed-width zeros are no precision


# -- column pairs ----------------------------------------------------------------------------------------


def test_named_float_pair_sets_precision_on_both_columns():
    rng = random.Random(2)
    lats, lons = _track(rng, 600)
    found = analyze({"vehicle": ["V1"] * 600, "latitude": lats, "longitude": lons})
    for col in ("latitude", "longitude"):
        f = found[col]["GEO_COORDINATE"]
        assert f.details["pair"] == {"lat": "latitude", "lon": "longitude"}
        assert f.details["decimals"] == {"lat": 6, "lon": 6}
        assert f.precision_m == pytest.approx(0.11132)
        assert f.details["datum"] == "unknown" and "GCJ-02" in f.details["datum_note"]
        assert all(e.count("*") == 4 for e in f.evidence)  # two decimals kept
    assert "GEO_COORDINATE" not in found["vehicle"]


def test_pairs_in_decimal_float32_and_string_columns():
    rng = random.Random(3)
    lats, lons = _track(rng, 300, d=5)
    dec = pa.schema([("wd", pa.decimal128(10, 6)), ("jd", pa.decimal128(10, 6))])
    found = analyze(
        {
            "wd": [decimal.Decimal(f"{v:.6f}") for v in lats],
            "jd": [decimal.Decimal(f"{v:.6f}") for v in lons],
        },
        schema=dec,
    )
    assert found["wd"]["GEO_COORDINATE"].details["decimals"] == {
        "lat": 5,
        "lon": 5,
    }  # DECIMAL(10,6) zeros dropped
    f32 = pa.schema([("lat", pa.float32()), ("lng", pa.float32())])
    found = analyze({"lat": lats, "lng": lons}, schema=f32)
    assert found["lat"]["GEO_COORDINATE"].precision_m < 10
    found = analyze({"纬度": [f"{v:.5f}" for v in lats], "经度": [f"{v:.5f}" for v in lons]})
    assert found["纬度"]["GEO_COORDINATE"].details["pair"] == {"lat": "纬度", "lon": "经度"}


def test_unnamed_pair_is_read_from_the_values_and_order():
    rng = random.Random(4)
    lats, lons = _track(rng, 300, lat0=39.98, lon0=116.32)
    found = analyze({"f1": lons, "f0": lats, "f2": [rng.randint(0, 500) for _ in lats]})
    assert found["f1"]["GEO_COORDINATE"].details["pair"] == {"lat": "f0", "lon": "f1"}
    assert "GEO_COORDINATE" not in found["f2"]


def test_swapped_names_are_noticed():
    rng = random.Random(5)
    lats, lons = _track(rng, 300)
    found = analyze({"lat": lons, "lng": lats})
    f = found["lat"]["GEO_COORDINATE"]
    assert f.details["pair"] == {"lat": "lng", "lon": "lat"} and f.details["names_swapped"]


def test_sub_columns_of_json_pair_with_their_siblings_and_are_named_by_their_last_key():
    rng = random.Random(12)
    start, end = _track(rng, 300), _track(rng, 300, lat0=31.9, lon0=120.1, d=3)
    found = analyze(
        {
            "trip.start.lat": start[0],
            "trip.end.lat": end[0],
            "trip.start.lng": start[1],
            "trip.end.lng": end[1],
            "pos.lat_lng.lat": start[0],  # the parent names both, the key says which
            "pos.lat_lng.lng": start[1],
        }
    )
    assert found["trip.start.lat"]["GEO_COORDINATE"].details["pair"] == {
        "lat": "trip.start.lat",
        "lon": "trip.start.lng",
    }
    assert found["trip.end.lng"]["GEO_COORDINATE"].details["decimals"] == {"lat": 3, "lon": 3}
    assert found["pos.lat_lng.lng"]["GEO_COORDINATE"].details["pair"]["lat"] == "pos.lat_lng.lat"


def test_city_level_pair_is_coarse():
    rng = random.Random(6)
    lats = [round(31.23 + rng.uniform(-1, 1), 2) for _ in range(300)]
    lons = [round(121.47 + rng.uniform(-1, 1), 2) for _ in range(300)]
    f = analyze({"city_lat": lats, "city_lng": lons})["city_lat"]["GEO_COORDINATE"]
    assert f.precision_m >= 1000


@pytest.mark.parametrize(
    "columns",
    [
        {"age": "ages", "bmi": "bmis"},  # 18–54 floats
        {"weight": "weights", "heart_rate": "rates"},  # 73–135 floats
        {"bmi": "bmis", "heart_rate": "rates"},  # the two ranges side by side, names say what they are
        {"temperature": "temps", "weight_kg": "weights"},
        {"score": "bmis"},  # a lone column never counts
        {"price": "prices", "amount": "weights"},
        {"v1": "bmis2", "v2": "rates2"},  # unnamed, too few decimals
    ],
)
def test_measurements_are_no_coordinates(columns):
    rng = random.Random(7)
    data = {
        "ages": [float(rng.randint(18, 54)) for _ in range(300)],
        "bmis": [round(rng.uniform(18, 35), 6) for _ in range(300)],
        "bmis2": [round(rng.uniform(18, 35), 2) for _ in range(300)],
        "weights": [round(rng.uniform(73, 135), 4) for _ in range(300)],
        "rates": [round(rng.uniform(73, 135), 5) for _ in range(300)],
        "rates2": [round(rng.uniform(73, 135), 1) for _ in range(300)],
        "temps": [round(rng.uniform(36, 40), 4) for _ in range(300)],
        "prices": [round(rng.uniform(10, 50), 2) for _ in range(300)],
    }
    found = analyze({name: data[src] for name, src in columns.items()})
    assert all("GEO_COORDINATE" not in f for f in found.values())


def test_plot_coordinates_named_x_y_are_no_positions():
    rng = random.Random(11)
    xs = [round(rng.uniform(0, 180), 4) for _ in range(300)]
    ys = [round(rng.uniform(0, 90), 4) for _ in range(300)]
    found = analyze({"x": xs, "y": ys})
    assert "GEO_COORDINATE" not in found["x"] and "GEO_COORDINATE" not in found["y"]
    lats, lons = _track(rng, 300)
    assert "GEO_COORDINATE" in analyze({"x": lons, "y": lats})["x"]  # inside China with 6 decimals


def test_datum_from_names():
    rng = random.Random(8)
    lats, lons = _track(rng, 200)
    f = analyze({"lat_gcj02": lats, "lng_gcj02": lons})["lat_gcj02"]["GEO_COORDINATE"]
    assert f.details["datum"] == "GCJ-02"
    f = analyze(
        {"y": lats, "x": lons},
        [ColumnMeta("y", "REAL", "百度坐标纬度"), ColumnMeta("x", "REAL", "百度坐标经度")],
    )
    assert f["y"]["GEO_COORDINATE"].details["datum"] == "BD-09"


# -- coordinates in strings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "order", "fine"),
    [
        ("31.230416,121.473701", "lat,lon", True),
        ("121.473701,31.230416", "lon,lat", True),  # AMap/Baidu order
        ("121.473701, 31.230416", "lon,lat", True),
        ("POINT(121.4737 31.2304)", "lon,lat", False),  # 4 decimals: 11 m
        ("SRID=4326;POINT(121.473701 31.230416)", "lon,lat", True),
        ('{"type": "Point", "coordinates": [121.473701, 31.230416]}', "lon,lat", True),
        ('{"coordinates":[121.473701,31.230416],"type":"Point"}', "lon,lat", True),
        ("48.858370,2.294481", "lat,lon", True),  # Paris, latitude first
        ("39°54′26.4″N 116°23′29.1″E", "dms", True),
        ("北纬39度54分26秒，东经116度23分29秒", "dms", False),  # whole seconds: 31 m
        ("31.23,121.47", "lat,lon", False),
    ],
)
def test_coordinate_strings(value, order, fine):
    info = parse_coordinate(value)
    assert info is not None and info["order"] == order
    assert (info["precision_m"] < 10) is fine


@pytest.mark.parametrize(
    "value",
    [
        "12.50,13.75",
        "1.2,3.4",
        "3.5,4.2",
        "0.000000,0.000000",
        "99.1234,199.1234",
        "12:30",
        "1.2.3",
        '{"type":"LineString","coordinates":[1.5,2.5]}',
        "1.50,2.00",
        "36.52 120.55",
    ],
)
def test_not_coordinates(value):
    assert parse_coordinate(value) is None


def test_string_coordinate_columns_get_precision():
    rng = random.Random(9)
    lats, lons = _track(rng, 300)
    found = analyze(
        {
            "location": [f"{lo},{la}" for la, lo in zip(lats, lons, strict=True)],
            "wkt": [f"POINT({lo:.4f} {la:.4f})" for la, lo in zip(lats, lons, strict=True)],
            "city": [f"{la:.2f},{lo:.2f}" for la, lo in zip(lats, lons, strict=True)],
        }
    )
    assert found["location"]["GEO_COORDINATE"].precision_m == pytest.approx(0.11132)
    assert found["wkt"]["GEO_COORDINATE"].precision_m == pytest.approx(11.132)
    assert found["city"]["GEO_COORDINATE"].precision_m > 1000
    assert not any(f"{lons[0]}" in e for e in found["location"]["GEO_COORDINATE"].evidence)
    prices = [
        f"{rng.randint(1, 99)}.{rng.randint(0, 99):02d},{rng.randint(1, 99)}.{rng.randint(0, 99):02d}"
        for _ in range(300)
    ]
    assert "GEO_COORDINATE" not in analyze({"prices": prices})["prices"]


def test_coordinates_in_free_text_get_precision():
    rng = random.Random(10)
    lats, lons = _track(rng, 100)
    texts = [
        f"车辆于2026-06-0{i % 9 + 1} 08:30 停靠在位置 {la},{lo} 附近，司机报告路况拥堵，预计晚到二十分钟左右。"
        for i, (la, lo) in enumerate(zip(lats, lons, strict=True))
    ]
    f = analyze({"report": texts})["report"]["GEO_COORDINATE"]
    assert f.details.get("free_text") and f.precision_m == pytest.approx(0.11132)


def test_geohash_needs_a_geohash_column():
    hashes = ["wtw3sjq6q", "wx4g0ec19", "wtw3sjq6r", "ws10k0w2x"] * 75
    f = analyze({"geohash": hashes})["geohash"]["GEO_COORDINATE"]
    assert f.precision_m < 10 and f.details["geohash_length"] == 9
    assert "GEO_COORDINATE" not in analyze({"code": hashes})["code"]


# -- GeoLife ---------------------------------------------------------------------------------------------


def test_geolife_sample(shared_dir):
    """GeoLife sample (217,653 GPS points, 6 decimals): the lat/lng pair at ~0.11 m.

    Measured on the whole file (0.9 s) and on the first 1,000 rows (the scanner's default sample).
    """
    table = pcsv.read_csv(shared_dir / "corpora" / "geo" / "geolife_sample.txt.gz")
    found = analyze_table(
        table.slice(0, 5000), table_name="geolife", recognizers=RECS, table_recognizers=TABLE_RECS
    )
    for col in ("lat", "lng"):
        (f,) = [f for f in found[col] if f.type == "GEO_COORDINATE"]
        assert f.details["pair"] == {"lat": "lat", "lon": "lng"} and f.details["decimals"] == {
            "lat": 6,
            "lon": 6,
        }
        assert 0.1 <= f.precision_m <= 0.12 and f.match_ratio == 1.0
    assert not any(f.type == "GEO_COORDINATE" for f in found["uid"] + found["datetime"])


def test_geolife_plt_logs(shared_dir):
    """Raw .plt logs (6 header lines, unnamed columns lat, lon, 0, altitude, days, date, time): every file pairs f0/f1."""
    paths = sorted(
        glob.glob(str(shared_dir / "corpora" / "geo" / "geolife_plt" / "*" / "Trajectory" / "*.plt"))
    )
    assert len(paths) == 18
    for path in paths:
        table = pcsv.read_csv(
            path, read_options=pcsv.ReadOptions(skip_rows=6, autogenerate_column_names=True)
        )
        found = analyze_table(table, table_name="plt", recognizers=RECS, table_recognizers=TABLE_RECS)
        geo_cols = sorted(c for c, fs in found.items() if any(f.type == "GEO_COORDINATE" for f in fs))
        assert geo_cols == ["f0", "f1"], path
        (f,) = [f for f in found["f0"] if f.type == "GEO_COORDINATE"]
        assert f.precision_m < 1 and f.details["pair"] == {"lat": "f0", "lon": "f1"}
