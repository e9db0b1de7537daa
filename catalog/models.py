"""Pydantic models of the catalogue YAML contract (``schema: chujing.catalog/1``).

Two kinds of document: a ``negative_list`` (a sector's data-export negative list:
tiers, numbered items, notes) and a ``reference_rule`` (a data classification
and grading reference rule: the unified important-data identification rule and
the category catalogue).  The Chinese ``source_text`` of every entry is the
source of truth; English fields are working translations.

Unknown keys are refused (``extra="forbid"``): in a hand-written regulation file
a misspelt key (``threshold:`` for ``thresholds:``) would otherwise be dropped
silently and an item would lose its numbers.  Optional keys the contract
documents have defaults.  Checks that need more than one entry (item numbers,
links, vocabulary) live in :mod:`catalog.loader`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from connectors.errors import ChujingError

CATALOG_SCHEMA = "chujing.catalog/1"

Route = Literal["security_assessment", "standard_contract_or_certification", "other_lawful_route"]
PiKind = Literal["any", "general", "sensitive"]
Text = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1)]
DocId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Kebab = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]
CategoryCode = Annotated[str, StringConstraints(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- common header ----------------------------------------------------------------------------------


class Provenance(_Strict):
    seed: str | None = None
    translation_seed: str | None = None
    notes: str | None = None


class VocabularyTerm(_Strict):
    name: Text
    name_en: Text


class VocabularyExtension(_Strict):
    """Scenario and subject ids a file adds beyond the canonical vocabulary."""

    scenarios: dict[Kebab, VocabularyTerm] = Field(default_factory=dict)
    subjects: dict[Kebab, VocabularyTerm] = Field(default_factory=dict)


class _Header(_Strict):
    schema_: Literal["chujing.catalog/1"] = Field(alias="schema")
    id: DocId
    version: Text
    title: Text
    title_en: Text
    jurisdiction: Kebab  # jiangsu-ftz | shanghai-ftz | unnamed-ftz, or another FTZ's id for a user list
    provenance: Provenance = Field(default_factory=Provenance)
    vocabulary: VocabularyExtension = Field(default_factory=VocabularyExtension)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- negative lists ---------------------------------------------------------------------------------


class Tier(_Strict):
    tier: Text
    route: Route
    name: Text
    name_en: Text
    source_text: Text


class CountingRule(_Strict):
    """How persons are counted against an item's thresholds (个人信息计算数量…).

    ``cumulative_from`` (``"01-01"``: 自当年1月1日起累计) adds persons exported
    earlier this year; ``None`` counts this export alone.  ``unit`` is what one
    counts: ``natural_person`` (以自然人为单位去重) is the only unit a scan's
    person counts measure, so an item counted in anything else goes to manual
    review.  ``excluded_cases`` are the exports that are not counted (属于…规定情形的，
    不计入累计数量); a scan cannot see them, so the counts given are taken to
    exclude them and the reason says so.  A list carries its common rule; an item
    whose text words it differently (banking items 4–7 and 9–12 also leave out
    行业标准规范或指导文件规定情形) carries its own, which wins.
    """

    cumulative_from: (
        Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")] | None
    ) = None
    unit: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")] = "natural_person"
    excluded_cases: list[str] = Field(default_factory=list)
    source_text: Text


class Scenarios(_Strict):
    """Where an item applies.

    ``exclusive`` (仅限于): only in the listed scenarios.  ``open`` (包括但不限于 /
    包括…以及涉及此类数据的其他场景): in the listed ones and wherever the data
    appears.  ``all`` (所有场景).  ``all_except`` (除第…项涉及场景以外的其他场景):
    a catch-all for scenarios the excepted items do not cover.
    """

    mode: Literal["exclusive", "open", "all", "all_except"]
    ids: list[Kebab] = Field(default_factory=list)
    except_items: list[int] = Field(default_factory=list)
    source_text: str | None = None

    @model_validator(mode="after")
    def _mode_fits(self) -> Scenarios:
        if self.mode == "exclusive" and not self.ids:
            raise ValueError("mode 'exclusive' needs the scenario ids it is limited to")
        if self.mode == "all_except" and not self.except_items:
            raise ValueError("mode 'all_except' needs except_items (the items whose scenarios are excepted)")
        if self.mode in ("all", "all_except") and self.ids:
            raise ValueError(f"mode '{self.mode}' takes no scenario ids (ids: [])")
        if self.mode != "all_except" and self.except_items:
            raise ValueError("except_items only go with mode 'all_except'")
        return self


class ExcludedElement(_Strict):
    """An element the item leaves out (不包括患者的真实姓名和联系方式), with the entities that reveal it.

    ``subjects`` are the persons whose element it is (患者: ``[patient]``); an
    exclusion applies only to them.  Jiangsu items 11 and 18 leave out patients'
    names but include 不满十四周岁未成年人个人信息 in full, so minors' names do not
    take the data out of the item.  Empty: anyone's.
    """

    id: Kebab
    entities: list[EntityId] = Field(default_factory=list)
    subjects: list[Kebab] = Field(default_factory=list)
    source_text: Text


class Requirement(_Strict):
    """A condition the item's data must meet, which a scan can check.

    Pharma items 6 and 11 read 「患者个人信息应为去标识化的个人信息」: patients' data
    that still carries direct identifiers (``not_met_by``: names, ID numbers,
    phone numbers …) is not the item's data, and the item does not apply.
    ``subjects`` are the persons the condition is about (empty: anyone).
    ``reading`` says how chujing turns the words into entities, for counsel.
    """

    id: Kebab
    source_text: Text
    subjects: list[Kebab] = Field(default_factory=list)
    not_met_by: list[EntityId] = Field(min_length=1)
    reading: Text
    status: Literal["working_reading", "confirmed"] = "working_reading"
    confirm_with: str | None = None


class Elements(_Strict):
    included: list[Kebab] = Field(default_factory=list)
    included_text: str | None = None
    excluded: list[ExcludedElement] = Field(default_factory=list)
    exclusion_conditions: list[str] = Field(default_factory=list)  # carve-outs a scan cannot check
    requirements: list[Requirement] = Field(default_factory=list)  # conditions a scan can check


class SensitiveDefinition(_Strict):
    """Elements a list calls sensitive personal information within its scope, beyond mapping.yaml's classes.

    Retail items 2 and 5 define members' sensitive PI as including
    「常用设备信息（仅MAC地址和设备序列号）」, though GB/T 35273-2020 Table B.1 lists
    a device's MAC address among general PI: within those items a MAC address is
    sensitive, and a member with a MAC address is counted among the persons with
    sensitive PI.  The list's words win over the generic class, in its scope only.

    On an item, the definition is for that item.  On a list, ``items`` names the
    items whose scope it is (empty: every item).  ``modalities`` limits it to
    content types (AI training data: 音频标签数据（省份、民族、性别） is for audio).
    Where the words need a reading (which entities stand for them), ``reading``
    says which and ``status``/``confirm_with`` say who should confirm it; every
    reason that relies on the definition quotes it.
    """

    entities: list[EntityId] = Field(min_length=1)
    source_text: Text
    items: list[int] = Field(default_factory=list)
    modalities: list[Kebab] = Field(default_factory=list)
    reading: str | None = None
    status: Literal["literal", "working_reading", "confirmed"] = "literal"
    confirm_with: str | None = None

    @model_validator(mode="after")
    def _reading_given(self) -> SensitiveDefinition:
        if self.status != "literal" and not self.reading:
            raise ValueError(f"status '{self.status}' needs the reading it qualifies (reading: …)")
        return self


class Indicative(_Strict):
    """A number named in an item's description without being its threshold ("一定规模": 10 万人以上的病案).

    ``measure`` says what is counted: ``persons`` (the evaluator checks it) or
    anything else a scan cannot count (``vehicles``, ``customs_declarations_per_year``
    …), which sends the item to manual review.  ``min`` is inclusive (以上),
    ``above`` strict (超过), ``below`` exclusive (不满).
    """

    measure: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")] = "persons"
    min: float | None = None
    above: float | None = None
    below: float | None = None
    source_text: Text

    def met_by(self, n: float) -> bool:
        return (
            (self.min is None or n >= self.min)
            and (self.above is None or n > self.above)
            and (self.below is None or n < self.below)
        )


class Evidence(_Strict):
    """What in a scan suggests that an item's data is present."""

    entities: list[EntityId] = Field(default_factory=list)
    categories: list[CategoryCode] = Field(default_factory=list)
    pi: Literal["any", "general", "sensitive", "none"] = "any"
    indicative: list[Indicative] = Field(default_factory=list)
    export_control_codes: list[str] = Field(
        default_factory=list
    )  # technology-catalogue codes that evidence it


