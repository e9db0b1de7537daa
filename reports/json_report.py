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
reads the rendered text and changes none of it; a scan's tables are written, and
validated, one at a time (:func:`json_pieces`).

Top-level keys come in the contract's order (``schema`` and ``tool`` first,
``integrity`` last) whatever order the report was built in; keys below the top
level keep their insertion order.  Neither order matters to the digest.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pydantic_core
from pydantic import TypeAdapter, ValidationError

from catalog.report import ContractError, contract_problems, model_for, validate_report_json
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
    return "".join(json_pieces(report, seal_missing=seal_missing))


def json_pieces(
    report: dict[str, Any], *, seal_missing: bool = True, sealed_now: bool = False
) -> Iterator[str]:
    """:func:`render_json`'s text a piece at a time, for writing a large report without holding it whole.

    Each top-level member, and each element of a top-level array (a scan's tables), is serialised, and
    validated against its contract's model, on its own: the pieces join to exactly the text of serialising
    the whole report at once (the tests compare them).  A report that breaks its contract raises
    :class:`~catalog.report.ContractError` before the piece that breaks it is given.  A sealed report's seal
    is checked first, unless the caller has just sealed it (``sealed_now``: the check would hash the whole
    report a second time).
    """
    if seal_missing:
        if "integrity" not in report:
            report = sealed_copy(report)
        elif not sealed_now and not is_current(report):
            raise ValueError("the report was changed after it was sealed: seal it again before writing")
    report = ordered(report)
    if not report or not all(isinstance(k, str) for k in report):  # keys JSON would rename: all at once
        text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
        if seal_missing:
            validate_report_json(text, report.get("schema"))
        yield text
        return
    arrays = {k for k, v in report.items() if isinstance(v, list | tuple) and v}
    check = _validator(report, arrays) if seal_missing else None
    yield "{"
    for n, (key, value) in enumerate(report.items()):
        head = ("," if n else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": "
        if key not in arrays:
            yield head + _dump(value, "  ")
            continue
        yield head + "["
        for i, item in enumerate(value):
            text = _dump(item, "    ")
            if check is not None:
                check(key, i, text)
            yield ("," if i else "") + "\n    " + text
        yield "\n  ]"
    yield "\n}\n"


def _dump(value: Any, indent: str) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it ``indent`` deep in a larger document."""
    return pretty_json(value).replace("\n", "\n" + indent)


#: Text pydantic-core writes other than Python's ``json`` would: a float under 1e-4 in full (``0.000025``, where
#: ``json`` writes ``2.5e-05``).  Matched in strings too, where it only costs the slower writer.
_OTHER_FORMS = re.compile(r"0\.0000")


def pretty_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, default=str)``, the same text, written by pydantic-core.

    Python's ``json`` writes indented JSON with its pure-Python encoder (the C one takes no indent): a third
    of a second for a 2,000-table report, six times pydantic-core's.  pydantic-core's text is taken when it
    is ``json``'s: nothing in it of the one form they write differently (:data:`_OTHER_FORMS`), and it reads
    back as the value itself (so a value that is no plain JSON, a date, a set, a tuple, a number key, ``NaN``,
    goes to ``json`` and its ``default=str``); else ``json`` writes it.
    """
    try:
        text = pydantic_core.to_json(value, indent=2, inf_nan_mode="constants").decode("utf-8")
    except (ValueError, TypeError, pydantic_core.PydanticSerializationError):
        text = None
    if text is not None and _OTHER_FORMS.search(text) is None and json.loads(text) == value:
        return text
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _validator(report: dict[str, Any], arrays: set[str]) -> Callable[[str, int, str], None] | None:
    """Validate ``report`` but for its non-empty top-level arrays against its contract now, and return
    what validates each element of those arrays as it is written (``None`` when no contract applies).

    The contracts check no member against another, so a report is valid exactly when its members are; an
    array with constraints of its own (a length) is validated whole, with the rest of the report.
    """
    model = model_for(report.get("schema"))
    if model is None:
        return None
    items: dict[str, TypeAdapter[Any]] = {}
    for key in arrays:
        field = model.model_fields.get(key)
        args = typing.get_args(field.annotation) if field is not None else ()
        if (
            field is None
            or field.metadata
            or typing.get_origin(field.annotation) is not list
            or len(args) != 1
        ):
            validate_report_json(_dump(report, ""), report.get("schema"))  # a shape not split here
            return None
        items[key] = TypeAdapter(args[0])
    rest = {k: ([] if k in arrays else v) for k, v in report.items()}
    validate_report_json(_dump(rest, ""), report.get("schema"))
    schema = str(report.get("schema"))

    def check(key: str, index: int, text: str) -> None:
        try:
            items[key].validate_json(text)
        except ValidationError as exc:
            raise ContractError(schema, contract_problems(exc, (key, index))) from None

    return check
