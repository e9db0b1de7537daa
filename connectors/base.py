"""The one small interface every data source implements.

A connector lists the tables a source holds, describes their schema, counts
their rows, samples a bounded number of rows as a :class:`pyarrow.Table`, and
counts the distinct values of a column.  Every operation that an engine can do
itself (counts, distinct counts, sampling) is pushed down to it: the scanner
never copies a whole table into Python.

Connectors are read only.  They never write to the source, and where the
engine supports it they open read-only transactions.
"""

from __future__ import annotations

import abc
import contextlib
import fnmatch
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.sql import visitors

from connectors.errors import ChujingError

_T = TypeVar("_T")


class SourceError(ChujingError):
    """A source or table could not be read.

    ``message`` is one line meant for a person: it names the source and says
    what to do.  It never contains a secret: connectors mask URLs before they
    build it.
    """

    def __init__(
        self, message: str, *, source: str = "", table: str | None = None, column: str | None = None
    ) -> None:
        super().__init__(message, source=source, table=table, column=column)


@dataclass(frozen=True)
class ColumnInfo:
    """A column as the source describes it."""

    name: str
    type: str
    comment: str | None = None
    nullable: bool = True


@dataclass
class TableInfo:
    """A table (or file, or dataset) a connector can sample.

    ``name`` is what reports show: the table name for SQL (qualified with the
    schema when one was asked for), the file or dataset name without extension
    for files (``workbook/sheet`` for a worksheet).  ``fingerprint`` holds what
    identifies this version of the data (file sizes, ETags, modification times)
    for evidence in reports.
    """

    name: str
    schema: str | None = None
    kind: str = "table"  # table | view | file | dataset | object | sheet (of a workbook)
    comment: str | None = None
    fingerprint: dict[str, object] = field(default_factory=dict)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True)
class KeySpec:
    """A per-row key the engine computes in stages (see :mod:`scanner.export.persons`).

    ``stages`` are derived tables, innermost first: each a tuple of ``(name,
    expression)`` pairs, the first stage's expressions over the table's columns
    and every later stage's over the names of the stage before (SQLAlchemy
    expressions on ``sa.column(...)``); ``key`` is an expression over the last
    stage's names.  The derived stages fold each column once per row; the key
    reads the folded values as often as it needs.  Rows where ``key`` is NULL
    have no key.

    ``flags`` are ``(name, expression)`` pairs over the last stage's names, each
    1 or 0 per row: whether the row carries one element of the person's
    signature (a value in a sensitive column, a span in a note, a birth date
    under 14).  The engine takes their maximum per key (:func:`signature_counts_select`).
    """

    stages: tuple[tuple[tuple[str, Any], ...], ...]
    key: Any
    flags: tuple[tuple[str, Any], ...] = ()

    @property
    def columns(self) -> list[str]:
        """The table columns the key reads."""
        names: dict[str, None] = {}
        for _, expr in self.stages[0]:
            for col in _column_names(expr):
                names.setdefault(col, None)
        return list(names)


def key_select(spec: KeySpec, source: Any, *, fence: bool = True) -> Any:
    """``SELECT key AS k FROM (… SELECT stage1 FROM (SELECT stage0 FROM source))`` as a SQLAlchemy subquery.

    With ``fence`` every stage carries ``OFFSET 0`` (rendered ``LIMIT ALL OFFSET 0``,
    ``LIMIT -1 OFFSET 0``, ``LIMIT 0, 18446744073709551615``), the classic
    optimisation fence: without it SQLite, PostgreSQL and MySQL merge the
    stages and evaluate a folded column again wherever the key reads it
    (3x slower on SQLite).
    """

    current = source
    for i, stage in enumerate(spec.stages):
        select = sa.select(*(expr.label(name) for name, expr in stage)).select_from(current)
        current = (select.offset(0) if fence else select).subquery(f"chujing_s{i}")
    flags = [expr.label(name) for name, expr in spec.flags]
    return sa.select(spec.key.label("k"), *flags).select_from(current).subquery("chujing_k")


