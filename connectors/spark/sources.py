"""What a SOURCE names for Spark: tables of the session's catalogue, or Parquet/ORC files and datasets.

* ``hive://DB`` and ``hive://DB.TABLE_GLOB``: the tables of database ``DB`` in the
  session's catalogue (the Hive metastore the Spark conf names), views only with
  ``--views``, the glob matched case-insensitively as ``--tables`` is.
* any other SOURCE is a path Spark reads: a local path, ``file://``, or a Hadoop
  filesystem URI (``hdfs://``, ``s3a://``, ``abfss://``, ``gs://`` …).  A file is
  one table; a directory that holds data files or ``key=value`` partition
  directories is one dataset (Spark discovers its partitions); any other
  directory is walked, each file and dataset in it a table named by its path
  below the root, without the extension.  The format is the data files'
  extension: ``.parquet``/``.parq``/``.pq`` or ``.orc``.

The directory walk goes through Hadoop's ``FileSystem`` in the driver JVM, so
every filesystem Spark can read is listed the same way; only names, sizes and
the directory structure are read, never data.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from connectors.base import TableInfo
from connectors.parquet import _DATASET_MARKERS, _PART_FILE, _PARTITION_DIR

HIVE_SCHEME = "hive://"
#: Extensions of the data files Spark reads here, and the format each names.
FORMATS = {".parquet": "parquet", ".parq": "parquet", ".pq": "parquet", ".orc": "orc"}
#: Deepest directory level walked below a SOURCE directory when looking for files and datasets.
MAX_DEPTH = 8


@dataclass(frozen=True)
class HiveSource:
    """``hive://DB[.GLOB]``: a database of the session catalogue and the tables to take from it."""

    database: str
    glob: str = "*"

    def matches(self, table: str) -> bool:
        return fnmatch.fnmatchcase(table.lower(), self.glob.lower())


@dataclass(frozen=True)
class PathSource:
    """A path Spark reads (local, ``file://`` or a Hadoop filesystem URI)."""

    path: str


def parse_source(source: str) -> HiveSource | PathSource:
    """Which kind of Spark source ``source`` is.

    >>> parse_source("hive://ods"), parse_source("hive://ods.cust_*")
    (HiveSource(database='ods', glob='*'), HiveSource(database='ods', glob='cust_*'))
    >>> parse_source("hdfs://nn:8020/warehouse/visits")
    PathSource(path='hdfs://nn:8020/warehouse/visits')
    >>> parse_source("file:///data/lake/") == PathSource("/data/lake")
    True
    """
    if source.startswith(HIVE_SCHEME):
        rest = source[len(HIVE_SCHEME) :].strip("/")
        database, _, glob = rest.partition(".")
        return HiveSource(database, glob or "*")
    if source.startswith("file://"):
        source = source[len("file://") :]
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", source):
        return PathSource(source.rstrip("/") or source)
    return PathSource(os.path.abspath(os.path.expanduser(source)))


def data_format(name: str) -> str | None:
    """``parquet`` or ``orc`` for a data file's name, ``None`` for anything else.

    >>> data_format("part-00000-1f.c000.snappy.parquet"), data_format("x.ORC"), data_format("_SUCCESS")
    ('parquet', 'orc', None)
    """
    if name.startswith(("_", ".")):
        return None
    return FORMATS.get(posixpath.splitext(name.lower())[1])


def strip_extension(name: str) -> str:
    """A file's table name: its name without the data extension and compression infix.

    >>> strip_extension("visits.parquet"), strip_extension("part-0.snappy.orc"), strip_extension("2026/11")
    ('visits', 'part-0', '2026/11')
    """
    base, ext = posixpath.splitext(name)
    if ext.lower() not in FORMATS:
        return name
    for codec in (".snappy", ".gz", ".zstd", ".lz4", ".zlib"):  # writers put the codec before the extension
        if base.lower().endswith(codec):
            return base[: -len(codec)]
    return base


@dataclass
class SparkTable:
    """One table a Spark source holds: how to read it, and what the listing saw."""

    info: TableInfo
    hive_name: str | None = None  # `db`.`table` for catalogue tables
    path: str | None = None  # a file or dataset directory
    format: str | None = None  # parquet | orc for paths
    extra: dict[str, Any] = field(default_factory=dict)


