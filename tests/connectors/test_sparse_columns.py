"""Sparse columns: a column that is nearly always NULL is found, and its null share reported.

One data set of :data:`ROWS` rows on every source (SQLite, PostgreSQL, MariaDB,
Parquet, S3 Parquet):

* ``id`` — the integer key; ``memo`` — text on every row;
* ``ref_no`` — resident ID numbers on :data:`IDS` random rows, NULL on the rest
  (99.94 % NULL), under a name that says nothing, so only the values can tell;
* ``phone`` — mobile numbers on every 50th row (98 % NULL): more values than a
  sample holds, so they must be sampled, spread over the table;
* ``empty`` — NULL on every row.

A random row sample of 1,000 rows holds 0.6 of the ID numbers on average (one
or none here); the scan must still report ``ref_no`` as CN_RESIDENT_ID over all
of its values, or those persons drop out of ``chujing check``'s count.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.report import Table, to_document
from connectors.base import TableInfo
from connectors.sql import SQLConnector
from scanner.export.person_plan import plan_person_key
from scanner.models import ColumnResult, TableResult
from scanner.scan import ScanOptions, scan
from scanner.sparse import complete_sparse_columns
from tests import s3server, servers
from tests.recognizers.id_samples import mobile, resident_id
from tests.servers import admin_engine

pg_url, mysql_url, pg_db_url, mysql_db_url = (
    servers.pg_url,
    servers.mysql_url,
    servers.pg_db_url,
    servers.mysql_db_url,
)
s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3

ROWS = 200_000
IDS = 120  # 99.94 % NULL, as in the issue: 600 ID numbers among 1,000,000 rows
PHONE_EVERY = 50
SAMPLE = 1_000
COLUMNS = ("id", "memo", "ref_no", "phone", "empty")


@pytest.fixture(scope="module")
def data() -> pa.Table:
    rng = random.Random(20260611)
    with_id = set(rng.sample(range(ROWS), IDS))
    phones: dict[str, None] = {}
    while len(phones) < ROWS // PHONE_EVERY:
        phones[mobile(rng)] = None
    numbers = iter(phones)
    return pa.table(
        {
            "id": pa.array(range(1, ROWS + 1), pa.int64()),
            "memo": [f"order {i}" for i in range(ROWS)],
            "ref_no": [resident_id(rng) if i in with_id else None for i in range(ROWS)],
            "phone": [next(numbers) if i % PHONE_EVERY == 0 else None for i in range(ROWS)],
            "empty": pa.nulls(ROWS, pa.string()),
        }
    )


@pytest.fixture(scope="module")
def phone_row(data: pa.Table) -> dict[str, int]:
    """Where each mobile number sits in the table, so a sample says which part of the table it came from."""
    return {v: i for i, v in enumerate(data.column("phone").to_pylist()) if v is not None}


def columns_of(report: dict, table: str = "people") -> dict[str, dict]:
    (t,) = [t for t in report["tables"] if t["table"] == table]
    assert t["status"] == "ok", t["error"]
    return {c["name"]: c for c in t["columns"]}


def entity(column: dict, kind: str) -> dict:
    found = {e["type"]: e for e in column["entities"]}
    assert kind in found, column["entities"]
    return found[kind]


def assert_sparse_columns_found(report: dict, *, method: str) -> None:
    """What every source must report for the data set."""
    cols = columns_of(report)
    ref = cols["ref_no"]
    rid = entity(ref, "CN_RESIDENT_ID")
    assert (rid["matched"], rid["match_ratio"]) == (
        IDS,
        1.0,
    )  # every value read, not the sample's one or none
    assert ref["non_null"] == IDS and ref["value_sample"] == "non-null"
    assert ref["null_ratio"] == pytest.approx(1 - IDS / ROWS) and ref["null_ratio_method"] == method
    phone = cols["phone"]
    assert entity(phone, "CN_MOBILE")["match_ratio"] == 1.0
    assert phone["non_null"] == SAMPLE and phone["value_sample"] == "non-null"
    assert phone["null_ratio"] == pytest.approx(1 - 1 / PHONE_EVERY) and phone["null_ratio_method"] == method
    empty = cols["empty"]
    assert (empty["entities"], empty["non_null"], empty["null_ratio"]) == ([], 0, 1.0)
    assert "value_sample" not in empty
    assert cols["memo"]["null_ratio"] == 0.0 and "value_sample" not in cols["memo"]
    t = next(t for t in report["tables"] if t["table"] == "people")
    plan = plan_person_key(Table.model_validate(t))  # what chujing check counts persons by
    assert plan is not None and ("resident_id", ("ref_no",)) in [(p.kind, p.columns) for p in plan.parts]


def phone_rows(sample: pa.Table, phone_row: dict[str, int]) -> list[int]:
    return [phone_row[v] for v in sample.column("phone").to_pylist()]


def assert_spread(rows: list[int]) -> None:
    deciles = {r * 10 // ROWS for r in rows}
    assert len(deciles) >= 8, sorted(deciles)


# -- SQL ----------------------------------------------------------------------------------------


@dataclass
class DB:
    kind: str
    url: str
    admin: Engine


def _create(admin: Engine, kind: str, data: pa.Table) -> None:
    text = sa.Text if kind != "mysql" else sa.String(32)
    meta = sa.MetaData()
    sa.Table(
        "people",
        meta,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        *(sa.Column(c, text) for c in COLUMNS[1:]),
    )
    dense = sa.Table("dense", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("memo", text))
    blank = sa.Table(
        "blank",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("memo", text),
        sa.Column("empty", text),
    )
    meta.create_all(admin)
    rows = list(zip(*(data.column(c).to_pylist() for c in COLUMNS), strict=True))
    with admin.begin() as conn:
        if kind == "postgresql":  # COPY: 200,000 rows in a second
            with conn.connection.driver_connection.cursor().copy(
                f"COPY people ({', '.join(COLUMNS)}) FROM STDIN"
            ) as cp:
                for row in rows:
                    cp.write_row(row)
        else:  # the driver's executemany (pymysql sends multi-row INSERTs)
            mark = "?" if kind == "sqlite" else "%s"
            cursor = conn.connection.driver_connection.cursor()
            cursor.executemany(f"INSERT INTO people VALUES ({', '.join([mark] * len(COLUMNS))})", rows)
        conn.execute(dense.insert(), [{"id": i, "memo": f"m{i}"} for i in range(1, 5_001)])
        conn.execute(blank.insert(), [{"id": i, "memo": f"m{i}", "empty": None} for i in range(1, 5_001)])
        if kind == "postgresql":
            conn.exec_driver_sql("ANALYZE")
        elif kind == "mysql":
            conn.exec_driver_sql("ANALYZE TABLE people, dense, blank")


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, data: pa.Table
) -> Iterator[DB]:
    kind = request.param
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sparse') / 'sparse.db'}"
    else:
        url = request.getfixturevalue("pg_db_url" if kind == "postgresql" else "mysql_db_url")
    admin = admin_engine(url)
    try:
        _create(admin, kind, data)
        yield DB(kind, url, admin)
    finally:
        admin.dispose()


@contextlib.contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_sparse_sql_columns_are_found_with_exact_null_ratios(db: DB) -> None:
    report = to_document(scan([db.url], ScanOptions(sample_rows=SAMPLE, include=["people"])))
    assert_sparse_columns_found(report, method="exact")


def test_values_of_a_sparse_sql_column_are_sampled_spread_seeded_and_bounded(
    db: DB, phone_row: dict[str, int]
) -> None:
    with SQLConnector(db.url) as c:
        info = TableInfo("people")
        assert (
            c.row_count(info) == ROWS
        )  # as the scanner does first: only the sampling statements are checked
        counts = c.null_counts(info, COLUMNS, exact=True)
        assert counts is not None and counts.rows == ROWS
        assert counts.non_null == {
            "id": ROWS,
            "memo": ROWS,
            "ref_no": IDS,
            "phone": ROWS // PHONE_EVERY,
            "empty": 0,
        }
        with statements(c.engine) as seen:
            sample = c.sample_non_null(info, ["phone"], 300, seed=5)
        rows = phone_rows(sample, phone_row)
        assert sample.column_names == ["phone"] and len(rows) == 300 == len(set(rows))
        assert_spread(rows)
        strategy = sample.schema.metadata[b"chujing.sample_strategy"].decode()
        assert strategy == ("tablesample-bernoulli" if db.kind == "postgresql" else "key-ranges")
        reads = [s for s in seen if re.search(r"\bFROM [`\"]?people\b", s, re.IGNORECASE)]
        assert reads
        for s in reads:  # every read is filtered and bounded: no sort of the table, no unbounded scan
            low = s.lower()
            assert "is not null" in low and " limit " in low, s
        assert phone_rows(c.sample_non_null(info, ["phone"], 300, seed=5), phone_row) == rows
        assert phone_rows(c.sample_non_null(info, ["phone"], 300, seed=6), phone_row) != rows
        ids = c.sample_non_null(info, ["ref_no"], SAMPLE, seed=5)
        assert ids.num_rows == IDS and ids.column("ref_no").null_count == 0
        assert ids.schema.metadata[b"chujing.sample_strategy"] == b"all"


def _complete(c: SQLConnector, table: str) -> TableResult:
    """The scanner's sparse-column step on a real row sample, with recognizers that must not be needed."""
    info = TableInfo(table)
    sample = c.sample(info, SAMPLE, seed=0)
    result = TableResult(source=c.display_uri, table=table, row_count=c.row_count(info))
    result.columns = [ColumnResult(name, "text") for name in sample.column_names]

    def analyze(values: pa.Table) -> dict:
        raise AssertionError(f"no column of {table} is sparse, yet {values.column_names} were analysed again")

    complete_sparse_columns(c, info, sample, result, n=SAMPLE, seed=0, analyze=analyze)
    return result


