"""``rsgm census import-populations`` and ``rsgm census population`` as an animator uses them
(TER-2): French output, one-line French errors with exit status 2, the membership's provisional
population said."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rsgm_core import example_profile
from tests.conftest import SAMPLE
from tests.helpers import cli_administrator, new_database, run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "populations"


@pytest.fixture(autouse=True)
def cdg79_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RSGM_CONFIG", str(example_profile("cdg79")))


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = new_database(tmp_path / "cdg79.db")
    code, _, err = run(capsys, "census", "import", "--db", path, "--source", str(SAMPLE),
                       "--departement", "79")  # fmt: skip
    assert code == 0, err
    cli_administrator(monkeypatch, path)  # CHA-2: memberships name who records them
    return path


def test_import_populations_says_what_was_stored_TER_2(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    path = FIXTURES / "populations_legales_2021_utf8.csv"
    code, out, err = run(capsys, "census", "import-populations", str(path), "--db", db)
    assert code == 0, err
    assert out == (
        f"populations légales 2021 (en vigueur en 2024) lues dans {path} : 9 communes\n"
        "  6 populations ajoutées, 0 complétée par la totale, 0 remplacée, "
        "0 inchangée\n"
        "  3 communes hors du recensement importé, non enregistrées\n"
    )
    code, out, err = run(capsys, "census", "population", "79024", "--annee", "2024", "--db", db)
    assert code == 0, err
    assert out == "79024 en 2024 : 2\u202f065 habitants, population totale 2021\n"
    code, out, err = run(capsys, "census", "population", "79024", "--annee", "2028", "--db", db)
    assert code == 0, err
    assert out == (
        "79024 en 2028 : 1\u202f927 habitants, population municipale 2023 (seule connue ; "
        "provisoire : le millésime 2025, en vigueur en 2028, n'est pas importé)\n"
    )


def test_a_file_without_vintage_is_a_one_line_french_error_TER_2(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "ensemble.csv"
    shutil.copy(FIXTURES / "donnees_communes_2022_cp1252.csv", path)
    code, out, err = run(capsys, "census", "import-populations", str(path), "--db", db)
    assert code == 2 and out == ""
    assert err.startswith(f"rsgm : erreur : {path} : millésime introuvable") and "[TER-2]" in err
    assert err.count("\n") == 1 and "--millesime AAAA" in err
    code, out, err = run(capsys, "census", "import-populations", str(path), "--db", db,
                         "--millesime", "2022")  # fmt: skip
    assert code == 0, err and "populations légales 2022" in out


def test_membership_join_says_the_population_used_TER_2_TAR_1(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "membership", "join", "79024", "--db", db, "--date", "2025-02-03")
    assert code == 0, err
    assert "(population totale 2022 : 2\u202f036 habitants)" in out


def test_a_provisional_population_is_said_not_refused_TER_2_TAR_1(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    import rsgm_core
    from tests.helpers import CDG79

    with rsgm_core.open(f"sqlite:///{db}", settings=CDG79) as app:  # only 2021 known for 79024
        app.census.import_populations(FIXTURES / "populations_legales_2021_utf8.csv")
        with app.deps.transaction() as uow:
            uow.populations.remove(("79024", 2022))
            uow.populations.remove(("79024", 2023))
    code, out, err = run(capsys, "membership", "join", "79024", "--db", db, "--date", "2025-02-03")
    assert code == 0, err
    assert out == (
        "adhésion 2025 enregistrée pour Azay-le-Brûlé (79024) : 300,00\u00a0€ (population "
        "totale 2021 : 2\u202f065 habitants ; provisoire : le millésime 2022, en vigueur en 2025, "
        "n'est pas importé)\n"
    )
