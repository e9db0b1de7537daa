"""Payment cards and bank accounts issued in China.

=================  ==================================================  ========  =========
entity             what                                                strength  min_ratio
=================  ==================================================  ========  =========
CN_BANK_CARD       bank card numbers (ISO/IEC 7812, Luhn)              0.85      0.6
CN_BANK_ACCOUNT    non-card account numbers (9-25 digits, no check)    0.5       0.8  context
=================  ==================================================  ========  =========

**Why the card threshold is 0.6.**  Luhn passes one random number in ten,
and one timestamp order number in ten.  A column is therefore judged on the
share that validates, never on single values: with ``min_ratio = 0.6`` a column
needs 60 % valid values on its own and 30 % with a supporting column name
(:mod:`recognizers.decision` halves the threshold with support), both far above
the 10 % that chance gives, while real card columns validate at 95-100 % (a few
real UnionPay cards fail Luhn).

The issuer table ``data/bank_bins.tsv`` comes from the PyPI package
``cardbin`` 1.0.0 (MIT, 2019; 1,382 BINs of Chinese issuers).  ``cardbin``
itself looks up seven digits and then six, so its eight-digit BINs never
match; :func:`issuer` looks up eight, then six.  The table is old and
incomplete: it names issuers and admits unusual prefixes (old domestic
``94…``/``96…`` cards), but an unknown BIN does not make a card invalid.

More information:

* https://en.wikipedia.org/wiki/Payment_card_number
* https://zh.wikipedia.org/wiki/银行卡
* https://pypi.org/project/cardbin/

>>> is_valid_bank_card("6228480402564890018"), is_valid_bank_card("6228480402564890017")
(True, False)
>>> issuer("6228480402564890018")
('农业银行', '金穗通宝卡(银联卡)')
>>> BankCardRecognizer().mask("6228 4804 0256 4890 018"), BankCardRecognizer().mask("6228480402564890018")
('6228 **** **** **** 018', '622848*********0018')
"""

from __future__ import annotations

import collections
import functools
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from recognizers.base import Pattern, mask_middle
from recognizers.columnar import ColumnarRecognizer
from recognizers.idcheck import compact, length_groups, luhn_ok_array

_DATA = Path(__file__).resolve().parent / "data"

#: Card families issued in China, by leading digits and length.
_FAMILIES = (
    ("UnionPay", r"62\d{14,17}"),
    ("Visa", r"4\d{15,18}"),
    ("Mastercard", r"5[1-5]\d{14,17}"),
    ("JCB", r"35(?:2[89]|[3-8]\d)\d{12,15}"),
    ("American Express", r"3[47]\d{13}"),
    ("domestic (old)", r"9558\d{12,15}|955100\d{10,13}"),
)
_FAMILY_RE = "|".join(f"(?:{rx})" for _, rx in _FAMILIES)
_FAMILY_RES = tuple((name, re.compile(rx, re.ASCII)) for name, rx in _FAMILIES)


