"""Check what a user asked the catalogue for — lists, scenario, subject, reference rule — before any scan.

``chujing scan`` and ``chujing check`` both take ``--list``, ``--scenario``,
``--subject`` and ``--reference-rule``; a typo in any of them should fail in a
second with one line that says what was meant, not after an hour of scanning,
and not silently.  :func:`validate_request` is that check, written once.

What is refused, and why:

* an id that is not a negative list (an unknown one, or a reference rule given
  as a list): only negative-list ids are offered, with the closest one;
* ``--scenario`` or ``--subject`` without ``--list``: they only mean something
  against a list's items, and would otherwise be ignored;
* a scenario none of the chosen lists names: the evaluator treats it exactly
  like "none of the list's scenarios", so the user is told to say so with the
  canonical ``other`` instead (a scenario id that looks like it applies but does
  not is worse than none);
* an unknown subject id.  A known subject the lists do not name is accepted: it
  rightly says the export is *not* about the subjects an item covers.

>>> from catalog import load_catalog
>>> validate_request(load_catalog(), ["jiangsu-2025-biopharma"], "clinical-trail", None)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
catalog.models.CatalogError: unknown scenario 'clinical-trail' — did you mean 'clinical-trial'? ...
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from catalog.loader import Catalog
from catalog.models import CatalogError, NegativeList

#: The canonical vocabulary's id for "none of the named ones" (其他场景 / 其他), always accepted.
OTHER = "other"


def validate_request(
    catalog: Catalog,
    lists: Sequence[str],
    scenario: str | None,
    subject: str | None,
    *,
    reference_rule: str | None = None,
) -> None:
    """Raise :class:`CatalogError` (one line per problem) unless the request can be evaluated as asked."""
    problems = [p for list_id in lists if (p := _list_problem(catalog, list_id))]
    if reference_rule is not None and (p := _rule_problem(catalog, reference_rule)):
        problems.append(p)
    if not lists:
        for flag, value in (("--scenario", scenario), ("--subject", subject)):
            if value is not None:
                problems.append(
                    f"{flag} {value} applies to a negative list's items: give the list with --list ID "
                    f"as well (chujing catalog list shows them)"
                )
    elif not any(_list_problem(catalog, i) for i in lists):
        chosen = [catalog.negative_list(i) for i in lists]
        if scenario is not None and (p := _scenario_problem(catalog, chosen, scenario)):
            problems.append(p)
        if subject is not None and (p := _subject_problem(catalog, chosen, subject)):
            problems.append(p)
    if problems:
        raise CatalogError(problems)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` — did you mean 'x'?`` for the closest candidate, or ``""`` when none is close.

    >>> did_you_mean("jiangsu-2025-biopharm", ["jiangsu-2025-biopharma", "multisector-2025-pharma"])
    " — did you mean 'jiangsu-2025-biopharma'?"
    >>> did_you_mean("zzz", ["clinical-trial"])
    ''
    """
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def list_scenarios(lists: Iterable[NegativeList]) -> list[str]:
    """The scenario ids the items of ``lists`` name, in first-seen order, then ``other``."""
    ids = [s for nl in lists for it in nl.items for s in it.scenarios.ids]
    return list(dict.fromkeys([*ids, OTHER]))


def list_subjects(lists: Iterable[NegativeList]) -> list[str]:
    """The subject ids the items of ``lists`` name, in first-seen order, then ``other``."""
    ids = [s for nl in lists for it in nl.items for s in it.subjects]
    return list(dict.fromkeys([*ids, OTHER]))


def _ids_of(catalog: Catalog, kind: str) -> list[str]:
    return [d.id for d in catalog if d.kind == kind]


def _list_problem(catalog: Catalog, list_id: str) -> str | None:
    known = _ids_of(catalog, "negative_list")
    if list_id in known:
        return None
    if list_id in catalog:
        return (
            f"'{list_id}' is a reference rule, not a negative list: give it with --reference-rule "
            f"{_known('negative lists', known)}"
        )
    return f"unknown negative list '{list_id}'{_suggest(list_id, known, 'negative lists')}"


def _rule_problem(catalog: Catalog, rule_id: str) -> str | None:
    known = _ids_of(catalog, "reference_rule")
    if rule_id in known:
        return None
    if rule_id in catalog:
        return (
            f"'{rule_id}' is a negative list, not a reference rule: give it with --list "
            f"{_known('reference rules', known)}"
        )
    return f"unknown reference rule '{rule_id}'{_suggest(rule_id, known, 'reference rules')}"


def _known(what: str, ids: Sequence[str]) -> str:
    return f"({what}: {', '.join(ids) or 'none'})"


def _suggest(word: str, ids: Sequence[str], what: str) -> str:
    """The closest id and where to see them all, or every id when none is close."""
    close = did_you_mean(word, ids)
    return f"{close} (chujing catalog list shows the {what})" if close else f" {_known(what, ids)}"


def _names(lists: Sequence[NegativeList]) -> str:
    return ", ".join(nl.id for nl in lists)


def _scenario_problem(catalog: Catalog, lists: Sequence[NegativeList], scenario: str) -> str | None:
    used = list_scenarios(lists)
    if scenario in used:
        return None
    where = f"(scenarios of {_names(lists)}: {', '.join(used)})"
    if scenario not in catalog.vocabulary.scenarios:
        return f"unknown scenario '{scenario}'{did_you_mean(scenario, used)} {where}"
    return (
        f"scenario '{scenario}' ({catalog.vocabulary.scenario_label(scenario)}) is not one that "
        f"{_names(lists)} names {where}; for an export in none of them give --scenario {OTHER}"
    )


def _subject_problem(catalog: Catalog, lists: Sequence[NegativeList], subject: str) -> str | None:
    known = catalog.vocabulary.subjects
    if subject in known:
        return None
    used = list_subjects(lists)
    hint = did_you_mean(subject, used) or did_you_mean(subject, known)
    return f"unknown subject '{subject}'{hint} (subjects of {_names(lists)}: {', '.join(used)})"
