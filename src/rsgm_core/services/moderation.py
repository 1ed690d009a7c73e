"""Abuse reports and sanctions on the platform, as ``app.moderation`` (CHA-9): any user files a
report, a CDG administrator restricts or removes access and lifts it, the employer collectivity is
told (:mod:`rsgm_core.services.access_revocation`). The rules are in
:mod:`rsgm_core.domain.access` (:class:`~rsgm_core.domain.access.Sanction`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.access import Sanction, SanctionKind, check_not_sanctioned
from rsgm_core.domain.access_records import (
    AbuseReport,
    EmployerNotice,
    NoticeKind,
    check_reason,
)
from rsgm_core.domain.authorization import Operation
from rsgm_core.errors import NotFoundError
from rsgm_core.render.formatting import format_date
from rsgm_core.services.access_facts import _find_member, parse_enum
from rsgm_core.services.access_revocation import _employers, _notify_employer
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["ModerationService"]


class ModerationService:
    """``app.moderation``: abuse reports, sanctions and their lifting, what employers were told."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def file_report(
        self,
        member_id: str,
        *,
        by: str,
        reason: str,
        space_id: str | None = None,
        on: dt.date | None = None,
    ) -> AbuseReport:
        """CHA-9: ``by`` reports ``member_id`` (in ``space_id``, if given) for ``reason``; an
        administrator then decides a sanction, or none."""
        why = check_reason(reason, "un signalement dit ce qui est reproché")
        with self.deps.transaction() as uow:
            reporter = authorize(uow, by, Operation.REPORT_ABUSE, on=self.deps.today())
            person = _find_member(uow, member_id, rule="CHA-9")
            if space_id is not None:
                uow.spaces.get(space_id)
            report = AbuseReport(new_id(), person.id, reporter.id, self.deps.on(on), why, space_id)
            return uow.abuse_reports.add(report)

    def list_reports(self) -> list[AbuseReport]:
        """Every report, oldest first; ``sanction_id`` links the sanction decided on it."""
        with self.deps.read() as uow:
            return sorted(uow.abuse_reports.list(), key=lambda r: (r.reported_on, r.id))

    def sanction(
        self,
        member_id: str,
        kind: SanctionKind | str,
        *,
        by: str,
        reason: str,
        report_id: str | None = None,
        on: dt.date | None = None,
    ) -> Sanction:
        """CHA-9: an administrator restricts the member's rights to reading, or removes their
        access; recorded (linked to ``report_id``) and the employer told, in one transaction."""
        day = self.deps.on(on)
        what = parse_enum(SanctionKind, kind, "sanction", "CHA-9")
        why = check_reason(reason, "une sanction est motivée")
        with self.deps.transaction() as uow:
            admin = authorize(uow, by, Operation.SANCTION, on=self.deps.today())
            person = _find_member(uow, member_id, rule="CHA-9")
            check_not_sanctioned(
                uow.sanctions.list({"member_id": person.id}), what, member_name=person.full_name
            )
            sanction = Sanction(new_id(), person.id, what, day, admin.id, why, report_id)
            if report_id is not None:
                report = uow.abuse_reports.get(report_id)
                uow.abuse_reports.update(attrs.evolve(report, sanction_id=sanction.id))
            sanction, changed = sanction.impose(uow.grants.list({"member_id": person.id}))
            uow.sanctions.add(sanction)
            uow.grants.update_all(changed)
            context = {"kind": what.value, "reason": sanction.reason}
            for commune in _employers(uow, person, day):
                _notify_employer(self.deps, uow, person, commune, NoticeKind.SANCTION, day, context)
        return sanction

    def lift_sanction(
        self,
        sanction_id: str,
        *,
        by: str,
        reason: str,
        on: dt.date | None = None,
    ) -> Sanction:
        """CHA-9: an administrator lifts a sanction; it stays on record with the date, the
        administrator and the reason of the lifting, and the employer is told, in one transaction.

        Lifting a restriction gives back the roles it lowered (grants still active and still
        visitor). Lifting a removal gives no access back: the administrator invites again
        (``app.access.grant``), every rule checked afresh."""
        day = self.deps.on(on)
        check_reason(reason, "la levée d'une sanction est motivée")
        with self.deps.transaction() as uow:
            admin = authorize(uow, by, Operation.SANCTION, on=self.deps.today())
            found = uow.sanctions.find(sanction_id)
            if found is None:
                raise NotFoundError(
                    f"sanction inconnue : {sanction_id!r}", rule="CHA-9", value=sanction_id
                )
            lifted = found.lift(on=day, by=admin.id, reason=reason)
            uow.sanctions.update(lifted)
            person = uow.members.get(lifted.member_id)
            restored = lifted.restore(uow.grants.list({"member_id": person.id}))
            uow.grants.update_all(restored)
            context = {
                "kind": lifted.kind.value,
                "decided_on": format_date(lifted.decided_on),
                "reason": lifted.lift_reason,
                "restored": [
                    f"{uow.spaces.get(g.space_id).name} ({g.role.value})" for g in restored
                ],
                "removal": lifted.kind is SanctionKind.REMOVAL,
            }
            for commune in _employers(uow, person, day):
                _notify_employer(
                    self.deps, uow, person, commune, NoticeKind.SANCTION_LIFTED, day, context
                )
        return lifted

    def list_sanctions(
        self, *, member_id: str | None = None, active: bool | None = None
    ) -> list[Sanction]:
        """The sanctions on record, oldest first, of ``member_id`` or everyone; ``active=True``:
        those in force, ``active=False``: those lifted."""
        with self.deps.read() as uow:
            where = (
                {"member_id": _find_member(uow, member_id, rule="CHA-9").id} if member_id else None
            )
            found = uow.sanctions.list(where)
        kept = [s for s in found if active is None or s.active is active]
        return sorted(kept, key=lambda s: (s.decided_on, s.id))

    def list_notices(
        self, *, member_id: str | None = None, sendable: bool | None = None
    ) -> list[EmployerNotice]:
        """What employers were told (revocations, sanctions, liftings), oldest first;
        ``sendable=False``: those with no known address, to tell by other means."""
        where: dict[str, object] = {}
        if sendable is not None:
            where["sendable"] = sendable
        with self.deps.read() as uow:
            if member_id is not None:
                where["member_id"] = _find_member(uow, member_id, rule="CHA-9").id
            found = uow.employer_notices.list(where or None)
        return sorted(found, key=lambda n: (n.on, n.id))
