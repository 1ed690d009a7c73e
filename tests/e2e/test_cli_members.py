"""``rsgm members|directory|network|partners`` on the demo database (MEM-1..MEM-11, NET-1, NET-2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rsgm_core.cli import main
from tests.helpers import run


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["demo", "--db", str(path)]) == 0
    return path


def test_demo_builds_a_network_MEM_9(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "network", "activate", "--db", str(demo_db), "--commune", "79030",
                       "--expertise", "etat civil", "--logiciel", "Berger-Levrault")  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["rang", "nom", "postes", "pourquoi"]
    assert "Nadia Girard" in lines[2] and "même EPCI" in lines[2]


def test_members_list_show_and_directory_search_MEM_2_MEM_3(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "members", "list", "--db", str(demo_db))
    assert code == 0 and "Claire Martin" in out and "Nadia Girard" in out
    code, out, _ = run(capsys, "members", "show", "claire.martin@example.org", "--db", str(demo_db))
    assert (
        code == 0
        and "05 49 27 00 11" in out
        and "aucun (fiche visible des animateurs seulement)" in out
    )
    code, out, _ = run(
        capsys, "directory", "search", "--db", str(demo_db), "--expertise", "ETAT CIVIL"
    )
    assert "Claire Martin *" in out and "animateurs et administrateurs seulement" in out
    code, out, _ = run(capsys, "directory", "search", "--db", str(demo_db), "--expertise", "etat civil",
                       "--role", "membre")  # fmt: skip
    assert "Claire Martin" not in out and "Nadia Girard" in out


def test_network_status_and_partners_MEM_6_MEM_8_MEM_10_NET_2(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "network", "status", "--db", str(demo_db))
    assert code == 0
    assert "1 animateur seulement" in out
    assert "tuteur : Nadia Girard, titulaire unique du rôle, départ annoncé" in out
    assert "siège manquant : CC Mellois en Poitou : référent communautaire" in out
    code, out, _ = run(capsys, "partners", "add", "Maison France services", "--db", str(demo_db),
                       "--organisme", "État", "--categorie", "numerique", "--annee", "2025")  # fmt: skip
    assert code == 0 and "numérique" in out
    code, out, _ = run(capsys, "partners", "list", "--db", str(demo_db), "--categorie", "numerique")
    assert "Maison France services" in out and "2025" in out


def test_add_import_depart_export_erase_MEM_1_MEM_4_MEM_11(
    tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_db)
    code, _, err = run(
        capsys, "members", "add", "Accueil", "Mairie", "--email", "mairie@aubigny.fr", "--db", db
    )
    assert code == 2 and "mairie@aubigny.fr" in err and "[CHA-6]" in err
    code, _, err = run(
        capsys,
        "members",
        "add",
        "Luc",
        "Roux",
        "--commune",
        "79019",
        "--quotite",
        "1,5",
        "--db",
        db,
    )
    assert code == 2 and "1.5" in err
    code, _, err = run(capsys, "members", "add", "Luc", "Roux", "--commune", "79999", "--db", db)
    assert code == 2 and "79999" in err
    code, out, _ = run(capsys, "members", "list", "--db", db)
    assert "Roux" not in out  # nothing written by the failed adds
    code, out, _ = run(capsys, "members", "add", "Luc", "Roux", "--email", "luc.roux@example.org",
                       "--telephone", "0549000001", "--commune", "79019", "--quotite", "0,5", "--db", db)  # fmt: skip
    assert code == 0 and "membre enregistré : Luc Roux" in out
    agents = tmp_path / "agents.csv"
    agents.write_text("Prénom;Nom;Courriel;Code INSEE\nEva;Blanc;eva.blanc@example.org;79018\n"
                      "Accueil;Mairie;accueil@x.fr;79018\n", encoding="utf-8")  # fmt: skip
    code, out, _ = run(capsys, "members", "import", str(agents), "--essai", "--db", db)
    assert code == 1 and "ligne 3 (Accueil Mairie)" in out and "rien n'a été importé" in out
    agents.write_text(
        "Prénom;Nom d'usage;Courriel;Code INSEE\nEva;Blanc;eva.blanc@example.org;79018\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "members", "import", str(agents), "--colonne", "Nom d'usage=last_name", "--db", db
    )
    assert code == 0 and "1 membre et 1 poste importés" in out
    code, out, _ = run(capsys, "members", "depart", "luc.roux@example.org", "--motif", "mutation",
                       "--successeur", "eva.blanc@example.org", "--db", db)  # fmt: skip
    assert code == 0 and "accès retiré" in out and "Eva Blanc" in out
    export = tmp_path / "luc.json"
    argv = ("members", "export", "luc.roux@example.org", "-o", str(export), "--db", db)
    code, _, err = run(capsys, *argv)  # CHA-2: the right of access names who exports
    assert code == 2 and "[CHA-2]" in err and not export.exists()
    admin = ("--par", "anne.chevalier@cdg79.example.org")  # the demo's administrator
    code, out, _ = run(capsys, *argv, *admin)
    held = json.loads(export.read_text(encoding="utf-8"))
    assert (
        held["membre"]["lifecycle"] == "parti" and held["membre"]["departure_reason"] == "mutation"
    )
    member_id = held["membre"]["id"]
    code, out, _ = run(capsys, "members", "erase", member_id[:8], "--oui", "--db", db, *admin)
    assert code == 0 and "anonymisé" in out
    # MEM-11: what was really done, collection by collection, and the checkpoint
    assert (
        "enregistrements supprimés" in out or "enregistrement supprimé" in out
    ) and "  poste : " in out
    assert "point de contrôle fait" in out
    code, out, _ = run(capsys, "members", "erase", member_id[:8], "--oui", "--db", db, *admin)
    assert code == 0 and "données déjà effacées, rien de plus à effacer" in out
    code, out, _ = run(capsys, "members", "export", member_id, "--db", db, *admin)
    assert "Roux" not in out and "luc.roux" not in out


def test_positions_over_115_percent_are_imported_shown_and_listed_MEM_1(
    tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_db)
    sheet = tmp_path / "cumul.csv"
    sheet.write_text(
        "Prénom;Nom;Courriel;Code INSEE;Fonction;Quotité\n"
        "Inès;Faure;ines.faure@example.org;79019;sgm;60 %\n"
        "Inès;Faure;ines.faure@example.org;79030;sgm;0,6\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "members", "import", str(sheet), "--db", db)
    assert code == 0, out
    assert "ligne 3 (Inès Faure) : à signaler : quotités cumulées de 120 %" in out
    assert "1 membre et 2 postes importés" in out
    code, out, _ = run(capsys, "members", "show", "ines.faure@example.org", "--db", db)
    assert code == 0 and "! quotités cumulées de 120 % au" in out and "[MEM-1]" in out
    code, out, _ = run(capsys, "members", "work-time", "--db", db)
    assert code == 0
    [line] = [line for line in out.splitlines() if "Inès Faure" in line]
    assert "120 %" in line and "Aubigny (79019) : 0.6" in line and "(79030) : 0.6" in line
    assert "au-delà des 115 % permis" in out
