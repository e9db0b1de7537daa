"""How many natural persons a table concerns: exact, normalised, counted by the engine.

The negative lists count *natural persons, de-duplicated* (以自然人为单位去重),
not rows.  A scan only samples, so this module goes back to the source once the
scan has said which columns hold identifiers, and asks the engine for the exact
number of distinct persons — ``COUNT`` over ``GROUP BY`` a normalised key, in
the database for SQL sources and in DuckDB for Parquet — never by pulling a
table into Python.

Which columns identify a person
    From the scan's column findings, by rank: resident ID number > passport >
    Hong Kong/Macao/Taiwan permit > foreigner permanent-residence ID > driving-
    licence file number > mobile number > e-mail > bank card > name + date of
    birth > VIN > licence plate > medical-record number.  The best column of
    every kind present forms a *chain*: a row is keyed by the first kind it has
    a value for (a foreign patient without an ID number is still counted, by
    passport).  ``--person-key COL[,COL]`` replaces the chain with the named
    columns (a pseudonymous subject code, or several columns as one composite
    key) in a table that has them; repeated, each table takes the first it has.

Normalisation (the same in SQL and in Python, see :mod:`scanner.export.person_keys`)
    Resident IDs: full-width digits and ``Ｘ``/``x`` folded, spaces and dashes
    removed, and reduced to their 17-character body, because the first 17
    digits determine an 18-digit ID and a 15-digit (pre-1999) ID maps to
    ``first6 + "19" + rest``; so ``…2X``, ``…2x`` and the 15-digit form of the
    same person give one key.  Mobile numbers: separators and ``+86``/``0086``
    removed.  E-mail: trimmed and lower-cased.  Documents, VINs and plates:
    upper-cased without separators.  ``--person-key`` codes: trimmed and
    upper-cased (unless the scan found a known identifier in the column).  Each key is tagged with its kind
    (``resident_id:…``) so that a mobile number never equals an ID number.

Signatures: which PI each person's own rows carry
    The thresholds count persons by what *their* data holds, not by what their
    table holds: 50,000 owners with name + mobile, 40 of them with an ID number,
    are 40 persons with sensitive PI and 50,000 whose general PI leaves
    (catalog.findings explains the bands).  So every PI column of a table adds a
    *flag* to the key: 1 when the row carries a value there (a non-empty value
    of a column the scan validated, or, in free text, a span of the type's
    pattern), and per person the engine takes the maximum over their rows.  A
    resident ID or birth date that makes the person younger than 14 on the
    as-of date flags :data:`catalog.findings.MINOR`.  The flags of a person are
    their *signature*; a table's count is persons per signature.

Across tables (see :mod:`scanner.export.check`)
    Persons keyed by the same kind are one person when their normalised keys
    are equal, whichever table or source they come from.  Persons keyed by
    different kinds (an ID number here, a mobile number there) cannot be joined
    and are counted separately: an upper bound, which ``--person-key`` makes
    exact when the tables share a subject code.  Rows with no value in any key
    column are each counted as a person (``rows_without_key``), again the
    cautious reading.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.findings import PersonQuery, Signature, count_matching, merge_signatures
from catalog.report import PersonTally as TallyModel
from catalog.report import Table
from connectors.base import Connector, SignatureGroup, TableInfo
from scanner.export.person_plan import ElementFlag, KeyPart, KeyPlan, key_spec, plan_person_key

#: Rows per batch when distinct keys are streamed out of the engine (for hashing into the ledger).
KEY_BATCH_ROWS = 50_000

# --- counting -----------------------------------------------------------------------------------


@dataclass
class PersonTally:
    """Persons in one table.

    ``persons`` counts distinct keys plus rows without any key (each taken as
    a person); when no key can be had at all it is the row count
    (``basis = "row_count_upper_bound"``).  ``signatures`` splits the persons by
    the elements their own rows carry; ``persons_sensitive`` and
    ``persons_general`` are read from it (a person may be in both: their
    general PI leaves beside their sensitive PI).
    """

    table: str
    source: str = ""
    schema: str | None = None
    key_columns: list[str] = field(default_factory=list)
    key_kind: str = "none"
    key_parts: list[KeyPart] = field(default_factory=list)
    flags: list[ElementFlag] = field(default_factory=list)
    persons: int = 0
    distinct_keys: int = 0
    rows_without_key: int = 0
    sensitive: bool = False
    #: persons per signature: keyed persons, and (separately) rows without a key
    signatures: dict[Signature, int] = field(default_factory=dict)
    unkeyed_signatures: dict[Signature, int] = field(default_factory=dict)
    basis: str = "distinct_key"  # distinct_key | row_count_upper_bound | no_personal_information | error
    note: str | None = None
    error: str | None = None

    @property
    def keyed(self) -> bool:
        """Whether the persons can be hashed into the ledger (and merged with other tables)."""
        return self.basis == "distinct_key" and self.distinct_keys > 0

    @property
    def unkeyed(self) -> int:
        """Persons counted without a key: they cannot be de-duplicated across tables or exports."""
        return self.persons - self.distinct_keys if self.basis != "no_personal_information" else 0

    @property
    def persons_sensitive(self) -> int:
        return count_matching(self.all_signatures(), PersonQuery("sensitive"))

    @property
    def persons_general(self) -> int:
        return count_matching(self.all_signatures(), PersonQuery("general"))

    def all_signatures(self) -> dict[Signature, int]:
        return merge_signatures(self.signatures, self.unkeyed_signatures)

    def signature_of(self, flags: Sequence[int]) -> Signature:
        """The elements a row (or a key's rows) with these flag values carries."""
        return frozenset(f.element for f, v in zip(self.flags, flags, strict=True) if v)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "table": self.table,
            "key_kind": self.key_kind,
            "key_columns": list(self.key_columns),
            "key_chain": [p.to_dict() for p in self.key_parts],
            "sensitive": self.sensitive,
            "persons": self.persons,
            "persons_sensitive": self.persons_sensitive,
            "persons_general": self.persons_general,
            "distinct_keys": self.distinct_keys,
            "rows_without_key": self.rows_without_key,
            "signatures": [
                {"elements": sorted(sig), "persons": n}
                for sig, n in sorted(self.all_signatures().items(), key=lambda kv: (-kv[1], sorted(kv[0])))
            ],
            "basis": self.basis,
        }
        if self.schema:
            out["schema"] = self.schema
        if self.note:
            out["note"] = self.note
        if self.error:
            out["error"] = self.error
        return out

    def to_model(self) -> TallyModel:
        """The tally as a report carries it (``tables[].persons``, ``persons.tables``)."""
        return TallyModel.model_validate(self.to_dict())


