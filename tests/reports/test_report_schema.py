"""The report contracts are enforced: real reports follow their models and committed JSON Schemas, drift fails.

``chujing.report/1`` and ``chujing.check/1`` are what auditors' tools read.
The reports here are real ones, written by the ``chujing`` commands: the demo's
``report.json``; on the demo warehouse (at a tenth of its size), a recorded
export that needs review (exit status 5) and a check with earlier exports in the
ledger that fails on a missing source (exit 2); a scan with a broken Parquet
file and a missing database; a scan of an S3 prefix.  Each must validate against its pydantic model and against the
committed JSON Schema with an independent validator, and a misspelt key must
fail both.
"""

from __future__ import annotations

import copy
import json
import typing
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from catalog.evaluator import ROUTE_RANK
from catalog.models import Item
from catalog.person_figure import BASES
from catalog.report import CheckReport, ContractError, ScanReport, validate_report_json
from catalog.report.common import Decision
from catalog.report.decision import DataKind, PersonFigure
from catalog.report.tables import Listing, SourceKind
from connectors.formats import EXTENSIONS
from connectors.s3_listing import SAMPLINGS
from reports.json_report import render_json
from reports.schemas import KINDS, committed_text, json_schema, schema_text
from scanner.cli import main
from scanner.demo.data import build_demo_warehouse
from tests import s3server

s3_endpoint, s3_env, s3 = s3server.s3_endpoint, s3server.s3_env, s3server.s3

LEDGER_KEY = "5c" * 32
DEMO_LIST = ["--list", "jiangsu-2025-biopharma", "--scenario", "clinical-trial", "--subject", "trial-subject"]


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(committed_text(kind))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _follows(path: Path, kind: str) -> ScanReport | CheckReport:
    """The report at ``path`` validated by its model and by the committed schema (any failure is the test's)."""
    text = path.read_text("utf-8")
    model = KINDS[kind].model_validate_json(text)
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(kind).iter_errors(json.loads(text))
    ]
    assert not errors, errors[:5]
    return model


def _run(args: list[str], *, expect: int) -> None:
    result = CliRunner().invoke(main, args, env={"CHUJING_LEDGER_KEY": LEDGER_KEY})
    assert result.exit_code == expect, (result.output, result.exception)


# --- the committed schemas --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_committed_schema_is_what_the_models_generate(kind):
    assert committed_text(kind) == schema_text(kind), "run: python -m reports.schemas --write"
    jsonschema.Draft202012Validator.check_schema(json_schema(kind))


def test_the_models_name_the_values_their_producers_write():
    """The contract's closed sets are the producers' own (a new route or format must reach the contract)."""
    assert set(typing.get_args(Decision)) == set(ROUTE_RANK)
    assert set(typing.get_args(DataKind)) == set(typing.get_args(Item.model_fields["data_kind"].annotation))
    assert set(typing.get_args(PersonFigure.model_fields["basis"].annotation)) == set(BASES)
    assert set(typing.get_args(Listing.model_fields["object_sampling"].annotation)) == set(SAMPLINGS)
    assert set(EXTENSIONS.values()) < set(typing.get_args(SourceKind))


# --- real reports ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_demo_report_follows_the_contract(tmp_path):
    demo = tmp_path / "demo"
    _run(["demo", "--dir", str(demo), "--quiet"], expect=0)
    report = _follows(demo / "report.json", "report")
    assert report.list_items is not None and report.list_items.items and report.integrity is not None
    assert any(t.trajectory for t in report.tables) and any(
        c.categories for t in report.tables for c in t.columns
    )
    # the renderer validates too, and changes no byte of a valid report
    text = (demo / "report.json").read_text("utf-8")
    assert render_json(json.loads(text)) == text


def test_checks_of_the_demo_warehouse_follow_the_contract(tmp_path):
    """A recorded export that needs review, then a check with earlier exports that fails on a missing source."""
    wh = build_demo_warehouse(tmp_path / "warehouse", scale=0.1)
    ledger = ["--ledger", str(tmp_path / "ledger.db"), "--format", "json"]
    recorded_json = str(tmp_path / "recorded.json")
    _run(
        [
            "ledger",
            "record",
            wh.sources[0],
            *DEMO_LIST,
            *ledger,
            "--exported-at",
            "2026-05-01",
            "-o",
            recorded_json,
        ],
        expect=0,
    )
    recorded = _follows(Path(recorded_json), "check")
    assert recorded.exit_status == 5 and recorded.route == "outside" and recorded.manual_review
    assert recorded.ledger.recorded is not None and recorded.ledger.recorded.persons > 0

    sources = [*wh.sources, f"sqlite:///{tmp_path}/missing.db"]
    failed_json = str(tmp_path / "failed.json")
    _run(
        [
            "check",
            *sources,
            *DEMO_LIST,
            *ledger,
            "--as-of",
            "2026-06-30",
            "--person-key",
            "sfzh",
            "-o",
            failed_json,
        ],
        expect=2,
    )
    failed = _follows(Path(failed_json), "check")
    assert failed.exit_status == 2 and failed.errors and failed.items and failed.person_key == [["sfzh"]]
    assert failed.ledger.prior_exports == 1 and failed.persons.any.already_exported_this_year > 0
    assert any(s.status == "error" for s in failed.scan.sources) and all(
        t.persons for t in failed.scan.tables
    )


