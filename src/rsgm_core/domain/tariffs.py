"""Tariff grids, service catalogue and membership rule (TAR-1, TAR-2, TAR-3, TAR-5, TAR-8).

The catalogue has the two columns of the convention's annex (TAR-8): the mandatory mission
(:data:`MANDATORY_MISSION`: network animation, the directory of software and expert referents,
matinales and events, the follow-up committee), free for every commune and never billed, and the
pack, whose hourly services are the CDG's choice (TAR-5).

A :class:`TariffGrid` is data: one CDG's fees for one exercise, as its board adopted them. Plugins
contribute grids through the ``rsgm_tariff_grids()`` hook; :func:`grid_for` picks the one adopted
for a year and never falls back on another year. Money is :class:`~decimal.Decimal` to the cent
(TAR-7): :func:`to_money` accepts ``Decimal``, ``int`` and numeric strings and refuses floats.
The catalogue lives in :mod:`~rsgm_core.domain.catalogue`, money in :mod:`~rsgm_core.domain.money`;
both are re-exported here.

Stable public API. What a department plugin builds its grids with (:class:`TariffGrid`,
:class:`Stratum`, :class:`Rounding`, :class:`Service`, :class:`ServiceKind`,
:data:`REFERENCE_CATALOGUE`) and the records the membership pack returns (:class:`Membership`,
:class:`CommunePopulation`) are plain public types, exported by :mod:`rsgm_core` itself
(``from rsgm_core import TariffGrid, Stratum``); they follow the package's deprecation policy
(a change is announced one release ahead) and stay importable from this module too.
"""

from collections.abc import Collection, Iterable
from datetime import date
from decimal import Decimal

import attrs

from rsgm_core.domain.catalogue import (
    MANDATORY_MISSION,
    REFERENCE_CATALOGUE,
    CatalogueColumn,
    Service,
    ServiceKind,
)
from rsgm_core.domain.money import CENT, round_money, to_money
from rsgm_core.domain.profile import outside_territory
from rsgm_core.domain.territory import SGM_THRESHOLD, Commune
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError

__all__ = [
    "CENT",
    "MANDATORY_MISSION",
    "REFERENCE_CATALOGUE",
    "CatalogueColumn",
    "CommunePopulation",
    "Membership",
    "Rounding",
    "Service",
    "ServiceKind",
    "Stratum",
    "TariffGrid",
    "check_can_join",
    "check_served",
    "collect_grids",
    "grid_for",
    "grids_of_cdg",
    "holds_membership",
    "membership_fee",
    "new_membership",
    "pick_cdg",
    "round_money",
    "to_money",
]


def _check_count(name: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{name} doit être un entier : {value!r}", value=value)
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" et au plus {maximum}" if maximum is not None else ""
        raise ValidationError(
            f"{name} doit valoir au moins {minimum}{upper} : {value!r}", value=value
        )
    return value


@attrs.frozen
class CommunePopulation:
    """What a fee is computed on: the population totale in force for the exercise (TER-2)."""

    insee: str
    population: int

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.insee, str) or not self.insee:
            raise ValidationError(
                f"code INSEE manquant ou invalide : {self.insee!r}", value=self.insee
            )
        population = self.population
        if isinstance(population, bool) or not isinstance(population, int) or population < 0:
            raise ValidationError(
                f"population de la commune {self.insee} invalide : {population!r} "
                "(un nombre entier d'habitants, positif ou nul)",
                value=population,
            )


@attrs.frozen
class Stratum:
    """One population stratum of a grid: ``low`` to ``high`` inhabitants, both inclusive (TAR-1)."""

    low: int
    high: int
    fee: Decimal = attrs.field(converter=to_money)

    def __attrs_post_init__(self) -> None:
        _check_count("borne basse de la strate", self.low, minimum=0)
        _check_count("borne haute de la strate", self.high, minimum=0)
        if self.high < self.low:
            raise ValidationError(
                f"strate vide : de {self.low} à {self.high} habitants", rule="TAR-1", value=self
            )

    def contains(self, population: int) -> bool:
        return self.low <= population <= self.high