class HadoopLister:
    """Files and directories through Hadoop's ``FileSystem`` (any filesystem Spark reads), in the driver JVM."""

    def __init__(self, spark: Any) -> None:
        self.jvm = spark.sparkContext._jvm
        self.conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, path: str) -> tuple[Any, Any]:
        p = self.jvm.org.apache.hadoop.fs.Path(path)
        return p, p.getFileSystem(self.conf)

    def status(self, path: str) -> tuple[bool, bool]:
        """``(exists, is_directory)``."""
        p, fs = self._path(path)
        if not fs.exists(p):
            return False, False
        return True, bool(fs.getFileStatus(p).isDirectory())

    def children(self, path: str) -> tuple[list[tuple[str, int]], list[str], set[str]]:
        """The files (name, size) and the directories directly in ``path`` (hidden ones left out), and every name."""
        p, fs = self._path(path)
        files, dirs, names = [], [], set()
        for st in fs.listStatus(p):
            name = st.getPath().getName()
            names.add(name)
            if name.startswith(("_", ".")):
                continue
            if st.isDirectory():
                dirs.append(name)
            else:
                files.append((name, int(st.getLen())))
        return sorted(files), sorted(dirs), names

    def summary(self, path: str) -> dict[str, int]:
        """Bytes and data files under ``path`` (one call: the namenode's content summary on HDFS)."""
        p, fs = self._path(path)
        cs = fs.getContentSummary(p)
        return {"bytes": int(cs.getLength()), "files": int(cs.getFileCount())}

    def first_format(self, path: str, depth: int = 0) -> str | None:
        """The format of the first data file found below ``path`` (a dataset's)."""
        files, dirs, _ = self.children(path)
        for name, _ in files:
            fmt = data_format(name)
            if fmt:
                return fmt
        if depth >= MAX_DEPTH:
            return None
        for d in dirs:
            fmt = self.first_format(posixpath.join(path, d), depth + 1)
            if fmt:
                return fmt
        return None


def is_dataset(files: list[tuple[str, int]], dirs: list[str], names: set[str]) -> bool:
    """A directory read as one table, by the local engine's rule (:mod:`connectors.parquet`): it holds
    ``key=value`` partition directories, or data files with a writer's marker (``_SUCCESS``) or named as a
    writer's parts (``part-00000…``).

    >>> is_dataset([("part-0.parquet", 1)], [], set()), is_dataset([], ["dt=2026-11-01"], set())
    (True, True)
    >>> is_dataset([("visits.parquet", 1), ("patients.orc", 1)], ["old"], set())
    False
    """
    if any(_PARTITION_DIR.match(d) for d in dirs):
        return True
    data = [n for n, _ in files if data_format(n)]
    return bool(data) and (bool(names & _DATASET_MARKERS) or all(_PART_FILE.match(n) for n in data))


def list_path(lister: HadoopLister, root: str) -> list[SparkTable]:
    """The tables of a path source: the file, the dataset, or every file and dataset below the directory."""
    exists, is_dir = lister.status(root)
    if not exists:
        return []
    if not is_dir:
        name = posixpath.basename(root)
        fmt = data_format(name)
        return [] if fmt is None else [_table(strip_extension(name), "file", root, fmt)]
    files, dirs, names = lister.children(root)
    if is_dataset(files, dirs, names):
        fmt = lister.first_format(root)
        return [] if fmt is None else [_table(posixpath.basename(root) or root, "dataset", root, fmt)]
    out: list[SparkTable] = []
    _walk(lister, root, "", files, dirs, out, depth=0)
    return out


def _walk(
    lister: HadoopLister,
    root: str,
    rel: str,
    files: list[tuple[str, int]],
    dirs: list[str],
    out: list[SparkTable],
    *,
    depth: int,
) -> None:
    for name, _ in files:
        fmt = data_format(name)
        if fmt:
            out.append(
                _table(posixpath.join(rel, strip_extension(name)), "file", _join(root, rel, name), fmt)
            )
    if depth >= MAX_DEPTH:
        return
    for d in dirs:
        path = _join(root, rel, d)
        sub_files, sub_dirs, sub_names = lister.children(path)
        if is_dataset(sub_files, sub_dirs, sub_names):
            fmt = lister.first_format(path)
            if fmt:
                out.append(_table(posixpath.join(rel, d), "dataset", path, fmt))
        else:
            _walk(lister, root, posixpath.join(rel, d), sub_files, sub_dirs, out, depth=depth + 1)


def _join(root: str, rel: str, name: str) -> str:
    return posixpath.join(root, rel, name) if rel else posixpath.join(root, name)


def _table(name: str, kind: str, path: str, fmt: str) -> SparkTable:
    return SparkTable(TableInfo(name, kind=kind, fingerprint={"format": fmt}), path=path, format=fmt)
