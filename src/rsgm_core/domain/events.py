"""Network events: kinds and formats (EVT-1), registrations and waiting lists (EVT-4), attendance
and rates (EVT-5), certificates (EVT-6), the tracking row (EVT-7), surveys (EVT-9, SUR-1) and the
newsletter cadence (EVT-10).

Everything here is a pure function of the records it is given; storage, the clock and messages are
the service layer's business.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import ClassVar

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core._compat import DeprecatedTuple
from rsgm_core.domain.audience import EventAudience, check_registrant
from rsgm_core.domain.bounds import MAX_CAPACITY, check_amount, check_count
from rsgm_core.domain.members import Member
from rsgm_core.domain.planning_checks import PlanningWarning
from rsgm_core.domain.timeline import PlanningCheck, Task
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "CERTIFICATE_TITLE",
    "Cancellation",
    "CertificateRow",
    "Event",
    "EventAudience",
    "EventDetails",
    "EventFormat",
    "EventKind",
    "EventReport",
    "Planned",
    "Rates",
    "Registration",
    "RegistrationStatus",
    "Session",
    "SessionPlan",
    "SignInSheet",
    "SurveyKind",
    "TodoItem",
    "TrackingRow",
    "attendance_rates",
    "cancel",
    "certificate_recipients",
    "change_deadline",
    "check_cancellable",
    "check_deadlines",
    "check_newsletter",
    "check_plan",
    "check_registrant",
    "in_depth_survey_due",
    "mark_attendance",
    "register",
    "satisfaction",
    "tracking_row",
    "walk_in",
]

CERTIFICATE_TITLE = "attestation de présence"  # EVT-6: network meetings are not training hours


class EventKind(enum.Enum):
    NETWORK_DAY = "journée réseau"
    MATINALE = "matinale"
    WEBINAR = "webinaire"
    WORKSHOP = "atelier thématique"
    WORKING_GROUP = "groupe de travail"
    WELCOME_SESSION = "session d'accueil"
    COMMITTEE = "réunion de comité"


class EventFormat(enum.Enum):
    IN_PERSON = "présentiel"
    REMOTE = "distanciel"
    HYBRID = "hybride"


@attrs.frozen
class Event:
    id: str
    title: str
    kind: EventKind
    format: EventFormat
    topics: tuple[str, ...] = ()
    cost: Decimal = Decimal(0)
    host_commune: str | None = None
    # Kept in storage (migration 6); the defaults keep the pure rules usable on their own.
    network_id: str | None = None  # None: the departmental network
    planned_on: dt.date | None = None
    late: bool = False  # EVT-3: planned with less than a month's notice, forced and flagged
    invited: int = 0  # EVT-5: members the invitation went to (the participation denominator)
    done: tuple[str, ...] = ()  # the timeline tasks done (TaskKind values), for the to-do list
    # Migration 14: who may register (EVT-4, MEM-14); the rows already there keep "membres".
    audience: EventAudience = EventAudience.MEMBERS
    # Migration 22: the recurring series this event is one occurrence of (EVT-8), if any.
    series_id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_amount(self.cost, what="coût", rule="EVT-7")  # finite, 0 to 1,000,000 €
        if self.kind is EventKind.WEBINAR and self.format is EventFormat.IN_PERSON:
            raise ValidationError(
                "un webinaire se tient à distance", rule="EVT-1", value=self.format.value
            )


@attrs.frozen
class Session:
    """One sitting of an event (EVT-1): an event may run in several places to cover the territory."""

    id: str
    event_id: str
    date: dt.date
    place: str
    deadline: dt.date  # registrations close at the end of this day (EVT-4)
    capacity: int | None = None
    start: dt.time = dt.time(9, 30)  # wall-clock times in the CDG's zone (EVT-8)
    end: dt.time = dt.time(12, 30)
    # Migration 22: who last changed the deadline after planning, and on which day (EVT-4).
    deadline_set_by: str | None = None
    deadline_set_on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError(
                f"la séance finit ({self.end:%H:%M}) avant de commencer ({self.start:%H:%M})",
                rule="EVT-1",
                value=self.end,
            )
        if self.capacity is not None:
            check_count(
                self.capacity, what="capacité", rule="EVT-4", minimum=1, maximum=MAX_CAPACITY
            )
        if self.deadline > self.date:
            raise ValidationError(
                f"date limite d'inscription {self.deadline:%d/%m/%Y} après la séance du "
                f"{self.date:%d/%m/%Y}",
                rule="EVT-4",
                value=self.deadline,
            )


class RegistrationStatus(enum.Enum):
    CONFIRMED = "inscrit"
    WAITING = "liste d'attente"
    CANCELLED = "annulé"


@attrs.frozen
class Registration:
    id: str
    session_id: str
    member_id: str
    registered_on: dt.date
    rank: int  # order of arrival in the session, which the waiting list follows
    status: RegistrationStatus
    attended: bool | None = None  # None until the sign-in sheet is recorded (EVT-5)


@attrs.frozen
class SessionPlan:
    """One sitting to plan (EVT-1): its day, place and seats; the registration deadline defaults
    to the headcount day (EVT-2: D − 8 days, moved to a working day)."""

    date: dt.date
    place: str
    capacity: int | None = None
    deadline: dt.date | None = None
    start: dt.time = dt.time(9, 30)
    end: dt.time = dt.time(12, 30)

    def __attrs_post_init__(self) -> None:
        if self.capacity is not None:  # EVT-4: refused at the plan, before any id is drawn
            check_count(
                self.capacity, what="capacité", rule="EVT-4", minimum=1, maximum=MAX_CAPACITY
            )


def check_plan(title: str, sessions: Sequence[SessionPlan]) -> None:
    """EVT-1: an event has a title and at least one session."""
    if not sessions:
        raise ValidationError("un événement compte au moins une séance", rule="EVT-1", value=title)
    if not (title or "").strip():
        raise ValidationError("titre d'événement vide", rule="EVT-1", value=title)


def check_deadlines(sessions: Iterable[Session], *, on: dt.date) -> None:
    """EVT-4: a session cannot be planned with its registration deadline already past."""
    for session in sessions:
        if session.deadline < on:
            raise RuleViolation(
                f"date limite d'inscription déjà passée : {session.deadline:%d/%m/%Y}",
                rule="EVT-4",
                value=session.deadline,
            )


def change_deadline(session: Session, deadline: dt.date, *, by: str, on: dt.date) -> Session:
    """EVT-4: a session's registration deadline changed after planning, by ``by`` on ``on``:
    still to come, no later than the session, not already past (a deadline of today closes
    registrations tonight). Reopening a closed session is a later deadline."""
    if not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime):
        raise ValidationError(
            f"date limite d'inscription invalide : {deadline!r} (attendu : une date)",
            rule="EVT-4",
            value=deadline,
        )
    if session.date < on:
        raise RuleViolation(
            f"la séance du {session.date:%d/%m/%Y} a eu lieu : sa date limite d'inscription "
            "ne change plus",
            rule="EVT-4",
            value=session.id,
        )
    if deadline < on:
        raise RuleViolation(
            f"date limite d'inscription {deadline:%d/%m/%Y} déjà passée (nous sommes le "
            f"{on:%d/%m/%Y})",
            rule="EVT-4",
            value=deadline,
        )
    return attrs.evolve(session, deadline=deadline, deadline_set_by=by, deadline_set_on=on)


def check_cancellable(registration: Registration, session: Session, *, on: dt.date) -> None:
    """EVT-4: a registration is cancelled before its session takes place, not after."""
    if session.date < on:
        raise RuleViolation(
            f"la séance du {session.date:%d/%m/%Y} a eu lieu",
            rule="EVT-4",
            value=registration.id,
        )


def mark_attendance(
    session: Session, registrations: Iterable[Registration], present: Iterable[str], *, on: dt.date
) -> list[Registration]:
    """EVT-5: the sign-in sheet of a session held: every confirmed registrant is present or
    absent; a session still ahead has no sheet, and someone not registered cannot sign."""
    if session.date > on:
        raise RuleViolation(
            f"la séance du {session.date:%d/%m/%Y} n'a pas encore eu lieu",
            rule="EVT-5",
            value=session.id,
        )
    wanted = set(present)
    confirmed = [
        r for r in registrations
        if r.session_id == session.id and r.status is RegistrationStatus.CONFIRMED
    ]  # fmt: skip
    strangers = sorted(wanted - {r.member_id for r in confirmed})
    if strangers:
        raise RuleViolation(
            f"{len(strangers)} "
            f"{'personnes non inscrites' if len(strangers) > 1 else 'personne non inscrite'} "
            "à cette séance : "
            f"{', '.join(strangers)} ; inscrivez-les d'abord",
            rule="EVT-5",
            value=strangers,
        )
    return [attrs.evolve(r, attended=r.member_id in wanted) for r in confirmed]


def walk_in(
    session: Session,
    existing: Sequence[Registration],
    *,
    registration_id: str,
    member_id: str,
    on: dt.date,
) -> Registration:
    """EVT-4: someone who comes on the day without a confirmed seat is recorded at sign-in,
    registered and present, whatever the deadline and the capacity; one on the waiting list
    takes a seat. Someone already confirmed is ticked among those present instead."""
    if session.date > on:
        raise RuleViolation(
            f"la séance du {session.date:%d/%m/%Y} n'a pas encore eu lieu",
            rule="EVT-5",
            value=session.id,
        )
    live = [
        r for r in existing
        if r.member_id == member_id and r.status is not RegistrationStatus.CANCELLED
    ]  # fmt: skip
    if live and live[0].status is RegistrationStatus.CONFIRMED:
        raise RuleViolation(
            f"{member_id} a déjà une inscription confirmée à cette séance : cochez cette "
            "personne parmi les présents",
            rule="EVT-4",
            value=member_id,
        )
    if live:  # on the waiting list, there on the day
        return attrs.evolve(live[0], status=RegistrationStatus.CONFIRMED, attended=True)
    return Registration(
        id=registration_id,
        session_id=session.id,
        member_id=member_id,
        registered_on=session.date,
        rank=max((r.rank for r in existing), default=0) + 1,
        status=RegistrationStatus.CONFIRMED,
        attended=True,
    )


def register(
    session: Session,
    existing: Sequence[Registration],
    *,
    registration_id: str,
    member_id: str,
    on: dt.date,
) -> Registration:
    """EVT-4: before the deadline, once per person and session; confirmed while seats remain,
    else on the waiting list."""
    if on > session.deadline:
        raise RuleViolation(
            f"les inscriptions à la séance du {session.date:%d/%m/%Y} sont closes depuis le "
            f"{session.deadline:%d/%m/%Y} (date limite d'inscription)",
            rule="EVT-4",
            value=on,
        )
    live = [r for r in existing if r.status is not RegistrationStatus.CANCELLED]
    if any(r.member_id == member_id for r in live):
        raise RuleViolation(
            "une seule inscription par personne et par séance", rule="EVT-4", value=member_id
        )
    confirmed = sum(1 for r in live if r.status is RegistrationStatus.CONFIRMED)
    full = session.capacity is not None and confirmed >= session.capacity
    return Registration(
        id=registration_id,
        session_id=session.id,
        member_id=member_id,
        registered_on=on,
        rank=max((r.rank for r in existing), default=0) + 1,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
    )


def cancel(
    registration: Registration, others: Sequence[Registration]
) -> tuple[Registration, Registration | None]:
    """EVT-4: cancel, and promote the first on the waiting list into a freed seat."""
    if registration.status is RegistrationStatus.CANCELLED:
        raise RuleViolation("inscription déjà annulée", rule="EVT-4", value=registration.id)
    cancelled = attrs.evolve(registration, status=RegistrationStatus.CANCELLED)
    if registration.status is not RegistrationStatus.CONFIRMED:
        return cancelled, None
    waiting = sorted(
        (r for r in others if r.status is RegistrationStatus.WAITING and r.id != registration.id),
        key=lambda r: r.rank,
    )
    promoted = attrs.evolve(waiting[0], status=RegistrationStatus.CONFIRMED) if waiting else None
    return cancelled, promoted


@attrs.frozen
class Rates:
    """EVT-5: ``None`` where the denominator is zero: no rate rather than a false 0 %."""

    invited: int
    registered: int
    attendees: int

    @property
    def participation_of_invited(self) -> Decimal | None:
        return _ratio(self.attendees, self.invited)

    @property
    def participation_of_registered(self) -> Decimal | None:
        return _ratio(self.attendees, self.registered)

    @property
    def no_show(self) -> Decimal | None:
        return _ratio(self.registered - self.attendees, self.registered)


def _ratio(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) / Decimal(whole)


def attendance_rates(registrations: Iterable[Registration], *, invited: int) -> Rates:
    """EVT-5 over the confirmed registrations; an attendee must have been registered."""
    confirmed = [r for r in registrations if r.status is RegistrationStatus.CONFIRMED]
    attendees = sum(1 for r in confirmed if r.attended)
    if invited < len(confirmed):
        raise ValidationError(
            f"{len(confirmed)} inscrits pour {invited} invités", rule="EVT-5", value=invited
        )
    return Rates(invited=invited, registered=len(confirmed), attendees=attendees)


def certificate_recipients(registrations: Iterable[Registration]) -> list[Registration]:
    """EVT-6: attendees only."""
    return [
        r for r in registrations if r.status is RegistrationStatus.CONFIRMED and r.attended is True
    ]


@attrs.frozen
class TrackingRow:
    """EVT-7: one row per event, as the guide's tracking table."""

    event_id: str
    title: str
    dates: tuple[dt.date, ...]
    places: tuple[str, ...]
    participation: Decimal | None
    topics: tuple[str, ...]
    cost: Decimal
    cost_per_attendee: Decimal | None


