"""Where the built-in recognizers are declared.

Each *family* module (``recognizers/identity.py``, ``recognizers/telecom.py``
…) exports ``VALUE_RECOGNIZERS``, a tuple of :class:`~recognizers.base.ValueRecognizer`
subclasses, and may export ``TABLE_RECOGNIZERS``, classes with an
``analyze_table(context)`` method for evidence that spans columns (latitude and
longitude pairs, minors derived from birth dates).  This module is the one
place that lists the families; it imports nothing at import time.
"""

from __future__ import annotations

import functools
import importlib

from recognizers.base import ValueRecognizer

#: Built-in families, in the order their recognizers are tried.
FAMILIES: tuple[str, ...] = (
    "identity",
    "finance",
    "telecom",
    "network",
    "vehicle",
    "health",
    "genetics",
    "geo",
    "names",
    "addresses",
    "demographics",
    "credentials",
)


def _family_modules() -> list[object]:
    mods = []
    for fam in FAMILIES:
        try:
            mods.append(importlib.import_module(f"recognizers.{fam}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"recognizers.{fam}":
                raise
    return mods


@functools.lru_cache(maxsize=1)
def value_recognizers() -> tuple[ValueRecognizer, ...]:
    """One instance of every built-in value recognizer."""
    out: list[ValueRecognizer] = []
    for mod in _family_modules():
        out.extend(cls() for cls in getattr(mod, "VALUE_RECOGNIZERS", ()))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def table_recognizers() -> tuple[object, ...]:
    """One instance of every built-in table-level recognizer."""
    out: list[object] = []
    for mod in _family_modules():
        out.extend(cls() for cls in getattr(mod, "TABLE_RECOGNIZERS", ()))
    return tuple(out)


def entity_types() -> list[str]:
    """Every entity id the built-in recognizers can report."""
    return sorted({r.entity for r in value_recognizers()})
