"""The network calendar as iCalendar (EVT-8), through the ``icalendar`` package.

Each occurrence gets a stable UID (``<event id>-<session id>@<domain>``), so that a calendar client
updates an event instead of duplicating it when the feed is imported again; times are written in
Europe/Paris with the zone definition included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from rsgm_core.domain.recurrence import Recurrence

__all__ = ["CalendarEntry", "to_ical"]


@attrs.frozen
class CalendarEntry:
    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime
    place: str = ""
    description: str = ""
    recurrence: Recurrence | None = None


def to_ical(entries: Iterable[CalendarEntry], *, name: str, stamp: dt.datetime) -> bytes:
    """An iCalendar feed (``text/calendar``) of ``entries``."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//rsgm_core//agenda du réseau//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("summary", entry.title)
        event.add("dtstart", entry.start)
        event.add("dtend", entry.end)
        if entry.place:
            event.add("location", entry.place)
        if entry.description:
            event.add("description", entry.description)
        if entry.recurrence is not None:
            event.add("rrule", icalendar.vRecur.from_ical(entry.recurrence.rule))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
