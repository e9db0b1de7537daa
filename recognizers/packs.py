"""What a provider of recognizers contributes, and the typed set the engine runs.

A :class:`RecognizerPack` is one provider's contribution: chujing's built-ins,
an installed package (entry point ``chujing.recognizers``) or a YAML file.  It
holds value and table recognizers (see :mod:`recognizers.protocols`) and, for
entity types the catalogue may not know, an :class:`EntitySpec` saying how to
classify them.  A :class:`Registry` is an ordered set of packs; loading them is
:mod:`recognizers.registry`'s job.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from connectors.errors import ChujingError
from recognizers.protocols import TableRecognizerProtocol, ValueRecognizerProtocol

PiClass = Literal["general", "sensitive"]


class RecognizerError(ChujingError):
    """Recognizers that cannot be loaded: one line per problem, naming the file (or package), entry and field."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class EntitySpec:
    """What a pack says about an entity type it reports.

    ``pi_class`` is how the catalogue classifies the type when its mapping does
    not know it (a user's own entity type); ``None`` leaves it to the catalogue,
    which treats an unknown type as general personal information.
    """

    entity: str
    pi_class: PiClass | None = None


@dataclass(frozen=True)
class RecognizerPack:
    """One provider's recognizers, the entity types it classifies, and where it came from.

    ``source`` names the provider for people (``built-in``, ``entry point
    acme = acme_pii:recognizers``, a file path); ``sha256`` is the digest of a
    file's bytes, recorded in reports as evidence; ``skipped`` lists the entries
    a file holds that chujing does not run, with why (disabled, or predefined
    Presidio recognizers).
    """

    name: str
    value_recognizers: tuple[ValueRecognizerProtocol, ...] = ()
    table_recognizers: tuple[TableRecognizerProtocol, ...] = ()
    entities: tuple[EntitySpec, ...] = ()
    source: str = ""
    sha256: str | None = None
    builtin: bool = False
    skipped: tuple[tuple[str, str], ...] = ()

    def problems(self) -> list[str]:
        """What is wrong with the pack's contents (objects that do not satisfy the protocols)."""
        out = []
        for rec in self.value_recognizers:
            if not isinstance(rec, ValueRecognizerProtocol):
                out.append(
                    f"{self.source}: {type(rec).__name__} is not a value recognizer "
                    "(see recognizers.protocols.ValueRecognizerProtocol)"
                )
        for tr in self.table_recognizers:
            if not isinstance(tr, TableRecognizerProtocol):
                out.append(
                    f"{self.source}: {type(tr).__name__} is not a table recognizer "
                    "(see recognizers.protocols.TableRecognizerProtocol)"
                )
        return out

    def reported_entities(self) -> list[str]:
        """Every entity type the pack's recognizers can report, in order of first appearance."""
        out = [r.entity for r in self.value_recognizers]
        out += [e for tr in self.table_recognizers for e in tr.entities]
        return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Registry:
    """The recognizers one scan runs: packs in order (built-ins, installed packages, files)."""

    packs: tuple[RecognizerPack, ...] = field(default_factory=tuple)

    @functools.cached_property
    def value_recognizers(self) -> tuple[ValueRecognizerProtocol, ...]:
        """Every value recognizer, in the order they are tried."""
        return tuple(r for p in self.packs for r in p.value_recognizers)

    @functools.cached_property
    def table_recognizers(self) -> tuple[TableRecognizerProtocol, ...]:
        """Every table recognizer, in the order they run (later ones see earlier ones' findings)."""
        return tuple(t for p in self.packs for t in p.table_recognizers)

    @functools.cached_property
    def declared_classes(self) -> dict[str, PiClass]:
        """Entity type → the PI class a pack declares for it (types the catalogue may not know)."""
        return {e.entity: e.pi_class for p in self.packs for e in p.entities if e.pi_class is not None}

    def entity_types(self) -> list[str]:
        """Every entity type some recognizer can report, sorted."""
        return sorted({e for p in self.packs for e in p.reported_entities()})

    def user_packs(self) -> tuple[RecognizerPack, ...]:
        """The packs that are not chujing's own."""
        return tuple(p for p in self.packs if not p.builtin)

    def extended(self, packs: Sequence[RecognizerPack]) -> Registry:
        """This registry with ``packs`` appended (checked as :func:`check_packs` checks)."""
        out = Registry((*self.packs, *packs))
        problems = check_packs(out.packs)
        if problems:
            raise RecognizerError(problems)
        return out

    def evidence(self) -> list[dict[str, object]]:
        """The user packs in use, for a report's parameters: name, source and the file's SHA-256."""
        return [{"name": p.name, "source": p.source, "sha256": p.sha256} for p in self.user_packs()]


def check_packs(packs: Sequence[RecognizerPack]) -> list[str]:
    """Problems of a set of packs: contents that break the protocols, and one entity type classed two ways."""
    out = [line for p in packs for line in p.problems()]
    declared: dict[str, tuple[PiClass, str]] = {}
    for p in packs:
        for e in p.entities:
            if e.pi_class is None:
                continue
            first = declared.setdefault(e.entity, (e.pi_class, p.source))
            if first[0] != e.pi_class:
                out.append(
                    f"{p.source}: {e.entity}: pi_class {e.pi_class} contradicts {first[0]} in {first[1]}"
                )
    return out
