"""CSV, TSV, JSON, JSON Lines and plain text as Arrow record batches of strings (S3 objects and local files).

Every column is a string column.  Type inference is deliberately off: it would
turn ID numbers into floats, strip the leading zeros of postcodes and phone
area codes, and choke on the ``X`` check character of resident ID numbers —
exactly the values a PI scanner must see as written.  Empty CSV fields are
nulls.

* CSV/TSV: the first record is the header when :func:`looks_like_header`
  agrees, otherwise columns are ``column_1``, ``column_2``…; records longer
  than the header get ``column_N`` names for the extra fields (no value is
  dropped).
* JSON Lines: one object per line; nested objects are flattened to dotted
  names (``address.city``) up to :data:`MAX_DEPTH` levels, lists and deeper
  values are kept as JSON text; a line that is not JSON is counted and skipped.
* JSON: a top-level array is parsed element by element (so a byte cap only
  loses the last element); a top-level object is one row, unless it wraps the
  records in a list (``{"data": [{…}, …]}``), whose elements are then the rows.
  A top-level object must fit in the bytes read.
* Text (``.txt``, ``.log``, ``.md``): one row per non-blank line, column ``text``.

``complete=False`` means the text is the head of a longer file or object: the
last, possibly cut, record is dropped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from connectors.formats import CSV, JSON, JSONL, TEXT, TSV, looks_like_header, sniff_delimiter

BATCH_ROWS = 8192
MAX_DEPTH = 4
MAX_COLUMNS = 2000
TEXT_COLUMN = "text"
_HEADER_PROBE_ROWS = 50


class MalformedText(ValueError):
    """The text is not the format its extension claims."""


@dataclass
class Layout:
    """How a delimited object is laid out, decided once from its head."""

    kind: str
    delimiter: str = ","
    names: list[str] = field(default_factory=list)
    has_header: bool = False


@dataclass
class ParseStats:
    records: int = 0
    bad_records: int = 0
    first_error: str | None = None


def inspect_layout(kind: str, head: str) -> Layout:
    """Delimiter and column names of CSV/TSV ``head``; other formats need nothing.

    >>> inspect_layout("csv", "姓名;手机\\n张三;13912345678\\n")
    Layout(kind='csv', delimiter=';', names=['姓名', '手机'], has_header=True)
    >>> inspect_layout("csv", "32050519900101123X,13912345678\\n110105198001011234,13800138000\\n").names
    ['column_1', 'column_2']
    """
    if kind not in (CSV, TSV):
        return Layout(kind)
    delimiter = sniff_delimiter(head, kind)
    probe = []
    for record in csv.reader(_lines([head.lstrip("\ufeff")]), delimiter=delimiter, strict=False):
        if record:
            probe.append(record)
        if len(probe) > _HEADER_PROBE_ROWS:
            break
    if not probe:
        return Layout(kind, delimiter)
    if looks_like_header(probe[0], probe[1:]):
        return Layout(kind, delimiter, clean_names(probe[0]), True)
    return Layout(kind, delimiter, [f"column_{i + 1}" for i in range(len(probe[0]))], False)


def record_batches(
    layout: Layout,
    chunks: Iterable[str],
    *,
    complete: bool,
    stats: ParseStats | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[pa.RecordBatch]:
    """Parse text ``chunks`` into batches of at most ``batch_rows`` rows (string columns)."""
    stats = stats if stats is not None else ParseStats()
    if layout.kind in (CSV, TSV):
        rows = _csv_rows(layout, chunks, complete)
    elif layout.kind == JSONL:
        rows = _jsonl_rows(chunks, complete, stats)
    elif layout.kind == JSON:
        rows = _json_rows(chunks, complete)
    elif layout.kind == TEXT:
        rows = ({TEXT_COLUMN: line} for line in _text_lines(chunks, complete))
    else:
        raise ValueError(f"not a text format: {layout.kind}")
    empty = [TEXT_COLUMN] if layout.kind == TEXT else []
    yield from row_batches(rows, layout.names, stats=stats, batch_rows=batch_rows, empty_names=empty)
    if layout.kind == JSONL and stats.records == 0 and stats.bad_records:
        raise MalformedText(f"no line is a JSON value ({stats.first_error})")


def row_batches(
    rows: Iterable[dict[str, str | None]],
    names: Iterable[str],
    *,
    stats: ParseStats | None = None,
    batch_rows: int = BATCH_ROWS,
    empty_names: Sequence[str] = (),
) -> Iterator[pa.RecordBatch]:
    """Rows of string cells as batches; a name first seen in a later row becomes a column from there on.

    Columns are ``names`` then new names in order of appearance (at most
    :data:`MAX_COLUMNS`); earlier batches do not have the later columns, which
    ``pa.concat_tables(promote_options="default")`` fills with nulls.  No rows
    at all give one empty batch with ``names`` (or ``empty_names``).
    """
    stats = stats if stats is not None else ParseStats()
    columns: dict[str, None] = dict.fromkeys(names)
    pending: list[dict[str, str | None]] = []
    for row in rows:
        stats.records += 1
        for key in row:
            if key not in columns and len(columns) < MAX_COLUMNS:
                columns[key] = None
        pending.append(row)
        if len(pending) >= batch_rows:
            yield _batch(pending, list(columns))
            pending = []
    if pending or stats.records == 0:
        yield _batch(pending, list(columns) or list(empty_names))


def _batch(rows: list[dict[str, str | None]], names: list[str]) -> pa.RecordBatch:
    arrays = [pa.array([r.get(n) for r in rows], type=pa.string()) for n in names]
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema([pa.field(n, pa.string()) for n in names]))


# -- line splitting ------------------------------------------------------------------
def _lines(chunks: Iterable[str]) -> Iterator[str]:
    """Lines with their ``\\n`` kept (the csv module needs them to see embedded newlines)."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        if "\n" not in chunk:
            continue
        parts = pending.split("\n")
        pending = parts.pop()
        for part in parts:
            yield part + "\n"
    if pending:
        yield pending


