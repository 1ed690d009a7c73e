"""The membership pack as use cases (TAR-1..TAR-8): grids, memberships, conventions, interventions,
invoices. Rules live in ``domain/tariffs.py``, ``conventions.py`` and ``billing.py``; this module
loads what they need from storage, calls them and saves the result, one unit of work per use case.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import attrs

from rsgm_core.domain import billing
from rsgm_core.domain.billing import Intervention, Invoice, InvoiceLine, Trainee
from rsgm_core.domain.conventions import (
    Convention,
    Deadline,
    Party,
    convention_in_force,
    upcoming_deadlines,
)
from rsgm_core.domain.conventions import give_notice as notice_rule
from rsgm_core.domain.conventions import sign_convention as sign_rule
from rsgm_core.domain.tariffs import (
    CommunePopulation,
    Membership,
    ServiceKind,
    TariffGrid,
    grid_for,
    membership_fee,
    new_membership,
)
from rsgm_core.domain.territory import (
    Commune,
    PopulationKind,
    population_in_force,
    validate_insee_code,
)
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["ConventionStatus", "Quote", "TariffService"]


@attrs.frozen
class Quote:
    """What a commune's fee for an exercise rests on: the population in force (TER-2) and the grid."""

    commune: Commune
    year: int
    population: int
    kind: PopulationKind  # the totale when known, else the municipale (TER-2)
    vintage: int
    fee: Decimal  # the grid's fee for that population (TAR-1)


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
        return self.in_force and self.convention is not None and self.convention.renewed_on(self.on)


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 9999:
        raise ValidationError(
            f"exercice invalide : {value!r} (une année, par exemple 2025)", value=value
        )
    return value


def _date(value: object, label: str) -> dt.date:
    # A datetime is a date subclass: refuse it rather than silently drop its time and zone.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(f"{label} invalide : {value!r} (une date attendue)", value=value)
    return value


def _new_id() -> str:
    return str(uuid.uuid4())


