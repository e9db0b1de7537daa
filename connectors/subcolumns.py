"""A connector seen through the sub-columns of a flattened sample (:mod:`connectors.json_flatten`).

The scan finds coordinates and devices in sub-columns such as ``payload.geo.lat``; the trajectory
profile then asks the engine about them (distinct devices, bounds, the fixes of chosen devices). The
engine knows only the source's own columns, so :class:`SubColumnReader` answers for it:

* fixes are read by the source's device and time columns with the JSON column in place of its
  sub-columns, and flattened again here the same way, so a table ``(vin, gps_time, payload)`` with
  the position inside ``payload`` still gets its reporting interval measured;
* a count or bound *by* a sub-column (a device IMEI inside the JSON, a latitude's minimum) is not
  something the engine can be asked: it raises :class:`~connectors.base.SourceError` naming the
  JSON column, which the profile records as a note (the number is then not measured, never guessed).

Everything else goes to the wrapped connector unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from connectors.base import Connector, FixQuery, SourceError, TableInfo
from connectors.json_flatten import flatten_table


class SubColumnReader:
    """``connector`` for a table whose sample was flattened: ``parents`` maps each sub-column to its JSON column.

    ``declared`` are the source's column types (as :func:`~connectors.json_flatten.flatten_table` took
    them), so the fixes flatten into the same paths as the sample.
    """

    def __init__(self, connector: Connector, parents: Mapping[str, str], declared: Mapping[str, str]) -> None:
        self.connector, self.parents, self.declared = connector, dict(parents), dict(declared)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connector, name)

    def distinct_count(self, table: TableInfo, columns: Sequence[str]) -> int:
        self._in_engine(columns, "count the distinct values of")
        return self.connector.distinct_count(table, columns)

    def value_bounds(self, table: TableInfo, columns: Sequence[str]) -> dict[str, tuple[object, object]]:
        self._in_engine(columns, "compute the minimum and maximum of")
        return self.connector.value_bounds(table, columns)

    def device_fixes(self, table: TableInfo, query: FixQuery) -> pa.Table:
        """The fixes with the JSON columns read whole and flattened here; device and time must be real columns."""
        self._in_engine([query.device, query.time], "read the fixes of a device by")
        if not any(c in self.parents for c in query.columns):
            return self.connector.device_fixes(table, query)
        read = tuple(dict.fromkeys(self.parents.get(c, c) for c in query.columns))
        raw = self.connector.device_fixes(
            table, FixQuery(query.device, query.time, query.devices, query.per_device, read)
        )
        flat = flatten_table(raw, self.declared)
        out: dict[str, pa.ChunkedArray | pa.Array] = {}
        for name in query.names:
            if name in flat.table.column_names:
                out[name] = flat.table.column(name)
            elif name in self.parents and not flat.frame_of(name):
                out[name] = pa.nulls(raw.num_rows)  # a path none of the fixes read holds
            else:
                raise SourceError(
                    self._inside(name, "line up with the fixes (it holds one value per list element) of")
                )
        return pa.table(out)

    def _in_engine(self, columns: Sequence[str], doing: str) -> None:
        for name in columns:
            if name in self.parents:
                raise SourceError(self._inside(name, doing))

    def _inside(self, name: str, doing: str) -> str:
        return f"{name} is inside the JSON column {self.parents[name]}: the source cannot {doing} it"
