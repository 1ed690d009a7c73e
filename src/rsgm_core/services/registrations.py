"""Registrations, attendance, rates and certificates (EVT-4..EVT-6): ``app.registrations``.

Reading the session and counting its seats happen inside the unit of work that adds the
registration; the SQL backend takes its write lock when that unit of work begins (``BEGIN
IMMEDIATE``), so two writers racing for the last seat are served one after the other and never
oversell (EVT-4).

Attendance also feeds the network's engagement rules (MEM-7): each invitation is an
``AttendanceFact`` (id ``<event id>/<member id>``) updated on registration, cancellation and
sign-in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.events import (
    Cancellation,
    CertificateRow,
    EventAudience,
    Rates,
    Registration,
    RegistrationStatus,
    SignInSheet,
    cancel,
    check_cancellable,
    check_registrant,
    mark_attendance,
    register,
    walk_in,
)
from rsgm_core.domain.links import LinkPurpose
from rsgm_core.domain.rgpd import check_editable
from rsgm_core.domain.timeline import TaskKind
from rsgm_core.render.event_documents import registrants
from rsgm_core.services.authorization import authorize
from rsgm_core.services.event_audience import in_legal_scope
from rsgm_core.services.event_messages import (
    certificate_rows,
    event_context,
    event_registrations,
    mark_task,
    rates_of,
    record_fact,
)
from rsgm_core.services.links import LinkMaker, session_start
from rsgm_core.services.members import new_id
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["RegistrationService", "cancel_in", "register_in"]


class RegistrationService:
    """Who comes to an event's sessions: ``app.registrations``."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Registrations (EVT-4) ---------------------------------------------------------------------

    def register(self, session_id: str, member_id: str) -> Registration:
        """Register someone before the session's deadline, if the event's audience lets them
        (EVT-4, MEM-14: members only, every SGM of the scope, or guests too): confirmed while
        seats remain, else on the waiting list."""
        with self.deps.transaction() as uow:
            return register_in(self.deps, uow, session_id, member_id)

    def cancel(self, registration_id: str) -> Cancellation:
        """Cancel before the session; the first on the waiting list takes the freed seat and is
        told (EVT-4, NOT-1)."""
        with self.deps.transaction() as uow:
            return cancel_in(self.deps, uow, registration_id)

    def list_registrations(
        self,
        *,
        event_id: str | None = None,
        session_id: str | None = None,
        member_id: str | None = None,
    ) -> list[Registration]:
        """Registrations, cancelled ones included, filtered by event, session and member (each
        given id must exist); by session, then order of arrival."""
        with self.deps.read() as uow:
            if event_id is not None:
                uow.events.get(event_id)
                found = event_registrations(uow, event_id)
            else:
                found = uow.registrations.list()
            if session_id is not None:
                uow.sessions.get(session_id)
                found = [r for r in found if r.session_id == session_id]
            if member_id is not None:
                uow.members.get(member_id)
                found = [r for r in found if r.member_id == member_id]
        return sorted(found, key=lambda r: (r.session_id, r.rank))

    # Attendance, rates, certificates (EVT-5, EVT-6) --------------------------------------------

    def attend(
        self, session_id: str, present: Iterable[str], *, walk_ins: Iterable[str] = ()
    ) -> list[Registration]:
        """Record the sign-in sheet of a session that has taken place: every confirmed
        registrant is present (their member id is in ``present``) or absent; someone not
        registered cannot be ticked (EVT-5). ``walk_ins`` are those who came on the day without a
        confirmed seat: registered and present at once, past the deadline and the capacity, if
        the event's audience takes them (EVT-4)."""
        today = self.deps.today()
        with self.deps.transaction() as uow:
            session = uow.sessions.get(session_id)
            event = uow.events.get(session.event_id)
            registrations = uow.registrations.list({"session_id": session_id})
            stored = {r.id for r in registrations}
            arrived = []
            for member_id in dict.fromkeys(walk_ins):
                member = uow.members.get(member_id)
                scope = event.audience is EventAudience.SCOPE and in_legal_scope(
                    self.deps, uow, member, on=session.date
                )
                check_registrant(member, audience=event.audience, in_scope=scope)
                made = walk_in(session, registrations, registration_id=new_id(),
                               member_id=member_id, on=today)  # fmt: skip
                registrations = [r for r in registrations if r.id != made.id] + [made]
                arrived.append(member_id)
            marked = mark_attendance(session, registrations, [*present, *arrived], on=today)
            uow.registrations.add_all(r for r in marked if r.id not in stored)
            uow.registrations.update_all(r for r in marked if r.id in stored)
            for r in marked:
                record_fact(
                    uow, event, r.member_id, session.date, registered=True, attended=r.attended
                )
            event = uow.events.get(event.id)  # the sheet is in: headcount and tracking row done
            mark_task(uow, mark_task(uow, event, TaskKind.HEADCOUNT), TaskKind.TRACKING_ROW)
        return marked

    def sign_in(self, session_id: str, *, by: str) -> SignInSheet:
        """EVT-5: what the sign-in sheet lists: the confirmed registrants of one session. The
        sheet names people: ``by``, CDG staff (CHA-2), exports it."""
        with self.deps.read() as uow:
            authorize(uow, by, Operation.EXPORT_ATTENDEES, on=self.deps.today())
            session = uow.sessions.get(session_id)
            event = uow.events.get(session.event_id)
            ids = registrants(uow.registrations.list({"session_id": session_id}))
            members = uow.members.list({"id": ids}) if ids else []
        return SignInSheet(event, session, tuple(members))

    def rates(self, event_id: str) -> Rates:
        """EVT-5: invited, registered and attendees, and the rates between them."""
        with self.deps.read() as uow:
            event = uow.events.get(event_id)
            return rates_of(event, event_registrations(uow, event_id))

    def list_certificates(self, *, event_id: str) -> list[CertificateRow]:
        """EVT-6: the attendees of the event, each with the session attended."""
        with self.deps.read() as uow:
            uow.events.get(event_id)
            return certificate_rows(uow, event_id)