@attrs.frozen
class Rounding:
    """How an intervention's duration is billed (TAR-5): each started increment is billed in full.

    ``increment_minutes=1`` bills to the minute, ``15`` per started quarter hour, ``60`` per started
    hour. The amount is then ``rate × billed minutes / 60``, rounded half-up to the cent.
    """

    increment_minutes: int = 1

    def __attrs_post_init__(self) -> None:
        _check_count("pas de facturation (minutes)", self.increment_minutes, minimum=1, maximum=60)

    def billed_minutes(self, minutes: int) -> int:
        return -(-minutes // self.increment_minutes) * self.increment_minutes

    def amount(self, hourly_rate: Decimal, minutes: int) -> Decimal:
        return round_money(hourly_rate * self.billed_minutes(minutes) / 60)


def _sorted_strata(strata: Iterable[Stratum]) -> tuple[Stratum, ...]:
    return tuple(sorted(strata, key=lambda s: (s.low, s.high)))


@attrs.frozen
class TariffGrid:
    """One CDG's tariffs for one exercise, as adopted by its board (TAR-1, TAR-2, TAR-5, TAR-6).

    The strata must cover 0 to the eligibility ceiling (the last stratum's upper bound) with neither
    gap nor overlap; a grid that does not is refused here, at construction.
    """

    cdg: str
    exercise: int
    strata: tuple[Stratum, ...] = attrs.field(converter=_sorted_strata)
    member_hourly_rate: Decimal = attrs.field(converter=to_money)
    non_member_hourly_rate: Decimal = attrs.field(converter=to_money)
    rounding: Rounding = Rounding()
    trainee_months: int = 6
    trainee_onsite_half_days: int = 2
    half_day_minutes: int = 210  # half of a 7-hour working day
    catalogue: tuple[Service, ...] = REFERENCE_CATALOGUE
    adopted_by: str = ""  # the board decision, e.g. "délibération du 9 décembre 2024"

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.cdg, str) or not self.cdg:
            raise ValidationError(f"grille sans CDG : {self.cdg!r}", rule="TAR-2", value=self.cdg)
        _check_count("exercice de la grille", self.exercise, minimum=1900, maximum=9999)
        _check_count("durée d'accompagnement des stagiaires (mois)", self.trainee_months, minimum=0)
        _check_count("demi-journées sur site incluses", self.trainee_onsite_half_days, minimum=0)
        _check_count("durée d'une demi-journée (minutes)", self.half_day_minutes, minimum=1)
        self._check_strata()
        kinds = [service.kind for service in self.catalogue]
        if sorted(kinds) != sorted(ServiceKind):
            raise ValidationError(
                f"catalogue de la grille {self.cdg} {self.exercise} incomplet ou en double : "
                f"{', '.join(kinds)} (une entrée par prestation attendue)",
                rule="TAR-8",
                value=tuple(kinds),
            )

    def _check_strata(self) -> None:
        # TAR-1: every population from 0 to the ceiling falls in exactly one stratum.
        where = f"grille {self.cdg} {self.exercise}"
        if not self.strata:
            raise ValidationError(f"{where} sans strate", rule="TAR-1", value=self.strata)
        if self.strata[-1].high > SGM_THRESHOLD:
            raise ValidationError(
                f"{where} : la dernière strate va jusqu'à {self.strata[-1].high} habitants ; le "
                f"pack s'adresse aux communes de {SGM_THRESHOLD} habitants au plus (TER-3) : au-"
                "delà, une commune n'est pas éligible",
                rule="TAR-1",
                value=self.strata[-1].high,
            )
        if self.strata[0].low != 0:
            raise ValidationError(
                f"{where} : trou de 0 à {self.strata[0].low - 1} habitants (la première strate "
                f"commence à {self.strata[0].low})",
                rule="TAR-1",
                value=self.strata[0],
            )
        for before, after in zip(self.strata, self.strata[1:], strict=False):
            if after.low <= before.high:
                raise ValidationError(
                    f"{where} : les strates {before.low}-{before.high} et {after.low}-{after.high} "
                    "se chevauchent",
                    rule="TAR-1",
                    value=after,
                )
            if after.low > before.high + 1:
                raise ValidationError(
                    f"{where} : trou de {before.high + 1} à {after.low - 1} habitants entre les "
                    f"strates {before.low}-{before.high} et {after.low}-{after.high}",
                    rule="TAR-1",
                    value=after,
                )

    @property
    def ceiling(self) -> int:
        """The largest population the pack is open to (3,500 in CDG 79's 2025 grid)."""
        return self.strata[-1].high

    def stratum_for(self, commune: CommunePopulation) -> Stratum:
        """The stratum of ``commune``; above the ceiling is an error, never a silent 0 (TAR-1)."""
        for stratum in self.strata:
            if stratum.contains(commune.population):
                return stratum
        raise RuleViolation(
            f"la commune {commune.insee} compte {commune.population} habitants : au-delà de "
            f"{self.ceiling} habitants, elle n'est pas éligible au pack d'adhésion "
            f"(grille {self.cdg} {self.exercise})",
            rule="TAR-1",
            value=commune.population,
        )

    def hourly_rate(self, *, member: bool) -> Decimal:
        """The hourly rate of an intervention for a member commune or not (TAR-5)."""
        return self.member_hourly_rate if member else self.non_member_hourly_rate

    def service(self, kind: ServiceKind) -> Service:
        return next(service for service in self.catalogue if service.kind == kind)

    def column(self, column: CatalogueColumn) -> tuple[Service, ...]:
        """The services of one column of the annex, in catalogue order (TAR-8)."""
        return tuple(service for service in self.catalogue if service.column is column)

    @property
    def hourly_services(self) -> tuple[ServiceKind, ...]:
        """What this CDG bills by the hour (TAR-5): its grid's ``prestations_horaires``."""
        return tuple(service.kind for service in self.catalogue if service.hourly)


