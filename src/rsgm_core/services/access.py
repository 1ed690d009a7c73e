"""The usage charter, platform spaces and access, agreements, reports and sanctions
(CHA-1..CHA-9), as ``app.access``.

Revocation when functions end (CHA-7) is in :mod:`rsgm_core.services.access_revocation`, called
by ``app.members.depart`` inside its own unit of work and by :meth:`AccessService.end_position`.
The candidate a decision is made on is built by :mod:`rsgm_core.services.access_facts`.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, TypeVar

import attrs

from rsgm_core.domain.access import Decision, Grant, Role, Sanction, SanctionKind, Space, revoke_all
from rsgm_core.domain.access_records import (
    AbuseReport,
    Agreement,
    AgreementParty,
    CdgStaff,
    EmployerNotice,
    NoticeKind,
    community_referents,
)
from rsgm_core.domain.charters import (
    Capacity,
    CharterVersion,
    Signature,
    SpaceKind,
    check_signature,
    current_version,
)
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError
from rsgm_core.render.formatting import format_date
from rsgm_core.services.access_facts import (
    CharterStatus,
    charter_status,
    decide_for,
    find_member,
    population_of,
    require_admin,
)
from rsgm_core.services.access_revocation import (
    employers,
    notify_employer,
    revoke_for_position,
    users,
)
from rsgm_core.services.members import new_id
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.domain.members import Member
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps
    from rsgm_core.services.platform_export import ExportResult

E = TypeVar("E", bound=enum.Enum)

DEPARTMENTAL_ID = "departemental"


def parse_enum(kind: type[E], value: E | str, label: str, rule: str) -> E:
    """An enum member from itself, its value (``"maire"``) or its name (``"mayor"``)."""
    if isinstance(value, kind):
        return value
    for member in kind:
        if value in (member.value, member.name.lower()):
            return member
    choices = ", ".join(m.value for m in kind)
    raise ValidationError(f"{label} inconnu(e) : {value!r} (au choix : {choices})", rule=rule)


class AccessService:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # The charter (CHA-1, CHA-8)

    def publish_charter(
        self, title: str, text: str, *, on: dt.date | None = None
    ) -> CharterVersion:
        """A new version, in force from ``on``; every user with an account is told (CHA-8).
        Signatures of earlier versions stay on record."""
        day = on or self.deps.today()
        if not title.strip() or not text.strip():
            raise ValidationError("une version de la charte a un titre et un texte", rule="CHA-8")
        with self.deps.transaction() as uow:
            versions = uow.charter_versions.list()
            if versions and day < current_version(versions).published_on:
                raise ValidationError(
                    f"une nouvelle version ne peut précéder la version en vigueur du "
                    f"{current_version(versions).published_on.isoformat()}",
                    rule="CHA-8",
                    value=day,
                )
            number = current_version(versions).version + 1 if versions else 1
            version = uow.charter_versions.add(CharterVersion(number, day, title.strip(), text))
            shown = {"version": number, "title": version.title, "published_on": format_date(day)}
            for member in users(uow):
                queue_message(
                    self.deps,
                    uow,
                    "charter_new_version",
                    member.email or "",
                    {"member": member, "version": shown},
                )
        return version

    def charters(self) -> list[CharterVersion]:
        with self.deps.read() as uow:
            return uow.charter_versions.list()

    def sign(
        self,
        commune: str,
        signer: str,
        capacity: Capacity | str,
        *,
        space: SpaceKind | str = SpaceKind.DEPARTMENTAL,
        version: int | None = None,
        on: dt.date | None = None,
    ) -> Signature:
        """CHA-1: one signature for ``commune``; refused on a superseded version (CHA-8) or by a
        capacity that does not sign for that commune and space."""
        day = on or self.deps.today()
        cap = parse_enum(Capacity, capacity, "qualité de signataire", "CHA-1")
        kind = parse_enum(SpaceKind, space, "type d'espace", "CHA-3")
        with self.deps.transaction() as uow:
            uow.communes.get(commune)
            versions = uow.charter_versions.list()
            number = version if version is not None else current_version(versions).version
            signature = Signature(new_id(), commune, number, signer.strip(), cap, day, kind)
            check_signature(
                signature, versions=versions, population=population_of(uow, commune, day.year)
            )
            return uow.signatures.add(signature)

    def charter_status(self, commune: str, *, on: dt.date | None = None) -> CharterStatus:
        with self.deps.read() as uow:
            return charter_status(uow, commune, on or self.deps.today())

    # Spaces (CHA-3, CHA-5) and CDG staff (CHA-2)

    def create_departmental(self, name: str = "Espace départemental") -> Space:
        with self.deps.transaction() as uow:
            return uow.spaces.add(Space(DEPARTMENTAL_ID, SpaceKind.DEPARTMENTAL, name))

    def create_community(self, epci: str, name: str | None = None) -> Space:
        with self.deps.transaction() as uow:
            found = uow.epcis.get(epci)
            label = name or f"Espace communautaire {found.name}"
            return uow.spaces.add(Space(f"epci-{epci}", SpaceKind.COMMUNITY, label, epci=epci))

    def set_read_only(self, space_id: str, read_only: bool) -> Space:
        """CHA-5: the read-only phase (members are visitors) before contributions open."""
        with self.deps.transaction() as uow:
            space = uow.spaces.get(space_id)
            return uow.spaces.update(attrs.evolve(space, read_only=read_only))

    def spaces(self) -> list[Space]:
        with self.deps.read() as uow:
            return uow.spaces.list()

    def add_staff(
        self, member: str, *, administrator: bool = False, on: dt.date | None = None
    ) -> CdgStaff:
        """CHA-2: record a member as CDG staff; only they can be administrators."""
        with self.deps.transaction() as uow:
            found = find_member(uow, member, rule="CHA-2")
            staff = CdgStaff(found.id, administrator, on or self.deps.today())
            if uow.cdg_staff.find(found.id) is None:
                return uow.cdg_staff.add(staff)
            return uow.cdg_staff.update(staff)

    # Access (CHA-2..CHA-7)

    def explain(
        self,
        member: str,
        role: Role | str,
        space_id: str,
        *,
        by: str | None = None,
        commune: str | None = None,
        on: dt.date | None = None,
    ) -> Decision:
        """May ``member`` have ``role`` in the space, and if not, every reason with its rule.
        Without ``by``, the invitation is taken as coming from an administrator."""
        wanted = parse_enum(Role, role, "rôle", "CHA-5")
        with self.deps.read() as uow:
            person = find_member(uow, member, rule="CHA-2")
            admin = find_member(uow, by, rule="CHA-2") if by else None
            decision, _ = decide_for(
                uow, person, wanted, uow.spaces.get(space_id), on or self.deps.today(),
                commune=commune, admin=admin, assume_invited=by is None,
            )  # fmt: skip
        return decision

    def grant(
        self,
        member: str,
        space_id: str,
        role: Role | str,
        *,
        by: str,
        commune: str | None = None,
        on: dt.date | None = None,
    ) -> Grant:
        """CHA-2: an administrator's invitation, refused with every reason (rule IDs) when the
        rules say no. A second grant in the same space changes the role."""
        day = on or self.deps.today()
        wanted = parse_enum(Role, role, "rôle", "CHA-5")
        with self.deps.transaction() as uow:
            person = find_member(uow, member, rule="CHA-2")
            admin = find_member(uow, by, rule="CHA-2")
            space = uow.spaces.get(space_id)
            decision, basis = decide_for(
                uow, person, wanted, space, day, commune=commune, admin=admin
            )
            decision.raise_if_refused()
            for held in uow.grants.list({"member_id": person.id, "space_id": space.id}):
                if held.active:
                    return uow.grants.update(attrs.evolve(held, role=wanted, commune=basis))
            grant = Grant(new_id(), person.id, space.id, wanted, day, admin.id, commune=basis)
            return uow.grants.add(grant)

    def revoke(
        self,
        member: str,
        *,
        by: str,
        space_id: str | None = None,
        reason: str = "révocation par un administrateur",
        on: dt.date | None = None,
    ) -> list[Grant]:
        """Withdraw the member's access to one space, or to all; returns the grants revoked."""
        day = on or self.deps.today()
        with self.deps.transaction() as uow:
            person = find_member(uow, member, rule="CHA-7")
            require_admin(uow, find_member(uow, by, rule="CHA-2"), rule="CHA-2")
            held = uow.grants.list({"member_id": person.id})
            if space_id is not None:
                uow.spaces.get(space_id)
                held = [g for g in held if g.space_id == space_id]
            revoked = revoke_all(held, person.id, on=day, reason=reason)
            uow.grants.update_all(revoked)
        return revoked

    def grants(self, *, member: str | None = None, active: bool = True) -> list[Grant]:
        with self.deps.read() as uow:
            where = {"member_id": find_member(uow, member, rule="CHA-2").id} if member else None
            found = uow.grants.list(where)
        return [g for g in found if g.active or not active]

    def end_position(self, position_id: str, *, on: dt.date | None = None) -> list[Grant]:
        """CHA-7: a position ends; the access given through that commune is revoked (all access
        when no position is left) and the employer is told, in the same transaction."""
        day = on or self.deps.today()
        with self.deps.transaction() as uow:
            position = uow.positions.get(position_id)
            if position.end is not None and position.end <= day:
                raise RuleViolation(
                    f"ce poste a déjà pris fin le {position.end.isoformat()}",
                    rule="CHA-7",
                    value=position_id,
                )
            uow.positions.update(attrs.evolve(position, end=day))
            return revoke_for_position(self.deps, uow, position, on=day)

    # Agreements (CHA-3, CHA-4)

    def agree(
        self,
        member: str,
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
        day = on or self.deps.today()
        with self.deps.transaction() as uow:
            person = find_member(uow, member, rule="CHA-4")
            giver = find_member(uow, by, rule="CHA-4")
            space = uow.spaces.get(space_id)
            if who is AgreementParty.ADMINISTRATOR:
                require_admin(uow, giver, rule="CHA-4")
            elif space.kind is not SpaceKind.COMMUNITY or space.epci is None:
                raise RuleViolation(
                    "cet accord ne concerne qu'un espace communautaire",
                    rule="CHA-4",
                    value=space_id,
                )
            elif who is AgreementParty.REFERENT:
                require_referent(uow, giver, space.epci, day)
            agreement = Agreement(new_id(), person.id, space.id, who, giver.id, day)
            return uow.agreements.add(agreement)

    # Abuse reports and sanctions (CHA-9)

    def report(
        self,
        member: str,
        *,
        by: str,
        reason: str,
        space_id: str | None = None,
        on: dt.date | None = None,
    ) -> AbuseReport:
        if not reason.strip():
            raise ValidationError("un signalement dit ce qui est reproché", rule="CHA-9")
        with self.deps.transaction() as uow:
            person = find_member(uow, member, rule="CHA-9")
            reporter = find_member(uow, by, rule="CHA-9")
            if space_id is not None:
                uow.spaces.get(space_id)
            report = AbuseReport(
                new_id(), person.id, reporter.id, on or self.deps.today(), reason.strip(), space_id
            )
            return uow.abuse_reports.add(report)

    def sanction(
        self,
        member: str,
        kind: SanctionKind | str,
        *,
        by: str,
        reason: str,
        report_id: str | None = None,
        on: dt.date | None = None,
    ) -> Sanction:
        """CHA-9: restriction to reading, or removal; recorded and the employer told."""
        day = on or self.deps.today()
        what = parse_enum(SanctionKind, kind, "sanction", "CHA-9")
        if not reason.strip():
            raise ValidationError("une sanction est motivée", rule="CHA-9")
        with self.deps.transaction() as uow:
            person = find_member(uow, member, rule="CHA-9")
            admin = require_admin(uow, find_member(uow, by, rule="CHA-9"), rule="CHA-9")
            _check_not_sanctioned(uow, person, what)
            sanction = Sanction(new_id(), person.id, what, day, admin.id, reason.strip(), report_id)
            if report_id is not None:
                report = uow.abuse_reports.get(report_id)
                uow.abuse_reports.update(attrs.evolve(report, sanction_id=sanction.id))
            sanction, changed = sanction.impose(uow.grants.list({"member_id": person.id}))
            uow.sanctions.add(sanction)
            uow.grants.update_all(changed)
            context = {"kind": what.value, "reason": sanction.reason}
            for commune in employers(uow, person, day):
                notify_employer(self.deps, uow, person, commune, NoticeKind.SANCTION, day, context)
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
        (:meth:`grant`), every rule checked afresh."""
        day = on or self.deps.today()
        if not reason.strip():
            raise ValidationError("la levée d'une sanction est motivée", rule="CHA-9", value=reason)
        with self.deps.transaction() as uow:
            admin = require_admin(uow, find_member(uow, by, rule="CHA-9"), rule="CHA-9")
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
            for commune in employers(uow, person, day):
                notify_employer(
                    self.deps, uow, person, commune, NoticeKind.SANCTION_LIFTED, day, context
                )
        return lifted

    def sanctions(self, *, member: str | None = None, active: bool | None = None) -> list[Sanction]:
        """The sanctions on record, oldest first; ``active=True``: those in force."""
        with self.deps.read() as uow:
            where = {"member_id": find_member(uow, member, rule="CHA-9").id} if member else None
            found = uow.sanctions.list(where)
        kept = [s for s in found if active is None or s.active is active]
        return sorted(kept, key=lambda s: (s.decided_on, s.id))

    def reports(self) -> list[AbuseReport]:
        with self.deps.read() as uow:
            return sorted(uow.abuse_reports.list(), key=lambda r: (r.reported_on, r.id))

    def notices(self, *, sendable: bool | None = None) -> list[EmployerNotice]:
        """What employers were told; ``sendable=False``: those to tell by other means."""
        with self.deps.read() as uow:
            found = uow.employer_notices.list(None if sendable is None else {"sendable": sendable})
        return sorted(found, key=lambda n: (n.on, n.id))

    # Platform export

    def export(
        self, platform: str, *, since_last: bool = False, format: str = "csv"
    ) -> ExportResult:
        from rsgm_core.services.platform_export import export

        return export(self.deps, platform, since_last=since_last, format=format)


def _check_not_sanctioned(uow: UnitOfWork, person: Member, kind: SanctionKind) -> None:
    """CHA-9: no sanction over a removal in force, no second restriction over one in force; so
    that lifting a sanction gives back exactly what it took."""
    for held in uow.sanctions.list({"member_id": person.id}):
        if held.active and (held.kind is SanctionKind.REMOVAL or held.kind is kind):
            raise RuleViolation(
                f"{person.full_name} est déjà sous le coup d'une sanction en vigueur "
                f"({held.kind.value}, décidée le {held.decided_on.isoformat()}, "
                f"identifiant {held.id}) : levez-la d'abord",
                rule="CHA-9",
                value=held.id,
            )


def require_referent(uow: UnitOfWork, giver: Member, epci: str, day: dt.date) -> Member:
    """CHA-4: ``giver`` holds, on ``day``, the community-referent role in the community network
    of ``epci``."""
    referents = community_referents(
        epci, uow.networks.list({"epci": epci}), uow.network_roles.list(), on=day
    )
    if giver.id in referents:
        return giver
    found = uow.epcis.find(epci)
    name = found.name if found else f"l'EPCI {epci}"
    if referents:
        named = ", ".join(sorted(m.full_name for m in uow.members.list({"id": referents})))
        who = f"le référent communautaire de {name} est {named}"
    else:
        who = f"aucun référent communautaire n'est désigné pour {name} au {day.isoformat()}"
    raise RuleViolation(
        f"{giver.full_name} n'est pas référent communautaire de {name} : {who} ; seul le référent "
        "communautaire donne cet accord",
        rule="CHA-4",
        value=giver.id,
    )


__all__ = ["DEPARTMENTAL_ID", "AccessService", "parse_enum", "require_referent"]