def test_a_scan_with_failures_follows_the_contract(tmp_path, sealed):
    lake = tmp_path / "lake"
    lake.mkdir()
    (lake / "broken.parquet").write_bytes(b"PAR1 not a parquet file PAR1")
    (lake / "visits.csv").write_text("姓名,手机号码\n张伟,13800138000\n李娜,13912345678\n", "utf-8")
    out = tmp_path / "failed.json"
    _run(
        ["scan", str(lake), f"sqlite:///{tmp_path}/missing.db", "--format", "json", "-o", str(out)], expect=2
    )
    failed = _follows(out, "report")
    assert [s.status for s in failed.sources] == ["ok", "error"]
    assert {t.table: t.status for t in failed.tables} == {"broken": "error", "visits": "ok"}
    assert failed.list_items is None  # no --list: the key is absent, as the contract says
    assert ScanReport.model_validate(sealed).list_items is not None  # and the report tests' warehouse scan


@pytest.mark.s3
def test_an_s3_scan_follows_the_contract(s3: s3server.S3Fixture, tmp_path):
    s3.put("crm/patients.csv", "姓名,手机号码\n张伟,13800138000\n李娜,13912345678\n".encode("gbk"))
    s3.put("crm/photo.png", b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "s3.json"
    _run(
        ["scan", s3.uri("crm/"), "--endpoint-url", s3.endpoint, "--format", "json", "-o", str(out)], expect=0
    )
    scanned = _follows(out, "report")
    (source,) = scanned.sources
    assert source.listing is not None and source.listing.objects_listed == 2
    assert [x.key for x in source.skipped] == ["crm/photo.png"]


# --- drift is caught ---------------------------------------------------------------------------------


@pytest.fixture
def sealed(report) -> dict:
    """The report tests' warehouse scan (SQLite and Parquet, against the biopharma list) as written: sealed."""
    return json.loads(render_json(report))


def _found(report: dict) -> dict:
    """The first column with a finding."""
    return next(c for t in report["tables"] for c in t["columns"] if c["entities"])


@pytest.mark.parametrize(
    "where",
    [
        lambda r: r,
        lambda r: r["tables"][0],
        lambda r: _found(r),
        lambda r: _found(r)["entities"][0],
        lambda r: r["list_items"],
        lambda r: r["persons"],
        lambda r: r["integrity"],
    ],
    ids=["top", "table", "column", "entity", "list_items", "persons", "integrity"],
)
def test_a_misspelt_key_breaks_the_contract(sealed, where):
    assert validate_report_json(json.dumps(sealed, ensure_ascii=False)) is not None
    broken = copy.deepcopy(sealed)
    obj = where(broken)
    key = next(k for k in obj if k != "schema")
    obj[key[:-1] + key[-1].upper()] = obj.pop(key)  # "row_count" -> "row_counT"
    with pytest.raises(ContractError, match=r"Extra inputs are not permitted"):
        validate_report_json(json.dumps(broken, ensure_ascii=False))
    assert not _validator("report").is_valid(broken)


def test_a_loose_value_breaks_the_contract(sealed):
    for mutate in (
        lambda r: r["tables"][0].__setitem__("row_count", "20"),  # a number written as text
        lambda r: _found(r).__setitem__("pi_class", "personal"),  # not a PI class
        lambda r: r["persons"].__setitem__("basis", "estimate"),
        lambda r: r.__setitem__("started_at", "2026-06-30 08:00"),
    ):
        broken = copy.deepcopy(sealed)
        mutate(broken)
        with pytest.raises(ContractError):
            validate_report_json(json.dumps(broken, ensure_ascii=False))
        assert not _validator("report").is_valid(broken)


def test_the_json_renderer_refuses_a_report_that_breaks_its_contract(sealed):
    broken = copy.deepcopy(sealed)
    del broken["integrity"]
    broken["tables"][0]["rowcount"] = broken["tables"][0].pop("row_count")
    with pytest.raises(ContractError, match=r"tables\.0\.row_count: Field required"):
        render_json(broken)
    fixture = json.loads(render_json(broken, seal_missing=False))  # partial documents stay writable, unsealed
    assert fixture["tables"][0]["rowcount"] == sealed["tables"][0]["row_count"] and "integrity" not in fixture
