"""Planning an event (EVT-1..EVT-4) before it is stored: the event and its sessions checked
against the rules, then stored inside the caller's unit of work. Shared by ``app.events.plan``
and the recurring series (``app.events.add_series``, one event per occurrence, EVT-8).

Not part of the public API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from rsgm_core.domain.events import (
    Event,
    EventAudience,
    EventFormat,
    EventKind,
    Planned,
    Session,
    SessionPlan,
    check_deadlines,
    check_plan,
)
from rsgm_core.domain.planning_checks import (
    PastTopic,
    PlanningWarning,
    RecordedWarning,
    planning_warnings,
    school_zone,
)
from rsgm_core.domain.timeline import DEFAULT_RULES, TaskKind, WorkingCalendar, check_planning
from rsgm_core.services.members import enum_of, new_id

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["check_calendar", "prepare", "store_planned"]

_HEADCOUNT = next(r for r in DEFAULT_RULES if r.kind is TaskKind.HEADCOUNT)


def prepare(
    deps: Deps,
    calendar_around: Callable[..., WorkingCalendar],
    title: str,
    kind: EventKind | str,
    format: EventFormat | str,
    sessions: Sequence[SessionPlan],
    *,
    topics: Iterable[str] = (),
    cost: Decimal | int = Decimal(0),
    host_commune: str | None = None,
    network_id: str | None = None,
    force: bool = False,
    audience: EventAudience | str = EventAudience.SCOPE,
    series_id: str | None = None,
) -> Planned:
    """The event and its sessions ``app.events.plan`` records, checked (EVT-1..EVT-4), not
    stored; ``calendar_around(*days)`` is the working calendar around the days (EVT-3)."""
    check_plan(title, sessions)
    today = deps.today()
    first = min(s.date for s in sessions)
    calendar = calendar_around(*(s.date for s in sessions))
    for plan in sessions:
        check_planning(plan.date, today=today, calendar=calendar, force=True)  # none passed
    check = check_planning(first, today=today, calendar=calendar, force=force)
    event = Event(
        new_id(), title.strip(), enum_of(EventKind, kind, "type d'événement"),
        enum_of(EventFormat, format, "format"), topics=tuple(t.strip() for t in topics if t.strip()),
        cost=cost if isinstance(cost, Decimal | float) else Decimal(cost),  # floats refused
        host_commune=host_commune, network_id=network_id,
        planned_on=today, late=check.late,
        audience=enum_of(EventAudience, audience, "public de l'événement"), series_id=series_id,
    )  # fmt: skip
    made = tuple(
        Session(
            new_id(), event.id, p.date, p.place.strip(),
            deadline=p.deadline or calendar.on_or_before(_HEADCOUNT.nominal(p.date)),
            capacity=p.capacity, start=p.start, end=p.end,
        )
        for p in sorted(sessions, key=lambda p: (p.date, p.start))
    )  # fmt: skip
    check_deadlines(made, on=today)
    warnings = check_calendar(deps, event, [s.date for s in made])
    return Planned(event, made, check, warnings=tuple(warnings), forced=force)


def check_calendar(deps: Deps, event: Event, days: Sequence[dt.date]) -> list[PlanningWarning]:
    """EVT-11: the warnings for an event planned on ``days``: the CDG's other events and the
    network's sessions that day, the school holidays of the zones of its territory (the host
    commune's department, else the network's, else the CDG's), the weeks of national elections,
    and its topics covered by another event in the 12 months before."""
    from rsgm_core.services.census import territory_of

    with deps.read() as uow:
        departements: list[str] = []
        if event.host_commune is not None:
            host = uow.communes.find(event.host_commune)
            departements = [host.departement] if host is not None else []
        if not departements and event.network_id is not None:
            network = uow.networks.find(event.network_id)
            departements = [network.departement] if network and network.departement else []
        if not departements:
            departements = list(territory_of(deps, uow))
        titles = {e.id: e for e in uow.events.list() if e.id != event.id}
        others = [
            PastTopic(s.date, titles[s.event_id].title, titles[s.event_id].topics)
            for s in uow.sessions.list()
            if s.event_id in titles
        ]
        cdg_dates = uow.cdg_dates.list()
    zones = sorted({z for z in (school_zone(d) for d in departements) if z})
    holidays = [p for zone in zones for p in deps.hooks.school_holidays(zone, deps.settings)]
    return planning_warnings(
        days, topics=event.topics, zones=zones, holidays=holidays,
        elections=deps.hooks.elections(deps.settings), cdg_dates=cdg_dates,
        other_sessions=others,
    )  # fmt: skip


def store_planned(uow: UnitOfWork, planned: Planned) -> None:
    """Store an event checked by ``EventService._prepare`` and its sessions, its host commune and
    network checked inside the caller's unit of work."""
    if planned.event.host_commune is not None:
        uow.communes.get(planned.event.host_commune)
    if planned.event.network_id is not None:
        uow.networks.get(planned.event.network_id)
    uow.events.add(planned.event)
    uow.sessions.add_all(planned.sessions)
    uow.planning_warnings.add_all(  # EVT-11: the history keeps what planning warned of
        RecordedWarning(
            new_id(),
            planned.event.id,
            w.day,
            w.kind,
            w.message,
            planned.event.planned_on or w.day,
            forced=planned.forced,
        )
        for w in planned.warnings
    )
