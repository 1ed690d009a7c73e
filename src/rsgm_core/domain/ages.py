"""Age pyramid and departure forecast (IND-4): from the optional year of birth (or expected
retirement date) of each agent in post, the age bands by EPCI and the communes likely to lose
their SGM within 5 years.

Only the year of birth is kept (data minimisation): the age of a person *in* a year is that year
minus their year of birth, the age they reach during it. Without an expected retirement date, a
person is expected to leave on 1 January of the year they reach the retirement age (the CDG's
profile, ``[politiques] age_depart_retraite``, 64 by default): the earliest day it can be, so that
the forecast warns early rather than late.

A commune is *likely to lose its SGM* within the horizon when every agent in post there is
expected to leave within it; an agent whose age is not known counts as staying (no forecast
without a fact). Communes where some agents leave and others stay are listed too, apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.domain.bounds import check_day
from rsgm_core.domain.census_report import CensusReport
from rsgm_core.errors import ValidationError

__all__ = [
    "AGE_BANDS",
    "DEFAULT_RETIREMENT_AGE",
    "HORIZON_YEARS",
    "MAX_AGE",
    "MAX_RETIREMENT_AGE",
    "MIN_AGE",
    "MIN_RETIREMENT_AGE",
    "UNKNOWN_BAND",
    "AgeBand",
    "AgePyramid",
    "AgeReport",
    "DepartureRisk",
    "age_report",
    "band_of",
    "check_birth_year",
    "check_retirement_age",
    "check_retirement_on",
    "expected_departure",
    "read_birth_year",
]

DEFAULT_RETIREMENT_AGE = 64  # IND-4: the legal age reached by the 2023 reform's generations
MIN_RETIREMENT_AGE = 55  # a profile's retirement age: from 55 (active categories) …
MAX_RETIREMENT_AGE = 75  # … to 75 (a contractual agent may stay past the legal limit)
MIN_AGE = 16  # the youngest agent in post a year of birth may describe
MAX_AGE = 90  # the oldest: beyond, a typing slip (1925 for 1965), never a real agent
HORIZON_YEARS = 5  # IND-4: « départ en retraite importante dans les 5 ans » (004 préambule)


@attrs.frozen
class AgeBand:
    """A band of ages reached in the year: ``low`` included, ``high`` excluded (``None``: open)."""

    key: str  # as exported (IND-3)
    label: str  # as shown
    low: int | None
    high: int | None

    def holds(self, age: int) -> bool:
        return (self.low is None or age >= self.low) and (self.high is None or age < self.high)


#: IND-4: finer above 50, where the departures are.
AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("moins_de_30", "moins de 30 ans", None, 30),
    AgeBand("30_39", "30 à 39 ans", 30, 40),
    AgeBand("40_49", "40 à 49 ans", 40, 50),
    AgeBand("50_54", "50 à 54 ans", 50, 55),
    AgeBand("55_59", "55 à 59 ans", 55, 60),
    AgeBand("60_et_plus", "60 ans et plus", 60, None),
)
UNKNOWN_BAND = AgeBand("non_renseigne", "âge non renseigné", None, None)


def band_of(birth_year: int | None, *, year: int) -> AgeBand:
    """IND-4: the band of the age reached in ``year``; :data:`UNKNOWN_BAND` without a year of
    birth."""
    if birth_year is None:
        return UNKNOWN_BAND
    age = year - birth_year
    return next(band for band in AGE_BANDS if band.holds(age))


def check_birth_year(value: object, *, on: dt.date) -> int:
    """IND-4: a year of birth giving an age from :data:`MIN_AGE` to :data:`MAX_AGE` in the year of
    ``on``: never in the future, never implausible."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"année de naissance invalide : {value!r} (une année sur quatre chiffres, par "
            "exemple 1968)",
            rule="IND-4",
            value=value,
        )
    if value > on.year:
        raise ValidationError(
            f"année de naissance {value} dans le futur (nous sommes en {on.year})",
            rule="IND-4",
            value=value,
        )
    if not on.year - MAX_AGE <= value <= on.year - MIN_AGE:
        raise ValidationError(
            f"année de naissance {value} invraisemblable : un agent en poste en {on.year} est né "
            f"entre {on.year - MAX_AGE} et {on.year - MIN_AGE} (de {MIN_AGE} à {MAX_AGE} ans)",
            rule="IND-4",
            value=value,
        )
    return value


