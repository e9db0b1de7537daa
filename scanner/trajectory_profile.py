"""A table's trajectories in numbers: devices, fixes, decimals, reporting interval, time span and area.

The vehicle lists decide on how a table's tracks were *recorded*, not only on
what its columns hold: trade-logistics item 1 names 「精度超过小数点后两位、超过1公里级且传输间隔低于1小时的
车辆经纬度信息」 (more than two decimals, finer than the kilometre, reported more often than hourly), the
autonomous-driving list 「10万台以上车辆规模」 and 「覆盖多个省份」.  :mod:`scanner.trajectory` reads
what these numbers need from the source; this module turns it into a :class:`TrajectoryProfile`, with
no I/O, so that every rule below is tested on plain values:

* **interval** — consecutive fixes of the *same* device, ordered by time: the gaps between them
  (zero gaps — the same fix written twice — left out), their median over every pair read
  (``median_s``) and the spread of the per-device medians (a fleet whose median is two hours may
  hold a few devices reporting every minute);
* **decimals** — as the coordinate recognizers measured them (90th percentile of the decimals written);
* **time span** — first and last day, and the days between;
* **area** — the bounding box, rounded *outward* to two decimals (about 1 km, as masked evidence
  keeps coordinates), and the provinces the fixes fall in by the approximate extents of
  ``scanner/data/provinces.tsv`` (nearest capital among overlapping boxes).

>>> p = build_profile(coordinates=["lat", "lng"], device=("vin", "VIN", True), time_column="ts",
...                   devices=2, fixes=6, decimals={"lat": 3, "lon": 3}, precision_m=111.3,
...                   fix_devices=["A", "A", "A", "B", "B", "B"],
...                   fix_times=["2025-03-01 08:00:00", "2025-03-01 08:10:00", "2025-03-01 08:20:00",
...                              "2025-03-01 09:00:00", "2025-03-01 09:10:00", "2025-03-01 09:30:00"],
...                   points=[(31.3, 120.6), (31.4, 120.7)])
>>> p.interval["median_s"], p.interval["device_median_s"], [x["name"] for x in p.provinces]
(600.0, {'min': 600.0, 'median': 750.0, 'max': 900.0}, ['江苏省'])
>>> p.bbox
{'lat': [31.3, 31.4], 'lon': [120.6, 120.7], 'basis': 'sampled'}
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

#: Dates and times as sources write them: 2025-03-01 08:00:00, 2025/3/1 8:00, 2025年3月1日 08时00分 …
_DATE = re.compile(
    r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.(\d+))?)?)?"
)
_EPOCH = _dt.datetime(1970, 1, 1)


# --- provinces ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    """A provincial-level division with its approximate extent and capital (``scanner/data/provinces.tsv``)."""

    code: str
    name: str
    lat: tuple[float, float]
    lon: tuple[float, float]
    capital: tuple[float, float]

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat[0] <= lat <= self.lat[1] and self.lon[0] <= lon <= self.lon[1]


@functools.lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """The divisions of ``provinces.tsv`` (read once)."""
    text = resources.files("scanner").joinpath("data").joinpath("provinces.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, *nums = line.split("\t")
        v = [float(x) for x in nums]
        out.append(Province(code, name, (v[0], v[1]), (v[2], v[3]), (v[4], v[5])))
    return tuple(out)


def province_of(lat: float, lon: float) -> Province | None:
    """The division a position falls in, by extent; among overlapping boxes the one with the nearest capital.

    >>> province_of(31.30, 120.62).name, province_of(31.82, 117.23).name, province_of(31.23, 121.47).name
    ('江苏省', '安徽省', '上海市')
    >>> province_of(35.0, 140.0) is None
    True
    """
    inside = [p for p in provinces() if p.contains(lat, lon)]
    if not inside:
        return None
    scale = math.cos(math.radians(lat))
    return min(inside, key=lambda p: (p.capital[0] - lat) ** 2 + ((p.capital[1] - lon) * scale) ** 2)


# --- time --------------------------------------------------------------------------------------------


def epoch_seconds(value: object) -> float | None:
    """Seconds since 1970 of a fix's time as sources write it (``None`` when it is not a time).

    Datetimes (naive ones taken as they are: intervals need no time zone), dates, epoch numbers
    (seconds, milliseconds or microseconds, told apart by size) and text (``2025-03-01 08:00:00``,
    ``2025/3/1 8:00``, ``2025-03-01T08:00:00Z``, ``2025年3月1日 08时00分``, ``20250301080000``).

    >>> epoch_seconds("2025-03-01 08:10:00") - epoch_seconds("2025/3/1 8:00")
    600.0
    >>> epoch_seconds(1740816600000) == epoch_seconds(1740816600) == epoch_seconds("2025-03-01T08:10:00Z")
    True
    >>> epoch_seconds("n/a") is None and epoch_seconds(None) is None and epoch_seconds(42) is None
    True
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, _dt.datetime):
        naive = value.astimezone(_dt.timezone.utc).replace(tzinfo=None) if value.tzinfo else value
        return (naive - _EPOCH).total_seconds()
    if isinstance(value, _dt.date):
        return (_dt.datetime(value.year, value.month, value.day) - _EPOCH).total_seconds()
    if isinstance(value, int | float):
        return _from_number(float(value))
    text = str(value).strip()
    if re.fullmatch(r"\d{14}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:8]} {text[8:10]}:{text[10:12]}:{text[12:]}"
    elif re.fullmatch(r"\d{9,17}(?:\.\d+)?", text):
        return _from_number(float(text))
    m = _DATE.match(text)
    if m is None:
        return None
    y, mo, d, h, mi, s, frac = m.groups()
    try:
        at = _dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        return None
    return (at - _EPOCH).total_seconds() + (float(f"0.{frac}") if frac else 0.0)


def _from_number(v: float) -> float | None:
    """Epoch seconds from a number that may count seconds, milliseconds or microseconds (years 1973–2286)."""
    for scale in (1.0, 1e3, 1e6):
        if 1e8 <= v / scale < 1e10:
            return v / scale
    return None


# --- intervals ---------------------------------------------------------------------------------------


def intervals(devices: Sequence[object], times: Sequence[object]) -> dict[str, Any] | None:
    """The reporting interval of the fixes read: pooled median gap, and the spread of per-device medians.

    Gaps are between consecutive fixes of the same device in time order; a gap of 0 (a fix written
    twice) is left out.  ``None`` when no device has two fixes at different times.

    >>> t0 = 1_740_816_000  # 2025-03-01 08:00 UTC, in seconds
    >>> intervals(["a", "a", "a", "b", "b"], [t0, t0 + 7200, t0 + 14400, t0, t0])  # b: one fix written twice
    {'median_s': 7200.0, 'device_median_s': {'min': 7200.0, 'median': 7200.0, 'max': 7200.0}, 'devices': 1, 'pairs': 2}
    """
    by_device: dict[object, list[float]] = {}
    for dev, t in zip(devices, times, strict=True):
        s = epoch_seconds(t)
        if dev is not None and s is not None:
            by_device.setdefault(dev, []).append(s)
    pooled: list[float] = []
    medians: list[float] = []
    for ts in by_device.values():
        ts.sort()
        gaps = [b - a for a, b in zip(ts, ts[1:], strict=False) if b > a]
        if gaps:
            pooled += gaps
            medians.append(statistics.median(gaps))
    if not pooled:
        return None
    medians.sort()
    return {
        "median_s": round(statistics.median(pooled), 3),
        "device_median_s": {
            "min": round(medians[0], 3),
            "median": round(statistics.median(medians), 3),
            "max": round(medians[-1], 3),
        },
        "devices": len(medians),
        "pairs": len(pooled),
    }


# --- area and time span --------------------------------------------------------------------------------


def outward_bbox(lat: tuple[float, float], lon: tuple[float, float], basis: str) -> dict[str, Any]:
    """A bounding box rounded outward to two decimals (~1 km): no fix's full position appears in a report.

    >>> outward_bbox((31.20417, 31.70002), (120.5, 121.00001), "exact")
    {'lat': [31.2, 31.71], 'lon': [120.5, 121.01], 'basis': 'exact'}
    """

    def down(x: float) -> float:
        return math.floor(round(x * 100, 6)) / 100

    def up(x: float) -> float:
        return math.ceil(round(x * 100, 6)) / 100

    return {"lat": [down(lat[0]), up(lat[1])], "lon": [down(lon[0]), up(lon[1])], "basis": basis}


def bbox_of(points: Iterable[tuple[float, float]], basis: str = "sampled") -> dict[str, Any] | None:
    pts = [(a, b) for a, b in points if _finite(a) and _finite(b)]
    if not pts:
        return None
    lats, lons = [a for a, _ in pts], [b for _, b in pts]
    return outward_bbox((min(lats), max(lats)), (min(lons), max(lons)), basis)


def time_span(first: object, last: object, basis: str) -> dict[str, Any] | None:
    """First and last day of the fixes and the days between (a day is precise enough; hours would be a fix's).

    >>> time_span("2025-03-01 08:00:00", "2025-04-02 20:00:00", "exact")
    {'first': '2025-03-01', 'last': '2025-04-02', 'days': 32.5, 'basis': 'exact'}
    """
    a, b = epoch_seconds(first), epoch_seconds(last)
    if a is None or b is None or b < a:
        return None
    day = _dt.timedelta(seconds=1)
    return {
        "first": (_EPOCH + a * day).date().isoformat(),
        "last": (_EPOCH + b * day).date().isoformat(),
        "days": round((b - a) / 86400, 1),
        "basis": basis,
    }


def province_counts(points: Iterable[tuple[float, float]]) -> list[dict[str, Any]]:
    """Fixes per province (most first), and those outside every province's box under ``code: null``."""
    counts: dict[str | None, int] = {}
    names: dict[str | None, str] = {None: "outside the provinces' extents"}
    for lat, lon in points:
        if not (_finite(lat) and _finite(lon)):
            continue
        p = province_of(lat, lon)
        key = p.code if p else None
        if p:
            names[key] = p.name
        counts[key] = counts.get(key, 0) + 1
    return [
        {"code": k, "name": names[k], "fixes": n}
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or "~"))
    ]


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


