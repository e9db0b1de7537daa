"""The S3 connector against a real S3 API (moto's server on 127.0.0.1): formats, ranged Parquet, datasets.

Every object is uploaded through the S3 API and read back over HTTP by the
connector; bytes fetched are counted by the connector's own ranged reader
(:attr:`S3Connector.stats`), and cross-checked against the object sizes.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from connectors import open_source
from connectors.base import SourceError
from connectors.s3 import S3Connector
from connectors.s3_parquet import SAMPLE_BUDGET_MIN
from tests import s3server

s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3

pytestmark = pytest.mark.s3

CORPUS = "corpora/text/medical_dialogue_gb18030.csv"


def connector(s3: s3server.S3Fixture, prefix: str = "", **options: object) -> S3Connector:
    return s3.connector(prefix, **options)


tables = s3server.tables


def parquet_bytes(table: pa.Table, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, **kwargs)
    return buf.getvalue()


# -- delimited text and encodings --------------------------------------------------------
def test_gbk_csv_keeps_values_as_written(s3: s3server.S3Fixture) -> None:
    rows = [
        ("张三", "32050519900101123X", "0512", "13912345678"),
        ("李四", "110105198001011234", "0086", "13800138000"),
    ]
    text = "姓名,身份证号,区号,手机\n" + "".join(",".join(r) + "\n" for r in rows)
    s3.put("crm/客户.csv", text.encode("gbk"))
    con = connector(s3, "crm/")
    info = tables(con)["客户"]
    assert [(c.name, c.type) for c in con.columns(info)] == [
        ("姓名", "string"),
        ("身份证号", "string"),
        ("区号", "string"),
        ("手机", "string"),
    ]
    assert con.row_count(info) == 2
    sample = con.sample(info, 10)
    # No type inference: the X check character and leading zeros survive.
    assert [tuple(r.values()) for r in sample.to_pylist()] == rows
    assert info.fingerprint["encoding"] == "gb18030"
    assert info.fingerprint["delimiter"] == "," and info.fingerprint["header"] is True
    assert info.fingerprint["key"] == "crm/客户.csv" and info.fingerprint["bytes"] == len(text.encode("gbk"))


def test_real_gb18030_corpus_is_decoded_and_counted(s3: s3server.S3Fixture, shared_dir) -> None:
    raw = (shared_dir / CORPUS).read_bytes()
    records = list(csv.reader(io.StringIO(raw.decode("gb18030"), newline="")))
    s3.put("medical/dialogue.csv", raw)
    con = connector(s3, "medical/")
    info = tables(con)["dialogue"]
    assert [c.name for c in con.columns(info)] == records[0]
    assert con.row_count(info) == len(records) - 1  # the object fits in the head: counted exactly
    sample = con.sample(info, 200, seed=11)
    assert sample.num_rows == 200
    expected = {tuple(r) for r in records[1:]}
    got = [tuple(v if v is not None else "" for v in r.values()) for r in sample.to_pylist()]
    assert all(r in expected for r in got)
    assert con.sample(info, 200, seed=11).equals(sample)
    assert not con.sample(info, 200, seed=12).equals(sample)
    assert info.fingerprint["encoding"] == "gb18030"


def test_gb18030_four_byte_characters_are_not_lost(s3: s3server.S3Fixture) -> None:
    # 𠀾 and 䶮 are outside GBK: GB18030 encodes them in four bytes (names of real people use such characters).
    names = ["王𠀾", "刘䶮", "赵一"]
    s3.put("p/names.csv", ("name,city\n" + "".join(f"{n},苏州\n" for n in names)).encode("gb18030"))
    con = connector(s3, "p/")
    info = tables(con)["names"]
    assert con.sample(info, 5).column("name").to_pylist() == names


def test_utf8_bom_tsv(s3: s3server.S3Fixture) -> None:
    s3.put("exports/2025/patients.tsv", "\ufeff病历号\t姓名\t电话\nMR000123\t张三\t021-62345678\n".encode())
    con = connector(s3, "exports/")
    info = tables(con)["2025/patients"]
    assert [c.name for c in con.columns(info)] == ["病历号", "姓名", "电话"]
    assert con.sample(info, 5).to_pylist() == [{"病历号": "MR000123", "姓名": "张三", "电话": "021-62345678"}]
    assert info.fingerprint["encoding"] == "utf-8-sig" and info.fingerprint["delimiter"] == "\t"


def test_semicolon_csv_without_header_gets_generated_names(s3: s3server.S3Fixture) -> None:
    s3.put("p/raw.csv", "32050519900101123X;13912345678\n110105198001011234;13800138000\n")
    con = connector(s3, "p/")
    info = tables(con)["raw"]
    # A header would have put two ID numbers into the report as column names.
    assert [c.name for c in con.columns(info)] == ["column_1", "column_2"]
    assert con.row_count(info) == 2


# -- JSON, compression, text --------------------------------------------------------------
def test_jsonl_gzip_and_json_zstd(s3: s3server.S3Fixture) -> None:
    lines = [
        {"patient": {"name": "张三", "id_card": "32050519900101123X"}, "visits": [1, 2]},
        {"patient": {"name": "李四"}},
    ]
    s3.put(
        "j/visits.jsonl.gz",
        gzip.compress("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()),
    )
    array = [
        {"order_no": "2026031509301500001", "amount": 12.5, "vip": True},
        {"order_no": "2026031509301500002"},
    ]
    s3.put("j/orders.json.zst", zstandard.ZstdCompressor().compress(json.dumps(array).encode()))
    wrapped = {"total": 2, "data": [{"mobile": "13912345678"}, {"mobile": "13800138000"}]}
    s3.put("j/api.json", json.dumps(wrapped))
    con = connector(s3, "j/")
    found = tables(con)
    assert set(found) == {"visits", "orders", "api"}
    assert found["visits"].fingerprint["compression"] == "gzip"
    assert con.sample(found["visits"], 10).to_pylist() == [
        {"patient.name": "张三", "patient.id_card": "32050519900101123X", "visits": "[1,2]"},
        {"patient.name": "李四", "patient.id_card": None, "visits": None},
    ]
    assert con.sample(found["orders"], 10).to_pylist() == [
        {"order_no": "2026031509301500001", "amount": "12.5", "vip": "true"},
        {"order_no": "2026031509301500002", "amount": None, "vip": None},
    ]
    assert con.sample(found["api"], 10).column("mobile").to_pylist() == ["13912345678", "13800138000"]
    assert [con.row_count(found[n]) for n in ("visits", "orders", "api")] == [2, 2, 2]


def test_keys_that_appear_late_become_columns(s3: s3server.S3Fixture) -> None:
    lines = [{"n": i} if i < 9000 else {"n": i, "email": f"u{i}@example.cn"} for i in range(9010)]
    s3.put("j/late.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    s3.put("j/ragged.csv", "a,b\n" + "1,2\n" * 9000 + "3,4,13912345678\n")
    con = connector(s3, "j/")
    found = tables(con)
    assert [c.name for c in con.columns(found["late"])] == ["n", "email"]
    assert con.sample(found["late"], 20_000).column("email").null_count == 9000
    assert [c.name for c in con.columns(found["ragged"])] == ["a", "b", "column_3"]
    assert con.sample(found["ragged"], 20_000).column("column_3").to_pylist()[-1] == "13912345678"


def test_text_files_become_one_row_per_line(s3: s3server.S3Fixture) -> None:
    s3.put("notes/ward.txt", "患者张三，身份证号32050519900101123X\n\n  \n复查：血压正常\n")
    s3.put("notes/app.log", "2026-03-15 09:30:15 login 13912345678\n")
    s3.put("notes/README.md", "# Export\n")
    con = connector(s3, "notes/")
    found = tables(con)
    assert set(found) == {"ward", "app", "README"}
    assert [c.name for c in con.columns(found["ward"])] == ["text"]
    assert con.sample(found["ward"], 10).column("text").to_pylist() == [
        "患者张三，身份证号32050519900101123X",
        "复查：血压正常",
    ]


def test_large_compressed_csv_is_read_from_a_bounded_head(s3: s3server.S3Fixture) -> None:
    rng = random.Random(5)
    lines = ["id,mobile,note"] + [
        f"{i:07d},139{rng.randrange(10**8):08d},备注{rng.randrange(10**18):018d}" for i in range(60_000)
    ]
    blob = gzip.compress(("\n".join(lines) + "\n").encode())
    s3.put("big/events.csv.gz", blob)
    con = connector(s3, "big/", head_bytes=64 * 1024)
    info = tables(con)["events"]
    before = con.stats.bytes
    assert con.row_count(info) is None  # only the head was read: no exact count
    fetched = con.stats.bytes - before
    assert fetched <= 64 * 1024 < len(blob)
    sample = con.sample(info, 300, seed=3)
    assert sample.num_rows == 300
    # Whole records only (the record cut by the byte cap is dropped), drawn from the head.
    ids = [int(x) for x in sample.column("id").to_pylist()]
    assert all(len(m) == 11 for m in sample.column("mobile").to_pylist())
    assert all(len(n) == 20 for n in sample.column("note").to_pylist())
    assert max(ids) < 60_000 and ids == sorted(ids)
    assert "head of 1 object" in info.fingerprint["sample_basis"]


# -- Parquet by range ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_table() -> pa.Table:
    """2,000,000 rows: a sequential id, an incompressible reading, a low-cardinality site."""
    rng = np.random.default_rng(20250101)
    n = 2_000_000
    return pa.table(
        {
            "id": pa.array(np.arange(n, dtype=np.int32)),
            "reading": pa.array(rng.random(n, dtype=np.float32)),
            "site": pa.array(np.array([f"S{i}" for i in range(7)])[np.arange(n) % 7]),
        }
    )


@pytest.fixture(scope="module")
def big_parquet(big_table: pa.Table) -> tuple[pa.Table, bytes]:
    """~16 MB in 8 row groups; dictionary encoding only where it pays (the site column)."""
    return big_table, parquet_bytes(big_table, row_group_size=250_000, use_dictionary=["site"])


def test_parquet_sampling_fetches_a_small_fraction_by_range(s3: s3server.S3Fixture, big_parquet) -> None:
    table, blob = big_parquet
    s3.put("lake/readings.parquet", blob)
    con = connector(s3, "lake/")
    info = tables(con)["readings"]
    before = con.stats.bytes
    assert con.row_count(info) == table.num_rows
    footer = con.stats.bytes - before
    assert footer <= 64 * 1024  # the footer alone answers the row count
    sample = con.sample(info, 1000, seed=7)
    fetched = con.stats.bytes - before
    assert sample.num_rows == 1000
    assert fetched < 0.10 * len(blob), f"fetched {fetched} of {len(blob)} bytes"
    # Real rows, spread over the object: four of the eight row groups.
    ids = sample.column("id").to_numpy()
    assert np.array_equal(sample.column("reading").to_numpy(), table.column("reading").to_numpy()[ids])
    assert sample.column("site").to_pylist() == [f"S{i % 7}" for i in ids]
    assert len(set(ids // 250_000)) == 4
    assert con.sample(info, 1000, seed=7).equals(sample)


def test_dictionary_heavy_parquet_sampling_stays_within_the_byte_budget(
    s3: s3server.S3Fixture, big_table: pa.Table
) -> None:
    # Default writer settings: every column dictionary-encoded, 1 MiB dictionary page per column chunk.
    blob = parquet_bytes(big_table, row_group_size=250_000)
    s3.put("lake/dense.parquet", blob)
    con = connector(s3, "lake/")
    info = tables(con)["dense"]
    sample = con.sample(info, 1000, seed=7)
    assert sample.num_rows == 1000
    assert con.stats.bytes <= SAMPLE_BUDGET_MIN + 64 * 1024 < len(blob) / 2
    assert len(set(sample.column("id").to_numpy() // 250_000)) >= 2


def test_parquet_distinct_count_streams_the_columns(s3: s3server.S3Fixture) -> None:
    n = 120_000
    table = pa.table(
        {"id": np.arange(n) % 50_000, "site": pa.array([f"S{i % 7}" if i % 11 else None for i in range(n)])}
    )
    s3.put("p/visits.parquet", parquet_bytes(table, row_group_size=30_000))
    con = connector(s3, "p/")
    info = tables(con)["visits"]
    assert con.distinct_count(info, ["id"]) == 50_000
    assert con.distinct_count(info, ["site"]) == 7
    assert con.distinct_count(info, ["id", "site"]) == len({(i % 50_000, i % 7) for i in range(n) if i % 11})
    with pytest.raises(SourceError, match="no column"):
        con.distinct_count(info, ["nope"])


def test_hive_partitioned_folder_is_one_dataset(s3: s3server.S3Fixture) -> None:
    for year, month, start in (("2024", "12", 0), ("2025", "01", 100)):
        part = pa.table({"visit_id": pa.array(range(start, start + 100), pa.int64())})
        s3.put(f"lake/visits/year={year}/month={month}/part-0.parquet", parquet_bytes(part))
    s3.put("lake/visits/_SUCCESS", b"")
    s3.put("lake/standalone.parquet", parquet_bytes(pa.table({"x": [1]})))
    con = connector(s3, "lake/")
    found = tables(con)
    assert set(found) == {"visits", "standalone"}
    info = found["visits"]
    assert info.kind == "dataset"
    assert info.fingerprint["objects"] == 2 and info.fingerprint["partition_keys"] == ["month", "year"]
    assert [c.name for c in con.columns(info)] == ["visit_id", "year", "month"]
    assert con.row_count(info) == 200
    sample = con.sample(info, 1000)
    assert sample.num_rows == 200
    assert {(r["year"], r["month"]) for r in sample.to_pylist()} == {("2024", "12"), ("2025", "01")}
    assert con.distinct_count(info, ["year"]) == 2
    assert {"key": "lake/visits/_SUCCESS", "bytes": 0, "reason": "hidden or marker file"} in con.skipped


def test_partitioned_csv_dataset_and_csv_distinct_count(s3: s3server.S3Fixture) -> None:
    for day in range(1, 6):
        s3.put(
            f"logs/access/dt=2025-01-0{day}/data.csv",
            "user,ip\n" + "".join(f"u{i},10.0.{day}.{i}\n" for i in range(50)),
        )
    con = connector(s3, "logs/")
    info = tables(con)["access"]
    assert [c.name for c in con.columns(info)] == ["user", "ip", "dt"]
    sample = con.sample(info, 1000)
    assert sample.num_rows == 4 * 50  # heads of four files spread over the five
    assert con.row_count(info) is None  # not every file was read
    assert con.distinct_count(info, ["user"]) == 50
    assert con.distinct_count(info, ["ip"]) == 250
    assert con.distinct_count(info, ["dt"]) == 5


# -- failures of one object, and what is skipped -------------------------------------------
def test_corrupt_objects_fail_alone(s3: s3server.S3Fixture, big_parquet) -> None:
    _, blob = big_parquet
    s3.put("mix/truncated.parquet", blob[: len(blob) // 3])
    s3.put("mix/cut.csv.gz", gzip.compress(b"a,b\n" + b"1,2\n" * 5000)[:-40])
    s3.put("mix/noise.jsonl", "not json\nstill not\n")
    s3.put("mix/good.csv", "name,mobile\n张三,13912345678\n")
    con = connector(s3, "mix/")
    found = tables(con)
    for name, pattern in (
        ("truncated", r"mix/truncated\.parquet: not a readable Parquet object .*truncated"),
        ("cut", r"mix/cut\.csv\.gz: damaged compressed data .*truncated"),
        ("noise", r"mix/noise\.jsonl: no line is a JSON value"),
    ):
        with pytest.raises(SourceError, match=pattern) as caught:
            con.columns(found[name])
        assert caught.value.table == name
        with pytest.raises(SourceError):  # the failure is remembered, not retried per call
            con.sample(found[name], 10)
    assert con.sample(found["good"], 10).to_pylist() == [{"name": "张三", "mobile": "13912345678"}]


def test_unreadable_objects_are_listed_as_skipped(s3: s3server.S3Fixture) -> None:
    s3.put("in/scan.png", b"\x89PNG\r\n\x1a\n0000")
    s3.put("in/bundle.zip", b"PK\x03\x04")
    s3.put("in/README", b"plain words")
    s3.put("in/empty.csv", b"")
    s3.put("in/.hidden.csv", b"a\n1\n")
    s3.put("in/folder/", b"")
    s3.put("in/ok.csv", "a\n1\n")
    s3.client.put_object(Bucket=s3.bucket, Key="in/2019.csv", Body=b"a\n1\n", StorageClass="DEEP_ARCHIVE")
    con = connector(s3, "in/")
    assert set(tables(con)) == {"ok"}
    assert con.skipped == [
        {"key": "in/.hidden.csv", "bytes": 4, "reason": "hidden or marker file"},
        {
            "key": "in/2019.csv",
            "bytes": 4,
            "reason": "archived storage class (DEEP_ARCHIVE); restore it to scan it",
        },
        {"key": "in/README", "bytes": 11, "reason": "no file extension"},
        {"key": "in/bundle.zip", "bytes": 4, "reason": "unsupported format: archive (.zip)"},
        {"key": "in/empty.csv", "bytes": 0, "reason": "empty object"},
        {"key": "in/scan.png", "bytes": 12, "reason": "unsupported format: image (.png)"},
    ]
    assert con.listing["skipped"] == 6 and con.listing["objects_listed"] == 7


def test_only_unreadable_objects_fail_the_source_but_still_say_why(s3: s3server.S3Fixture) -> None:
    s3.put("img/a.jpg", b"\xff\xd8\xff")
    s3.put("img/b.jpg", b"\xff\xd8\xff")
    con = open_source(s3.uri("img/"), **s3.options())
    with pytest.raises(
        SourceError, match=r"none of the 2 objects here can be scanned \(2 unsupported format: image"
    ):
        con.open()
    assert [s["key"] for s in con.skipped] == ["img/a.jpg", "img/b.jpg"]


def test_hive_parquet_without_extension_is_found_by_its_magic(s3: s3server.S3Fixture) -> None:
    s3.put("warehouse/t/dt=2025-01-01/000000_0", parquet_bytes(pa.table({"x": [1, 2, 3]})))
    con = connector(s3, "warehouse/")
    info = tables(con)["t"]
    assert con.row_count(info) == 3


def test_single_object_uri(s3: s3server.S3Fixture) -> None:
    s3.put("exports/patients.csv", "a\n1\n")
    s3.put("exports/patients.csv.bak", "a\n1\n")
    con = connector(s3, "exports/patients.csv")
    assert set(tables(con)) == {"patients"}


def test_object_replaced_after_listing_is_not_mixed_with_its_new_version(s3: s3server.S3Fixture) -> None:
    s3.put("p/a.parquet", parquet_bytes(pa.table({"x": [1, 2]})))
    con = connector(s3, "p/")
    info = tables(con)["a"]
    s3.put("p/a.parquet", parquet_bytes(pa.table({"y": ["changed"]})))
    with pytest.raises(
        SourceError, match=r"p/a\.parquet: object changed while it was being read .*run the scan again"
    ):
        con.columns(info)
