"""Local files of every format chujing reads: what engineers inspect before they send it.

The files are written as exporters write them (GBK with Chinese headers, a
UTF-8 BOM from Excel, gzip and zstd, workbooks with several sheets) and read
through :func:`connectors.open_source`, as ``chujing scan`` and ``chujing
check`` do; person counts run the real DuckDB key SQL over the whole files.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import random
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from click.testing import CliRunner

from catalog.report import Table
from connectors import open_source, source_kind
from connectors.base import Connector, SourceError, TableInfo
from connectors.local_files import LocalFilesConnector
from connectors.parquet import ParquetConnector
from scanner.cli import main
from scanner.export.persons import count_persons
from tests.catalog.builders import as_table
from tests.export import conftest as export
from tests.export.conftest import DIAGNOSES, TRIAL_COLUMNS, resident_id, trial_rows

chujing, ledger_key, run = export.chujing, export.ledger_key, export.run  # the check CLI's fixtures

CSV_HEADER = ("受试者编号", "身份证号", "诊断", "ICD10编码", "药品")
TRIAL = ("--list", "jiangsu-2025-biopharma", "--scenario", "clinical-trial", "--subject", "trial-subject")


def gbk_csv(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = CSV_HEADER) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue().encode("gbk"))
    return path


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def tables(con: Connector) -> dict[str, TableInfo]:
    return {t.name: t for t in con.list_tables()}


def report_table(name: str, column: str) -> Table:
    """The table as a scan report describes it: ``column`` holds resident ID numbers (sensitive PI)."""
    col = {
        "name": column,
        "type": "string",
        "entities": [{"type": "CN_RESIDENT_ID", "score": 0.99, "match_ratio": 1.0}],
        "pi_class": "sensitive",
        "categories": [],
    }
    return as_table(
        {
            "source": "",
            "table": name,
            "status": "ok",
            "row_count": None,
            "sampled_rows": 0,
            "columns": [col],
        }
    )


def counted(con: Connector, name: str, column: str) -> tuple[int, int]:
    """Distinct persons of a table counted in the engine over every record, and rows without a key."""
    info = tables(con)[name]
    tally = count_persons(con, info, report_table(name, column))
    assert tally.basis == "distinct_key", tally.note
    return tally.distinct_keys, tally.rows_without_key


# -- formats ------------------------------------------------------------------------------------
def test_gbk_csv_with_chinese_headers_keeps_id_numbers_as_written(tmp_path: Path) -> None:
    rows = [
        ("张三", "32050519900101123X", "0512", "13912345678"),
        ("李四", "110105198001011234", "0086", "13800138000"),
    ]
    path = gbk_csv(tmp_path / "客户.csv", rows, header=("姓名", "身份证号", "区号", "手机"))
    con = open_source(str(path))
    assert isinstance(con, LocalFilesConnector) and source_kind(str(path)) == "csv"
    with con:
        info = tables(con)["客户"]
        assert [(c.name, c.type) for c in con.columns(info)] == [
            ("姓名", "string"), ("身份证号", "string"), ("区号", "string"), ("手机", "string"),
        ]  # fmt: skip
        assert con.row_count(info) == 2
        # No type inference: the X check character and the leading zeros survive.
        assert [tuple(r.values()) for r in con.sample(info, 10).to_pylist()] == rows
    fp = info.fingerprint
    assert (fp["format"], fp["encoding"], fp["delimiter"], fp["header"]) == ("csv", "gb18030", ",", True)
    assert (
        fp["files"] == 1 and fp["bytes"] == path.stat().st_size and fp["file_list"][0]["path"] == "客户.csv"
    )
    assert fp["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() and fp["listing_sha256"]


def test_utf8_bom_tsv(tmp_path: Path) -> None:
    path = tmp_path / "patients.tsv"
    path.write_bytes("\ufeff病历号\t姓名\t电话\nMR000123\t张三\t021-62345678\n".encode())
    con = open_source(str(path))
    info = tables(con)["patients"]
    assert [c.name for c in con.columns(info)] == ["病历号", "姓名", "电话"]
    assert con.sample(info, 5).to_pylist() == [{"病历号": "MR000123", "姓名": "张三", "电话": "021-62345678"}]
    assert info.fingerprint["encoding"] == "utf-8-sig" and info.fingerprint["delimiter"] == "\t"


def test_gzip_json_lines_are_flattened(tmp_path: Path) -> None:
    lines = [
        {"patient": {"name": "张三", "id_card": "32050519900101123X"}, "visits": [1, 2]},
        {"patient": {"name": "李四"}},
    ]
    path = tmp_path / "visits.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()))
    con = open_source(str(path))
    info = tables(con)["visits"]
    assert con.sample(info, 10).to_pylist() == [
        {"patient.name": "张三", "patient.id_card": "32050519900101123X", "visits": "[1,2]"},
        {"patient.name": "李四", "patient.id_card": None, "visits": None},
    ]
    assert con.row_count(info) == 2
    assert (info.fingerprint["format"], info.fingerprint["compression"]) == ("jsonl", "gzip")


def test_zstd_csv_is_sampled_from_a_bounded_head_and_counted_whole(tmp_path: Path) -> None:
    rng = random.Random(5)
    lines = ["id,mobile"] + [f"{i:07d},139{rng.randrange(10**8):08d}" for i in range(40_000)]
    path = tmp_path / "events.csv.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(("\n".join(lines) + "\n").encode()))
    con = LocalFilesConnector(str(path), head_bytes=64 * 1024)
    info = tables(con)["events"]
    assert con.row_count(info) is None  # only the head was read: no exact count
    sample = con.sample(info, 300, seed=3)
    ids = [int(x) for x in sample.column("id").to_pylist()]
    assert len(ids) == 300 and ids == sorted(ids) and max(ids) < 40_000
    assert all(len(m) == 11 for m in sample.column("mobile").to_pylist())  # whole records only
    assert con.sample(info, 300, seed=3).equals(sample) and not con.sample(info, 300, seed=4).equals(sample)
    assert "head of 1 file(s)" in info.fingerprint["sample_basis"] and "sha256" not in info.fingerprint
    # A distinct count streams the whole file, not the head.
    assert con.distinct_count(info, ["id"]) == 40_000


def test_xlsx_workbook_is_one_table_per_sheet(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "随访.xlsx",
        {
            "门诊": [
                ["姓名", "身份证号", "手机", "就诊日期", "费用"],
                ["张三", "32050519900101123X", 13912345678, "2026-03-15", 12.5],
                ["李四", "110105198001011234", 13800138000, None, 30],
            ],
            # No header: ID numbers must not become column names.
            "raw": [["32050519900101123X", "苏州"], ["110105198001011234", "北京"]],
        },
    )
    con = open_source(str(path))
    found = tables(con)
    assert {n: t.kind for n, t in found.items()} == {"随访/门诊": "sheet", "随访/raw": "sheet"}
    clinic = found["随访/门诊"]
    assert [c.name for c in con.columns(clinic)] == ["姓名", "身份证号", "手机", "就诊日期", "费用"]
    assert con.row_count(clinic) == 2
    assert con.sample(clinic, 10).to_pylist() == [
        {"姓名": "张三", "身份证号": "32050519900101123X", "手机": "13912345678", "就诊日期": "2026-03-15", "费用": "12.5"},
        {"姓名": "李四", "身份证号": "110105198001011234", "手机": "13800138000", "就诊日期": None, "费用": "30"},
    ]  # fmt: skip
    assert clinic.fingerprint["sheet"] == "门诊" and clinic.fingerprint["header"] is True
    assert clinic.fingerprint["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    raw = found["随访/raw"]
    assert [c.name for c in con.columns(raw)] == ["column_1", "column_2"] and con.row_count(raw) == 2
    assert con.distinct_count(clinic, ["身份证号"]) == 2


def test_mixed_directory(tmp_path: Path) -> None:
    """Parquet keeps exactly its tables; every other readable file is a table beside them."""
    lake = tmp_path / "lake"
    lake.mkdir()
    pq.write_table(pa.table({"id": [1, 2, 3]}), lake / "visits.parquet")
    for month in ("01", "02"):
        path = lake / "events" / f"month={month}" / "part-0.parquet"
        path.parent.mkdir(parents=True)
        pq.write_table(pa.table({"e": [1, 2]}), path)
    gbk_csv(lake / "crm" / "客户.csv", [("S000001", resident_id(1), *DIAGNOSES[0])])
    gbk_csv(lake / "visits.csv", [("S000002", resident_id(2), *DIAGNOSES[1])])  # beside visits.parquet
    (lake / "notes.txt").write_text("患者张三，身份证号32050519900101123X\n", encoding="utf-8")
    workbook(lake / "book.xlsx", {"Sheet1": [["手机"], [13912345678]]})
    # A Hive-partitioned directory of CSV files is one dataset, like its Parquet counterpart.
    for day in ("1", "2"):
        gbk_csv(
            lake / "calls" / f"dt=2026-01-0{day}" / "data.csv",
            [(f"S00000{day}", resident_id(int(day)), *DIAGNOSES[0])],
        )
    (lake / "scan.png").write_bytes(b"\x89PNG\r\n")
    (lake / "crm.db").write_bytes(b"SQLite format 3\x00" + bytes(100))
    (lake / "empty.csv").write_bytes(b"")
    (lake / ".hidden.csv").write_text("a\n1\n")
    (lake / "~$book.xlsx").write_bytes(b"lock")

    con = open_source(str(lake))
    assert isinstance(con, LocalFilesConnector) and source_kind(str(lake)) == "files"
    found = tables(con)
    assert {n: (t.kind, t.fingerprint.get("format", "parquet")) for n, t in found.items()} == {
        "visits": ("file", "parquet"),
        "events": ("dataset", "parquet"),
        "crm/客户": ("file", "csv"),
        "visits.csv": ("file", "csv"),
        "notes": ("file", "text"),
        "book/Sheet1": ("sheet", "xlsx"),
        "calls": ("dataset", "csv"),
    }  # fmt: skip
    # The Parquet tables are the Parquet connector's, read by it (which alone takes calls/ for an empty
    # Parquet dataset that fails when read).
    alone = tables(ParquetConnector(str(lake)))
    for name in ("visits", "events"):
        assert con.row_count(found[name]) == ParquetConnector(str(lake)).row_count(alone[name])
        assert found[name].fingerprint == alone[name].fingerprint
    assert [c.name for c in con.columns(found["events"])] == ["e", "month"]
    calls = con.sample(found["calls"], 10).to_pylist()
    assert sorted((r["dt"], r["受试者编号"]) for r in calls) == [
        ("2026-01-01", "S000001"),
        ("2026-01-02", "S000002"),
    ]
    assert con.row_count(found["calls"]) == 2 and found["calls"].fingerprint["partition_keys"] == ["dt"]
    assert con.sample(found["visits.csv"], 5).column("受试者编号").to_pylist() == ["S000002"]
    assert {s["path"]: s["reason"] for s in con.skipped} == {
        "scan.png": "unsupported format: image (.png)",
        "crm.db": f"SQLite database; scan it as sqlite:///{lake / 'crm.db'}",
        "empty.csv": "empty file",
    }


def test_corrupt_files_fail_only_their_own_table(tmp_path: Path) -> None:
    gbk_csv(tmp_path / "good.csv", [("S000001", resident_id(1), *DIAGNOSES[0])])
    blob = gzip.compress(("a,b\n" + "1,2\n" * 1000).encode())
    (tmp_path / "cut.csv.gz").write_bytes(blob[: len(blob) // 2])
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    # A workbook whose sheet list is intact but whose sheet XML was cut: it fails when the sheet is read.
    book = workbook(tmp_path / "book.xlsx", {"门诊": [["姓名"], ["张三"]]})
    with zipfile.ZipFile(book) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    with zipfile.ZipFile(book, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)
    con = open_source(str(tmp_path))
    found = tables(con)
    assert set(found) == {"good", "cut", "fake", "book/门诊"}
    with pytest.raises(SourceError) as exc:
        con.columns(found["cut"])
    assert str(exc.value) == (
        f"{tmp_path} [cut]: {tmp_path / 'cut.csv.gz'}: damaged compressed data (the gzip stream ends before its "
        "end marker: the data is truncated); export it again or exclude this table"
    )
    with pytest.raises(SourceError, match=r"fake\.xlsx: not a readable Excel workbook .*; save it again"):
        con.columns(found["fake"])
    with pytest.raises(
        SourceError, match=r"\[book/门诊\]: .*book\.xlsx: not a readable Excel workbook \(unclosed"
    ):
        con.sample(found["book/门诊"], 5)
    assert con.row_count(found["good"]) == 1


# -- paths that are not what they look like ---------------------------------------------------------
def test_missing_paths_are_named_by_what_they_look_like(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    assert source_kind(str(db)) == "sqlite-file"
    with pytest.raises(SourceError) as exc:
        open_source(str(db)).open()
    assert str(exc.value) == (
        f"{db}: no such SQLite database file; check the path (a SQLite database is scanned as sqlite:///{db})"
    )
    with pytest.raises(
        SourceError, match=r"exports\.csv\.gz: no such gzip-compressed CSV file; check the path$"
    ):
        open_source(str(tmp_path / "exports.csv.gz")).list_tables()
    with pytest.raises(SourceError, match=r"book\.xlsx: no such Excel workbook; check the path$"):
        open_source(str(tmp_path / "book.xlsx")).list_tables()


def test_existing_sqlite_file_and_unreadable_formats_say_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "export.sqlite"
    export.write_sqlite(db, "t", ["a"], [("1",)])
    with pytest.raises(SourceError, match=rf"a SQLite database, not a data file; scan it as sqlite:///{db}$"):
        open_source(str(db)).list_tables()
    (tmp_path / "scan.png").write_bytes(b"\x89PNG")
    with pytest.raises(
        SourceError, match=r"not a file chujing reads \(unsupported format: image \(\.png\)\)"
    ):
        open_source(str(tmp_path / "scan.png")).list_tables()
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "logo.png").write_bytes(b"\x89PNG")
    with pytest.raises(
        SourceError, match=r"no files chujing reads in this directory .*skipped: 1 unsupported"
    ):
        open_source(str(tmp_path / "empty")).list_tables()


# -- persons --------------------------------------------------------------------------------------
def test_persons_are_counted_exactly_in_csv_json_and_xlsx(tmp_path: Path) -> None:
    # 400 subjects and 134 repeat visits with the ID written as clerks write it (x, full-width, 15 digits …).
    rows = trial_rows(range(400), variants=range(0, 400, 3))
    gbk_csv(tmp_path / "visits.csv", rows)
    (tmp_path / "visits.json").write_text(
        json.dumps([dict(zip(TRIAL_COLUMNS, r, strict=True)) for r in rows], ensure_ascii=False),
        encoding="utf-8",
    )
    workbook(tmp_path / "book.xlsx", {"受试者": [list(TRIAL_COLUMNS), *map(list, rows)], "空": []})
    con = LocalFilesConnector(str(tmp_path), head_bytes=4096)  # counts read past the heads sampled
    for name, column in (("visits", "身份证号"), ("visits.json", "id_no"), ("book/受试者", "id_no")):
        assert counted(con, name, column) == (400, 0), name


def test_chujing_scan_finds_resident_ids_in_a_gbk_csv(tmp_path: Path) -> None:
    path = gbk_csv(tmp_path / "受试者.csv", trial_rows(range(200)))
    result = CliRunner().invoke(main, ["scan", str(path), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(s["kind"], s["status"]) for s in doc["sources"]] == [("csv", "ok")]
    (table,) = doc["tables"]
    entities = {c["name"]: [e["type"] for e in c["entities"]] for c in table["columns"]}
    assert "CN_RESIDENT_ID" in entities["身份证号"]
    assert table["row_count"] == 200 and table["fingerprint"]["encoding"] == "gb18030"
    assert resident_id(0) not in result.stdout, "raw ID numbers never reach the report"


def test_chujing_check_counts_the_distinct_persons_of_a_gbk_csv(run, ledger_key, tmp_path: Path) -> None:
    # 12,000 rows are 9,999 persons: below the 10,000 band of item 14 only if counted exactly.
    path = gbk_csv(tmp_path / "export.csv", trial_rows(range(9_999), variants=[*range(0, 9_999, 5), 9_998]))
    out = run("check", path, *TRIAL, "--ledger", tmp_path / "l.db", "--format", "json")
    assert out.exit_code in (0, 5), out.stderr  # outside the list (5: with items left for review)
    doc = out.json
    (tally,) = doc["persons"]["tables"]
    assert (tally["table"], tally["basis"], tally["persons"]) == ("export", "distinct_key", 9_999)
    assert doc["persons"]["any"]["this_export"] == 9_999
    assert doc["scan"]["tables"][0]["row_count"] == 12_000 and doc["route"] == "outside"


# -- sparse columns ------------------------------------------------------------------------------
def test_sparse_csv_column_is_found_among_all_the_records_read(tmp_path: Path) -> None:
    """25 ID numbers in 30,000 rows: a 1,000-row sample holds about one, the head holds all 25."""
    rng = random.Random(3)
    with_id = set(rng.sample(range(30_000), 25))
    rows = [(f"R{i:06d}", resident_id(i) if i in with_id else "", "备注") for i in range(30_000)]
    path = gbk_csv(tmp_path / "people.csv", rows, header=("编号", "ref_no", "memo"))
    result = CliRunner().invoke(main, ["scan", str(path), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    (table,) = json.loads(result.stdout)["tables"]
    ref = {c["name"]: c for c in table["columns"]}["ref_no"]
    assert [e["type"] for e in ref["entities"]] == ["CN_RESIDENT_ID"]
    assert ref["non_null"] == 25 and ref["value_sample"] == "non-null"


def test_other_operations_on_parquet_tables_are_the_parquet_connectors(tmp_path: Path) -> None:
    ids = [resident_id(i) if i % 100 == 0 else None for i in range(1_000)]
    pq.write_table(pa.table({"sfzh": ids}), tmp_path / "people.parquet", row_group_size=250)
    gbk_csv(tmp_path / "visits.csv", [("S000001", resident_id(1), *DIAGNOSES[0])])
    con = open_source(str(tmp_path))
    found = tables(con)
    alone = ParquetConnector(str(tmp_path))
    counts = con.null_counts(found["people"], ["sfzh"])
    assert counts == alone.null_counts(tables(alone)["people"], ["sfzh"]) and counts.non_null == {"sfzh": 10}
    assert con.null_counts(found["visits"], ["身份证号"]) is None  # text: only the head is read
    values = con.sample_non_null(found["people"], ["sfzh"], 100, seed=0)
    assert sorted(values.column("sfzh").to_pylist()) == sorted(i for i in ids if i)