def tracking_row(event: Event, sessions: Sequence[Session], rates: Rates) -> TrackingRow:
    cost_each = (
        None if rates.attendees == 0 else (event.cost / rates.attendees).quantize(Decimal("0.01"))
    )
    return TrackingRow(
        event_id=event.id,
        title=event.title,
        dates=tuple(sorted(s.date for s in sessions)),
        places=tuple(s.place for s in sorted(sessions, key=lambda s: s.date)),
        participation=rates.participation_of_invited,
        topics=event.topics,
        cost=event.cost,
        cost_per_attendee=cost_each,
    )


class SurveyKind(enum.Enum):
    """SUR-1."""

    NEEDS = "enquête de besoins"
    SATISFACTION = "questionnaire de satisfaction"
    NEWCOMER = "questionnaire à 3 mois"
    IN_DEPTH = "enquête approfondie"


def satisfaction(scores: Iterable[int], *, invited: int) -> tuple[Decimal | None, Decimal | None]:
    """EVT-9: (satisfaction rate = share of answers 4-5, response rate = answers / invited)."""
    answers = list(scores)
    for score in answers:
        if not 1 <= score <= 5:
            raise ValidationError(f"note hors de 1 à 5 : {score}", rule="EVT-9", value=score)
    satisfied = sum(1 for s in answers if s >= 4)
    return _ratio(satisfied, len(answers)), _ratio(len(answers), invited)


