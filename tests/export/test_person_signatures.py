"""Persons are counted by what *their own* rows carry, not by what their table holds.

Jiangsu 2025 biopharma list (seed 000), the two catch-alls the examples below land in:

* item 13: 「自当年1月1日起累计向境外提供100万人以上个人信息（不含敏感个人信息），或1万人以上敏感个人信息。」
  (security assessment, exit 20);
* item 20: 「自当年1月1日起累计向境外提供10万人以上且不满100万人的个人信息（不含敏感个人信息），或不满1万人的
  敏感个人信息。」 (standard contract or certification, exit 10).

「个人信息（不含敏感个人信息）」 is the general PI of that many persons, whether or not some of them also
have sensitive PI; 「敏感个人信息」 counts the persons whose own data is sensitive — including every person
under 14 (PIPL Art. 28: 不满十四周岁未成年人的个人信息).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from catalog import evaluate, load_catalog
from catalog.findings import EntityHit, Findings, PersonCounts
from tests.export.conftest import item_numbers, resident_id, write_sqlite

JS = "jiangsu-2025-biopharma"
AS_OF = "2026-06-01"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def mobile(i: int) -> str:
    """Person ``i``'s mobile number, spread over real prefixes (a run of consecutive numbers reads as a counter)."""
    return f"1{'35789'[i % 5]}{(i * 7_919_317 + 104_729) % 10**9:09d}"


