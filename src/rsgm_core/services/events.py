"""Planning events (EVT-1..EVT-3, EVT-7, EVT-8): ``app.events``.

Each write is one unit of work: it loads what it needs, applies the rules of
:mod:`rsgm_core.domain.events` and :mod:`rsgm_core.domain.timeline`, and saves. Registrations,
attendance and certificates are ``app.registrations``
(:class:`~rsgm_core.services.registrations.RegistrationService`); the messages of the timeline
are ``app.event_mail`` (:class:`~rsgm_core.services.event_mail.EventMailService`). Their old
names on ``app.events`` forward there for one release, with a ``DeprecationWarning``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from rsgm_core._compat import deprecated_aliases, moved_methods, warn_deprecated
from rsgm_core.domain.animation import RecurringSeries
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.events import (
    Event,
    EventAudience,
    EventDetails,
    EventFormat,
    EventKind,
    EventReport,
    Planned,
    Rates,
    Registration,
    RegistrationStatus,
    Session,
    SessionPlan,
    TodoItem,
    TrackingRow,
    change_deadline,
    tracking_row,
)
from rsgm_core.domain.indicators import Period
from rsgm_core.domain.timeline import (
    Task,
    TaskKind,
    WorkingCalendar,
    due_between,
    timeline,
)
from rsgm_core.services.authorization import authorize
from rsgm_core.services.census import CensusService
from rsgm_core.services.event_mail import EventMailService
from rsgm_core.services.event_messages import mark_task
from rsgm_core.services.event_planning import prepare, store_planned
from rsgm_core.services.members import enum_of
from rsgm_core.services.registrations import RegistrationService

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.domain.events import Cancellation, CertificateRow, SignInSheet
    from rsgm_core.services.deps import Deps

# SessionPlan, Planned and TodoItem are defined in the domain; importable from here as before.
__all__ = ["EventService", "Planned", "SessionPlan", "TodoItem"]


F = TypeVar("F", bound=Callable[..., Any])


def _this_week(today: dt.date) -> Period:
    monday = today - dt.timedelta(days=today.weekday())
    return Period(monday, monday + dt.timedelta(days=6))


def _todo_dates(todo: F) -> F:
    """``todo(start, end)`` (two dates, before 0.2.0) still works for a release, with a warning;
    so does ``todo(period)`` by position, now that ``period`` is keyword-only."""

    @functools.wraps(todo)
    def wrapper(self: EventService, *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], Period) and "period" not in kwargs:
            warn_deprecated("todo(period) by position", "todo(period=…)")
            return todo(self, *args[1:], period=args[0], **kwargs)
        start = kwargs.pop("start", args[0] if args and isinstance(args[0], dt.date) else None)
        end = kwargs.pop("end", args[1] if len(args) > 1 else None)
        if start is None and end is None:
            return todo(self, *args, **kwargs)
        warn_deprecated("todo(start, end)", "todo(period=Period(start, end))")
        start = start or _this_week(self.deps.today()).start
        return todo(self, period=Period(start, end or start + dt.timedelta(days=6)))

    return wrapper  # type: ignore[return-value]  # same signature as ``todo``


class EventService:
    """Events, their sessions, timeline and calendar: ``app.events``."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._holidays: dict[tuple[int, str], frozenset[dt.date]] = {}

    # Working calendar (EVT-3) ------------------------------------------------------------------

    def calendar(self, years: Iterable[int]) -> WorkingCalendar:
        """Weekends plus the public holidays of every department of the territory (the
        profile's ``[territoire]``, else the departments imported by the census): a day off in
        any of them is avoided, so no deadline is later than required anywhere (EVT-3). Whit
        Monday is a holiday unless the profile's ``[calendrier]`` says it is worked."""
        departements = sorted(self.deps.settings.departements)
        if not departements:
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
        audience: EventAudience | str = EventAudience.SCOPE,
    ) -> Planned:
        """Record an event and its sessions. An event in the past is refused (EVT-2); one that
        leaves less than a month for the invitation is refused unless ``force``, then flagged
        ``late`` (EVT-3). ``audience`` says who may register and who is invited (EVT-4,
        MEM-14): every SGM of the scope by default, or members only, or guests too."""
        planned = self._prepare(
            title, kind, format, sessions, topics=topics, cost=cost, host_commune=host_commune,
            network_id=network_id, force=force, audience=audience,
        )  # fmt: skip
        with self.deps.transaction() as uow:
            store_planned(uow, planned)
        return planned

    def _prepare(
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
        audience: EventAudience | str = EventAudience.SCOPE,
        series_id: str | None = None,
    ) -> Planned:
        """The event and its sessions :meth:`plan` records, checked (EVT-1..EVT-4), not stored."""
        return prepare(
            self.deps, self._calendar_around, title, kind, format, sessions, topics=topics,
            cost=cost, host_commune=host_commune, network_id=network_id, force=force,
            audience=audience, series_id=series_id,
        )  # fmt: skip

    def set_deadline(self, session_id: str, deadline: dt.date, *, by: str) -> Session:
        """EVT-4: change a session's registration deadline (a webinar's, to reopen or close it
        earlier), no later than the session and not already past; ``by``, CDG staff (CHA-2), is
        recorded on the session with the day. Registrations follow the new deadline."""
        today = self.deps.today()
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.SET_DEADLINE, on=today)
            changed = change_deadline(uow.sessions.get(session_id), deadline, by=actor.id, on=today)
            return uow.sessions.update(changed)

    def get(self, event_id: str) -> EventDetails:
        """One event with its sessions (raises ``NotFoundError``)."""
        with self.deps.read() as uow:
            event = uow.events.get(event_id)
            sessions = uow.sessions.list({"event_id": event_id})
        return EventDetails(event, tuple(sorted(sessions, key=lambda s: (s.date, s.start))))

    def list_events(self, *, year: int | None = None) -> list[EventDetails]:
        """Events with their sessions, by first date; ``year``: those with a session that year."""
        with self.deps.read() as uow:
            events = uow.events.list()
            by_event: dict[str, list[Session]] = {}
            for s in uow.sessions.list():
                by_event.setdefault(s.event_id, []).append(s)
        found = [
            EventDetails(e, tuple(sorted(by_event.get(e.id, []), key=lambda s: (s.date, s.start))))
            for e in events
        ]
        if year is not None:
            found = [d for d in found if any(s.date.year == year for s in d.sessions)]
        return sorted(
            found,
            key=lambda d: (d.sessions[0].date if d.sessions else dt.date.max, d.event.title),
        )

    # Timeline and to-do list (EVT-2) -----------------------------------------------------------

    def timeline(self, event_id: str) -> tuple[Task, ...]:
        """Before-event tasks from the first session, after-event tasks from the last."""
        details = self.get(event_id)
        return self._timeline(details.event, details.sessions)

    def _timeline(self, event: Event, sessions: Sequence[Session]) -> tuple[Task, ...]:
        if not sessions:
            return ()
        first, last = sessions[0].date, sessions[-1].date
        calendar = self._calendar_around(first, last)
        hosted = event.host_commune is not None
        before = [t for t in timeline(first, calendar, hosted=hosted) if t.nominal < first]
        after = [t for t in timeline(last, calendar, hosted=hosted) if t.nominal > last]
        return (*before, *after)

    @_todo_dates
    def todo(self, *, period: Period | None = None) -> list[TodoItem]:
        """EVT-2: the tasks due in ``period`` (this week, Monday to Sunday, by default) across
        every event, with the tasks still undone from before, flagged overdue; tasks marked done
        are left out."""
        period = period or _this_week(self.deps.today())
        items = []
        for details in self.list_events():
            event = details.event
            tasks = [
                t for t in self._timeline(event, details.sessions) if t.kind.value not in event.done
            ]
            items += [TodoItem(event, t, True) for t in tasks if t.due < period.start]
            items += [
                TodoItem(event, t, False) for t in due_between(tasks, period.start, period.end)
            ]
        return sorted(items, key=lambda i: (i.task.due, i.event.title))

    def mark_done(self, event_id: str, task: TaskKind | str, *, done: bool = True) -> Event:
        """Mark a timeline task done (or undone, ``done=False``) for the to-do list."""
        kind = enum_of(TaskKind, task, "tâche")
        with self.deps.transaction() as uow:
            return mark_task(uow, uow.events.get(event_id), kind, done=done)

    # Tracking (EVT-5, EVT-7) -------------------------------------------------------------------

    def list_tracking_rows(self, *, year: int | None = None) -> list[TrackingRow]:
        """EVT-7: one row per event, by date."""
        return [found.row for found in self.list_event_reports(year=year)]

    def list_event_reports(self, *, year: int | None = None) -> list[EventReport]:
        """EVT-5 and EVT-7 for every event: its tracking row and all its rates, by date; reads
        events and sessions once each and counts the registrations where they are stored (one
        grouped count per session, status and sign-in outcome), whatever their number."""
        with self.deps.read() as uow:
            events = uow.events.list()
            sessions = uow.sessions.list()
            counts = uow.registrations.aggregate(("session_id", "status", "attended"))
        by_event: dict[str, list[Session]] = {}
        for s in sessions:
            by_event.setdefault(s.event_id, []).append(s)
        # per session: confirmed registrations, confirmed attendees, registrations signed in
        tallies: dict[str, list[int]] = {}
        for (session_id, status, attended), tally in counts.items():
            found = tallies.setdefault(session_id, [0, 0, 0])
            if status is RegistrationStatus.CONFIRMED:
                found[0] += tally.count
                found[1] += tally.count if attended else 0
            found[2] += tally.count if attended is not None else 0
        rows = []
        for event in events:
            mine = by_event.get(event.id, [])
            if not mine or (year is not None and all(s.date.year != year for s in mine)):
                continue
            confirmed = attendees = signed = 0
            for s in mine:
                c, a, g = tallies.get(s.id, (0, 0, 0))
                confirmed, attendees, signed = confirmed + c, attendees + a, signed + g
            # as rates_of(event, registrations): an attendee must have been registered (EVT-5)
            rates = Rates(max(event.invited, confirmed), confirmed, attendees)
            row = tracking_row(event, mine, rates)
            if not signed:  # not held, or no sign-in sheet yet
                row = attrs.evolve(row, participation=None, cost_per_attendee=None)
            rows.append(EventReport(row, rates))
        return sorted(rows, key=lambda found: (found.row.dates[0], found.row.title))

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
        *,
        minutes: int = 90,
        place: str = "",
        network_id: str | None = None,
        capacity: int | None = None,
        audience: EventAudience | str = EventAudience.SCOPE,
        force: bool = False,
    ) -> RecurringSeries:
        """A recurring event with an RFC 5545 rule (``FREQ=MONTHLY;BYDAY=1TH``) from ``start``
        (a naive time is read in the CDG's zone), lasting ``minutes``: one real event per
        occurrence, with one session people register to (``capacity``, ``audience``), listed,
        tracked and on the to-do list like any event (``Event.series_id``). A start that is not
        an occurrence moves to the first one; a rule with neither ``COUNT`` nor ``UNTIL`` covers
        a year and is recorded with its ``COUNT``. Less than a month's notice is refused unless
        ``force`` (EVT-3); a rule that is not RFC 5545 is refused; nothing written (EVT-8)."""
        from rsgm_core.services.calendar import add_series

        return add_series(
            self.deps, title, kind, format, start, rule,
            minutes=minutes, place=place, network_id=network_id,
            capacity=capacity, audience=audience, force=force,
        )  # fmt: skip

    def list_series(self) -> list[RecurringSeries]:
        """The recurring events (EVT-8)."""
        from rsgm_core.services.calendar import series

        return series(self.deps)

    # The former names, attached below at run time, typed for a caller's checker; ``list`` comes
    # last, so that no annotation of the class reads it instead of the builtin.
    if TYPE_CHECKING:

        @typed_deprecated("use list_series()")
        def series(self) -> list[RecurringSeries]: ...
        @typed_deprecated("use list_tracking_rows()")
        def tracking(self, *, year: int | None = None) -> list[TrackingRow]: ...
        @typed_deprecated("use list_event_reports()")
        def report(self, *, year: int | None = None) -> list[EventReport]: ...
        @typed_deprecated("use app.registrations.register()")
        def register(self, session_id: str, member_id: str) -> Registration: ...
        @typed_deprecated("use app.registrations.cancel()")
        def cancel(self, registration_id: str) -> Cancellation: ...
        @typed_deprecated("use app.registrations.list_registrations(event_id=…)")
        def registrations(
            self,
            event_id: str | None = None,
            *,
            session_id: str | None = None,
            member_id: str | None = None,
        ) -> list[Registration]: ...
        @typed_deprecated("use app.registrations.attend()")
        def attend(self, session_id: str, present: Iterable[str]) -> list[Registration]: ...
        @typed_deprecated("use app.registrations.sign_in()")
        def sign_in(self, session_id: str) -> SignInSheet: ...
        @typed_deprecated("use app.registrations.rates()")
        def rates(self, event_id: str) -> Rates: ...
        @typed_deprecated("use app.registrations.list_certificates(event_id=…)")
        def certificates(self, event_id: str) -> list[CertificateRow]: ...
        @typed_deprecated("use app.event_mail.send_invitations()")
        def invite(self, event_id: str) -> int: ...
        @typed_deprecated("use app.event_mail.send_reminders()")
        def remind(self, event_id: str) -> int: ...
        @typed_deprecated("use app.event_mail.send_minutes()")
        def send_minutes(self, event_id: str, summary: str) -> int: ...
        @typed_deprecated("use app.event_mail.thank_host()")
        def thank_host(self, event_id: str, recipient: str, *, signatory: str = "") -> None: ...
        @typed_deprecated("use app.event_mail.send_certificates()")
        def send_certificates(self, event_id: str, *, pdf: bool = False) -> int: ...
        @typed_deprecated("use list_events()")
        def list(self, *, year: int | None = None) -> list[EventDetails]: ...


deprecated_aliases(
    EventService,
    list="list_events",
    series="list_series",
    tracking="list_tracking_rows",
    report="list_event_reports",
)


_MOVED_TO: dict[str, Callable[[Deps], object]] = {
    "registrations": RegistrationService,
    "event_mail": EventMailService,
}
moved_methods(
    EventService,
    "events",
    [
        ("register", "registrations", RegistrationService.register),
        ("cancel", "registrations", RegistrationService.cancel),
        ("registrations", "registrations", RegistrationService.list_registrations),
        ("attend", "registrations", RegistrationService.attend),
        ("sign_in", "registrations", RegistrationService.sign_in),
        ("rates", "registrations", RegistrationService.rates),
        ("certificates", "registrations", RegistrationService.list_certificates),
        ("invite", "event_mail", EventMailService.send_invitations),
        ("remind", "event_mail", EventMailService.send_reminders),
        ("send_minutes", "event_mail", EventMailService.send_minutes),
        ("thank_host", "event_mail", EventMailService.thank_host),
        ("send_certificates", "event_mail", EventMailService.send_certificates),
    ],
    target=lambda events, area: _MOVED_TO[area](events.deps),
    first_as={"registrations": "event_id", "certificates": "event_id"},
)
