"""EVT-12 on every backend: a network older than its records enters its creation date, its past
members, events with attendance and surveys as history; past dates of receipt and signature;
past years computed from the members as they were; the platform's own member list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App, HistoryKind, Period
from rsgm_core.plugins.sql import migrations
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import CDG79, administrator, nothing_written

MEMBERS = """Prénom;Nom;Courriel;Commune;Fonction;Quotité;Statut;Date d'arrivée;Date de départ;Motif
Ana;Roy;ana.roy@example.fr;79001;Secrétaire générale de mairie;1;titulaire;01/06/2023;30/06/2024;mutation
Luc;Morin;luc.morin@example.fr;Adilly;sgm;50 %;contractuelle;01/09/2023;;
"""
EVENTS = """Date;Intitulé;Type;Format;Lieu;Invités;Présents
14/09/2023;Lancement du réseau;journée réseau;présentiel;Niort;10;ana.roy@example.fr, luc.morin@example.fr
01/03/2024;Matinale budget;matinale;visio;;8;luc.morin@example.fr
"""
SURVEYS = """Date d'envoi;Titre;Type;Destinataires;Réponses;Événement;Note 5;Note 4;Note 2
20/09/2023;Satisfaction lancement;satisfaction;10;5;Lancement du réseau;2;1;1
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="cp1252")
    return path


@pytest.fixture
def past(app: App, tmp_path: Path) -> dict[str, str]:
    app.census.import_(SAMPLE, ["79"])
    admin = administrator(app)
    network = app.network.create_departmental_network("Réseau des SGM", by=admin)
    app.network.set_creation_date(network.id, on=dt.date(2023, 6, 15), by=admin)
    app.history.import_file(write(tmp_path, "membres.csv", MEMBERS), by=admin)
    app.history.import_file(write(tmp_path, "evenements.csv", EVENTS), by=admin)
    app.history.import_file(write(tmp_path, "enquetes.csv", SURVEYS), by=admin)
    today = app.members.add("Zoé", "Neuve", email="zoe.neuve@example.fr")  # joined today
    app.members.add_position(today.id, "79003", "sgm")
    return {"admin": admin, "network": network.id, "folder": str(tmp_path)}


def figures(app: App, year: int) -> dict[str, object]:
    return {i.key: i.value for i in app.indicators.compute(period=Period.year(year))}


def test_a_past_year_is_computed_from_the_members_as_they_were_EVT_12(
    app: App, past: dict[str, str]
) -> None:
    y2023, y2024 = figures(app, 2023), figures(app, 2024)
    assert y2023["membres_actifs"] == 2  # Ana and Luc; not Zoé, who joined in 2025
    assert y2023["evenements"] == 1 and y2023["taux_participation"] == Decimal(2) / 10
    assert y2023["taux_satisfaction"] == Decimal(3) / 4  # 5 answers, 4 scored, 3 of 4 or 5
    assert y2023["taux_reponse_enquetes"] == Decimal(5) / 10
    assert y2023["arrivees"] == 2 and y2023["departs"] == 0
    assert y2024["membres_actifs"] == 1 and y2024["departs"] == 1  # Ana left in June 2024
    assert y2024["taux_participation"] == Decimal(1) / 8
    # Luc and Zoé; the administrator, a CDG agent without a commune, is no active member (IND-2,
    # docs/indicators.md#active-member), as in the national export
    assert figures(app, 2025)["membres_actifs"] == 2


def test_the_annual_report_of_a_past_year_EVT_12(app: App, past: dict[str, str]) -> None:
    report = app.indicators.annual_report(year=2023)
    assert report.created_on == dt.date(2023, 6, 15)
    assert [e.title for e in report.events] == ["Lancement du réseau"]
    text = rsgm_core.render_markdown(report)
    assert "Réseau créé le 15 juin 2023" in text


def test_history_is_flagged_and_outside_the_planning_rules_EVT_12(
    app: App, past: dict[str, str]
) -> None:
    kinds = [e.kind for e in app.history.list_entries()]
    assert kinds.count(HistoryKind.MEMBERS) == 2 and kinds.count(HistoryKind.EVENTS) == 2
    assert kinds.count(HistoryKind.SURVEYS) == 1
    assert {e.source for e in app.history.list_entries(kind="evenements")} == {"evenements.csv"}
    assert app.events.todo() == []  # past events are not tasks to do
    ana = app.members.get_by_email("ana.roy@example.fr")
    assert ana.lifecycle.value == "parti" and ana.departed_on == dt.date(2024, 6, 30)


def test_a_history_import_with_an_event_after_today_writes_nothing_EVT_12(
    app: App, past: dict[str, str]
) -> None:
    path = write(Path(past["folder"]), "futur.csv", EVENTS.replace("01/03/2024", "20/03/2025")
                 .replace("14/09/2023;Lancement", "14/09/2023;Autre lancement")
                 .replace("ana.roy@", "inconnue@"))  # fmt: skip
    error = nothing_written(app, lambda: app.history.import_file(path, by=past["admin"]), "EVT-12")
    text = str(error)
    assert "2 problèmes, rien n'a été enregistré" in text
    assert "ligne 2, colonne « Présents » : 'inconnue@example.fr' : aucun membre" in text
    assert "ligne 3, colonne « Date » : '20/03/2025' : événement après aujourd'hui" in text


