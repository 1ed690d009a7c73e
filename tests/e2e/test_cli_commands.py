"""The commands issue 20 found missing, run through ``rsgm_core.cli.main`` on a SQLite file:
consent (MEM-3), directory entry and town hall (MEM-2), onboarding and the welcome mail (MEM-5,
NOT-1), toolbox show/edit/download/export (KNB-1..KNB-3), advice list (CNS-1), the network's
charter, objectives and committees (NET-2..NET-4, CHA-2, IND-2). Each says what it did in French;
bad input exits 2 with the rule named and nothing written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import rsgm_core
from rsgm_core.domain.directory import Viewer, ViewerRole
from tests.helpers import run, snapshot
from tests.integration.test_toolbox_service import AUBIGNY, setup

ANNE = "anne.chevalier@cdg79.fr"  # the CDG's administrator in setup()
PAUL = "paul.roy@example.org"  # an animator (CDG staff)
CLAIRE = "claire.martin@example.org"  # a member


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("RSGM_ACTEUR", raising=False)
    monkeypatch.delenv("RSGM_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no rsgm.toml of the working folder
    path = str(tmp_path / "cdg.db")
    with rsgm_core.open(f"sqlite:///{path}") as app:
        setup(app)
    return path


def counts(db: str) -> dict[str, list[object]]:
    with rsgm_core.open(f"sqlite:///{db}") as app:
        return snapshot(app)


def refused(capsys: pytest.CaptureFixture[str], db: str, rule: str, *argv: str) -> str:
    """``rsgm ARGV… --db DB`` exits 2 with ``[rule]`` in its one-line French error, writing
    nothing; the error."""
    before = counts(db)
    code, out, err = run(capsys, *argv, "--db", db)
    assert code == 2, (out, err)
    assert f"[{rule}]" in err and "Traceback" not in err, err
    assert counts(db) == before
    return err


def entry(db: str, email: str, *, viewer: Viewer | None = None) -> object:
    with rsgm_core.open(f"sqlite:///{db}") as app:
        member = app.members.get_by_email(email)
        return app.directory.get_entry(member.id, viewer=viewer or Viewer(ViewerRole.ANIMATOR))


# MEM-3


def test_consent_is_recorded_and_withdrawn_from_the_command_line_MEM_3(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "directory", "consent", CLAIRE, "--portee", "annuaire", "--portee", "photo", "--le", "2025-03-01", "--db", db)  # fmt: skip
    assert code == 0
    assert "Claire Martin : consentement pour la fiche d'annuaire enregistré le 01/03/2025" in out
    assert "consentement pour la photo enregistré le 01/03/2025" in out
    code, out, _ = run(capsys, "directory", "search", "--role", "membre", "--db", db)
    assert "Claire Martin" in out  # MEM-3: visible to members now
    code, out, _ = run(capsys, "directory", "consent", CLAIRE, "--db", db)
    assert code == 0 and "déjà en cours depuis le 01/03/2025 (rien de changé)" in out
    code, out, _ = run(capsys, "directory", "withdraw", CLAIRE, "--portee", "photo", "--db", db)
    assert code == 0 and "Claire Martin : consentement pour la photo retiré le" in out
    err = refused(capsys, db, "MEM-3", "directory", "withdraw", CLAIRE, "--portee", "annuaire", "--portee", "photo")  # fmt: skip
    assert "la photo" in err and "Claire Martin" in err  # the directory consent still runs
    code, out, _ = run(capsys, "directory", "withdraw", CLAIRE, "--db", db)
    assert code == 0 and "n'est plus visible des membres" in out
    code, out, _ = run(capsys, "directory", "search", "--role", "membre", "--db", db)
    assert "Claire Martin" not in out
    code, _, err = run(capsys, "directory", "consent", CLAIRE, "--portee", "video", "--db", db)
    assert code == 2 and "choix invalide" in err and "video" in err


# MEM-2


def test_an_entry_and_a_town_hall_are_edited_after_import_MEM_2(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "directory", "edit", CLAIRE, "--expertise", "etat civil", "--expertise", "urbanisme", "--logiciel", "Berger-Levrault", "--maitrise", "cosoluce", "--telephone", "05 49 00 00 00", "--db", db)  # fmt: skip
    assert code == 0 and "fiche d'annuaire de Claire Martin modifiée" in out
    assert "expertises : État civil, Urbanisme" in out
    assert "logiciels : Cosoluce (maîtrisé), Berger-Levrault" in out
    assert "téléphone : 05 49 00 00 00" in out
    err = refused(capsys, db, "MEM-2", "directory", "edit", CLAIRE, "--expertise", "urbanisme", "--logiciel", "Inconnu")  # fmt: skip
    assert "'Inconnu'" in err
    refused(capsys, db, "MEM-2", "directory", "edit", CLAIRE, "--telephone", "12")
    refused(capsys, db, "MEM-2", "directory", "edit", CLAIRE)  # nothing to change
    refused(capsys, db, "MEM-2", "directory", "edit", CLAIRE, "--sans-expertise", "--expertise", "urbanisme")  # fmt: skip
    code, out, _ = run(capsys, "directory", "edit", CLAIRE, "--sans-logiciel", "--db", db)
    assert code == 0 and "logiciels : aucun" in out
    found = entry(db, CLAIRE)
    assert found.expertises == ("État civil", "Urbanisme") and found.software_used == ()  # type: ignore[attr-defined]

    err = refused(capsys, db, "MEM-2", "directory", "town-hall", "Aubigny", "--horaires", "lun. 9h-12h")  # fmt: skip
    assert "mairie d'Aubigny (79019)" in err and "--adresse" in err
    code, out, _ = run(capsys, "directory", "town-hall", AUBIGNY, "--adresse", "1 place de la Mairie", "--horaires", "lun. 9h-12h, jeu. 14h-18h", "--db", db)  # fmt: skip
    assert code == 0 and "mairie d'Aubigny (79019) enregistrée" in out
    assert "horaires : lun. 9h-12h, jeu. 14h-18h" in out
    code, out, _ = run(capsys, "directory", "town-hall", "aubigny", "--telephone", "05 49 11 11 11", "--db", db)  # fmt: skip
    assert code == 0 and "adresse : 1 place de la Mairie" in out and "05 49 11 11 11" in out
    refused(capsys, db, "MEM-2", "directory", "town-hall", "Atlantide", "--adresse", "1 rue")
    refused(capsys, db, "MEM-2", "directory", "town-hall", AUBIGNY, "--horaires", "quand on peut")
    code, out, _ = run(capsys, "members", "show", CLAIRE, "--db", db)
    assert "mairie : Aubigny : 1 place de la Mairie ; lun. 9h-12h, jeu. 14h-18h" in out


# MEM-5, NOT-1


def test_onboarding_steps_and_the_welcome_mail_MEM_5_NOT_1(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "members", "add", "Zoé", "Neuve", "--email", "zoe.neuve@example.org", "--commune", AUBIGNY, "--arrivee", "2025-03-10", "--db", db)  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "onboarding", "list", "zoe.neuve@example.org", "--db", db)
    assert code == 0 and "Parcours d'intégration de Zoé Neuve" in out
    assert "tuteur désigné" in out and "0 étape faite sur 11" in out
    code, out, _ = run(capsys, "onboarding", "tick", "zoe.neuve@example.org", "tuteur", "--le", "2025-03-03", "--db", db)  # fmt: skip
    assert code == 0 and "Zoé Neuve : étape « tuteur désigné » cochée le 03/03/2025" in out
    code, _, err = run(capsys, "onboarding", "tick", "zoe.neuve@example.org", "cafe", "--db", db)
    assert code == 2 and "choix invalide" in err and "'cafe'" in err
    code, out, _ = run(capsys, "onboarding", "welcome", "zoe.neuve@example.org", "--db", db)
    assert code == 0
    assert "mail de bienvenue mis en file d'attente pour Zoé Neuve <zoe.neuve@example.org>" in out
    assert "« Bienvenue dans le réseau des secrétaires généraux de mairie »" in out
    assert "état dans la boîte d'envoi : en attente d'envoi" in out  # no transport configured
    assert "étape « mail de bienvenue envoyé » cochée le" in out
    err = refused(capsys, db, "MEM-5", "onboarding", "welcome", "zoe.neuve@example.org")
    assert "déjà" in err
    code, out, _ = run(capsys, "onboarding", "welcome", "zoe.neuve@example.org", "--renvoyer", "--db", db)  # fmt: skip
    assert code == 0 and "mis en file d'attente" in out
    code, out, _ = run(capsys, "outbox", "list", "--db", db)
    assert out.count("zoe.neuve@example.org") == 2
    code, out, _ = run(capsys, "onboarding", "list", "zoe.neuve@example.org", "--db", db)
    assert "2 étapes faites sur 11" in out
    code, out, _ = run(capsys, "onboarding", "tick", "zoe.neuve@example.org", "tuteur", "--annuler", "--db", db)  # fmt: skip
    assert code == 0 and "décochée" in out
    code, out, _ = run(capsys, "members", "add", "Luc", "Sans", "--arrivee", "2025-03-10", "--db", db)  # fmt: skip
    assert code == 0
    with rsgm_core.open(f"sqlite:///{db}") as app:
        luc = next(m.id for m in app.members.list_members() if m.last_name == "Sans")
    err = refused(capsys, db, "MEM-5", "onboarding", "welcome", luc)
    assert "Luc Sans n'a pas d'adresse électronique" in err


# KNB-1..KNB-3


@pytest.fixture
def resource(db: str) -> SimpleNamespace:
    with rsgm_core.open(f"sqlite:///{db}") as app:
        paul = app.members.get_by_email(PAUL).id
        found = app.toolbox.add(
            "fiche pratique", "Tenir l'état civil", "Les actes **pas à pas**.",
            themes=["etat civil"], by=paul,
            attachments=[("acte.pdf", b"%PDF-1.4 acte"), ("note.txt", b"memo")],
        )  # fmt: skip
        app.toolbox.publish(found.id, by=paul, review_on=dt.date(2099, 1, 1))
        app.toolbox.follow(found.id, app.members.get_by_email(CLAIRE).id)
        files = {a.name: a.id for a in app.toolbox.list_attachments(resource_id=found.id)}
    return SimpleNamespace(id=found.id, files=files)


def test_toolbox_show_edit_download_and_export_KNB_1_KNB_2_KNB_3(
    capsys: pytest.CaptureFixture[str], db: str, resource: SimpleNamespace, tmp_path: Path
) -> None:
    short = resource.id[:8]
    code, out, _ = run(capsys, "toolbox", "show", short, "--db", db)
    assert code == 0 and "« Tenir l'état civil »" in out and "statut : publiée" in out
    assert "auteur : Paul Roy" in out and "acte.pdf" in out and "Les actes **pas à pas**." in out
    assert "abonnés prévenus des nouvelles versions : 1" in out
    refused(capsys, db, "KNB-1", "toolbox", "show", "1234")
    refused(capsys, db, "KNB-3", "toolbox", "edit", short, "--par", PAUL)  # nothing to change
    refused(capsys, db, "MEM-2", "toolbox", "edit", short, "--theme", "Inexistant", "--par", PAUL)
    code, out, _ = run(capsys, "toolbox", "edit", short, "--titre", "Tenir l'état civil en 2025", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 0
    assert "nouvelle version 2 publiée (la version 1 est conservée) ; 1 abonné prévenu" in out
    code, out, _ = run(capsys, "toolbox", "show", short, "--version", "1", "--db", db)
    assert "« Tenir l'état civil »" in out and "version : 1" in out

    target = tmp_path / "acte.pdf"
    err = refused(capsys, db, "KNB-1", "toolbox", "download", short, "--sortie", str(target))
    assert "acte.pdf, note.txt" in err and not target.exists()
    code, out, _ = run(capsys, "toolbox", "download", resource.files["acte.pdf"][:8], "--sortie", str(target), "--db", db)  # fmt: skip
    assert code == 0 and target.read_bytes() == b"%PDF-1.4 acte"
    assert (
        f"pièce jointe « acte.pdf » de « Tenir l'état civil en 2025 » enregistrée dans {target}"
        in out
    )
    err = refused(capsys, db, "KNB-1", "toolbox", "download", short, "--nom", "note.txt", "--sortie", str(target))  # fmt: skip
    assert "--remplacer" in err and target.read_bytes() == b"%PDF-1.4 acte"
    code, out, _ = run(capsys, "toolbox", "download", short, "--nom", "note.txt", "--sortie", str(target), "--remplacer", "--db", db)  # fmt: skip
    assert code == 0 and target.read_bytes() == b"memo"

    folder = tmp_path / "export"
    code, out, _ = run(capsys, "toolbox", "export", "--dossier", str(folder), "--db", db)
    assert code == 0
    assert "1 ressource publiée exportée" in out and "2 pièces jointes" in out
    written = {
        p.name: p.read_bytes() for p in (folder / "pieces-jointes").rglob("*") if p.is_file()
    }
    assert written == {"acte.pdf": b"%PDF-1.4 acte", "note.txt": b"memo"}


# CNS-1


def test_advice_list_shows_pending_requests_first_CNS_1(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "advice", "list", "--db", db)
    assert code == 0 and "aucune demande de conseil" in out
    for asker, question in (("Jean Dupont", "Première question ?"), ("Marie Curie", "Deuxième ?")):
        code, out, _ = run(capsys, "advice", "log", question, "--commune", AUBIGNY, "--demandeur", asker, "--canal", "courriel", "--theme", "État civil", "--db", db)  # fmt: skip
        assert code == 0
    first = re.search(r"demande (\S+) ", out)
    assert first is not None
    code, _, _ = run(capsys, "advice", "answer", first.group(1), "Voir le guide.", "--db", db)
    assert code == 0
    code, out, _ = run(capsys, "advice", "list", "--db", db)
    assert code == 0
    lines = [line for line in out.splitlines() if "Aubigny (79019)" in line]
    assert lines[0].startswith("en attente") and "Jean Dupont" in lines[0]  # pending first
    assert lines[1].startswith("répondue") and "Marie Curie" in lines[1]
    assert "1 demande en attente, 1 répondue" in out
    code, out, _ = run(capsys, "advice", "list", "--en-attente", "--format", "json", "--db", db)
    assert code == 0 and "Jean Dupont" in out and "Marie Curie" not in out
    assert '"commune": "Aubigny"' in out
    code, out, _ = run(capsys, "advice", "list", "--commune", "aubigny", "--db", db)
    assert code == 0 and "2 répondues" not in out and "Marie Curie" in out
    err = refused(capsys, db, "CNS-1", "advice", "list", "--commune", "Atlantide")
    assert "'Atlantide'" in err


# NET-2..NET-4, CHA-2, IND-2

CHARTER = (
    "--objet-reseau", "Rompre l'isolement des SGM", "--perimetre-reseau", "Les communes des Deux-Sèvres",
    "--animation", "Le CDG anime, des référents relaient", "--role-membres", "Partager",
    "--principes", "Entraide et confidentialité", "--droits-devoirs", "Respect de la charte",
)  # fmt: skip


def test_the_networks_charter_objectives_and_committees_NET_2_NET_3_NET_4_IND_2(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "network", "create", "Réseau des SGM 79", "--par", ANNE, "--db", db)
    assert code == 0
    err = refused(capsys, db, "NET-4", "network", "charter", "--objet-reseau", "Rompre l'isolement", "--par", ANNE)  # fmt: skip
    assert "--perimetre-reseau (périmètre)" in err and "--droits-devoirs" in err
    err = refused(capsys, db, "CHA-2", "network", "charter", *CHARTER, "--par", CLAIRE)
    assert "Claire Martin" in err
    err = refused(capsys, db, "CHA-2", "network", "charter", *CHARTER)  # nobody named
    assert "--par" in err
    code, out, _ = run(capsys, "network", "charter", *CHARTER, "--adoptee-le", "2023-06-15", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 0
    assert (
        "charte de fonctionnement du réseau « Réseau des SGM 79 » enregistrée, adoptée le 15/06/2023"
        in out
    )
    code, out, _ = run(capsys, "network", "charter", "--perimetre-reseau", "Deux-Sèvres", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 0 and "modifiée" in out and "objet : Rompre l'isolement des SGM" in out

    err = refused(capsys, db, "NET-4", "network", "objective", "--type", "strategique", "--texte", "Couvrir", "--par", PAUL)  # fmt: skip
    assert "indicateur" in err  # NET-4: an objective is tied to at least one indicator
    code, _, err = run(capsys, "network", "objective", "--type", "strategique", "--texte", "Couvrir", "--indicateur", "bonheur", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 2 and "'bonheur'" in err
    code, out, _ = run(capsys, "network", "objective", "--type", "strategique", "--texte", "Couvrir le territoire", "--indicateur", "couverture_territoriale", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 0 and "objectif n° 1 ajouté au réseau « Réseau des SGM 79 » (stratégique)" in out
    code, out, _ = run(capsys, "network", "objective", "--type", "operationnel", "--texte", "Deux journées réseau", "--indicateur", "taux_participation", "--indicateur", "taux_satisfaction", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 0 and "2 objectifs en tout" in out
    refused(capsys, db, "NET-4", "network", "objective", "--retirer", "5", "--par", PAUL)
    code, out, _ = run(capsys, "network", "objective", "--retirer", "2", "--par", PAUL, "--db", db)
    assert (
        code == 0
        and "objectif n° 2 retiré du réseau « Réseau des SGM 79 » : Deux journées réseau" in out
    )

    err = refused(capsys, db, "NET-2", "network", "committee", "suivi", "--siege", "maire:Jean", "--par", PAUL)  # fmt: skip
    assert "'maire:Jean'" in err
    refused(capsys, db, "NET-2", "network", "committee", "suivi", "--siege", "elu_cdg:Jean Maire", "--par", PAUL)  # fmt: skip
    code, out, _ = run(capsys, "network", "committee", "suivi", "--siege", f"sgm:{CLAIRE}:200069755", "--le", "2024-01-15", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 0 and "comité de suivi composé : 1 siège" in out
    assert "SGM du territoire : Claire Martin, " in out and "(200069755)" in out
    code, out, _ = run(capsys, "network", "committee", "pilotage", "--siege", "elu_cdg:Jean Maire", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 0 and "élu du CDG : Jean Maire" in out
    code, out, _ = run(capsys, "network", "meeting", "suivi", "--le", "2025-02-10", "--par", PAUL, "--db", db)  # fmt: skip
    assert code == 0 and "réunion du comité de suivi enregistrée le 10/02/2025" in out
    refused(capsys, db, "CHA-2", "network", "meeting", "suivi", "--par", CLAIRE)

    code, out, _ = run(capsys, "network", "governance", "--db", db)
    assert code == 0 and "charte de fonctionnement adoptée le 15/06/2023" in out
    assert "périmètre : Deux-Sèvres" in out
    assert "objectif n° 1 (stratégique) : Couvrir le territoire — couverture territoriale" in out
    code, out, _ = run(capsys, "report", "annual", "--annee", "2025", "--format", "md", "--db", db)
    assert code == 0 and "Origine du réseau non renseignée" not in out  # IND-2
    assert "Objet : Rompre l'isolement des SGM" in out and "Couvrir le territoire" in out
