"""Meta-tests that keep the documentation honest (datasette style)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from scanner.cli import main
from scanner.cli.clidoc import _commands, render

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_generated_from_the_code():
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/cli.md is stale: run `python -m scanner.cli.clidoc > docs/cli.md`"


def test_cli_reference_does_not_use_clicks_formatter(monkeypatch):
    """click rewraps and truncates help differently between minor versions (8.4 vs 8.5): the reference is
    rendered from the commands' declarations, so it must not go through click's help formatter at all."""

    def refuse(*args, **kwargs):
        raise AssertionError("docs/cli.md must not depend on click's help formatting")

    monkeypatch.setattr(click.Command, "get_help", refuse)
    monkeypatch.setattr(click.Command, "format_help", refuse)
    monkeypatch.setattr(click.Command, "get_short_help_str", refuse)
    monkeypatch.setattr(click.formatting.HelpFormatter, "write_dl", refuse)
    assert "## chujing scan" in render()


def test_cli_reference_does_not_depend_on_what_ran_before():
    """click caches each command's help option: invoking the CLI first must not change the text."""
    from click.testing import CliRunner

    before = render()
    for _full, cmd in _commands(main, "chujing"):
        # A command invoked on its own, as some tests do, caches plain --help as its help option.
        assert CliRunner().invoke(cmd, ["--help"]).exit_code == 0
    assert render() == before


def test_every_command_has_help_and_every_option_a_description():
    for full, cmd in _commands(main, "chujing"):
        assert cmd.help or cmd.short_help, f"{full} has no help text"
        for p in cmd.params:
            if isinstance(p, click.Option):
                assert p.help, f"{full} {p.opts[0]} has no help text"


def test_readme_commands_exist():
    """Every `chujing <command>` the README shows is a real command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {full.split()[1] for full, _ in _commands(main, "chujing")}
    used = set(re.findall(r"(?m)^\s*chujing ([a-z][a-z-]+)", readme))
    assert used, "the README shows no chujing command"
    assert used <= names, f"README shows unknown commands: {sorted(used - names)}"


def test_readme_has_the_two_setup_commands_used_by_ci():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = "pip install -q -e '.[test]' && python -m pytest -n 2"
    assert test_cmd in readme and ci.rstrip().endswith(test_cmd)
    assert "pip install -e . && chujing demo" in readme
