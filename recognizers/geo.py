"""Geographic positions (地理信息, 个人位置信息): GEO_COORDINATE with its precision.

GEO_COORDINATE (经纬度坐标, WGS-84 / GCJ-02 / BD-09).

Where coordinates are found:

* **column pairs** — a latitude column and a longitude column (float, decimal
  or numeric text), found together by :class:`~recognizers.geo_pairs.CoordinatePairs`;
* **inside strings** (this module): ``31.230416,121.473701`` and
  ``121.473701,31.230416`` (AMap, Baidu and GeoJSON write longitude first —
  inside China's box, 73.5–135.1°E and 3.8–53.6°N, the two ranges do not
  overlap, so the order is read from the values; elsewhere latitude first is
  assumed unless the first number exceeds 90), WKT ``POINT(121.47 31.23)``,
  GeoJSON ``{"type":"Point","coordinates":[121.47,31.23]}``, degrees-minutes-seconds
  ``39°54′26.4″N`` and ``北纬39度54分26秒``;
* **geohashes** (``wx4g0ec19``) in a column named like one (:class:`GeohashRecognizer`).

Every finding carries ``precision_m``, the planar precision the values can
express (:mod:`recognizers.geo_precision`): the catalogue treats finer than
10 m as precise location (精准定位信息/行踪轨迹, sensitive) and coarser as
ordinary location (个人位置信息).  A pair in a string counts when both numbers
have 2+ decimals inside China's box (``31.23,121.47`` is a city-level position,
1.1 km) or 4+ decimals elsewhere, so prices (``12.50,13.75``) and versions do
not pass.  The evidence keeps two decimals (±1 km) and masks the rest.

More information:

* https://www.ogc.org/standard/sfa/ (WKT), RFC 7946 (GeoJSON), http://geohash.org
* GB/T 35273-2020 Table B.2 (精准定位信息); the vehicle data lists' 平面精度不优于10米

>>> r = CoordinateTextRecognizer()
>>> [r.validate(v) for v in ("31.230416,121.473701", "121.473701,31.230416", "POINT(121.4737 31.2304)",
...                          '{"type":"Point","coordinates":[121.473701,31.230416]}', "39°54′26.4″N 116°23′29″E",
...                          "北纬39度54分26秒", "31.23,121.47", "12.50,13.75", "1.2,3.4")]
[True, True, True, True, True, True, True, False, False]
>>> d = r.describe("121.473701,31.230416"); d["order"], round(d["precision_m"], 2)
('lon,lat', 0.11)
>>> round(r.describe("31.23,121.47")["precision_m"])
1113
>>> r.mask("31.230416,121.473701")
'31.23****,121.47****'
"""

from __future__ import annotations

import math
import re
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, Span, ValueMatches, ValueRecognizer
from recognizers.context import TableContext
from recognizers.findings import EntityFinding
from recognizers.free_text import pattern_cores
from recognizers.geo_pairs import CoordinatePairs
from recognizers.geo_precision import (
    DATUM_NOTE,
    GEOHASH_RE,
    M_PER_DEGREE,
    datum_hint,
    decimals_of,
    dms_step_deg,
    geohash_decode,
    geohash_precision_m,
    mask_number,
    precision_m,
)
from recognizers.vector_counts import all_of, count_matches

_NUM = r"[-+]?\d{1,3}\.\d{1,15}"
_PAIR = rf"{_NUM}\s*[,，;]\s*{_NUM}|{_NUM}\s+{_NUM}"
_WKT = rf"(?:SRID=\d+;)?(?:POINT|point|Point)\s*Z?\s*\(\s*{_NUM}\s+{_NUM}(?:\s+[-+]?\d+(?:\.\d+)?)?\s*\)"
_GEOJSON = (
    rf'\{{[^{{}}]{{0,200}}"coordinates"\s*:\s*\[\s*{_NUM}\s*,\s*{_NUM}(?:\s*,\s*[-+]?\d+(?:\.\d+)?)?\s*\]'
    r"[^{}]{0,200}\}"
)
_DMS1 = r"\d{1,3}\s*°\s*(?:\d{1,2}(?:\.\d+)?\s*[′']\s*(?:\d{1,2}(?:\.\d+)?\s*(?:″|''|\")\s*)?)?[NSEWnsew]"
_DMS = rf"{_DMS1}(?:\s*[,，]?\s*{_DMS1})?"
_CN1 = r"[北南]纬\s*\d{1,2}(?:\.\d+)?\s*度(?:\s*\d{1,2}(?:\.\d+)?\s*分(?:\s*\d{1,2}(?:\.\d+)?\s*秒)?)?"
_CN2 = r"[东西]经\s*\d{1,3}(?:\.\d+)?\s*度(?:\s*\d{1,2}(?:\.\d+)?\s*分(?:\s*\d{1,2}(?:\.\d+)?\s*秒)?)?"
_DMS_CN = rf"(?:{_CN1}|{_CN2})(?:\s*[,，、]?\s*(?:{_CN1}|{_CN2}))?"
_DMS_PART = re.compile(
    r"(\d{1,3})\s*°\s*(?:(\d{1,2}(?:\.\d+)?)\s*[′']\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:″|''|\")\s*)?)?([NSEWnsew])"
)
_CN_PART = re.compile(
    r"([北南东西])[纬经]\s*(\d{1,3}(?:\.\d+)?)\s*度(?:\s*(\d{1,2}(?:\.\d+)?)\s*分(?:\s*(\d{1,2}(?:\.\d+)?)\s*秒)?)?"
)

CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.5, 135.1)


def in_china(lat: float, lon: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]


def parse_coordinate(text: str) -> dict[str, object] | None:
    """Latitude, longitude, their decimals, the order and the format of one coordinate string, or ``None``."""
    t = text.strip()
    if _CN_PART.search(t) or _DMS_PART.search(t):
        return _parse_dms(t)
    fmt = "wkt" if re.match(r"(?:SRID=\d+;)?point", t, re.I) else "geojson" if t.startswith("{") else "pair"
    if fmt == "geojson":
        m = re.search(rf'"coordinates"\s*:\s*\[\s*({_NUM})\s*,\s*({_NUM})', t)
        if m is None or '"point"' not in t.lower().replace(" ", ""):
            return None
    elif fmt == "wkt":
        m = re.search(rf"\(\s*({_NUM})\s+({_NUM})", t)
    else:
        m = re.fullmatch(rf"({_NUM})\s*[,，;]?\s*({_NUM})", t)
    if m is None:
        return None
    a, b = m.group(1), m.group(2)
    fa, fb = float(a), float(b)
    if fmt in ("wkt", "geojson"):
        order = "lon,lat"
    elif in_china(fa, fb):
        order = "lat,lon"
    elif in_china(fb, fa) or abs(fa) > 90:
        order = "lon,lat"
    else:
        order = "lat,lon"
    (lat, d_lat), (lon, d_lon) = (
        ((fa, decimals_of(a)), (fb, decimals_of(b)))
        if order == "lat,lon"
        else ((fb, decimals_of(b)), (fa, decimals_of(a)))
    )
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    # City-level pairs (2 decimals) count inside China when written as a pair (31.23,121.47); numbers merely
    # separated by a space (36.52 120.55) and pairs elsewhere need 4.
    spaced = fmt == "pair" and not re.search(r"[,，;]", t)
    least = 2 if in_china(lat, lon) and not spaced else 4
    if fmt == "pair" and min(decimals_of(a), decimals_of(b)) < least:
        return None
    return {
        "lat": lat,
        "lon": lon,
        "d_lat": d_lat,
        "d_lon": d_lon,
        "order": order,
        "format": fmt,
        "precision_m": precision_m(d_lat, d_lon, lat),
    }


def _parse_dms(t: str) -> dict[str, object] | None:
    lat = lon = None
    step_lat = step_lon = None
    for m in _DMS_PART.finditer(t):
        deg, mins, secs, hemi = m.group(1), m.group(2), m.group(3), m.group(4).upper()
        value = int(deg) + float(mins or 0) / 60 + float(secs or 0) / 3600
        step = dms_step_deg(mins, secs, deg)
        if hemi in "NS":
            lat, step_lat = (-value if hemi == "S" else value), step
        else:
            lon, step_lon = (-value if hemi == "W" else value), step
    for m in _CN_PART.finditer(t):
        hemi, deg, mins, secs = m.group(1), m.group(2), m.group(3), m.group(4)
        value = float(deg) + float(mins or 0) / 60 + float(secs or 0) / 3600
        step = dms_step_deg(mins, secs, deg)
        if hemi in "北南":
            lat, step_lat = (-value if hemi == "南" else value), step
        else:
            lon, step_lon = (-value if hemi == "西" else value), step
    if lat is None and lon is None:
        return None
    if (lat is not None and not -90 <= lat <= 90) or (lon is not None and not -180 <= lon <= 180):
        return None
    ref_lat = lat if lat is not None else 35.0
    steps = []
    if step_lat is not None:
        steps.append(step_lat * M_PER_DEGREE)
    if step_lon is not None:
        steps.append(step_lon * M_PER_DEGREE * math.cos(math.radians(ref_lat)))
    return {"lat": lat, "lon": lon, "order": "dms", "format": "dms", "precision_m": max(steps)}


