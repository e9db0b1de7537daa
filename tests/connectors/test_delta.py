"""Delta Lake tables read through deltalake: a directory of real tables built per test.

Tables hold trial subjects (:func:`tests.export.conftest.trial_rows`), written
in several versions with small row groups and a partition column; one version
deletes rows, which rewrites files while the old ones stay on disk until
vacuumed: only the log says which files are live.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from deltalake import DeltaTable, WriterProperties, write_deltalake

from connectors import open_source, source_kind
from connectors.base import KeyCount, KeySpec, SourceError, TableInfo
from connectors.delta import DeltaConnector
from tests.export import conftest as export
from tests.export.conftest import TRIAL_COLUMNS, resident_id, trial_rows
from tests.store.test_incremental import chujing as chujing_cli

chujing, ledger_key, run = export.chujing, export.ledger_key, export.run  # the check CLI's fixtures

JS = ("--list", "jiangsu-2025-biopharma", "--scenario", "clinical-trial", "--subject", "trial-subject")
COMMENTS = {"subject_id": "受试者编号", "id_no": "身份证号 resident ID number", "diagnosis": "诊断"}
SMALL_GROUPS = WriterProperties(max_row_group_size=250)
ADDRESS = pa.struct([("city", pa.string()), ("street", pa.string())])


def subjects(persons: range, *, variants: range = range(0), mobiles: int = 0) -> pa.Table:
    """Trial rows with comments, a site partition, a sparse mobile column and a nested address."""
    rows = trial_rows(persons, variants=variants)
    fields = [
        pa.field(c, pa.string(), metadata={"comment": COMMENTS[c]} if c in COMMENTS else None)
        for c in TRIAL_COLUMNS
    ]
    fields += [pa.field("site", pa.string()), pa.field("mobile", pa.string()), pa.field("address", ADDRESS)]
    cols = [[r[i] for r in rows] for i in range(len(TRIAL_COLUMNS))]
    cols.append(["苏州" if int(r[0][1:]) % 2 else "上海" for r in rows])
    cols.append([f"139{i:08d}" if i < mobiles else None for i in range(len(rows))])
    cols.append([{"city": "苏州市", "street": f"星湖街{i}号"} for i in range(len(rows))])
    return pa.Table.from_arrays(
        [pa.array(c, f.type) for c, f in zip(cols, fields, strict=True)], schema=pa.schema(fields)
    )


def append(path: Path, data: pa.Table, **kwargs: object) -> None:
    write_deltalake(path, data, mode="append", writer_properties=SMALL_GROUPS, **kwargs)


@pytest.fixture()
def lake(tmp_path: Path) -> Path:
    """``lake/crm/customers`` (four versions, the last a delete), ``lake/crm/visits``, ``lake/hr/staff`` (column mapping)."""
    root = tmp_path / "lake"
    customers = root / "crm" / "customers"
    append(customers, subjects(range(0, 1_000), variants=range(0, 1_000, 7)), partition_by=["site"],
           description="临床试验受试者 trial subjects")  # fmt: skip
    append(customers, subjects(range(1_000, 2_000), variants=range(1_000, 2_000, 9), mobiles=4))
    append(customers, subjects(range(1_500, 3_000)))
    DeltaTable(customers).delete("subject_id < 'S000100'")  # persons 0–99 leave; their old files stay on disk
    append(root / "crm" / "visits", subjects(range(5_000, 5_400)))
    mapping = {
        "delta.columnMapping.mode": "name",
        "delta.minReaderVersion": "2",
        "delta.minWriterVersion": "5",
    }
    append(root / "hr" / "staff", subjects(range(8_000, 8_300)), partition_by=["site"], configuration=mapping)
    (root / "notes").mkdir()  # a directory that is not a table
    return root


CUSTOMER_ROWS = (
    1_000 + 143 + 1_000 + 112 + 1_500 - 100 - 15
)  # persons 0–99 and their 15 repeat visits deleted


def tables(con: DeltaConnector) -> dict[str, TableInfo]:
    return {t.name: t for t in con.list_tables()}


def table(path: Path | str, name: str) -> tuple[DeltaConnector, TableInfo]:
    con = DeltaConnector(f"delta://{path}")
    return con, tables(con)[name]


def id_spec(column: str) -> KeySpec:
    """The ID number upper-cased as the key (the check command's test covers the full normalisation)."""
    return KeySpec(stages=((("k", sa.func.upper(sa.column(column))),),), key=sa.column("k"))


# -- listing, schema, metadata ------------------------------------------------------------------------------
def test_a_table_directory_is_one_table_and_any_other_directory_is_searched(lake: Path) -> None:
    assert source_kind(f"delta://{lake}") == "delta"
    assert isinstance(open_source(f"delta://{lake}"), DeltaConnector)
    assert list(tables(DeltaConnector(f"delta://{lake}"))) == ["crm/customers", "crm/visits", "hr/staff"]
    assert list(tables(DeltaConnector(f"delta://{lake}/crm/visits/"))) == ["visits"]
    here = os.getcwd()
    try:
        os.chdir(lake)
        assert list(tables(DeltaConnector("delta://crm"))) == ["customers", "visits"]
    finally:
        os.chdir(here)


def test_columns_carry_their_comments_and_the_table_its_description(lake: Path) -> None:
    con, info = table(lake, "crm/customers")
    cols = {c.name: c for c in con.columns(info)}
    assert list(cols) == [*TRIAL_COLUMNS, "site", "mobile", "address"]
    assert cols["id_no"].comment == "身份证号 resident ID number" and cols["id_no"].type == "string"
    assert cols["drug"].comment is None
    assert cols["address"].type == "struct<city: string, street: string>"
    assert info.comment == "临床试验受试者 trial subjects"


def test_row_count_comes_from_the_log_not_the_data(lake: Path) -> None:
    con, info = table(lake, "crm/customers")
    for path in DeltaTable(lake / "crm" / "customers").file_uris():
        Path(path).write_bytes(b"not parquet")  # every live file unreadable: the count needs none of them
    assert con.row_count(info) == CUSTOMER_ROWS
    assert info.fingerprint["format"] == "delta" and info.fingerprint["version"] == 3


# -- samples ----------------------------------------------------------------------------------------------
def test_samples_are_seeded_spread_and_read_only_live_files(lake: Path) -> None:
    con, info = table(lake, "crm/customers")
    one = con.sample(info, 400, seed=1)
    assert one.num_rows == 400
    assert one.column_names == [*TRIAL_COLUMNS, "site", "mobile", "address"]
    assert one.equals(table(lake, "crm/customers")[0].sample(info, 400, seed=1))
    assert (
        con.sample(info, 400, seed=2).column("subject_id").to_pylist() != one.column("subject_id").to_pylist()
    )
    seen = [int(s[1:]) for s in one.column("subject_id").to_pylist()]
    assert min(seen) >= 100, "deleted rows are in removed files only"
    assert any(s < 1_000 for s in seen) and any(1_000 <= s < 2_000 for s in seen) and max(seen) >= 2_000
    assert set(one.column("site").to_pylist()) == {"苏州", "上海"}  # partition values come from the log
    everything = con.sample(info, 100_000)
    assert everything.num_rows == CUSTOMER_ROWS == con.row_count(info)
    assert everything.column("subject_id").null_count == 0


def test_sparse_columns_have_their_values_sampled_and_counted_from_the_log(lake: Path) -> None:
    con, info = table(lake, "crm/customers")
    counts = con.null_counts(info, ["mobile", "id_no", "site", "address"])
    assert counts is not None and counts.method == "statistics"
    assert counts.non_null == {"mobile": 4, "id_no": CUSTOMER_ROWS, "site": CUSTOMER_ROWS, "address": None}
    exact = con.null_counts(info, ["mobile", "address"], exact=True)
    assert exact is not None and exact.non_null == {"mobile": 4, "address": CUSTOMER_ROWS}
    values = con.sample_non_null(info, ["mobile"], 100, seed=3)
    assert sorted(values.column("mobile").to_pylist()) == [f"139{i:08d}" for i in range(4)]


def test_column_mapping_reads_physical_names_and_reports_logical_ones(lake: Path) -> None:
    con, info = table(lake, "hr/staff")
    assert [c.name for c in con.columns(info)] == [*TRIAL_COLUMNS, "site", "mobile", "address"]
    sample = con.sample(info, 1_000, seed=0)
    assert sample.num_rows == 300 and sample.column("id_no").null_count == 0
    assert sample.column("address").to_pylist()[0]["city"] == "苏州市"
    assert set(sample.column("site").to_pylist()) == {"苏州", "上海"}
    assert con.null_counts(info, ["id_no"]).non_null == {"id_no": 300}  # type: ignore[union-attr]
    assert con.distinct_key_count(info, id_spec("id_no")) == KeyCount(300, 0)


# -- fingerprints and the scan store ----------------------------------------------------------------------------
def test_the_version_is_the_fingerprint(lake: Path) -> None:
    con, info = table(lake, "crm/visits")
    con.columns(info)
    before = dict(info.fingerprint)
    assert before["version"] == 0
    con2, again = table(lake, "crm/visits")
    con2.columns(again)
    assert again.fingerprint == before
    append(lake / "crm" / "visits", subjects(range(6_000, 6_010)))
    con3, after = table(lake, "crm/visits")
    assert con3.row_count(after) == 410 and after.fingerprint["version"] == 1


def test_an_incremental_run_rescans_only_the_table_with_a_new_version(lake: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.db"

    def scan() -> dict[str, str]:
        r = chujing_cli(
            "scan", f"delta://{lake}", "--store", store, "--incremental", "--format", "json", "--quiet"
        )
        assert r.exit_code == 0, r.output
        return {t["table"]: t["scanned_in_run"] for t in json.loads(r.stdout)["tables"]}

    first = scan()
    assert len(first) == 3 and len(set(first.values())) == 1
    assert scan() == first
    append(lake / "crm" / "visits", subjects(range(6_000, 6_050)))
    third = scan()
    assert third["crm/visits"] not in set(first.values())
    assert {k: v for k, v in third.items() if k != "crm/visits"} == {
        k: v for k, v in first.items() if k != "crm/visits"
    }


# -- scan and check end to end ------------------------------------------------------------------------------
def test_scan_finds_the_identifiers(lake: Path) -> None:
    src = f"delta://{lake}/crm/customers"
    r = chujing_cli("scan", src, "--sample-rows", "300", "--format", "json", "--quiet")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    (source,) = doc["sources"]
    assert (source["kind"], source["uri"]) == ("delta", src)
    (t,) = doc["tables"]
    assert (t["table"], t["row_count"], t["sampled_rows"]) == ("customers", CUSTOMER_ROWS, 300)
    entities = {c["name"]: {e["type"] for e in c.get("entities", [])} for c in t["columns"]}
    assert "CN_RESIDENT_ID" in entities["id_no"]
    assert "CN_MOBILE" in entities["mobile"]  # four values: found by the sparse-column pass
    assert t["fingerprint"]["version"] == 3


def test_check_counts_persons_exactly_over_live_rows_only(
    lake: Path, run, ledger_key, tmp_path: Path
) -> None:
    out = run("check", f"delta://{lake}", *JS, "--ledger", tmp_path / "l.db", "--format", "json")
    assert out.exit_code != 2, out.stderr
    tallies = {t["table"]: t for t in out.json["persons"]["tables"]}
    assert {k: (t["basis"], t["persons"]) for k, t in tallies.items()} == {
        "crm/customers": ("distinct_key", 2_900),  # persons 0–99 deleted (their rows remain in removed files)
        "crm/visits": ("distinct_key", 400),
        "hr/staff": ("distinct_key", 300),
    }


def test_person_keys_stream_each_person_once(lake: Path) -> None:
    append(lake / "crm" / "visits", subjects(range(5_300, 5_500)))
    con, info = table(lake, "crm/visits")
    assert con.distinct_key_count(info, id_spec("id_no")) == KeyCount(500, 0)
    batches = list(con.iter_distinct_keys(info, id_spec("id_no"), batch_rows=150))
    assert len(batches) > 1 and all(0 < len(b) <= 150 for b in batches)
    assert sorted(k for b in batches for k in b) == sorted(resident_id(i) for i in range(5_000, 5_500))


# -- errors: one line naming the table, the rest goes on ---------------------------------------------------------
def test_a_missing_path_or_a_directory_without_tables_is_one_line(lake: Path) -> None:
    with pytest.raises(SourceError) as caught:
        DeltaConnector(f"delta://{lake}/nosuch").list_tables()
    assert str(caught.value) == (
        f"delta://{lake}/nosuch: no such directory; give the directory of a Delta table (the one holding _delta_log/)"
    )
    with pytest.raises(
        SourceError, match=r": no Delta table here \(no _delta_log/ directory in it or below it\)"
    ):
        DeltaConnector(f"delta://{lake}/notes").list_tables()


def test_a_corrupted_data_file_fails_its_table_and_the_scan_goes_on(lake: Path) -> None:
    path = sorted(DeltaTable(lake / "crm" / "visits").file_uris())[0]
    Path(path).write_bytes(Path(path).read_bytes()[:-100])
    r = chujing_cli("scan", f"delta://{lake}", "--sample-rows", "200", "--format", "json", "--quiet")
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert {t["table"]: t["status"] for t in doc["tables"]} == {
        "crm/customers": "ok",
        "crm/visits": "error",
        "hr/staff": "ok",
    }
    (error,) = [t["error"] for t in doc["tables"] if t["error"]]
    assert r.stderr.strip() == f"error: {error}"
    assert error.startswith(f"delta://{lake} [crm/visits]: {path}: not a readable Parquet data file (")
    assert error.endswith("; repair the table or exclude it") and "\n" not in error


def test_a_corrupted_log_fails_its_table(lake: Path) -> None:
    log = lake / "crm" / "visits" / "_delta_log" / "00000000000000000000.json"
    log.write_text("{not json\n", encoding="utf-8")
    con = DeltaConnector(f"delta://{lake}")
    found = tables(con)
    with pytest.raises(SourceError, match=r"^delta://\S+ \[crm/visits\]: cannot read its transaction log \("):
        con.columns(found["crm/visits"])
    assert con.row_count(found["crm/customers"]) == CUSTOMER_ROWS


def test_a_file_without_statistics_is_counted_from_its_footer(tmp_path: Path) -> None:
    path = tmp_path / "t"
    write_deltalake(path, subjects(range(10)), writer_properties=SMALL_GROUPS)
    log = path / "_delta_log" / "00000000000000000000.json"
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    for action in lines:
        action.get("add", {}).pop("stats", None)
    log.write_text("".join(json.dumps(a) + "\n" for a in lines), encoding="utf-8")
    con, info = table(path, "t")
    assert con.row_count(info) == 10 == pq.read_metadata(DeltaTable(path).file_uris()[0]).num_rows
    assert con.null_counts(info, ["id_no"]).non_null == {"id_no": None}  # type: ignore[union-attr]
