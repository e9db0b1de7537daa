"""The Parquet connector on real files written by pyarrow.

I/O is observed, not assumed: :class:`TracingFS` is a real ``pyarrow`` filesystem
over the local disk that records every byte range read (and can refuse access to
chosen paths, which is how permission errors are produced when the suite runs as
root).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import urllib.parse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from connectors import open_source
from connectors.base import SourceError, TableInfo
from connectors.parquet import SAMPLE_SCAN_ROWS, ParquetConnector, plan_sample


# -- helpers ---------------------------------------------------------------------
class TracingFS(pafs.FileSystemHandler):
    """Local files, with every read recorded as ``(path, offset, nbytes)``; ``deny`` paths raise EACCES."""

    def __init__(self, deny: tuple[str, ...] = ()) -> None:
        self.local = pafs.LocalFileSystem()
        self.reads: list[tuple[str, int, int]] = []
        self.deny = {os.path.abspath(p) for p in deny}

    def _check(self, path: str) -> None:
        if os.path.abspath(path) in self.deny:
            raise PermissionError(13, "Permission denied", path)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def get_type_name(self) -> str:
        return "tracing"

    def normalize_path(self, path: str) -> str:
        return path

    def get_file_info(self, paths):
        return self.local.get_file_info(paths)

    def get_file_info_selector(self, selector):
        self._check(selector.base_dir)
        return self.local.get_file_info(selector)

    def open_input_stream(self, path):
        return self.open_input_file(path)

    def open_input_file(self, path):
        self._check(path)
        handler = self

        class Tracked(io.RawIOBase):
            def __init__(self) -> None:
                self.f = open(path, "rb")  # noqa: SIM115 - closed by close()

            def readable(self) -> bool:
                return True

            def seekable(self) -> bool:
                return True

            def seek(self, offset: int, whence: int = 0) -> int:
                return self.f.seek(offset, whence)

            def tell(self) -> int:
                return self.f.tell()

            def read(self, size: int = -1) -> bytes:
                pos = self.f.tell()
                data = self.f.read(size)
                handler.reads.append((path, pos, len(data)))
                return data

            def readinto(self, buf) -> int:
                data = self.read(len(buf))
                buf[: len(data)] = data
                return len(data)

            def close(self) -> None:
                self.f.close()
                super().close()

        return pa.PythonFile(Tracked(), mode="r")

    def _refuse(self, *args, **kwargs):
        raise NotImplementedError("read only")

    create_dir = delete_dir = delete_dir_contents = delete_root_dir_contents = _refuse
    delete_file = move = copy_file = open_output_stream = open_append_stream = _refuse

    def bytes_read(self) -> int:
        return sum(n for _, _, n in self.reads)


def row_group_spans(path: Path) -> list[tuple[int, int]]:
    """Byte range of each row group's column chunks."""
    md = pq.read_metadata(path)
    spans = []
    for i in range(md.num_row_groups):
        rg = md.row_group(i)
        cols = [rg.column(j) for j in range(rg.num_columns)]
        start = min(c.dictionary_page_offset if c.has_dictionary_page else c.data_page_offset for c in cols)
        spans.append((start, start + sum(c.total_compressed_size for c in cols)))
    return spans


def groups_touched(fs: TracingFS, path: Path) -> set[int]:
    spans = row_group_spans(path)
    return {i for _, off, n in fs.reads if n for i, (lo, hi) in enumerate(spans) if off < hi and off + n > lo}


def numbered(rows: int, *, seed: int = 0, extra_cols: int = 4) -> pa.Table:
    """``id`` = row number (so a sampled row tells where it came from) and random int columns."""
    rng = np.random.default_rng(seed)
    cols = {"id": np.arange(rows, dtype="int64")}
    cols.update({f"v{i}": rng.integers(0, 1 << 40, rows) for i in range(extra_cols)})
    return pa.table(cols)


def write(path: Path, table: pa.Table, **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **kwargs)
    return path


def by_name(conn: ParquetConnector) -> dict[str, TableInfo]:
    return {t.name: t for t in conn.list_tables()}


def one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg and "Traceback" not in msg
    return msg