def membership_fee(grid: TariffGrid, commune: CommunePopulation) -> Decimal:
    """The annual fee of ``commune`` under ``grid`` (TAR-1): its stratum's fee, bounds inclusive."""
    return grid.stratum_for(commune).fee


def _duplicate(grid: TariffGrid) -> RuleViolation:
    return RuleViolation(
        f"deux grilles tarifaires du {grid.cdg} pour l'exercice {grid.exercise} : une seule grille "
        "par exercice (retirez l'une des deux, ou bloquez le greffon qui l'apporte)",
        rule="TAR-2",
        value=grid.exercise,
    )


def collect_grids(hook_results: Iterable[Iterable[TariffGrid]]) -> tuple[TariffGrid, ...]:
    """Join the lists returned by the ``rsgm_tariff_grids()`` hook (TAR-2).

    Two grids for the same CDG and exercise are refused rather than one silently winning: a fee is
    never picked by the order plugins happen to be registered in.
    """
    grids: dict[tuple[str, int], TariffGrid] = {}
    for result in hook_results:
        for grid in result:
            if not isinstance(grid, TariffGrid):
                raise ValidationError(
                    f"un greffon a fourni autre chose qu'une grille tarifaire : {grid!r}",
                    rule="TAR-2",
                    value=grid,
                )
            if (grid.cdg, grid.exercise) in grids:
                raise _duplicate(grid)
            grids[grid.cdg, grid.exercise] = grid
    return tuple(grids.values())


def pick_cdg(grids: Iterable[TariffGrid], configured: str | None = None) -> str:
    """The CDG whose grids apply (TAR-2): ``configured`` when given (the ``cdg`` option of the
    ``tariffs`` plugin settings), else the only CDG the grids belong to. No grid at all, or grids
    of several CDG and none chosen, is an error: a fee is never taken from another CDG's grid."""
    if configured:
        return str(configured)
    found = sorted({g.cdg for g in grids})
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(
            "aucune grille tarifaire configurée : ajoutez une section [[tarifs]] au profil "
            "rsgm.toml de votre CDG (voir docs/tariffs.md)",
            rule="TAR-2",
            value=None,
        )
    raise ValidationError(
        f"grilles de plusieurs CDG ({', '.join(found)}) : nommez le vôtre par la clé code de la "
        "section [cdg] du profil rsgm.toml",
        rule="TAR-2",
        value=found,
    )


def grids_of_cdg(grids: Iterable[TariffGrid], *, cdg: str) -> tuple[TariffGrid, ...]:
    """The grids of ``cdg``, by exercise; none at all is an error naming the missing ``[[tarifs]]``
    section, never a fall-back on another CDG's grid (TAR-2)."""
    found = tuple(sorted((g for g in grids if g.cdg == cdg), key=lambda g: g.exercise))
    if not found:
        raise NotFoundError(
            f"aucune grille tarifaire configurée pour le CDG « {cdg} » : les cotisations, "
            "adhésions et factures du pack demandent une section [[tarifs]] dans le profil "
            "rsgm.toml du CDG (voir docs/tariffs.md) ; la grille d'un autre CDG ne s'applique "
            "jamais",
            rule="TAR-2",
            value=cdg,
        )
    return found


