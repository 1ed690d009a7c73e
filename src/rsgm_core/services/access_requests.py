"""How a person comes into the platform and back: an administrator's grant (CHA-2) with the
charter sent to a new account (CHA-8), self-service requests where the CDG's policy allows them
(CHA-2, CHA-6), and the suspension and new invitation of an account whose credentials were lost
or stolen (CHA-10). ``app.access`` (:mod:`rsgm_core.services.access`) calls these inside one unit
of work per use case."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.access import Grant, Role, Space, check_nominative, revoke_all
from rsgm_core.domain.access_records import (
    AccessRequest,
    RequestStatus,
    Suspension,
    check_reason,
    check_requested_role,
    check_requests_allowed,
)
from rsgm_core.domain.authorization import Operation, check_can_hold_roles
from rsgm_core.domain.charters import current_version
from rsgm_core.domain.members import Function, Lifecycle
from rsgm_core.domain.profile import outside_territory
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError
from rsgm_core.render.formatting import format_date
from rsgm_core.services.access_facts import _decide_for, _find_member
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import _add_member, _add_position, new_id
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.domain.members import Member
    from rsgm_core.domain.territory import Commune
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__: list[str] = []  # composition helpers of app.access, private to it

DEPARTMENTAL_ID = "departemental"
LOST_CREDENTIALS = "identifiants perdus ou volés"


def departmental_id(departement: str | None) -> str:
    """The id of the departmental space: ``departemental``, or ``departemental-78`` when the CDG
    keeps one per department (TER-7)."""
    return DEPARTMENTAL_ID if departement is None else f"{DEPARTMENTAL_ID}-{departement}"


def _departmental_space_for(deps: Deps, uow: UnitOfWork, commune: Commune) -> Space:
    """TER-7: the departmental space a commune belongs to: its department's where the CDG keeps
    one per department, else the one departmental space."""
    per_departement = deps.settings.policies.per_departement
    wanted = departmental_id(commune.departement if per_departement else None)
    found = uow.spaces.find(wanted)
    if found is None:
        where = f" du département {commune.departement}" if per_departement else ""
        raise NotFoundError(  # the space is created by an administrator (rsgm access space)
            f"aucun espace départemental{where} n'est créé pour la commune {commune.name}",
            rule="TER-7",
            value=wanted,
        )
    return found


def _grant_in(
    deps: Deps,
    uow: UnitOfWork,
    person: Member,
    space: Space,
    role: Role,
    day: dt.date,
    *,
    admin: Member,
    commune: str | None = None,
    send_charter: bool = True,
) -> Grant:
    """CHA-2: an administrator gives ``person`` ``role`` in ``space``, refused with every reason
    when the rules say no; a second grant in the same space changes the role. A person with no
    access until now gets the charter in force (CHA-8)."""
    decision, basis = _decide_for(
        uow, person, role, space, day, settings=deps.settings, commune=commune, admin=admin
    )
    decision.raise_if_refused()
    held = uow.grants.list({"member_id": person.id})
    for grant in held:
        if grant.active and grant.space_id == space.id:
            return uow.grants.update(attrs.evolve(grant, role=role, commune=basis))
    grant = uow.grants.add(Grant(new_id(), person.id, space.id, role, day, admin.id, commune=basis))
    if send_charter and not any(g.active for g in held):
        _send_charter(deps, uow, person, space)
    return grant


def _send_charter(deps: Deps, uow: UnitOfWork, person: Member, space: Space) -> None:
    """CHA-8: the charter in force is sent to a user when their account is created."""
    versions = uow.charter_versions.list()
    if not person.email or not versions:
        return
    version = current_version(versions)
    shown = {
        "version": version.version,
        "title": version.title,
        "text": version.text,
        "published_on": format_date(version.published_on),
    }
    queue_message(
        deps, uow, "charter_sent", person.email,
        {"member": person, "version": shown, "space": space.name},
    )  # fmt: skip


def request_access(
    deps: Deps,
    email: str,
    *,
    first_name: str,
    last_name: str,
    commune: str,
    space_id: str | None,
    role: Role,
    on: dt.date,
) -> AccessRequest:
    """CHA-2: a self-service request, where the policy allows it; see ``app.access``."""
    with deps.transaction() as uow:  # the policy and the role are checked inside, once
        return request_access_in(
            deps, uow, email, first_name=first_name, last_name=last_name, commune=commune,
            space_id=space_id, role=role, on=on,
        )  # fmt: skip


def request_access_in(
    deps: Deps,
    uow: UnitOfWork,
    email: str,
    *,
    first_name: str,
    last_name: str,
    commune: str,
    space_id: str | None,
    role: Role,
    on: dt.date,
) -> AccessRequest:
    """:func:`request_access` inside the caller's unit of work (a personal link, NOT-3)."""
    check_requests_allowed(deps.settings.policies.access)
    check_requested_role(role.value)
    place = uow.communes.get(commune)
    address = check_nominative(email.strip(), commune_names=[place.name])  # CHA-6
    if outside_territory(place.departement, deps.settings.departements):
        raise RuleViolation(  # needs storage: the commune's department, from the census
            f"la commune {place.name} ({place.departement}) est hors du ressort du CDG : "
            "elle n'a pas accès à la plateforme",
            rule="TER-7",
            value=commune,
        )
    space = uow.spaces.get(space_id) if space_id else _departmental_space_for(deps, uow, place)
    person = _requester(deps, uow, address, first_name, last_name, place.code, on)
    for pending in uow.access_requests.list({"member_id": person.id}):
        if pending.status is RequestStatus.PENDING and pending.space_id == space.id:
            raise RuleViolation(  # needs storage: the requests already recorded
                f"{person.full_name} a déjà une demande en attente pour « {space.name} » "
                f"(identifiant {pending.id})",
                rule="CHA-2",
                value=pending.id,
            )
    request = uow.access_requests.add(
        AccessRequest(new_id(), person.id, place.code, space.id, role.value, on)
    )
    context = {"member": person, "commune": place.name, "space": space.name,
               "on": format_date(on), "request_id": request.id}  # fmt: skip
    for admin in _administrators(uow):
        queue_message(deps, uow, "access_request_received", admin.email or "", context)
    queue_message(deps, uow, "access_request_acknowledged", address, context)
    return request