def in_depth_survey_due(last: dt.date | None, today: dt.date) -> bool:
    """SUR-1: the in-depth survey is due when the last one is 3 years old (or there was none)."""
    return last is None or last + relativedelta(years=3) <= today


def check_newsletter(sent: Iterable[dt.date], on: dt.date, *, force: bool = False) -> bool:
    """EVT-10: at most one newsletter a month; returns whether this one is forced past the rule."""
    same_month = [d for d in sent if (d.year, d.month) == (on.year, on.month)]
    if same_month and not force:
        raise RuleViolation(
            f"une lettre d'information est déjà partie ce mois-ci ({same_month[0]:%d/%m/%Y}) ; "
            "forcez l'envoi pour en adresser une seconde",
            rule="EVT-10",
            value=on,
        )
    return bool(same_month)


# Results of the event use cases -----------------------------------------------------------------


@attrs.frozen
class Planned:
    """What planning an event recorded: the event, its sessions by date, and the planning check
    (``check.late``: forced with less than a month's notice, EVT-3) and its warnings (EVT-11)."""

    event: Event
    sessions: tuple[Session, ...]
    check: PlanningCheck
    #: EVT-11: the planning checks' warnings (other CDG events that day, school holidays,
    #: elections, a topic covered in the last 12 months), recorded with the event; ``forced``:
    #: planned with ``force=True``.
    warnings: tuple[PlanningWarning, ...] = ()
    forced: bool = False


