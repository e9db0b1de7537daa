"""Which local files form which table: the listing half of :mod:`connectors.local_files`.

Parquet is listed by the Parquet connector exactly as when it reads a
directory alone; this module lists everything else below the same root, by
the rules S3 applies to keys (:func:`connectors.s3_listing.plan_tables`), so a
directory means the same on disk and in a bucket:

* one table per CSV/TSV, JSON, JSON Lines or text file (optionally
  gzip/zstd/bz2), named by its path relative to the root without extensions
  (``crm/contacts.csv.gz`` → ``crm/contacts``);
* one *dataset* table per directory of text files that is Hive-partitioned
  (``key=value`` subdirectories), holds a Spark/Hadoop marker (``_SUCCESS``)
  or only writer part files (``part-00000.csv``): the files of its most common
  format, partition keys as string columns;
* one table per worksheet of an Excel workbook (``.xlsx``/``.xlsm``), named
  ``workbook/sheet`` (``/`` cannot occur in a sheet name);
* names already taken by Parquet tables stay theirs: the other file keeps its
  extension (``a.csv`` beside ``a.parquet``), a dataset gets ``#2``.

Like the Parquet listing, names starting with ``.`` or ``_`` (files and
directories) are not data, and neither are Excel's lock files (``~$book.xlsx``).
Any other file that is not a table is *skipped* with a reason (an image, an
archive, an empty file, a SQLite database — which is scanned through its URL).
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from connectors.formats import SQLITE_MAGIC, SQLITE_SUFFIXES, XLSX, ObjectFormat, detect_format
from connectors.parquet import files_fingerprint
from connectors.s3_listing import S3Object, plan_tables

_MAX_DEPTH = 32
_LOCK_PREFIX = "~$"


@dataclass(frozen=True)
class LocalFile:
    """A file below the root: ``rel`` is its ``/``-separated path relative to the root."""

    rel: str
    path: str
    size: int
    mtime_ns: int


@dataclass
class LocalTable:
    """One table of files other than Parquet.

    ``kind`` is ``file``, ``dataset`` or ``sheet``; ``base`` the directory its
    fingerprint names files relative to; ``error`` is set when the table cannot
    be read at all (a workbook whose sheets cannot be listed).
    """

    name: str
    kind: str
    format: str
    base: str
    files: list[LocalFile]
    formats: dict[str, ObjectFormat]
    partitions: dict[str, dict[str, str | None]] = field(default_factory=dict)
    sheet: str | None = None
    error: str | None = None

    def fingerprint(self) -> dict[str, object]:
        """The Parquet connector's file evidence (sizes, times, listing hash) plus format and compression."""
        rows = [(posixpath.relpath(f.path, self.base), f.size, f.mtime_ns) for f in self.files]
        out: dict[str, object] = {"format": self.format, **files_fingerprint(rows)}
        if self.kind == "dataset":
            out["partition_keys"] = sorted({k for p in self.partitions.values() for k in p})
        else:
            out["compression"] = self.formats[self.files[0].rel].compression
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


@dataclass
class Listing:
    tables: list[LocalTable]
    skipped: list[dict[str, object]]


def walk(root: str, is_parquet: Callable[[str], bool]) -> list[LocalFile]:
    """Every visible file below ``root`` that ``is_parquet`` does not claim, sorted by relative path.

    Directories that cannot be listed are passed over: the Parquet listing
    reports them as failed tables.  Symbolic links are followed, each real
    directory once, at most 32 levels deep.
    """
    out: list[LocalFile] = []

    def visit(directory: str, rel_dir: str, depth: int, seen: frozenset[str]) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith((".", "_")):
                continue
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                if entry.is_dir():
                    real = os.path.realpath(entry.path)
                    if real not in seen and depth < _MAX_DEPTH:
                        visit(entry.path, rel, depth + 1, seen | {real})
                elif (
                    entry.is_file() and not entry.name.startswith(_LOCK_PREFIX) and not is_parquet(entry.path)
                ):
                    st = entry.stat()
                    out.append(LocalFile(rel, entry.path, st.st_size, st.st_mtime_ns))
            except OSError:
                continue

    visit(root, "", 0, frozenset({os.path.realpath(root)}))
    return out


