"""Events as they happen (issue 20, item 4), on every backend and for CDG 79, CDG 77 and the CIG:
a walk-in recorded at sign-in once registrations are closed and reminders only to who is still
registered (EVT-4); an invitation that counts only who it reached and names the others with the
reason (EVT-5, MEM-14); a recurring series whose occurrences are real events people register to,
listed, tracked and on the to-do list, one calendar entry each (EVT-8); a session's deadline
changed by CDG staff and recorded (EVT-4, CHA-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs
import icalendar
import pytest

import rsgm_core
from rsgm_core import (
    App,
    Period,
    PermissionDeniedError,
    RuleViolation,
    SessionPlan,
    Settings,
    UnreachedReason,
    ValidationError,
)
from rsgm_core.testing import Clock
from tests.conftest import PARIS, SAMPLE
from tests.helpers import CDG77, CDG79, CIG, administrator, nothing_written

DAY = dt.date(2025, 6, 19)  # a Thursday; the clock starts on 14 March 2025


@pytest.fixture(params=["cdg79", "cdg77", "cig"])
def each_cdg(request: pytest.FixtureRequest, url: str, rsgm_clock: Clock) -> Iterator[App]:
    """The same events run by each CDG's own profile, on every backend."""
    settings: Settings = {"cdg79": CDG79, "cdg77": CDG77, "cig": CIG}[request.param]
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as opened:
        yield opened


def member(app: App, name: str, *, email: bool = True) -> str:
    """An active member without a position yet: invited to every event (MEM-14), whatever the
    CDG's census."""
    address = f"{name.lower()}@example.org" if email else None
    return app.members.add(name, "Test", email=address, lifecycle="actif").id


def plan(app: App, capacity: int | None = None) -> tuple[str, str]:
    planned = app.events.plan(
        "Atelier état civil", "atelier thématique", "présentiel",
        [SessionPlan(DAY, "Salle du conseil", capacity=capacity)], audience="membres",
    )  # fmt: skip
    return planned.event.id, planned.sessions[0].id


# EVT-4: walk-ins and reminders ------------------------------------------------------------------


def test_a_walk_in_is_recorded_once_registrations_are_closed_EVT_4(
    each_cdg: App, rsgm_clock: Clock
) -> None:
    app = each_cdg
    alice, bruno, chloe = (member(app, n) for n in ("Alice", "Bruno", "Chloe"))
    event_id, session_id = plan(app, capacity=1)
    app.registrations.register(session_id, alice)
    rsgm_clock.set(DAY - dt.timedelta(days=2))  # past the deadline (D − 8 days)
    error = nothing_written(app, lambda: app.registrations.register(session_id, bruno), "EVT-4")
    assert "sont closes depuis le" in str(error)
    rsgm_clock.set(DAY)  # on the day, Bruno and Chloé come without a seat
    marked = app.registrations.attend(session_id, [alice], walk_ins=[bruno, chloe])
    assert {r.member_id for r in marked if r.attended} == {alice, bruno, chloe}
    rates = app.registrations.rates(event_id)
    assert (rates.registered, rates.attendees) == (3, 3)  # past the capacity too


def test_reminders_go_only_to_people_still_registered_EVT_4(each_cdg: App) -> None:
    app = each_cdg
    alice, bruno, chloe, _david = (member(app, n) for n in ("Alice", "Bruno", "Chloe", "David"))
    event_id, session_id = plan(app, capacity=2)
    app.event_mail.send_invitations(event_id)
    app.registrations.register(session_id, alice)
    cancelled = app.registrations.register(session_id, bruno)
    app.registrations.register(session_id, chloe)  # waiting list
    app.registrations.cancel(cancelled.id)  # Chloé promoted
    before = {m.id for m in app.outbox.list_messages()}
    done = app.event_mail.remind(event_id)
    assert (done.reminded, done.relanced) == (2, 1)
    sent = [m for m in app.outbox.list_messages() if m.id not in before]
    by_template = {(m.template, m.recipient.split("@")[0]) for m in sent}
    assert by_template == {
        ("event_registered_reminder", "alice"),
        ("event_registered_reminder", "chloe"),
        ("event_reminder", "david"),  # invited, never answered
    }  # Bruno cancelled: neither a reminder nor a relance


# EVT-5, MEM-14: who the invitation reached ------------------------------------------------------


