"""The export ledger: keyed hashes only, one key per ledger, exact year counts, concurrent writers.

Audit evidence must not become a second copy of the identifiers it protects:
the ledger file (and SQLite's write-ahead log) must hold no raw ID number or
mobile number of the exported data, and a ledger must refuse to run without
its key or with another one.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import multiprocessing
import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from scanner.export.check import assess
from scanner.export.ledger import ExportRecord, Ledger, LedgerError, load_key
from scanner.export.request import CheckOptions
from scanner.scan import ScanOptions
from tests.export import ledger_writer
from tests.export.conftest import LEDGER_KEY, legacy_id, mobile, resident_id, write_sqlite
from tests.export.ledger_writer import EXPORTS_EACH, PERSONS_EACH, WRITERS

TRIAL_EXPORT = ScanOptions(
    lists=["jiangsu-2025-biopharma"], scenario="clinical-trial", subject="trial-subject"
)

KEY = LEDGER_KEY.encode()
D = _dt.date
#: The signature a test person carries: an ID number (sensitive PI) or a mobile number (general PI).
SIG = {True: frozenset({"CN_RESIDENT_ID"}), False: frozenset({"CN_MOBILE"})}


def _record(ledger: Ledger, keys_by_flag: dict[bool, list[str]], day: _dt.date, **kw: object) -> str:
    with ledger.session() as s:
        for sensitive, keys in keys_by_flag.items():
            s.add_keys([(k, SIG[sensitive]) for k in keys])
        export_id, _ = s.record(ExportRecord(day, **kw))  # type: ignore[arg-type]
    return export_id


def _tally(ledger: Ledger, keys_by_flag: dict[bool, list[str]], as_of: _dt.date):
    with ledger.session() as s:
        for sensitive, keys in keys_by_flag.items():
            s.add_keys([(k, SIG[sensitive]) for k in keys])
        return s.tally(as_of)


def rid_keys(persons: range) -> list[str]:
    return [f"resident_id:{resident_id(i)[:17]}" for i in persons]


# --- the key ---------------------------------------------------------------------------------------


def test_no_key_no_ledger(tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHUJING_LEDGER_KEY", raising=False)
    with pytest.raises(LedgerError, match="CHUJING_LEDGER_KEY"):
        load_key(None)
    short = tmp_path / "short.key"
    short.write_text("abc\n")
    with pytest.raises(LedgerError, match="shorter than 16"):
        load_key(short)
    good = tmp_path / "ledger.key"
    good.write_text(LEDGER_KEY + "\n")
    assert load_key(good) == KEY
    src = write_sqlite(tmp_path / "s.db", "subjects", ("id_no",), [(resident_id(i),) for i in range(50)])
    for args in (
        (
            "check",
            src,
            "--list",
            "jiangsu-2025-biopharma",
            "--scenario",
            "clinical-trial",
            "--subject",
            "trial-subject",
        ),
        (
            "ledger",
            "record",
            src,
            "--list",
            "jiangsu-2025-biopharma",
            "--scenario",
            "clinical-trial",
            "--subject",
            "trial-subject",
        ),
        ("ledger", "show"),
        ("ledger", "forget", "x"),
    ):
        out = run(*args, "--ledger", tmp_path / "l.db")
        assert out.exit_code == 2
        assert out.stderr.startswith("error: no ledger key") and len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "l.db").exists()
    monkeypatch.setenv("CHUJING_LEDGER_KEY", "0" * 40)
    ok = run("ledger", "show", "--ledger", tmp_path / "l.db", "--ledger-key-file", good)
    assert ok.exit_code == 0, ok.stderr  # the key file wins over the environment


def test_a_ledger_refuses_another_key(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with Ledger.open(str(path), KEY, create=True) as ledger:
        _record(ledger, {True: rid_keys(range(10))}, D(2025, 2, 1))
    with pytest.raises(LedgerError, match="another key"):
        Ledger.open(str(path), b"another-key-of-32-bytes-length!!", create=False)
    with pytest.raises(LedgerError, match="another key"):
        Ledger.open(str(path), b"another-key-of-32-bytes-length!!", create=True)


# --- counting ---------------------------------------------------------------------------------------


def test_year_counts_union_overlap_and_kinds(tmp_path: Path) -> None:
    """A person's elements are united over the year; 100万人以上个人信息（不含敏感个人信息） counts everyone
    whose general PI left, whether or not their sensitive PI left too (a person counts in both bands)."""
    with Ledger.open(str(tmp_path / "l.db"), KEY, create=True) as ledger:
        _record(ledger, {False: rid_keys(range(0, 800))}, D(2025, 3, 1))  # general PI of 800
        _record(ledger, {True: rid_keys(range(700, 1000))}, D(2025, 4, 1))  # sensitive PI of 300
        _record(ledger, {True: rid_keys(range(5000, 5100))}, D(2024, 12, 31))  # last year: never counted
        t = _tally(
            ledger, {False: rid_keys(range(900, 1200)), True: rid_keys(range(1150, 1250))}, D(2025, 5, 1)
        )
    # this export: 900..1249 = 350 persons, 1150..1249 sensitive (100)
    assert (t.this_any, t.this_sensitive) == (350, 100)
    # earlier this year: 0..999 (1,000), of whom 900..999 are in this export too
    assert (t.prior_any, t.overlap_any) == (900, 100)
    assert t.this_any + t.prior_any == 1250
    # sensitive over the year: 700..999 earlier, 1150..1249 now
    assert t.this_sensitive + t.prior_sensitive == 400
    # general: whoever's mobile left — 0..799 earlier, 900..1199 now
    assert (t.this_general, t.prior_general) == (300, 800)
    counts = t.person_counts()
    assert counts.any.total == 1250 and (counts.sensitive.total, counts.general.total) == (400, 1100)
    assert t.prior_exports == 2


def test_check_and_record_share_one_count(tmp_path: Path, ledger_key: str) -> None:
    """``assess`` with a record stores what a check would have said, as of the export's own date."""
    src = write_sqlite(
        tmp_path / "s.db",
        "subjects",
        ("id_no", "mobile"),
        [(resident_id(i), mobile(i)) for i in range(2_000)],
    )
    options = CheckOptions(TRIAL_EXPORT, as_of=D(2025, 9, 1))
    with Ledger.open(str(tmp_path / "l.db"), KEY, create=True) as ledger:
        before = assess([src], options, ledger)
        rec = assess(
            [src], options, ledger, record=ExportRecord(D(2025, 9, 1), recipient="CRO Ltd, Singapore")
        )
        after = assess([src], options, ledger)
        rows = ledger.exports(2025)
    assert before.year.this_any == rec.year.this_any == 2_000
    assert (
        after.year.prior_any == 0 and after.year.overlap_any == 2_000
    )  # the same persons again: still 2,000
    assert rows[0]["persons_any"] == 2_000 and rows[0]["recipient"] == "CRO Ltd, Singapore"
    assert rows[0]["dataset"][0]["table"] == "subjects" and len(rows[0]["dataset_sha256"]) == 64
    assert [x["id"] for x in rows[0]["lists"]] == ["jiangsu-2025-biopharma"]


