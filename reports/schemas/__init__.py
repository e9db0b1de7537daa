"""The JSON Schemas of the report contracts, generated from :mod:`catalog.report` and committed here.

``report.schema.json`` describes ``chujing.report/1`` (what ``chujing scan``
and ``chujing demo`` write) and ``check.schema.json`` ``chujing.check/1``
(``chujing check`` and ``chujing ledger record``).  They are documentation for
auditors and input for their validators (any JSON Schema 2020-12 validator);
the models are the source, and a test holds the committed files to them.
After changing a model, regenerate them::

    python -m reports.schemas --write          # both files, in place
    python -m reports.schemas report > x.json  # one schema on stdout

>>> json_schema("report")["properties"]["schema"]["const"]
'chujing.report/1'
>>> sorted(KINDS)
['check', 'report']
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from catalog.report import CheckReport, Contract, ScanReport
from connectors.textio import write_text

#: Each schema's kind, as ``chujing schema KIND`` names it, and its model.
KINDS: dict[str, type[Contract]] = {"report": ScanReport, "check": CheckReport}
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _model(kind: str) -> type[Contract]:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown schema kind {kind!r} (known: {', '.join(sorted(KINDS))})") from None


def _sorted_enums(node: Any) -> Any:
    """``node`` with every ``enum`` in sorted order.

    ``typing`` caches unions by value, and ``Literal`` values compare as sets,
    so ``Literal["sensitive", "general"] | None`` may come back in the order
    another module first wrote it: sorted, the file is the same whatever was
    imported before.

    >>> _sorted_enums({"anyOf": [{"enum": ["sensitive", "general"]}, {"type": "null"}]})
    {'anyOf': [{'enum': ['general', 'sensitive']}, {'type': 'null'}]}
    """
    if isinstance(node, dict):
        out = {k: _sorted_enums(v) for k, v in node.items()}
        if isinstance(out.get("enum"), list):
            out["enum"] = sorted(out["enum"], key=lambda v: (type(v).__name__, v))
        return out
    if isinstance(node, list):
        return [_sorted_enums(v) for v in node]
    return node


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the contract ``kind`` (``report`` or ``check``), generated from its model."""
    generated = _model(kind).model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DIALECT, **_sorted_enums(generated)}


def schema_text(kind: str) -> str:
    """:func:`json_schema` as the committed file holds it: indented, non-ASCII as itself, a final newline."""
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"


def file_name(kind: str) -> str:
    _model(kind)
    return f"{kind}.schema.json"


def committed_text(kind: str) -> str:
    """The schema file shipped with the package (what ``schema_text`` gave when it was last regenerated)."""
    return resources.files("reports.schemas").joinpath(file_name(kind)).read_text(encoding="utf-8")


def write_schemas(directory: str | Path | None = None) -> list[Path]:
    """Regenerate every schema file (atomically) in ``directory``, by default this package's; return the paths."""
    where = Path(directory) if directory is not None else Path(__file__).resolve().parent
    out = []
    for kind in sorted(KINDS):
        path = where / file_name(kind)
        write_text(path, schema_text(kind))
        out.append(path)
    return out
