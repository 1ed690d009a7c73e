"""Indicators (IND-1): values over a period and a scope, each with its formula; a figure the data
cannot give is *not available*, never 0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from rsgm_core.errors import ValidationError

__all__ = ["NOT_AVAILABLE", "Indicator", "Period", "coverage", "rate"]

NOT_AVAILABLE = "non disponible"


@attrs.frozen
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                f"période inversée : du {self.start.isoformat()} au {self.end.isoformat()}",
                rule="IND-1",
                value=(self.start, self.end),
            )

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))


@attrs.frozen
class Indicator:
    """One figure: ``value`` is ``None`` when the data is absent (shown "non disponible")."""

    key: str
    label: str
    value: Decimal | int | None
    formula: str
    unit: str = ""  # "%" for a rate stored as a share in [0, 1]

    @property
    def available(self) -> bool:
        return self.value is not None

    def display(self, locale: str = "fr_FR") -> str:
        from rsgm_core.render.formatting import format_number, format_percent

        if self.value is None:
            return NOT_AVAILABLE
        if self.unit == "%":
            return format_percent(self.value, locale=locale, decimals=1)
        return format_number(self.value, locale=locale)


def rate(part: int | None, whole: int | None) -> Decimal | None:
    """``part / whole`` as a share; ``None`` when either is unknown or the whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    if part < 0 or part > whole:
        raise ValidationError(
            f"taux impossible : {part} sur {whole}", rule="IND-1", value=(part, whole)
        )
    return Decimal(part) / Decimal(whole)


def coverage(
    communes_by_group: Mapping[str, Iterable[str]], covered: Iterable[str]
) -> dict[str, tuple[int, int, Decimal | None]]:
    """IND-1 territorial coverage: per group (an EPCI, or ``"total"``), the communes under 3,500
    with at least one active member, the communes under 3,500, and their share."""
    covered = set(covered)
    result: dict[str, tuple[int, int, Decimal | None]] = {}
    everyone: set[str] = set()
    for group, communes in communes_by_group.items():
        members = set(communes)
        everyone |= members
        hit = len(members & covered)
        result[group] = (hit, len(members), rate(hit, len(members)))
    hit = len(everyone & covered)
    result["total"] = (hit, len(everyone), rate(hit, len(everyone)))
    return result
