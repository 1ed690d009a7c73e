"""Calendar feeds (EVT-8), surveys (SUR-1, EVT-9), the newsletter cadence (EVT-10), the event
messages (NOT-2) and the documents (EVT-5..EVT-7) through ``app.events`` and ``app.surveys``, on
both backends."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

import icalendar
import pytest

import rsgm_core
from rsgm_core import App, NotFoundError, RuleViolation, SessionPlan, SurveyKind, ValidationError
from rsgm_core.domain.events import CERTIFICATE_TITLE
from rsgm_core.render.event_documents import (
    certificate_html,
    sign_in_csv,
    sign_in_html,
    tracking_csv,
    tracking_xlsx,
)
from rsgm_core.testing import Clock
from tests.conftest import PARIS, SAMPLE
from tests.helpers import CDG79, administrator

DAY = dt.date(2025, 6, 19)


@pytest.fixture
def app(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app on every backend as CDG 79 (its example profile: an identity for the
    certificates) with the Deux-Sèvres sample, on the movable ``rsgm_clock``."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


def held_event(app: App, clock: Clock, people: int = 4, present: int = 3) -> tuple[str, list[str]]:
    ids = [app.members.add(f"P{i}", f"Nom{i}", email=f"p{i}@example.org").id for i in range(people)]
    planned = app.events.plan(
        "Journée réseau", "journée réseau", "présentiel",
        [SessionPlan(DAY, "Salle des fêtes", start=dt.time(9, 30), end=dt.time(16, 30))],
        cost=Decimal(120), host_commune="79307",
    )  # fmt: skip
    app.event_mail.send_invitations(planned.event.id)
    for member_id in ids:
        app.registrations.register(planned.sessions[0].id, member_id)
    clock.set(DAY)
    app.registrations.attend(planned.sessions[0].id, ids[:present])
    return planned.event.id, ids


def occurrences(feed: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")}


def test_network_and_member_feeds_with_stable_uids_EVT_8(app: App) -> None:
    (a, b) = [app.members.add(n, "Test", email=f"{n}@example.org").id for n in ("alice", "bruno")]
    planned = app.events.plan(
        "Journée réseau", "journée réseau", "présentiel",
        [SessionPlan(DAY, "Niort", start=dt.time(9, 30), end=dt.time(16, 30)),
         SessionPlan(DAY + dt.timedelta(days=7), "Melle")],
    )  # fmt: skip
    series = app.events.add_series(
        "Matinale", "matinale", "distanciel", dt.datetime(2025, 4, 3, 9, 0, tzinfo=PARIS),
        "FREQ=MONTHLY;BYDAY=1TH;COUNT=6", minutes=90, force=True,
    )  # fmt: skip
    app.registrations.register(planned.sessions[0].id, a)
    feed = app.events.feed()
    found = occurrences(feed)
    assert feed == app.events.feed()  # stable: same UIDs, same stamp for the same clock
    uid = f"{planned.event.id}-{planned.sessions[0].id}@cdg79.rsgm.invalid"
    assert set(found) == {
        uid,
        f"{planned.event.id}-{planned.sessions[1].id}@cdg79.rsgm.invalid",
        f"serie-{series.id}@cdg79.rsgm.invalid",
    }
    start = found[uid].decoded("DTSTART")
    assert (
        start == dt.datetime(2025, 6, 19, 9, 30, tzinfo=PARIS)
        and str(start.tzinfo) == "Europe/Paris"
    )
    # every occurrence of the series, parsed back with dateutil from the feed's RRULE
    matinale = found[f"serie-{series.id}@cdg79.rsgm.invalid"]
    from dateutil import rrule

    rule = rrule.rrulestr(matinale["RRULE"].to_ical().decode(), dtstart=matinale.decoded("DTSTART"))
    assert list(rule) == series.recurrence.between(
        series.start, dt.datetime(2026, 1, 1, tzinfo=PARIS)
    )
    assert all(d.weekday() == 3 and d.day <= 7 and d.hour == 9 for d in rule)
    mine = occurrences(app.events.feed(member_id=a))
    assert set(mine) == {uid}  # EVT-8: a member's feed holds the sessions they registered for
    assert set(occurrences(app.events.feed(member_id=b))) == set()


def test_a_rule_that_is_not_rfc_5545_writes_nothing_EVT_8(app: App) -> None:
    with pytest.raises(ValidationError) as info:
        app.events.add_series(
            "M", "matinale", "distanciel", dt.datetime(2025, 4, 3, 9, 0), "FREQ=SOMETIMES"
        )
    assert info.value.rule == "EVT-8"
    assert app.events.list_series() == []


def test_satisfaction_survey_rates_EVT_9_SUR_1(app: App, rsgm_clock: Clock) -> None:
    event_id, ids = held_event(app, rsgm_clock, people=4, present=3)
    survey = app.surveys.send("questionnaire de satisfaction", event_id=event_id)
    assert survey.invited == 3  # the attendees
    invitations = [m for m in app.outbox.list_messages() if m.template == "survey_invitation"]
    assert len(invitations) == 3
    app.surveys.answer(survey.id, score=5, member_id=ids[0])
    app.surveys.answer(survey.id, score=2, member_id=ids[1])
    with pytest.raises(RuleViolation):
        app.surveys.answer(survey.id, score=4, member_id=ids[0])  # once per member
    with pytest.raises(ValidationError):
        app.surveys.answer(survey.id, score=6)
    with pytest.raises(ValidationError):
        app.surveys.answer(survey.id)  # a satisfaction answer carries a score
    results = app.surveys.results(survey.id)
    assert (results.answers, results.satisfaction, results.response) == (
        2,
        Decimal("0.5"),
        Decimal(2) / Decimal(3),
    )
    assert [r.survey.id for r in app.surveys.list_surveys()] == [survey.id]
    assert "questionnaire de satisfaction" in app.events.get(event_id).event.done


def test_surveys_due_SUR_1(app: App, rsgm_clock: Clock) -> None:
    newcomer = app.members.add(
        "Nina", "Nouvelle", email="nina@example.org", arrival=dt.date(2024, 12, 1)
    )
    event_id, _ = held_event(app, rsgm_clock)
    rsgm_clock.set(DAY + dt.timedelta(days=1))
    due = {(d.kind, d.event_id or d.member_id) for d in app.surveys.list_due_surveys()}
    assert (SurveyKind.SATISFACTION, event_id) in due
    assert (SurveyKind.NEWCOMER, newcomer.id) in due
    assert (SurveyKind.IN_DEPTH, None) in due  # none was ever run
    app.surveys.send("questionnaire de satisfaction", event_id=event_id)
    app.surveys.send("questionnaire à 3 mois", member_id=newcomer.id)
    app.surveys.send("enquête approfondie")
    assert app.surveys.list_due_surveys() == []
    assert (
        app.surveys.list_due_surveys(on=dt.date(2028, 6, 20))[-1].kind is SurveyKind.IN_DEPTH
    )  # 3 years on
    with pytest.raises(ValidationError):
        app.surveys.send("questionnaire à 3 mois")  # about whom?


def test_newsletter_at_most_once_a_month_unless_forced_EVT_10(app: App, rsgm_clock: Clock) -> None:
    app.members.add("Alice", "Test", email="alice@example.org")
    first = app.surveys.newsletter(
        "Les infos des SGM", "Au sommaire : …", unsubscribe="https://cdg.example/d"
    )
    assert first.recipients == 1 and not first.forced
    sent = len(app.outbox.list_messages())
    with pytest.raises(RuleViolation) as info:
        app.surveys.newsletter("Encore", "Texte")
    assert info.value.rule == "EVT-10"
    assert len(app.outbox.list_messages()) == sent and len(app.surveys.list_newsletters()) == 1
    assert app.surveys.newsletter("Encore", "Texte", force=True).forced
    rsgm_clock.set(dt.date(2025, 4, 1))
    assert not app.surveys.newsletter("Avril", "Texte").forced


def test_invitation_reminder_minutes_and_thanks_are_queued_in_french_NOT_2(
    app: App, rsgm_clock: Clock
) -> None:
    ids = [app.members.add(f"P{i}", "Nom", email=f"p{i}@example.org").id for i in range(2)]
    planned = app.events.plan(
        "Matinale <élections>",
        "matinale",
        "hybride",
        [SessionPlan(DAY, "Sauzé")],
        host_commune="79307",
    )
    app.event_mail.send_invitations(planned.event.id)
    invitation = next(m for m in app.outbox.list_messages() if m.template == "event_invitation")
    assert "11 juin 2025" in invitation.body_text  # the registration deadline (EVT-2)
    assert "&lt;élections&gt;" in (invitation.body_html or "")
    app.registrations.register(planned.sessions[0].id, ids[0])
    # the relance to the one not registered, the reminder of her session to the one registered
    assert app.event_mail.send_reminders(planned.event.id) == 2
    rsgm_clock.set(DAY + dt.timedelta(days=3))
    assert app.event_mail.send_minutes(planned.event.id, "Compte-rendu : …") == 2
    app.event_mail.thank_host(planned.event.id, "mairie@sauze.example.org")
    thanks = [m for m in app.outbox.list_messages() if m.template == "event_host_thanks"]
    assert "Sauzé-entre-Bois" in thanks[0].body_text
    templates = {m.template for m in app.outbox.list_messages()}
    assert {"event_invitation", "event_reminder", "event_registered_reminder", "event_minutes",
            "event_host_thanks"} <= templates  # fmt: skip
    with pytest.raises(NotFoundError):
        app.event_mail.send_invitations("inconnu")


def test_the_old_survey_names_warn_and_still_work(app: App) -> None:
    """``app.surveys.list`` and ``newsletters`` stay one release, each naming its replacement."""
    app.members.add("Alice", "Test", email="alice@example.org")
    app.surveys.newsletter("Les infos des SGM", "Au sommaire : …")
    app.surveys.send("enquête approfondie")
    with pytest.warns(DeprecationWarning, match=r"use list_surveys\(\)"):
        surveys = app.surveys.list()  # type: ignore[attr-defined]
    assert surveys == app.surveys.list_surveys() != []
    with pytest.warns(DeprecationWarning, match=r"use list_due_surveys\(\)"):
        assert app.surveys.due() == app.surveys.list_due_surveys()  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"use list_newsletters\(\)"):
        newsletters = app.surveys.newsletters()  # type: ignore[attr-defined]
    assert newsletters == app.surveys.list_newsletters() != []


def test_documents_sign_in_certificates_tracking_EVT_5_EVT_6_EVT_7(
    app: App, rsgm_clock: Clock
) -> None:
    event_id, ids = held_event(app, rsgm_clock)
    app.members.add("<b>Eve</b>", "=HYPERLINK()", email="eve@example.org")
    sheet = app.registrations.sign_in(
        app.events.get(event_id).sessions[0].id, by=administrator(app)
    )
    event, session, registrants = sheet.event, sheet.session, sheet.members
    html = sign_in_html(event, session, registrants)
    assert "Feuille d'émargement" in html and html.count("<tr>") == 1 + len(ids)
    csv = sign_in_csv(event, session, registrants)
    assert csv.startswith("\ufeffn°;nom;prénom") and len(csv.splitlines()) == 1 + len(ids)
    row = app.registrations.list_certificates(event_id=event_id)[0]
    text = certificate_html(event, row.session, row.member, today=DAY, cdg=app.settings.cdg)
    assert CERTIFICATE_TITLE.capitalize() in text and "formation" in text  # EVT-6
    assert "Centre de gestion de la fonction publique territoriale des Deux-Sèvres" in text
    assert "Fait à Saint-Maixent-l&#39;École, le 19 juin 2025." in text
    rows = app.events.list_tracking_rows()
    assert "taux de participation" in tracking_csv(rows).splitlines()[0]
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(tracking_xlsx(rows))).active
    assert sheet.cell(2, 1).value == "Journée réseau"
    assert sheet.cell(2, 4).value == pytest.approx(0.75)
    assert sheet.cell(2, 7).value == pytest.approx(40)


def test_markup_in_names_is_escaped_on_the_sign_in_sheet_EVT_5(app: App) -> None:
    eve = app.members.add("<b>Eve</b>", "=HYPERLINK(1)", email="eve@example.org")
    planned = app.events.plan(
        "Atelier", "atelier thématique", "présentiel", [SessionPlan(DAY, "Niort")]
    )
    app.registrations.register(planned.sessions[0].id, eve.id)
    sheet = app.registrations.sign_in(planned.sessions[0].id, by=administrator(app))
    assert [m.id for m in sheet.members] == [eve.id]
    assert "&lt;b&gt;Eve&lt;/b&gt;" in sign_in_html(sheet.event, sheet.session, sheet.members)
    assert "'=HYPERLINK(1)" in sign_in_csv(sheet.event, sheet.session, sheet.members)


def test_pdf_certificate_EVT_6(app: App, rsgm_clock: Clock) -> None:
    import weasyprint  # noqa: F401 - the pdf extra, installed with dev

    from rsgm_core.render.event_documents import certificate_pdf

    event_id, _ = held_event(app, rsgm_clock, people=1, present=1)
    row = app.registrations.list_certificates(event_id=event_id)[0]
    event = app.events.get(event_id).event
    html = certificate_html(event, row.session, row.member, today=DAY, cdg=app.settings.cdg)
    assert certificate_pdf(html).startswith(b"%PDF")
    assert app.event_mail.send_certificates(event_id, pdf=True) == 1
    mail = next(m for m in app.outbox.list_messages() if m.template == "event_certificate")
    assert mail.attachments[0].content_type == "application/pdf"


def test_rgpd_export_and_erase_cover_registrations_and_survey_answers_MEM_11(
    app: App, rsgm_clock: Clock
) -> None:
    event_id, ids = held_event(app, rsgm_clock)
    survey = app.surveys.send("questionnaire de satisfaction", event_id=event_id)
    app.surveys.answer(survey.id, score=5, member_id=ids[0], comment="Merci à Claire de Melle !")
    held = app.rgpd.export_personal_data(ids[0], by=administrator(app))
    assert len(held["registrations"]) == 1 and held["survey_answers"][0]["score"] == 5
    before = app.registrations.rates(event_id)
    app.rgpd.erase(ids[0], by=administrator(app))
    erased = app.rgpd.export_personal_data(ids[0], by=administrator(app))
    assert erased["survey_answers"][0]["comment"] == ""  # free text may name people
    assert erased["survey_answers"][0]["score"] == 5  # the satisfaction rate stays right
    assert len(erased["registrations"]) == 1
    assert app.registrations.rates(event_id) == before  # counts and rates stay right


def test_reminders_go_only_to_people_still_registered_EVT_4(app: App) -> None:
    """D − 15 (EVT-2): the reminder of a session goes to whoever is still registered, never to
    someone who cancelled nor to the waiting list; the relance goes to the silent invitees."""
    people = [app.members.add(f"P{i}", "Nom", email=f"p{i}@example.org").id for i in range(4)]
    planned = app.events.plan(
        "Matinale", "matinale", "présentiel", [SessionPlan(DAY, "Sauzé", capacity=1)]
    )
    session = planned.sessions[0].id
    app.event_mail.send_invitations(planned.event.id)
    kept = app.registrations.register(session, people[0])
    app.registrations.register(session, people[1])  # waiting list: capacity 1
    gone = app.registrations.register(session, people[2])
    app.registrations.cancel(gone.id)
    before = {m.id for m in app.outbox.list_messages()}
    app.event_mail.send_reminders(planned.event.id)
    new = [m for m in app.outbox.list_messages() if m.id not in before]
    reminded = {m.recipient for m in new if m.template == "event_registered_reminder"}
    relanced = {m.recipient for m in new if m.template == "event_reminder"}
    assert kept.status.value == "inscrit" and reminded == {"p0@example.org"}
    assert relanced == {"p3@example.org"}  # the only invitee who never registered
    (reminder,) = [m for m in new if m.template == "event_registered_reminder"]
    assert "Votre inscription" in reminder.body_text and "Sauzé" in reminder.body_text
