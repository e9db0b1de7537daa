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

Normalisation (the same in SQL and in Python, see :func:`normalize`)
    Resident IDs: full-width digits and ``Ｘ``/``x`` folded, spaces and dashes
    removed, and reduced to their 17-character body, because the first 17
    digits determine an 18-digit ID and a 15-digit (pre-1999) ID maps to
    ``first6 + "19" + rest``; so ``…2X``, ``…2x`` and the 15-digit form of the
    same person give one key.  Mobile numbers: separators and ``+86``/``0086``
    removed.  E-mail: trimmed and lower-cased.  Documents, VINs and plates:
    upper-cased without separators.  ``--person-key`` codes: trimmed and
    upper-cased (unless the scan found a known identifier in the column).  Each key is tagged with its kind
    (``resident_id:…``) so that a mobile number never equals an ID number.

Sensitive and general persons
    The thresholds count persons with sensitive PI and persons with only
    general PI separately.  A table with any sensitive-PI column makes all of
    its persons sensitive-PI persons; a person is general-only when none of the
    tables (and, in the ledger, none of the year's exports) holds sensitive PI
    about them.

Across tables (see :mod:`scanner.check`)
    Persons keyed by the same kind are one person when their normalised keys
    are equal, whichever table or source they come from.  Persons keyed by
    different kinds (an ID number here, a mobile number there) cannot be joined
    and are counted separately: an upper bound, which ``--person-key`` makes
    exact when the tables share a subject code.  Rows with no value in any key
    column are each counted as a person (``rows_without_key``), again the
    cautious reading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from connectors.base import Connector, KeySpec, TableInfo

#: Rows per batch when distinct keys are streamed out of the engine (for hashing into the ledger).
KEY_BATCH_ROWS = 50_000

_FULLWIDTH_DIGITS = tuple((chr(0xFF10 + d), str(d)) for d in range(10))
_SEPARATORS = (" ", "\u3000", "\t", "-", "\uff0d", "\u2010", "\u2014")
_PHONE_SEPARATORS = (*_SEPARATORS, "(", ")", "\uff08", "\uff09", "+", "\uff0b", ".")
_DATE_SEPARATORS = (*_SEPARATORS, "/", ".", "年", "月", "日", ":", "T")


@dataclass(frozen=True)
class KeyKind:
    """A kind of identifier that stands for one natural person."""

    name: str
    entities: tuple[str, ...]
    normalizer: str  # resident_id | mobile | email | document | name | date | text
    label: str


#: Person-key kinds, best first.  ``name_birth_date`` is the one composite kind.
KEY_KINDS: tuple[KeyKind, ...] = (
    KeyKind("resident_id", ("CN_RESIDENT_ID",), "resident_id", "居民身份证号 (resident ID number)"),
    KeyKind("passport", ("CN_PASSPORT",), "document", "护照号 (passport number)"),
    KeyKind("hmt_permit", ("CN_HMT_PERMIT",), "document", "港澳台通行证/居住证 (HK/Macao/Taiwan permit)"),
    KeyKind("foreigner_pr", ("CN_FOREIGNER_PR",), "document", "外国人永久居留身份证 (foreigner PR ID)"),
    KeyKind(
        "driver_file_no", ("CN_DRIVER_FILE_NO",), "document", "驾驶证档案编号 (driving-licence file no.)"
    ),
    KeyKind("mobile", ("CN_MOBILE", "MSISDN"), "mobile", "手机号 (mobile number)"),
    KeyKind("email", ("EMAIL",), "email", "电子邮箱 (e-mail)"),
    KeyKind("bank_card", ("CN_BANK_CARD",), "document", "银行卡号 (bank card number)"),
    KeyKind(
        "name_birth_date",
        ("CN_PERSON_NAME", "DATE_OF_BIRTH"),
        "composite",
        "姓名+出生日期 (name + birth date)",
    ),
    KeyKind("vin", ("VIN",), "document", "车辆识别代号 (VIN)"),
    KeyKind("licence_plate", ("CN_LICENSE_PLATE",), "document", "车牌号 (licence plate)"),
    KeyKind("medical_record_no", ("MEDICAL_RECORD_NO",), "document", "病案号 (medical-record number)"),
)
#: The kind given by ``--person-key``.
CUSTOM_KIND = "person_key"
_BY_ENTITY = {e: k for k in KEY_KINDS if k.normalizer != "composite" for e in k.entities}


# --- normalisation in Python (the reference the SQL expressions are tested against) ---------------


def _fold(value: str, separators: Sequence[str]) -> str:
    for wide, narrow in _FULLWIDTH_DIGITS:
        value = value.replace(wide, narrow)
    for sep in separators:
        value = value.replace(sep, "")
    return value


def normalize(kind: str, value: object) -> str | None:
    """The normalised key of ``value`` for a key ``kind`` (``None`` for a missing value).

    >>> normalize("resident_id", "11010519491231002x") == normalize("resident_id", "11010519491231002X")
    True
    >>> normalize("resident_id", "１１０１０５１９４９１２３１００２Ｘ")
    '11010519491231002'
    >>> normalize("resident_id", "110105491231002")  # the 15-digit form of the same person
    '11010519491231002'
    >>> normalize("mobile", "+86 138-0013-8000"), normalize("mobile", "0086 13800138000")
    ('13800138000', '13800138000')
    >>> normalize("email", "  Wang.Li@Example.COM ")
    'wang.li@example.com'
    >>> normalize("resident_id", "  ") is None
    True
    """
    if value is None:
        return None
    s = str(value)
    norm = _KIND_NORMALIZER.get(kind, "text")
    if norm == "resident_id":
        s = _fold(s, _SEPARATORS).replace("\uff38", "X").replace("\uff58", "X").upper()
        if len(s) == 18:
            s = s[:17]
        elif len(s) == 15:
            s = s[:6] + "19" + s[6:]
    elif norm == "mobile":
        s = _fold(s, _PHONE_SEPARATORS)
        if len(s) == 13 and s.startswith("86"):
            s = s[2:]
        elif len(s) == 15 and s.startswith("0086"):
            s = s[4:]
    elif norm == "email":
        s = s.strip(" ").lower()
    elif norm == "document":
        s = _fold(s, _SEPARATORS).upper()
    elif norm == "name":
        s = _fold(s, _SEPARATORS)
    elif norm == "date":
        s = _fold(s, _DATE_SEPARATORS)[:8]
    else:  # a code given with --person-key: case does not make another person (nor does it on MySQL's *_ci)
        s = s.strip(" ").upper()
    return s or None


_KIND_NORMALIZER = {k.name: k.normalizer for k in KEY_KINDS} | {
    "name": "name",
    "date": "date",
    "text": "text",
    "mobile": "mobile",
    "email": "email",
    "document": "document",
}


# --- normalisation in SQL -------------------------------------------------------------------------


#: Most functions nested in one derived column: SQLite's parser overflows at about 30.
_OPS_PER_STAGE = 12

_Op = Callable[[sa.ColumnElement], sa.ColumnElement]


def _replace(old: str, new: str) -> _Op:
    return lambda e: sa.func.replace(e, old, new, type_=sa.String)


def _fold_ops(norm: str) -> list[_Op]:
    """The first-stage steps of a normalisation: each reads the value once (see :func:`normalize`).

    Only functions every engine has: ``CAST``, ``REPLACE``, ``UPPER``, ``LOWER``,
    ``TRIM`` and ``SUBSTR``.
    """
    ops: list[_Op] = [lambda e: sa.cast(e, sa.String)]
    if norm in ("email", "text"):
        ops.append(lambda e: sa.func.trim(e, type_=sa.String))
        case = sa.func.lower if norm == "email" else sa.func.upper
        ops.append(lambda e: case(e, type_=sa.String))
        return ops
    ops += [_replace(w, n) for w, n in _FULLWIDTH_DIGITS]
    if norm == "resident_id":
        ops += [_replace("\uff38", "X"), _replace("\uff58", "X")]
    separators = {"mobile": _PHONE_SEPARATORS, "date": _DATE_SEPARATORS}.get(norm, _SEPARATORS)
    ops += [_replace(p, "") for p in separators]
    if norm in ("resident_id", "document"):
        ops.append(lambda e: sa.func.upper(e, type_=sa.String))
    elif norm == "date":
        ops.append(lambda e: sa.func.substr(e, 1, 8, type_=sa.String))
    return ops


def _second_stage(norm: str, d: sa.ColumnElement) -> sa.ColumnElement:
    """The part of a normalisation that reads the folded value more than once (length tests)."""
    length = sa.func.length(d)
    if norm == "resident_id":
        return sa.case(
            (length == 18, sa.func.substr(d, 1, 17, type_=sa.String)),
            (
                length == 15,
                sa.func.substr(d, 1, 6, type_=sa.String)
                + sa.literal("19", sa.String)
                + sa.func.substr(d, 7, 9, type_=sa.String),
            ),
            else_=d,
        )
    if norm == "mobile":
        return sa.case(
            (sa.and_(length == 13, sa.func.substr(d, 1, 2) == "86"), sa.func.substr(d, 3, type_=sa.String)),
            (sa.and_(length == 15, sa.func.substr(d, 1, 4) == "0086"), sa.func.substr(d, 5, type_=sa.String)),
            else_=d,
        )
    return d


# --- which columns key a person -------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPart:
    """One link of a table's key chain: a kind and the column(s) that carry it."""

    kind: str
    columns: tuple[str, ...]
    normalizers: tuple[str, ...]  # one per column

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "columns": list(self.columns)}


