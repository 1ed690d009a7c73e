"""The messages of an event's timeline (EVT-2, EVT-6, NOT-1): invitation with the registration
deadline, reminder, minutes, thanks to the host commune and attendance certificates, each queued in
the outbox inside the use case's unit of work; and the helpers the event use cases share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.engagement import AttendanceFact
from rsgm_core.domain.events import (
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
from rsgm_core.errors import ValidationError
from rsgm_core.render.event_documents import registrants
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps


class EventMessages:
    """The message-sending use cases of ``app.events``."""

    deps: Deps

    # Invitations and reminders (EVT-2) ---------------------------------------------------------

    def invite(self, event_id: str) -> int:
        """Send the invitation, with each session's registration deadline, to every active member
        with an e-mail address of the event's network; returns how many were invited."""
        with self.deps.transaction() as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            audience = _audience(uow, event.network_id)
            facts = {f.id for f in uow.attendance.list({"event": event_id})}
            fresh = [m for m in audience if _fact_id(event_id, m.id) not in facts]
            uow.attendance.add_all(
                AttendanceFact(_fact_id(event_id, m.id), m.id, event_id, sessions[0].date)
                for m in fresh
            )
            for member in audience:
                if member.email:
                    queue_message(self.deps,
                        uow, "event_invitation", member.email,
                        {"member": member, **event_context(event, sessions, self.deps.settings.locale)},
                    )  # fmt: skip
            event = attrs.evolve(event, invited=len(facts) + len(fresh))
            mark_task(uow, event, TaskKind.INVITATION)
        return len(facts) + len(fresh)

    def remind(self, event_id: str) -> int:
        """The reminder at D − 15 days, to the invited members who have not registered."""
        with self.deps.transaction() as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            silent = [
                f.member_id for f in uow.attendance.list({"event": event_id}) if not f.registered
            ]
            members = uow.members.list({"id": silent}) if silent else []
            sent = 0
            for member in members:
                if member.email and member.lifecycle is Lifecycle.ACTIVE:
                    queue_message(self.deps,
                        uow, "event_reminder", member.email,
                        {"member": member, **event_context(event, sessions, self.deps.settings.locale)},
                    )  # fmt: skip
                    sent += 1
            mark_task(uow, event, TaskKind.REMINDER)
        return sent

    # After the event (EVT-2) -------------------------------------------------------------------

    def send_minutes(self, event_id: str, summary: str) -> int:
        """The minutes to every member of the event's network."""
        with self.deps.transaction() as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            sent = _send_all(self.deps, uow, _audience(uow, event.network_id), "event_minutes",
                             {**event_context(event, sessions, self.deps.settings.locale), "summary": summary})  # fmt: skip
            mark_task(uow, event, TaskKind.MINUTES)
        return sent

    def thank_host(self, event_id: str, recipient: str, *, signatory: str = "") -> None:
        """Thanks to the host commune (its town hall's address)."""
        with self.deps.transaction() as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            if event.host_commune is None:
                raise ValidationError(
                    "cet événement n'a pas de commune d'accueil", rule="EVT-2", value=event_id
                )
            commune = uow.communes.get(event.host_commune)
            queue_message(self.deps,
                uow, "event_host_thanks", recipient,
                {**event_context(event, sessions, self.deps.settings.locale), "commune": commune.name,
                 "signatory": signatory},
            )  # fmt: skip
            mark_task(uow, event, TaskKind.THANKS_HOST)

    def send_certificates(self, event_id: str, *, pdf: bool = False) -> int:
        """EVT-6: each attendee with an address gets their attestation de présence attached."""
        from rsgm_core.render.event_documents import certificate_attachment

        with self.deps.transaction() as uow:
            event = uow.events.get(event_id)
            sent = 0
            for member, _registration, session in self._recipients(uow, event_id):
                if not member.email:
                    continue
                attachment = certificate_attachment(
                    event, session, member, pdf=pdf, settings=self.deps.settings
                )
                queue_message(self.deps,
                    uow, "event_certificate", member.email,
                    {"member": member, **event_context(event, [session], self.deps.settings.locale)},
                    attachments=[attachment],
                )  # fmt: skip
                sent += 1
            mark_task(uow, event, TaskKind.CERTIFICATES)
        return sent

    def sign_in(self, session_id: str) -> tuple[Event, Session, list[Member]]:
        """EVT-5: what the sign-in sheet lists: the confirmed registrants of one session."""
        with self.deps.read() as uow:
            session = uow.sessions.get(session_id)
            event = uow.events.get(session.event_id)
            ids = registrants(uow.registrations.list({"session_id": session_id}))
            members = uow.members.list({"id": ids}) if ids else []
        return event, session, members

    def certificates(self, event_id: str) -> list[tuple[Member, Registration, Session]]:
        """EVT-6: the attendees, each with the session they attended."""
        with self.deps.read() as uow:
            uow.events.get(event_id)
            return self._recipients(uow, event_id)

    def _recipients(
        self, uow: UnitOfWork, event_id: str
    ) -> list[tuple[Member, Registration, Session]]:
        sessions = {s.id: s for s in sessions_of(uow, event_id)}
        attendees = certificate_recipients(event_registrations(uow, event_id))
        members = {m.id: m for m in uow.members.list({"id": [r.member_id for r in attendees]})}
        return [(members[r.member_id], r, sessions[r.session_id]) for r in attendees]


def sessions_of(uow: UnitOfWork, event_id: str) -> list[Session]:
    return sorted(uow.sessions.list({"event_id": event_id}), key=lambda s: (s.date, s.start))


def event_registrations(uow: UnitOfWork, event_id: str) -> list[Registration]:
    ids = [s.id for s in uow.sessions.list({"event_id": event_id})]
    return uow.registrations.list({"session_id": ids}) if ids else []


def rates_of(event: Event, registrations: Sequence[Registration]) -> Rates:
    confirmed = sum(1 for r in registrations if r.status is RegistrationStatus.CONFIRMED)
    return attendance_rates(registrations, invited=max(event.invited, confirmed))


def mark_task(uow: UnitOfWork, event: Event, kind: TaskKind, *, done: bool = True) -> Event:
    others = tuple(k for k in event.done if k != kind.value)
    return uow.events.update(attrs.evolve(event, done=(*others, kind.value) if done else others))


def _fact_id(event_id: str, member_id: str) -> str:
    return f"{event_id}/{member_id}"


def record_fact(uow: UnitOfWork, event: Event, member_id: str, on: dt.date, **outcome: Any) -> None:
    """MEM-7's feed: the member's invitation to ``event`` with its outcome; someone who registers
    without having been invited counts as invited."""
    found = uow.attendance.find(_fact_id(event.id, member_id))
    if found is None:
        uow.attendance.add(
            AttendanceFact(_fact_id(event.id, member_id), member_id, event.id, on, **outcome)
        )
        fresh = uow.events.get(event.id)
        uow.events.update(attrs.evolve(fresh, invited=fresh.invited + 1))
    else:
        uow.attendance.update(attrs.evolve(found, **outcome))


def _audience(uow: UnitOfWork, network_id: str | None) -> list[Member]:
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


def _send_all(
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
                  "topics": list(event.topics)},
        "sessions": shown,
        "session": shown[0] if shown else None,
    }  # fmt: skip