def register_in(deps: Deps, uow: UnitOfWork, session_id: str, member_id: str) -> Registration:
    """:meth:`RegistrationService.register` inside the caller's unit of work (a personal link's
    use, NOT-3)."""
    session = uow.sessions.get(session_id)  # read and counted inside the write lock
    event = uow.events.get(session.event_id)
    member = uow.members.get(member_id)
    if member.erased:  # MEM-11; a departure is EVT-4's, in check_registrant
        check_editable(member, "cette inscription")
    scope = event.audience is EventAudience.SCOPE and in_legal_scope(
        deps, uow, member, on=deps.today()
    )
    check_registrant(member, audience=event.audience, in_scope=scope)
    existing = uow.registrations.list({"session_id": session_id})
    made = register(
        session, existing, registration_id=new_id(), member_id=member_id, on=deps.today()
    )
    uow.registrations.add(made)
    record_fact(uow, event, member_id, session.date, registered=True)
    return made


def cancel_in(deps: Deps, uow: UnitOfWork, registration_id: str) -> Cancellation:
    """:meth:`RegistrationService.cancel` inside the caller's unit of work (NOT-3)."""
    registration = uow.registrations.get(registration_id)
    session = uow.sessions.get(registration.session_id)
    check_cancellable(registration, session, on=deps.today())
    others = uow.registrations.list({"session_id": session.id})
    cancelled, promoted = cancel(registration, others)
    uow.registrations.update(cancelled)
    event = uow.events.get(session.event_id)
    if not any(
        r.member_id == registration.member_id and r.status is not RegistrationStatus.CANCELLED
        for r in event_registrations(uow, event.id)
        if r.id != registration.id
    ):
        record_fact(uow, event, registration.member_id, session.date, registered=False)
    if promoted is not None:
        uow.registrations.update(promoted)
        member = uow.members.get(promoted.member_id)
        if member.email:  # NOT-3: the promoted person's own cancel link
            cancel_link = LinkMaker(deps).url(
                LinkPurpose.CANCEL,
                member.id,
                promoted.id,
                until=session_start(deps, session.date, session.start),
            )
            queue_message(deps,
                uow, "event_waiting_list_promotion", member.email,
                {"member": member, **event_context(event, [session], deps.settings.locale),
                 "links": {"cancel": cancel_link}},
            )  # fmt: skip
    return Cancellation(cancelled, promoted)