# --- the profile ----------------------------------------------------------------------------------------


@dataclass
class TrajectoryProfile:
    """What a report says about one table's trajectories (``tables[].trajectory``).

    ``devices`` is counted exactly in the engine; ``interval``, ``provinces`` and a ``sampled``
    bbox or time span come from the fixes read (``sampled``); ``notes`` say what could not be
    measured and why, so that a missing number is never read as a small one.
    """

    coordinates: list[str]
    device: dict[str, Any] | None = None
    time_column: str | None = None
    devices: int | None = None
    fixes: int | None = None
    decimals: dict[str, int] | None = None
    precision_m: float | None = None
    interval: dict[str, Any] | None = None
    time_span: dict[str, Any] | None = None
    bbox: dict[str, Any] | None = None
    provinces: list[dict[str, Any]] = field(default_factory=list)
    sampled: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "coordinates": list(self.coordinates),
            "device": self.device,
            "time_column": self.time_column,
            "devices": self.devices,
            "fixes": self.fixes,
            "decimals": self.decimals,
            "precision_m": None if self.precision_m is None else round(self.precision_m, 3),
            "interval": self.interval,
            "time_span": self.time_span,
            "bbox": self.bbox,
            "provinces": list(self.provinces),
            "sampled": dict(self.sampled),
            "notes": list(self.notes),
        }


