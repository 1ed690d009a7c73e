"""The evidence around platform access: CDG staff, agreements, abuse reports, notices to the
employer, recorded exports (CHA-2, CHA-4, CHA-7, CHA-9)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from rsgm_core.domain.engagement import NetworkRole, RoleAssignment
from rsgm_core.domain.governance import Network, NetworkKind
from rsgm_core.domain.platform import PlatformState

__all__ = [
    "AbuseReport",
    "Agreement",
    "AgreementParty",
    "CdgStaff",
    "EmployerNotice",
    "NoticeKind",
    "PlatformExport",
    "community_referents",
]


@attrs.frozen
class CdgStaff:
    """CHA-2: a member who works for the CDG; only an administrator invites and sanctions."""

    member_id: str
    administrator: bool = False
    since: dt.date | None = None


class AgreementParty(enum.Enum):
    ADMINISTRATOR = "administrateur"  # CHA-4: the CDG administrator agrees
    REFERENT = "référent"  # CHA-4: the community referent agrees
    COMMUNE_REQUEST = "demande"  # CHA-3: a commune of 3,500 or more asks to join


@attrs.frozen
class Agreement:
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
