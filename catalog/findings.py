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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.mapping import is_dismissed, load_mapping, not_personal_reason
from catalog.report import Table
from catalog.trajectories import Trajectory, trajectories_of

#: Technology-catalogue codes (《中国禁止出口限制出口技术目录》): six digits, J (prohibited) or X (restricted).
EXPORT_CONTROL_CODE = re.compile(r"(?<![0-9A-Za-z])(\d{6}[JX])(?![0-9A-Za-z])")


# --- person counts ------------------------------------------------------------------------------------
#
# A band counts *persons*, and which persons depends on the band's words: 100万人以上个人信息（不含敏感个人信息）
# counts everyone whose general PI leaves (a person may count here and in a sensitive band too); 1万人以上敏感个人
# 信息 counts the persons whose own rows carry sensitive PI; 1万人以上的…生物特征数据 only persons with biometric
# data; a list may call an element sensitive within its scope (retail: 常用设备信息（仅MAC地址和设备序列号）).
# So the counter describes each person by the *elements* their rows carry — a signature such as
# {CN_PERSON_NAME, CN_MOBILE, CN_RESIDENT_ID} — and a band asks how many signatures match its query.

#: Element added to a person's signature when the person is under 14 (all their PI is then sensitive, PIPL Art. 28).
MINOR = "MINOR_UNDER_14"
#: Qualifiers of coordinates by their measured planar precision: ``GEO_COORDINATE:fine`` (10 m or finer, or not
#: measured) and ``GEO_COORDINATE:coarse`` (coarser than 10 m).
GEO_FINE, GEO_COARSE = "GEO_COORDINATE:fine", "GEO_COORDINATE:coarse"

Signature = frozenset[str]


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
class ExportScope:
    """Which exports accumulate toward an item: those whose declared scenario and subject fall in its scope.

    ``None`` means "any" (the item names none).  An earlier export that declared no
    scenario or subject counts toward every scope: the cautious reading.
    """

    scenarios: frozenset[str] | None = None
    subjects: frozenset[str] | None = None

    def admits(self, scenario: str | None, subject: str | None) -> bool:
        """Whether an export declared with ``scenario`` and ``subject`` accumulates toward this scope.

        >>> s = ExportScope(subjects=frozenset({"trial-subject"}))
        >>> s.admits("clinical-trial", "trial-subject"), s.admits(None, "patient"), s.admits(None, None)
        (True, False, True)
        """
        if self.scenarios is not None and scenario is not None and scenario not in self.scenarios:
            return False
        return not (self.subjects is not None and subject is not None and subject not in self.subjects)


@dataclass(frozen=True)
class PersonQuery:
    """Which persons a band counts.

    ``kind``: ``any`` (every person with PI), ``general`` (persons whose general PI
    leaves — also those who have sensitive PI besides) or ``sensitive`` (persons whose
    own rows carry sensitive PI).  ``elements``: when given, only persons carrying one
    of these elements (a threshold scoped to 生物特征数据, the identification rule's
    个人银行账户…诊疗数据).  ``sensitive_elements``: elements the list defines as
    sensitive within its scope, beyond the generic classes.  ``scope``: which earlier
    exports of the year accumulate (``None``: all of them).
    """

    kind: str = "any"
    elements: frozenset[str] = frozenset()
    sensitive_elements: frozenset[str] = frozenset()
    scope: ExportScope | None = None


def element_class(element: str) -> str | None:
    """The generic PI class of a signature element: ``sensitive``, ``general`` or ``None`` (not PI).

    >>> element_class("CN_RESIDENT_ID"), element_class("CN_MOBILE"), element_class(GEO_COARSE), element_class("CN_USCC")
    ('sensitive', 'general', 'general', None)
    """
    if element in (GEO_FINE, MINOR):
        return "sensitive"
    if element == GEO_COARSE:
        return "general"
    base, _, qualifier = element.partition(":")
    if qualifier in ("sensitive", "general"):
        return qualifier  # a contextual entity, classed by the scan (GENE_SYMBOL beside persons)
    rule = load_mapping().pi_class.get(base)
    if rule is None:
        return "general"  # an entity the mapping does not know (a user recognizer): general PI unless it says otherwise
    return rule.class_ if rule.class_ in ("sensitive", "general") else None


