"""Iceberg tables read through pyiceberg: a SQL catalog on SQLite with a local warehouse, built per test.

The catalog is configured the way a person configures pyiceberg, through
``PYICEBERG_CATALOG__LAKE__*`` environment variables, set after pyiceberg was
imported (the connector reads the configuration afresh).  Tables hold trial
subjects (:func:`tests.export.conftest.trial_rows`: the same person has the
same ID number everywhere, and repeat visits write it differently), written in
several snapshots with small row groups, so that sampling has files and row
groups to choose from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa
from pyiceberg.catalog import Catalog, load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import NestedField, StringType, StructType

from connectors import open_source, source_kind
from connectors.base import KeyCount, KeySpec, SourceError, TableInfo
from connectors.iceberg import IcebergConnector
from tests.export import conftest as export
from tests.export.conftest import TRIAL_COLUMNS, resident_id, trial_rows
from tests.store.test_incremental import chujing as chujing_cli

chujing, ledger_key, run = export.chujing, export.ledger_key, export.run  # the check CLI's fixtures

JS = ("--list", "jiangsu-2025-biopharma", "--scenario", "clinical-trial", "--subject", "trial-subject")
COMMENTS = {"subject_id": "受试者编号", "id_no": "身份证号 resident ID number", "diagnosis": "诊断"}


def subjects_schema() -> Schema:
    fields = [
        NestedField(i + 1, c, StringType(), required=False, doc=COMMENTS.get(c))
        for i, c in enumerate(TRIAL_COLUMNS)
    ]
    n = len(fields)
    address = StructType(
        NestedField(n + 3, "city", StringType(), required=False),
        NestedField(n + 4, "street", StringType(), required=False),
    )
    fields += [
        NestedField(n + 1, "mobile", StringType(), required=False, doc="手机号"),
        NestedField(n + 2, "address", address, required=False, doc="住址"),
    ]
    return Schema(*fields)


def subjects(persons: range, *, variants: range = range(0), mobiles: int = 0) -> pa.Table:
    """Trial rows with a sparse mobile column (the first ``mobiles`` rows) and a nested address."""
    rows = trial_rows(persons, variants=variants)
    cols = {c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(TRIAL_COLUMNS)}
    cols["mobile"] = pa.array([f"139{i:08d}" if i < mobiles else None for i in range(len(rows))], pa.string())
    address = [{"city": "苏州市", "street": f"工业园区星湖街{i}号"} for i in range(len(rows))]
    cols["address"] = pa.array(address, pa.struct([("city", pa.string()), ("street", pa.string())]))
    return pa.table(cols)


@pytest.fixture()
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalog]:
    """Catalog ``lake``: namespaces crm (customers in three snapshots, visits) and crm.archive (old_visits)."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    monkeypatch.setenv("PYICEBERG_HOME", str(tmp_path))  # no ~/.pyiceberg.yaml of the machine's
    monkeypatch.setenv("PYICEBERG_CATALOG__LAKE__TYPE", "sql")
    monkeypatch.setenv("PYICEBERG_CATALOG__LAKE__URI", f"sqlite:///{tmp_path / 'catalog.db'}")
    monkeypatch.setenv("PYICEBERG_CATALOG__LAKE__WAREHOUSE", warehouse.as_uri())
    catalog = load_catalog(
        "lake", type="sql", uri=f"sqlite:///{tmp_path / 'catalog.db'}", warehouse=warehouse.as_uri()
    )
    catalog.create_namespace("crm")
    catalog.create_namespace(("crm", "archive"))
    props = {"comment": "临床试验受试者 trial subjects", "write.parquet.row-group-limit": "250"}
    customers = catalog.create_table("crm.customers", schema=subjects_schema(), properties=props)
    customers.append(subjects(range(0, 1_000), variants=range(0, 1_000, 7), mobiles=4))
    customers.append(subjects(range(1_000, 2_000), variants=range(1_000, 2_000, 9)))
    customers.append(subjects(range(1_500, 3_000)))
    visits = catalog.create_table("crm.visits", schema=subjects_schema())
    visits.append(subjects(range(5_000, 5_400)))
    old = catalog.create_table(("crm", "archive", "old_visits"), schema=subjects_schema())
    old.append(subjects(range(9_000, 9_100)))
    yield catalog


def tables(con: IcebergConnector) -> dict[str, TableInfo]:
    return {t.qualified_name: t for t in con.list_tables()}


