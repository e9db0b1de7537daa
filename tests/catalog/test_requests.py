"""What ``--list``, ``--scenario``, ``--subject`` and ``--reference-rule`` may name, checked before any scan.

What matters to a user: a typo fails in a second with one line saying what was
meant; the line offers only ids that would work there (negative lists for
``--list``, the chosen lists' own scenarios for ``--scenario``); and a scenario or
subject that could not change the outcome is refused rather than silently ignored.
"""

from __future__ import annotations

import pytest

from catalog import Catalog, CatalogError
from catalog.requests import list_scenarios, validate_request

JS = "jiangsu-2025-biopharma"
AUTO = "multisector-2025-automotive"
RULES = ("jiangsu-2025-reference-rule", "shanghai-reference-rule")


def problems(catalog: Catalog, lists, scenario=None, subject=None, **kw) -> list[str]:
    with pytest.raises(CatalogError) as info:
        validate_request(catalog, lists, scenario, subject, **kw)
    return info.value.problems


def test_valid_requests_pass(real_catalog: Catalog) -> None:
    validate_request(real_catalog, [JS], "clinical-trial", "trial-subject", reference_rule=RULES[0])
    validate_request(real_catalog, [JS, AUTO], "vehicle-rd", None)  # a scenario of either chosen list
    validate_request(real_catalog, [JS], "other", "other")  # the canonical "none of those"
    validate_request(real_catalog, [JS], None, "vehicle-owner")  # known, not the list's: says "not them"
    validate_request(real_catalog, [], None, None)


def test_an_unknown_list_suggests_the_closest_negative_list_and_never_a_reference_rule(real_catalog) -> None:
    (line,) = problems(real_catalog, ["jiangsu-2025-biopharm"])
    assert line.startswith(
        "unknown negative list 'jiangsu-2025-biopharm' — did you mean 'jiangsu-2025-biopharma'?"
    )
    (line,) = problems(real_catalog, ["no-such-list"])
    assert "did you mean" not in line
    assert all(d.id in line for d in real_catalog.lists())
    assert not any(rule in line for rule in RULES)


def test_a_reference_rule_given_as_a_list_says_where_it_goes(real_catalog) -> None:
    (line,) = problems(real_catalog, [RULES[0]], "clinical-trial")
    assert line.startswith(
        f"'{RULES[0]}' is a reference rule, not a negative list: give it with --reference-rule"
    )
    assert line.count("reference-rule") == 2  # the id and the option; no other rule offered as a list
    assert RULES[1] not in line and JS in line


def test_an_unknown_reference_rule_suggests_the_closest_rule(real_catalog) -> None:
    (line,) = problems(real_catalog, [], reference_rule="shanghai-rule")
    assert line.startswith("unknown reference rule 'shanghai-rule' — did you mean 'shanghai-reference-rule'?")
    (line,) = problems(real_catalog, [], reference_rule=JS)
    assert line.startswith(f"'{JS}' is a negative list, not a reference rule: give it with --list")


def test_an_unknown_scenario_suggests_the_closest_and_lists_only_the_chosen_lists_scenarios(
    real_catalog,
) -> None:
    (line,) = problems(real_catalog, [JS], "clinical-trail")
    assert line.startswith("unknown scenario 'clinical-trail' — did you mean 'clinical-trial'?")
    offered = line.split(f"(scenarios of {JS}: ")[1].rstrip(")").split(", ")
    assert offered == list_scenarios([real_catalog.negative_list(JS)])
    assert "pharmacovigilance" in offered and offered[-1] == "other"
    assert "vehicle-rd" not in offered and len(offered) < len(real_catalog.vocabulary.scenarios)


def test_a_scenario_none_of_the_chosen_lists_names_is_refused(real_catalog) -> None:
    (line,) = problems(real_catalog, [JS], "vehicle-rd")
    assert line.startswith(f"scenario 'vehicle-rd' (车辆研发 (Vehicle R&D)) is not one that {JS} names")
    assert line.endswith("for an export in none of them give --scenario other")


@pytest.mark.parametrize("flag", ["scenario", "subject"])
def test_scenario_or_subject_without_a_list_is_refused(real_catalog, flag: str) -> None:
    (line,) = problems(real_catalog, [], **{flag: "clinical-trial" if flag == "scenario" else "patient"})
    assert line.startswith(f"--{flag} ") and "give the list with --list ID" in line


def test_an_unknown_subject_suggests_the_closest(real_catalog) -> None:
    (line,) = problems(real_catalog, [JS], "clinical-trial", "patiant")
    assert line.startswith("unknown subject 'patiant' — did you mean 'patient'?")
    assert "vehicle-owner" not in line  # only the subjects the chosen list names are listed
