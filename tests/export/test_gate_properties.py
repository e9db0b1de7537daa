"""Properties of the gate over generated exports (hypothesis, derandomized: the same examples every run).

A gate that under-routes is worse than none, so the route must move only the safe way:

* adding persons, or adding sensitive data for persons already in the export, never lowers the route;
* removing a table (its persons and its data) never raises it;
* checking the same data again after it was recorded gives the same persons total (the ledger's own earlier
  record of a person is that person, not another).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalog import evaluate, load_catalog
from catalog.evaluator import ROUTE_RANK
from catalog.findings import EntityHit, Findings, PersonCounts, Signature
from tests.export.conftest import TRIAL_COLUMNS, trial_rows, write_sqlite

LISTS = ("jiangsu-2025-biopharma", "multisector-2025-retail-services", "multisector-2025-automotive")
#: Elements a generated person may carry, with the column that holds them.
GENERAL = ("CN_PERSON_NAME", "CN_MOBILE", "EMAIL", "MAC_ADDRESS", "CN_ADDRESS")
SENSITIVE = ("CN_RESIDENT_ID", "CN_BANK_CARD", "DIAGNOSIS", "MEDICATION", "BIOMETRIC")
PI_CLASS = {**dict.fromkeys(GENERAL, "general"), **dict.fromkeys(SENSITIVE, "sensitive")}
#: The lists' band edges (以上 / 不满), where a lost person or a misplaced one changes the route.
EDGES = (1, 600, 9_999, 10_000, 49_999, 50_000, 99_999, 100_000, 199_999, 200_000, 999_999, 1_000_000)
COUNTS = st.one_of(st.sampled_from(EDGES), st.integers(min_value=0, max_value=1_500_000))
SETTINGS = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

CATALOG = load_catalog()


def _scenarios(list_id: str) -> list[str]:
    nl = CATALOG.negative_list(list_id)
    return sorted({s for it in nl.items for s in it.scenarios.ids} | {"other"})


@st.composite
def exports(draw: st.DrawFn) -> dict:
    """An export: tables of persons, each table a signature (its elements) and a number of persons."""
    list_id = draw(st.sampled_from(LISTS))
    tables = draw(
        st.lists(
            st.tuples(
                st.frozensets(st.sampled_from(GENERAL + SENSITIVE), min_size=1, max_size=4),
                COUNTS,
            ),
            min_size=1,
            max_size=4,
        )
    )
    return {
        "list": list_id,
        "scenario": draw(st.sampled_from(_scenarios(list_id))),
        "subject": draw(st.sampled_from(sorted(CATALOG.vocabulary.subjects))),
        "tables": tables,
    }


def route(export: dict) -> int:
    """The route rank of an export whose tables hold different persons (their persons are added up)."""
    groups: dict[Signature, int] = {}
    hits = []
    for i, (sig, n) in enumerate(export["tables"]):
        groups[sig] = groups.get(sig, 0) + n
        hits += [EntityHit(e, f"t{i}", e.lower(), 1.0, pi_class=PI_CLASS[e]) for e in sig if n]
    ev = evaluate(
        Findings.of(hits),
        catalog=CATALOG,
        lists=[export["list"]],
        scenario=export["scenario"],
        subject=export["subject"],
        persons=PersonCounts(groups),
    )
    return ROUTE_RANK[ev.route]


@SETTINGS
@given(exports(), st.integers(min_value=1, max_value=1_000_000), st.data())
def test_adding_persons_never_lowers_the_route(export: dict, more: int, data: st.DataObject) -> None:
    i = data.draw(st.integers(min_value=0, max_value=len(export["tables"]) - 1))
    bigger = {**export, "tables": list(export["tables"])}
    sig, n = bigger["tables"][i]
    bigger["tables"][i] = (sig, n + more)
    assert route(bigger) >= route(export)


MEMBERS = {
    "list": LISTS[0],
    "scenario": "other",
    "subject": "customer",
    "tables": [(frozenset({"CN_PERSON_NAME", "CN_MOBILE"}), 1_000_000)],
}


@SETTINGS
@given(
    exports(),
    st.sampled_from(SENSITIVE),
    st.integers(min_value=0, max_value=3),
    st.one_of(st.sampled_from([1, 600]), st.integers(min_value=1, max_value=1_500_000)),
)
@example(MEMBERS, "CN_RESIDENT_ID", 0, 600)  # the 1,000,000 members, 600 of them with an ID number
def test_adding_sensitive_data_for_existing_persons_never_lowers_the_route(
    export: dict, element: str, table: int, k: int
) -> None:
    """Some (or all) persons of one table get a sensitive element too (600 of 1,000,000 members an ID)."""
    i = table % len(export["tables"])
    sig, n = export["tables"][i]
    k = min(k, n)
    if k == 0:
        return
    richer = {**export, "tables": list(export["tables"])}
    richer["tables"][i] = (sig, n - k)
    richer["tables"].append((sig | {element}, k))
    assert route(richer) >= route(export)


@SETTINGS
@given(exports(), st.data())
def test_removing_a_table_never_raises_the_route(export: dict, data: st.DataObject) -> None:
    if len(export["tables"]) < 2:
        return
    i = data.draw(st.integers(min_value=0, max_value=len(export["tables"]) - 1))
    smaller = {**export, "tables": [t for j, t in enumerate(export["tables"]) if j != i]}
    assert route(smaller) <= route(export)


@pytest.mark.parametrize("persons", [300, 12_000])
def test_a_recorded_export_checked_again_has_the_same_persons_total(
    run, ledger_key, tmp_path: Path, persons: int
) -> None:
    """The ledger's earlier record of the same persons does not add to them: the total stays the export's."""
    src = write_sqlite(tmp_path / "t.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(persons)))
    args = (
        "--list",
        LISTS[0],
        "--scenario",
        "clinical-trial",
        "--subject",
        "trial-subject",
        "--ledger",
        tmp_path / "l.db",
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
    )
    before = run("check", src, *args)
    assert before.exit_code != 2, before.stderr
    rec = run(
        "ledger",
        "record",
        src,
        *[a for a in args if a != "--as-of" and a != "2026-06-01"],
        "--exported-at",
        "2026-05-01",
    )
    assert rec.exit_code != 2, rec.stderr
    after = run("check", src, *args)
    assert after.exit_code == before.exit_code, after.stderr
    for kind in ("any", "sensitive", "general"):
        assert after.json["persons"][kind]["total"] == before.json["persons"][kind]["total"]
    assert after.json["persons"]["any"]["already_exported_this_year"] == persons
    assert after.json["route"] == before.json["route"]
