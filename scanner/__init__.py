"""chujing's scanner: plans a scan, samples tables, runs recognizers, builds the report."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("chujing")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