def signature_counts_select(spec: KeySpec, keys: Any) -> Any:
    """Persons per signature over ``keys`` (a :func:`key_select` subquery), in two GROUP BY passes.

    Rows: ``(flag maxima…, keyed, persons)``.  A key is one person whose flags
    are the maxima over their rows; a row without a key is a person of its own
    (the cautious reading), grouped with the keyless rows that carry the same
    flags.  Portable SQL (CASE, MAX, COUNT, SUM) for every engine.
    """

    names = [name for name, _ in spec.flags]
    no_key = keys.c.k.is_(None)
    per_key = (
        sa.select(
            keys.c.k,
            *(sa.func.max(keys.c[n]).label(n) for n in names),
            sa.func.count().label("chujing_n"),
        )
        .group_by(keys.c.k, *(sa.case((no_key, keys.c[n]), else_=None) for n in names))
        .subquery("chujing_pk")
    )
    keyed = sa.case((per_key.c.k.is_(None), 0), else_=1).label("chujing_keyed")
    persons = sa.func.sum(sa.case((per_key.c.k.is_(None), per_key.c.chujing_n), else_=1))
    return sa.select(*(per_key.c[n] for n in names), keyed, persons.label("chujing_persons")).group_by(
        *(per_key.c[n] for n in names), keyed
    )


def signature_keys_select(spec: KeySpec, keys: Any) -> Any:
    """``SELECT k, MAX(flag)… GROUP BY k``: each distinct key with its flags (the NULL group is dropped by the caller)."""

    return sa.select(keys.c.k, *(sa.func.max(keys.c[n]).label(n) for n, _ in spec.flags)).group_by(keys.c.k)


def _column_names(expr: Any) -> list[str]:
    return [
        c.name
        for c in visitors.iterate(expr)
        if c.__visit_name__ == "column" and getattr(c, "table", None) is None
    ]


@dataclass(frozen=True)
class NullCounts:
    """How many of a table's ``rows`` hold a value in each column, and how that was measured.

    ``method`` is ``exact`` (counted by the engine) or ``statistics`` (Parquet
    footers: the writer's per-row-group null counts).  ``non_null[c]`` is ``None``
    where the source could not tell for that column (no statistics).
    """

    rows: int
    non_null: dict[str, int | None]
    method: str

    def null_ratio(self, column: str) -> float | None:
        """The share of rows where ``column`` is NULL, or ``None`` when unknown.

        >>> NullCounts(1_000_000, {"sfzh": 600, "note": None}, "exact").null_ratio("sfzh")
        0.9994
        >>> NullCounts(0, {"sfzh": 0}, "exact").null_ratio("sfzh") is None
        True
        """
        known = self.non_null.get(column)
        if known is None or self.rows <= 0:
            return None
        return (self.rows - known) / self.rows


@dataclass(frozen=True)
class SignatureGroup:
    """Persons of a table sharing one set of flags (see :func:`signature_counts_select`)."""

    flags: tuple[int, ...]
    keyed: bool
    persons: int


@dataclass(frozen=True)
class KeyCount:
    """Distinct non-null keys of a table, and the rows whose key is NULL."""

    distinct: int
    null_rows: int


@dataclass(frozen=True)
class FixQuery:
    """Which fixes of a trajectory table to read (:mod:`scanner.trajectory`): per device, the first in time.

    ``devices`` are values of the ``device`` column (a VIN, a plate, a terminal id);
    for each, at most ``per_device`` rows whose ``time`` is not NULL, earliest first,
    with ``device``, ``time`` and ``columns`` (the coordinates).
    """

    device: str
    time: str
    devices: tuple[object, ...]
    per_device: int = 500
    columns: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """The columns read, in order: device, time, then ``columns`` (without repeats)."""
        return list(dict.fromkeys([self.device, self.time, *self.columns]))


