"""Vehicle trajectories against the lists' words: the 10 m line, trade-logistics item 1, fleet scale.

A scan's trajectory profile (``tables[].trajectory``, :mod:`scanner.trajectory_profile`) says how a
table's tracks were recorded: devices counted exactly, decimals, precision, the median interval
between one device's fixes, time span and area.  This module is the catalogue's reading of it.

**The 10 m line** (automotive items 12 and 14) — 「平面精度不优于10米(不含10米)的车辆行踪轨迹」 reads
literally: tracks whose planar precision is *not better than* 10 m, 10 m itself excluded — that is,
coarser than 10 m (``precision_m > 10``).  Those are the list's enumerated sensitive PI and count
in the items' bands.  Tracks at 10 m or finer fall outside that enumeration: they are
high-precision geographic data (reference-rule sub-categories 3 地理信息 and 16 智能网联汽车), a
candidate for important data whatever the number of vehicles, for a person to confirm — and their
owners still count as persons with sensitive PI, 行踪轨迹 being sensitive under PIPL Art. 28.

**Trade-logistics item 1** — 「精度超过小数点后两位、超过1公里级且传输间隔低于1小时的车辆经纬度信息」:
three conditions, all needed: more than two decimals, precision finer than the kilometre, fixes
reported less than an hour apart.  :func:`item_conditions` tests them on each profile; a
condition that could not be measured sends the item to review, never to "not hit".

**Fleet scale** — 「10万台以上车辆规模」 (autonomous-driving items 2, 5, 6): the devices counted in the
tables holding coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalog.report.tables import BoundingBox, Table
from catalog.report.tables import Trajectory as TrajectoryProfile

if TYPE_CHECKING:
    from catalog.findings import CategoryHit, EntityHit
    from catalog.models import Indicative, Item

#: The automotive lists' line: coarser than this is 平面精度不优于10米(不含10米); this or finer is high-precision.
FINE_AT_MOST_M = 10.0
#: One step of the second decimal of a degree of latitude: "two decimals" expressed in metres.
TWO_DECIMALS_M = 1113.2
CANDIDATE_WORDS = "candidate important data for a person to confirm"


@dataclass(frozen=True)
class Trajectory:
    """One table's trajectory profile as the catalogue reads it (see :mod:`scanner.trajectory_profile`)."""

    table: str
    coordinates: tuple[str, ...] = ()
    device_column: str | None = None
    device_kind: str | None = None
    vehicle_key: bool = False
    time_column: str | None = None
    devices: int | None = None
    fixes: int | None = None
    decimals: int | None = None  # the fewer of latitude's and longitude's
    precision_m: float | None = None
    median_interval_s: float | None = None
    fastest_device_interval_s: float | None = None  # the smallest per-device median interval
    time_span_days: float | None = None
    bbox: BoundingBox | None = None
    provinces: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @classmethod
    def from_report(cls, table: str, d: TrajectoryProfile) -> Trajectory:
        interval = d.interval
        return cls(
            table=table,
            coordinates=tuple(d.coordinates),
            device_column=d.device.column if d.device else None,
            device_kind=d.device.kind if d.device else None,
            vehicle_key=bool(d.device and d.device.vehicle),
            time_column=d.time_column,
            devices=d.devices,
            fixes=d.fixes,
            decimals=min(d.decimals.lat, d.decimals.lon) if d.decimals else None,
            precision_m=d.precision_m,
            median_interval_s=interval.median_s if interval else None,
            fastest_device_interval_s=interval.device_median_s.min if interval else None,
            time_span_days=d.time_span.days if d.time_span else None,
            bbox=d.bbox,
            provinces=tuple(p.name for p in d.provinces if p.code),
            notes=tuple(d.notes),
        )

    @property
    def is_track(self) -> bool:
        """Fixes of identified devices over time (a device column and a time column), not lone positions."""
        return self.device_column is not None and self.time_column is not None

    def devices_words(self) -> str:
        if self.devices is None:
            return "devices not counted"
        what = "vehicles" if self.vehicle_key else "devices"
        return f"{self.devices:,} {what} (distinct {self.device_column}, counted in the source)"

    def area_words(self) -> str:
        """``area 31.20–31.72°N, 120.50–121.02°E (江苏省, 上海市; provinces approximate)``."""
        parts = []
        b = self.bbox
        if b:
            basis = "" if b.basis == "exact" else ", from sampled fixes"
            parts.append(f"area {b.lat[0]:.2f}–{b.lat[1]:.2f}°N, {b.lon[0]:.2f}–{b.lon[1]:.2f}°E{basis}")
        if self.provinces:
            parts.append(f"({', '.join(self.provinces)}; provinces approximate)")
        return " ".join(parts) or "area not measured"

    def interval_words(self) -> str:
        if self.median_interval_s is None:
            why = "; ".join(n for n in self.notes if "interval" in n) or "no interval measured"
            return f"reporting interval not measured ({why})"
        out = f"median interval between one device's fixes {_duration(self.median_interval_s)}"
        fast = self.fastest_device_interval_s
        if fast is not None and fast < self.median_interval_s:
            out += f" (fastest sampled device {_duration(fast)})"
        return out