def check_retirement_on(value: object, *, birth_year: int | None) -> dt.date:
    """IND-4: an expected retirement date, never before the person is :data:`MIN_AGE` (so never
    before their year of birth)."""
    day = check_day(value, what="date de départ en retraite prévue", rule="IND-4")
    if birth_year is not None and day.year < birth_year + MIN_AGE:
        raise ValidationError(
            f"départ en retraite prévu le {day:%d/%m/%Y} avant l'année de naissance {birth_year} "
            f"ou avant {MIN_AGE} ans : la date ou l'année est fausse",
            rule="IND-4",
            value=day,
        )
    return day


def check_retirement_age(value: object) -> int:
    """IND-4: the profile's retirement age, from :data:`MIN_RETIREMENT_AGE` to
    :data:`MAX_RETIREMENT_AGE`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"âge de départ en retraite invalide : {value!r} (un nombre entier d'années)",
            rule="IND-4",
            value=value,
        )
    if not MIN_RETIREMENT_AGE <= value <= MAX_RETIREMENT_AGE:
        raise ValidationError(
            f"âge de départ en retraite invalide : {value} (attendu : de {MIN_RETIREMENT_AGE} à "
            f"{MAX_RETIREMENT_AGE} ans)",
            rule="IND-4",
            value=value,
        )
    return value


def read_birth_year(cell: str, *, on: dt.date) -> int | None:
    """A spreadsheet cell giving a year of birth (« 1968 ») or a date of birth (« 14/03/1968 »,
    « 1968-03-14 »): only the year is kept (data minimisation), checked by
    :func:`check_birth_year`; an empty cell gives ``None``."""
    text = (cell or "").strip()
    if not text:
        return None
    if text.endswith(".0") and text[:-2].isdigit():  # a spreadsheet's number
        text = text[:-2]
    if text.isdigit() and len(text) == 4:
        return check_birth_year(int(text), on=on)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return check_birth_year(dt.datetime.strptime(text, pattern).year, on=on)
        except ValueError:
            continue
    raise ValidationError(
        f"année de naissance illisible : {cell!r} (attendu : AAAA ou JJ/MM/AAAA)",
        rule="IND-4",
        value=cell,
    )


def expected_departure(
    birth_year: int | None, retirement_on: dt.date | None, *, retirement_age: int
) -> dt.date | None:
    """IND-4: the expected retirement date when given, else 1 January of the year the person
    reaches ``retirement_age``; ``None`` when neither is known."""
    if retirement_on is not None:
        return retirement_on
    if birth_year is None:
        return None
    return dt.date(birth_year + retirement_age, 1, 1)


@attrs.frozen
class AgePyramid:
    """IND-4: the agents in post of one EPCI (or of the whole report) per age band; each
    person once."""

    code: str
    name: str
    bands: Mapping[str, int]  # band label -> persons, every band of AGE_BANDS then UNKNOWN_BAND

    @property
    def agents(self) -> int:
        return sum(self.bands.values())

    @property
    def known(self) -> int:
        return self.agents - self.bands[UNKNOWN_BAND.label]


@attrs.frozen
class DepartureRisk:
    """IND-4: a commune where at least one agent in post is expected to leave within the
    horizon. ``leaving`` of its ``agents`` leave; the first on ``first_departure``;
    ``estimated`` when a date comes from the year of birth, not a date given."""

    commune: str
    name: str
    epci: str | None
    epci_name: str | None
    agents: int
    leaving: int
    first_departure: dt.date
    estimated: bool

    def when(self, on: dt.date) -> str:
        """The first departure in French, as of ``on``: « départ prévu le 30/06/2027 », « départ
        estimé le 01/01/2029 », or « âge de départ atteint le 01/01/2025 » once past."""
        day = f"{self.first_departure:%d/%m/%Y}"
        if self.first_departure <= on:
            return f"{'départ prévu' if not self.estimated else 'âge de départ atteint'} le {day}"
        return f"départ {'estimé' if self.estimated else 'prévu'} le {day}"

    @property
    def loses_all(self) -> bool:
        """The commune is likely to lose its SGM: every agent in post leaves."""
        return self.leaving == self.agents


@attrs.frozen
class AgeReport:
    """IND-4 on ``on``: the age pyramid by EPCI and in total, and the communes where agents leave
    within ``horizon_years`` (``departures``, by commune code)."""

    on: dt.date
    retirement_age: int
    horizon_years: int
    pyramids: tuple[AgePyramid, ...]
    total: AgePyramid
    departures: tuple[DepartureRisk, ...]

    @property
    def losing(self) -> list[DepartureRisk]:
        """The communes likely to lose their SGM within the horizon."""
        return [d for d in self.departures if d.loses_all]

    def losing_by_epci(self) -> dict[str, int]:
        """How many communes of each EPCI (its name) are likely to lose their SGM."""
        counts: dict[str, int] = {}
        for risk in self.losing:
            name = risk.epci_name or "sans EPCI"
            counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items()))


def _pyramid(code: str, name: str, people: Mapping[str, int | None], year: int) -> AgePyramid:
    bands = {band.label: 0 for band in (*AGE_BANDS, UNKNOWN_BAND)}
    for birth_year in people.values():
        bands[band_of(birth_year, year=year).label] += 1
    return AgePyramid(code, name, bands)


def check_horizon(value: object) -> int:
    """IND-4: the forecast's horizon, a whole number of years from 1 to 30 (5 by default)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 30:
        raise ValidationError(
            f"horizon de prévision des départs invalide : {value!r} (un nombre d'années de 1 à 30)",
            rule="IND-4",
            value=value,
        )
    return value


