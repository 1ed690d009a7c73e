"""The evidence around platform access: CDG staff, agreements, abuse reports, notices to the
employer, recorded exports (CHA-2, CHA-4, CHA-7, CHA-9)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping

import attrs

from rsgm_core.domain.access import Space
from rsgm_core.domain.charters import SpaceKind
from rsgm_core.domain.engagement import NetworkRole, RoleAssignment
from rsgm_core.domain.governance import Network, NetworkKind
from rsgm_core.domain.members import Member
from rsgm_core.domain.platform import PlatformState
from rsgm_core.domain.profile import AccessMode
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "AbuseReport",
    "AccessRequest",
    "Agreement",
    "AgreementParty",
    "CdgStaff",
    "EmployerNotice",
    "NoticeKind",
    "PlatformExport",
    "RequestStatus",
    "Suspension",
    "check_administrator",
    "check_agreement_space",
    "check_reason",
    "check_referent",
    "check_requests_allowed",
    "community_referents",
]


@attrs.frozen
class CdgStaff:
    """CHA-2: a member who works for the CDG; only an administrator invites and sanctions."""

    member_id: str
    administrator: bool = False
    since: dt.date | None = None
    # CHA-2: the administrator who named them; None for the first one, named at set-up.
    named_by: str | None = None


class AgreementParty(enum.Enum):
    """Who agrees: the CDG administrator or the community referent (CHA-4), or the commune
    asking to join (CHA-3)."""

    ADMINISTRATOR = "administrateur"  # CHA-4: the CDG administrator agrees
    REFERENT = "référent"  # CHA-4: the community referent agrees
    COMMUNE_REQUEST = "demande"  # CHA-3: a commune of 3,500 or more asks to join


@attrs.frozen
class Agreement:
    """An agreement recorded for a member and a space, with its giver and date (CHA-3, CHA-4)."""

    id: str
    member_id: str
    space_id: str
    party: AgreementParty
    given_by: str
    given_on: dt.date


def community_referents(
    epci: str,
    networks: Iterable[Network],
    assignments: Iterable[RoleAssignment],
    *,
    on: dt.date,
) -> set[str]:
    """CHA-4: who may give the community referent's agreement for the community space of
    ``epci``: the members holding, on ``on``, the community-referent role (MEM-6) in the
    community network of that same EPCI (NET-1)."""
    ids = {n.id for n in networks if n.kind is NetworkKind.COMMUNITY and n.epci == epci}
    return {
        a.member_id
        for a in assignments
        if a.network_id in ids and a.role is NetworkRole.COMMUNITY_REFERENT and a.current_on(on)
    }


@attrs.frozen
class AbuseReport:
    """CHA-9: any user reports; an administrator decides a sanction (or none)."""

    id: str
    member_id: str  # the person reported
    reported_by: str
    reported_on: dt.date
    reason: str
    space_id: str | None = None
    sanction_id: str | None = None


class NoticeKind(enum.Enum):
    """What the employer collectivity is told of."""

    REVOCATION = "révocation"  # CHA-7
    SANCTION = "sanction"  # CHA-9
    SANCTION_LIFTED = "levée de sanction"  # CHA-9


@attrs.frozen
class EmployerNotice:
    """What the employer collectivity was told, or could not be: ``message_id`` is the outbox
    message, ``None`` when the collectivity has no known address (then ``sendable`` is false and
    the notice is listed for an administrator to send by other means)."""

    id: str
    member_id: str
    commune: str | None
    kind: NoticeKind
    on: dt.date
    sendable: bool
    message_id: str | None = None
    detail: str = ""


@attrs.frozen
class PlatformExport:
    """The state a platform was given by one export: the next delta is computed from it."""

    id: str
    platform: str
    exported_at: dt.datetime
    full: bool
    state: PlatformState
    #: CHA-2: the administrator who exported (a member id); None before migration 18.
    exported_by: str | None = None


def check_administrator(member: Member, staff: CdgStaff | None, *, rule: str) -> Member:
    """CHA-2: only a CDG administrator invites, revokes, sanctions and lifts a sanction;
    ``staff`` is the member's CDG staff record, if any."""
    if staff is None or not staff.administrator:
        raise RuleViolation(
            f"{member.full_name} n'est pas administrateur du CDG : seuls les administrateurs du "
            "CDG invitent, révoquent et sanctionnent",
            rule=rule,
            value=member.id,
        )
    return member


