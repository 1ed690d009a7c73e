"""The messages of an event's timeline (EVT-2, EVT-6, NOT-1): ``app.event_mail``.

The invitation with each session's registration deadline, the reminder, the minutes, the thanks to
the host commune and the attendance certificates; each is queued in the outbox inside the use
case's unit of work, and the matching timeline task is marked done there too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.engagement import AttendanceFact
from rsgm_core.domain.event_reach import InvitationRound, ReminderRound, split_reach
from rsgm_core.domain.events import RegistrationStatus, Session
from rsgm_core.domain.links import LinkPurpose
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.progress import Progress, no_progress
from rsgm_core.domain.timeline import TaskKind
from rsgm_core.errors import ValidationError
from rsgm_core.services.elu_letters import inform_mayors
from rsgm_core.services.event_audience import audience_of
from rsgm_core.services.event_messages import (
    audience,
    certificate_rows,
    event_context,
    fact_id,
    mark_task,
    send_all,
    sessions_of,
)
from rsgm_core.services.links import LinkMaker, session_start
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["EventMailService"]


class EventMailService:
    """The messages of an event: ``app.event_mail``."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Before the event (EVT-2) ------------------------------------------------------------------

    def send_invitations(self, event_id: str, *, progress: Progress | None = None) -> int:
        """:meth:`invite`, returning how many people the invitation has gone to (only those
        really reached: an address, not unsubscribed, not erased)."""
        return self.invite(event_id, progress=progress).invited

    def invite(self, event_id: str, *, progress: Progress | None = None) -> InvitationRound:
        """Send the invitation, with each session's registration deadline and a personal
        registration link, to the event's audience in its network (MEM-14): the active members
        and, unless the event is for members only, every SGM of the CDG's target public (TER-3),
        whatever their step; never a commune *hors ressort* (TER-7). Only the people the
        invitation really reaches count as invited (EVT-5); the others the event is for are
        reported by name with the reason (no e-mail, unsubscribed, erased). A second round
        invites only whoever was not invited yet. The mayors (MEM-12) of the communes invited
        get the "information des maires" by e-mail (those without an address are listed for the
        mail-merge, ``app.elus.print_letters``), the timeline's tick reflects it, and each
        invitation says the mayor is informed only when the mayor of one of the person's
        communes was (EVT-2). ``progress`` is told
        ``("invitations", done, total)`` as they are queued, then ``("messages", done, total)``
        as they are delivered."""
        locale = self.deps.settings.locale
        progress = progress or no_progress
        with self.deps.transaction(progress=progress) as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            reached, unreached = split_reach(
                audience_of(self.deps, uow, event, on=self.deps.today())
            )
            facts = {f.id for f in uow.attendance.list({"event": event_id})}
            fresh = [m for m in reached if fact_id(event_id, m.id) not in facts]
            uow.attendance.add_all(
                AttendanceFact(fact_id(event_id, m.id), m.id, event_id, sessions[0].date)
                for m in fresh
            )
            event = uow.events.update(attrs.evolve(event, invited=len(facts) + len(fresh)))
            # EVT-2, MEM-12: the mayors of the communes invited are informed, then each
            # invitation says so only where the mayor of one of the person's communes was
            mayors, informed = inform_mayors(self.deps, uow, event, self.deps.today())
            held = _communes_of(uow, fresh, self.deps.today())
            context = event_context(event, sessions, locale)
            maker, until = LinkMaker(self.deps), self._last_start(sessions)
            for done, member in enumerate(fresh, 1):
                progress("invitations", done, len(fresh))
                # NOT-3: a personal registration link, one-click unsubscribe
                links = _bulk_links(maker, member, event.id, until)
                queue_message(self.deps,
                    uow, "event_invitation", member.email or "",
                    {"member": member, **context, "links": links,
                     "mayor_informed": bool(held.get(member.id, set()) & informed)},
                    list_unsubscribe=links["unsubscribe"] or None,
                )  # fmt: skip
            mark_task(uow, uow.events.get(event.id), TaskKind.INVITATION)
        return InvitationRound(
            event_id, len(facts) + len(fresh), len(fresh), tuple(unreached),
            mayors_informed=mayors.sent, mayors_to_print=mayors.to_print,
        )  # fmt: skip

    def send_reminders(self, event_id: str) -> int:
        """:meth:`remind`, returning how many messages were queued, both kinds together."""
        done = self.remind(event_id)
        return done.reminded + done.relanced

    def remind(self, event_id: str) -> ReminderRound:
        """The step of D − 15 days (EVT-2): a reminder of their session to the people still
        registered (EVT-4: not to those who cancelled nor to the waiting list), and a relance to
        the invited people who never registered (who cancelled has answered), have not left nor
        opted out since (MEM-14). Says how many of each were queued."""
        locale = self.deps.settings.locale
        with self.deps.transaction() as uow:
            event, sessions = uow.events.get(event_id), sessions_of(uow, event_id)
            context = event_context(event, sessions, locale)
            registrations = {s.id: uow.registrations.list({"session_id": s.id}) for s in sessions}
            answered = {r.member_id for found in registrations.values() for r in found}
            silent = [  # who cancelled has answered: no relance
                f.member_id
                for f in uow.attendance.list({"event": event_id})
                if not f.registered and f.member_id not in answered
            ]
            relanced = reminded = 0
            maker, until = LinkMaker(self.deps), self._last_start(sessions)
            for member in uow.members.list({"id": silent}) if silent else []:
                if member.email and _reachable(member):
                    links = _bulk_links(maker, member, event.id, until)
                    queue_message(self.deps, uow, "event_reminder", member.email,
                                  {**context, "member": member, "links": links},
                                  list_unsubscribe=links["unsubscribe"] or None)  # fmt: skip
                    relanced += 1
            for session, shown in zip(sessions, context["sessions"], strict=True):
                still = {
                    r.member_id: r.id
                    for r in registrations[session.id]
                    if r.status is RegistrationStatus.CONFIRMED
                }
                start = session_start(self.deps, session.date, session.start)
                for member in uow.members.list({"id": list(still)}) if still else []:
                    if member.email and not member.erased:  # NOT-3: a personal cancel link
                        cancel = maker.url(LinkPurpose.CANCEL, member.id, still[member.id],
                                           until=start)  # fmt: skip
                        queue_message(self.deps, uow, "event_registered_reminder", member.email,
                                      {**context, "session": shown, "member": member,
                                       "links": {"cancel": cancel}})  # fmt: skip
                        reminded += 1
            mark_task(uow, event, TaskKind.REMINDER)
        return ReminderRound(event_id, reminded=reminded, relanced=relanced)

    def _last_start(self, sessions: Sequence[Session]) -> dt.datetime | None:
        """Registration links end when the last session starts (NOT-3)."""
        starts = [session_start(self.deps, s.date, s.start) for s in sessions]
        return max(starts) if starts else None

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


def _bulk_links(
    maker: LinkMaker, member: Member, event_id: str, until: dt.datetime | None
) -> dict[str, str]:
    """The links of an invitation or a relance: register for the event, unsubscribe (NOT-3)."""
    return {
        "register": maker.url(LinkPurpose.REGISTER, member.id, event_id, until=until),
        "unsubscribe": maker.url(LinkPurpose.UNSUBSCRIBE, member.id),
    }


def _communes_of(uow: UnitOfWork, members: Sequence[Member], day: dt.date) -> dict[str, set[str]]:
    """Each member's communes (positions held on ``day``)."""
    held: dict[str, set[str]] = {}
    ids = [m.id for m in members]
    for position in uow.positions.list({"member_id": ids}) if ids else []:
        if position.active_on(day):
            held.setdefault(position.member_id, set()).add(position.commune)
    return held


def _reachable(member: Member) -> bool:
    """Someone a relance may still reach (MEM-14): an address, not departed, opted out or erased."""
    return bool(
        member.email
        and member.lifecycle is not Lifecycle.DEPARTED
        and not member.invitations_opt_out
        and not member.erased
    )