def test_a_dry_run_reports_and_writes_nothing_and_a_second_import_is_refused_EVT_12(
    app: App, past: dict[str, str]
) -> None:
    folder = Path(past["folder"])
    again = write(folder, "encore.csv", EVENTS)
    error = nothing_written(app, lambda: app.history.import_file(again, by=past["admin"]), "EVT-12")
    assert "événement déjà enregistré le 14/09/2023" in str(error)
    early = write(folder, "tot.csv", EVENTS.replace("14/09/2023", "10/01/2023")
                  .replace("01/03/2024;Matinale budget", "02/03/2024;Matinale RH"))  # fmt: skip
    error = nothing_written(app, lambda: app.history.import_file(early, by=past["admin"]), "EVT-12")
    assert "antérieur à la création du réseau (15/06/2023)" in str(error)
    fine = write(folder, "ok.csv", EVENTS.replace("2023;Lancement", "2023;Atelier")
                 .replace("2024;Matinale", "2024;Webinaire"))  # fmt: skip
    before = len(app.events.list_events())
    result = app.history.import_file(fine, by=past["admin"], dry_run=True)
    assert result.dry_run and result.events == 2 and result.attendances == 3
    assert result.lines[0] == (
        "ligne 2 : journée réseau « Atelier du réseau » du 14/09/2023, 2 présents sur 10 invités"
    )
    assert len(app.events.list_events()) == before


def test_the_creation_date_is_settable_past_and_never_after_the_first_event_EVT_12(
    app: App, past: dict[str, str]
) -> None:
    admin, network = past["admin"], past["network"]
    error = nothing_written(
        app, lambda: app.network.set_creation_date(network, on=dt.date(2023, 10, 1), by=admin),
        "EVT-12",
    )  # fmt: skip
    assert "premier événement enregistré (14/09/2023)" in str(error)
    error = nothing_written(
        app, lambda: app.network.set_creation_date(network, on=dt.date(2025, 3, 15), by=admin),
        "EVT-12",
    )  # fmt: skip
    assert "date de création du réseau dans le futur : 15/03/2025" in str(error)
    done = app.network.set_creation_date(network, on=dt.date(2023, 1, 2), by=admin)
    assert done.created_on == dt.date(2023, 1, 2)


def test_a_new_network_takes_its_real_creation_date_EVT_12(app: App) -> None:
    app.census.import_(SAMPLE, ["79"])
    admin = administrator(app)
    network = app.network.create_departmental_network("Réseau", by=admin, on=dt.date(2023, 6, 15))
    assert network.created_on == dt.date(2023, 6, 15)


def test_dates_of_receipt_and_signature_after_the_fact_never_future_EVT_12(app: App) -> None:
    app.census.import_(SAMPLE, ["79"])
    administrator(app)
    member = app.members.add("Ana", "Roy", email="ana.roy@example.fr")
    app.members.add_position(member.id, "79001", "sgm", start=dt.date(2024, 1, 1))
    tomorrow, last_month = dt.date(2025, 3, 15), dt.date(2025, 2, 10)

    request = app.advice.log("79001", "Ana Roy", "téléphone", "Voirie", "Q ?", on=last_month)
    assert request.received_at.date() == last_month and request.received_at.hour == 9
    error = nothing_written(
        app, lambda: app.advice.log("79001", "Ana Roy", "téléphone", "Voirie", "Q ?", on=tomorrow),
        "EVT-12",
    )  # fmt: skip
    assert "date de réception dans le futur : 15/03/2025" in str(error)

    app.charters.publish("Charte", "Texte", by=administrator(app), on=dt.date(2025, 1, 2))
    signature = app.charters.sign("79001", "Jean Maire", "maire", on=last_month)
    assert signature.signed_on == last_month
    error = nothing_written(
        app, lambda: app.charters.sign("79001", "Jean Maire", "maire", on=tomorrow), "EVT-12"
    )
    assert "date de signature dans le futur" in str(error)

    consent = app.directory.give_consent(member.id, "annuaire", on=last_month)
    assert consent.given_on == last_month
    nothing_written(
        app, lambda: app.directory.give_consent(member.id, "photo", on=tomorrow), "EVT-12"
    )
    nothing_written(
        app, lambda: app.members.depart(member.id, reason="mutation", on=tomorrow), "EVT-12"
    )
    gone = app.members.depart(member.id, reason="mutation", on=last_month)
    assert gone.departed_on == last_month


PLATFORM = """Adresse e-mail,Prénom,Nom,Organisation,Espaces,Rôles
ana.roy@example.fr,Ana,Roy,Mairie de L'Absie,Espace départemental des SGM,contributeur
inconnu@example.fr,Paul,Inconnu,Mairie,Espace départemental des SGM,membre
"""


