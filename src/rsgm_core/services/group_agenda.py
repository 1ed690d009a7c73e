"""The working groups' dates (NET-5, Fiche 2.4: « un agenda précis des rencontres et des
rendus »): their meetings and restitutions in a period, and the restitutions as entries of the
network's iCalendar feed (EVT-8); the resources their deliverables are, as they stand (KNB-1)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.indicators import Period
from rsgm_core.domain.toolbox import Resource
from rsgm_core.domain.working_groups import GroupState, WorkingGroup

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.render.ical import CalendarEntry
    from rsgm_core.services.deps import Deps

__all__ = ["GroupDate", "current_resources", "group_dates", "restitution_entries"]


@attrs.frozen
class GroupDate:
    """NET-5, Fiche 2.4: a date of the agenda of the network's meetings and deliverables: a
    group's restitution (``event_id`` None) or one of its meetings."""

    on: dt.date
    group: WorkingGroup
    what: str  # "restitution" or "réunion"
    event_id: str | None = None


def current_resources(uow: UnitOfWork, ids: list[str]) -> dict[str, Resource]:
    """Each resource's latest version, by id (KNB-1)."""
    found: dict[str, Resource] = {}
    for resource in uow.resources.list({"id": sorted(set(ids))}) if ids else []:
        if resource.id not in found or found[resource.id].version < resource.version:
            found[resource.id] = resource
    return found


def _meeting_dates(uow: UnitOfWork, event_ids: list[str]) -> dict[str, list[dt.date]]:
    dates: dict[str, list[dt.date]] = {}
    for session in uow.sessions.list({"event_id": sorted(set(event_ids))}) if event_ids else []:
        dates.setdefault(session.event_id, []).append(session.date)
    return dates


def group_dates(
    uow: UnitOfWork, period: Period, *, network_id: str | None = None
) -> list[GroupDate]:
    """NET-5: the restitutions and meetings of the groups (of ``network_id``) in ``period``."""
    groups = uow.working_groups.list({"network_id": network_id} if network_id else None)
    meetings = _meeting_dates(uow, [e for g in groups for e in g.meeting_ids])
    found = []
    for group in groups:
        if group.restitution_on is not None and group.restitution_on in period:
            found.append(GroupDate(group.restitution_on, group, "restitution"))
        for event_id in group.meeting_ids:
            found += [GroupDate(d, group, "réunion", event_id)
                      for d in meetings.get(event_id, []) if d in period]  # fmt: skip
    return sorted(found, key=lambda d: (d.on, d.what != "restitution", d.group.name))


def restitution_entries(deps: Deps, *, network_id: str | None, domain: str) -> list[CalendarEntry]:
    """NET-5, EVT-8: the restitutions of the working groups (of ``network_id``, else of every
    network) as whole-day entries of the network's iCalendar feed; their meetings are events,
    already in it."""
    from rsgm_core.render.ical import CalendarEntry

    with deps.read() as uow:
        groups = uow.working_groups.list({"network_id": network_id} if network_id else None)
    found = []
    for group in sorted(groups, key=lambda g: (g.restitution_on or dt.date.min, g.id)):
        if group.restitution_on is None or (
            group.state is GroupState.CLOSED and not group.delivered_on
        ):
            continue
        start = dt.datetime.combine(group.restitution_on, dt.time(), deps.settings.zone)
        found.append(
            CalendarEntry(
                uid=f"restitution-{group.id}@{domain}",
                title=f"Restitution du groupe de travail « {group.name} »",
                start=start,
                end=start + dt.timedelta(days=1),
                description=f"Thème : {group.theme}. Mandat : {group.mandate}",
                all_day=True,
            )
        )
    return found