class ThresholdScope(_Strict):
    """The part of an item a threshold is for, when the item names several numbers for several kinds of data.

    Medical-devices item 2 reads 10万人以上的群体诊疗、健康生理状况…；1万人以上的…生物特征数据，
    医疗资源数据: the 1万 band is for biometric data only, so diagnoses of 20,000
    persons must not meet it.  A scoped threshold is applied only when the
    findings hold its data: one of ``entities``, or one of ``categories``
    (reference-rule sub-category codes), or — for a threshold scoped to data
    subjects — when the export's subject is one of ``subjects`` (or not given).
    ``elements`` name the item's ``elements.included`` ids it covers, for readers;
    ``source_text`` quotes the words of the item that scope it.
    """

    elements: list[Kebab] = Field(default_factory=list)
    entities: list[EntityId] = Field(default_factory=list)
    categories: list[CategoryCode] = Field(default_factory=list)
    subjects: list[Kebab] = Field(default_factory=list)
    source_text: Text

    @model_validator(mode="after")
    def _something(self) -> ThresholdScope:
        if not (self.entities or self.categories or self.subjects):
            raise ValueError(
                "a threshold scope needs entities, categories or subjects (what in a scan shows its data)"
            )
        return self


class Threshold(_Strict):
    """Persons counted for one kind of PI: ``min`` inclusive (以上), ``below`` exclusive (不满).

    ``applies_to`` scopes the band to part of the item (see :class:`ThresholdScope`);
    without it the band is for the whole item.  ``modalities`` (AI training data)
    names the content types the band is for (音频、图像 vs 文本), which a column
    scan cannot tell: the evaluator asks for review unless the modality is declared.
    """

    pi: PiKind
    min: int | None = None
    below: int | None = None
    source_text: Text
    modalities: list[Kebab] = Field(
        default_factory=list
    )  # AI training data: audio/image/text the band is for
    applies_to: ThresholdScope | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Threshold:
        if self.min is None and self.below is None:
            raise ValueError("a threshold needs min or below")
        if self.min is not None and self.below is not None and self.min >= self.below:
            raise ValueError(f"min ({self.min}) must be smaller than below ({self.below})")
        return self

    def met_by(self, count: int) -> bool:
        """True when ``count`` persons fall in the band (``min`` ≤ count < ``below``).

        >>> Threshold(pi="any", min=10000, below=50000, source_text="1万人以上且不满5万人").met_by(49999)
        True
        >>> Threshold(pi="any", min=10000, below=50000, source_text="1万人以上且不满5万人").met_by(50000)
        False
        """
        if self.min is not None and count < self.min:
            return False
        return not (self.below is not None and count >= self.below)


