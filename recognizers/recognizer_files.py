"""Recognizer files: Presidio's YAML recognizer format as it is, with optional chujing keys.

A file a team already feeds to Presidio (``RecognizerRegistry.add_recognizers_from_yaml``)
loads unchanged::

    recognizers:
      - name: Employee ID recognizer
        supported_language: zh
        supported_entity: EMPLOYEE_ID
        patterns:
          - {name: "employee id (medium)", regex: "\\\\bEMP-\\\\d{6}\\\\b", score: 0.6}
        context: [工号, employee]
        # chujing's optional keys:
        pi_class: general              # general | sensitive: how the catalogue classes a type it does not know
        column_words: [gonghao, ghao]  # further column name/comment words (pinyin, initials)
        validator: luhn                # a check-digit validator (recognizers.validators)

Presidio keys chujing reads: ``name``, ``supported_entity`` (or the first of
``supported_entities``), ``patterns`` (``name``/``regex``/``score``),
``deny_list`` with ``deny_list_score``, ``context`` (and that of ``supported_languages``
items) and ``global_regex_flags``.
Keys it accepts and leaves to Presidio: ``supported_language(s)`` (chujing
reads every language), ``version``, ``country_code``, ``score_thresholds``,
``class_name``, ``type``.  An entry with ``enabled: false`` or a predefined
Presidio recognizer (``type: predefined``, no patterns) is listed as skipped
and not run.  Any other key is an error (a misspelt ``pi_clas`` must not
pass silently).

A file is validated as a whole with pydantic; every problem is one line naming
the file, the entry and the field (``team.yaml: recognizer 'Employee ID
recognizer': patterns[0].score: Input should be less than or equal to 1``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from recognizers.base import Pattern
from recognizers.file_recognizer import PRESIDIO_FLAGS, FileRecognizer
from recognizers.packs import EntitySpec, RecognizerError, RecognizerPack
from recognizers.validators import resolve

#: Entity ids: letters, digits, ``_`` and ``-`` (``:`` and ``,`` separate elements in person signatures).
ENTITY_RE = r"^[A-Za-z][A-Za-z0-9_\-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatternEntry(_Strict):
    """One Presidio pattern: a Python regular expression and the score a match deserves."""

    name: str = Field(min_length=1)
    regex: str = Field(min_length=1)
    score: float = Field(ge=0.0, le=1.0)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class LanguageContext(_Strict):
    """A ``supported_languages`` item of Presidio's registry files: a language and its context words."""

    language: str
    context: list[str] | None = None


