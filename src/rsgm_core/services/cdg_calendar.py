"""The CDG's other events (EVT-11, ``app.cdg_calendar``): the days the CDG already holds something
(board, training days, its own events) that network sessions should avoid; planning warns of a
session on one of them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.planning_checks import CdgDate, RecordedWarning
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["CdgCalendarService"]


class CdgCalendarService:
    """``app.cdg_calendar``: the dates of the CDG's other events (EVT-11)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def add(self, label: str, *, on: dt.date, by: str) -> CdgDate:
        """EVT-11: the CDG holds ``label`` on ``on``; a session planned that day gets a warning."""
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            return uow.cdg_dates.add(CdgDate(new_id(), on, label.strip(), recorded_by=actor.id))

    def remove(self, date_id: str, *, by: str) -> CdgDate:
        """EVT-11: forget one of the CDG's dates (cancelled, or entered by mistake)."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            found = uow.cdg_dates.get(date_id)
            uow.cdg_dates.remove(date_id)
            return found

    def list_dates(self, *, year: int | None = None) -> list[CdgDate]:
        """EVT-11: the CDG's dates, by day; ``year`` keeps one calendar year."""
        with self.deps.read() as uow:
            found = uow.cdg_dates.list()
        if year is not None:
            found = [d for d in found if d.on.year == year]
        return sorted(found, key=lambda d: (d.on, d.label))

    def list_planning_warnings(self, *, event_id: str) -> list[RecordedWarning]:
        """EVT-11: the warnings an event was planned with, as recorded then (its history), by
        day; whether the plan was forced is on each."""
        with self.deps.read() as uow:
            uow.events.get(event_id)
            found = uow.planning_warnings.list({"event_id": event_id})
        return sorted(found, key=lambda w: (w.day, w.kind.value, w.id))