@pytest.fixture()
def hive(tmp_path: Path) -> Path:
    """sales/year=YYYY/month=MM/part-0.parquet; the 2025-02 partition adds a column."""
    root = tmp_path / "sales"
    write(
        root / "year=2024/month=12/part-0.parquet",
        pa.table({"amount": [1, 2, 3], "客户": ["张三", "李四", None]}),
    )
    write(root / "year=2025/month=01/part-0.parquet", pa.table({"amount": [4, 5], "客户": ["王五", "张三"]}))
    write(
        root / "year=2025/month=02/part-0.parquet",
        pa.table({"amount": [6], "客户": ["赵六"], "channel": ["web"]}),
    )
    (root / "_SUCCESS").write_text("")
    (root / "year=2025/month=01/.part-0.parquet.crc").write_bytes(b"crc")
    return root


# -- sources and listing -----------------------------------------------------------
def test_single_file(tmp_path: Path) -> None:
    path = write(tmp_path / "people.parquet", numbered(500), row_group_size=100)
    conn = open_source(str(path))
    assert isinstance(conn, ParquetConnector) and conn.kind == "parquet"
    with conn:
        (table,) = conn.list_tables()
        assert (table.name, table.kind) == ("people", "file")
        cols = conn.columns(table)
        assert [(c.name, c.type) for c in cols] == [("id", "int64")] + [(f"v{i}", "int64") for i in range(4)]
        assert conn.row_count(table) == 500
        sample = conn.sample(table, 50, seed=1)
    assert sample.num_rows == 50 and sample.schema == pq.read_schema(path)
    fp = table.fingerprint
    assert fp["files"] == 1 and fp["bytes"] == path.stat().st_size and fp["row_groups"] == 5
    assert fp["file_list"][0]["path"] == "people.parquet" and fp["modified"]
    schema_text = pq.read_schema(path).to_string(show_schema_metadata=False)
    assert fp["schema_sha256"] == hashlib.sha256(schema_text.encode()).hexdigest()


def test_file_uri_with_percent_encoded_chinese_path(tmp_path: Path) -> None:
    path = write(tmp_path / "数据" / "患者.parquet", pa.table({"姓名": ["张三"]}))
    uri = "file://" + urllib.parse.quote(str(path))
    conn = open_source(uri)
    assert isinstance(conn, ParquetConnector)
    (table,) = conn.list_tables()
    assert table.name == "患者" and conn.row_count(table) == 1
    assert ParquetConnector("file://localhost" + str(path)).list_tables()[0].name == "患者"
    with pytest.raises(SourceError, match="another host"):
        ParquetConnector("file://nas01" + str(path))


def test_directory_of_files_ignores_other_files_and_walks_subdirectories(tmp_path: Path) -> None:
    write(tmp_path / "customers.parquet", pa.table({"a": [1, 2]}))
    write(tmp_path / "orders.parq", pa.table({"b": [1, 2, 3]}))
    write(tmp_path / "crm" / "contacts.pq", pa.table({"c": [1]}))
    (tmp_path / "README.txt").write_text("not data")
    (tmp_path / ".customers.parquet.crc").write_bytes(b"x")
    (tmp_path / "_tmp").mkdir()
    write(tmp_path / "_tmp" / "scratch.parquet", pa.table({"d": [1]}))
    (tmp_path / "empty-subdir").mkdir()
    conn = ParquetConnector(str(tmp_path))
    tables = by_name(conn)
    assert sorted(tables) == ["crm/contacts", "customers", "orders"]
    assert {t.kind for t in tables.values()} == {"file"}
    assert [conn.row_count(tables[n]) for n in ("customers", "orders", "crm/contacts")] == [2, 3, 1]


