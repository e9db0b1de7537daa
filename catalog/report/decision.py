"""What the catalogue decided: negative-list items and route, important-data candidates, the person figure.

``list_items`` is the negative lists applied to the findings (which items are
hit, not hit or need a person, and the strictest route); ``important_data`` the
unified identification rule's quantitative tests; ``candidate_important_data``
every reason the report has to call data candidate important data; ``persons``
the one person figure every format shows.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from catalog.models import Route
from catalog.report.common import (
    Contract,
    Count,
    Decision,
    DocumentApplied,
    EntityType,
    ListApplied,
    Number,
    PiClass,
    PiKind,
    Quote,
    Ratio,
)

#: What the numbers of a decision rest on: a scan's row counts, or the check's distinct persons (with the ledger).
PersonsBasis = Literal["row_count_upper_bound", "distinct_persons", "ledger"]
#: What kind of data an item is about.
DataKind = Literal["important_data", "personal_information", "sensitive_personal_information"]
#: Why a person must look: the content type, a scale without a number, a judgement, a unit chujing does not
#: count, or data the list's scope note leaves to the general rules.
ReviewKind = Literal["modality", "scale", "judgement", "counting_unit", "scope"]
#: What a test of the identification rule counts: persons with PI, with sensitive PI, or with sensitive PI that
#: includes bank, insurance or registered accounts or diagnosis data.
Measure = Literal["persons_pi", "persons_sensitive_pi", "persons_sensitive_pi_with_accounts_or_diagnosis"]


# --- an item's evidence ------------------------------------------------------------------------------


class EntityEvidence(Contract):
    """A column where the item's entity type was found."""

    kind: Literal["entity"]
    type: EntityType = Field(description="Entity type.")
    table: str = Field(description="Table (`schema.table` when it has a schema).")
    column: str = Field(description="Column.")
    match_ratio: Ratio = Field(description="Share of sampled values that matched.")
    pi_class: PiClass | None = Field(
        description="The finding's PI class; null when not personal information."
    )
    precision_m: float | None = Field(
        default=None, description="Coordinates only: planar precision in metres."
    )


class CategoryEvidence(Contract):
    """A column filed under a reference-rule sub-category the item names."""

    kind: Literal["category"]
    rule: str = Field(description="The reference rule's id.")
    code: str = Field(description="Sub-category code.")
    name: str = Field(description="Sub-category name, Chinese.")
    table: str
    column: str


class ExportControlEvidence(Contract):
    """A technology-catalogue code (《中国禁止出口限制出口技术目录》, e.g. `082701J`) and where it was seen."""

    kind: Literal["export_control_code"]
    code: str
    where: list[str] = Field(description="Table and column names or comments it appears in.")


class WordsEvidence(Contract):
    """Evidence its producer worded itself (a trajectory's measured decimals, precision and interval)."""

    kind: Literal["words"]
    text: str


ItemEvidence = Annotated[
    EntityEvidence | CategoryEvidence | ExportControlEvidence | WordsEvidence, Field(discriminator="kind")
]


# --- negative-list items ----------------------------------------------------------------------------


class Scope(Contract):
    """Which earlier exports of the year accumulate toward an item (null: all of them)."""

    scenarios: list[str] | None = Field(
        description="Scenario ids whose exports count; null for any scenario."
    )
    subjects: list[str] | None = Field(
        description="Data-subject ids whose exports count; null for any subject."
    )


class PersonsQuery(Contract):
    """Which persons a hit counted, as a query and in words."""

    kind: PiKind = Field(
        description="`any`: every person with PI; `sensitive`: persons whose rows carry sensitive PI; `general`: "
        "persons whose general PI leaves."
    )
    elements: list[str] = Field(
        description="Only persons carrying one of these entity types (a scoped threshold)."
    )
    sensitive_elements: list[str] = Field(
        description="Entity types the list defines as sensitive PI within the item's scope."
    )
    scope: Scope = Field(description="Which earlier exports of the year are added.")
    words: str = Field(description="The same in words.")


