"""The column forms of the check-digit algorithms agree with python-stdnum, value for value, on random input.

The scalar checks are python-stdnum's; :mod:`recognizers.idcheck` and the
identifier modules keep vectorised forms for whole columns.  Random strings of
the right shape (and mutants of valid numbers) must get the same answer from
both, or a column and a sentence holding the same number would disagree.
"""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
from stdnum import luhn
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_2

from recognizers.idcheck import byte_matrix, luhn_ok_array, mod11_2_ok_array
from recognizers.identity import (
    USCC_ALPHABET,
    ResidentIdRecognizer,
    UsccRecognizer,
    check_char,
    uscc_check_char,
)
from tests.recognizers import id_samples as S


def _flip(rng: random.Random, value: str, alphabet: str) -> str:
    pos = rng.randrange(len(value))
    return value[:pos] + rng.choice(alphabet) + value[pos + 1 :]


def test_luhn_column_form_agrees_with_stdnum():
    rng = random.Random(71)
    for width in (15, 16, 19, 20):
        numbers = [S.digits(rng, width) for _ in range(2000)]
        numbers += [n[:-1] + luhn.calc_check_digit(n[:-1]) for n in numbers[:500]]  # valid ones
        numbers += [_flip(rng, n, "0123456789a ") for n in numbers[:300]]  # non-digits fail both
        numbers = [n for n in numbers if len(n) == width]
        got = luhn_ok_array(byte_matrix(pa.array(numbers), width)).tolist()
        assert got == [luhn.is_valid(n) for n in numbers]
        assert 0 < sum(got) < len(got)


def test_mod11_2_column_form_agrees_with_stdnum():
    rng = random.Random(72)
    ids = [S.digits(rng, 17) + rng.choice("0123456789Xx") for _ in range(3000)]
    ids += [(b := S.digits(rng, 17)) + mod_11_2.calc_check_digit(b) for _ in range(1000)]
    ids += [_flip(rng, i, "0123456789X/") for i in ids[-500:]]
    got = mod11_2_ok_array(byte_matrix(pa.array(ids), 18)).tolist()
    want = [i[:17].isdigit() and mod_11_2.is_valid(i.upper()) for i in ids]
    assert got == want
    assert sum(got) > 1000


def test_resident_id_check_character_is_stdnums():
    rng = random.Random(73)
    for _ in range(2000):
        first = S.digits(rng, 17)
        assert check_char(first) == mod_11_2.calc_check_digit(first)
        assert mod_11_2.is_valid(first + check_char(first))


def test_resident_id_column_checksum_agrees_with_stdnum():
    """The column path of resident IDs rejects exactly the numbers whose MOD 11-2 character stdnum rejects."""
    rng = random.Random(74)
    valid = [S.resident_id(rng) for _ in range(1500)]
    wrong = [v[:17] + next(c for c in "0123456789X" if c != v[17]) for v in valid[:500]]
    values = pa.array(valid + wrong)
    rec = ResidentIdRecognizer()
    got = rec.validate_array(rec.normalize_array(values)).tolist()
    assert got == [mod_11_2.is_valid(v) for v in valid + wrong]


def test_uscc_check_character_and_column_form_agree_with_stdnum():
    rng = random.Random(75)
    codes = [S.uscc(rng) for _ in range(1500)]
    codes += [_flip(rng, c[:17], USCC_ALPHABET) + c[17] for c in codes[:1000]]
    for c in codes:
        assert uscc_check_char(c[:17]) == stdnum_uscc.calc_check_digit(c[:17])
    rec = UsccRecognizer()
    got = np.array(rec.validate_array(rec.normalize_array(pa.array(codes))))
    # stdnum checks the check character (not the A/N/Y authorities or the region chujing also checks)
    checksum_ok = np.array([stdnum_uscc.calc_check_digit(c[:17]) == c[17] for c in codes])
    assert not (got & ~checksum_ok).any()
    assert got[:1500].all()
