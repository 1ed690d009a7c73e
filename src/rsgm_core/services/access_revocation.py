"""Revocation when functions end (CHA-7) and notices to the employer collectivity (CHA-7; CHA-9,
a sanction and its lifting), inside the caller's unit of work so that the departure, the
revocation and the notice are one transaction: a failure leaves all three undone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.access import Grant, revoke_all
from rsgm_core.domain.access_records import EmployerNotice, NoticeKind
from rsgm_core.render.formatting import format_date
from rsgm_core.services.members import new_id
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.domain.members import Member, Position
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__: list[str] = []  # composition helpers of the access areas, private to them


def _users(uow: UnitOfWork) -> list[Member]:
    """Members with an account on the platform: an active grant and an address."""
    ids = {g.member_id for g in uow.grants.list() if g.active}
    return [m for m in uow.members.list({"id": ids}) if m.email] if ids else []


def _employers(uow: UnitOfWork, member: Member, day: dt.date) -> list[str | None]:
    """The collectivities employing ``member`` on ``day`` (or whose position ends that day)."""
    communes = {
        p.commune
        for p in uow.positions.list({"member_id": member.id})
        if (p.start is None or p.start <= day) and (p.end is None or p.end >= day)
    }
    found: list[str | None] = [*sorted(communes)]
    return found or [None]


def _revoke_on_departure(
    deps: Deps, uow: UnitOfWork, member: Member, *, on: dt.date, reason: str
) -> list[Grant]:
    """CHA-7, inside the departure's unit of work: every access revoked at once, and each
    employer collectivity told (only when there was access to revoke)."""
    revoked = revoke_all(uow.grants.list({"member_id": member.id}), member.id, on=on, reason=reason)
    uow.grants.update_all(revoked)
    staff = uow.cdg_staff.find(member.id)
    if staff is not None and staff.administrator:  # CHA-2: every role lost at once
        uow.cdg_staff.update(attrs.evolve(staff, administrator=False))
    if revoked:
        spaces = [uow.spaces.get(g.space_id).name for g in revoked]
        for commune in _employers(uow, member, on):
            _notify_employer(
                deps, uow, member, commune, NoticeKind.REVOCATION, on, {"spaces": spaces}
            )
    return revoked


def _revoke_for_position(
    deps: Deps, uow: UnitOfWork, position: Position, *, on: dt.date
) -> list[Grant]:
    """CHA-7, inside the caller's unit of work: the position ends, so the access given through
    its commune is revoked (all access when no other position is held) and that commune told."""
    member = uow.members.get(position.member_id)
    others = [
        p
        for p in uow.positions.list({"member_id": member.id})
        if p.id != position.id and p.active_on(on)
    ]
    held = uow.grants.list({"member_id": member.id})
    if others:
        held = [g for g in held if g.commune == position.commune]
    revoked = revoke_all(held, member.id, on=on, reason="fin de fonctions")
    uow.grants.update_all(revoked)
    if revoked:
        spaces = [uow.spaces.get(g.space_id).name for g in revoked]
        _notify_employer(
            deps, uow, member, position.commune, NoticeKind.REVOCATION, on, {"spaces": spaces}
        )
    return revoked


_TEMPLATES = {
    NoticeKind.REVOCATION: "access_revoked",
    NoticeKind.SANCTION: "access_sanction",
    NoticeKind.SANCTION_LIFTED: "access_sanction_lifted",
}


def _notify_employer(
    deps: Deps,
    uow: UnitOfWork,
    member: Member,
    commune: str | None,
    kind: NoticeKind,
    on: dt.date,
    context: Mapping[str, object],
) -> EmployerNotice:
    """Queue the notice to the town hall's address (directory, ``set_town_hall(email=…)``); with
    no known address, record it as not sendable so an administrator sees it (NOT-1)."""
    found = uow.communes.find(commune) if commune else None
    hall = uow.town_halls.find(commune) if commune else None
    name = found.name if found else None
    if hall is not None and hall.email:
        values = {"member": member, "commune": name, "on": format_date(on), **context}
        message = queue_message(deps, uow, _TEMPLATES[kind], hall.email, values)
        notice = EmployerNotice(new_id(), member.id, commune, kind, on, True, message.id)
    else:
        where = f"la mairie de {name}" if name else "l'employeur"
        detail = f"aucune adresse connue pour {where} : prévenez-la par un autre moyen"
        notice = EmployerNotice(new_id(), member.id, commune, kind, on, False, None, detail)
    return uow.employer_notices.add(notice)
