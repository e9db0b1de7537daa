"""The ledger's arithmetic: persons per signature, this export against the year's earlier ones.

The thresholds count persons *cumulatively from 1 January* (自当年1月1日起累计),
de-duplicated per natural person, by what each person's own data holds (their
*signature*, see :mod:`catalog.findings`).  The ledger database streams each
person's rows once (:meth:`scanner.export.ledger.LedgerSession.joint`); the
structures here fold them into counts:

* :class:`Joint` — persons grouped by this export's signature and the signatures
  earlier exports gave them, per declared scenario and subject;
* :class:`Histograms` — this export, the earlier ones in a scope, their union;
* :class:`YearTally` — the figures per kind of PI that a check shows.

:func:`year_window` is the one place the counting window is computed.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from catalog.findings import (
    Count,
    ExportScope,
    PersonCounts,
    PersonQuery,
    Signature,
    count_matching,
    merge_signatures,
)


def year_window(as_of: _dt.date) -> tuple[_dt.date, _dt.date]:
    """The exports that count as of ``as_of``: from 1 January of its year up to and including it.

    >>> [d.isoformat() for d in year_window(_dt.date(2026, 6, 30))]
    ['2026-01-01', '2026-06-30']
    """
    return _dt.date(as_of.year, 1, 1), as_of


@dataclass(frozen=True)
class PersonCount(Count):
    """A :class:`~catalog.findings.Count` whose ``prior_this_year`` excludes this export's persons.

    ``already_exported`` of this export's persons were in earlier exports this
    year too; they are counted once, in ``this_export``, so ``total`` is the
    de-duplicated union.
    """

    already_exported: int = 0

    def to_dict(self) -> dict[str, int]:
        return {**super().to_dict(), "already_exported_this_year": self.already_exported}


Histogram = dict[Signature, int]


def add_persons(into: Histogram, sig: Signature, n: int = 1) -> None:
    """Count ``n`` more persons of signature ``sig`` into ``into``."""
    into[sig] = into.get(sig, 0) + n


def count_of(h: Histogram, kind: str) -> int:
    """Persons of ``h`` of a kind (``any``, ``sensitive``, ``general``)."""
    return count_matching(h, PersonQuery(kind))


@dataclass
class Histograms:
    """Persons per signature: this export, earlier exports of the year (in a scope), and their union.

    A person in both carries, in ``total``, the union of their elements: an ID
    number that left in March and an e-mail that leaves now are one person with
    sensitive and general PI.  ``overlap`` counts the persons in both.
    """

    current: Histogram = field(default_factory=dict)
    prior: Histogram = field(default_factory=dict)
    total: Histogram = field(default_factory=dict)
    overlap: int = 0
    overlap_hist: Histogram = field(default_factory=dict)


_PriorPart = tuple[tuple[str | None, str | None, Signature], ...]


@dataclass
class Joint:
    """Persons grouped by their signature in this export (``None``: not in it) and the signatures earlier
    exports of the year gave them, per the scenario and subject those exports declared."""

    persons: dict[tuple[Signature | None, _PriorPart], int] = field(default_factory=dict)
    unkeyed: Histogram = field(default_factory=dict)
    prior_unkeyed: list[tuple[str | None, str | None, Histogram]] = field(default_factory=list)

    def histograms(self, scope: ExportScope | None) -> Histograms:
        """This export against the earlier exports that accumulate toward ``scope`` (``None``: all)."""
        h = Histograms()
        for (cur, prior), n in self.persons.items():
            admitted = [sig for sc, sb, sig in prior if scope is None or scope.admits(sc, sb)]
            if cur is None and not admitted:
                continue
            earlier = frozenset().union(*admitted) if admitted else frozenset()
            union = (cur or frozenset()) | earlier
            if cur is not None:
                add_persons(h.current, cur, n)
            if admitted:
                add_persons(h.prior, earlier, n)
            add_persons(h.total, union, n)
            if cur is not None and admitted:
                h.overlap += n
                add_persons(h.overlap_hist, union, n)
        prior_unkeyed = merge_signatures(
            *(g for sc, sb, g in self.prior_unkeyed if scope is None or scope.admits(sc, sb))
        )
        h.current = merge_signatures(h.current, self.unkeyed)
        h.prior = merge_signatures(h.prior, prior_unkeyed)
        h.total = merge_signatures(h.total, self.unkeyed, prior_unkeyed)
        return h


@dataclass
class YearTally:
    """Persons of this export and of earlier exports in the year, per kind of PI (all scopes).

    ``this_*``: this export.  ``prior_*``: persons of earlier exports this year
    who are not in this export (so ``this + prior`` is the de-duplicated total).
    ``sensitive``: persons with sensitive PI; ``general``: persons whose general
    PI left (a person can be both).  ``*_unkeyed`` parts (rows no key
    identified, and earlier exports' unkeyed counts) are included and cannot be
    de-duplicated.  ``counts`` answers any band's query (per scope, per element).
    """

    as_of: _dt.date
    this_any: int = 0
    this_sensitive: int = 0
    this_general: int = 0
    prior_any: int = 0
    prior_sensitive: int = 0
    prior_general: int = 0
    overlap_any: int = 0
    overlap_sensitive: int = 0
    overlap_general: int = 0
    prior_exports: int = 0
    prior_unkeyed: int = 0
    this_unkeyed: int = 0
    counts: PersonCounts | None = None

    @classmethod
    def of(cls, as_of: _dt.date, h: Histograms, counts: PersonCounts | None = None) -> YearTally:
        t = cls(as_of, counts=counts)
        for kind in ("any", "sensitive", "general"):
            this, total = count_of(h.current, kind), count_of(h.total, kind)
            setattr(t, f"this_{kind}", this)
            setattr(t, f"prior_{kind}", total - this)
            setattr(t, f"overlap_{kind}", count_of(h.overlap_hist, kind))
        return t

    def person_counts(self, basis: str = "ledger") -> PersonCounts:
        if self.counts is not None:
            self.counts.basis = basis
            return self.counts
        return PersonCounts.of(
            self.this_any,
            self.this_sensitive,
            self.this_any - self.this_sensitive,
            prior_any=self.prior_any,
            prior_sensitive=self.prior_sensitive,
            prior_general=self.prior_any - self.prior_sensitive,
            basis=basis,
        )

    def persons(self) -> dict[str, dict[str, int]]:
        """Per kind: this export, earlier this year (not in this export), total, already exported this year."""
        return {
            kind: PersonCount(
                getattr(self, f"this_{kind}"),
                getattr(self, f"prior_{kind}"),
                getattr(self, f"overlap_{kind}"),
            ).to_dict()
            for kind in ("any", "sensitive", "general")
        }

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "counts"}
        out["as_of"] = self.as_of.isoformat()
        out["window"] = [day.isoformat() for day in year_window(self.as_of)]
        return out


def encode_signature(sig: Signature) -> str:
    """``CN_MOBILE,CN_RESIDENT_ID``: a signature as stored in the ledger (sorted, comma-separated).

    >>> encode_signature(frozenset({"CN_RESIDENT_ID", "CN_MOBILE"}))
    'CN_MOBILE,CN_RESIDENT_ID'
    >>> sorted(decode_signature("CN_MOBILE,CN_RESIDENT_ID")), sorted(decode_signature(None, sensitive=1))
    (['CN_MOBILE', 'CN_RESIDENT_ID'], ['PI:sensitive'])
    """
    return ",".join(sorted(sig))


def decode_signature(text: str | None, sensitive: int | None = None) -> Signature:
    """A stored signature; schema-1 rows (no elements) stand for "some sensitive / general PI"."""
    if text is None:
        return frozenset({"PI:sensitive" if sensitive else "PI:general"})
    return frozenset(e for e in text.split(",") if e)


def histogram_json(h: Histogram) -> str:
    """A histogram as the ledger stores it (an export's unkeyed persons): ``[[elements], n]`` pairs, sorted."""
    return json.dumps([[sorted(sig), n] for sig, n in sorted(h.items(), key=lambda kv: sorted(kv[0]))])


def histogram_from_json(text: str | None, unkeyed_any: int, unkeyed_sensitive: int) -> Histogram:
    """A stored histogram; schema-1 exports kept only their unkeyed counts, read as "some sensitive/general PI"."""
    if text:
        return {frozenset(els): int(n) for els, n in json.loads(text)}
    out: Histogram = {}
    if unkeyed_sensitive:
        out[frozenset({"PI:sensitive"})] = unkeyed_sensitive
    if unkeyed_any - unkeyed_sensitive:
        out[frozenset({"PI:general"})] = unkeyed_any - unkeyed_sensitive
    return out
