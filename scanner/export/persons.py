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

import sqlalchemy as sa

from catalog.findings import (
    GEO_COARSE,
    GEO_FINE,
    MINOR,
    PersonQuery,
    Signature,
    element_class,
    signature_matches,
)
from catalog.mapping import not_personal_reason
from connectors.base import Connector, KeySpec, SignatureGroup, TableInfo

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
    if norm == "raw":  # a flag's value: present when not empty after trimming
        ops.append(lambda e: sa.func.trim(e, type_=sa.String))
        return ops
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


#: Patterns that find a type's spans in free text, in the regular-expression dialect every engine shares
#: (PostgreSQL's AREs, MySQL's ICU, RE2 in DuckDB, Python's re for SQLite): a row of a note column carries
#: the element when its text holds such a span.  Types without one (diagnoses, names in prose) flag every
#: non-empty text of the column: the cautious reading.
SPAN_PATTERNS: dict[str, str] = {
    "CN_RESIDENT_ID": r"[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]",
    "CN_BANK_CARD": r"[1-9][0-9]{15,18}",
    "CN_PASSPORT": r"[EGDSPH][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}",
    "CN_MOBILE": r"1[3-9][0-9]{9}",
    "EMAIL": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+[.][A-Za-z0-9.-]+",
}
#: Age under which all of a person's PI is sensitive (不满十四周岁, PIPL Art. 28).
MINOR_AGE = 14


@dataclass(frozen=True)
class ElementFlag:
    """One flag of a table's key: whether a row carries ``element`` in ``column``.

    ``test``: ``present`` (a non-empty value), ``pattern`` (a span of
    :data:`SPAN_PATTERNS` in the text), ``minor_id`` / ``minor_date`` (a resident
    ID's or a birth date's day of birth after ``cutoff``: younger than 14 on the
    as-of date) or ``always`` (every row: the table holds minors and no column
    tells which).
    """

    element: str
    column: str
    test: str = "present"
    cutoff: str = ""  # YYYYMMDD: born after it = under 14 (minor tests)
    upto: str = ""  # YYYYMMDD: the as-of date (a later "birth date" is not a person's)

    def to_dict(self) -> dict[str, Any]:
        return {"element": self.element, "column": self.column, "test": self.test}


@dataclass(frozen=True)
class KeyPlan:
    """How persons are keyed in one table, and which flags make up their signatures."""

    parts: tuple[KeyPart, ...]
    sensitive: bool
    note: str | None = None
    flags: tuple[ElementFlag, ...] = ()

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


def has_columns(t: dict[str, Any], key: Sequence[str]) -> bool:
    """Whether a scanned table has every column of ``key`` (case-insensitively)."""
    return {c["name"].lower() for c in t.get("columns", [])} >= {k.lower() for k in key}


def person_key_for(t: dict[str, Any], person_keys: Sequence[Sequence[str]]) -> tuple[str, ...] | None:
    """The ``--person-key`` alternative a scanned table uses: the first whose columns it has.

    When it has none of them the first is returned, so that the table is keyed
    by its findings with a note saying why.

    >>> t = {"columns": [{"name": "Sample_ID"}, {"name": "gene"}]}
    >>> person_key_for(t, [("subject_id",), ("sample_id",)]), person_key_for(t, [])
    (('sample_id',), None)
    """
    for key in person_keys:
        if has_columns(t, key):
            return tuple(key)
    return tuple(person_keys[0]) if person_keys else None


def table_has_pi(report_table: dict[str, Any]) -> bool:
    return any(c.get("pi_class") for c in report_table.get("columns", []))


def table_is_sensitive(report_table: dict[str, Any]) -> bool:
    return any(c.get("pi_class") == "sensitive" for c in report_table.get("columns", []))


def plan_person_key(
    report_table: dict[str, Any], person_key: Sequence[str] | None = None, *, as_of: _dt.date | None = None
) -> KeyPlan | None:
    """Choose the key chain and signature flags of a scanned table; ``None`` when it holds no PI.

    With ``person_key`` the table is keyed by those columns when it has all of
    them (matched case-insensitively); otherwise by the chain its findings give,
    with a note saying so.  ``as_of`` dates the under-14 test (default today).
    """
    if report_table.get("status", "ok") != "ok" or not table_has_pi(report_table):
        return None
    plan = _plan_key(report_table, person_key)
    return KeyPlan(
        plan.parts, plan.sensitive, plan.note, element_flags(report_table, as_of or _dt.date.today())
    )