class Connector(abc.ABC):
    """Base class of every source.

    Subclasses implement the five abstract operations; ``open`` and ``close``
    manage connections.  A connector is a context manager.
    """

    #: ``sql`` | ``parquet`` | ``s3`` | ``files`` (local files of any format); reports label a source by
    #: :func:`connectors.uri.source_kind`, which also says what a local path looks like (``csv`` …).
    kind: str = ""

    def __init__(self, uri: str) -> None:
        self.uri = uri

    @property
    def display_uri(self) -> str:
        """The URI with credentials masked, safe to print and to report."""
        return self.uri

    # -- lifecycle --------------------------------------------------------
    def open(self) -> None:  # noqa: B027 - optional hook
        """Connect or check that the source exists.  Raises :class:`SourceError`."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and file handles."""

    def __enter__(self) -> Connector:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the interface ------------------------------------------------------
    @abc.abstractmethod
    def list_tables(self) -> list[TableInfo]:
        """Every table the source holds, before include/exclude filtering."""

    @abc.abstractmethod
    def columns(self, table: TableInfo) -> list[ColumnInfo]:
        """Names, types and comments (where the engine keeps them)."""

    @abc.abstractmethod
    def row_count(self, table: TableInfo) -> int | None:
        """Exact or metadata row count; ``None`` when it cannot be had cheaply."""

    @abc.abstractmethod
    def sample(self, table: TableInfo, n: int, *, seed: int = 0) -> pa.Table:
        """At most ``n`` rows, spread over the table, as Arrow.

        Must not read the whole table when it is large.
        """

    @abc.abstractmethod
    def distinct_count(self, table: TableInfo, columns: Sequence[str]) -> int:
        """Exact number of distinct non-null values (tuples) of ``columns``, pushed down."""

    def table_session(self, table: TableInfo) -> contextlib.AbstractContextManager[None]:
        """Around the reads of one table (its count, sample and sparse columns): a connector that talks to a
        server may keep one connection for them.  Nothing by default."""
        return contextlib.nullcontext()

    # -- optional: sparse columns (scanner.sparse) ------------------------------------------------
    def null_counts(
        self, table: TableInfo, columns: Sequence[str], *, exact: bool = False
    ) -> NullCounts | None:
        """Non-null values of each of ``columns`` over the whole table.

        Without ``exact`` only what costs no read of the data (file statistics);
        with it the connector may read the table once, counting every column in
        the same pass.  ``None`` when the source cannot tell (the default).
        """
        return None

    def sample_non_null(self, table: TableInfo, columns: Sequence[str], n: int, *, seed: int = 0) -> pa.Table:
        """At most ``n`` rows where none of ``columns`` is NULL, spread over the table, with those columns only.

        A random row sample of a column that is 99.9 % NULL holds one value or
        none, so its recognizers would see nothing: this reads that column's
        values instead, pushed down (``WHERE c IS NOT NULL``, row-group null
        counts), seeded like :meth:`sample`.  Must not read the whole table
        when the column has many values.  Optional: the default raises
        ``NotImplementedError`` and the scanner keeps what the row sample held.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot sample non-null values")

    # -- optional: person keys (scanner.export.persons) -----------------------------------------
    def distinct_key_count(self, table: TableInfo, spec: KeySpec) -> KeyCount:
        """Exact distinct non-null values of ``spec.key`` and the rows where it is NULL, in the engine.

        Optional: a connector that cannot evaluate SQL expressions raises
        ``NotImplementedError`` and persons fall back to the row count.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot evaluate key expressions")

    def iter_distinct_keys(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[str]]:
        """The distinct non-null values of ``spec.key``, de-duplicated by the engine, streamed in batches.

        Memory must stay bounded by one batch whatever the table size.  Optional,
        like :meth:`distinct_key_count`.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot evaluate key expressions")

    def key_signature_counts(self, table: TableInfo, spec: KeySpec) -> list[SignatureGroup]:
        """Persons per combination of ``spec.flags``, exactly, in the engine (:func:`signature_counts_select`).

        Optional, like :meth:`distinct_key_count`.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot evaluate key expressions")

    def iter_key_signatures(
        self, table: TableInfo, spec: KeySpec, *, batch_rows: int = 50_000
    ) -> Iterator[list[tuple[str, tuple[int, ...]]]]:
        """Each distinct non-null key with the maxima of ``spec.flags`` over its rows, in batches.

        Memory stays bounded by one batch.  Optional, like :meth:`distinct_key_count`.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot evaluate key expressions")

    def iter_hashed_key_signatures(
        self,
        table: TableInfo,
        spec: KeySpec,
        hash_many: Callable[[Sequence[str]], Sequence[bytes]],
        *,
        batch_rows: int = 50_000,
    ) -> Iterator[list[tuple[bytes, tuple[int, ...]]]]:
        """:meth:`iter_key_signatures` with each key replaced by its hash (``hash_many``: the ledger's HMAC).

        Here the keys are hashed as they come out of the engine; a connector
        that can hash where the data is (Spark's executors) does it there, so
        that no raw key reaches this process.  ``hash_many`` must then be
        picklable (a module-level function or a bound method).
        """
        for batch in self.iter_key_signatures(table, spec, batch_rows=batch_rows):
            hashes = hash_many([k for k, _ in batch])
            yield [(h, flags) for h, (_, flags) in zip(hashes, batch, strict=True)]

    # -- optional: trajectory profiles (scanner.trajectory) ---------------------------------------
    def device_fixes(self, table: TableInfo, query: FixQuery) -> pa.Table:
        """The first ``query.per_device`` fixes in time of each of ``query.devices``, ordered by device and time.

        Pushed down: one pass that keeps the rows of those devices and numbers them
        per device in time order (``ROW_NUMBER() OVER (PARTITION BY device ORDER BY
        time)``), so memory holds at most ``len(devices) × per_device`` rows.
        Optional: the default raises ``NotImplementedError`` and the profile says
        that the reporting interval was not measured.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot read the fixes of chosen devices")

    def value_bounds(self, table: TableInfo, columns: Sequence[str]) -> dict[str, tuple[object, object]]:
        """``MIN`` and ``MAX`` of each of ``columns`` over the whole table, in one pass in the engine.

        Optional, like :meth:`device_fixes` (a profile then takes its bounding box and
        time span from the fixes it read, and says so).
        """
        raise NotImplementedError(f"{type(self).__name__} cannot compute column bounds")


def load_once(cache: dict[Any, Any], key: Any, read: Callable[[], _T]) -> _T:
    """``read()``'s result for ``key``, read at most once per connector: a :class:`SourceError` is kept too,
    so a table whose metadata cannot be read fails every later step at once, with the same line.

    >>> cache, calls = {}, []
    >>> load_once(cache, "t", lambda: calls.append(1) or "meta"), load_once(cache, "t", lambda: "again"), calls
    ('meta', 'meta', [1])
    """
    cached = cache.get(key)
    if isinstance(cached, SourceError):
        raise cached
    if cached is None:
        try:
            cached = read()
        except SourceError as exc:
            cache[key] = exc
            raise
        cache[key] = cached
    return cached


def select_tables(
    tables: Iterable[TableInfo],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[TableInfo]:
    """Filter tables by shell-style globs, matched case-insensitively.

    A glob matches either the bare name or the schema-qualified name, so
    ``--tables 'public.*'`` and ``--tables 'patient*'`` both work.

    >>> ts = [TableInfo("patients"), TableInfo("orders"), TableInfo("tmp_x", schema="s")]
    >>> [t.name for t in select_tables(ts, include=["pat*", "s.*"])]
    ['patients', 'tmp_x']
    >>> [t.name for t in select_tables(ts, exclude=["tmp_*"])]
    ['patients', 'orders']
    """

    def hit(t: TableInfo, globs: Sequence[str]) -> bool:
        names = {t.name.lower(), t.qualified_name.lower()}
        return any(fnmatch.fnmatchcase(n, g.lower()) for g in globs for n in names)

    out = []
    for t in tables:
        if include and not hit(t, include):
            continue
        if exclude and hit(t, exclude):
            continue
        out.append(t)
    return out