def build_profile(
    *,
    coordinates: Sequence[str],
    device: tuple[str, str, bool] | None,
    time_column: str | None,
    devices: int | None,
    fixes: int | None,
    decimals: dict[str, int] | None,
    precision_m: float | None,
    fix_devices: Sequence[object] = (),
    fix_times: Sequence[object] = (),
    points: Sequence[tuple[float, float]] = (),
    bounds: dict[str, tuple[object, object]] | None = None,
    notes: Sequence[str] = (),
    seed: int = 0,
) -> TrajectoryProfile:
    """Assemble a profile from what was measured.

    ``device`` is ``(column, kind, is_vehicle)``; ``fix_devices``/``fix_times`` the fixes read
    for the sampled devices; ``points`` every position read (fixes and sample rows);
    ``bounds`` exact MIN/MAX from the engine under the keys ``lat``, ``lon`` and ``time``.
    """
    out = TrajectoryProfile(
        list(coordinates),
        time_column=time_column,
        devices=devices,
        fixes=fixes,
        decimals=dict(decimals) if decimals else None,
        precision_m=precision_m,
        notes=list(notes),
    )
    if device is not None:
        out.device = {"column": device[0], "kind": device[1], "vehicle": device[2]}
    if device is not None and time_column is not None and fix_devices:
        out.interval = intervals(fix_devices, fix_times)
        if out.interval is None:
            out.notes.append("no sampled device has two fixes at different times: interval not measured")
    bounds = bounds or {}
    lat, lon = bounds.get("lat"), bounds.get("lon")
    if lat and lon and all(_finite(x) for x in (*lat, *lon)):
        out.bbox = outward_bbox((float(lat[0]), float(lat[1])), (float(lon[0]), float(lon[1])), "exact")  # type: ignore[arg-type]
    else:
        out.bbox = bbox_of(points)
    if bounds.get("time"):
        out.time_span = time_span(*bounds["time"], "exact")  # type: ignore[misc]
    if out.time_span is None and fix_times:
        stamps = [s for s in (epoch_seconds(t) for t in fix_times) if s is not None]
        if stamps:
            out.time_span = time_span(min(stamps), max(stamps), "sampled")
    out.provinces = province_counts(points)
    out.sampled = {
        "devices": len(set(d for d in fix_devices if d is not None)),
        "fixes": len(fix_devices),
        "positions": len(points),
        "seed": seed,
    }
    return out
