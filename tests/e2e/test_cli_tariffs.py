"""``rsgm tariffs|membership|convention|interventions`` as an animator uses them (TAR-1..TAR-8):
French output, amounts and dates through Babel, one-line French errors with exit status 2."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from rsgm_core import example_profile
from tests.conftest import SAMPLE
from tests.helpers import cli_administrator, new_database, run

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def cdg79_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command runs as CDG 79, from its example profile named by $RSGM_CONFIG."""
    monkeypatch.setenv("RSGM_CONFIG", str(example_profile("cdg79")))


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = new_database(tmp_path / "cdg79.db")
    code, _, err = run(capsys, "census", "import", "--db", path, "--source", str(SAMPLE),
                       "--departement", "79")  # fmt: skip
    assert code == 0, err
    cli_administrator(monkeypatch, path)  # CHA-2: the commands act as the CDG's administrator
    return path


def refused(capsys: pytest.CaptureFixture[str], rule: str, *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("rsgm : erreur : ") and err.count("\n") == 1, err
    assert f"[{rule}]" in err
    return err


def test_tariffs_show_prints_the_grid_of_the_year_TAR_1_TAR_2_TAR_8(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "tariffs", "show", "--db", db, "--year", "2025")
    assert code == 0, err
    assert "Grille tarifaire cdg79, exercice 2025" in out
    assert "2\u202f001 à 3\u202f500" in out and f"300,00{NBSP}€" in out
    assert f"35,00{NBSP}€ (commune adhérente), 75,00{NBSP}€ (non adhérente)" in out
    assert "Accompagnement à la prise de poste" in out and "Art. 2.4" in out
    err = refused(capsys, "TAR-2", "tariffs", "show", "--db", db, "--year", "2026")
    assert "exercices couverts : 2025" in err


def test_membership_join_and_list_TAR_1_TAR_3(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "membership", "join", "79030", "--db", db, "--date", "03/02/2025")
    assert code == 0, err
    assert out == (
        f"adhésion 2025 enregistrée pour Beaussais-Vitré (79030) : 200,00{NBSP}€ "
        "(population totale 2022 : 1\u202f008 habitants)\n"
    )
    assert run(capsys, "membership", "join", "79019", "--db", db, "--year", "2025",
               "--date", "2024-12-10")[0] == 0  # fmt: skip
    refused(capsys, "TAR-3", "membership", "join", "79030", "--db", db, "--date", "2025-06-01")
    refused(capsys, "TAR-1", "membership", "join", "79049", "--db", db, "--date", "2025-06-01")
    refused(capsys, "TAR-2", "membership", "join", "79019", "--db", db, "--date", "2026-01-05")
    code, out, _ = run(capsys, "membership", "list", "--db", db, "--year", "2025")
    assert code == 0
    assert "Aubigny" in out and "10/12/2024" in out and "Beaussais-Vitré" in out
    assert f"2 adhésions pour 2025, 300,00{NBSP}€" in out


def test_convention_sign_status_notice_due_TAR_4(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "convention", "sign", "79307", "--db", db, "--date", "2025-01-15",
                         "--reference", "CONV-1")  # fmt: skip
    assert code == 0, err
    assert "signée le 15 janvier 2025, en vigueur jusqu'au 14 janvier 2029" in out
    assert "préavis au plus tard le 15 décembre 2026" in out
    refused(capsys, "TAR-4", "convention", "sign", "79307", "--db", db, "--date", "2025-06-01")
    code, out, _ = run(capsys, "convention", "status", "79307", "--db", db, "--date", "2027-03-01")
    assert code == 0 and "en vigueur le 1er mars 2027, période reconduite" in out
    code, out, _ = run(capsys, "convention", "due", "--db", db, "--date", "2026-12-01")
    assert code == 0
    assert re.search(r"15/12/2026  \S.* \(79307\)\s+dernier jour pour dénoncer la convention", out)
    assert "1 échéance du 1er décembre 2026 au 1er mars 2027" not in out  # two: notice, renewal
    assert "2 échéances du 1er décembre 2026 au 1er mars 2027" in out
    refused(capsys, "TAR-4", "convention", "notice", "79307", "--db", db, "--date", "2026-12-20")
    code, out, _ = run(capsys, "convention", "notice", "79307", "--db", db, "--date", "2026-12-15")
    assert code == 0 and "dernier jour le 14 janvier 2027" in out
    code, out, _ = run(capsys, "convention", "status", "79019", "--db", db)
    assert code == 0 and out == "Aubigny (79019) : aucune convention\n"


def test_interventions_add_and_bill_with_exports_TAR_5_TAR_7_TAR_8(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    for argv in (
        ("membership", "join", "79307", "--date", "2025-01-20"),
        ("convention", "sign", "79307", "--date", "2025-01-15"),
        ("convention", "sign", "79024", "--date", "2025-03-03"),
        ("interventions", "add", "79307", "--date", "2025-04-02", "--kind",
         "accompagnement_prise_de_poste", "--minutes", "150", "--ref", "B-1"),
        ("interventions", "add", "79024", "--date", "2025-05-12", "--kind",
         "intervention_specifique", "--minutes", "90", "--description", "budget"),
    ):  # fmt: skip
        code, _, err = run(capsys, *argv, "--db", db)
        assert code == 0, (argv, err)
    csv_path, json_path = tmp_path / "lignes.csv", tmp_path / "lignes.json"
    code, out, err = run(capsys, "interventions", "bill", "--db", db, "--year", "2025",
                         "--csv", str(csv_path), "--json", str(json_path))  # fmt: skip
    assert code == 0, err
    assert "Facture 2025 — Sauzé-entre-Bois (79307)" in out
    assert "Accompagnement à la prise de poste (commune adhérente)" in out
    assert f"total : 387,50{NBSP}€" in out and f"total : 112,50{NBSP}€" in out
    assert f"2 factures pour 2025, total 500,00{NBSP}€" in out
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert [(r[0], r[5], r[12]) for r in rows[1:]] == [
        ("79024", "Intervention spécifique (commune non adhérente)", "112,50"),
        ("79307", "Adhésion annuelle au pack 2025", "300,00"),
        ("79307", "Accompagnement à la prise de poste (commune adhérente)", "87,50"),
    ]
    assert json.loads(json_path.read_text(encoding="utf-8"))["total"] == "500.00"


def test_bad_interventions_are_refused_in_one_french_line_TAR_5(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert run(capsys, "convention", "sign", "79307", "--db", db, "--date", "2025-01-15")[0] == 0
    add = ("interventions", "add", "79307", "--db", db, "--kind", "intervention_specifique")
    refused(capsys, "TAR-5", *add, "--date", "2025-04-02", "--minutes", "0")
    refused(capsys, "TAR-5", *add, "--date", "2025-04-02", "--minutes", "-30")
    refused(capsys, "TAR-5", *add, "--date", "2025-01-14", "--minutes", "60")  # no request
    code, _, err = run(capsys, *add, "--date", "2025-04-02", "--minutes", "1.5")
    assert code == 2 and "valeur invalide" in err
    code, _, err = run(capsys, *add, "--date", "2 avril", "--minutes", "60")
    assert (
        code == 2
        and err == "rsgm : erreur : date illisible : '2 avril' (AAAA-MM-JJ ou JJ/MM/AAAA)\n"
    )
    code, out, _ = run(capsys, "interventions", "bill", "--db", db, "--year", "2025")
    assert code == 0 and "0 facture pour 2025" in out  # nothing was written


def test_a_trainee_then_its_accompaniment_TAR_6(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "interventions", "trainee", "Léa Moreau", "--db", db,
                       "--start", "2025-03-01", "--programme", "SGM 2025")  # fmt: skip
    assert code == 0 and out.startswith("stagiaire Léa Moreau enregistré : ")
    trainee = out.rsplit(" ", 1)[-1].strip()
    assert run(capsys, "convention", "sign", "79030", "--db", db, "--date", "2025-01-15")[0] == 0
    code, _, err = run(capsys, "interventions", "add", "79030", "--db", db, "--date", "2025-04-02",
                       "--kind", "accompagnement_stagiaires", "--minutes", "500", "--on-site",
                       "--trainee", trainee)  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "interventions", "bill", "--db", db, "--year", "2025")
    assert "Accompagnement des stagiaires (inclus)" in out and f"0,00{NBSP}€" in out
    # 500 min on site: the two half-days included (420 min), the other 80 min at 75 €/h
    assert f"total : 100,00{NBSP}€" in out


def test_tariffs_show_prints_the_catalogue_in_two_columns_TAR_8(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = run(capsys, "tariffs", "show", "--db", db, "--year", "2025")
    assert code == 0, err
    mandatory, pack = out.split("Mission obligatoire (gratuite pour toutes les communes)")[1].split(
        "Pack d'adhésion (adhésion annuelle facultative)"
    )
    for label in ("Mise en place et animation du réseau", "Comité de suivi du réseau",
                  "Matinales, webinaires et autres événements",
                  "Annuaire des logiciels métiers et des référents experts"):  # fmt: skip
        assert label in mandatory and label not in pack
    assert "gratuit, jamais facturé" in mandatory
    assert "Boîte à outils" in pack and "Activation du réseau" in pack
    specific = next(line for line in pack.splitlines() if "Intervention spécifique" in line)
    assert "Art. 2.6" in specific and specific.endswith(
        "à l'heure (tarif préférentiel si adhérente)"
    )
    activation = next(line for line in pack.splitlines() if "Activation du réseau" in line)
    assert activation.endswith("inclus dans l'adhésion")  # CDG 79 does not bill 2.5 (TAR-5)


def test_convention_header_signed_shown_and_exported_TAR_4(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "convention", "sign", "79307", "--db", db, "--date", "2024-02-29",
                         "--siret", "217 900 307 00018", "--sgc", "SGC de Niort",
                         "--deliberation-date", "12/02/2024", "--deliberation-number", "2024-7")  # fmt: skip
    assert code == 0, err
    assert "SIRET : 21790030700018 ; service de gestion comptable : SGC de Niort ; " in out
    assert "délibération : n° 2024-7 du 12 février 2024" in out
    # Art. 641 CPC: February 2026 has no 29th.
    assert (
        "préavis au plus tard le 28 janvier 2026, sinon reconduction tacite le 28 février 2026"
        in out
    )
    code, out, _ = run(capsys, "convention", "status", "79307", "--db", db, "--date", "2025-06-01")
    assert code == 0 and "SIRET : 21790030700018" in out
    path = tmp_path / "conventions.csv"
    code, out, _ = run(capsys, "convention", "list", "--db", db, "--csv", str(path))
    assert code == 0 and "1 convention écrite" in out
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["79307", "Sauzé-entre-Bois"]
    assert rows[1][5:9] == ["21790030700018", "SGC de Niort", "12/02/2024", "2024-7"]
    assert rows[0][9] == "enregistrée par" and rows[1][9] == "Administratrice Tests"  # CHA-2
    err = refused(capsys, "TAR-4", "convention", "sign", "79019", "--db", db, "--date",
                  "2025-01-15", "--siret", "123")  # fmt: skip
    assert "SIRET invalide : '123'" in err


def test_a_commune_without_convention_billed_on_its_request_TAR_5_TAR_8(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    add = ("interventions", "add", "79019", "--db", db, "--date", "2025-04-02", "--kind",
           "intervention_specifique", "--minutes", "60")  # fmt: skip
    err = refused(capsys, "TAR-5", *add)
    assert "enregistrez sa demande" in err
    code, out, err = run(capsys, *add, "--requested-by", "M. le maire", "--requested-on",
                         "2025-03-30", "--siret", "21790030700018", "--sgc", "SGC de Niort")  # fmt: skip
    assert code == 0, err
    assert "à la demande de M. le maire du 30 mars 2025" in out
    refused(capsys, "TAR-8", "interventions", "add", "79019", "--db", db, "--date", "2025-04-02",
            "--kind", "animation_reseau", "--minutes", "60", "--requested-by", "x")  # fmt: skip
    code, out, err = run(capsys, "interventions", "bill", "--db", db, "--year", "2025")
    assert code == 0, err
    assert out.startswith(
        "Centre de gestion de la fonction publique territoriale des Deux-Sèvres\n"
        "9 rue Chaigneau, CS 80030\n79403 Saint-Maixent-l'École Cedex\nSIRET 28790034400014\n"
    )
    assert (
        "SIRET de la commune : 21790030700018 ; service de gestion comptable : SGC de Niort" in out
    )
    assert "Intervention spécifique (commune non adhérente, sans convention, à sa demande)" in out
    assert f"total : 75,00{NBSP}€" in out


CDG77_PROFILE = str(Path(__file__).resolve().parents[1] / "profiles" / "cdg77.toml")


def test_cdg77_without_grid_gets_a_clear_error_never_cdg79s_grid_TAR_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    census_data: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.conftest import NEW_VINTAGE

    db = new_database(tmp_path / "cdg77.db")
    config = ("--config", CDG77_PROFILE, "--db", db)
    code, _, err = run(capsys, "census", "import", *config, "--source", str(NEW_VINTAGE),
                       "--departement", "77")  # fmt: skip
    assert code == 0, err
    cli_administrator(monkeypatch, db)  # CHA-2
    for argv in (
        ("tariffs", "show", "--year", "2025"),
        ("membership", "join", "77123", "--date", "2025-02-03"),
        ("interventions", "bill", "--year", "2025"),
        ("interventions", "add", "77123", "--date", "2025-04-02", "--kind",
         "intervention_specifique", "--minutes", "60", "--requested-by", "le maire"),
    ):  # fmt: skip
        err = refused(capsys, "TAR-2", *argv, *config)
        assert "[[tarifs]]" in err and "cdg77" in err and "cdg79" not in err
    code, out, _ = run(capsys, "membership", "list", *config, "--year", "2025")
    assert code == 0 and "0 adhésion pour 2025" in out
