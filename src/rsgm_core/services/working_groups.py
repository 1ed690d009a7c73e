"""Working groups (NET-5): ``app.working_groups``.

A group of a network (the departmental one by default) with its theme and mandate; its members,
active members of the network with the day they joined and left; its meetings, events of kind
« groupe de travail »; its deliverables, toolbox resources, published at the latest on the day of
its restitution to the network, a date of the network's agenda (its iCalendar feed). Every
administrative act is the network's (CHA-2: administrator or animator of the CDG).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.bounds import check_day
from rsgm_core.domain.events import Event, EventKind
from rsgm_core.domain.governance import NetworkKind
from rsgm_core.domain.history import check_not_future
from rsgm_core.domain.indicators import Period
from rsgm_core.domain.toolbox import Resource, ResourceStatus
from rsgm_core.domain.working_groups import (
    MAX_MANDATE,
    MAX_NAME,
    Deliverable,
    GroupMembership,
    GroupState,
    WorkingGroup,
    check_can_change,
    check_group_member,
    check_restitution,
    clean_text,
)
from rsgm_core.errors import ConflictError, NotFoundError, RuleViolation, ValidationError
from rsgm_core.services.authorization import authorize
from rsgm_core.services.group_agenda import GroupDate, current_resources, group_dates
from rsgm_core.services.members import enum_of, new_id
from rsgm_core.services.network_territory import departmental_of

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["DeliverableView", "WorkingGroupDetails", "WorkingGroupService"]

RULE = "NET-5"


@attrs.frozen
class DeliverableView:
    """NET-5: a deliverable with its resource as it stands (title, status)."""

    deliverable: Deliverable
    resource_title: str
    resource_status: ResourceStatus


@attrs.frozen
class WorkingGroupDetails:
    """NET-5: a group, its members past and present, its meetings (events) and deliverables."""

    group: WorkingGroup
    members: tuple[GroupMembership, ...]
    meetings: tuple[Event, ...]
    deliverables: tuple[DeliverableView, ...]


def _resource(uow: UnitOfWork, resource_id: str) -> Resource:
    found = current_resources(uow, [resource_id]).get(resource_id)
    if found is None:
        raise NotFoundError(
            f"ressource introuvable : {resource_id!r}", rule="KNB-1", value=resource_id
        )
    return found


class WorkingGroupService:
    """``app.working_groups``: working groups of the network (NET-5)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def create(
        self,
        name: str,
        *,
        theme: str,
        mandate: str,
        by: str,
        network_id: str | None = None,
        departement: str | None = None,
        restitution_on: dt.date | None = None,
        on: dt.date | None = None,
    ) -> WorkingGroup:
        """NET-5: a working group of ``network_id`` (else the departmental network, of
        ``departement`` when the CDG keeps one per department), with its theme, its mandate and,
        when known, the day of its restitution to the network; ``on``: the day it was set up
        (today, or past for a group older than its records)."""
        text = clean_text(name, what="nom du groupe de travail", rule=RULE, limit=MAX_NAME)
        subject = clean_text(theme, what="thème du groupe de travail", rule=RULE, limit=MAX_NAME)
        brief = clean_text(mandate, what="mandat du groupe de travail", rule=RULE,
                           limit=MAX_MANDATE)  # fmt: skip
        day = check_not_future(
            check_day(self.deps.on(on), what="date de création du groupe", rule=RULE),
            today=self.deps.today(), what="date de création du groupe", rule=RULE,
        )  # fmt: skip
        if restitution_on is not None:
            check_day(restitution_on, what="date de restitution", rule=RULE)
            self._check_after(restitution_on, day)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            if network_id is None:
                network = departmental_of(uow, departement)
                if (
                    network is None
                    and departement is None
                    and uow.networks.count({"kind": NetworkKind.DEPARTMENTAL})
                ):
                    raise ValidationError(
                        "précisez le département du groupe de travail (ou son réseau) : le CDG "
                        "tient un réseau départemental par département",
                        rule="TER-7",
                        value=None,
                    )
                if network is None:
                    where = f" pour le département {departement}" if departement else ""
                    raise NotFoundError(
                        f"aucun réseau départemental enregistré{where} : créez-le d'abord "
                        "(rsgm network create) ou nommez le réseau du groupe",
                        rule=RULE,
                        value=departement,
                    )
            else:
                network = uow.networks.get(network_id)
            if any(g.name.casefold() == text.casefold()
                   for g in uow.working_groups.list({"network_id": network.id})):  # fmt: skip
                raise ConflictError(
                    f"le réseau « {network.name} » a déjà un groupe de travail « {text} »",
                    rule=RULE,
                    value=text,
                )
            return uow.working_groups.add(
                WorkingGroup(new_id(), network.id, text, subject, brief, day,
                             restitution_on=restitution_on, created_by=actor.id)
            )  # fmt: skip

    @staticmethod
    def _check_after(day: dt.date, created: dt.date) -> None:
        if day < created:
            raise ValidationError(
                f"date de restitution ({day:%d/%m/%Y}) avant la création du groupe "
                f"({created:%d/%m/%Y})",
                rule=RULE,
                value=day.isoformat(),
            )

    def add_member(
        self, group_id: str, member_id: str, *, by: str, on: dt.date | None = None
    ) -> GroupMembership:
        """NET-5: an active member of the network joins the group on ``on`` (today)."""
        day = check_day(self.deps.on(on), what="date d'arrivée dans le groupe", rule=RULE)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            group = check_can_change(uow.working_groups.get(group_id), "ajouter un membre")
            member = check_group_member(uow.members.get(member_id), group)
            if any(m.member_id == member.id and (m.left_on is None or m.left_on > day)
                   for m in uow.working_group_members.list({"group_id": group.id})):  # fmt: skip
                raise ConflictError(
                    f"{member.full_name} est déjà membre du groupe de travail « {group.name} »",
                    rule=RULE,
                    value=member.id,
                )
            return uow.working_group_members.add(
                GroupMembership(new_id(), group.id, member.id, day, added_by=actor.id)
            )

    def remove_member(
        self, group_id: str, member_id: str, *, by: str, on: dt.date | None = None
    ) -> GroupMembership:
        """NET-5: the member leaves the group on ``on`` (today)."""
        day = check_day(self.deps.on(on), what="date de départ du groupe", rule=RULE)
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            group = uow.working_groups.get(group_id)
            member = uow.members.get(member_id)
            current = [
                m for m in uow.working_group_members.list({"group_id": group.id})
                if m.member_id == member.id and m.left_on is None
            ]  # fmt: skip
            if not current:
                raise NotFoundError(
                    f"{member.full_name} n'est pas membre du groupe de travail « {group.name} »",
                    rule=RULE,
                    value=member.id,
                )
            if day < current[0].joined_on:
                raise ValidationError(
                    f"départ le {day:%d/%m/%Y}, avant l'arrivée dans le groupe le "
                    f"{current[0].joined_on:%d/%m/%Y}",
                    rule=RULE,
                    value=day.isoformat(),
                )
            return uow.working_group_members.update(attrs.evolve(current[0], left_on=day))

    def add_meeting(self, group_id: str, event_id: str, *, by: str) -> WorkingGroup:
        """NET-5: an event of kind « groupe de travail » (planned with ``app.events.plan``) is a
        meeting of the group."""
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            group = check_can_change(uow.working_groups.get(group_id), "ajouter une réunion")
            event = uow.events.get(event_id)
            if event.kind is not EventKind.WORKING_GROUP:
                raise RuleViolation(  # needs storage: the event's kind as recorded
                    f"l'événement « {event.title} » est de type « {event.kind.value} » : une "
                    "réunion d'un groupe de travail est un événement de type « groupe de "
                    "travail »",
                    rule=RULE,
                    value=event.id,
                )
            if event.id in group.meeting_ids:
                raise ConflictError(
                    f"« {event.title} » est déjà une réunion du groupe « {group.name} »",
                    rule=RULE,
                    value=event.id,
                )
            return uow.working_groups.update(
                attrs.evolve(group, meeting_ids=(*group.meeting_ids, event.id),
                             changed_by=actor.id)
            )  # fmt: skip

    def add_deliverable(
        self,
        group_id: str,
        resource_id: str,
        *,
        by: str,
        title: str | None = None,
        on: dt.date | None = None,
    ) -> Deliverable:
        """NET-5, KNB-1: a deliverable of the group, a toolbox resource (its title by default);
        a draft while the group works, published once it has delivered."""
        day = check_day(self.deps.on(on), what="date du livrable", rule=RULE)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            group = check_can_change(uow.working_groups.get(group_id), "ajouter un livrable")
            resource = _resource(uow, resource_id)
            named = clean_text(resource.title if title is None else title,
                               what="titre du livrable", rule=RULE, limit=MAX_NAME)  # fmt: skip
            existing = uow.working_group_deliverables.list({"group_id": group.id})
            if any(d.resource_id == resource.id for d in existing):
                raise ConflictError(
                    f"la ressource « {resource.title} » est déjà un livrable du groupe",
                    rule=RULE,
                    value=resource.id,
                )
            made = Deliverable(new_id(), group.id, named, resource.id, day, added_by=actor.id)
            if group.state is GroupState.DELIVERED:  # after the restitution: published only
                check_restitution(group, [made], {resource.id: resource},
                                  on=group.delivered_on or day)  # fmt: skip
            return uow.working_group_deliverables.add(made)

    def set_restitution(self, group_id: str, *, on: dt.date, by: str) -> WorkingGroup:
        """NET-5, Fiche 2.4: the day the group presents its work to the network, on the
        network's agenda (its iCalendar feed)."""
        day = check_day(on, what="date de restitution", rule=RULE)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            group = check_can_change(uow.working_groups.get(group_id), "fixer la restitution")
            _not_delivered(group)
            self._check_after(day, group.created_on)
            return uow.working_groups.update(
                attrs.evolve(group, restitution_on=day, changed_by=actor.id)
            )

    def deliver(self, group_id: str, *, by: str, on: dt.date | None = None) -> WorkingGroup:
        """NET-5, KNB-1: the group presented its work to the network on ``on`` (today, or a
        past day): each deliverable must then be a published resource of the toolbox."""
        day = check_not_future(
            check_day(self.deps.on(on), what="date de restitution", rule=RULE),
            today=self.deps.today(), what="date de restitution", rule=RULE,
        )  # fmt: skip
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            group = check_can_change(uow.working_groups.get(group_id), "faire la restitution")
            _not_delivered(group)
            self._check_after(day, group.created_on)
            deliverables = uow.working_group_deliverables.list({"group_id": group.id})
            resources = current_resources(uow, [d.resource_id for d in deliverables])
            check_restitution(group, deliverables, resources, on=day)
            return uow.working_groups.update(
                attrs.evolve(group, state=GroupState.DELIVERED, delivered_on=day,
                             restitution_on=day, changed_by=actor.id)
            )  # fmt: skip

    def close(self, group_id: str, *, by: str, on: dt.date | None = None) -> WorkingGroup:
        """NET-5: the group's mandate is over on ``on`` (today, or a past day); its members
        still in it leave that day."""
        day = check_not_future(
            check_day(self.deps.on(on), what="date de clôture", rule=RULE),
            today=self.deps.today(), what="date de clôture", rule=RULE,
        )  # fmt: skip
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            group = check_can_change(uow.working_groups.get(group_id), "le clore")
            if day < (group.delivered_on or group.created_on):
                raise ValidationError(
                    f"clôture le {day:%d/%m/%Y}, avant la "
                    + ("restitution" if group.delivered_on else "création du groupe"),
                    rule=RULE,
                    value=day.isoformat(),
                )
            for membership in uow.working_group_members.list({"group_id": group.id}):
                if membership.left_on is None:
                    uow.working_group_members.update(
                        attrs.evolve(membership, left_on=max(day, membership.joined_on))
                    )
            return uow.working_groups.update(
                attrs.evolve(group, state=GroupState.CLOSED, closed_on=day, changed_by=actor.id)
            )

    def get(self, group_id: str) -> WorkingGroupDetails:
        """NET-5: the group with its members (past and present), meetings and deliverables."""
        with self.deps.read() as uow:
            group = uow.working_groups.get(group_id)
            members = uow.working_group_members.list({"group_id": group.id})
            events = uow.events.list({"id": list(group.meeting_ids)}) if group.meeting_ids else []
            deliverables = uow.working_group_deliverables.list({"group_id": group.id})
            resources = current_resources(uow, [d.resource_id for d in deliverables])
        order = {e: i for i, e in enumerate(group.meeting_ids)}
        return WorkingGroupDetails(
            group,
            tuple(sorted(members, key=lambda m: (m.joined_on, m.id))),
            tuple(sorted(events, key=lambda e: order[e.id])),
            tuple(
                DeliverableView(d, resources[d.resource_id].title,
                                resources[d.resource_id].status)
                for d in sorted(deliverables, key=lambda d: (d.added_on, d.title))
                if d.resource_id in resources
            ),
        )  # fmt: skip

    def list_groups(
        self, *, network_id: str | None = None, state: GroupState | str | None = None
    ) -> list[WorkingGroup]:
        """NET-5: the working groups (of one network, in one state), by name."""
        wanted = None if state is None else enum_of(GroupState, state, "état du groupe")
        with self.deps.read() as uow:
            if network_id is not None:
                uow.networks.get(network_id)
            found = uow.working_groups.list({"network_id": network_id} if network_id else None)
        return sorted(
            (g for g in found if wanted is None or g.state is wanted),
            key=lambda g: (g.name.casefold(), g.id),
        )

    def list_dates(self, *, period: Period | None = None) -> list[GroupDate]:
        """NET-5, Fiche 2.4: the agenda of the groups' meetings and restitutions in ``period``
        (from today, for a year, by default), by date."""
        today = self.deps.today()
        period = period or Period(today, today + dt.timedelta(days=365))
        with self.deps.read() as uow:
            return group_dates(uow, period)


def _not_delivered(group: WorkingGroup) -> None:
    """NET-5: a group presents its work to the network once."""
    if group.state is GroupState.DELIVERED:
        raise ConflictError(
            f"le groupe « {group.name} » a déjà fait sa restitution, le "
            f"{group.delivered_on:%d/%m/%Y}",
            rule=RULE,
            value=group.id,
        )
