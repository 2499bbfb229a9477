"""The root command: the command table, lazy loading, version and config-file errors."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gavel.cli import COMMANDS, cli


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_help_matches_each_command(name: str) -> None:
    module_name, help_text = COMMANDS[name]
    command = importlib.import_module(f"gavel.commands.{module_name}").command
    assert command.get_short_help_str(limit=200) == help_text


def test_help_lists_commands_without_importing_them() -> None:
    probe = "import sys; from gavel.cli import main; sys.argv = ['gavel', '--help']\n"
    probe += "try:\n    main()\nexcept SystemExit:\n    pass\n"
    probe += "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'gavel.commands.'))))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "Commands:" in result.stdout
    loaded = result.stdout.strip().splitlines()[-1]
    assert loaded == "['gavel.commands.lazy_group', 'gavel.commands.settings']"  # no command module


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("gavel, version ")


def test_a_broken_config_file_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "gavel.yaml"
    config.write_text("check: [unclosed\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "policy", "list"])
    assert result.exit_code == 2
    assert "gavel.yaml" in result.output and "not valid YAML" in result.output
    missing = CliRunner().invoke(cli, ["--config", str(tmp_path / "absent.yaml"), "policy", "list"])
    assert missing.exit_code == 2
    assert "does not exist" in missing.output


def test_unknown_command_is_a_usage_error() -> None:
    assert CliRunner().invoke(cli, ["frobnicate"]).exit_code == 2
