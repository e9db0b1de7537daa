"""Decide which negative-list items a data export hits, and which route it needs.

Inputs are a summary of what a scan found (:class:`Findings`, built from a
report by :func:`findings_from_report`), how many persons the export concerns
(:class:`PersonCounts`), the business scenario and the data subjects.  For every
item of every chosen list the evaluator asks, in the list's own terms:

1. **Scenario** — ``exclusive`` items (仅限于) apply only in their scenarios;
   ``open`` items (包括但不限于) in theirs and wherever their data appears; ``all``
   items (所有场景) everywhere.  Catch-alls worded 除第…项涉及场景以外的其他场景
   (``all_except``) are decided by scenario: they apply when the export's
   scenario is none of the excepted items' — whatever its subjects — and, the
   stricter reading, when an excepted item of that scenario leaves the export's
   data out (step 3), so that such data does not leave with no route at all.
   Catch-alls worded 不计入第…项所包含的…个人信息 (``catch_all_for`` links) are
   decided by persons: they apply unless an excepted item covers the export
   (its scenario, its named subject, nothing left out).  Without a scenario, no
   ``exclusive`` item can be claimed and the catch-alls apply: the cautious reading.
2. **Subject** — whose data the item covers.  Without a subject the item's
   evidence decides.
3. **Data the item leaves out** — for a personal-information item, an element
   it excludes (不包括患者的真实姓名和联系方式) or a condition its data fails
   (患者个人信息应为去标识化的个人信息, with names or ID numbers present) takes the
   export out of the item.  An exclusion applies only to the persons it names
   (患者: not the minors whose personal information items 11/18 include in
   full).  For an important-data item the exclusion narrows the definition
   (基因数据 不包括临床数据): the rest still counts.
4. **Evidence** — the item's entities or sub-categories in the findings; for
   sensitive-PI items only sensitive findings count — sensitive by mapping.yaml's
   class or because the list defines the element as sensitive in the item's
   scope (零售 items 2/5: 常用设备信息（仅MAC地址和设备序列号）).  Coordinates meet
   an item's trajectory parameters (:mod:`catalog.trajectories`): 平面精度不优于10米
   (不含10米)的车辆行踪轨迹 are the tracks *coarser* than 10 m (``trajectory_precision_m``),
   tracks at 10 m or finer are high-precision data, a candidate for item 1
   (``precise_track_at_most_m``), and trade-logistics item 1 tests its decimals,
   precision and reporting interval on the tables' trajectory profiles.
5. **Thresholds** — persons counted by a :class:`PersonQuery`: the threshold's
   PI kind (``general``: everyone whose general PI leaves; ``sensitive``: everyone
   with sensitive PI, the list's own definitions included), the data a scoped
   threshold is for (``applies_to``: 1万人以上的…生物特征数据 counts persons with
   biometric data, and is applied only when the findings hold it), and the
   exports of the year that accumulate toward the item (its subjects, and its
   scenarios when it is ``exclusive``: 累计向境外提供…受试者个人信息 counts trial
   subjects, not every person exported this year).  ``min`` is inclusive (以上)
   and ``below`` exclusive (不满), under the item's counting rule (its own
   ``counting_rule`` when its text words one, else the list's, else the default:
   自当年1月1日起累计, de-duplicated per natural person).
6. **Modality** — AI-training-data items are per content type (音频 / 图像 /
   文本).  A column scan cannot tell whether exported data is audio, image or
   text, so such an item is ``needs_review`` unless the modality is declared
   (``modality=``), and decided by its band for that modality when it is.

Every item examined comes out with an ``outcome``: ``hit`` (in ``items``),
``not_hit`` (with the reason) or ``needs_review`` (in ``manual_review``, with the
reason and a ``review`` kind: ``modality``, ``scale``, ``judgement`` or
``counting_unit``).  Items needing review never set the route.

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
from dataclasses import dataclass, field
from typing import Any

from catalog.evidence import category_entry, entity_entry, export_control_entry, grouped_words, words_entry
from catalog.findings import (
    EXPORT_CONTROL_CODE,
    MINOR,
    Count,
    EntityHit,
    ExportScope,
    Findings,
    PersonCounts,
    PersonQuery,
)
from catalog.loader import LIST_CATEGORY_RULE, Catalog
from catalog.mapping import load_mapping
from catalog.models import CatalogError, CountingRule, Item, NegativeList, SensitiveDefinition, Threshold
from catalog.report import ListItems
from catalog.trajectories import coordinate_evidence, item_conditions, vehicle_scale

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
#: What an item counts when its text is silent: 自当年1月1日起累计, de-duplicated per natural person (CBDF Provisions).
DEFAULT_COUNTING_RULE = CountingRule(
    cumulative_from="01-01",
    unit="natural_person",
    source_text="（默认）自当年1月1日起累计，以自然人为单位去重",
)
#: The unit chujing's person counts measure; an item counted in another unit needs a person to count.
COUNTED_UNIT = "natural_person"


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

    def to_model(self) -> ListItems:
        """The decision as the report carries it (``list_items``)."""
        return ListItems.model_validate(self.to_dict())


def evaluate(
    findings: Findings,
    *,
    catalog: Catalog,
    lists: Sequence[str],
    scenario: str | None,
    subject: str | None,
    persons: PersonCounts,
    modality: str | None = None,
) -> Evaluation:
    """Apply ``lists`` to an export and return the items hit and the strictest route.

    ``modality`` (``audio``, ``image``, ``text``, ``video`` …) is the content type
    of the exported data when the exporter declares it; a scan cannot tell it, and
    without it modality-specific items (AI training data) need review.
    """
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
        ctx = _ListEvaluation(nl, findings, scenario, subject, persons, catalog, modality)
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
        art = catalog.reference_rule(LIST_CATEGORY_RULE).article_on(
            "important_data_declaration", "告知或者公开发布"
        )
        if art is not None:
            text = f" Jiangsu Art. {art.article}: 「{art.source_text}」"
    return (
        "Important-data items are candidates only: data must be declared as important data when the "
        "authorities have notified or published it as such." + text
    )


@dataclass
class _Evidence:
    present: bool
    words: str
    review: bool = False  # nothing a scan can show: a person must look
    decisive: bool = False  # the finding is the item's data itself (gene data, a technology-catalogue code)
    entries: list[dict[str, Any]] = field(default_factory=list)  # every finding, for the hit's JSON


@dataclass
class _Verdict:
    hit: bool = False
    review: bool = False  # a person must judge (routed to manual_review, not to the route)
    reason: str = ""
    query: PersonQuery = field(default_factory=PersonQuery)  # which persons the hit counted
    review_kind: str = "judgement"  # modality | scale | judgement | counting_unit
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Band:
    """The thresholds' answer for one item."""

    met: bool
    query: PersonQuery
    words: str
    basis: str  # threshold | indicative | none | review
    review_kind: str = "scale"
    modalities: tuple[str, ...] = ()  # the content types the met band(s) are for


