"""``--engine spark`` gives the local engine's answer: entity types per column and exact persons.

The same Parquet lake (a partitioned dataset and a single file) is checked with
both engines through the command line; the samples differ (each engine draws
its own), but every column must carry the same entity types and every table
the same exact, normalised person count.  Also here: the partition filter is
applied before anything is read, and samples are random rows of the whole
table, seeded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from connectors.spark import SparkConnector
from scanner.cli import main
from tests.export.conftest import LEDGER_KEY
from tests.spark.conftest import MASTER, distinct_persons

CHECK = ("--list", "jiangsu-2025-biopharma", "--scenario", "clinical-trial", "--subject", "trial-subject")


@pytest.fixture()
def ledger_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CHUJING_LEDGER_KEY", LEDGER_KEY)
    monkeypatch.setenv("CHUJING_LEDGER", str(tmp_path / "ledger.db"))
    return tmp_path


def chujing(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def engine_args(engine: str) -> list[str]:
    return ["--engine", "spark", "--spark-master", MASTER] if engine == "spark" else []


def entity_types(scan: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    return {
        (t["table"], c["name"]): {e["type"] for e in c["entities"]}
        for t in scan["tables"]
        for c in t["columns"]
    }


def check_json(lake: Path, engine: str) -> dict[str, Any]:
    """``chujing check --format json`` of the lake (300-row samples of 1,500-row tables)."""
    code, stdout, stderr = chujing(
        "check", lake, *CHECK, "--sample-rows", 300, "--format", "json", "--quiet", *engine_args(engine)
    )
    assert code == 5, stderr  # biopharma item 2 names a scale without a number: review
    return json.loads(stdout)


def test_both_engines_give_the_same_answer(spark: Any, lake: Path, ledger_env: Path) -> None:
    """One test, so that one xdist worker runs both checks: entity types, persons, the sparse column."""
    local, spark_doc = check_json(lake, "local"), check_json(lake, "spark")

    types = entity_types(spark_doc["scan"])  # the same entity types on every column, sub-columns of JSON too
    assert sorted(types.items(), key=str) == sorted(entity_types(local["scan"]).items(), key=str)
    assert types[("visits", "id_no")] == {"CN_RESIDENT_ID"} and types[("visits", "email")] == {"EMAIL"}
    assert {"CN_MOBILE"} in [found for (_, column), found in types.items() if column.startswith("contact")]
    assert (
        spark_doc["scan"]["parameters"]["engine"] == "spark" and "engine" not in local["scan"]["parameters"]
    )

    expected = distinct_persons(pq.read_table(lake / "visits").column("id_no").to_pylist())
    figures = {}
    for engine, doc in (("local", local), ("spark", spark_doc)):
        tables = {
            t["table"]: (t["persons"], t["distinct_keys"], t["key_kind"]) for t in doc["persons"]["tables"]
        }
        figures[engine] = (tables, doc["persons"]["any"]["this_export"], doc["persons"]["sensitive"])
    assert figures["spark"] == figures["local"]  # the same exact persons, per table and in all
    tables, total, _ = figures["spark"]
    assert tables["visits"] == (expected, expected, "resident_id") and total == expected
    assert expected < 1_500  # repeat visits with IDs written differently were recognised as the same persons

    visits = next(t for t in spark_doc["scan"]["tables"] if t["table"] == "visits")
    email = next(c for c in visits["columns"] if c["name"] == "email")  # sparse: recognized on its values
    assert (email["value_sample"], email["non_null"], email["null_ratio_method"]) == ("non-null", 4, "exact")
    assert email["entities"][0]["evidence"][0].endswith("@example.com")
    assert "user" not in email["entities"][0]["evidence"][0]  # masked


def test_the_partition_filter_prunes_partitions_before_anything_is_read(spark: Any, lake: Path) -> None:
    with SparkConnector(str(lake), spark_master=MASTER, partition_filter="dt = '2026-11-02'") as c:
        info = next(t for t in c.list_tables() if t.name == "visits")
        plan = c.frame(info)._jdf.queryExecution().executedPlan().toString()
        assert "PartitionFilters: [isnotnull(dt" in plan and "2026-11-02" in plan
        assert c.row_count(info) == 500 and info.fingerprint["partition_filter"] == "dt = '2026-11-02'"


def test_check_with_a_partition_filter_counts_the_persons_of_those_partitions(
    spark: Any, lake: Path, ledger_env: Path
) -> None:
    code, stdout, stderr = chujing(
        "check", lake, *CHECK, "--tables", "visits", "--format", "json", "--quiet",
        *engine_args("spark"), "--partition-filter", "dt = '2026-11-02'",
    )  # fmt: skip
    assert code == 5, stderr
    doc = json.loads(stdout)
    visits = pq.read_table(lake / "visits", filters=[("dt", "=", "2026-11-02")])
    assert doc["scan"]["tables"][0]["row_count"] == 500
    assert doc["persons"]["any"]["this_export"] == distinct_persons(visits.column("id_no").to_pylist())
    assert doc["scan"]["parameters"]["partition_filter"] == "dt = '2026-11-02'"


def test_samples_are_seeded_random_rows_of_the_whole_table(spark: Any, lake: Path) -> None:
    with SparkConnector(str(lake), spark_master=MASTER) as c:
        info = next(t for t in c.list_tables() if t.name == "patients")
        rows = [int(v[1:]) for v in c.sample(info, 50, seed=1).column("visit_no").to_pylist()]
        again = [int(v[1:]) for v in c.sample(info, 50, seed=1).column("visit_no").to_pylist()]
        other = [int(v[1:]) for v in c.sample(info, 50, seed=2).column("visit_no").to_pylist()]
    assert len(rows) == 50 == len(set(rows)) and sorted(rows) == sorted(again) and set(other) != set(rows)
    assert sorted(rows) != list(range(50)) and min(rows) < 100 and max(rows) > 300  # spread over all 400


def test_scan_on_the_command_line_writes_the_typed_report(spark: Any, lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    code, _, stderr = chujing(
        "scan",
        lake / "visits",
        *engine_args("spark"),
        "--sample-rows",
        200,
        "--format",
        "json",
        "-o",
        out,
        "--quiet",
    )
    assert code == 0, stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    (table,) = doc["tables"]
    assert (table["table"], table["kind"], table["row_count"], table["sampled_rows"]) == (
        "visits",
        "dataset",
        1_500,
        200,
    )
    assert table["fingerprint"]["format"] == "parquet" and table["fingerprint"]["files"] == 3
    assert {"CN_RESIDENT_ID"} == {
        e["type"] for c in table["columns"] if c["name"] == "id_no" for e in c["entities"]
    }
    assert doc["summary"]["tables_failed"] == 0 and doc["sources"][0]["kind"] == "files"
