"""``app.events`` on both backends: planning, timeline and to-do list, registrations with the
waiting list, attendance, rates, certificates, tracking and the MEM-7 feed (EVT-1..EVT-7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs
import pytest

import rsgm_core
from rsgm_core import (
    App,
    EventKind,
    NotFoundError,
    Period,
    Planned,
    RegistrationStatus,
    RuleViolation,
    SessionPlan,
    TaskKind,
    ValidationError,
)
from rsgm_core.testing import Clock
from tests.conftest import NOW, SAMPLE
from tests.helpers import CDG79, administrator

DAY = dt.date(2025, 6, 19)  # a Thursday; the clock starts on 14 March 2025


@pytest.fixture
def app(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app on every backend as CDG 79 with the Deux-Sèvres sample, on the movable
    ``rsgm_clock``."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as opened:
        opened.census.import_(SAMPLE, ["79"])
        yield opened


def members(app: App, count: int) -> list[str]:
    return [
        app.members.add(f"Prénom{i}", f"Nom{i}", email=f"agent{i}@example.org").id
        for i in range(count)
    ]


def plan(app: App, capacity: int | None = 2) -> Planned:
    return app.events.plan(
        "Journée réseau", "journée réseau", "présentiel",
        [SessionPlan(DAY, "Salle des fêtes", capacity=capacity)],
        topics=["élections"], cost=Decimal(300), host_commune="79307",
    )  # fmt: skip


def stored(app: App) -> dict[str, int]:
    with app.deps.read() as uow:
        return {
            name: uow.repository(name).count()
            for name in ("events", "sessions", "registrations", "attendance", "outbox")
        }


def test_plan_records_the_event_and_its_sessions_EVT_1(app: App) -> None:
    planned = app.events.plan(
        "Journée réseau", EventKind.NETWORK_DAY, "présentiel",
        [SessionPlan(DAY, "Sauzé-entre-Bois", capacity=40), SessionPlan(DAY + dt.timedelta(days=7), "Niort")],
        host_commune="79307",
    )  # fmt: skip
    details = app.events.get(planned.event.id)
    event, sessions = details.event, details.sessions
    assert event == planned.event and not event.late and event.planned_on == NOW.date()
    assert [s.place for s in sessions] == ["Sauzé-entre-Bois", "Niort"]
    assert [d.event.id for d in app.events.list_events(year=2025)] == [event.id]
    assert app.events.list_events(year=2024) == []
    assert sessions[0].deadline == dt.date(2025, 6, 11)  # headcount day, D − 8 (EVT-2)


def test_timeline_moves_off_holidays_of_the_territory_EVT_2_EVT_3(app: App) -> None:
    # Friday 13 June 2025: the reminder (D − 15) falls on Ascension, Thursday 29 May → Wednesday.
    friday = app.events.plan(
        "Matinale", "matinale", "distanciel", [SessionPlan(dt.date(2025, 6, 13), "Visio")]
    )
    tasks = {t.kind: t for t in app.events.timeline(friday.event.id)}
    assert tasks[TaskKind.REMINDER].nominal == dt.date(2025, 5, 29)
    assert tasks[TaskKind.REMINDER].due == dt.date(2025, 5, 28)
    assert TaskKind.THANKS_HOST not in tasks  # no host commune
    # Tuesday 17 June: the headcount (D − 8) falls on Whit Monday 9 June → Friday 6 June, and the
    # registration deadline with it.
    tuesday = app.events.plan(
        "Atelier", "atelier thématique", "présentiel", [SessionPlan(dt.date(2025, 6, 17), "Niort")]
    )
    tasks = {t.kind: t for t in app.events.timeline(tuesday.event.id)}
    assert tasks[TaskKind.HEADCOUNT].due == dt.date(2025, 6, 6)
    assert tuesday.sessions[0].deadline == dt.date(2025, 6, 6)
    for task in tasks.values():
        assert task.due <= task.nominal and task.due.weekday() < 5


def test_whit_monday_worked_is_a_cdg_setting_EVT_3(url: str, rsgm_clock: Clock) -> None:
    settings = rsgm_core.Settings(plugins={"holidays_fr": {"whit_monday_worked": True}})
    with rsgm_core.open(url, settings=settings, clock=rsgm_clock) as opened:
        opened.census.import_(SAMPLE, ["79"])
        tuesday = opened.events.plan(
            "Atelier",
            "atelier thématique",
            "présentiel",
            [SessionPlan(dt.date(2025, 6, 17), "Niort")],
        )
    assert tuesday.sessions[0].deadline == dt.date(2025, 6, 9)


def test_planning_in_the_past_or_too_late_is_refused_unless_forced_EVT_3(app: App) -> None:
    before = stored(app)
    with pytest.raises(ValidationError) as info:
        app.events.plan(
            "Passé", "matinale", "distanciel", [SessionPlan(dt.date(2025, 3, 1), "Visio")]
        )
    assert info.value.rule == "EVT-2"
    with pytest.raises(RuleViolation) as info:
        app.events.plan(
            "Trop tôt", "matinale", "distanciel", [SessionPlan(dt.date(2025, 4, 3), "Visio")]
        )
    assert info.value.rule == "EVT-3"
    assert stored(app) == before
    forced = app.events.plan(
        "Trop tôt", "matinale", "distanciel",
        [SessionPlan(dt.date(2025, 4, 3), "Visio", deadline=dt.date(2025, 3, 31))], force=True,
    )  # fmt: skip
    assert forced.event.late and forced.check.late
    assert app.events.get(forced.event.id).event.late


def test_bad_input_is_refused_and_nothing_written_EVT_4(app: App) -> None:
    before = stored(app)
    with pytest.raises(ValidationError) as info:
        plan(app, capacity=-1)
    assert info.value.rule == "EVT-4"
    with pytest.raises(NotFoundError):
        app.events.plan(
            "X", "matinale", "distanciel", [SessionPlan(DAY, "Visio")], host_commune="79999"
        )
    with pytest.raises(ValidationError):
        app.events.plan("X", "soirée", "distanciel", [SessionPlan(DAY, "Visio")])
    assert stored(app) == before


def test_registrations_waiting_list_and_promotion_notice_EVT_4_NOT_1(app: App) -> None:
    a, b, c = members(app, 3)
    session = plan(app, capacity=2).sessions[0]
    first = app.registrations.register(session.id, a)
    app.registrations.register(session.id, b)
    waiting = app.registrations.register(session.id, c)
    assert waiting.status is RegistrationStatus.WAITING
    with pytest.raises(RuleViolation):
        app.registrations.register(session.id, a)  # once per person and session
    sent = len(app.outbox.list_messages())
    done = app.registrations.cancel(first.id)
    cancelled, promoted = done.cancelled, done.promoted
    assert cancelled.status is RegistrationStatus.CANCELLED
    assert promoted is not None and promoted.id == waiting.id
    assert promoted.status is RegistrationStatus.CONFIRMED
    notice = app.outbox.list_messages()[sent:]
    assert [m.recipient for m in notice] == ["agent2@example.org"]
    assert "place s'est libérée" in notice[0].subject


def test_registration_after_the_deadline_or_of_a_non_member_is_refused_EVT_4(
    app: App, rsgm_clock: Clock
) -> None:
    (a,) = members(app, 1)
    session = plan(app).sessions[0]
    with pytest.raises(NotFoundError):
        app.registrations.register(session.id, "not-a-member")
    app.members.depart(a, reason="retraite", on=dt.date(2025, 3, 14))
    with pytest.raises(RuleViolation, match="a quitté le réseau"):
        app.registrations.register(session.id, a)
    (b,) = [app.members.add("Zoé", "Late", email="zoe.late@example.org").id]
    rsgm_clock.set(dt.date(2025, 6, 12))
    with pytest.raises(RuleViolation, match="closes depuis le 11/06/2025") as info:
        app.registrations.register(session.id, b)
    assert info.value.rule == "EVT-4"
    assert app.registrations.list_registrations(event_id=session.event_id) == []


def test_attendance_rates_certificates_and_the_MEM_7_feed_EVT_5_EVT_6(
    app: App, rsgm_clock: Clock
) -> None:
    a, b, c, d = members(app, 4)
    planned = plan(app, capacity=None)
    assert app.event_mail.send_invitations(planned.event.id) == 4
    session = planned.sessions[0]
    for member_id in (a, b, c):
        app.registrations.register(session.id, member_id)
    with pytest.raises(RuleViolation):  # not yet held
        app.registrations.attend(session.id, [a])
    rsgm_clock.set(DAY)
    with pytest.raises(RuleViolation) as info:
        app.registrations.attend(session.id, [a, d])  # d did not register
    assert info.value.rule == "EVT-5"
    registrations = app.registrations.list_registrations(event_id=planned.event.id)
    assert len(registrations) == 3 and all(r.attended is None for r in registrations)
    assert [r.member_id for r in app.registrations.list_registrations(member_id=a)] == [a]
    app.registrations.attend(session.id, [a, b])
    rates = app.registrations.rates(planned.event.id)
    assert (rates.invited, rates.registered, rates.attendees) == (4, 3, 2)
    assert rates.participation_of_invited == Decimal("0.5")
    assert rates.no_show == Decimal(1) / Decimal(3)
    rows = app.registrations.list_certificates(event_id=planned.event.id)
    assert {row.member.id for row in rows} == {a, b}  # EVT-6
    assert app.event_mail.send_certificates(planned.event.id) == 2
    mails = [m for m in app.outbox.list_messages() if m.template == "event_certificate"]
    assert {m.recipient for m in mails} == {"agent0@example.org", "agent1@example.org"}
    assert b"attestation de pr\xc3\xa9sence".upper() in mails[0].attachments[0].content.upper()
    with app.deps.read() as uow:  # MEM-7 reads these
        facts = {f.member_id: f for f in uow.attendance.list({"event": planned.event.id})}
    assert {k: (f.registered, f.attended) for k, f in facts.items()} == {
        a: (True, True),
        b: (True, True),
        c: (True, False),
        d: (False, False),
    }


def test_tracking_row_and_todo_EVT_2_EVT_7(app: App, rsgm_clock: Clock) -> None:
    (a,) = members(app, 1)
    planned = plan(app)
    app.event_mail.send_invitations(planned.event.id)
    app.registrations.register(planned.sessions[0].id, a)
    rsgm_clock.set(DAY)
    app.registrations.attend(planned.sessions[0].id, [a])
    (row,) = app.events.list_tracking_rows()
    assert row.dates == (DAY,) and row.places == ("Salle des fêtes",)
    assert row.participation == Decimal(1) and row.cost_per_attendee == Decimal("300.00")
    assert row.topics == ("élections",)
    week = app.events.todo(period=Period(dt.date(2025, 6, 16), dt.date(2025, 6, 22)))
    assert week == app.events.todo()  # this week by default: the clock says Thursday 19 June
    labels = [(i.task.kind, i.overdue) for i in week]
    assert (TaskKind.SATISFACTION_SURVEY, False) in labels and (
        TaskKind.THANKS_HOST,
        False,
    ) in labels
    assert (TaskKind.INVITATION, True) not in labels  # sent, hence done
    assert (TaskKind.REMINDER, True) in labels  # never sent: overdue
    app.events.mark_done(planned.event.id, "relance")
    assert (TaskKind.REMINDER, True) not in [
        (i.task.kind, i.overdue)
        for i in app.events.todo(period=Period(dt.date(2025, 6, 16), dt.date(2025, 6, 22)))
    ]


def test_host_commune_follows_a_merge_TER_5(app: App) -> None:
    planned = app.events.plan(
        "Journée",
        "journée réseau",
        "présentiel",
        [SessionPlan(DAY, "Caunay")],
        host_commune="79060",
    )
    with app.deps.transaction() as uow:
        moved = uow.reassign_commune("79060", "79307")
    assert moved == {"events": 1}
    assert app.events.get(planned.event.id).event.host_commune == "79307"


def test_records_round_trip_through_storage(app: App) -> None:
    planned = plan(app)
    details = app.events.get(planned.event.id)
    assert details.event == planned.event and details.sessions == planned.sessions
    session = details.sessions[0]
    assert session.start == dt.time(9, 30)
    assert attrs.evolve(details.event, done=("x",)) != details.event


def test_old_names_on_app_events_warn_and_forward_for_one_release(
    app: App, rsgm_clock: Clock
) -> None:
    """``app.events`` was one area until 0.2.0: its registration and mail names forward to
    ``app.registrations`` and ``app.event_mail``, and tuple results still unpack, with a
    DeprecationWarning naming the new call."""
    a, b = members(app, 2)
    planned = plan(app, capacity=1)
    session = planned.sessions[0]
    with pytest.warns(DeprecationWarning, match=r"app\.event_mail\.send_invitations"):
        assert app.events.invite(planned.event.id) == 2
    with pytest.warns(DeprecationWarning, match=r"app\.registrations\.register"):
        first = app.events.register(session.id, a)
    waiting = app.registrations.register(session.id, b)
    with pytest.warns(DeprecationWarning, match=r"app\.registrations\.list_registrations"):
        assert {r.id for r in app.events.registrations(planned.event.id)} == {first.id, waiting.id}
    with pytest.warns(DeprecationWarning, match=r"Cancellation .* \(cancelled, promoted\)"):
        cancelled, promoted = app.registrations.cancel(first.id)
    assert cancelled.id == first.id and promoted is not None and promoted.id == waiting.id
    with pytest.warns(DeprecationWarning, match=r"list_events"):
        assert [d.event.id for d in app.events.list()] == [planned.event.id]  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"todo\(period=Period"):
        assert app.events.todo(dt.date(2025, 3, 10), dt.date(2025, 3, 16)) == app.events.todo()
    with pytest.warns(DeprecationWarning, match=r"use todo\(period=…\)"):
        assert app.events.todo(Period(dt.date(2025, 3, 10), dt.date(2025, 3, 16))) == []
    details = app.events.get(planned.event.id)
    with pytest.warns(DeprecationWarning, match=r"EventDetails .* \(event, sessions\)"):
        assert details[0] == details.event
    with pytest.warns(DeprecationWarning, match="EventDetails"):
        assert len(details) == 2
    assert details  # true without a warning, as the tuple was
    with pytest.warns(DeprecationWarning, match="SignInSheet"):
        assert [m.id for m in app.registrations.sign_in(session.id, by=administrator(app))[2]] == [
            b
        ]
    rsgm_clock.set(DAY)
    with pytest.warns(DeprecationWarning, match=r"app\.registrations\.attend"):
        app.events.attend(session.id, [b])
    with pytest.warns(DeprecationWarning, match=r"app\.registrations\.list_certificates"):
        assert [row.member.id for row in app.events.certificates(planned.event.id)] == [b]
    with pytest.warns(DeprecationWarning, match=r"app\.event_mail\.send_certificates"):
        assert app.events.send_certificates(planned.event.id) == 1
    with pytest.warns(DeprecationWarning, match=r"app\.registrations\.rates"):
        assert app.events.rates(planned.event.id) == app.registrations.rates(planned.event.id)
    with pytest.warns(DeprecationWarning, match=r"use list_tracking_rows\(\)"):
        assert app.events.tracking() == app.events.list_tracking_rows()  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"use list_event_reports\(\)"):
        assert app.events.report() == app.events.list_event_reports()  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"use list_series\(\)"):
        assert app.events.series() == app.events.list_series()  # type: ignore[attr-defined]