class CountingRule(Contract):
    """How persons were counted against the item's thresholds (个人信息计算数量…)."""

    origin: Literal["item", "list", "default"] = Field(
        description="Whose rule: the item's own, the list's, or the default (自当年1月1日起累计, per natural person)."
    )
    cumulative_from: str | None = Field(
        description="`MM-DD` from which exports accumulate; null: this export alone."
    )
    unit: str = Field(description="What one counts: `natural_person` (以自然人为单位去重).")
    excluded_cases: list[str] = Field(description="Exports the rule does not count (taken to be left out).")
    source_text: str = Field(description="The rule's original text.")


class ItemHit(Contract):
    """A negative-list item the export falls under, with its route and the reason in the list's own words."""

    list_: str = Field(alias="list", description="Negative list id.")
    item: int = Field(description="Item number in the list.")
    outcome: Literal["hit"]
    route: Route = Field(description="The route the item requires.")
    tier: str = Field(description="The list's tier (档) the item is in.")
    data_kind: DataKind = Field(
        description="Important data, personal information or sensitive personal information."
    )
    candidate: bool = Field(description="True for important data: a candidate only (Jiangsu Art. 17).")
    name: str = Field(description="Item name, Chinese.")
    name_en: str = Field(description="Item name, English.")
    reason: str = Field(description="Why it is hit: scenario, subjects, evidence, persons against the bands.")
    source_text: str = Field(description="The item's original text.")
    persons: Count = Field(description="Persons counted for the band that was met.")
    persons_query: PersonsQuery = Field(description="Which persons were counted.")
    evidence: list[ItemEvidence] = Field(description="Every finding that shows the item's data.")
    counting_rule: CountingRule | None = Field(
        default=None, description="How persons were counted; absent for an item without thresholds."
    )


class NotHit(Contract):
    """An item examined and not hit, with the reason."""

    list_: str = Field(alias="list")
    item: int
    outcome: Literal["not_hit"]
    reason: str


class ManualReview(Contract):
    """Something a person must judge before the export; it never sets the route."""

    list_: str = Field(alias="list", description="Negative list id.")
    item: int | None = Field(description="Item number; null for a list's scope note.")
    note: int | None = Field(
        default=None, description="The list's note number, for `review: scope`; else absent."
    )
    outcome: Literal["needs_review"]
    review: ReviewKind = Field(
        description="`modality`: content type not declared; `scale`: a scale without a number; `judgement`; "
        "`counting_unit`: counted in a unit other than persons; `scope`: data the list does not cover."
    )
    route: Route | None = Field(description="The item's route were it hit; null for a scope note.")
    reason: str
    source_text: str = Field(description="The item's or note's original text.")


class DecisionPersons(Contract):
    """Persons per kind of PI the decision counted."""

    any: Count = Field(description="Every person with PI.")
    sensitive: Count = Field(description="Persons whose own rows carry sensitive PI.")
    general: Count = Field(description="Persons whose general PI leaves (those with sensitive PI too).")
    persons_basis: PersonsBasis = Field(description="What the numbers rest on (see `persons_basis` above).")


class ListItems(Contract):
    """The negative lists applied to the export: items hit, not hit and to review, and the strictest route."""

    route: Decision = Field(description="The strictest route of the items hit; `outside` when none is hit.")
    route_label: str = Field(description="The route in Chinese and English.")
    exit_status: Literal[0, 10, 20, 30] = Field(
        description="The route as `chujing check` exits with it: 0 outside, 10 standard contract or "
        "certification, 20 security assessment, 30 other lawful route."
    )
    scenario: str | None = Field(description="The declared business scenario id; null when none.")
    subject: str | None = Field(description="The declared data-subject id; null when none.")
    persons: DecisionPersons = Field(description="Persons the decision counted.")
    persons_basis: PersonsBasis = Field(
        description="`row_count_upper_bound`: a scan's sum of the row counts of tables holding PI; "
        "`distinct_persons`: counted by `chujing check`; `ledger`: counted by `chujing check` with the year's "
        "earlier exports from the ledger."
    )
    lists: list[ListApplied] = Field(description="The lists applied, with each one's route.")
    items: list[ItemHit] = Field(description="Items hit.")
    not_hit: list[NotHit] = Field(description="Items examined and not hit.")
    manual_review: list[ManualReview] = Field(description="Items and notes a person must judge.")
    notes: list[str] = Field(description="Notes on the decision (export-control codes, Art. 17).")


