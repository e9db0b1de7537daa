"""End to end: JSON columns scanned as sub-columns named by path, on every kind of source.

The issue's JSONB ``payload`` — ``{"device": {"imei": …, "mac": …}, "geo": {"lat": 31.234567, "lng":
121.456789}}`` — in SQLite (JSON text), PostgreSQL (``jsonb``), MariaDB (``JSON``) and a Parquet file
(nested structs) must come out the same way: ``payload.device.imei`` IMEI, ``payload.device.mac``
MAC_ADDRESS, ``payload.geo.lat``/``payload.geo.lng`` one coordinate pair at ~0.1 m (six decimals), each
a column of the report with ``parent: "payload"``; the JSON column itself with no finding of its own;
the trajectory profile over the pair, with devices and the reporting interval measured in the source;
and no raw value anywhere.  ``chujing check`` still counts persons exactly by the table's own columns,
takes every person as carrying the PI inside the JSON (an upper bound), and says so.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from scanner.cli import main
from scanner.models import ColumnResult
from scanner.scan import schema_digest
from tests.eval.generators import imei, mac, vin
from tests.servers import admin_engine

ROWS = 240
DEVICES = 4
SUBS = ["payload.device.imei", "payload.device.mac", "payload.geo.lat", "payload.geo.lng"]


def records(seed: int = 13) -> list[dict[str, object]]:
    """One row per fix: a vehicle, a time one second after the last, a mobile, and the issue's payload."""
    rng = random.Random(seed)
    vins = [vin(rng) for _ in range(DEVICES)]
    out = []
    for i in range(ROWS):
        payload = {
            "device": {"imei": imei(rng), "mac": mac(rng)},
            "geo": {"lat": round(31.2 + rng.random() / 10, 6), "lng": round(121.4 + rng.random() / 10, 6)},
        }
        out.append(
            {
                "id": i,
                "vin": vins[i % DEVICES],
                "gps_time": f"2026-03-01 08:{i // 60:02d}:{i % 60:02d}",
                "mobile": f"139{rng.randrange(10**8):08d}",
                "payload": payload,
            }
        )
    return out


def _sql_rows() -> list[dict[str, object]]:
    return [{**r, "payload": json.dumps(r["payload"])} for r in records()]


def _load_sql(url: str, json_type: str) -> str:
    engine = admin_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE device_reports (id INTEGER PRIMARY KEY, vin VARCHAR(17), gps_time VARCHAR(19), "
            f"mobile VARCHAR(11), payload {json_type})"
        )
        conn.execute(
            sa.text("INSERT INTO device_reports VALUES (:id, :vin, :gps_time, :mobile, :payload)"),
            _sql_rows(),
        )
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _load_sql(f"sqlite:///{tmp_path_factory.mktemp('json') / 'devices.db'}", "JSON")


@pytest.fixture(scope="module")
def postgres_url(pg_db_url: str) -> str:
    return _load_sql(pg_db_url, "JSONB")


@pytest.fixture(scope="module")
def mariadb_url(mysql_db_url: str) -> str:
    return _load_sql(mysql_db_url, "JSON")


@pytest.fixture(scope="module")
def parquet_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("json") / "device_reports.parquet"
    pq.write_table(
        pa.Table.from_pylist(records()), path
    )  # payload: struct<device: struct<…>, geo: struct<…>>
    return str(path)


@pytest.fixture()
def run() -> Iterator:
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        return result.exit_code, result.output

    yield invoke


def scan_table(run, source: str, tmp_path: Path) -> tuple[dict, str]:
    out = tmp_path / "report.json"
    code, output = run("scan", source, "--format", "json", "-o", str(out))
    assert code == 0, output
    text = out.read_text(encoding="utf-8")
    (table,) = [t for t in json.loads(text)["tables"] if t["table"].endswith("device_reports")]
    return table, text


@pytest.mark.parametrize("source", ["sqlite_url", "postgres_url", "mariadb_url", "parquet_path"])
def test_the_issue_payload_is_reported_under_its_paths(source: str, request, run, tmp_path: Path) -> None:
    table, text = scan_table(run, request.getfixturevalue(source), tmp_path)
    names = [c["name"] for c in table["columns"]]
    cols = {c["name"]: c for c in table["columns"]}
    at = names.index("payload")
    assert set(names[at + 1 : at + 5]) == set(
        SUBS
    )  # right after their JSON column (jsonb orders keys its way)
    assert cols["payload"]["entities"] == [] and "parent" not in cols["payload"]
    assert all(cols[s]["parent"] == "payload" and cols[s]["non_null"] == ROWS for s in SUBS)
    found = {s: {e["type"]: e for e in cols[s]["entities"]} for s in SUBS}
    assert set(found["payload.device.imei"]) == {"IMEI"}
    assert set(found["payload.device.mac"]) == {"MAC_ADDRESS"}
    for s in ("payload.geo.lat", "payload.geo.lng"):
        geo = found[s]["GEO_COORDINATE"]
        assert geo["precision_m"] == pytest.approx(0.111, abs=0.01)  # six decimals at 31°N: the 0.1 m class
        assert geo["details"]["pair"] == {"lat": "payload.geo.lat", "lon": "payload.geo.lng"}
        assert cols[s]["pi_class"] == "sensitive"  # finer than 10 m: 精准定位信息
    # the trajectory: the pair inside the JSON, the vehicles and their interval measured in the source
    trajectory = table["trajectory"]
    assert trajectory["coordinates"] == ["payload.geo.lat", "payload.geo.lng"]
    assert trajectory["device"]["column"] == "vin" and trajectory["devices"] == DEVICES
    assert trajectory["precision_m"] == pytest.approx(0.111, abs=0.01)
    assert trajectory["interval"]["median_s"] == pytest.approx(DEVICES)  # a fix a second, devices in turn
    if source != "parquet_path":  # the schema digest is the source's schema, not the sample's paths
        own = [ColumnResult(c["name"], c["type"]) for c in table["columns"] if "parent" not in c]
        assert table["fingerprint"]["schema_sha256"] == schema_digest(own)
    # masked evidence only: no IMEI, MAC or six-decimal coordinate of the data appears in the report
    for r in records():
        device, geo = r["payload"]["device"], r["payload"]["geo"]  # type: ignore[index]
        assert device["imei"] not in text and device["mac"] not in text and str(geo["lat"]) not in text


