"""The census report (TER-6): per department, EPCI and arrondissement, the communes under 3,500,
their population strata, the function in place and the agents who hold it. The communes *hors
ressort* of its EPCIs (TER-7) are listed apart and never counted with the territory's."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from rsgm_core.domain.census import CENSUS_STRATA, stratum_of
from rsgm_core.domain.local_networks import EpciNetworks
from rsgm_core.domain.members import Member, Position
from rsgm_core.domain.populations import PopulationUsed
from rsgm_core.domain.territory import (
    SGM_THRESHOLD,
    Arrondissement,
    Commune,
    Departement,
    Epci,
    PopulationKind,
)

__all__ = [
    "VACANT",
    "Agent",
    "CensusReport",
    "CommuneRow",
    "GroupSummary",
    "HorsRessort",
    "build_report",
]

VACANT = "vacant"


@attrs.frozen
class Agent:
    """A member holding a position in a commune on the report's date."""

    name: str
    email: str | None
    function: str
    work_time: str  # "0.5" — a Decimal as text, as exported
    status: str
    # IND-4 (the age pyramid and departures, rsgm_core.domain.ages): who it is and their age
    member_id: str | None = None
    birth_year: int | None = None
    retirement_on: dt.date | None = None


@attrs.frozen
class CommuneRow:
    """One commune under 3,500: the row of the choropleth-ready table."""

    code: str
    name: str
    departement: str
    arrondissement: str | None
    epci: str | None
    epci_name: str | None
    population: int
    population_kind: PopulationKind
    population_vintage: int
    stratum: str
    agents: tuple[Agent, ...]
    population_provisional: bool = False  # TER-2: the vintage in force is not imported yet

    @property
    def function(self) -> str:
        """The function(s) in place, or ``vacant`` when nobody holds a position."""
        functions = sorted({a.function for a in self.agents})
        return " + ".join(functions) if functions else VACANT

    @property
    def municipale_only(self) -> bool:
        """TER-2: flagged when only the population municipale was known."""
        return self.population_kind is PopulationKind.MUNICIPALE


@attrs.frozen
class GroupSummary:
    """The communes under 3,500 of one department, EPCI or arrondissement: per stratum, per
    function in place, and their agents."""

    level: str  # "departement", "epci" or "arrondissement"
    code: str
    name: str
    communes: int
    strata: Mapping[str, int]
    functions: Mapping[str, int]
    agents: int
    hors_ressort: int = 0  # TER-7: an EPCI's communes outside the territory, counted apart


@attrs.frozen
class HorsRessort:
    """TER-7: a commune outside the CDG's territory, known because its EPCI straddles the border:
    listed apart, never counted, invited or invoiced."""

    code: str
    name: str
    departement: str
    epci: str | None
    epci_name: str | None
    population: int | None


@attrs.frozen
class CensusReport:
    """TER-6: the communes under 3,500 of the territory with their agents on ``on``, and their
    summaries per department, EPCI and arrondissement (:meth:`by_level`); the communes *hors
    ressort* of its EPCIs apart (TER-7)."""

    on: dt.date
    rows: tuple[CommuneRow, ...]
    groups: tuple[GroupSummary, ...]
    out_of_scope: int  # communes of 3,500 or more in the territory (TER-3)
    hors_ressort: tuple[HorsRessort, ...] = ()  # TER-7, by code
    #: NET-7: the EPCIs of the report with their local networks (none: the CDG animates them).
    local_networks: tuple[EpciNetworks, ...] = ()

    def by_level(self, level: str) -> list[GroupSummary]:
        """The summaries of one level: ``departement``, ``epci`` or ``arrondissement``."""
        return [g for g in self.groups if g.level == level]

    def hors_ressort_by_departement(self) -> dict[str, int]:
        """TER-7: how many communes hors ressort in each other department."""
        counts: dict[str, int] = {}
        for commune in self.hors_ressort:
            counts[commune.departement] = counts.get(commune.departement, 0) + 1
        return dict(sorted(counts.items()))