def table(uri: str, name: str) -> tuple[IcebergConnector, TableInfo]:
    con = IcebergConnector(uri)
    return con, tables(con)[name]


# -- listing, schema, metadata -----------------------------------------------------------------------
def test_sources_name_a_catalog_a_namespace_or_tables(lake: Catalog) -> None:
    assert source_kind("iceberg://lake/crm") == "iceberg"
    assert isinstance(open_source("iceberg://lake"), IcebergConnector)
    assert list(tables(IcebergConnector("iceberg://lake"))) == [
        "crm.customers",
        "crm.visits",
        "crm.archive.old_visits",
    ]
    assert list(tables(IcebergConnector("iceberg://lake/crm.archive"))) == ["crm.archive.old_visits"]
    assert list(tables(IcebergConnector("iceberg://lake/crm.cust*"))) == ["crm.customers"]
    assert list(tables(IcebergConnector("iceberg://lake/crm.visits"))) == ["crm.visits"]
    assert list(tables(IcebergConnector("iceberg://lake/crm.archive/old*"))) == ["crm.archive.old_visits"]
    (info,) = IcebergConnector("iceberg://lake/crm.customers").list_tables()
    assert (info.schema, info.name, info.kind) == ("crm", "customers", "table")


def test_columns_carry_iceberg_docs_and_the_table_its_comment(lake: Catalog) -> None:
    con, info = table("iceberg://lake/crm", "crm.customers")
    cols = {c.name: c for c in con.columns(info)}
    assert list(cols) == [*TRIAL_COLUMNS, "mobile", "address"]
    assert cols["id_no"].comment == "身份证号 resident ID number" and cols["id_no"].type == "string"
    assert cols["drug"].comment is None
    assert cols["address"].type == "struct<city: string, street: string>"
    assert info.comment == "临床试验受试者 trial subjects"


def test_row_count_comes_from_the_snapshot_not_the_data(lake: Catalog) -> None:
    con, info = table("iceberg://lake/crm", "crm.customers")
    expected = 1_000 + 143 + 1_000 + 112 + 1_500
    files = [
        t.file.file_path.removeprefix("file://") for t in lake.load_table("crm.customers").scan().plan_files()
    ]
    for path in files:  # every data file unreadable: the count needs none of them
        Path(path).write_bytes(b"not parquet")
    assert con.row_count(info) == expected
    assert info.fingerprint["files"] == 3