def trajectories_of(tables: Iterable[Table]) -> list[Trajectory]:
    """Every scanned table's trajectory profile."""
    return [
        Trajectory.from_report(t.qualified_name, t.trajectory)
        for t in tables
        if t.status == "ok" and t.trajectory is not None
    ]


def precision_words(p: float | None) -> str:
    """Precision for a reason, with the digits that matter near the 10 m line.

    >>> [precision_words(x) for x in (0.1113, 1.1132, 10.0, 10.01, 111.32, 1113.2, None)]
    ['~0.11 m', '~1.113 m', '~10 m', '~10.01 m', '~111.3 m', '~1,113.2 m', 'precision not measured']
    """
    if p is None:
        return "precision not measured"
    if p < 1:
        return f"~{p:.2g} m"
    return f"~{p:.4g} m" if p < 1000 else f"~{p:,.1f} m"


def is_fine(p: float | None, limit: float = FINE_AT_MOST_M) -> bool:
    """10 m or finer, or not measured (the cautious reading): outside 平面精度不优于10米(不含10米).

    >>> is_fine(10.0), is_fine(10.01), is_fine(None)
    (True, False, True)
    """
    return p is None or p <= limit


def track_words(tr: Trajectory) -> str:
    """What a person confirming a candidate needs: precision, vehicles, area."""
    return f"{tr.table}: {precision_words(tr.precision_m)}, {tr.devices_words()}, {tr.area_words()}"


def _duration(seconds: float) -> str:
    """``10 min``, ``2 h``, ``45 s``.

    >>> _duration(600), _duration(7200), _duration(45), _duration(5400)
    ('10 min', '2 h', '45 s', '1.5 h')
    """
    if seconds < 60:
        return f"{seconds:g} s"
    if seconds < 3600:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


# --- trade-logistics item 1 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """The outcome of an item's trajectory conditions: ``met``, ``not_met`` or ``unknown``, in words."""

    outcome: str
    words: str


def item_conditions(params: dict[str, Any], trajectories: Iterable[Trajectory], quote: str) -> Conditions:
    """Trade-logistics item 1's three conditions on each table with coordinates; the strongest outcome wins.

    ``params``: ``coordinate_decimal_places_above`` (超过小数点后两位), ``trajectory_precision_m``
    (超过1公里级: finer than), ``transmission_interval_below_s`` (传输间隔低于1小时).  A table meets
    the item when all three hold; the item is ``unknown`` (review) when no table meets it and one
    could not be measured, ``not_met`` only when every table was measured and fails one.
    """
    results = [_table_conditions(params, tr) for tr in trajectories]
    if not results:
        return Conditions(
            "unknown",
            f"no trajectory profile of the coordinates (devices, interval) to test "
            f"「{quote}」: a person must check it",
        )
    for outcome in ("met", "unknown", "not_met"):
        said = [w for o, w in results if o == outcome]
        if said:
            return Conditions(outcome, "; ".join(said) + f" 「{quote}」")
    raise AssertionError("unreachable")


