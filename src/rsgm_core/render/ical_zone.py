"""The ``VTIMEZONE`` of a feed (EVT-8), written as standard RRULE-based components.

Each run of yearly changes that follow one rule (the last Sunday of March at 02:00 …) is one
``DAYLIGHT`` or ``STANDARD`` component with a ``FREQ=YEARLY`` ``RRULE``, as the tz database, most
calendar servers and ``icalendar``'s own zone export write them; a change that follows no yearly
rule is a component of its own. Never a comma-separated ``RDATE`` list (which some readers, such
as vobject, misread) and never a comment: a zone without daylight saving is one ``STANDARD``
component. The changes are read from the zone itself (``zoneinfo``) over the years asked for.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs

if TYPE_CHECKING:
    import icalendar

__all__ = ["zone_component"]

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@attrs.frozen
class _Change:
    """One change of offset: the wall-clock time it happens at (before it), the offsets and the
    name after it."""

    local: dt.datetime  # naive, in the offset before the change
    before: dt.timedelta
    after: dt.timedelta
    name: str
    daylight: bool

    @property
    def pattern(self) -> tuple[Any, ...]:
        """What the change has in common with the same change of other years."""
        day = self.local.day
        last = day + 7 > calendar.monthrange(self.local.year, self.local.month)[1]
        week = -1 if last else (day - 1) // 7 + 1
        return (self.daylight, self.before, self.after, self.name, self.local.month,
                self.local.weekday(), week, self.local.time())  # fmt: skip

    @property
    def byday(self) -> str:
        week = self.pattern[6]
        return f"{week}{_DAYS[self.local.weekday()]}"


def _offset(zone: ZoneInfo, moment: dt.datetime) -> dt.timedelta:
    return moment.astimezone(zone).utcoffset() or dt.timedelta(0)


def _changes(zone: ZoneInfo, first_year: int, last_year: int) -> list[_Change]:
    """Every change of offset from 1 January of ``first_year`` to 31 December of ``last_year``,
    found day by day, then to the minute."""
    found: list[_Change] = []
    moment = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    current = _offset(zone, moment)
    step = dt.timedelta(hours=6)
    while moment < end:
        following = moment + step
        offset = _offset(zone, following)
        if offset != current:
            low, high = moment, following  # the change lies in (low, high]
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset(zone, middle) == current:
                    low = middle
                else:
                    high = middle
            instant = high.replace(second=0, microsecond=0)
            after = instant.astimezone(zone)
            found.append(
                _Change(
                    local=(instant + current).replace(tzinfo=None),
                    before=current,
                    after=offset,
                    name=after.tzname() or "",
                    daylight=bool(after.dst()),
                )
            )
            current = offset
        moment = following
    return found


def zone_component(zone: ZoneInfo, years: Iterable[int]) -> icalendar.Timezone:
    """The ``VTIMEZONE`` of ``zone`` valid over ``years`` (a year before the first and after the
    last are covered too): RRULE-based components, one per run of changes that follow one
    yearly rule."""
    import icalendar

    wanted = sorted(set(years)) or [dt.date.today().year]
    first_year, last_year = wanted[0] - 1, wanted[-1] + 1
    timezone = icalendar.Timezone()
    timezone.add("tzid", zone.key)
    changes = _changes(zone, first_year, last_year)
    if not changes:  # no daylight saving over the years: one offset
        moment = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC).astimezone(zone)
        standard = icalendar.TimezoneStandard()
        standard.add("dtstart", dt.datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", moment.utcoffset())
        standard.add("tzoffsetto", moment.utcoffset())
        standard.add("tzname", moment.tzname() or zone.key)
        timezone.add_component(standard)
        return timezone
    runs: list[list[_Change]] = []
    for change in changes:  # consecutive years with the same rule, per kind of change
        same = [r for r in runs if r[-1].pattern == change.pattern
                and r[-1].local.year + 1 == change.local.year]  # fmt: skip
        if same:
            same[0].append(change)
        else:
            runs.append([change])
    for run in runs:
        head = run[0]
        part = icalendar.TimezoneDaylight() if head.daylight else icalendar.TimezoneStandard()
        part.add("dtstart", head.local)
        part.add("tzoffsetfrom", head.before)
        part.add("tzoffsetto", head.after)
        part.add("tzname", head.name)
        if len(run) > 1:
            rule: dict[str, Any] = {"freq": "yearly", "bymonth": head.local.month,
                                    "byday": head.byday}  # fmt: skip
            later = [
                c for c in changes if c.pattern[0] == head.daylight and c.local > run[-1].local
            ]
            if later or run[-1].local.year < last_year:  # the rule stopped: UNTIL, in UTC
                rule["until"] = (run[-1].local - run[-1].before).replace(tzinfo=dt.UTC)
            part.add("rrule", rule)
        timezone.add_component(part)
    return timezone
