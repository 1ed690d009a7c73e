"""The aggregate read of the storage port (issue 24): a SQL backend's ``GROUP BY`` gives exactly
what the records give, on every backend, and the events' tracking table and rates (EVT-5, EVT-7)
computed from it equal those computed from the registrations themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rsgm_core import App, ValidationError
from rsgm_core.domain.events import (
    Event,
    EventFormat,
    EventKind,
    EventReport,
    Registration,
    RegistrationStatus,
    Session,
    tracking_row,
)
from rsgm_core.domain.members import Member
from rsgm_core.ports import Repository, Tally, UnitOfWork
from rsgm_core.services.event_messages import rates_of

DAY = dt.date(2025, 3, 3)
MEMBERS = [Member(f"m-{i}", "Camille", f"Martin {i}") for i in range(4)]
EVENTS = [
    Event(f"e-{i}", f"Rencontre {i}", EventKind.MATINALE, EventFormat.IN_PERSON,
          cost=Decimal(120 * i), invited=invited)
    for i, invited in enumerate((0, 3, 10))
]  # fmt: skip
SESSIONS = [
    Session(f"s-{i}", f"e-{i % 3}", DAY + dt.timedelta(days=7 * i), f"Salle {i}", DAY)
    for i in range(5)
]

registrations = st.lists(
    st.builds(
        lambda session, member, status, attended, rank: (session, member, status, attended, rank),
        st.sampled_from([s.id for s in SESSIONS]),
        st.sampled_from([m.id for m in MEMBERS]),
        st.sampled_from(list(RegistrationStatus)),
        st.sampled_from([None, True, False]),
        st.integers(0, 40),
    ),
    max_size=30,
)


def _stored(app: App) -> None:
    """The members, events and sessions the registrations refer to, once per database."""
    with app.storage.unit_of_work() as uow:
        if uow.members.count():
            return
        uow.members.add_all(MEMBERS)
        uow.events.add_all(EVENTS)
        uow.sessions.add_all(SESSIONS)
        uow.commit()


def _with_registrations(app: App, drawn: list[Any], check: Callable[[UnitOfWork], None]) -> None:
    """``check`` on a unit of work holding the drawn registrations, rolled back after."""
    with app.storage.unit_of_work() as uow:
        uow.registrations.add_all(
            Registration(f"r-{i}", s, m, DAY, rank, status, attended)
            for i, (s, m, status, attended, rank) in enumerate(drawn)
        )
        check(uow)  # never committed: the next example starts from no registration


def _records_path(uow: UnitOfWork) -> list[EventReport]:
    """The tracking table and rates as they were computed before the aggregate: from every
    registration record."""
    sessions = uow.sessions.list()
    regs = uow.registrations.list()
    rows = []
    for event in uow.events.list():
        mine = [s for s in sessions if s.event_id == event.id]
        theirs = [r for r in regs if r.session_id in {s.id for s in mine}]
        rates = rates_of(event, theirs)
        row = tracking_row(event, mine, rates)
        if all(r.attended is None for r in theirs):
            row = attrs.evolve(row, participation=None, cost_per_attendee=None)
        rows.append(EventReport(row, rates))
    return sorted(rows, key=lambda found: (found.row.dates[0], found.row.title))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=registrations, by=st.sampled_from([(), ("session_id",), ("status", "attended"),
       ("session_id", "status", "attended"), ("attended",)]),
       where=st.sampled_from([None, {"status": RegistrationStatus.CONFIRMED},
       {"attended": (True, None)}, {"session_id": ("s-1", "s-3")}, {"member_id": "m-9"}]))  # fmt: skip
def test_a_grouped_count_equals_the_records_count(
    app: App, drawn: list[Any], by: tuple[str, ...], where: dict[str, Any] | None
) -> None:
    _stored(app)

    def check(uow: UnitOfWork) -> None:
        repo = uow.registrations
        found = repo.aggregate(by, where=where, sums=("rank", "attended"))
        expected = Repository.aggregate(repo, by, where=where, sums=("rank", "attended"))
        assert found == expected
        assert sum(t.count for t in found.values()) == repo.count(where)

    _with_registrations(app, drawn, check)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=registrations)
def test_tracking_table_and_rates_from_the_aggregate_equal_those_of_the_records_EVT_5_EVT_7(
    app: App, drawn: list[Any]
) -> None:
    _stored(app)
    with app.storage.unit_of_work() as uow:
        uow.registrations.add_all(
            Registration(f"r-{i}", s, m, DAY, rank, status, attended)
            for i, (s, m, status, attended, rank) in enumerate(drawn)
        )
        expected = _records_path(uow)
        uow.commit()
    try:
        assert app.events.list_event_reports() == expected
        assert app.events.list_event_reports(year=2025) == expected
        assert app.events.list_event_reports(year=2024) == []
    finally:
        with app.storage.unit_of_work() as uow:
            for r in uow.registrations.list():
                uow.registrations.remove(r.id)
            uow.commit()


def test_no_matching_record_is_no_group_and_a_sum_needs_integers(app: App) -> None:
    _stored(app)
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.registrations.aggregate(()) == {}
        assert uow.members.aggregate((), where={"lifecycle": "nobody"}) == {}
        assert uow.members.aggregate(("helper",)) == {(False,): Tally(4)}
        with pytest.raises(ValidationError, match="nombre entier"):
            uow.members.aggregate((), sums=("last_name",))
        with pytest.raises(ValidationError, match="champ inconnu"):
            uow.members.aggregate(("shoe_size",))