def _requester(
    deps: Deps,
    uow: UnitOfWork,
    email: str,
    first_name: str,
    last_name: str,
    commune: str,
    day: dt.date,
) -> Member:
    """The person asking: the member with that address, else recorded as a prospect (MEM-4);
    a position as SGM in ``commune`` is recorded if they hold none there on ``day``."""
    found = uow.members.list({"email": email.lower()}) or uow.members.list({"email": email})
    person = found[0] if found else None
    if person is None:
        person = _add_member(
            uow, deps, first_name, last_name, email=email, lifecycle=Lifecycle.PROSPECT
        )
    held = uow.positions.list({"member_id": person.id})
    if not any(p.commune == commune and p.active_on(day) for p in held):
        _add_position(uow, deps, person.id, commune, Function.SGM, start=day)
    return person


def _administrators(uow: UnitOfWork) -> list[Member]:
    """The CDG's administrators with an address (CHA-2)."""
    ids = {s.member_id for s in uow.cdg_staff.list() if s.administrator}
    return [m for m in uow.members.list({"id": ids}) if m.email] if ids else []


def _pending(uow: UnitOfWork, request_id: str) -> AccessRequest:
    found = uow.access_requests.find(request_id)
    if found is None:
        raise NotFoundError(
            f"demande d'accès inconnue : {request_id!r}", rule="CHA-2", value=request_id
        )
    if found.status is not RequestStatus.PENDING:
        raise RuleViolation(  # needs storage: the request's state as recorded
            f"la demande {request_id} a déjà été {found.status.value}"
            + (f" le {format_date(found.decided_on)}" if found.decided_on else ""),
            rule="CHA-2",
            value=request_id,
        )
    return found