@attrs.frozen
class EventDetails(DeprecatedTuple):
    """An event with its sessions, by date and start time."""

    _legacy_lists: ClassVar[tuple[str, ...]] = ("sessions",)  # a list in the old tuple

    event: Event
    sessions: tuple[Session, ...]


@attrs.frozen
class TodoItem:
    """EVT-2: one timeline task of an event on the to-do list; ``overdue`` when its due date is
    before the period asked for and it is still undone."""

    event: Event
    task: Task
    overdue: bool


@attrs.frozen
class Cancellation(DeprecatedTuple):
    """EVT-4: the cancelled registration, and the one promoted from the waiting list into the
    freed seat (``None`` when nobody was waiting or the seat was not a confirmed one)."""

    cancelled: Registration
    promoted: Registration | None


@attrs.frozen
class SignInSheet(DeprecatedTuple):
    """EVT-5: what the sign-in sheet of one session lists: its confirmed registrants."""

    _legacy_lists: ClassVar[tuple[str, ...]] = ("members",)  # a list in the old tuple

    event: Event
    session: Session
    members: tuple[Member, ...]


@attrs.frozen
class CertificateRow(DeprecatedTuple):
    """EVT-6: one attendee entitled to an attestation de présence, with the session attended."""

    member: Member
    registration: Registration
    session: Session


@attrs.frozen
class EventReport(DeprecatedTuple):
    """EVT-5 and EVT-7 for one event: its tracking row and all its rates."""

    row: TrackingRow
    rates: Rates