def test_hive_dataset_is_one_table_with_partition_columns(hive: Path) -> None:
    conn = ParquetConnector(str(hive))
    (table,) = conn.list_tables()
    assert (table.name, table.kind) == ("sales", "dataset")
    assert table.fingerprint["files"] == 3  # the .crc and _SUCCESS files are not data
    cols = {c.name: c.type for c in conn.columns(table)}
    assert cols == {
        "amount": "int64",
        "客户": "string",
        "channel": "string",
        "year": "int32",
        "month": "int32",
    }
    assert conn.row_count(table) == 6
    rows = conn.sample(table, 100, seed=0).to_pylist()
    assert sorted((r["year"], r["month"], r["amount"], r["channel"]) for r in rows) == [
        (2024, 12, 1, None), (2024, 12, 2, None), (2024, 12, 3, None),
        (2025, 1, 4, None), (2025, 1, 5, None), (2025, 2, 6, "web"),
    ]  # fmt: skip


def test_row_count_reads_footers_only(hive: Path) -> None:
    """Data pages of one fragment are destroyed: counting still works, reading rows does not."""
    path = hive / "year=2024/month=12/part-0.parquet"
    start, end = row_group_spans(path)[0]
    data = bytearray(path.read_bytes())
    data[start:end] = b"\xff" * (end - start)
    path.write_bytes(bytes(data))
    conn = ParquetConnector(str(hive))
    (table,) = conn.list_tables()
    assert conn.row_count(table) == 6
    with pytest.raises(SourceError) as exc:
        conn.sample(table, 10)
    assert str(path) in one_line(exc) and exc.value.table == "sales"


def test_nested_datasets_inside_a_directory(tmp_path: Path, hive: Path) -> None:
    lake = hive.parent
    write(lake / "customers.parquet", pa.table({"id": [1, 2]}))
    events = lake / "app" / "events"
    for i in range(2):
        write(events / f"part-0000{i}-3f2a9c1e-0b7d-4c1e-9a51-2b6d7e8f9a10-c000.snappy.parquet",
              pa.table({"e": list(range(10 * (i + 1)))}))  # fmt: skip
    (events / "README.txt").write_text("written by spark")
    conn = ParquetConnector(str(lake))
    tables = by_name(conn)
    assert {n: t.kind for n, t in tables.items()} == {
        "customers": "file", "sales": "dataset", "app/events": "dataset",
    }  # fmt: skip
    assert conn.row_count(tables["app/events"]) == 30 and conn.row_count(tables["sales"]) == 6
    assert {c.name for c in conn.columns(tables["sales"])} >= {"year", "month"}


def test_given_partition_directory_of_part_files_is_one_dataset(tmp_path: Path) -> None:
    for i in range(3):
        write(tmp_path / "orders" / f"part-{i}.parquet", pa.table({"x": [i]}))
    conn = ParquetConnector(str(tmp_path / "orders"))
    (table,) = conn.list_tables()
    assert table.name == "orders" and conn.row_count(table) == 3


