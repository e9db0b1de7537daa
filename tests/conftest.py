"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the project: regulation seeds and public corpora (read in place)."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is missing: the shared corpora and seeds live beside the project")
    return SHARED


from tests.servers import mysql_db_url, mysql_url, pg_db_url, pg_url, store_url  # noqa: E402,F401 - real-server fixtures
