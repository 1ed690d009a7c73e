"""The ``rsgm`` command line, as an animator uses it: French output, one-line errors, no traceback."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core.plugins.sql.migrations import SCHEMA_VERSION
from tests.conftest import NEW_VINTAGE, OLD_VINTAGE, SAMPLE
from tests.helpers import new_database, run


def test_version_through_the_console_entry() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rsgm_core", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"rsgm {rsgm_core.__version__}"


def test_demo_imports_the_sample_and_prints_the_census_TER_6(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "demo", "--db", str(tmp_path / "demo.db"))
    assert code == 0, err
    assert "252 communes" in out and "Recensement au" in out
    assert "CC Mellois en Poitou" in out and "vacant" in out
    code, out, _ = run(
        capsys, "census", "report", "--db", str(tmp_path / "demo.db"), "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["code_insee", "commune", "departement"]
    assert {r[10] for r in rows[1:]} >= {"vacant", "secrétaire général de mairie"}
    assert len(rows) - 1 == 235  # communes of the Deux-Sèvres under 3,500


def test_db_init_info_upgrade(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "cdg.db")
    code, out, _ = run(capsys, "db", "init", "--db", db)
    assert code == 0 and f"schéma {SCHEMA_VERSION}" in out
    code, out, _ = run(capsys, "db", "info", "--db", db)
    assert code == 0 and "aucun recensement importé" in out
    code, out, _ = run(capsys, "db", "upgrade", "--db", db)
    assert code == 0 and "schéma à jour" in out


def test_census_import_diff_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, census_data: Path
) -> None:
    db = new_database(tmp_path / "cdg.db")
    code, out, err = run(
        capsys, "census", "import", "--db", db, "--source", str(OLD_VINTAGE), "--departement", "79"
    )
    assert code == 0, err
    assert "millésime 4.1.0 importé : 256 communes" in out
    code, out, _ = run(capsys, "census", "diff", "--db", db, "--source", str(NEW_VINTAGE))
    assert code == 0 and "fusionnée : 79060 Caunay" in out
    code, out, _ = run(capsys, "census", "import", "--db", db, "--source", str(NEW_VINTAGE))
    assert code == 0 and "changement" in out
    code, out, _ = run(capsys, "census", "report", "--db", db, "--format", "json")
    data = json.loads(out)
    assert data["rows"][0]["function_in_place"] == "vacant"
    code, out, _ = run(capsys, "census", "report", "--db", db, "--level", "arrondissement")
    assert code == 0 and "Niort" in out and "1 000 à 1 999" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("census", "diff", "--db", "{db}"), "argument obligatoire manquant : --source"),
        (
            ("census", "import", "--db", "{db}", "--source", "/nulle/part", "--departement", "79"),
            "introuvable",
        ),
        (
            ("census", "import", "--db", "{db}", "--source", str(SAMPLE), "--departement", "7X"),
            "[TER-1]",
        ),
        (("census", "import", "--db", "{db}", "--source", str(SAMPLE)), "précisez --departement"),
        (("census", "report", "--db", "{db}"), "aucun recensement importé"),
        (("census", "report", "--db", "{db}", "--format", "pdf"), "choix invalide"),
        (("db", "init", "--db", "/nulle/part/x.db"), "n'existe pas"),
        (("db", "info", "--db", "{db}-absente"), "base introuvable"),
        (("members", "list", "--db", "{db}-absente"), "base introuvable"),
        (("outbox", "list", "--status", "lost", "--db", "{db}"), "choix invalide"),
    ],
)
def test_bad_input_gives_one_french_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...], expected: str
) -> None:
    db = new_database(tmp_path / "cdg.db")
    code, _, err = run(capsys, *(a.format(db=db) for a in argv))
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_outbox_list_and_retry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    run(capsys, "demo", "--db", db)
    code, out, _ = run(capsys, "outbox", "list", "--db", db)
    rows = out.splitlines()[2:]  # every message of the demo (welcome mails, events…) went out
    assert code == 0 and rows and all(" envoye " in row for row in rows) and "Bienvenue" in out
    code, out, _ = run(capsys, "outbox", "retry", "--db", db)
    assert code == 0 and "0 message envoyé" in out


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for action in parser._actions:  # argparse keeps its sub-commands there
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*path, name))
    return found


def test_every_command_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` of every command and action prints its French help, never a traceback (a
    bare ``%`` in a help text breaks argparse's formatting)."""
    from rsgm_core.cli import build_parser, main

    commands = _commands(build_parser())
    assert len(commands) > 80
    for path in commands:
        with pytest.raises(SystemExit) as exited:
            main([*path, "--help"])
        assert exited.value.code == 0, path
        assert capsys.readouterr().out.startswith("usage : rsgm"), path
