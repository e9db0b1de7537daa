"""Deterministic generators of valid identifiers and column helpers for the identifier tests.

Every generator takes a ``random.Random`` so that tests are reproducible; the
values are synthetic (real formats and check digits, invented numbers).
"""

from __future__ import annotations

import random

import pyarrow as pa

from recognizers import engine, finance, identity, network, telecom, vehicle
from recognizers.divisions import division_codes
from recognizers.engine import ColumnMeta
from recognizers.identity import check_char, uscc_check_char
from recognizers.vehicle import vin_check_digit

FAMILIES = (identity, finance, telecom, network, vehicle)
#: One instance of every recognizer of the five identifier families.
RECOGNIZERS = tuple(cls() for mod in FAMILIES for cls in mod.VALUE_RECOGNIZERS)
#: Every entity type they report.
ENTITY_TYPES = frozenset(r.entity for r in RECOGNIZERS)

_COUNTY_CODES = sorted(c for c in division_codes() if c[4:] != "00" and c[:2] not in ("71", "81", "82"))
_DIGITS = "0123456789"


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_DIGITS) for _ in range(n))


def luhn_complete(body: str) -> str:
    """``body`` + its Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def _date(rng: random.Random, lo: int = 1930, hi: int = 2015) -> str:
    return f"{rng.randint(lo, hi)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def resident_id(rng: random.Random) -> str:
    first = rng.choice(_COUNTY_CODES) + _date(rng) + digits(rng, 3)
    return first + check_char(first)


def legacy_id(rng: random.Random) -> str:
    return rng.choice(_COUNTY_CODES) + _date(rng, 1930, 1984)[2:] + digits(rng, 3)


def hmt_residence_permit(rng: random.Random) -> str:
    first = rng.choice(("810000", "820000", "830000")) + _date(rng) + digits(rng, 3)
    return first + check_char(first)


def foreigner_pr(rng: random.Random) -> str:
    first = (
        "9"
        + rng.choice(("11", "31", "44", "32"))
        + rng.choice(("840", "392", "410", "276", "250"))
        + _date(rng)
        + digits(rng, 3)
    )
    return first + check_char(first)


def uscc(rng: random.Random) -> str:
    first = rng.choice("9999915NY") + rng.choice("123") + rng.choice(_COUNTY_CODES)
    first += "".join(rng.choice(identity.USCC_ALPHABET) for _ in range(9))
    return first + uscc_check_char(first)


def bank_card(rng: random.Random) -> str:
    prefix, length = rng.choice(
        (("622848", 19), ("621700", 19), ("622588", 16), ("436742", 16), ("955880", 19))
    )
    return luhn_complete(prefix + digits(rng, length - len(prefix) - 1))


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice(("39", "38", "86", "58", "77", "99", "50", "89")) + digits(rng, 8)


def landline(rng: random.Random) -> str:
    area = rng.choice(("010", "021", "025", "0512", "0755", "0571"))
    return f"{area}-{rng.randint(2, 9)}{digits(rng, 7)}"


def imei(rng: random.Random) -> str:
    return luhn_complete(rng.choice(("86", "35")) + digits(rng, 12))


def imsi(rng: random.Random) -> str:
    return "460" + rng.choice(("00", "01", "03", "11")) + digits(rng, 10)


def iccid(rng: random.Random) -> str:
    return luhn_complete("8986" + rng.choice(("00", "01", "03")) + digits(rng, 13))


def msisdn(rng: random.Random) -> str:
    return "86" + mobile(rng)


def email(rng: random.Random) -> str:
    local = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
    return f"{local}{rng.randint(1, 999)}@{rng.choice(('qq.com', '163.com', 'example.com.cn'))}"


def ipv4(rng: random.Random) -> str:
    return f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv6(rng: random.Random) -> str:
    return "2408:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(7))


def mac(rng: random.Random, sep: str = ":") -> str:
    return sep.join(f"{rng.randint(0, 255):02x}" for _ in range(6))


def plate(rng: random.Random) -> str:
    prov = rng.choice("京沪苏浙粤川鲁")
    letter = rng.choice("ABCDEFGH")
    kind = rng.random()
    if kind < 0.6:
        return (
            prov
            + letter
            + rng.choice(("", "·"))
            + "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(5))
        )
    if kind < 0.9:
        return prov + letter + rng.choice("DF") + rng.choice("0123456789ABC") + digits(rng, 4)
    return prov + letter + digits(rng, 5) + rng.choice("DF")


def vin(rng: random.Random) -> str:
    body = "LSV" + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(5)) + "0"
    body += rng.choice("ABCDEFGHJKLMNPRSTVWXY123456789") + rng.choice("ABCDEFGH0123") + digits(rng, 6)
    return body[:8] + vin_check_digit(body) + body[9:]


def passport(rng: random.Random) -> str:
    return rng.choice(
        ("E" + digits(rng, 8), "E" + rng.choice("ABCDEFGHJK") + digits(rng, 7), "G" + digits(rng, 8))
    )


def column(
    rng: random.Random, gen, n: int = 1000, null_share: float = 0.05, junk_share: float = 0.05
) -> list:
    """``n`` values: nulls, junk (placeholders people type) and ``gen`` values, shuffled."""
    junk = ("N/A", "未知", "-", "0", "无", "test", "待补充")
    out: list = []
    for _ in range(n):
        r = rng.random()
        if r < null_share:
            out.append(None)
        elif r < null_share + junk_share:
            out.append(rng.choice(junk))
        else:
            out.append(gen(rng))
    return out


def expected_ratio(values: list, valid: int | None = None) -> float:
    """Share of non-null, non-blank values that are real identifiers (junk counts against)."""
    non_null = [v for v in values if v is not None and str(v).strip()]
    junk = {"N/A", "未知", "-", "0", "无", "test", "待补充"}
    good = valid if valid is not None else sum(v not in junk for v in non_null)
    return good / len(non_null)


def analyze(
    columns: dict[str, list], comments: dict[str, str] | None = None, types: dict | None = None
) -> dict:
    """``{column: {entity: finding}}`` for a table analysed by the real engine with our recognizers.

    Other families' table-level recognizers are switched off
    (``table_recognizers=()``) to keep these tests about the identifier
    recognizers and the decision rule only.
    """
    arrays = {name: pa.array(vals, type=(types or {}).get(name)) for name, vals in columns.items()}
    table = pa.table(arrays)
    metas = [
        ColumnMeta(name, str(table.schema.field(name).type), (comments or {}).get(name)) for name in columns
    ]
    found = engine.analyze_table(table, metas, recognizers=RECOGNIZERS, table_recognizers=())
    return {col: {f.type: f for f in fs if f.type in ENTITY_TYPES} for col, fs in found.items()}
