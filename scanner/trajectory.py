"""The trajectory profile of a scanned table that holds coordinates: measured in the source, during the scan.

For every table where the recognizers found GEO_COORDINATE, :func:`profile_table`
works out which column names the device (a VIN, a plate, an IMEI … found by the
recognizers, else a column named like ``vehicle_id`` / ``device_id`` / 终端号) and
which the time of a fix (a timestamp column, else one named like ``gps_time`` /
``ts`` / 定位时间 whose values read as times), then asks the connector for:

* the **number of devices**, exactly (``COUNT(DISTINCT device)`` in the engine);
* the **bounds** of the coordinates and of the time (``MIN``/``MAX``, one pass);
* the **fixes** of a seeded random subset of the devices the sample holds (up to
  :data:`MAX_DEVICES` devices × :data:`FIXES_PER_DEVICE` fixes, earliest first,
  numbered per device by a window function in the engine).

:mod:`scanner.trajectory_profile` turns these into the profile the report keeps
under ``tables[].trajectory`` and the catalogue reads (trade-logistics item 1's
reporting interval, the autonomous-driving list's 10万台 vehicles).  A number
that cannot be measured — no device column, no time column, a connector that
cannot read fixes — is left ``None`` with a note saying why, so the catalogue
sends the item to review instead of reading the gap as "below".
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from connectors.base import Connector, FixQuery, SourceError, TableInfo
from recognizers.geo import parse_coordinate
from recognizers.geo_precision import geohash_decode
from scanner.trajectory_profile import build_profile, epoch_seconds

#: Devices whose fixes are read to measure the reporting interval, and fixes read per device.
MAX_DEVICES = 200
FIXES_PER_DEVICE = 500
#: Share of a candidate time column's sampled values that must read as times.
TIME_PARSE_SHARE = 0.8

#: Identifiers that name one vehicle or device, best first; the first two are vehicles themselves.
DEVICE_ENTITIES = ("VIN", "CN_LICENSE_PLATE", "IMEI", "ICCID", "IMSI", "MSISDN", "MAC_ADDRESS")
VEHICLE_ENTITIES = frozenset({"VIN", "CN_LICENSE_PLATE"})
_DEVICE_NAMES = re.compile(
    r"^(vin|vin_?code|plate(_?(no|num|number))?|licen[cs]e_?plate|(vehicle|car|truck|van|bus|taxi|lorry)_?"
    r"(id|no|num|number|code|sn|key)|(device|terminal|tbox|obu|tracker|unit|gps)_?(id|no|num|number|code|sn|key)"
    r"|imei|device|terminal|tracker)$"
)
_DEVICE_NAMES_ZH = (
    "车辆编号",
    "车辆id",
    "车辆ID",
    "车牌",
    "车架号",
    "设备号",
    "设备编号",
    "设备id",
    "设备ID",
    "终端号",
    "终端编号",
    "终端id",
    "终端ID",
)
_VEHICLE_WORDS = frozenset({"vin", "vehicle", "car", "truck", "van", "bus", "taxi", "lorry", "plate"})
_TIME_NAMES = re.compile(
    r"^(ts|time|timestamp|datetime|date_?time|(gps|gnss|loc|locate|location|position|pos|fix|report|collect|"
    r"event|recv|receive|upload|record|sample|gmt|utc|create|created|update|updated)_?(time|ts|at|timestamp))$"
    r"|_(time|ts|timestamp)$"
)
_TIME_NAMES_ZH = ("时间", "时刻")


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()).strip("_")


@dataclass(frozen=True)
class Coordinates:
    """Where a table's coordinates are: a latitude/longitude column pair, or one column of strings."""

    columns: tuple[str, ...]
    pair: bool
    decimals: dict[str, int] | None
    precision_m: float | None
    geohash: bool = False


