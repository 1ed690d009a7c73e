"""NET-8 and MEM-10 on the real backends, as CDG 79, CDG 77 and the CIG Grande Couronne: budget lines
adding up to each event's cost, venues chosen within their seats, speakers deriving a partner's
years of intervention, animators' time with the advice requests' minutes, the annual report's
means; every bad input refused in French, naming the value and the rule, nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from rsgm_core import App, PermissionDeniedError, SessionPlan
from rsgm_core.domain.means import BudgetNature, SpeakerKind
from rsgm_core.render.report import render_markdown
from tests.conftest import SAMPLE
from tests.helpers import administrator, nothing_written

DAY = dt.date(2025, 6, 12)


def _plan(app: App, title: str = "Journée réseau", capacity: int | None = 40) -> tuple[str, str]:
    planned = app.events.plan(
        title, "journée réseau", "présentiel", [SessionPlan(DAY, "Mairie", capacity=capacity)]
    )
    return planned.event.id, planned.sessions[0].id


def _scenario(app: App) -> dict[str, str]:
    """A year's means: an event with two lines, a venue, three kinds of speakers, time logged."""
    anne = administrator(app)
    event, session = _plan(app)
    means = app.means
    means.add_budget_line("salle", "Location de la salle", "150,50", year=2025, by=anne,
                          event_id=event)  # fmt: skip
    means.add_budget_line(BudgetNature.CATERING, "Accueil café", 80, year=2025, by=anne,
                          event_id=event, actual=Decimal("92.40"))  # fmt: skip
    means.add_budget_line("licences", "Plateforme de visioconférence", "600", year=2025, by=anne)
    room = means.add_venue(
        "Salle des fêtes", "1 place de la Mairie", 60, by=anne,
        equipment=["vidéoprojecteur", "sonorisation"], accessibility="accessible PMR",
        opener="M. Roux, 06 12 34 56 78",
    )  # fmt: skip
    means.choose_venue(session, room.id, by=anne)
    ddfip = app.partners.add("Mme Laurent", "DDFiP", "administration", years=[2023])
    careers = app.partners.add("Service carrières", "CDG", "service_interne_cdg")
    zoe = app.members.add("Zoé", "Bernard", email="zoe.bernard@example.org", welcome=False).id
    means.add_speaker(session, ddfip.id, by=anne, topic="Clôture budgétaire")
    means.add_speaker(session, "Service carrières", by=anne)
    means.add_speaker(session, "zoe.bernard@example.org", by=anne)
    means.log_time(anne, 150, "preparation", by=anne, on=dt.date(2025, 5, 20))
    means.log_time(anne, 240, "animation", by=anne, on=DAY)
    return {"anne": anne, "event": event, "session": session, "room": room.id,
            "ddfip": ddfip.id, "careers": careers.id, "zoe": zoe}  # fmt: skip


def _check_scenario(app: App) -> None:
    ids = _scenario(app)
    # NET-8: an event's cost is the sum of its lines (spent, else planned), in the tracking table
    cost = app.means.event_cost(ids["event"])
    assert (cost.planned, cost.actual, cost.cost, cost.lines) == (
        Decimal("230.50"), Decimal("92.40"), Decimal("242.90"), 2,
    )  # fmt: skip
    assert app.events.get(ids["event"]).event.cost == Decimal("242.90")
    (row,) = app.events.list_tracking_rows(year=2025)
    assert row.cost == Decimal("242.90") and row.places == ("Salle des fêtes",)
    budget = app.means.budget(year=2025)
    assert (budget.planned, budget.actual) == (Decimal("830.50"), Decimal("92.40"))
    # MEM-10: the declared years still count, the sessions' years are derived
    years = app.partners.intervention_years(ids["ddfip"])
    assert (years.declared, years.from_sessions, years.years) == ((2023,), (2025,), (2023, 2025))
    assert app.partners.get(ids["ddfip"]).years == (2023,)
    kinds = {s.kind for s in app.means.list_speakers(session_id=ids["session"])}
    assert kinds == {SpeakerKind.PARTNER, SpeakerKind.CDG_SERVICE, SpeakerKind.MEMBER}
    # IND-2: the annual report's means, with real figures
    text = render_markdown(app.indicators.annual_report(year=2025))
    assert "### Moyens : budget" in text and "830,50\u00a0€" in text
    assert "Coût de « Journée réseau » du 12/06/2025 : 242,90\u00a0€" in text
    assert "| Salle des fêtes | 1 place de la Mairie | M. Roux, 06 12 34 56 78 | 60 | 1 |" in text
    assert "1 intervention d'un service du CDG" in text
    assert "| Total | 6,5 h |" in text


