"""The command line starts light: ``rsgm --help`` imports no command's module, a command imports
its own module only, the version is read for ``--version`` only, and SQLAlchemy is imported only
when a SQL database is opened (issue 24, item 5). The light table of commands in
``rsgm_core.cli.COMMANDS`` must say what the commands' own ``register`` functions build."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rsgm_core.cli import COMMANDS, build_parser, command_named

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _modules_after(code: str) -> list[str]:
    """The modules a fresh interpreter holds after ``code`` (this checkout's ``src`` first)."""
    env = {**os.environ, "PYTHONPATH": SRC, "RSGM_DISABLE_PLUGIN_AUTOLOAD": "1"}
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_the_light_table_lists_every_command_with_its_help_line() -> None:
    whole = _subcommands(build_parser())
    listed = [(a.dest, a.help) for a in whole._choices_actions]
    assert listed == [(c.name, c.help) for c in COMMANDS]
    aliases = {name for name in whole.choices} - {c.name for c in COMMANDS}
    assert aliases == {a for c in COMMANDS for a in c.aliases}


def test_rsgm_help_is_the_same_from_the_light_table() -> None:
    assert build_parser(lazy=True).format_help() == build_parser().format_help()


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_a_command_parses_with_its_own_module_only(command: str) -> None:
    light = _subcommands(build_parser(lazy=True, command=command)).choices[command]
    whole = _subcommands(build_parser()).choices[command]
    assert light.format_help() == whole.format_help()


def test_the_command_is_the_first_word_that_is_not_an_option() -> None:
    assert command_named(["--version"]) is None
    assert command_named(["census", "report"]).name == "census"  # type: ignore[union-attr]
    assert command_named(["--", "aggregate", "merge"]).name == "national"  # type: ignore[union-attr]
    assert command_named(["inconnue"]) is None


def test_rsgm_help_imports_no_command_module_and_no_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    loaded = _modules_after(
        "import contextlib, io\nfrom rsgm_core.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert [m for m in loaded if m.startswith("rsgm_core.")] == [
        "rsgm_core.cli",
        "rsgm_core.cli.language",
        "rsgm_core.errors",
    ]
    assert "importlib.metadata" not in loaded and "attrs" not in loaded


def test_a_command_imports_its_module_and_not_the_others() -> None:
    loaded = _modules_after(
        "import contextlib, io\nfrom rsgm_core.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['census', '--help'])"
    )
    assert "rsgm_core.cli.census" in loaded
    assert not {"rsgm_core.cli.members", "rsgm_core.cli.events", "rsgm_core.demo"} & set(loaded)
    assert "sqlalchemy" not in loaded


def test_sqlalchemy_is_imported_only_when_a_sql_database_is_opened(tmp_path: Path) -> None:
    memory = _modules_after(
        "import rsgm_core\nwith rsgm_core.open('memory://') as app:\n    app.census.territory()"
    )
    assert "sqlalchemy" not in memory and "rsgm_core.plugins.sql.backend" not in memory
    sql = _modules_after(
        f"import rsgm_core\nwith rsgm_core.open('sqlite:///{tmp_path / 'x.db'}') as app:"
        "\n    app.census.territory()"
    )
    assert "sqlalchemy" in sql


def test_import_rsgm_core_loads_neither_the_facade_nor_pluggy() -> None:
    loaded = _modules_after("import rsgm_core")
    assert not {"rsgm_core.app", "pluggy", "sqlalchemy", "babel"} & set(loaded)
