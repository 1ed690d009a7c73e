"""No input ends on a Python trace (issue 18): hostile numbers on the command line, a damaged
database file and an unexpected defect each end on one French line, exit 2 for the user's input
or file (EVT-7, TAR-5, MEM-1), 70 for a defect of rsgm."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from rsgm_core.cli import EXIT_DEFECT, build_parser, common
from rsgm_core.cli import main as cli_main
from rsgm_core.demo.access import ADMIN_EMAIL
from tests.helpers import run

HOSTILE = ["NaN", "-Infinity", "douze"]  # 1e999999999 is a number: bounded by the domain


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-bounds") / "demo.db"
    assert cli_main(["demo", "--db", str(path)]) == 0
    return path


def thursday(days: int) -> str:
    day = dt.date.today() + dt.timedelta(days=days)
    while day.weekday() != 3:
        day += dt.timedelta(days=1)
    return day.isoformat()


def numeric_options() -> list[tuple[list[str], str]]:
    """Every option of every command whose value is converted to a number: (command, option)."""
    numeric = {int, float, common.whole_number, common.decimal_number}
    found: list[tuple[list[str], str]] = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])
            elif action.type in numeric and action.option_strings:
                found.append((path, action.option_strings[0]))

    walk(build_parser(), [])
    return found


def test_nan_and_garbage_on_every_numeric_option_is_a_french_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = numeric_options()
    assert len(options) > 15 and (["events", "plan"], "--cout") in options
    for command, option in options:
        for value in HOSTILE:
            code, _, err = run(capsys, *command, f"{option}={value}")
            assert code == 2, (command, option, value, err)
            assert f"argument {option}" in err and ("invalide" in err or "attendu" in err), err
            assert "Traceback" not in err


@pytest.mark.parametrize(
    ("cost", "expected"),
    [("NaN", "n'est pas un nombre fini"), ("Infinity", "n'est pas un nombre fini"),
     ("1e32", "[EVT-7]"), ("-5", "[EVT-7]"), ("1000000,01", "[EVT-7]")],
)  # fmt: skip
def test_a_hostile_cost_is_refused_and_tracking_still_works_EVT_7(
    demo_db: Path, capsys: pytest.CaptureFixture[str], cost: str, expected: str
) -> None:
    db = str(demo_db)
    code, _, err = run(capsys, "events", "plan", "Coût", "--db", db, "--type", "matinale",
                       "--format", "distanciel", "--seance", f"{thursday(60)};Visio", "--cout", cost)  # fmt: skip
    assert code == 2 and expected in err and "Traceback" not in err
    code, _, err = run(capsys, "events", "track", "--db", db)
    assert code == 0, err


def test_a_hostile_work_time_or_duration_is_refused_MEM_1_TAR_5(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_db)
    for quotite in ("nan", "inf", "1e999", "nan %"):
        code, _, err = run(capsys, "members", "add", "Jean", "Nan", "--db", db,
                           "--commune", "79191", "--quotite", quotite)  # fmt: skip
        assert code == 2 and "[MEM-1]" in err, err
    code, _, err = run(capsys, "interventions", "add", "79191", "--db", db, "--date", "2025-06-02",
                       "--kind", "intervention_specifique", "--minutes", "9999999999",
                       "--requested-by", "le maire", "--par", ADMIN_EMAIL)  # fmt: skip
    assert code == 2 and "[TAR-5]" in err and "1\u202f607 heures" in err
    code, _, err = run(capsys, "events", "plan", "Places", "--db", db, "--type", "matinale",
                       "--format", "distanciel", "--seance", f"{thursday(60)};Visio;99999999999")  # fmt: skip
    assert code == 2 and "[EVT-4]" in err


def test_a_damaged_database_file_is_a_french_storage_error(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "abimee.db"
    shutil.copy(demo_db, damaged)
    with contextlib.closing(sqlite3.connect(damaged)) as conn:  # where the members' rows start
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'members'").fetchone()
    with damaged.open("r+b") as file:  # that table page overwritten
        file.seek((root[0] - 1) * page_size)
        file.write(b"\xff" * page_size)
    reports = []
    for command in (["db", "info"], ["members", "list"], ["events", "list"], ["events", "track"],
                    ["census", "report"], ["outbox", "list"], ["indicators", "show"]):  # fmt: skip
        code, _, err = run(capsys, *command, "--db", str(damaged))
        assert code in (0, 2) and "Traceback" not in err, (command, err)
        reports.append(err)
    told = [err for err in reports if "base endommagée" in err]
    assert told, reports
    assert str(damaged) in told[0] and "sauvegarde" in told[0]
    garbage = tmp_path / "pas-une-base.db"
    garbage.write_bytes(b"\x00garbage" * 1000)
    code, _, err = run(capsys, "members", "list", "--db", str(garbage))
    assert code == 2 and "base endommagée" in err and str(garbage) in err


def test_an_unexpected_defect_is_one_french_line_not_a_trace(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_: argparse.Namespace) -> int:
        raise ZeroDivisionError("division by zero")

    parser = argparse.ArgumentParser()
    parser.set_defaults(handler=broken)
    monkeypatch.setattr("rsgm_core.cli.build_parser", lambda **_: parser)
    code, _, err = run(capsys)
    assert code == EXIT_DEFECT and "erreur inattendue" in err and "Traceback" not in err
    monkeypatch.setenv("RSGM_TRACEBACK", "1")
    with pytest.raises(ZeroDivisionError):
        cli_main([])