def find_coordinates(columns: Sequence[Any]) -> Coordinates | None:
    """The table's finest coordinates (a pair first), from the scan's column findings.

    >>> from recognizers.findings import EntityFinding as F
    >>> class C:
    ...     def __init__(self, name, *entities): self.name, self.entities = name, list(entities)
    >>> pair = {"pair": {"lat": "lat", "lon": "lng"}, "decimals": {"lat": 3, "lon": 3}}
    >>> find_coordinates([C("lat", F("GEO_COORDINATE", 0.9, 1.0, 9, precision_m=111.3, details=pair)), C("lng")])
    Coordinates(columns=('lat', 'lng'), pair=True, decimals={'lat': 3, 'lon': 3}, precision_m=111.3, geohash=False)
    """
    found: list[tuple[tuple[int, float], Coordinates]] = []
    for col in columns:
        for e in col.entities:
            if e.type != "GEO_COORDINATE":
                continue
            pair = e.details.get("pair") if isinstance(e.details, dict) else None
            dec = e.details.get("decimals") if isinstance(e.details, dict) else None
            decimals = {"lat": int(dec["lat"]), "lon": int(dec["lon"])} if isinstance(dec, dict) else None
            p = e.precision_m
            if isinstance(pair, dict) and pair.get("lat") and pair.get("lon"):
                c = Coordinates((str(pair["lat"]), str(pair["lon"])), True, decimals, p)
            else:
                c = Coordinates((col.name,), False, decimals, p, geohash="Geohash" in (e.recognizer or ""))
            found.append(((0 if c.pair else 1, p if p is not None else 0.0), c))
    return min(found, key=lambda x: x[0])[1] if found else None


def find_device(columns: Sequence[Any], exclude: set[str]) -> tuple[str, str, bool] | None:
    """``(column, kind, is_vehicle)`` of the column naming the device: a recognized identifier, else its name.

    >>> from recognizers.findings import EntityFinding as F
    >>> class C:
    ...     def __init__(self, name, *types): self.name, self.entities = name, [F(t, .9, 1., 9) for t in types]
    >>> find_device([C("terminal_sn"), C("vin", "VIN")], set()), find_device([C("车辆编号")], set())
    (('vin', 'VIN', True), ('车辆编号', 'named column', True))
    """
    for etype in DEVICE_ENTITIES:
        for col in columns:
            if col.name not in exclude and any(e.type == etype for e in col.entities):
                return col.name, etype, etype in VEHICLE_ENTITIES
    for col in columns:
        if col.name in exclude:
            continue
        n = _norm(col.name)
        if _DEVICE_NAMES.match(n) or any(w in col.name for w in _DEVICE_NAMES_ZH):
            return col.name, "named column", bool(_VEHICLE_WORDS & set(n.split("_")) or "车" in col.name)
    return None


def find_time(sample: pa.Table, columns: Sequence[Any], exclude: set[str]) -> str | None:
    """The column holding each fix's time: temporal type and name first, then either, values checked.

    Dates of birth are never a fix's time; a date-only column comes last (its intervals are days).
    """
    ranked: list[tuple[int, int, str]] = []
    for i, col in enumerate(columns):
        name = col.name
        if name in exclude or name not in sample.column_names:
            continue
        if any(e.type in ("DATE_OF_BIRTH", "AGE") for e in col.entities):
            continue
        typ = sample.schema.field(name).type
        stamp = pa.types.is_timestamp(typ)
        date = pa.types.is_date(typ)
        named = bool(_TIME_NAMES.search(_norm(name)) or any(w in name for w in _TIME_NAMES_ZH))
        if stamp and named:
            rank = 0
        elif stamp:
            rank = 1
        elif named and not date and _reads_as_times(sample.column(name)):
            rank = 2
        elif date:
            rank = 3
        else:
            continue
        ranked.append((rank, i, name))
    return min(ranked)[2] if ranked else None


def _reads_as_times(values: pa.ChunkedArray) -> bool:
    vals = [v for v in values.to_pylist() if v is not None]
    return bool(vals) and sum(epoch_seconds(v) is not None for v in vals) >= TIME_PARSE_SHARE * len(vals)


def positions(table: pa.Table, coords: Coordinates) -> list[tuple[float, float]]:
    """Latitude/longitude of every row of ``table`` that holds a readable position."""
    if any(c not in table.column_names for c in coords.columns):
        return []
    if coords.pair:
        out = []
        for a, b in zip(*(table.column(c).to_pylist() for c in coords.columns), strict=True):
            try:
                out.append((float(a), float(b)))
            except (TypeError, ValueError):
                continue
        return out

    out = []
    for v in table.column(coords.columns[0]).to_pylist():
        if not isinstance(v, str):
            continue
        if coords.geohash:
            try:
                lat, lon, _, _ = geohash_decode(v.strip())
            except ValueError:
                continue
            out.append((lat, lon))
            continue
        p = parse_coordinate(v)
        if p and p.get("lat") is not None and p.get("lon") is not None:
            out.append((float(p["lat"]), float(p["lon"])))  # type: ignore[arg-type]
    return out


