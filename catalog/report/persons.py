"""Persons as ``chujing check`` counts them: per table, keyed by identifiers, split by what their rows carry.

The lists count distinct natural persons (以自然人为单位), cumulatively from 1
January.  The check counts each table's persons in its engine by a chain of
identifiers (resident ID, then mobile, then name + birth date …) and describes
each person by the elements their own rows carry (a *signature*), so that a
band worded 1万人以上敏感个人信息 counts only the persons whose rows hold
sensitive PI.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from catalog.report.common import Contract, Number

#: Kinds of identifier that key a person, best first; ``person_key`` is ``--person-key``; ``none``: no key.
KeyKind = Literal[
    "resident_id",
    "passport",
    "hmt_permit",
    "foreigner_pr",
    "driver_file_no",
    "mobile",
    "email",
    "bank_card",
    "name_birth_date",
    "vin",
    "licence_plate",
    "medical_record_no",
    "person_key",
]


class KeyLink(Contract):
    """One link of a table's key chain: a row is keyed by the first link whose column(s) it has values in."""

    kind: KeyKind = Field(description="The kind of identifier.")
    columns: list[str] = Field(description="The column(s) carrying it (two for `name_birth_date`).")


class SignatureCount(Contract):
    """Persons who carry exactly these elements in their own rows."""

    elements: list[str] = Field(
        description="Entity types the persons' rows carry (`GEO_COORDINATE:fine|coarse` by precision, "
        "`MINOR_UNDER_14` for children under 14, `TYPE:sensitive|general` for a contextual type)."
    )
    persons: Number = Field(description="Persons with this signature.")


class PersonTally(Contract):
    """The persons of one table, counted in its engine."""

    source: str = Field(description="The table's source, as `sources[].uri` shows it.")
    table: str = Field(description="The table, `schema.table` when it has a schema.")
    key_kind: KeyKind | Literal["none"] = Field(
        description="The first kind of the key chain; `none` without a key."
    )
    key_columns: list[str] = Field(description="Columns of the key chain, in its order.")
    key_chain: list[KeyLink] = Field(description="The identifiers that key a row's person, best first.")
    sensitive: bool = Field(description="Whether the table holds sensitive PI.")
    persons: Number = Field(
        description="Distinct persons: distinct keys plus rows without any key (each taken as a person); the row "
        "count when no key could be had (`basis` says so)."
    )
    persons_sensitive: Number = Field(description="Persons whose own rows carry sensitive PI.")
    persons_general: Number = Field(
        description="Persons whose rows carry general PI (a person may be in both)."
    )
    distinct_keys: Number = Field(description="Distinct normalised keys.")
    rows_without_key: Number = Field(description="Rows with PI but no value in any key column.")
    signatures: list[SignatureCount] = Field(description="Persons per signature, largest first.")
    basis: Literal["distinct_key", "row_count_upper_bound", "no_personal_information", "error"] = Field(
        description="`distinct_key`: counted by keys; `row_count_upper_bound`: no key, the row count; "
        "`no_personal_information`: nothing to count; `error`: counting failed (see `error`)."
    )
    schema_: str | None = Field(
        default=None, alias="schema", description="The table's schema; absent when none."
    )
    note: str | None = Field(
        default=None, description="How the key was chosen or why it was not; absent when none."
    )
    error: str | None = Field(default=None, description="Why counting failed; absent when it did not.")
