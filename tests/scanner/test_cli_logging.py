"""What the ``chujing`` process writes on stderr besides its own errors: nothing, unless ``--debug``.

Run as a real process (``python -m scanner.cli``): logging is process state,
and the test runner's own log capture would hide what a user sees.  The S3
source is moto's server on 127.0.0.1, whose SDK announces "Found credentials in
environment variables" at INFO on every scan.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import s3server

s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3

pytestmark = pytest.mark.s3

ROOT = Path(__file__).resolve().parents[2]


def chujing(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scanner.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=120,
    )


def test_library_info_logs_only_with_debug(s3: s3server.S3Fixture) -> None:
    s3.put("exp/patients.csv", "身份证号\n11010519491231002X\n".encode())
    scan = (
        "scan",
        s3.uri("exp/"),
        "--endpoint-url",
        s3.endpoint,
        "--addressing-style",
        "path",
        "--format",
        "json",
    )
    quiet = chujing(*scan)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""  # was: INFO botocore.credentials: Found credentials in environment variables.
    loud = chujing(*scan, "--debug")
    assert loud.returncode == 0, loud.stderr
    assert "INFO botocore.credentials: Found credentials in environment variables." in loud.stderr
    assert "DEBUG botocore" not in loud.stderr  # the SDK's DEBUG records carry signatures and tokens
    for out in (quiet.stderr, loud.stderr, loud.stdout):
        assert s3server.SECRET_KEY not in out and s3server.SESSION_TOKEN not in out
