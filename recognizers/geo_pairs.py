"""GEO_COORDINATE across columns: latitude/longitude column pairs.

A latitude and a longitude stored in two columns are one position only
together, so pairs are found at table level (:class:`CoordinatePairs`):

* **named pairs** — one column named like a latitude (lat, latitude, 纬度, wd …)
  and one like a longitude (lng, lon, longitude, 经度, jd …), values within ±90
  and ±180; coarse values (2 decimals) still count, with a large
  ``precision_m``.  Columns named only ``x``/``y`` (plots and screens use
  those names too) are treated like unnamed ones;
* **unnamed pairs** — two numeric columns whose values fall in China's box
  (3.8–53.6°N and 73.5–135.1°E: the ranges do not overlap, so the values say
  which is which) with 4 to 9 decimals at the 90th percentile.  Ages and BMI
  fall within 18–54 and weights or heart rates within 73–135, so a column
  named like one (age, bmi, weight, 心率 …) never pairs, a lone column never
  counts, and whole numbers never pass.

Sub-columns of a JSON column (``payload.geo.lat``, ``payload.track[].lng``; see
:mod:`connectors.json_flatten`) are named by their last key, and siblings under one parent pair
first: the rest of the path is their common stem, so ``start.lat`` pairs with ``start.lng`` and
``end.lat`` with ``end.lng``.

Both columns receive the finding, with ``details["pair"] = {"lat": …, "lon": …}``,
the decimals of each, the steps in metres, and the datum when the names or
comments declare one (GCJ-02, BD-09, WGS-84).  Values cannot tell the datum.

The precision of coordinates written in strings is completed by
:class:`recognizers.geo.CoordinatePrecision`, beside the string recognizers it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.context import ColumnMeta, TableContext
from recognizers.decision import metadata_words
from recognizers.findings import EntityFinding
from recognizers.geo_precision import (
    DATUM_NOTE,
    column_decimals,
    datum_hint,
    float_strings,
    mask_number,
    steps_m,
)
from recognizers.row_match import utf8_bytes

LAT_WORDS = ("lat", "latitude", "纬度", "wd", "y", "weidu", "gps_lat", "lat_wgs84", "lat_gcj02", "lat_bd09")
LON_WORDS = (
    "lng",
    "lon",
    "long",
    "longitude",
    "经度",
    "jd",
    "x",
    "jingdu",
    "gps_lng",
    "gps_lon",
    "lng_wgs84",
    "lng_gcj02",
    "lng_bd09",
    "lon_wgs84",
)
NOT_COORDINATE = (
    "age",
    "bmi",
    "weight",
    "height",
    "hr",
    "heart",
    "pulse",
    "rate",
    "temp",
    "temperature",
    "score",
    "price",
    "amount",
    "cost",
    "qty",
    "quantity",
    "dose",
    "speed",
    "heading",
    "altitude",
    "elevation",
    "odometer",
    "accuracy",
    "年龄",
    "体重",
    "身高",
    "心率",
    "脉搏",
    "体温",
    "血压",
    "评分",
    "价格",
    "金额",
    "数量",
    "剂量",
    "速度",
    "航向",
    "海拔",
    "高程",
    "里程",
    "精度",
)
CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.5, 135.1)
_NUMERIC = r"^[-+]?\d{1,3}(?:\.\d+)?$"


@dataclass
class _Column:
    name: str
    index: int
    values: np.ndarray  # float64 aligned with the table rows, NaN where null or not a number
    strings: pa.Array  # non-null values as written
    lat_named: bool
    lon_named: bool
    decimals: int
    weak_name: bool = False  # named only x/y: plot and screen coordinates are named so too
    role: str = ""
    swapped: bool = False
    stem: str = field(default="")


def _as_floats(arr: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, pa.Array] | None:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.cast(t.value_type)
        t = arr.type
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return arr.cast(pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64), float_strings(arr)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        head = arr.slice(0, 1000).drop_null()
        if len(head) == 0 or int((utf8_bytes(head) == ord(".")).sum()) < 0.5 * len(head):
            return None  # too few decimal points for half the values to be decimal degrees: no regex
        if pc.sum(
            pc.cast(pc.match_substring_regex(head, r"^\s*[-+]?\d{1,3}\.\d"), pa.int64())
        ).as_py() < 0.5 * len(head):
            return None  # not decimal degrees: skip the full scan
        trimmed = pc.utf8_trim_whitespace(arr.cast(pa.string()))
        ok = pc.fill_null(pc.match_substring_regex(trimmed, _NUMERIC), False)
        non_null = len(arr) - arr.null_count
        if non_null == 0 or pc.sum(pc.cast(ok, pa.int64())).as_py() < 0.9 * non_null:
            return None
        nums = pc.if_else(ok, trimmed, pa.scalar(None, pa.string())).cast(pa.float64())
        return nums.to_numpy(zero_copy_only=False).astype(np.float64), trimmed.filter(ok)
    return None


def _no_decimal_point(ctx: TableContext, name: str) -> bool:
    """A text column none of whose values holds a ``.``: no decimal degrees, so :func:`_as_floats` would find
    too few decimal points.  Read on the trimmed values the table context already holds, one look at their
    bytes, where :func:`_as_floats` slices and cleans the column first (a warehouse's every text column)."""
    strings = ctx.strings.get(name)
    if strings is None:
        return False
    kind = ctx.table.schema.field(name).type
    return (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and not (
        utf8_bytes(strings) == 46
    ).any()


def _share(mask: np.ndarray, valid: np.ndarray) -> float:
    n = int(valid.sum())
    return float((mask & valid).sum()) / n if n else 0.0


def _stem(name: str, words: tuple[str, ...]) -> str:
    low = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
    tokens = [t for t in re.split(r"[^0-9a-z\u4e00-\u9fff]+", low) if t and t not in words]
    out = "_".join(tokens)
    for w in words:
        if not w.isascii():
            out = out.replace(w, "")
    return out


_LEAF = re.compile(r"(?:^|\.)([^.\[\]\"*~]+)$")


def _naming_name(meta: ColumnMeta) -> str:
    """The name that says latitude or longitude: a path's last key when it says so, else the whole name.

    A sub-column of a JSON column (``payload.lat_lng.lat``, see :mod:`connectors.json_flatten`) is named
    by its own key; its parent path may name both coordinates at once, or neither.

    >>> _naming_name(ColumnMeta("payload.lat_lng.lat")), _naming_name(ColumnMeta("payload.lat.value"))
    ('lat', 'payload.lat.value')
    """
    leaf = _LEAF.search(meta.name)
    if leaf is None or leaf.group(1) == meta.name:
        return meta.name
    words = tuple(w for w in LAT_WORDS + LON_WORDS if w not in ("x", "y"))
    return leaf.group(1) if metadata_words(words, leaf.group(1), None) else meta.name


class CoordinatePairs:
    """GEO_COORDINATE on latitude/longitude column pairs, with ``precision_m`` from the decimals present."""

    entities: ClassVar[tuple[str, ...]] = ("GEO_COORDINATE",)

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        cols = [
            c for c in (self._column(ctx, i, meta) for i, meta in enumerate(ctx.columns)) if c is not None
        ]
        lats = [c for c in cols if c.role == "lat"]
        lons = [c for c in cols if c.role == "lon"]
        out: dict[str, list[EntityFinding]] = {}
        used: set[str] = set()
        for lat in lats:
            best = None
            for lon in lons:
                if lon.name in used:
                    continue
                named = (lat.lat_named or lat.swapped) + (lon.lon_named or lon.swapped)
                score = (3 if lat.stem == lon.stem else 0) + named - abs(lat.index - lon.index) / 100
                if best is None or score > best[0]:
                    best = (score, lon)
            if best is None:
                continue
            lon = best[1]
            finding = self._pair(ctx, lat, lon)
            if finding is not None:
                used.add(lon.name)
                out[lat.name], out[lon.name] = finding
        return out

    @staticmethod
    def _column(ctx: TableContext, index: int, meta: ColumnMeta) -> _Column | None:
        got = None if _no_decimal_point(ctx, meta.name) else _as_floats(ctx.table.column(meta.name))
        if got is None:
            return None
        values, strings = got
        valid = np.isfinite(values)
        if valid.sum() == 0:
            return None
        name = _naming_name(meta)
        strong_lat = metadata_words(tuple(w for w in LAT_WORDS if w != "y"), name, meta.comment)
        strong_lon = metadata_words(tuple(w for w in LON_WORDS if w != "x"), name, meta.comment)
        lat_named = bool(strong_lat or metadata_words(("y",), name, meta.comment))
        lon_named = bool(strong_lon or metadata_words(("x",), name, meta.comment))
        if lat_named and lon_named:
            return None  # latlng: one column holding both is the string recognizers' business
        if not (lat_named or lon_named) and metadata_words(NOT_COORDINATE, name, meta.comment):
            return None
        in_range = np.abs(np.where(valid, values, 0.0))
        col = _Column(
            meta.name,
            index,
            values,
            strings,
            lat_named,
            lon_named,
            column_decimals(strings),
            weak_name=not (strong_lat or strong_lon),
        )
        le90 = _share(in_range <= 90, valid)
        le180 = _share(in_range <= 180, valid)
        china_lat = _share((values >= CHINA_LAT[0]) & (values <= CHINA_LAT[1]), valid)
        china_lon = _share((values >= CHINA_LON[0]) & (values <= CHINA_LON[1]), valid)
        if lat_named:
            if le90 >= 0.95:
                col.role = "lat"
            elif china_lon >= 0.95:
                col.role, col.swapped = "lon", True  # named latitude, values of a longitude
        elif lon_named:
            if china_lat >= 0.95 and le90 == 1.0 and col.decimals >= 2:
                col.role, col.swapped = "lat", True  # named longitude, values of a Chinese latitude
            elif le180 >= 0.95:
                col.role = "lon"
        elif 4 <= col.decimals <= 9:
            col.role = "lat" if china_lat >= 0.95 else "lon" if china_lon >= 0.95 else ""
        if not col.role:
            return None
        col.stem = _stem(meta.name, LAT_WORDS + LON_WORDS)
        return col

    def _pair(
        self, ctx: TableContext, lat: _Column, lon: _Column
    ) -> tuple[list[EntityFinding], list[EntityFinding]] | None:
        named = sum(1 for c in (lat, lon) if (c.lat_named or c.lon_named) and not c.weak_name)
        both = np.isfinite(lat.values) & np.isfinite(lon.values)
        n_both = int(both.sum())
        if n_both == 0:
            return None
        la, lo = lat.values[both], lon.values[both]
        ok = (np.abs(la) <= 90) & (np.abs(lo) <= 180) & ~((la == 0) & (lo == 0))
        if named < 2:  # a partner found by its values (or named only x/y) must be inside China's box too
            ok &= (la >= CHINA_LAT[0]) & (la <= CHINA_LAT[1]) & (lo >= CHINA_LON[0]) & (lo <= CHINA_LON[1])
            if min(lat.decimals, lon.decimals) < 4:
                return None
        ratio = float(ok.sum()) / n_both
        if ratio < 0.8:
            return None
        latitude = float(np.median(la[ok]))
        step_lat, step_lon = steps_m(lat.decimals, lon.decimals, latitude)
        precision = max(step_lat, step_lon)
        metas = {m.name: m for m in ctx.columns}
        datum = datum_hint(
            [lat.name, lon.name, ctx.table_name or ""],
            " ".join(filter(None, [metas[lat.name].comment, metas[lon.name].comment, ctx.table_comment])),
        )
        strength = {2: 0.95, 1: 0.9}.get(named, 0.8)
        details: dict[str, object] = {
            "pair": {"lat": lat.name, "lon": lon.name},
            "decimals": {"lat": lat.decimals, "lon": lon.decimals},
            "step_m": {"lat": round(step_lat, 4), "lon": round(step_lon, 4)},
            "median_latitude": round(latitude),
            "datum": datum or "unknown",
        }
        if datum is None:
            details["datum_note"] = DATUM_NOTE
        if lat.swapped or lon.swapped:
            details["names_swapped"] = True
        how = {
            2: "named as latitude and longitude",
            1: "one named, the other by its values in China's box",
        }.get(named, "unnamed, both in China's box with 4+ decimals")
        why = (
            f"{int(ok.sum())}/{n_both} sampled rows hold a valid position in '{lat.name}' (latitude) and "
            f"'{lon.name}' (longitude), {how}; {lat.decimals}/{lon.decimals} decimals at "
            f"~{round(latitude)}° resolve to {precision:.3g} m"
        )
        result = []
        for col in (lat, lon):
            result.append(
                [
                    EntityFinding(
                        type="GEO_COORDINATE",
                        score=min(1.0, 0.6 * strength + 0.3 * ratio + (0.1 if named else 0.0)),
                        match_ratio=ratio,
                        matched=int(ok.sum()),
                        evidence=[mask_number(s) for s in col.strings.slice(0, 3).to_pylist()],
                        precision_m=precision,
                        recognizer=type(self).__name__,
                        explanation=why,
                        details=dict(details),
                    )
                ]
            )
        return result[0], result[1]
