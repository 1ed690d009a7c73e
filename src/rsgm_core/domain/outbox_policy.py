"""When the outbox may send (NOT-1): back-off after a temporary failure, sending hours, and the
rate limit of a CDG. Pure functions of their arguments; the service passes the clock's time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import attrs

from rsgm_core.errors import ConfigurationError

__all__ = ["DeliveryPolicy", "RetryPolicy", "SendingWindow", "policy_from_options"]

_DAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")


@attrs.frozen
class RetryPolicy:
    """Exponential back-off: ``base × factor^(attempts−1)``, never more than ``cap``; after
    ``max_attempts`` temporary failures the message is dead-lettered."""

    base: dt.timedelta = dt.timedelta(minutes=1)
    factor: float = 2.0
    cap: dt.timedelta = dt.timedelta(hours=6)
    max_attempts: int = 20  # about three days at the default cap

    def delay(self, attempts: int) -> dt.timedelta:
        """The wait after the ``attempts``-th failure (1 for the first)."""
        exponent = max(attempts - 1, 0)
        cap = self.cap.total_seconds()
        # Step by step: factor**exponent would overflow a float for a large attempt count.
        seconds = self.base.total_seconds()
        for _ in range(exponent):
            seconds *= self.factor
            if seconds >= cap:
                return self.cap
        return dt.timedelta(seconds=min(seconds, cap))

    def next_attempt(self, now: dt.datetime, attempts: int) -> dt.datetime:
        return now + self.delay(attempts)

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


@attrs.frozen
class SendingWindow:
    """Hours (local time of the CDG) and weekdays (0 = Monday) when mail may leave."""

    start: dt.time = dt.time(0, 0)
    end: dt.time = dt.time(23, 59, 59, 999999)
    weekdays: frozenset[int] = frozenset(range(7))

    def allows(self, moment: dt.datetime) -> bool:
        local = moment.time().replace(tzinfo=None)
        return moment.weekday() in self.weekdays and self.start <= local < self.end

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """The first moment at or after ``moment`` inside the window (same time zone)."""
        for days in range(8):
            day = (moment + dt.timedelta(days=days)).date()
            if day.weekday() not in self.weekdays:
                continue
            opening = dt.datetime.combine(day, self.start, tzinfo=moment.tzinfo)
            if days == 0 and self.allows(moment):
                return moment
            if opening >= moment:
                return opening
        return moment  # an empty window is refused by policy_from_options


@attrs.frozen
class DeliveryPolicy:
    retry: RetryPolicy = RetryPolicy()
    window: SendingWindow = SendingWindow()
    max_per_hour: int | None = None  # None: no limit
    lease: dt.timedelta = dt.timedelta(minutes=10)  # a claimed message older than this was lost
    #: Messages claimed, sent, then recorded together: at most this many can be sent twice
    #: after a crash between the server's answer and the record (docs/outbox.md); 1: each alone.
    batch_size: int = 20


def _time(text: str, option: str) -> dt.time:
    try:
        hours, _, minutes = text.strip().partition(":")
        if int(hours) == 24 and int(minutes or 0) == 0:
            return dt.time(23, 59, 59, 999999)
        return dt.time(int(hours), int(minutes or 0))
    except ValueError:
        raise ConfigurationError(
            f"outbox.{option} : heure illisible {text!r} (attendu HH:MM)", value=text
        ) from None


def _positive(options: Mapping[str, Any], key: str, default: float) -> float:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigurationError(
            f"outbox.{key} : nombre positif attendu, reçu {value!r}", value=value
        )
    return float(value)


def policy_from_options(options: Mapping[str, Any]) -> DeliveryPolicy:
    """Build the policy from ``Settings.plugin("outbox")``; a bad value is a
    :class:`ConfigurationError` (raised by ``rsgm_core.open``).

    Keys: ``hours`` ("08:00-19:00"), ``days`` ("lun-ven" or "lun,mar,…"), ``max_per_hour``,
    ``retry_base_seconds``, ``retry_factor``, ``retry_cap_seconds``, ``max_attempts``,
    ``lease_seconds``, ``batch_size``.
    """
    window = SendingWindow()
    if options.get("hours"):
        match = re.fullmatch(r"\s*([\d:]+)\s*-\s*([\d:]+)\s*", str(options["hours"]))
        if not match:
            raise ConfigurationError(
                f"outbox.hours : plage illisible {options['hours']!r} (ex. « 08:00-19:00 »)",
                value=options["hours"],
            )
        start, end = _time(match[1], "hours"), _time(match[2], "hours")
        if start >= end:
            raise ConfigurationError(
                f"outbox.hours : la plage {options['hours']!r} est vide", value=options["hours"]
            )
        window = attrs.evolve(window, start=start, end=end)
    if options.get("days"):
        window = attrs.evolve(window, weekdays=_days(str(options["days"])))
    retry = RetryPolicy(
        base=dt.timedelta(seconds=_positive(options, "retry_base_seconds", 60)),
        factor=max(_positive(options, "retry_factor", 2.0), 1.0),
        cap=dt.timedelta(seconds=_positive(options, "retry_cap_seconds", 6 * 3600)),
        max_attempts=int(_positive(options, "max_attempts", 20)),
    )
    limit = options.get("max_per_hour")
    return DeliveryPolicy(
        retry=retry,
        window=window,
        max_per_hour=None if limit is None else int(_positive(options, "max_per_hour", 1)),
        lease=dt.timedelta(seconds=_positive(options, "lease_seconds", 600)),
        batch_size=_batch_size(options),
    )


def _batch_size(options: Mapping[str, Any]) -> int:
    value = options.get("batch_size", 20)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise ConfigurationError(
            f"outbox.batch_size : nombre entier de 1 à 1000 attendu, reçu {value!r}", value=value
        )
    return value


def _days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first[:3] not in _DAYS or (last and last[:3] not in _DAYS):
            raise ConfigurationError(
                f"outbox.days : jour inconnu dans {text!r} (lun, mar, mer, jeu, ven, sam, dim)",
                value=text,
            )
        a, b = _DAYS.index(first[:3]), _DAYS.index((last or first)[:3])
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
    return frozenset(days)
