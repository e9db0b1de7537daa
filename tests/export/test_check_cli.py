"""``chujing check`` and ``chujing ledger record`` end to end, on real SQLite and Parquet files.

What matters to the person about to export: the route (and exit status) comes
out of the list's own bands applied to *natural persons* — counted exactly,
normalised, de-duplicated across the year's exports — and the scenario and
subject decide which items can be claimed at all.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.export.conftest import (
    DIAGNOSES,
    TRIAL_COLUMNS,
    item_numbers,
    legacy_id,
    resident_id,
    trial_rows,
    vin,
    write_sqlite,
)

JS = "jiangsu-2025-biopharma"
TRIAL = ("--list", JS, "--scenario", "clinical-trial", "--subject", "trial-subject")


@pytest.fixture(scope="module")
def trial_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Trial-subject exports of 9,999 / 10,000 / 50,000 persons.

    The 9,999 export has 2,001 more rows: repeat visits of the same subjects
    with their ID written as clerks write it (x, full-width, 15 digits, spaces,
    dashes), so 12,000 rows are still 9,999 persons.
    """
    d = tmp_path_factory.mktemp("trial")
    return {
        "9999": write_sqlite(
            d / "t9999.db",
            "trial_subjects",
            TRIAL_COLUMNS,
            trial_rows(range(9_999), variants=[*range(0, 9_999, 5), 9_998]),
        ),
        "10000": write_sqlite(d / "t10000.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(10_000))),
        "50000": write_sqlite(d / "t50000.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(50_000))),
    }


def test_band_edges_of_the_clinical_trial_items(run, ledger_key, tmp_path: Path, trial_exports) -> None:
    ledger = tmp_path / "ledger.db"
    below = run("check", trial_exports["9999"], *TRIAL, "--ledger", ledger, "--format", "json")
    # below item 14's band, but item 2 (「一定规模以上…医疗资源数据」) is for a person to judge: not cleared
    assert below.exit_code == 5, below.stderr
    doc = below.json
    assert doc["scan"]["tables"][0]["row_count"] == 12_000
    assert doc["persons"]["any"]["this_export"] == 9_999
    assert doc["route"] == "outside" and item_numbers(doc) == []

    edge = run("check", trial_exports["10000"], *TRIAL, "--ledger", ledger, "--format", "json")
    assert edge.exit_code == 10, edge.stderr
    assert item_numbers(edge.json) == [14]
    assert edge.json["items"][0]["persons"]["total"] == 10_000

    high = run("check", trial_exports["50000"], *TRIAL, "--ledger", ledger, "--format", "json")
    assert high.exit_code == 20, high.stderr
    assert item_numbers(high.json) == [7]
    assert high.json["route"] == "security_assessment"
    assert not ledger.exists(), "check must never write the ledger"


def test_same_data_in_an_exclusive_scenario_it_is_not_listed_for(
    run, ledger_key, tmp_path, trial_exports
) -> None:
    """Items 7/14 are 仅限于 clinical trial / drug R&D, and catch-all 13 is 「除第7、8、9、10、11、12涉及场景以外的
    其他场景」: pharmacovigilance is item 8's scenario, so the same 10,000 subjects exported for
    pharmacovigilance are taken by no item — the gate does not clear them: a person must review (exit 5)."""
    pv = run(
        "check",
        trial_exports["10000"],
        "--list",
        JS,
        "--scenario",
        "pharmacovigilance",
        "--subject",
        "trial-subject",
        "--ledger",
        tmp_path / "l.db",
        "--format",
        "json",
    )
    assert pv.exit_code == 5, pv.stderr
    assert item_numbers(pv.json) == [] and 13 in [m["item"] for m in pv.json["manual_review"]]
    ct = run("check", trial_exports["10000"], *TRIAL, "--ledger", tmp_path / "l.db", "--format", "json")
    assert item_numbers(ct.json) == [14]


def test_overlapping_exports_are_counted_once(run, ledger_key, tmp_path: Path) -> None:
    """80,000 patients in March, 25,000 in June of whom 6,000 were in March: 99,000 persons, not 105,000 —
    so the June export stays in item 15 (1万–10万 patients, standard contract) instead of item 8 (10万以上)."""
    cols = ("case_id", "id_no", "diagnosis", "icd10", "drug")

    def pv_rows(persons: range) -> list[tuple]:
        return [(f"AE{i:07d}", resident_id(i), *DIAGNOSES[i % len(DIAGNOSES)]) for i in persons]

    march = write_sqlite(tmp_path / "march.db", "ae_cases", cols, pv_rows(range(80_000)))
    june = write_sqlite(tmp_path / "june.db", "ae_cases", cols, pv_rows(range(74_000, 99_000)))
    pv = (
        "--list",
        JS,
        "--scenario",
        "pharmacovigilance",
        "--subject",
        "patient",
        "--ledger",
        tmp_path / "l.db",
    )

    rec = run("ledger", "record", march, *pv, "--exported-at", "2025-03-10", "--format", "json")
    assert rec.exit_code == 0, rec.stderr
    assert item_numbers(rec.json) == [15] and rec.json["ledger"]["recorded"]["persons"] == 80_000

    june_check = run("check", june, *pv, "--as-of", "2025-06-01", "--format", "json")
    assert june_check.exit_code == 10, june_check.stderr
    persons = june_check.json["persons"]["any"]
    assert persons == {
        "this_export": 25_000,
        "prior_this_year": 74_000,
        "total": 99_000,
        "already_exported_this_year": 6_000,
    }
    assert item_numbers(june_check.json) == [15]
    assert june_check.json["items"][0]["persons"]["total"] == 99_000

    # A further 1,000 new patients cross 100,000: item 8, security assessment.
    more = write_sqlite(tmp_path / "july.db", "ae_cases", cols, pv_rows(range(74_000, 100_000)))
    assert run("ledger", "record", june, *pv, "--exported-at", "2025-06-01").exit_code == 0
    july = run("check", more, *pv, "--as-of", "2025-07-01", "--format", "json")
    assert july.exit_code == 20 and item_numbers(july.json) == [8]
    assert july.json["persons"]["any"]["total"] == 100_000


def test_last_years_exports_do_not_count_on_1_january(run, ledger_key, tmp_path: Path) -> None:
    first = write_sqlite(tmp_path / "dec.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(45_000)))
    new = write_sqlite(
        tmp_path / "jan.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(45_000, 54_000))
    )
    ledger = ("--ledger", tmp_path / "l.db")
    assert run("ledger", "record", first, *TRIAL, *ledger, "--exported-at", "2025-12-31").exit_code == 0
    same_year = run("check", new, *TRIAL, *ledger, "--as-of", "2025-12-31", "--format", "json")
    assert same_year.exit_code == 20 and item_numbers(same_year.json) == [7]
    assert same_year.json["persons"]["any"]["total"] == 54_000
    new_year = run("check", new, *TRIAL, *ledger, "--as-of", "2026-01-01", "--format", "json")
    assert new_year.exit_code == 5 and new_year.json["route"] == "outside"  # item 2 left for review
    assert new_year.json["persons"]["any"] == {
        "this_export": 9_000,
        "prior_this_year": 0,
        "total": 9_000,
        "already_exported_this_year": 0,
    }


def test_exempt_and_back_filled_exports(run, ledger_key, tmp_path: Path) -> None:
    """An export under CBDF Art. 4 is recorded, not counted; a back-filled export counts from its own date."""
    a = write_sqlite(tmp_path / "a.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(30_000)))
    b = write_sqlite(tmp_path / "b.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(30_000, 45_000)))
    c = write_sqlite(tmp_path / "c.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(45_000, 55_000)))
    ledger = ("--ledger", tmp_path / "l.db")
    assert (
        run(
            "ledger", "record", a, *TRIAL, *ledger, "--exported-at", "2025-05-01", "--exempt", "art4"
        ).exit_code
        == 0
    )
    later = run("ledger", "record", b, *TRIAL, *ledger, "--exported-at", "2025-08-01", "--format", "json")
    assert later.json["persons"]["any"]["total"] == 15_000  # the exempt 30,000 do not count
    # Back-filled in September for an export made in March: counted as of March (nothing before it) …
    back = run("ledger", "record", c, *TRIAL, *ledger, "--exported-at", "2025-03-01", "--format", "json")
    assert back.json["ledger"]["recorded"]["exported_at"] == "2025-03-01"
    assert back.json["persons"]["any"]["total"] == 10_000
    # … and from then on part of the year: 15,000 + 10,000.
    shown = run("ledger", "show", "--year", "2025", *ledger, "--format", "json").json
    assert shown["totals"]["persons"]["any"] == 25_000
    assert [e["exported_at"] for e in shown["exports"]] == ["2025-03-01", "2025-05-01", "2025-08-01"]
    assert [e["exempt"] for e in shown["exports"]] == [None, "CBDF Provisions Art. 4", None]


def test_gene_data_needs_another_lawful_route(run, ledger_key, tmp_path: Path) -> None:
    """Item 21 (遗传信息、基因数据, 所有场景) is the human-genetic-resources route: exit 30, whatever the scenario."""
    rows = [
        (f"S{i:06d}", g, v, seq)
        for i, (g, v, seq) in enumerate(
            [
                (
                    "BRCA1",
                    "c.68_69delAG",
                    "ATGGATTTATCTGCTCTTCGCGTTGAAGAAGTACAAAATGTCATTAATGCTATGCAGAAAATCTTAGAG",
                ),
                ("TP53", "c.215C>G", "ATGGAGGAGCCGCAGTCAGATCCTAGCGTCGAGCCCCCTCTGAGTCAGGAAACATTTTCAGACCTATGG"),
                (
                    "EGFR",
                    "c.2573T>G",
                    "ATGCGACCCTCCGGGACGGCCGGGGCAGCGCTCCTGGCGCTGCTGGCTGCGCTCTGCCCGGCGAGTCGG",
                ),
            ]
            * 400
        )
    ]
    src = write_sqlite(tmp_path / "g.db", "sequencing", ("sample_id", "gene", "variant", "sequence"), rows)
    out = run(
        "check", src, *TRIAL, "--person-key", "sample_id", "--ledger", tmp_path / "l.db", "--format", "json"
    )
    assert out.exit_code == 30, out.stderr
    doc = out.json
    assert 21 in item_numbers(doc) and doc["route"] == "other_lawful_route"
    assert any(c["source"] == "negative_list" and c["item"] == 21 for c in doc["candidate_important_data"])
    assert doc["persons"]["tables"][0]["key_kind"] == "person_key"
    assert doc["persons"]["any"]["this_export"] == 1_200


def test_person_key_and_multi_table_union(run, ledger_key, tmp_path: Path) -> None:
    """Tables keyed by ID number are one set of persons; pseudonymous codes can key tables without one."""
    path = tmp_path / "wh.db"
    write_sqlite(path, "visits", TRIAL_COLUMNS, trial_rows(range(0, 6_000)))
    write_sqlite(
        path,
        "followups",
        TRIAL_COLUMNS,
        [(f"S{i:06d}", legacy_id(i), *DIAGNOSES[0]) for i in range(4_000, 11_000)],
    )
    write_sqlite(
        path,
        "sequencing",
        ("sample_id", "gene", "variant"),
        [(f"S{i:06d}", "BRCA1", "c.68_69delAG") for i in range(10_000, 12_000)],
    )
    src, ledger = f"sqlite:///{path}", ("--ledger", tmp_path / "l.db", "--format", "json")
    out = run("check", src, *TRIAL, *ledger)
    assert out.exit_code == 30, out.stderr  # the variants are gene data: item 21
    tables = {t["table"]: t for t in out.json["persons"]["tables"]}
    assert {k: t["persons"] for k, t in tables.items()} == {
        "followups": 7_000,
        "sequencing": 2_000,
        "visits": 6_000,
    }
    assert tables["sequencing"]["basis"] == "row_count_upper_bound"
    # 6,000 + 7,000 − 2,000 in both by ID number, plus 2,000 samples that cannot be matched to anyone
    assert out.json["persons"]["any"]["this_export"] == 13_000
    keyed = run("check", src, *TRIAL, "--person-key", "subject_id", "--person-key", "sample_id", *ledger)
    assert {t["key_kind"] for t in keyed.json["persons"]["tables"]} == {"person_key"}
    assert keyed.json["persons"]["any"]["this_export"] == 12_000  # S000000 … S011999, each once
    bad = run("check", src, *TRIAL, "--person-key", "no_such_column", "--ledger", tmp_path / "l.db")
    assert bad.exit_code == 2 and "no_such_column" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_parquet_source_and_table_output(run, ledger_key, tmp_path: Path) -> None:
    ids = [resident_id(i) for i in range(10_000)] + [legacy_id(i) for i in range(500)]
    dx = [DIAGNOSES[i % 4] for i in range(len(ids))]
    pq.write_table(
        pa.table({"id_no": ids, "diagnosis": [d[0] for d in dx], "icd10": [d[1] for d in dx]}),
        tmp_path / "subjects.parquet",
        row_group_size=2_000,
    )
    out = run("check", tmp_path / "subjects.parquet", *TRIAL, "--ledger", tmp_path / "l.db")
    assert out.exit_code == 10, out.stderr
    assert "item 14" in out.output and "标准合同" in out.output
    assert "10,000" in out.output and "resident_id(id_no)" in out.output


def test_bad_requests_fail_with_one_line(run, ledger_key, tmp_path: Path, trial_exports) -> None:
    src = trial_exports["10000"]
    for args, words in [
        (
            ("--list", "no-such-list", "--scenario", "clinical-trial", "--subject", "trial-subject"),
            "no-such-list",
        ),
        (("--list", JS, "--scenario", "space-travel", "--subject", "trial-subject"), "space-travel"),
        (("--list", JS, "--scenario", "clinical-trial", "--subject", "alien"), "alien"),
    ]:
        out = run("check", src, *args, "--ledger", tmp_path / "l.db")
        assert out.exit_code == 2
        assert words in out.stderr and len(out.stderr.strip().splitlines()) == 1
    missing = run(
        "check", str(tmp_path / "nope.db"), *TRIAL, "--ledger", tmp_path / "l.db", "--format", "json"
    )
    assert missing.exit_code == 2 and missing.json["errors"]
    refused = run("ledger", "record", str(tmp_path / "nope.db"), *TRIAL, "--ledger", tmp_path / "l.db")
    assert refused.exit_code == 2 and "nothing recorded" in refused.stderr


def _trajectories(vehicles: int, points: int, decimals: int) -> list[tuple]:
    """GPS points around Suzhou, ``points`` per vehicle, written with ``decimals`` decimal places."""
    rng = random.Random(vehicles * 10 + points)
    rows = []
    for i in range(vehicles):
        lat, lng = 31.2 + rng.random() / 2, 120.5 + rng.random() / 2
        rows += [
            (
                vin(i),
                f"2025-03-01 08:0{k}:00",
                f"{lat + k * rng.random() / 500:.{decimals}f}",
                f"{lng + k * rng.random() / 500:.{decimals}f}",
            )
            for k in range(points)
        ]
    return rows


def test_vehicle_trajectories_read_by_the_literal_10_m_line(run, ledger_key, tmp_path: Path) -> None:
    """Automotive items 12/14 name 「平面精度不优于10米(不含10米)的车辆行踪轨迹」 as sensitive PI: tracks *coarser*
    than 10 m.  12,000 vans at 2 decimals (~1.1 km) → item 12 (1万人以上敏感个人信息), exit 20; 6,000 → item 14
    (不满1万人敏感个人信息), exit 10.  At 6 decimals (~0.1 m) the tracks are outside that enumeration: high-precision
    data, a candidate for item 1 (车辆位置信息-精确坐标、行踪轨迹) needing a security assessment whatever the number
    of vehicles, and their owners still count as persons with sensitive PI (行踪轨迹, PIPL Art. 28)."""
    cols = ("vin", "ts", "lat", "lng")
    auto = (
        "--list",
        "multisector-2025-automotive",
        "--scenario",
        "iov-services",
        "--subject",
        "vehicle-owner",
        "--ledger",
        tmp_path / "l.db",
        "--format",
        "json",
    )
    coarse = write_sqlite(tmp_path / "coarse.db", "vehicle_trajectory", cols, _trajectories(12_000, 3, 2))
    out = run("check", coarse, *auto)
    assert out.exit_code == 20, out.stderr
    assert item_numbers(out.json) == [12]
    (hit,) = out.json["items"]
    assert hit["persons"]["this_export"] == 12_000  # vehicles, not 36,000 rows
    assert out.json["persons"]["tables"][0]["key_kind"] == "vin"
    assert "coarser than 10 m" in hit["reason"]
    # outside items 12/14 coarse coordinates are general PI (个人位置信息): sensitive only as the list defines them
    assert out.json["persons"]["sensitive"]["this_export"] == 0

    # 6,000 vehicles with 4 points each: 24,000 rows but 6,000 persons — item 14 (不满1万人), not item 12.
    fewer = write_sqlite(tmp_path / "fewer.db", "vehicle_trajectory", cols, _trajectories(6_000, 4, 2))
    out = run("check", fewer, *auto)
    assert out.exit_code == 10, out.stderr
    assert item_numbers(out.json) == [14]

    fine = write_sqlite(tmp_path / "fine.db", "vehicle_trajectory", cols, _trajectories(6_000, 4, 6))
    out = run("check", fine, *auto)
    assert out.exit_code == 20, (
        out.stderr
    )  # the candidate needs a security assessment with only 6,000 vehicles
    assert item_numbers(out.json) == [1, 14]
    (cand,) = [c for c in out.json["candidate_important_data"] if c.get("item") == 1]
    assert "candidate important data for a person to confirm" in cand["reason"]
    assert "6,000 vehicles (distinct vin, counted in the source)" in cand["reason"]  # vehicle count
    assert "~0.11 m" in cand["reason"] and "area 31." in cand["reason"]  # precision and area
    assert out.json["persons"]["sensitive"]["this_export"] == 6_000  # 行踪轨迹: sensitive PI everywhere


def test_html_report_of_the_decision(run, ledger_key, tmp_path: Path, trial_exports) -> None:
    out_file = tmp_path / "check.html"
    out = run(
        "check",
        trial_exports["10000"],
        *TRIAL,
        "--ledger",
        tmp_path / "l.db",
        "--format",
        "html",
        "-o",
        out_file,
    )
    assert out.exit_code == 10, out.stderr
    page = out_file.read_text(encoding="utf-8")
    assert "<html" in page.lower() and "标准合同备案或个人信息保护认证" in page
    assert "Route: 标准合同备案或个人信息保护认证" in out.output  # the terminal summary beside the file


def test_declared_modality_decides_the_ai_training_data_items(
    run, ledger_key, tmp_path, trial_exports
) -> None:
    """The AI list sets its scales per content type (text / image / audio; video is outside, note 1):
    undeclared, the 10,000 persons' item 7 is left for review; declared, it is decided."""
    ai = (
        "--list",
        "multisector-2025-ai-training-data",
        "--scenario",
        "model-training",
        "--subject",
        "customer",
    )
    common = (trial_exports["10000"], *ai, "--ledger", tmp_path / "l.db", "--format", "json")
    undeclared = run("check", *common)
    assert undeclared.exit_code == 5, undeclared.stderr  # needs review, never cleared
    assert item_numbers(undeclared.json) == []
    assert [(r["item"], r["review"]) for r in undeclared.json["manual_review"]] == [(7, "modality")]
    text = run("check", *common, "--modality", "text")
    assert text.exit_code == 10, text.stderr
    assert item_numbers(text.json) == [7] and text.json["scan"]["parameters"]["modality"] == "text"
    video = run("check", *common, "--modality", "video")
    assert video.exit_code == 5 and item_numbers(video.json) == []  # not covered: the general rules apply
    assert any(r.get("review") == "scope" for r in video.json["manual_review"])


def test_the_ledger_accumulates_only_within_an_items_scope(run, ledger_key, tmp_path: Path) -> None:
    """Item 7 reads 「自当年1月1日起累计向境外提供5万人以上的受试者个人基本资料、诊疗和健康生理信息」: it accumulates
    trial subjects (受试者), not every person exported this year.  40,000 pharmacovigilance patients recorded
    in March, then 10,000 trial subjects in June: 10,000 toward item 7's band, so item 14 (1万人以上且不满5万人的
    受试者…, standard contract), not item 7 (security assessment)."""
    cols = ("case_id", "id_no", "diagnosis", "icd10", "drug")
    patients = [
        (f"AE{i:07d}", resident_id(i), *DIAGNOSES[i % len(DIAGNOSES)]) for i in range(100_000, 140_000)
    ]
    march = write_sqlite(tmp_path / "march.db", "ae_cases", cols, patients)
    ledger = ("--ledger", tmp_path / "l.db")
    pv = ("--list", JS, "--scenario", "pharmacovigilance", "--subject", "patient", *ledger)
    assert run("ledger", "record", march, *pv, "--exported-at", "2025-03-10").exit_code != 2
    june = run(
        "check", trial_exports_10000(tmp_path), *TRIAL, *ledger, "--as-of", "2025-06-01", "--format", "json"
    )
    assert june.exit_code == 10, june.stderr
    assert item_numbers(june.json) == [14]
    (hit,) = june.json["items"]
    assert hit["persons"]["total"] == 10_000  # the 40,000 patients are outside the item's scope
    assert june.json["persons"]["any"]["total"] == 50_000  # though all of them count for the year


def trial_exports_10000(tmp_path: Path) -> str:
    return write_sqlite(tmp_path / "t10000.db", "trial_subjects", TRIAL_COLUMNS, trial_rows(range(10_000)))
