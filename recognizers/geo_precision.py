"""How finely a coordinate resolves a position: ``precision_m`` from the decimals present, DMS and geohashes.

A coordinate written with *d* decimals of a degree can resolve no better than
one step of its last decimal.  Along a meridian that step is 111,320 m × 10^-d;
along a parallel it shrinks with the cosine of the latitude:
111,320 m × cos(lat) × 10^-d.  The planar precision of a latitude/longitude pair is the coarser
(larger) of the two steps.  (The ellipsoid changes the meridian figure by less
than 0.6 %: 110,574 m per degree at the equator, 111,694 m at the pole.)

Floats drop trailing zeros (``39.98`` may be ``39.980000`` from a receiver),
so one value says little: the decimals of a *column* are the 90th percentile
of the decimal counts of its values — trailing zeros hide the last digit in a
tenth of values, so the percentile recovers it, while a few noisy values
cannot make a coarse column look fine.  Counts above :data:`MAX_DECIMALS` are
float noise (``31.230000000000004``) and are capped.

* 2 decimals ≈ 1.1 km (city level), 4 ≈ 11 m, **5 ≈ 1.1 m: finer than 10 m needs 5**, 6 ≈ 0.11 m.
* DMS with whole arc-seconds: 30.9 m (one second of latitude); minutes only: 1,855 m.
* Geohash of length *n*: 5n bits, ⌈5n/2⌉ for longitude, ⌊5n/2⌋ for latitude;
  length 8 ≈ 19 × 19 m (at 40°N 19 × 15 m), length 9 ≈ 4.8 m — finer than 10 m needs 9.

The datum cannot be read from the values: GCJ-02 (AMap/Tencent) and BD-09
(Baidu) are smooth offsets of WGS-84 by 0.4–1.5 km, which change the position
but not the precision.  :func:`datum_hint` reads it from names and comments.

>>> round(precision_m(6, 6, 39.98), 3), round(precision_m(2, 2, 31.23))
(0.111, 1113)
>>> decimals_of("39.9840"), decimals_of("116"), decimals_of("-1.50")
(3, 0, 1)
>>> column_decimals(["39.984094", "39.98409", "39.984194", "39.984211"] * 3)
6
>>> round(geohash_precision_m("wx4g0ec19"), 1)
4.8
>>> datum_hint(["lat_gcj02", "lng_gcj02"], None)
'GCJ-02'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Metres per degree of latitude (and of longitude at the equator), as the rule of thumb uses it.
M_PER_DEGREE = 111_320.0
#: Decimal counts above this are float noise (31.230000000000004) and are capped.
MAX_DECIMALS = 8
#: Finer than this is a precise position (精准定位): GB/T 35273 B.2, the vehicle lists' 10 m.
SENSITIVE_BELOW_M = 10.0


def steps_m(lat_decimals: int, lon_decimals: int, latitude: float) -> tuple[float, float]:
    """Metres of one step of the last latitude decimal and of the last longitude decimal."""
    d_lat, d_lon = min(lat_decimals, MAX_DECIMALS), min(lon_decimals, MAX_DECIMALS)
    return M_PER_DEGREE * 10.0**-d_lat, M_PER_DEGREE * math.cos(math.radians(latitude)) * 10.0**-d_lon


def precision_m(lat_decimals: int, lon_decimals: int, latitude: float) -> float:
    """Planar precision of a pair: the coarser of the two steps."""
    return max(steps_m(lat_decimals, lon_decimals, latitude))


def decimals_of(value: str) -> int:
    """Decimals of a number as written, trailing zeros dropped."""
    _, dot, frac = value.strip().partition(".")
    return len(re.match(r"\d*", frac.rstrip("0")).group(0)) if dot else 0


def column_decimals(values: Sequence[str] | pa.Array, counts: Sequence[int] | None = None) -> int:
    """The 90th percentile of the decimal counts of a column's values (trailing zeros dropped)."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        frac = pc.struct_field(pc.extract_regex(values, r"\.(?P<frac>\d+)"), [0])
        lengths = pc.utf8_length(pc.utf8_rtrim(pc.fill_null(frac, ""), "0"))
        d = lengths.to_numpy(zero_copy_only=False)
    else:
        d = np.array([decimals_of(v) for v in values], dtype=np.int64)
    if counts is not None:
        d = np.repeat(d, np.asarray(counts, dtype=np.int64))
    if d.size == 0:
        return 0
    return int(np.quantile(d, 0.9, method="higher"))