def build_report(
    *,
    on: dt.date,
    communes: Iterable[Commune],
    populations: Mapping[str, PopulationUsed],
    departements: Iterable[Departement],
    arrondissements: Iterable[Arrondissement],
    epcis: Iterable[Epci],
    positions: Iterable[Position],
    members: Mapping[str, Member],
    outside: Iterable[Commune] = (),
) -> CensusReport:
    """``populations`` maps each commune to its population used (TER-2, ``population_used``);
    ``outside`` are the communes hors ressort of the report's EPCIs (TER-7)."""
    epci_names = {e.siren: e.name for e in epcis}
    hors_ressort = tuple(
        sorted(
            (
                HorsRessort(
                    c.code,
                    c.name,
                    c.departement,
                    c.epci,
                    epci_names.get(c.epci) if c.epci else None,
                    populations[c.code].population if c.code in populations else None,
                )
                for c in outside
            ),
            key=lambda h: h.code,
        )
    )
    apart: dict[str, int] = {}
    for apart_commune in hors_ressort:
        if apart_commune.epci:
            apart[apart_commune.epci] = apart.get(apart_commune.epci, 0) + 1
    agents: dict[str, list[Agent]] = {}
    for position in positions:
        if not position.active_on(on):
            continue
        member = members.get(position.member_id)
        if member is None:
            continue
        agents.setdefault(position.commune, []).append(
            Agent(
                member.full_name,
                member.email,
                position.function.label,
                str(position.work_time),
                position.status.value,
                member.id,
                member.birth_year,
                member.retirement_on,
            )
        )
    rows, out_of_scope = [], 0
    for commune in communes:
        figure = populations.get(commune.code)
        if not commune.active or figure is None:
            continue
        population, kind = figure.population, figure.kind
        if population >= SGM_THRESHOLD:  # TER-3
            out_of_scope += 1
            continue
        rows.append(
            CommuneRow(
                code=commune.code,
                name=commune.name,
                departement=commune.departement,
                arrondissement=commune.arrondissement,
                epci=commune.epci,
                epci_name=epci_names.get(commune.epci) if commune.epci else None,
                population=population,
                population_kind=kind,
                population_vintage=figure.vintage,
                stratum=stratum_of(population),
                agents=tuple(sorted(agents.get(commune.code, ()), key=lambda a: a.name)),
                population_provisional=figure.provisional,
            )
        )
    rows.sort(key=lambda r: r.code)
    names = {
        "departement": {d.code: d.name for d in departements},
        "arrondissement": {a.code: a.name for a in arrondissements},
        "epci": epci_names,
    }
    groups = [
        _summary(level, code, names[level].get(code, code), members_, apart)
        for level, key in (
            ("departement", "departement"),
            ("epci", "epci"),
            ("arrondissement", "arrondissement"),
        )
        for code, members_ in _group(rows, key).items()
    ]
    return CensusReport(on, tuple(rows), tuple(groups), out_of_scope, hors_ressort)


def _group(rows: Iterable[CommuneRow], key: str) -> dict[str, list[CommuneRow]]:
    grouped: dict[str, list[CommuneRow]] = {}
    for row in rows:
        code = getattr(row, key) or "—"
        grouped.setdefault(code, []).append(row)
    return dict(sorted(grouped.items()))


def _summary(
    level: str, code: str, name: str, rows: list[CommuneRow], apart: Mapping[str, int]
) -> GroupSummary:
    strata = Counter(r.stratum for r in rows)
    functions: Counter[str] = Counter()
    for row in rows:
        functions.update({a.function for a in row.agents} or {VACANT})
    return GroupSummary(
        level=level,
        code=code,
        name=name if code != "—" else f"sans {'EPCI' if level == 'epci' else level}",
        communes=len(rows),
        strata={
            label: strata.get(label, 0) for _, high, label in CENSUS_STRATA if high is not None
        },
        functions=dict(sorted(functions.items())),
        agents=sum(len(r.agents) for r in rows),
        hors_ressort=apart.get(code, 0) if level == "epci" else 0,
    )