@dataclass(frozen=True)
class _LeftOut:
    """Data of the export that an item leaves out: an excluded element, or a condition its data fails."""

    quote: str  # the item's words
    hits: list[EntityHit]
    kind: str  # excluded | requirement
    reading: str = ""  # the recorded reading a requirement relies on


class _ListEvaluation:
    """One list applied to one export (the per-item decisions, with reasons in words)."""

    def __init__(
        self,
        nl: NegativeList,
        findings: Findings,
        scenario: str | None,
        subject: str | None,
        persons: PersonCounts,
        catalog: Catalog,
        modality: str | None = None,
    ):
        self.nl, self.f, self.scenario, self.subject, self.persons = nl, findings, scenario, subject, persons
        self.modality = modality
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
                review.append(
                    {
                        "list": self.nl.id,
                        "item": it.item,
                        "outcome": "needs_review",
                        "review": v.review_kind,
                        "route": it.route,
                        "reason": v.reason,
                        "source_text": it.source_text,
                    }
                )
            elif v.reason:
                not_hit.append(
                    {"list": self.nl.id, "item": it.item, "outcome": "not_hit", "reason": v.reason}
                )
        return hits, not_hit, review

    def decide(self, it: Item) -> _Verdict:
        ok, why = self._scenario_applies(it)
        if not ok:
            gap = self._subject_gap(it)
            if gap:
                return _Verdict(review=True, reason=f"{why}; {gap}", review_kind="judgement")
            return _Verdict(reason=why)
        ok, subj_why = self._subject_applies(it)
        if not ok:
            return _Verdict(reason=subj_why)
        personal = it.data_kind != "important_data"
        left = self._left_out(it) if personal else []
        if left:
            return _Verdict(reason=self._left_out_reason(it, left))
        excluded = [] if personal else self._excluded_present(it)
        item_modalities = self._item_modalities(it)
        if self.modality is not None and item_modalities and self.modality not in item_modalities:
            return _Verdict(
                reason=f"item {it.item} is for {'/'.join(item_modalities)} data; this export is declared "
                f"{self.modality} data"
            )
        ev = self._evidence(it)
        if not ev.present:
            return _Verdict(review=ev.review, reason=ev.words)
        words = [
            f"item {it.item} ({self.nl.id}, tier {it.tier}): {it.name}",
            why,
            subj_why,
            ev.words,
            self._definition_words(it),
        ]
        if excluded:
            words.append(_narrowing_words(excluded))
        band = self._thresholds(it)
        words.append(band.words)
        if band.basis == "review":
            return _Verdict(
                review=True, reason="; ".join(w for w in words if w), review_kind=band.review_kind
            )
        if not band.met:
            return _Verdict(reason="; ".join(w for w in words if w))
        if not personal and band.basis == "none" and not ev.decisive:
            words.append(
                "the scan found data of the kind this item describes, not that it is this item's data: "
                "a person must judge"
            )
            return _Verdict(review=True, reason="; ".join(w for w in words if w), review_kind="judgement")
        modalities = band.modalities or item_modalities
        if modalities and self.modality is None:
            # 音频 / 图像 / 文本: the item (or the band met) is for content types a column scan cannot tell apart
            words.append(
                f"needs review: the item is for {'/'.join(modalities)} data and a column scan cannot tell "
                "whether the exported data is audio, image or text (the list leaves out video and other "
                "modalities); declare the modality or review it by hand"
            )
            return _Verdict(review=True, reason="; ".join(w for w in words if w), review_kind="modality")
        if modalities:
            words.append(f"declared modality: {self.modality}")
        for cond in it.elements.exclusion_conditions:
            words.append(f"carve-out a scan cannot check: 「{cond}」")
        if not personal:
            words.append("candidate important data (see the Art. 17 note)")
        return _Verdict(
            hit=True, reason="; ".join(w for w in words if w), query=band.query, evidence=ev.entries
        )

    @staticmethod
    def _item_modalities(it: Item) -> tuple[str, ...]:
        mods = it.parameters.get("modalities") or []
        return tuple(dict.fromkeys([*map(str, mods), *(m for th in it.thresholds for m in th.modalities)]))

    def _hit(self, it: Item, v: _Verdict) -> dict[str, Any]:
        out = {
            "list": self.nl.id,
            "item": it.item,
            "outcome": "hit",
            "route": it.route,
            "tier": it.tier,
            "data_kind": it.data_kind,
            "candidate": it.data_kind == "important_data",
            "name": it.name,
            "name_en": it.name_en,
            "reason": v.reason,
            "source_text": it.source_text,
            "persons": self.persons.count(v.query).to_dict(),
            "persons_query": _query_dict(v.query, self.vocab),
            "evidence": v.evidence,
        }
        rule, origin = self.counting_rule(it)
        if it.thresholds and rule is not None:
            out["counting_rule"] = {
                "origin": origin,
                "cumulative_from": rule.cumulative_from,
                "unit": rule.unit,
                "excluded_cases": list(rule.excluded_cases),
                "source_text": rule.source_text,
            }
        return out

    def counting_rule(self, it: Item) -> tuple[CountingRule | None, str]:
        """The rule persons are counted by for ``it``, and where it comes from (item | list | default | none).

        An item's own rule wins (banking items 4–7 and 9–12 also leave out
        行业标准规范或指导文件规定情形); an item counted over the calendar year
        without one takes the list's, else the default (自当年1月1日起累计, per
        natural person).  An item that is not cumulative and has no rule counts
        this export alone.
        """
        if it.counting_rule is not None:
            return it.counting_rule, "item"
        if it.counting == "cumulative_calendar_year":
            if self.nl.counting_rule is not None:
                return self.nl.counting_rule, "list"
            return DEFAULT_COUNTING_RULE, "default"
        return None, "none"

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
            gate = self._trajectory_gate(it)
            if gate is not None and gate.review:
                return (
                    True,
                    f"open item {quote}: coordinates found, and whether they are its data was not measured",
                )
            return False, f"item {it.item}: scenario not listed in {quote} and none of its data was found"
        # all_except
        return self._scenario_catch_all(it, sc.except_items, quote)

    def _claimed_by(self, excepted: Sequence[int]) -> list[int]:
        """The excepted items whose scenarios (涉及场景) include the export's scenario."""
        return [n for n in excepted if self.scenario in self.nl.item(n).scenarios.ids]

    def _scenario_catch_all(self, it: Item, excepted: Sequence[int], quote: str) -> tuple[bool, str]:
        """除第…项涉及场景以外的其他场景: decided by the export's scenario, not by its subjects.

        The stricter reading on top: when an excepted item of this scenario leaves
        the export's data out (不包括患者的真实姓名和联系方式, 应为去标识化的个人信息),
        that data falls to the catch-all instead of leaving with no route at all.
        """
        numbers = ", ".join(map(str, excepted))
        if self.scenario is None:
            return True, f"catch-all {quote}: no scenario given, so none of items {numbers} can be claimed"
        label = self.vocab.scenario_label(self.scenario)
        claimed = self._claimed_by(excepted)
        if not claimed:
            return True, f"catch-all {quote}: scenario {label} is none of items {numbers}'s"
        leaving = [n for n in claimed if self._leaves_out(n)]
        if leaving:
            ip = next(
                (
                    i
                    for i in it.interpretations
                    if i.parameter is None
                    and it.scenarios.source_text
                    and "".join(i.source_text.split()) in "".join(it.scenarios.source_text.split())
                ),
                None,
            )
            who = f"; {ip.confirm_with} to confirm" if ip is not None and ip.confirm_with else ""
            status = "working reading" if ip is None or ip.status != "confirmed" else "confirmed reading"
            return True, (
                f"catch-all {quote}: {label} is a scenario of item(s) {', '.join(map(str, claimed))}, but "
                f"item(s) {', '.join(map(str, leaving))} leave this export's data out; read strictly, "
                f"data an item leaves out falls to the catch-all rather than outside the list ({status}{who})"
            )
        return False, (
            f"catch-all item {it.item} {quote} does not apply: {label} is a scenario of item(s) "
            f"{', '.join(map(str, claimed))} (decided by scenario)"
        )

    def _leaves_out(self, number: int) -> bool:
        """Whether item ``number`` would take this export's data but leaves it out (step 3)."""
        it = self.nl.item(number)
        subject_ok = not it.subjects or self.subject is None or self.subject in it.subjects
        return subject_ok and it.data_kind != "important_data" and bool(self._left_out(it))

    def _subject_gap(self, it: Item) -> str:
        """Why an export no item can take needs a person: its subjects are named by no item of its scenario.

        Trial subjects' data exported for 药物警戒: items 8/15 are for 患者, and
        catch-all 13 (除第7…12涉及场景以外的其他场景) does not apply in 药物警戒.  On
        the list's words the data is outside the list (Art. 10); a person confirms.
        """
        if it.scenarios.mode != "all_except" or self.scenario is None or self.subject is None:
            return ""
        claimed = [self.nl.item(n) for n in self._claimed_by(it.scenarios.except_items)]
        if not claimed or any(not c.subjects or self.subject in c.subjects for c in claimed):
            return ""
        named = "; ".join(
            f"item {c.item}: {'、'.join(_zh(self.vocab.subjects, x) for x in c.subjects)}" for c in claimed
        )
        return (
            f"needs review: no item of {_zh(self.vocab.scenarios, self.scenario)} covers "
            f"{self.vocab.subject_label(self.subject)} ({named}), and the catch-all does not apply in that "
            "scenario: on the list's words this data is outside the list; a person should confirm"
        )

    def _catch_all_applies(self, it: Item, excepted: Sequence[int], quote: str) -> tuple[bool, str]:
        """不计入第…项所包含的…个人信息: decided by persons — unless an excepted item covers the export."""
        covering = [n for n in excepted if self._covers(n)]
        if covering:
            return False, (
                f"catch-all item {it.item} {quote} does not apply: this export falls under item(s) "
                f"{', '.join(map(str, covering))}"
            )
        what = (
            f"scenario {self.vocab.scenario_label(self.scenario)}" if self.scenario else "no scenario given"
        )
        if self.subject is None and any(self.nl.item(n).subjects for n in excepted):
            what += " and no subject type given (name it to claim a scenario-specific item)"
        return True, f"catch-all {quote}: {what}, and none of items {', '.join(map(str, excepted))} covers it"

    def _covers(self, number: int) -> bool:
        """Whether item ``number`` covers this export: scenario, named subject, nothing left out.

        An item limited to named subjects covers the export only when the subject
        is given and is one of them; without it the catch-all applies as well (the
        cautious reading) and the reason asks for the subject.
        """
        if number not in self._cover:
            self._cover[number] = False  # guards against catch-alls that except each other
            it = self.nl.item(number)
            subject_ok = not it.subjects or (self.subject is not None and self.subject in it.subjects)
            ok = (
                subject_ok
                and self._scenario_applies(it)[0]
                and not (it.data_kind != "important_data" and self._left_out(it))
            )
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

    # -- data an item leaves out --

    def _left_out(self, it: Item) -> list[_LeftOut]:
        """The export's data that personal-information item ``it`` leaves out, for the persons the words name."""
        out = []
        for ex in it.elements.excluded:
            hits = self._named_persons_hits(it, ex.entities, ex.subjects)
            if hits:
                out.append(_LeftOut(f"「{ex.source_text}」", hits, "excluded"))
        for rq in it.elements.requirements:
            hits = self._named_persons_hits(it, rq.not_met_by, rq.subjects)
            if hits:
                who = (
                    f"; {rq.confirm_with} to confirm" if rq.confirm_with and rq.status != "confirmed" else ""
                )
                reading = (
                    f" ({'working reading' if rq.status != 'confirmed' else 'reading'}: {rq.reading}{who})"
                )
                out.append(_LeftOut(f"「{rq.source_text}」", hits, "requirement", reading))
        return out

    def _named_persons_hits(
        self, it: Item, entities: Sequence[str], subjects: Sequence[str]
    ) -> list[EntityHit]:
        """Findings of ``entities`` that belong to the persons ``subjects`` names.

        A declared subject the words do not name is not concerned (the minors of
        items 11/18 are not 患者).  Persons under 14 are not concerned either when
        the item includes minors' personal information in full (MINOR_UNDER_14
        among its evidence) and every person carrying the elements is a minor.
        """
        if subjects and self.subject is not None and self.subject not in subjects:
            return []
        hits = [h for e in entities for h in self.f.hits(e)]
        if hits and MINOR in it.evidence.entities and _only_minors_carry(self.persons, entities):
            return []
        return hits

    def _left_out_reason(self, it: Item, left: list[_LeftOut]) -> str:
        parts = []
        for lo in left:
            seen = ", ".join(dict.fromkeys(h.describe() for h in lo.hits))
            if lo.kind == "requirement":
                parts.append(f"its data must meet {lo.quote}, and the export holds {seen}{lo.reading}")
            else:
                parts.append(f"it holds {seen}, which the item leaves out {lo.quote}")
        fallback = self._catch_all_for(it.item)
        tail = f"; it falls to catch-all item {fallback}" if fallback else ""
        return f"item {it.item} does not cover this data: {'; '.join(parts)}{tail}"

    def _excluded_present(self, it: Item) -> list[tuple[str, list[EntityHit]]]:
        out = []
        for ex in it.elements.excluded:
            found = [h for e in ex.entities for h in self.f.hits(e)]
            if found:
                out.append((ex.source_text, found))
        return out

    def _catch_all_for(self, number: int) -> int | None:
        for other in self.nl.items:
            if number in other.scenarios.except_items or any(
                ln.item == number and ln.relation == "catch_all_for" for ln in other.links
            ):
                return other.item
        return None

    # -- evidence --

    def _evidence(self, it: Item) -> _Evidence:
        """What in the findings shows the item's data."""
        ev = it.evidence
        need = (
            ev.pi
            if ev.pi != "any"
            else ("sensitive" if it.data_kind == "sensitive_personal_information" else "any")
        )
        excluded = {e for x in it.elements.excluded for e in x.entities}
        gate = self._trajectory_gate(it)
        if gate is not None and not gate.present:
            return gate
        seen: list[str] = [gate.words] if gate is not None else []
        coarse: list[str] = []  # coordinates that are not the item's data, said in the not-hit reason
        decisive = gate is not None
        entries: list[dict[str, Any]] = []  # the other findings, as records (grouped in words below)
        for etype in ev.entities:
            if etype in excluded and it.data_kind == "important_data":
                continue
            for h in self.f.hits(etype):
                said = (
                    coordinate_evidence(
                        it, h, self.f.trajectories, self.f.categories, self._counts_as_sensitive(it, h)
                    )
                    if etype == "GEO_COORDINATE"
                    else None
                )
                if said is not None:  # the item's trajectory parameters decide (catalog.trajectories)
                    (seen if said.counts else coarse).append(said.words)
                    decisive = decisive or (said.counts and said.decisive)
                    continue
                if need == "sensitive" and not self._counts_as_sensitive(it, h):
                    continue
                entries.append(entity_entry(h))
                decisive = decisive or etype in self.decisive_entities
        entries += self._category_evidence(it)
        codes = self._export_control_evidence(it)
        entries += codes
        decisive = decisive or bool(codes)
        entries += [words_entry(w) for w in dict.fromkeys(seen)]
        if ev.entities or ev.categories or ev.export_control_codes:
            if entries:
                return _Evidence(
                    True, "evidence: " + grouped_words(entries), decisive=decisive, entries=entries
                )
            what = (
                ", ".join([*ev.entities, *(f"sub-category {c}" for c in ev.categories)])
                or "export-control codes"
            )
            tail = f"; {'; '.join(dict.fromkeys(coarse))}" if coarse else ""
            return _Evidence(False, f"item {it.item}: none of its evidence ({what}) in the findings{tail}")
        if need == "none":
            return _Evidence(
                False,
                f"item {it.item} ({it.name}): a scan cannot show this data; review it by hand",
                review=True,
            )
        found = [
            entity_entry(h)
            for h in self.f.all_hits()
            if h.pi_class is not None
            and (
                need == "any"
                or (need == "sensitive" and self._counts_as_sensitive(it, h))
                or (need == "general" and h.pi_class == "general")
            )
        ]
        if found:
            kinds = {"any": "personal information", "sensitive": "sensitive PI", "general": "general PI"}
            return _Evidence(True, f"evidence: {kinds[need]} in {grouped_words(found)}", entries=found)
        return _Evidence(
            False,
            f"item {it.item}: no {'sensitive ' if need == 'sensitive' else ''}personal information found",
        )

    # -- the list's own definitions of sensitive PI --

    def _definitions(self, it: Item) -> list[SensitiveDefinition]:
        """The list's definitions of sensitive PI in force for ``it`` and for the declared modality.

        A definition for some content types (音频标签数据 is audio's) is in force
        for them, and — the stricter reading — when no modality is declared.
        """
        return [
            d
            for d in self.nl.sensitive_definitions(it)
            if not d.modalities or self.modality is None or self.modality in d.modalities
        ]

    def _sensitive_elements(self, it: Item) -> frozenset[str]:
        return frozenset(e for d in self._definitions(it) for e in d.entities)

    def _counts_as_sensitive(self, it: Item, h: EntityHit) -> bool:
        """Sensitive by its generic class, or because the list calls it sensitive in this item's scope."""
        return h.pi_class == "sensitive" or (
            h.pi_class is not None and h.type in self._sensitive_elements(it)
        )

    def _has_sensitive(self, it: Item) -> bool:
        return any(self._counts_as_sensitive(it, h) for h in self.f.all_hits())

    def _definition_words(self, it: Item) -> str:
        """The definitions the findings touch, quoted, with any reading they rest on."""
        out = []
        for d in self._definitions(it):
            found = [e for e in d.entities if any(h.pi_class is not None for h in self.f.hits(e))]
            if not found:
                continue
            words = f"the list defines {', '.join(found)} as sensitive PI here 「{d.source_text}」"
            if d.reading and d.status != "literal":
                who = f"; {d.confirm_with} to confirm" if d.confirm_with and d.status != "confirmed" else ""
                words += f" ({'working reading' if d.status == 'working_reading' else 'reading'}: {d.reading}{who})"
            out.append(words)
        return "; ".join(out)

    def _trajectory_gate(self, it: Item) -> _Evidence | None:
        """Trade-logistics item 1's three conditions on the trajectory profiles, when the item names them.

        「精度超过小数点后两位、超过1公里级且传输间隔低于1小时的车辆经纬度信息」: all met — the item's own numbers,
        decisive; one measured and not met — not this data; one not measured — review, never "not hit".
        ``None`` when the item names no interval or the findings hold no coordinates.
        """
        params = it.parameters
        if "transmission_interval_below_s" not in params or not self.f.hits("GEO_COORDINATE"):
            return None
        quote = str(params.get("source_text") or "")
        ip = it.interpretation("transmission_interval_below_s")
        if ip is not None:
            quote = ip.source_text
        c = item_conditions(params, self.f.trajectories, quote)
        if c.outcome == "met":
            return _Evidence(True, c.words, decisive=True)
        return _Evidence(False, f"item {it.item}: {c.words}", review=c.outcome == "unknown")

    def _category_evidence(self, it: Item) -> list[dict[str, Any]]:
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
                    out.append(category_entry(c))
        return out

    def _export_control_evidence(self, it: Item) -> list[dict[str, Any]]:
        found = self.f.export_control_codes
        if not found:
            return []
        listed = set(it.evidence.export_control_codes) | set(EXPORT_CONTROL_CODE.findall(it.description))
        names = set()
        if self._rule is not None:
            names = {
                self._rule.category(c).name
                for c in it.evidence.categories
                if any(c == x.code for x in self._rule.subcategories())
            }
        by_category = bool(names & set(EXPORT_CONTROL_CATEGORIES))
        out = []
        for code, where in sorted(found.items()):
            if code in listed or by_category:
                out.append(export_control_entry(code, where))
        return out

    # -- thresholds --

    def _thresholds(self, it: Item) -> _Band:
        """The item's bands against the persons counted under its counting rule."""
        rule, origin = self.counting_rule(it)
        cumulative = rule is not None and rule.cumulative_from is not None
        if not it.thresholds:
            return self._indicative(it, cumulative)
        if rule is not None and rule.unit != COUNTED_UNIT:
            return _Band(
                False,
                self._query(it),
                f"the item counts by {rule.unit} 「{rule.source_text.strip()}」; "
                "chujing counts natural persons: a person must count",
                "review",
                review_kind="counting_unit",
            )
        words: list[str] = []
        applied: list[Threshold] = []
        for th in it.thresholds:
            skip = self._scope_skip(th)
            if skip:
                words.append(skip)
                continue
            mods = th.modalities or list(self._item_modalities(it))
            if self.modality is not None and mods and self.modality not in mods:
                words.append(
                    f"「{th.source_text}」 is for {'/'.join(mods)} data, not {self.modality}: not applied"
                )
                continue
            applied.append(th)
        if not applied:
            scoped = [th for th in it.thresholds if th.applies_to is not None]
            if scoped and self.modality is None:
                words.append(
                    "the item gives no number for the data found: a person must judge whether it is this "
                    "item's data and reaches its scale"
                )
                return _Band(False, self._query(it), "; ".join(words), "review", review_kind="scale")
            return _Band(False, self._query(it, it.thresholds[0]), "; ".join(words), "threshold")
        met: list[tuple[Threshold, PersonQuery, str]] = []
        for th in applied:
            if th.pi == "sensitive" and not self._has_sensitive(it):
                words.append(f"「{th.source_text}」 needs sensitive PI and the findings hold none")
                continue
            q = self._query(it, th)
            count = self.persons.count(q)
            n = count.total if cumulative else count.this_export
            band = _band(th)
            if th.modalities:
                band += f" (for {'/'.join(th.modalities)} data)"
            if th.applies_to is not None:  # the persons' words name the entities; the band quotes the words
                band += f" (for 「{th.applies_to.source_text}」)"
            how = self._count_words(q, count, cumulative)
            if th.met_by(n):
                met.append((th, q, f"{how}: within {band} 「{th.source_text}」"))
            else:
                words.append(f"{how}: outside {band} 「{th.source_text}」")
        if not met:
            return _Band(False, self._query(it, applied[0]), "; ".join(words), "threshold")
        counted = self._counting_words(rule, origin) if rule is not None else ""
        said = "; ".join([w for _, _, w in met] + ([counted] if counted else []))
        mods = tuple(
            dict.fromkeys(m for th, _, _ in met for m in (th.modalities or self._item_modalities(it)))
        )
        return _Band(True, met[0][1], said, "threshold", modalities=mods)

    def _query(self, it: Item, th: Threshold | None = None) -> PersonQuery:
        """Which persons a band of ``it`` counts: its PI kind, its scoped data, the list's definitions, its scope."""
        sc = th.applies_to if th is not None else None
        return PersonQuery(
            kind=th.pi if th is not None else "any",
            elements=frozenset(sc.entities) if sc is not None else frozenset(),
            sensitive_elements=self._sensitive_elements(it),
            scope=self._scope(it, th),
        )

    def _scope(self, it: Item, th: Threshold | None = None) -> ExportScope:
        """The exports of the year that accumulate toward ``it``: its subjects, and its scenarios when exclusive.

        累计向境外提供5万人以上的受试者个人信息 accumulates trial subjects exported in
        临床试验/药物研发, not every person exported this year.  An open item (包括但不
        限于) or a catch-all names no closed set of scenarios: all exports count.
        """
        sc = th.applies_to if th is not None else None
        subjects = sc.subjects if sc is not None and sc.subjects else it.subjects
        scenarios = it.scenarios.ids if it.scenarios.mode == "exclusive" else []
        return ExportScope(frozenset(scenarios) or None, frozenset(subjects) or None)

    def _count_words(self, q: PersonQuery, count: Count, cumulative: bool) -> str:
        """``12,000 persons with sensitive PI (2,000 in this export + 10,000 earlier this year in …)``."""
        who = _persons_words(q, self.vocab)
        if not cumulative:
            return f"{count.this_export:,} {who}"
        return (
            f"{count.total:,} {who} ({count.this_export:,} in this export + {count.prior_this_year:,} earlier "
            f"this year{_scope_accumulation_words(q.scope, self.vocab)}, 自当年1月1日起累计)"
        )

    def _indicative(self, it: Item, cumulative: bool) -> _Band:
        """An item without thresholds: the numbers its description names, if any."""
        indicative = it.evidence.indicative
        persons = [x for x in indicative if x.measure == "persons"]
        q = self._query(it)
        count = self.persons.count(q)
        n = count.total if cumulative else count.this_export
        for x in persons:
            if x.met_by(n):
                return _Band(
                    True, q, f"{n:,} persons reach the scale the item names 「{x.source_text}」", "indicative"
                )
        for x in indicative:
            if (
                x.measure == "vehicles"
                and "GEO_COORDINATE" in it.evidence.entities
                and self.f.hits("GEO_COORDINATE")
            ):
                reached, said = vehicle_scale(x, self.f.trajectories)
                if reached:
                    return _Band(True, q, said, "indicative")
                return _Band(
                    False,
                    q,
                    f"{said}; the item's other measures (一定里程, 覆盖度) are for a person to judge",
                    "review",
                    review_kind="scale",
                )
        others = [x for x in indicative if x.measure != "persons"]
        if others:
            said = "; ".join(f"「{x.source_text}」" for x in others)
            return _Band(
                False,
                q,
                f"the item's scale is not a count of persons ({said}): a person must check it",
                "review",
                review_kind="scale",
            )
        if persons:
            return _Band(
                False,
                q,
                f"{n:,} persons: below the scale the item names 「{persons[0].source_text}」",
                "indicative",
            )
        if UNDEFINED_SCALE.search(it.name):
            return _Band(
                False,
                q,
                (
                    "the item names a scale without a number (「一定规模」): whether this data "
                    "reaches it is for a person to judge"
                ),
                "review",
                review_kind="scale",
            )
        return _Band(True, q, "the item sets no person threshold", "none")

    def _scope_skip(self, th: Threshold) -> str:
        """Why a scoped threshold does not apply to these findings ('' when it applies)."""
        sc = th.applies_to
        if sc is None:
            return ""
        if sc.subjects and self.subject is not None and self.subject not in sc.subjects:
            names = ", ".join(self.vocab.subject_label(x) for x in sc.subjects)
            return f"「{th.source_text}」 is for {names}, not {self.vocab.subject_label(self.subject)}: not applied"
        if not (sc.entities or sc.categories):
            return ""
        if any(self.f.hits(e) for e in sc.entities) or any(
            c.code in sc.categories and c.rule == LIST_CATEGORY_RULE for c in self.f.categories
        ):
            return ""
        return f"「{th.source_text}」 is for {self._scope_words(th)}, which the findings do not hold: not applied"

    def _scope_words(self, th: Threshold) -> str:
        sc = th.applies_to
        if sc is None:
            return "the whole item"
        parts = [
            *sc.entities,
            *(f"sub-category {c}" for c in sc.categories),
            *(self.vocab.subject_label(x) for x in sc.subjects),
        ]
        return f"{', '.join(parts)} 「{sc.source_text}」"

    @staticmethod
    def _counting_words(rule: CountingRule, origin: str) -> str:
        where = {
            "item": "the item's own counting rule",
            "list": "the list's counting rule",
            "default": "the default counting rule",
        }.get(origin, "counting rule")
        unit = "natural persons, de-duplicated" if rule.unit == COUNTED_UNIT else rule.unit
        since = f"cumulative from {rule.cumulative_from}" if rule.cumulative_from else "this export alone"
        out = f"counted by {where}: {unit}, {since}"
        if rule.excluded_cases:
            out += f"; not counted (the counts are taken to leave them out): {', '.join(rule.excluded_cases)}"
        return out

    # -- list notes --

    def notes(self) -> list[str]:
        out = []
        if self.f.export_control_codes:
            codes = ", ".join(sorted(self.f.export_control_codes))
            for n in self.nl.notes:
                if n.applies == "export_control":
                    out.append(
                        f"{self.nl.id} note {n.note}: technology-catalogue code(s) {codes} found; where an "
                        f"export licence is required this list does not apply: 「{n.source_text}」"
                    )
        return out


