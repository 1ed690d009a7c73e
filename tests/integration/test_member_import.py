"""Importing members from CSV and XLSX on both backends (MEM-1, MEM-2): encodings, separators,
column mapping, dry run, duplicates, and no partial import."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from rsgm_core import App, MissingExtraError, ValidationError, Viewer, ViewerRole
from tests.conftest import SAMPLE
from tests.helpers import snapshot

HEADER = [
    "Prénom",
    "NOM",
    "Courriel",
    "Téléphone",
    "Code INSEE",
    "Fonction",
    "Quotité",
    "Statut",
    "Expertises",
    "Logiciels",
]
ROWS = [
    ["Claire", "Martin", "claire.martin@example.org", "05 49 12 34 56", "79019", "SGM", "60 %", "titulaire", "état civil, urbanisme", "Cosoluce"],
    ["Claire", "Martin", "claire.martin@example.org", "", "79030", "secrétaire de mairie", "0,5", "titulaire", "", ""],
    ["Jérôme", "Pétillon", "jerome.petillon@example.org", "", "79024", "sgm", "1", "contractuel", "Élections", ""],
]  # fmt: skip


@pytest.fixture
def census_app(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


def write_csv(
    path: Path, rows: list[list[str]], *, sep: str = ";", encoding: str = "utf-8-sig"
) -> Path:
    lines = [sep.join(f'"{c}"' if sep in c else c for c in row) for row in [HEADER, *rows]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize(
    "sep, encoding", [(";", "utf-8-sig"), (";", "utf-8"), (",", "utf-8"), (";", "cp1252")]
)
def test_csv_in_any_usual_encoding_and_separator_MEM_1(
    census_app: App, tmp_path: Path, sep: str, encoding: str
) -> None:
    path = write_csv(tmp_path / "agents.csv", ROWS, sep=sep, encoding=encoding)
    report = census_app.members.import_members(path)
    assert report.ok and report.written, report.problems
    assert (report.members, report.positions) == (2, 3)
    assert report.rows[1].action == "poste ajouté au membre de la ligne 2"
    names = [m.full_name for m in census_app.members.list_members()]
    assert names == ["Claire Martin", "Jérôme Pétillon"]
    claire = census_app.members.list_members()[0]
    assert sorted(p.work_time for p in census_app.members.list_positions(member_id=claire.id)) == [
        Decimal("0.5"),
        Decimal("0.6"),
    ]
    [entry] = census_app.directory.search(
        expertise="etat civil", viewer=Viewer(ViewerRole.ANIMATOR)
    )
    assert entry.expertises == ("État civil", "Urbanisme") and entry.software_used == ("Cosoluce",)


def test_a_dry_run_reports_every_row_and_writes_nothing_MEM_1(
    census_app: App, tmp_path: Path
) -> None:
    bad = [
        *ROWS,
        ["Accueil", "Mairie", "mairie@aubigny.fr", "", "79019", "sgm", "1", "titulaire", "", ""],
        [
            "Luc",
            "Roux",
            "luc.roux@example.org",
            "pas un numéro",
            "79999",
            "sgm",
            "1",
            "titulaire",
            "",
            "",
        ],
        [
            "Eva",
            "Blanc",
            "eva.blanc@example.org",
            "",
            "79018",
            "sgm",
            "0",
            "titulaire",
            "Cuisine",
            "",
        ],
        ["Eva", "Noir", "eva.noir@example.org", "", "79018", "sgm", "1,2", "titulaire", "", ""],
        [
            "Claire",
            "Martin",
            "claire.martin@example.org",
            "",
            "79009",
            "sgm",
            "0,2",
            "titulaire",
            "",
            "",
        ],
    ]
    before = snapshot(census_app)
    report = census_app.members.import_members(
        write_csv(tmp_path / "agents.csv", bad), dry_run=True
    )
    assert not report.ok and not report.written
    problems = {r.line: " | ".join(r.problems) for r in report.problems}
    assert set(problems) == {5, 6, 7, 8}
    assert "mairie@aubigny.fr" in problems[5]
    assert "pas un numéro" in problems[6] and "79999" in problems[6]
    assert "]0 ; 1]" in problems[7] and "Cuisine" in problems[7]
    assert "« 1,2 »" in problems[8]
    # 60 % + 50 % + 20 % for the same person: not a problem, a flag (MEM-1)
    assert "130 %" in report.rows[7].notes[0] and not report.rows[7].problems
    report = census_app.members.import_members(write_csv(tmp_path / "agents.csv", bad))
    assert not report.written
    assert snapshot(census_app) == before  # no partial import


def test_positions_over_115_percent_are_imported_and_flagged_MEM_1(
    census_app: App, tmp_path: Path
) -> None:
    rows = [
        *ROWS[:2],
        ["Claire", "Martin", "claire.martin@example.org", "", "79009", "sgm", "0,2", "titulaire", "", ""],
    ]  # fmt: skip
    report = census_app.members.import_members(write_csv(tmp_path / "agents.csv", rows))
    assert report.ok and report.written and report.positions == 3
    [flagged] = report.flagged
    assert flagged.line == 4 and "quotités cumulées de 130 %" in flagged.notes[0]
    assert "[MEM-1]" in flagged.notes[0]
    [flag] = census_app.members.list_work_time_excesses()
    assert flag.member.full_name == "Claire Martin" and flag.total == Decimal("1.3")


def test_likely_duplicates_are_reported_MEM_1(census_app: App, tmp_path: Path) -> None:
    census_app.members.import_members(write_csv(tmp_path / "first.csv", ROWS[:1]))
    again = [
        [
            "Claire",
            "Martin",
            "claire.martin@example.org",
            "",
            "79024",
            "sgm",
            "0,2",
            "titulaire",
            "",
            "",
        ],
        [
            "CLAIRE",
            "MARTIN",
            "c.martin@example.org",
            "",
            "79019",
            "sgm",
            "0,2",
            "titulaire",
            "",
            "",
        ],
        ["Zoé", "Bernard", "zoe@example.org", "", "79018", "sgm", "1", "titulaire", "", ""],
        ["Zoe", "BERNARD", "zoe.b@example.org", "", "79018", "sgm", "1", "titulaire", "", ""],
        ["Ana", "Lopez", "zoe@example.org", "", "79002", "sgm", "1", "titulaire", "", ""],
    ]
    report = census_app.members.import_members(
        write_csv(tmp_path / "again.csv", again), dry_run=True
    )
    problems = {r.line: " ".join(r.problems) for r in report.problems}
    assert "a déjà l'adresse claire.martin@example.org" in problems[2]  # same e-mail
    assert "même nom et même commune" in problems[3]  # accents and case ignored
    assert "doublon probable de la ligne 4" in problems[5]
    assert "une personne, un compte" in problems[6]
    assert 4 not in problems


def test_column_mapping_and_missing_columns_MEM_1(census_app: App, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Patronyme;Prénom usuel;Mél;INSEE;Fonction;Quotité;Statut\n"
        "Martin;Claire;claire.martin@example.org;79019;SGM;1;titulaire\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="colonne nom absente"):
        census_app.members.import_members(path)
    report = census_app.members.import_members(
        path, mapping={"Patronyme": "last_name", "prénom usuel": "first_name", "Mél": "email"}
    )
    assert (
        report.written and census_app.members.list_members()[0].email == "claire.martin@example.org"
    )
    with pytest.raises(ValidationError, match="surnom"):
        census_app.members.import_members(path, mapping={"Mél": "surnom"})


def test_xlsx_import_MEM_1(census_app: App, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    sheet.append(
        [
            "Paul",
            "Moreau",
            "paul.moreau@example.org",
            None,
            79009,
            "sgm",
            1,
            "titulaire",
            None,
            None,
        ]
    )
    path = tmp_path / "agents.xlsx"
    book.save(path)
    report = census_app.members.import_members(path)
    assert report.ok, report.problems
    assert (report.members, report.positions) == (3, 4)


def test_xlsx_needs_its_extra(
    census_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = tmp_path / "agents.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(MissingExtraError, match=r"rsgm_core\[xlsx\]"):
        census_app.members.import_members(path)


def test_an_agent_hors_ressort_is_imported_and_flagged_TER_7(
    cdg77: App, tmp_path: Path, census_data: Path
) -> None:
    from tests.conftest import NEW_VINTAGE

    cdg77.census.import_(NEW_VINTAGE, ["77"])  # and Roissy's Val-d'Oise communes, hors ressort
    rows = [
        ["Sophie", "Lefèvre", "sophie.lefevre@example.org", "", "77001", "sgm", "1", "titulaire", "", ""],
        ["Hugo", "Roux", "hugo.roux@example.org", "", "95212", "sgm", "1", "titulaire", "", ""],
    ]  # fmt: skip
    report = cdg77.members.import_members(write_csv(tmp_path / "agents.csv", rows))
    assert report.ok and report.written and report.positions == 2
    [flagged] = report.flagged
    assert flagged.line == 3 and "hors du ressort du CDG" in flagged.notes[0]
    assert "[TER-7]" in flagged.notes[0]
