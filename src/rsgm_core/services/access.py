"""Platform spaces and access, as ``app.access`` (CHA-2..CHA-7): CDG staff, spaces, agreements,
the decision explained, grants and revocations, the end of a position.

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
    Agreement,
    AgreementParty,
    CdgStaff,
    check_agreement_space,
    check_referent,
    community_referents,
)
from rsgm_core.domain.charters import SpaceKind
from rsgm_core.services.access_facts import _decide_for, _find_member, _require_admin, parse_enum
from rsgm_core.services.access_revocation import _revoke_for_position
from rsgm_core.services.charters import CharterService
from rsgm_core.services.members import new_id
from rsgm_core.services.moderation import ModerationService
from rsgm_core.services.platform_export import PlatformService

if TYPE_CHECKING:
    from typing_extensions import deprecated

    from rsgm_core.domain.access import Sanction, SanctionKind
    from rsgm_core.domain.access_records import AbuseReport, EmployerNotice
    from rsgm_core.domain.charters import Capacity, CharterStatus, CharterVersion, Signature
    from rsgm_core.domain.members import Member
    from rsgm_core.domain.platform import ExportResult
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

DEPARTMENTAL_ID = "departemental"


class AccessService:
    """``app.access``: who is CDG staff, the spaces, agreements, invitations and revocations,
    and why a person may not have a role in a space."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Spaces (CHA-3, CHA-5) and CDG staff (CHA-2)

    def create_departmental_space(self, name: str = "Espace départemental") -> Space:
        """CHA-3: the departmental space of the platform (id ``departemental``), for the SGM of
        communes under 3,500 inhabitants."""
        with self.deps.transaction() as uow:
            return uow.spaces.add(Space(DEPARTMENTAL_ID, SpaceKind.DEPARTMENTAL, name))

    def create_community_space(self, epci: str, name: str | None = None) -> Space:
        """CHA-3: the platform space of one EPCI (id ``epci-<siren>``); not to be confused with
        the community network of ``app.network``."""
        with self.deps.transaction() as uow:
            found = uow.epcis.get(epci)
            label = name or f"Espace communautaire {found.name}"
            return uow.spaces.add(Space(f"epci-{epci}", SpaceKind.COMMUNITY, label, epci=epci))

    def set_read_only(self, space_id: str, read_only: bool) -> Space:
        """CHA-5: the read-only phase (members are visitors) before contributions open."""
        with self.deps.transaction() as uow:
            space = uow.spaces.get(space_id)
            return uow.spaces.update(attrs.evolve(space, read_only=read_only))

    def list_spaces(self) -> list[Space]:
        """Every space of the platform."""
        with self.deps.read() as uow:
            return uow.spaces.list()

    @renamed_keywords(member="member_id")
    def add_staff(
        self, member_id: str, *, administrator: bool = False, on: dt.date | None = None
    ) -> CdgStaff:
        """CHA-2: record a member as CDG staff (since ``on``); only they can be administrators.
        Recording them again changes ``administrator``."""
        with self.deps.transaction() as uow:
            found = _find_member(uow, member_id, rule="CHA-2")
            staff = CdgStaff(found.id, administrator, self.deps.on(on))
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
                commune=commune, admin=admin, assume_invited=by is None,
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
        rules say no. A second grant in the same space changes the role."""
        day = self.deps.on(on)
        wanted = parse_enum(Role, role, "rôle", "CHA-5")
        with self.deps.transaction() as uow:
            person = _find_member(uow, member_id, rule="CHA-2")
            admin = _find_member(uow, by, rule="CHA-2")
            space = uow.spaces.get(space_id)
            decision, basis = _decide_for(
                uow, person, wanted, space, day, commune=commune, admin=admin
            )
            decision.raise_if_refused()
            for held in uow.grants.list({"member_id": person.id, "space_id": space.id}):
                if held.active:
                    return uow.grants.update(attrs.evolve(held, role=wanted, commune=basis))
            grant = Grant(new_id(), person.id, space.id, wanted, day, admin.id, commune=basis)
            return uow.grants.add(grant)

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
            person = _find_member(uow, member_id, rule="CHA-7")
            _require_admin(uow, _find_member(uow, by, rule="CHA-2"), rule="CHA-2")
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

    def end_position(self, position_id: str, *, on: dt.date | None = None) -> list[Grant]:
        """CHA-7: a position ends; the access given through that commune is revoked (all access
        when no position is left) and the employer is told, in the same transaction."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            position = uow.positions.update(close_position(uow.positions.get(position_id), on=day))
            return _revoke_for_position(self.deps, uow, position, on=day)

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
            giver = _find_member(uow, by, rule="CHA-4")
            space = uow.spaces.get(space_id)
            if who is AgreementParty.ADMINISTRATOR:
                _require_admin(uow, giver, rule="CHA-4")
            check_agreement_space(who, space)
            if who is AgreementParty.REFERENT and space.epci is not None:
                _require_referent(uow, giver, space.epci, day)
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
            self, title: str, text: str, *, on: dt.date | None = None
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
        def create_departmental(self, name: str = "Espace départemental") -> Space: ...
        @deprecated("use app.access.create_community_space()")
        def create_community(self, epci: str, name: str | None = None) -> Space: ...
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
            self, platform: str, *, since_last: bool = False, format: str = "csv"
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


def _of_member_in_space(
    uow: UnitOfWork, member_id: str | None, space_id: str | None, *, rule: str
) -> dict[str, object] | None:
    """The filter on a member (by id or e-mail, ``rule`` naming an unknown one) and a space."""
    where: dict[str, object] = {}
    if member_id:
        where["member_id"] = _find_member(uow, member_id, rule=rule).id
    if space_id is not None:
        where["space_id"] = space_id
    return where or None


def _require_referent(uow: UnitOfWork, giver: Member, epci: str, day: dt.date) -> Member:
    """CHA-4: ``giver`` holds, on ``day``, the community-referent role in the community network
    of ``epci`` (the networks, roles and names are read here, the rule is
    :func:`~rsgm_core.domain.access_records.check_referent`)."""
    ids = community_referents(
        epci, uow.networks.list({"epci": epci}), uow.network_roles.list(), on=day
    )
    found = uow.epcis.find(epci)
    referents = {m.id: m.full_name for m in uow.members.list({"id": ids})} if ids else {}
    return check_referent(
        giver, referents, epci_name=found.name if found else f"l'EPCI {epci}", on=day
    )


__all__ = ["DEPARTMENTAL_ID", "AccessService", "parse_enum"]