class Interpretation(_Strict):
    """chujing's working reading of wording a scan must turn into a number, kept beside the words.

    The automotive lists' 平面精度不优于10米(不含10米)的车辆行踪轨迹 reads literally
    "planar precision not better than 10 m, 10 m excluded"; chujing reads it as
    trajectories whose coordinates resolve coarser than 10 m.  A reading that is not
    ``confirmed`` is shown in every reason that relies on it, so nobody mistakes
    it for the text.  ``parameter`` names the key of ``parameters`` it sets.
    """

    parameter: str | None = None
    scenario_ids: list[Kebab] = Field(default_factory=list)  # scenario ids the reading maps the words to
    source_text: Text  # the words read, verbatim from the item
    literal_en: str = ""  # what the words say, translated literally
    reading: Text  # the working reading, in English
    status: Literal["working_reading", "confirmed"] = "working_reading"
    confirm_with: str | None = None  # who should confirm it (counsel)


class Link(_Strict):
    item: int
    relation: Literal["upper_band_of", "lower_band_of", "catch_all_for", "see_also"]


class Item(_Strict):
    item: int
    tier: Text
    route: Route
    data_category: Text
    data_kind: Literal["important_data", "personal_information", "sensitive_personal_information"]
    name: Text
    name_en: Text
    description: str = ""
    description_en: str = ""
    scenarios: Scenarios
    subjects: list[Kebab] = Field(default_factory=list)
    subjects_text: str | None = None
    elements: Elements = Field(default_factory=Elements)
    evidence: Evidence = Field(default_factory=Evidence)
    thresholds: list[Threshold] = Field(default_factory=list)
    counting: Literal["cumulative_calendar_year", "none"] = "none"
    counting_rule: CountingRule | None = None  # an item-level rule that overrides the list's
    links: list[Link] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)  # e.g. {trajectory_precision_m: 10}
    interpretations: list[Interpretation] = Field(default_factory=list)
    sensitive_elements: list[SensitiveDefinition] = Field(default_factory=list)
    source_text: Text

    @model_validator(mode="after")
    def _definitions_are_the_items(self) -> Item:
        if any(d.items for d in self.sensitive_elements):
            raise ValueError(
                "sensitive_elements on an item are for that item: leave out items: (use the list's)"
            )
        return self

    def interpretation(self, parameter: str) -> Interpretation | None:
        """The reading recorded for ``parameters[parameter]``, if any."""
        return next((i for i in self.interpretations if i.parameter == parameter), None)


