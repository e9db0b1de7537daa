"""Debian's chromium for the tests that render pages in a real browser (the HTML report, the console).

No browser is downloaded: ``/usr/bin/chromium`` (``$CHUJING_CHROMIUM``) is used as it is.  Missing on CI
(``CI=true``, as ``.ci/run`` sets) it is a failure, so a machine without it cannot pass; elsewhere the
test is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHUJING_CHROMIUM", "/usr/bin/chromium")


def chromium_or_skip() -> str:
    """The chromium executable; fails the test on CI when it is missing, skips it elsewhere."""
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing on CI: install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} not installed (set CI=true to make this a failure)")
