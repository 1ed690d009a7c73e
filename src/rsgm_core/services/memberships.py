"""The membership pack's memberships and conventions as use cases (TAR-1..TAR-4): ``app.memberships``.

Grids, quotes, joining, conventions (signature, notice, status, deadlines). The rules live in
``domain/tariffs.py`` and ``domain/conventions.py``; this module loads what they need from storage,
calls them and saves the result, one unit of work per use case.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.bounds import check_day, check_days
from rsgm_core.domain.conventions import (
    Convention,
    Deadline,
    Deliberation,
    Party,
    convention_in_force,
    sign_convention,
    terminate,
    upcoming_deadlines,
)
from rsgm_core.domain.populations import PopulationUsed
from rsgm_core.domain.tariffs import (
    CommunePopulation,
    Membership,
    TariffGrid,
    membership_fee,
    new_membership,
)
from rsgm_core.domain.territory import Commune, PopulationKind
from rsgm_core.errors import ValidationError
from rsgm_core.services._pack import (
    active_commune,
    checked_date,
    checked_year,
    current_cdg,
    grid_of,
    known_commune,
    own_grids,
    served_commune,
)
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id
from rsgm_core.services.populations import population_used

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["ConventionStatus", "MembershipService", "Quote"]


@attrs.frozen
class Quote:
    """What a commune's fee for an exercise rests on: the population used (TER-2) and the grid.

    A *provisoire* population (the vintage in force for ``year`` not imported yet) gives a fee
    all the same, flagged: ``provisional`` and ``population_label`` say so (TER-2)."""

    commune: Commune
    year: int
    population: int
    kind: PopulationKind  # the totale when known, else the municipale (TER-2)
    vintage: int
    fee: Decimal  # the grid's fee for that population (TAR-1)
    used: PopulationUsed | None = None  # the whole decision (TER-2, ``population_used``)

    @property
    def provisional(self) -> bool:
        return self.used is not None and self.used.provisional

    @property
    def population_label(self) -> str:
        """In French: ``population totale 2022``, with what is flagged (TER-2)."""
        return self.used.label if self.used else f"population {self.kind.value} {self.vintage}"


@attrs.frozen
class ConventionStatus:
    """A commune's convention as seen on one day (TAR-4).

    ``convention`` is the one in force on ``on``, else the commune's latest one (ended, or not yet
    started), else ``None``.
    """

    commune: str
    on: dt.date
    convention: Convention | None
    in_force: bool

    @property
    def renewed(self) -> bool:
        """Whether, on ``on``, the convention is in its tacitly renewed term."""
        return self.in_force and self.convention is not None and self.convention.renewed_on(self.on)


class MembershipService:
    """``app.memberships``: the tariff grids, what a commune pays, its membership of the pack and
    its convention (TAR-1..TAR-4)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Grids (TAR-1, TAR-2)

    @property
    def cdg(self) -> str:
        """The CDG whose grids apply: ``Settings(plugins={"tariffs": {"cdg": …}})``, else the only
        CDG that plugins bring grids for."""
        return current_cdg(self.deps)

    def list_grids(self) -> list[TariffGrid]:
        """Every grid of this CDG, by exercise; none configured is a ``NotFoundError`` naming the
        missing ``[[tarifs]]`` section (TAR-2)."""
        return list(own_grids(self.deps))

    def grid(self, *, year: int) -> TariffGrid:
        """The grid adopted for ``year``; none is a ``NotFoundError``, never another year's (TAR-2)."""
        return grid_of(self.deps, year)

    # Memberships (TAR-1, TAR-3)

    def quote(self, commune: str, *, year: int) -> Quote:
        """The fee of ``commune`` for ``year`` and what it rests on, without writing anything."""
        year = checked_year(year)
        with self.deps.read() as uow:
            return _quote(uow, self.deps, commune, year)

    def join(
        self, commune: str, *, by: str, year: int | None = None, on: dt.date | None = None
    ) -> Membership:
        """Record ``commune``'s membership for ``year`` (default: the year of ``on``, itself
        today by default): the full annual fee of its stratum, whatever the month (TAR-3)."""
        joined_on = self.deps.today() if on is None else checked_date(on, "date d'adhésion")
        year = joined_on.year if year is None else checked_year(year)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MEMBERSHIP, on=self.deps.today())
            return _join(uow, self.deps, commune, year=year, on=joined_on, by=actor.id)

    def list_memberships(
        self, *, year: int | None = None, commune: str | None = None
    ) -> list[Membership]:
        """The memberships of ``year`` (default: every year), of ``commune`` if given, by commune
        then date."""
        where: dict[str, object] = {}
        if year is not None:
            where["year"] = checked_year(year)
        if commune is not None:
            where["insee"] = commune
        with self.deps.read() as uow:
            found = uow.memberships.list(where or None)
        return sorted(found, key=lambda m: (m.insee, m.year, m.joined_on))

    # Conventions (TAR-4)

    def sign_convention(
        self,
        commune: str,
        *,
        by: str,
        on: dt.date | None = None,
        reference: str = "",
        siret: str | None = None,
        sgc: str = "",
        deliberation_on: dt.date | None = None,
        deliberation_number: str = "",
    ) -> Convention:
        """Record the convention ``commune`` signed ``on`` (default today), with its header: the
        commune's ``siret``, its service de gestion comptable ``sgc`` and the council's
        deliberation (``deliberation_on``, ``deliberation_number``) (TAR-4). Refused while another
        is in force for the commune that day, or for a commune hors ressort (TER-7)."""
        signed_on = self.deps.today() if on is None else checked_date(on, "date de signature")
        deliberation = None
        if deliberation_on is not None:
            deliberation = Deliberation(
                checked_date(deliberation_on, "date de délibération"),
                deliberation_number.strip(),
            )
        elif deliberation_number.strip():
            raise ValidationError(
                f"délibération n° {deliberation_number.strip()} sans date : donnez aussi la date "
                "de la délibération du conseil municipal",
                rule="TAR-4",
                value=deliberation_number,
            )
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MEMBERSHIP, on=self.deps.today())
            served_commune(
                self.deps, active_commune(uow, commune), what="signer de convention avec le CDG"
            )
            existing = uow.conventions.list({"insee": commune})
            convention = sign_convention(
                commune, signed_on, existing=existing, reference=reference.strip(),
                siret=siret, sgc=sgc.strip(), deliberation=deliberation,
            )  # fmt: skip
            convention = attrs.evolve(convention, id=new_id(), recorded_by=actor.id)
            uow.conventions.add(convention)
        return convention

    def give_notice(
        self,
        commune: str,
        *,
        by: str,
        on: dt.date | None = None,
        party: Party | str = Party.COLLECTIVITY,
    ) -> Convention:
        """Terminate the convention in force ``on`` (default today) at its renewal date, notice
        given by ``party``; no indemnity (TAR-4)."""
        day = self.deps.today() if on is None else checked_date(on, "date du préavis")
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MEMBERSHIP, on=self.deps.today())
            known_commune(uow, commune)
            ended = terminate(uow.conventions.list({"insee": commune}), commune, on=day, by=party)
            if ended.notice is not None:  # CHA-2: who recorded the notice
                ended = attrs.evolve(ended, notice=attrs.evolve(ended.notice, recorded_by=actor.id))
            uow.conventions.update(ended)
        return ended

    def list_conventions(self, *, commune: str | None = None) -> list[Convention]:
        """Every convention, or those of ``commune``, by commune then signature date."""
        where = {"insee": commune} if commune else None
        with self.deps.read() as uow:
            found = uow.conventions.list(where)
        return sorted(found, key=lambda c: (c.insee, c.signed_on))

    def convention_status(self, commune: str, *, on: dt.date | None = None) -> ConventionStatus:
        """The convention of ``commune`` on ``on`` (default today)."""
        day = self.deps.today() if on is None else checked_date(on, "date")
        with self.deps.read() as uow:
            known_commune(uow, commune)
            own = sorted(uow.conventions.list({"insee": commune}), key=lambda c: c.signed_on)
        current = convention_in_force(own, commune, day)
        shown = current or (own[-1] if own else None)
        return ConventionStatus(commune, day, shown, current is not None)

    def list_deadlines(self, *, on: dt.date | None = None, days: int = 90) -> list[Deadline]:
        """Notice deadlines, renewals and last days from ``on`` (default today) to ``on + days``;
        ``on`` in 1900-2200 and ``days`` at most a century (docs/limits.md, TAR-4)."""
        day = check_day(self.deps.on(on), rule="TAR-4")
        days = check_days(days, what="horizon en jours", rule="TAR-4")
        with self.deps.read() as uow:
            conventions = uow.conventions.list()
        return upcoming_deadlines(conventions, today=day, days=days)


def _quote(uow: UnitOfWork, deps: Deps, code: str, year: int) -> Quote:
    commune = served_commune(deps, active_commune(uow, code), what="adhérer au pack")  # TER-7
    grid = grid_of(deps, year)
    used = population_used(uow, code, year=year)  # TER-2: provisional, never refused
    fee = membership_fee(grid, CommunePopulation(code, used.population))  # > ceiling: TAR-1
    return Quote(commune, year, used.population, used.kind, used.vintage, fee, used)


def _join(
    uow: UnitOfWork, deps: Deps, commune: str, *, year: int, on: dt.date, by: str | None = None
) -> Membership:
    """Decide and store ``commune``'s membership inside the caller's unit of work (TAR-3)."""
    quote = _quote(uow, deps, commune, year)
    membership = new_membership(
        grid_of(deps, year),
        CommunePopulation(commune, quote.population),
        joined_on=on,
        existing=uow.memberships.list({"insee": commune, "year": year}),
        year=year,
    )
    membership = attrs.evolve(membership, id=new_id(), recorded_by=by)
    uow.memberships.add(membership)
    return membership
