"""SQL databases through SQLAlchemy: PostgreSQL, MySQL/MariaDB, SQLite and any other dialect.

``SQLConnector("postgresql://scan:pw@db:5432/dw", schema="public,crm")`` lists
tables (and, with ``include_views``, views) with their comments, counts rows,
samples rows as Arrow and counts distinct values, all pushed down to the
database and all read only.

Schemas: ``schema=None`` means the connection's default schema (PostgreSQL
``public`` via the search path, the MySQL database named in the URL, SQLite
``main``) and tables are reported by bare name; ``schema="a,b"`` lists those
schemas and ``schema="*"`` every non-system schema, and tables carry their
schema (``TableInfo.schema``).

Row counts: exact ``COUNT(*)`` when the catalogue estimate is below
:attr:`SQLConnector.exact_count_limit` (1,000,000) or unknown, otherwise the
estimate (see :func:`connectors.sql_sampling.estimate_rows`), because counting
a billion-row table exactly takes minutes and the report only needs the size.
The count runs under the statement timeout; if it times out the estimate is
returned, or ``None`` when there is none.  A table sampled before it is counted,
and small enough to be read whole (on a server, by its catalogue's estimate), is
read with one ``SELECT … LIMIT n + 1``: fewer than ``n + 1`` rows back are the
whole table, and their number its exact count (``SQLConnector.sample``).

Persons (:meth:`SQLConnector.distinct_key_count`, :meth:`~SQLConnector.iter_distinct_keys`)
are counted by the database too: a normalised key expression (:mod:`scanner.export.persons`)
grouped with ``GROUP BY`` in one pass, its stages fenced with ``OFFSET 0`` so
that no engine folds a column twice.

Sparse columns (:meth:`SQLConnector.null_counts`, :meth:`~SQLConnector.sample_non_null`):
one ``SELECT COUNT(*), COUNT(a), COUNT(b) …`` pass counts the values of every
column at once (under the statement timeout; ``None`` when it times out), and a
column's values are sampled with the row-sampling strategies restricted to
``WHERE c IS NOT NULL``, sized by that count.

Sampling strategies are documented in :mod:`connectors.sql_sampling`, the
Arrow type mapping in :mod:`connectors.sql_arrow`, and the read-only measures
(read-only sessions, statement timeouts, SQLite ``mode=ro``) and connection
error messages in :mod:`connectors.sql_engine`.  Identifiers are always quoted
by SQLAlchemy's dialect compiler, so names with spaces, mixed case or Chinese
characters work.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.reflection import ObjectKind

from connectors.base import (
    ColumnInfo,
    Connector,
    FixQuery,
    KeyCount,
    KeySpec,
    NullCounts,
    SignatureGroup,
    SourceError,
    TableInfo,
    key_select,
    signature_counts_select,
    signature_keys_select,
)
from connectors.sql_arrow import arrow_type, rows_to_table
from connectors.sql_engine import build_engine, check_connection, driver_message, parse_url, scrub, secrets_of
from connectors.sql_sampling import (
    SampleTarget,
    TableStats,
    count_rows,
    estimate_rows,
    integer_key,
    sample_batches,
    sqlite_head,
)
from connectors.sql_trajectory import bounds_of, bounds_statement, fixes_statement
from connectors.uri import mask_uri

_SYSTEM_SCHEMAS = {
    "postgresql": {"information_schema", "pg_catalog", "pg_toast"},
    "mysql": {"information_schema", "mysql", "performance_schema", "sys"},
    "mariadb": {"information_schema", "mysql", "performance_schema", "sys"},
    "sqlite": {"temp"},
    "mssql": {"information_schema", "sys", "guest"},
}
# PostgreSQL 57014 query_canceled; MySQL 3024 max_execution_time; MariaDB 1969 max_statement_time, 1317 interrupted.
_TIMEOUT_CODES = {"57014", 3024, 1969, 1317}
_MISSING_TABLE_CODES = {"42P01", 1146}
_DENIED_CODES = {"42501", 1142, 1143}
#: Dialects whose catalogue gives every table's columns of a schema in one query (SQLAlchemy's get_multi_columns,
#: or for SQLite :func:`_sqlite_schema_columns`).
_BATCHED_REFLECTION = {"postgresql", "sqlite"}


class SQLConnector(Connector):
    """A read-only connector for any SQLAlchemy URL."""

    kind = "sql"
    #: Below this many (estimated) rows ``row_count`` runs an exact ``COUNT(*)``.
    exact_count_limit = 1_000_000

    def __init__(
        self,
        uri: str,
        *,
        schema: str | None = None,
        include_views: bool = False,
        statement_timeout_s: float = 60,
        pool_size: int | None = None,
        **_ignored: object,
    ) -> None:
        super().__init__(uri)
        self.schema = schema.strip() if isinstance(schema, str) and schema.strip() else None
        self.include_views = include_views
        self.statement_timeout_s = float(statement_timeout_s)
        #: Connections kept for concurrent readers (``--jobs``); SQLAlchemy's default (5) when None.
        self.pool_size = pool_size
        self._secrets = secrets_of(uri)
        self._engine: Engine | None = None
        self._columns: dict[tuple[str | None, str], list[dict]] = {}
        self._stats: dict[tuple[str | None, str], TableStats] = {}
        self._counts: dict[tuple[str | None, str], int | None] = {}
        self._nulls: dict[tuple[str | None, str], NullCounts | None] = {}
        self._keys_found: dict[tuple[str | None, str], str | None] = {}
        self._reflected_schemas: set[str | None] = set()
        self._schema_lock = threading.Lock()
        self._pinned = threading.local()  # the connection of the table this thread reads (table_session)

    @property
    def concurrent_tables(self) -> bool:
        """Whether tables are read from several threads at once (``--jobs``): every read checks a connection out
        of the engine's pool (read-only, like every connection here), and the caches only ever gain entries.

        Not for SQLite: the database runs inside this process, so a read has nothing to wait for, and threads
        only pass the interpreter's lock to and fro (``--jobs 4`` took 15-25% longer than one thread on 2,000
        small tables, ``benchmarks/bench_many_tables.py``).  Its tables are read one at a time, as files are.
        """
        return parse_url(self.uri, self.display_uri).get_backend_name() != "sqlite"

    @property
    def display_uri(self) -> str:
        # Scrubbed as well as masked: a password with a bare "/" or "@" slips past the URI pattern.
        return mask_uri(scrub(self.uri, self._secrets))

    @property
    def engine(self) -> Engine:
        """The read-only engine (opened on first use)."""
        if self._engine is None:
            self.open()
        assert self._engine is not None
        return self._engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- lifecycle --------------------------------------------------------------------------------

    def open(self) -> None:
        if self._engine is not None:
            return
        engine = build_engine(
            self.uri, timeout_s=self.statement_timeout_s, display=self.display_uri, pool_size=self.pool_size
        )
        try:
            check_connection(engine, self.uri, self.display_uri)
        except SourceError:
            engine.dispose()
            raise
        self._engine = engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- listing ----------------------------------------------------------------------------------

    def list_tables(self) -> list[TableInfo]:
        out: list[TableInfo] = []
        try:
            insp = sa.inspect(self.engine)
            for schema in self._schemas(insp):
                names = [(n, "table") for n in insp.get_table_names(schema=schema)]
                if self.include_views:
                    views = set(insp.get_view_names(schema=schema))
                    if self.dialect == "postgresql":
                        views.update(insp.get_materialized_view_names(schema=schema))
                    names += [(n, "view") for n in sorted(views)]
                comments = self._table_comments(insp, schema)
                out += [TableInfo(n, schema=schema, kind=k, comment=comments.get(n)) for n, k in names]
        except SourceError:
            raise
        except Exception as exc:  # noqa: BLE001 - catalogue errors become one line
            raise SourceError(
                f"{self.display_uri}: cannot list tables ({driver_message(exc, self._secrets)}) — "
                "check that the user may read the catalogue",
                source=self.display_uri,
            ) from None
        return out

    def _schemas(self, insp: sa.Inspector) -> list[str | None]:
        if self.schema is None:
            if self.dialect in ("mysql", "mariadb") and not self.engine.url.database:
                raise SourceError(
                    f"{self.display_uri}: the URL names no database — add it (…/dbname) or list every "
                    "database with the schema option '*'",
                    source=self.display_uri,
                )
            return [None]
        available = insp.get_schema_names()
        if self.schema == "*":
            return [s for s in available if not self._is_system_schema(s)]
        out: list[str | None] = []
        for wanted in (s.strip() for s in self.schema.split(",") if s.strip()):
            match = (
                wanted
                if wanted in available
                else next((s for s in available if s.lower() == wanted.lower()), None)
            )
            if match is None:
                shown = ", ".join(s for s in available if not self._is_system_schema(s))
                raise SourceError(
                    f"{self.display_uri}: schema '{wanted}' does not exist — check the schema option "
                    f"(schemas here: {shown})",
                    source=self.display_uri,
                )
            out.append(match)
        return out

    def _is_system_schema(self, schema: str) -> bool:
        low = schema.lower()
        return low in _SYSTEM_SCHEMAS.get(self.dialect, set()) or low.startswith(
            ("pg_temp_", "pg_toast_temp_")
        )

    def _table_comments(self, insp: sa.Inspector, schema: str | None) -> dict[str, str]:
        try:
            found = insp.get_multi_table_comment(schema=schema, kind=ObjectKind.ANY)
        except NotImplementedError:
            return {}
        return {name: c["text"] for (_s, name), c in found.items() if c and c.get("text")}

    # -- the interface ----------------------------------------------------------------------------

    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        with self._reading(table, "reading its columns"):
            reflected = self._reflect(table)
        return [
            ColumnInfo(
                c["name"], self._type_name(c["type"]), c.get("comment") or None, bool(c.get("nullable", True))
            )
            for c in reflected
        ]

    def row_count(self, table: TableInfo) -> int | None:
        key = (table.schema, table.name)
        if key in self._counts:
            return self._counts[key]
        stats = self._table_stats(table)
        count: int | None = stats.estimate
        if count is None or count < self.exact_count_limit:
            try:
                with self._connect() as conn:
                    count = int(count_rows(conn, self._table(table, ())))
            except Exception as exc:  # noqa: BLE001 - a timeout leaves the estimate; the rest is an error
                if not self._is_timeout(exc):
                    raise self._table_error(table, "counting rows", exc) from None
        self._counts[key] = count
        return count

    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        with self._reading(table, "reading its columns"):
            reflected = self._reflect(table)
        names = [c["name"] for c in reflected]
        types = [arrow_type(c["type"], self.dialect) for c in reflected]
        if n <= 0:
            return rows_to_table(names, types, [])
        whole = self._whole_if_small(table, names, types, n)
        if whole is not None:
            return whole
        stats = self._table_stats(table)
        target = SampleTarget(
            self._table(table, names),
            self.row_count(table),
            key=self._integer_key(table, reflected),
            tablesample=stats.tablesample,
            pages=stats.pages,
        )
        with self._reading(table, "sampling"), self._connect() as conn:
            strategy, batches = sample_batches(conn, self.dialect, target, n, seed)
            return rows_to_table(names, types, batches, {"chujing.sample_strategy": strategy})

    def _whole_if_small(
        self, table: TableInfo, names: list[str], types: list[pa.DataType], n: int
    ) -> pa.Table | None:
        """The whole table, read with one ``SELECT … LIMIT n + 1``, when it turns out to hold at most ``n`` rows:
        its exact count is then the rows that came back (kept for :meth:`row_count`), and the sample is every
        row (strategy ``all``), what counting first and then reading would have given.  ``None`` when more
        came back, or when the table was counted already: the strategies then sample it as they would.

        A warehouse's many small tables are each one statement instead of three (the size estimate, the
        count, the rows).  SQLite tries every table so (its statements cost no round trip, and the first
        ``n + 1`` rows of a large table are a few pages); a server only a table its catalogue puts at ``n``
        rows or fewer, so that a large one costs no extra read.
        """
        key = (table.schema, table.name)
        if key in self._counts:
            return None
        if self.dialect != "sqlite":
            estimate = self._table_stats(table).estimate
            if estimate is None or estimate > n:
                return None
        with self._reading(table, "sampling"), self._connect() as conn:
            if self.dialect == "sqlite":  # the SQL written at once (no statement to build and compile)
                batches = sqlite_head(conn, table.schema, table.name, names, n + 1)
            else:
                _strategy, batches = sample_batches(
                    conn, self.dialect, SampleTarget(self._table(table, names), None), n + 1, 0
                )
            rows = [row for batch in batches for row in batch]
        if len(rows) > n:
            return None
        self._counts[key] = len(rows)
        return rows_to_table(names, types, [rows], {"chujing.sample_strategy": "all"})

    def null_counts(
        self, table: TableInfo, columns: Sequence[str], *, exact: bool = False
    ) -> NullCounts | None:
        """One ``COUNT(*), COUNT(c) …`` pass over the table when ``exact``; the database keeps no free counts.

        Only PostgreSQL has statistics (``pg_stats.null_frac``), and they come
        from a sample of 30,000 rows, as blind to a column with 600 values in
        a million rows as the scanner's own sample, hence no cheap answer.
        """
        key = (table.schema, table.name)
        if not exact or not columns:
            return None
        cached = self._nulls.get(key)
        if key in self._nulls and (cached is None or set(columns) <= set(cached.non_null)):
            return cached
        t = self._table(table, columns)
        stmt = sa.select(sa.func.count(), *(sa.func.count(t.c[c]) for c in columns)).select_from(t)
        try:
            with self._connect() as conn:
                rows, *values = conn.execute(stmt).one()
        except Exception as exc:  # noqa: BLE001 - a timeout means "unknown"; the rest is an error
            if not self._is_timeout(exc):
                raise self._table_error(table, "counting the values of its columns", exc) from None
            self._nulls[key] = None
            return None
        counts = NullCounts(int(rows), {c: int(v) for c, v in zip(columns, values, strict=True)}, "exact")
        self._nulls[key] = counts
        return counts

    def sample_non_null(self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0) -> pa.Table:
        with self._reading(table, "reading its columns"):
            reflected = {c["name"]: c for c in self._reflect(table)}
        missing = [c for c in columns if c not in reflected]
        if not columns or missing:
            raise ValueError(f"sample_non_null needs columns of the table, not {missing or list(columns)!r}")
        names = list(columns)
        types = [arrow_type(reflected[c]["type"], self.dialect) for c in names]
        if n <= 0:
            return rows_to_table(names, types, [])
        counts = self._nulls.get((table.schema, table.name))
        # Rows where all of several columns hold a value: no count, so the first n of them (head).
        known = counts.non_null.get(names[0]) if counts is not None and len(names) == 1 else None
        stats = self._table_stats(table)
        target = SampleTarget(
            self._table(table, names),
            known,
            key=self._integer_key(table, list(reflected.values())),
            tablesample=stats.tablesample,
            pages=stats.pages,
            not_null=tuple(names),
        )
        with (
            self._reading(table, f"sampling the values of {', '.join(names)}"),
            self._connect() as conn,
        ):
            strategy, batches = sample_batches(conn, self.dialect, target, n, seed)
            return rows_to_table(names, types, batches, {"chujing.sample_strategy": strategy})

    def distinct_count(self, table: TableInfo, columns: Sequence[str]) -> int:
        if not columns:
            raise ValueError("distinct_count needs at least one column")
        t = self._table(table, columns)
        cols = [t.c[name] for name in columns]
        if len(cols) == 1:
            stmt = sa.select(sa.func.count(sa.distinct(cols[0])))
        else:
            distinct_rows = sa.select(*cols).where(*(c.is_not(None) for c in cols)).distinct().subquery()
            stmt = sa.select(sa.func.count()).select_from(distinct_rows)
        with (
            self._reading(table, f"counting distinct values of {', '.join(columns)}"),
            self._connect() as conn,
        ):
            return int(conn.execute(stmt).scalar_one())

    def distinct_key_count(self, table: TableInfo, spec: KeySpec) -> KeyCount:
        keys = self._keys(table, spec)
        # GROUP BY rather than COUNT(DISTINCT): one pass that also counts the rows without a key, and a
        # hash aggregate where the engine has one (PostgreSQL's COUNT(DISTINCT) always sorts).
        groups = sa.select(keys.c.k, sa.func.count().label("n")).group_by(keys.c.k).subquery("chujing_g")
        stmt = sa.select(
            sa.func.count(groups.c.k),
            sa.func.coalesce(sa.func.sum(sa.case((groups.c.k.is_(None), groups.c.n), else_=0)), 0),
        )
        with self._reading(table, "counting persons"), self._connect() as conn:
            distinct, nulls = conn.execute(stmt).one()
        return KeyCount(int(distinct), int(nulls))

    def iter_distinct_keys(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[str]]:
        keys = self._keys(table, spec)
        # No "WHERE k IS NOT NULL": engines push the filter down and evaluate the key twice; the one NULL
        # row of the DISTINCT is dropped here instead.
        stmt = sa.select(keys.c.k).distinct()
        with self._reading(table, "reading person keys"), self._connect() as conn:
            result = conn.execute(stmt.execution_options(yield_per=batch_rows))
            try:
                for batch in result.partitions():
                    yield [row[0] for row in batch if row[0] is not None]
            finally:
                result.close()

    def key_signature_counts(self, table: TableInfo, spec: KeySpec) -> list[SignatureGroup]:
        stmt = signature_counts_select(spec, self._keys(table, spec))
        with self._reading(table, "counting persons"), self._connect() as conn:
            rows = conn.execute(stmt).all()
        return [SignatureGroup(tuple(int(f or 0) for f in r[:-2]), bool(r[-2]), int(r[-1])) for r in rows]

    def iter_key_signatures(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[tuple[str, tuple[int, ...]]]]:
        stmt = signature_keys_select(spec, self._keys(table, spec))
        with self._reading(table, "reading person keys"), self._connect() as conn:
            result = conn.execute(stmt.execution_options(yield_per=batch_rows))
            try:
                for batch in result.partitions():
                    yield [(r[0], tuple(int(f or 0) for f in r[1:])) for r in batch if r[0] is not None]
            finally:
                result.close()

    # -- trajectory profiles (scanner.trajectory) -----------------------------------------------

    def device_fixes(self, table: TableInfo, query: FixQuery) -> pa.Table:
        """The chosen devices' first fixes in time, numbered by a window function in the database."""
        with self._reading(table, "reading its columns"):
            reflected = {c["name"]: c for c in self._reflect(table)}
        names = query.names
        types = [
            arrow_type(reflected[c]["type"], self.dialect) if c in reflected else pa.string() for c in names
        ]
        if not query.devices:
            return rows_to_table(names, types, [])
        stmt = fixes_statement(self._table(table, names), query)
        with self._reading(table, "reading the fixes of sampled devices"), self._connect() as conn:
            rows = conn.execute(stmt).fetchall()
        return rows_to_table(names, types, [rows])

    def value_bounds(self, table: TableInfo, columns: Sequence[str]) -> dict[str, tuple[object, object]]:
        """One ``MIN``/``MAX`` pass over ``columns``."""
        if not columns:
            return {}
        stmt = bounds_statement(self._table(table, columns), columns)
        with (
            self._reading(table, f"reading the bounds of {', '.join(columns)}"),
            self._connect() as conn,
        ):
            return bounds_of(columns, conn.execute(stmt).one())

    def _keys(self, table: TableInfo, spec: KeySpec) -> sa.Subquery:
        """``SELECT key AS k FROM (derived stages over the table)``, see :class:`~connectors.base.KeySpec`."""
        return key_select(spec, self._table(table, ()))

    # -- helpers ----------------------------------------------------------------------------------

    def _table(self, table: TableInfo, columns: Sequence[str]) -> sa.TableClause:
        return sa.table(table.name, *(sa.column(c) for c in columns), schema=table.schema)

    def forget(self, table: TableInfo) -> None:
        """Drop what was kept about a table once the scan is done with it: a scan of 10,000 tables need
        not hold 10,000 tables' reflected columns and counts."""
        key = (table.schema, table.name)
        for cache in (self._columns, self._stats, self._counts, self._nulls, self._keys_found):
            cache.pop(key, None)

    def _reflect(self, table: TableInfo) -> list[dict]:
        key = (table.schema, table.name)
        if key not in self._columns and self.dialect in _BATCHED_REFLECTION:
            self._reflect_schema(table.schema)
        if key not in self._columns:
            self._columns[key] = sa.inspect(self.engine).get_columns(table.name, schema=table.schema)
        return self._columns[key]

    def _reflect_schema(self, schema: str | None) -> None:
        """Every table's and view's columns of ``schema`` in one catalogue query (the first table asked for
        pays; 500 tables on a server are 500 round trips less), where the dialect reads them in one."""
        with self._schema_lock:
            if schema in self._reflected_schemas:
                return
            self._reflected_schemas.add(schema)
            try:
                if self.dialect == "sqlite":
                    with self.engine.connect() as conn:
                        found = _sqlite_schema_columns(conn, schema)
                else:
                    found = {
                        name: columns
                        for (_s, name), columns in sa.inspect(self.engine)
                        .get_multi_columns(schema=schema, kind=ObjectKind.ANY)
                        .items()
                    }
            except Exception:  # noqa: BLE001 - each table is then reflected on its own, and fails on its own
                return
            for name, columns in found.items():
                self._columns.setdefault((schema, name), columns)

    @contextlib.contextmanager
    def table_session(self, table: TableInfo) -> Iterator[None]:
        """One connection for a table's reads in this thread: one checkout, ping and reset instead of one for
        each of the size estimate, the count and the sample (three round trips each to a server)."""
        with self._reading(table, "connecting"):
            conn = self.engine.connect()
        self._pinned.conn = conn
        try:
            yield
        finally:
            self._pinned.conn = None
            conn.close()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        """The thread's table connection (:meth:`table_session`), else one from the pool for this read.

        A failed statement on the table connection is rolled back at once: PostgreSQL refuses every later
        statement of a failed transaction, and a count that timed out leaves the sample to be read.
        """
        pinned = getattr(self._pinned, "conn", None)
        if pinned is None:
            with self.engine.connect() as conn:
                yield conn
            return
        try:
            yield pinned
        except BaseException:
            pinned.rollback()
            raise

    def _table_stats(self, table: TableInfo) -> TableStats:
        key = (table.schema, table.name)
        if key not in self._stats:
            with self._reading(table, "reading its size"), self._connect() as conn:
                self._stats[key] = estimate_rows(
                    conn, self.dialect, self._table(table, ()), is_view=table.kind == "view"
                )
        return self._stats[key]

    def _integer_key(self, table: TableInfo, reflected: list[dict]) -> str | None:
        if self.dialect == "postgresql" or table.kind == "view":
            return None
        key = (table.schema, table.name)
        if key not in self._keys_found:
            self._keys_found[key] = self._find_integer_key(table, reflected)
        return self._keys_found[key]

    def _find_integer_key(self, table: TableInfo, reflected: list[dict]) -> str | None:
        with self._reading(table, "reading its primary key"), self._connect() as conn:
            if self.dialect == "sqlite":  # its columns say: SQLAlchemy's get_pk_constraint reads them again
                pk = _sqlite_primary_key(reflected)
            else:
                pk = (
                    sa.inspect(conn)
                    .get_pk_constraint(table.name, schema=table.schema)
                    .get("constrained_columns")
                    or []
                )
            return integer_key(conn, self.dialect, self._table(table, ()), reflected, pk, is_view=False)

    def _type_name(self, sql_type: sa.types.TypeEngine) -> str:
        try:
            return sql_type.compile(dialect=self.engine.dialect)
        except Exception:  # noqa: BLE001 - a type the dialect cannot render: its class name will do
            return type(sql_type).__name__.upper()

    @contextlib.contextmanager
    def _reading(self, table: TableInfo, action: str) -> Iterator[None]:
        """Turn any failure while reading ``table`` into a SourceError that names it."""
        try:
            yield
        except SourceError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad table must not stop the scan
            raise self._table_error(table, action, exc) from None

    def _table_error(self, table: TableInfo, action: str, exc: BaseException) -> SourceError:
        src, name = self.display_uri, table.qualified_name
        detail = driver_message(exc, self._secrets)
        codes = _error_codes(exc)
        low = detail.lower()
        if isinstance(exc, sa.exc.NoSuchTableError) or codes & _MISSING_TABLE_CODES or "no such table" in low:
            msg = f"{src}: table {name} no longer exists — it was dropped or renamed after listing; rerun the scan"
        elif self._is_timeout(exc):
            msg = (
                f"{src}: table {name}: {action} stopped at the statement timeout "
                f"({self.statement_timeout_s:g} s) — raise the timeout or exclude the table"
            )
        elif codes & _DENIED_CODES or "permission denied" in low or "command denied" in low:
            msg = (
                f"{src}: table {name}: the user may not read it ({detail}) — grant SELECT on it or exclude it"
            )
        elif isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
            msg = f"{src}: table {name}: the connection was lost while {action} ({detail}) — check the server and rerun"
        else:
            what = detail if isinstance(exc, sa.exc.SQLAlchemyError) else f"{type(exc).__name__}: {detail}"
            msg = f"{src}: table {name}: {action} failed ({what}) — check the table or exclude it"
        return SourceError(msg, source=src, table=name)

    @staticmethod
    def _is_timeout(exc: BaseException) -> bool:
        return (
            bool(_error_codes(exc) & _TIMEOUT_CODES)
            or "interrupted" in str(getattr(exc, "orig", exc)).lower()
        )


