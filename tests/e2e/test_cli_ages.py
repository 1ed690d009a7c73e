"""``rsgm census age|ages`` and the census report's age part (IND-4), and ``rsgm national
export`` with the census of the function (IND-3), as an animator types them."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

import rsgm_core
from tests.conftest import SAMPLE
from tests.helpers import CDG79, run


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "cdg79.db"
    with rsgm_core.open(f"sqlite:///{path}", settings=CDG79) as app:
        app.census.import_(SAMPLE)
        codes = [r.code for r in app.census.report().rows][:6]
        for n, code in enumerate(codes):
            member = app.members.add("Agent", f"N{n}", email=f"agent{n}@example.org")
            app.members.add_position(member.id, code, "sgm", work_time=Decimal(1))
    return str(path)


def test_a_year_of_birth_typed_then_the_pyramid_IND_4(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "census", "age", "agent0@example.org", "--db", db,
                         "--naissance", "1950")  # fmt: skip
    assert code == 0, err
    assert out == "Agent N0 : année de naissance 1950\n"
    code, out, err = run(capsys, "census", "age", "agent1@example.org", "--db", db,
                         "--naissance", "1980", "--retraite-prevue", "2027-06-30")  # fmt: skip
    assert code == 0, err
    assert "départ en retraite prévu le 30/06/2027" in out
    code, out, err = run(capsys, "census", "ages", "--db", db)
    assert code == 0, err
    assert "âge connu pour 2 agents sur 6" in out
    assert "2 communes devraient perdre leur SGM d'ici 5 ans" in out
    assert "départ prévu le 30/06/2027" in out
    code, out, err = run(capsys, "census", "ages", "--db", db, "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["EPCI", "nom", "agents"] and rows[-1][0] == "total"
    assert rows[-1][2] == "6" and rows[-1][-1] == "2"
    sheet = tmp_path / "departs.xlsx"
    code, out, err = run(capsys, "census", "ages", "--db", db, "--departs", "--format", "xlsx",
                         "-o", str(sheet))  # fmt: skip
    assert code == 0, err
    assert sheet.read_bytes()[:2] == b"PK"
    code, out, err = run(capsys, "census", "report", "--db", db)
    assert code == 0, err
    assert "Pyramide des âges" in out  # the census report shows it once an age is known


def test_bad_ages_are_refused_naming_the_value_and_nothing_is_written_IND_4(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    for argv, said in (
        (["--naissance", "2999"], "année de naissance 2999 dans le futur"),
        (["--naissance", "1800"], "année de naissance 1800 invraisemblable"),
        (["--naissance", "1970", "--retraite-prevue", "1960-01-01"],
         "avant l'année de naissance 1970"),
        ([], "rien à enregistrer"),
    ):  # fmt: skip
        code, out, err = run(capsys, "census", "age", "agent2@example.org", "--db", db, *argv)
        assert code == 2, (argv, out, err)
        assert said in err and "[IND-4]" in err and err.startswith("rsgm : erreur : ")
    with rsgm_core.open(f"sqlite:///{db}", settings=CDG79) as app:
        assert {m.birth_year for m in app.members.list_members()} == {None}
    code, out, err = run(capsys, "census", "ages", "--db", db, "--format", "xlsx")
    assert code == 2 and "--sortie" in err


def test_the_national_export_carries_the_census_of_the_function_IND_3(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    out_file = tmp_path / "export.json"
    code, _, err = run(capsys, "national", "export", "--db", db, "--annee", "2026",
                         "--cdg", "CDG79", "-o", str(out_file))  # fmt: skip
    assert code == 0, err
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["tables"]["recensement_fonctions"] == {"cells": {"sgm": 6}, "total": 6}
    ages = data["tables"]["recensement_ages"]
    assert ages["cells"]["non_renseigne"] == 6 and ages["total"] == 6
    assert data["indicators"]["communes_vacantes"] == data["indicators"]["communes_moins_3500"] - 6