def grid_for(grids: Iterable[TariffGrid], exercise: int, *, cdg: str) -> TariffGrid:
    """The grid ``cdg`` adopted for ``exercise``; none, or two, is an error (TAR-2)."""
    own = grids_of_cdg(grids, cdg=cdg)
    found = [g for g in own if g.exercise == exercise]
    if len(found) == 1:
        return found[0]
    if found:
        raise _duplicate(found[0])
    known = sorted({g.exercise for g in own})
    raise NotFoundError(
        f"aucune grille tarifaire du {cdg} pour l'exercice {exercise} (exercices couverts : "
        f"{', '.join(map(str, known)) or 'aucun'}) ; le tarif d'une autre année ne s'applique "
        "pas : ajoutez la grille de cet exercice ([[tarifs]]) au profil rsgm.toml",
        rule="TAR-2",
        value=exercise,
    )


def check_can_join(commune: Commune) -> Commune:
    """``commune`` if it still exists as such (TER-5): a merged or delegated commune neither joins
    the pack nor signs a convention; its successor does."""
    if not commune.active:
        raise RuleViolation(
            f"la commune {commune.code} {commune.name} n'existe plus en tant que telle "
            f"({commune.status.value}) : adressez-vous à "
            f"{commune.successor or 'sa commune actuelle'}",
            rule="TER-5",
            value=commune.code,
        )
    return commune


def check_served(commune: Commune, departements: Collection[str], *, what: str) -> Commune:
    """``commune`` if it lies in the CDG's territory ``departements`` (TER-7): a commune *hors
    ressort* (known because its EPCI straddles the border) is never given a membership, a
    convention or an invoice. ``what`` says what was asked (« adhérer au pack »)."""
    if outside_territory(commune.departement, departements):
        raise RuleViolation(
            f"la commune {commune.code} {commune.name} ({commune.departement}) est hors du "
            f"ressort du CDG (départements {', '.join(departements)}) : elle ne peut pas {what}",
            rule="TER-7",
            value=commune.code,
        )
    return commune


@attrs.frozen
class Membership:
    """A commune's membership of the pack for one calendar year (TAR-3)."""

    insee: str
    year: int
    fee: Decimal = attrs.field(converter=to_money)
    joined_on: date
    id: str = ""  # storage key, given when stored (a merged commune's memberships all move, TER-5)
    #: CHA-2: who recorded it (a member id); None before migration 18.
    recorded_by: str | None = None

    @property
    def valid_from(self) -> date:
        return date(self.year, 1, 1)

    @property
    def valid_until(self) -> date:
        return date(self.year, 12, 31)

    def covers(self, day: date) -> bool:
        return day.year == self.year


def holds_membership(memberships: Iterable[Membership], insee: str, year: int) -> bool:
    """Whether ``insee`` holds the membership for ``year`` (what TAR-5's rate depends on)."""
    return any(m.insee == insee and m.year == year for m in memberships)


def new_membership(
    grid: TariffGrid,
    commune: CommunePopulation,
    *,
    joined_on: date,
    existing: Iterable[Membership],
    year: int | None = None,
) -> Membership:
    """Decide a commune's membership for ``year`` (default: the year of ``joined_on``).

    TAR-3: the membership covers the whole calendar year and its fee is the full annual fee whatever
    the month of joining, no proration; one membership per commune and year; joining ahead for next
    year is allowed, joining for a year already over is not.
    """
    year = joined_on.year if year is None else year
    if joined_on.year > year:
        raise RuleViolation(
            f"adhésion de la commune {commune.insee} pour {year} demandée le "
            f"{joined_on:%d/%m/%Y} : l'année {year} est écoulée",
            rule="TAR-3",
            value=year,
        )
    if grid.exercise != year:
        raise RuleViolation(
            f"la grille {grid.cdg} {grid.exercise} ne s'applique pas à l'exercice {year}",
            rule="TAR-2",
            value=grid.exercise,
        )
    if holds_membership(existing, commune.insee, year):
        raise RuleViolation(
            f"la commune {commune.insee} a déjà une adhésion pour l'année {year} "
            "(une seule adhésion par année civile)",
            rule="TAR-3",
            value=year,
        )
    return Membership(commune.insee, year, membership_fee(grid, commune), joined_on)