def _error_codes(exc: BaseException) -> set[str | int]:
    """SQLSTATE and (MySQL) error number of a driver error."""
    orig = getattr(exc, "orig", None) or exc
    codes: set[str | int] = {c for c in (getattr(orig, "sqlstate", None), getattr(orig, "pgcode", None)) if c}
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int):
        codes.add(args[0])
    return codes


def _sqlite_primary_key(reflected: list[dict]) -> list[str]:
    """A SQLite table's primary key columns, in key order, from its reflected columns: what SQLAlchemy's
    ``get_pk_constraint`` returns, without the two statements it spends reading the table's SQL and columns
    again (a tenth of a small table's reads).

    >>> _sqlite_primary_key([{"name": "b", "primary_key": 2}, {"name": "x", "primary_key": 0}, {"name": "a", "primary_key": 1}])
    ['a', 'b']
    """
    keyed = sorted((c for c in reflected if c.get("primary_key", 0) > 0), key=lambda c: c["primary_key"])
    return [c["name"] for c in keyed]


def _sqlite_schema_columns(conn: sa.Connection, schema: str | None) -> dict[str, list[dict]]:
    """Every table's and view's columns in a SQLite schema, as SQLAlchemy's ``get_columns`` reflects each, read
    with one statement (``pragma_table_xinfo`` joined to the schema's tables).

    SQLAlchemy's SQLite dialect has no batched reflection: its ``get_multi_columns`` runs a ``PRAGMA`` per table
    and builds each column, 0.3 ms of a small table whose rows SQLite reads in 0.5.  Each row here is built by
    the dialect's own column builder, so the columns are the ones ``get_columns`` gives (a test compares them).
    A table with generated columns is left out (SQLAlchemy reads their expressions from the table's SQL): it is
    reflected on its own.  A view that no longer compiles fails the statement, and then every table is.
    """
    quoted = conn.dialect.identifier_preparer.quote_identifier(schema or "main")
    rows = conn.exec_driver_sql(
        'SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden '
        f"FROM {quoted}.sqlite_master AS m JOIN pragma_table_xinfo(m.name, ?) AS p "
        "WHERE m.type IN ('table', 'view')",
        (schema or "main",),
    ).fetchall()
    found: dict[str, list[dict]] = {}
    generated: set[str] = set()
    build = conn.dialect._get_column_info  # type: ignore[attr-defined]  # the dialect's get_columns does the same
    for table, name, type_, notnull, default, pk, hidden in rows:
        if hidden in (2, 3):
            generated.add(table)
        elif hidden != 1:  # 1: a virtual table's hidden column, which get_columns leaves out too
            found.setdefault(table, []).append(
                build(name, type_.upper(), not notnull, default, pk, False, False, None)
            )
    return {t: cols for t, cols in found.items() if t not in generated}
