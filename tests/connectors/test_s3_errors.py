"""S3 failures: one clear line each, the source or only the table failing, and no secret anywhere.

Access denial is real S3 behaviour from moto's server: a bucket policy's
explicit Deny on one object, and (with moto's IAM emulation switched on for the
test) an identity that may read objects but not list the bucket, and a wrong
secret key.  Throttling is something moto cannot do, so :class:`SlowDownServer`
— a few lines of ``http.server`` on 127.0.0.1 — answers what S3 answers when
it throttles (HTTP 503, ``<Code>SlowDown</Code>``) and lets botocore's real
retry logic run against it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest

from connectors import open_source
from connectors.base import SourceError
from connectors.s3 import S3Connector
from tests import s3server

s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3

pytestmark = pytest.mark.s3

SECRETS = (s3server.SECRET_KEY, s3server.SESSION_TOKEN)


def no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_missing_bucket_fails_the_source(s3: s3server.S3Fixture) -> None:
    con = open_source("s3://no-such-bucket-chujing/p/", **s3.options())
    with pytest.raises(SourceError) as caught:
        con.open()
    assert str(caught.value) == (
        "s3://no-such-bucket-chujing/p/: bucket does not exist (NoSuchBucket); "
        "check the bucket name, --endpoint-url and --region"
    )
    assert caught.value.table is None


def test_missing_prefix_is_a_clear_error(s3: s3server.S3Fixture) -> None:
    s3.put("exports/a.csv", "a\n1\n")
    con = open_source(s3.uri("Exports/"), **s3.options())
    with pytest.raises(SourceError, match="no objects under this prefix; check the bucket and prefix"):
        con.list_tables()


def test_denied_object_fails_only_its_table(s3: s3server.S3Fixture, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    s3.put("hr/salaries.csv", "name,salary\n张三,100\n")
    s3.put("hr/staff.csv", "name,mobile\n李四,13800138000\n")
    s3.client.put_bucket_policy(
        Bucket=s3.bucket, Policy=s3server.deny_get_policy(s3.bucket, "hr/salaries.csv")
    )
    con = open_source(s3.uri("hr/"), **s3.options(max_attempts=2))
    con.open()
    found = {t.name: t for t in con.list_tables()}
    with pytest.raises(SourceError) as caught:
        con.columns(found["salaries"])
    assert str(caught.value) == (
        f"s3://{s3.bucket}/hr/ [salaries]: hr/salaries.csv: access denied while reading this object (403); "
        "grant s3:GetObject on it to the scanning identity, or exclude it"
    )
    assert caught.value.table == "salaries"
    assert con.sample(found["staff"], 5).to_pylist() == [{"name": "李四", "mobile": "13800138000"}]
    no_secret(caplog.text)


@pytest.fixture()
def auditor(s3: s3server.S3Fixture) -> Iterator[dict[str, str]]:
    """An IAM user allowed to read objects but not to list the bucket; IAM enforced while the test runs."""
    iam = boto3.client(
        "iam",
        endpoint_url=s3.endpoint,
        region_name=s3server.REGION,
        aws_access_key_id=s3server.ACCESS_KEY,
        aws_secret_access_key=s3server.SECRET_KEY,
    )
    user = f"auditor-{s3.bucket}"[:64]
    iam.create_user(UserName=user)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{s3.bucket}/*"}
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="read-objects", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    s3.put("a.csv", "a\n1\n")
    with s3server.iam_enforced(s3.endpoint):
        yield {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def test_unlistable_bucket_and_rejected_credentials(
    s3: s3server.S3Fixture, auditor: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bucket root: moto's IAM emulation miscomputes signatures of prefixes containing "/".
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", auditor["id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", auditor["secret"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    with pytest.raises(SourceError) as caught:
        open_source(s3.uri(), **s3.options(max_attempts=1)).open()
    assert str(caught.value) == (
        f"s3://{s3.bucket}/: access denied while listing (AccessDenied); "
        "grant s3:ListBucket on the bucket to the scanning identity, or exclude it"
    )
    wrong = "WRONG-" + auditor["secret"]
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", wrong)
    with pytest.raises(SourceError) as caught:
        open_source(s3.uri(), **s3.options(max_attempts=1)).open()
    assert "credentials rejected (SignatureDoesNotMatch)" in str(caught.value)
    assert wrong not in str(caught.value) and auditor["secret"] not in str(caught.value)


def test_missing_credentials_and_unknown_profile(
    s3: s3server.S3Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var)
    with pytest.raises(SourceError, match="no AWS credentials found; set --profile"):
        open_source(s3.uri(), **s3.options()).open()
    with pytest.raises(
        SourceError, match="The config profile \\(nobody\\) could not be found; check --profile"
    ):
        open_source(s3.uri(), **s3.options(profile="nobody")).open()


def test_named_profile_is_used(
    s3: s3server.S3Fixture, s3_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var)
    with open(s3_env["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
        f.write(
            f"[scanner]\naws_access_key_id = {s3server.ACCESS_KEY}\naws_secret_access_key = {s3server.SECRET_KEY}\n"
        )
    s3.put("p/a.csv", "a\n1\n")
    con = open_source(s3.uri("p/"), **s3.options(profile="scanner", addressing_style="path"))
    assert [t.name for t in con.list_tables()] == ["a"]


def test_unreachable_endpoint(s3_env: dict[str, str]) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    con = S3Connector("s3://b/p/", endpoint_url=f"http://127.0.0.1:{port}", max_attempts=1, connect_timeout=2)
    with pytest.raises(SourceError, match=rf"cannot connect to http://127.0.0.1:{port} while listing"):
        con.open()


def test_invalid_options_are_refused() -> None:
    with pytest.raises(SourceError, match="object_sampling must be one of newest, random, all, not 'oldest'"):
        S3Connector("s3://b/", object_sampling="oldest")
    with pytest.raises(SourceError, match="addressing_style must be one of auto, path, virtual"):
        S3Connector("s3://b/", addressing_style="dns")
    with pytest.raises(SourceError, match="credentials in the URI are not supported"):
        S3Connector("s3://AKIA:hunter2@b/")


# -- throttling ---------------------------------------------------------------------------
_SLOWDOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message></Error>"
)
_LISTING = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix>'
    b"<KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
    b'<Contents><Key>p/a.csv</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag>'
    b"<Size>4</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>"
)


class SlowDownServer(ThreadingHTTPServer):
    """Answers GetObject (and, with ``throttle_listing``, ListObjectsV2) with 503 SlowDown; counts requests."""

    def __init__(self, throttle_listing: bool) -> None:
        self.throttle_listing = throttle_listing
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), _SlowDownHandler)


class _SlowDownHandler(BaseHTTPRequestHandler):
    server: SlowDownServer

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self.server.requests.append(self.path)
        listing = "list-type=2" in self.path
        if listing and not self.server.throttle_listing:
            self._answer(200, _LISTING)
        else:
            self._answer(503, _SLOWDOWN)

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def slowdown(request: pytest.FixtureRequest) -> Iterator[SlowDownServer]:
    server = SlowDownServer(throttle_listing=request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("slowdown", [True], indirect=True)
def test_throttled_listing_fails_the_source_after_the_retries(slowdown: SlowDownServer, s3_env) -> None:
    con = S3Connector("s3://b/p/", endpoint_url=f"http://127.0.0.1:{slowdown.server_port}", max_attempts=2)
    with pytest.raises(SourceError) as caught:
        con.open()
    assert str(caught.value) == (
        "s3://b/p/: throttled by the service (SlowDown) after 2 attempts while listing; "
        "retry later or raise max_attempts"
    )
    assert len(slowdown.requests) == 2


@pytest.mark.parametrize("slowdown", [False], indirect=True)
def test_throttled_object_fails_only_its_table(slowdown: SlowDownServer, s3_env) -> None:
    con = S3Connector("s3://b/p/", endpoint_url=f"http://127.0.0.1:{slowdown.server_port}", max_attempts=2)
    (info,) = con.list_tables()
    with pytest.raises(SourceError) as caught:
        con.sample(info, 10)
    assert str(caught.value) == (
        "s3://b/p/ [a]: p/a.csv: throttled by the service (SlowDown) after 2 attempts while reading this object; "
        "retry later or raise max_attempts"
    )
    assert [p.split("?")[0] for p in slowdown.requests[1:]] == ["/b/p/a.csv"] * 2
