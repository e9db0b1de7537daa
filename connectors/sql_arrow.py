"""Turn rows read from a SQL database into a :class:`pyarrow.Table`.

Recognizers work on Arrow, so the types matter: integers become ``int64``,
floats ``float64``, text ``string``, dates ``date32``, timestamps
``timestamp[us]`` (``UTC`` when the column is time-zone aware), fixed
decimals ``decimal128(p, s)``, binary ``binary``.  Anything else (JSON,
arrays, UUIDs, network addresses, types SQLAlchemy does not know) becomes its
text.

The declared type is only a promise: SQLite stores whatever it is given, a
MySQL ``BIGINT UNSIGNED`` overflows ``int64``, a driver may hand back a value
the mapping did not expect.  A batch that does not convert falls back to
strings for that column instead of failing the table, and if batches of one
column end up with different types the whole column becomes ``string``.

Rows arrive in batches (the database cursor is streamed) and each batch is
converted on its own, so memory stays proportional to the sample.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

_FALLBACK_ERRORS = (
    pa.ArrowInvalid,
    pa.ArrowTypeError,
    pa.ArrowNotImplementedError,
    TypeError,
    ValueError,
    OverflowError,
)


def arrow_type(sql_type: sa.types.TypeEngine, dialect_name: str = "") -> pa.DataType:
    """The Arrow type for a reflected SQLAlchemy column type.

    >>> arrow_type(sa.BigInteger()), arrow_type(sa.Numeric(10, 2)), arrow_type(sa.DateTime(timezone=True))
    (DataType(int64), Decimal128Type(decimal128(10, 2)), TimestampType(timestamp[us, tz=UTC]))
    >>> arrow_type(sa.JSON()), arrow_type(sa.types.NullType())
    (DataType(string), DataType(string))
    """
    # Drivers return floats for FLOAT/DOUBLE even where the type says asdecimal (MySQL DOUBLE does).
    if isinstance(sql_type, sa.Float):
        return pa.float64()
    try:
        python_type = sql_type.python_type
    except (NotImplementedError, AttributeError):
        return pa.string()
    if python_type is bool:
        return pa.bool_()
    if python_type is int:
        return pa.int64()
    if python_type is float:
        return pa.float64()
    if python_type is decimal.Decimal:
        if dialect_name == "sqlite":  # stored as REAL or INTEGER, whatever the declaration says
            return pa.float64()
        precision, scale = getattr(sql_type, "precision", None), getattr(sql_type, "scale", None)
        if precision and 0 < precision <= 38 and scale is not None and 0 <= scale <= precision:
            return pa.decimal128(precision, scale)
        return pa.string()  # unbounded NUMERIC: text keeps every digit
    if python_type is str:
        return pa.string()
    if python_type is bytes:
        return pa.binary()
    if python_type is dt.datetime:
        return pa.timestamp("us", tz="UTC" if getattr(sql_type, "timezone", False) else None)
    if python_type is dt.date:
        return pa.date32()
    if python_type is dt.time:
        return pa.time64("us")
    if python_type is dt.timedelta:
        return pa.duration("us")
    return pa.string()


def as_text(value: object) -> str | None:
    """A value as text for a string column: JSON for containers, UTF-8 (or hex) for bytes.

    >>> as_text({"a": [1, "二"]}), as_text(b"\\xff\\x00"), as_text(None), as_text(3.5)
    ('{"a": [1, "二"]}', 'ff00', None, '3.5')
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(value).hex()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _prepare(values: Sequence[object], target: pa.DataType) -> Sequence[object]:
    if pa.types.is_boolean(target):  # SQLite and MySQL keep booleans as 0/1
        return [bool(v) if isinstance(v, int) and v in (0, 1) else v for v in values]
    if pa.types.is_binary(target):
        return [v.tobytes() if isinstance(v, memoryview) else v for v in values]
    if pa.types.is_time(target):  # MySQL drivers return TIME as a timedelta since midnight
        return [
            (dt.datetime.min + v).time()
            if isinstance(v, dt.timedelta) and dt.timedelta(0) <= v < dt.timedelta(1)
            else v
            for v in values
        ]
    return values


def column_array(values: Sequence[object], target: pa.DataType) -> pa.Array:
    """``values`` as an Arrow array of ``target``, or of ``string`` when they do not fit.

    >>> column_array([1, None, 3], pa.int64()).type, column_array(["x", 2], pa.int64()).to_pylist()
    (DataType(int64), ['x', '2'])
    >>> column_array(["2024-02-29", None], pa.date32()).type
    DataType(date32[day])
    """
    if pa.types.is_string(target):
        try:  # text (or UTF-8 bytes) throughout: Arrow reads it as it is, without a call per value
            return pa.array(values, pa.string())
        except _FALLBACK_ERRORS:
            return pa.array([as_text(v) for v in values], pa.string())
    try:
        return pa.array(_prepare(values, target), type=target)
    except _FALLBACK_ERRORS:
        pass
    is_temporal = pa.types.is_temporal(target)
    if is_temporal and all(v is None or isinstance(v, str) for v in values):
        try:  # SQLite keeps dates as ISO text
            return pa.array(values, pa.string()).cast(target)
        except _FALLBACK_ERRORS:
            pass
    return pa.array([as_text(v) for v in values], pa.string())


def _to_string(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    try:
        return pc.cast(array, pa.string())
    except _FALLBACK_ERRORS:
        return pa.array([as_text(v) for v in array.to_pylist()], pa.string())


def rows_to_table(
    names: Sequence[str],
    targets: Sequence[pa.DataType],
    batches: Iterable[Sequence[Sequence[object]]],
    metadata: dict[str, str] | None = None,
) -> pa.Table:
    """Build a table from row batches, one Arrow chunk per batch and column.

    >>> t = rows_to_table(["id", "name"], [pa.int64(), pa.string()], [[(1, "a")], [(2, None)]])
    >>> t.column("id").to_pylist(), t.schema.field("name").type
    ([1, 2], DataType(string))
    """
    chunks: list[list[pa.Array]] = [[] for _ in names]
    for batch in batches:
        if not batch:
            continue
        for i, values in enumerate(zip(*batch, strict=True)):
            chunks[i].append(column_array(values, targets[i]))
    arrays = []
    for i, column_chunks in enumerate(chunks):
        if not column_chunks:
            arrays.append(pa.chunked_array([], type=targets[i]))
            continue
        types = {a.type for a in column_chunks}
        if len(types) > 1:
            column_chunks = [a if a.type == pa.string() else _to_string(a) for a in column_chunks]
        arrays.append(pa.chunked_array(column_chunks))
    table = pa.Table.from_arrays(arrays, names=list(names))
    return table.replace_schema_metadata(metadata) if metadata else table