def _complete_lines(chunks: Iterable[str], complete: bool) -> Iterator[str]:
    """Lines without their end; a last line without ``\\n`` is dropped unless the text is complete."""
    for line in _lines(chunks):
        if line.endswith("\n"):
            yield line.rstrip("\r\n")
        elif complete:
            yield line.rstrip("\r")


def _text_lines(chunks: Iterable[str], complete: bool) -> Iterator[str]:
    first = True
    for line in _complete_lines(chunks, complete):
        if first:
            line, first = line.lstrip("\ufeff"), False
        if line.strip():
            yield line


# -- CSV -----------------------------------------------------------------------------
def _csv_rows(layout: Layout, chunks: Iterable[str], complete: bool) -> Iterator[dict[str, str | None]]:
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    names = list(layout.names)
    reader = csv.reader(_lines(_strip_bom(chunks)), delimiter=layout.delimiter, strict=False)
    previous = None
    first = True
    try:
        for record in reader:
            if first:
                first = False
                if layout.has_header:
                    continue
            if not record:
                continue
            if previous is not None:
                yield previous
            while len(names) < len(record):
                names.append(f"column_{len(names) + 1}")
            previous = {names[i]: (v if v != "" else None) for i, v in enumerate(record)}
    except csv.Error as exc:
        raise MalformedText(f"malformed CSV near record {reader.line_num}: {exc}") from exc
    if previous is not None and complete:
        yield previous


def _strip_bom(chunks: Iterable[str]) -> Iterator[str]:
    first = True
    for chunk in chunks:
        if first:
            chunk, first = chunk.lstrip("\ufeff"), False
        yield chunk


