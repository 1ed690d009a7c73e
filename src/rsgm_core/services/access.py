"""Platform spaces and access, as ``app.access`` (CHA-2..CHA-7, CHA-10, TER-7): CDG staff,
spaces (one departmental space, or one per department), agreements, the decision explained, grants
and revocations, the end of a position, self-service requests and suspensions on lost credentials
(:mod:`rsgm_core.services.access_requests`).

The charter is ``app.charters`` (:mod:`rsgm_core.services.charters`), reports and sanctions
``app.moderation`` (:mod:`rsgm_core.services.moderation`), the platform export ``app.platform``
(:mod:`rsgm_core.services.platform_export`); their former names on ``app.access`` stay for one
release as deprecated aliases. Revocation when functions end (CHA-7) is in
:mod:`rsgm_core.services.access_revocation`, called by ``app.members.depart`` inside its own unit
of work and by :meth:`AccessService.end_position`. The candidate a decision is made on is built by
:mod:`rsgm_core.services.access_facts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from rsgm_core._compat import moved_methods, renamed_keywords
from rsgm_core.domain.access import Decision, Grant, Role, Space, close_position, revoke_all
from rsgm_core.domain.access_records import (
    AccessRequest,
    Agreement,
    AgreementParty,
    CdgStaff,
    RequestStatus,
    Suspension,
    check_agreement_space,
)
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.charters import SpaceKind
from rsgm_core.errors import PermissionDeniedError, RuleViolation
from rsgm_core.services import access_requests as _requests
from rsgm_core.services.access_facts import (
    _decide_for,
    _find_member,
    _of_member_in_space,
    _require_referent,
    parse_enum,
)
from rsgm_core.services.access_requests import DEPARTMENTAL_ID, LOST_CREDENTIALS, _grant_in
from rsgm_core.services.access_revocation import _revoke_for_position
from rsgm_core.services.authorization import authorize
from rsgm_core.services.charters import CharterService
from rsgm_core.services.members import new_id
from rsgm_core.services.moderation import ModerationService
from rsgm_core.services.platform_export import PlatformService

if TYPE_CHECKING:
    from typing_extensions import deprecated

    from rsgm_core.domain.access import Sanction, SanctionKind
    from rsgm_core.domain.access_records import AbuseReport, EmployerNotice
    from rsgm_core.domain.charters import Capacity, CharterStatus, CharterVersion, Signature
    from rsgm_core.domain.platform import ExportResult
    from rsgm_core.services.deps import Deps


#: CHA-2, CHA-3, CHA-4: the operation each party's agreement is.
_AGREEMENT = {
    AgreementParty.ADMINISTRATOR: Operation.ADMINISTRATOR_AGREEMENT,
    AgreementParty.REFERENT: Operation.REFERENT_AGREEMENT,
    AgreementParty.COMMUNE_REQUEST: Operation.COMMUNE_REQUEST,
}


class AccessService:
    """``app.access``: who is CDG staff, the spaces, agreements, invitations and revocations,
    and why a person may not have a role in a space."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Spaces (CHA-3, CHA-5) and CDG staff (CHA-2)

    def create_departmental_space(
        self, name: str | None = None, *, by: str, departement: str | None = None
    ) -> Space:
        """CHA-3: the departmental space of the platform, for the SGM of communes under 3,500
        inhabitants: one (id ``departemental``), or with the ``per_departement`` policy one per
        department of the CDG's territory (``departement`` required, id ``departemental-78``);
        a second one for the same department is refused (TER-7). ``by``: an administrator
        (CHA-2)."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_SPACES, on=self.deps.today())
            where = _requests.check_departmental(self.deps, uow, departement)
            label = name or "Espace départemental" + (f" ({where})" if where else "")
            space = Space(
                _requests.departmental_id(where), SpaceKind.DEPARTMENTAL, label, departement=where
            )
            return uow.spaces.add(space)

    def departmental_space_for(self, commune: str) -> Space:
        """TER-7: the departmental space ``commune`` belongs to: its department's where the CDG
        keeps one per department, else the one departmental space."""
        with self.deps.read() as uow:
            return _requests._departmental_space_for(self.deps, uow, uow.communes.get(commune))

    def create_community_space(self, epci: str, name: str | None = None, *, by: str) -> Space:
        """CHA-3: the platform space of one EPCI (id ``epci-<siren>``); not to be confused with
        the community network of ``app.network``. ``by``: an administrator (CHA-2)."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_SPACES, on=self.deps.today())
            found = uow.epcis.get(epci)
            label = name or f"Espace communautaire {found.name}"
            return uow.spaces.add(Space(f"epci-{epci}", SpaceKind.COMMUNITY, label, epci=epci))

    def set_read_only(self, space_id: str, read_only: bool, *, by: str) -> Space:
        """CHA-5: the read-only phase (members are visitors) before contributions open; ``by``:
        an administrator (CHA-2)."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_SPACES, on=self.deps.today())
            space = uow.spaces.get(space_id)
            return uow.spaces.update(attrs.evolve(space, read_only=read_only))

    def list_spaces(self) -> list[Space]:
        """Every space of the platform."""
        with self.deps.read() as uow:
            return uow.spaces.list()

    @renamed_keywords(member="member_id")
    def add_staff(
        self,
        member_id: str,
        *,
        administrator: bool = False,
        by: str | None = None,
        on: dt.date | None = None,
    ) -> CdgStaff:
        """CHA-2: record a member as CDG staff (since ``on``); only they can be administrators.
        Recording them again changes ``administrator``. The first administrator is named when the
        CDG's data is set up (no ``by``); after that, only an administrator ``by`` names staff.
        A departed or erased person is named nothing (CHA-2)."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            found = _find_member(uow, member_id, rule="CHA-2")
            named_by = _requests.check_naming(
                uow, found, administrator=administrator, by=by, on=self.deps.today()
            )
            staff = CdgStaff(found.id, administrator, day, named_by)
            if uow.cdg_staff.find(found.id) is None:
                return uow.cdg_staff.add(staff)
            return uow.cdg_staff.update(staff)

    def list_staff(self) -> list[CdgStaff]:
        """The members recorded as CDG staff (CHA-2)."""
        with self.deps.read() as uow:
            return sorted(uow.cdg_staff.list(), key=lambda s: s.member_id)

    # Access (CHA-2..CHA-7)

    @renamed_keywords(member="member_id")
    def explain(
        self,
        member_id: str,
        role: Role | str,
        space_id: str,
        *,
        by: str | None = None,
        commune: str | None = None,
        on: dt.date | None = None,
    ) -> Decision:
        """May ``member_id`` have ``role`` in the space, and if not, every reason with its rule.
        Without ``by``, the invitation is taken as coming from an administrator."""
        wanted = parse_enum(Role, role, "rôle", "CHA-5")
        with self.deps.read() as uow:
            person = _find_member(uow, member_id, rule="CHA-2")
            admin = _find_member(uow, by, rule="CHA-2") if by else None
            decision, _ = _decide_for(
                uow, person, wanted, uow.spaces.get(space_id), self.deps.on(on),
                settings=self.deps.settings, commune=commune, admin=admin,
                assume_invited=by is None,
            )  # fmt: skip
        return decision

    @renamed_keywords(member="member_id")
    def grant(
        self,
        member_id: str,
        space_id: str,
        role: Role | str,
        *,
        by: str,
        commune: str | None = None,
        on: dt.date | None = None,
    ) -> Grant:
        """CHA-2: an administrator's invitation, refused with every reason (rule IDs) when the
        rules say no. A second grant in the same space changes the role. A person who had no
        access is sent the charter in force (CHA-8)."""
        day = self.deps.on(on)
        wanted = parse_enum(Role, role, "rôle", "CHA-5")
        with self.deps.transaction() as uow:
            admin = authorize(uow, by, Operation.GRANT_ACCESS, on=self.deps.today())
            person = _find_member(uow, member_id, rule="CHA-2")
            space = uow.spaces.get(space_id)
            return _grant_in(
                self.deps, uow, person, space, wanted, day, admin=admin, commune=commune
            )

    @renamed_keywords(member="member_id")
    def revoke(
        self,
        member_id: str,
        *,
        by: str,
        space_id: str | None = None,
        reason: str = "révocation par un administrateur",
        on: dt.date | None = None,
    ) -> list[Grant]:
        """Withdraw the member's access to one space, or to all; returns the grants revoked."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.REVOKE_ACCESS, on=self.deps.today())
            person = _find_member(uow, member_id, rule="CHA-7")
            held = uow.grants.list({"member_id": person.id})
            if space_id is not None:
                uow.spaces.get(space_id)
                held = [g for g in held if g.space_id == space_id]
            revoked = revoke_all(held, person.id, on=day, reason=reason)
            uow.grants.update_all(revoked)
        return revoked

    def list_grants(
        self,
        *,
        member_id: str | None = None,
        space_id: str | None = None,
        active: bool = True,
    ) -> list[Grant]:
        """The grants of ``member_id`` and/or in ``space_id`` (default: all); ``active=False``
        includes the revoked ones."""
        with self.deps.read() as uow:
            found = uow.grants.list(_of_member_in_space(uow, member_id, space_id, rule="CHA-2"))
        return [g for g in found if g.active or not active]

    def end_position(self, position_id: str, *, by: str, on: dt.date | None = None) -> list[Grant]:
        """CHA-7: a position ends; the access given through that commune is revoked (all access
        when no position is left) and the employer is told, in the same transaction. ``by``: an
        administrator (CHA-2)."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.REVOKE_ACCESS, on=self.deps.today())
            position = uow.positions.update(close_position(uow.positions.get(position_id), on=day))
            return _revoke_for_position(self.deps, uow, position, on=day)

    # Self-service requests (CHA-2) and lost credentials (CHA-10)

    def request_access(
        self,
        email: str,
        *,
        first_name: str,
        last_name: str,
        commune: str,
        space_id: str | None = None,
        role: Role | str = Role.CONTRIBUTOR,
        on: dt.date | None = None,
    ) -> AccessRequest:
        """CHA-2: a person asks for access, where the CDG's policy allows self-service
        (``policies.access = AccessMode.REQUEST``; refused by invitation only). The address is
        the person's own (CHA-6: a shared mailbox is refused); the person is found by it, or
        recorded as a prospect with a position as SGM in ``commune``, so that they can sign the
        charter. ``space_id`` defaults to the commune's departmental space (TER-7). The
        administrators are told, and the person gets an acknowledgement."""
        wanted = parse_enum(Role, role, "rôle", "CHA-5")
        return _requests.request_access(
            self.deps, email, first_name=first_name, last_name=last_name, commune=commune,
            space_id=space_id, role=wanted, on=self.deps.on(on),
        )  # fmt: skip

    def accept_request(self, request_id: str, *, by: str, on: dt.date | None = None) -> Grant:
        """CHA-2: a CDG administrator ``by`` accepts a pending request: the grant, refused with
        every reason when the rules say no (the charter signed, CHA-1…); the person is told and
        sent the charter (CHA-8)."""
        return _requests.accept_request(self.deps, request_id, by=by, on=self.deps.on(on))

    def refuse_request(
        self, request_id: str, *, by: str, reason: str, on: dt.date | None = None
    ) -> AccessRequest:
        """CHA-2: a CDG administrator ``by`` refuses a pending request with ``reason``; the
        person is told why."""
        return _requests.refuse_request(
            self.deps, request_id, by=by, reason=reason, on=self.deps.on(on)
        )

    def list_requests(
        self, *, status: RequestStatus | str | None = None, member_id: str | None = None
    ) -> list[AccessRequest]:
        """The access requests (CHA-2), oldest first: of ``member_id``, in ``status``."""
        state = None if status is None else parse_enum(RequestStatus, status, "état", "CHA-2")
        return _requests.list_requests(self.deps, status=state, member_id=member_id)

    def suspend(
        self,
        member_id: str,
        *,
        by: str,
        reason: str = LOST_CREDENTIALS,
        on: dt.date | None = None,
    ) -> Suspension:
        """CHA-10: lost or stolen credentials: an administrator suspends the account at once
        (every access revoked, the next platform export suspends it); then ``reinvite``."""
        return _requests.suspend(self.deps, member_id, by=by, reason=reason, on=self.deps.on(on))

    def reinvite(self, member_id: str, *, by: str, on: dt.date | None = None) -> list[Grant]:
        """CHA-10: the suspended account is invited again in the spaces and roles it had (every
        rule checked afresh) and the person gets a new invitation."""
        return _requests.reinvite(self.deps, member_id, by=by, on=self.deps.on(on))

    def list_suspensions(
        self, *, member_id: str | None = None, pending: bool | None = None
    ) -> list[Suspension]:
        """The suspensions (CHA-10), oldest first; ``pending=True``: not yet invited again."""
        return _requests.list_suspensions(self.deps, member_id=member_id, pending=pending)

    # Agreements (CHA-3, CHA-4)

    @renamed_keywords(member="member_id")
    def agree(
        self,
        member_id: str,
        space_id: str,
        party: AgreementParty | str,
        *,
        by: str,
        on: dt.date | None = None,
    ) -> Agreement:
        """Record the CDG administrator's or the community referent's agreement for a non-SGM
        (CHA-4), or a large commune's request to join its community space (CHA-3). The referent's
        agreement is given by a member holding, that day, the community-referent role in the
        community network of the space's EPCI."""
        who = parse_enum(AgreementParty, party, "partie", "CHA-4")
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            person = _find_member(uow, member_id, rule="CHA-4")
            space = uow.spaces.get(space_id)
            check_agreement_space(who, space)
            if who is AgreementParty.REFERENT and space.epci is not None:
                try:  # CHA-4: this EPCI's referent on the day of the agreement, named
                    _require_referent(uow, _find_member(uow, by, rule="CHA-4"), space.epci, day)
                except PermissionDeniedError:
                    raise
                except RuleViolation as exc:  # needs storage: the EPCI's referents that day
                    raise PermissionDeniedError(
                        exc.message, rule="CHA-4", value=exc.value
                    ) from None
            referent = who is AgreementParty.REFERENT  # that day's role; others: today's
            giver = authorize(uow, by, _AGREEMENT[who], on=day if referent else self.deps.today())
            agreement = Agreement(new_id(), person.id, space.id, who, giver.id, day)
            return uow.agreements.add(agreement)

    def list_agreements(
        self, *, member_id: str | None = None, space_id: str | None = None
    ) -> list[Agreement]:
        """The agreements on record (CHA-3, CHA-4), oldest first."""
        with self.deps.read() as uow:
            found = uow.agreements.list(_of_member_in_space(uow, member_id, space_id, rule="CHA-4"))
        return sorted(found, key=lambda a: (a.given_on, a.id))

    if TYPE_CHECKING:  # the former names, attached below at run time: typed for a caller's checker

        @deprecated("use app.charters.publish()")
        def publish_charter(
            self, title: str, text: str, *, by: str, on: dt.date | None = None
        ) -> CharterVersion: ...
        @deprecated("use app.charters.list_versions()")
        def charters(self) -> list[CharterVersion]: ...
        @deprecated("use app.charters.sign()")
        def sign(
            self,
            commune: str,
            signer: str,
            capacity: Capacity | str,
            *,
            space: SpaceKind | str = SpaceKind.DEPARTMENTAL,
            version: int | None = None,
            on: dt.date | None = None,
        ) -> Signature: ...
        @deprecated("use app.charters.status()")
        def charter_status(self, commune: str, *, on: dt.date | None = None) -> CharterStatus: ...
        @deprecated("use app.access.create_departmental_space()")
        def create_departmental(self, name: str = "Espace départemental", *, by: str) -> Space: ...
        @deprecated("use app.access.create_community_space()")
        def create_community(self, epci: str, name: str | None = None, *, by: str) -> Space: ...
        @deprecated("use app.access.list_spaces()")
        def spaces(self) -> list[Space]: ...
        @deprecated("use app.access.list_grants(member_id=…)")
        def grants(self, *, member: str | None = None, active: bool = True) -> list[Grant]: ...
        @deprecated("use app.moderation.file_report()")
        def report(
            self,
            member: str,
            *,
            by: str,
            reason: str,
            space_id: str | None = None,
            on: dt.date | None = None,
        ) -> AbuseReport: ...
        @deprecated("use app.moderation.list_reports()")
        def reports(self) -> list[AbuseReport]: ...
        @deprecated("use app.moderation.sanction()")
        def sanction(
            self,
            member: str,
            kind: SanctionKind | str,
            *,
            by: str,
            reason: str,
            report_id: str | None = None,
            on: dt.date | None = None,
        ) -> Sanction: ...
        @deprecated("use app.moderation.lift_sanction()")
        def lift_sanction(
            self, sanction_id: str, *, by: str, reason: str, on: dt.date | None = None
        ) -> Sanction: ...
        @deprecated("use app.moderation.list_sanctions(member_id=…)")
        def sanctions(
            self, *, member: str | None = None, active: bool | None = None
        ) -> list[Sanction]: ...
        @deprecated("use app.moderation.list_notices()")
        def notices(self, *, sendable: bool | None = None) -> list[EmployerNotice]: ...
        @deprecated("use app.platform.export_accounts()")
        def export(
            self, platform: str, *, by: str, since_last: bool = False, format: str = "csv"
        ) -> ExportResult: ...


