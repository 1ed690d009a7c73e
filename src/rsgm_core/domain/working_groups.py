"""Working groups (NET-5): a theme, a mandate, members, meetings, deliverables and a restitution.

A working group belongs to one network (the departmental network or a community network, NET-1).
Its members are active members of the network, each with the day they joined and, once they leave,
the day they left. Its meetings are events of kind « groupe de travail » (EVT-1), linked to the
group. What it produces are toolbox resources (KNB-1): a deliverable names its resource, which may
still be a draft while the group works, but must be published on the day of the restitution to
the network, the date on the network's agenda (Fiche 2.4: « un agenda précis des rencontres et des
rendus »). Its state is open, delivered (restitution done), or closed (its mandate over).

Sources: CDG 77's « groupes de travail thématiques » (``000``); CDG 36's group that wrote « dix
idées de pratiques professionnelles » (``002``); ``003`` Fiche 1.4 (« prévoir les restitutions des
travaux »), Fiche 2.4.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Iterable, Mapping

import attrs

from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.toolbox import Resource, ResourceStatus
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "MAX_MANDATE",
    "MAX_NAME",
    "Deliverable",
    "GroupMembership",
    "GroupState",
    "WorkingGroup",
    "check_can_change",
    "check_group_member",
    "check_restitution",
    "clean_text",
]

#: A group's name, theme and a deliverable's title: one line.
MAX_NAME = 200
#: A group's mandate: a few paragraphs.
MAX_MANDATE = 4_000


def clean_text(value: object, *, what: str, rule: str, limit: int, required: bool = True) -> str:
    """A text typed by a person: stripped, without control characters (line breaks allowed in a
    text longer than a line), at most ``limit`` characters; empty refused when ``required``."""
    if not isinstance(value, str):
        raise ValidationError(f"{what} : un texte est attendu ({value!r})", rule=rule, value=value)
    text = value.strip()
    allowed = "\n\t" if limit > MAX_NAME else ""
    bad = next(
        (c for c in text if unicodedata.category(c) in ("Cc", "Cs") and c not in allowed), None
    )
    if bad is not None:
        raise ValidationError(
            f"{what} : caractère de contrôle interdit ({bad!r})", rule=rule, value=value
        )
    if required and not text:
        raise ValidationError(f"{what} vide", rule=rule, value=value)
    if len(text) > limit:
        raise ValidationError(
            f"{what} trop long : {len(text)} caractères pour {limit} au plus",
            rule=rule,
            value=len(text),
        )
    return text


class GroupState(enum.Enum):
    """NET-5: where a working group stands (value: the French word of the report)."""

    OPEN = "ouvert"
    DELIVERED = "rendu"
    CLOSED = "clos"


@attrs.frozen
class WorkingGroup:
    """NET-5: one working group of a network. ``restitution_on``: the day its work is presented
    back to the network (planned, then the day it was); ``meeting_ids``: its meetings, events of
    kind « groupe de travail »; ``delivered_on`` and ``closed_on``: when it delivered and closed."""

    id: str
    network_id: str
    name: str
    theme: str
    mandate: str
    created_on: dt.date
    state: GroupState = GroupState.OPEN
    restitution_on: dt.date | None = None
    meeting_ids: tuple[str, ...] = ()
    delivered_on: dt.date | None = None
    closed_on: dt.date | None = None
    created_by: str | None = None
    changed_by: str | None = None


@attrs.frozen
class GroupMembership:
    """NET-5: a member of a working group from ``joined_on`` to ``left_on`` (None while in)."""

    id: str
    group_id: str
    member_id: str
    joined_on: dt.date
    left_on: dt.date | None = None
    added_by: str | None = None

    def current_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


@attrs.frozen
class Deliverable:
    """NET-5, KNB-1: what a working group produces, a toolbox resource."""

    id: str
    group_id: str
    title: str
    resource_id: str
    added_on: dt.date
    added_by: str | None = None


def check_can_change(group: WorkingGroup, what: str) -> WorkingGroup:
    """NET-5: a closed group takes no new member, meeting nor deliverable."""
    if group.state is GroupState.CLOSED:
        raise RuleViolation(
            f"le groupe de travail « {group.name} » est clos depuis le "
            f"{group.closed_on:%d/%m/%Y} : {what} impossible",
            rule="NET-5",
            value=group.id,
        )
    return group


def check_group_member(member: Member, group: WorkingGroup) -> Member:
    """NET-5: a working group's members are active members of the network (not departing,
    departed nor erased)."""
    if member.erased_on is not None or member.lifecycle is not Lifecycle.ACTIVE:
        raise RuleViolation(
            f"{member.full_name} n'est pas membre actif du réseau ({member.lifecycle.value}) : "
            f"impossible de l'ajouter au groupe de travail « {group.name} »",
            rule="NET-5",
            value=member.id,
        )
    return member


def check_restitution(
    group: WorkingGroup,
    deliverables: Iterable[Deliverable],
    resources: Mapping[str, Resource],
    *,
    on: dt.date,
) -> None:
    """NET-5, KNB-1: at the restitution, the group has at least one deliverable and each is a
    published resource of the toolbox (a draft or an archived one is refused, named)."""
    listed = list(deliverables)
    if not listed:
        raise RuleViolation(
            f"le groupe de travail « {group.name} » n'a aucun livrable : la restitution présente "
            "au réseau ce qu'il a produit (ajoutez d'abord ses livrables, ressources de la boîte "
            "à outils)",
            rule="NET-5",
            value=group.id,
        )
    for deliverable in listed:
        resource = resources[deliverable.resource_id]
        if resource.status is not ResourceStatus.PUBLISHED:
            raise RuleViolation(
                f"le livrable « {deliverable.title} » renvoie à la ressource « {resource.title} » "
                f"({resource.status.value}) : à la restitution du {on:%d/%m/%Y}, chaque livrable "
                "est une ressource publiée de la boîte à outils (NET-5, KNB-1)",
                rule="NET-5",
                value=resource.id,
            )