def plan(
    root: str,
    files: Iterable[LocalFile],
    *,
    reserved: Iterable[str],
    sheets: Callable[[LocalFile], list[str] | str],
) -> Listing:
    """Group ``files`` (from :func:`walk`) into tables; ``reserved`` are the Parquet tables' names.

    ``sheets(file)`` lists a workbook's worksheets, or says why it cannot.
    """
    taken = set(reserved)
    tables: list[LocalTable] = []
    skipped: list[dict[str, object]] = []
    texts: dict[str, LocalFile] = {}
    for f in files:
        fmt = detect_format(f.rel, workbooks=True)
        if isinstance(fmt, ObjectFormat) and fmt.kind == XLSX:
            tables += _sheet_tables(f, fmt, sheets(f), taken)
        elif isinstance(fmt, str) and is_sqlite(f.path):
            skipped.append(_skip(f, f"SQLite database; scan it as sqlite:///{f.path}"))
        else:
            texts[f.rel] = f
    listing = plan_tables(
        [S3Object(f.rel, f.size, "", _mtime(f.mtime_ns)) for f in texts.values()],
        base="",
        root_name=posixpath.basename(root.rstrip("/")) or root,
        max_objects=max(1, len(texts)),
        sampling="all",
        seed=0,
        reserved=taken,
    )
    for t in listing.tables:
        base = os.path.join(root, t.base) if t.kind == "dataset" else os.path.dirname(texts[t.base].path)
        kind = "file" if t.kind == "object" else t.kind
        members = [texts[o.key] for o in t.objects]
        tables.append(LocalTable(t.name, kind, t.format, base.rstrip("/"), members, t.formats, t.partitions))
    skipped += [
        _skip(texts[str(s["key"])], str(s["reason"]).replace("empty object", "empty file"))
        for s in listing.skipped
    ]
    return Listing(sorted(tables, key=lambda t: t.name), sorted(skipped, key=lambda s: str(s["path"])))


def single(f: LocalFile, sheets: Callable[[LocalFile], list[str] | str]) -> list[LocalTable] | str:
    """The table(s) of one file given as the root, or why it is not one."""
    fmt = detect_format(f.rel, workbooks=True)
    if isinstance(fmt, str):
        return fmt
    if fmt.kind == XLSX:
        return _sheet_tables(f, fmt, sheets(f), set())
    name = posixpath.basename(fmt.stem)
    return [LocalTable(name, "file", fmt.kind, os.path.dirname(f.path), [f], {f.rel: fmt})]


def is_sqlite(path: str) -> bool:
    """A SQLite database, by its name or its first 16 bytes."""
    if path.lower().endswith(SQLITE_SUFFIXES):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _sheet_tables(
    f: LocalFile, fmt: ObjectFormat, names: list[str] | str, taken: set[str]
) -> list[LocalTable]:
    base = os.path.dirname(f.path)
    if isinstance(names, str):
        return [
            LocalTable(_unique(fmt.stem, f.rel, taken), "file", XLSX, base, [f], {f.rel: fmt}, error=names)
        ]
    return [
        LocalTable(_unique(f"{fmt.stem}/{s}", f"{f.rel}/{s}", taken), "sheet", XLSX, base, [f], {f.rel: fmt},
                   sheet=s)
        for s in names
    ]  # fmt: skip


def _unique(name: str, fallback: str, taken: set[str]) -> str:
    """``name``, else ``fallback`` (the name with the file's extension), else ``fallback#2``, ``#3`` …"""
    out, k = (name if name not in taken else fallback), 2
    while out in taken:
        out, k = f"{fallback}#{k}", k + 1
    taken.add(out)
    return out


def _skip(f: LocalFile, reason: str) -> dict[str, object]:
    return {"path": f.rel, "bytes": f.size, "reason": reason}


def _mtime(ns: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ns / 1e9, tz=dt.timezone.utc)