class TariffService:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Grids (TAR-1, TAR-2)

    def grids(self) -> list[TariffGrid]:
        """Every grid of this CDG, by exercise."""
        cdg = self.cdg
        return sorted(
            (g for g in self.deps.hooks.tariff_grids() if g.cdg == cdg), key=lambda g: g.exercise
        )

    @property
    def cdg(self) -> str:
        """The CDG whose grids apply: ``Settings(plugins={"tariffs": {"cdg": …}})``, else the only
        CDG that plugins bring grids for."""
        configured = self.deps.settings.plugin("tariffs").get("cdg")
        if configured:
            return str(configured)
        found = sorted({g.cdg for g in self.deps.hooks.tariff_grids()})
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFoundError(
                "aucune grille tarifaire : installez le greffon qui apporte celle de votre CDG",
                rule="TAR-2",
                value=None,
            )
        raise ValidationError(
            f"grilles de plusieurs CDG ({', '.join(found)}) : choisissez la vôtre avec "
            'Settings(plugins={"tariffs": {"cdg": "…"}})',
            rule="TAR-2",
            value=found,
        )

    def grid(self, year: int) -> TariffGrid:
        """The grid adopted for ``year``; none is a ``NotFoundError``, never another year's (TAR-2)."""
        return grid_for(self.deps.hooks.tariff_grids(), _year(year), cdg=self.cdg)

    # Memberships (TAR-1, TAR-3)

    def quote(self, commune: str, year: int) -> Quote:
        """The fee of ``commune`` for ``year`` and what it rests on, without writing anything."""
        with self.deps.read() as uow:
            return self._quote(uow, commune, _year(year))

    def _quote(self, uow: UnitOfWork, code: str, year: int) -> Quote:
        grid = self.grid(year)
        commune = _active_commune(uow, code)
        figure = population_in_force(uow.populations.list({"commune": code}), code, year)
        population, kind = figure.for_thresholds  # the totale, else the municipale (TER-2)
        fee = membership_fee(grid, CommunePopulation(code, population))  # > ceiling: TAR-1 error
        return Quote(commune, year, population, kind, figure.vintage, fee)

    def join(
        self, commune: str, year: int | None = None, *, joined_on: dt.date | None = None
    ) -> Membership:
        """Record ``commune``'s membership for ``year`` (default: the year of ``joined_on``, itself
        today by default): the full annual fee of its stratum, whatever the month (TAR-3)."""
        joined_on = self.deps.today() if joined_on is None else _date(joined_on, "date d'adhésion")
        year = joined_on.year if year is None else _year(year)
        with self.deps.transaction() as uow:
            quote = self._quote(uow, commune, year)
            existing = uow.memberships.list({"insee": commune, "year": year})
            membership = new_membership(
                self.grid(year),
                CommunePopulation(commune, quote.population),
                joined_on=joined_on,
                existing=existing,
                year=year,
            )
            membership = attrs.evolve(membership, id=_new_id())
            uow.memberships.add(membership)
        return membership

    def memberships(self, year: int) -> list[Membership]:
        """The memberships of ``year``, by commune."""
        with self.deps.read() as uow:
            found = uow.memberships.list({"year": _year(year)})
        return sorted(found, key=lambda m: (m.insee, m.joined_on))

    # Conventions (TAR-4)

    def sign_convention(
        self, commune: str, signed_on: dt.date, *, reference: str = ""
    ) -> Convention:
        """Record a convention; refused while another is in force for the commune that day."""
        signed_on = _date(signed_on, "date de signature")
        with self.deps.transaction() as uow:
            _active_commune(uow, commune)
            existing = uow.conventions.list({"insee": commune})
            convention = sign_rule(
                commune, signed_on, existing=existing, reference=reference.strip()
            )
            convention = attrs.evolve(convention, id=_new_id())
            uow.conventions.add(convention)
        return convention

    def give_notice(
        self, commune: str, on: dt.date, *, by: Party | str = Party.COLLECTIVITY
    ) -> Convention:
        """Terminate the convention in force on ``on`` at its renewal date; no indemnity (TAR-4)."""
        on = _date(on, "date du préavis")
        with self.deps.transaction() as uow:
            _known_commune(uow, commune)
            current = convention_in_force(uow.conventions.list({"insee": commune}), commune, on)
            if current is None:
                raise RuleViolation(
                    f"aucune convention de la commune {commune} n'est en vigueur le "
                    f"{on.isoformat()} : rien à dénoncer",
                    rule="TAR-4",
                    value=on,
                )
            ended = notice_rule(current, on=on, by=by)  # type: ignore[arg-type]
            uow.conventions.update(ended)
        return ended

    def conventions(self, commune: str | None = None) -> list[Convention]:
        where = {"insee": commune} if commune else None
        with self.deps.read() as uow:
            found = uow.conventions.list(where)
        return sorted(found, key=lambda c: (c.insee, c.signed_on))

    def convention_status(self, commune: str, on: dt.date | None = None) -> ConventionStatus:
        """The convention of ``commune`` on ``on`` (default today)."""
        on = self.deps.today() if on is None else _date(on, "date")
        with self.deps.read() as uow:
            _known_commune(uow, commune)
            own = sorted(uow.conventions.list({"insee": commune}), key=lambda c: c.signed_on)
        current = convention_in_force(own, commune, on)
        shown = current or (own[-1] if own else None)
        return ConventionStatus(commune, on, shown, current is not None)

    def deadlines(self, today: dt.date | None = None, days: int = 90) -> list[Deadline]:
        """Notice deadlines, renewals and last days from ``today`` to ``today + days``."""
        today = self.deps.today() if today is None else _date(today, "date")
        with self.deps.read() as uow:
            conventions = uow.conventions.list()
        return upcoming_deadlines(conventions, today=today, days=days)

    # Trainees and interventions (TAR-4, TAR-5, TAR-6)

    def add_trainee(self, person: str, first_job_start: dt.date, *, programme: str = "") -> Trainee:
        """Record a trainee of the CDG's programmes, whose accompaniment is partly included (TAR-6)."""
        if not isinstance(person, str) or not person.strip():
            raise ValidationError(
                f"nom du stagiaire manquant : {person!r}", rule="TAR-6", value=person
            )
        start = _date(first_job_start, "date de prise de poste")
        trainee = Trainee(person.strip(), start, programme.strip(), id=_new_id())
        with self.deps.transaction() as uow:
            uow.trainees.add(trainee)
        return trainee

    def trainees(self) -> list[Trainee]:
        with self.deps.read() as uow:
            return sorted(uow.trainees.list(), key=lambda t: (t.person, t.first_job_start))

    def add_intervention(
        self,
        commune: str,
        on: dt.date,
        kind: ServiceKind | str,
        minutes: int,
        *,
        on_site: bool = False,
        trainee: str | Trainee | None = None,
        description: str = "",
        ref: str = "",
    ) -> Intervention:
        """Record time spent for a commune. Refused, with nothing written, if it could not be
        billed: no convention in force that day (TAR-4), no grid for its year (TAR-2), a service
        not billed by the hour or a duration that is not a positive number of minutes (TAR-5)."""
        on = _date(on, "date d'intervention")
        with self.deps.transaction() as uow:
            _known_commune(uow, commune)
            held = None
            if trainee is not None:
                held = uow.trainees.get(trainee.id if isinstance(trainee, Trainee) else trainee)
            intervention = Intervention(
                commune, on, kind, minutes, on_site=bool(on_site), trainee=held,
                description=description.strip(), ref=ref.strip(), id=_new_id(),
            )  # fmt: skip
            # A dry run of the billing rules, so that an intervention stored can always be billed.
            billing.bill_interventions(
                [intervention],
                grids=self.deps.hooks.tariff_grids(),
                cdg=self.cdg,
                conventions=uow.conventions.list({"insee": commune}),
                memberships=(),
            )
            uow.interventions.add(intervention)
        return intervention

    def interventions(self, year: int | None = None) -> list[Intervention]:
        with self.deps.read() as uow:
            found = uow.interventions.list()
        if year is not None:
            found = [i for i in found if i.on.year == _year(year)]
        return sorted(found, key=lambda i: (i.on, i.ref, i.insee))

    # Invoices (TAR-5..TAR-8)

    def invoice_lines(self, year: int) -> list[InvoiceLine]:
        """Every line of ``year``: the memberships' fees and the interventions, priced now."""
        year = _year(year)
        with self.deps.read() as uow:
            memberships = uow.memberships.list({"year": year})
            conventions = uow.conventions.list()
            interventions = uow.interventions.list()
        lines = []
        if memberships:
            grid = self.grid(year)
            lines += [billing.membership_line(m, grid) for m in memberships]
        lines += billing.bill_interventions(
            _billed_with(interventions, year),
            grids=self.deps.hooks.tariff_grids(),
            cdg=self.cdg,
            conventions=conventions,
            memberships=memberships,
        )
        return [line for line in lines if line.year == year]

    def bill(self, year: int) -> list[Invoice]:
        """The invoices of ``year``, one per commune, each with its ``Decimal`` total."""
        return billing.invoices_for_year(self.invoice_lines(year), year)

    def export_invoice_lines(
        self, year: int, format: Literal["csv", "json"] = "csv"
    ) -> bytes | str:
        """The year's lines for the accounting software: CSV bytes (``;``, BOM) or JSON text."""
        if format not in ("csv", "json"):
            raise ValidationError(
                f"format d'export inconnu : {format!r} (csv ou json)", value=format
            )
        lines = self.invoice_lines(year)
        if format == "csv":
            return billing.invoice_lines_csv(lines, year)
        return billing.invoice_lines_json(lines, year)


def _billed_with(interventions: Iterable[Intervention], year: int) -> list[Intervention]:
    """The year's interventions, plus the earlier ones of the same trainees: the on-site allowance
    is consumed in date order across years (TAR-6)."""
    of_year = [i for i in interventions if i.on.year == year]
    trainees = {i.trainee for i in of_year if i.trainee is not None}
    earlier = [i for i in interventions if i.on.year < year and i.trainee in trainees]
    return earlier + of_year


def _known_commune(uow: UnitOfWork, code: str) -> Commune:
    found = uow.communes.find(validate_insee_code(code))  # a malformed code is TER-1's error
    if found is None:
        raise NotFoundError(
            f"commune inconnue : {code!r} (importez d'abord le recensement)", value=code
        )
    return found


def _active_commune(uow: UnitOfWork, code: str) -> Commune:
    commune = _known_commune(uow, code)
    if not commune.active:
        raise RuleViolation(
            f"la commune {code} {commune.name} n'existe plus en tant que telle "
            f"({commune.status.value}) : adressez-vous à {commune.successor or 'sa commune actuelle'}",
            rule="TER-5",
            value=code,
        )
    return commune
