"""Fixtures for the catalogue tests: the real catalogue and a mini one loaded on its own."""

from __future__ import annotations

import pytest

from catalog import load_catalog
from tests.catalog.builders import FIXTURES


@pytest.fixture(scope="session")
def real_catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def mini_catalog():
    return load_catalog([FIXTURES / "mini"], include_builtin=False)
