"""Which columns key a table's persons, which flags give them their signatures, and the engine-side key.

From a scanned table's findings (:func:`plan_person_key`): the key *chain* — the
best column of every kind present, ranked resident ID > passport > … >
medical-record number, a row keyed by the first it has a value for — or the
``--person-key`` columns the table has (:func:`person_key_for`); and one *flag*
per PI column (:class:`ElementFlag`): whether a row carries that element, so
that each person's signature says what their own rows hold.
:func:`key_spec` turns the plan into the SQL expressions a connector evaluates.
See :mod:`scanner.export.persons` for the counting itself.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from catalog.findings import GEO_COARSE, GEO_FINE, MINOR, classed_by_scan
from catalog.mapping import is_dismissed, not_personal_reason
from catalog.report import Column, Entity, Table
from connectors.base import KeySpec
from scanner.export.person_keys import (
    CUSTOM_KIND,
    KEY_KINDS,
    KIND_OF_ENTITY,
    OPS_PER_STAGE,
    fold_ops,
    second_stage,
)

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


def has_columns(t: Table, key: Sequence[str]) -> bool:
    """Whether a scanned table has every column of ``key`` (case-insensitively)."""
    return {c.name.lower() for c in t.columns} >= {k.lower() for k in key}


def person_key_for(t: Table, person_keys: Sequence[Sequence[str]]) -> tuple[str, ...] | None:
    """The ``--person-key`` alternative a scanned table uses: the first whose columns it has.

    When it has none of them the first is returned, so that the table is keyed
    by its findings with a note saying why.

    >>> t = Table.model_construct(columns=[Column.model_construct(name="Sample_ID"), Column.model_construct(name="gene")])
    >>> person_key_for(t, [("subject_id",), ("sample_id",)]), person_key_for(t, [])
    (('sample_id',), None)
    """
    for key in person_keys:
        if has_columns(t, key):
            return tuple(key)
    return tuple(person_keys[0]) if person_keys else None


def table_has_pi(report_table: Table) -> bool:
    return any(c.pi_class for c in report_table.columns)


def table_is_sensitive(report_table: Table) -> bool:
    return any(c.pi_class == "sensitive" for c in report_table.columns)


def plan_person_key(
    report_table: Table, person_key: Sequence[str] | None = None, *, as_of: _dt.date | None = None
) -> KeyPlan | None:
    """Choose the key chain and signature flags of a scanned table; ``None`` when it holds no PI.

    With ``person_key`` the table is keyed by those columns when it has all of
    them (matched case-insensitively); otherwise by the chain its findings give,
    with a note saying so.  ``as_of`` dates the under-14 test (default today).
    """
    if report_table.status != "ok" or not table_has_pi(report_table):
        return None
    plan = _plan_key(report_table, person_key)
    return KeyPlan(
        plan.parts, plan.sensitive, plan.note, element_flags(report_table, as_of or _dt.date.today())
    )


def element_flags(report_table: Table, as_of: _dt.date) -> tuple[ElementFlag, ...]:
    """The flags that give each person of a scanned table their signature (see the module docstring).

    >>> def col(name, etype, pi):
    ...     e = Entity.model_construct(type=etype, pi_class=pi, details=None, review=None, precision_m=None)
    ...     return Column.model_construct(name=name, pi_class=pi, entities=[e])
    >>> t = Table.model_construct(
    ...     columns=[col("xm", "CN_PERSON_NAME", "general"), col("sfzh", "CN_RESIDENT_ID", "sensitive")])
    >>> [(f.element, f.column, f.test) for f in element_flags(t, _dt.date(2026, 12, 6))]
    [('CN_PERSON_NAME', 'xm', 'present'), ('CN_RESIDENT_ID', 'sfzh', 'present'), ('MINOR_UNDER_14', 'sfzh', 'minor_id')]
    """
    cutoff = _birth_cutoff(as_of)
    upto = f"{as_of:%Y%m%d}"
    flags: list[ElementFlag] = []
    minor_found = False
    minor_tests: list[ElementFlag] = []
    for c in report_table.columns:
        name = c.name
        in_json = c.parent is not None
        for e in c.entities:
            etype = e.type
            pi = e.pi_class
            if is_dismissed(e):  # a person said this is not that data (chujing review --dismiss)
                continue
            if etype == MINOR:
                minor_found = True
                continue
            if not pi or not_personal_reason(e) is not None:
                continue
            free_text = bool((e.details or {}).get("free_text"))
            element = _element(e, pi)
            if in_json:  # a path inside a JSON column: the engine cannot tell whose rows hold it, so all do
                flags.append(ElementFlag(element, "", "always"))
                continue
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


def _element(e: Entity, pi_class: str) -> str:
    """A finding's signature element: its type; coordinates by precision; contextual types by their class."""
    if e.type == "GEO_COORDINATE":
        p = e.precision_m
        return GEO_COARSE if p is not None and p > 10 else GEO_FINE
    if classed_by_scan(e.type):  # contextual types, and user types the catalogue does not know
        return f"{e.type}:{pi_class}"
    return e.type


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


def _plan_key(report_table: Table, person_key: Sequence[str] | None) -> KeyPlan:
    columns = report_table.columns
    sensitive = table_is_sensitive(report_table)
    note = None
    if person_key:
        by_lower = {c.name.lower(): c for c in columns if c.parent is None}
        found = [by_lower[k.lower()] for k in person_key if k.lower() in by_lower]
        if len(found) == len(person_key):
            names = tuple(c.name for c in found)
            norms = tuple(_custom_normalizer(c) for c in found)
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
    in_json = [c.name for c in columns if c.parent is not None and c.pi_class]
    if in_json:
        note = (note + "; " if note else "") + (
            f"{', '.join(in_json)}: inside JSON columns, which the engine cannot read by path: they key no "
            "person, and every person is counted as carrying their personal information (an upper bound)"
        )
    return KeyPlan(tuple(parts), sensitive, note)


def _custom_normalizer(column: Column) -> str:
    """A --person-key column found to hold a known identifier is normalised as that identifier."""
    for e in sorted(column.entities, key=lambda e: -e.match_ratio):
        kind = KIND_OF_ENTITY.get(e.type)
        if kind is not None:
            return kind.normalizer
    return "text"


def _best_column(columns: Sequence[Column], entities: Sequence[str]) -> str | None:
    best: tuple[float, float, int] | None = None
    name = None
    for i, c in enumerate(columns):
        if c.parent is not None:
            continue  # a path inside a JSON column: the engine cannot read it, so it keys no one
        for e in c.entities:
            if e.type in entities and not is_dismissed(e):  # a dismissed finding keys no one
                rank = (e.match_ratio, e.score, -i)
                if best is None or rank > best:
                    best, name = rank, c.name
    return name


def key_spec(plan: KeyPlan) -> KeySpec:
    """The engine-side key of ``plan``: folded columns in derived stages, then the tagged, chained key and flags.

    Each column is folded once per row in the derived stages (at most
    :data:`OPS_PER_STAGE` nested functions each); the key then reads the folded
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
    ops = {name: fold_ops(norm) for name, _, norm in columns}
    depth = max((-(-len(o) // OPS_PER_STAGE) for o in ops.values()), default=1)
    stages = []
    for i in range(depth):
        stage = []
        for name, column, _ in columns:
            expr: sa.ColumnElement = sa.column(column if i == 0 else name)
            for op in ops[name][i * OPS_PER_STAGE : (i + 1) * OPS_PER_STAGE]:
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
            pieces.append(sa.func.nullif(second_stage(norm, sa.column(name)), sa.literal("", sa.String)))
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
