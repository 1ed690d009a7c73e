"""EVT-12 from the command line alone: CDG 77's network, launched in June 2023, enters its first
years (creation date, former members, past events with their attendance, past surveys, a call and
a paper charter recorded later, the platform's member list), then reads the report of 2023 as the
network was that year. Bad input is refused with the line, the value and the rule, and nothing
is written.

The command line runs on the real clock: the history is in 2023 and 2024, "tomorrow" is computed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import CDG77, run

DECOUPAGE_77 = Path(__file__).resolve().parents[1] / "browser" / "fixtures" / "decoupage" / "6.0.0"
ADMIN = "marie.durand@cdg77.fr"

EVENTS = """Date;Intitulé;Type;Format;Lieu;Invités;Présents;Thèmes
22/06/2023;Lancement du réseau;journée réseau;présentiel;Lieusaint;12;sophie.lefevre@bernay-vilbert.fr, thomas.girard@courpalay.fr;animation
16/11/2023;Matinale état civil;matinale;présentiel;Courpalay;8;thomas.girard@courpalay.fr;état civil
23/05/2024;Webinaire élections;webinaire;visio;;15;sophie.lefevre@bernay-vilbert.fr, thomas.girard@courpalay.fr, nadia.benali@chatres.fr;élections
"""
SURVEYS = """Date d'envoi;Titre;Type;Destinataires;Réponses;Événement;Note 5;Note 4;Note 3
01/07/2023;Enquête de besoins 2023;besoins;12;7;;;;
30/06/2023;Satisfaction du lancement;satisfaction;12;6;Lancement du réseau;3;2;1
"""
PLATFORM = """Adresse e-mail,Prénom,Nom,Organisation,Espaces,Rôles
thomas.girard@courpalay.fr,Thomas,Girard,Mairie de Courpalay,Espace départemental — CDG 77,contributeur
jean.ancien@example.fr,Jean,Ancien,Mairie,Espace départemental des SGM,membre
"""


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str], folder: Path) -> None:
        self.capsys, self.folder = capsys, folder

    def __call__(self, *argv: str, code: int = 0) -> str:
        got, out, err = run(self.capsys, *argv)
        assert got == code, (argv, out, err)
        assert "Traceback" not in out + err
        return out if code == 0 else err


@pytest.fixture
def rsgm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RSGM_DB", raising=False)
    monkeypatch.delenv("RSGM_CONFIG", raising=False)
    monkeypatch.setenv("RSGM_ACTEUR", ADMIN)
    return Cli(capsys, tmp_path)


def write_members_xlsx(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Prénom", "Nom", "Courriel", "Commune", "Fonction", "Quotité", "Statut",
                  "Date d'arrivée", "Date de départ", "Motif de départ"])  # fmt: skip
    sheet.append(["Sophie", "Lefèvre", "sophie.lefevre@bernay-vilbert.fr", "77031",
                  "Secrétaire générale de mairie", "1", "titulaire", dt.datetime(2023, 6, 1),
                  dt.datetime(2024, 6, 30), "retraite"])  # fmt: skip
    sheet.append(["Thomas", "Girard", "thomas.girard@courpalay.fr", "Courpalay", "sgm", "50 %",
                  "contractuel", dt.datetime(2023, 9, 1), None, None])  # fmt: skip
    sheet.append(["Nadia", "Benali", "nadia.benali@chatres.fr", "Châtres", "sgm", "1",
                  "titulaire", dt.datetime(2024, 1, 15), None, None])  # fmt: skip
    book.save(path)
    return path


def indicator(out: str, label: str) -> str:
    (line,) = [line for line in out.splitlines() if line.strip().startswith(label)]
    return re.split(r"\s{2,}|\s*\|\s*", line.strip())[1]


def test_a_year_of_a_network_with_history_from_the_command_line_alone_EVT_12(
    rsgm: Cli,
) -> None:
    rsgm("init", "--cdg", "CDG 77", "--departements", "77", "--administrateur", ADMIN,
         "--nom", CDG77.cdg.name if CDG77.cdg else "CDG 77")  # fmt: skip
    rsgm("census", "import", "--source", str(DECOUPAGE_77))
    out = rsgm("network", "create", "Réseau des SGM de Seine-et-Marne", "--le", "2023-06-15")
    assert "réseau départemental créé" in out

    members = write_members_xlsx(rsgm.folder / "membres-passes.xlsx")
    out = rsgm("history", "import", str(members), "--essai")
    assert "3 membres dont 1 parti à importer (essai : rien n'est enregistré)" in out
    assert "Thomas Girard, Courpalay (77135), arrivée le 01/09/2023" in out
    out = rsgm("history", "import", str(members))
    assert "membres-passes.xlsx : 3 membres dont 1 parti importés, marqués comme historique" in out

    (rsgm.folder / "evenements.csv").write_bytes(EVENTS.encode("cp1252"))
    out = rsgm("history", "import", "evenements.csv")
    assert "3 événements, 6 présences importés" in out
    assert (
        "ligne 2 : journée réseau « Lancement du réseau » du 22/06/2023, 2 présents sur 12 invités"
        in out
    )
    (rsgm.folder / "enquetes.csv").write_bytes(SURVEYS.encode("cp1252"))
    assert "2 enquêtes, 13 réponses importées" in rsgm("history", "import", "enquetes.csv")

    # A call logged later, a paper charter adopted and signed before it was entered
    out = rsgm("advice", "log", "Mariage d'un majeur protégé ?", "--commune", "77135",
               "--demandeur", "Thomas Girard", "--canal", "téléphone", "--theme", "état civil",
               "--le", "2024-02-12")  # fmt: skip
    assert "reçue le 12/02/2024" in out
    (rsgm.folder / "charte.txt").write_text("Article 1. Un compte par personne.\n", "utf-8")
    rsgm("charter", "publish", "--titre", "Charte d'utilisation", "--texte", "charte.txt",
         "--le", "2023-06-15")  # fmt: skip
    out = rsgm("charter", "sign", "77135", "--signataire", "Jean Maire", "--qualite", "maire",
               "--le", "2023-10-02")  # fmt: skip
    assert "signée le 2 octobre 2023" in out
    out = rsgm("members", "depart", "nadia.benali@chatres.fr", "--motif", "mutation",
               "--le", "2025-01-15")  # fmt: skip
    assert "départ enregistré : Nadia Benali le 15 janvier 2025" in out

    # The platform's own member list: accounts that already exist
    rsgm("access", "space")
    (rsgm.folder / "interstis.csv").write_text(PLATFORM, "utf-8")
    out = rsgm("history", "plateforme", "interstis.csv")
    assert "ligne 3 : jean.ancien@example.fr (Jean Ancien) : aucun membre n'a cette adresse" in out
    assert "1 compte et 1 appartenance enregistrés comme déjà présents sur interstis" in out

    # 2023 as it was: two active members (not Nadia, who came in 2024), the launch's figures
    out = rsgm("indicators", "show", "--annee", "2023")
    assert indicator(out, "Membres actifs") == "2"
    assert indicator(out, "Événements") == "2"
    report = rsgm("report", "annual", "--annee", "2023", "--format", "md")
    assert "Réseau créé le 15 juin 2023" in report
    assert "Lancement du réseau" in report and "Webinaire élections" not in report
    out = rsgm("indicators", "show", "--annee", "2024")
    assert indicator(out, "Membres actifs") == "2"  # Thomas and Nadia; Sophie left in June
    assert indicator(out, "Départs") == "1"
    listed = rsgm("history", "list", "--nature", "evenements").splitlines()
    assert len(listed) == 3 and all("(evenements.csv, ligne" in line for line in listed)


def test_bad_history_input_names_the_row_the_value_and_the_rule_and_writes_nothing_EVT_12(
    rsgm: Cli,
) -> None:
    rsgm("init", "--cdg", "CDG 77", "--departements", "77", "--administrateur", ADMIN,
         "--nom", "Centre de gestion de Seine-et-Marne")  # fmt: skip
    rsgm("census", "import", "--source", str(DECOUPAGE_77))
    # the CDG's today is Paris's (the library's zone), not the machine's: past 23:00 UTC they differ
    tomorrow = dt.datetime.now(ZoneInfo("Europe/Paris")).date() + dt.timedelta(days=1)
    future = EVENTS.replace("23/05/2024", tomorrow.strftime("%d/%m/%Y"))
    (rsgm.folder / "futur.csv").write_bytes(future.encode("cp1252"))
    err = rsgm("history", "import", "futur.csv", code=2)
    assert f"ligne 4, colonne « Date » : '{tomorrow:%d/%m/%Y}' : événement après aujourd'hui" in err
    assert "[EVT-12]" in err and "rien n'a été enregistré" in err
    assert (
        "ligne 2, colonne « Présents » : 'sophie.lefevre@bernay-vilbert.fr'" in err
    )  # all at once
    assert "rien n'a été saisi comme historique" in rsgm("history", "list")
    err = rsgm("advice", "log", "Question ?", "--commune", "77135", "--demandeur", "X",
               "--canal", "téléphone", "--theme", "état civil", "--le", tomorrow.isoformat(),
               code=2)  # fmt: skip
    assert f"date de réception dans le futur : {tomorrow:%d/%m/%Y}" in err and "[EVT-12]" in err
    err = rsgm("history", "creation", "--le", tomorrow.isoformat(), code=2)
    assert "aucun réseau départemental" in err or "[EVT-12]" in err
