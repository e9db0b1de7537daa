"""The JSON renderer: the versioned ``chujing.report/1`` contract, for machines.

The JSON file is the evidence the other formats point to: it always carries an
``integrity`` seal (see :mod:`reports.integrity`).  A report that arrives
unsealed is sealed here without a signature; a report the caller sealed (with a
key) is written as it is, after checking the seal still matches — a report
changed after sealing is a bug, and writing it would produce a file that fails
verification.

A report whose ``schema`` names a contract (``chujing.report/1``,
``chujing.check/1``) is validated against its model before it is returned
(:mod:`catalog.report`): the text written is what the contract describes, or
:class:`~catalog.report.ContractError` says which key breaks it.  Validation
reads the rendered text and changes none of it.

Top-level keys come in the contract's order (``schema`` and ``tool`` first,
``integrity`` last) whatever order the report was built in; keys below the top
level keep their insertion order.  Neither order matters to the digest.
"""

from __future__ import annotations

import json
from typing import Any

from catalog.report import validate_report_json
from reports.integrity import is_current, sealed_copy

#: Top-level keys in the order a reader meets them; others follow in their own order, ``integrity`` last.
KEY_ORDER = (
    "schema",
    "tool",
    "started_at",
    "finished_at",
    "parameters",
    "route",
    "route_label",
    "items",
    "candidate_important_data",
    "persons",
    "sources",
    "tables",
    "catalog",
    "list_items",
    "important_data",
    "summary",
    "scan",
)


def ordered(report: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy with the top-level keys in :data:`KEY_ORDER`.

    >>> list(ordered({"integrity": 1, "tables": [], "zeta": 0, "schema": "s"}))
    ['schema', 'tables', 'zeta', 'integrity']
    """
    known = [k for k in KEY_ORDER if k in report]
    rest = [k for k in report if k not in KEY_ORDER and k != "integrity"]
    out = {k: report[k] for k in known + rest}
    if "integrity" in report:
        out["integrity"] = report["integrity"]
    return out


def render_json(report: dict[str, Any], *, seal_missing: bool = True) -> str:
    """Pretty, stable JSON (non-ASCII kept readable), sealed and validated against its contract.

    ``seal_missing=False`` writes the report exactly as given, neither sealed
    nor validated (for fixtures and partial documents).  Raises
    :class:`~catalog.report.ContractError` when a report breaks its contract.
    """
    if seal_missing:
        if "integrity" not in report:
            report = sealed_copy(report)
        elif not is_current(report):
            raise ValueError("the report was changed after it was sealed: seal it again before writing")
    text = json.dumps(ordered(report), ensure_ascii=False, indent=2, default=str) + "\n"
    if seal_missing:
        validate_report_json(text, report.get("schema"))
    return text
