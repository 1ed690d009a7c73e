"""Events, registrations, rates, certificates, surveys and newsletter cadence (EVT-1, EVT-4..EVT-7,
EVT-9, EVT-10, SUR-1) on the pure domain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.animation import Survey, check_answer
from rsgm_core.domain.events import (
    CERTIFICATE_TITLE,
    Event,
    EventAudience,
    EventFormat,
    EventKind,
    Registration,
    RegistrationStatus,
    Session,
    SessionPlan,
    SurveyKind,
    attendance_rates,
    cancel,
    certificate_recipients,
    check_cancellable,
    check_deadlines,
    check_newsletter,
    check_plan,
    check_registrant,
    in_depth_survey_due,
    mark_attendance,
    register,
    satisfaction,
    tracking_row,
    walk_in,
)
from rsgm_core.domain.members import Lifecycle, Member

DAY = dt.date(2025, 6, 19)


def session(capacity: int | None = 2) -> Session:
    return Session("s1", "e1", DAY, "Niort", deadline=dt.date(2025, 6, 11), capacity=capacity)


def test_kinds_and_formats_EVT_1() -> None:
    assert {k.value for k in EventKind} >= {"journée réseau", "matinale", "webinaire"}
    assert {f.value for f in EventFormat} == {"présentiel", "distanciel", "hybride"}
    with pytest.raises(ValidationError) as info:
        Event("e1", "Webinaire 45 minutes", EventKind.WEBINAR, EventFormat.IN_PERSON)
    assert info.value.rule == "EVT-1"


def test_bad_sessions_are_refused_EVT_4() -> None:
    with pytest.raises(ValidationError, match="-1"):
        Session("s1", "e1", DAY, "Niort", deadline=DAY, capacity=-1)
    with pytest.raises(ValidationError):
        Session("s1", "e1", DAY, "Niort", deadline=DAY + dt.timedelta(days=1))


def test_registration_closes_at_the_deadline_and_once_per_person_EVT_4() -> None:
    first = register(session(), [], registration_id="r1", member_id="m1", on=dt.date(2025, 6, 11))
    assert first.status is RegistrationStatus.CONFIRMED
    with pytest.raises(RuleViolation, match="closes depuis le 11/06/2025"):
        register(session(), [], registration_id="r2", member_id="m2", on=dt.date(2025, 6, 12))
    with pytest.raises(RuleViolation) as info:
        register(session(), [first], registration_id="r3", member_id="m1", on=dt.date(2025, 6, 1))
    assert info.value.rule == "EVT-4"


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 9)), max_size=40), st.integers(1, 5))
def test_capacity_is_never_exceeded_and_the_waiting_list_moves_in_order_EVT_4(
    steps: list[tuple[bool, int]], capacity: int
) -> None:
    seat = session(capacity)
    registrations: dict[str, Registration] = {}
    for number, (cancelling, who) in enumerate(steps):
        live = [r for r in registrations.values() if r.status is not RegistrationStatus.CANCELLED]
        mine = [r for r in live if r.member_id == f"m{who}"]
        if cancelling and mine:
            done, promoted = cancel(mine[0], list(registrations.values()))
            registrations[done.id] = done
            if promoted:
                waiting = [r for r in live if r.status is RegistrationStatus.WAITING]
                assert promoted.rank == min(r.rank for r in waiting)  # first come, first promoted
                registrations[promoted.id] = promoted
        elif not mine:
            new = register(
                seat, list(registrations.values()), registration_id=f"r{number}",
                member_id=f"m{who}", on=dt.date(2025, 6, 1),
            )  # fmt: skip
            registrations[new.id] = new
        statuses = [r.status for r in registrations.values()]
        confirmed = statuses.count(RegistrationStatus.CONFIRMED)
        assert confirmed <= capacity
        if RegistrationStatus.WAITING in statuses:
            assert confirmed == capacity  # nobody waits while a seat is free


def test_rates_EVT_5() -> None:
    regs = [
        Registration(f"r{i}", "s1", f"m{i}", DAY, i, RegistrationStatus.CONFIRMED, attended=i < 3)
        for i in range(4)
    ]
    rates = attendance_rates(regs, invited=10)
    assert rates.participation_of_invited == Decimal("0.3")
    assert rates.participation_of_registered == Decimal("0.75")
    assert rates.no_show == Decimal("0.25")
    empty = attendance_rates([], invited=0)
    assert empty.participation_of_invited is None and empty.no_show is None  # no rate, not 0 %
    with pytest.raises(ValidationError):
        attendance_rates(regs, invited=2)


def test_certificates_go_to_attendees_only_EVT_6() -> None:
    regs = [
        Registration("a", "s1", "m1", DAY, 1, RegistrationStatus.CONFIRMED, attended=True),
        Registration("b", "s1", "m2", DAY, 2, RegistrationStatus.CONFIRMED, attended=False),
        Registration("c", "s1", "m3", DAY, 3, RegistrationStatus.CONFIRMED, attended=None),
        Registration("d", "s1", "m4", DAY, 4, RegistrationStatus.CANCELLED, attended=True),
    ]
    assert [r.id for r in certificate_recipients(regs)] == ["a"]
    assert CERTIFICATE_TITLE == "attestation de présence"


def test_tracking_row_EVT_7() -> None:
    event = Event("e1", "Journée réseau", EventKind.NETWORK_DAY, EventFormat.IN_PERSON,
                  topics=("état civil",), cost=Decimal("450.00"))  # fmt: skip
    other = Session("s2", "e1", DAY + dt.timedelta(days=7), "Bressuire", deadline=DAY)
    regs = [Registration(f"r{i}", "s1", f"m{i}", DAY, i, RegistrationStatus.CONFIRMED, attended=True)
            for i in range(9)]  # fmt: skip
    row = tracking_row(event, [other, session()], attendance_rates(regs, invited=30))
    assert row.places == ("Niort", "Bressuire") and row.cost_per_attendee == Decimal("50.00")
    assert row.participation == Decimal("0.3")


@given(st.lists(st.integers(1, 5), max_size=50), st.integers(50, 100))
def test_satisfaction_and_response_rates_EVT_9(scores: list[int], invited: int) -> None:
    rate, response = satisfaction(scores, invited=invited)
    if scores:
        assert rate == Decimal(sum(s >= 4 for s in scores)) / len(scores)
    else:
        assert rate is None
    assert response == Decimal(len(scores)) / invited


def test_scores_outside_the_scale_are_refused_EVT_9() -> None:
    with pytest.raises(ValidationError, match="6"):
        satisfaction([4, 6], invited=10)


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
def test_in_depth_survey_every_three_years_SUR_1(last: dt.date) -> None:
    three_years = (
        last.replace(year=last.year + 3)
        if (last.month, last.day) != (2, 29)
        else dt.date(last.year + 3, 2, 28)
    )
    assert in_depth_survey_due(last, three_years)
    assert not in_depth_survey_due(last, three_years - dt.timedelta(days=1))
    assert in_depth_survey_due(None, last)
    assert SurveyKind.NEWCOMER.value == "questionnaire à 3 mois"


def test_one_newsletter_a_month_unless_forced_EVT_10() -> None:
    sent = [dt.date(2025, 5, 28)]
    assert check_newsletter(sent, dt.date(2025, 6, 2)) is False
    with pytest.raises(RuleViolation) as info:
        check_newsletter([*sent, dt.date(2025, 6, 2)], dt.date(2025, 6, 20))
    assert info.value.rule == "EVT-10"
    assert check_newsletter([dt.date(2025, 6, 2)], dt.date(2025, 6, 20), force=True) is True


def test_a_plan_has_a_title_and_a_session_EVT_1() -> None:
    check_plan("Matinale", [SessionPlan(DAY, "Visio")])
    with pytest.raises(ValidationError) as info:
        check_plan("Matinale", [])
    assert info.value.rule == "EVT-1"
    with pytest.raises(ValidationError, match="titre"):
        check_plan("  ", [SessionPlan(DAY, "Visio")])


def test_a_deadline_already_past_is_refused_EVT_4() -> None:
    check_deadlines([session()], on=dt.date(2025, 6, 11))
    with pytest.raises(RuleViolation, match="11/06/2025") as info:
        check_deadlines([session()], on=dt.date(2025, 6, 12))
    assert info.value.rule == "EVT-4"


def test_only_active_members_register_EVT_4() -> None:
    member = Member("m1", "Alice", "Martin", "alice@example.org")
    check_registrant(member)
    with pytest.raises(RuleViolation, match="a quitté le réseau") as info:
        check_registrant(attrs.evolve(member, lifecycle=Lifecycle.DEPARTED))
    assert info.value.rule == "EVT-4" and info.value.value == "m1"
    with pytest.raises(RuleViolation, match="réservé aux membres"):
        check_registrant(attrs.evolve(member, lifecycle=Lifecycle.PROSPECT))


@pytest.mark.parametrize(
    "audience, lifecycle, in_scope, allowed",
    [
        (EventAudience.MEMBERS, Lifecycle.ACTIVE, False, True),
        (EventAudience.MEMBERS, Lifecycle.PROSPECT, True, False),
        (EventAudience.SCOPE, Lifecycle.PROSPECT, True, True),
        (EventAudience.SCOPE, Lifecycle.INVITED, True, True),
        (EventAudience.SCOPE, Lifecycle.PROSPECT, False, False),  # a guest
        (EventAudience.SCOPE, Lifecycle.ACTIVE, False, True),
        (EventAudience.GUESTS, Lifecycle.PROSPECT, False, True),
        (EventAudience.GUESTS, Lifecycle.DEPARTED, True, False),
    ],
)
def test_who_may_register_is_set_per_event_EVT_4_MEM_14(
    audience: EventAudience, lifecycle: Lifecycle, in_scope: bool, allowed: bool
) -> None:
    member = Member("m1", "Alice", "Martin", "alice@example.org", lifecycle=lifecycle)
    if allowed:
        check_registrant(member, audience=audience, in_scope=in_scope)
    else:
        with pytest.raises(RuleViolation) as info:
            check_registrant(member, audience=audience, in_scope=in_scope)
        assert info.value.rule == "EVT-4"


def test_events_recorded_before_the_audience_was_kept_are_for_members_EVT_4() -> None:
    event = Event("e1", "Journée", EventKind.NETWORK_DAY, EventFormat.IN_PERSON)
    assert event.audience is EventAudience.MEMBERS  # the default migration 14 gives old rows


def test_a_registration_is_cancelled_before_its_session_EVT_4() -> None:
    mine = Registration("r1", "s1", "m1", DAY, 1, RegistrationStatus.CONFIRMED)
    check_cancellable(mine, session(), on=DAY)  # the same day still
    with pytest.raises(RuleViolation, match="a eu lieu") as info:
        check_cancellable(mine, session(), on=DAY + dt.timedelta(days=1))
    assert info.value.rule == "EVT-4"


def test_the_sign_in_sheet_of_a_session_held_EVT_5() -> None:
    regs = [
        Registration("a", "s1", "m1", DAY, 1, RegistrationStatus.CONFIRMED),
        Registration("b", "s1", "m2", DAY, 2, RegistrationStatus.CONFIRMED),
        Registration("c", "s1", "m3", DAY, 3, RegistrationStatus.WAITING),
        Registration("d", "s2", "m4", DAY, 1, RegistrationStatus.CONFIRMED),
    ]
    marked = mark_attendance(session(), regs, ["m1"], on=DAY)
    assert [(r.id, r.attended) for r in marked] == [("a", True), ("b", False)]
    with pytest.raises(RuleViolation, match="pas encore eu lieu") as info:
        mark_attendance(session(), regs, ["m1"], on=DAY - dt.timedelta(days=1))
    assert info.value.rule == "EVT-5"
    with pytest.raises(RuleViolation, match="m3") as info:  # waiting, not confirmed
        mark_attendance(session(), regs, ["m1", "m3"], on=DAY)
    assert info.value.rule == "EVT-5"


def test_a_satisfaction_answer_carries_a_score_EVT_9() -> None:
    survey = Survey("v", SurveyKind.SATISFACTION, "Avis", DAY, 10, event_id="e1")
    check_answer(survey, 4)
    with pytest.raises(ValidationError) as info:
        check_answer(survey, None)
    assert info.value.rule == "EVT-9"
    with pytest.raises(ValidationError, match="6"):
        check_answer(survey, 6)
    needs = attrs.evolve(survey, kind=SurveyKind.NEEDS, event_id=None)
    check_answer(needs, None)  # a needs survey may be answered in words


def test_a_walk_in_is_recorded_at_sign_in_past_deadline_and_capacity_EVT_4() -> None:
    full = [
        Registration("r1", "s1", "m1", DAY, 1, RegistrationStatus.CONFIRMED),
        Registration("r2", "s1", "m2", DAY, 2, RegistrationStatus.CONFIRMED),
        Registration("r3", "s1", "m3", DAY, 3, RegistrationStatus.WAITING),
    ]
    came = walk_in(session(), full, registration_id="r4", member_id="m4", on=DAY)
    assert (came.status, came.attended, came.rank, came.registered_on) == (
        RegistrationStatus.CONFIRMED, True, 4, DAY,
    )  # fmt: skip
    waiting = walk_in(session(), full, registration_id="x", member_id="m3", on=DAY)
    assert (waiting.id, waiting.status, waiting.attended) == (
        "r3",
        RegistrationStatus.CONFIRMED,
        True,
    )
    with pytest.raises(RuleViolation, match="cochez cette personne parmi les présents") as info:
        walk_in(session(), full, registration_id="x", member_id="m1", on=DAY)
    assert info.value.rule == "EVT-4"
    with pytest.raises(RuleViolation, match="pas encore eu lieu"):
        walk_in(session(), full, registration_id="x", member_id="m4", on=DAY - dt.timedelta(days=1))
