"""Docs that tests keep honest: every command has help and the reference matches --help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.cli import cli
from detente.settings import setting_table

REPO = Path(__file__).resolve().parents[1]


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_cli_docs", REPO / "tools" / "build_cli_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert (cli.commands[name].help or "").strip(), f"`detente {name}` has no help text"


def test_cli_reference_is_generated_from_current_help() -> None:
    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert doc == _tool().render(), "docs/cli.md is stale: run tools/build_cli_docs.py"


def test_every_command_and_setting_is_in_the_readme_or_reference() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"detente {name}" in readme, f"README does not mention `detente {name}`"
    for setting in setting_table():
        assert f"`{setting}`" in doc


def test_readme_quick_start_is_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick and "make test" in quick
