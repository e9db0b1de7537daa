"""The canonical vocabulary: scenario, subject and entity ids with their Chinese and English names.

Negative lists say *where* an item applies (business scenarios such as 药物警戒)
and *whose* data it covers (data subjects such as 受试者).  Catalogue files,
the evaluator and the CLI refer to both by stable kebab-case ids defined once in
``catalog/data/vocabulary.yaml``; a list may add ids of its own in its
``vocabulary:`` block.  Entity ids are the recognizers' entity types.

>>> v = canonical_vocabulary()
>>> v.scenario_label("pharmacovigilance")
'药物警戒 (Pharmacovigilance)'
>>> "CN_RESIDENT_ID" in v.entities, "clinical-trial" in v.scenarios
(True, True)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Literal

from pydantic import Field, ValidationError

from catalog.models import (
    CatalogError,
    Kebab,
    VocabularyExtension,
    VocabularyTerm,
    _Strict,
    parse_yaml,
    validation_problems,
)

VOCABULARY_FILE = "vocabulary.yaml"


class Vocabulary(_Strict):
    """Ids and names.  ``extend`` returns a new vocabulary with a file's additions."""

    schema_: Literal["chujing.vocabulary/1"] = Field(alias="schema", default="chujing.vocabulary/1")
    scenarios: dict[Kebab, VocabularyTerm]
    subjects: dict[Kebab, VocabularyTerm]
    entities: dict[str, VocabularyTerm]

    def extend(self, extensions: Iterable[VocabularyExtension]) -> Vocabulary:
        scenarios, subjects = dict(self.scenarios), dict(self.subjects)
        for ext in extensions:
            scenarios.update(ext.scenarios)
            subjects.update(ext.subjects)
        return self.model_copy(update={"scenarios": scenarios, "subjects": subjects})

    def scenario_label(self, sid: str) -> str:
        return _label(self.scenarios, sid)

    def subject_label(self, sid: str) -> str:
        return _label(self.subjects, sid)

    def entity_label(self, eid: str) -> str:
        return _label(self.entities, eid)


def _label(terms: Mapping[str, VocabularyTerm], key: str) -> str:
    t = terms.get(key)
    return f"{t.name} ({t.name_en})" if t else key


@functools.lru_cache(maxsize=1)
def canonical_vocabulary() -> Vocabulary:
    """The built-in vocabulary (read once; the models are immutable)."""
    name = f"catalog/data/{VOCABULARY_FILE}"
    data = resources.files("catalog").joinpath("data").joinpath(VOCABULARY_FILE).read_bytes()
    raw = parse_yaml(data, name)
    try:
        return Vocabulary.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(validation_problems(exc, raw, name)) from None


def extension_conflicts(ext: VocabularyExtension, canonical: Vocabulary) -> list[tuple[str, str]]:
    """(field, message) for ids a file's ``vocabulary`` block redefines from the canonical set.

    A list that needs 药物警戒 must use the canonical ``pharmacovigilance`` rather
    than define its own, or the evaluator would treat them as two scenarios.
    """
    out = []
    for kind, mine, theirs in (
        ("scenarios", ext.scenarios, canonical.scenarios),
        ("subjects", ext.subjects, canonical.subjects),
    ):
        for key in mine:
            if key in theirs:
                out.append(
                    (
                        f"vocabulary.{kind}.{key}",
                        f"'{key}' is already a canonical {kind[:-1]} id; use it without redefining it",
                    )
                )
    return out