def element_flags(report_table: dict[str, Any], as_of: _dt.date) -> tuple[ElementFlag, ...]:
    """The flags that give each person of a scanned table their signature (see the module docstring).

    >>> t = {"columns": [
    ...     {"name": "xm", "pi_class": "general", "entities": [{"type": "CN_PERSON_NAME", "pi_class": "general"}]},
    ...     {"name": "sfzh", "pi_class": "sensitive", "entities": [{"type": "CN_RESIDENT_ID", "pi_class": "sensitive"}]},
    ... ]}
    >>> [(f.element, f.column, f.test) for f in element_flags(t, _dt.date(2026, 12, 6))]
    [('CN_PERSON_NAME', 'xm', 'present'), ('CN_RESIDENT_ID', 'sfzh', 'present'), ('MINOR_UNDER_14', 'sfzh', 'minor_id')]
    """
    cutoff = _birth_cutoff(as_of)
    upto = f"{as_of:%Y%m%d}"
    flags: list[ElementFlag] = []
    minor_found = False
    minor_tests: list[ElementFlag] = []
    for c in report_table.get("columns", []):
        name = c["name"]
        for e in c.get("entities", []):
            etype = e.get("type")
            pi = e.get("pi_class", c.get("pi_class"))
            if etype == MINOR:
                minor_found = True
                continue
            if not pi or not_personal_reason(e) is not None:
                continue
            free_text = bool((e.get("details") or {}).get("free_text"))
            element = _element(e, pi)
            if free_text and etype in SPAN_PATTERNS:
                flags.append(ElementFlag(element, name, "pattern"))
            else:
                flags.append(ElementFlag(element, name))
            if not free_text and etype == "CN_RESIDENT_ID":
                minor_tests.append(ElementFlag(MINOR, name, "minor_id", cutoff, upto))
            elif not free_text and etype == "DATE_OF_BIRTH":
                minor_tests.append(ElementFlag(MINOR, name, "minor_date", cutoff, upto))
    flags = list(dict.fromkeys(flags))
    if minor_tests:
        flags += list(dict.fromkeys(minor_tests))
    elif minor_found:  # the scan saw minors, and no column says which persons they are: all of them
        flags.append(ElementFlag(MINOR, "", "always"))
    return tuple(flags)


def _element(e: dict[str, Any], pi_class: str) -> str:
    """A finding's signature element: its type; coordinates by precision; contextual types by their class."""
    if e["type"] == "GEO_COORDINATE":
        p = e.get("precision_m")
        return GEO_COARSE if p is not None and p > 10 else GEO_FINE
    if element_class(e["type"]) is None:
        return f"{e['type']}:{pi_class}"
    return str(e["type"])


def _birth_cutoff(as_of: _dt.date) -> str:
    """``YYYYMMDD`` of the day 14 years before ``as_of``: persons born after it are under 14.

    >>> _birth_cutoff(_dt.date(2026, 12, 6)), _birth_cutoff(_dt.date(2028, 2, 29))
    ('20121206', '20140228')
    """
    try:
        day = as_of.replace(year=as_of.year - MINOR_AGE)
    except ValueError:  # 29 February
        day = as_of.replace(year=as_of.year - MINOR_AGE, day=28)
    return f"{day:%Y%m%d}"


