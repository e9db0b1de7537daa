"""What the gate found out about one export, and the ``chujing.check/1`` document it writes.

The route maps to the exit status (0 outside the list, 10 standard contract or
certification, 20 security assessment, 30 other lawful route; the strictest
wins); 5 when nothing routes the export but a person must judge something
first; 2 when any source or table could not be read, since then the persons of
what was not read are missing from the count.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from catalog.candidates import candidate_important_data
from catalog.evaluator import Evaluation
from catalog.report import CHECK_SCHEMA, CheckReport, ImportantData, ScanReport
from scanner import __version__
from scanner.export.ledger_counts import YearTally
from scanner.export.persons import PersonTally
from scanner.export.request import CheckOptions

EXIT_ERROR = 2
#: Nothing routes the export, but a person must judge something first (an item's scale or modality, data a
#: list may not cover): never 0, which would let the export go unexamined.
EXIT_NEEDS_REVIEW = 5


@dataclass
class Assessment:
    """Everything the gate found out about one export."""

    options: CheckOptions
    as_of: _dt.date
    report: ScanReport
    tallies: list[PersonTally]
    year: YearTally
    evaluation: Evaluation
    identification: ImportantData
    ledger: dict[str, Any]
    started_at: str
    finished_at: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    recorded: dict[str, Any] | None = None

    @property
    def exit_status(self) -> int:
        """2 when anything was not read; the route's status; 5 instead of 0 when something needs review."""
        if self.errors:
            return EXIT_ERROR
        status = self.evaluation.exit_status
        if status == 0 and self.evaluation.manual_review:
            return EXIT_NEEDS_REVIEW
        return status

    def to_model(self) -> CheckReport:
        """The ``chujing.check/1`` document, typed; it carries the scan report it decided on."""
        ev = self.evaluation.to_dict()
        persons: dict[str, Any] = self.year.persons()
        doc = {
            "schema": CHECK_SCHEMA,
            "tool": {"name": "chujing", "version": __version__},
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "route": ev["route"],
            "route_label": ev["route_label"],
            "exit_status": self.exit_status,
            "as_of": self.as_of.isoformat(),
            "lists": ev["lists"],
            "scenario": self.options.scan.scenario,
            "subject": self.options.scan.subject,
            "recipient": self.options.recipient,
            "person_key": [list(k) for k in self.options.person_keys] or None,
            "items": [_item(i) for i in ev["items"]],
            "candidate_important_data": candidate_important_data(
                self.evaluation.to_model(), self.identification
            ),
            "manual_review": ev["manual_review"],
            "not_hit": ev["not_hit"],
            "notes": [*ev["notes"], *self.notes],
            "persons": {
                **persons,
                "basis": ev["persons_basis"],
                "counting": self.year.to_dict(),
                "tables": [t.to_model() for t in self.tallies if t.basis != "no_personal_information"],
            },
            "ledger": {**self.ledger, "recorded": self.recorded},
            "errors": list(self.errors),
            "scan": self.report,
        }
        return CheckReport.model_validate(doc)


def _item(hit: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "list",
        "item",
        "route",
        "reason",
        "persons",
        "tier",
        "name",
        "name_en",
        "data_kind",
        "candidate",
        "source_text",
        "evidence",
        "persons_query",
    )
    return {k: hit[k] for k in keys if k in hit}
