"""The network's agenda as iCalendar feeds (EVT-8), one per network and one per member, and the
recurring series; the use cases of ``app.events.feed``, ``add_series`` and ``list_series``.

UIDs are stable: ``<event id>-<session id>@<domain>`` for a session and ``serie-<id>@<domain>`` for a
recurring series, the domain derived from the CDG's profile alone (``cdg79.rsgm.invalid``), so a
client importing the feed again, from any environment, updates its entries instead of duplicating
them. A series is one entry with its ``RRULE`` whose ``DTSTART`` is its first occurrence; the
events it made are not written a second time. Times are the sessions' wall-clock times in
the CDG's zone (Europe/Paris by default), written with the zone's definition.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.domain.animation import RecurringSeries
from rsgm_core.domain.events import (
    EventAudience,
    EventFormat,
    EventKind,
    RegistrationStatus,
    SessionPlan,
)
from rsgm_core.domain.recurrence import MAX_SERIES_OCCURRENCES
from rsgm_core.errors import ValidationError
from rsgm_core.render.formatting import format_date
from rsgm_core.render.ical import CalendarEntry, to_ical, uid_domain
from rsgm_core.services.members import enum_of, new_id

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["add_series", "build_feed", "entries", "series"]


def entries(
    deps: Deps, *, network_id: str | None = None, member_id: str | None = None
) -> list[CalendarEntry]:
    domain = uid_domain(deps.settings.cdg_code, deps.settings.departements)
    locale = deps.settings.locale
    zone = deps.settings.zone
    with deps.read() as uow:
        if member_id is not None:
            member = uow.members.get(member_id)
            mine = {
                r.session_id
                for r in uow.registrations.list({"member_id": member.id})
                if r.status is RegistrationStatus.CONFIRMED
            }
            sessions = uow.sessions.list({"id": sorted(mine)}) if mine else []
            events = {
                e.id: e for e in uow.events.list({"id": sorted({s.event_id for s in sessions})})
            }
        else:
            if network_id is not None:
                uow.networks.get(network_id)
            events = {e.id: e for e in uow.events.list() if e.network_id in (None, network_id)}
            # A series' occurrences are its one RRULE entry, not a second entry each (EVT-8).
            sessions = [
                s for s in uow.sessions.list()
                if s.event_id in events and events[s.event_id].series_id is None
            ]  # fmt: skip
        generated = {e.series_id for e in uow.events.list() if e.series_id}
        series = [
            s
            for s in uow.recurring_series.list()
            if (member_id is None and s.network_id in (None, network_id))
            or (member_id is not None and s.id not in generated)  # recorded before sessions
        ]
    found = []
    for session in sorted(sessions, key=lambda s: (s.date, s.start, s.id)):
        event = events[session.event_id]
        topics = ", ".join(event.topics)
        found.append(
            CalendarEntry(
                uid=f"{event.id}-{session.id}@{domain}",
                title=f"{event.title} ({event.kind.value})",
                start=dt.datetime.combine(session.date, session.start, zone),
                end=dt.datetime.combine(session.date, session.end, zone),
                place=session.place,
                description=(
                    f"Format : {event.format.value}. Inscriptions jusqu'au "
                    f"{format_date(session.deadline, locale)}."
                    + (f" Sujets : {topics}." if topics else "")
                ),
            )
        )
    for serie in series:
        recurrence = serie.recurrence
        first = recurrence.first()  # RFC 5545: DTSTART must be an occurrence of the rule
        if first is None:
            continue
        found.append(
            CalendarEntry(
                uid=f"serie-{serie.id}@{domain}",
                title=f"{serie.title} ({serie.kind.value})",
                start=first.astimezone(zone),
                end=first.astimezone(zone) + dt.timedelta(minutes=serie.minutes),
                place=serie.place,
                description=f"Format : {serie.format.value}.",
                recurrence=recurrence,
            )
        )
    if member_id is None:  # NET-5: the working groups' restitutions, on the network's agenda
        from rsgm_core.services.group_agenda import restitution_entries

        found += restitution_entries(deps, network_id=network_id, domain=domain)
    return found


def build_feed(deps: Deps, *, network_id: str | None = None, member_id: str | None = None) -> bytes:
    name = "Agenda du réseau des SGM"
    if member_id is not None:
        name = "Mon agenda du réseau des SGM"
    stamp = deps.now().astimezone(dt.UTC).replace(microsecond=0)
    return to_ical(
        entries(deps, network_id=network_id, member_id=member_id), name=name, stamp=stamp
    )


def add_series(
    deps: Deps,
    title: str,
    kind: EventKind | str,
    format: EventFormat | str,
    start: dt.datetime,
    rule: str,
    *,
    minutes: int = 90,
    place: str = "",
    network_id: str | None = None,
    capacity: int | None = None,
    audience: EventAudience | str = EventAudience.SCOPE,
    force: bool = False,
) -> RecurringSeries:
    """A recurring event with an RFC 5545 rule (``FREQ=MONTHLY;BYDAY=1TH``): one real event per
    occurrence, each with its one session people register to (EVT-4, EVT-8), planned as
    ``app.events.plan`` plans one (EVT-3: a month's notice unless ``force``). A start that is not
    an occurrence of its rule moves to the first occurrence; a rule without ``COUNT`` or
    ``UNTIL`` covers the year from its first occurrence, and is recorded with that ``COUNT``. A
    rule that is not RFC 5545, or that has no occurrence, is refused and nothing is written."""
    from rsgm_core.services.event_planning import store_planned
    from rsgm_core.services.events import EventService

    zone = deps.settings.zone
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    rule = rule.strip() if isinstance(rule, str) else rule
    draft = RecurringSeries(
        new_id(), title.strip(), enum_of(EventKind, kind, "type d'événement"),
        enum_of(EventFormat, format, "format"), start, rule,
        minutes=minutes, place=place.strip(), network_id=network_id,
    )  # fmt: skip
    recurrence = draft.recurrence
    if recurrence.bounded:
        moments = recurrence.between(start, dt.datetime.max.replace(tzinfo=start.tzinfo),
                                     MAX_SERIES_OCCURRENCES + 1)  # fmt: skip
    else:
        first = recurrence.first()
        horizon = (first or start) + relativedelta(years=1) - dt.timedelta(seconds=1)
        moments = recurrence.between(start, horizon, MAX_SERIES_OCCURRENCES + 1)
        rule = f"{rule};COUNT={len(moments)}"
    if not moments:
        raise ValidationError(
            f"la règle {rule} ne donne aucune occurrence à partir du "
            f"{start.isoformat(timespec='minutes')}",
            rule="EVT-8",
            value=rule,
        )
    if len(moments) > MAX_SERIES_OCCURRENCES:
        raise ValidationError(
            f"la règle {rule} donne plus de {MAX_SERIES_OCCURRENCES} occurrences : une série "
            "fait un événement par occurrence ; bornez-la par COUNT ou UNTIL",
            rule="EVT-8",
            value=rule,
        )
    series = attrs.evolve(draft, start=moments[0], rule=rule)  # DTSTART: the first occurrence
    service = EventService(deps)
    planned = []
    for moment in moments:
        begins = moment.astimezone(zone)
        ends = begins + dt.timedelta(minutes=minutes)
        if ends.date() != begins.date():
            raise ValidationError(
                f"une séance de {minutes} minutes commençant à {begins:%H:%M} finit le "
                "lendemain : une séance se tient dans la journée",
                rule="EVT-1",
                value=minutes,
            )
        plan = SessionPlan(begins.date(), series.place or series.title, capacity=capacity,
                           start=begins.timetz().replace(tzinfo=None),
                           end=ends.timetz().replace(tzinfo=None))  # fmt: skip
        planned.append(service._prepare(
            series.title, series.kind, series.format, [plan], network_id=network_id,
            force=force, audience=audience, series_id=series.id,
        ))  # fmt: skip
    with deps.transaction() as uow:
        if network_id is not None:
            uow.networks.get(network_id)
        made = uow.recurring_series.add(series)
        for one in planned:
            store_planned(uow, one)
    return made


def series(deps: Deps) -> list[RecurringSeries]:
    with deps.read() as uow:
        return sorted(uow.recurring_series.list(), key=lambda s: (s.start, s.title, s.id))