def _persons_words(q: PersonQuery, vocab: Any) -> str:
    """Which persons a query counts, in words.

    >>> from catalog.vocabulary import canonical_vocabulary
    >>> _persons_words(PersonQuery("general"), canonical_vocabulary())
    'persons whose general PI leaves (those with sensitive PI too)'
    >>> _persons_words(PersonQuery("sensitive", elements=frozenset({"BIOMETRIC"})), canonical_vocabulary())
    'persons with sensitive PI, among those with BIOMETRIC'
    """
    who = {
        "any": "persons",
        "sensitive": "persons with sensitive PI",
        "general": "persons whose general PI leaves (those with sensitive PI too)",
    }[q.kind]
    if q.elements:
        els = ", ".join(sorted(q.elements))
        who += f" with {els}" if q.kind == "any" else f", among those with {els}"
    if q.sensitive_elements and q.kind != "any":
        who += f" ({', '.join(sorted(q.sensitive_elements))} sensitive as the list defines)"
    return who


def _zh(terms: Any, key: str) -> str:
    """The Chinese name of a scenario or subject id (the id itself when unknown)."""
    t = terms.get(key)
    return t.name if t is not None else key


def _scope_accumulation_words(scope: ExportScope | None, vocab: Any) -> str:
    """`` in exports of 受试者 in 临床试验/药物研发`` — which earlier exports were added ('' for all of them)."""
    if scope is None or (scope.scenarios is None and scope.subjects is None):
        return ""
    out = " in exports"
    if scope.subjects:
        out += f" of {'/'.join(_zh(vocab.subjects, s) for s in sorted(scope.subjects))}"
    if scope.scenarios:
        out += f" in {'/'.join(_zh(vocab.scenarios, s) for s in sorted(scope.scenarios))}"
    return out