def accept_request(deps: Deps, request_id: str, *, by: str, on: dt.date) -> Grant:
    """CHA-2: an administrator accepts a request: the grant, every rule checked."""
    with deps.transaction() as uow:
        admin = authorize(uow, by, Operation.GRANT_ACCESS, on=deps.today())
        request = _pending(uow, request_id)
        person = uow.members.get(request.member_id)
        space = uow.spaces.get(request.space_id)
        grant = _grant_in(
            deps, uow, person, space, Role(request.role), on, admin=admin, commune=request.commune
        )
        uow.access_requests.update(
            attrs.evolve(request, status=RequestStatus.ACCEPTED, decided_by=admin.id,
                         decided_on=on, grant_id=grant.id)
        )  # fmt: skip
        context = {"member": person, "space": space.name, "role": grant.role.value,
                   "on": format_date(on)}  # fmt: skip
        queue_message(deps, uow, "access_request_accepted", person.email or "", context)
    return grant


def refuse_request(
    deps: Deps, request_id: str, *, by: str, reason: str, on: dt.date
) -> AccessRequest:
    """CHA-2: an administrator refuses a request, saying why; the person is told."""
    if not reason.strip():
        raise ValidationError(
            "le refus d'une demande d'accès est motivé", rule="CHA-2", value=reason
        )
    with deps.transaction() as uow:
        admin = authorize(uow, by, Operation.REVOKE_ACCESS, on=deps.today())
        request = _pending(uow, request_id)
        refused = uow.access_requests.update(
            attrs.evolve(request, status=RequestStatus.REFUSED, decided_by=admin.id,
                         decided_on=on, reason=reason.strip())
        )  # fmt: skip
        person = uow.members.get(request.member_id)
        space = uow.spaces.get(request.space_id)
        context = {"member": person, "space": space.name, "reason": refused.reason,
                   "on": format_date(on)}  # fmt: skip
        queue_message(deps, uow, "access_request_refused", person.email or "", context)
    return refused


def suspend(deps: Deps, member_id: str, *, by: str, reason: str, on: dt.date) -> Suspension:
    """CHA-10: the account is suspended at once: every access revoked (the next platform export
    suspends it), recorded so that it can be invited again."""
    why = check_reason(reason, "une suspension dit pourquoi")
    with deps.transaction() as uow:
        person = _find_member(uow, member_id, rule="CHA-10")
        admin = authorize(uow, by, Operation.REVOKE_ACCESS, on=deps.today(), rule="CHA-10")
        revoked = revoke_all(
            uow.grants.list({"member_id": person.id}), person.id, on=on, reason=why
        )
        if not revoked:
            raise RuleViolation(  # needs storage: the member's grants as recorded
                f"{person.full_name} n'a aucun accès en cours à suspendre",
                rule="CHA-10",
                value=person.id,
            )
        uow.grants.update_all(revoked)
        suspension = Suspension(
            new_id(), person.id, on, admin.id, why, tuple(g.id for g in revoked)
        )
        return uow.suspensions.add(suspension)


def reinvite(deps: Deps, member_id: str, *, by: str, on: dt.date) -> list[Grant]:
    """CHA-10: the suspended account is invited again, in the spaces and roles it had, every
    rule checked afresh; the person gets a new invitation (new credentials)."""
    with deps.transaction() as uow:
        person = _find_member(uow, member_id, rule="CHA-10")
        admin = authorize(uow, by, Operation.GRANT_ACCESS, on=deps.today(), rule="CHA-10")
        pending = [s for s in uow.suspensions.list({"member_id": person.id}) if s.pending]
        if not pending:
            raise RuleViolation(  # needs storage: the suspensions recorded
                f"{person.full_name} : compte non suspendu, rien à réinviter",
                rule="CHA-10",
                value=person.id,
            )
        suspension = max(pending, key=lambda s: (s.suspended_on, s.id))
        if on < suspension.suspended_on:
            raise ValidationError(
                f"une nouvelle invitation ne peut précéder la suspension du "
                f"{format_date(suspension.suspended_on)}",
                rule="CHA-10",
                value=on,
            )
        former = [uow.grants.get(grant_id) for grant_id in suspension.grant_ids]
        granted = [
            _grant_in(deps, uow, person, uow.spaces.get(g.space_id), g.role, on, admin=admin,
                      commune=g.commune, send_charter=False)
            for g in former
        ]  # fmt: skip
        uow.suspensions.update(attrs.evolve(suspension, reinvited_on=on, reinvited_by=admin.id))
        spaces = [f"{uow.spaces.get(g.space_id).name} ({g.role.value})" for g in granted]
        queue_message(
            deps, uow, "access_reinvitation", person.email or "",
            {"member": person, "spaces": spaces, "on": format_date(on)},
        )  # fmt: skip
    return granted


