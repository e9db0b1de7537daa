"""Which identifiers stand for a natural person, and how they are normalised — in Python and in SQL.

A person is counted once however their identifier is written: resident IDs
with full-width digits, ``x`` or ``X``, spaces and dashes, or in the 15-digit
pre-1999 form, reduce to one 17-character body; mobile numbers lose their
separators and ``+86``; e-mails are trimmed and lower-cased; documents, VINs and
plates are upper-cased without separators.  :func:`normalize` is the reference
in Python; :func:`fold_ops` and :func:`second_stage` build the same
normalisation as SQL expressions that every engine evaluates (PostgreSQL,
MySQL/MariaDB, SQLite, DuckDB), tested against :func:`normalize`.  Keys are
tagged with their kind (``resident_id:…``) so that a mobile number never equals
an ID number.  See :mod:`scanner.export.persons` for how they are counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

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
KIND_OF_ENTITY = {e: k for k in KEY_KINDS if k.normalizer != "composite" for e in k.entities}


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
OPS_PER_STAGE = 12

_Op = Callable[[sa.ColumnElement], sa.ColumnElement]


def _replace(old: str, new: str) -> _Op:
    return lambda e: sa.func.replace(e, old, new, type_=sa.String)


def fold_ops(norm: str) -> list[_Op]:
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


def second_stage(norm: str, d: sa.ColumnElement) -> sa.ColumnElement:
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