def name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 20) % len(GIVEN)] + GIVEN[(i // 7) % len(GIVEN)]


def check(run, *sources: str, **kw: str):
    args = [
        "check",
        *sources,
        "--list",
        JS,
        "--scenario",
        "other",
        "--subject",
        "customer",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", v]
    return run(*args)


@pytest.fixture(scope="module")
def real_catalog():
    return load_catalog()


def test_general_band_counts_everyone_whose_general_pi_leaves(real_catalog) -> None:
    """1,000,000 members' names and mobiles leave, and 600 of them also have an ID number: that is the
    general PI of 1,000,000 persons (item 13, 100万人以上), not of the 999,400 without an ID number (which
    would stay in item 20, 10万人以上且不满100万人); the 600 also count in item 20's 不满1万人的敏感个人信息."""
    name_mobile = frozenset({"CN_PERSON_NAME", "CN_MOBILE"})
    persons = PersonCounts({name_mobile: 999_400, name_mobile | {"CN_RESIDENT_ID"}: 600})
    found = Findings.of(
        [
            EntityHit("CN_PERSON_NAME", "members", "member_name", 1.0, pi_class="general"),
            EntityHit("CN_MOBILE", "members", "mobile", 1.0, pi_class="general"),
            EntityHit("CN_RESIDENT_ID", "member_kyc", "id_card_no", 1.0, pi_class="sensitive"),
        ]
    )
    ev = evaluate(
        found, catalog=real_catalog, lists=[JS], scenario="other", subject="customer", persons=persons
    )
    assert sorted(h["item"] for h in ev.hits) == [13, 20]
    assert ev.exit_status == 20
    assert persons.general.this_export == 1_000_000 and persons.sensitive.this_export == 600


def test_a_persons_elements_are_united_across_tables(run, ledger_key, tmp_path: Path) -> None:
    """20,000 members (name, mobile) and a KYC table with 600 of them (mobile, ID number), keyed by the same
    mobile: 20,000 persons, all with general PI, 600 of them with sensitive PI too."""
    members = write_sqlite(
        tmp_path / "members.db",
        "members",
        ("member_name", "mobile"),
        ((name(i), mobile(i)) for i in range(20_000)),
    )
    ids = write_sqlite(
        tmp_path / "kyc.db",
        "member_kyc",
        ("mobile", "id_card_no"),
        ((mobile(i), resident_id(i)) for i in range(600)),
    )
    r = check(run, members, ids, ledger=str(tmp_path / "l.db"), person_key="mobile")
    assert r.exit_code == 10, r.stderr
    persons = r.json["persons"]
    assert (persons["any"]["this_export"], persons["general"]["this_export"]) == (20_000, 20_000)
    assert persons["sensitive"]["this_export"] == 600
    assert item_numbers(r.json) == [20]


def test_sensitivity_is_per_person_not_per_table(run, ledger_key, tmp_path: Path) -> None:
    """50,000 owners with name + mobile, 5,000 of them with an ID number: 5,000 persons with sensitive PI
    (item 20, 不满1万人的敏感个人信息), not 50,000 (item 13, 1万人以上敏感个人信息)."""
    rows = ((name(i), mobile(i), resident_id(i) if i % 10 == 0 else None) for i in range(50_000))
    src = write_sqlite(tmp_path / "owners.db", "owners", ("owner_name", "mobile", "id_card_no"), rows)
    r = check(run, src, ledger=str(tmp_path / "l.db"))
    assert r.exit_code == 10, r.stderr
    doc = r.json
    assert doc["persons"]["sensitive"]["this_export"] == 5_000
    assert doc["persons"]["general"]["this_export"] == 50_000
    assert item_numbers(doc) == [20]
    table = doc["persons"]["tables"][0]
    assert {tuple(s["elements"]): s["persons"] for s in table["signatures"]} == {
        ("CN_MOBILE", "CN_PERSON_NAME"): 45_000,
        ("CN_MOBILE", "CN_PERSON_NAME", "CN_RESIDENT_ID"): 5_000,
    }


def _birth(i: int, as_of: _dt.date) -> _dt.date:
    """Every 25th person is a child of 8 on the as-of date (4 %); the rest are adults."""
    years = 8 if i % 25 == 0 else 30 + i % 40
    return as_of.replace(year=as_of.year - years) - _dt.timedelta(days=i % 300)


def test_minors_make_only_their_own_pi_sensitive(run, ledger_key, tmp_path: Path) -> None:
    """20,000 customers (name, mobile, birth date), 800 of them under 14: 800 persons with sensitive PI
    (item 20), not the whole table's 20,000 (item 13).  A child exactly 14 on the as-of date is not under 14."""
    as_of = _dt.date.fromisoformat(AS_OF)
    rows = [(name(i), mobile(i), _birth(i, as_of).isoformat()) for i in range(20_000)]
    rows[1] = (name(1), mobile(1), as_of.replace(year=as_of.year - 14).isoformat())  # 14 today: not a minor
    rows[2] = (name(2), mobile(2), (as_of.replace(year=as_of.year - 14) + _dt.timedelta(days=1)).isoformat())
    src = write_sqlite(tmp_path / "c.db", "customers", ("customer_name", "mobile", "birth_date"), rows)
    r = check(run, src, ledger=str(tmp_path / "l.db"))
    assert r.exit_code == 10, r.stderr
    doc = r.json
    assert doc["persons"]["sensitive"]["this_export"] == 801
    assert doc["persons"]["general"]["this_export"] == 20_000 - 801
    assert item_numbers(doc) == [20]


def test_a_sensitive_span_in_a_persons_own_note_makes_them_sensitive(run, ledger_key, tmp_path: Path) -> None:
    """Service notes of 20,000 customers, 3,000 of which quote the customer's ID number: 3,000 persons
    with sensitive PI (item 20), not 20,000 (item 13)."""

    rows = ((mobile(i), _note(i, quote_id=i % 20 < 3)) for i in range(20_000))
    src = write_sqlite(tmp_path / "n.db", "service_notes", ("mobile", "note"), rows)
    r = check(run, src, ledger=str(tmp_path / "l.db"))
    assert r.exit_code == 10, r.stderr
    doc = r.json
    assert doc["persons"]["sensitive"]["this_export"] == 3_000
    assert item_numbers(doc) == [20]


def _note(i: int, *, quote_id: bool) -> str:
    if quote_id:
        return f"客户{name(i)}来电核实身份，证件号码{resident_id(i)}，已登记。"
    return f"客户{name(i)}来电咨询会员积分，已答复。"


@pytest.mark.postgres
def test_signatures_are_counted_the_same_on_postgresql(pg_url: str, run, ledger_key, tmp_path: Path) -> None:
    """The flags are portable SQL: the same per-person count in PostgreSQL as in SQLite."""
    import sqlalchemy as sa

    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS sig_owners")
        conn.exec_driver_sql(
            "CREATE TABLE sig_owners (owner_name text, mobile text, id_card_no text, note text)"
        )
        conn.execute(
            sa.text("INSERT INTO sig_owners VALUES (:a, :b, :c, :d)"),
            [
                {
                    "a": name(i),
                    "b": mobile(i),
                    "c": resident_id(i) if i % 10 == 0 else None,
                    "d": _note(i, quote_id=i % 7 == 0),
                }
                for i in range(3_000)
            ],
        )
    engine.dispose()
    r = check(run, pg_url, tables="sig_owners", ledger=str(tmp_path / "l.db"))
    assert r.exit_code == 10, r.stderr
    persons = {i for i in range(3_000) if i % 10 == 0 or i % 7 == 0}
    assert r.json["persons"]["sensitive"]["this_export"] == len(persons)
