"""Recurring events follow RFC 5545 recurrence rules (EVT-8), expanded with python-dateutil."""

from __future__ import annotations

import datetime as dt

import attrs
from dateutil import rrule

from rsgm_core.errors import ValidationError

__all__ = ["Recurrence", "parse_rule"]

_MAX_OCCURRENCES = 1_000  # a rule without COUNT or UNTIL is bounded by the window asked for


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
        raise ValidationError(
            f"règle de récurrence invalide : {text!r} ({exc})", rule="EVT-8", value=text
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

    def between(self, first: dt.datetime, last: dt.datetime) -> list[dt.datetime]:
        """Occurrences from ``first`` to ``last`` inclusive, in the series' zone; wall-clock times
        stay the same across daylight-saving changes, as RFC 5545 requires."""
        naive_rule = parse_rule(self.rule, self.start.replace(tzinfo=None))
        zone = self.start.tzinfo
        found: list[dt.datetime] = []
        for moment in naive_rule:
            zoned = moment.replace(tzinfo=zone)
            if zoned > last or len(found) >= _MAX_OCCURRENCES:
                break
            if zoned >= first:
                found.append(zoned)
        return found
