"""JSON and nested columns as sub-columns named by path, so the recognizers read them like any column.

A JSONB ``payload`` holding ``{"device": {"imei": …}, "geo": {"lat": 31.234567, "lng": 121.456789}}``
is five facts in one column: read as one text, an IMEI shows up as a span, but a latitude and a
longitude in two keys are never paired and their precision never measured.  :func:`flatten_table`
turns each JSON column into *sub-columns*, one per path, aligned with the rows, before recognition:

=====================================  ==============================================================
``payload.geo.lat``                    the value at key ``lat`` of the object at key ``geo``
``payload.items[].sku``                ``sku`` of each element of the list ``items``
``payload.tags[]``                     each element of a list of scalars
``payload.contacts.*``                 each value of a *map*: an object keyed by data (phone numbers,
                                       IDs, names) rather than by field names
``payload.contacts.*~``                the keys of that map, as values (``~`` as in JSONPath-Plus)
``payload["first.name"]``              a field name with characters the path syntax uses, JSON-quoted
=====================================  ==============================================================

Which columns are JSON
    A column of a nested Arrow type (Parquet structs, lists and maps), a column the source declares
    ``json``/``jsonb``, or a text column whose sampled values (:data:`SNIFF_VALUES` of them) start with
    ``{`` or ``[`` at least :data:`JSON_SHARE` of the time and mostly parse as JSON objects or arrays.
    Any other column is left as it is, at no cost beyond that look at its first values.

Row alignment
    Sub-columns that pass only through objects hold one value per table row, in the table's row
    order (missing keys and JSON ``null`` are nulls), so pairs, trajectories and person counts can
    line them up with the table's other columns.  Values inside a list or a map cannot be: there
    may be several per row.  Each list or map path is an *element frame* (:class:`Frame`) with one
    row per element and the table row each element came from; the sub-columns under it (the
    latitude and longitude of each point of a ``track[]``) are aligned with each other there.

Caps
    Paths are at most :data:`MAX_DEPTH` steps deep (a key and a list each count one): a deeper
    object or list is kept whole as JSON text at the path where the cap stops it.  A column gives at
    most :data:`MAX_PATHS` sub-columns, the ones holding the most values; the values of the others
    stay in the JSON column itself, as JSON text per row, with text that did not parse and bare
    JSON scalars (``"abc"``, ``42``).  The column keeps exactly what was *not* flattened and is left
    out of the result when that is nothing, so no value is read twice and none is dropped.

Names are schema, never data
    An object key becomes part of a column name only when it looks like a field name: keys with
    more than four digits, only digits, or more than 64 characters (``"13912345678"``, UUIDs), and
    every key of an object whose keys rarely repeat across the sample (a map keyed by names), are
    map entries, written ``*`` in the path, so no raw identifier ends up in a report as a column
    name.

The transform is pure (Arrow in, Arrow out) and deterministic: sub-columns come in the order their
paths first appear in the sample, right after their JSON column.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Steps below the JSON column a path may take (a key or a list each count one: ``orders[].items[].sku`` is 5).
MAX_DEPTH = 6
#: Sub-columns one JSON column may give; the values of further paths stay in the column as JSON text.
MAX_PATHS = 200
#: A text column is sniffed on its first values: this many non-null ones.
SNIFF_VALUES = 200
#: Share of the sniffed values that must start with ``{``/``[``, and of the values that must parse as a container.
JSON_SHARE = 0.9
#: An object path whose keys are mostly new in each object is a map once it has this many distinct keys.
MAP_MIN_KEYS = 8

_NESTED = (
    pa.types.is_struct,
    pa.types.is_list,
    pa.types.is_large_list,
    pa.types.is_fixed_size_list,
    pa.types.is_map,
)
_FIELD = re.compile(r"[^\W\d]\w*(?:[- ]\w+)*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Frame:
    """The elements of one list or map path, each a row, with the table row it came from.

    ``path`` is the list's or map's path (``payload.track[]``, ``payload.contacts.*``); ``rows`` the
    table row of each element; ``table`` the sub-columns under the path, aligned with the elements.
    """

    path: str
    rows: pa.Array
    table: pa.Table


@dataclass(frozen=True)
class Flattened:
    """A table with its JSON columns flattened (see the module docstring).

    ``table``: row-aligned with the input; every column that is not JSON unchanged, and each JSON
    column replaced by its row-aligned sub-columns, preceded by the column itself only when part of
    it was not flattened.  ``elements``: one :class:`Frame` per list or map path.  ``parents``: each
    sub-column's JSON column, in output order.
    """

    table: pa.Table
    elements: tuple[Frame, ...] = ()
    parents: dict[str, str] = field(default_factory=dict)

    def tables(self) -> list[pa.Table]:
        """Every table the recognizers should read: the row-aligned one, then each element frame's."""
        return [self.table, *(f.table for f in self.elements)]

    def column(self, name: str) -> pa.ChunkedArray:
        """A sub-column (or a column of the row-aligned table) by name, wherever it lives."""
        for t in self.tables():
            if name in t.column_names:
                return t.column(name)
        raise KeyError(name)

    def frame_of(self, name: str) -> str:
        """``""`` for a row-aligned sub-column, else the path of the list or map whose elements it is aligned with."""
        return next((f.path for f in self.elements if name in f.table.column_names), "")


