"""The event timeline on real French working days (EVT-2, EVT-3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App, RuleViolation, Settings, ValidationError
from rsgm_core.domain.timeline import (
    TaskKind,
    WorkingCalendar,
    check_planning,
    due_between,
    timeline,
)

YEARS = range(2024, 2029)


@pytest.fixture(scope="module")
def app() -> Iterator[App]:
    with rsgm_core.open("memory://") as opened:
        yield opened


def calendar(app: App, departement: str, settings_: Settings | None = None) -> WorkingCalendar:
    chosen = settings_ or app.settings
    return WorkingCalendar(
        day for year in YEARS for day in app.hooks.public_holidays(year, departement, chosen)
    )


def test_nominal_timeline_EVT_2() -> None:
    tasks = {t.kind: t for t in timeline(dt.date(2025, 6, 19), WorkingCalendar())}  # a Thursday
    assert tasks[TaskKind.INVITATION].due == dt.date(2025, 5, 19)
    assert tasks[TaskKind.MAYORS_INFORMED].due == dt.date(2025, 5, 19)
    assert tasks[TaskKind.REMINDER].due == dt.date(2025, 6, 4)
    assert tasks[TaskKind.HEADCOUNT].due == dt.date(2025, 6, 11)
    after = {TaskKind.MINUTES, TaskKind.THANKS_HOST, TaskKind.TRACKING_ROW, TaskKind.CERTIFICATES,
             TaskKind.FEEDBACK_ELECTED, TaskKind.SATISFACTION_SURVEY}  # fmt: skip
    assert after <= set(tasks) and all(tasks[k].due > dt.date(2025, 6, 19) for k in after)


def test_no_thanks_to_a_host_when_nobody_hosts_EVT_2() -> None:
    kinds = {t.kind for t in timeline(dt.date(2025, 6, 19), WorkingCalendar(), hosted=False)}
    assert TaskKind.THANKS_HOST not in kinds


def test_dates_move_back_over_weekends_and_holidays_EVT_3(app: App) -> None:
    deux_sevres = calendar(app, "79")
    # D = 2025-06-08 (Sunday): D − 1 month is Thursday 8 May, Victory Day → Wednesday 7 May
    tasks = {t.kind: t for t in timeline(dt.date(2025, 6, 8), deux_sevres)}
    assert tasks[TaskKind.INVITATION].nominal == dt.date(2025, 5, 8)
    assert tasks[TaskKind.INVITATION].due == dt.date(2025, 5, 7)


def test_alsace_moselle_has_good_friday_and_st_stephen_EVT_3(app: App) -> None:
    moselle, bas_rhin, deux_sevres = calendar(app, "57"), calendar(app, "67"), calendar(app, "79")
    good_friday = dt.date(2025, 4, 18)
    for day in (good_friday, dt.date(2025, 12, 26)):
        assert not moselle.is_working_day(day) and not bas_rhin.is_working_day(day)
        assert deux_sevres.is_working_day(day)


def test_overseas_departments_have_their_own_days_EVT_3(app: App) -> None:
    reunion = calendar(app, "974")
    abolition = dt.date(2024, 12, 20)  # a Friday: abolition of slavery in La Réunion
    assert not reunion.is_working_day(abolition)
    assert calendar(app, "79").is_working_day(abolition)


def test_whit_monday_is_a_cdg_setting_EVT_3(app: App) -> None:
    whit_monday = dt.date(2025, 6, 9)
    assert not calendar(app, "79").is_working_day(whit_monday)
    worked = Settings(plugins={"holidays_fr": {"whit_monday_worked": True}})
    assert calendar(app, "79", worked).is_working_day(whit_monday)


@pytest.mark.parametrize("departement", ["79", "57", "68", "974", "971"])
def test_every_deadline_is_the_last_working_day_not_after_its_date_EVT_3(
    app: App, departement: str
) -> None:
    working = calendar(app, departement)
    day = dt.date(2024, 3, 1)
    while day <= dt.date(2028, 10, 31):  # every event date of several years
        for task in timeline(day, working):
            assert working.is_working_day(task.due)
            assert task.due <= task.nominal  # never later than required
            gap = task.due + dt.timedelta(days=1)
            while gap <= task.nominal:  # and not earlier than needed
                assert not working.is_working_day(gap)
                gap += dt.timedelta(days=1)
        day += dt.timedelta(days=1)


@settings(max_examples=300)
@given(st.dates(min_value=dt.date(2024, 2, 1), max_value=dt.date(2028, 11, 30)))
def test_invitation_leaves_at_least_a_month_EVT_2(day: dt.date) -> None:
    [invitation] = [t for t in timeline(day, WorkingCalendar()) if t.kind is TaskKind.INVITATION]
    one_month = day.replace(day=1) - dt.timedelta(days=1)  # last day of the previous month
    assert invitation.due <= min(one_month, day - dt.timedelta(days=28))
    assert (day - invitation.due).days <= 31 + 3  # a month, plus at most a weekend and a holiday


def test_planning_with_less_than_a_month_is_refused_unless_forced_EVT_3() -> None:
    today = dt.date(2025, 5, 20)
    ok = check_planning(dt.date(2025, 7, 1), today=today, calendar=WorkingCalendar())
    assert not ok.late
    with pytest.raises(RuleViolation) as info:
        check_planning(dt.date(2025, 6, 10), today=today, calendar=WorkingCalendar())
    assert info.value.rule == "EVT-3" and "10/06/2025" in info.value.message
    forced = check_planning(
        dt.date(2025, 6, 10), today=today, calendar=WorkingCalendar(), force=True
    )
    assert forced.late  # accepted, and flagged
    with pytest.raises(ValidationError):
        check_planning(dt.date(2025, 5, 1), today=today, calendar=WorkingCalendar(), force=True)


def test_tasks_due_this_week_EVT_2() -> None:
    tasks = timeline(dt.date(2025, 6, 19), WorkingCalendar()) + timeline(
        dt.date(2025, 6, 26), WorkingCalendar()
    )
    week = due_between(tasks, dt.date(2025, 6, 9), dt.date(2025, 6, 13))
    # the 19 June event's headcount and the 26 June event's reminder, both on 11 June
    assert sorted(t.kind.name for t in week) == ["HEADCOUNT", "REMINDER"]
    assert {t.due for t in week} == {dt.date(2025, 6, 11)}
    with pytest.raises(ValidationError):
        due_between(tasks, dt.date(2025, 6, 13), dt.date(2025, 6, 9))


def test_a_cdg_adds_its_own_closing_days_through_rsgm_public_holidays_EVT_3() -> None:
    class ChristmasEve:
        @rsgm_core.hookimpl
        def rsgm_public_holidays(self, year: int) -> list[dt.date]:
            return [dt.date(year, 12, 24)]

    with rsgm_core.open("memory://", plugins=[ChristmasEve()]) as opened:
        days = opened.hooks.public_holidays(2025, "79", opened.settings)
    assert dt.date(2025, 12, 24) in days and dt.date(2025, 12, 25) in days
