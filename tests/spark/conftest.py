"""Spark in local mode for the engine's tests: one session per test process, small data written once.

The session is chujing's own (:func:`connectors.spark.spark_session`), started
once with two local cores, two shuffle partitions and no UI, and with the Hive
catalogue's embedded Derby metastore and warehouse in a temporary directory, so
``saveAsTable`` makes real metastore tables.  Commands run in-process afterwards
find it running (Spark keeps one session per JVM), so each xdist worker that
runs Spark tests starts one JVM.  (pytest-xdist's ``--dist loadgroup``, which
would keep them on one worker, does not group under pytest 9.)

Without pyspark or Java the tests skip, except under CI (``CI=true``), where
``.ci/run`` installs a Java runtime and a missing one is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connectors.spark import spark_session
from connectors.spark.session import java_executable
from scanner.export.person_keys import normalize
from tests.export.conftest import mobile, resident_id, variant_id

MASTER = "local[2]"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is marked ``spark`` (``-m "not spark"`` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.spark)


def _require_spark() -> None:
    missing = None
    if importlib.util.find_spec("pyspark") is None:
        missing = "pyspark is not installed (pip install -e '.[test]')"
    elif java_executable() is None:
        missing = "no Java runtime (.ci/run installs default-jre-headless)"
    if missing is None:
        return
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"Spark tests cannot run under CI: {missing}")
    pytest.skip(missing)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The test process's SparkSession: local[2], Hive catalogue with Derby and warehouse in a temp directory."""
    _require_spark()
    home = tmp_path_factory.mktemp("spark-home")
    conf = {
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        "spark.ui.enabled": "false",
        "spark.sql.warehouse.dir": str(home / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={home / 'metastore'};create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={home}",
    }
    return spark_session(MASTER, conf)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def visit_rows(n: int, *, seed: int = 3, repeat_every: int = 7) -> dict[str, list[Any]]:
    """``n`` visits of about ``n * (1 - 1/repeat_every)`` persons, some IDs written another way, e-mail sparse,
    a JSON column of contact details (read as sub-columns by both engines).

    Every ``repeat_every``-th row is an earlier person's repeat visit with the ID
    number written differently (lower-case x, full-width, 15 digits, spaced,
    dashed), so the exact count must normalise to find the same person.
    """
    rng = random.Random(seed)
    ids, persons = [], []
    for i in range(n):
        if i % repeat_every == repeat_every - 1:
            p = rng.randrange(max(1, len(persons)))
            person = persons[p]
            ids.append(variant_id(person, i))
        else:
            person = 10_000 + i
            persons.append(person)
            ids.append(resident_id(person))
    return {
        "visit_no": [f"V{i:07d}" for i in range(n)],
        "id_no": ids,
        "mobile": [mobile(10_000 + i) if i % 3 else None for i in range(n)],
        "name": [person_name(rng) for _ in range(n)],
        "email": [f"user{i}@example.com" if i % 400 == 5 else None for i in range(n)],
        "contact": [
            json.dumps({"tel": mobile(20_000 + i), "city": "苏州"}, ensure_ascii=False) for i in range(n)
        ],
        "amount": [round(rng.random() * 1000, 2) for _ in range(n)],
        "dt": [f"2026-11-0{1 + i % 3}" for i in range(n)],
    }


def distinct_persons(ids: list[str]) -> int:
    """Persons among ID numbers as chujing normalises them (the expected exact count)."""
    return len({normalize("resident_id", v) for v in ids})


@pytest.fixture(scope="session")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with a partitioned Parquet dataset (``visits``, by ``dt``) and a single Parquet file."""
    root = tmp_path_factory.mktemp("lake")
    visits = pa.table(visit_rows(1_500))
    pq.write_to_dataset(visits, root / "visits", partition_cols=["dt"])
    pq.write_table(visits.drop(["dt"]).slice(0, 400), root / "patients.parquet")
    return root
