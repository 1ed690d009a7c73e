"""Personal links (NOT-3) on every backend: each purpose issued, verified without acting, used and
acted on in one unit of work; the refusals (tampered, expired, reused, wrong purpose, rotated
secret, erased or departed person, full session, after the deadline) write nothing; messages
carry their links in both parts and bulk messages a per-recipient unsubscribe (RFC 8058)."""

from __future__ import annotations

import datetime as dt
import email
import logging
from collections.abc import Iterator
from decimal import Decimal
from email.message import Message

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import (
    AccessMode,
    App,
    ConfigurationError,
    ConsentScope,
    DirectoryUpdate,
    LinkPurpose,
    LinkRefusal,
    RegistrationStatus,
    RsgmError,
    RuleViolation,
    SessionPlan,
    Settings,
    SurveyKind,
    ValidationError,
    Viewer,
    ViewerRole,
)
from rsgm_core.services.links import links_missing
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import CDG79, administrator, nothing_written, snapshot

SECRET = "s" * 20 + "ecret-de-test-du-cdg-79-pour-les-liens"
OLD_SECRET = "o" * 20 + "ld-secret-du-cdg-79-avant-la-rotation"
BASE = "https://reseau.cdg79.example"
DAY = dt.date(2025, 6, 19)  # the clock starts on 14 March 2025


def with_web(settings: Settings, **web: object) -> Settings:
    options = {"public_url": BASE, "secret": SECRET, "previous_secrets": ()} | web
    return attrs.evolve(settings, plugins={**settings.plugins, "web": options})


WEB79 = with_web(CDG79)


