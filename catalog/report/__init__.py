"""The report contracts as typed models: ``chujing.report/1`` (a scan) and ``chujing.check/1`` (a check).

A report is audit evidence, so its shape is a contract: every key, its type,
and what each figure means (the field descriptions) are written down here once,
and the JSON Schemas in ``reports/schemas/`` are generated from these models
(:func:`reports.schemas.json_schema`).  The JSON renderer validates every
report it writes against its model (:func:`validate_report_json`), so a
producer that drifts from the contract fails loudly instead of writing a file
an auditor's tools misread.

>>> sorted(MODELS)
['chujing.check/1', 'chujing.report/1']
>>> try:
...     validate_report_json('{"schema": "chujing.report/1", "tool": {"name": "chujing", "versoin": "0.1"}}')
... except ContractError as exc:
...     print(exc.problems[:3])
['tool.version: Field required', 'tool.versoin: Extra inputs are not permitted', 'started_at: Field required']
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from catalog.report.check import CHECK_SCHEMA, CheckReport
from catalog.report.common import Contract, DocumentApplied, Tool
from catalog.report.decision import (
    Candidate,
    ImportantData,
    ListCandidate,
    ListItems,
    PersonFigure,
    RuleCandidate,
)
from catalog.report.persons import PersonTally
from catalog.report.scan import REPORT_SCHEMA, CatalogApplied, Parameters, Run, ScanReport, Summary
from catalog.report.tables import Category, Column, Entity, Fingerprint, Review, Source, Table, Trajectory

__all__ = [
    "CHECK_SCHEMA",
    "MODELS",
    "REPORT_SCHEMA",
    "Candidate",
    "CatalogApplied",
    "Category",
    "CheckReport",
    "Column",
    "Contract",
    "ContractError",
    "DocumentApplied",
    "Entity",
    "Fingerprint",
    "ImportantData",
    "ListCandidate",
    "ListItems",
    "Parameters",
    "PersonFigure",
    "PersonTally",
    "Review",
    "RuleCandidate",
    "Run",
    "ScanReport",
    "Source",
    "Summary",
    "Table",
    "Tool",
    "Trajectory",
    "contract_problems",
    "model_for",
    "to_document",
    "validate_report_json",
]

#: Each contract's model, by the ``schema`` value a report carries.
MODELS: dict[str, type[Contract]] = {REPORT_SCHEMA: ScanReport, CHECK_SCHEMA: CheckReport}
#: Problems named in a :class:`ContractError` message before "and N more".
PROBLEMS_SHOWN = 8


class ContractError(ValueError):
    """A report that does not follow its contract: a bug in whatever produced it.

    The message names each offending key by its path and what is wrong with it,
    never the value (a report's values are masked, but an error message is no
    place to reason about that).
    """

    def __init__(self, schema: str, problems: list[str]) -> None:
        self.schema = schema
        self.problems = problems
        shown = "; ".join(problems[:PROBLEMS_SHOWN])
        more = len(problems) - PROBLEMS_SHOWN
        super().__init__(
            f"the report does not follow {schema}: {shown}" + (f"; and {more} more" if more > 0 else "")
        )


def to_document(report: Contract) -> dict[str, Any]:
    """A typed report as its JSON document: what the renderers, the seal and the store work on.

    Keys a producer left out (a column without a comment, a scan without lists)
    stay out, so the document is the one the contract describes.
    """
    return report.model_dump(mode="json", by_alias=True, exclude_unset=True)


def model_for(schema: object) -> type[Contract] | None:
    """The model of the contract a report's ``schema`` value names, or ``None`` for any other document."""
    return MODELS.get(schema) if isinstance(schema, str) else None


def contract_problems(exc: ValidationError, where: tuple[str | int, ...] = ()) -> list[str]:
    """One line per problem, at its path in the report (``where``: the path of the part validated)."""
    return [
        f"{'.'.join(map(str, (*where, *e['loc']))) or '(top level)'}: {e['msg']}"
        for e in exc.errors(include_input=False)
    ]


def validate_report_json(text: str | bytes, schema: object = None) -> Contract | None:
    """The report in ``text`` as its contract's model; ``None`` when its ``schema`` names no contract here.

    ``schema`` is the report's ``schema`` value when the caller has the report
    at hand (the text is then parsed once, by the model).  Raises
    :class:`ContractError` when the report does not follow its contract.
    Validation is strict: keys the contract does not name, missing keys, and
    values of another JSON type (``"12"`` for ``12``) are all errors.
    """
    if schema is None:
        doc = json.loads(text)
        schema = doc.get("schema") if isinstance(doc, dict) else None
    model = model_for(schema)
    if model is None:
        return None
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise ContractError(str(schema), contract_problems(exc)) from None