def test_points_in_a_list_pair_with_each_other(run, tmp_path: Path) -> None:
    rng = random.Random(5)
    rows = [
        {
            "trip_id": i,
            "track": json.dumps(
                [
                    {"lat": round(31.3 + rng.random() / 50, 6), "lng": round(120.6 + rng.random() / 50, 6)}
                    for _ in range(3)
                ]
            ),
        }
        for i in range(60)
    ]
    path = tmp_path / "trips.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    table, _ = scan_table_named(run, str(path), tmp_path, "trips")
    cols = {c["name"]: c for c in table["columns"]}
    lat = {e["type"]: e for e in cols["track[].lat"]["entities"]}["GEO_COORDINATE"]
    assert lat["details"]["pair"] == {"lat": "track[].lat", "lon": "track[].lng"}
    assert cols["track[].lat"]["non_null"] == 180  # one value per point, three points a trip
    assert lat["precision_m"] < 1
    assert table["trajectory"]["coordinates"] == ["track[].lat", "track[].lng"]


def test_a_sparse_json_column_gets_its_sub_columns_from_a_sample_of_its_values(run, tmp_path: Path) -> None:
    rng = random.Random(9)
    db = tmp_path / "sparse.db"
    engine = admin_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, ext JSON)")
        conn.execute(
            sa.text("INSERT INTO orders VALUES (:id, :ext)"),
            [
                {
                    "id": i,
                    "ext": json.dumps({"buyer": {"phone": f"139{rng.randrange(10**8):08d}"}})
                    if i % 50 == 0
                    else None,
                }
                for i in range(5000)
            ],
        )  # 100 values, about 20 of them in a 1,000-row sample
    engine.dispose()
    table, _ = scan_table_named(run, f"sqlite:///{db}", tmp_path, "orders")
    cols = {c["name"]: c for c in table["columns"]}
    phone = cols["ext.buyer.phone"]
    assert phone["value_sample"] == "non-null" and phone["non_null"] == 100 and phone["parent"] == "ext"
    assert [e["type"] for e in phone["entities"]] == ["CN_MOBILE"]
    assert cols["ext"]["non_null"] == 100 and cols["ext"]["null_ratio"] == pytest.approx(0.98)
    assert [c["name"] for c in table["columns"]] == ["id", "ext", "ext.buyer.phone"]


def scan_table_named(run, source: str, tmp_path: Path, name: str) -> tuple[dict, str]:
    out = tmp_path / f"{name}.json"
    code, output = run("scan", source, "--format", "json", "-o", str(out))
    assert code == 0, output
    text = out.read_text(encoding="utf-8")
    (table,) = [t for t in json.loads(text)["tables"] if t["table"] == name]
    return table, text


def test_check_counts_persons_by_real_columns_and_takes_json_pi_as_everyones(
    run, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(8)
    engine = admin_engine(sqlite_url)
    with engine.begin() as conn:  # a second table whose only identifier is inside its JSON
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, payload TEXT)")
        conn.exec_driver_sql("DELETE FROM visits")
        conn.execute(
            sa.text("INSERT INTO visits VALUES (:id, :p)"),
            [
                {"id": i, "p": json.dumps({"patient": {"mobile": f"138{rng.randrange(10**8):08d}"}})}
                for i in range(50)
            ],
        )
    engine.dispose()
    monkeypatch.setenv("CHUJING_LEDGER_KEY", "json-columns-test-key-5e1d")
    out = tmp_path / "decision.json"
    code, output = run(
        "check", sqlite_url, "--list", "multisector-2025-automotive", "--scenario", "other",
        "--subject", "vehicle-owner", "--ledger", str(tmp_path / "ledger.db"), "--format", "json", "-o", str(out),
    )  # fmt: skip
    assert code not in (0, 2), output
    tallies = {t["table"]: t for t in json.loads(out.read_text(encoding="utf-8"))["persons"]["tables"]}
    reports = tallies["device_reports"]
    assert reports["basis"] == "distinct_key" and reports["persons"] == ROWS  # one mobile per row
    assert not any(c.startswith("payload") for c in reports["key_columns"])
    assert reports["persons_sensitive"] == ROWS  # the precise position inside the JSON: everyone's
    assert "payload.geo.lat" in reports["note"] and "upper bound" in reports["note"]
    visits = tallies["visits"]
    assert visits["basis"] == "row_count_upper_bound" and visits["persons"] == 50
    assert "payload.patient.mobile" in visits["note"]