# -- samples -------------------------------------------------------------------------------------
def test_samples_are_seeded_and_spread_over_data_files_and_row_groups(lake: Catalog) -> None:
    con, info = table("iceberg://lake/crm", "crm.customers")
    one = con.sample(info, 400, seed=1)
    assert one.num_rows == 400
    assert one.column_names == [*TRIAL_COLUMNS, "mobile", "address"]
    assert one.equals(
        IcebergConnector("iceberg://lake/crm").sample(tables(con)["crm.customers"], 400, seed=1)
    )
    other = con.sample(info, 400, seed=2)
    assert other.column("subject_id").to_pylist() != one.column("subject_id").to_pylist()
    subjects_seen = [int(s[1:]) for s in one.column("subject_id").to_pylist()]
    # Rows from every snapshot's file, and from past the first row groups of each.
    assert min(subjects_seen) < 1_000 and any(1_000 <= s < 2_000 for s in subjects_seen)
    assert max(subjects_seen) >= 2_000
    assert len({s // 250 for s in subjects_seen}) > 3
    assert one.column("address").type == pa.struct(
        [("city", pa.large_string()), ("street", pa.large_string())]
    )
    assert con.sample(info, 10_000).num_rows == con.row_count(info)


def test_sparse_columns_have_their_values_sampled_and_counted_from_manifests(lake: Catalog) -> None:
    con, info = table("iceberg://lake/crm", "crm.customers")
    counts = con.null_counts(info, ["mobile", "id_no", "address"])
    assert counts is not None and counts.method == "statistics"
    assert counts.non_null == {
        "mobile": 4,
        "id_no": 3_755,
        "address": None,
    }  # a struct has leaf statistics only
    exact = con.null_counts(info, ["mobile", "address"], exact=True)
    assert exact is not None and exact.non_null == {"mobile": 4, "address": 3_755}
    values = con.sample_non_null(info, ["mobile"], 100, seed=3)
    assert sorted(values.column("mobile").to_pylist()) == [f"139{i:08d}" for i in range(4)]


# -- fingerprints and the scan store --------------------------------------------------------------------
def test_the_snapshot_id_is_the_fingerprint(lake: Catalog) -> None:
    con, info = table("iceberg://lake/crm", "crm.customers")
    con.columns(info)
    before = dict(info.fingerprint)
    assert before["format"] == "iceberg"
    assert before["snapshot_id"] == lake.load_table("crm.customers").current_snapshot().snapshot_id
    con2, again = table("iceberg://lake/crm", "crm.customers")
    con2.columns(again)
    assert again.fingerprint == before
    lake.load_table("crm.customers").append(subjects(range(7_000, 7_010)))
    con3, after = table("iceberg://lake/crm", "crm.customers")
    con3.columns(after)
    assert after.fingerprint["snapshot_id"] != before["snapshot_id"]
    assert con3.row_count(after) == con.row_count(info) + 10


def test_an_incremental_run_rescans_only_the_table_with_a_new_snapshot(lake: Catalog, tmp_path: Path) -> None:
    store = tmp_path / "store.db"

    def scan() -> dict[str, str]:
        r = chujing_cli(
            "scan", "iceberg://lake/crm", "--store", store, "--incremental", "--format", "json", "--quiet"
        )
        assert r.exit_code == 0, r.output
        return {f"{t['schema']}.{t['table']}": t["scanned_in_run"] for t in json.loads(r.output)["tables"]}

    first = scan()
    assert len(first) == 3 and len(set(first.values())) == 1
    assert scan() == first  # nothing changed: every table carried
    lake.load_table("crm.visits").append(subjects(range(6_000, 6_050)))
    third = scan()
    assert third["crm.visits"] not in set(first.values())
    assert {k: v for k, v in third.items() if k != "crm.visits"} == {
        k: v for k, v in first.items() if k != "crm.visits"
    }


# -- scan and check end to end ------------------------------------------------------------------------------
def test_scan_finds_the_identifiers(lake: Catalog) -> None:
    r = chujing_cli(
        "scan", "iceberg://lake/crm.customers", "--sample-rows", "300", "--format", "json", "--quiet"
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    (source,) = doc["sources"]
    assert (source["kind"], source["uri"]) == ("iceberg", "iceberg://lake/crm.customers")
    (t,) = doc["tables"]
    assert (t["schema"], t["table"], t["row_count"], t["sampled_rows"]) == ("crm", "customers", 3_755, 300)
    entities = {c["name"]: {e["type"] for e in c.get("entities", [])} for c in t["columns"]}
    assert "CN_RESIDENT_ID" in entities["id_no"]
    assert "CN_MOBILE" in entities["mobile"]  # four values in 3,755 rows: found by the sparse-column pass
    assert t["fingerprint"]["snapshot_id"] == lake.load_table("crm.customers").current_snapshot().snapshot_id


def test_check_counts_persons_exactly(lake: Catalog, run, ledger_key, tmp_path: Path) -> None:
    out = run("check", "iceberg://lake/crm", *JS, "--ledger", tmp_path / "l.db", "--format", "json")
    assert out.exit_code != 2, out.stderr
    tallies = {t["table"]: t for t in out.json["persons"]["tables"]}
    assert {k: (t["basis"], t["persons"]) for k, t in tallies.items()} == {
        "crm.customers": ("distinct_key", 3_000),
        "crm.visits": ("distinct_key", 400),
        "crm.archive.old_visits": ("distinct_key", 100),
    }


def test_renamed_columns_are_read_through_pyiceberg_by_field_id(lake: Catalog) -> None:
    t = lake.load_table("crm.visits")
    with t.update_schema() as update:
        update.rename_column("id_no", "sfzh")
    t = lake.load_table("crm.visits")
    renamed = subjects(range(5_300, 5_500)).rename_columns(
        ["subject_id", "sfzh", *TRIAL_COLUMNS[2:], "mobile", "address"]
    )
    t.append(renamed)
    con, info = table("iceberg://lake/crm", "crm.visits")
    sample = con.sample(info, 1_000, seed=0)
    assert sample.num_rows == 600 and sample.column("sfzh").null_count == 0  # old files' id_no, by field id
    assert con.distinct_key_count(info, id_spec("sfzh")) == KeyCount(500, 0)
    values = con.sample_non_null(info, ["sfzh"], 50, seed=1)
    assert values.num_rows == 50 and values.column("sfzh").null_count == 0


def test_person_keys_stream_each_person_once(lake: Catalog) -> None:
    lake.load_table("crm.visits").append(subjects(range(5_300, 5_500)))  # 100 persons again, 100 new
    con, info = table("iceberg://lake/crm", "crm.visits")
    assert con.distinct_key_count(info, id_spec("id_no")) == KeyCount(500, 0)
    batches = list(con.iter_distinct_keys(info, id_spec("id_no"), batch_rows=150))
    assert len(batches) > 1 and all(0 < len(b) <= 150 for b in batches)
    assert sorted(k for b in batches for k in b) == sorted(resident_id(i) for i in range(5_000, 5_500))


def id_spec(column: str) -> KeySpec:
    """The ID number upper-cased as the key (the check command's test covers the full normalisation)."""
    return KeySpec(stages=((("k", sa.func.upper(sa.column(column))),),), key=sa.column("k"))


# -- errors: one line naming the catalog or the table, the rest goes on --------------------------------------
def test_a_missing_table_or_namespace_is_one_line(lake: Catalog) -> None:
    with pytest.raises(SourceError) as caught:
        IcebergConnector("iceberg://lake/crm.nosuch").list_tables()
    assert (
        str(caught.value) == "iceberg://lake/crm.nosuch: no table crm.nosuch in this catalog; check the name"
    )
    with pytest.raises(SourceError, match=r"^iceberg://lake/hr: no namespace 'hr' in this catalog"):
        IcebergConnector("iceberg://lake/hr").list_tables()
    assert IcebergConnector("iceberg://lake/crm.no*").list_tables() == []  # a glob may match nothing


def test_a_catalog_not_configured_or_not_answering_is_one_line(
    lake: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SourceError) as caught:
        IcebergConnector("iceberg://prod").list_tables()
    assert str(caught.value) == (
        "iceberg://prod: no Iceberg catalog 'prod' is configured; define it in ~/.pyiceberg.yaml "
        "(catalog: prod: uri: …) or with PYICEBERG_CATALOG__PROD__URI and its siblings"
    )
    monkeypatch.setenv("PYICEBERG_CATALOG__GONE__URI", f"sqlite:///{tmp_path / 'gone.db'}")
    with pytest.raises(SourceError, match=r"^iceberg://gone: the catalog database .*gone\.db does not exist"):
        IcebergConnector("iceberg://gone").list_tables()
    assert not (tmp_path / "gone.db").exists()
    monkeypatch.setenv("PYICEBERG_CATALOG__REST__TYPE", "rest")
    monkeypatch.setenv("PYICEBERG_CATALOG__REST__TOKEN", "t0k3n-9f1c")  # and pasted into the URL: never shown
    monkeypatch.setenv(
        "PYICEBERG_CATALOG__REST__URI", "http://127.0.0.1:9/t0k3n-9f1c"
    )  # port 9: nothing listens
    with pytest.raises(SourceError, match=r"^iceberg://rest: the catalog did not answer \(") as caught:
        IcebergConnector("iceberg://rest").list_tables()
    assert "\n" not in str(caught.value)
    assert "/***/v1/config" in str(caught.value) and "t0k3n" not in str(caught.value)


def test_a_corrupted_data_file_fails_its_table_and_the_scan_goes_on(lake: Catalog) -> None:
    (task, *_) = lake.load_table("crm.visits").scan().plan_files()
    path = task.file.file_path.removeprefix("file://")
    Path(path).write_bytes(Path(path).read_bytes()[:-100])
    r = chujing_cli("scan", "iceberg://lake/crm", "--sample-rows", "200", "--format", "json", "--quiet")
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    status = {f"{t['schema']}.{t['table']}": t["status"] for t in doc["tables"]}
    assert status == {"crm.customers": "ok", "crm.visits": "error", "crm.archive.old_visits": "ok"}
    (error,) = [t["error"] for t in doc["tables"] if t["error"]]
    assert r.stderr.strip() == f"error: {error}"
    assert error.startswith(f"iceberg://lake/crm [crm.visits]: {path}: not a readable Parquet data file (")
    assert error.endswith("; repair the table or exclude it") and "\n" not in error


def test_a_corrupted_metadata_file_fails_its_table(lake: Catalog) -> None:
    location = lake.load_table("crm.visits").metadata_location.removeprefix("file://")
    Path(location).write_text("{not json", encoding="utf-8")
    con = IcebergConnector("iceberg://lake/crm")
    found = tables(con)
    with pytest.raises(
        SourceError, match=r"^iceberg://lake/crm \[crm\.visits\]: cannot read its metadata \("
    ):
        con.columns(found["crm.visits"])
    assert con.row_count(found["crm.customers"]) == 3_755
