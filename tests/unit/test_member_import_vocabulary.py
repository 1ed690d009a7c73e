"""The words of real spreadsheets (MEM-1): headers, functions, statuses, commune names, and the
quick check of a person's address against the one judge of shared mailboxes (CHA-6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.commune_names import CommuneIndex, looks_like_code, name_key
from rsgm_core.domain.import_vocabulary import field_of, read_function, read_status
from rsgm_core.domain.member_import import (
    ImportProblem,
    ImportReport,
    RowResult,
    parse_fraction,
    read_header,
)
from rsgm_core.domain.members import Function, Status, validate_email
from rsgm_core.domain.territory import Commune, CommuneStatus
from rsgm_core.errors import RsgmError, ValidationError
from rsgm_core.services.import_rows import _surely_personal


@pytest.mark.parametrize(
    "header, field",
    [("Code INSEE", "commune"), ("Commune", "commune_name"), ("NOM D'USAGE", "last_name"),
     ("Prénom", "first_name"), ("Mél", "email"), ("Quotité (%)", "work_time"),
     ("Département", "departement"), ("Statut", "status"), ("Intitulé du poste", "function")],
)  # fmt: skip
def test_french_headers_are_recognised_MEM_1(header: str, field: str) -> None:
    assert field_of(header) == field


def test_a_field_named_by_its_english_or_french_name_MEM_1() -> None:
    assert field_of("commune", header=False) == "commune"  # the INSEE code, as mappings always did
    assert field_of("quotité", header=False) == "work_time"
    assert field_of("Observations") is None


def test_unknown_and_ignored_columns_are_said_MEM_1() -> None:
    read = read_header(["Nom", "Prénom", "Observations", "Matricule", "Nom"], ignore=["matricule"])
    assert read.unknown == ("Observations",) and read.ignored == ("Matricule",)
    assert read.doubled == ("Nom",) and read.columns == {0: "last_name", 1: "first_name"}


def test_a_header_row_without_names_is_refused_with_the_line_and_headers_MEM_1() -> None:
    with pytest.raises(ValidationError) as caught:
        read_header(["Agent", "Commune"], line=3)
    message = str(caught.value)
    assert message.startswith("ligne 3 : en-têtes non reconnus, colonne prénom absente")
    assert "« Agent », « Commune »" in message and message.endswith("[MEM-1]")


@pytest.mark.parametrize(
    "word, function, noted",
    [("Secrétaire générale de mairie", Function.SGM, False),
     ("SECRETAIRE GENERAL(E) DE MAIRIE", Function.SGM, False),
     ("sgm", Function.SGM, False),
     ("Directrice générale des services", Function.DGS, False),
     ("Secrétaire de mairie", Function.SECRETAIRE_DE_MAIRIE, False),
     ("Adjoint administratif", Function.SECRETAIRE_DE_MAIRIE, True),
     ("Adjointe administrative principale", Function.SECRETAIRE_DE_MAIRIE, True),
     ("adjoint(e) administratif(ve)", Function.SECRETAIRE_DE_MAIRIE, True),
     ("Rédactrice", Function.SECRETAIRE_DE_MAIRIE, True)],
)  # fmt: skip
def test_functions_with_feminine_forms_and_near_words_MEM_1(
    word: str, function: Function, noted: bool
) -> None:
    found = read_function(word)
    assert found is not None and found[0] is function
    assert (found[1] is not None) is noted
    assert read_function("Cheffe de cuisine") is None


@pytest.mark.parametrize(
    "word, status, noted",
    [("Contractuelle", Status.CONTRACTUEL, False), ("TITULAIRE", Status.TITULAIRE, False),
     ("Titulaires", Status.TITULAIRE, False), ("stagiaire", Status.STAGIAIRE, False),
     ("Non titulaire", Status.CONTRACTUEL, False), ("CDD", Status.CONTRACTUEL, True),
     ("CDI", Status.CONTRACTUEL, True), ("Vacataire", Status.CONTRACTUEL, True)],
)  # fmt: skip
def test_statuses_with_feminine_forms_and_near_words_MEM_1(
    word: str, status: Status, noted: bool
) -> None:
    found = read_status(word)
    assert found is not None and found[0] is status and (found[1] is not None) is noted
    assert read_status("intermittente") is None


@pytest.mark.parametrize(
    "cell, value", [("80", "0.8"), ("50 %", "0.5"), ("0,5", "0.5"), ("17,5/35", "0.5"),
                    ("28h/35h", "0.8"), ("1", "1")],
)  # fmt: skip
def test_work_times_as_sheets_write_them_MEM_1(cell: str, value: str) -> None:
    from decimal import Decimal

    assert parse_fraction(cell) == Decimal(value)


def _commune(code: str, name: str, departement: str, *, active: bool = True) -> Commune:
    status = CommuneStatus.ACTUELLE if active else CommuneStatus.DELEGUEE
    return Commune(
        code, name, departement, "11", status=status, successor=None if active else "77316"
    )


def test_commune_names_as_sheets_write_them_MEM_1() -> None:
    same = {name_key(n) for n in ("Saint-Germain-sur-Morin", "ST GERMAIN SUR MORIN",
                                  "St-Germain s/ Morin", "saint germain sur morin")}  # fmt: skip
    assert len(same) == 1
    assert name_key("Ferté-sous-Jouarre (La)") == name_key("La Ferté-sous-Jouarre")
    assert name_key("Germigny l'Eveque") == name_key("Germigny-l'Évêque")
    assert looks_like_code("77001") and looks_like_code("2A004") and not looks_like_code("Melun")


def test_homonyms_resolved_by_department_else_reported_with_candidates_MEM_1() -> None:
    communes = [_commune("77029", "Beauvoir", "77"), _commune("89033", "Beauvoir", "89"),
                _commune("60058", "Beauvoir", "60")]  # fmt: skip
    index = CommuneIndex(communes, ("77",))
    assert index.by_name_in("Beauvoir").commune == communes[0]  # the CDG's own
    assert index.by_name_in("BEAUVOIR", "89").commune == communes[1]  # the sheet's department
    ambiguous = CommuneIndex(communes, ("89", "60")).by_name_in("Beauvoir")
    assert ambiguous.commune is None and len(ambiguous.candidates) == 2
    assert ambiguous.problem == (
        "commune ambiguë : « Beauvoir » désigne plusieurs communes (Beauvoir, 89033, département "
        "89 ; Beauvoir, 60058, département 60) : donnez le code INSEE ou le département"
    )
    assert index.by_name_in("Nulle-Part").problem == "commune introuvable : « Nulle-Part »"


def test_a_current_commune_is_preferred_to_a_former_one_of_the_same_name_MEM_1() -> None:
    old, new = (
        _commune("77166", "Écuelles", "77", active=False),
        _commune("77999", "Écuelles", "77"),
    )
    assert CommuneIndex([old, new]).by_name_in("Ecuelles").commune == new
    assert CommuneIndex([old]).by_name_in("Ecuelles").commune == old  # then TER-5 says it is gone


def test_problems_group_by_kind_with_the_allowed_values_once_MEM_1() -> None:
    unknown = ImportProblem(
        "fonction inconnue", "fonction inconnue : « X »", "X", allowed="sgm, dgs"
    )
    rows = (
        RowResult(2, "A B", None, ("fonction inconnue : « X »",), issues=(unknown,)),
        RowResult(3, "C D", None),
        RowResult(4, "E F", None, ("fonction inconnue : « X »",), issues=(unknown,)),
    )
    report = ImportReport("f.csv", rows, 0, 0, True, False)
    [group] = report.groups()
    assert (group.kind, group.allowed, group.lines, group.values) == (
        "fonction inconnue", "sgm, dgs", (2, 4), ("X", "X"))  # fmt: skip
    assert not report.ok and [r.line for r in report.problems] == [2, 4]


LOCALS = st.sampled_from(
    [
        "mairie",
        "accueil",
        "contact",
        "secretariat.mairie",
        "mairie.melun",
        "mairie-de-melun",
        "melun",
        "villedemelun",
        "communedemelun",
        "jean.dupont",
        "j.martin",
        "rh",
        "dgs",
        "etat-civil",
        "info+sgm",
        "claire.melun",
        "hoteldeville",
        "secretaire",
        "standard",
        "sec.mairie",
        "noreply",
        "camille.martin.3",
        "ville.melun",
        "mairie+sgm",
    ]
)


@given(LOCALS, st.sampled_from(["Melun", "Voinsles", "Saint-Pierre-lès-Nemours"]))
def test_the_quick_address_check_never_passes_a_shared_mailbox_CHA_6(local: str, town: str) -> None:
    import re

    from rsgm_core.domain.directory import fold

    squeezed = re.sub(r"[^a-z0-9]+", "", fold(town))
    try:
        validate_email(f"{local}@example.org", commune_names=[town])
        judged_personal = True
    except RsgmError:
        judged_personal = False
    if _surely_personal(local, (squeezed,)):
        assert judged_personal, local


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_the_quick_fold_is_fold_for_ascii_text_MEM_1(text: str) -> None:
    from rsgm_core.domain.directory import fold
    from rsgm_core.services.import_rows import _fold

    assert _fold(text) == fold(text)


def test_ids_made_in_bulk_are_random_uuid4s_MEM_1() -> None:
    import uuid

    from rsgm_core.services.member_import import new_ids

    ids = new_ids(500)
    assert len(set(ids)) == 500
    assert all(str(uuid.UUID(i)) == i and uuid.UUID(i).version == 4 for i in ids)
    assert all(uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)
    assert new_ids(0) == [] and len(new_ids(1)) == 1
