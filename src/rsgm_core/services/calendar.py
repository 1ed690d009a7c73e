"""The network's agenda as iCalendar feeds (EVT-8), one per network and one per member, and the
recurring series; the use cases of ``app.events.feed``, ``add_series`` and ``list_series``.

UIDs are stable: ``<event id>-<session id>@<domain>`` for a session and ``serie-<id>@<domain>`` for a
recurring series, the domain being the outbox's Message-ID domain, so a client importing the feed
again updates its entries instead of duplicating them. Times are the sessions' wall-clock times in
the CDG's zone (Europe/Paris by default), written with the zone's definition.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rsgm_core.domain.animation import RecurringSeries
from rsgm_core.domain.events import EventFormat, EventKind, RegistrationStatus
from rsgm_core.render.ical import CalendarEntry, to_ical
from rsgm_core.services.members import enum_of, new_id
from rsgm_core.services.outbox import message_id_domain

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["add_series", "build_feed", "entries", "series"]


def entries(
    deps: Deps, *, network_id: str | None = None, member_id: str | None = None
) -> list[CalendarEntry]:
    domain = message_id_domain(deps.settings.plugin)
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
            sessions = [s for s in uow.sessions.list() if s.event_id in events]
        series = [
            s
            for s in uow.recurring_series.list()
            if member_id is not None or s.network_id in (None, network_id)
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
                    f"{session.deadline.strftime('%d/%m/%Y')}."
                    + (f" Sujets : {topics}." if topics else "")
                ),
            )
        )
    for serie in series:
        recurrence = serie.recurrence
        found.append(
            CalendarEntry(
                uid=f"serie-{serie.id}@{domain}",
                title=f"{serie.title} ({serie.kind.value})",
                start=recurrence.start.astimezone(zone),
                end=recurrence.start.astimezone(zone) + dt.timedelta(minutes=serie.minutes),
                place=serie.place,
                description=f"Format : {serie.format.value}.",
                recurrence=recurrence,
            )
        )
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
) -> RecurringSeries:
    """A recurring event with an RFC 5545 rule (``FREQ=MONTHLY;BYDAY=1TH``); a rule that is
    not RFC 5545, or a start without a zone, is refused and nothing is written."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=deps.settings.zone)
    series = RecurringSeries(
        new_id(), title.strip(), enum_of(EventKind, kind, "type d'événement"),
        enum_of(EventFormat, format, "format"), start, rule.strip() if isinstance(rule, str) else rule,
        minutes=minutes, place=place.strip(), network_id=network_id,
    )  # fmt: skip
    with deps.transaction() as uow:
        if network_id is not None:
            uow.networks.get(network_id)
        return uow.recurring_series.add(series)


def series(deps: Deps) -> list[RecurringSeries]:
    with deps.read() as uow:
        return sorted(uow.recurring_series.list(), key=lambda s: (s.start, s.title, s.id))
