"""From a bucket listing to tables: which objects form which table, and which are skipped.

What is a table
    * An object of a readable format (see :mod:`connectors.formats`) is one
      table, named by its key relative to the prefix without its extensions
      (``exports/2025/patients.csv.gz`` → ``exports/2025/patients``).  When two
      objects would get the same name (``a.csv`` and ``a.json``) the later key
      keeps its extension.
    * A *dataset* is one table made of many objects, named after its folder:
      the folder above the first ``key=value`` segment of a key (Hive
      partitioning: ``events/year=2025/month=01/part-0.parquet`` belongs to
      ``events``), or a folder holding a Spark/Hadoop marker (``_SUCCESS``,
      ``_metadata``) or only writer part files (``part-00000-….parquet``) — the
      same rules as the local Parquet connector.  Partition keys become string
      columns.  Files of another format in a dataset folder are tables of their
      own.
    * Keys ending in ``/`` are folder placeholders and ignored.  Everything else
      is *skipped* with a reason: unsupported formats, empty objects, hidden and
      marker files (``.crc``, ``_SUCCESS``), objects in an archived storage
      class (Glacier Flexible Retrieval, Deep Archive: restored copies are
      skipped too, since the listing cannot tell them apart).

How many objects are read
    At most ``max_objects`` single-object tables per source, and at most
    ``max_objects`` files per dataset.  When there are more, ``object_sampling``
    chooses: ``newest`` (by LastModified, ties by key), ``random`` (seeded: the
    same seed picks the same keys) or ``all`` (no cap).  The listing itself is
    complete up to :data:`MAX_LISTED` keys (ListObjectsV2 pages of 1,000).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import random
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from connectors.formats import FORMAT_ORDER, PARQUET, ObjectFormat, detect_format

SAMPLINGS = ("newest", "random", "all")
#: Storage classes whose objects cannot be read without a restore (Glacier Instant Retrieval can).
ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
MAX_LISTED = 2_000_000
MAX_PROBES = 100
SKIPPED_MAX = 1000
FINGERPRINT_MAX_OBJECTS = 100
_PARTITION = re.compile(r"^[^=/]+=[^/]*$")
_PART_FILE = re.compile(
    r"^(?:(?:part|data)[-_.]?\d|\d+_\d+(?:_copy_\d+)?(?:\.|$)|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-)", re.I
)
_MARKERS = frozenset({"_SUCCESS", "_metadata", "_common_metadata"})
_HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


@dataclass(frozen=True)
class S3Object:
    key: str
    size: int
    etag: str
    last_modified: dt.datetime
    storage_class: str = "STANDARD"

    def evidence(self) -> dict[str, object]:
        return {
            "key": self.key,
            "bytes": self.size,
            "etag": self.etag,
            "last_modified": _iso(self.last_modified),
        }


@dataclass
class ObjectTable:
    """One table: a single object or a dataset of objects (``objects`` are those that will be read)."""

    name: str
    kind: str  # object | dataset
    format: str
    base: str
    objects: list[S3Object]
    formats: dict[str, ObjectFormat]
    partitions: dict[str, dict[str, str | None]] = field(default_factory=dict)
    listed: int = 0

    def fingerprint(self, bucket: str) -> dict[str, object]:
        """Evidence of which objects, in which version, the table was read from."""
        objs = sorted(self.objects, key=lambda o: o.key)
        listing = "".join(f"{o.key}\t{o.size}\t{o.etag}\t{_iso(o.last_modified)}\n" for o in objs)
        out: dict[str, object] = {"bucket": bucket, "format": self.format}
        if self.kind == "object":
            out.update(objs[0].evidence())
            out["compression"] = self.formats[objs[0].key].compression
        else:
            out["prefix"] = self.base
            out["partition_keys"] = sorted({k for p in self.partitions.values() for k in p})
        out.update(
            {
                "objects": len(objs),
                "objects_listed": self.listed,
                "bytes": sum(o.size for o in objs),
                "last_modified": _iso(max(o.last_modified for o in objs)),
                "listing_sha256": hashlib.sha256(listing.encode()).hexdigest(),
            }
        )
        if self.kind == "dataset":
            out["object_list"] = [o.evidence() for o in objs[:FINGERPRINT_MAX_OBJECTS]]
            if len(objs) > FINGERPRINT_MAX_OBJECTS:
                out["object_list_truncated"] = True
        return out


@dataclass
class Listing:
    tables: list[ObjectTable]
    skipped: list[dict[str, object]]
    summary: dict[str, object]


def list_objects(
    client, bucket: str, prefix: str, *, page_size: int = 1000, on_page: Callable[[int], None] | None = None
) -> tuple[list[S3Object], bool]:
    """Every object under ``prefix`` (ListObjectsV2, paginated), and whether :data:`MAX_LISTED` cut the list.

    ``on_page`` hears the number of objects of each page as it arrives (progress).
    """
    paginator = client.get_paginator("list_objects_v2")
    out: list[S3Object] = []
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": page_size}):
        contents = page.get("Contents", ())
        if on_page is not None:
            on_page(len(contents))
        for item in contents:
            out.append(
                S3Object(
                    item["Key"],
                    int(item.get("Size", 0)),
                    str(item.get("ETag", "")).strip('"'),
                    item["LastModified"],
                    str(item.get("StorageClass") or "STANDARD"),
                )
            )
            if len(out) >= MAX_LISTED:
                return out, True
    return out, False


def plan_tables(
    objects: Sequence[S3Object],
    *,
    base: str,
    root_name: str,
    max_objects: int,
    sampling: str,
    seed: int,
    key_include: Sequence[str] = (),
    key_exclude: Sequence[str] = (),
    probe: Callable[[S3Object], bool] | None = None,
    reserved: Iterable[str] = (),
) -> Listing:
    """Group ``objects`` (keys under ``base``, a prefix ending in ``/`` or empty) into tables.

    ``root_name`` names a dataset whose folder is ``base`` itself.  ``probe``
    tells whether an object without extension is Parquet (by its magic bytes);
    it is asked at most :data:`MAX_PROBES` times.  ``reserved`` are table names
    already taken (the local-files connector's Parquet tables): a table that
    would get one keeps its extension or a ``#2`` instead.
    """
    skipped: list[dict[str, object]] = []
    candidates: list[tuple[S3Object, str, ObjectFormat]] = []
    marker_dirs: set[str] = set()
    counts = Counter()
    probes = 0
    for obj in sorted(objects, key=lambda o: o.key):
        if obj.key.endswith("/"):
            counts["folder_markers"] += 1
            continue
        rel = obj.key[len(base) :]
        if not _selected(rel, key_include, key_exclude):
            counts["excluded_by_key_glob"] += 1
            continue
        folder, _, name = rel.rpartition("/")
        if name in _MARKERS:
            marker_dirs.add(folder)
        if name.startswith((".", "_")):
            skipped.append(_skip(obj, "hidden or marker file"))
            continue
        if obj.size == 0:
            skipped.append(_skip(obj, "empty object"))
            continue
        if obj.storage_class in ARCHIVED:
            skipped.append(_skip(obj, f"archived storage class ({obj.storage_class}); restore it to scan it"))
            continue
        fmt = detect_format(rel)
        if fmt == "no file extension" and probe is not None and probes < MAX_PROBES and _may_be_part(rel):
            probes += 1
            if probe(obj):
                fmt = ObjectFormat(PARQUET, None, rel)
        if isinstance(fmt, str):
            skipped.append(_skip(obj, fmt))
            continue
        candidates.append((obj, rel, fmt))

    datasets, singles = _group(candidates, marker_dirs)
    tables: list[ObjectTable] = []
    taken: set[str] = set(reserved)
    for root, members in sorted(datasets.items()):
        kinds = Counter(fmt.kind for _, _, fmt in members)
        kind = max(kinds, key=lambda k: (kinds[k], -FORMAT_ORDER.index(k)))
        for member in members:
            if member[2].kind != kind:
                singles.append(member)
        members = [m for m in members if m[2].kind == kind]
        chosen = choose([m[0] for m in members], max_objects, sampling, seed)
        keep = {o.key for o in chosen}
        name = _unique(root or root_name, taken)
        tables.append(
            ObjectTable(
                name,
                "dataset",
                kind,
                base + root + ("/" if root else ""),
                chosen,
                {o.key: f for o, _, f in members if o.key in keep},
                {o.key: _partition(rel, root) for o, rel, _ in members if o.key in keep},
                listed=len(members),
            )
        )
    singles.sort(key=lambda m: m[0].key)
    chosen_singles = {o.key for o in choose([m[0] for m in singles], max_objects, sampling, seed)}
    for obj, rel, fmt in singles:
        if obj.key not in chosen_singles:
            continue
        name = _unique(fmt.stem if fmt.stem not in taken else rel, taken)
        tables.append(ObjectTable(name, "object", fmt.kind, obj.key, [obj], {obj.key: fmt}, listed=1))
    tables.sort(key=lambda t: t.name)

    selected = sum(len(t.objects) for t in tables)
    readable = len(candidates)
    summary: dict[str, object] = {
        "objects_listed": len(objects) - counts["folder_markers"],
        "objects_readable": readable,
        "objects_selected": selected,
        "objects_not_sampled": readable - selected,
        "tables": len(tables),
        "datasets": sum(1 for t in tables if t.kind == "dataset"),
        "max_objects": max_objects,
        "object_sampling": sampling,
        "excluded_by_key_glob": counts["excluded_by_key_glob"],
        "skipped": len(skipped),
        "skipped_by_reason": dict(sorted(Counter(str(s["reason"]) for s in skipped).items())),
    }
    return Listing(tables, skipped[:SKIPPED_MAX], summary)


def choose(objects: Sequence[S3Object], max_objects: int, sampling: str, seed: int) -> list[S3Object]:
    """Which objects to read when there are more than ``max_objects`` (sorted by key).

    >>> t = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    >>> objs = [S3Object(f"k{i}", 1, "e", t + dt.timedelta(days=i % 5)) for i in range(10)]
    >>> [o.key for o in choose(objs, 3, "newest", 0)]
    ['k3', 'k4', 'k9']
    >>> choose(objs, 3, "random", 1) == choose(objs, 3, "random", 1), len(choose(objs, 3, "all", 0))
    (True, 10)
    """
    ordered = sorted(objects, key=lambda o: o.key)
    if sampling == "all" or len(ordered) <= max_objects:
        return ordered
    if sampling == "newest":
        picked = sorted(ordered, key=lambda o: (-o.last_modified.timestamp(), o.key))[:max_objects]
        return sorted(picked, key=lambda o: o.key)
    if sampling == "random":
        return sorted(random.Random(seed).sample(ordered, max_objects), key=lambda o: o.key)
    raise ValueError(f"object_sampling must be one of {', '.join(SAMPLINGS)}")


def _group(candidates, marker_dirs: set[str]):
    """Split candidates into datasets (by root folder) and single objects."""
    by_dir: dict[str, list[str]] = {}
    for _, rel, _ in candidates:
        folder, _, name = rel.rpartition("/")
        by_dir.setdefault(folder, []).append(name)
    part_dirs = {d for d, names in by_dir.items() if all(_PART_FILE.match(n) for n in names)}
    datasets: dict[str, list] = {}
    singles = []
    for member in candidates:
        rel = member[1]
        segments = rel.split("/")[:-1]
        hive = next((i for i, s in enumerate(segments) if _PARTITION.match(s)), None)
        folder = "/".join(segments)
        if hive is not None:
            root = "/".join(segments[:hive])
        elif folder in marker_dirs or folder in part_dirs:
            root = folder
        else:
            singles.append(member)
            continue
        datasets.setdefault(root, []).append(member)
    return datasets, singles


def _partition(rel: str, root: str) -> dict[str, str | None]:
    inner = rel[len(root) + 1 :] if root else rel
    out: dict[str, str | None] = {}
    for segment in inner.split("/")[:-1]:
        if _PARTITION.match(segment):
            key, _, value = segment.partition("=")
            value = urllib.parse.unquote(value)
            out[urllib.parse.unquote(key)] = None if value == _HIVE_NULL else value
    return out


def _selected(rel: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    if include and not any(fnmatch.fnmatchcase(rel, g) for g in include):
        return False
    return not (exclude and any(fnmatch.fnmatchcase(rel, g) for g in exclude))


def _may_be_part(rel: str) -> bool:
    name = rel.rpartition("/")[2]
    return bool(_PART_FILE.match(name)) or any(_PARTITION.match(s) for s in rel.split("/")[:-1])


def _unique(name: str, taken: set[str]) -> str:
    out, k = name, 2
    while out in taken:
        out, k = f"{name}#{k}", k + 1
    taken.add(out)
    return out


def _skip(obj: S3Object, reason: str) -> dict[str, object]:
    return {"key": obj.key, "bytes": obj.size, "reason": reason}


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
