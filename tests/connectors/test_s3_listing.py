"""From a listing to tables: naming, datasets, caps and sampling of objects, pagination.

The planner is pure (a list of objects in, tables out) and is tested on its
own; pagination and LastModified come from moto's server over HTTP.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from connectors.s3 import S3Connector
from connectors.s3_listing import S3Object, plan_tables
from tests import s3server

s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3

pytestmark = pytest.mark.s3

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def objs(*keys: str, size: int = 10) -> list[S3Object]:
    return [S3Object(k, size, f"etag{i}", T0 + dt.timedelta(minutes=i)) for i, k in enumerate(keys)]


def plan(objects: list[S3Object], base: str = "p/", **kw: object):
    options = {"root_name": "p", "max_objects": 1000, "sampling": "newest", "seed": 0} | kw
    return plan_tables(objects, base=base, **options)


# -- the planner -----------------------------------------------------------------------
def test_names_are_keys_without_extensions_and_stay_unique() -> None:
    listing = plan(objs("p/exports/2025/patients.csv.gz", "p/a.csv", "p/a.json", "p/b.TSV", "p/c.jsonl.zst"))
    assert [(t.name, t.format, t.kind) for t in listing.tables] == [
        ("a", "csv", "object"),
        ("a.json", "json", "object"),
        ("b", "tsv", "object"),
        ("c", "jsonl", "object"),
        ("exports/2025/patients", "csv", "object"),
    ]


def test_hive_spark_and_part_file_folders_are_datasets() -> None:
    listing = plan(
        objs(
            "p/events/year=2025/month=01/part-0.parquet",
            "p/events/year=2025/month=02/part-0.parquet",
            "p/events/year=2025/notes.txt",  # inside a dataset, another format: a table of its own
            "p/spark_out/_SUCCESS",
            "p/spark_out/part-00000-3f1c.snappy.parquet",
            "p/spark_out/part-00001-3f1c.snappy.parquet",
            "p/exports/part-0001.csv",
            "p/exports/part-0002.csv",
            "p/loose/report.parquet",
            "p/loose/summary.parquet",
        )
    )
    by_name = {t.name: t for t in listing.tables}
    assert set(by_name) == {
        "events",
        "events/year=2025/notes",
        "spark_out",
        "exports",
        "loose/report",
        "loose/summary",
    }
    events = by_name["events"]
    assert (events.kind, events.format, len(events.objects), events.base) == (
        "dataset",
        "parquet",
        2,
        "p/events/",
    )
    assert events.partitions["p/events/year=2025/month=02/part-0.parquet"] == {"year": "2025", "month": "02"}
    assert by_name["exports"].format == "csv" and by_name["spark_out"].kind == "dataset"
    assert {"key": "p/spark_out/_SUCCESS", "bytes": 10, "reason": "hidden or marker file"} in listing.skipped


def test_partitioned_prefix_itself_is_one_dataset_named_after_it() -> None:
    listing = plan(
        objs("lake/visits/dt=2025-01-01/a.parquet", "lake/visits/dt=2025-01-02/a.parquet"),
        base="lake/visits/",
        root_name="visits",
    )
    assert [(t.name, t.kind, len(t.objects)) for t in listing.tables] == [("visits", "dataset", 2)]


def test_key_globs_are_relative_to_the_prefix() -> None:
    listing = plan(
        objs("p/crm/a.csv", "p/crm/tmp/b.csv", "p/erp/c.csv"), key_include=["crm/*"], key_exclude=["*/tmp/*"]
    )
    assert [t.name for t in listing.tables] == ["crm/a"]
    assert listing.summary["excluded_by_key_glob"] == 2


def test_dataset_files_are_capped_with_the_same_strategy() -> None:
    keys = [f"p/t/dt=2025-01-{d:02d}/part-0.parquet" for d in range(1, 21)]
    (table,) = plan(objs(*keys), max_objects=3, sampling="newest").tables
    assert [o.key for o in table.objects] == keys[-3:]
    assert table.listed == 20 and table.fingerprint("b")["objects_listed"] == 20


# -- a real listing: pagination and the object cap ------------------------------------------
@pytest.fixture(scope="module")
def many(s3_endpoint: str) -> tuple[str, list[str], list[str]]:
    """1,050 small objects, then (a second later, so LastModified is newer) 5 fresh ones."""
    client = s3server.admin_client(s3_endpoint)
    bucket = f"many-{os.getpid()}"
    client.create_bucket(Bucket=bucket)
    bulk = [f"bulk/obj-{i:04d}.csv" for i in range(1050)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: client.put_object(Bucket=bucket, Key=k, Body=b"a\n1\n"), bulk))
    newest = max(o["LastModified"] for o in client.list_objects_v2(Bucket=bucket, MaxKeys=1000)["Contents"])
    while (
        dt.datetime.now(dt.timezone.utc).replace(microsecond=0) <= newest
    ):  # LastModified has 1 s resolution
        time.sleep(0.05)
    fresh = [f"bulk/fresh-{i}.jsonl" for i in range(5)]
    for k in fresh:
        client.put_object(Bucket=bucket, Key=k, Body=b'{"a": 1}\n')
    return bucket, bulk, fresh


def listed(endpoint: str, bucket: str, **options: object) -> tuple[S3Connector, list[str], list[int]]:
    con = S3Connector(f"s3://{bucket}/bulk/", endpoint_url=endpoint, **options)
    pages: list[int] = []
    con.client.meta.events.register("before-call.s3.ListObjectsV2", lambda **kw: pages.append(1))
    names = [t.name for t in con.list_tables()]
    return con, names, pages


def test_listing_follows_pagination_beyond_1000_keys(s3_endpoint, s3_env, many) -> None:
    bucket, bulk, fresh = many
    con, names, pages = listed(s3_endpoint, bucket, object_sampling="all")
    assert len(pages) >= 2
    assert sorted(names) == sorted(k[len("bulk/") :].rsplit(".", 1)[0] for k in bulk + fresh)
    assert con.listing["objects_listed"] == 1055 and con.listing["objects_not_sampled"] == 0


def test_a_long_listing_reports_each_page_as_it_arrives(s3_endpoint, s3_env, many) -> None:
    """The progress of a listing (a bar at the terminal): ``on_listed`` hears every page's objects."""
    bucket, bulk, fresh = many
    heard: list[int] = []
    S3Connector(f"s3://{bucket}/bulk/", endpoint_url=s3_endpoint, on_listed=heard.append).list_tables()
    assert len(heard) >= 2 and sum(heard) == len(bulk) + len(fresh)


def test_newest_objects_are_kept_by_default(s3_endpoint, s3_env, many) -> None:
    bucket, bulk, fresh = many
    con, names, _ = listed(s3_endpoint, bucket, max_objects=5)
    assert names == [f"fresh-{i}" for i in range(5)]
    assert con.listing["objects_not_sampled"] == 1050 and con.listing["object_sampling"] == "newest"
    _, names, _ = listed(s3_endpoint, bucket)
    assert len(names) == 1000 and set(names) >= {f"fresh-{i}" for i in range(5)}


def test_random_objects_are_seeded(s3_endpoint, s3_env, many) -> None:
    bucket, bulk, fresh = many
    all_names = {k[len("bulk/") :].rsplit(".", 1)[0] for k in bulk + fresh}
    first = listed(s3_endpoint, bucket, max_objects=7, object_sampling="random", seed=3)[1]
    again = listed(s3_endpoint, bucket, max_objects=7, object_sampling="random", seed=3)[1]
    other = listed(s3_endpoint, bucket, max_objects=7, object_sampling="random", seed=4)[1]
    assert len(first) == 7 and set(first) <= all_names
    assert first == again and first != other