@functools.lru_cache(maxsize=1)
def bank_bins() -> dict[str, tuple[str, str]]:
    """BIN (six or eight digits) → (bank, card name), from ``data/bank_bins.tsv``."""
    out: dict[str, tuple[str, str]] = {}
    with open(_DATA / "bank_bins.tsv", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            bin_, bank, name = (line.rstrip("\n").split("\t") + ["", ""])[:3]
            out[bin_] = (bank, name)
    return out


@functools.lru_cache(maxsize=1)
def _bin_value_sets() -> tuple[pa.Array, pa.Array]:
    bins = bank_bins()
    return pa.array([b for b in bins if len(b) == 6]), pa.array([b for b in bins if len(b) == 8])


def issuer(number: str) -> tuple[str, str] | None:
    """(bank, card name) of a card number from its BIN (eight digits tried first), else ``None``."""
    number = compact(number)
    bins = bank_bins()
    return bins.get(number[:8]) or bins.get(number[:6])


def card_family(number: str) -> str | None:
    """Card scheme by leading digits and length (``UnionPay``, ``Visa`` …), else ``None``.

    >>> card_family("6228480402564890018"), card_family("4111111111111111"), card_family("1234")
    ('UnionPay', 'Visa', None)
    """
    for name, rx in _FAMILY_RES:
        if rx.fullmatch(number):
            return name
    return None


def issued_in_china(number: str) -> bool:
    """Whether a compact card number has a scheme prefix issued in China, or (16 digits or more) a BIN of the
    issuer table."""
    return card_family(number) is not None or (len(number) >= 16 and issuer(number) is not None)


def validate_bank_card(number: str) -> str:
    """Check a card number; return its compact form or raise.

    15 digits (American Express ``34``/``37``) or 16-19 digits, a scheme
    prefix issued in China (or a BIN in the issuer table), and the Luhn check.
    """
    number = compact(number, " -")
    if not (number.isascii() and number.isdigit()):
        raise InvalidFormat()
    if not 15 <= len(number) <= 19:
        raise InvalidLength()
    if not issued_in_china(number):
        raise InvalidComponent("not a card prefix issued in China")
    if not luhn.is_valid(number):
        raise InvalidChecksum()
    return number


@functools.lru_cache(maxsize=65536)
def is_valid_bank_card(number: str) -> bool:
    try:
        return bool(validate_bank_card(number))
    except (ValueError, TypeError, AttributeError):
        return False


#: Luhn-valid candidates checked one by one (a column of resident IDs passes Luhn one time in ten by chance);
#: more go to Arrow's kernels, whose set-up (the scheme regex, the BIN hash table) costs about 0.25 ms a call.
_FEW_LUHN_VALID = 64


def bank_card_array(values: pa.Array) -> np.ndarray:
    """Vector form of :func:`is_valid_bank_card` on compact candidates: the Luhn check first (numpy), then the
    scheme or issuer of the numbers that pass it."""
    luhn = np.zeros(len(values), dtype=bool)
    for idx, m in length_groups(values, (15, 16, 17, 18, 19)):
        luhn[idx] = luhn_ok_array(m)
    passed = np.flatnonzero(luhn)
    if len(passed) == 0:
        return luhn
    if len(passed) <= _FEW_LUHN_VALID:
        numbers = values.take(pa.array(passed)).to_pylist()
        luhn[passed] = [issued_in_china(v) for v in numbers]
        return luhn
    numbers = values if len(passed) == len(values) else values.take(pa.array(passed))
    family = pc.match_substring_regex(numbers, f"^(?:{_FAMILY_RE})$")
    bins6, bins8 = _bin_value_sets()
    known = pc.or_(
        pc.is_in(pc.utf8_slice_codeunits(numbers, 0, 6), value_set=bins6),
        pc.is_in(pc.utf8_slice_codeunits(numbers, 0, 8), value_set=bins8),
    )
    long_enough = pc.greater_equal(pc.binary_length(numbers), 16)
    luhn[passed] = pc.or_(family, pc.and_(known, long_enough)).to_numpy(zero_copy_only=False)
    return luhn


class BankCardRecognizer(ColumnarRecognizer):
    """CN_BANK_CARD (银行卡号: debit and credit cards of UnionPay and the international schemes).

    UnionPay ``62…`` (622126-622925 co-branded with Discover), Visa ``4``,
    Mastercard ``51``-``55``, JCB ``3528``-``3589``, American Express ``34``/``37``
    (15 digits), old domestic ``9558``/``955100``, and any BIN of the issuer
    table; 16-19 digits, written plain or in groups of four with spaces or
    dashes; Luhn check (see the module docstring for the column threshold).
    """

    entity = "CN_BANK_CARD"
    patterns: ClassVar = (
        Pattern("bank card, 15-19 digits (medium with Luhn)", r"[3-69]\d{14,18}", 0.6),
        Pattern(
            "bank card grouped by four (medium with Luhn)",
            r"[3-69]\d{3}(?:[ -]\d{4}){2}[ -]\d{3,4}(?:[ -]?\d{1,3})?",
            0.7,
        ),
    )
    context = (
        "银行卡",
        "银行卡号",
        "卡号",
        "借记卡",
        "信用卡",
        "储蓄卡",
        "银联卡",
        "结算卡",
        "工资卡",
        "收款卡号",
        "bank card",
        "bank_card",
        "bankcard",
        "card no",
        "card_no",
        "cardno",
        "card number",
        "credit card",
        "debit card",
        "pan",
        "yhk",
        "yhkh",
        "kh",
        "xyk",
        "yinhangka",
    )
    validator_strength = 0.85
    min_ratio = 0.6
    strip_chars = " -"

    def normalize(self, value: str) -> str:
        return compact(value, " -")

    def validate(self, candidate: str) -> bool:
        return is_valid_bank_card(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        return bank_card_array(values)

    def mask(self, value: str) -> str:
        value = value.strip()
        groups = re.split(r"[ -]", value)
        if len(groups) >= 3:
            sep = " " if " " in value else "-"
            return sep.join([groups[0], *("*" * len(g) for g in groups[1:-1]), groups[-1]])
        return mask_middle(compact(value, " -"), 6, 4)

    def describe(self, candidate: str) -> dict[str, object]:
        c = compact(candidate, " -")
        if not is_valid_bank_card(c):
            return {}
        found = issuer(c)
        out: dict[str, object] = {"scheme": card_family(c) or "domestic"}
        if found:
            out["bank"], out["card"] = found
        return out

    def column_details(self, valid: pa.Array) -> dict[str, object]:
        sample = valid.slice(0, 2000).to_pylist()
        banks = collections.Counter(b[0] for b in map(issuer, sample) if b)
        known = sum(banks.values())
        out: dict[str, object] = {"known_bin_share": round(known / len(sample), 4)}
        if banks:
            out["issuers"] = dict(banks.most_common(5))
        return out


# -- non-card accounts ----------------------------------------------------------------------------------------

_REPEATED = "^(?:" + "|".join(f"{d}+" for d in "0123456789") + ")$"


def validate_bank_account(number: str) -> str:
    """Check the shape of a non-card account number: 9-25 digits, not one digit repeated."""
    number = compact(number, " -")
    if not (number.isascii() and number.isdigit()):
        raise InvalidFormat()
    if not 9 <= len(number) <= 25:
        raise InvalidLength()
    if len(set(number)) == 1:
        raise InvalidComponent("one digit repeated")
    return number


@functools.lru_cache(maxsize=65536)
def is_valid_bank_account(number: str) -> bool:
    try:
        return bool(validate_bank_account(number))
    except (ValueError, TypeError, AttributeError):
        return False


class BankAccountRecognizer(ColumnarRecognizer):
    """CN_BANK_ACCOUNT (银行账号: corporate and passbook accounts that are not card numbers).

    Bank-specific layouts of roughly 9 to 25 digits with no public check digit:
    the shape alone proves nothing, so the entity is reported only when the
    column name or comment (or, in free text, a word just before the number)
    says "account".  Bare ``account`` is not a context word: it names user
    accounts at least as often as bank accounts; ``acct`` and the Chinese
    banking terms are.
    """

    entity = "CN_BANK_ACCOUNT"
    patterns: ClassVar = (
        Pattern("account number, 9-25 digits (very weak)", r"\d{9,25}", 0.2),
        Pattern("account number in groups (very weak)", r"\d{3,6}(?:[ -]\d{2,8}){1,5}", 0.2),
    )
    context = (
        "银行账号",
        "账号",
        "帐号",
        "银行账户",
        "账户号",
        "开户账号",
        "开户行",
        "户名",
        "对公账户",
        "收款账号",
        "付款账号",
        "结算账户",
        "bank account",
        "bank_account",
        "bankaccount",
        "account no",
        "account_no",
        "accountno",
        "account number",
        "account_num",
        "acct",
        "acct_no",
        "acctno",
        "yhzh",
        "khzh",
        "skzh",
        "fkzh",
        "zhanghao",
    )
    validator_strength = 0.5
    min_ratio = 0.8
    requires_context = True
    strip_chars = " -"

    def normalize(self, value: str) -> str:
        return compact(value, " -")

    def validate(self, candidate: str) -> bool:
        return is_valid_bank_account(candidate)

    def validate_array(self, values: pa.Array) -> np.ndarray:
        length = pc.binary_length(values)
        shape = pc.and_(pc.greater_equal(length, 9), pc.less_equal(length, 25))
        shape = pc.and_(shape, pc.match_substring_regex(values, r"^\d+$"))
        repeated = pc.match_substring_regex(values, _REPEATED)
        return pc.and_(shape, pc.invert(repeated)).to_numpy(zero_copy_only=False)

    def mask(self, value: str) -> str:
        return mask_middle(compact(value, " -"), 4, 4)


VALUE_RECOGNIZERS = (BankCardRecognizer, BankAccountRecognizer)