def test_the_invitation_counts_only_who_it_reached_and_names_the_others_EVT_5_MEM_14(
    each_cdg: App,
) -> None:
    app = each_cdg
    reached = [member(app, n) for n in ("Alice", "Bruno")]
    no_mail = [member(app, n, email=False) for n in ("Chloe", "David")]
    opted_out = member(app, "Emma")
    app.members.opt_out_of_invitations(opted_out)
    event_id, _ = plan(app)
    done = app.event_mail.invite(event_id)
    assert (done.invited, done.sent) == (2, 2)
    assert app.events.get(event_id).event.invited == 2  # the participation denominator
    assert {(u.member.id, u.reason) for u in done.unreached} == {
        (no_mail[0], UnreachedReason.NO_EMAIL),
        (no_mail[1], UnreachedReason.NO_EMAIL),
        (opted_out, UnreachedReason.OPTED_OUT),
    }
    assert done.count_by_reason() == {UnreachedReason.NO_EMAIL: 2, UnreachedReason.OPTED_OUT: 1}
    assert UnreachedReason.OPTED_OUT.counted(3) == "3 désinscrits"
    assert UnreachedReason.NO_EMAIL.counted(6) == "6 sans e-mail"
    invitations = [m for m in app.outbox.list_messages() if m.template == "event_invitation"]
    assert sorted(m.recipient.split("@")[0] for m in invitations) == ["alice", "bruno"]
    # A second round reaches only who was not invited yet, and counts nobody twice.
    late = member(app, "Fanny")
    again = app.event_mail.invite(event_id)
    assert (again.invited, again.sent) == (3, 1)
    assert app.event_mail.send_invitations(event_id) == 3
    assert len([m for m in app.outbox.list_messages() if m.template == "event_invitation"]) == 3
    assert {m.recipient.split("@")[0] for m in app.outbox.list_messages()} >= {"fanny"}
    assert late and reached


def test_an_erased_person_is_reported_not_invited_MEM_11(app: App) -> None:
    app.census.import_(SAMPLE, ["79"])
    alice = app.members.add("Alice", "Test", email="alice@example.org", lifecycle="actif")
    app.members.add_position(alice.id, "79307", "sgm")
    event_id, _ = plan(app)
    with app.deps.transaction() as uow:  # an erased record still holding a position
        uow.members.update(attrs.evolve(uow.members.get(alice.id), erased_on=dt.date(2025, 3, 1)))
    done = app.event_mail.invite(event_id)
    assert done.invited == 0
    assert [(u.member.id, u.reason) for u in done.unreached] == [(alice.id, UnreachedReason.ERASED)]


# EVT-8: a recurring series of real sessions -----------------------------------------------------

START = dt.datetime(2025, 5, 21, 9, 0, tzinfo=PARIS)  # a Wednesday: not a first Thursday
RULE = "FREQ=MONTHLY;COUNT=6;BYDAY=1TH"
FIRST_THURSDAYS = [
    dt.date(2025, 6, 5), dt.date(2025, 7, 3), dt.date(2025, 8, 7),
    dt.date(2025, 9, 4), dt.date(2025, 10, 2), dt.date(2025, 11, 6),
]  # fmt: skip


def test_a_series_makes_real_sessions_people_register_to_EVT_8_EVT_4(each_cdg: App) -> None:
    app = each_cdg
    alice = member(app, "Alice")
    series = app.events.add_series(
        "Webinaire des SGM", "webinaire", "distanciel", START, RULE,
        minutes=45, place="Visioconférence", capacity=1,
    )  # fmt: skip
    assert series.start == dt.datetime(2025, 6, 5, 9, 0, tzinfo=PARIS)  # the first occurrence
    assert series.rule == RULE
    events = [d for d in app.events.list_events() if d.event.series_id == series.id]
    assert [d.sessions[0].date for d in events] == FIRST_THURSDAYS
    assert {(s.start, s.end) for d in events for s in d.sessions} == {
        (dt.time(9, 0), dt.time(9, 45))
    }
    # Real sessions: registration, waiting list, invitation, tracking, to-do list.
    first = events[0].sessions[0]
    app.registrations.register(first.id, alice)
    assert app.registrations.register(first.id, member(app, "Bruno")).status.value == (
        "liste d'attente"
    )
    assert app.event_mail.invite(events[0].event.id).invited == 2
    assert [r.dates for r in app.events.list_tracking_rows(year=2025)] == [
        (d,) for d in FIRST_THURSDAYS
    ]
    todo = app.events.todo(period=Period(dt.date(2025, 5, 1), dt.date(2025, 6, 30)))
    assert {i.event.id for i in todo} >= {events[0].event.id, events[1].event.id}
    # One calendar entry per occurrence: the series' RRULE, no second entry per session.
    calendar = icalendar.Calendar.from_ical(app.events.feed())
    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == 1 and entries[0]["RRULE"].to_ical().decode().count("COUNT=6") == 1
    assert entries[0].decoded("DTSTART") == series.start
    mine = list(icalendar.Calendar.from_ical(app.events.feed(member_id=alice)).walk("VEVENT"))
    assert [e.decoded("DTSTART") for e in mine] == [dt.datetime(2025, 6, 5, 9, 0, tzinfo=PARIS)]


