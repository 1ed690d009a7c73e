"""The member import on real sheets' quirks (MEM-1): homonyms on the real census, the caller's
choices (mapping, ignore, defaults), update and partial modes, and never a partial write."""

from __future__ import annotations

import csv
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App, ValidationError
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import CDG77, snapshot

HEADER = "Prénom;Nom;Courriel;Commune;Code INSEE;Fonction;Statut;Quotité"


def sheet(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="cp1252")
    return path


@pytest.fixture
def deux_sevres(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


def test_homonyms_on_the_real_census_resolved_by_department_else_listed_MEM_1(
    census_data: Path, tmp_path: Path
) -> None:
    # A CDG spanning Seine-et-Marne and the Yonne: two Beauvoir, 77029 and 89033.
    with rsgm_core.open(
        "memory://", settings=attrs.evolve(CDG77, departements=("77", "89"))
    ) as app:
        app.census.import_(NEW_VINTAGE, ["77", "89"])
        path = sheet(
            tmp_path / "a.csv",
            "Anne;Moreau;anne.moreau@example.org;Beauvoir;;SGM;titulaire;1",
            "Luc;Roux;luc.roux@example.org;Beauvoir;;SGM;titulaire;1;89",
            header=HEADER + ";Département",
        )
        before = snapshot(app)
        report = app.members.import_members(path)
        assert not report.written and snapshot(app) == before
        [ambiguous] = report.problems
        assert ambiguous.line == 2 and ambiguous.problems == (
            "commune ambiguë : « Beauvoir » désigne plusieurs communes (Beauvoir, 77029, "
            "département 77 ; Beauvoir, 89033, département 89) : donnez le code INSEE ou le "
            "département [MEM-1]",
        )
        assert report.rows[1].commune == "89033"


def test_a_code_column_and_a_name_column_together_MEM_1(deux_sevres: App, tmp_path: Path) -> None:
    path = sheet(
        tmp_path / "a.csv", "Claire;Martin;claire.martin@example.org;Aubigny;79019;SGM;titulaire;1"
    )
    report = deux_sevres.members.import_members(path)
    assert report.written and report.rows[0].commune == "79019"
    again = sheet(tmp_path / "b.csv", "Luc;Roux;luc.roux@example.org;Aubigny;79019;SGM;titulaire;1")
    mapped = deux_sevres.members.import_members(
        again, mapping={"Code INSEE": "commune"}, dry_run=True
    )
    assert mapped.ok and mapped.rows[0].commune == "79019"  # the issue's --colonne now helps


def test_title_rows_above_the_header_and_line_numbers_MEM_1(
    deux_sevres: App, tmp_path: Path
) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "Liste des agents\r\n\r\n" + HEADER + "\r\nClaire;Martin;;;79019;SGM;;1\r\n",
        encoding="utf-8",
    )
    report = deux_sevres.members.import_members(path, dry_run=True)
    assert [(r.line, r.problems) for r in report.rows] == [
        (4, ('statut vide : remplissez-le ou choisissez une valeur par défaut (--par-defaut '
             '"statut=…") [MEM-1]',)),
    ]  # fmt: skip
    report = deux_sevres.members.import_members(path, defaults={"statut": "stagiaire"})
    assert report.written
    [position] = deux_sevres.members.list_positions()
    assert position.status.value == "stagiaire"


def test_the_callers_choices_are_checked_MEM_1(deux_sevres: App, tmp_path: Path) -> None:
    path = sheet(tmp_path / "a.csv", "Claire;Martin;;;79019;SGM;titulaire;1")
    with pytest.raises(ValidationError, match="champ par défaut inconnu : 'surnom'"):
        deux_sevres.members.import_members(path, defaults={"surnom": "x"})
    with pytest.raises(ValidationError, match="valeur par défaut vide pour quotité"):
        deux_sevres.members.import_members(path, defaults={"quotité": " "})
    with pytest.raises(ValidationError, match="champ de correspondance inconnu"):
        deux_sevres.members.import_members(path, mapping={"Nom": "surnom"})


def test_partial_import_writes_the_good_rows_and_the_rejected_ones_to_fix_MEM_1(
    deux_sevres: App, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path / "a.csv",
        "Claire;Martin;claire.martin@example.org;;79019;SGM;titulaire;1",
        "Accueil;Mairie;mairie@aubigne.fr;;79019;SGM;titulaire;1",
        "Luc;Roux;luc.roux@example.org;;79999;Cheffe;titulaire;1,5",
    )
    rejects = tmp_path / "rejets.csv"
    before = snapshot(deux_sevres)
    report = deux_sevres.members.import_members(path, rejects=rejects, dry_run=True)
    assert snapshot(deux_sevres) == before and rejects.is_file()  # the file asked for, only
    report = deux_sevres.members.import_members(path, partial=True, rejects=rejects)
    assert report.written and report.members == 1
    assert [m.full_name for m in deux_sevres.members.list_members()] == ["Claire Martin"]
    with rejects.open(encoding="utf-8-sig", newline="") as text:
        rows = list(csv.reader(text, delimiter=";"))
    assert [r[0] for r in rows] == ["Prénom", "Accueil", "Luc"]
    assert rows[2][-1].count(" | ") == 2  # commune, function and work time, all said


def test_an_unknown_column_blocks_even_a_partial_import_MEM_1(
    deux_sevres: App, tmp_path: Path
) -> None:
    path = sheet(tmp_path / "a.csv", "Claire;Martin;;;79019;SGM;titulaire;1;x",
                 header=HEADER + ";Remarques")  # fmt: skip
    before = snapshot(deux_sevres)
    report = deux_sevres.members.import_members(path, partial=True)
    assert not report.written and snapshot(deux_sevres) == before
    assert report.file_problems[0].startswith("colonne « Remarques » non reconnue")
    assert deux_sevres.members.import_members(path, ignore=["remarques"]).written