def check_agreement_space(party: AgreementParty, space: Space) -> None:
    """CHA-4: the referent's agreement and a commune's request concern a community space only."""
    if party is AgreementParty.ADMINISTRATOR:
        return
    if space.kind is not SpaceKind.COMMUNITY or space.epci is None:
        raise RuleViolation(
            "cet accord ne concerne qu'un espace communautaire", rule="CHA-4", value=space.id
        )


def check_referent(
    giver: Member,
    referents: Mapping[str, str],
    *,
    epci_name: str,
    on: dt.date,
) -> Member:
    """CHA-4: ``giver`` is among ``referents`` (member id → full name), the community referents
    of the space's EPCI on ``on`` (:func:`community_referents`); else the refusal names them."""
    if giver.id in referents:
        return giver
    if referents:
        named = ", ".join(sorted(referents.values()))
        who = f"le référent communautaire de {epci_name} est {named}"
    else:
        who = f"aucun référent communautaire n'est désigné pour {epci_name} au {on:%d/%m/%Y}"
    raise RuleViolation(
        f"{giver.full_name} n'est pas référent communautaire de {epci_name} : {who} ; seul le "
        "référent communautaire donne cet accord",
        rule="CHA-4",
        value=giver.id,
    )


def check_reason(reason: str, message: str) -> str:
    """CHA-9: a report, a sanction and its lifting say why; the reason, stripped."""
    if not reason.strip():
        raise ValidationError(message, rule="CHA-9", value=reason)
    return reason.strip()


class RequestStatus(enum.Enum):
    """CHA-2: where a self-service access request stands."""

    PENDING = "en attente"
    ACCEPTED = "acceptée"
    REFUSED = "refusée"


@attrs.frozen
class AccessRequest:
    """CHA-2: a person asks for access to a space (where the CDG's policy allows it); an
    administrator accepts it (the grant) or refuses it with a reason, and the person is told."""

    id: str
    member_id: str
    commune: str
    space_id: str
    role: str  # the role asked for (CHA-5 value)
    requested_on: dt.date
    status: RequestStatus = RequestStatus.PENDING
    decided_by: str | None = None
    decided_on: dt.date | None = None
    reason: str | None = None
    grant_id: str | None = None


def check_requests_allowed(mode: AccessMode) -> None:
    """CHA-2: a self-service request is possible only where the CDG's policy allows it."""
    if mode is not AccessMode.REQUEST:
        raise RuleViolation(
            "le CDG ouvre l'accès à la plateforme sur invitation seulement (politique "
            "« acces_plateforme = invitation ») : une demande d'accès n'est pas possible, "
            "un administrateur du CDG invite",
            rule="CHA-2",
            value=mode.value,
        )


#: CHA-2, CHA-5: what a person may ask for themself; animators and administrators are named.
REQUESTABLE_ROLES = ("contributeur", "visiteur")


def check_requested_role(role: str) -> str:
    """CHA-2: a self-service request asks to contribute or to read, never to administer or
    animate a space (those roles are given by an administrator)."""
    if role not in REQUESTABLE_ROLES:
        raise RuleViolation(
            f"rôle « {role} » non demandable : une demande d'accès porte sur le rôle "
            "contributeur ou visiteur ; un administrateur du CDG nomme les animateurs et les "
            "administrateurs",
            rule="CHA-2",
            value=role,
        )
    return role


@attrs.frozen
class Suspension:
    """CHA-10: lost or stolen credentials: the account is suspended at once (its grants revoked,
    listed here) and invited again (``reinvited_on``), with new credentials from the platform."""

    id: str
    member_id: str
    suspended_on: dt.date
    suspended_by: str
    reason: str
    grant_ids: tuple[str, ...] = ()
    reinvited_on: dt.date | None = None
    reinvited_by: str | None = None

    @property
    def pending(self) -> bool:
        """Suspended and not yet invited again."""
        return self.reinvited_on is None
