"""Coarse positions (MEM-11): an erased person's position keeps its EPCI, stratum, department and
years, never its commune; coverage counts it in its EPCI and stratum."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from rsgm_core.domain.coarse import NO_EPCI, UNKNOWN_STRATUM, CoarsePosition, attribute, coarsen
from rsgm_core.domain.members import Function, Position, Status

POSITION = Position(
    "p1", "m1", "79019", Function.SECRETAIRE_DE_MAIRIE, Decimal("0.5"), Status.TITULAIRE,
    start=dt.date(2021, 9, 1), end=dt.date(2024, 3, 31),
)  # fmt: skip


def _coarse(epci: str | None, stratum: str, id_: str = "p1") -> CoarsePosition:
    made = coarsen(POSITION, departement="79", epci=epci, population=None, sole=True)
    return attrs.evolve(made, id=id_, stratum=stratum)


def test_a_coarse_position_keeps_epci_stratum_department_and_years_not_the_commune_MEM_11() -> None:
    coarse = coarsen(POSITION, departement="79", epci="200040715", population=420, sole=True)
    assert (coarse.departement, coarse.epci, coarse.stratum) == ("79", "200040715", "moins de 500")
    assert (coarse.start, coarse.end) == (dt.date(2021, 1, 1), dt.date(2024, 12, 31))
    assert (coarse.function, coarse.work_time, coarse.status) == (
        POSITION.function, POSITION.work_time, POSITION.status,
    )  # fmt: skip
    assert "79019" not in repr(attrs.asdict(coarse))
    unknown = coarsen(POSITION, departement="79", epci=None, population=None, sole=False)
    assert (unknown.stratum, unknown.group) == (UNKNOWN_STRATUM, NO_EPCI)
    assert coarse.small and unknown.small
    big = coarsen(POSITION, departement="79", epci="200040715", population=12_000, sole=True)
    assert (big.stratum, big.small) == ("3 500 et plus", False)  # never counted in coverage


def test_coverage_counts_a_coarse_position_in_its_epci_and_stratum_once_MEM_11_IND_1() -> None:
    candidates = {
        "79001": ("E1", "moins de 500"),
        "79002": ("E1", "500 à 999"),
        "79003": ("E1", "500 à 999"),
        "79004": ("E2", "500 à 999"),
    }
    # same EPCI and stratum first, the first free code
    assert attribute([_coarse("E1", "500 à 999")], candidates, {"79002"}) == {"79003"}
    # none left in the stratum: another commune of the EPCI
    assert attribute([_coarse("E1", "500 à 999")], candidates, {"79002", "79003"}) == {"79001"}
    # two coarse positions take two communes; none left: not counted
    two = [_coarse("E2", "500 à 999", "a"), _coarse("E2", "500 à 999", "b")]
    assert attribute(two, candidates, set()) == {"79004"}
    assert attribute([_coarse(None, "moins de 500")], candidates, set()) == set()