def test_update_mode_ends_nothing_for_a_person_with_a_rejected_row_MEM_1(
    deux_sevres: App, tmp_path: Path
) -> None:
    first = sheet(
        tmp_path / "a.csv",
        "Claire;Martin;claire.martin@example.org;;79019;SGM;titulaire;0,5",
        "Claire;Martin;claire.martin@example.org;;79030;SGM;titulaire;0,5",
    )
    assert deux_sevres.members.import_members(first).written
    later = sheet(
        tmp_path / "b.csv",
        "Claire;Martin;claire.martin@example.org;;79019;SGM;titulaire;0,5",
        "Claire;Martin;claire.martin@example.org;;79030;Cheffe;titulaire;0,5",
    )
    report = deux_sevres.members.import_members(later, update=True, partial=True)
    assert report.written and report.ended == 0
    assert "aucun poste terminé" in report.rows[0].notes[0]
    assert len(deux_sevres.members.list_positions()) == 2
    assert (
        deux_sevres.members.import_members(first, dry_run=True)
        .problems[0]
        .problems[0]
        .endswith("pour rafraîchir la base, importez en mode mise à jour (--mise-a-jour) [MEM-1]")
    )


def test_update_mode_refuses_a_departed_member_MEM_4(deux_sevres: App, tmp_path: Path) -> None:
    path = sheet(
        tmp_path / "a.csv", "Claire;Martin;claire.martin@example.org;;79019;SGM;titulaire;1"
    )
    deux_sevres.members.import_members(path)
    [claire] = deux_sevres.members.list_members()
    deux_sevres.members.depart(claire.id, reason="mutation")
    report = deux_sevres.members.import_members(path, update=True, dry_run=True)
    assert report.problems[0].problems[0].startswith("Claire Martin a quitté le réseau")
    assert report.absent == ()


GOOD = [
    "Claire;Martin;claire.martin@example.org;;79019;SGM;titulaire;1",
    "Luc;Roux;luc.roux@example.org;Aubigné;;Secrétaire générale de mairie;Contractuelle;0,5",
    "Eva;Blanc;;;79030;SGM;CDD;50 %",
]
BAD = [
    "Zoé;Bernard;mairie@aubigne.fr;;79019;SGM;titulaire;1",
    "Paul;Morin;paul@example.org;;79999;SGM;titulaire;1",
    "Inès;Faure;ines@example.org;;79019;Cheffe;titulaire;1",
    "Hugo;Petit;hugo@example.org;;79019;SGM;;1",
    "Jean;Lenoir;jean@example.org;;79019;SGM;titulaire;1,5",
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(GOOD + BAD), min_size=1, max_size=6, unique=True), st.booleans())
def test_error_or_success_never_a_partial_write_MEM_1(
    tmp_path: Path, rows: list[str], partial: bool
) -> None:
    with rsgm_core.open("memory://") as app:
        app.census.import_(SAMPLE, ["79"])
        before = snapshot(app)
        report = app.members.import_members(sheet(tmp_path / "h.csv", *rows), partial=partial)
        names = {m.full_name for m in app.members.list_members()}
        good = {" ".join(r.split(";")[:2]) for r in rows if r in GOOD}
        if any(r in BAD for r in rows) and not partial:
            assert not report.written and snapshot(app) == before
        else:
            assert report.written and names == good


def test_update_mode_adds_expertises_and_says_so_MEM_2(deux_sevres: App, tmp_path: Path) -> None:
    header = HEADER + ";Expertises"
    first = sheet(
        tmp_path / "a.csv",
        "Claire;Martin;claire.martin@example.org;;79019;SGM;titulaire;1;État civil",
        header=header,
    )
    assert deux_sevres.members.import_members(first).written
    later = sheet(
        tmp_path / "b.csv",
        "Claire;Martin;claire.martin@example.org;;79019;SGM;titulaire;1;etat civil, urbanisme",
        header=header,
    )
    report = deux_sevres.members.import_members(later, update=True)
    assert report.written and report.rows[0].changes == ("expertise ajoutée : Urbanisme",)
    assert (report.updated, report.ended, report.positions) == (1, 0, 0)
    again = deux_sevres.members.import_members(later, update=True, dry_run=True)
    assert again.rows[0].action == "inchangé"


def test_the_garbage_collector_is_back_after_an_import_that_fails_or_succeeds_MEM_1(
    deux_sevres: App, tmp_path: Path
) -> None:
    import gc

    good = sheet(tmp_path / "a.csv", "Claire;Martin;;;79019;SGM;titulaire;1")
    deux_sevres.members.import_members(good)
    assert gc.isenabled()
    bad = tmp_path / "b.csv"
    bad.write_text("Agent;Grade\nx;y\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        deux_sevres.members.import_members(bad)
    assert gc.isenabled()


def test_an_observer_hears_of_each_imported_member_after_commit_MEM_1(tmp_path: Path) -> None:
    from rsgm_core import hookimpl

    seen: list[str] = []

    class Observer:
        @hookimpl
        def rsgm_on_member_added(self, member: object) -> None:
            seen.append(getattr(member, "last_name", "?"))

    path = sheet(
        tmp_path / "a.csv",
        "Claire;Martin;;;79019;SGM;titulaire;1",
        "Luc;Roux;;;79018;SGM;titulaire;1",
    )
    with rsgm_core.open("memory://", plugins=[Observer()]) as app:
        app.census.import_(SAMPLE, ["79"])
        app.members.import_members(path, dry_run=True)
        assert seen == []
        assert app.members.import_members(path).written
    assert seen == ["Martin", "Roux"]
