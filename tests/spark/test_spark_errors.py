"""Spark's failures are chujing's one-line errors naming the source and table; the rest of the scan goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.spark.conftest import MASTER

SPARK = ("--engine", "spark", "--spark-master", MASTER)


def chujing(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_a_table_spark_cannot_read_is_one_error_and_the_others_are_scanned(
    spark: Any, tmp_path: Path
) -> None:
    pq.write_table(pa.table({"sfzh": ["110105194912310021"] * 10}), tmp_path / "good.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not a Parquet file PAR1")
    out = tmp_path / "r.json"
    code, _, stderr = chujing("scan", tmp_path, *SPARK, "--format", "json", "-o", out, "--quiet")
    doc = json.loads(out.read_text(encoding="utf-8"))
    status = {t["table"]: t["status"] for t in doc["tables"]}
    assert code == 2 and status == {"broken": "error", "good": "ok"}
    (line,) = errors(stderr)
    assert line.startswith(f"error: {tmp_path}: table broken: reading failed: ") and "\tat " not in line


def test_a_filter_on_a_column_the_table_lacks_names_the_table(spark: Any, lake: Path) -> None:
    code, _, stderr = chujing("scan", lake, *SPARK, "--partition-filter", "region = 'JS'", "--format", "json")
    lines = errors(stderr)
    assert code == 2 and len(lines) == 2  # both tables: neither has a region column
    assert all("--partition-filter \"region = 'JS'\" failed: [UNRESOLVED_COLUMN" in x for x in lines), lines
    assert {x.split(": table ")[1].split(":")[0] for x in lines} == {"patients", "visits"}


def test_a_database_the_metastore_does_not_have(spark: Any) -> None:
    code, _, stderr = chujing("scan", "hive://no_such_db", *SPARK)
    assert code == 2
    assert errors(stderr) == [
        "error: hive://no_such_db: no database no_such_db in the Spark catalogue (hive): check the name "
        "(SHOW DATABASES) or the metastore the Spark conf names"
    ]


def test_hive_sources_need_the_spark_engine_and_sql_urls_the_local_one(tmp_path: Path) -> None:
    code, _, stderr = chujing("scan", "hive://crm", "--format", "json")
    assert code == 2 and errors(stderr) == [
        "error: hive://crm: hive sources are read by Spark: add --engine spark (pip install 'chujing[spark]')"
    ]
    code, _, stderr = chujing("scan", f"sqlite:///{tmp_path}/x.db", "--engine", "spark", "--format", "json")
    assert code == 2 and "--engine spark reads hive://DB[.TABLE_GLOB] and Parquet/ORC paths" in stderr
    code, _, stderr = chujing("scan", str(tmp_path), "--partition-filter", "dt = '1'")
    assert code == 2 and errors(stderr) == [
        "error: --partition-filter needs --engine spark (it is a Spark SQL condition)"
    ]


def test_without_java_the_engine_says_what_to_install(lake: Path) -> None:
    env = {**os.environ, "JAVA_HOME": "/nonexistent-jre"}
    done = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "scan", str(lake), "--engine", "spark", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert errors(done.stderr) == [
        f"error: {lake}: --engine spark needs a Java runtime (17 or 21) and none was found: install one "
        "(apt install default-jre-headless) or set JAVA_HOME"
    ]


@pytest.mark.slow
def test_a_metastore_that_does_not_answer_is_one_error(tmp_path: Path) -> None:
    """A JVM of its own (the metastore is a static setting): a thrift URI where nothing listens."""
    done = subprocess.run(
        [
            sys.executable, "-m", "scanner.cli", "scan", "hive://crm", "--engine", "spark",
            "--spark-master", "local[1]", "--quiet",
            "--spark-conf", "spark.hadoop.hive.metastore.uris=thrift://127.0.0.1:9",
            "--spark-conf", "spark.hadoop.hive.metastore.connect.retries=1",
            "--spark-conf", "spark.hadoop.hive.metastore.client.connect.retry.delay=0s",
            "--spark-conf", f"spark.sql.warehouse.dir={tmp_path / 'warehouse'}",
        ],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    (line,) = errors(done.stderr)
    assert line.startswith("error: hive://crm: reading the metastore (check hive-site.xml or ")
