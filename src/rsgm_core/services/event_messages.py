"""What the event use cases share, called inside the caller's unit of work: an event's sessions and
registrations, its rates, its done tasks, the MEM-7 attendance facts, the audience of its messages
and the context its message templates read (EVT-2, EVT-5, NOT-1).

Not part of the public API: the use cases are the methods of ``app.events``,
``app.registrations`` and ``app.event_mail``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.engagement import AttendanceFact
from rsgm_core.domain.events import (
    CertificateRow,
    Event,
    Rates,
    Registration,
    RegistrationStatus,
    Session,
    attendance_rates,
    certificate_recipients,
)
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.timeline import TaskKind
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = [
    "audience",
    "certificate_rows",
    "event_context",
    "event_registrations",
    "fact_id",
    "mark_task",
    "rates_of",
    "record_fact",
    "send_all",
    "sessions_of",
]


def sessions_of(uow: UnitOfWork, event_id: str) -> list[Session]:
    return sorted(uow.sessions.list({"event_id": event_id}), key=lambda s: (s.date, s.start))


def event_registrations(uow: UnitOfWork, event_id: str) -> list[Registration]:
    ids = [s.id for s in uow.sessions.list({"event_id": event_id})]
    return uow.registrations.list({"session_id": ids}) if ids else []


def certificate_rows(uow: UnitOfWork, event_id: str) -> list[CertificateRow]:
    """EVT-6: the attendees of the event (only they get a certificate), with their session."""
    sessions = {s.id: s for s in sessions_of(uow, event_id)}
    attendees = certificate_recipients(event_registrations(uow, event_id))
    members = {m.id: m for m in uow.members.list({"id": [r.member_id for r in attendees]})}
    return [CertificateRow(members[r.member_id], r, sessions[r.session_id]) for r in attendees]


def rates_of(event: Event, registrations: Sequence[Registration]) -> Rates:
    confirmed = sum(1 for r in registrations if r.status is RegistrationStatus.CONFIRMED)
    return attendance_rates(registrations, invited=max(event.invited, confirmed))


def mark_task(uow: UnitOfWork, event: Event, kind: TaskKind, *, done: bool = True) -> Event:
    others = tuple(k for k in event.done if k != kind.value)
    return uow.events.update(attrs.evolve(event, done=(*others, kind.value) if done else others))


def fact_id(event_id: str, member_id: str) -> str:
    return f"{event_id}/{member_id}"


def record_fact(
    uow: UnitOfWork,
    event: Event,
    member_id: str,
    on: dt.date,
    *,
    registered: bool | None = None,
    attended: bool | None = None,
) -> None:
    """MEM-7's feed: the member's invitation to ``event`` with its outcome; someone who registers
    without having been invited counts as invited."""
    found = uow.attendance.find(fact_id(event.id, member_id))
    if found is None:
        uow.attendance.add(
            AttendanceFact(
                fact_id(event.id, member_id), member_id, event.id, on,
                registered=bool(registered), attended=bool(attended),
            )
        )  # fmt: skip
        fresh = uow.events.get(event.id)
        uow.events.update(attrs.evolve(fresh, invited=fresh.invited + 1))
    else:
        uow.attendance.update(
            attrs.evolve(
                found,
                registered=found.registered if registered is None else registered,
                attended=found.attended if attended is None else attended,
            )
        )


def audience(uow: UnitOfWork, network_id: str | None) -> list[Member]:
    """Active members; for a community network, those holding a post in one of its communes."""
    members = [m for m in uow.members.list({"lifecycle": Lifecycle.ACTIVE}) if not m.erased]
    if network_id is None:
        return members
    network = uow.networks.get(network_id)
    if network.epci is None:
        return members
    communes = [c.code for c in uow.communes.list({"epci": network.epci})]
    holders = (
        {p.member_id for p in uow.positions.list({"commune": communes})} if communes else set()
    )
    return [m for m in members if m.id in holders]


def send_all(
    deps: Deps, uow: UnitOfWork, members: Iterable[Member], name: str, context: dict[str, Any]
) -> int:
    sent = 0
    for member in members:
        if member.email:
            queue_message(deps, uow, name, member.email, {**context, "member": member})
            sent += 1
    return sent


def event_context(event: Event, sessions: Sequence[Session], locale: str) -> dict[str, Any]:
    """What the event templates read, as plain text already formatted for ``locale`` (TAR-7), so
    that ``rsgm outbox preview`` renders them from a JSON sample too."""
    from rsgm_core.render.formatting import format_date

    def hours(s: Session) -> str:
        return f"{s.start:%H:%M}-{s.end:%H:%M}".replace(":", "h")

    shown = [
        {"day": format_date(s.date, locale), "hours": hours(s), "place": s.place,
         "deadline": format_date(s.deadline, locale),
         "capacity": s.capacity}
        for s in sessions
    ]  # fmt: skip
    return {
        "event": {"title": event.title, "kind": event.kind.value, "format": event.format.value,
                  "topics": list(event.topics), "audience": event.audience.label},
        "sessions": shown,
        "session": shown[0] if shown else None,
    }  # fmt: skip