# --- the identification rule -------------------------------------------------------------------------


class CriterionResult(Contract):
    """One quantitative test of the unified identification rule (重要数据统一识别参考规则) against the data."""

    clause: int = Field(description="Clause number in the rule.")
    measure: Measure = Field(description="What is counted.")
    threshold: str = Field(description="The bound: `≥ 1,000,000` (以上) or `> 1,000,000` (超过).")
    operator_type: Literal["any", "ciio"] = Field(
        description="`ciio`: applies only to critical-information-infrastructure operators."
    )
    met: bool = Field(description="Whether the data meets the test (then it is candidate important data).")
    count: Number = Field(description="Persons counted in the scanned data.")
    persons_counted: str = Field(description="Which persons, in words.")
    reason: str
    source_text: str = Field(description="The criterion's original text.")


class ClauseReview(Contract):
    """A qualitative clause of the identification rule a scan cannot decide."""

    clause: int
    source_text: str
    text_en: str


class ExportControl(Contract):
    """Technology-catalogue codes found: export-controlled technical data follows the Export Control Law."""

    codes: dict[str, list[str]] = Field(description="Each code and where it was seen.")
    note: str
    article: Quote | None = Field(description="The measures' export-control article, quoted; null when none.")


class ImportantData(Contract):
    """The unified identification rule applied to the scanned data: candidate important data or not."""

    rule: DocumentApplied = Field(description="The reference rule applied.")
    status: Literal["candidate", "not_indicated"] = Field(description="`candidate` when any test is met.")
    persons_basis: PersonsBasis = Field(description="What the person counts rest on.")
    ciio: bool = Field(description="Whether the export was declared a CIIO's (`--ciio`).")
    candidates: list[CriterionResult] = Field(description="Tests met.")
    not_met: list[CriterionResult] = Field(description="Tests not met.")
    manual_review: list[ClauseReview] = Field(description="Qualitative clauses for a person to judge.")
    note: str = Field(description="A scan shows candidates only (Jiangsu Art. 17).")
    declaration: Quote | None = Field(description="The article on declaring important data, quoted.")
    export_control: ExportControl | None = Field(
        description="Null when no technology-catalogue code was found."
    )


# --- candidate important data and the person figure -----------------------------------------------------


class ListCandidate(Contract):
    """A negative-list item of important data that was hit."""

    source: Literal["negative_list"]
    list_: str = Field(alias="list")
    item: int
    route: Route
    name: str
    name_en: str
    reason: str


class RuleCandidate(Contract):
    """A test of the identification rule that the data meets."""

    source: Literal["identification_rule"]
    rule: str = Field(description="The reference rule's id.")
    clause: int
    measure: Measure
    threshold: str
    reason: str


Candidate = Annotated[ListCandidate | RuleCandidate, Field(discriminator="source")]


class PersonFigure(Contract):
    """How many natural persons the report's PI concerns, and how that was found: the one figure every format shows."""

    count: Number | None = Field(description="Persons; null when no table could be read.")
    sensitive: Number | None = Field(
        description="Persons with sensitive PI; null when the source does not say."
    )
    general: Number | None = Field(description="Persons with general PI; null when the source does not say.")
    basis: Literal["distinct_persons", "row_count_upper_bound", "none"] = Field(
        description="`distinct_persons`: counted exactly (de-duplicated); `row_count_upper_bound`: the sum of the "
        "row counts of the tables holding PI, which no number of distinct persons can exceed; `none`: no table "
        "read holds PI."
    )
    derivation: str = Field(description="How the figure was found, in one sentence.")
    tables: Number = Field(description="Tables holding PI that the figure covers.")
