"""What every part of a report shares: the strict base model, the value types, and small records.

Every model of the report contract derives from :class:`Contract`: a key the
contract does not name is an error (``extra="forbid"``), and values are taken
as they are written (``strict``: ``"12"`` is not a number, ``1`` is not
``true``), so that a producer drifting from the contract fails a test instead
of writing a report an auditor's tools misread.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from catalog.models import Route

#: The export route a decision can come to: outside the list (Art. 10) or one of the lists' routes.
Decision = Literal["outside", Route]
#: Personal-information class: sensitive PI (PIPL Art. 28) or general PI.
PiClass = Literal["sensitive", "general"]
#: Which persons a count means: every person with PI, those with sensitive PI, those whose general PI leaves.
PiKind = Literal["any", "general", "sensitive"]
#: An instant in UTC, to the second: ``2026-06-30T08:00:00Z``.
Timestamp = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
#: A calendar day: ``2026-06-30``.
Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
#: A SHA-256 in lower-case hex.
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
#: An entity type id as the recognizers report it: ``CN_RESIDENT_ID``, ``GEO_COORDINATE``.
EntityType = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]
#: A share between 0 and 1.
Ratio = Annotated[float, Field(ge=0, le=1)]
#: A number of things (rows, persons, columns …).
Number = Annotated[int, Field(ge=0)]


class Contract(BaseModel):
    """A part of a report whose shape chujing defines: unknown keys and loose types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Tool(Contract):
    """The program that wrote the report."""

    name: Literal["chujing"] = Field(description="Always `chujing`.")
    version: str = Field(description="The chujing version that wrote the report (its package version).")


class DocumentApplied(Contract):
    """A catalogue document (negative list or reference rule) the report applied, with the hash of its file.

    The hash ties the decision to the exact regulatory text: the same id and
    version with another hash is an edited file.
    """

    id: str = Field(description="Catalogue document id, e.g. `jiangsu-2025-biopharma`.")
    version: str = Field(description="The document's own version string.")
    sha256: Sha256 = Field(description="SHA-256 of the YAML file the document was read from.")
    source: str = Field(
        description="`built-in` for chujing's own catalogue, else the path of the user's file."
    )


class ListApplied(DocumentApplied):
    """A negative list the decision applied, with the strictest route its items that were hit require."""

    route: Decision = Field(
        description="Strictest route among this list's items that were hit; `outside` when none."
    )


class Count(Contract):
    """Persons: in this export, exported earlier this year (within the scope counted), and both together."""

    this_export: Number = Field(description="Persons whose PI is in the data scanned or checked.")
    prior_this_year: Number = Field(
        description="Persons of earlier exports this year (from 1 January, per the ledger) not in this export; "
        "0 for a scan, which sees no ledger."
    )
    total: Number = Field(
        description="`this_export + prior_this_year`: the cumulative number a threshold is met by."
    )


class Quote(Contract):
    """An article of the regulation, quoted."""

    article: int = Field(description="Article number in the measures the reference rule is annexed to.")
    source_text: str = Field(description="The article's original Chinese text.")
    text_en: str = Field(description="A working English translation ('' when none).")


class Integrity(Contract):
    """The seal: a SHA-256 of the report's canonical form, and an HMAC when a signing key was given.

    Canonical form (chujing-c14n/1): the report without this member, serialised
    as JSON with keys sorted by code point, separators `,` `:`, no whitespace,
    non-ASCII written as itself, UTF-8.  `chujing verify-report` recomputes it.
    """

    canonicalization: Annotated[str, StringConstraints(pattern=r"^chujing-c14n/1\b")] = Field(
        description="The canonical form's name and rules."
    )
    sha256: Sha256 = Field(description="SHA-256 of the canonical form.")
    hmac_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        default=None,
        description="HMAC-SHA-256 of the canonical form under the signing key; absent when unsigned.",
    )
    signed: bool = Field(description="Whether `hmac_sha256` is present.")