# The former names on ``app.access``, kept one release. Each warns with the call replacing it.

_AREAS: dict[str, Callable[[Deps], object]] = {
    "access": AccessService,
    "charters": CharterService,
    "moderation": ModerationService,
    "platform": PlatformService,
}


_MEMBER = {"member": "member_id"}
moved_methods(
    AccessService,
    "access",
    [
        ("publish_charter", "charters", CharterService.publish),
        ("charters", "charters", CharterService.list_versions),
        ("sign", "charters", CharterService.sign),
        ("charter_status", "charters", CharterService.status),
        ("create_departmental", "access", AccessService.create_departmental_space),
        ("create_community", "access", AccessService.create_community_space),
        ("spaces", "access", AccessService.list_spaces),
        ("grants", "access", AccessService.list_grants),
        ("report", "moderation", ModerationService.file_report),
        ("reports", "moderation", ModerationService.list_reports),
        ("sanction", "moderation", ModerationService.sanction),
        ("lift_sanction", "moderation", ModerationService.lift_sanction),
        ("sanctions", "moderation", ModerationService.list_sanctions),
        ("notices", "moderation", ModerationService.list_notices),
        ("export", "platform", PlatformService.export_accounts),
    ],
    target=lambda access, area: access if area == "access" else _AREAS[area](access.deps),
    keywords={"grants": _MEMBER, "report": _MEMBER, "sanction": _MEMBER, "sanctions": _MEMBER},
)


__all__ = ["DEPARTMENTAL_ID", "AccessService", "parse_enum"]