def clean_names(record: list[str]) -> list[str]:
    """Header fields as column names: whitespace folded, blanks named ``column_N``, repeats numbered.

    >>> clean_names(["姓名", " ", "电话", "电话"])
    ['姓名', 'column_2', '电话', '电话_2']
    """
    out: list[str] = []
    for i, raw in enumerate(record):
        name = " ".join(raw.split()) or f"column_{i + 1}"
        base, k = name, 2
        while name in out:
            name, k = f"{base}_{k}", k + 1
        out.append(name)
    return out


# -- JSON ----------------------------------------------------------------------------
def _jsonl_rows(chunks: Iterable[str], complete: bool, stats: ParseStats) -> Iterator[dict[str, str | None]]:
    for line in _text_lines(chunks, complete):
        try:
            value = json.loads(line)
        except ValueError as exc:
            stats.bad_records += 1
            stats.first_error = stats.first_error or f"line {stats.records + stats.bad_records}: {exc}"
            continue
        yield flatten(value)


def _json_rows(chunks: Iterable[str], complete: bool) -> Iterator[dict[str, str | None]]:
    it = iter(_strip_bom(chunks))
    buffer, pos = "", 0
    for chunk in it:
        buffer += chunk
        pos = _skip_ws(buffer, 0)
        if pos < len(buffer):
            break
    if pos >= len(buffer):
        return
    if buffer[pos] != "[":
        text = buffer + "".join(it)
        try:
            value = json.loads(text)
        except ValueError as exc:
            if not complete:
                raise MalformedText(
                    "JSON document larger than the bytes read; convert it to JSON Lines or raise head_bytes"
                ) from exc
            raise MalformedText(f"not valid JSON ({exc})") from exc
        yield from _rows_of_document(value)
        return
    decoder = json.JSONDecoder()
    pos += 1
    while True:
        pos = _skip_ws(buffer, pos)
        if pos < len(buffer) and buffer[pos] == ",":
            pos = _skip_ws(buffer, pos + 1)
        if pos < len(buffer) and buffer[pos] == "]":
            return
        try:
            value, end = decoder.raw_decode(buffer, pos)
        except ValueError as exc:
            more = next(it, None)
            if more is None:
                if complete:
                    raise MalformedText(f"not valid JSON ({exc})") from exc
                return  # the byte cap cut the last element
            buffer, pos = buffer[pos:] + more, 0
            continue
        yield flatten(value)
        pos = end
        if pos > 1 << 20:  # keep the buffer small while streaming a long array
            buffer, pos = buffer[pos:], 0


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _rows_of_document(value: object) -> Iterator[dict[str, str | None]]:
    if isinstance(value, list):
        for item in value:
            yield flatten(item)
        return
    if isinstance(value, dict):
        for inner in value.values():
            if isinstance(inner, list) and inner and all(isinstance(x, dict) for x in inner):
                for item in inner:
                    yield flatten(item)
                return
    yield flatten(value)


def flatten(
    value: object, prefix: str = "", depth: int = 0, out: dict | None = None
) -> dict[str, str | None]:
    """A JSON value as one row of string cells.

    >>> flatten({"name": "张三", "id": 320505199001011234, "addr": {"city": "苏州"}, "tags": ["a"], "ok": True})
    {'name': '张三', 'id': '320505199001011234', 'addr.city': '苏州', 'tags': '["a"]', 'ok': 'true'}
    >>> flatten(42)
    {'value': '42'}
    """
    out = {} if out is None else out
    if not isinstance(value, dict):
        out[prefix[:-1] if prefix else "value"] = cell(value)
        return out
    for key, inner in value.items():
        name = f"{prefix}{key}"
        if isinstance(inner, dict) and inner and depth + 1 < MAX_DEPTH:
            flatten(inner, name + ".", depth + 1, out)
        else:
            out[name] = cell(inner)
    return out


def cell(value: object) -> str | None:
    """One JSON value as a string cell (``None`` stays null, containers become JSON text)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
