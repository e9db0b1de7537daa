"""Check-digit algorithms over whole columns, and the validation exceptions identifier recognizers raise.

Scalar checks are python-stdnum's (``stdnum.luhn``, ``stdnum.iso7064.mod_11_2``,
``stdnum.cn.uscc``), and so are the exceptions: ``validate_x(number)`` returns
the compact form or raises a :class:`ValidationError` subclass saying what is
wrong (``stdnum.exceptions``); ``is_valid_x(number)`` returns a bool and never raises.

This module holds the **array** forms of those algorithms, on an ``(n, width)``
matrix of ASCII byte codes (numpy), which the structured path uses to validate a
whole column without a Python call per value.  The tests compare every array
form with stdnum on random input.  :func:`byte_matrix` turns a column of
equal-length ASCII strings into such a matrix without copying.

>>> m = byte_matrix(pa.array(["79927398713", "79927398710"]), 11)
>>> luhn_ok_array(m).tolist()
[True, False]
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import fullwidth_to_ascii
from recognizers.row_match import utf8_bytes, utf8_offsets


def compact(number: str, strip: str = " -") -> str:
    """Full-width characters to ASCII, surrounding whitespace and the ``strip`` separators removed.

    >>> compact(" ３２０１ 0219-80 ")
    '3201021980'
    """
    number = fullwidth_to_ascii(number).strip()
    for ch in strip:
        number = number.replace(ch, "")
    return number


# -- column helpers ---------------------------------------------------------------------------------------


def as_string_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A plain ``string`` array (chunks combined, large/view strings cast)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    return values


def byte_matrix(values: pa.Array, width: int) -> np.ndarray:
    """``(n, width)`` uint8 view of a string array whose values all have ``width`` bytes.

    Raises ``ValueError`` when a value has another length; callers group by
    length first (:func:`length_groups`).
    """
    values = as_string_array(values)
    n = len(values)
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8)
    offsets = utf8_offsets(values)
    if not np.all(np.diff(offsets) == width):
        raise ValueError(f"not every value has {width} bytes")
    return utf8_bytes(values, offsets).reshape(n, width)


def length_groups(values: pa.Array, widths: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """``[(row indices, byte matrix)]`` for each width present; other lengths are left out."""
    lengths = pc.binary_length(values).to_numpy(zero_copy_only=False)
    out = []
    for w in widths:
        idx = np.flatnonzero(lengths == w)
        if len(idx):
            out.append((idx, byte_matrix(values.take(pa.array(idx)), w)))
    return out


def weighted_sums(m: np.ndarray, weights: np.ndarray, zero: int = 48) -> np.ndarray:
    """``Σ (byte − zero)·weight`` for every row of a byte matrix and every column of ``weights``.

    With the default ``zero`` (ASCII ``0``) the bytes are digits; pass ``zero=0``
    for a matrix of character values from a lookup table.  ``weights`` is
    ``(width, k)`` of whole numbers; the result is ``(n, k)`` int64, exact.  One
    integer product does all sums at once: numpy computes it itself, where a
    float product goes to the BLAS library, whose worker threads then spin on
    the other cores for seconds after each call (on a batch of 20,000 ID
    numbers, five seconds of a 2,000-table scan's CPU, and its wall clock on a
    machine of two cores).  Rows with non-digit bytes give meaningless sums:
    test them with :func:`all_digits`.

    >>> m = byte_matrix(pa.array(["123456"]), 6)
    >>> weighted_sums(m, np.array([[100000, 0], [10000, 0], [1000, 0], [100, 0], [10, 1], [1, 1]])).tolist()
    [[123456, 11]]
    >>> weighted_sums(byte_matrix(pa.array(["99999999"]), 8), place_weights(8, [(0, 8)])).tolist()  # > 2**24
    [[99999999]]
    """
    w = np.asarray(weights, dtype=np.int64)
    raw = m.astype(np.int64) @ w
    if zero:
        raw -= zero * w.sum(axis=0)
    return raw


def place_weights(width: int, fields: list[tuple[int, int]]) -> np.ndarray:
    """Weights that read each ``(start, stop)`` slice of a digit row as a decimal number (one column per field).

    >>> place_weights(4, [(0, 2), (2, 4)]).T.tolist()
    [[10, 1, 0, 0], [0, 0, 10, 1]]
    """
    w = np.zeros((width, len(fields)), dtype=np.int64)
    for k, (start, stop) in enumerate(fields):
        w[start:stop, k] = 10 ** np.arange(stop - start - 1, -1, -1)
    return w


def all_digits(m: np.ndarray) -> np.ndarray:
    """Row mask: every byte is an ASCII digit (uint8 wrap-around: bytes below ``0`` become large)."""
    return ((m - np.uint8(48)) <= 9).all(axis=1)


# -- Luhn (ISO/IEC 7812-1) ---------------------------------------------------------------------------------

_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int32)
_DOUBLED_BYTE = np.zeros(256, dtype=np.uint8)
_DOUBLED_BYTE[48:58] = _DOUBLED


def luhn_ok_array(m: np.ndarray) -> np.ndarray:
    """Row mask: Luhn check on a byte matrix of digits (rows with non-digits fail)."""
    if m.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    width = m.shape[1]
    plain = np.zeros(width, dtype=np.int64)
    plain[width - 1 :: -2] = 1
    total = weighted_sums(m, plain[:, None])[:, 0]
    if width > 1:
        total += _DOUBLED_BYTE[m[:, width - 2 :: -2]].sum(axis=1, dtype=np.int64)
    return all_digits(m) & (total % 10 == 0)


# -- ISO 7064 MOD 11-2 (GB 11643 resident ID, foreigner PR ID) ---------------------------------------------

MOD11_2_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int32)
MOD11_2_CHARS = "10X98765432"
_MOD11_2_CODES = np.frombuffer(MOD11_2_CHARS.encode(), dtype=np.uint8)


_UPPER_X = np.arange(256, dtype=np.uint8)
_UPPER_X[ord("x")] = ord("X")


def mod11_2_matches(sums: np.ndarray, check: np.ndarray) -> np.ndarray:
    """Row mask: the check bytes (``x`` or ``X`` for 10) match weighted sums of the 17 digits (:data:`MOD11_2_WEIGHTS`)."""
    return _MOD11_2_CODES[sums % 11] == _UPPER_X[check]


def mod11_2_ok_array(m: np.ndarray) -> np.ndarray:
    """Row mask for an ``(n, 18)`` byte matrix: 17 digits then the right check character (``x`` or ``X``)."""
    sums = weighted_sums(m[:, :17], MOD11_2_WEIGHTS[:, None])[:, 0]
    return all_digits(m[:, :17]) & mod11_2_matches(sums, m[:, 17])


# -- dates ------------------------------------------------------------------------------------------------

_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def date_ok(year: int, month: int, day: int, min_year: int = 1880) -> bool:
    """True for a real calendar date between ``min_year`` and today."""
    try:
        d = _dt.date(year, month, day)
    except ValueError:
        return False
    return year >= min_year and d <= _dt.date.today()


def date_ok_array(year: np.ndarray, month: np.ndarray, day: np.ndarray, min_year: int = 1880) -> np.ndarray:
    """Vector form of :func:`date_ok`."""
    today = _dt.date.today()
    mm = np.clip(month, 0, 12)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    dim = np.where((mm == 2) & ~leap, 28, _DAYS[mm])
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= dim) & (year >= min_year)
    ymd = year.astype(np.int64) * 10000 + month * 100 + day
    return ok & (ymd <= today.year * 10000 + today.month * 100 + today.day)


def sorted_member(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Row mask: ``values`` found in the sorted 1-D ``table`` (binary search, faster than ``np.isin``)."""
    if len(table) == 0:
        return np.zeros(len(values), dtype=bool)
    idx = np.clip(np.searchsorted(table, values), 0, len(table) - 1)
    return table[idx] == values