class Note(_Strict):
    note: int
    source_text: Text
    text_en: str = ""
    applies: Literal["scope", "definition", "export_control", "counting", "cross_reference", "other"] = (
        "other"
    )
    export_control_codes: list[str] = Field(default_factory=list)


class NegativeList(_Header):
    kind: Literal["negative_list"]
    sector: Kebab
    sector_name: Text
    sector_name_en: Text
    tiers: list[Tier] = Field(min_length=1)
    counting_rule: CountingRule | None = None
    sensitive_elements: list[SensitiveDefinition] = Field(default_factory=list)
    items: list[Item] = Field(min_length=1)
    notes: list[Note] = Field(default_factory=list)

    def item(self, number: int) -> Item:
        """The item numbered ``number`` (KeyError when the list has none)."""
        for it in self.items:
            if it.item == number:
                return it
        raise KeyError(f"{self.id} has no item {number}")

    def sensitive_definitions(self, it: Item) -> list[SensitiveDefinition]:
        """The definitions of sensitive PI in force for item ``it``: the list's for it, then its own."""
        return [d for d in self.sensitive_elements if not d.items or it.item in d.items] + list(
            it.sensitive_elements
        )


# --- reference rules --------------------------------------------------------------------------------


class Criterion(_Strict):
    """One quantitative test of the identification rule.

    ``above`` is strictly greater (超过); ``min`` is inclusive (以上, PRC legal
    usage counts the number itself).  The contract documents ``above``; ``min``
    is accepted for clauses worded 以上.
    """

    measure: Literal["persons_pi", "persons_sensitive_pi", "persons_sensitive_pi_with_accounts_or_diagnosis"]
    above: int | None = None
    min: int | None = None
    operator_type: Literal["any", "ciio"] = "any"
    pi: PiKind | None = None  # which persons are counted (defaults by measure)
    elements: list[Kebab] = Field(default_factory=list)  # data elements the clause names (…账户、诊疗数据等)
    entities: list[EntityId] = Field(default_factory=list)  # chujing entities that reveal those elements
    source_text: str = ""

    @model_validator(mode="after")
    def _one_bound(self) -> Criterion:
        if (self.above is None) == (self.min is None):
            raise ValueError("a criterion needs exactly one of above (超过) or min (以上)")
        return self

    def met_by(self, count: int) -> bool:
        return count > self.above if self.above is not None else count >= (self.min or 0)

    def bound_text(self) -> str:
        return f"> {self.above:,}" if self.above is not None else f"≥ {self.min:,}"


