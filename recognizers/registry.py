"""Where recognizers come from: chujing's own, installed packages and recognizer files, in one registry.

Three kinds of provider, each contributing a :class:`~recognizers.packs.RecognizerPack`,
in this order (the order recognizers are tried and table recognizers run):

1. chujing's built-ins, registered as :data:`BUILTIN` exactly as a package registers its own;
2. installed packages: entry points in the group :data:`ENTRY_POINT_GROUP`
   (``chujing.recognizers``), sorted by name, each naming a zero-argument
   callable that returns a ``RecognizerPack`` (``docs/recognizers.md`` shows one);
3. recognizer files in Presidio's YAML format (:mod:`recognizers.recognizer_files`):
   those found in catalogue directories (``--catalog DIR``), then those given
   with ``--recognizers FILE``, in order.

:func:`default_registry` (built-ins and installed packages) is what
:func:`recognizers.analyze_table` runs unless it is given another registry;
:func:`load_registry` adds files.  :func:`list_recognizers` describes a
registry for ``chujing recognizers list``.  Loading fails with one
:class:`~recognizers.packs.RecognizerError` listing every problem.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
from collections.abc import Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from recognizers.packs import RecognizerError, RecognizerPack, Registry
from recognizers.protocols import TableRecognizerProtocol, ValueRecognizerProtocol
from recognizers.recognizer_files import pack_from_file, recognizer_files_in

#: Entry-point group of installed recognizer packages.
ENTRY_POINT_GROUP = "chujing.recognizers"
#: chujing's own recognizers, loaded like an installed package's (the engine does not import the families).
BUILTIN = EntryPoint(name="chujing", value="recognizers.builtin:builtin_pack", group=ENTRY_POINT_GROUP)


def load_provider(ep: EntryPoint, source: str) -> RecognizerPack:
    """Call the provider an entry point names and check what it returns; ``source`` names it in messages."""
    try:
        provider = ep.load()
    except Exception as exc:  # an installed package may fail to import in any way
        raise RecognizerError([f"{source}: cannot be loaded: {type(exc).__name__}: {exc}"]) from None
    if not callable(provider):
        raise RecognizerError(
            [f"{source}: names a {type(provider).__name__}, not a function returning a RecognizerPack"]
        )
    try:
        pack = provider()
    except Exception as exc:
        raise RecognizerError([f"{source}: failed: {type(exc).__name__}: {exc}"]) from None
    if not isinstance(pack, RecognizerPack):
        raise RecognizerError(
            [f"{source}: returned a {type(pack).__name__}, not a recognizers.packs.RecognizerPack"]
        )
    pack = dataclasses.replace(pack, source=source, builtin=False)  # only BUILTIN is chujing's own
    problems = pack.problems()
    if problems:
        raise RecognizerError(problems)
    return pack


@functools.lru_cache(maxsize=1)
def builtin_registry() -> Registry:
    """chujing's own recognizers only (the evaluation and the Presidio adapter measure these)."""
    return Registry((dataclasses.replace(load_provider(BUILTIN, "built-in"), builtin=True),))


def entry_point_packs() -> list[RecognizerPack]:
    """The packs of the installed packages that declare a ``chujing.recognizers`` entry point."""
    eps = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: (ep.name, ep.value))
    problems, packs = [], []
    for ep in eps:
        try:
            packs.append(load_provider(ep, f"entry point {ep.name} = {ep.value}"))
        except RecognizerError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RecognizerError(problems)
    return packs


@functools.lru_cache(maxsize=1)
def default_registry() -> Registry:
    """Built-ins and installed packages: what a scan runs when no recognizer file is given."""
    return builtin_registry().extended(entry_point_packs())


def load_registry(
    files: Sequence[str | os.PathLike[str]] = (),
    catalog_dirs: Sequence[str | os.PathLike[str]] = (),
    *,
    plugins: bool = True,
) -> Registry:
    """The registry for a scan: built-ins, installed packages (unless ``plugins=False``) and recognizer files.

    ``catalog_dirs`` are ``--catalog`` directories (their recognizer files load
    first), ``files`` the ``--recognizers`` files.  Raises
    :class:`~recognizers.packs.RecognizerError` listing every problem of every file.
    """
    base = default_registry() if plugins else builtin_registry()
    problems, packs = [], []
    for path in [*recognizer_files_in(catalog_dirs), *files]:
        try:
            packs.append(pack_from_file(path))
        except RecognizerError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RecognizerError(problems)
    return base.extended(packs) if packs else base


def load_user_recognizers(paths: Sequence[str | os.PathLike[str]]) -> Registry:
    """The default registry with the recognizer files ``paths`` (``--recognizers FILE``, repeatable)."""
    return load_registry(files=paths)


def list_recognizers(registry: Registry | None = None) -> list[dict[str, Any]]:
    """One row per recognizer (then per skipped file entry), for ``chujing recognizers list [--format json]``.

    Each row: ``name``, ``kind`` (``value``, ``table`` or ``skipped``), ``entities``,
    ``pack``, ``source``, ``builtin``, ``pi_class`` (the class a pack declares for
    its entity, else ``None``: the catalogue decides), ``summary`` (the first line
    of the recognizer's docstring, python-stdnum style, or why an entry is
    skipped) and, for value recognizers, ``requires_context``, ``min_ratio`` and
    ``validator_strength``.
    """
    registry = registry or default_registry()
    declared = registry.declared_classes
    rows: list[dict[str, Any]] = []
    for pack in registry.packs:
        where = {"pack": pack.name, "source": pack.source, "builtin": pack.builtin}
        for rec in pack.value_recognizers:
            rows.append(_value_row(rec, where, declared.get(rec.entity)))
        for tr in pack.table_recognizers:
            rows.append(
                {
                    "name": type(tr).__name__,
                    "kind": "table",
                    "entities": list(tr.entities),
                    **where,
                    "pi_class": _one_class(tr.entities, declared),
                    "summary": _summary(tr),
                }
            )
        for name, why in pack.skipped:
            rows.append(
                {
                    "name": name,
                    "kind": "skipped",
                    "entities": [],
                    **where,
                    "pi_class": None,
                    "summary": f"not run: {why}",
                }
            )
    return rows


def _value_row(rec: ValueRecognizerProtocol, where: dict[str, Any], pi_class: str | None) -> dict[str, Any]:
    return {
        "name": rec.name,
        "kind": "value",
        "entities": [rec.entity],
        **where,
        "pi_class": pi_class,
        "summary": _summary(rec),
        "requires_context": rec.requires_context,
        "min_ratio": rec.min_ratio,
        "validator_strength": rec.validator_strength,
    }


def _one_class(entities: Sequence[str], declared: dict[str, str]) -> str | None:
    classes = {declared[e] for e in entities if e in declared}
    return classes.pop() if len(classes) == 1 else None


def _summary(obj: ValueRecognizerProtocol | TableRecognizerProtocol) -> str:
    """The first line of the object's docstring (its class's, unless the instance has its own)."""
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


# -- chujing's own set, for code that measures or wraps the built-ins --------------------------------------------


def value_recognizers() -> tuple[ValueRecognizerProtocol, ...]:
    """One instance of every built-in value recognizer."""
    return builtin_registry().value_recognizers


def table_recognizers() -> tuple[TableRecognizerProtocol, ...]:
    """One instance of every built-in table recognizer."""
    return builtin_registry().table_recognizers


def entity_types() -> list[str]:
    """Every entity type the built-in recognizers can report (value and table recognizers)."""
    return builtin_registry().entity_types()