def _table_conditions(params: dict[str, Any], tr: Trajectory) -> tuple[str, str]:
    above = params.get("coordinate_decimal_places_above")
    finer = params.get("trajectory_precision_m")
    below = params.get("transmission_interval_below_s")
    checks: list[tuple[bool | None, str]] = []
    if above is not None:
        if tr.decimals is not None:
            checks.append(
                (
                    tr.decimals > above,
                    f"{tr.decimals} decimals ({'>' if tr.decimals > above else '≤'} {above})",
                )
            )
        elif tr.precision_m is not None:  # DMS, geohash: the decimals' equivalent in metres
            ok = tr.precision_m < TWO_DECIMALS_M * 10 ** (2 - int(above))
            checks.append(
                (
                    ok,
                    f"precision {precision_words(tr.precision_m)} "
                    f"{'finer' if ok else 'not finer'} than {above} decimals of a degree",
                )
            )
        else:
            checks.append((None, "decimals not measured"))
    if finer is not None:
        p = tr.precision_m
        if p is None:
            checks.append((True, "precision not measured, treated as fine"))
        else:
            checks.append(
                (
                    p < float(finer),
                    f"precision {precision_words(p)} ({'<' if p < float(finer) else '≥'} {float(finer):g} m)",
                )
            )
    if below is not None:
        checks.append(_interval_check(tr, float(below)))
    words = f"{tr.table}: " + ", ".join(w for _, w in checks) + f"; {tr.devices_words()}; {tr.area_words()}"
    if any(ok is False for ok, _ in checks):
        return "not_met", words + ": not all of the conditions hold"
    if any(ok is None for ok, _ in checks):
        return "unknown", words + ": a condition could not be measured, a person must check it"
    return "met", words + ": all conditions hold"


def _interval_check(tr: Trajectory, below: float) -> tuple[bool | None, str]:
    """Median interval below the line: met; every sampled device at or above it: not met; else for a person."""
    if tr.median_interval_s is None:
        return None, tr.interval_words()
    words = tr.interval_words()
    if tr.median_interval_s < below:
        return True, f"{words} (< {_duration(below)})"
    if tr.fastest_device_interval_s is not None and tr.fastest_device_interval_s < below:
        return None, f"{words}: some devices report more often than every {_duration(below)}"
    return False, f"{words} (≥ {_duration(below)})"


# --- fleet scale ---------------------------------------------------------------------------------------


def vehicle_count(trajectories: Iterable[Trajectory]) -> tuple[int | None, int | None, str]:
    """Vehicles (devices) in the tables with coordinates: the largest table's count, the sum, and in words.

    Tables may hold the same vehicles, so the largest count is the sure one and the sum an upper bound.
    """
    counted = [tr for tr in trajectories if tr.devices is not None]
    if not counted:
        return None, None, "no table with coordinates had its vehicles counted"
    top = max(counted, key=lambda tr: tr.devices or 0)
    total = sum(tr.devices or 0 for tr in counted)
    words = f"{top.devices_words()} in {top.table}"
    if len(counted) > 1:
        words += f"; {total:,} across {len(counted)} tables with coordinates (they may share vehicles)"
    return top.devices, total, words


def vehicle_scale(indicative: Indicative, trajectories: Sequence[Trajectory]) -> tuple[bool | None, str]:
    """Whether the vehicles counted reach 「10万台以上车辆规模」: True, False, or None (not counted).

    The largest table's count decides; a sum across tables that reaches the scale when no
    table does is for a person (the tables may or may not share vehicles).
    """
    top, total, words = vehicle_count(trajectories)
    quote = f"「{indicative.source_text}」"
    if top is None:
        return None, f"{words}: whether the data reaches {quote} is for a person to check"
    if indicative.met_by(top):
        return True, f"{words}: reaches the scale the item names {quote}"
    if total is not None and indicative.met_by(total):
        return None, f"{words}: together they would reach {quote}, if the tables hold different vehicles"
    return False, f"{words}: below the scale the item names {quote}"


# --- coordinates as an item's evidence -------------------------------------------------------------------


@dataclass(frozen=True)
class CoordinateEvidence:
    """What one coordinate finding is for an item: evidence (``counts``) or not, in words; ``decisive`` when it
    is the item's data itself (a candidate hit rather than a judgement)."""

    counts: bool
    words: str
    decisive: bool = False


