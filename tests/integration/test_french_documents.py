"""French that reads right in what the project sends and prints (NOT-2, EVT-5, EVT-6, IND-2):
the messages an event queues, its sign-in sheet and certificates, and the annual report, for
members whose names start with a vowel or an h, an event held on the first of the month."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

import rsgm_core
from rsgm_core import App, SessionPlan
from rsgm_core.render.event_documents import certificate_html, sign_in_html
from rsgm_core.render.report import render_html, render_markdown
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import CDG79, administrator
from tests.unit.test_french_text import check_french, plain

FIRST = dt.date(2026, 12, 1)
PEOPLE = [("Élodie", "Abadie"), ("Hélène", "Hoarau"), ("Jean-Éric", "Martin"), ("Yvette", "Ozanne")]


@pytest.fixture
def app(url: str, rsgm_clock: Clock) -> Iterator[App]:
    rsgm_clock.set(dt.date(2026, 10, 1))
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


def document_text(page: str) -> str:
    return " ".join(plain(re.sub(r"(?s)<(style|script)\b.*?</\1>", "", page)).split())


def test_an_event_on_the_first_with_vowel_initial_names_reads_right_NOT_2_EVT_5_EVT_6(
    app: App, rsgm_clock: Clock
) -> None:
    ids = [app.members.add(f, n, email=f"{n.lower()}@example.org").id for f, n in PEOPLE]
    planned = app.events.plan(
        "Atelier paie", "atelier thématique", "présentiel",
        [SessionPlan(FIRST, "Le Tallud"), SessionPlan(FIRST + dt.timedelta(days=7), "Niort")],
        cost=Decimal(1250), host_commune="79307",
    )  # fmt: skip
    app.event_mail.send_invitations(planned.event.id)
    invitation = next(m for m in app.outbox.list_messages() if m.template == "event_invitation")
    text = " ".join(invitation.body_text.split())
    assert "vous invite à l'« Atelier paie »" in text
    assert "le 1er décembre 2026" in text
    app.registrations.register(planned.sessions[0].id, ids[0])
    app.event_mail.send_reminders(planned.event.id)
    rsgm_clock.set(FIRST)
    app.registrations.attend(planned.sessions[0].id, ids[:1])
    sheet = app.registrations.sign_in(planned.sessions[0].id, by=administrator(app))
    page = document_text(sign_in_html(sheet.event, sheet.session, sheet.members))
    assert "1 inscrit." in page and "1er décembre 2026" in page
    check_french(page, "feuille d'émargement")
    row = app.registrations.list_certificates(event_id=planned.event.id)[0]
    certificate = document_text(
        certificate_html(planned.event, row.session, row.member, today=FIRST, cdg=app.settings.cdg)
    )
    assert "1er décembre 2026" in certificate and "Élodie Abadie" in certificate
    check_french(certificate, "attestation")
    rsgm_clock.set(FIRST + dt.timedelta(days=10))
    app.event_mail.send_minutes(planned.event.id, "Merci à toutes et à tous.")
    app.event_mail.thank_host(planned.event.id, "mairie@sauze.example.org")
    app.event_mail.send_certificates(planned.event.id, pdf=False)
    for message in app.outbox.list_messages():
        for part in (message.subject, message.body_text, plain(message.body_html or "")):
            check_french(" ".join(part.split()), f"{message.template} : {part}")


def test_the_annual_report_has_no_rule_ids_and_agrees_in_number_IND_2(
    app: App, rsgm_clock: Clock
) -> None:
    member = app.members.add("Élodie", "Abadie", email="elodie@example.org").id
    planned = app.events.plan(
        "Journée réseau", "journée réseau", "présentiel", [SessionPlan(FIRST, "Niort")]
    )
    app.event_mail.send_invitations(planned.event.id)
    app.registrations.register(planned.sessions[0].id, member)
    rsgm_clock.set(dt.date(2026, 12, 31))
    report = app.indicators.annual_report(year=2026)
    for name, text in (("markdown", render_markdown(report)), ("html", render_html(report))):
        page = document_text(text) if name == "html" else " ".join(text.split())
        assert "1 événement dans l'année" in page, name
        assert "1er déc. 2026" in page, name
        check_french(page.replace("(SGM)", ""), f"rapport annuel ({name})")