class Clause(_Strict):
    clause: int
    source_text: Text
    text_en: str = ""
    applies: Literal["scope", "threshold", "qualitative", "other"] | None = None
    criteria: list[Criterion] = Field(default_factory=list)


class IdentificationRule(_Strict):
    name: Text
    name_en: str = ""
    source_text: str = ""
    clauses: list[Clause] = Field(min_length=1)


class ExampleCell(_Strict):
    """A merged 重要数据识别参考规则（示例） cell of the published table, whole, with the codes it spans."""

    codes: list[CategoryCode] = Field(min_length=1)
    seed_lines: list[int] = Field(default_factory=list)
    source_text: Text


class Article(_Strict):
    """An article of the measures the rule is annexed to (Art. 17, 23, 24 … are cited in reports).

    ``topics`` are stable ids (``important_data_declaration``, ``export_control`` …)
    so the same provision is found in another region's measures under its own number.
    """

    article: int
    topics: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]] = Field(
        default_factory=list
    )
    source_text: Text
    text_en: str = ""


class Category(_Strict):
    code: CategoryCode
    level: Literal[1, 2]
    parent: CategoryCode | None = None
    name: Text
    name_en: Text
    description: str = ""
    description_en: str = ""
    examples: str = ""
    examples_en: str = ""
    source_text: Text

    @model_validator(mode="after")
    def _parent(self) -> Category:
        if self.level == 2 and not self.parent:
            raise ValueError("a level-2 category needs its level-1 parent code")
        return self


class ReferenceRule(_Header):
    kind: Literal["reference_rule"]
    measures_title: str | None = None  # the measures (管理办法) the rule is annexed to
    measures_title_en: str | None = None
    identification_rule: IdentificationRule
    categories: list[Category] = Field(min_length=1)
    example_cells: list[ExampleCell] = Field(default_factory=list)
    articles: list[Article] = Field(default_factory=list)

    def article_on(self, topic: str, containing: str = "") -> Article | None:
        """The article tagged with ``topic`` (e.g. ``export_control``), preferring one whose text contains
        ``containing`` (Jiangsu Arts. 4 and 17 both concern declaring important data; Art. 17's
        告知或者公开发布 is the operative one); None when the file quotes none."""
        arts = [a for a in self.articles if topic in a.topics]
        return next(
            (a for a in arts if containing and containing in a.source_text), arts[0] if arts else None
        )

    def category(self, code: str, level: int = 2) -> Category:
        for c in self.categories:
            if c.code == code and c.level == level:
                return c
        raise KeyError(f"{self.id} has no level-{level} category {code!r}")

    def subcategories(self) -> list[Category]:
        return [c for c in self.categories if c.level == 2]


Document = NegativeList | ReferenceRule


# --- reading YAML and reporting problems ------------------------------------------------------------