def coordinate_evidence(
    it: Item,
    h: EntityHit,
    trajectories: Sequence[Trajectory],
    categories: Sequence[CategoryHit],
    sensitive: bool,
) -> CoordinateEvidence | None:
    """Coordinates against an item's trajectory parameters; ``None`` when the item has none for them.

    * ``trajectory_precision_m`` on a sensitive-PI item (automotive 12/14): coarser than the line is the
      item's enumerated 平面精度不优于10米(不含10米)的车辆行踪轨迹; at the line or finer the coordinates are
      outside the enumeration but still sensitive PI when ``sensitive`` (行踪轨迹, PIPL Art. 28);
    * ``precise_track_at_most_m`` (automotive and autonomous-driving item 1): vehicle tracks at the line
      or finer are high-precision geographic data — a candidate for the item, for a person to confirm,
      whatever the number of vehicles.
    """
    precise = it.parameters.get("precise_track_at_most_m")
    if precise is not None:
        tr = _track_of(h, trajectories)
        if is_fine(h.precision_m, float(precise)) and (tr is not None or _vehicle_column(h, categories)):
            return CoordinateEvidence(True, _candidate_words(it, h, tr, float(precise)), decisive=True)
        return None
    limit = it.parameters.get("trajectory_precision_m")
    if limit is None or it.data_kind != "sensitive_personal_information":
        return None
    return _line_evidence(it, h, float(limit), sensitive, _where(h, trajectories))


def _where(h: EntityHit, trajectories: Sequence[Trajectory]) -> str:
    """``vehicle_gps (lat, lng)`` for a pair of columns profiled together (one finding per column), else ``t.c``."""
    for tr in trajectories:
        if tr.table == h.table and len(tr.coordinates) > 1 and h.column in tr.coordinates:
            return f"{tr.table} ({', '.join(tr.coordinates)})"
    return h.where()


def _line_evidence(it: Item, h: EntityHit, limit: float, sensitive: bool, where: str) -> CoordinateEvidence:
    quote, reading = _reading(it, "trajectory_precision_m")
    at = f"coordinates in {where}"
    if not is_fine(h.precision_m, limit):
        return CoordinateEvidence(
            True,
            f"{at} resolve to {precision_words(h.precision_m)} (coarser than {limit:g} m): "
            f"the item's 「{quote}」, sensitive PI in this item{reading}",
        )
    measured = (
        f"resolve to {precision_words(h.precision_m)} ({limit:g} m or finer)"
        if h.precision_m is not None
        else f"precision not measured, taken as {limit:g} m or finer"
    )
    outside = (
        f"outside the item's 「{quote}」{reading}: high-precision geographic data, a candidate for important "
        "data (sub-categories 3 地理信息, 16 智能网联汽车)"
    )
    if sensitive:
        return CoordinateEvidence(
            True, f"{at} {measured}: {outside}; still sensitive PI as 行踪轨迹 (PIPL Art. 28)"
        )
    return CoordinateEvidence(False, f"{at} {measured}: {outside}")


def _candidate_words(it: Item, h: EntityHit, tr: Trajectory | None, line: float) -> str:
    _, reading = _reading(it, "precise_track_at_most_m")
    where = (
        track_words(tr)
        if tr is not None
        else f"{h.where()}: {precision_words(h.precision_m)}, devices not counted"
    )
    return (
        f"{CANDIDATE_WORDS}: vehicle tracks at {line:g} m or finer (high-precision geographic data, sub-categories "
        f"3 地理信息 and 16 智能网联汽车, whatever the number of vehicles) — {where}{reading}"
    )


def _reading(it: Item, parameter: str) -> tuple[str, str]:
    """The words an item's parameter reads (verbatim) and ``; working reading: …; counsel to confirm``."""
    ip = it.interpretation(parameter)
    if ip is None:
        return str(it.parameters.get("source_text") or parameter), ""
    if ip.status == "confirmed":
        return ip.source_text, ""
    who = f"; {ip.confirm_with} to confirm" if ip.confirm_with else ""
    return ip.source_text, f" (working reading{who})"


def _track_of(h: EntityHit, trajectories: Sequence[Trajectory]) -> Trajectory | None:
    """The profile of the table ``h`` is in, when it shows tracks (devices over time) of vehicles or devices."""
    for tr in trajectories:
        if (
            tr.table == h.table
            and (not tr.coordinates or h.column in tr.coordinates)
            and (tr.is_track or tr.vehicle_key)
        ):
            return tr
    return None


def _vehicle_column(h: EntityHit, categories: Sequence[CategoryHit]) -> bool:
    """The mapping put the column under 智能网联汽车 (precise positions in a table about vehicles)."""
    return any(c.name == "智能网联汽车" and c.table == h.table and c.column == h.column for c in categories)
