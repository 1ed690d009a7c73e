"""docs/cli.md cannot drift from the command line: its generated sections (every command and
action, their usage and options, the schema version, the ``rsgm db`` examples) are what
``python -m rsgm_core.cli.docgen docs/cli.md`` writes today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rsgm_core.cli import build_parser
from rsgm_core.cli.docgen import SECTIONS, commands_section, main, regenerate
from rsgm_core.plugins.sql.migrations import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "cli.md"
HOW = "run: python -m rsgm_core.cli.docgen docs/cli.md"


def test_docs_cli_md_is_what_the_parser_generates() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert regenerate(text) == text, f"docs/cli.md is out of date; {HOW}"


def test_every_command_group_and_the_schema_version_are_listed() -> None:
    parser = build_parser()
    section = commands_section(parser)
    [commands] = [a for a in parser._actions if a.dest == "command"]
    for name in commands.choices:  # type: ignore[union-attr]
        assert f"`rsgm {name}`" in section or any(
            f"`rsgm {other}`" in section
            for other, sub in commands.choices.items()  # type: ignore[union-attr]
            if sub is commands.choices[name]  # type: ignore[union-attr]
        )
    assert f"schema version **{SCHEMA_VERSION}**" in section
    for group in ("events", "calendar", "surveys", "newsletter", "toolbox", "advice", "links"):
        assert f"| `rsgm {group}` |" in section


def test_a_new_command_shows_in_the_generated_page() -> None:
    parser = build_parser()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    extra = commands.add_parser("essai", help="une commande ajoutée")  # type: ignore[union-attr]
    extra.add_argument("--option-neuve", metavar="VALEUR", help="son option")
    text = PAGE.read_text(encoding="utf-8")
    fresh = regenerate(text, parser)
    assert fresh != text
    assert "| `rsgm essai` | — | une commande ajoutée |" in fresh
    assert "  --option-neuve VALEUR\n      son option" in fresh


def test_missing_markers_are_an_error_not_a_silent_pass() -> None:
    with pytest.raises(ValueError, match="rsgm-cli:commands:begin"):
        regenerate("# rsgm\n")
    assert set(SECTIONS) == {"commands", "db-examples", "reference"}


def test_the_check_command_exits_1_on_a_stale_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "cli.md"
    stale.write_text(
        PAGE.read_text(encoding="utf-8").replace("| `rsgm db` |", "| `rsgm base` |"),
        encoding="utf-8",
    )
    assert main(["--check", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main([str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == PAGE.read_text(encoding="utf-8")


def test_the_documented_command_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rsgm_core.cli.docgen", "--check", str(PAGE)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
