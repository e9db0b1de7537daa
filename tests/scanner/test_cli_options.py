"""Options declared once: every command that scans takes the same scan options, with one default each.

``scan``, ``check``, ``ledger record`` and ``spotcheck`` once declared their scan
options three times and drifted apart (spotcheck had no S3 flags and one
``--person-key``, check had no ``--seed`` nor ``--sign-key-file``); now
:func:`scanner.cli.options.scan_options` declares them and builds the
:class:`~scanner.scan.ScanOptions` every scanning command receives.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import scanner.export.request
import scanner.scan
from catalog import DEFAULT_REFERENCE_RULE
from scanner.cli import main
from scanner.scan import ScanOptions

SCANNING = (("scan",), ("check",), ("ledger", "record"), ("spotcheck",))
#: The options every scanning command must declare identically (the list options only where lists apply).
SCAN_OPTIONS = (
    "--sample-rows", "--tables", "--exclude", "--schema", "--views", "--seed", "--reference-rule", "--catalog",
    "--profile", "--endpoint-url", "--region", "--addressing-style", "--max-objects", "--object-sampling",
    "--key-include", "--key-exclude", "--debug",
)  # fmt: skip
TRIAL = ("--list", "jiangsu-2025-biopharma", "--scenario", "clinical-trial", "--subject", "trial-subject")


def _command(path: tuple[str, ...]) -> click.Command:
    cmd: click.Command = main
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    return cmd


def _option(cmd: click.Command, flag: str) -> click.Option:
    (opt,) = [p for p in cmd.params if isinstance(p, click.Option) and flag in p.opts]
    return opt


def _declaration(opt: click.Option) -> tuple:
    return (
        opt.name,
        tuple(opt.opts),
        opt.default,
        opt.help,
        repr(opt.type.to_info_dict()),
        opt.multiple,
        opt.is_flag,
    )


@pytest.mark.parametrize("flag", SCAN_OPTIONS)
def test_every_scanning_command_declares_the_scan_option_the_same_way(flag: str) -> None:
    declarations = {path: _declaration(_option(_command(path), flag)) for path in SCANNING}
    assert len(set(declarations.values())) == 1, declarations


def test_the_defaults_are_the_librarys() -> None:
    defaults = ScanOptions()
    scan = _command(("scan",))
    assert _option(scan, "--sample-rows").default == defaults.sample_rows
    assert _option(scan, "--seed").default == defaults.seed
    assert _option(scan, "--reference-rule").default == defaults.reference_rule == DEFAULT_REFERENCE_RULE


def test_person_key_repeats_wherever_persons_are_counted() -> None:
    for path in (("check",), ("ledger", "record"), ("spotcheck",)):
        opt = _option(_command(path), "--person-key")
        assert opt.multiple and opt.help == _option(_command(("check",)), "--person-key").help


@pytest.fixture()
def export(tmp_path: Path) -> str:
    path = tmp_path / "export.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE subjects (subject_id TEXT, id_no TEXT)")
        con.executemany(
            "INSERT INTO subjects VALUES (?, ?)", [(f"S{i:04d}", "11010519491231002X") for i in range(20)]
        )
    return f"sqlite:///{path}"


def test_check_signs_its_decision_and_loads_the_catalogue_once(
    export: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[object] = []
    real_load = scanner.scan.load_catalog
    for module in (scanner.export.request, scanner.scan):  # every place a check could load it from
        monkeypatch.setattr(module, "load_catalog", lambda *a: loads.append(a) or real_load(*a))
    monkeypatch.setenv("CHUJING_LEDGER_KEY", "0" * 64)
    key = tmp_path / "sign.key"
    key.write_text("a signing key of some length\n")
    out = tmp_path / "decision.json"
    args = ["check", export, *TRIAL, "--ledger", str(tmp_path / "l.db"), "--seed", "7"]
    r = CliRunner().invoke(main, [*args, "--format", "json", "-o", str(out), "--sign-key-file", str(key)])
    assert r.exit_code in (0, 5, 10, 20, 30), r.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["integrity"]["signed"] and doc["scan"]["parameters"]["seed"] == 7
    assert len(loads) == 1  # validated and scanned against one catalogue, not loaded again for the scan
    verified = CliRunner().invoke(main, ["verify-report", str(out), "--sign-key-file", str(key)])
    assert verified.exit_code == 0 and "signature valid" in verified.stdout


def test_spotcheck_takes_the_s3_options_and_several_person_keys(export: str, tmp_path: Path) -> None:
    filing = tmp_path / "filing.yaml"
    filing.write_text(
        "persons: {total: 100}\ntables:\n  - table: subjects\n    fields: [subject_id, id_no]\n"
    )
    r = CliRunner().invoke(
        main,
        ["spotcheck", str(filing), export, "--endpoint-url", "http://127.0.0.1:9", "--region", "cn-north-1",
         "--person-key", "nope", "--person-key", "subject_id", "--format", "json"],
        env={"CHUJING_SIGN_KEY": None},
    )  # fmt: skip
    assert r.exit_code in (0, 1), r.stderr  # the S3 options are accepted (and unused by a SQLite source)
    table = json.loads(r.stdout)["persons"]["by_table"]["subjects"]
    assert table["key_columns"] == ["subject_id"] and table["persons"] == 20  # the second key, as check does