class CoordinateTextRecognizer(ValueRecognizer):
    """GEO_COORDINATE: coordinates written in strings (pairs, WKT, GeoJSON, DMS), with their precision."""

    anchored_counts = True  # the base class's count, with details (recognizers.shapes)
    entity = "GEO_COORDINATE"
    patterns: ClassVar = (
        Pattern("latitude,longitude or longitude,latitude pair (medium)", _PAIR, 0.6),
        Pattern("WKT POINT (strong)", _WKT, 0.9),
        Pattern("GeoJSON Point (strong)", _GEOJSON, 0.9),
        Pattern("degrees-minutes-seconds with hemisphere (strong)", _DMS, 0.85),
        Pattern("Chinese 北纬/东经 degrees (strong)", _DMS_CN, 0.9),
    )
    context = (
        "经纬度",
        "坐标",
        "位置",
        "定位",
        "经度",
        "纬度",
        "location",
        "coordinate",
        "coordinates",
        "latlng",
        "lnglat",
        "lat_lng",
        "lng_lat",
        "latlon",
        "lonlat",
        "gps",
        "geom",
        "geometry",
        "point",
        "poi",
        "jwd",
        "zb",
        "dw",
    )
    validator_strength = 0.85
    min_ratio = 0.6

    def validate(self, candidate: str) -> bool:
        return parse_coordinate(candidate) is not None

    def describe(self, candidate: str) -> dict[str, object]:
        return parse_coordinate(candidate) or {}

    def mask(self, value: str) -> str:
        v = value.strip()
        if _CN_PART.search(v) or _DMS_PART.search(v):
            return re.sub(r"\d+(?:\.\d+)?(?=\s*(?:[′'″\"]|分|秒))", lambda m: "*" * len(m.group(0)), v)
        return re.sub(r"\d+\.\d+", lambda m: mask_number(m.group(0)), v)

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Base counting, plus the column's precision from the decimals of its coordinates (90th percentile)."""
        vm = super().analyze_values(values, max_examples=max_examples)
        if vm.matched:
            cand = values.filter(self.candidate_mask(values))
            vc = pc.value_counts(cand)
            parsed = [
                (parse_coordinate(v), c)
                for v, c in zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True)
            ]
            vm.details.update(summarize([p for p, _ in parsed if p], [c for p, c in parsed if p]))
        return vm

    def text_prefilter(self) -> str | None:
        """The pattern cores: spans are the generic pattern matches, with their precision added."""
        return pattern_cores(self)

    def find_spans(self, text: str) -> list[Span]:
        out = []
        for sp in super().find_spans(text):
            info = parse_coordinate(sp.text)
            if info:
                sp.details.update({"precision_m": info["precision_m"], "format": info["format"]})
            out.append(sp)
        return out


def summarize(parsed: list[dict[str, object]], counts: list[int]) -> dict[str, object]:
    """Column precision from parsed coordinates (each with its count): decimals at the 90th percentile."""
    if not parsed:
        return {}
    w = np.asarray(counts, dtype=np.int64)
    prec = np.repeat(np.array([float(p["precision_m"]) for p in parsed]), w)
    lats = np.repeat(np.array([float(p["lat"]) if p.get("lat") is not None else 35.0 for p in parsed]), w)
    out: dict[str, object] = {
        # the finest tenth of the values sets the column's precision (trailing zeros hide digits in the rest)
        "precision_m": float(np.quantile(prec, 0.1, method="lower")),
        "formats": sorted({str(p["format"]) for p in parsed}),
        "orders": sorted({str(p["order"]) for p in parsed}),
        "median_latitude": round(float(np.median(lats))),
    }
    dec = [(int(p["d_lat"]), int(p["d_lon"]), c) for p, c in zip(parsed, counts, strict=True) if "d_lat" in p]
    if dec:
        reps = [c for _, _, c in dec]
        out["decimals"] = {
            "lat": int(np.quantile(np.repeat([a for a, _, _ in dec], reps), 0.9, method="higher")),
            "lon": int(np.quantile(np.repeat([b for _, b, _ in dec], reps), 0.9, method="higher")),
        }
    return out


