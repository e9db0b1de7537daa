"""Decide which negative-list items a data export hits, and which route it needs.

Inputs are a summary of what a scan found (:class:`Findings`, built from a
report by :func:`findings_from_report`), how many persons the export concerns
(:class:`PersonCounts`), the business scenario and the data subjects.  For every
item of every chosen list the evaluator asks, in the list's own terms:

1. **Scenario** — ``exclusive`` items (仅限于) apply only in their scenarios;
   ``open`` items (包括但不限于) in theirs and wherever their data appears; ``all``
   items (所有场景) everywhere; catch-alls (``all_except``: 除第…项涉及场景以外的其他场景,
   or ``catch_all_for`` links: 不计入第…项所包含的…个人信息) only when none of the
   excepted items covers the export.  Without a scenario, no ``exclusive`` item
   can be claimed and the catch-alls apply: the cautious reading.
2. **Subject** — whose data the item covers.  Without a subject the item's
   evidence decides, and the catch-alls apply beside it (an item for named
   subjects cannot be claimed for unnamed ones).
3. **Excluded elements** — for a personal-information item, data holding an
   element the item leaves out (不包括患者的真实姓名和联系方式) is not covered by
   the item: it falls through to the catch-all.  For an important-data item the
   exclusion narrows the definition (基因数据 不包括临床数据): the rest still counts.
4. **Evidence** — the item's entities or sub-categories in the findings; for
   sensitive-PI items only sensitive findings count, and an item with a
   ``trajectory_precision_m`` parameter counts coordinates only when finer than it
   (平面精度不优于10米（不含10米）的车辆行踪轨迹).
5. **Thresholds** — persons counted for the threshold's PI kind, ``min``
   inclusive (以上) and ``below`` exclusive (不满), cumulated over the calendar year
   when the item says 自当年1月1日起累计.

Important-data items are *candidates* (Jiangsu Art. 17: only data the
authorities notified or published as important must be declared as such).  A
scan decides one only on decisive evidence — the data itself (gene data, a
technology-catalogue code), or the number the item names (10 万人以上的病案…);
findings that merely look like the item's kind of data (coordinates for
"sensitive areas", "一定规模" without a number) go to ``manual_review``.

The route of an export is the strictest of its hits.  Exit statuses later use
the same order, so "strictest wins" is one ``max``:

====  =================================  =======================================
  0   ``outside``                        no item hit: outside the list (Art. 10)
 10   standard_contract_or_certification 标准合同备案 / 个人信息保护认证
 20   security_assessment                数据出境安全评估
 30   other_lawful_route                 其他合法合规路径 (e.g. 人类遗传资源 approval)
====  =================================  =======================================

Other lawful routes rank highest because they are a separate regime (such as
human-genetic-resources approval) that no filing under the list replaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from catalog.findings import (
    EXPORT_CONTROL_CODE,
    EntityHit,
    Findings,
    PersonCounts,
)
from catalog.loader import LIST_CATEGORY_RULE, Catalog
from catalog.mapping import load_mapping
from catalog.models import CatalogError, Item, NegativeList, Threshold

ROUTE_RANK: dict[str, int] = {
    "outside": 0,
    "standard_contract_or_certification": 10,
    "security_assessment": 20,
    "other_lawful_route": 30,
}
ROUTE_LABELS: dict[str, str] = {
    "outside": "负面清单外 (outside the list)",
    "standard_contract_or_certification": "标准合同备案或个人信息保护认证 (standard contract or certification)",
    "security_assessment": "数据出境安全评估 (security assessment)",
    "other_lawful_route": "其他合法合规路径 (other lawful route)",
}
#: Sub-category names that export-control evidence stands for (reference-rule 38 and 39).
EXPORT_CONTROL_CATEGORIES = ("禁止出口限制出口技术", "属于出口管制法管制的相关数据")
#: "A certain scale" without a number: the scan can show the data, not that it reaches the scale.
UNDEFINED_SCALE = re.compile(r"一定[^，。；]{0,8}?规模")


def strictest(routes: Iterable[str]) -> str:
    """The strictest of ``routes`` (``outside`` when there are none).

    >>> strictest(["standard_contract_or_certification", "other_lawful_route", "security_assessment"])
    'other_lawful_route'
    >>> strictest([])
    'outside'
    """
    return max(routes, key=ROUTE_RANK.__getitem__, default="outside")


# --- the evaluation -----------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """The outcome for one export: items hit, the route, and what a person should review."""

    route: str
    lists: list[dict[str, Any]]
    hits: list[dict[str, Any]]
    not_hit: list[dict[str, Any]]
    manual_review: list[dict[str, Any]]
    notes: list[str]
    persons: PersonCounts
    scenario: str | None = None
    subject: str | None = None

    @property
    def exit_status(self) -> int:
        return ROUTE_RANK[self.route]

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "route_label": ROUTE_LABELS[self.route],
            "exit_status": self.exit_status,
            "scenario": self.scenario,
            "subject": self.subject,
            "persons": self.persons.to_dict(),
            "persons_basis": self.persons.basis,
            "lists": self.lists,
            "items": self.hits,
            "not_hit": self.not_hit,
            "manual_review": self.manual_review,
            "notes": self.notes,
        }


def evaluate(
    findings: Findings,
    *,
    catalog: Catalog,
    lists: Sequence[str],
    scenario: str | None,
    subject: str | None,
    persons: PersonCounts,
) -> Evaluation:
    """Apply ``lists`` to an export and return the items hit and the strictest route."""
    vocab = catalog.vocabulary
    if scenario is not None and scenario not in vocab.scenarios:
        raise CatalogError([f"unknown scenario '{scenario}' (known: {', '.join(sorted(vocab.scenarios))})"])
    if subject is not None and subject not in vocab.subjects:
        raise CatalogError([f"unknown subject '{subject}' (known: {', '.join(sorted(vocab.subjects))})"])
    hits: list[dict[str, Any]] = []
    not_hit: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    notes: list[str] = []
    list_out: list[dict[str, Any]] = []
    for list_id in lists:
        loaded = catalog.get(list_id)
        nl = catalog.negative_list(list_id)
        ctx = _ListEvaluation(nl, findings, scenario, subject, persons, catalog)
        h, n, r = ctx.run()
        hits += h
        not_hit += n
        review += r
        notes += ctx.notes()
        list_out.append({**loaded.evidence(), "route": strictest(x["route"] for x in h)})
    route = strictest(x["route"] for x in hits)
    if hits and any(x["data_kind"] == "important_data" for x in hits):
        notes.append(_art17_note(catalog))
    return Evaluation(route, list_out, hits, not_hit, review, notes, persons, scenario, subject)


def _art17_note(catalog: Catalog) -> str:
    text = ""
    if LIST_CATEGORY_RULE in catalog:
        art = catalog.reference_rule(LIST_CATEGORY_RULE).article_on("important_data_declaration", "告知或者公开发布")
        if art is not None:
            text = f" Jiangsu Art. {art.article}: 「{art.source_text}」"
    return ("Important-data items are candidates only: data must be declared as important data when the "
            "authorities have notified or published it as such." + text)


@dataclass
class _Evidence:
    present: bool
    words: str
    review: bool = False  # nothing a scan can show: a person must look
    decisive: bool = False  # the finding is the item's data itself (gene data, a technology-catalogue code)


@dataclass
class _Verdict:
    hit: bool = False
    review: bool = False  # a person must judge (routed to manual_review, not to the route)
    reason: str = ""
    kind: str = "any"  # which persons the hit counted


class _ListEvaluation:
    """One list applied to one export (the per-item decisions, with reasons in words)."""

    def __init__(self, nl: NegativeList, findings: Findings, scenario: str | None, subject: str | None,
                 persons: PersonCounts, catalog: Catalog):
        self.nl, self.f, self.scenario, self.subject, self.persons = nl, findings, scenario, subject, persons
        self.vocab = catalog.vocabulary
        self._rule = catalog.reference_rule(LIST_CATEGORY_RULE) if LIST_CATEGORY_RULE in catalog else None
        self._cover: dict[int, bool] = {}
        self.decisive_entities = frozenset(load_mapping().important_data_entities)

    # -- the decision for one item --

    def run(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        hits, not_hit, review = [], [], []
        for it in self.nl.items:
            v = self.decide(it)
            if v.hit:
                hits.append(self._hit(it, v))
            elif v.review:
                review.append({"list": self.nl.id, "item": it.item, "route": it.route, "reason": v.reason,
                               "source_text": it.source_text})
            elif v.reason:
                not_hit.append({"list": self.nl.id, "item": it.item, "reason": v.reason})
        return hits, not_hit, review

    def decide(self, it: Item) -> _Verdict:
        ok, why = self._scenario_applies(it)
        if not ok:
            return _Verdict(reason=why)
        ok, subj_why = self._subject_applies(it)
        if not ok:
            return _Verdict(reason=subj_why)
        excluded = self._excluded_present(it)
        personal = it.data_kind != "important_data"
        if excluded and personal:
            return _Verdict(reason=self._excluded_reason(it, excluded))
        ev = self._evidence(it)
        if not ev.present:
            return _Verdict(review=ev.review, reason=ev.words)
        words = [f"item {it.item} ({self.nl.id}, tier {it.tier}): {it.name}", why, subj_why, ev.words]
        if excluded:
            words.append(self._excluded_reason(it, excluded, narrowing=True))
        met, kind, th_words, basis = self._thresholds(it)
        words.append(th_words)
        if basis == "review":
            return _Verdict(review=True, reason="; ".join(w for w in words if w))
        if not met:
            return _Verdict(reason="; ".join(w for w in words if w))
        if not personal and basis == "none" and not ev.decisive:
            words.append("the scan found data of the kind this item describes, not that it is this item's data: "
                         "a person must judge")
            return _Verdict(review=True, reason="; ".join(w for w in words if w))
        for cond in it.elements.exclusion_conditions:
            words.append(f"carve-out a scan cannot check: 「{cond}」")
        modalities = it.parameters.get("modalities")
        if modalities:  # AI training data items are per modality (音频 / 图像 / 文本)
            words.append(f"the item is for {'/'.join(map(str, modalities))} data; a scan does not tell the modality")
        if not personal:
            words.append("candidate important data (see the Art. 17 note)")
        return _Verdict(hit=True, reason="; ".join(w for w in words if w), kind=kind)

    def _hit(self, it: Item, v: _Verdict) -> dict[str, Any]:
        return {"list": self.nl.id, "item": it.item, "route": it.route, "tier": it.tier, "data_kind": it.data_kind,
                "candidate": it.data_kind == "important_data", "name": it.name, "name_en": it.name_en,
                "reason": v.reason, "source_text": it.source_text, "persons": self.persons.get(v.kind).to_dict()}

    # -- scenario and subject --

    def _scenario_applies(self, it: Item) -> tuple[bool, str]:
        sc, s = it.scenarios, self.scenario
        quote = f"「{sc.source_text}」" if sc.source_text else "(the item names no scenario)"
        label = self.vocab.scenario_label(s) if s else ""
        if sc.mode == "all":
            counted_elsewhere = [ln.item for ln in it.links if ln.relation == "catch_all_for"]
            if counted_elsewhere:  # 所有场景。不计入第…项所包含的…个人信息
                return self._catch_all_applies(it, counted_elsewhere, quote)
            return True, f"applies in all scenarios {quote}".strip()
        if sc.mode == "exclusive":
            if s is None:
                return False, f"item {it.item} is limited to its scenarios {quote} and no scenario was given"
            if s in sc.ids:
                return True, f"scenario {label} is one of {quote}"
            return False, f"item {it.item} is limited to other scenarios {quote}; this export is {label}"
        if sc.mode == "open":
            if s is not None and s in sc.ids:
                return True, f"scenario {label} is listed in {quote}"
            if self._evidence(it).present:
                return True, f"open item {quote}: it applies wherever its data appears"
            return False, f"item {it.item}: scenario not listed in {quote} and none of its data was found"
        # all_except
        return self._catch_all_applies(it, sc.except_items, quote)

    def _catch_all_applies(self, it: Item, excepted: Sequence[int], quote: str) -> tuple[bool, str]:
        covering = [n for n in excepted if self._covers(n)]
        if covering:
            return False, (f"catch-all item {it.item} {quote} does not apply: this export falls under item(s) "
                           f"{', '.join(map(str, covering))}")
        what = f"scenario {self.vocab.scenario_label(self.scenario)}" if self.scenario else "no scenario given"
        if self.subject is None and any(self.nl.item(n).subjects for n in excepted):
            what += " and no subject type given (name it to claim a scenario-specific item)"
        return True, f"catch-all {quote}: {what}, and none of items {', '.join(map(str, excepted))} covers it"

    def _covers(self, number: int) -> bool:
        """Whether item ``number`` covers this export: scenario, named subject, no excluded element.

        An item limited to named subjects covers the export only when the subject
        is given and is one of them; without it the catch-all applies as well (the
        cautious reading) and the reason asks for the subject.
        """
        if number not in self._cover:
            self._cover[number] = False  # guards against catch-alls that except each other
            it = self.nl.item(number)
            subject_ok = not it.subjects or (self.subject is not None and self.subject in it.subjects)
            ok = (subject_ok and self._scenario_applies(it)[0]
                  and not (self._excluded_present(it) and it.data_kind != "important_data"))
            self._cover[number] = ok
        return self._cover[number]

    def _subject_applies(self, it: Item) -> tuple[bool, str]:
        if not it.subjects:
            return True, ""
        names = ", ".join(self.vocab.subject_label(s) for s in it.subjects)
        if self.subject is None:
            return True, f"subject type not given (item covers {names}); its evidence decides"
        if self.subject in it.subjects:
            return True, f"data subjects: {self.vocab.subject_label(self.subject)}"
        return False, f"item {it.item} covers {names}, not {self.vocab.subject_label(self.subject)}"

    # -- excluded elements --

    def _excluded_present(self, it: Item) -> list[tuple[str, list[EntityHit]]]:
        out = []
        for ex in it.elements.excluded:
            found = [h for e in ex.entities for h in self.f.hits(e)]
            if found:
                out.append((ex.source_text, found))
        return out

    def _excluded_reason(self, it: Item, excluded: list[tuple[str, list[EntityHit]]], narrowing: bool = False) -> str:
        texts = list(dict.fromkeys(t for t, _ in excluded))
        seen = ", ".join(dict.fromkeys(h.describe() for _, hs in excluded for h in hs))
        quote = "; ".join(f"「{t}」" for t in texts)
        if narrowing:
            return f"{seen}: not part of this item's data {quote}"
        fallback = self._catch_all_for(it.item)
        tail = f"; it falls to catch-all item {fallback}" if fallback else ""
        return f"item {it.item} does not cover this data: it holds {seen}, which the item leaves out {quote}{tail}"

    def _catch_all_for(self, number: int) -> int | None:
        for other in self.nl.items:
            if number in other.scenarios.except_items or any(
                    ln.item == number and ln.relation == "catch_all_for" for ln in other.links):
                return other.item
        return None

    # -- evidence --

    def _evidence(self, it: Item) -> _Evidence:
        """What in the findings shows the item's data."""
        ev = it.evidence
        need = ev.pi if ev.pi != "any" else ("sensitive" if it.data_kind == "sensitive_personal_information" else "any")
        excluded = {e for x in it.elements.excluded for e in x.entities}
        limit = it.parameters.get("trajectory_precision_m")
        seen: list[str] = []
        decisive = False
        for etype in ev.entities:
            if etype in excluded and it.data_kind == "important_data":
                continue
            for h in self.f.hits(etype):
                if need == "sensitive" and h.pi_class != "sensitive":
                    continue
                if etype == "GEO_COORDINATE" and limit is not None:
                    if h.precision_m is not None and h.precision_m >= float(limit):
                        continue
                    seen.append(self._trajectory_words(it, h, float(limit)))
                else:
                    seen.append(h.describe())
                decisive = decisive or etype in self.decisive_entities
        seen += self._category_evidence(it)
        codes = self._export_control_evidence(it)
        seen += codes
        decisive = decisive or bool(codes)
        if ev.entities or ev.categories or ev.export_control_codes:
            if seen:
                return _Evidence(True, "evidence: " + "; ".join(dict.fromkeys(seen)), decisive=decisive)
            what = ", ".join([*ev.entities, *(f"sub-category {c}" for c in ev.categories)]) or "export-control codes"
            return _Evidence(False, f"item {it.item}: none of its evidence ({what}) in the findings")
        if need == "none":
            return _Evidence(False, f"item {it.item} ({it.name}): a scan cannot show this data; review it by hand",
                             review=True)
        if self.f.has_pi(need):
            kinds = {"any": "personal information", "sensitive": "sensitive PI", "general": "general PI"}
            return _Evidence(True, f"evidence: {kinds[need]} found")
        return _Evidence(False, f"item {it.item}: no {'sensitive ' if need == 'sensitive' else ''}personal "
                         "information found")

    def _trajectory_words(self, it: Item, h: EntityHit, limit: float) -> str:
        m = re.search(r"平面精度[^，。；、]*?轨迹", it.description) or re.search(r"平面精度[^，。；、]*?轨迹", it.source_text)
        quote = m.group(0) if m else f"planar precision finer than {limit:g} m"
        if h.precision_m is None:
            return f"coordinates in {h.where()}: precision not measured, treated as finer than {limit:g} m ({quote})"
        p = h.precision_m
        pm = f"{p:.2g} m" if p < 1 else f"{p:,.1f} m"
        return f"coordinates in {h.where()} resolve to {pm} (< {limit:g} m, {quote})"

    def _category_evidence(self, it: Item) -> list[str]:
        out = []
        for code in it.evidence.categories:
            name = None
            if self._rule is not None:
                try:
                    name = self._rule.category(code).name
                except KeyError:
                    name = None
            for c in self.f.categories:
                if (c.rule == LIST_CATEGORY_RULE and c.code == code) or (name and c.name == name):
                    out.append(f"sub-category {c.code} {c.name} in {c.table}.{c.column}")
        return out

    def _export_control_evidence(self, it: Item) -> list[str]:
        found = self.f.export_control_codes
        if not found:
            return []
        listed = set(it.evidence.export_control_codes) | set(EXPORT_CONTROL_CODE.findall(it.description))
        names = set()
        if self._rule is not None:
            names = {self._rule.category(c).name for c in it.evidence.categories
                     if any(c == x.code for x in self._rule.subcategories())}
        by_category = bool(names & set(EXPORT_CONTROL_CATEGORIES))
        out = []
        for code, where in sorted(found.items()):
            if code in listed or by_category:
                out.append(f"technology-catalogue code {code} in {', '.join(where)}")
        return out

    # -- thresholds --

    def _thresholds(self, it: Item) -> tuple[bool, str, str, str]:
        """(met, pi kind, words, basis): basis is threshold | indicative | none | review."""
        cumulative = it.counting == "cumulative_calendar_year"
        if not it.thresholds:
            indicative = it.evidence.indicative
            persons = [x for x in indicative if x.measure == "persons"]
            n = self.persons.any.total if cumulative else self.persons.any.this_export
            for x in persons:
                if x.met_by(n):
                    return True, "any", f"{n:,} persons reach the scale the item names 「{x.source_text}」", "indicative"
            others = [x for x in indicative if x.measure != "persons"]
            if others:
                said = "; ".join(f"「{x.source_text}」" for x in others)
                return False, "any", f"the item's scale is not a count of persons ({said}): a person must check it", \
                    "review"
            if persons:
                return False, "any", f"{n:,} persons: below the scale the item names 「{persons[0].source_text}」", \
                    "indicative"
            if UNDEFINED_SCALE.search(it.name):
                return False, "any", ("the item names a scale without a number (「一定规模」): whether this data "
                                      "reaches it is for a person to judge"), "review"
            return True, "any", "the item sets no person threshold", "none"
        words = []
        for th in it.thresholds:
            count = self.persons.get(th.pi)
            n = count.total if cumulative else count.this_export
            if th.pi == "sensitive" and not self.f.has_pi("sensitive"):
                words.append(f"「{th.source_text}」 needs sensitive PI and the findings hold none")
                continue
            band = _band(th)
            if th.modalities:  # AI training data: the band is for audio/image/text content, which a scan cannot tell
                band += f" (for {'/'.join(th.modalities)} data; the modality is not checked)"
            how = (f"{n:,} {_kind_words(th.pi)} ({count.this_export:,} in this export + {count.prior_this_year:,} "
                   "earlier this year, 自当年1月1日起累计)" if cumulative else f"{n:,} {_kind_words(th.pi)}")
            if th.met_by(n):
                return True, th.pi, f"{how}: within {band} 「{th.source_text}」", "threshold"
            words.append(f"{how}: outside {band} 「{th.source_text}」")
        return False, it.thresholds[0].pi, "; ".join(words), "threshold"

    # -- list notes --

    def notes(self) -> list[str]:
        out = []
        if self.f.export_control_codes:
            codes = ", ".join(sorted(self.f.export_control_codes))
            for n in self.nl.notes:
                if n.applies == "export_control":
                    out.append(f"{self.nl.id} note {n.note}: technology-catalogue code(s) {codes} found; where an "
                               f"export licence is required this list does not apply: 「{n.source_text}」")
        return out


def _kind_words(kind: str) -> str:
    return {"any": "persons", "sensitive": "persons with sensitive PI", "general": "persons with only general PI"}[kind]


def _band(th: Threshold) -> str:
    """``≥ 10,000 and < 50,000`` for a threshold.

    >>> _band(Threshold(pi="any", min=10000, below=50000, source_text="x"))
    '≥ 10,000 and < 50,000'
    """
    parts = []
    if th.min is not None:
        parts.append(f"≥ {th.min:,}")
    if th.below is not None:
        parts.append(f"< {th.below:,}")
    return " and ".join(parts)
