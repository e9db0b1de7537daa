"""Persons counted exactly on S3: normalised keys evaluated by DuckDB over the key columns streamed from the objects.

Objects are uploaded to moto's S3 server on 127.0.0.1 and read back over HTTP.
The ID numbers are written as clerks write them (lower-case x, full-width,
15 digits, spaced, dashed: :func:`tests.export.conftest.variant_id`), so a
count is right only if every form of a person gives one key.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from catalog.report import Table
from connectors.base import KeySpec, SourceError, TableInfo
from connectors.s3 import S3Connector
from scanner.export.person_plan import key_spec, plan_person_key
from scanner.export.persons import PersonTally, count_persons, iter_person_keys
from tests import s3server
from tests.catalog.builders import as_table
from tests.export import conftest as export
from tests.export.conftest import DIAGNOSES, TRIAL_COLUMNS, resident_id, trial_rows

s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3
chujing, ledger_key, run = export.chujing, export.ledger_key, export.run  # the check CLI's fixtures

pytestmark = pytest.mark.s3

JS = "jiangsu-2025-biopharma"
TRIAL = ("--list", JS, "--scenario", "clinical-trial", "--subject", "trial-subject")
SECRETS = (s3server.SECRET_KEY, s3server.SESSION_TOKEN)
CSV_HEADER = ("受试者编号", "身份证号", "诊断", "ICD10编码", "药品")


def connector(s3: s3server.S3Fixture, prefix: str = "", **options: object) -> S3Connector:
    return s3.connector(prefix, **options)


tables = s3server.tables


def report_table(name: str, column: str, *, rows: int | None = None) -> Table:
    """The table as a scan report describes it: ``column`` holds resident ID numbers (sensitive PI)."""
    col = {
        "name": column,
        "type": "string",
        "entities": [{"type": "CN_RESIDENT_ID", "score": 0.99, "match_ratio": 1.0}],
        "pi_class": "sensitive",
        "categories": [],
    }
    return as_table(
        {"source": "", "table": name, "status": "ok", "row_count": rows, "sampled_rows": 0, "columns": [col]}
    )


def person_keys(persons: Sequence[int]) -> set[str]:
    return {f"resident_id:{resident_id(i)[:17]}" for i in persons}


def count(
    con: S3Connector, name: str, column: str, *, batch_rows: int = 1_000
) -> tuple[PersonTally, set[str]]:
    info = tables(con)[name]
    tally = count_persons(con, info, report_table(name, column))
    assert tally.basis == "distinct_key", tally.note
    batches = list(iter_person_keys(con, info, tally, batch_rows=batch_rows))
    assert all(0 < len(b) <= batch_rows for b in batches)
    keys = [k for b in batches for k, _ in b]
    assert len(keys) == len(set(keys)), "keys come out de-duplicated"
    return tally, set(keys)


def parquet_bytes(table: pa.Table, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, **kwargs)
    return buf.getvalue()


def trial_table(rows: list[tuple]) -> pa.Table:
    return pa.table({c: [r[i] for r in rows] for i, c in enumerate(TRIAL_COLUMNS)})


def gbk_csv(rows: list[tuple], *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("gbk")


# -- exact counts, every format ---------------------------------------------------------------
def test_parquet_and_gbk_csv_objects_count_each_person_once(s3: s3server.S3Fixture) -> None:
    # 3,000 subjects and 601 repeat visits with the ID written differently; a large free-text column
    # that the count must not fetch.
    rows = trial_rows(range(3_000), variants=range(0, 3_000, 5))
    table = trial_table(rows).append_column("notes", pa.array([f"{i:08d}" * 40 for i in range(len(rows))]))
    blob = parquet_bytes(table, row_group_size=700, compression="none")
    s3.put("trial/subjects.parquet", blob)
    # 2,000 visits of subjects 2,500–4,499 in GBK (ID forms cycle: x, full-width, 15 digits, spaces, dashes),
    # plus five rows without an ID number.
    visits = trial_rows(range(2_500, 4_500), variants=range(2_500, 4_500, 3))
    visits += [(f"S9{i:05d}", "", *DIAGNOSES[0]) for i in range(5)]
    s3.put("trial/visits.csv", gbk_csv(visits))
    assert any("x" in r[1] for r in visits) and any(len(r[1]) == 15 for r in visits)
    assert any(" " in r[1] for r in visits)

    con = connector(s3, "trial/")
    before = con.stats.bytes
    tally, keys = count(con, "subjects", "id_no")
    assert (tally.distinct_keys, tally.rows_without_key, tally.persons) == (3_000, 0, 3_000)
    assert keys == person_keys(range(3_000))
    # Only the key column's chunks were fetched (twice: the count, then the keys), never the notes.
    assert con.stats.bytes - before < len(blob) // 3

    tally, keys = count(con, "visits", "身份证号")
    assert (tally.distinct_keys, tally.rows_without_key, tally.persons) == (2_000, 5, 2_005)
    assert keys == person_keys(range(2_500, 4_500))


def _jsonl(rows: list[tuple]) -> bytes:
    return "".join(
        json.dumps(dict(zip(TRIAL_COLUMNS, r, strict=True)), ensure_ascii=False) + "\n" for r in rows
    ).encode()


FORMATS = {
    "csv.gz": lambda rows: gzip.compress(gbk_csv(rows)),
    "tsv.bz2": lambda rows: bz2.compress(gbk_csv(rows, delimiter="\t")),
    "jsonl.zst": lambda rows: zstandard.ZstdCompressor().compress(_jsonl(rows)),
    "json": lambda rows: json.dumps(
        [dict(zip(TRIAL_COLUMNS, r, strict=True)) for r in rows], ensure_ascii=False
    ).encode("utf-8"),
}


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_compressed_and_json_objects(s3: s3server.S3Fixture, suffix: str) -> None:
    rows = trial_rows(range(300), variants=range(0, 300, 2))
    s3.put(f"x/visits.{suffix}", FORMATS[suffix](rows))
    con = connector(s3, "x/")
    column = "身份证号" if suffix.startswith(("csv", "tsv")) else "id_no"
    tally, keys = count(con, "visits", column, batch_rows=64)
    assert (tally.distinct_keys, tally.rows_without_key) == (300, 0)
    assert keys == person_keys(range(300))


def test_hive_partitioned_datasets_are_one_table(s3: s3server.S3Fixture) -> None:
    # Parquet: one subject may visit in several months; the month folders are one dataset.
    for month in range(1, 4):
        rows = trial_rows(
            range(month * 100, month * 100 + 250), variants=range(month * 100, month * 100 + 250, 4)
        )
        s3.put(f"lake/visits/month=2025-0{month}/part-0.parquet", parquet_bytes(trial_table(rows)))
    # Six CSV files: the two whose heads were not sampled (four at most are) are counted too.
    for day in range(1, 7):
        rows = trial_rows(range(day * 50, day * 50 + 80), variants=range(day * 50, day * 50 + 80, 3))
        s3.put(f"lake/calls/dt=2025-01-0{day}/data.csv", gbk_csv(rows))
    con = connector(s3, "lake/")
    tally, keys = count(con, "visits", "id_no")
    assert tally.distinct_keys == 450 and keys == person_keys(range(100, 550))
    tally, keys = count(con, "calls", "身份证号")
    assert tally.distinct_keys == 330 and keys == person_keys(range(50, 380))


def test_missing_key_column_is_a_one_line_error(s3: s3server.S3Fixture) -> None:
    s3.put("m/a.csv", "name\n张三\n")
    con = connector(s3, "m/")
    with pytest.raises(SourceError, match=r"\[a\]: no column \['id_no'\] in this table"):
        count_persons(con, tables(con)["a"], report_table("a", "id_no"))


# -- failures: one line naming the object, no secret -------------------------------------------
def test_object_denied_after_sampling_fails_the_count_naming_it(s3: s3server.S3Fixture) -> None:
    s3.put("d/subjects.parquet", parquet_bytes(trial_table(trial_rows(range(100)))))
    s3.put("d/visits.csv", gbk_csv(trial_rows(range(100))))
    con = connector(s3, "d/", max_attempts=1)
    found = tables(con)
    con.columns(found["subjects"]), con.columns(found["visits"])  # footer and head read while allowed
    s3.client.put_bucket_policy(
        Bucket=s3.bucket, Policy=s3server.deny_get_policy(s3.bucket, "d/subjects.parquet", "d/visits.csv")
    )
    for name, key, column in (
        ("subjects", "d/subjects.parquet", "id_no"),
        ("visits", "d/visits.csv", "身份证号"),
    ):
        with pytest.raises(SourceError) as caught:
            count_persons(con, found[name], report_table(name, column))
        assert str(caught.value) == (
            f"s3://{s3.bucket}/d/ [{name}]: {key}: access denied while reading this object (403); "
            "grant s3:GetObject on it to the scanning identity, or exclude it"
        )
        assert caught.value.table == name
        with pytest.raises(SourceError, match=f"{key}: access denied"):
            next(iter(con.iter_distinct_keys(found[name], _spec(found[name], column))))


def _spec(info: TableInfo, column: str) -> KeySpec:
    return key_spec(plan_person_key(report_table(info.name, column)))


_LISTING = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix>'
    "<KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
    '<Contents><Key>p/ids.csv</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag>'
    "<Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>"
)
_SLOWDOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message></Error>"
)
_IDS = ("id_no\n" + "".join(resident_id(i) + "\n" for i in range(20))).encode()


class ThrottleAfterHead(ThreadingHTTPServer):
    """Lists one CSV object and serves its first GET (the head); every later GET is throttled (503 SlowDown)."""

    def __init__(self) -> None:
        self.gets = 0
        super().__init__(("127.0.0.1", 0), _ThrottleHandler)


class _ThrottleHandler(BaseHTTPRequestHandler):
    server: ThrottleAfterHead

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        if "list-type=2" in self.path:
            self._answer(200, _LISTING.format(size=len(_IDS)).encode(), "application/xml")
            return
        self.server.gets += 1
        if self.server.gets == 1:
            self._answer(200, _IDS, "text/csv", etag='"e"')
        else:
            self._answer(503, _SLOWDOWN, "application/xml")

    def _answer(self, status: int, body: bytes, kind: str, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def throttling() -> Iterator[ThrottleAfterHead]:
    server = ThrottleAfterHead()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_throttled_object_fails_the_count_naming_it(throttling: ThrottleAfterHead, s3_env) -> None:
    con = S3Connector("s3://b/p/", endpoint_url=f"http://127.0.0.1:{throttling.server_port}", max_attempts=2)
    (info,) = con.list_tables()
    assert con.sample(info, 5).num_rows == 5
    with pytest.raises(SourceError) as caught:
        count_persons(con, info, report_table("ids", "id_no"))
    assert str(caught.value) == (
        "s3://b/p/ [ids]: p/ids.csv: throttled by the service (SlowDown) after 2 attempts while reading "
        "this object; retry later or raise max_attempts"
    )
    assert throttling.gets == 3


def test_truncated_object_fails_the_count_naming_it(s3: s3server.S3Fixture) -> None:
    rows = trial_rows(range(2_000))
    s3.put("c/visits.csv.gz", gzip.compress(gbk_csv(rows))[:-200])
    con = connector(s3, "c/", head_bytes=4096)  # the head is intact; the end of the stream is not
    info = tables(con)["visits"]
    assert con.sample(info, 10).num_rows == 10
    with pytest.raises(
        SourceError, match=r"^s3://[^ ]+ \[visits\]: c/visits\.csv\.gz: damaged compressed data "
    ):
        count_persons(con, info, report_table("visits", "身份证号"))


# -- chujing check s3://… ----------------------------------------------------------------------------
def test_check_counts_s3_persons_exactly(s3: s3server.S3Fixture, run, ledger_key, tmp_path) -> None:
    # 7,000 subjects in Parquet, 5,000 in a GBK CSV (ID forms vary), 2,000 in both: 10,000 persons, item 14.
    rows = trial_rows(range(7_000), variants=range(0, 7_000, 9))
    s3.put("export/subjects.parquet", parquet_bytes(trial_table(rows), row_group_size=2_000))
    visits = trial_rows(range(5_000, 10_000), variants=range(5_000, 10_000, 7))
    s3.put("export/visits.csv", gbk_csv(visits))
    out = run(
        "check", s3.uri("export/"), "--endpoint-url", s3.endpoint, *TRIAL,
        "--ledger", tmp_path / "l.db", "--format", "json",
    )  # fmt: skip
    assert out.exit_code == 10, out.stderr
    doc = out.json
    tallies = {t["table"]: t for t in doc["persons"]["tables"]}
    assert {k: (t["basis"], t["persons"]) for k, t in tallies.items()} == {
        "subjects": ("distinct_key", 7_000),
        "visits": ("distinct_key", 5_000),
    }
    assert doc["persons"]["any"]["this_export"] == 10_000
    assert [i["item"] for i in doc["items"]] == [14]
    for secret in SECRETS:
        assert secret not in out.output and secret not in out.stderr


def test_check_with_an_unreadable_object_fails_with_one_line(
    s3: s3server.S3Fixture, run, ledger_key, tmp_path
) -> None:
    # More than the 8 MiB head the scan reads (intact); counting streams the whole object and reaches the cut.
    block = gbk_csv(trial_rows(range(1_000))).partition(b"\n")[2]
    text = gbk_csv([]) + block * (9 * 2**20 // len(block) + 1)
    blob = gzip.compress(text, compresslevel=1)
    s3.put("bad/visits.csv.gz", blob[:-300])
    report = tmp_path / "check.json"
    out = run(
        "check", s3.uri("bad/"), "--endpoint-url", s3.endpoint, *TRIAL,
        "--ledger", tmp_path / "l.db", "--format", "json", "-o", report,
    )  # fmt: skip
    assert out.exit_code == 2, out.stderr
    (line,) = [x for x in out.output.splitlines() if x.startswith("error:")]
    assert line == (
        f"error: s3://{s3.bucket}/bad/ [visits]: bad/visits.csv.gz: damaged compressed data (Compressed file "
        "ended before the end-of-stream marker was reached); re-upload it or exclude it"
    )
    assert out.stderr.splitlines() == [line], "the one-line error goes to stderr as it happens"
    assert "Traceback" not in out.output + out.stderr
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["errors"] == [line.removeprefix("error: ")]
    assert [t["basis"] for t in doc["persons"]["tables"]] == ["error"]
    for secret in SECRETS:
        assert secret not in out.output + out.stderr + report.read_text(encoding="utf-8")
