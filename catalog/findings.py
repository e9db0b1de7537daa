"""What a scan found and how many persons it concerns, in the shape the evaluator reads.

:class:`Findings` summarises an annotated scan report: which entity types sit in
which columns (with their PI class and, for coordinates, their measured
precision), which reference-rule sub-categories the columns fall under, and any
technology-catalogue codes (《中国禁止出口限制出口技术目录》, e.g. ``082701J``)
seen in table or column names.  :class:`PersonCounts` holds persons per kind of
PI for this export and for earlier exports this year (the pre-export ledger
fills those; a plain scan estimates this export from row counts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from catalog.mapping import load_mapping, not_personal_reason

#: Technology-catalogue codes (《中国禁止出口限制出口技术目录》): six digits, J (prohibited) or X (restricted).
EXPORT_CONTROL_CODE = re.compile(r"(?<![0-9A-Za-z])(\d{6}[JX])(?![0-9A-Za-z])")


# --- person counts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """Persons in this export, persons already exported this year, and their total."""

    this_export: int = 0
    prior_this_year: int = 0

    @property
    def total(self) -> int:
        return self.this_export + self.prior_this_year

    def to_dict(self) -> dict[str, int]:
        return {"this_export": self.this_export, "prior_this_year": self.prior_this_year, "total": self.total}


@dataclass(frozen=True)
class PersonCounts:
    """Persons whose PI an export concerns, de-duplicated per natural person.

    ``any``: all persons; ``sensitive``: persons with sensitive PI in the export;
    ``general``: persons with only general PI.  ``basis`` says where the numbers
    come from (``declared``, or ``row_count_upper_bound`` when estimated from a scan).
    """

    any: Count = field(default_factory=Count)
    sensitive: Count = field(default_factory=Count)
    general: Count = field(default_factory=Count)
    basis: str = "declared"

    @classmethod
    def of(cls, any: int = 0, sensitive: int = 0, general: int = 0, *, prior_any: int = 0,
           prior_sensitive: int = 0, prior_general: int = 0, basis: str = "declared") -> PersonCounts:
        """Counts from plain numbers (this export, then prior exports this year)."""
        return cls(Count(any, prior_any), Count(sensitive, prior_sensitive), Count(general, prior_general), basis)

    def get(self, kind: str) -> Count:
        return {"any": self.any, "sensitive": self.sensitive, "general": self.general}[kind]

    def to_dict(self) -> dict[str, Any]:
        return {"any": self.any.to_dict(), "sensitive": self.sensitive.to_dict(), "general": self.general.to_dict(),
                "persons_basis": self.basis}


def persons_from_report(report: dict[str, Any]) -> PersonCounts:
    """Estimate persons from an annotated scan: the largest row count among tables holding PI.

    A scan sees tables, not people: it assumes one row per person and the same
    people across tables, and says so (``persons_basis: row_count_upper_bound``).
    ``sensitive`` is the largest table with sensitive PI; ``general`` the largest
    with PI but none of it sensitive.  A table whose row count is unknown counts
    its sampled rows.
    """
    any_n = sens_n = gen_n = 0
    for t in report.get("tables", []):
        if t.get("status", "ok") != "ok":
            continue
        classes = {c.get("pi_class") for c in t.get("columns", [])} - {None}
        if not classes:
            continue
        rows = t.get("row_count")
        n = int(rows) if rows is not None else int(t.get("sampled_rows") or 0)
        any_n = max(any_n, n)
        if "sensitive" in classes:
            sens_n = max(sens_n, n)
        else:
            gen_n = max(gen_n, n)
    return PersonCounts.of(any_n, sens_n, gen_n, basis="row_count_upper_bound")


# --- findings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityHit:
    """One entity type found in one column."""

    type: str
    table: str
    column: str
    match_ratio: float | None = None
    precision_m: float | None = None
    pi_class: str | None = None
    supporting_only: bool = False  # e.g. a gene symbol with no person beside it

    def where(self) -> str:
        return f"{self.table}.{self.column}"

    def describe(self) -> str:
        s = f"{self.type} in {self.where()}"
        if self.match_ratio is not None:
            s += f" ({self.match_ratio * 100:.0f}% of sampled values)"
        return s


@dataclass(frozen=True)
class CategoryHit:
    rule: str
    code: str
    name: str
    table: str
    column: str


@dataclass
class Findings:
    """What a scan found, summarised for the evaluator and the identification rule."""

    entities: dict[str, list[EntityHit]] = field(default_factory=dict)
    categories: list[CategoryHit] = field(default_factory=list)
    export_control_codes: dict[str, list[str]] = field(default_factory=dict)  # code -> where it was seen

    @classmethod
    def of(cls, hits: Iterable[EntityHit], categories: Iterable[CategoryHit] = (),
           export_control_codes: dict[str, list[str]] | None = None) -> Findings:
        ents: dict[str, list[EntityHit]] = {}
        for h in hits:
            ents.setdefault(h.type, []).append(h)
        return cls(ents, list(categories), dict(export_control_codes or {}))

    def hits(self, etype: str) -> list[EntityHit]:
        return [h for h in self.entities.get(etype, []) if not h.supporting_only]

    def all_hits(self) -> list[EntityHit]:
        return [h for hs in self.entities.values() for h in hs if not h.supporting_only]

    def has_pi(self, kind: str = "any") -> bool:
        if kind == "any":
            return any(h.pi_class for h in self.all_hits())
        return any(h.pi_class == kind for h in self.all_hits())


def _where(t: dict[str, Any]) -> str:
    return f"{t['schema']}.{t['table']}" if t.get("schema") else str(t.get("table"))


def findings_from_report(report: dict[str, Any]) -> Findings:
    """Summarise an annotated report (``pi_class`` filled by the catalogue) as :class:`Findings`.

    Export-control codes are looked for in table and column names and comments,
    and in ``export_control_codes`` lists a table or column may carry.
    """
    contextual = {k for k, r in load_mapping().pi_class.items() if r.class_ == "contextual"}
    hits: list[EntityHit] = []
    cats: list[CategoryHit] = []
    codes: dict[str, list[str]] = {}

    def note_codes(text: str | None, where: str) -> None:
        for code in EXPORT_CONTROL_CODE.findall(text or ""):
            if where not in codes.setdefault(code, []):
                codes[code].append(where)

    for t in report.get("tables", []):
        if t.get("status", "ok") != "ok":
            continue
        tname = _where(t)
        note_codes(tname, f"table name {tname}")
        note_codes(t.get("comment"), f"comment of table {tname}")
        for code in t.get("export_control_codes") or []:
            note_codes(str(code), f"table {tname}")
        for c in t.get("columns", []):
            cname = c.get("name", "")
            note_codes(cname, f"column name {tname}.{cname}")
            note_codes(c.get("comment"), f"comment of column {tname}.{cname}")
            for code in c.get("export_control_codes") or []:
                note_codes(str(code), f"values of column {tname}.{cname}")
            for e in c.get("entities", []):
                pi = e.get("pi_class", c.get("pi_class"))
                # a finding that describes products (a drug catalogue) is evidence for no item at all
                support = (e["type"] in contextual and pi is None) or not_personal_reason(e) is not None
                hits.append(EntityHit(e["type"], tname, cname, e.get("match_ratio"), e.get("precision_m"), pi,
                                      supporting_only=support))
            for cat in c.get("categories", []):
                cats.append(CategoryHit(cat["rule"], str(cat["code"]), cat.get("name", ""), tname, cname))
    return Findings.of(hits, cats, codes)
