"""One error type, handled once: every error chujing reports is a ChujingError, printed by the root command.

No command catches its own set of errors any more: each raises, and the
``chujing`` group prints ``error: …`` (one line per problem) on stderr and exits
with status 2, with nothing on stdout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog import CatalogError
from connectors import SourceError
from connectors.errors import ChujingError
from reports.diff import DiffError
from reports.filing import FilingError
from reports.integrity import IntegrityError
from scanner.cli import main
from scanner.cli.root import COMMANDS
from scanner.export.ledger import LedgerError
from scanner.export.request import CheckError


@pytest.mark.parametrize(
    "error", [SourceError, CatalogError, LedgerError, CheckError, IntegrityError, DiffError, FilingError]
)
def test_every_user_facing_error_is_a_chujing_error(error: type[Exception]) -> None:
    assert issubclass(error, ChujingError)


def _refused(*args: str, env: dict[str, str | None] | None = None) -> list[str]:
    r = CliRunner().invoke(main, list(args), env=env or {}, catch_exceptions=False)
    assert r.exit_code == 2 and r.stdout == "", (r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), lines
    return lines


def test_each_kind_of_error_is_one_line_from_the_root_command(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")
    assert _refused("verify-report", missing) == [
        f"error: {missing}: cannot read (No such file or directory)"
    ]
    junk = tmp_path / "junk.json"
    junk.write_text("[]")
    (line,) = _refused("diff", str(junk), str(junk))
    assert "not a chujing report" in line
    (line,) = _refused("spotcheck", str(tmp_path / "filing.xlsx"), "sqlite:///x.db")
    assert "cannot read the filing" in line
    (line,) = _refused("catalog", "show", "nope")
    assert line.startswith("error: unknown catalogue id 'nope'")
    (line,) = _refused("ledger", "show", "--ledger", str(tmp_path / "l.db"), env={"CHUJING_LEDGER_KEY": None})
    assert line.startswith("error: no ledger key: set CHUJING_LEDGER_KEY")
    empty_key = tmp_path / "empty.key"
    empty_key.write_text("")
    (line,) = _refused("scan", "sqlite:///x.db", "--sign-key-file", str(empty_key))
    assert line == f"error: the signing key file {empty_key} is empty"


def test_a_catalogue_with_several_problems_prints_one_line_each(tmp_path: Path) -> None:
    bad = tmp_path / "cat"
    bad.mkdir()
    (bad / "a.yaml").write_text("kind: negative_list\n")
    (bad / "b.yaml").write_text("kind: reference_rule\n")
    lines = _refused("catalog", "list", "--catalog", str(bad))
    assert len(lines) >= 2 and any("a.yaml" in x for x in lines) and any("b.yaml" in x for x in lines)


def test_the_root_group_registers_every_command_once() -> None:
    names = [c.name for c in COMMANDS]
    assert sorted(names) == sorted(main.commands) and len(set(names)) == len(names)
