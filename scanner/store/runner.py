"""One scan run against the store: what to rescan, what to carry over, what a resumed run already did.

:class:`StoreRun` is what :func:`scanner.scan.scan` consults per table:

* :meth:`StoreRun.reuse` — before a table is sampled, with its cheap
  fingerprint (:func:`table_fingerprint`: what the connector lists, the schema
  and the row count): the table's result from the run being resumed, or — in an
  incremental run — from the last successful run, when the table and the rules
  (tool, catalogue, recognizer versions) are unchanged;
* :meth:`StoreRun.done` — after a table is scanned: its (annotated) result goes
  to the store at once, so a run killed after it keeps it;
* :meth:`StoreRun.finish` — the run's status and exit status.

Every table of the report says where its findings come from
(``scanned_in_run``), and the report says which run it is (``run``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.report import Table
from connectors.uri import source_identity
from scanner.store.store import FAILED, SUCCEEDED, Review, Store, TableKey, fingerprint_sha256, table_key

#: Entity reviews as the report carries them: the decision in force, keyed by finding.
Reviews = Mapping[tuple[str, str, str, str, str], Review]


def run_versions(
    tool: str, catalog_docs: Mapping[str, str], recognizer_packs: Sequence[Mapping[str, Any]]
) -> dict:
    """What a table's earlier result depends on besides the table: the tool, the catalogue documents (id →
    SHA-256) and the recognizers (chujing's own come with the tool; user packs by their file's SHA-256).
    A change in any of them rescans every table of an incremental run."""
    return {
        "tool": tool,
        "catalog": dict(sorted(catalog_docs.items())),
        "recognizers": list(recognizer_packs),
    }


def table_fingerprint(
    listed: Mapping[str, Any],
    columns: Sequence[tuple[str, str]],
    row_count: int | None,
    *,
    watermark: tuple[str, Any] | None = None,
) -> dict:
    """The fingerprint a table is compared by before it is read: the listing's (files, sizes, mtimes, ETags),
    the column names and types, the row count, and — with ``--watermark-column`` — that column's maximum
    (``(column, max)``: rows updated in place change it while the count stays).

    >>> fp = table_fingerprint({"bytes": 10}, [("sfzh", "TEXT")], 7, watermark=("updated_at", "2026-12-01"))
    >>> fp["bytes"], fp["row_count"], len(fp["columns_sha256"]), fp["watermark"]
    (10, 7, 64, {'column': 'updated_at', 'max': '2026-12-01'})
    """
    text = "\n".join(f"{n}\t{t}" for n, t in columns)
    out = dict(listed)
    out["columns_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if row_count is not None:
        out["row_count"] = row_count
    if watermark is not None:
        column, high = watermark
        out["watermark"] = {"column": column, "max": None if high is None else str(high)}
    return out


@dataclass
class StoreRun:
    """A run being recorded in the store (see the module docstring)."""

    store: Store
    run_id: str
    versions: dict[str, Any]
    incremental: bool = False
    resumed_from: str | None = None
    resumed: dict[TableKey, tuple[str, dict[str, Any], str | None]] = field(default_factory=dict)
    reviews: Reviews = field(default_factory=dict)
    #: Whether a successful run with the same versions was there when this one began: without one (a new
    #: store, new rules) no table can be carried, and none is looked for.
    carryable: bool = True
    #: Each source's key (:func:`~connectors.uri.source_identity`, which asks the filesystem for a local
    #: path), worked out once for the run: every table asks it several times.
    _keys: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def start(
        cls,
        store: Store,
        sources: Sequence[str],
        options: Mapping[str, Any],
        versions: Mapping[str, Any],
        *,
        incremental: bool = False,
        resume: bool = False,
    ) -> StoreRun:
        """Begin a run; with ``resume``, take over the latest unfinished run of the same sources and options."""
        keys = [source_identity(s) for s in sources]
        resumed_from = store.unfinished_run(options, keys) if resume else None
        run_id = store.begin_run(
            sources, keys, options, versions, incremental=incremental, resumed_from=resumed_from
        )
        resumed: dict[TableKey, tuple[str, dict[str, Any], str | None]] = {}
        if resumed_from is not None:
            resumed = {k: v for k, v in store.tables(resumed_from).items() if v[1].get("status") == "ok"}
            store.finish_run(resumed_from, status=FAILED, exit_status=None)  # superseded by this run
        carryable = incremental and store.succeeded_with(versions)
        return cls(
            store,
            run_id,
            dict(versions),
            incremental,
            resumed_from,
            resumed,
            store.reviews(),
            carryable,
            _keys=dict(zip(sources, keys, strict=True)),
        )

    def source_key(self, source: str) -> str:
        """The source's key in the store (:func:`~connectors.uri.source_identity`)."""
        key = self._keys.get(source)
        if key is None:
            key = self._keys[source] = source_identity(source)
        return key

    def to_dict(self) -> dict[str, Any]:
        """The report's ``run`` block."""
        return {"id": self.run_id, "incremental": self.incremental, "resumed_from": self.resumed_from}

    def reuse(self, source: str, table: Mapping[str, Any], fingerprint: Mapping[str, Any]) -> Table | None:
        """An earlier result of ``table`` (``schema``/``table`` keys) that still holds, or ``None`` to scan it."""
        key = table_key(self.source_key(source), table)
        earlier = self.resumed.get(key)
        if earlier is not None and earlier[2] == fingerprint_sha256({"fingerprint": dict(fingerprint)}):
            scanned_in, result, _ = earlier
            return Table.model_validate({**result, "scanned_in_run": scanned_in})
        if not self.incremental or not self.carryable:
            return None
        hit = self.store.carried(key[0], {**table, "fingerprint": dict(fingerprint)}, self.versions)
        if hit is None:
            return None
        scanned_in, result = hit
        return Table.model_validate({**result, "scanned_in_run": scanned_in})

    def done(self, source: str, table: Table, fingerprint: Mapping[str, Any]) -> None:
        """Keep a table's result (scanned now, or carried) in this run: JSON from here on, in the store."""
        kept = table.model_dump(mode="json", by_alias=True, exclude_unset=True)
        kept.setdefault("scanned_in_run", self.run_id)
        self.store.record_table(
            self.run_id,
            self.source_key(source),
            kept,
            scanned_in_run=kept["scanned_in_run"],
            fingerprint=fingerprint,
        )

    def finish(self, exit_status: int, *, route: str | None = None) -> dict[str, Any]:
        """Close the run: succeeded unless something could not be read (exit 2), when it failed."""
        return self.store.finish_run(
            self.run_id,
            status=SUCCEEDED if exit_status != 2 else FAILED,
            exit_status=exit_status,
            route=route,
        )

    def review_of(self, source: str, table: Mapping[str, Any], column: str, entity: str) -> Review | None:
        key = (*table_key(self.source_key(source), table), column, entity)
        return self.reviews.get(key)
