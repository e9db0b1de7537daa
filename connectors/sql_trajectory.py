"""The SQL a trajectory profile runs (:meth:`SQLConnector.device_fixes`, :meth:`~SQLConnector.value_bounds`).

Portable SQL only, so that SQLite (3.25+), PostgreSQL and MySQL 8 / MariaDB 10.2+
run the same statements: a window function numbers each chosen device's rows
in time order and the outer query keeps the first *n*; bounds are plain
``MIN``/``MAX`` aggregates.  Identifiers are quoted by the dialect's compiler.

>>> import sqlalchemy as sa
>>> from connectors.base import FixQuery
>>> t = sa.table("fleet", sa.column("vin"), sa.column("ts"), sa.column("lat"))
>>> sql = str(fixes_statement(t, FixQuery("vin", "ts", ("A", "B"), 500, ("lat",))))
>>> "row_number() OVER (PARTITION BY fleet.vin ORDER BY fleet.ts)" in sql, "chujing_rn <=" in sql
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from connectors.base import FixQuery


def fixes_statement(table: sa.TableClause, query: FixQuery) -> sa.Select:
    """``SELECT device, time, … FROM (… ROW_NUMBER() OVER (PARTITION BY device ORDER BY time) …) WHERE rn <= n``."""
    names = query.names
    dev, at = table.c[query.device], table.c[query.time]
    rn = sa.func.row_number().over(partition_by=dev, order_by=at).label("chujing_rn")
    inner = (
        sa.select(*(table.c[c] for c in names), rn)
        .where(dev.in_(list(query.devices)), at.is_not(None))
        .subquery("chujing_fixes")
    )
    return (
        sa.select(*(inner.c[c] for c in names))
        .where(inner.c.chujing_rn <= query.per_device)
        .order_by(inner.c[query.device], inner.c[query.time])
    )


def bounds_statement(table: sa.TableClause, columns: Sequence[str]) -> sa.Select:
    """``SELECT MIN(a), MAX(a), MIN(b), MAX(b) … FROM table``: one pass for every column."""
    aggs = []
    for c in columns:
        aggs += [sa.func.min(table.c[c]), sa.func.max(table.c[c])]
    return sa.select(*aggs).select_from(table)


def bounds_of(columns: Sequence[str], row: Sequence[object]) -> dict[str, tuple[object, object]]:
    """Pair a bounds row back with its columns.

    >>> bounds_of(["lat", "ts"], [31.2, 31.7, "2025-03-01", "2025-03-02"])
    {'lat': (31.2, 31.7), 'ts': ('2025-03-01', '2025-03-02')}
    """
    return {c: (row[2 * i], row[2 * i + 1]) for i, c in enumerate(columns)}