@dataclass(frozen=True)
class KeyPlan:
    """How persons are keyed in one table."""

    parts: tuple[KeyPart, ...]
    sensitive: bool
    note: str | None = None

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(c for p in self.parts for c in p.columns))

    @property
    def kind(self) -> str:
        return self.parts[0].kind if self.parts else "none"


def parse_person_key(text: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """``"subject_id"`` / ``"name,birth_date"`` → column names; ``None`` or empty → ``None``.

    >>> parse_person_key(" name , birth_date "), parse_person_key(None), parse_person_key("")
    (('name', 'birth_date'), None, None)
    """
    if text is None:
        return None
    items = [text] if isinstance(text, str) else list(text)
    cols = tuple(c.strip() for item in items for c in str(item).split(",") if c.strip())
    return cols or None


def table_has_pi(report_table: dict[str, Any]) -> bool:
    return any(c.get("pi_class") for c in report_table.get("columns", []))


def table_is_sensitive(report_table: dict[str, Any]) -> bool:
    return any(c.get("pi_class") == "sensitive" for c in report_table.get("columns", []))


def plan_person_key(report_table: dict[str, Any], person_key: Sequence[str] | None = None) -> KeyPlan | None:
    """Choose the key chain of a scanned table; ``None`` when the table holds no personal information.

    With ``person_key`` the table is keyed by those columns when it has all of
    them (matched case-insensitively); otherwise by the chain its findings give,
    with a note saying so.
    """
    if report_table.get("status", "ok") != "ok" or not table_has_pi(report_table):
        return None
    columns = report_table.get("columns", [])
    sensitive = table_is_sensitive(report_table)
    note = None
    if person_key:
        by_lower = {c["name"].lower(): c for c in columns}
        found = [by_lower.get(k.lower()) for k in person_key]
        if all(found):
            names = tuple(c["name"] for c in found)  # type: ignore[index]
            norms = tuple(_custom_normalizer(c) for c in found)  # type: ignore[arg-type]
            return KeyPlan((KeyPart(CUSTOM_KIND, names, norms),), sensitive)
        note = (
            f"--person-key {','.join(person_key)}: not every column is in this table; "
            "persons keyed by the identifiers the scan found instead"
        )
    parts: list[KeyPart] = []
    for kind in KEY_KINDS:
        if kind.normalizer == "composite":
            name_col = _best_column(columns, ("CN_PERSON_NAME",))
            dob_col = _best_column(columns, ("DATE_OF_BIRTH",))
            if name_col and dob_col and name_col != dob_col:
                parts.append(KeyPart(kind.name, (name_col, dob_col), ("name", "date")))
            continue
        col = _best_column(columns, kind.entities)
        if col:
            parts.append(KeyPart(kind.name, (col,), (kind.normalizer,)))
    if not parts:
        note = (note + "; " if note else "") + (
            "no column identifies a person (no ID, passport, mobile, e-mail, … found): persons are taken as "
            "the row count, an upper bound — give --person-key COLUMN to count them exactly"
        )
    return KeyPlan(tuple(parts), sensitive, note)


def _custom_normalizer(column: dict[str, Any]) -> str:
    """A --person-key column found to hold a known identifier is normalised as that identifier."""
    for e in sorted(column.get("entities", []), key=lambda e: -(e.get("match_ratio") or 0)):
        kind = _BY_ENTITY.get(e.get("type"))
        if kind is not None:
            return kind.normalizer
    return "text"


def _best_column(columns: Sequence[dict[str, Any]], entities: Sequence[str]) -> str | None:
    best: tuple[float, float, int] | None = None
    name = None
    for i, c in enumerate(columns):
        for e in c.get("entities", []):
            if e.get("type") in entities:
                rank = (float(e.get("match_ratio") or 0), float(e.get("score") or 0), -i)
                if best is None or rank > best:
                    best, name = rank, c["name"]
    return name


def key_spec(plan: KeyPlan) -> KeySpec:
    """The engine-side key of ``plan``: folded columns in derived stages, then the tagged, chained key.

    Each column is folded once per row in the derived stages (at most
    :data:`_OPS_PER_STAGE` nested functions each); the key then reads the folded
    values as often as it needs (a ``CASE`` on their length).
    """
    columns: list[tuple[str, str, str]] = []  # (derived name, table column, normaliser)
    for part in plan.parts:
        for column, norm in zip(part.columns, part.normalizers, strict=True):
            columns.append((f"chujing_k{len(columns)}", column, norm))
    ops = {name: _fold_ops(norm) for name, _, norm in columns}
    depth = max(-(-len(o) // _OPS_PER_STAGE) for o in ops.values())
    stages = []
    for i in range(depth):
        stage = []
        for name, column, _ in columns:
            expr: sa.ColumnElement = sa.column(column if i == 0 else name)
            for op in ops[name][i * _OPS_PER_STAGE : (i + 1) * _OPS_PER_STAGE]:
                expr = op(expr)
            stage.append((name, expr))
        stages.append(tuple(stage))
    links: list[sa.ColumnElement] = []
    names = iter(columns)
    for part in plan.parts:
        pieces = []
        for _ in part.columns:
            name, _, norm = next(names)
            pieces.append(sa.func.nullif(_second_stage(norm, sa.column(name)), sa.literal("", sa.String)))
        joined = pieces[0]
        for p in pieces[1:]:
            joined = joined + sa.literal("|", sa.String) + p
        links.append(sa.literal(f"{part.kind}:", sa.String) + joined)
    key = links[0] if len(links) == 1 else sa.func.coalesce(*links, type_=sa.String)
    return KeySpec(tuple(stages), key)


# --- counting -----------------------------------------------------------------------------------


@dataclass
class PersonTally:
    """Persons in one table.

    ``persons`` counts distinct keys plus rows without any key (each taken as
    a person); when no key can be had at all it is the row count
    (``basis = "row_count_upper_bound"``).  ``persons_sensitive`` and
    ``persons_general_only`` split it by the table's PI class.
    """

    table: str
    source: str = ""
    schema: str | None = None
    key_columns: list[str] = field(default_factory=list)
    key_kind: str = "none"
    key_parts: list[KeyPart] = field(default_factory=list)
    persons: int = 0
    persons_sensitive: int = 0
    persons_general_only: int = 0
    distinct_keys: int = 0
    rows_without_key: int = 0
    sensitive: bool = False
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
            "persons_general_only": self.persons_general_only,
            "distinct_keys": self.distinct_keys,
            "rows_without_key": self.rows_without_key,
            "basis": self.basis,
        }
        if self.schema:
            out["schema"] = self.schema
        if self.note:
            out["note"] = self.note
        if self.error:
            out["error"] = self.error
        return out


def _qualified(report_table: dict[str, Any]) -> str:
    t = report_table.get("table", "")
    return f"{report_table['schema']}.{t}" if report_table.get("schema") else str(t)


def count_persons(
    connector: Connector,
    table_info: TableInfo,
    report_table: dict[str, Any],
    *,
    person_key: Sequence[str] | None = None,
) -> PersonTally:
    """Count the distinct persons of one scanned table, exactly, in the engine.

    ``report_table`` is the table's entry in the annotated scan report (its
    columns' entities and ``pi_class`` decide the key).  A connector that cannot
    evaluate a key expression, or a table without any identifying column, gives
    the row count as an upper bound and says so in ``note``.  Raises
    :class:`~connectors.base.SourceError` when the engine fails.
    """
    tally = PersonTally(
        table=_qualified(report_table),
        source=str(report_table.get("source", "")),
        schema=report_table.get("schema"),
    )
    plan = plan_person_key(report_table, person_key)
    if plan is None:
        tally.basis = "no_personal_information"
        return tally
    tally.sensitive, tally.note = plan.sensitive, plan.note
    tally.key_parts, tally.key_columns, tally.key_kind = list(plan.parts), plan.columns, plan.kind
    counted = None
    if plan.parts:
        try:
            counted = connector.distinct_key_count(table_info, key_spec(plan))
        except NotImplementedError:
            tally.note = (
                f"{type(connector).__name__} cannot count keys in the engine: persons are taken as "
                "the row count, an upper bound"
            )
    if counted is None:
        rows = report_table.get("row_count")
        tally.persons = int(rows if rows is not None else report_table.get("sampled_rows") or 0)
        tally.basis = "row_count_upper_bound"
        tally.rows_without_key = tally.persons
    else:
        tally.distinct_keys, tally.rows_without_key = counted.distinct, counted.null_rows
        tally.persons = counted.distinct + counted.null_rows
        if counted.null_rows:
            extra = (
                f"{counted.null_rows:,} rows have no value in any key column ({', '.join(plan.columns)}); "
                "each is counted as a person (upper bound)"
            )
            tally.note = f"{tally.note}; {extra}" if tally.note else extra
    if tally.sensitive:
        tally.persons_sensitive = tally.persons
    else:
        tally.persons_general_only = tally.persons
    return tally


def iter_person_keys(
    connector: Connector,
    table_info: TableInfo,
    tally: PersonTally,
    *,
    batch_rows: int = KEY_BATCH_ROWS,
) -> Iterator[list[str]]:
    """Stream the distinct normalised, kind-tagged keys of a counted table, a batch at a time.

    Memory holds one batch; the engine does the de-duplication.  The keys are
    raw identifiers: callers hash them at once (see :mod:`scanner.ledger`) and
    never write or log them.
    """
    if not tally.keyed:
        return iter(())
    plan = KeyPlan(tuple(tally.key_parts), tally.sensitive)
    return connector.iter_distinct_keys(table_info, key_spec(plan), batch_rows=batch_rows)


__all__ = [
    "CUSTOM_KIND",
    "KEY_KINDS",
    "KeyKind",
    "KeyPart",
    "KeyPlan",
    "PersonTally",
    "count_persons",
    "iter_person_keys",
    "key_spec",
    "normalize",
    "parse_person_key",
    "plan_person_key",
]
