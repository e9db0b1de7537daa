"""Person counting in the engines: which column keys a person, and one normalisation on every engine.

The SQL normalisation must give exactly what :func:`scanner.export.person_keys.normalize`
gives, on SQLite, DuckDB (Parquet) and PostgreSQL alike, or the same person
would count once in one source and twice in another.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from catalog.report import Table
from connectors.base import ColumnInfo, Connector, TableInfo
from connectors.parquet import ParquetConnector
from connectors.sql import SQLConnector
from scanner.export.person_keys import normalize
from scanner.export.person_plan import plan_person_key
from scanner.export.persons import PersonTally, count_persons, iter_person_keys
from tests.catalog.builders import as_table
from tests.export.conftest import fullwidth, legacy_id, mobile, resident_id, variant_id
from tests.servers import admin_engine

RID = resident_id(4242)
TRICKY: dict[str, list[Any]] = {
    "id_no": [
        RID,
        RID.lower(),
        fullwidth(RID),
        legacy_id(4242),
        f" {RID[:6]} {RID[6:]} ",
        f"{RID[:6]}-{RID[6:]}",
        resident_id(7),
        legacy_id(7),
        "  ",
        None,
        "12345",
        resident_id(18).replace("X", "ｘ"),
    ],
    "mobile": [
        "+86 139-0000-1234",
        "13900001234",
        "0086 139 0000 1234",
        "(+86)139.0000.1234",
        fullwidth("13900001234"),
        "８６１３９０００１２３５",
        "139 0000 1235",
        None,
        "",
        "+8613900001236",
        "010-12345678",
        "x",
    ],
    "email": [
        "Wang.Li@Example.COM",
        " wang.li@example.com ",
        "WANG.LI@EXAMPLE.COM",
        "li@b.cn",
        None,
        "Li@B.CN",
        "",
        "  ",
        "a@b",
        "zhang@163.com",
        "ZHANG@163.com",
        "x@y.z",
    ],
    "passport": [
        "E12345678",
        "e12345678",
        "E 1234 5678",
        "E-12345678",
        "G87654321",
        None,
        "g８７６５４３２１",
        "",
        "EA1234567",
        "ea1234567",
        " EA1234567",
        "P1",
    ],
}
ENTITY = {"id_no": "CN_RESIDENT_ID", "mobile": "CN_MOBILE", "email": "EMAIL", "passport": "CN_PASSPORT"}
KIND = {"id_no": "resident_id", "mobile": "mobile", "email": "email", "passport": "passport"}


def report_table(
    name: str,
    columns: dict[str, str | None],
    *,
    pi: str = "general",
    rows: int | None = None,
    schema: str | None = None,
) -> Table:
    """A scanned table as the report describes it: column → entity found (or None)."""
    cols = []
    for col, entity in columns.items():
        cols.append(
            {
                "name": col,
                "type": "TEXT",
                "entities": [{"type": entity, "score": 0.99, "match_ratio": 1.0}] if entity else [],
                "pi_class": pi if entity else None,
                "categories": [],
            }
        )
    out = {"source": "", "table": name, "status": "ok", "row_count": rows, "sampled_rows": 0, "columns": cols}
    if schema:
        out["schema"] = schema
    return as_table(out)


def expected_keys(column: str) -> set[str]:
    kind = KIND[column]
    return {f"{kind}:{n}" for n in (normalize(kind, v) for v in TRICKY[column]) if n is not None}


def test_python_normalisation_folds_the_forms_people_write() -> None:
    assert len({normalize("resident_id", v) for v in TRICKY["id_no"][:6]}) == 1
    assert normalize("resident_id", legacy_id(4242)) == RID[:17]
    assert len({normalize("mobile", v) for v in TRICKY["mobile"][:5]}) == 1
    assert len({normalize("email", v) for v in TRICKY["email"][:3]}) == 1
    assert len({normalize("passport", v) for v in TRICKY["passport"][:4]}) == 1
    assert normalize("mobile", "") is None and normalize("email", "  ") is None


@pytest.fixture(scope="module")
def tricky_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("persons") / "tricky.db"
    con = sqlite3.connect(path)
    for col, values in TRICKY.items():
        con.execute(f"CREATE TABLE t_{col} ({col} TEXT)")
        con.executemany(f"INSERT INTO t_{col} VALUES (?)", [(v,) for v in values])
    con.commit()
    con.close()
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def tricky_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("persons-pq")
    for col, values in TRICKY.items():
        pq.write_table(pa.table({col: pa.array(values, pa.string())}), d / f"t_{col}.parquet")
    return d


def _load_tricky(url: str) -> str:
    engine = admin_engine(url)
    with engine.begin() as conn:
        for col, values in TRICKY.items():
            conn.exec_driver_sql(f"CREATE TABLE t_{col} ({col} VARCHAR(64))")
            conn.execute(sa.text(f"INSERT INTO t_{col} VALUES (:v)"), [{"v": v} for v in values])
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def tricky_pg(pg_db_url: str) -> str:
    return _load_tricky(pg_db_url)


@pytest.fixture(scope="module")
def tricky_mysql(mysql_db_url: str) -> str:
    return _load_tricky(mysql_db_url)


def _keys_and_tally(connector: Connector, column: str) -> tuple[set[str], PersonTally]:
    with connector:
        info = next(t for t in connector.list_tables() if t.name == f"t_{column}")
        rt = report_table(f"t_{column}", {column: ENTITY[column]})
        tally = count_persons(connector, info, rt)
        keys = {k for batch in iter_person_keys(connector, info, tally, batch_rows=3) for k, _ in batch}
    return keys, tally


@pytest.mark.parametrize("column", list(TRICKY))
@pytest.mark.parametrize("engine", ["sqlite", "parquet", "postgresql", "mysql"])
def test_sql_normalisation_is_the_python_one_on_every_engine(engine: str, column: str, request) -> None:
    if engine == "sqlite":
        connector: Connector = SQLConnector(request.getfixturevalue("tricky_sqlite"))
    elif engine == "parquet":
        connector = ParquetConnector(str(request.getfixturevalue("tricky_parquet")))
    else:
        connector = SQLConnector(
            request.getfixturevalue(f"tricky_{'pg' if engine == 'postgresql' else 'mysql'}")
        )
    keys, tally = _keys_and_tally(connector, column)
    assert keys == expected_keys(column)
    assert tally.distinct_keys == len(keys)
    nulls = sum(1 for v in TRICKY[column] if normalize(KIND[column], v) is None)
    assert tally.rows_without_key == nulls
    assert tally.persons == len(keys) + nulls


def test_the_same_person_written_five_ways_counts_once(tmp_path: Path) -> None:
    rows = [(resident_id(i),) for i in range(300)] + [
        (variant_id(i, k),) for k in range(5) for i in range(300)
    ]
    path = tmp_path / "v.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE subjects (id_no TEXT)")
    con.executemany("INSERT INTO subjects VALUES (?)", rows)
    con.commit()
    con.close()
    with SQLConnector(f"sqlite:///{path}") as c:
        tally = count_persons(
            c, TableInfo("subjects"), report_table("subjects", {"id_no": "CN_RESIDENT_ID"}, pi="sensitive")
        )
    assert (tally.persons, tally.distinct_keys, tally.rows_without_key) == (300, 300, 0)
    assert tally.persons_sensitive == 300 and tally.persons_general == 0 and tally.key_kind == "resident_id"


def test_key_choice_follows_the_identifier_ranking() -> None:
    t = report_table(
        "p",
        {"email": "EMAIL", "phone": "CN_MOBILE", "sfzh": "CN_RESIDENT_ID", "hz": "CN_PASSPORT", "note": None},
    )
    plan = plan_person_key(t)
    assert [(p.kind, p.columns) for p in plan.parts] == [
        ("resident_id", ("sfzh",)),
        ("passport", ("hz",)),
        ("mobile", ("phone",)),
        ("email", ("email",)),
    ]
    assert plan_person_key(report_table("q", {"a": None})) is None  # no personal information
    composite = plan_person_key(report_table("r", {"xm": "CN_PERSON_NAME", "csrq": "DATE_OF_BIRTH"}))
    assert [(p.kind, p.columns) for p in composite.parts] == [("name_birth_date", ("xm", "csrq"))]
    custom = plan_person_key(t, ("NOTE",))
    assert [(p.kind, p.columns) for p in custom.parts] == [("person_key", ("note",))]
    fallback = plan_person_key(t, ("missing",))
    assert fallback.kind == "resident_id" and "missing" in fallback.note
    unkeyed = plan_person_key(report_table("s", {"dx": "DIAGNOSIS"}, pi="sensitive"))
    assert unkeyed.parts == () and unkeyed.sensitive and "--person-key" in unkeyed.note


def test_chain_keys_foreigners_by_passport_and_counts_unkeyed_rows(tmp_path: Path) -> None:
    """A foreign subject has no ID number: the passport keys the row; a row with neither is a person more."""
    path = tmp_path / "c.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE subjects (sfzh TEXT, passport TEXT, mobile TEXT)")
    con.executemany(
        "INSERT INTO subjects VALUES (?, ?, ?)",
        [
            (resident_id(1), None, mobile(1)),
            (resident_id(1).lower(), None, None),
            (None, "E12345678", None),
            (None, "e 1234 5678", mobile(2)),
            (None, None, mobile(3)),
            (None, None, None),
            (None, None, None),
        ],
    )
    con.commit()
    con.close()
    rt = report_table(
        "subjects",
        {"sfzh": "CN_RESIDENT_ID", "passport": "CN_PASSPORT", "mobile": "CN_MOBILE"},
        pi="sensitive",
    )
    with SQLConnector(f"sqlite:///{path}") as c:
        tally = count_persons(c, TableInfo("subjects"), rt)
        keys = sorted(k for b in iter_person_keys(c, TableInfo("subjects"), tally) for k, _ in b)
    assert keys == [f"mobile:{mobile(3)}", "passport:E12345678", f"resident_id:{resident_id(1)[:17]}"]
    assert (tally.distinct_keys, tally.rows_without_key, tally.persons) == (3, 2, 5)
    assert "2 rows have no value" in tally.note


def test_composite_and_custom_keys_count_in_parquet(tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "xm": ["张 三", "张三", "李四", "张三", None],
                "csrq": ["1980-01-02", "1980/01/02", "1980-01-02", "1981-01-02", "1980-01-02"],
                "subject": [" S1", "s1", "S2", "S3 ", "S4"],
            }
        ),
        tmp_path / "people.parquet",
    )
    with ParquetConnector(str(tmp_path / "people.parquet")) as c:
        info = c.list_tables()[0]
        rt = report_table("people", {"xm": "CN_PERSON_NAME", "csrq": "DATE_OF_BIRTH", "subject": None})
        by_name = count_persons(c, info, rt)
        by_code = count_persons(c, info, rt, person_key=("subject",))
    assert (by_name.key_kind, by_name.distinct_keys, by_name.rows_without_key) == ("name_birth_date", 3, 1)
    assert (by_code.key_kind, by_code.persons) == ("person_key", 4)


class _ArrowOnly(Connector):
    """A connector that can sample but not evaluate key expressions (as a new connector starts out)."""

    kind = "test"

    def __init__(self, table: pa.Table) -> None:
        super().__init__("arrow://memory")
        self.table = table

    def list_tables(self) -> list[TableInfo]:
        return [TableInfo("t")]

    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        return [ColumnInfo(f.name, str(f.type)) for f in self.table.schema]

    def row_count(self, table: TableInfo) -> int:
        return self.table.num_rows

    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        return self.table.slice(0, n)

    def distinct_count(self, table: TableInfo, columns) -> int:  # noqa: ANN001
        raise NotImplementedError

    def iter_distinct_keys(self, table, spec, *, batch_rows=50_000) -> Iterator[list[str]]:  # noqa: ANN001
        return super().iter_distinct_keys(table, spec, batch_rows=batch_rows)


def test_connector_without_key_support_gives_the_row_count_as_upper_bound() -> None:
    c = _ArrowOnly(pa.table({"id_no": [resident_id(1)] * 4}))
    tally = count_persons(c, TableInfo("t"), report_table("t", {"id_no": "CN_RESIDENT_ID"}, rows=4))
    assert (tally.persons, tally.basis, tally.keyed) == (4, "row_count_upper_bound", False)
    assert "upper bound" in tally.note
    assert list(iter_person_keys(c, TableInfo("t"), tally)) == []


def test_postgres_counts_in_a_read_only_session(tricky_pg: str) -> None:
    """Counting runs on the connector's read-only session and leaves the source as it was."""
    with SQLConnector(tricky_pg) as c:
        tally = count_persons(c, TableInfo("t_id_no"), report_table("t_id_no", {"id_no": "CN_RESIDENT_ID"}))
        with c.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="read-only"):
            conn.exec_driver_sql("CREATE TABLE should_fail (x int)")
    # person 4242 in six forms, person 7 in two, person 18 (full-width ｘ), the malformed "12345" as written
    assert tally.distinct_keys == 4 and tally.rows_without_key == 2