def test_a_table_without_sparse_columns_costs_no_extra_query(db: DB) -> None:
    with SQLConnector(db.url) as c:
        c.row_count(TableInfo("dense"))
        with statements(c.engine) as seen:
            result = _complete(c, "dense")
    reads = [s for s in seen if "dense" in s]
    assert not [s for s in reads if "count(" in s.lower() or "is not null" in s.lower()], reads
    assert {c.name: (c.null_ratio, c.null_ratio_method) for c in result.columns} == {
        "id": (0.0, "sample"),
        "memo": (0.0, "sample"),
    }


def test_an_all_null_column_costs_one_count_and_no_value_query(db: DB) -> None:
    with SQLConnector(db.url) as c:
        c.row_count(TableInfo("blank"))
        with statements(c.engine) as seen:
            result = _complete(c, "blank")
    after_sample = [s for s in seen if "count(" in s.lower() or "is not null" in s.lower()]
    assert len(after_sample) == 1 and "count(" in after_sample[0].lower(), after_sample
    assert {c.name: (c.null_ratio, c.null_ratio_method) for c in result.columns} == {
        "id": (0.0, "exact"),
        "memo": (0.0, "exact"),
        "empty": (1.0, "exact"),
    }


# -- Parquet ------------------------------------------------------------------------------------


