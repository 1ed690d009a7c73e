"""The logistics timeline of an event (EVT-2) on the CDG's working days (EVT-3).

From the event date D the guide asks for: the invitation with its registration form and deadline,
and the mayors informed, at least one month before (D − 1 month); a reminder at D − 15 days; the
registrations counted and the sign-in sheet prepared at D − 8 days; then, after the event, the
minutes to every member, thanks to the host commune, the tracking row, the attendance certificates,
feedback to elected officials and the satisfaction survey.

Every date that falls on a weekend or a public holiday moves to the *previous* working day, so no
deadline is ever later than required. The guide gives no delay for the after-event tasks: the
defaults below (a few working days) are a choice, and a CDG passes its own rules.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "DEFAULT_RULES",
    "PlanningCheck",
    "Task",
    "TaskKind",
    "TimelineRule",
    "WorkingCalendar",
    "check_planning",
    "due_between",
    "timeline",
]


class TaskKind(enum.Enum):
    INVITATION = "invitation"
    MAYORS_INFORMED = "information des maires"
    REMINDER = "relance"
    HEADCOUNT = "recensement des inscriptions et feuille d'émargement"
    SATISFACTION_SURVEY = "questionnaire de satisfaction"
    THANKS_HOST = "remerciements à la commune d'accueil"
    TRACKING_ROW = "tableau de suivi"
    CERTIFICATES = "attestations de présence"
    MINUTES = "compte-rendu aux membres du réseau"
    FEEDBACK_ELECTED = "retour aux élus"


@attrs.frozen
class TimelineRule:
    """A task due ``months`` and ``days`` from the event date (negative: before it)."""

    kind: TaskKind
    months: int = 0
    days: int = 0
    needs_host: bool = False  # only for an event hosted by a commune

    def nominal(self, event_date: dt.date) -> dt.date:
        return event_date + relativedelta(months=self.months, days=self.days)


DEFAULT_RULES: tuple[TimelineRule, ...] = (
    TimelineRule(TaskKind.INVITATION, months=-1),  # EVT-2: at least one month before
    TimelineRule(TaskKind.MAYORS_INFORMED, months=-1),
    TimelineRule(TaskKind.REMINDER, days=-15),
    TimelineRule(TaskKind.HEADCOUNT, days=-8),
    TimelineRule(TaskKind.SATISFACTION_SURVEY, days=1),
    TimelineRule(TaskKind.THANKS_HOST, days=3, needs_host=True),
    TimelineRule(TaskKind.TRACKING_ROW, days=7),
    TimelineRule(TaskKind.CERTIFICATES, days=7),
    TimelineRule(TaskKind.MINUTES, days=14),
    TimelineRule(TaskKind.FEEDBACK_ELECTED, days=21),
)


def _days(values: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(values)


@attrs.frozen
class WorkingCalendar:
    """Non-working days of a territory: weekends plus the public holidays given (EVT-3)."""

    holidays: frozenset[dt.date] = attrs.field(converter=_days, factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def on_or_before(self, day: dt.date) -> dt.date:
        """``day`` if it is worked, else the previous working day (EVT-3)."""
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day


@attrs.frozen
class Task:
    kind: TaskKind
    due: dt.date  # the working day the task is due
    nominal: dt.date  # the date the rule gives, before moving off non-working days

    @property
    def label(self) -> str:
        return self.kind.value


def timeline(
    event_date: dt.date,
    calendar: WorkingCalendar,
    *,
    hosted: bool = True,
    rules: Iterable[TimelineRule] = DEFAULT_RULES,
) -> tuple[Task, ...]:
    """The tasks of an event on ``event_date``, in due-date order (EVT-2, EVT-3)."""
    tasks = [
        Task(rule.kind, calendar.on_or_before(rule.nominal(event_date)), rule.nominal(event_date))
        for rule in rules
        if hosted or not rule.needs_host
    ]
    return tuple(sorted(tasks, key=lambda t: (t.due, list(TaskKind).index(t.kind))))


@attrs.frozen
class PlanningCheck:
    """The outcome of planning: ``late`` is set when forced with less than a month's notice."""

    invitation_due: dt.date
    late: bool


def check_planning(
    event_date: dt.date, *, today: dt.date, calendar: WorkingCalendar, force: bool = False
) -> PlanningCheck:
    """EVT-3: refuse an event in the past, or one whose invitation would already be late."""
    if event_date < today:
        raise ValidationError(
            f"date d'événement passée : {event_date:%d/%m/%Y}", rule="EVT-2", value=event_date
        )
    invitation = calendar.on_or_before(
        TimelineRule(TaskKind.INVITATION, months=-1).nominal(event_date)
    )
    late = invitation < today
    if late and not force:
        raise RuleViolation(
            f"l'invitation aurait dû partir le {invitation:%d/%m/%Y} pour un événement le "
            f"{event_date:%d/%m/%Y} : moins d'un mois de préavis ; forcez la planification "
            "pour l'accepter (elle sera signalée)",
            rule="EVT-3",
            value=event_date,
        )
    return PlanningCheck(invitation, late)


def due_between(tasks: Iterable[Task], start: dt.date, end: dt.date) -> list[Task]:
    """The tasks due from ``start`` to ``end`` inclusive: the week's to-do list."""
    if end < start:
        raise ValidationError(
            f"période inversée : {start:%d/%m/%Y} → {end:%d/%m/%Y}", value=(start, end)
        )
    return sorted((t for t in tasks if start <= t.due <= end), key=lambda t: t.due)
