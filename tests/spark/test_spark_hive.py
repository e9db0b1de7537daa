"""``hive://DB[.TABLE_GLOB]``: tables of the metastore (embedded Derby in a temporary warehouse), with comments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from click.testing import CliRunner

from connectors.spark import SparkConnector
from scanner.cli import main
from tests.spark.conftest import MASTER, visit_rows


@pytest.fixture(scope="module")
def crm(spark: Any) -> str:
    """Database ``crm``: ``customers`` (Chinese column comments, partitioned by ``dt``), ``orders``, a view."""
    spark.sql("CREATE DATABASE IF NOT EXISTS crm")
    spark.sql(
        "CREATE TABLE IF NOT EXISTS crm.customers (kh STRING COMMENT '客户编号', zjhm STRING COMMENT '身份证号码', "
        "xm STRING COMMENT '客户姓名', amount DOUBLE, dt STRING) USING parquet PARTITIONED BY (dt) "
        "COMMENT '客户信息表'"
    )
    rows = visit_rows(600, seed=5)
    data = pa.table(
        {
            "kh": rows["visit_no"],
            "zjhm": rows["id_no"],
            "xm": rows["name"],
            "amount": rows["amount"],
            "dt": rows["dt"],
        }
    )
    spark.createDataFrame(data).write.insertInto("crm.customers", overwrite=True)
    spark.createDataFrame(
        pa.table({"order_no": [f"O{i}" for i in range(50)], "qty": list(range(50))})
    ).write.mode("overwrite").saveAsTable("crm.orders")
    spark.sql("CREATE OR REPLACE VIEW crm.v_customers AS SELECT kh, xm FROM crm.customers")
    return "crm"


def test_a_glob_picks_the_tables_and_their_comments_come_through(spark: Any, crm: str) -> None:
    with SparkConnector("hive://crm.cust*", spark_master=MASTER) as c:
        (info,) = c.list_tables()
        columns = {col.name: col.comment for col in c.columns(info)}
        count = c.row_count(info)
    assert (info.schema, info.name, info.kind, info.comment) == ("crm", "customers", "table", "客户信息表")
    assert columns == {"kh": "客户编号", "zjhm": "身份证号码", "xm": "客户姓名", "amount": None, "dt": None}
    assert count == 600 and info.fingerprint["format"] == "parquet" and info.fingerprint["files"] >= 3


def test_views_only_with_views(spark: Any, crm: str) -> None:
    with SparkConnector("hive://crm", spark_master=MASTER) as c:
        plain = sorted(t.name for t in c.list_tables())
    with SparkConnector("hive://crm", spark_master=MASTER, include_views=True) as c:
        kinds = {t.name: t.kind for t in c.list_tables()}
    assert plain == ["customers", "orders"] and kinds["v_customers"] == "view"


def test_scan_of_a_metastore_database_on_the_command_line(spark: Any, crm: str, tmp_path: Path) -> None:
    out = tmp_path / "crm.json"
    args = [
        "scan",
        "hive://crm",
        "--engine",
        "spark",
        "--spark-master",
        MASTER,
        "--partition-filter",
        "dt <> ''",
    ]
    result = CliRunner().invoke(
        main, [*args, "--exclude", "orders", "--format", "json", "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    (table,) = doc["tables"]
    found = {c["name"]: [e["type"] for e in c["entities"]] for c in table["columns"]}
    assert (doc["sources"][0]["kind"], table["schema"], table["table"]) == ("hive", "crm", "customers")
    assert found["zjhm"] == ["CN_RESIDENT_ID"] and "CN_PERSON_NAME" in found["xm"]
    assert next(c for c in table["columns"] if c["name"] == "zjhm")["comment"] == "身份证号码"
