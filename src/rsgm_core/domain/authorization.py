"""CHA-2: who may do which administrative act. Pure: the roles a person holds on a day are
derived from records the caller reads (the member, their CDG staff record, the community
networks and role assignments); the one matrix role × operation is data (:data:`MATRIX`).

Roles: the CDG administrator (CDG staff flagged administrator, CHA-2), the animator (any CDG
staff member, MEM-6 revised), the community referent (holds the community-referent role of an
EPCI's community network on that day, NET-1) and the member (any person on record). A person
whose functions ended (departed, MEM-4) or who was erased (MEM-11) holds no role at all, the
administrator flag included: every role is lost at once (CHA-2).

The matrix is monotone: an administrator is CDG staff, so may do whatever an animator may; an
animator or a referent may do whatever a member may. ``tests/unit/test_authorization.py``
checks it, and ``tests/integration/test_authorization_matrix.py`` walks it on the real methods.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rsgm_core.domain.engagement import NetworkRole, RoleAssignment
from rsgm_core.domain.governance import Network, NetworkKind
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.errors import PermissionDeniedError, RuleViolation

if TYPE_CHECKING:
    from rsgm_core.domain.access_records import CdgStaff

__all__ = [
    "MATRIX",
    "RULES",
    "ActorRole",
    "Operation",
    "actor_roles",
    "check_allowed",
    "check_can_hold_roles",
    "ended",
    "referent_epcis",
]


class ActorRole(enum.Enum):
    """CHA-2: the roles that authorize an administrative act (value: the French label)."""

    ADMINISTRATOR = "administrateur du CDG"
    ANIMATOR = "animateur (agent du CDG)"
    REFERENT = "référent communautaire"
    MEMBER = "membre du réseau"


class Operation(enum.Enum):
    """CHA-2: the administrative operations (value: what the act is, in French, after « ne peut
    pas »)."""

    NAME_STAFF = "nommer un agent ou un administrateur du CDG"
    MANAGE_SPACES = "créer un espace de la plateforme ou changer sa phase"
    GRANT_ACCESS = "accorder un accès à la plateforme"
    REVOKE_ACCESS = "retirer ou suspendre un accès à la plateforme"
    ADMINISTRATOR_AGREEMENT = "donner l'accord de l'administrateur du CDG"
    REFERENT_AGREEMENT = "donner l'accord du référent communautaire"
    COMMUNE_REQUEST = "enregistrer la demande d'une commune"
    PUBLISH_CHARTER = "publier une version de la charte"
    REPORT_ABUSE = "signaler un abus"
    SANCTION = "décider ou lever une sanction"
    PUBLISH_RESOURCE = "publier ou archiver une ressource de la boîte à outils"
    BILLING = "facturer (stagiaires, interventions, factures)"
    MEMBERSHIP = "enregistrer une adhésion ou une convention"
    EXPORT_PERSONAL_DATA = "exporter les données personnelles d'une personne"
    ERASE = "effacer ou purger des données personnelles"
    PLATFORM_EXPORT = "exporter les comptes vers la plateforme"
    MANAGE_NETWORK = "administrer un réseau, ses rôles ou ses comités"
    REASSIGN_COMMUNE = "réaffecter les rattachements d'une commune disparue"
    EXPORT_ATTENDEES = "exporter la feuille d'émargement nominative d'une séance"
    SET_DEADLINE = "changer la date limite d'inscription d'une séance"
    MANAGE_MEANS = "tenir les moyens du réseau (budget, lieux, intervenants, temps d'animation)"


_A, _N, _R, _M = (
    ActorRole.ADMINISTRATOR,
    ActorRole.ANIMATOR,
    ActorRole.REFERENT,
    ActorRole.MEMBER,
)

#: CHA-2: the one matrix, role × operation: who may do each administrative act.
MATRIX: Mapping[Operation, frozenset[ActorRole]] = {
    Operation.NAME_STAFF: frozenset({_A}),
    Operation.MANAGE_SPACES: frozenset({_A}),
    Operation.GRANT_ACCESS: frozenset({_A}),
    Operation.REVOKE_ACCESS: frozenset({_A}),
    Operation.ADMINISTRATOR_AGREEMENT: frozenset({_A}),
    Operation.REFERENT_AGREEMENT: frozenset({_R}),
    Operation.COMMUNE_REQUEST: frozenset({_A, _N}),
    Operation.PUBLISH_CHARTER: frozenset({_A}),
    Operation.REPORT_ABUSE: frozenset({_A, _N, _R, _M}),
    Operation.SANCTION: frozenset({_A}),
    Operation.PUBLISH_RESOURCE: frozenset({_A, _N}),
    Operation.BILLING: frozenset({_A, _N}),
    Operation.MEMBERSHIP: frozenset({_A, _N}),
    Operation.EXPORT_PERSONAL_DATA: frozenset({_A}),
    Operation.ERASE: frozenset({_A}),
    Operation.PLATFORM_EXPORT: frozenset({_A}),
    Operation.MANAGE_NETWORK: frozenset({_A, _N}),
    Operation.REASSIGN_COMMUNE: frozenset({_A, _N}),
    Operation.EXPORT_ATTENDEES: frozenset({_A, _N}),
    Operation.SET_DEADLINE: frozenset({_A, _N}),
    Operation.MANAGE_MEANS: frozenset({_A, _N}),
}

#: The rule each operation's refusal names besides CHA-2, where another rule says who acts.
RULES: Mapping[Operation, str] = {
    Operation.ADMINISTRATOR_AGREEMENT: "CHA-4",
    Operation.REFERENT_AGREEMENT: "CHA-4",
    Operation.COMMUNE_REQUEST: "CHA-3",
    Operation.SANCTION: "CHA-9",
    Operation.PUBLISH_RESOURCE: "KNB-2",
    Operation.REASSIGN_COMMUNE: "TER-5",
    Operation.EXPORT_ATTENDEES: "EVT-5",
    Operation.SET_DEADLINE: "EVT-4",
    Operation.MANAGE_MEANS: "NET-8",
}


def referent_epcis(
    member_id: str,
    networks: Iterable[Network],
    assignments: Iterable[RoleAssignment],
    *,
    on: dt.date,
) -> frozenset[str]:
    """NET-1, MEM-6: the EPCIs whose community network ``member_id`` is the referent of on
    ``on`` (the community-referent role assignment current that day)."""
    community = {n.id: n.epci for n in networks if n.kind is NetworkKind.COMMUNITY and n.epci}
    return frozenset(
        community[a.network_id]
        for a in assignments
        if a.member_id == member_id
        and a.network_id in community
        and a.role is NetworkRole.COMMUNITY_REFERENT
        and a.current_on(on)
    )


def ended(member: Member, *, on: dt.date) -> bool:
    """CHA-2, MEM-4, MEM-11: the person's functions ended (departed: recorded as such, whatever
    the date given) or their data was erased: they hold no role on ``on`` or after."""
    if member.erased_on is not None:
        return True
    return member.lifecycle is Lifecycle.DEPARTED  # every role lost at once, whatever ``on``


def check_can_hold_roles(member: Member, *, on: dt.date) -> Member:
    """CHA-2: a person whose functions ended, or who was erased, is named to no role."""
    if ended(member, on=on):
        raise RuleViolation(
            f"{member.full_name} : une personne dont les fonctions ont pris fin (ou dont les "
            "données ont été effacées) ne peut être nommée agent ni administrateur du CDG",
            rule="CHA-2",
            value=member.id,
        )
    return member


def actor_roles(
    member: Member,
    staff: CdgStaff | None,
    *,
    referent_of: Iterable[str] = (),
    on: dt.date,
) -> frozenset[ActorRole]:
    """CHA-2: every role ``member`` holds on ``on``; none for a departed or erased person (their
    administrator flag and staff record count for nothing from their departure)."""
    if ended(member, on=on):
        return frozenset()
    roles = {ActorRole.MEMBER}
    if staff is not None and (staff.since is None or staff.since <= on):
        roles.add(ActorRole.ANIMATOR)  # MEM-6 revised: the animators are the CDG's staff
        if staff.administrator:
            roles.add(ActorRole.ADMINISTRATOR)
    if any(True for _ in referent_of):
        roles.add(ActorRole.REFERENT)
    return frozenset(roles)


def check_allowed(
    member: Member,
    roles: frozenset[ActorRole],
    operation: Operation,
    *,
    on: dt.date,
    rule: str | None = None,
) -> Member:
    """CHA-2: ``member`` holding ``roles`` may do ``operation``, else a
    :class:`~rsgm_core.errors.PermissionDeniedError` naming the person, the role they lack and
    the rule."""
    allowed = MATRIX[operation]
    if roles & allowed:
        return member
    named = rule or RULES.get(operation, "CHA-2")
    suffix = "" if named == "CHA-2" else f", {named}"
    needed = " ou ".join(r.value for r in ActorRole if r in allowed)
    if not roles:
        why = (
            f"ses données ont été effacées le {member.erased_on:%d/%m/%Y}"
            if member.erased_on is not None
            else "ses fonctions ont pris fin"
            + (f" le {member.departed_on:%d/%m/%Y}" if member.departed_on else "")
        )
        message = (
            f"{member.full_name} ne peut pas {operation.value} : {why}, et une personne dont les "
            f"fonctions ont pris fin n'a plus aucun rôle (il faut être {needed}, CHA-2{suffix})"
        )
    else:
        message = (
            f"{member.full_name} ne peut pas {operation.value} : il faut être {needed} "
            f"(CHA-2{suffix})"
        )
    raise PermissionDeniedError(message, rule=named, value=member.id)