def age_report(
    report: CensusReport,
    *,
    retirement_age: int = DEFAULT_RETIREMENT_AGE,
    horizon_years: int = HORIZON_YEARS,
) -> AgeReport:
    """IND-4 from the census report (TER-6: the agents in post in the communes under 3,500 on
    its date). A person holding posts in two EPCIs counts in both pyramids, once in the total."""
    on = report.on
    horizon_years = check_horizon(horizon_years)
    limit = (
        on + relativedelta(years=horizon_years)
        if on.year + horizon_years <= dt.MAXYEAR
        else dt.date.max
    )
    by_epci: dict[str, dict[str, int | None]] = {}
    names: dict[str, str] = {}
    everyone: dict[str, int | None] = {}
    departures = []
    for row in report.rows:
        code = row.epci or "—"
        names.setdefault(code, row.epci_name or "sans EPCI")
        people = by_epci.setdefault(code, {})
        leaving: list[tuple[dt.date, bool]] = []
        for agent in row.agents:
            person = agent.member_id or f"{agent.name}|{agent.email}"
            people[person] = everyone[person] = agent.birth_year
            departure = expected_departure(
                agent.birth_year, agent.retirement_on, retirement_age=retirement_age
            )
            if departure is not None and departure < limit:
                leaving.append((departure, agent.retirement_on is None))
        if leaving:
            first, estimated = min(leaving)
            departures.append(
                DepartureRisk(
                    row.code, row.name, row.epci, row.epci_name, len(row.agents), len(leaving),
                    first, estimated,
                )
            )  # fmt: skip
    pyramids = tuple(
        _pyramid(code, names[code], people, on.year) for code, people in sorted(by_epci.items())
    )
    return AgeReport(
        on=on,
        retirement_age=retirement_age,
        horizon_years=horizon_years,
        pyramids=pyramids,
        total=_pyramid("total", "total", everyone, on.year),
        departures=tuple(sorted(departures, key=lambda d: d.commune)),
    )


def leaving_within(departures: Iterable[dt.date | None], *, on: dt.date, years: int) -> int:
    """How many of ``departures`` fall before ``on`` plus ``years`` (overdue ones included)."""
    limit = on + relativedelta(years=years)
    return sum(1 for day in departures if day is not None and day < limit)