def check_departmental(deps: Deps, uow: UnitOfWork, departement: str | None) -> str | None:
    """TER-7: the department a new departmental space is for: required (and one of the CDG's)
    with one space per department, refused without; one departmental space per department."""
    settings = deps.settings
    if settings.policies.per_departement:
        if departement is None or departement not in settings.departements:
            known = ", ".join(settings.departements)
            given = f"département {departement}" if departement else "aucun département indiqué"
            raise ValidationError(
                f"{given} : le CDG tient un espace départemental par département de son "
                f"territoire ({known}), précisez lequel",
                rule="TER-7",
                value=departement,
            )
    elif departement is not None:
        raise ValidationError(
            f"département {departement} : le CDG tient un seul espace départemental "
            "(politique « reseau_par_departement » non retenue)",
            rule="TER-7",
            value=departement,
        )
    if uow.spaces.find(departmental_id(departement)) is not None:
        where = f"le département {departement}" if departement else "le CDG"
        raise RuleViolation(  # needs storage: the spaces already created
            f"un espace départemental existe déjà pour {where} : un seul par département",
            rule="TER-7",
            value=departement,
        )
    return departement


def list_requests(
    deps: Deps, *, status: RequestStatus | None, member_id: str | None
) -> list[AccessRequest]:
    """CHA-2: the requests of ``member_id`` (or everyone's) in ``status``, oldest first."""
    with deps.read() as uow:
        where = {"member_id": _find_member(uow, member_id, rule="CHA-2").id} if member_id else None
        found = uow.access_requests.list(where)
    kept = [r for r in found if status is None or r.status is status]
    return sorted(kept, key=lambda r: (r.requested_on, r.id))


def list_suspensions(
    deps: Deps, *, member_id: str | None, pending: bool | None
) -> list[Suspension]:
    """CHA-10: the suspensions of ``member_id`` (or everyone's), oldest first."""
    with deps.read() as uow:
        where = {"member_id": _find_member(uow, member_id, rule="CHA-10").id} if member_id else None
        found = uow.suspensions.list(where)
    kept = [s for s in found if pending is None or s.pending is pending]
    return sorted(kept, key=lambda s: (s.suspended_on, s.id))


def check_naming(
    uow: UnitOfWork, member: Member, *, administrator: bool, by: str | None, on: dt.date
) -> str | None:
    """CHA-2: who names ``member`` CDG staff: nobody for the first administrator (named when the
    CDG's data is set up), else an administrator ``by`` (:func:`authorize`); the id of the one
    who named them. A person whose functions ended, or who was erased, is named nothing."""
    check_can_hold_roles(member, on=on)
    admins = [s for s in uow.cdg_staff.list() if s.administrator]
    if by is None:
        if not admins and administrator:
            return None
        raise RuleViolation(  # needs storage: the administrators already named
            f"{member.full_name} : seul un administrateur du CDG nomme un agent ou un "
            "administrateur (indiquez qui, « par ») ; le premier administrateur est nommé à la "
            "mise en place des données du CDG",
            rule="CHA-2",
            value=member.id,
        )
    return authorize(uow, by, Operation.NAME_STAFF, on=on).id