def test_sparse_parquet_columns_are_found_from_the_footers(tmp_path: Path, data: pa.Table) -> None:
    pq.write_table(data, tmp_path / "people.parquet", row_group_size=10_000)
    report = to_document(scan([str(tmp_path)], ScanOptions(sample_rows=SAMPLE)))
    assert_sparse_columns_found(report, method="statistics")


def test_parquet_without_statistics_is_counted_by_reading_the_column(tmp_path: Path, data: pa.Table) -> None:
    pq.write_table(data, tmp_path / "people.parquet", row_group_size=10_000, write_statistics=False)
    report = to_document(scan([str(tmp_path)], ScanOptions(sample_rows=SAMPLE)))
    assert_sparse_columns_found(report, method="exact")


def test_a_column_added_to_later_files_of_a_dataset_counts_as_null_in_the_earlier(
    tmp_path: Path, data: pa.Table
) -> None:
    half = ROWS // 2
    old, new = data.slice(0, half).drop_columns(["ref_no"]), data.slice(half)
    (tmp_path / "people" / "year=2024").mkdir(parents=True)
    (tmp_path / "people" / "year=2025").mkdir()
    pq.write_table(old, tmp_path / "people" / "year=2024" / "part-0.parquet", row_group_size=10_000)
    pq.write_table(new, tmp_path / "people" / "year=2025" / "part-0.parquet", row_group_size=10_000)
    report = to_document(scan([str(tmp_path / "people")], ScanOptions(sample_rows=SAMPLE)))
    cols = columns_of(report)
    in_new = new.column("ref_no").length() - new.column("ref_no").null_count
    rid = entity(cols["ref_no"], "CN_RESIDENT_ID")
    assert rid["matched"] == in_new == cols["ref_no"]["non_null"]
    assert cols["ref_no"]["null_ratio"] == pytest.approx(1 - in_new / ROWS)
    assert cols["year"]["null_ratio"] == 0.0 and cols["ref_no"]["null_ratio_method"] == "statistics"


