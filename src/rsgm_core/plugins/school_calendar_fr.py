"""Built-in school holidays of France's zones A, B and C and national election rounds, for the
planning checks (EVT-11).

The ``holidays`` package knows public holidays only; the school calendar is the ministry's
(data.education.gouv.fr, data set « Calendrier scolaire », Licence Ouverte 2.0), shipped as a small
file, ``data/calendar/vacances_scolaires.csv``, for the current school years. The election rounds
come from ``data/calendar/elections.csv``. A CDG's plugin adds a school year or an election the
files do not know yet by implementing the same hooks (their lists are joined).
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from rsgm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from rsgm_core.domain.planning_checks import Election, HolidayPeriod
    from rsgm_core.settings import Settings


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("rsgm_core").joinpath("data", "calendar", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter=";"))


@cache
def _periods() -> tuple[HolidayPeriod, ...]:
    from rsgm_core.domain.planning_checks import HolidayPeriod

    return tuple(
        HolidayPeriod(
            row["zone"],
            row["annee_scolaire"],
            row["vacances"],
            dt.date.fromisoformat(row["debut"]),
            dt.date.fromisoformat(row["reprise"]),
        )
        for row in _rows("vacances_scolaires.csv")
    )


@cache
def _elections() -> tuple[Election, ...]:
    from rsgm_core.domain.planning_checks import Election

    return tuple(
        Election(dt.date.fromisoformat(row["date"]), row["election"])
        for row in _rows("elections.csv")
    )


@hookimpl
def rsgm_school_holidays(zone: str, settings: Settings) -> list[HolidayPeriod]:
    return [p for p in _periods() if p.zone == zone]


@hookimpl
def rsgm_elections(settings: Settings) -> list[Election]:
    return list(_elections())