def flatten_table(
    table: pa.Table,
    declared: Mapping[str, str] | None = None,
    *,
    max_depth: int = MAX_DEPTH,
    max_paths: int = MAX_PATHS,
) -> Flattened:
    """Flatten the JSON columns of ``table`` into sub-columns named by path.

    ``declared`` maps column names to the source's type names (``jsonb``, ``JSON``): a declared JSON
    column is parsed without sniffing.  A table without JSON columns comes back as it is.

    >>> t = pa.table({"id": [1, 2], "payload": ['{"geo": {"lat": 31.2345, "lng": 121.4567}}', '{"geo": null}']})
    >>> flat = flatten_table(t)
    >>> flat.table.column_names, flat.parents["payload.geo.lat"]
    (['id', 'payload.geo.lat', 'payload.geo.lng'], 'payload')
    >>> flat.table.column("payload.geo.lat").to_pylist()
    [31.2345, None]
    """
    declared = declared or {}
    names: list[str] = []
    arrays: list[pa.ChunkedArray | pa.Array] = []
    elements: list[Frame] = []
    parents: dict[str, str] = {}
    taken = set(table.column_names)
    for name in table.column_names:
        column = table.column(name)
        values = json_values(column, declared.get(name))
        if values is None:
            names.append(name)
            arrays.append(column)
            continue
        out = _flatten_values(name, values, max_depth, max_paths)
        if taken & {*out.rows, *(c for f in out.frames for c in f.table.column_names)}:
            names.append(name)  # a path is also a column of the table (JSON Lines keys): read it as text
            arrays.append(column)
            continue
        if out.remainder is not None:
            names.append(name)
            arrays.append(out.remainder)
        for path, array in out.rows.items():
            names.append(path)
            arrays.append(array)
            parents[path] = name
        for frame in out.frames:
            elements.append(frame)
            parents.update(dict.fromkeys(frame.table.column_names, name))
    if not parents:
        return Flattened(table)
    ordered = {
        p: parents[p] for p in [*names, *(c for f in elements for c in f.table.column_names)] if p in parents
    }
    return Flattened(pa.table(dict(zip(names, arrays, strict=True))), tuple(elements), ordered)