def _query_dict(q: PersonQuery, vocab: Any) -> dict[str, Any]:
    """Which persons a hit counted, for JSON: the query and the same in words."""
    scope = q.scope or ExportScope()
    return {
        "kind": q.kind,
        "elements": sorted(q.elements),
        "sensitive_elements": sorted(q.sensitive_elements),
        "scope": {
            "scenarios": sorted(scope.scenarios) if scope.scenarios is not None else None,
            "subjects": sorted(scope.subjects) if scope.subjects is not None else None,
        },
        "words": _persons_words(q, vocab) + _scope_accumulation_words(q.scope, vocab),
    }


def _narrowing_words(excluded: list[tuple[str, list[EntityHit]]]) -> str:
    """An important-data item's exclusion narrows its definition: the rest of the data still counts."""
    seen = ", ".join(dict.fromkeys(h.describe() for _, hs in excluded for h in hs))
    quote = "; ".join(f"「{t}」" for t in dict.fromkeys(t for t, _ in excluded))
    return f"{seen}: not part of this item's data {quote}"


def _only_minors_carry(persons: PersonCounts, entities: Iterable[str]) -> bool:
    """Whether the persons carrying ``entities`` in this export are all under 14 (and there are some).

    >>> p = PersonCounts({frozenset({"CN_PERSON_NAME", MINOR}): 5})
    >>> _only_minors_carry(p, ["CN_PERSON_NAME"]), _only_minors_carry(PersonCounts(), ["CN_PERSON_NAME"])
    (True, False)
    """
    wanted = set(entities)
    carriers = [
        sig for sig, n in persons.this_export.items() if n > 0 and {e.split(":", 1)[0] for e in sig} & wanted
    ]
    return bool(carriers) and all(MINOR in sig for sig in carriers)


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
