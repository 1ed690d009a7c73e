"""Events as use cases (EVT-1..EVT-8): ``app.events``.

Each write is one unit of work: it loads what it needs, applies the rules of
:mod:`rsgm_core.domain.events` and :mod:`rsgm_core.domain.timeline`, saves, and queues its messages
in the same transaction (NOT-1). Reading the session and counting its seats happen inside the unit
of work that adds the registration; the SQL backend takes its write lock when that unit of work
begins (``BEGIN IMMEDIATE``), so two writers racing for the last seat are served one after the
other and never oversell (EVT-4).

Attendance also feeds the network's engagement rules (MEM-7): each invitation is an
``AttendanceFact`` (id ``<event id>/<member id>``) updated on registration, cancellation and
sign-in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.events import (
    Event,
    EventFormat,
    EventKind,
    Rates,
    Registration,
    RegistrationStatus,
    Session,
    TrackingRow,
    cancel,
    register,
    tracking_row,
)
from rsgm_core.domain.members import Lifecycle
from rsgm_core.domain.timeline import (
    DEFAULT_RULES,
    PlanningCheck,
    Task,
    TaskKind,
    WorkingCalendar,
    check_planning,
    due_between,
    timeline,
)
from rsgm_core.errors import RuleViolation, ValidationError
from rsgm_core.services.census import CensusService
from rsgm_core.services.event_messages import (
    EventMessages,
    event_context,
    event_registrations,
    mark_task,
    rates_of,
    record_fact,
    sessions_of,
)
from rsgm_core.services.members import enum_of, new_id
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.domain.animation import RecurringSeries
    from rsgm_core.services.deps import Deps

__all__ = ["EventService", "Planned", "SessionPlan", "TodoItem"]

_HEADCOUNT = next(r for r in DEFAULT_RULES if r.kind is TaskKind.HEADCOUNT)


@attrs.frozen
class SessionPlan:
    """One sitting to plan; the deadline defaults to the headcount day (EVT-2: D − 8 days)."""

    date: dt.date
    place: str
    capacity: int | None = None
    deadline: dt.date | None = None
    start: dt.time = dt.time(9, 30)
    end: dt.time = dt.time(12, 30)


@attrs.frozen
class Planned:
    event: Event
    sessions: tuple[Session, ...]
    check: PlanningCheck  # ``check.late``: forced with less than a month's notice (EVT-3)


@attrs.frozen
class TodoItem:
    event: Event
    task: Task
    overdue: bool


class EventService(EventMessages):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._holidays: dict[tuple[int, str], frozenset[dt.date]] = {}

    # Working calendar (EVT-3) ------------------------------------------------------------------

    def calendar(self, years: Iterable[int]) -> WorkingCalendar:
        """Weekends plus the public holidays of every department of the territory: a day off in
        any of them is avoided, so no deadline is later than required anywhere (EVT-3)."""
        territory = CensusService(self.deps).territory()
        departements = sorted(territory.departements) if territory else []
        days: set[dt.date] = set()
        for year in sorted(set(years)):
            key = (year, ",".join(departements))  # a later import may widen the territory
            if key not in self._holidays:
                self._holidays[key] = frozenset().union(
                    *(
                        self.deps.hooks.public_holidays(year, d, self.deps.settings)
                        for d in departements
                    )
                )
            days |= self._holidays[key]
        return WorkingCalendar(days)

    def _calendar_around(self, *days: dt.date) -> WorkingCalendar:
        return self.calendar(y for d in days for y in (d.year - 1, d.year, d.year + 1))

    # Planning (EVT-1, EVT-2, EVT-3) ------------------------------------------------------------

    def plan(
        self,
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
    ) -> Planned:
        """Record an event and its sessions. An event in the past is refused (EVT-2); one that
        leaves less than a month for the invitation is refused unless ``force``, then flagged
        ``late`` (EVT-3)."""
        if not sessions:
            raise ValidationError(
                "un événement compte au moins une séance", rule="EVT-1", value=title
            )
        if not (title or "").strip():
            raise ValidationError("titre d'événement vide", rule="EVT-1", value=title)
        today = self.deps.today()
        first = min(s.date for s in sessions)
        calendar = self._calendar_around(*(s.date for s in sessions))
        for plan in sessions:
            check_planning(plan.date, today=today, calendar=calendar, force=True)  # none passed
        check = check_planning(first, today=today, calendar=calendar, force=force)
        event = Event(
            new_id(), title.strip(), enum_of(EventKind, kind, "type d'événement"),
            enum_of(EventFormat, format, "format"), topics=tuple(t.strip() for t in topics if t.strip()),
            cost=cost if isinstance(cost, Decimal | float) else Decimal(cost),  # floats refused
            host_commune=host_commune, network_id=network_id,
            planned_on=today, late=check.late,
        )  # fmt: skip
        made = tuple(
            Session(
                new_id(), event.id, p.date, p.place.strip(),
                deadline=p.deadline or calendar.on_or_before(_HEADCOUNT.nominal(p.date)),
                capacity=p.capacity, start=p.start, end=p.end,
            )
            for p in sorted(sessions, key=lambda p: (p.date, p.start))
        )  # fmt: skip
        for session in made:
            if session.deadline < today:
                raise RuleViolation(
                    f"date limite d'inscription déjà passée : {session.deadline.isoformat()}",
                    rule="EVT-4",
                    value=session.deadline,
                )
        with self.deps.transaction() as uow:
            if host_commune is not None:
                uow.communes.get(host_commune)
            if network_id is not None:
                uow.networks.get(network_id)
            uow.events.add(event)
            uow.sessions.add_all(made)
        return Planned(event, made, check)

    def get(self, event_id: str) -> tuple[Event, list[Session]]:
        with self.deps.read() as uow:
            return uow.events.get(event_id), sessions_of(uow, event_id)

    def list(self, *, year: int | None = None) -> list[tuple[Event, list[Session]]]:
        """Events with their sessions, by first date."""
        with self.deps.read() as uow:
            events = uow.events.list()
            by_event: dict[str, list[Session]] = {}
            for s in uow.sessions.list():
                by_event.setdefault(s.event_id, []).append(s)
        found = [(e, sorted(by_event.get(e.id, []), key=lambda s: s.date)) for e in events]
        if year is not None:
            found = [(e, ss) for e, ss in found if any(s.date.year == year for s in ss)]
        return sorted(
            found, key=lambda pair: (pair[1][0].date if pair[1] else dt.date.max, pair[0].title)
        )

    # Timeline and to-do list (EVT-2) -----------------------------------------------------------

    def timeline(self, event_id: str) -> tuple[Task, ...]:
        """Before-event tasks from the first session, after-event tasks from the last."""
        event, sessions = self.get(event_id)
        return self._timeline(event, sessions)

    def _timeline(self, event: Event, sessions: Sequence[Session]) -> tuple[Task, ...]:
        if not sessions:
            return ()
        first, last = sessions[0].date, sessions[-1].date
        calendar = self._calendar_around(first, last)
        hosted = event.host_commune is not None
        before = [t for t in timeline(first, calendar, hosted=hosted) if t.nominal < first]
        after = [t for t in timeline(last, calendar, hosted=hosted) if t.nominal > last]
        return (*before, *after)

    def todo(self, start: dt.date | None = None, end: dt.date | None = None) -> list[TodoItem]:
        """EVT-2: the tasks due this week (Monday to Sunday by default) across every event, with
        the tasks still undone from before, flagged overdue; tasks marked done are left out."""
        today = self.deps.today()
        start = start or today - dt.timedelta(days=today.weekday())
        end = end or start + dt.timedelta(days=6)
        items = []
        for event, sessions in self.list():
            tasks = [t for t in self._timeline(event, sessions) if t.kind.value not in event.done]
            late = [t for t in tasks if t.due < start]
            items += [TodoItem(event, t, True) for t in late]
            items += [TodoItem(event, t, False) for t in due_between(tasks, start, end)]
        return sorted(items, key=lambda i: (i.task.due, i.event.title))

    def mark_done(self, event_id: str, task: TaskKind | str, *, done: bool = True) -> Event:
        kind = enum_of(TaskKind, task, "tâche")
        with self.deps.transaction() as uow:
            return mark_task(uow, uow.events.get(event_id), kind, done=done)

    # Registrations (EVT-4) ---------------------------------------------------------------------

    def register(self, session_id: str, member_id: str) -> Registration:
        """Register a member: confirmed while seats remain, else on the waiting list."""
        with self.deps.transaction() as uow:
            session = uow.sessions.get(session_id)  # read and counted inside the write lock
            member = uow.members.get(member_id)
            if member.lifecycle is not Lifecycle.ACTIVE:
                raise RuleViolation(
                    f"{member.full_name} n'est pas membre actif du réseau ({member.lifecycle.value}) : "
                    "seuls les membres s'inscrivent",
                    rule="EVT-4",
                    value=member_id,
                )
            existing = uow.registrations.list({"session_id": session_id})
            made = register(
                session,
                existing,
                registration_id=new_id(),
                member_id=member_id,
                on=self.deps.today(),
            )
            uow.registrations.add(made)
            event = uow.events.get(session.event_id)
            record_fact(uow, event, member_id, session.date, registered=True)
        return made

    def cancel(self, registration_id: str) -> tuple[Registration, Registration | None]:
        """Cancel; the first on the waiting list takes the seat and is told (EVT-4, NOT-1)."""
        with self.deps.transaction() as uow:
            registration = uow.registrations.get(registration_id)
            session = uow.sessions.get(registration.session_id)
            if session.date < self.deps.today():
                raise RuleViolation(
                    f"la séance du {session.date.isoformat()} a eu lieu",
                    rule="EVT-4",
                    value=registration_id,
                )
            others = uow.registrations.list({"session_id": session.id})
            cancelled, promoted = cancel(registration, others)
            uow.registrations.update(cancelled)
            event = uow.events.get(session.event_id)
            if not any(
                r.member_id == registration.member_id
                and r.status is not RegistrationStatus.CANCELLED
                for r in event_registrations(uow, event.id)
                if r.id != registration.id
            ):
                record_fact(uow, event, registration.member_id, session.date, registered=False)
            if promoted is not None:
                uow.registrations.update(promoted)
                member = uow.members.get(promoted.member_id)
                if member.email:
                    queue_message(self.deps,
                        uow, "event_waiting_list_promotion", member.email,
                        {"member": member, **event_context(event, [session], self.deps.settings.locale)},
                    )  # fmt: skip
        return cancelled, promoted

    def registrations(self, event_id: str) -> list[Registration]:
        with self.deps.read() as uow:
            uow.events.get(event_id)
            return event_registrations(uow, event_id)

    # Attendance, rates, certificates (EVT-5, EVT-6, EVT-7) -------------------------------------

    def attend(self, session_id: str, present: Iterable[str]) -> list[Registration]:
        """Record the sign-in sheet of a session that has taken place: every confirmed registrant
        is present or absent; someone not registered cannot sign (EVT-5)."""
        wanted = set(present)
        with self.deps.transaction() as uow:
            session = uow.sessions.get(session_id)
            if session.date > self.deps.today():
                raise RuleViolation(
                    f"la séance du {session.date.isoformat()} n'a pas encore eu lieu",
                    rule="EVT-5",
                    value=session_id,
                )
            confirmed = [
                r for r in uow.registrations.list({"session_id": session_id})
                if r.status is RegistrationStatus.CONFIRMED
            ]  # fmt: skip
            strangers = sorted(wanted - {r.member_id for r in confirmed})
            if strangers:
                raise RuleViolation(
                    f"{len(strangers)} personne(s) non inscrite(s) à cette séance : "
                    f"{', '.join(strangers)} ; inscrivez-les d'abord",
                    rule="EVT-5",
                    value=strangers,
                )
            marked = [attrs.evolve(r, attended=r.member_id in wanted) for r in confirmed]
            uow.registrations.update_all(marked)
            event = uow.events.get(session.event_id)
            for r in marked:
                record_fact(
                    uow, event, r.member_id, session.date, registered=True, attended=r.attended
                )
            event = uow.events.get(event.id)  # the sheet is in: headcount and tracking row done
            mark_task(uow, mark_task(uow, event, TaskKind.HEADCOUNT), TaskKind.TRACKING_ROW)
        return marked

    def rates(self, event_id: str) -> Rates:
        with self.deps.read() as uow:
            event = uow.events.get(event_id)
            return rates_of(event, event_registrations(uow, event_id))

    def tracking(self, *, year: int | None = None) -> list[TrackingRow]:
        """EVT-7: one row per event, by date."""
        return [row for row, _rates in self.report(year=year)]

    def report(self, *, year: int | None = None) -> list[tuple[TrackingRow, Rates]]:
        """EVT-5 and EVT-7 for every event: its tracking row and all its rates, by date; reads
        events, sessions and registrations once each, whatever their number."""
        with self.deps.read() as uow:
            events = uow.events.list()
            sessions = uow.sessions.list()
            registrations = uow.registrations.list()
        by_event: dict[str, list[Session]] = {}
        for s in sessions:
            by_event.setdefault(s.event_id, []).append(s)
        by_session: dict[str, list[Registration]] = {}
        for r in registrations:
            by_session.setdefault(r.session_id, []).append(r)
        rows = []
        for event in events:
            mine = by_event.get(event.id, [])
            if not mine or (year is not None and all(s.date.year != year for s in mine)):
                continue
            regs = [r for s in mine for r in by_session.get(s.id, ())]
            rates = rates_of(event, regs)
            row = tracking_row(event, mine, rates)
            if all(r.attended is None for r in regs):  # not held, or no sign-in sheet yet
                row = attrs.evolve(row, participation=None, cost_per_attendee=None)
            rows.append((row, rates))
        return sorted(rows, key=lambda pair: (pair[0].dates[0], pair[0].title))

    # Calendar (EVT-8) --------------------------------------------------------------------------

    def feed(self, *, network_id: str | None = None, member_id: str | None = None) -> bytes:
        """The iCalendar feed of a network (all its events and series) or of one member (the
        sessions they are registered for, and the network's series)."""
        from rsgm_core.services.calendar import build_feed

        return build_feed(self.deps, network_id=network_id, member_id=member_id)

    def add_series(
        self,
        title: str,
        kind: EventKind | str,
        format: EventFormat | str,
        start: dt.datetime,
        rule: str,
        **options: Any,
    ) -> RecurringSeries:
        """A recurring event with an RFC 5545 rule (EVT-8); see :func:`services.calendar.add_series`."""
        from rsgm_core.services.calendar import add_series

        return add_series(self.deps, title, kind, format, start, rule, **options)

    def series(self) -> list[RecurringSeries]:
        from rsgm_core.services.calendar import series

        return series(self.deps)
