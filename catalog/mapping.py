"""From entity findings to PI classes and reference-rule sub-categories, and the scanner's entry point.

The rules are data (``catalog/data/mapping.yaml``, which cites PIPL Art. 28 and
GB/T 35273-2020 Annex B for every class); this module applies them to a scan
report.  Each column with a personal-information entity gets ``pi_class``
(``"sensitive"`` or ``"general"``) and ``pi_basis`` (why), and ``categories``:
the sub-categories of the chosen reference rule its findings fall under, each
with a reason in words (``"GENETIC_VARIANT in 98% of sampled values"``).

Context matters in four places: a table holding data of minors under 14 makes
all its PI sensitive; coordinates at 10 m or finer are sensitive (精准定位信息,
行踪轨迹) and 地理信息, and in a table about vehicles also 智能网联汽车 — a
candidate for important data, whose reason gives the precision, the vehicles
and the area from the table's trajectory profile for the person who confirms
it (coarser ones are general PI here; the automotive lists make their vehicle
tracks sensitive within items 12/14, see :mod:`catalog.trajectories`); and a
finding the recognizers mark as describing products (MEDICATION with
``details["product_catalogue"]``: drug names in a product master table) is not
personal information and not 健康医疗 data at all (``not_personal_when``).

:func:`annotate_table` is the per-table step of :func:`catalog.annotate_report`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from pydantic import Field, ValidationError

from catalog.models import CatalogError, Category, ReferenceRule, _Strict, parse_yaml, validation_problems
from catalog.report import Category as CategoryFound
from catalog.report import Column, Entity, Table
from catalog.trajectories import CANDIDATE_WORDS, Trajectory, precision_words, track_words

MAPPING_FILE = "mapping.yaml"
PiClass = Literal["sensitive", "general"]


# --- the mapping file ---------------------------------------------------------------------------------


class PiRule(_Strict):
    class_: Literal["sensitive", "general", "none", "contextual"] = Field(alias="class")
    basis: str


class GeoRule(_Strict):
    """Coordinates by precision: at ``fine_at_most_m`` or finer sensitive (精准定位信息, 行踪轨迹), coarser general."""

    fine_at_most_m: float
    sensitive_basis: str
    general_basis: str
    unknown_precision: PiClass = "sensitive"


class ContextualRule(_Strict):
    sensitive_when_table_has_pi: bool = True
    basis: str


class MinorsRule(_Strict):
    entity: str
    basis: str


class CategorySpec(_Strict):
    name: str
    codes: dict[str, str] = Field(default_factory=dict)


class CategoryRule(_Strict):
    category: str
    entities: list[str] = Field(min_length=1)
    precision_at_most_m: float | None = None
    table_has_any: list[str] = Field(default_factory=list)
    vehicle_context: bool = False
    candidate: bool = (
        False  # the reason says: candidate important data for a person to confirm (and what they need)
    )


class NotPersonalRule(_Strict):
    """A finding the recognizers mark, in ``details[detail]``, as describing things rather than persons.

    MEDICATION in a product catalogue (drug names beside approval numbers, SKUs
    and prices, nothing about a person) names products: it is neither personal
    information nor 健康医疗 data.  The same drug names beside a patient are a
    medication record (用药记录) and stay sensitive.
    """

    detail: str
    basis: str


class VehicleContext(_Strict):
    entities: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)


class Mapping(_Strict):
    schema_: Literal["chujing.mapping/1"] = Field(alias="schema")
    pi_class: dict[str, PiRule]
    geo: GeoRule
    contextual: dict[str, ContextualRule] = Field(default_factory=dict)
    not_personal_when: dict[str, NotPersonalRule] = Field(default_factory=dict)
    minors: MinorsRule
    categories: dict[str, CategorySpec]
    rules: list[CategoryRule]
    vehicle_context: VehicleContext
    accounts_or_diagnosis_entities: list[str] = Field(default_factory=list)
    important_data_entities: list[str] = Field(default_factory=list)


@functools.lru_cache(maxsize=1)
def load_mapping() -> Mapping:
    """The built-in mapping (read once; the models are immutable)."""
    name = f"catalog/data/{MAPPING_FILE}"
    raw = parse_yaml(resources.files("catalog").joinpath("data").joinpath(MAPPING_FILE).read_bytes(), name)
    try:
        m = Mapping.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(validation_problems(exc, raw, name)) from None
    unknown = [r.category for r in m.rules if r.category not in m.categories]
    if unknown:
        raise CatalogError([f"{name}: rules: unknown category key(s) {', '.join(sorted(set(unknown)))}"])
    return m


def resolve_category(key: str, rule: ReferenceRule, mapping: Mapping | None = None) -> Category | None:
    """The sub-category a mapping key stands for in ``rule``, found by its Chinese name.

    A pinned code must name the same sub-category (a renumbered rule fails loudly
    instead of filing genetic data under the wrong code); a rule without a
    sub-category of that name gives ``None``.
    """
    spec = (mapping or load_mapping()).categories[key]
    pinned = spec.codes.get(rule.id)
    if pinned is not None:
        cat = rule.category(pinned)
        if cat.name != spec.name:
            raise CatalogError(
                [
                    f"catalog/data/{MAPPING_FILE}: categories.{key}: {rule.id} code {pinned} is "
                    f"'{cat.name}', not '{spec.name}'; fix the pinned code"
                ]
            )
        return cat
    return next((c for c in rule.subcategories() if c.name == spec.name), None)


# --- annotating one table -----------------------------------------------------------------------------


def _fmt_m(metres: float) -> str:
    """Metres for a reason: ``1.1 m``, ``0.11 m``, ``1,113.2 m``.

    >>> _fmt_m(1.1132), _fmt_m(0.1113), _fmt_m(1113.2)
    ('1.1 m', '0.11 m', '1,113.2 m')
    """
    return f"{metres:.2g} m" if metres < 1 else f"{metres:,.1f} m"


def _pct(ratio: float | None) -> str:
    return "?" if ratio is None else f"{ratio * 100:.0f}%"


_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _name_tokens(text: str) -> set[str]:
    """Lower-case word tokens of an identifier, split at case changes, digits and punctuation.

    >>> sorted(_name_tokens("vehicleGPSTrack_2024")), sorted(_name_tokens("advance_payments"))
    (['2024', 'gps', 'track', 'vehicle'], ['advance', 'payments'])
    """
    return {t.lower() for t in _TOKEN.findall(text)}


@dataclass(frozen=True)
class _TableContext:
    entities: frozenset[str]
    pi_entities: frozenset[str]
    minors: bool
    vehicle: str | None  # why the table is about vehicles, or None
    track: Trajectory | None = None  # the table's trajectory profile, when it holds coordinates


def _vehicle_reason(table: Table, mapping: Mapping) -> str | None:
    for col in table.columns:
        for e in col.entities:
            if e.type in mapping.vehicle_context.entities:
                return f"{e.type} in column '{col.name}' of the same table"
    names = [("table name", table.table)]
    for col in table.columns:
        names.append((f"column '{col.name}'", col.name))
        if col.comment:
            names.append((f"comment of column '{col.name}'", col.comment))
    ascii_forms, other = _vehicle_words(tuple(mapping.vehicle_context.words))
    for where, text in names:
        tokens = _name_tokens(text)
        if tokens.isdisjoint(ascii_forms) and (other is None or other.search(text) is None):
            continue  # no word in this text: the loop below, which names the first word found, is for a hit
        for w in mapping.vehicle_context.words:
            if (w.isascii() and (w in tokens or f"{w}s" in tokens)) or (not w.isascii() and w in text):
                return (
                    f"{where} mentions '{w}'"
                    if where != "table name"
                    else f"table name '{text}' mentions '{w}'"
                )
    return None


@functools.lru_cache(maxsize=8)
def _vehicle_words(words: tuple[str, ...]) -> tuple[frozenset[str], re.Pattern[str] | None]:
    """The vehicle words as :func:`_vehicle_reason` finds them: the ASCII ones as name tokens (and their plurals),
    the others anywhere in a text, as one regex.  A scan's thousands of tables and columns are each looked at
    once, instead of once a word."""
    ascii_forms = frozenset(f for w in words if w.isascii() for f in (w, f"{w}s"))
    other = [re.escape(w) for w in words if not w.isascii()]
    return ascii_forms, re.compile("|".join(other)) if other else None


def not_personal_reason(entity: Entity, mapping: Mapping | None = None) -> str | None:
    """Why a finding is not about a person (``None`` when it may be), from the recognizer's ``details``.

    >>> drugs = Entity.model_construct(type="MEDICATION", details={"product_catalogue": ["approval_no", "price"]})
    >>> not_personal_reason(drugs)[:40]
    'MEDICATION in a product catalogue (appro'
    >>> not_personal_reason(Entity.model_construct(type="MEDICATION", details=None)) is None
    True
    """
    rule = (mapping or load_mapping()).not_personal_when.get(entity.type)
    if rule is None:
        return None
    signal = (entity.details or {}).get(rule.detail)
    if not signal:
        return None
    shown = ", ".join(map(str, signal[:5])) if isinstance(signal, list) else str(signal)
    what = rule.detail.replace("_", " ")
    return (
        f"{entity.type} in a {what} ({shown}): {rule.basis}"
        if shown and shown != "True"
        else f"{entity.type} in a {what}: {rule.basis}"
    )


def _table_context(table: Table, mapping: Mapping) -> _TableContext:
    ents = {
        e.type
        for c in table.columns
        for e in c.entities
        if not_personal_reason(e, mapping) is None and not is_dismissed(e)
    }
    pi = {
        t
        for t in ents
        if mapping.pi_class.get(t) is None
        or mapping.pi_class[t].class_ in ("sensitive", "general")
        or t == "GEO_COORDINATE"
    }
    profile = table.trajectory
    name = f"{table.schema_}.{table.table}" if table.schema_ else table.table
    return _TableContext(
        frozenset(ents),
        frozenset(pi),
        mapping.minors.entity in ents,
        _vehicle_reason(table, mapping),
        Trajectory.from_report(name, profile) if profile else None,
    )


def entity_pi_class(entity: Entity, ctx: _TableContext, mapping: Mapping) -> tuple[PiClass | None, str]:
    """The PI class of one finding, with its basis in words."""
    etype = entity.type
    rule = mapping.pi_class.get(etype)
    not_personal = not_personal_reason(entity, mapping)
    if not_personal is not None:
        return None, not_personal
    if etype == "GEO_COORDINATE":
        p = entity.precision_m
        line = mapping.geo.fine_at_most_m
        if p is None:
            cls = mapping.geo.unknown_precision
            return cls, f"GEO_COORDINATE precision not measured: treated as {cls}"
        if p <= line:
            return "sensitive", (
                f"GEO_COORDINATE resolves to {_fmt_m(p)} ({line:g} m or finer): {mapping.geo.sensitive_basis}"
            )
        return (
            "general",
            f"GEO_COORDINATE resolves to {_fmt_m(p)} (coarser than {line:g} m): {mapping.geo.general_basis}",
        )
    if rule is None:
        return declared_class(entity)
    if rule.class_ == "contextual":
        ctr = mapping.contextual.get(etype)
        others = ctx.pi_entities - {etype}
        if ctr is not None and ctr.sensitive_when_table_has_pi and others:
            return "sensitive", f"{etype}: {ctr.basis}; the table holds {', '.join(sorted(others))}"
        return None, f"{etype}: no personal information beside it in the table"
    if rule.class_ == "none":
        return None, f"{etype}: {rule.basis}"
    return rule.class_, f"{etype}: {rule.basis}"


def declared_class(entity: Entity) -> tuple[PiClass, str]:
    """The class of a type the mapping does not know (a user recognizer's): the class its recognizer file or
    package declares (``details["declared_pi_class"]``), else general PI.

    >>> declared_class(Entity.model_construct(type="PATIENT_CARD_NO", details={"declared_pi_class": "sensitive"}))
    ('sensitive', 'PATIENT_CARD_NO: not classified in mapping.yaml; sensitive PI as its recognizer declares')
    >>> declared_class(Entity.model_construct(type="EMPLOYEE_ID", details=None))[0]
    'general'
    """
    etype = entity.type
    declared = (entity.details or {}).get("declared_pi_class")
    if declared == "sensitive" or declared == "general":
        return (
            declared,
            f"{etype}: not classified in {MAPPING_FILE}; {declared} PI as its recognizer declares",
        )
    return "general", f"{etype}: not classified in {MAPPING_FILE}; treated as general PI"


def _category_reason(
    entity: Entity, rule: CategoryRule, ctx: _TableContext, mapping: Mapping | None = None
) -> str | None:
    """Why ``entity`` puts its column into ``rule``'s category, or None when a condition fails."""
    if entity.type not in rule.entities or not_personal_reason(entity, mapping) is not None:
        return None  # a drug name in a product catalogue is not 健康医疗 data
    if rule.table_has_any and not (ctx.entities & set(rule.table_has_any)):
        return None
    if rule.vehicle_context and ctx.vehicle is None:
        return None
    words = f"{entity.type} in {_pct(entity.match_ratio)} of sampled values"
    if rule.precision_at_most_m is not None:
        p = entity.precision_m
        if p is not None and p > rule.precision_at_most_m:
            return None
        words = (
            f"{entity.type} resolves to {_fmt_m(p)} ({rule.precision_at_most_m:g} m or finer, precision_m "
            f"measured) in {_pct(entity.match_ratio)} of sampled values"
            if p is not None
            else f"{words}; precision not measured, treated as precise"
        )
    if rule.table_has_any:
        words += f", beside {', '.join(sorted(ctx.entities & set(rule.table_has_any)))} in the same table"
    if rule.vehicle_context:
        words += f"; vehicle context: {ctx.vehicle}"
    if rule.candidate:
        words += f"; {_candidate_words(entity, ctx)}"
    return words


def _candidate_words(entity: Entity, ctx: _TableContext) -> str:
    """``candidate important data for a person to confirm: …`` with the precision, vehicles and area to confirm it by."""
    if ctx.track is not None:
        return f"{CANDIDATE_WORDS} (high-precision positions; {track_words(ctx.track)})"
    return (
        f"{CANDIDATE_WORDS} (high-precision positions, {precision_words(entity.precision_m)}; no "
        "trajectory profile: vehicles and area not measured)"
    )


def is_dismissed(entity: Entity) -> bool:
    """Whether a person dismissed this finding (``chujing review --dismiss``): it stays in the report as
    evidence, but sets no PI class, belongs to no category and counts toward no route.

    >>> from catalog.report import Review
    >>> no = Review(decision="dismiss", note="order numbers", by="li", at="2026-01-05T09:00:00Z")
    >>> is_dismissed(Entity.model_construct(type="CN_MOBILE", review=no))
    True
    >>> is_dismissed(Entity.model_construct(type="CN_MOBILE", review=None))
    False
    """
    return entity.review is not None and entity.review.decision == "dismiss"


NAME_ONLY_CAP = (
    "named only: the column's values could not confirm it, so the name alone makes it general PI at most"
)


def name_only_over_values(entity: Entity, col: Column) -> bool:
    """Whether a finding rests on the column name alone although the column has sampled values.

    Such a finding is a guess the values did not bear out (blobs, ciphertext): it is reported, labelled, but
    never makes a column sensitive by itself.  With no non-null value in the sample the name is all there is,
    and it classifies the column as the entity would.

    >>> guess = Entity.model_construct(basis="name_only")
    >>> name_only_over_values(guess, Column.model_construct(non_null=12))
    True
    >>> name_only_over_values(guess, Column.model_construct(non_null=0))
    False
    """
    return entity.basis == "name_only" and col.non_null > 0


def annotate_table(table: Table, rule: ReferenceRule, mapping: Mapping | None = None) -> Table:
    """The table with every column's ``pi_class``, ``pi_basis`` and ``categories`` (and each finding's
    ``pi_class``) filled under ``rule``: a new table, the input is left as it was.

    Everything written is recomputed from the findings and their reviews, so
    annotating an annotated table (one carried over from a scan store) gives the
    same table.
    """
    mapping = mapping or load_mapping()
    ctx = _table_context(table, mapping)
    resolved = {key: resolve_category(key, rule, mapping) for key in mapping.categories}
    columns = [_annotate_column(col, ctx, rule, resolved, mapping) for col in table.columns]
    return table.model_copy(update={"columns": columns})


def _annotate_column(
    col: Column,
    ctx: _TableContext,
    rule: ReferenceRule,
    resolved: dict[str, Category | None],
    mapping: Mapping,
) -> Column:
    classes: list[tuple[PiClass | None, str]] = []
    entities = []
    for e in col.entities:
        cls, basis = entity_pi_class(e, ctx, mapping)
        if cls is not None and ctx.minors and cls != "sensitive":
            cls, basis = "sensitive", f"{basis}; {mapping.minors.basis}"
        if cls == "sensitive" and name_only_over_values(e, col):
            cls, basis = "general", f"{basis}; {NAME_ONLY_CAP}"
        entities.append(e.model_copy(update={"pi_class": cls}))
        if not is_dismissed(e):
            classes.append((cls, basis))
    found = [c for c, _ in classes if c is not None]
    pi_class: PiClass | None = "sensitive" if "sensitive" in found else ("general" if found else None)
    live = [e for e in col.entities if not is_dismissed(e)]
    return col.model_copy(
        update={
            "entities": entities,
            "pi_class": pi_class,
            "pi_basis": "; ".join(b for c, b in classes if c == pi_class) if found else None,
            "categories": _column_categories(live, ctx, rule, resolved, mapping) if live else [],
        }
    )


def _column_categories(
    entities: list[Entity],
    ctx: _TableContext,
    rule: ReferenceRule,
    resolved: dict[str, Category | None],
    mapping: Mapping,
) -> list[CategoryFound]:
    reasons: dict[str, list[str]] = {}
    for r in mapping.rules:
        cat = resolved.get(r.category)
        if cat is None:
            continue
        for e in entities:
            why = _category_reason(e, r, ctx, mapping)
            if why and why not in reasons.setdefault(cat.code, []):
                reasons[cat.code].append(why)
    out = []
    for code in sorted(reasons, key=lambda c: (len(c), c)):
        if not reasons[code]:
            continue
        cat = rule.category(code)
        out.append(
            CategoryFound(
                rule=rule.id,
                level=2,
                code=cat.code,
                name=cat.name,
                name_en=cat.name_en,
                reason="; ".join(reasons[code]),
            )
        )
    return out
