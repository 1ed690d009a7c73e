"""Élus (MEM-12): mandates imported with the member import's machinery, renewed by a municipal
election, mayors signing the charter as themselves (CHA-1), the steering committee of élus
(NET-3), the mayors informed at the invitation step and the feedback after an event (EVT-2), the
printable mail-merge; on every backend, as CDG 79, CDG 77 and the CIG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rsgm_core import App, Capacity, LetterKind, SessionPlan
from rsgm_core.errors import RsgmError
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import administrator, nothing_written, snapshot

AUBIGNY, PARTHENAY, SAUZE, MELLE = "79019", "79202", "79307", "79174"
MELLOIS = "200069755"  # CC Mellois en Poitou: Sauzé-entre-Bois and Melle are in it
DAY = dt.date(2025, 6, 19)
HEADER = (
    "Civilité;Prénom;Nom;Mandat;Code INSEE;EPCI;Début de mandat;Courriel;Adresse;Code postal;Ville"
)
ROWS = [
    "Madame;Martine;Bonnet;Maire;79019;;23/05/2020;maire@aubigny79.fr;1 place de la Mairie;79390;Aubigny",
    "M.;Paul;Girard;1er adjoint;79019;;23/05/2020;;;;",
    "Monsieur;Jean;Roux;Maire;Sauzé-entre-Bois;;23/05/2020;;2 rue du Puits;79190;Sauzé-entre-Bois",
    "Madame;Sylvie;Morin;Présidente de l'EPCI;;200069755;15/07/2020;presidence@mellois.fr;;;",
    "Monsieur;Luc;Faure;Administrateur du CDG;;;01/10/2020;luc.faure@example.org;;;",
]


def sheet(tmp_path: Path, rows: list[str], name: str = "elus.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def elus(app: App, tmp_path: Path) -> App:
    app.census.import_(SAMPLE, ["79"])
    report = app.elus.import_elus(sheet(tmp_path, ROWS), by=administrator(app), dry_run=False)
    assert report.ok and report.written, report
    return app


def test_an_import_is_a_dry_run_by_default_then_written_MEM_12(app: App, tmp_path: Path) -> None:
    app.census.import_(SAMPLE, ["79"])
    by = administrator(app)
    before = snapshot(app)
    report = app.elus.import_elus(sheet(tmp_path, ROWS), by=by)
    assert report.ok and report.dry_run and not report.written and report.members == 5
    assert snapshot(app) == before
    app.elus.import_elus(sheet(tmp_path, ROWS), by=by, dry_run=False)
    mayors = app.elus.list_elus(role="maire")
    assert [(e.full_name, e.commune) for e in mayors] == [
        ("Martine Bonnet", AUBIGNY), ("Jean Roux", SAUZE),
    ]  # fmt: skip
    bonnet = app.elus.get_elu("Martine Bonnet")
    assert bonnet.title == "maire" and bonnet.address_lines == (
        "1 place de la Mairie",
        "79390 Aubigny",
    )
    assert app.elus.get_elu("presidence@mellois.fr").title == "présidente d'EPCI"
    assert app.elus.get_elu("Paul Girard").title == "adjoint"


def test_every_problem_of_every_row_in_one_pass_nothing_written_MEM_12(
    app: App, tmp_path: Path
) -> None:
    app.census.import_(SAMPLE, ["79"])
    bad = [
        "Madame;Ana;Lopez;Maire;99999;;23/05/2020;;;;",  # no such commune
        "Madame;Eva;Blanc;Maire;79202;;23/05/2020;;;;",
        "Monsieur;Marc;Noir;Maire;Parthenay;;01/06/2021;;;;",  # a second mayor of Parthenay
        "Monsieur;Léo;Vert;Adjoint;79202;;23/05/2026;;;;",
        "Monsieur;Ugo;Gris;Shérif;79202;;23/05/2020;;;;",  # no such mandate
    ]
    path, by = sheet(tmp_path, bad), administrator(app)
    before = snapshot(app)
    report = app.elus.import_elus(path, by=by, dry_run=False)
    assert not report.written and snapshot(app) == before
    kinds = {(r.line, i.kind) for r in report.rows for i in r.issues}
    assert (2, "code INSEE inconnu") in kinds
    assert (4, "second maire") in kinds
    assert (6, "mandat inconnu") in kinds
    assert all(i.rule in ("MEM-12", "MEM-1") for r in report.rows for i in r.issues)
    message = next(i.message for r in report.rows for i in r.issues if i.kind == "second maire")
    assert "Marc Noir" in message and "Eva Blanc" in message


def test_bad_input_is_refused_naming_the_value_and_nothing_is_written_MEM_12(elus: App) -> None:
    by = administrator(elus)
    error = nothing_written(
        elus, lambda: elus.elus.add("Ana", "Lopez", "maire", by=by, start=DAY, commune="99999"),
        "MEM-12",
    )  # fmt: skip
    assert "99999" in error.message
    error = nothing_written(
        elus,
        lambda: elus.elus.add(
            "Ana",
            "Lopez",
            "maire",
            by=by,
            commune=PARTHENAY,
            start=dt.date(2026, 3, 22),
            end=dt.date(2020, 1, 1),
        ),
        "MEM-12",
    )
    assert "01/01/2020" in error.message and "22/03/2026" in error.message
    error = nothing_written(
        elus, lambda: elus.elus.add("Ana", "Lopez", "maire", by=by, commune=AUBIGNY, start=DAY),
        "MEM-12",
    )  # fmt: skip
    assert "second maire" in error.message and "Martine Bonnet" in error.message


def test_the_mayor_signs_as_themself_and_the_signature_lapses_with_the_mandate_CHA_1(
    elus: App,
) -> None:
    by = administrator(elus)
    elus.charters.publish("Charte", "Texte", by=by, on=dt.date(2025, 1, 6))
    signed = elus.charters.sign(AUBIGNY, "maire@aubigny79.fr", Capacity.MAYOR)
    bonnet = elus.elus.get_elu("Martine Bonnet")
    assert signed.elu_id == bonnet.id and signed.signer == "Martine Bonnet"
    error = nothing_written(
        elus, lambda: elus.charters.sign(AUBIGNY, "Paul Girard", "maire"), "CHA-1"
    )
    assert "Martine Bonnet" in error.message
    elus.elus.end("Martine Bonnet", by=by, on=dt.date(2025, 4, 30))
    status = elus.charters.status(AUBIGNY, on=dt.date(2025, 5, 2))
    assert "mandat terminé le 30/04/2025" in status.lapsed[signed.id]
    assert elus.charters.status(AUBIGNY, on=dt.date(2025, 4, 30)).lapsed == {}


def test_the_steering_committee_is_made_of_elus_and_a_mandate_ending_leaves_its_seat_NET_3(
    elus: App,
) -> None:
    by = administrator(elus)
    seats = elus.elus.steering_seats(["Luc Faure", "Sylvie Morin", "Jean Roux"])
    assert [(s.kind.value, s.epci) for s in seats] == [
        ("elu_cdg", None), ("elu_epci", MELLOIS), ("elu_epci", MELLOIS),
    ]  # fmt: skip
    elus.network.set_committee("pilotage", seats, by=by)
    elus.elus.end("Sylvie Morin", by=by)
    with elus.deps.read() as uow:
        holders = [s.holder for s in uow.committees.list()[0].seats]
    assert elus.elus.get_elu("Sylvie Morin").id not in holders and len(holders) == 2
    with pytest.raises(RsgmError) as caught:
        elus.elus.steering_seats(["Sylvie Morin"], on=dt.date(2025, 3, 15))
    assert caught.value.rule == "NET-3" and "mandat terminé" in caught.value.message


def _event_with_sgm(app: App) -> tuple[str, str, str]:
    """An event; Claire, SGM of Aubigny, and Hugo, SGM of Parthenay (no mayor on record)."""
    claire = app.members.add(
        "Claire", "Martin", email="claire.martin@example.org", lifecycle="actif"
    )
    app.members.add_position(claire.id, AUBIGNY, "sgm")
    hugo = app.members.add("Hugo", "Petit", email="hugo.petit@example.org", lifecycle="actif")
    app.members.add_position(hugo.id, PARTHENAY, "sgm")
    planned = app.events.plan(
        "Atelier état civil", "atelier thématique", "présentiel",
        [SessionPlan(DAY, "Salle du conseil", capacity=30)], audience="membres",
    )  # fmt: skip
    return planned.event.id, planned.sessions[0].id, claire.id


def test_the_mayors_are_informed_at_the_invitation_step_and_the_invitation_says_so_only_then_EVT_2(
    elus: App,
) -> None:
    event_id, _, _ = _event_with_sgm(elus)
    done = elus.event_mail.invite(event_id)
    assert done.mayors_informed == ("Martine Bonnet (maire, Aubigny)",)
    informed = [m for m in elus.outbox.list_messages() if m.template == "elus_event_information"]
    assert [m.recipient for m in informed] == ["maire@aubigny79.fr"]
    assert (
        "Atelier état civil" in informed[0].body_text and "Madame la Maire" in informed[0].body_text
    )
    invitations = {m.recipient: " ".join(m.body_text.split())
                   for m in elus.outbox.list_messages() if m.template == "event_invitation"}  # fmt: skip
    said = "Le maire de votre commune est informé de cette rencontre."
    assert said in invitations["claire.martin@example.org"]
    assert said not in invitations["hugo.petit@example.org"]  # Parthenay: no mayor on record
    event = elus.events.get(event_id).event
    assert "information des maires" in event.done
    letters = elus.elus.list_letters(event_id=event_id)
    assert [x.kind for x in letters] == [LetterKind.EVENT_INFORMATION]


def test_without_elus_nobody_is_said_informed_and_the_tick_stays_undone_EVT_2(app: App) -> None:
    app.census.import_(SAMPLE, ["79"])
    event_id, _, _ = _event_with_sgm(app)
    app.event_mail.invite(event_id)
    for message in app.outbox.list_messages():
        assert "maire" not in message.body_text.lower(), message.body_text
    assert "information des maires" not in app.events.get(event_id).event.done


def test_a_mayor_without_an_address_gets_a_printed_letter_and_the_tick_follows_EVT_2(
    elus: App,
) -> None:
    by = administrator(elus)
    roux = elus.members.add("Rémi", "Leroy", email="remi.leroy@example.org", lifecycle="actif")
    elus.members.add_position(roux.id, SAUZE, "sgm")
    event_id, _, _ = _event_with_sgm(elus)
    done = elus.event_mail.invite(event_id)
    assert done.mayors_to_print == ("Jean Roux (maire, Sauzé-entre-Bois)",)
    assert "information des maires" not in elus.events.get(event_id).event.done
    merge = elus.elus.print_letters("information des maires", by=by, event_id=event_id)
    assert merge.pages == 1 and merge.recipients == ("Jean Roux (maire, Sauzé-entre-Bois)",)
    page = merge.content.decode("utf-8")
    assert (
        "Monsieur le Maire" in page
        and "2 rue du Puits" in page
        and "79190 Sauzé-entre-Bois" in page
    )
    assert elus.settings.cdg is not None and elus.settings.cdg.name in page
    assert "information des maires" in elus.events.get(event_id).event.done


def test_the_feedback_to_elus_carries_the_event_figures_EVT_2(elus: App, rsgm_clock: Clock) -> None:
    by = administrator(elus)
    event_id, session_id, claire = _event_with_sgm(elus)
    elus.event_mail.invite(event_id)
    elus.registrations.register(session_id, claire)
    rsgm_clock.set(dt.datetime(2025, 6, 20, 10, 0, tzinfo=elus.settings.zone))
    elus.registrations.attend(session_id, [claire])
    done = elus.elus.send_letters("retour aux élus", by=by, event_id=event_id)
    assert done.sent == ("Martine Bonnet (maire, Aubigny)",)
    [feedback] = [m for m in elus.outbox.list_messages() if m.template == "elus_event_feedback"]
    text = " ".join(feedback.body_text.split())
    assert "1 personne inscrite" in text and "1 participant présent" in text
    assert "1 commune représentée" in text
    assert "retour aux élus" in elus.events.get(event_id).event.done
    again = elus.elus.send_letters("retour aux élus", by=by, event_id=event_id)
    assert again.sent == () and again.already == 1


def test_launch_letters_by_mail_and_a_pdf_mail_merge_one_page_per_mayor_MEM_12(elus: App) -> None:
    by = administrator(elus)
    done = elus.elus.send_letters("lancement", by=by)
    assert done.sent == ("Martine Bonnet (maire, Aubigny)",)
    assert done.to_print == ("Jean Roux (maire, Sauzé-entre-Bois)",)
    epci = elus.elus.send_letters("présidents d'EPCI", by=by)
    assert epci.sent == ("Sylvie Morin (présidente d'EPCI, CC Mellois en Poitou)",)
    pytest.importorskip("weasyprint")
    merge = elus.elus.print_letters("lancement", by=by, pdf=True, everyone=True)
    assert merge.content.startswith(b"%PDF") and merge.pages == 2
    weasyprint = pytest.importorskip("weasyprint")
    page = elus.elus.print_letters("lancement", by=by, everyone=True).content.decode("utf-8")
    assert len(weasyprint.HTML(string=page).render().pages) == 2  # one page per mayor


def _each_cdg(app: App, dep: str, code: str) -> None:
    from tests.conftest import NEW_VINTAGE

    app.census.import_(NEW_VINTAGE, [dep])
    by = administrator(app)
    elu = app.elus.add("Anne", "Durand", "maire", by=by, start=dt.date(2020, 5, 23),
                       commune=code, civility="Madame", email="maire@example.org")  # fmt: skip
    assert app.elus.list_elus() == [elu]
    assert app.elus.send_letters("lancement", by=by).sent[0].startswith("Anne Durand (maire, ")
    nothing_written(app, lambda: app.elus.add("Léa", "Roy", "maire", by=by, commune=code,
                                              start=dt.date(2024, 1, 1)), "MEM-12")  # fmt: skip


def test_cdg_77_records_its_elus_MEM_12(cdg77: App, census_data: Path) -> None:
    _each_cdg(cdg77, "77", "77527")


def test_the_cig_records_its_elus_MEM_12(cig: App, census_data: Path) -> None:
    _each_cdg(cig, "91", "91001")


def test_update_mode_refreshes_a_mandate_on_record_MEM_12(elus: App, tmp_path: Path) -> None:
    by = administrator(elus)
    row = "Madame;Martine;Bonnet;Maire;79019;;23/05/2020;martine.bonnet@aubigny79.fr;;;"
    again = elus.elus.import_elus(sheet(tmp_path, [row], "again.csv"), by=by, dry_run=False)
    assert not again.written and "--mise-a-jour" in again.rows[0].problems[0]
    done = elus.elus.import_elus(sheet(tmp_path, [row], "again.csv"), by=by, update=True,
                                 dry_run=False)  # fmt: skip
    assert done.written and done.updated == 1 and done.members == 0
    assert done.rows[0].changes == ("courriel : martine.bonnet@aubigny79.fr",)
    assert elus.elus.get_elu("Martine Bonnet").email == "martine.bonnet@aubigny79.fr"