def test_means_add_up_and_show_in_the_report_cdg79_NET_8_MEM_10(app: App) -> None:
    _check_scenario(app)


def test_means_add_up_and_show_in_the_report_cdg77_NET_8_MEM_10(cdg77: App) -> None:
    _check_scenario(cdg77)


def test_means_add_up_and_show_in_the_report_cig_NET_8_MEM_10(cig: App) -> None:
    _check_scenario(cig)


@pytest.mark.parametrize(
    ("planned", "shown"),
    [("-10", "'-10'"), ("beaucoup", "'beaucoup'"), ("12,345", "'12,345'"), (Decimal("-0.01"), "")],
)
def test_a_negative_or_non_numeric_amount_is_refused_NET_8(
    app: App, planned: object, shown: str
) -> None:
    anne = administrator(app)
    error = nothing_written(
        app,
        lambda: app.means.add_budget_line("salle", "Salle", planned, year=2025, by=anne),
        "NET-8",
    )
    assert "montant prévu invalide" in error.message and shown in error.message


def test_an_unknown_nature_is_refused_naming_the_natures_NET_8(cdg77: App) -> None:
    anne = administrator(cdg77)
    error = nothing_written(
        cdg77,
        lambda: cdg77.means.add_budget_line("cadeaux", "Fleurs", 30, year=2025, by=anne),
        "NET-8",
    )
    assert "nature de dépense inconnue : 'cadeaux'" in error.message
    assert "salle, restauration, intervenants, licences, deplacements, autre" in error.message


def test_an_actual_amount_refused_leaves_the_line_and_the_event_NET_8(cig: App) -> None:
    anne = administrator(cig)
    event, _ = _plan(cig)
    line = cig.means.add_budget_line("salle", "Salle", 100, year=2025, by=anne, event_id=event)
    nothing_written(cig, lambda: cig.means.record_actual(line.id, "-5", by=anne), "NET-8")
    cig.means.record_actual(line.id, "95,00", by=anne)
    assert cig.events.get(event).event.cost == Decimal("95.00")
    cig.means.remove_budget_line(line.id, by=anne)
    assert cig.events.get(event).event.cost == Decimal("0.00")


def test_a_session_in_a_venue_smaller_than_its_capacity_is_refused_NET_8(app: App) -> None:
    anne = administrator(app)
    _, session = _plan(app, capacity=80)
    small = app.means.add_venue("Salle du conseil", "Mairie", 30, by=anne)
    error = nothing_written(
        app, lambda: app.means.choose_venue(session, "salle du conseil", by=anne), "NET-8"
    )
    assert error.message.startswith("la séance de Mairie prévoit 80 places, mais le lieu « Salle")
    assert "n'en a que 30" in error.message
    assert app.means.venue_of(session) is None and small.capacity == 30


def test_a_session_without_capacity_is_checked_on_its_registrations_NET_8(cdg77: App) -> None:
    anne = administrator(cdg77)
    _, session = _plan(cdg77, capacity=None)
    for n in range(3):
        person = cdg77.members.add("Agent", f"N{n}", email=f"agent{n}@example.org", welcome=False)
        cdg77.registrations.register(session, person.id)
    tiny = cdg77.means.add_venue("Bureau", "CDG", 2, by=anne)
    error = nothing_written(cdg77, lambda: cdg77.means.choose_venue(session, tiny.id, by=anne),
                            "NET-8")  # fmt: skip
    assert "compte déjà 3 inscrits" in error.message
    roomy = cdg77.means.add_venue("Grande salle", "CDG", 3, by=anne)
    cdg77.means.choose_venue(session, roomy.id, by=anne)
    assert cdg77.means.venue_of(session) == roomy