# -- S3 Parquet ------------------------------------------------------------------------------


@pytest.mark.s3
def test_sparse_s3_parquet_columns_are_found_by_ranged_reads(s3: s3server.S3Fixture, data: pa.Table) -> None:
    buf = io.BytesIO()
    pq.write_table(data, buf, row_group_size=10_000)
    s3.put("lake/people.parquet", buf.getvalue())
    options = ScanOptions(sample_rows=SAMPLE, connector_options={"endpoint_url": s3.endpoint})
    assert_sparse_columns_found(to_document(scan([s3.uri("lake/")], options)), method="statistics")

    con = s3.connector("lake/")
    info = s3server.tables(con)["people"]
    before = con.stats.bytes
    ids = con.sample_non_null(info, ["ref_no"], SAMPLE, seed=3)
    assert ids.num_rows == IDS
    # Only the ref_no chunks of the row groups, never the whole object.
    assert con.stats.bytes - before < 0.1 * buf.getbuffer().nbytes


def test_a_row_sample_alone_holds_next_to_none_of_the_ids(db: DB) -> None:
    """The premise: what the scan found before it sampled the values of sparse columns."""
    with SQLConnector(db.url) as c:
        sample = c.sample(TableInfo("people"), SAMPLE, seed=0)
    assert sample.num_rows == SAMPLE
    assert sample.num_rows - sample.column("ref_no").null_count <= 5


@pytest.mark.s3
def test_sparse_s3_csv_column_is_found_among_all_the_records_read(
    s3: s3server.S3Fixture, data: pa.Table
) -> None:
    head = data.slice(0, 30_000)
    lines = ["id,memo,ref_no"] + [
        f"{i},{m},{r or ''}"
        for i, m, r in zip(*(head.column(c).to_pylist() for c in ("id", "memo", "ref_no")), strict=True)
    ]
    s3.put("crm/people.csv", "\n".join(lines) + "\n")
    options = ScanOptions(sample_rows=SAMPLE, connector_options={"endpoint_url": s3.endpoint})
    cols = columns_of(to_document(scan([s3.uri("crm/")], options)))
    in_head = head.column("ref_no").length() - head.column("ref_no").null_count
    assert 0 < in_head < 30  # a 1,000-row sample of the 30,000 records holds one on average
    rid = entity(cols["ref_no"], "CN_RESIDENT_ID")
    assert rid["matched"] == in_head == cols["ref_no"]["non_null"]
    assert cols["ref_no"]["value_sample"] == "non-null" and cols["ref_no"]["null_ratio_method"] == "sample"
