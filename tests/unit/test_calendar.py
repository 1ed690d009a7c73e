"""Recurring events and the iCalendar feed (EVT-8): parsed back, every occurrence checked."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import rrule

from rsgm_core import ValidationError
from rsgm_core.domain.recurrence import Recurrence
from rsgm_core.render.ical import CalendarEntry, to_ical

PARIS = ZoneInfo("Europe/Paris")
STAMP = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)


def test_monthly_matinale_keeps_its_wall_clock_time_across_dst_EVT_8() -> None:
    series = Recurrence(
        dt.datetime(2025, 1, 2, 9, 0, tzinfo=PARIS), "FREQ=MONTHLY;BYDAY=1TH;COUNT=12"
    )
    dates = series.between(series.start, dt.datetime(2026, 1, 1, tzinfo=PARIS))
    assert len(dates) == 12
    assert all(d.weekday() == 3 and d.day <= 7 and (d.hour, d.minute) == (9, 0) for d in dates)
    assert {d.utcoffset() for d in dates} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}


@pytest.mark.parametrize(
    "bad", ["", "FREQ=SOMETIMES", "RRULE:FREQ=DAILY", "FREQ=WEEKLY;BYDAY=XX", None]
)
def test_a_rule_that_is_not_rfc_5545_is_refused_EVT_8(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        Recurrence(dt.datetime(2025, 1, 2, 9, 0, tzinfo=PARIS), bad)  # type: ignore[arg-type]
    assert info.value.rule == "EVT-8"


def test_a_series_needs_a_zone_EVT_8() -> None:
    with pytest.raises(ValidationError):
        Recurrence(dt.datetime(2025, 1, 2, 9, 0), "FREQ=WEEKLY")


def entries() -> list[CalendarEntry]:
    matinale = Recurrence(
        dt.datetime(2025, 1, 2, 9, 0, tzinfo=PARIS), "FREQ=MONTHLY;BYDAY=1TH;COUNT=10"
    )
    return [
        CalendarEntry(
            "matinales-79@rsgm", "Matinale des SGM", matinale.start,
            matinale.start + dt.timedelta(hours=1, minutes=30), "Visio", recurrence=matinale,
        ),
        CalendarEntry(
            "journee-2025-s1@rsgm", "Journée réseau", dt.datetime(2025, 6, 19, 9, 30, tzinfo=PARIS),
            dt.datetime(2025, 6, 19, 16, 30, tzinfo=PARIS), "Salle des fêtes, Niort",
        ),
    ]  # fmt: skip


def test_feed_parses_back_with_every_occurrence_EVT_8() -> None:
    feed = icalendar.Calendar.from_ical(to_ical(entries(), name="Réseau SGM 79", stamp=STAMP))
    events = {str(e["uid"]): e for e in feed.walk("VEVENT")}
    assert set(events) == {"matinales-79@rsgm", "journee-2025-s1@rsgm"}
    assert feed.walk("VTIMEZONE") and str(feed.walk("VTIMEZONE")[0]["tzid"]) == "Europe/Paris"

    matinale = events["matinales-79@rsgm"]
    start = matinale.decoded("dtstart")
    assert start == dt.datetime(2025, 1, 2, 9, 0, tzinfo=PARIS)
    rule = rrule.rrulestr(matinale["rrule"].to_ical().decode(), dtstart=start.replace(tzinfo=None))
    expected = entries()[0].recurrence.between(start, dt.datetime(2026, 1, 1, tzinfo=PARIS))  # type: ignore[union-attr]
    assert [d.replace(tzinfo=PARIS) for d in rule] == expected
    assert len(expected) == 10

    day = events["journee-2025-s1@rsgm"]
    assert day.decoded("dtstart") == dt.datetime(2025, 6, 19, 9, 30, tzinfo=PARIS)
    assert str(day["location"]) == "Salle des fêtes, Niort"


def test_uids_are_stable_from_one_export_to_the_next_EVT_8() -> None:
    first = to_ical(entries(), name="Réseau", stamp=STAMP)
    again = to_ical(entries(), name="Réseau", stamp=STAMP)
    assert first == again