def test_the_ledger_file_and_its_wal_hold_no_raw_identifier(tmp_path: Path, ledger_key: str) -> None:
    persons = range(3_000)
    src = write_sqlite(
        tmp_path / "s.db",
        "subjects",
        ("id_no", "mobile", "legacy"),
        [(resident_id(i), mobile(i), legacy_id(i)) for i in persons],
    )
    path = tmp_path / "ledger.db"
    options = CheckOptions(TRIAL_EXPORT)
    ledger = Ledger.open(str(path), KEY, create=True)
    assess([src], options, ledger, record=ExportRecord(D(2025, 3, 1)))
    wal = Path(str(path) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the record is (at least partly) still in the WAL
    blobs = {"db": path.read_bytes(), "wal": wal.read_bytes()}
    ledger.close()
    blobs["db after checkpoint"] = path.read_bytes()
    needles = [s for i in persons for s in (resident_id(i), resident_id(i)[:17], legacy_id(i), mobile(i))]
    assert all(re.fullmatch(r"[0-9X]{11,18}", n) for n in needles)
    for name, blob in blobs.items():
        # Every stored copy of a needle lies inside a run of ID characters (as UTF-8/ASCII or UTF-16):
        # collect the runs, then look for the needles in them.
        runs = [m.group(0).decode("ascii") for m in re.finditer(rb"[0-9X]{11,}", blob)]
        runs += [m.group(0).decode("utf-16-le") for m in re.finditer(rb"(?:[0-9X]\x00){11,}", blob)]
        leaked = [n for n in needles if any(n in r for r in runs)]
        assert not leaked, f"{len(leaked)} raw identifiers in the ledger {name}, e.g. {leaked[0]}"
    # … while every person is there as its keyed hash
    con = sqlite3.connect(path)
    stored = {bytes(h) for (h,) in con.execute("SELECT person_hash FROM chujing_export_persons")}
    con.close()
    expected = {
        hmac.new(KEY, f"resident_id:{resident_id(i)[:17]}".encode(), hashlib.sha256).digest() for i in persons
    }
    assert stored == expected


def test_forget_removes_one_export_and_its_persons(tmp_path: Path, run, ledger_key: str) -> None:
    path = tmp_path / "l.db"
    with Ledger.open(str(path), KEY, create=True) as ledger:
        keep = _record(ledger, {True: rid_keys(range(0, 500))}, D(2025, 2, 1), scenario="clinical-trial")
        wrong = _record(ledger, {True: rid_keys(range(400, 1400))}, D(2025, 2, 2), scenario="clinical-trial")
        assert ledger.year_totals(2025)["persons"]["any"] == 1_400
    out = run("ledger", "forget", wrong, "--ledger", path)
    assert out.exit_code == 0, out.stderr
    assert f"removed export {wrong} dated 2025-02-02" in out.output and "1,000 person rows" in out.output
    with Ledger.open(str(path), KEY, create=False) as ledger:
        assert [e["id"] for e in ledger.exports(2025)] == [keep]
        assert ledger.year_totals(2025)["persons"]["any"] == 500
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT COUNT(*) FROM chujing_export_persons").fetchone() == (500,)
    again = run("ledger", "forget", wrong, "--ledger", path)
    assert again.exit_code == 2 and wrong in again.stderr and "ledger show" in again.stderr


# --- concurrency ------------------------------------------------------------------------------------


def _run_writers(url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WRITERS)
    procs = [ctx.Process(target=ledger_writer.write, args=(url, KEY, w, barrier)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * WRITERS


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_writers_lose_nothing(backend: str, tmp_path: Path, request) -> None:
    url = str(tmp_path / "shared.db") if backend == "sqlite" else request.getfixturevalue("pg_db_url")
    _run_writers(url)
    with Ledger.open(url, KEY, create=False) as ledger:
        rows = ledger.exports(2025)
        totals = ledger.year_totals(2025)
        with ledger.engine.connect() as conn:
            person_rows = conn.execute(sa.text("SELECT COUNT(*) FROM chujing_export_persons")).scalar_one()
    assert len(rows) == WRITERS * EXPORTS_EACH
    assert sorted(r["recipient"] for r in rows) == sorted(
        f"worker {w}" for w in range(WRITERS) for _ in range(EXPORTS_EACH)
    )
    assert all(r["persons_any"] == PERSONS_EACH for r in rows)
    assert person_rows == WRITERS * EXPORTS_EACH * PERSONS_EACH
    expected = {
        i for w in range(WRITERS) for e in range(EXPORTS_EACH) for i in ledger_writer.export_range(w, e)
    }
    assert totals["persons"]["any"] == len(expected)


def test_postgres_ledger_through_the_cli(pg_db_url: str, tmp_path: Path, run, ledger_key: str) -> None:
    src = write_sqlite(
        tmp_path / "s.db",
        "trial_subjects",
        ("subject_id", "id_no", "diagnosis", "icd10"),
        [(f"S{i:06d}", resident_id(i), "2型糖尿病", "E11.9") for i in range(12_000)],
    )
    args = (
        "--list",
        "jiangsu-2025-biopharma",
        "--scenario",
        "clinical-trial",
        "--subject",
        "trial-subject",
        "--ledger",
        pg_db_url,
    )
    rec = run("ledger", "record", src, *args, "--exported-at", "2025-04-01", "--format", "json")
    assert rec.exit_code == 0, rec.stderr
    password = sa.engine.make_url(pg_db_url).password
    assert password and password not in rec.output + rec.stderr
    again = run("check", src.replace("s.db", "s.db"), *args, "--as-of", "2025-05-01", "--format", "json")
    assert again.json["persons"]["any"]["already_exported_this_year"] == 12_000
    assert again.json["persons"]["any"]["total"] == 12_000
    shown = run("ledger", "show", "--year", "2025", "--ledger", pg_db_url, "--format", "json")
    assert shown.json["totals"]["persons"]["any"] == 12_000
