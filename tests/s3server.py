"""A real S3 API for the tests: moto's server mode on 127.0.0.1, reached over HTTP.

Fixtures
``s3_endpoint`` (session)
    Starts ``moto.server.ThreadedMotoServer`` on a free loopback port once per
    test session (once per pytest-xdist worker, each worker being its own
    process), yields ``http://127.0.0.1:PORT`` and stops it.
``s3_env`` (function)
    Fake credentials in the environment (``monkeypatch``), with a secret key
    and session token that are obviously secret (:data:`SECRET_KEY`,
    :data:`SESSION_TOKEN`) so tests can assert that they never leak, and the
    host's ``~/.aws`` files and instance metadata shut out.
``s3`` (function)
    An :class:`S3Fixture`: the endpoint, an admin client, and a fresh bucket
    per test (unique name), so tests never see each other's objects.

:func:`moto_server` is also used by ``benchmarks/bench_s3_ranged.py`` (there in a
subprocess, so the server's memory and GIL are not the benchmark's).

Moto enforces a bucket policy's explicit ``Deny`` on object reads without IAM
emulation (it ignores the ``Principal``); identity policies, signatures and
bucket-level denials need IAM emulation, switched on for one test at a time
with :func:`iam_enforced`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

REGION = "us-east-1"
ACCESS_KEY = "AKIACHUJINGTEST00001"
SECRET_KEY = "chujing-TEST-secret-key-DO-NOT-PRINT-5f2c9e1a"
SESSION_TOKEN = "chujing-TEST-session-token-DO-NOT-PRINT-77b1d0"
_AWS_VARS = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
_counter = itertools.count()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto_server(*, in_thread: bool = True) -> Iterator[str]:
    """Run moto's S3 server on 127.0.0.1 and yield its endpoint URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if in_thread:
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()
        return
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def admin_client(endpoint: str):
    """An ordinary read-write client (path style), for creating test data."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2, "mode": "standard"}),
    )


@contextlib.contextmanager
def iam_enforced(endpoint: str) -> Iterator[None]:
    """Switch on moto's IAM emulation (signatures and identity policies) for the duration of the block."""

    def reset(count: str) -> None:
        request = urllib.request.Request(
            f"{endpoint}/moto-api/reset-auth",
            data=count.encode(),
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(request, timeout=10):
            pass

    reset("0")
    try:
        yield
    finally:
        reset("inf")


@dataclass
class S3Fixture:
    endpoint: str
    client: object
    bucket: str

    def uri(self, prefix: str = "") -> str:
        return f"s3://{self.bucket}/{prefix}"

    def put(self, key: str, body: bytes | str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=key, Body=body.encode() if isinstance(body, str) else body
        )

    def options(self, **extra: object) -> dict[str, object]:
        return {"endpoint_url": self.endpoint, **extra}

    def connector(self, prefix: str = "", **options: object):  # noqa: ANN201 - connectors.s3.S3Connector
        """An opened S3 connector on ``prefix`` of the test bucket."""
        from connectors import open_source
        from connectors.s3 import S3Connector

        con = open_source(self.uri(prefix), **self.options(**options))
        assert isinstance(con, S3Connector)
        con.open()
        return con


def tables(con) -> dict:  # noqa: ANN001 - connectors.base.Connector
    """The connector's tables by name."""
    return {t.name: t for t in con.list_tables()}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture()
def s3_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> dict[str, str]:
    for var in _AWS_VARS:
        monkeypatch.delenv(var, raising=False)
    env = {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_SESSION_TOKEN": SESSION_TOKEN,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.fspath(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.fspath(tmp_path / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture()
def s3(s3_endpoint: str, s3_env: dict[str, str], request: pytest.FixtureRequest) -> S3Fixture:
    client = admin_client(s3_endpoint)
    name = "".join(c if c.isalnum() else "-" for c in request.node.name.lower())[:40].strip("-")
    bucket = f"t{next(_counter)}-{os.getpid()}-{name}"[:63].rstrip("-")
    client.create_bucket(Bucket=bucket)
    return S3Fixture(s3_endpoint, client, bucket)


def deny_get_policy(bucket: str, *keys: str) -> str:
    """A bucket policy that denies ``s3:GetObject`` on ``keys`` to everyone (the scanning identity included)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyScan",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": "s3:GetObject",
                    "Resource": [f"arn:aws:s3:::{bucket}/{k}" for k in keys],
                }
            ],
        }
    )
