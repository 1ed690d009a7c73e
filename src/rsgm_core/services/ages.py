"""IND-4: the year of birth and expected retirement date of members, the age pyramid by EPCI and
the communes likely to lose their SGM within 5 years (``app.ages``), and the annual report's
section on them (:func:`report_section`, in ``REPORT_SECTIONS``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.ages import (
    HORIZON_YEARS,
    AgeReport,
    age_report,
    check_birth_year,
    check_retirement_on,
)
from rsgm_core.domain.census_report import CensusReport, build_report
from rsgm_core.domain.members import Member
from rsgm_core.domain.profile import outside_territory
from rsgm_core.domain.territory import CommuneStatus
from rsgm_core.services.census import CensusService, territory_of
from rsgm_core.services.populations import populations_used

if TYPE_CHECKING:
    from rsgm_core.domain.indicators import Period, Scope
    from rsgm_core.domain.report_sections import ReportSection
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["AgeService", "census_in", "report_section"]


class AgeService:
    """IND-4 (``app.ages``)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def retirement_age(self) -> int:
        """The profile's ``[politiques] age_depart_retraite`` (64 by default)."""
        return self.deps.settings.policies.retirement_age

    def set_age(
        self,
        member_id: str,
        *,
        birth_year: int | None,
        retirement_on: dt.date | None = None,
    ) -> Member:
        """IND-4: record (or, with ``None``, forget) the year of birth and the expected
        retirement date of a member. A year in the future or implausible, or a retirement date
        before the person is 16, is refused and nothing is written."""
        on = self.deps.today()
        if birth_year is not None:
            check_birth_year(birth_year, on=on)
        if retirement_on is not None:
            check_retirement_on(retirement_on, birth_year=birth_year)
        with self.deps.transaction() as uow:
            member = uow.members.get(member_id)
            changed = attrs.evolve(member, birth_year=birth_year, retirement_on=retirement_on)
            if changed != member:
                uow.members.update(changed)
            return changed

    def report(
        self,
        *,
        on: dt.date | None = None,
        departement: str | None = None,
        horizon_years: int = HORIZON_YEARS,
    ) -> AgeReport:
        """IND-4 on ``on`` (today by default), for the territory or one of its departments: the
        age pyramid by EPCI and the communes where agents leave within ``horizon_years``."""
        census = CensusService(self.deps).report(on=on, departement=departement)
        return self.of_census(census, horizon_years=horizon_years)

    def of_census(self, census: CensusReport, *, horizon_years: int = HORIZON_YEARS) -> AgeReport:
        """IND-4 from a census report already made (``app.census.report``)."""
        return age_report(census, retirement_age=self.retirement_age, horizon_years=horizon_years)


def census_in(
    deps: Deps, uow: UnitOfWork, *, on: dt.date, departements: tuple[str, ...] = ()
) -> CensusReport | None:
    """The census report (TER-6) read in the caller's unit of work, without the communes hors
    ressort; ``None`` when no census is imported."""
    if not uow.census_imports.count():
        return None
    territory = territory_of(deps, uow)
    where: dict[str, object] = {"status": CommuneStatus.ACTUELLE}
    if departements:
        where["departement"] = departements
    communes = [
        c for c in uow.communes.list(where) if not outside_territory(c.departement, territory)
    ]
    codes = {c.code for c in communes}
    return build_report(
        on=on,
        communes=communes,
        populations=populations_used(uow, codes, year=on.year),
        departements=uow.departements.list(),
        arrondissements=uow.arrondissements.list(),
        epcis=uow.epcis.list(),
        positions=[p for p in uow.positions.list() if p.commune in codes],
        members={m.id: m for m in uow.members.list()},
    )


def _rows_of(census: CensusReport, scope: Scope) -> CensusReport:
    if scope.kind != "epci":
        return census
    return attrs.evolve(census, rows=tuple(r for r in census.rows if r.epci == scope.code))


def _any_age(uow: UnitOfWork) -> bool:
    """Whether any member has a birth year or a retirement date (one grouped count): without
    any, the age report knows no age and forecasts no departure, so the section is left out
    without building the census report."""
    groups = uow.members.aggregate(("birth_year", "retirement_on"))
    return any(key != (None, None) for key in groups)


def report_section(
    deps: Deps, uow: UnitOfWork, period: Period, scope: Scope
) -> ReportSection | None:
    """IND-2, IND-4: the age pyramid and the communes likely to lose their SGM within 5 years,
    on the last day of the report's period; no section without a census or without any age."""
    if not _any_age(uow):  # nobody's age nor retirement known: no pyramid, no departure
        return None
    return census_section(deps, uow, period, scope)


def census_section(
    deps: Deps, uow: UnitOfWork, period: Period, scope: Scope
) -> ReportSection | None:
    """:func:`report_section` from the census report, whoever's age is known."""
    # the annual report's section only: not imported for a census report (start-up)
    from rsgm_core.domain.report_sections import ReportPart, ReportSection, ReportTable

    on = min(period.end, deps.today())
    departements = (scope.code,) if scope.kind == "departement" and scope.code else ()
    census = census_in(deps, uow, on=on, departements=departements)
    if census is None:
        return None
    ages = age_report(_rows_of(census, scope), retirement_age=deps.settings.policies.retirement_age)
    if not ages.total.known and not ages.departures:
        return None
    bands = [label for label in ages.total.bands]
    rows = [(p.name, *(str(p.bands[b]) for b in bands), str(p.agents)) for p in ages.pyramids]
    rows.append(("Total (chaque personne une fois)", *(str(ages.total.bands[b]) for b in bands),
                 str(ages.total.agents)))  # fmt: skip
    losing = ages.losing
    lines = [
        f"Pyramide des âges au {on:%d/%m/%Y} des agents en poste dans les communes de moins de "
        f"3 500 habitants : âge connu pour {ages.total.known} sur {ages.total.agents}.",
        _losing_sentence(len(losing), ages),
    ]
    for epci, count in ages.losing_by_epci().items():
        lines.append(
            f"{epci} : {count} commune{'s' if count > 1 else ''} concernée{'s' if count > 1 else ''}"
        )
    return ReportSection(
        ReportPart.DESCRIPTION,
        "Pyramide des âges et départs prévus",
        lines=lines,
        table=ReportTable(("EPCI", *bands, "agents"), rows, numeric_from=1),
    )


def _losing_sentence(count: int, ages: AgeReport) -> str:
    horizon = (
        f"d'ici {ages.horizon_years} ans (départ à {ages.retirement_age} ans sans date prévue)"
    )
    if count == 0:
        return f"Aucune commune ne devrait perdre son SGM {horizon}."
    if count == 1:
        return f"1 commune devrait perdre son SGM {horizon}."
    return f"{count} communes devraient perdre leur SGM {horizon}."
