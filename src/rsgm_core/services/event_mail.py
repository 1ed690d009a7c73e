"""The messages of an event's timeline (EVT-2, EVT-6, NOT-1): ``app.event_mail``.

The invitation with each session's registration deadline, the reminder, the minutes, the thanks to
the host commune and the attendance certificates; each is queued in the outbox inside the use
case's unit of work, and the matching timeline task is marked done there too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.engagement import AttendanceFact
from rsgm_core.domain.members import Lifecycle
from rsgm_core.domain.timeline import TaskKind
from rsgm_core.errors import ValidationError
from rsgm_core.services.event_audience import invitees
from rsgm_core.services.event_messages import (
    audience,
    certificate_rows,
    event_context,
    fact_id,
    mark_task,
    send_all,
    sessions_of,
)
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["EventMailService"]


class EventMailService:
    """The messages of an event: ``app.event_mail``."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Before the event (EVT-2) ------------------------------------------------------------------

    def send_invitations(self, event_id: str) -> int:
        """Send the invitation, with each session's registration deadline, to the event's
        audience in its network (MEM-14): the active members and, unless the event is for
        members only, every SGM of the CDG's target public (TER-3) who has not opted out,
        whatever their step; never a commune *hors ressort* (TER-7). Returns how many are
        invited."""
        locale = self.deps.settings.locale
        with self.deps.transaction() as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            members = invitees(self.deps, uow, event, on=self.deps.today())
            facts = {f.id for f in uow.attendance.list({"event": event_id})}
            fresh = [m for m in members if fact_id(event_id, m.id) not in facts]
            uow.attendance.add_all(
                AttendanceFact(fact_id(event_id, m.id), m.id, event_id, sessions[0].date)
                for m in fresh
            )
            for member in members:
                if member.email:
                    queue_message(self.deps,
                        uow, "event_invitation", member.email,
                        {"member": member, **event_context(event, sessions, locale)},
                    )  # fmt: skip
            event = attrs.evolve(event, invited=len(facts) + len(fresh))
            mark_task(uow, event, TaskKind.INVITATION)
        return len(facts) + len(fresh)

    def send_reminders(self, event_id: str) -> int:
        """The reminder at D − 15 days, to the invited people who have not registered, have not
        left nor opted out since (MEM-14); returns how many were sent."""
        locale = self.deps.settings.locale
        with self.deps.transaction() as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            silent = [
                f.member_id for f in uow.attendance.list({"event": event_id}) if not f.registered
            ]
            members = uow.members.list({"id": silent}) if silent else []
            sent = 0
            for member in members:
                if (
                    member.email
                    and member.lifecycle is not Lifecycle.DEPARTED
                    and not member.invitations_opt_out
                    and not member.erased
                ):
                    queue_message(self.deps,
                        uow, "event_reminder", member.email,
                        {"member": member, **event_context(event, sessions, locale)},
                    )  # fmt: skip
                    sent += 1
            mark_task(uow, event, TaskKind.REMINDER)
        return sent

    # After the event (EVT-2, EVT-6) ------------------------------------------------------------

    def send_minutes(self, event_id: str, summary: str) -> int:
        """The minutes to every member of the event's network; returns how many were sent."""
        locale = self.deps.settings.locale
        with self.deps.transaction() as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            context = {**event_context(event, sessions, locale), "summary": summary}
            sent = send_all(
                self.deps, uow, audience(uow, event.network_id), "event_minutes", context
            )
            mark_task(uow, event, TaskKind.MINUTES)
        return sent

    def thank_host(self, event_id: str, recipient: str, *, signatory: str = "") -> None:
        """Thanks to the host commune, at ``recipient`` (its town hall's address)."""
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
        """EVT-6: each attendee with an address gets their attestation de présence attached (PDF
        with the ``pdf`` extra, else HTML), made by the CDG of the profile's ``[cdg]`` (a
        :class:`ConfigurationError` without one); returns how many were sent."""
        from rsgm_core.render.event_documents import certificate_attachment, certificate_identity

        settings, today = self.deps.settings, self.deps.today()
        certificate_identity(settings.cdg)  # none configured: refused before anything is queued
        with self.deps.transaction() as uow:
            event = uow.events.get(event_id)
            sent = 0
            for row in certificate_rows(uow, event_id):
                if not row.member.email:
                    continue
                attachment = certificate_attachment(
                    event, row.session, row.member, pdf=pdf, settings=settings, on=today
                )
                queue_message(self.deps,
                    uow, "event_certificate", row.member.email,
                    {"member": row.member, **event_context(event, [row.session], settings.locale)},
                    attachments=[attachment],
                )  # fmt: skip
                sent += 1
            mark_task(uow, event, TaskKind.CERTIFICATES)
        return sent
