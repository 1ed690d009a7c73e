"""Recurring events follow RFC 5545 recurrence rules (EVT-8), expanded with python-dateutil."""

from __future__ import annotations

import datetime as dt

import attrs
from dateutil import rrule

from rsgm_core.errors import ValidationError

__all__ = ["MAX_SERIES_OCCURRENCES", "Recurrence", "parse_rule"]

_MAX_OCCURRENCES = 1_000  # a rule without COUNT or UNTIL is bounded by the window asked for
MAX_SERIES_OCCURRENCES = 260  # EVT-8: a series makes one event per occurrence (5 years weekly)


def parse_rule(text: str, start: dt.datetime) -> rrule.rrule:
    """The ``RRULE`` value (``FREQ=MONTHLY;BYDAY=1TH``) anchored at ``start``, or a clear error."""
    if not isinstance(text, str) or not text.strip() or text.upper().startswith("RRULE:"):
        raise ValidationError(
            f"règle de récurrence invalide : {text!r} (attendu : la valeur RRULE RFC 5545, "
            "par exemple FREQ=MONTHLY;BYDAY=1TH)",
            rule="EVT-8",
            value=text,
        )
    try:
        parsed = rrule.rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise ValidationError(  # dateutil's own words are English: the rule is named instead
            f"règle de récurrence invalide : {text!r} (attendu : une valeur RRULE RFC 5545, par "
            "exemple FREQ=MONTHLY;BYDAY=1TH)",
            rule="EVT-8",
            value=text,
        ) from exc
    if not isinstance(parsed, rrule.rrule):  # an RRULE value is one rule, never a set
        raise ValidationError(f"règle de récurrence invalide : {text!r}", rule="EVT-8", value=text)
    return parsed


@attrs.frozen
class Recurrence:
    """A series: its first occurrence (a zoned datetime) and its RFC 5545 rule."""

    start: dt.datetime
    rule: str

    def __attrs_post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValidationError(
                f"début de série sans fuseau horaire : {self.start.isoformat()}",
                rule="EVT-8",
                value=self.start,
            )
        parse_rule(self.rule, self.start)

    @property
    def bounded(self) -> bool:
        """Whether the rule ends by itself (``COUNT`` or ``UNTIL``)."""
        return any(part.split("=")[0].strip().upper() in ("COUNT", "UNTIL")
                   for part in self.rule.split(";"))  # fmt: skip

    def first(self) -> dt.datetime | None:
        """The first occurrence of the rule from ``start`` (RFC 5545 leaves a DTSTART that is not
        an occurrence undefined: this is the one every reader agrees on), or ``None``."""
        found = self.between(self.start, dt.datetime.max.replace(tzinfo=self.start.tzinfo), 1)
        return found[0] if found else None

    def _naive_rule(self) -> rrule.rrule:
        """The rule anchored at the naive wall-clock ``start``; an ``UNTIL`` in UTC (``…Z``, as
        RFC 5545 wants it with a zoned start) is read as the same instant in the series' zone."""
        parts = []
        for part in self.rule.split(";"):
            name, _, value = part.partition("=")
            if name.strip().upper() == "UNTIL" and value.strip().upper().endswith("Z"):
                instant = dt.datetime.strptime(value.strip().upper(), "%Y%m%dT%H%M%SZ")
                local = instant.replace(tzinfo=dt.UTC).astimezone(self.start.tzinfo)
                value = local.replace(tzinfo=None).strftime("%Y%m%dT%H%M%S")
            parts.append(f"{name}={value}")
        return parse_rule(";".join(parts), self.start.replace(tzinfo=None))

    def between(
        self, first: dt.datetime, last: dt.datetime, limit: int = _MAX_OCCURRENCES
    ) -> list[dt.datetime]:
        """Occurrences from ``first`` to ``last`` inclusive, in the series' zone, at most
        ``limit``; wall-clock times stay the same across daylight-saving changes, as RFC 5545
        requires."""
        naive_rule = self._naive_rule()
        zone = self.start.tzinfo
        found: list[dt.datetime] = []
        for moment in naive_rule:
            zoned = moment.replace(tzinfo=zone)
            if zoned > last or len(found) >= limit:
                break
            if zoned >= first:
                found.append(zoned)
        return found