def signature_matches(sig: Signature, q: PersonQuery) -> bool:
    """Whether a person with elements ``sig`` counts for ``q``.

    A person under 14 has only sensitive PI (PIPL Art. 28: 不满十四周岁未成年人的个人信息).

    >>> q = PersonQuery("general")
    >>> signature_matches(frozenset({"CN_PERSON_NAME", "CN_RESIDENT_ID"}), q)
    True
    >>> signature_matches(frozenset({"CN_PERSON_NAME", MINOR}), q)
    False
    >>> signature_matches(frozenset({"MAC_ADDRESS"}), PersonQuery("sensitive", sensitive_elements=frozenset({"MAC_ADDRESS"})))
    True
    """
    if q.elements and not (sig & q.elements or {e.split(":", 1)[0] for e in sig} & q.elements):
        return False
    classes = {
        e: (
            "sensitive"
            if e in q.sensitive_elements or e.split(":", 1)[0] in q.sensitive_elements
            else element_class(e)
        )
        for e in sig
    }
    if q.kind == "sensitive":
        return MINOR in sig or "sensitive" in classes.values()
    if q.kind == "general":
        return MINOR not in sig and "general" in classes.values()
    return any(c is not None for c in classes.values())


def count_matching(groups: dict[Signature, int], q: PersonQuery) -> int:
    """Persons in ``groups`` (persons per signature) that ``q`` counts.

    >>> count_matching({frozenset({"CN_MOBILE"}): 3, frozenset({"CN_RESIDENT_ID"}): 2}, PersonQuery("sensitive"))
    2
    """
    return sum(n for sig, n in groups.items() if signature_matches(sig, q))


def merge_signatures(*groups: dict[Signature, int]) -> dict[Signature, int]:
    """Persons per signature of several groups added up (tables or exports whose persons are distinct).

    >>> merge_signatures({frozenset({"EMAIL"}): 1}, {frozenset({"EMAIL"}): 2})
    {frozenset({'EMAIL'}): 3}
    """
    out: dict[Signature, int] = {}
    for g in groups:
        for sig, n in g.items():
            out[sig] = out.get(sig, 0) + n
    return out


class PersonCounts:
    """Persons whose PI an export concerns, per signature, de-duplicated per natural person.

    ``this_export`` maps each signature to its number of persons in this export;
    ``total`` gives, for a scope, the same for this export together with the
    earlier exports of the year in that scope (a person in both carries the union
    of their elements).  ``basis`` says where the numbers come from
    (``distinct_persons``, ``ledger``, ``declared``, or ``row_count_upper_bound``).
    """

    def __init__(
        self,
        this_export: dict[Signature, int] | None = None,
        total: Callable[[ExportScope | None], dict[Signature, int]] | None = None,
        *,
        basis: str = "declared",
    ) -> None:
        self.this_export = dict(this_export or {})
        self._total = total
        self.basis = basis
        self._cache: dict[ExportScope | None, dict[Signature, int]] = {}

    @classmethod
    def of(
        cls,
        any: int = 0,
        sensitive: int = 0,
        general: int = 0,
        *,
        prior_any: int = 0,
        prior_sensitive: int = 0,
        prior_general: int = 0,
        basis: str = "declared",
    ) -> PersonCounts:
        """Counts from plain numbers (this export, then prior exports this year), for declared figures and tests.

        ``general`` persons have only general PI; ``sensitive`` persons have sensitive PI (and, when
        ``any`` exceeds ``sensitive + general``, general PI besides).

        >>> p = PersonCounts.of(100, 30, 70)
        >>> p.count(PersonQuery("general")).this_export, p.count(PersonQuery("sensitive")).this_export
        (70, 30)
        """
        this = _declared(any, sensitive, general)
        prior = _declared(prior_any, prior_sensitive, prior_general)
        both = merge_signatures(this, prior)
        return cls(this, lambda scope: both, basis=basis)

    def totals(self, scope: ExportScope | None) -> dict[Signature, int]:
        if self._total is None:
            return self.this_export
        if scope not in self._cache:
            self._cache[scope] = self._total(scope)
        return self._cache[scope]

    def count(self, q: PersonQuery) -> Count:
        """Persons matching ``q``: in this export, and earlier this year within ``q.scope``."""
        this = count_matching(self.this_export, q)
        total = max(count_matching(self.totals(q.scope), q), this)
        return Count(this, total - this)

    def get(self, kind: str) -> Count:
        return self.count(PersonQuery(kind))

    @property
    def any(self) -> Count:
        return self.get("any")

    @property
    def sensitive(self) -> Count:
        return self.get("sensitive")

    @property
    def general(self) -> Count:
        return self.get("general")

    def to_dict(self) -> dict[str, Any]:
        return {
            "any": self.any.to_dict(),
            "sensitive": self.sensitive.to_dict(),
            "general": self.general.to_dict(),
            "persons_basis": self.basis,
        }


def _declared(any_n: int, sensitive: int, general: int) -> dict[Signature, int]:
    """Signatures standing for declared numbers: sensitive-only, general-only, and both."""
    both = max(any_n - sensitive - general, 0)
    out = {
        frozenset({"CN_RESIDENT_ID"}): sensitive - min(both, sensitive),
        frozenset({"CN_PERSON_NAME"}): general,
        frozenset({"CN_RESIDENT_ID", "CN_PERSON_NAME"}): min(both, sensitive),
    }
    return {s: n for s, n in out.items() if n > 0}