class CatalogError(ChujingError):
    """One or more problems in catalogue files, one line each (file: entry: field: message)."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses ~8x faster when present


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses duplicate mapping keys.

    PyYAML keeps the last of two equal keys; in a regulation file that silently
    drops the first value (two ``thresholds:`` blocks, one lost).
    """


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            continue  # the default constructor reports unhashable keys itself
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(data: bytes, name: str) -> Any:
    r"""Parse YAML bytes safely; a syntax error or a duplicate key raises :class:`CatalogError`.

    >>> parse_yaml(b"a: 1\nb: [x]\n", "f.yaml")
    {'a': 1, 'b': ['x']}
    >>> parse_yaml(b"a: 1\na: 2\n", "f.yaml")
    Traceback (most recent call last):
    ...
    catalog.models.CatalogError: f.yaml: line 2: duplicate key 'a' (first at line 1)
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError([f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"]) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise CatalogError([f"{name}: {where}{what}"]) from None
    except yaml.YAMLError as exc:
        raise CatalogError([f"{name}: invalid YAML: {' '.join(str(exc).split())}"]) from None


#: How a list entry is named in messages: the key holding its own number and the label to print.
_ENTRY_LABELS: dict[str, tuple[str, str]] = {
    "items": ("item", "item"),
    "notes": ("note", "note"),
    "tiers": ("tier", "tier"),
    "categories": ("code", "category"),
    "clauses": ("clause", "clause"),
    "articles": ("article", "article"),
}


def entry_label(raw: Any, loc: Sequence[str | int]) -> tuple[str, list[str | int]]:
    """Split a validation location into the entry's name and the field path inside it.

    ``("items", 7, "thresholds", 0, "min")`` becomes ``("item 8", ["thresholds", 0, "min"])``
    when ``items[7]`` says ``item: 8``; without a usable number it stays ``items[7]``.

    >>> entry_label({"items": [{"item": 8}]}, ("items", 0, "route"))
    ('item 8', ['route'])
    >>> entry_label({"items": [{"item": "8"}]}, ("items", 0, "route"))
    ('items[0]', ['route'])
    >>> entry_label({}, ("title_en",))
    ('', ['title_en'])
    """
    loc = list(loc)
    node: Any = raw
    for i, part in enumerate(loc[:-1]):
        nxt = loc[i + 1]
        if isinstance(part, str) and part in _ENTRY_LABELS and isinstance(nxt, int):
            key, label = _ENTRY_LABELS[part]
            entries = node.get(part) if isinstance(node, dict) else None
            entry = entries[nxt] if isinstance(entries, list) and 0 <= nxt < len(entries) else None
            own = entry.get(key) if isinstance(entry, dict) else None
            usable = (isinstance(own, int) and not isinstance(own, bool)) or (
                key in ("tier", "code") and isinstance(own, str) and own != ""
            )
            name = f"{label} {own}" if usable else None
            return (name or f"{part}[{nxt}]"), loc[i + 2 :]
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return "", loc


def field_path(parts: Sequence[str | int]) -> str:
    """``["thresholds", 0, "min"]`` → ``thresholds[0].min``.

    >>> field_path(["thresholds", 0, "min"]), field_path([])
    ('thresholds[0].min', '')
    """
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def problem(name: str, entry: str, field: str, message: str) -> str:
    """One problem line: ``file: entry: field: message`` (empty parts left out)."""
    return ": ".join(p for p in (name, entry, field, message) if p)


def validation_problems(exc: ValidationError, raw: Any, name: str) -> list[str]:
    """Turn a pydantic error into one line per problem naming file, entry and field."""
    out = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        entry, rest = entry_label(raw, loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (a typo? the catalogue schema has no such field)"
        out.append(problem(name, entry, field_path(rest), msg))
    return out


def validate_document(raw: Any, name: str, *, kinds: dict[str, type[BaseModel]] | None = None) -> Document:
    """Validate parsed YAML as a catalogue document, or raise :class:`CatalogError`."""
    kinds = kinds or {"negative_list": NegativeList, "reference_rule": ReferenceRule}
    if not isinstance(raw, dict):
        raise CatalogError(
            [f"{name}: expected a mapping at the top (schema:, id:, kind: …), got {type(raw).__name__}"]
        )
    kind = raw.get("kind")
    model = kinds.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise CatalogError([problem(name, "", "kind", f"{kind!r} is not one of {', '.join(sorted(kinds))}")])
    try:
        return model.model_validate(raw)  # type: ignore[return-value]
    except ValidationError as exc:
        raise CatalogError(validation_problems(exc, raw, name)) from None