def count_persons(
    connector: Connector,
    table_info: TableInfo,
    report_table: Table,
    *,
    person_key: Sequence[str] | None = None,
    as_of: _dt.date | None = None,
) -> PersonTally:
    """Count the distinct persons of one scanned table, exactly, in the engine, per signature.

    ``report_table`` is the table's entry in the annotated scan report (its
    columns' entities and ``pi_class`` decide the key and the flags).  A
    connector that cannot evaluate key expressions, or a table without any
    identifying column, gives the row count as an upper bound and says so in
    ``note``.  Raises :class:`~connectors.base.SourceError` when the engine fails.
    """
    tally = PersonTally(
        table=report_table.qualified_name,
        source=report_table.source,
        schema=report_table.schema_,
    )
    plan = plan_person_key(report_table, person_key, as_of=as_of)
    if plan is None:
        tally.basis = "no_personal_information"
        return tally
    tally.sensitive, tally.note = plan.sensitive, plan.note
    tally.key_parts, tally.key_columns, tally.key_kind = list(plan.parts), plan.columns, plan.kind
    tally.flags = list(plan.flags)
    groups: list[SignatureGroup] | None = None
    try:
        groups = connector.key_signature_counts(table_info, key_spec(plan))
    except NotImplementedError:
        tally.note = _join(
            tally.note,
            f"{type(connector).__name__} cannot count keys in the engine: persons are taken as the row count, "
            "each with every kind of PI the table holds (an upper bound)",
        )
    if groups is None:
        rows = report_table.row_count
        tally.persons = rows if rows is not None else report_table.sampled_rows
        tally.basis = "row_count_upper_bound"
        tally.rows_without_key = tally.persons
        tally.unkeyed_signatures = {frozenset(f.element for f in plan.flags): tally.persons}
        return tally
    for g in groups:
        sig = tally.signature_of(g.flags)
        bucket = tally.signatures if g.keyed else tally.unkeyed_signatures
        bucket[sig] = bucket.get(sig, 0) + g.persons
    tally.distinct_keys = sum(tally.signatures.values())
    tally.rows_without_key = sum(tally.unkeyed_signatures.values())
    tally.persons = tally.distinct_keys + tally.rows_without_key
    if not plan.parts:
        tally.basis = "row_count_upper_bound"
    elif tally.rows_without_key:
        tally.note = _join(
            tally.note,
            f"{tally.rows_without_key:,} rows have no value in any key column ({', '.join(plan.columns)}); "
            "each is counted as a person (upper bound)",
        )
    return tally


def _join(note: str | None, extra: str) -> str:
    return f"{note}; {extra}" if note else extra


def iter_person_keys(
    connector: Connector,
    table_info: TableInfo,
    tally: PersonTally,
    *,
    batch_rows: int = KEY_BATCH_ROWS,
) -> Iterator[list[tuple[str, Signature]]]:
    """Stream the distinct normalised, kind-tagged keys of a counted table with each person's signature.

    Memory holds one batch; the engine does the de-duplication.  The keys are
    raw identifiers: callers hash them at once (see :mod:`scanner.export.ledger`) and
    never write or log them.
    """
    if not tally.keyed:
        return
    plan = KeyPlan(tuple(tally.key_parts), tally.sensitive, flags=tuple(tally.flags))
    for batch in connector.iter_key_signatures(table_info, key_spec(plan), batch_rows=batch_rows):
        yield [(k, tally.signature_of(flags)) for k, flags in batch]


def iter_hashed_person_keys(
    connector: Connector,
    table_info: TableInfo,
    tally: PersonTally,
    hash_many: Callable[[Sequence[str]], Sequence[bytes]],
    *,
    batch_rows: int = KEY_BATCH_ROWS,
) -> Iterator[list[tuple[bytes, Signature]]]:
    """:func:`iter_person_keys` hashed by ``hash_many`` (a picklable function: the ledger's HMAC), per person.

    The connector hashes the keys where it can (Spark on its executors, so that
    no raw key reaches this process), else as they stream out of the engine.
    """
    if not tally.keyed:
        return
    plan = KeyPlan(tuple(tally.key_parts), tally.sensitive, flags=tuple(tally.flags))
    batches = connector.iter_hashed_key_signatures(
        table_info, key_spec(plan), hash_many, batch_rows=batch_rows
    )
    for batch in batches:
        yield [(h, tally.signature_of(flags)) for h, flags in batch]
