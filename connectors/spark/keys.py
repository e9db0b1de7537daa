"""Person keys (:mod:`scanner.export.persons`) in Spark SQL: the same SQL as every other engine, compiled for Spark.

The key and flag expressions are SQLAlchemy's (:class:`~connectors.base.KeySpec`),
the ones SQLite, PostgreSQL, MySQL and DuckDB evaluate, so a person gets the same
normalised key whichever engine reads the rows.  :class:`SparkDialect` compiles
them to Spark SQL: MySQL's spelling (back-quoted names, ``concat``, ``REGEXP``)
with Spark's types (``CAST(x AS STRING)``) and Spark's string literals (a
backslash escapes, so it is doubled).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.mysql.base import MySQLCompiler, MySQLDialect

from connectors.base import KeySpec, key_select, signature_counts_select, signature_keys_select

_SPARK_TYPES = {"String": "STRING", "Integer": "INT", "BigInteger": "BIGINT", "Boolean": "BOOLEAN"}


class SparkCompiler(MySQLCompiler):
    """MySQL's SQL with Spark's casts and string literals."""

    def visit_cast(self, cast: Any, **kw: Any) -> str:
        name = _SPARK_TYPES.get(type(cast.type).__name__, "STRING")
        return f"CAST({self.process(cast.clause, **kw)} AS {name})"

    def render_literal_value(self, value: Any, type_: Any) -> str:
        if isinstance(value, str):
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return super().render_literal_value(value, type_)


class SparkDialect(MySQLDialect):
    """Compiles (never connects): chujing's key expressions as Spark SQL."""

    name = "spark"
    statement_compiler = SparkCompiler


def spark_sql(stmt: Any) -> str:
    """A SQLAlchemy statement as Spark SQL, literals inlined.

    >>> print(spark_sql(sa.select(sa.cast(sa.column("id no"), sa.String).label("v"), sa.literal("it's"))))
    SELECT CAST(`id no` AS STRING) AS v, 'it\\'s' AS anon_1
    """
    return str(stmt.compile(dialect=SparkDialect(), compile_kwargs={"literal_binds": True}))


def signature_counts_sql(spec: KeySpec, view: str) -> str:
    """Persons per combination of flags over the view ``view`` (:func:`connectors.base.signature_counts_select`)."""
    keys = key_select(spec, sa.table(view), fence=False)
    return spark_sql(signature_counts_select(spec, keys))


def signature_keys_sql(spec: KeySpec, view: str) -> str:
    """Each distinct non-null key of ``view`` with its flags' maxima (:func:`connectors.base.signature_keys_select`)."""
    keys = key_select(spec, sa.table(view), fence=False)
    return f"SELECT * FROM ({spark_sql(signature_keys_select(spec, keys))}) AS chujing_sk WHERE k IS NOT NULL"


def key_count_sql(spec: KeySpec, view: str) -> str:
    """Distinct non-null keys and rows without a key, in one GROUP BY pass."""
    keys = spark_sql(sa.select(key_select(spec, sa.table(view), fence=False).c.k))
    return (
        "SELECT COUNT(k), COALESCE(SUM(CASE WHEN k IS NULL THEN n ELSE 0 END), 0) "
        f"FROM (SELECT k, COUNT(*) AS n FROM ({keys}) AS chujing_keys GROUP BY k) AS chujing_groups"
    )
