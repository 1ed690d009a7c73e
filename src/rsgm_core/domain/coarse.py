"""Coarse positions (MEM-11): what is left of an erased person's positions.

Erasing a person replaces each of their positions by a :class:`CoarsePosition`: the EPCI (its
SIREN), the population stratum of the commune (:data:`rsgm_core.domain.census.CENSUS_STRATA`), the
department, the year span, the function, work time and status; never the commune. So the figures
per EPCI, stratum and department, and the totals, stay what they were, while a commune whose only
SGM was erased can no longer be told from the anonymised record (its registrations and attendance
included, which stay attached to the anonymised member).

Coverage (IND-1) counts communes, and a coarse position knows none: :func:`attribute` gives each
active coarse position that was its commune's only one when erased (``sole``) one commune of its
EPCI and stratum not otherwise covered, the first by code. Totals per EPCI and overall stay;
which commune is counted is an arbitrary one of its EPCI and stratum, never told apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from rsgm_core.domain.census import stratum_of
from rsgm_core.domain.members import Function, Position, Status, validate_work_time
from rsgm_core.domain.territory import SGM_THRESHOLD

__all__ = ["NO_EPCI", "UNKNOWN_STRATUM", "CoarsePosition", "attribute", "coarsen", "stratum_for"]

#: The group of the communes in no EPCI (as IND-1's coverage names it).
NO_EPCI = "sans EPCI"
#: The stratum of a commune whose population was not known when the position was coarsened.
UNKNOWN_STRATUM = "population inconnue"


@attrs.frozen
class CoarsePosition:
    """MEM-11: an erased person's position without its commune: the EPCI (``None``: the commune
    was in none), population stratum and department of the commune, the dates cut to the year
    (1 January, 31 December), function, work time and status. ``sole``: no other position was
    held in the commune when it was coarsened (coverage counts it, :func:`attribute`)."""

    id: str
    member_id: str
    departement: str
    epci: str | None
    stratum: str
    function: Function
    work_time: Decimal = attrs.field(converter=validate_work_time)
    status: Status
    permanent: bool = True
    start: dt.date | None = None
    end: dt.date | None = None
    sole: bool = False

    def active_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    @property
    def small(self) -> bool:
        """Whether its commune was under 3,500 (TER-3), or of unknown population: coverage
        counts only those."""
        return self.stratum != stratum_of(SGM_THRESHOLD)

    @property
    def group(self) -> str:
        """Its group in the coverage per EPCI."""
        return self.epci or NO_EPCI


def stratum_for(population: int | None) -> str:
    """The stratum a coarse position keeps: :func:`~rsgm_core.domain.census.stratum_of`."""
    return UNKNOWN_STRATUM if population is None else stratum_of(population)


def coarsen(
    position: Position, *, departement: str, epci: str | None, population: int | None, sole: bool
) -> CoarsePosition:
    """MEM-11: ``position`` once its holder is erased (it keeps its id: the record it replaces
    is removed in the same transaction)."""
    start = position.start and dt.date(position.start.year, 1, 1)
    end = position.end and dt.date(position.end.year, 12, 31)
    return CoarsePosition(
        position.id, position.member_id, departement, epci, stratum_for(population),
        position.function, position.work_time, position.status, position.permanent,
        start, end, sole,
    )  # fmt: skip


def attribute(
    coarse: Iterable[CoarsePosition],
    candidates: Mapping[str, tuple[str, str]],
    covered: Iterable[str],
) -> set[str]:
    """IND-1: the communes counted as covered by ``coarse`` (the coarse positions to count), each
    taking the first commune by code, among ``candidates`` (commune → (EPCI group, stratum)) not
    in ``covered`` nor taken yet, of its EPCI and stratum, else of its EPCI; none left: not
    counted (the commune has since found someone else)."""
    taken = set(covered)
    found: set[str] = set()
    for position in sorted(coarse, key=lambda p: p.id):
        free = sorted(
            code
            for code, (group, _) in candidates.items()
            if group == position.group and code not in taken
        )
        same = [code for code in free if candidates[code][1] == position.stratum]
        for code in (same or free)[:1]:
            taken.add(code)
            found.add(code)
    return found