def json_values(column: pa.ChunkedArray | pa.Array, declared: str | None = None) -> list[Any] | None:
    """The column's values as Python JSON values (``None`` for nulls) when it is JSON, else ``None``.

    Text that does not parse, and bare scalars, come back as :class:`_Unflattened` markers.

    >>> json_values(pa.array(['{"a": 1}', "[2]", None]))
    [{'a': 1}, [2], None]
    >>> json_values(pa.array(["张三", "{not json"])) is None
    True
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    t = column.type
    is_declared = "json" in (declared or "").lower()
    if t == pa.string() and not is_declared and _few_could_open(column.slice(0, SNIFF_VALUES)):
        return None  # a text column of names, numbers, notes: told from JSON by its first bytes, at once
    if pa.types.is_dictionary(t):
        column, t = column.cast(t.value_type), t.value_type
    if any(is_nested(t) for is_nested in _NESTED):
        return column.to_pylist(maps_as_pydicts="lossy")
    if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)):
        return None
    if not is_declared and not _looks_like_json(column):
        return None
    parsed = [None if v is None else _parse(v) for v in column.to_pylist()]
    containers = sum(isinstance(v, dict | list) for v in parsed)
    non_null = sum(v is not None for v in parsed)
    if containers == 0 or (not is_declared and containers < JSON_SHARE * non_null):
        return None
    return parsed


@dataclass(frozen=True)
class _Unflattened:
    """A value of a JSON column that is no object or array: text that did not parse, or a bare scalar."""

    text: str


def _looks_like_json(column: pa.Array) -> bool:
    head = column.drop_null().slice(0, SNIFF_VALUES)
    if len(head) == 0:
        return False
    if _few_could_open(head):
        return False
    trimmed = pc.utf8_ltrim_whitespace(head)
    opens = pc.or_(pc.starts_with(trimmed, "{"), pc.starts_with(trimmed, "["))
    return (pc.sum(pc.cast(opens, pa.int64())).as_py() or 0) >= JSON_SHARE * len(head)


#: The first bytes of a value that may open JSON after whitespace is trimmed: ``{``, ``[``, ASCII whitespace,
#: and the lead bytes of the UTF-8 forms of Unicode's other whitespace (U+0085, U+00A0: C2; U+1680: E1;
#: U+2000-U+205F: E2; U+3000: E3).
_MAY_OPEN = np.zeros(256, dtype=bool)
_MAY_OPEN[[ord("{"), ord("["), 9, 10, 11, 12, 13, 32, 0x1C, 0x1D, 0x1E, 0x1F, 0xC2, 0xE1, 0xE2, 0xE3]] = True


def _few_could_open(head: pa.Array) -> bool:
    """True when too few values could start with ``{`` or ``[`` once trimmed, by their first byte alone: a
    column of names or numbers is told from JSON in one numpy look-up instead of five Arrow kernels."""
    if not pa.types.is_string(head.type) or head.null_count:
        return False
    buffers = head.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[head.offset : head.offset + len(head) + 1]
    data = buffers[2]
    if data is None:
        return True  # every value empty: none opens anything
    starts = offsets[:-1][offsets[:-1] < offsets[1:]]
    firsts = np.frombuffer(data, dtype=np.uint8)[starts]
    return int(_MAY_OPEN[firsts].sum()) < JSON_SHARE * len(head)


def _parse(text: str) -> Any:
    s = text.strip()
    if not s.startswith(("{", "[")):
        return _Unflattened(text)
    try:
        value = json.loads(s)
    except ValueError:
        return _Unflattened(text)
    return value if isinstance(value, dict | list) else _Unflattened(text)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _data_key(key: Any) -> bool:
    """True when an object key is data (a phone number, an ID, a UUID) rather than a field name.

    >>> [_data_key(k) for k in ("lat", "lat_wgs84", "身份证号", "13912345678", "7", "0f8fad5b-d9cb-469f-a165-70867728950e")]
    [False, False, False, True, True, True]
    """
    if not isinstance(key, str) or not key or len(key) > 64 or _CONTROL.search(key):
        return True
    digits = sum(c.isdigit() for c in key)
    return digits > 4 or digits == len(key)


def _segment(key: str) -> str:
    """The path step of a field name: ``.key``, or ``["key"]`` JSON-quoted when the name needs it."""
    return f".{key}" if _FIELD.fullmatch(key) else f"[{json.dumps(key, ensure_ascii=False)}]"


class _Sink:
    """What the walk reports: objects met (for map detection) and leaf values (for the sub-columns)."""

    def __init__(self, collect: bool) -> None:
        self.collect = collect
        self.objects: dict[str, Counter[str]] = {}
        self.object_count: Counter[str] = Counter()
        self.frame_rows: dict[str, list[int]] = {}
        self.leaves: dict[str, tuple[str, dict[int, Any]]] = {}  # path -> (frame, {index: value})

    def obj(self, path: str, keys: Iterable[Any]) -> None:
        if not self.collect:
            self.object_count[path] += 1
            counter = self.objects.setdefault(path, Counter())
            counter.update(k for k in keys if not _data_key(k))

    def element(self, frame: str, parent_frame: str, index: int) -> int:
        row = index if parent_frame == "" else self.frame_rows[parent_frame][index]
        rows = self.frame_rows.setdefault(frame, [])
        rows.append(row)
        return len(rows) - 1

    def leaf(self, path: str, frame: str, index: int, value: Any) -> None:
        if self.collect:
            self.leaves.setdefault(path, (frame, {}))[1][index] = value


@dataclass
class _Walk:
    max_depth: int
    maps: frozenset[str]
    sink: _Sink

    def value(self, v: Any, path: str, depth: int, frame: str, index: int) -> None:
        if isinstance(v, dict | list) and v and depth >= self.max_depth:
            self.sink.leaf(path, frame, index, _dump(v))
        elif isinstance(v, dict):
            self.object(v, path, depth, frame, index)
        elif isinstance(v, list):
            inner = f"{path}[]"
            for e in v:
                self.value(e, inner, depth + 1, inner, self.sink.element(inner, frame, index))
        elif not isinstance(v, _Unflattened):  # what did not parse stays in the JSON column
            self.sink.leaf(path, frame, index, v)

    def object(self, v: dict, path: str, depth: int, frame: str, index: int) -> None:
        self.sink.obj(path, v.keys())
        is_map = path in self.maps
        entries = []
        for key, inner in v.items():
            if is_map or _data_key(key):
                entries.append((key, inner))
            else:
                self.value(inner, path + _segment(key), depth + 1, frame, index)
        if entries:
            inner_path = f"{path}.*"
            for key, inner in entries:
                j = self.sink.element(inner_path, frame, index)
                self.sink.leaf(f"{inner_path}~", inner_path, j, str(key))
                self.value(inner, inner_path, depth + 1, inner_path, j)


def _detect_maps(name: str, values: list[Any], max_depth: int) -> frozenset[str]:
    """Object paths whose keys are mostly new in each object (a map keyed by names), to a fixed point."""
    maps: frozenset[str] = frozenset()
    for _ in range(max_depth + 1):
        sink = _Sink(collect=False)
        walk = _Walk(max_depth, maps, sink)
        for row, v in enumerate(values):
            if v is not None:
                walk.value(v, name, 0, "", row)
        found = set(maps)
        for path, keys in sink.objects.items():
            once = sum(1 for n in keys.values() if n == 1)
            if sink.object_count[path] >= 2 and len(keys) >= MAP_MIN_KEYS and once * 2 > len(keys):
                found.add(path)
        if found == maps:
            break
        maps = frozenset(found)
    return maps


@dataclass
class _Column:
    rows: dict[str, pa.Array]
    frames: list[Frame]
    remainder: pa.Array | None


def _flatten_values(name: str, values: list[Any], max_depth: int, max_paths: int) -> _Column:
    sink = _Sink(collect=True)
    walk = _Walk(max_depth, _detect_maps(name, values, max_depth), sink)
    for row, v in enumerate(values):
        if v is not None:
            walk.value(v, name, 0, "", row)
    leaves = {p: v for p, v in sink.leaves.items() if not _null_prefix(p, v[1], sink.leaves)}
    kept = set(leaves)
    if len(leaves) > max_paths:
        rank = sorted(
            enumerate(leaves.items()), key=lambda x: (-sum(v is not None for v in x[1][1][1].values()), x[0])
        )
        kept = {path for _, (path, _) in rank[:max_paths]}
    rest: dict[int, dict[str, list[Any]]] = {}
    for path, (frame, cells) in leaves.items():
        if path in kept:
            continue
        for index, v in cells.items():
            row = index if frame == "" else sink.frame_rows[frame][index]
            rest.setdefault(row, {}).setdefault(path, []).append(v)
    remainder = [
        v.text if isinstance(v, _Unflattened) else _dump(rest[row]) if row in rest else None
        for row, v in enumerate(values)
    ]
    rows = {
        p: _array(cells, len(values)) for p, (frame, cells) in leaves.items() if p in kept and frame == ""
    }
    frames = []
    for frame, table_rows in sink.frame_rows.items():
        cols = {p: _array(c, len(table_rows)) for p, (f, c) in leaves.items() if p in kept and f == frame}
        if cols:
            frames.append(Frame(frame, pa.array(table_rows, pa.int64()), pa.table(cols)))
    has_rest = any(v is not None for v in remainder)
    return _Column(rows, frames, pa.array(remainder, pa.string()) if has_rest else None)


def _null_prefix(path: str, cells: dict[int, Any], leaves: Mapping[str, object]) -> bool:
    """True for a path only ever null where other rows hold an object or list (``"geo": null``)."""
    if any(v is not None for v in cells.values()):
        return False
    return any(p.startswith((f"{path}.", f"{path}[")) for p in leaves)


def _array(cells: dict[int, Any], n: int) -> pa.Array:
    """One sub-column: its values typed as Arrow infers them, or as text when they mix types."""
    values = [cells.get(i) for i in range(n)]
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return pa.array(
            [None if v is None else v if isinstance(v, str) else _dump(v) for v in values], pa.string()
        )
