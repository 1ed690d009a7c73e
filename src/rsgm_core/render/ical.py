"""The network calendar as iCalendar (EVT-8), through the ``icalendar`` package.

Each entry gets a stable UID (``<event id>-<session id>@<domain>``), so that a calendar client
updates an event instead of duplicating it when the feed is imported again; times are written in
the CDG's zone, whose ``VTIMEZONE`` is RRULE-based (:mod:`rsgm_core.render.ical_zone`). A series'
``DTSTART`` is always its first occurrence: RFC 5545 leaves any other undefined, and readers then
disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import attrs

from rsgm_core.render.ical_zone import zone_component

if TYPE_CHECKING:
    from rsgm_core.domain.recurrence import Recurrence

__all__ = ["CalendarEntry", "to_ical", "uid_domain"]


def uid_domain(cdg_code: str | None, departements: Iterable[str] = ()) -> str:
    """The right-hand side of the feed's UIDs, from the CDG's profile alone (its ``[cdg] code``,
    else its departments): the same in every environment and whatever the SMTP sender, so a
    client importing the feed from two shells updates its entries instead of duplicating them."""
    import re
    import unicodedata

    name = cdg_code or "-".join(departements)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return f"{slug}.rsgm.invalid" if slug else "rsgm.invalid"


@attrs.frozen
class CalendarEntry:
    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime
    place: str = ""
    description: str = ""
    recurrence: Recurrence | None = None
    #: a whole day (a working group's restitution, NET-5): written as a date, ``start``'s day
    all_day: bool = False


def to_ical(entries: Iterable[CalendarEntry], *, name: str, stamp: dt.datetime) -> bytes:
    """An iCalendar feed (``text/calendar``) of ``entries``."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//rsgm_core//agenda du réseau//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    listed = list(entries)
    for entry in listed:
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("summary", entry.title)
        if entry.all_day:  # RFC 5545 3.6.1: DTEND of an all-day entry is the next day
            event.add("dtstart", entry.start.date())
            event.add("dtend", entry.start.date() + dt.timedelta(days=1))
        else:
            event.add("dtstart", entry.start)
            event.add("dtend", entry.end)
        if entry.place:
            event.add("location", entry.place)
        if entry.description:
            event.add("description", entry.description)
        if entry.recurrence is not None:
            event.add("rrule", icalendar.vRecur.from_ical(entry.recurrence.rule))
        calendar.add_component(event)
    for zone, years in sorted(_zones(listed).items(), key=lambda item: item[0].key):
        calendar.add_component(zone_component(zone, years))  # RRULE-based, no comment
    # VTIMEZONE first, as most writers put it: move the components added last to the front.
    calendar.subcomponents.sort(key=lambda c: c.name != "VTIMEZONE")
    return calendar.to_ical()


def _zones(entries: Iterable[CalendarEntry]) -> dict[ZoneInfo, set[int]]:
    """The zones the entries' times are written in, each with the years it must cover: from each
    entry's start to its end, or to its series' last occurrence."""
    found: dict[ZoneInfo, set[int]] = {}
    for entry in entries:
        if entry.all_day or not isinstance(entry.start.tzinfo, ZoneInfo):
            continue
        last = entry.end
        if entry.recurrence is not None:
            ahead = entry.recurrence.between(
                entry.start, entry.start.replace(year=entry.start.year + 30)
            )
            last = max([last, *ahead[-1:]])
        found.setdefault(entry.start.tzinfo, set()).update(range(entry.start.year, last.year + 1))
    return found