class RecognizerEntry(_Strict):
    """One entry of ``recognizers:``: Presidio's pattern-recognizer keys and chujing's optional ones."""

    name: str = Field(min_length=1)
    supported_entity: str | None = None
    supported_entities: list[str] | None = None
    patterns: list[PatternEntry] = Field(default_factory=list)
    deny_list: list[str] = Field(default_factory=list)
    deny_list_score: float = Field(default=1.0, ge=0.0, le=1.0)
    context: list[str] = Field(default_factory=list)
    global_regex_flags: int | None = None
    # Presidio keys chujing accepts and does not use
    supported_language: str | None = None
    supported_languages: list[str | LanguageContext] | None = None
    version: str | None = None
    country_code: str | None = None
    score_thresholds: Any = None
    class_name: str | None = None
    type: str | None = None
    enabled: bool = True
    # chujing's keys
    pi_class: Literal["general", "sensitive"] | None = None
    column_words: list[str] = Field(default_factory=list)
    validator: str | None = None
    #: Constructor options of a predefined Presidio recognizer (model names, config paths …), kept, not used.
    predefined_options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _predefined_options(cls, data: Any) -> Any:
        """A predefined Presidio recognizer takes its class's own options; set them apart instead of refusing them."""
        if isinstance(data, dict) and data.get("type") == "predefined":
            known = set(cls.model_fields)
            extra = {k: v for k, v in data.items() if k not in known}
            data = {k: v for k, v in data.items() if k in known} | {"predefined_options": extra}
        return data

    @field_validator("validator")
    @classmethod
    def _known_validator(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                resolve(value)
            except KeyError as exc:
                raise ValueError(exc.args[0]) from None
        return value

    @model_validator(mode="after")
    def _one_entity(self) -> RecognizerEntry:
        if self.supported_entity is not None and self.supported_entities is not None:
            raise ValueError("give supported_entity or supported_entities, not both")
        entity = self.entity
        if self.runnable and entity is None:
            raise ValueError("supported_entity is required")
        if entity is not None and not re.match(ENTITY_RE, entity):
            raise ValueError(f"entity '{entity}' must be letters, digits, '_' or '-', starting with a letter")
        return self

    @property
    def entity(self) -> str | None:
        """The entity reported: ``supported_entity``, or the first of ``supported_entities`` (as Presidio reads it)."""
        return self.supported_entity or (self.supported_entities[0] if self.supported_entities else None)

    @property
    def context_words(self) -> tuple[str, ...]:
        """``context``, and the context words of every ``supported_languages`` item (chujing reads every language)."""
        words = list(self.context)
        for lang in self.supported_languages or ():
            if isinstance(lang, LanguageContext):
                words += lang.context or []
        return tuple(dict.fromkeys(words))

    @property
    def runnable(self) -> bool:
        """Enabled, with patterns or a deny list (a predefined Presidio recognizer has neither)."""
        return self.enabled and bool(self.patterns or self.deny_list)


class RecognizerFile(_Strict):
    """A whole file: ``recognizers:`` and Presidio's optional top-level keys."""

    recognizers: list[RecognizerEntry] = Field(min_length=1)
    global_regex_flags: int | None = None
    supported_languages: list[Any] | None = None
    supported_countries: list[str] | None = None


def is_recognizer_document(raw: object) -> bool:
    """True for parsed YAML that is a recognizer file (a mapping with ``recognizers:``), not a catalogue document.

    >>> is_recognizer_document({"recognizers": []}), is_recognizer_document({"schema": "chujing.list/1"})
    (True, False)
    """
    return isinstance(raw, dict) and "recognizers" in raw and "schema" not in raw


def _deny_pattern(entry: RecognizerEntry) -> Pattern:
    """Presidio's deny-list regex: the words, whole, between non-word characters."""
    words = "|".join(re.escape(w) for w in entry.deny_list)
    return Pattern("deny list", rf"(?:^|(?<=\W))(?:{words})(?:(?=\W)|$)", entry.deny_list_score)


def _recognizer(entry: RecognizerEntry, flags: int, source: str) -> FileRecognizer:
    patterns = tuple(Pattern(p.name, p.regex, p.score) for p in entry.patterns)
    if entry.deny_list:
        patterns += (_deny_pattern(entry),)
    return FileRecognizer(
        name=entry.name,
        entity=str(entry.entity),
        patterns=patterns,
        context=entry.context_words,
        column_words=tuple(entry.column_words),
        validator=resolve(entry.validator) if entry.validator else None,
        validator_name=entry.validator or "",
        flags=entry.global_regex_flags if entry.global_regex_flags is not None else flags,
        source=source,
    )


def _entry_label(raw: object, index: int) -> str:
    entries = raw.get("recognizers") if isinstance(raw, dict) else None
    entry = entries[index] if isinstance(entries, list) and 0 <= index < len(entries) else None
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"recognizer '{name}'" if isinstance(name, str) and name else f"recognizer {index + 1}"


def _problems(exc: ValidationError, raw: object, name: str) -> list[str]:
    """One line per pydantic error: ``file: recognizer 'X': field: message``."""
    out = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        entry = ""
        if len(loc) >= 2 and loc[0] == "recognizers" and isinstance(loc[1], int):
            entry, loc = _entry_label(raw, loc[1]), loc[2:]
        where = ""
        for part in loc:
            where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not a Presidio recognizer key nor one of chujing's: pi_class, column_words, validator)"
        out.append(": ".join(p for p in (name, entry, where, msg) if p))
    return out


def parse_recognizer_file(data: bytes, name: str) -> RecognizerFile:
    """Validate a file's bytes, or raise :class:`RecognizerError` with one line per problem."""
    try:
        raw = yaml.safe_load(data)
    except yaml.MarkedYAMLError as exc:
        where = f" (line {exc.problem_mark.line + 1})" if exc.problem_mark is not None else ""
        raise RecognizerError([f"{name}: not valid YAML{where}: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise RecognizerError([f"{name}: not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise RecognizerError(
            [
                f"{name}: expected a mapping with 'recognizers:' at the top (Presidio's recognizer "
                f"file format), got {type(raw).__name__}"
            ]
        )
    try:
        return RecognizerFile.model_validate(raw)
    except ValidationError as exc:
        raise RecognizerError(_problems(exc, raw, name)) from None


def pack_from_file(path: str | os.PathLike[str]) -> RecognizerPack:
    """The recognizers of one file, or :class:`RecognizerError` naming the file, entry and field."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RecognizerError([f"{name}: cannot read the recognizer file ({exc.strerror or exc})"]) from None
    doc = parse_recognizer_file(data, name)
    flags = doc.global_regex_flags if doc.global_regex_flags is not None else PRESIDIO_FLAGS
    recs, skipped, classes = [], [], {}
    for entry in doc.recognizers:
        if not entry.runnable:
            why = (
                "disabled"
                if not entry.enabled
                else "a predefined Presidio recognizer (no patterns or deny list)"
            )
            skipped.append((entry.name, why))
            continue
        recs.append(_recognizer(entry, flags, name))
        if entry.pi_class is not None:
            first = classes.setdefault(str(entry.entity), (entry.pi_class, entry.name))
            if first[0] != entry.pi_class:
                raise RecognizerError(
                    [
                        f"{name}: recognizer '{entry.name}': pi_class: {entry.pi_class} contradicts "
                        f"{first[0]} given for {entry.entity} by '{first[1]}'"
                    ]
                )
    return RecognizerPack(
        name=Path(path).stem,
        value_recognizers=tuple(recs),
        entities=tuple(EntitySpec(e, cls) for e, (cls, _) in classes.items()),
        source=name,
        sha256=hashlib.sha256(data).hexdigest(),
        skipped=tuple(skipped),
    )


def recognizer_files_in(dirs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The recognizer files among the ``*.yaml``/``*.yml`` files of catalogue directories (sorted per directory).

    A catalogue directory holds catalogue documents and may hold recognizer files
    beside them; a file is a recognizer file when its top level has ``recognizers:``.
    A directory that does not exist is the catalogue loader's to report.
    """
    out = []
    for d in dirs:
        p = Path(d)
        if not p.is_dir():
            continue
        for f in sorted(p.iterdir()):
            if f.suffix in (".yaml", ".yml") and f.is_file() and _looks_like_recognizers(f):
                out.append(f)
    return out


def _looks_like_recognizers(path: Path) -> bool:
    try:
        raw = yaml.safe_load(path.read_bytes())
    except (OSError, yaml.YAMLError):
        return False  # the catalogue loader reports unreadable files
    return is_recognizer_document(raw)