def _plan_key(report_table: dict[str, Any], person_key: Sequence[str] | None) -> KeyPlan:
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
    """The engine-side key of ``plan``: folded columns in derived stages, then the tagged, chained key and flags.

    Each column is folded once per row in the derived stages (at most
    :data:`_OPS_PER_STAGE` nested functions each); the key then reads the folded
    values as often as it needs (a ``CASE`` on their length).  Each flag reads
    its own derived column (trimmed text, or a resident ID / date folded for
    the under-14 test).
    """
    columns: list[tuple[str, str, str]] = []  # (derived name, table column, normaliser)
    for part in plan.parts:
        for column, norm in zip(part.columns, part.normalizers, strict=True):
            columns.append((f"chujing_k{len(columns)}", column, norm))
    flag_inputs: list[str | None] = []
    for i, f in enumerate(plan.flags):
        if f.test == "always":
            flag_inputs.append(None)
            continue
        norm = {"minor_id": "resident_id", "minor_date": "date"}.get(f.test, "raw")
        columns.append((f"chujing_v{i}", f.column, norm))
        flag_inputs.append(f"chujing_v{i}")
    ops = {name: _fold_ops(norm) for name, _, norm in columns}
    depth = max((-(-len(o) // _OPS_PER_STAGE) for o in ops.values()), default=1)
    stages = []
    for i in range(depth):
        stage = []
        for name, column, _ in columns:
            expr: sa.ColumnElement = sa.column(column if i == 0 else name)
            for op in ops[name][i * _OPS_PER_STAGE : (i + 1) * _OPS_PER_STAGE]:
                expr = op(expr)
            stage.append((name, expr))
        if not stage:  # no key and no flag reads a column: one constant keeps the rows
            stage.append(("chujing_row", sa.literal(1, sa.Integer)))
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
    if not links:
        key: sa.ColumnElement = sa.cast(sa.null(), sa.String)
    else:
        key = links[0] if len(links) == 1 else sa.func.coalesce(*links, type_=sa.String)
    flags = tuple(
        (f"chujing_f{i}", _flag_expr(f, None if d is None else sa.column(d)))
        for i, (f, d) in enumerate(zip(plan.flags, flag_inputs, strict=True))
    )
    return KeySpec(tuple(stages), key, flags)


def _flag_expr(flag: ElementFlag, d: sa.ColumnElement | None) -> sa.ColumnElement:
    """1 when a row carries ``flag``'s element, else 0, over the flag's derived column ``d``."""
    one, zero = sa.literal(1, sa.Integer), sa.literal(0, sa.Integer)
    if d is None:
        return one
    if flag.test == "pattern":
        # ".*(?:…).*" matches the same rows whether the engine's operator searches (PostgreSQL ~, MySQL REGEXP,
        # SQLite's re.search) or matches the whole text (DuckDB's ~); (?s) lets "." cross line breaks.
        cond = d.regexp_match(f"(?s).*(?:{SPAN_PATTERNS[flag.element.split(':')[0]]}).*")
    elif flag.test in ("minor_id", "minor_date"):
        birth = sa.func.substr(d, 7, 8) if flag.test == "minor_id" else sa.func.substr(d, 1, 8)
        length = sa.func.length(d)
        cond = sa.and_(
            (length == 18) if flag.test == "minor_id" else (length >= 8),
            birth > sa.literal(flag.cutoff, sa.String),
            birth <= sa.literal(flag.upto, sa.String),
        )
    else:
        cond = sa.and_(d.isnot(None), d != sa.literal("", sa.String))
    return sa.case((cond, one), else_=zero)


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
        return _matching(self.all_signatures(), "sensitive")

    @property
    def persons_general(self) -> int:
        return _matching(self.all_signatures(), "general")

    def all_signatures(self) -> dict[Signature, int]:
        out = dict(self.signatures)
        for sig, n in self.unkeyed_signatures.items():
            out[sig] = out.get(sig, 0) + n
        return out

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


def _matching(groups: dict[Signature, int], kind: str) -> int:
    return sum(n for sig, n in groups.items() if signature_matches(sig, PersonQuery(kind)))


def _qualified(report_table: dict[str, Any]) -> str:
    t = report_table.get("table", "")
    return f"{report_table['schema']}.{t}" if report_table.get("schema") else str(t)


def count_persons(
    connector: Connector,
    table_info: TableInfo,
    report_table: dict[str, Any],
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
        table=_qualified(report_table),
        source=str(report_table.get("source", "")),
        schema=report_table.get("schema"),
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
        rows = report_table.get("row_count")
        tally.persons = int(rows if rows is not None else report_table.get("sampled_rows") or 0)
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


__all__ = [
    "CUSTOM_KIND",
    "ElementFlag",
    "KEY_KINDS",
    "KeyKind",
    "KeyPart",
    "KeyPlan",
    "PersonTally",
    "count_persons",
    "element_flags",
    "iter_person_keys",
    "key_spec",
    "normalize",
    "has_columns",
    "parse_person_key",
    "person_key_for",
    "plan_person_key",
]
