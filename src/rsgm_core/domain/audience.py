"""Who an event is for (EVT-4, MEM-14): the audience set per event, and who may register.

The network reaches every SGM of the territory, not only its members: an event may be open to the
members only, to every SGM of the scope (prospects and invited ones too), or to guests as well
(élus, partners, agents of communes of 3,500 inhabitants or more). Who is invited follows it
(:mod:`rsgm_core.services.event_audience`).
"""

from __future__ import annotations

import enum

from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.errors import RuleViolation

__all__ = ["EventAudience", "check_registrant"]


class EventAudience(enum.Enum):
    """EVT-4, MEM-14: who may register for an event, set per event. Invitations follow it: a
    members-only event goes to the active members; the others to every SGM of the CDG's target
    public too (TER-3), members or not, who has not opted out."""

    MEMBERS = "membres"  # active members of the network only (every event before 2026-12)
    SCOPE = "sgm_du_ressort"  # every SGM of the scope: prospects and invited ones too
    GUESTS = "invites"  # the above, and guests: élus, partners, agents of communes ≥ 3,500

    @property
    def label(self) -> str:
        return _AUDIENCE_LABELS[self]


_AUDIENCE_LABELS = {
    EventAudience.MEMBERS: "membres du réseau",
    EventAudience.SCOPE: "tous les SGM du ressort",
    EventAudience.GUESTS: "SGM du ressort et invités (élus, partenaires, agents des communes de "
    "3 500 habitants et plus)",
}


def check_registrant(
    member: Member, *, audience: EventAudience = EventAudience.MEMBERS, in_scope: bool = False
) -> None:
    """EVT-4, MEM-14: who may register is set per event. Someone who left never registers; a
    members-only event takes active members; an event open to the scope takes its SGMs too
    (``in_scope``: the person holds a position in a commune of the legal scope, not *hors
    ressort*), members or not; an event open to guests takes anyone recorded."""
    if member.lifecycle is Lifecycle.DEPARTED or member.erased:
        raise RuleViolation(
            f"{member.full_name} a quitté le réseau : plus d'inscription possible",
            rule="EVT-4",
            value=member.id,
        )
    if audience is EventAudience.MEMBERS and member.lifecycle is not Lifecycle.ACTIVE:
        raise RuleViolation(
            f"{member.full_name} n'est pas membre actif du réseau ({member.lifecycle.value}) : "
            "cet événement est réservé aux membres",
            rule="EVT-4",
            value=member.id,
        )
    if (
        audience is EventAudience.SCOPE
        and member.lifecycle is not Lifecycle.ACTIVE
        and not in_scope
    ):
        raise RuleViolation(
            f"{member.full_name} n'occupe aucun poste dans une commune du ressort : cet événement "
            "est ouvert aux membres et aux SGM du ressort, pas aux invités",
            rule="EVT-4",
            value=member.id,
        )