# -- sampling ---------------------------------------------------------------------------
def test_sampling_reads_a_few_row_groups_spread_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "big.parquet", numbered(200_000), row_group_size=2_000)  # 100 row groups
    tracer = TracingFS()
    conn = ParquetConnector(str(path), filesystem=pafs.PyFileSystem(tracer))
    (table,) = conn.list_tables()
    conn.columns(table)  # footers
    tracer.reads.clear()
    sample = conn.sample(table, 200, seed=3)
    touched = groups_touched(tracer, path)
    assert sample.num_rows == 200
    assert 2 <= len(touched) <= 6, touched
    assert tracer.bytes_read() < 0.08 * path.stat().st_size
    source_groups = {i // 2_000 for i in sample.column("id").to_pylist()}
    assert source_groups <= touched and len(source_groups) >= 3
    assert max(source_groups) - min(source_groups) >= 50  # not just the head of the file


def test_single_huge_row_group_is_streamed_and_stops_early(tmp_path: Path) -> None:
    path = write(tmp_path / "one.parquet", numbered(1_000_000, extra_cols=1), row_group_size=1_000_000)
    assert pq.read_metadata(path).num_row_groups == 1
    tracer = TracingFS()
    conn = ParquetConnector(str(path), filesystem=pafs.PyFileSystem(tracer))
    (table,) = conn.list_tables()
    conn.row_count(table)
    tracer.reads.clear()
    ids = conn.sample(table, 100, seed=0).column("id").to_pylist()
    assert len(ids) == 100 and ids == sorted(ids)
    assert max(ids) < SAMPLE_SCAN_ROWS  # the documented trade-off: the group's first rows only
    assert max(ids) > SAMPLE_SCAN_ROWS // 2  # ...but spread over them
    assert tracer.bytes_read() < 0.25 * path.stat().st_size  # pages are decoded up to row 65,536 only


def test_sampling_is_seeded_ordered_and_spread(tmp_path: Path) -> None:
    write(tmp_path / "a" / "part-0.parquet", numbered(30_000), row_group_size=1_000)
    write(tmp_path / "a" / "part-1.parquet", numbered(30_000).set_column(0, "id", pa.array(range(30_000, 60_000))),
          row_group_size=1_000)  # fmt: skip
    conn = ParquetConnector(str(tmp_path / "a"))
    (table,) = conn.list_tables()
    first = conn.sample(table, 300, seed=11).column("id").to_pylist()
    again = ParquetConnector(str(tmp_path / "a")).sample(table, 300, seed=11).column("id").to_pylist()
    other = conn.sample(table, 300, seed=12).column("id").to_pylist()
    assert first == again and first != other
    assert first == sorted(first) and len(set(first)) == 300
    assert min(first) < 30_000 <= max(first)  # both files
    assert len({i // 1_000 for i in first}) >= 4
    assert conn.sample(table, 0).num_rows == 0
    assert conn.sample(table, 10**6).num_rows == 60_000  # asking for more than there is returns all


def test_plan_is_stratified_and_bounded() -> None:
    for seed in range(20):
        plan = plan_sample([5_000] * 100, 1_000, seed)
        assert [u // 25 for u, _, _ in plan] == [0, 1, 2, 3]  # one row group per quarter
        assert sum(len(p) for _, _, p in plan) == 1_000
        assert all(p == sorted(set(p)) and p[-1] < r for _, r, p in plan)
    tiny = plan_sample([100] * 1_000, 1_000, seed=0)  # small groups: enough of them to cover 2n rows
    assert sum(r for _, r, _ in tiny) >= 2_000 and sum(len(p) for _, _, p in tiny) == 1_000
    big_groups = plan_sample([100_000] * 10, 1_000, seed=0)  # 4 groups would read 40 % of the table
    assert [r for _, r, _ in big_groups] == [SAMPLE_SCAN_ROWS]
    small_table = plan_sample([1_000] * 10, 1_000, seed=0)  # cheap anyway: keep the spread
    assert [len(p) for _, _, p in small_table] == [250] * 4
    assert plan_sample([], 10, seed=0) == [] and plan_sample([0, 0], 10, seed=0) == []


def test_empty_file_samples_to_empty_table_with_schema(tmp_path: Path) -> None:
    path = write(tmp_path / "none.parquet", pa.table({"a": pa.array([], pa.int64())}))
    conn = ParquetConnector(str(path))
    (table,) = conn.list_tables()
    assert conn.row_count(table) == 0
    sample = conn.sample(table, 10)
    assert sample.num_rows == 0 and sample.schema.names == ["a"]


# -- distinct counts -------------------------------------------------------------------
@pytest.fixture(params=["duckdb-reader", "arrow-scanner"])
def make_conn(request):
    """Local paths go through DuckDB's Parquet reader; other filesystems through the pyarrow scanner."""

    def make(path: Path, **kwargs) -> ParquetConnector:
        if request.param == "arrow-scanner":
            kwargs["filesystem"] = pafs.PyFileSystem(TracingFS())
        return ParquetConnector(str(path), **kwargs)

    return make


def test_distinct_counts(tmp_path: Path, hive: Path, make_conn) -> None:
    path = write(
        tmp_path / "d.parquet",
        pa.table({
            "省份": ["江苏", "上海", "江苏", None, "上海", "江苏"],
            "city": ["南京", "上海", "苏州", "南京", None, "南京"],
            'say "hi"': [1, 1, 2, 2, 3, None],
        }),
        row_group_size=2,
    )  # fmt: skip
    conn = make_conn(path)
    (table,) = conn.list_tables()
    assert conn.distinct_count(table, ["省份"]) == 2
    assert conn.distinct_count(table, ["city"]) == 3
    assert conn.distinct_count(table, ["省份", "city"]) == 3  # rows with a null in either column do not count
    assert conn.distinct_count(table, ['say "hi"']) == 3
    with pytest.raises(SourceError, match="no column"):
        conn.distinct_count(table, ["missing"])
    hconn = make_conn(hive)
    (sales,) = hconn.list_tables()
    assert hconn.distinct_count(sales, ["year"]) == 2
    assert hconn.distinct_count(sales, ["year", "month"]) == 3
    assert hconn.distinct_count(sales, ["客户"]) == 4  # 张三 twice, one null
    assert hconn.distinct_count(sales, ["channel"]) == 1  # absent from two fragments: nulls there


def test_distinct_counts_agree_with_the_arrow_schema(tmp_path: Path, make_conn) -> None:
    """``month=1`` and ``month=01`` are one integer partition value; ``ID`` and ``id`` are two columns."""
    for month, values in (("01", [1, 2]), ("1", [3]), ("12", [4])):
        write(tmp_path / "t" / f"month={month}" / "part-0.parquet", pa.table({"a": values}))
    conn = make_conn(tmp_path / "t")
    (table,) = conn.list_tables()
    assert {c.name: c.type for c in conn.columns(table)}["month"] == "int32"
    assert conn.distinct_count(table, ["month"]) == 2
    assert conn.distinct_count(table, ["month", "a"]) == 4
    cased = make_conn(write(tmp_path / "cased.parquet", pa.table({"ID": [1, 2, 3, 3], "id": [5, 5, 5, 6]})))
    (table,) = cased.list_tables()
    assert (cased.distinct_count(table, ["ID"]), cased.distinct_count(table, ["id"])) == (3, 2)
    assert cased.distinct_count(table, ["ID", "id"]) == 4  # (1,5) (2,5) (3,5) (3,6)


def test_distinct_count_many_values(tmp_path: Path) -> None:
    n = 300_000
    path = write(tmp_path / "ids.parquet", pa.table({"k": np.arange(n) % 250_000}), row_group_size=50_000)
    conn = ParquetConnector(str(path), distinct_memory_limit="64MB")
    assert conn.distinct_count(conn.list_tables()[0], ["k"]) == 250_000


# -- comments and names ----------------------------------------------------------------
def test_chinese_names_and_column_comments(tmp_path: Path) -> None:
    spark = {"type": "struct", "fields": [
        {"name": "手机号", "type": "string", "nullable": True, "metadata": {"comment": "联系电话"}},
    ]}  # fmt: skip
    schema = pa.schema(
        [
            pa.field("身份证号", pa.string(), metadata={"comment": "公民身份号码"}),
            pa.field("诊断", pa.string(), metadata={"description": "ICD-10 主要诊断"}),
            pa.field("手机号", pa.string()),
            pa.field("备注", pa.string()),
        ],
        metadata={"org.apache.spark.sql.parquet.row.metadata": json.dumps(spark), "comment": "门诊病历"},
    )
    path = write(tmp_path / "病历.parquet", pa.table([["110101199003074578"], ["J45"], ["13812345678"], [None]],
                                                     schema=schema))  # fmt: skip
    conn = ParquetConnector(str(tmp_path))
    (table,) = conn.list_tables()
    assert table.name == "病历"
    comments = {c.name: c.comment for c in conn.columns(table)}
    assert comments == {
        "身份证号": "公民身份号码",
        "诊断": "ICD-10 主要诊断",
        "手机号": "联系电话",
        "备注": None,
    }
    assert table.comment == "门诊病历"
    assert conn.sample(table, 5).column("身份证号").to_pylist() == ["110101199003074578"]
    assert path.exists()


# -- bad input -----------------------------------------------------------------------------
def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        ParquetConnector(str(tmp_path / "nope")).open()
    assert str(tmp_path / "nope") in one_line(exc) and "no such file" in str(exc.value)


def test_path_that_is_not_parquet(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SourceError) as exc:
        ParquetConnector(str(tmp_path / "notes.txt")).list_tables()
    assert "not a Parquet file or a directory" in one_line(exc)


def test_extensionless_file_is_recognised_by_its_magic(tmp_path: Path) -> None:
    write(tmp_path / "hive_out" / "000000_0", pa.table({"a": [1, 2]}))
    (tmp_path / "hive_out" / "LICENSE").write_text("not parquet")
    conn = ParquetConnector(str(tmp_path / "hive_out"))
    (table,) = conn.list_tables()
    assert table.name == "hive_out" and conn.row_count(table) == 2


@pytest.mark.parametrize("content", [None, "README.txt"])
def test_directory_without_parquet_files(tmp_path: Path, content: str | None) -> None:
    if content:
        (tmp_path / content).write_text("x")
    (tmp_path / "sub").mkdir()
    with pytest.raises(SourceError) as exc:
        ParquetConnector(str(tmp_path)).list_tables()
    assert str(tmp_path) in one_line(exc) and "no Parquet files" in str(exc.value)


@pytest.mark.parametrize("damage", ["magic", "truncated", "empty"])
def test_corrupt_file_fails_only_its_own_table(tmp_path: Path, damage: str) -> None:
    good = write(tmp_path / "good.parquet", pa.table({"a": [1, 2, 3]}))
    bad = tmp_path / "bad.parquet"
    data = good.read_bytes()
    bad.write_bytes(
        {"magic": b"hello, not parquet" * 20, "truncated": data[: len(data) // 2], "empty": b""}[damage]
    )
    conn = ParquetConnector(str(tmp_path))
    tables = by_name(conn)  # listing does not open files
    assert sorted(tables) == ["bad", "good"]
    for op in (
        conn.columns,
        conn.row_count,
        lambda t: conn.sample(t, 5),
        lambda t: conn.distinct_count(t, ["a"]),
    ):
        with pytest.raises(SourceError) as exc:
            op(tables["bad"])
        msg = one_line(exc)
        assert str(bad) in msg and "not a readable Parquet file" in msg and exc.value.table == "bad"
    assert conn.row_count(tables["good"]) == 3 and conn.sample(tables["good"], 5).num_rows == 3


def test_corrupt_fragment_fails_its_dataset_and_names_the_file(hive: Path) -> None:
    bad = hive / "year=2025/month=01/part-1.parquet"
    bad.write_bytes(b"PAR1 garbage")
    conn = ParquetConnector(str(hive.parent))
    tables = by_name(conn)
    with pytest.raises(SourceError) as exc:
        conn.row_count(tables["sales"])
    assert str(bad) in one_line(exc)


def test_permission_denied_on_a_file_and_a_directory(tmp_path: Path) -> None:
    """Root reads everything, so the refusal comes from the filesystem layer (EACCES, as the OS would)."""
    write(tmp_path / "ok.parquet", pa.table({"a": [1]}))
    locked = write(tmp_path / "locked.parquet", pa.table({"a": [1]}))
    write(tmp_path / "vault" / "x.parquet", pa.table({"a": [1]}))
    fs = pafs.PyFileSystem(TracingFS(deny=(str(locked), str(tmp_path / "vault"))))
    conn = ParquetConnector(str(tmp_path), filesystem=fs)
    tables = by_name(conn)
    assert sorted(tables) == ["locked", "ok", "vault"]
    for name, where in (("locked", locked), ("vault", tmp_path / "vault")):
        with pytest.raises(SourceError) as exc:
            conn.columns(tables[name])
        assert str(where) in one_line(exc) and "ermission denied" in str(exc.value)
    assert conn.row_count(tables["ok"]) == 1


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
def test_unreadable_file_by_mode(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.parquet", pa.table({"a": [1]}))
    locked.chmod(0)
    try:
        conn = ParquetConnector(str(tmp_path))
        (table,) = conn.list_tables()
        with pytest.raises(SourceError) as exc:
            conn.row_count(table)
        assert "permission denied" in one_line(exc)
    finally:
        locked.chmod(0o644)


def test_unknown_table(tmp_path: Path) -> None:
    write(tmp_path / "a.parquet", pa.table({"a": [1]}))
    with pytest.raises(SourceError, match="no table 'zzz'"):
        ParquetConnector(str(tmp_path)).row_count(TableInfo("zzz"))