def table_signature(t: Table) -> Signature:
    """The elements a scanned table's columns carry (a person of the table carries at most these).

    Coordinates are qualified by precision; a table with minors adds :data:`MINOR`.
    """
    sig: set[str] = set()
    for c in t.columns:
        for e in c.entities:
            pi = e.pi_class
            if not pi or not_personal_reason(e) is not None or is_dismissed(e):
                continue
            if e.type == "GEO_COORDINATE":
                p = e.precision_m
                sig.add(GEO_COARSE if p is not None and p > 10 else GEO_FINE)
            elif e.type == MINOR:
                sig.add(MINOR)
            else:
                sig.add(f"{e.type}:{pi}" if classed_by_scan(e.type) else e.type)
    return frozenset(sig)


def classed_by_scan(etype: str) -> bool:
    """Whether a type's class is the scan's to state in its signature element (``TYPE:sensitive``): contextual
    types (GENE_SYMBOL beside persons) and types the mapping does not know, which a user recognizer may declare
    sensitive.

    >>> classed_by_scan("GENE_SYMBOL"), classed_by_scan("PATIENT_CARD_NO"), classed_by_scan("CN_MOBILE")
    (True, True, False)
    """
    rule = load_mapping().pi_class.get(etype)
    return rule is None or rule.class_ not in ("sensitive", "general")


def persons_from_tables(tables: Iterable[Table]) -> PersonCounts:
    """Bound persons from an annotated scan: the rows of the tables holding PI, added up per signature.

    A scan sees tables, not people.  Taking one row per person and no person in
    two tables gives an upper bound — the only figure a scan can state without
    counting that a gate may rely on (the largest table alone would be an
    estimate that under-counts whenever tables hold different persons).  It says
    so (``persons_basis: row_count_upper_bound``); ``chujing check`` counts the
    distinct persons instead.  A table whose row count is unknown counts its
    sampled rows.
    """
    groups: dict[Signature, int] = {}
    for t in tables:
        if t.status != "ok":
            continue
        sig = table_signature(t)
        if not sig:
            continue
        n = t.row_count if t.row_count is not None else t.sampled_rows
        groups[sig] = groups.get(sig, 0) + n
    return PersonCounts(groups, basis="row_count_upper_bound")


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
    #: Tables with coordinates: devices, decimals, reporting interval, area (scanner.trajectory_profile).
    trajectories: list[Trajectory] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        hits: Iterable[EntityHit],
        categories: Iterable[CategoryHit] = (),
        export_control_codes: dict[str, list[str]] | None = None,
        trajectories: Iterable[Trajectory] = (),
    ) -> Findings:
        ents: dict[str, list[EntityHit]] = {}
        for h in hits:
            ents.setdefault(h.type, []).append(h)
        return cls(ents, list(categories), dict(export_control_codes or {}), list(trajectories))

    def hits(self, etype: str) -> list[EntityHit]:
        return [h for h in self.entities.get(etype, []) if not h.supporting_only]

    def all_hits(self) -> list[EntityHit]:
        return [h for hs in self.entities.values() for h in hs if not h.supporting_only]

    def has_pi(self, kind: str = "any") -> bool:
        if kind == "any":
            return any(h.pi_class for h in self.all_hits())
        return any(h.pi_class == kind for h in self.all_hits())


def findings_from_tables(tables: Sequence[Table]) -> Findings:
    """Summarise annotated tables (``pi_class`` filled by the catalogue) as :class:`Findings`.

    Export-control codes are looked for in table and column names and column comments.
    """
    contextual = {k for k, r in load_mapping().pi_class.items() if r.class_ == "contextual"}
    hits: list[EntityHit] = []
    cats: list[CategoryHit] = []
    codes: dict[str, list[str]] = {}

    def note_codes(text: str | None, where: str) -> None:
        for code in EXPORT_CONTROL_CODE.findall(text or ""):
            if where not in codes.setdefault(code, []):
                codes[code].append(where)

    for t in tables:
        if t.status != "ok":
            continue
        tname = t.qualified_name
        note_codes(tname, f"table name {tname}")
        for c in t.columns:
            note_codes(c.name, f"column name {tname}.{c.name}")
            note_codes(c.comment, f"comment of column {tname}.{c.name}")
            for e in c.entities:
                # a finding that describes products (a drug catalogue) is evidence for no item at all
                support = (
                    (e.type in contextual and e.pi_class is None)
                    or not_personal_reason(e) is not None
                    or is_dismissed(e)
                )
                hits.append(
                    EntityHit(
                        e.type,
                        tname,
                        c.name,
                        e.match_ratio,
                        e.precision_m,
                        e.pi_class,
                        supporting_only=support,
                    )
                )
            cats.extend(CategoryHit(cat.rule, cat.code, cat.name, tname, c.name) for cat in c.categories)
    return Findings.of(hits, cats, codes, trajectories_of(tables))