class GeohashRecognizer(ValueRecognizer):
    """GEO_COORDINATE: geohashes (base-32 cells; length 9+ is finer than 10 m) in a column named like one."""

    anchored_counts = True  # candidates of the anchored pattern that hold a letter (recognizers.shapes)
    entity = "GEO_COORDINATE"
    patterns: ClassVar = (Pattern("geohash, 5-12 characters (weak)", f"{GEOHASH_RE}{{5,12}}", 0.4),)
    _letters = "[b-hjkmnp-z]"
    context = ("geohash", "geo_hash", "gh", "地理哈希", "geohash编码")
    validator_strength = 0.6
    min_ratio = 0.8
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return re.fullmatch(f"{GEOHASH_RE}{{5,12}}", candidate) is not None and not candidate.isdigit()

    def describe(self, candidate: str) -> dict[str, object]:
        if not self.validate(candidate):
            return {}
        lat, lon, _, _ = geohash_decode(candidate)
        return {
            "lat": lat,
            "lon": lon,
            "length": len(candidate),
            "precision_m": geohash_precision_m(candidate),
        }

    def mask(self, value: str) -> str:
        v = value.strip()
        return v[:4] + "*" * (len(v) - 4)

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Vectorized count (the pattern is the validation; all-digit strings are no geohash)."""
        mask = all_of(self.candidate_mask(values), pc.match_substring_regex(values, self._letters))
        vm = count_matches(
            self.entity, values, mask, pattern=self.patterns[0].name, max_examples=max_examples
        )
        if vm.matched:
            lengths = pc.utf8_length(values.filter(mask)).to_numpy(zero_copy_only=False)
            longest = int(np.quantile(lengths, 0.9, method="higher"))
            sample = next(v for v in values.filter(mask).to_pylist() if len(v) == longest)
            vm.details.update(
                {
                    "precision_m": geohash_precision_m(sample),
                    "geohash_length": longest,
                    "formats": ["geohash"],
                }
            )
        return vm

    def text_prefilter(self) -> tuple[str, ...]:
        """No row: :meth:`find_spans` reports nothing in text (see :mod:`recognizers.free_text`)."""
        return ()

    def find_spans(self, text: str) -> list[Span]:
        return []  # a base-32 word in text is no evidence


class CoordinatePrecision:
    """Copies the measured precision of string coordinates into ``EntityFinding.precision_m``.

    The engine does not carry a value recognizer's measured precision into
    :attr:`EntityFinding.precision_m`, so it is copied from the details here
    (and measured from spans for free text), with the datum the names declare.
    """

    entities: tuple[str, ...] = ()  # completes GEO_COORDINATE findings, reports none of its own

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        metas = {m.name: m for m in ctx.columns}
        for col, found in ctx.findings.items():
            for f in found:
                if f.type != "GEO_COORDINATE" or f.precision_m is not None:
                    continue
                if "precision_m" not in f.details and f.details.get("free_text"):
                    f.details.update(_precision_from_text(ctx.strings.get(col)))
                p = f.details.get("precision_m")
                if p is None:
                    continue
                f.precision_m = float(p)
                meta = metas.get(col)
                datum = datum_hint(
                    [col, ctx.table_name or ""],
                    " ".join(filter(None, [meta.comment if meta else None, ctx.table_comment])),
                )
                f.details["datum"] = datum or "unknown"
                if datum is None:
                    f.details["datum_note"] = DATUM_NOTE
                f.explanation += f"; coordinates resolve to {f.precision_m:.3g} m"
        return {}


def _precision_from_text(values: pa.Array | None) -> dict[str, object]:
    """Column precision of the coordinates found in the spans of a free-text column (first 2,000 texts)."""
    if values is None:
        return {}
    rec = CoordinateTextRecognizer()
    parsed = []
    for text in values.slice(0, 2000).to_pylist():
        for sp in rec.find_spans(text):
            p = parse_coordinate(sp.text)
            if p:
                parsed.append(p)
    return summarize(parsed, [1] * len(parsed))


VALUE_RECOGNIZERS = (CoordinateTextRecognizer, GeohashRecognizer)
TABLE_RECOGNIZERS = (CoordinatePairs, CoordinatePrecision)
