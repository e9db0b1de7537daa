"""The check report, ``chujing.check/1``: the pre-export gate's decision, with the scan it rests on.

``chujing check`` (and ``chujing ledger record``) scan the data about to leave,
count its distinct persons, add the persons exported earlier this year from the
ledger, and decide.  The decision's exit status is ``exit_status``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from catalog.models import Route
from catalog.report.common import (
    Contract,
    Count,
    Day,
    Decision,
    Integrity,
    ListApplied,
    Number,
    Timestamp,
    Tool,
)
from catalog.report.decision import Candidate, DataKind, ItemEvidence, ManualReview, NotHit, PersonsQuery
from catalog.report.persons import PersonTally
from catalog.report.scan import ScanReport

CHECK_SCHEMA = "chujing.check/1"
#: From 1 January of the year to the day of the export.
Window = Annotated[list[Day], Field(min_length=2, max_length=2)]


class CheckItem(Contract):
    """A negative-list item the export falls under."""

    list_: str = Field(alias="list", description="Negative list id.")
    item: int = Field(description="Item number in the list.")
    route: Route = Field(description="The route the item requires.")
    reason: str = Field(description="Why it is hit, in the list's own words.")
    persons: Count = Field(
        description="Persons counted for the band met: this export, earlier this year, total."
    )
    tier: str = Field(description="The list's tier (档).")
    name: str = Field(description="Item name, Chinese.")
    name_en: str = Field(description="Item name, English.")
    data_kind: DataKind
    candidate: bool = Field(description="True for important data: a candidate only (Jiangsu Art. 17).")
    source_text: str = Field(description="The item's original text.")
    evidence: list[ItemEvidence] = Field(description="Every finding that shows the item's data.")
    persons_query: PersonsQuery = Field(description="Which persons were counted.")


class YearCount(Count):
    """Persons of one kind, de-duplicated across this export and the year's earlier ones."""

    already_exported_this_year: Number = Field(
        description="Persons of this export who were in an earlier export this year too (counted once)."
    )


class Counting(Contract):
    """The year's numbers as the ledger gave them (every scope), for audit."""

    as_of: Day = Field(description="The export's date.")
    this_any: Number
    this_sensitive: Number
    this_general: Number
    prior_any: Number = Field(description="Persons of earlier exports this year not in this export.")
    prior_sensitive: Number
    prior_general: Number
    overlap_any: Number = Field(description="Persons of this export already exported this year.")
    overlap_sensitive: Number
    overlap_general: Number
    prior_exports: Number = Field(description="Earlier exports this year in the ledger (exempt ones aside).")
    prior_unkeyed: Number = Field(description="Persons of earlier exports counted without a key.")
    this_unkeyed: Number = Field(
        description="Persons of this export counted without a key (not de-duplicated)."
    )
    window: Window = Field(description="[1 January, as_of].")


class CheckPersons(Contract):
    """Distinct natural persons (以自然人为单位去重), cumulative from 1 January (自当年1月1日起累计)."""

    any: YearCount = Field(description="Every person with PI.")
    sensitive: YearCount = Field(description="Persons whose own rows carry sensitive PI.")
    general: YearCount = Field(description="Persons whose general PI leaves (those with sensitive PI too).")
    basis: Literal["ledger", "distinct_persons"] = Field(
        description="`ledger`: this export's persons de-duplicated against the year's exports in the ledger; "
        "`distinct_persons`: no ledger yet, this export's persons alone."
    )
    counting: Counting = Field(description="The ledger's numbers.")
    tables: list[PersonTally] = Field(description="Per table: how its persons were keyed and counted.")


class Recorded(Contract):
    """The export written to the ledger (`chujing ledger record`)."""

    id: str = Field(description="Export id (`chujing ledger forget ID` removes it).")
    exported_at: Day
    exempt: str | None = Field(
        description="The CBDF Provisions article it is exempt under (不计入累计数量); null if none."
    )
    counted_towards_cumulative: bool = Field(description="Whether later exports count its persons.")
    persons: Number = Field(description="Its persons.")


class LedgerState(Contract):
    """The ledger consulted: where, under which key, and the year's window."""

    location: str = Field(description="The ledger database, credentials masked.")
    exists: bool = Field(description="Whether it existed (a first export creates it only when recorded).")
    key_fingerprint: str = Field(
        description="A fingerprint of the HMAC key the persons are kept under (not the key)."
    )
    window: Window = Field(description="[1 January, the export's date].")
    prior_exports: Number = Field(description="Earlier exports this year.")
    exempt_articles: list[str] = Field(
        description="Articles whose exports do not count towards the cumulative number."
    )
    recorded: Recorded | None = Field(
        description="The export recorded by `chujing ledger record`; null for a check."
    )


class CheckReport(Contract):
    """A check report (`chujing.check/1`): the route an export needs, on its distinct persons this year."""

    schema_: Literal["chujing.check/1"] = Field(alias="schema", description="The contract and its version.")
    tool: Tool
    started_at: Timestamp
    finished_at: Timestamp
    route: Decision = Field(description="The strictest route of the items hit; `outside` when none.")
    route_label: str = Field(description="The route in Chinese and English.")
    exit_status: Literal[0, 2, 5, 10, 20, 30] = Field(
        description="What `chujing check` exits with: 2 when a source or table could not be read (its persons are "
        "missing), else the route (0 outside, 10 standard contract or certification, 20 security assessment, "
        "30 other lawful route), and 5 instead of 0 when something needs a person's review."
    )
    as_of: Day = Field(description="The export's date: earlier exports from 1 January up to it are added.")
    lists: list[ListApplied] = Field(description="The lists applied, with each one's route.")
    scenario: str | None = Field(description="The declared business scenario id.")
    subject: str | None = Field(description="The declared data-subject id.")
    recipient: str | None = Field(description="The overseas recipient (`--recipient`); null when not given.")
    person_key: list[list[str]] | None = Field(
        description="`--person-key` column sets, in the order given; null when persons are keyed by the findings."
    )
    items: list[CheckItem] = Field(description="Items hit.")
    candidate_important_data: list[Candidate]
    manual_review: list[ManualReview] = Field(
        description="What a person must judge (exit 5 when nothing is hit)."
    )
    not_hit: list[NotHit]
    notes: list[str]
    persons: CheckPersons
    ledger: LedgerState
    errors: list[str] = Field(description="Sources and tables that could not be read or counted (exit 2).")
    scan: ScanReport = Field(
        description="The scan the decision rests on (unsealed; this report's seal covers it)."
    )
    integrity: Integrity | None = Field(
        default=None, description="The seal; absent only before the report is written."
    )
