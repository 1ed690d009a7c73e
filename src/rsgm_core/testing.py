"""Helpers for testing code built on rsgm_core: a clock to set and advance, and pytest fixtures.

>>> import datetime as dt, rsgm_core
>>> from rsgm_core.testing import Clock
>>> clock = Clock(dt.date(2025, 3, 14))
>>> with rsgm_core.open("memory://", clock=clock) as app:
...     clock.advance(days=1)
...     app.today()
datetime.date(2025, 3, 15)

As a pytest plugin (``pytest_plugins = ["rsgm_core.testing"]`` in a ``conftest.py``), it offers
the fixtures ``rsgm_clock`` (a :class:`Clock` at 14 March 2025, 10:30 in Paris) and ``rsgm_app``
(an app opened in memory on that clock, closed after the test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rsgm_core.errors import ValidationError

if TYPE_CHECKING:
    from rsgm_core.app import App

__all__ = ["DEFAULT_MOMENT", "Clock", "rsgm_app", "rsgm_clock"]

PARIS = ZoneInfo("Europe/Paris")
#: Where a :class:`Clock` starts unless told otherwise.
DEFAULT_MOMENT = dt.datetime(2025, 3, 14, 10, 30, tzinfo=PARIS)


class Clock:
    """A clock that stands still until it is set or advanced; pass it to
    :func:`rsgm_core.open` as ``clock=``.

    A date means that day at 10:30; a naive datetime is read in ``zone`` (Europe/Paris unless
    given).
    """

    def __init__(self, start: dt.date | dt.datetime = DEFAULT_MOMENT, *, zone: str | None = None):
        self.zone = ZoneInfo(zone) if zone else PARIS
        self._now = self._moment(start)

    def __call__(self) -> dt.datetime:
        return self._now

    def now(self) -> dt.datetime:
        """The time the clock shows."""
        return self._now

    def set(self, moment: dt.date | dt.datetime) -> None:
        """Show ``moment`` from now on (a date: that day at 10:30)."""
        self._now = self._moment(moment)

    def advance(
        self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0
    ) -> dt.datetime:
        """Move forward (or back, with negative values) by that much real time; the new time.

        Real time: advancing 24 hours across a clock change lands an hour off the same wall-clock
        time, as a real clock would."""
        delta = dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        utc = self._now.astimezone(dt.UTC) + delta
        self._now = utc.astimezone(self.zone)
        return self._now

    def _moment(self, value: dt.date | dt.datetime) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=self.zone)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(10, 30), tzinfo=self.zone)
        raise ValidationError(
            f"date ou date et heure attendue pour l'horloge : {value!r}", value=value
        )

    def __repr__(self) -> str:
        return f"Clock({self._now.isoformat()})"


# --- pytest fixtures (collected when this module is registered as a pytest plugin) -------------

try:
    import pytest
except ImportError:  # pragma: no cover - the fixtures need pytest; Clock does not
    pass
else:

    @pytest.fixture
    def rsgm_clock() -> Clock:
        """A :class:`Clock` at 14 March 2025, 10:30 in Paris."""
        return Clock()

    @pytest.fixture
    def rsgm_app(rsgm_clock: Clock) -> Iterator[App]:
        """An app opened in memory on ``rsgm_clock``, with no entry-point plugin loaded."""
        import rsgm_core

        with rsgm_core.open("memory://", clock=rsgm_clock, autoload=False) as app:
            yield app