def pick_devices(sample: pa.Table, column: str, n: int, seed: int) -> tuple[object, ...]:
    """A seeded random subset of at most ``n`` of the devices the (already random) sample holds.

    >>> t = pa.table({"vin": ["A", "B", None, "A", "C"]})
    >>> pick_devices(t, "vin", 2, 0) == pick_devices(t, "vin", 2, 0), len(pick_devices(t, "vin", 2, 0))
    (True, 2)
    """
    seen = sorted({v for v in sample.column(column).to_pylist() if v is not None}, key=repr)
    return tuple(seen if len(seen) <= n else random.Random(seed).sample(seen, n))


def profile_table(
    connector: Connector,
    info: TableInfo,
    sample: pa.Table,
    columns: Sequence[Any],
    *,
    row_count: int | None,
    seed: int = 0,
    clean: Callable[[str], str] = str,
    max_devices: int = MAX_DEVICES,
    per_device: int = FIXES_PER_DEVICE,
) -> dict[str, Any] | None:
    """The trajectory profile of one scanned table, or ``None`` when it holds no coordinates.

    ``columns`` are the scan's column results (with their entity findings);
    ``clean`` scrubs a connector's error text before it goes into a note.
    """
    coords = find_coordinates(columns)
    if coords is None:
        return None
    taken = set(coords.columns)
    device = find_device(columns, taken)
    time_col = find_time(sample, columns, taken | ({device[0]} if device else set()))
    notes: list[str] = []
    if device is None:
        notes.append(
            "no vehicle or device column found (VIN, plate, IMEI, vehicle_id, device_id …): devices not "
            "counted and the interval between one device's fixes not measured"
        )
    if time_col is None:
        notes.append(
            "no time column found (a timestamp, or gps_time / ts / 定位时间 …): the interval between "
            "fixes not measured"
        )

    def attempt(what: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except NotImplementedError:
            notes.append(f"{what} not measured: {type(connector).__name__} cannot do it")
        except SourceError as exc:
            notes.append(f"{what} not measured: {clean(exc.message)}")
        return None

    devices = (
        attempt("number of devices", lambda: connector.distinct_count(info, [device[0]])) if device else None
    )
    bound_cols = ([*coords.columns] if coords.pair else []) + ([time_col] if time_col else [])
    raw_bounds = attempt("bounds", lambda: connector.value_bounds(info, bound_cols)) if bound_cols else None
    bounds: dict[str, tuple[object, object]] = {}
    if raw_bounds:
        if coords.pair:
            bounds["lat"], bounds["lon"] = raw_bounds[coords.columns[0]], raw_bounds[coords.columns[1]]
        if time_col:
            bounds["time"] = raw_bounds[time_col]
    fix_devices: list[object] = []
    fix_times: list[object] = []
    points = positions(sample, coords)
    if device and time_col:
        query = FixQuery(
            device[0],
            time_col,
            pick_devices(sample, device[0], max_devices, seed),
            per_device,
            coords.columns,
        )
        fixes = None
        if query.devices:
            fixes = attempt("interval between fixes", lambda: connector.device_fixes(info, query))
        else:
            notes.append(f"the sample holds no value of {device[0]}: the interval between fixes not measured")
        if fixes is not None:
            fix_devices = fixes.column(device[0]).to_pylist()
            fix_times = fixes.column(time_col).to_pylist()
            points += positions(fixes, coords)
    profile = build_profile(
        coordinates=coords.columns,
        device=device,
        time_column=time_col,
        devices=devices,
        fixes=row_count,
        decimals=coords.decimals,
        precision_m=coords.precision_m,
        fix_devices=fix_devices,
        fix_times=fix_times,
        points=points,
        bounds=bounds,
        notes=notes,
        seed=seed,
    )
    return profile.to_dict()