@pytest.fixture
def app(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """CDG 79 with a ``[web]`` section, the Deux-Sèvres sample, on every backend."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=WEB79) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


def person(app: App, first: str = "Claire", last: str = "Martin") -> str:
    member = app.members.add(first, last, email=f"{first.lower()}.{last.lower()}@example.org")
    app.members.add_position(member.id, "79005", "sgm")
    return member.id


def plan(app: App, capacity: int | None = 1, day: dt.date = DAY) -> str:
    planned = app.events.plan(
        "Journée réseau", "journée réseau", "présentiel",
        [SessionPlan(day, "Salle des fêtes", capacity=capacity)],
        topics=["élections"], cost=Decimal(300), host_commune="79307",
    )  # fmt: skip
    return planned.event.id


def session_of(app: App, event_id: str) -> str:
    return app.events.get(event_id).sessions[0].id


# Each purpose: issued, verified without acting, used -------------------------------------------


def test_a_registration_link_registers_and_a_full_session_gives_the_waiting_list_NOT_3_EVT_4(
    app: App,
) -> None:
    event = plan(app, capacity=1)
    claire, paul = person(app), person(app, "Paul", "Durand")
    link = app.links.issue("inscription", member_id=claire, object_id=event)
    assert link.url == f"{BASE}/i/{link.token}" and link.purpose is LinkPurpose.REGISTER
    assert link.expires_at.tzinfo is not None
    assert link.expires_at == dt.datetime.combine(DAY, dt.time(9, 30), tzinfo=CDG79.zone)
    check = app.links.verify(link.token, purpose="inscription")
    assert check.person == "Claire Martin" and check.object_title == "Journée réseau"
    assert [c.full for c in check.choices] == [False] and not check.single_use
    assert "Claire Martin peut s'inscrire à une session" in check.description
    assert app.registrations.list_registrations(event_id=event) == []  # verify wrote nothing
    done = app.links.use(link.token, purpose=LinkPurpose.REGISTER)
    assert not done.waiting_list and "enregistrée" in done.summary
    other = app.links.issue(LinkPurpose.REGISTER, member_id=paul, object_id=event)
    assert app.links.verify(other.token).choices[0].full
    waiting = app.links.use(other.token, session_id=session_of(app, event))
    assert waiting.waiting_list and "liste d'attente" in waiting.summary
    statuses = {r.member_id: r.status for r in app.registrations.list_registrations(event_id=event)}
    assert statuses == {claire: RegistrationStatus.CONFIRMED, paul: RegistrationStatus.WAITING}


def test_a_cancellation_link_cancels_once_and_promotes_the_waiting_list_NOT_3_EVT_4(
    app: App,
) -> None:
    event = plan(app, capacity=1)
    claire, paul = person(app), person(app, "Paul", "Durand")
    first = app.registrations.register(session_of(app, event), claire)
    app.registrations.register(session_of(app, event), paul)
    link = app.links.issue("annulation", member_id=claire, object_id=first.id)
    assert app.links.verify(link.token).single_use
    done = app.links.use(link.token, purpose="annulation")
    assert "liste d'attente" in done.summary
    statuses = {r.member_id: r.status for r in app.registrations.list_registrations(event_id=event)}
    assert statuses == {claire: RegistrationStatus.CANCELLED, paul: RegistrationStatus.CONFIRMED}
    error = nothing_written(app, lambda: app.links.use(link.token), "NOT-3")
    assert error.value is LinkRefusal.REUSED and "déjà servi" in error.message
    [told] = [m for m in app.outbox.list_messages() if m.template == "event_waiting_list_promotion"]
    own = next(w for w in told.body_text.split() if w.startswith(f"{BASE}/a/"))
    assert f'href="{own}"' in (told.body_html or "")
    assert app.links.verify(own.rpartition("/")[2]).member_id == paul


def test_a_cancellation_link_names_the_persons_own_registration_NOT_3(app: App) -> None:
    event = plan(app, capacity=3)
    claire, paul = person(app), person(app, "Paul", "Durand")
    theirs = app.registrations.register(session_of(app, event), paul)
    with pytest.raises(RuleViolation, match="n'est pas celle de Claire Martin"):
        app.links.issue("annulation", member_id=claire, object_id=theirs.id)


def test_consent_links_give_and_withdraw_idempotently_NOT_3_MEM_3(app: App) -> None:
    claire = person(app)
    member = Viewer(member_id=person(app, "Paul", "Durand"))
    give = app.links.issue("consentement", member_id=claire, object_id="annuaire")
    assert app.links.verify(give.token).object_title == "consentement « annuaire »"
    app.links.use(give.token)
    again = app.links.use(give.token)  # idempotent: the consent in force is kept
    assert again.changed and len(app.directory.list_consents(member_id=claire)) == 1
    assert app.directory.get_entry(claire, viewer=member).member_id == claire
    withdraw = app.links.issue(LinkPurpose.WITHDRAW_CONSENT, member_id=claire)
    assert withdraw.object_id == ConsentScope.DIRECTORY.value
    assert app.links.use(withdraw.token).changed
    assert not app.links.use(withdraw.token).changed  # nothing left to withdraw: no error
    [consent] = app.directory.list_consents(member_id=claire)
    assert consent.withdrawn_on == app.today()


def test_a_survey_link_records_one_answer_NOT_3_SUR_2(app: App) -> None:
    claire = person(app)
    survey = app.surveys.send(SurveyKind.NEEDS, title="Vos besoins")
    link = app.links.issue("questionnaire", member_id=claire, object_id=survey.id)
    assert link.expires_at == app.now().replace(microsecond=0) + dt.timedelta(days=30)
    assert app.links.verify(link.token).object_title == "Vos besoins"
    app.links.use(link.token, score=4, comment=" Très utile ")
    [answer] = [a for a in answers(app, survey.id)]
    assert (answer.member_id, answer.score, answer.comment) == (claire, 4, "Très utile")
    error = nothing_written(app, lambda: app.links.use(link.token, score=5), "NOT-3")
    assert error.value is LinkRefusal.REUSED
    second = app.links.issue("questionnaire", member_id=claire, object_id=survey.id)
    nothing_written(app, lambda: app.links.use(second.token, score=5), "SUR-2")


def answers(app: App, survey_id: str) -> list[rsgm_core.SurveyAnswer]:
    with app.deps.read() as uow:
        return uow.survey_answers.list({"survey_id": survey_id})


def test_a_directory_link_updates_the_entry_NOT_3_MEM_2(app: App) -> None:
    claire = person(app)
    app.directory.set_town_hall("79005", "1 place de la Mairie")
    link = app.links.issue("annuaire", member_id=claire)
    update = DirectoryUpdate(phone="05 49 00 00 00", expertises=["état civil"],
                             opening_hours="lun. 9h-12h")  # fmt: skip
    done = app.links.use(link.token, update=update)
    assert "téléphone" in done.summary and "horaires de la mairie" in done.summary
    entry = app.directory.get_entry(claire, viewer=Viewer(ViewerRole.ANIMATOR))
    assert entry.phone == "05 49 00 00 00" and entry.expertises
    with app.deps.read() as uow:
        assert uow.town_halls.get("79005").opening_hours == "lun. 9h-12h"
    app.links.use(link.token, update=DirectoryUpdate(phone=""))  # reusable while it lives
    nothing_written(app, lambda: app.links.use(link.token), "MEM-2")


def test_an_access_link_records_a_request_where_the_policy_allows_it_NOT_3_CHA_2(
    url: str, rsgm_clock: Clock
) -> None:
    policies = attrs.evolve(CDG79.policies, access=AccessMode.REQUEST)
    settings = attrs.evolve(WEB79, policies=policies)
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as app:
        app.census.import_(SAMPLE, ["79"])
        admin = app.members.add("Marie", "Durand", email="marie.durand@cdg79.fr")
        app.access.add_staff(admin.id, administrator=True)
        app.access.create_departmental_space(by=admin.id)
        claire = person(app)
        assert app.links.send_requests("acces", member_ids=[claire]) == 1
        [asked] = [m for m in app.outbox.list_messages() if m.template == "access_invitation"]
        sent = next(w for w in asked.body_text.split() if w.startswith(f"{BASE}/p/"))
        assert f'href="{sent}"' in (asked.body_html or "")
        link = app.links.issue("acces", member_id=claire)
        done = app.links.use(link.token, purpose="acces")
        [request] = app.access.list_requests()
        assert request.member_id == claire and done.record_id == request.id
        error = nothing_written(app, lambda: app.links.use(link.token), "NOT-3")
        assert error.value is LinkRefusal.REUSED


def test_an_access_link_is_refused_by_invitation_only_NOT_3_CHA_2(app: App) -> None:
    claire = person(app)
    link = app.links.issue("acces", member_id=claire)
    nothing_written(app, lambda: app.links.use(link.token), "CHA-2")
    with pytest.raises(RuleViolation) as caught:
        app.links.send_requests("acces")
    assert caught.value.rule == "CHA-2"


def test_an_unsubscribe_link_is_one_click_and_idempotent_NOT_3(app: App) -> None:
    claire, paul = person(app), person(app, "Paul", "Durand")
    link = app.links.issue("desabonnement", member_id=claire)
    assert link.url.startswith(f"{BASE}/d/")
    assert link.expires_at - app.now() > dt.timedelta(days=364)
    assert app.links.use(link.token).changed
    assert not app.links.use(link.token).changed
    app.surveys.newsletter("Les infos", "Texte")
    assert [m.recipient for m in app.outbox.list_messages() if m.template == "newsletter"] == [
        "paul.durand@example.org"
    ]
    assert paul


# Refusals ---------------------------------------------------------------------------------------


def test_a_tampered_link_is_refused_and_never_quoted_NOT_3(app: App) -> None:
    claire = person(app)
    token = app.links.issue("desabonnement", member_id=claire).token
    payload, _, signature = token.partition(".")
    forged = [
        payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature,
        payload + "." + signature[::-1],
        payload,
        "",
        "n'importe quoi",
    ]
    for bad in forged:
        error = nothing_written(app, lambda bad=bad: app.links.use(bad), "NOT-3")
        assert token not in str(error) and (not bad or bad not in str(error))
    assert "altéré" in str(nothing_written(app, lambda: app.links.verify(forged[0]), "NOT-3"))
    assert token not in repr(app.links.issue("desabonnement", member_id=claire))


def test_a_link_for_another_purpose_is_refused_NOT_3(app: App) -> None:
    claire = person(app)
    token = app.links.issue("consentement", member_id=claire).token
    error = nothing_written(app, lambda: app.links.use(token, purpose="desabonnement"), "NOT-3")
    assert error.value is LinkRefusal.WRONG_PURPOSE
    assert "sert à donner son consentement" in error.message


def test_an_expired_link_is_refused_NOT_3(app: App, rsgm_clock: Clock) -> None:
    claire = person(app)
    link = app.links.issue("consentement", member_id=claire)
    rsgm_clock.advance(days=29)
    app.links.verify(link.token)
    rsgm_clock.advance(days=1)
    error = nothing_written(app, lambda: app.links.use(link.token), "NOT-3")
    assert error.value is LinkRefusal.EXPIRED and "a expiré le" in error.message


def test_a_registration_after_the_deadline_is_refused_NOT_3_EVT_4(
    app: App, rsgm_clock: Clock
) -> None:
    event = plan(app)
    claire = person(app)
    link = app.links.issue("inscription", member_id=claire, object_id=event)
    rsgm_clock.set(dt.datetime(2025, 6, 15, 10, 0, tzinfo=CDG79.zone))  # deadline: 11 June
    nothing_written(app, lambda: app.links.use(link.token), "EVT-4")
    rsgm_clock.set(dt.datetime(2025, 6, 19, 9, 30, tzinfo=CDG79.zone))  # the session starts
    assert nothing_written(app, lambda: app.links.verify(link.token), "NOT-3").value is (
        LinkRefusal.EXPIRED
    )


def test_a_rotated_secret_keeps_old_links_valid_NOT_3(url: str, rsgm_clock: Clock) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=with_web(CDG79, secret=OLD_SECRET)) as app:
        app.census.import_(SAMPLE, ["79"])
        claire = person(app)
        old = app.links.issue("consentement", member_id=claire).token
    rotated = with_web(CDG79, previous_secrets=(OLD_SECRET,))
    with rsgm_core.open(url, clock=rsgm_clock, settings=rotated) as app:
        if url.startswith("memory"):
            return  # a memory store does not outlive its app
        assert app.links.verify(old).person == "Claire Martin"
        new = app.links.issue("consentement", member_id=claire).token
        app.links.verify(new)
    with rsgm_core.open(url, clock=rsgm_clock, settings=WEB79) as app:
        error = nothing_written(app, lambda: app.links.verify(old), "NOT-3")
        assert error.value is LinkRefusal.TAMPERED  # the old secret dropped: refused


def test_an_erased_or_departed_person_has_no_link_NOT_3_MEM_11(app: App) -> None:
    claire, paul = person(app), person(app, "Paul", "Durand")
    consent = app.links.issue("consentement", member_id=claire)
    leave = app.links.issue("desabonnement", member_id=paul)
    answer = app.links.issue("annuaire", member_id=paul)
    app.rgpd.erase(claire, by=administrator(app))
    error = nothing_written(app, lambda: app.links.use(consent.token), "NOT-3")
    assert error.value is LinkRefusal.GONE and "effacées" in error.message
    app.members.depart(paul, reason="mutation", on=app.today())
    assert nothing_written(app, lambda: app.links.use(answer.token), "NOT-3").value is (
        LinkRefusal.GONE
    )
    assert app.links.use(leave.token).changed  # unsubscribing still works after a departure


def test_without_web_settings_links_are_refused_by_name_NOT_3(url: str, rsgm_clock: Clock) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as app:
        assert app.links.missing is not None and "n'a pas secret ;" in app.links.missing
    assert "n'a pas url_publique ni secret" in str(links_missing(Settings()))
    with (
        rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as app,
        pytest.raises(ConfigurationError, match="renseignez secret dans la section"),
    ):
        app.links.issue("desabonnement", member_id="x")


def test_issue_refuses_a_missing_object_NOT_3(app: App) -> None:
    claire = person(app)
    with pytest.raises(ValidationError, match="nomme l'événement"):
        app.links.issue("inscription", member_id=claire)
    with pytest.raises(ValidationError, match="ne nomme pas d'objet"):
        app.links.issue("desabonnement", member_id=claire, object_id="x")
    with pytest.raises(ValidationError, match="usage de lien inconnu"):
        app.links.issue("rien", member_id=claire)


# Messages carry their links ---------------------------------------------------------------------


def mime(message: rsgm_core.OutboxMessage) -> Message:
    from rsgm_core.plugins.smtp import SmtpConfig, build_message

    config = SmtpConfig("localhost", 25, "none", "reseau@cdg79.fr")
    return email.message_from_bytes(bytes(build_message(message, config)))


def parts(mail: Message) -> dict[str, str]:
    found = {}
    for part in mail.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found[part.get_content_subtype()] = payload.decode(
                part.get_content_charset() or "utf-8"
            )
    return found


def test_invitations_carry_personal_links_and_unsubscribe_headers_NOT_3_EVT_2(app: App) -> None:
    event = plan(app, capacity=10)
    person(app), person(app, "Paul", "Durand")
    app.event_mail.send_invitations(event)
    invitations = [m for m in app.outbox.list_messages() if m.template == "event_invitation"]
    assert len(invitations) == 2
    headers = set()
    for message in invitations:
        mail = mime(message)
        target = mail["List-Unsubscribe"]
        assert target.startswith(f"<{BASE}/d/") and target.endswith(">")
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        headers.add(target)
        text, html = parts(mail)["plain"], parts(mail)["html"]
        register = next(w for w in text.split() if w.startswith(f"{BASE}/i/"))
        assert f'href="{register}"' in html and target[1:-1] in text
        assert "auprès de l'équipe d'animation" not in text
        check = app.links.verify(register.rpartition("/")[2], purpose="inscription")
        assert check.person.lower().replace(" ", ".") + "@example.org" == message.recipient
        app.links.use(register.rpartition("/")[2])
    assert len(headers) == 2  # one per recipient (RFC 8058)
    assert len(app.registrations.list_registrations(event_id=event)) == 2


def test_reminders_carry_cancel_and_register_links_NOT_3_EVT_2(app: App, rsgm_clock: Clock) -> None:
    event = plan(app, capacity=10)
    claire, _ = person(app), person(app, "Paul", "Durand")
    app.event_mail.send_invitations(event)
    app.registrations.register(session_of(app, event), claire)
    app.event_mail.send_reminders(event)
    by = {m.template: m for m in app.outbox.list_messages()}
    registered, relance = by["event_registered_reminder"], by["event_reminder"]
    cancel = next(w for w in registered.body_text.split() if w.startswith(f"{BASE}/a/"))
    assert f'href="{cancel}"' in (registered.body_html or "")
    assert registered.list_unsubscribe is None  # a personal message, not a bulk one
    assert f"{BASE}/i/" in relance.body_text and relance.list_unsubscribe
    app.links.use(cancel.rpartition("/")[2], purpose="annulation")
    assert {r.status for r in app.registrations.list_registrations(event_id=event)} == {
        RegistrationStatus.CANCELLED
    }


def test_survey_consent_and_directory_requests_carry_links_NOT_3_SUR_2(app: App) -> None:
    claire = person(app)
    app.surveys.send(SurveyKind.NEEDS)
    app.links.send_requests("consentement")
    app.links.send_requests(LinkPurpose.DIRECTORY, member_ids=[claire])
    by = {m.template: m for m in app.outbox.list_messages()}
    for template, letter in (("survey_invitation", "q"), ("consent_request", "c"),
                             ("directory_update_request", "f")):  # fmt: skip
        message = by[template]
        link = next(w for w in message.body_text.split() if w.startswith(f"{BASE}/{letter}/"))
        assert f'href="{link}"' in (message.body_html or "")
        app.links.verify(link.rpartition("/")[2])
    assert f"{BASE}/r/" in by["consent_request"].body_text  # and how to withdraw it
    app.links.send_requests("consentement")  # nobody left without a consent? claire has none
    with pytest.raises(ValidationError, match="aucun message de demande"):
        app.links.send_requests("inscription")


def test_the_welcome_mail_carries_consent_and_directory_links_NOT_3_MEM_3(app: App) -> None:
    claire = app.members.add("Claire", "Martin", email="claire.martin@example.org", welcome=True).id
    (welcome,) = [m for m in app.outbox.list_messages() if m.template == "member_welcome"]
    found = {}
    for letter in ("c", "r", "f"):
        link = next(w for w in welcome.body_text.split() if w.startswith(f"{BASE}/{letter}/"))
        assert f'href="{link}"' in (welcome.body_html or "")
        found[letter] = link.rpartition("/")[2]
    app.links.use(found["c"])  # consent given from the welcome mail itself
    assert app.directory.list_consents(member_id=claire)[0].scope.value == "annuaire"
    assert app.links.verify(found["f"]).member_id == claire


def test_newsletters_get_a_per_recipient_unsubscribe_NOT_3(app: App) -> None:
    person(app), person(app, "Paul", "Durand")
    app.surveys.newsletter("Les infos", "Texte", unsubscribe="mailto:desinscription@cdg79.fr")
    letters = [m for m in app.outbox.list_messages() if m.template == "newsletter"]
    targets = {mime(m)["List-Unsubscribe"] for m in letters}
    assert len(targets) == 2 and all(t.startswith(f"<{BASE}/d/") for t in targets)
    for message in letters:
        assert message.list_unsubscribe and message.list_unsubscribe in message.body_text
        assert message.list_unsubscribe in (message.body_html or "")


def test_without_web_settings_messages_go_without_links_and_say_so_NOT_3(
    url: str, rsgm_clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as app:
        app.census.import_(SAMPLE, ["79"])
        event = plan(app, capacity=10)
        person(app), person(app, "Paul", "Durand")
        with caplog.at_level(logging.WARNING, logger="rsgm.links"):
            assert app.event_mail.send_invitations(event) == 2
        warnings = [r for r in caplog.records if r.name == "rsgm.links"]
        assert len(warnings) == 1 and "liens personnels absents" in warnings[0].getMessage()
        [message, _] = [m for m in app.outbox.list_messages() if m.template == "event_invitation"]
        assert "auprès de l'équipe d'animation" in message.body_text
        assert "Dites-le en réponse" in message.body_text
        assert message.list_unsubscribe is None


# Error or success, never a partial write ---------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    purpose=st.sampled_from(LinkPurpose),
    asked=st.one_of(st.none(), st.sampled_from(LinkPurpose)),
    later=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400)),
    tamper=st.booleans(),
    twice=st.booleans(),
)
def test_a_link_either_acts_or_writes_nothing_NOT_3(
    purpose: LinkPurpose,
    asked: LinkPurpose | None,
    later: dt.timedelta,
    tamper: bool,
    twice: bool,
) -> None:
    clock = Clock()
    with rsgm_core.open("memory://", clock=clock, settings=WEB79) as app:
        app.census.import_(SAMPLE, ["79"])
        claire = person(app)
        app.directory.set_town_hall("79005", "1 place de la Mairie")
        event = plan(app, capacity=1)
        survey = app.surveys.send(SurveyKind.NEEDS).id
        registration = app.registrations.register(session_of(app, event), claire).id
        objects = {LinkPurpose.REGISTER: event, LinkPurpose.CANCEL: registration,
                   LinkPurpose.SURVEY: survey}  # fmt: skip
        token = app.links.issue(purpose, member_id=claire, object_id=objects.get(purpose)).token
        if tamper:
            token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        clock.advance(seconds=int(later.total_seconds()))
        for _ in range(2 if twice else 1):
            before = snapshot(app)
            try:
                app.links.use(token, purpose=asked, score=3,
                              update=DirectoryUpdate(opening_hours="lun. 9h-12h"))  # fmt: skip
            except RsgmError as exc:
                assert snapshot(app) == before, exc
                assert token not in str(exc)