def test_a_series_without_an_end_covers_a_year_and_says_so_EVT_8(app: App) -> None:
    series = app.events.add_series(
        "Matinale", "matinale", "distanciel", dt.datetime(2025, 5, 1, 9), "FREQ=MONTHLY;BYDAY=1TH"
    )
    assert series.rule == "FREQ=MONTHLY;BYDAY=1TH;COUNT=12"
    dates = [d.sessions[0].date for d in app.events.list_events()]
    assert dates[0] == dt.date(2025, 5, 1) and dates[-1] == dt.date(2026, 4, 2)
    assert len(dates) == 12


def test_a_series_is_planned_as_events_are_EVT_3_EVT_8(each_cdg: App) -> None:
    app = each_cdg
    soon = dt.datetime(2025, 4, 3, 9, 0, tzinfo=PARIS)  # 20 days ahead
    error = nothing_written(
        app,
        lambda: app.events.add_series("M", "matinale", "distanciel", soon, RULE),
        "EVT-3",
    )
    assert isinstance(error, RuleViolation)
    forced = app.events.add_series("M", "matinale", "distanciel", soon, RULE, force=True)
    late = [d.event.late for d in app.events.list_events() if d.event.series_id == forced.id]
    assert late[0] and not any(late[1:])  # only the first occurrence is short of notice
    for bad, rule in [
        ("FREQ=SOMETIMES", "EVT-8"),
        ("FREQ=DAILY;COUNT=400", "EVT-8"),  # one event per occurrence: bounded
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2;COUNT=2", "EVT-8"),  # no occurrence at all
    ]:
        nothing_written(
            app, lambda r=bad: app.events.add_series("M", "matinale", "distanciel", START, r), rule
        )
    nothing_written(
        app,
        lambda: app.events.add_series(
            "M", "matinale", "distanciel", START.replace(hour=23), RULE, minutes=90
        ),
        "EVT-1",
    )


# EVT-4, CHA-2: a session's deadline -------------------------------------------------------------


def test_a_session_s_deadline_is_changed_by_cdg_staff_and_recorded_EVT_4_CHA_2(
    each_cdg: App, rsgm_clock: Clock
) -> None:
    app = each_cdg
    admin = administrator(app)
    alice = member(app, "Alice")
    _, session_id = plan(app)
    rsgm_clock.set(DAY - dt.timedelta(days=3))  # closed since D − 8
    nothing_written(app, lambda: app.registrations.register(session_id, alice), "EVT-4")
    error = nothing_written(
        app, lambda: app.events.set_deadline(session_id, DAY, by=alice), "EVT-4"
    )
    assert isinstance(error, PermissionDeniedError)  # a member does not move deadlines
    changed = app.events.set_deadline(session_id, DAY - dt.timedelta(days=1), by=admin)
    assert (changed.deadline, changed.deadline_set_by, changed.deadline_set_on) == (
        DAY - dt.timedelta(days=1), admin, DAY - dt.timedelta(days=3),
    )  # fmt: skip
    assert app.events.get(changed.event_id).sessions[0] == changed  # stored
    app.registrations.register(session_id, alice)  # reopened
    for bad in (DAY + dt.timedelta(days=1), DAY - dt.timedelta(days=4)):  # after it; past
        nothing_written(
            app, lambda d=bad: app.events.set_deadline(session_id, d, by=admin), "EVT-4"
        )
    with pytest.raises(ValidationError):
        app.events.set_deadline(session_id, "2025-06-18", by=admin)  # type: ignore[arg-type]
    rsgm_clock.set(DAY + dt.timedelta(days=1))
    nothing_written(app, lambda: app.events.set_deadline(session_id, DAY, by=admin), "EVT-4")