def test_a_speaker_neither_member_partner_nor_cdg_service_is_refused_NET_8(cig: App) -> None:
    anne = administrator(cig)
    _, session = _plan(cig)
    error = nothing_written(
        cig, lambda: cig.means.add_speaker(session, "Jean Inconnu", by=anne), "NET-8"
    )
    assert "« Jean Inconnu » n'est ni un membre du réseau, ni un partenaire" in error.message
    partner = cig.partners.add("Préfecture", "Préfecture de l'Essonne", "administration")
    cig.means.add_speaker(session, partner.id, by=anne)
    nothing_written(cig, lambda: cig.means.add_speaker(session, partner.id, by=anne), "NET-8")


def test_a_member_may_not_keep_the_means_CHA_2_NET_8(app: App) -> None:
    administrator(app)
    paul = app.members.add("Paul", "Roy", email="paul.roy@example.org", welcome=False).id
    with pytest.raises(PermissionDeniedError) as caught:
        app.means.add_budget_line("salle", "Salle", 10, year=2025, by=paul)
    assert caught.value.rule == "NET-8" and "tenir les moyens du réseau" in caught.value.message
    assert app.means.list_budget_lines(year=2025) == []


def test_animators_time_includes_the_advice_minutes_NET_8_CNS_1(app: App) -> None:
    anne = administrator(app)
    app.census.import_(SAMPLE, ["79"])
    request = app.advice.log("79019", "Claire Martin", "téléphone", "RH et paie", "Quel taux ?")
    app.advice.answer(request.id, "Le taux de 2025.", minutes_spent=45)
    app.means.log_time(anne, 90, "communication", by=anne, on=dt.date(2025, 2, 3))
    app.means.log_time(anne, 30, "communication", by=anne, on=dt.date(2024, 12, 31))
    time = app.means.summary(year=2025).time
    assert time.by_activity == (
        ("communication et lettres d'information", 90),
        ("conseil aux communes (demandes de conseil)", 45),
    )
    assert time.minutes == 135 and time.advice_minutes == 45
    assert [(a.name, a.minutes) for a in time.by_animator] == [("Administratrice Tests", 90)]
    error = nothing_written(app, lambda: app.means.log_time(anne, 0, "animation", by=anne), "NET-8")
    assert "temps d'animation invalide : 0 minutes" in error.message
    nothing_written(app, lambda: app.means.log_time(anne, 60, "sieste", by=anne), "NET-8")


def test_the_budget_exports_as_typed_csv_and_xlsx_NET_8(app: App) -> None:
    _scenario(app)
    data = app.means.export_budget(year=2025)
    assert isinstance(data, str)

    class FrenchCsv(csv.excel):
        delimiter = ";"

    rows = list(csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline=""), FrenchCsv))
    assert rows[0] == ["année", "nature", "libellé", "événement", "prévu (€)", "réalisé (€)",
                       "écart (€)"]  # fmt: skip
    assert ["2025", "restauration", "Accueil café", "Journée réseau", "80,00", "92,40",
            "12,40"] in rows  # fmt: skip
    assert ["2025", "salles", "Location de la salle", "Journée réseau", "150,50", "", ""] in rows
    pytest.importorskip("openpyxl")
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(app.means.export_budget(year=2025, format="xlsx")))  # type: ignore[arg-type]
    sheet = book.active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    cells = {row[2]: row for row in values}
    assert cells["Accueil café"][4] == Decimal("80.00") or cells["Accueil café"][4] == 80
    assert sheet["E2"].number_format == '#,##0.00\\ "€"'