def float_strings(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Shortest round-trip text of floating, decimal or string numbers (as written), nulls dropped."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.drop_null()
    return arr if pa.types.is_string(arr.type) else arr.cast(pa.string())


def mask_number(num: str) -> str:
    """Keep two decimals (about 1 km) of a coordinate for evidence, mask the rest.

    >>> mask_number("39.984094")
    '39.98****'
    """
    whole, dot, frac = num.partition(".")
    return whole + dot + frac[:2] + "*" * max(0, len(frac) - 2) if dot else "*" * len(num)


# -- geohash ------------------------------------------------------------------------------------------

_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
GEOHASH_RE = "[0-9b-hjkmnp-z]"


def geohash_decode(gh: str) -> tuple[float, float, float, float]:
    """Centre latitude, longitude and half-errors (degrees) of a geohash cell."""
    lat, lon = [-90.0, 90.0], [-180.0, 180.0]
    even = True
    for ch in gh.lower():
        bits = _BASE32.index(ch)
        for mask in (16, 8, 4, 2, 1):
            rng = lon if even else lat
            mid = (rng[0] + rng[1]) / 2
            if bits & mask:
                rng[0] = mid
            else:
                rng[1] = mid
            even = not even
    return (lat[0] + lat[1]) / 2, (lon[0] + lon[1]) / 2, (lat[1] - lat[0]) / 2, (lon[1] - lon[0]) / 2


def geohash_precision_m(gh: str) -> float:
    """Larger side, in metres, of the cell of a geohash."""
    lat, _, lat_err, lon_err = geohash_decode(gh)
    return max(2 * lat_err * M_PER_DEGREE, 2 * lon_err * M_PER_DEGREE * math.cos(math.radians(lat)))


# -- degrees, minutes, seconds ------------------------------------------------------------------------


def dms_step_deg(minutes: str | None, seconds: str | None, degrees: str = "") -> float:
    """Degrees of one step of the last written DMS component (seconds, minutes or degrees)."""
    if seconds:
        return 10.0 ** -decimals_of(seconds) / 3600
    if minutes:
        return 10.0 ** -decimals_of(minutes) / 60
    return 10.0 ** -decimals_of(degrees)


# -- datum ---------------------------------------------------------------------------------------------

_DATUMS = (
    (
        "GCJ-02",
        ("gcj", "gcj02", "gcj-02", "gcj_02", "amap", "gaode", "高德", "火星", "tencent", "腾讯", "国测局"),
    ),
    ("BD-09", ("bd09", "bd-09", "bd_09", "bd09ll", "baidu", "百度")),
    ("WGS-84", ("wgs84", "wgs-84", "wgs_84", "wgs", "gps", "gnss", "epsg:4326", "4326")),
)


def datum_hint(names: Iterable[str], comment_text: str | None) -> str | None:
    """The datum a column's names or comments declare (GCJ-02, BD-09, WGS-84), else ``None``."""
    text = " ".join(list(names) + [comment_text or ""]).lower()
    for datum, words in _DATUMS:
        for w in words:
            if (
                (
                    w.isascii()
                    and re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", text.replace("_", " "))
                )
                or (w.isascii() and w in text and len(w) > 4)
                or (not w.isascii() and w in text)
            ):
                return datum
    return None


DATUM_NOTE = (
    "values alone cannot tell WGS-84 from GCJ-02 or BD-09 (smooth offsets of 0.4-1.5 km); "
    "precision is unaffected"
)
