"""Person keys in Spark: the same normalisation as every engine, and the ledger's HMAC computed on the executors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from connectors.spark import SparkConnector
from scanner.cli import main
from scanner.export.person_keys import KEY_KINDS, normalize
from scanner.export.person_plan import KeyPart, KeyPlan, key_spec
from scanner.export.spotcheck import union_hashes
from tests.export.conftest import LEDGER_KEY
from tests.export.test_persons import KIND, TRICKY, expected_keys
from tests.spark.conftest import MASTER

NORMALIZER = {k.name: k.normalizer for k in KEY_KINDS}
CHECK = ("--list", "jiangsu-2025-biopharma", "--scenario", "clinical-trial", "--subject", "trial-subject")


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Parquet file per column of the values people write (the other engines' normalisation test data)."""
    d = tmp_path_factory.mktemp("tricky")
    for col, values in TRICKY.items():
        pq.write_table(pa.table({col: pa.array(values, pa.string())}), d / f"t_{col}.parquet")
    return d


@pytest.mark.parametrize("column", list(TRICKY))
def test_spark_normalises_keys_as_every_other_engine(spark: Any, tricky: Path, column: str) -> None:
    kind = KIND[column]
    spec = key_spec(KeyPlan((KeyPart(kind, (column,), (NORMALIZER[kind],)),), sensitive=False))
    with SparkConnector(str(tricky), spark_master=MASTER) as c:
        info = next(t for t in c.list_tables() if t.name == f"t_{column}")
        count = c.distinct_key_count(info, spec)
        hashed = {
            h
            for batch in c.iter_hashed_key_signatures(info, spec, union_hashes, batch_rows=3)
            for h, _ in batch
        }
    expected = expected_keys(column)
    assert hashed == set(union_hashes(sorted(expected)))  # hashed on the executors, compared hashed
    nulls = sum(1 for v in TRICKY[column] if normalize(kind, v) is None)
    assert (count.distinct, count.null_rows) == (len(expected), nulls)


def test_persons_recorded_by_spark_are_the_ledgers_persons(spark: Any, lake: Path, tmp_path: Path) -> None:
    """A record hashed on Spark's executors and a later local check meet in the ledger: the same HMACs."""
    env = {"CHUJING_LEDGER_KEY": LEDGER_KEY, "CHUJING_LEDGER": str(tmp_path / "ledger.db")}
    source = str(lake / "patients.parquet")
    spark_args = ("--engine", "spark", "--spark-master", MASTER)
    runner = CliRunner(env=env)
    recorded = runner.invoke(
        main,
        ["ledger", "record", source, *CHECK, "--exported-at", "2026-11-01", *spark_args, "--format", "json"],
    )
    assert recorded.exit_code in (0, 5), recorded.stderr
    checked = runner.invoke(
        main, ["check", source, *CHECK, "--as-of", "2026-11-02", "--format", "json", "--quiet"]
    )
    persons = json.loads(checked.stdout)["persons"]
    assert persons["counting"]["prior_exports"] == 1
    assert (
        persons["any"]["this_export"] == persons["counting"]["overlap_any"] == persons["any"]["total"] > 300
    )