def test_the_platform_member_list_is_what_the_platform_already_has_EVT_12_CHA_2(
    app: App, tmp_path: Path
) -> None:
    app.census.import_(SAMPLE, ["79"])
    admin = administrator(app)
    ana = app.members.add("Ana", "Roy", email="ana.roy@example.fr")
    app.members.add_position(ana.id, "79019", "sgm")
    space = app.access.create_departmental_space("Espace départemental des SGM", by=admin)
    app.charters.publish("Charte", "Texte", by=admin, on=dt.date(2025, 1, 6))
    app.charters.sign("79019", "Jean Dupont", "maire")
    app.charters.sign("79019", "Ana Roy", "sgm")
    app.access.grant(ana.id, space.id, "contributeur", by=admin)
    path = tmp_path / "membres-interstis.csv"
    path.write_text(PLATFORM, encoding="utf-8")

    trial = app.history.import_platform_accounts(path, by=admin, dry_run=True)
    assert trial.dry_run and trial.export_id is None and not app.platform.list_exports()
    done = app.history.import_platform_accounts(path, by=admin)
    assert done.matched == ("ana.roy@example.fr",) and done.memberships == 1
    assert [(u.line, u.email) for u in done.unmatched] == [(3, "inconnu@example.fr")]
    assert done.export_id == "interstis-000001"
    # the next delta starts from what the platform has: Ana is not created again
    delta = app.platform.export_accounts("interstis", by=admin, since_last=True)
    assert "ana.roy@example.fr" not in {u.email for u in delta.state.users}
    assert "ana.roy@example.fr" not in {m.email for m in delta.state.memberships}


def test_migration_22_dates_the_moves_of_the_members_already_stored_EVT_12(
    sqlite_url: str, rsgm_clock: Clock
) -> None:
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        migrations.upgrade(conn, target=20)
        insert = sa.text(
            "INSERT INTO members (id, first_name, last_name, lifecycle, arrival, departed_on, "
            "departure_reason, helper, platform_access, invitations_opt_out) "
            "VALUES (:id, 'A', 'B', :state, :arrival, :gone, :why, false, false, false)"
        )
        conn.execute(insert, {"id": "gone", "state": "parti", "arrival": "2023-06-01",
                              "gone": "2024-06-30", "why": "mutation"})  # fmt: skip
        conn.execute(insert, {"id": "here", "state": "actif", "arrival": "2023-09-01",
                              "gone": None, "why": None})  # fmt: skip
        conn.execute(insert, {"id": "undated", "state": "actif", "arrival": None,
                              "gone": None, "why": None})  # fmt: skip
    engine.dispose()
    with (
        rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=CDG79) as app,
        app.storage.unit_of_work(read_only=True) as uow,
    ):
        moves = sorted((t.member_id, t.lifecycle.value, t.reached_on)
                       for t in uow.lifecycle_transitions.list())  # fmt: skip
    assert moves == [
        ("gone", "actif", dt.date(2023, 6, 1)), ("gone", "parti", dt.date(2024, 6, 30)),
        ("here", "actif", dt.date(2023, 9, 1)),
    ]  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(-900, 30), st.booleans()), min_size=1, max_size=6))
def test_a_history_import_is_all_or_nothing_EVT_12(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[int, bool]]
) -> None:
    clock = Clock(dt.datetime(2025, 3, 14, 10, 30))
    today = dt.date(2025, 3, 14)
    with rsgm_core.open("memory://", clock=clock, settings=CDG79) as app:
        admin = administrator(app)
        app.members.add("Ana", "Roy", email="ana.roy@example.fr")
        lines = [
            f"{today + dt.timedelta(days=offset):%d/%m/%Y};Réunion {i};matinale;présentiel;;5;"
            + ("ana.roy@example.fr" if known else "personne@example.fr")
            for i, (offset, known) in enumerate(rows)
        ]
        path = tmp_path_factory.mktemp("h") / "evenements.csv"
        path.write_text("Date;Titre;Type;Format;Lieu;Invités;Présents\n" + "\n".join(lines))
        good = all(offset <= 0 and known for offset, known in rows)
        if good:
            assert app.history.import_file(path, by=admin).events == len(rows)
            assert len(app.events.list_events()) == len(rows)
        else:
            error = nothing_written(app, lambda: app.history.import_file(path, by=admin), "EVT-12")
            wrong = sum((offset > 0) + (not known) for offset, known in rows)
            assert f"{wrong} problème" in str(error)


def test_the_report_never_says_the_network_was_created_after_its_events_EVT_12(
    app: App, tmp_path: Path
) -> None:
    app.census.import_(SAMPLE, ["79"])
    admin = administrator(app)
    app.history.import_file(write(tmp_path, "membres.csv", MEMBERS), by=admin)
    app.history.import_file(write(tmp_path, "evenements.csv", EVENTS), by=admin)
    network = app.network.create_departmental_network("Réseau des SGM", by=admin)  # today
    assert network.created_on == dt.date(2025, 3, 14)
    report = app.indicators.annual_report(year=2023)
    assert report.created_on == dt.date(2023, 9, 14)  # its first recorded event
    error = nothing_written(
        app,
        lambda: app.network.set_creation_date(network.id, on=dt.date(2024, 1, 1), by=admin),
        "EVT-12",
    )
    assert "14/09/2023" in str(error)
