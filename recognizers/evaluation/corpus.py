"""The labelled evaluation corpus: loading it, turning its tables into Arrow, checking it is well formed.

The corpus lives in a directory (``tests/eval/`` in this repository) described
by ``corpus.json``; ``tests/eval/README.md`` documents the format and the
labelling rules, ``tests/eval/build_corpus.py`` regenerates it.

* **Tables** (``tables/*.json``): each column carries the set of entity types
  it holds (``labels``, possibly empty), the kind of hard negative it is
  (``negative``), and optional ``checks`` on what a finding must say, e.g.
  ``{"GEO_COORDINATE": {"min_precision_m": 600}}`` for coordinates rounded to
  two decimals.  A JSON column (``"type": "json"``, values are JSON values)
  lists its sub-columns under ``paths``, each labelled like a column and named
  by its path (``payload.geo.lat``, see :mod:`connectors.json_flatten`); every
  sub-column the flattening gives must be labelled.
* **Free text** (``text.jsonl``): one sentence per line with character-offset
  spans ``[start, end, type, surface]``.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from connectors.json_flatten import Flattened, flatten_table
from recognizers.engine import ColumnMeta

SCHEMA = "chujing.evalcorpus/1"
_ARROW_TYPES = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "json": pa.string()}
#: The type of a labelled sub-column of a JSON column (its values come from flattening its parent).
PATH_TYPE = "path"


@dataclass(frozen=True)
class LabelledColumn:
    name: str
    type: str
    labels: frozenset[str]
    values: tuple
    comment: str | None = None
    negative: str | None = None
    checks: dict = field(default_factory=dict)
    note: str = ""
    #: For a sub-column of a JSON column: that column (the sub-column is not a column of the Arrow table).
    parent: str | None = None

    def example_values(self, n: int = 3) -> list[str]:
        """The first ``n`` distinct non-null values, as strings (the corpus is synthetic)."""
        out: list[str] = []
        for v in self.values:
            if v is not None and str(v) not in out:
                out.append(str(v))
            if len(out) == n:
                break
        return out


@dataclass(frozen=True)
class LabelledTable:
    name: str
    comment: str | None
    columns: tuple[LabelledColumn, ...]

    def to_arrow(self) -> pa.Table:
        """The table as a source would hand it over: JSON columns as JSON text, sub-columns not yet there."""
        return pa.table(
            {c.name: pa.array(_cells(c), type=_ARROW_TYPES[c.type]) for c in self.columns if c.parent is None}
        )

    def metas(self) -> list[ColumnMeta]:
        return [ColumnMeta(c.name, c.type, c.comment) for c in self.columns if c.parent is None]

    def flattened(self) -> Flattened:
        """The table with its JSON columns flattened into sub-columns, as the scanner reads it."""
        return flatten_table(self.to_arrow(), {c.name: c.type for c in self.columns if c.parent is None})


def _cells(column: LabelledColumn) -> list:
    if column.type != "json":
        return list(column.values)
    return [None if v is None else json.dumps(v, ensure_ascii=False) for v in column.values]


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    type: str
    text: str


@dataclass(frozen=True)
class LabelledText:
    id: str
    source: str
    text: str
    spans: tuple[GoldSpan, ...]


@dataclass(frozen=True)
class Corpus:
    root: Path
    scan_date: _dt.date
    vocabulary: dict[str, str]
    text_types: tuple[str, ...]
    tables: tuple[LabelledTable, ...]
    texts: tuple[LabelledText, ...]

    def columns(self) -> Iterable[tuple[LabelledTable, LabelledColumn]]:
        for t in self.tables:
            for c in t.columns:
                yield t, c

    def negative_kinds(self) -> dict[str, list[str]]:
        """Hard-negative kind → ``table.column`` names holding it."""
        out: dict[str, list[str]] = {}
        for t, c in self.columns():
            if c.negative:
                out.setdefault(c.negative, []).append(f"{t.name}.{c.name}")
        return out

    def column_types(self) -> set[str]:
        return {lab for _, c in self.columns() for lab in c.labels}

    def span_types(self) -> set[str]:
        return {s.type for t in self.texts for s in t.spans}


class CorpusError(ValueError):
    """The corpus directory is missing or malformed."""


def load_corpus(root: str | Path) -> Corpus:
    """Read a corpus directory (``corpus.json`` + the files it names)."""
    root = Path(root)
    manifest_path = root / "corpus.json"
    if not manifest_path.is_file():
        raise CorpusError(f"{manifest_path} not found: pass the corpus directory (tests/eval) with --corpus")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("schema") != SCHEMA:
        raise CorpusError(f"{manifest_path}: schema {manifest.get('schema')!r}, expected {SCHEMA!r}")
    tables = []
    for rel in manifest["tables"]:
        doc = json.loads((root / rel).read_text(encoding="utf-8"))
        cols = tuple(
            LabelledColumn(
                name=c["name"],
                type=c["type"],
                labels=frozenset(c["labels"]),
                values=tuple(c["values"]),
                comment=c.get("comment"),
                negative=c.get("negative"),
                checks=c.get("checks") or {},
                note=c.get("note", ""),
            )
            for c in doc["columns"]
        )
        table = LabelledTable(doc["name"], doc.get("comment"), cols)
        tables.append(_with_paths(table, doc["columns"]))
    texts = []
    with open(root / manifest["text"], encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                spans = tuple(GoldSpan(s, e, t, surface) for s, e, t, surface in rec["spans"])
                texts.append(LabelledText(rec["id"], rec["source"], rec["text"], spans))
    return Corpus(
        root=root,
        scan_date=_dt.date.fromisoformat(manifest["scan_date"]),
        vocabulary=dict(manifest["vocabulary"]),
        text_types=tuple(manifest["text_types"]),
        tables=tuple(tables),
        texts=tuple(texts),
    )


def _with_paths(table: LabelledTable, columns: list[dict]) -> LabelledTable:
    """The table with the labelled sub-columns of its JSON columns, their values taken from the flattening."""
    labelled = [(c["name"], p) for c in columns for p in c.get("paths", [])]
    if not labelled:
        return table
    flat = table.flattened()
    given = set(flat.parents)
    subs = tuple(
        LabelledColumn(
            name=p["name"],
            type=PATH_TYPE,
            labels=frozenset(p["labels"]),
            values=tuple(flat.column(p["name"]).to_pylist()) if p["name"] in given else (),
            negative=p.get("negative"),
            checks=p.get("checks") or {},
            note=p.get("note", ""),
            parent=parent,
        )
        for parent, p in labelled
    )
    return LabelledTable(table.name, table.comment, table.columns + subs)


def corpus_problems(corpus: Corpus) -> list[str]:
    """Everything that makes the corpus unfit to grade recognizers (empty when it is well formed)."""
    problems = []
    vocab = set(corpus.vocabulary)
    for t, c in corpus.columns():
        where = f"{t.name}.{c.name}"
        if c.type not in _ARROW_TYPES and not (c.type == PATH_TYPE and c.parent):
            problems.append(f"{where}: unknown column type {c.type!r}")
        if unknown := c.labels - vocab:
            problems.append(f"{where}: labels outside the vocabulary: {sorted(unknown)}")
        if not any(v is not None for v in c.values):
            problems.append(f"{where}: no non-null value")
        for etype in c.checks:
            if etype not in c.labels:
                problems.append(f"{where}: a check on {etype} which the column is not labelled with")
    for t in corpus.tables:
        labelled = {c.name for c in t.columns if c.parent is not None}
        if unlabelled := [p for p in t.flattened().parents if p not in labelled]:
            problems.append(f"{t.name}: sub-columns of JSON that are not labelled: {unlabelled}")
    for t in corpus.texts:
        for s in t.spans:
            if not (0 <= s.start < s.end <= len(t.text)) or t.text[s.start : s.end] != s.text:
                problems.append(f"text {t.id}: span {s.start}-{s.end} {s.type} does not point at {s.text!r}")
            if s.type not in corpus.text_types:
                problems.append(f"text {t.id}: span type {s.type} is not one of the corpus's text_types")
    if missing := vocab - corpus.column_types():
        problems.append(f"vocabulary types with no labelled column: {sorted(missing)}")
    if missing := set(corpus.text_types) - corpus.span_types():
        problems.append(f"text_types with no labelled span: {sorted(missing)}")
    if extra := set(corpus.text_types) - vocab:
        problems.append(f"text_types outside the vocabulary: {sorted(extra)}")
    return problems
