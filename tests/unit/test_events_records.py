"""Records added for storage (sessions' times, surveys, answers, series) and the service's working
calendar over a territory of several departments, with the real holiday calendars (EVT-3, EVT-8,
EVT-9, SUR-1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App, ValidationError
from rsgm_core.domain.animation import RecurringSeries, Survey, SurveyAnswer, newcomers_due
from rsgm_core.domain.census import MetaEntry
from rsgm_core.domain.events import Event, EventFormat, EventKind, Session, SurveyKind
from rsgm_core.domain.timeline import timeline
from rsgm_core.serialization import structure, unstructure

PARIS = ZoneInfo("Europe/Paris")


def test_session_times_round_trip_and_end_after_start_EVT_1() -> None:
    session = Session("s", "e", dt.date(2025, 6, 19), "Niort", dt.date(2025, 6, 11), 3,
                      start=dt.time(14, 0), end=dt.time(16, 30))  # fmt: skip
    assert unstructure(session)["start"] == "14:00"
    assert structure(unstructure(session), Session) == session
    with pytest.raises(ValidationError):
        Session("s", "e", dt.date(2025, 6, 19), "Niort", dt.date(2025, 6, 11),
                start=dt.time(16, 0), end=dt.time(9, 0))  # fmt: skip


def test_event_record_round_trips_with_its_stored_fields_EVT_3() -> None:
    event = Event("e", "Journée", EventKind.NETWORK_DAY, EventFormat.HYBRID, ("élections",),
                  late=True, invited=12, done=("invitation",), planned_on=dt.date(2025, 3, 1))  # fmt: skip
    assert structure(unstructure(event), Event) == event


def test_survey_records_SUR_1_EVT_9() -> None:
    with pytest.raises(ValidationError) as info:
        Survey("v", SurveyKind.SATISFACTION, "Satisfaction", dt.date(2025, 6, 20), 10)
    assert info.value.rule == "EVT-9"
    with pytest.raises(ValidationError):
        SurveyAnswer("a", "v", dt.date(2025, 6, 21), score=0)
    answer = SurveyAnswer("a", "v", dt.date(2025, 6, 21), score=4, comment="bien")
    assert structure(unstructure(answer), SurveyAnswer) == answer


def test_newcomers_are_due_at_three_months_SUR_1() -> None:
    arrivals = [
        ("a", dt.date(2025, 1, 15)),
        ("b", dt.date(2025, 2, 1)),
        ("c", None),
        ("d", dt.date(2024, 12, 1)),
    ]
    assert newcomers_due(arrivals, surveyed=["d"], on=dt.date(2025, 4, 15)) == ["a"]
    assert newcomers_due(arrivals, surveyed=[], on=dt.date(2025, 5, 1)) == ["d", "a", "b"]


def test_series_validates_its_rule_EVT_8() -> None:
    start = dt.datetime(2025, 1, 2, 9, 0, tzinfo=PARIS)
    series = RecurringSeries(
        "m", "Matinale", EventKind.MATINALE, EventFormat.REMOTE, start, "FREQ=MONTHLY;BYDAY=1TH"
    )
    assert structure(unstructure(series), RecurringSeries) == series
    with pytest.raises(ValidationError) as info:
        RecurringSeries(
            "m", "Matinale", EventKind.MATINALE, EventFormat.REMOTE, start, "FREQ=PARFOIS"
        )
    assert info.value.rule == "EVT-8"


@pytest.fixture(scope="module")
def moselle_and_deux_sevres() -> Iterator[App]:
    with rsgm_core.open("memory://") as app:
        with app.deps.transaction() as uow:
            uow.meta.add(MetaEntry("territory", '["57", "79"]'))
        yield app


@settings(max_examples=400, deadline=None)
@given(st.dates(min_value=dt.date(2025, 2, 1), max_value=dt.date(2028, 11, 30)))
def test_service_calendar_avoids_every_departments_holidays_EVT_3(
    moselle_and_deux_sevres: App, day: dt.date
) -> None:
    app = moselle_and_deux_sevres
    calendar = app.events.calendar(range(day.year - 1, day.year + 2))
    holidays = {
        d
        for dep in ("57", "79")
        for year in range(day.year - 1, day.year + 2)
        for d in app.hooks.public_holidays(year, dep, app.settings)
    }
    for task in timeline(day, calendar):
        assert task.due <= task.nominal  # never later than required
        assert task.due.weekday() < 5 and task.due not in holidays
        # and it is the last such day: nothing worked in between
        between = [
            task.due + dt.timedelta(days=n) for n in range(1, (task.nominal - task.due).days + 1)
        ]
        assert all(d.weekday() >= 5 or d in holidays for d in between)


def test_good_friday_of_moselle_moves_a_deadline_for_the_whole_territory_EVT_3(
    moselle_and_deux_sevres: App,
) -> None:
    # Good Friday 2025 is 18 April: a public holiday in Moselle only.
    calendar = moselle_and_deux_sevres.events.calendar([2025])
    assert calendar.on_or_before(dt.date(2025, 4, 18)) == dt.date(2025, 4, 17)
