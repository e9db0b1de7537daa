"""End to end: ``scanner.scan.scan`` on an ``s3://`` source served by moto over HTTP on 127.0.0.1.

What matters to a user: PI found in CSV (GBK) and Parquet objects, one object
denied and one corrupt reported as failed tables while everything else is
scanned, evidence masked, and neither the secret key nor the session token
anywhere in the report.  Connector options reach the S3 connector through
``ScanOptions.connector_options`` (the CLI's ``--endpoint-url`` etc.).
"""

from __future__ import annotations

import io
import json
import random
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from catalog.report import to_document
from recognizers.identity import check_char
from scanner.scan import ScanOptions, scan
from tests import s3server

s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3

pytestmark = pytest.mark.s3


def resident_ids(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        first17 = f"320505{1950 + rng.randrange(60)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{i % 1000:03d}"
        out.append(first17 + check_char(first17))
    return out


def test_scan_s3_prefix_end_to_end(s3: s3server.S3Fixture) -> None:
    ids = resident_ids(120)
    mobiles = [f"139{random.Random(i).randrange(10**8):08d}" for i in range(120)]
    csv_text = "姓名,身份证号,手机号码\n" + "".join(f"患者{i},{ids[i]},{mobiles[i]}\n" for i in range(120))
    s3.put("crm/patients.csv", csv_text.encode("gbk"))
    buf = io.BytesIO()
    pq.write_table(
        pa.table({"subject": [f"S{i:04d}" for i in range(120)], "id_card": ids}), buf, row_group_size=40
    )
    s3.put("crm/lake/subjects/year=2025/part-0.parquet", buf.getvalue())
    s3.put("crm/secret.csv", "name,salary\n张三,1\n")
    s3.put("crm/broken.parquet", buf.getvalue()[:-100])
    s3.put("crm/photo.png", b"\x89PNG\r\n\x1a\n")
    s3.client.put_bucket_policy(
        Bucket=s3.bucket, Policy=s3server.deny_get_policy(s3.bucket, "crm/secret.csv")
    )

    options = ScanOptions(sample_rows=100, connector_options={"endpoint_url": s3.endpoint, "max_attempts": 2})
    report = to_document(scan([s3.uri("crm/")], options))
    text = json.dumps(report, ensure_ascii=False)

    (source,) = report["sources"]
    assert (source["uri"], source["kind"], source["status"]) == (s3.uri("crm/"), "s3", "ok")
    by_table = {t["table"]: t for t in report["tables"]}
    assert set(by_table) == {"patients", "lake/subjects", "secret", "broken"}

    patients = by_table["patients"]
    assert (patients["status"], patients["row_count"], patients["sampled_rows"]) == ("ok", 120, 100)
    cols = {c["name"]: c for c in patients["columns"]}
    assert [e["type"] for e in cols["身份证号"]["entities"]] == ["CN_RESIDENT_ID"]
    assert [e["type"] for e in cols["手机号码"]["entities"]] == ["CN_MOBILE"]
    assert all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", ev) for ev in cols["身份证号"]["entities"][0]["evidence"])
    assert patients["fingerprint"]["key"] == "crm/patients.csv" and patients["fingerprint"]["etag"]

    subjects = by_table["lake/subjects"]
    assert (subjects["status"], subjects["kind"], subjects["row_count"]) == ("ok", "dataset", 120)
    sub_cols = {c["name"]: c for c in subjects["columns"]}
    assert [e["type"] for e in sub_cols["id_card"]["entities"]] == ["CN_RESIDENT_ID"]
    assert "year" in sub_cols

    assert by_table["secret"]["status"] == "error" and "access denied" in by_table["secret"]["error"]
    assert (
        by_table["broken"]["status"] == "error"
        and "not a readable Parquet object" in by_table["broken"]["error"]
    )

    for raw in ids + mobiles:
        assert raw not in text
    assert s3server.SECRET_KEY not in text and s3server.SESSION_TOKEN not in text


def test_scan_cli_s3_options_skipped_objects_and_exit_status(s3: s3server.S3Fixture) -> None:
    from click.testing import CliRunner

    from scanner.cli import main

    ids = resident_ids(30)
    s3.put("exp/patients.csv", ("身份证号\n" + "\n".join(ids) + "\n").encode("utf-8"))
    s3.put("exp/broken.parquet", b"PAR1 truncated")
    s3.put("exp/scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = CliRunner().invoke(
        main,
        [
            "scan",
            s3.uri("exp/"),
            "--endpoint-url",
            s3.endpoint,
            "--addressing-style",
            "path",
            "--max-objects",
            "10",
            "--format",
            "json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 2, result.stderr  # the corrupt object failed; the rest was scanned
    report = json.loads(result.stdout)
    (source,) = report["sources"]
    assert source["status"] == "ok"
    assert [(x["key"], x["reason"].split(":")[0]) for x in source["skipped"]] == [
        ("exp/scan.png", "unsupported format")
    ]
    assert source["listing"]["max_objects"] == 10
    status = {t["table"]: t["status"] for t in report["tables"]}
    assert status == {"patients": "ok", "broken": "error"}
    err = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(err) == 1 and "broken" in err[0]
    for out in (result.stdout, result.stderr):
        assert s3server.SECRET_KEY not in out and s3server.SESSION_TOKEN not in out
        assert all(raw not in out for raw in ids)
