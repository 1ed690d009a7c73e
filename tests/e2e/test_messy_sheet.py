"""CDG 77's spreadsheet of agents as HR keeps it (MEM-1): a title row, French headers with both a
``Commune`` name and a ``Code INSEE`` column, feminine and common words, empty cells, a column of
remarks, the same person twice, bad rows. One dry run reports every problem of every row; the
import takes the good rows and writes the bad ones to a file to fix; next year's sheet refreshes
the base in update mode. Both as a Windows CSV (cp1252, ``;``) and as an XLSX, on the real census
of Seine-et-Marne."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from rsgm_core import App
from tests.conftest import NEW_VINTAGE
from tests.helpers import run, snapshot

HEADER = ["NOM", "Prénom", "Courriel", "Téléphone", "Commune", "Code INSEE", "Département",
          "Fonction", "Statut", "Quotité", "Observations"]  # fmt: skip
TITLE = ["Agents des communes de Seine-et-Marne - état au 1er janvier 2025"]
# Lines as the file numbers them: the title is line 1, the header line 2.
SHEET = {
    3: ["Martin", "Claire", "claire.martin@example.org", "01 64 00 00 01", "St Germain sur Morin", "", "", "Secrétaire générale de mairie", "Titulaire", "0,5", ""],
    4: ["MARTIN", "Claire", "Claire.Martin@example.org", "", "Villiers-sur-Morin", "77521", "", "Secrétaire générale de mairie", "titulaire", "50 %", ""],
    5: ["Petit", "Jérôme", "jerome.petit@example.org", "", "Ferte sous Jouarre (La)", "", "", "SGM", "Contractuelle", "1", ""],
    6: ["Durand", "Sophie", "sophie.durand@example.org", "", "GERMIGNY L'EVEQUE", "", "", "Adjoint administratif", "CDD", "80", "arrivée en mars"],
    7: ["Leroy", "Marc", "marc.leroy@example.org", "", "Beauvoir", "", "", "secrétaire de mairie", "stagiaire", "1", ""],
    8: ["Moreau", "Anne", "anne.moreau@example.org", "", "CORBEIL ESSONNES", "", "91", "SGM", "titulaire", "0,5", "Essonne"],
    9: ["Roux", "Paul", "paul.roux@example.org", "", "Coulommiers", "77131", "", "SGM", "", "1", ""],
    10: ["Blanc", "Eva", "eva.blanc@example.org", "", "Nemours", "", "", "SGM", "titulaire", "", ""],
    11: ["Garnier", "Luc", "luc.garnier@example.org", "", "Beauvoir", "", "89", "SGM", "titulaire", "1", ""],
    12: ["Faure", "Inès", "ines.faure@example.org", "", "Villeneuve-sur-Nulle-Part", "", "", "SGM", "titulaire", "1", ""],
    13: ["PETIT", "Jerome", "jerome.petit@example.org", "", "", "77183", "", "SGM", "Contractuelle", "1", "saisi deux fois"],
    14: ["Accueil", "Mairie", "mairie@provins.fr", "", "Provins", "", "", "SGM", "titulaire", "1", ""],
    15: ["Bonnet", "Julie", "julie.bonnet@@example.org", "pas un numéro", "Lizy-sur-Ourcq", "", "", "Cheffe de cuisine", "intermittente", "1,5", ""],
    16: ["Mercier", "Hugo", "hugo.mercier@example.org", "", "Crécy-la-Chapelle", "", "", "Responsable", "titulaire", "1", ""],
    17: ["Lambert", "Chloé", "chloe.lambert@example.org", "", "Écuelles", "", "", "SGM", "titulaire", "1", ""],
    18: ["Fontaine", "Lucie", "lucie.fontaine@example.org", "", "Saint-Pathus", "77430", "", "SGM", "titulaire", "1", ""],
    19: ["Chevalier", "Hélène", "helene.chevalier@example.org", "", "Dammartin-en-Goële", "", "", "secrétaire générale de mairie", "Titulaire", "1", ""],
    20: ["Girard", "Noémie", "noemie.girard@example.org", "", "Bray-sur-Seine", "", "", "SGM", "Stagiaire", "0,8", ""],
    21: ["Bertrand", "Yves", "yves.bertrand@example.org", "", "Donnemarie-Dontilly", "77159", "", "Secrétaire de mairie", "Contractuel", "17,5/35", ""],
}  # fmt: skip
BAD = {9, 10, 11, 12, 13, 14, 15, 16, 17}  # 9 and 10 only lack a status and a work time
NEXT_YEAR = {
    3: ["MARTIN", "Claire", "claire.martin@example.org", "01 64 00 00 09", "St Germain sur Morin", "77413", "", "Secrétaire générale de mairie", "Titulaire", "0,8", ""],
    4: ["Petit", "Jérôme", "jerome.petit@example.org", "", "La Ferté-sous-Jouarre", "", "", "SGM", "Contractuelle", "1", ""],
    5: ["Durand", "Sophie", "sophie.durand@example.org", "", "Germigny-l'Évêque", "", "", "Adjointe administrative", "Titulaire", "0,8", ""],
    6: ["Durand", "Sophie", "sophie.durand@example.org", "", "Chambry", "", "", "Secrétaire de mairie", "Titulaire", "20 %", ""],
    7: ["Moreau", "Anne", "anne.moreau@example.org", "", "Corbeil-Essonnes", "91174", "91", "SGM", "titulaire", "0,5", ""],
    8: ["Roux", "Paul", "paul.roux@example.org", "", "Coulommiers", "77131", "", "SGM", "titulaire", "1", ""],
    9: ["Blanc", "Eva", "eva.blanc@example.org", "", "Nemours", "", "", "SGM", "titulaire", "1", ""],
    10: ["Fabre", "Nicolas", "nicolas.fabre@example.org", "", "Provins", "", "", "SGM", "titulaire", "1", ""],
    11: ["Fontaine", "Lucie", "lucie.fontaine@example.org", "", "Saint-Pathus", "77430", "", "SGM", "titulaire", "1", ""],
    12: ["Chevalier", "Hélène", "helene.chevalier@example.org", "", "Dammartin-en-Goële", "", "", "SGM", "Titulaire", "1", ""],
    13: ["Girard", "Noémie", "noemie.girard@example.org", "", "Bray-sur-Seine", "", "", "SGM", "Titulaire", "0,8", ""],
    14: ["Bertrand", "Yves", "yves.bertrand@example.org", "", "Donnemarie-Dontilly", "77159", "", "Secrétaire de mairie", "Contractuel", "17,5/35", ""],
}  # fmt: skip
CHOICES = {"defaults": {"statut": "titulaire", "quotité": "1"}, "ignore": ["Observations"]}


def write_sheet(path: Path, rows: dict[int, list[str]]) -> Path:
    """The sheet as a Windows CSV (cp1252, ``;``) or as an XLSX with numbers where Excel has
    them (INSEE codes, work times)."""
    if path.suffix == ".csv":
        with path.open("w", encoding="cp1252", newline="") as out:
            writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
            writer.writerows([TITLE, HEADER, *rows.values()])
        return path
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [TITLE, HEADER, *rows.values()]:
        sheet.append([int(c) if c.isdigit() and len(c) == 5 else _number(c) for c in row])
    book.save(path)
    return path


def _number(cell: str) -> object:
    try:
        return float(cell.replace(",", ".")) if cell and "," in cell else cell
    except ValueError:
        return cell


@pytest.fixture
def seine_et_marne(cdg77: App, census_data: Path) -> App:
    cdg77.census.import_(NEW_VINTAGE, ["77"])  # and the hors-ressort communes of its EPCIs
    return cdg77


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_messy_sheet_is_checked_imported_and_refreshed_MEM_1(
    seine_et_marne: App, tmp_path: Path, suffix: str
) -> None:
    app = seine_et_marne
    sheet = write_sheet(tmp_path / f"agents{suffix}", SHEET)
    before = snapshot(app)

    # 1. One dry run reports every problem of every row, nothing written.
    report = app.members.import_members(sheet, dry_run=True)
    assert snapshot(app) == before and not report.written and not report.ok
    assert report.header is not None and report.header.headers == tuple(HEADER)
    assert [p.split(" : ")[0] for p in report.file_problems] == [
        "colonne « Observations » non reconnue"
    ]
    problems = {r.line: r.problems for r in report.problems}
    assert set(problems) == BAD
    assert problems[9] == ("statut vide : remplissez-le ou choisissez une valeur par défaut "
                           '(--par-defaut "statut=…") [MEM-1]',)  # fmt: skip
    assert problems[10][0].startswith("quotité vide")
    assert problems[11] == (
        "aucune commune « Beauvoir » dans le département 89 (connues : Beauvoir, 77029, "
        "département 77) [MEM-1]",
    )
    assert problems[12] == ("commune introuvable : « Villeneuve-sur-Nulle-Part » [MEM-1]",)
    assert "poste en double" in problems[13][0] and "ligne 5" in problems[13][0]
    assert "adresse générique refusée" in problems[14][0]
    assert len(problems[15]) == 5  # every problem of the row, in one pass
    assert [p.split(" :")[0] for p in problems[15]] == [
        "adresse électronique invalide", "numéro de téléphone invalide", "fonction inconnue",
        "statut inconnu", "quotité de travail hors bornes",
    ] or len({p.split(" :")[0] for p in problems[15]}) == 5  # fmt: skip
    assert "n'existe plus (aujourd'hui Moret-Loing-et-Orvanne, 77316)" in problems[17][0]
    groups = {g.kind: g for g in report.groups()}
    assert groups["fonction inconnue"].lines == (15, 16)
    assert "secrétaire général ou générale de mairie" in groups["fonction inconnue"].allowed
    assert all("valeurs" not in p for row in report.problems for p in row.problems)  # said once
    good = {r.line: r for r in report.rows if not r.problems}
    assert good[3].action == "nouveau membre"
    assert good[4].action == "poste ajouté au membre de la ligne 3"
    assert {"« Adjoint administratif » est un grade, pas une fonction : lu comme secrétaire de "
            "mairie", "« CDD » lu comme contractuel", "quotité « 80 » lue comme 80 %"} <= set(
        good[6].notes)  # fmt: skip
    assert good[8].commune == "91174" and "hors du ressort du CDG" in good[8].notes[0]
    assert good[7].commune == "77029"  # the CDG's own Beauvoir

    # 2. The import, with the animator's choices: the good rows, the bad ones to a file.
    rejects = tmp_path / "a-corriger.csv"
    report = app.members.import_members(sheet, partial=True, rejects=rejects, **CHOICES)
    assert report.written and not report.file_problems
    assert {r.line for r in report.problems} == BAD - {9, 10}
    assert (report.members, report.positions) == (11, 12)
    with rejects.open(encoding="utf-8-sig", newline="") as text:
        written = list(csv.reader(text, delimiter=";"))
    assert written[0] == [*HEADER, "Problèmes"]
    assert [row[1] for row in written[1:]] == ["Luc", "Inès", "Jerome", "Mairie", "Julie",
                                                "Hugo", "Chloé"]  # fmt: skip
    assert "département 89" in written[1][-1]
    by_name = {m.full_name: m for m in app.members.list_members()}
    claire = by_name["Claire Martin"]
    assert sorted((p.commune, p.work_time) for p in app.members.list_positions(member_id=claire.id)) == [
        ("77413", Decimal("0.5")), ("77521", Decimal("0.5"))
    ]  # fmt: skip
    [sophie] = app.members.list_positions(member_id=by_name["Sophie Durand"].id)
    assert (sophie.commune, sophie.function.value, sophie.status.value, sophie.work_time) == (
        "77203", "secretaire_de_mairie", "contractuel", Decimal("0.8"))  # fmt: skip
    [paul] = app.members.list_positions(member_id=by_name["Paul Roux"].id)
    assert paul.status.value == "titulaire"  # the default the animator chose

    # 3. Next year's sheet: a dry run says what each row adds, changes or ends.
    update = write_sheet(tmp_path / f"agents-2026{suffix}", NEXT_YEAR)
    before = snapshot(app)
    report = app.members.import_members(update, update=True, dry_run=True, **CHOICES)
    assert report.ok and not report.written and snapshot(app) == before
    rows = {r.line: r for r in report.rows}
    assert rows[3].action == "mis à jour"
    assert set(rows[3].changes) == {
        "téléphone +33164000001 → +33164000009",
        "poste à Saint-Germain-sur-Morin (77413) modifié : quotité 50 % → 80 %",
        "poste à Villiers-sur-Morin (77521) terminé le 14/03/2025",
    }
    assert rows[4].action == "inchangé" and not rows[4].changes
    assert rows[5].changes == (
        "poste à Germigny-l'Évêque (77203) modifié : statut contractuel → titulaire",
    )
    assert rows[6].changes == ("poste ajouté à Chambry (77077)",)
    assert rows[10].action == "nouveau membre"
    assert report.absent == ("Marc Leroy",)
    assert (report.members, report.updated, report.ended) == (1, 3, 4)  # Noémie is titularised

    # 4. The refresh itself.
    report = app.members.import_members(update, update=True, **CHOICES)
    assert report.written and report.ok
    today = dt.date(2025, 3, 14)
    held = app.members.list_positions(member_id=claire.id)
    assert sorted((p.commune, p.work_time, p.start, p.end) for p in held) == [
        ("77413", Decimal("0.5"), None, today),
        ("77413", Decimal("0.8"), today, None),
        ("77521", Decimal("0.5"), None, today),
    ]
    assert app.members.get(claire.id).phone == "+33164000009"
    assert "Nicolas Fabre" in {m.full_name for m in app.members.list_members()}
    assert len(app.members.list_members()) == 12  # Marc Leroy kept: a departure has its reason
    again = app.members.import_members(update, update=True, dry_run=True, **CHOICES)
    assert {r.action for r in again.rows} == {"inchangé"}  # the base now is the sheet


def test_the_command_line_reports_grouped_problems_then_imports_and_refreshes_MEM_1(
    tmp_path: Path, census_data: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import rsgm_core
    from tests.helpers import CDG77

    db = tmp_path / "rsgm.db"
    monkeypatch.setenv("RSGM_CONFIG", str(Path(__file__).parents[1] / "profiles" / "cdg77.toml"))
    with rsgm_core.open(f"sqlite:///{db}", settings=CDG77) as app:
        app.census.import_(NEW_VINTAGE, ["77"])
    sheet = write_sheet(tmp_path / "agents.csv", SHEET)
    code, out, err = run(capsys, "members", "import", str(sheet), "--essai", "--db", str(db))
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0].startswith("colonnes lues : « NOM » → nom, « Prénom » → prénom")
    assert "fichier : colonne « Observations » non reconnue" in out
    [allowed] = [line for line in lines if line.startswith("fonction inconnue (valeurs admises")]
    assert allowed.endswith(": 2 lignes")
    assert out.count("valeurs admises : secrétaire") == 1  # the allowed values said once
    assert "  ligne 15 (Julie Bonnet) : fonction inconnue : « Cheffe de cuisine »" in lines
    assert "ligne 3 (Claire Martin) : nouveau membre" in lines
    assert lines[-1] == (
        "9 membres et 10 postes seraient importés ; 9 lignes rejetées ; 1 problème du fichier "
        "(essai : rien n'a été importé)"
    )
    code, out, err = run(
        capsys, "members", "import", str(sheet), "--db", str(db), "--ignorer", "Observations",
        "--par-defaut", "statut=titulaire", "--par-defaut", "quotité=1", "--partiel",
        "--rejets", str(tmp_path / "rejets.csv"),
    )  # fmt: skip
    assert code == 0, err
    assert "11 membres et 12 postes importés ; 7 lignes rejetées" in out
    assert f"7 lignes rejetées écrites dans {tmp_path / 'rejets.csv'}" in out
    update = write_sheet(tmp_path / "agents-2026.csv", NEXT_YEAR)
    code, out, err = run(
        capsys, "members", "import", str(update), "--db", str(db), "--mise-a-jour", "--essai",
        "--ignorer", "Observations",
    )  # fmt: skip
    assert code == 0, err
    assert "ligne 6 (Sophie Durand) : mis à jour : poste ajouté à Chambry (77077)" in out
    assert "1 membre absent du tableau, laissé tel quel" in out and "Marc Leroy" in out
    assert out.splitlines()[-1] == (
        "à enregistrer : 1 nouveau membre, 3 membres mis à jour, 2 postes ajoutés, "
        "3 postes modifiés, 1 poste terminé (essai : rien n'a été importé)"
    )


def test_a_header_row_that_cannot_be_matched_is_a_french_error_MEM_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RSGM_CONFIG", str(Path(__file__).parents[1] / "profiles" / "cdg77.toml"))
    sheet = tmp_path / "agents.csv"
    sheet.write_text("Agent;Collectivité;Grade\nMartin Claire;Melun;Rédacteur\n", encoding="cp1252")
    db = tmp_path / "rsgm.db"
    import rsgm_core

    rsgm_core.open(f"sqlite:///{db}").close()  # an existing database: --db names a file
    code, out, err = run(capsys, "members", "import", str(sheet), "--essai", "--db", str(db))
    assert code == 2 and not out
    assert "ligne 1 : en-têtes non reconnus, colonne prénom absente" in err
    assert "« Agent », « Collectivité », « Grade »" in err and err.rstrip().endswith("[MEM-1]")
    assert "Traceback" not in err
