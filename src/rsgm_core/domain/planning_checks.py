"""Planning checks (EVT-11): a session planned on a day with another event of the CDG, in the
school holidays of its zone, in the week of a national election, or on a topic the network
already covered in the last 12 months gets a warning (`003` Fiche 1.5: "choisir le lieu et la date
en veillant au calendrier national, des intercommunalités et du CDG"; Fiche 2.1).

Warnings never refuse a plan: they are returned with it (``Planned.warnings``), shown to whoever
plans, and recorded with the event (:class:`RecordedWarning`, with whether the plan was forced) so
its history says what was known when it was planned.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable, Sequence

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.errors import ValidationError

__all__ = [
    "CdgDate",
    "Election",
    "HolidayPeriod",
    "PastTopic",
    "PlanningWarning",
    "PlanningWarningKind",
    "RecordedWarning",
    "planning_warnings",
    "school_year_of",
    "school_zone",
]

#: EVT-11: a topic covered within this many months is flagged.
TOPIC_MONTHS = 12
#: EVT-11: the days before an election round when SGMs are taken by it (the round's week).
ELECTION_DAYS_BEFORE = 6

#: The school zones of metropolitan France by department, from the académies of each zone
#: (arrêté fixant le calendrier scolaire; Corsica and the overseas académies set their own).
_ZONES = {
    "A": "25 39 70 90 24 33 40 47 64 03 15 43 63 21 58 71 89 07 26 38 73 74 19 23 87 01 42 69 "
    "16 17 79 86",  # Besançon, Bordeaux, Clermont-Ferrand, Dijon, Grenoble, Limoges, Lyon, Poitiers
    "B": "04 05 13 84 02 60 80 14 50 61 27 76 59 62 54 55 57 88 44 49 53 72 85 06 83 18 28 36 "
    "37 41 45 08 10 51 52 22 29 35 56 67 68",  # Aix-Marseille … Normandie … Strasbourg
    "C": "77 93 94 11 30 34 48 66 75 09 12 31 32 46 65 81 82 78 91 92 95",  # Créteil … Versailles
}
ZONE_OF = {code: zone for zone, codes in _ZONES.items() for code in codes.split()}


def school_zone(departement: str) -> str | None:
    """The school zone (``"A"``, ``"B"``, ``"C"``) of a metropolitan department; ``None`` for
    Corsica and the overseas departments, which have calendars of their own."""
    return ZONE_OF.get(departement)


def school_year_of(day: dt.date) -> str:
    """The school year a day belongs to, ``"2026-2027"`` (from 1 August)."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


class PlanningWarningKind(enum.Enum):
    CDG_EVENT = "evenement_cdg"
    SCHOOL_HOLIDAYS = "vacances_scolaires"
    SCHOOL_CALENDAR_UNKNOWN = "calendrier_scolaire_inconnu"
    ELECTION = "election"
    RECENT_TOPIC = "theme_recent"


@attrs.frozen
class PlanningWarning:
    """EVT-11: one warning about one day of the plan, in French (``message``)."""

    kind: PlanningWarningKind
    day: dt.date
    message: str


@attrs.frozen
class HolidayPeriod:
    """School holidays of one zone: from ``start`` (the first day without classes) to the day
    before ``resume`` (classes resume that morning), in ``school_year``."""

    zone: str
    school_year: str
    name: str
    start: dt.date
    resume: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day < self.resume


@attrs.frozen
class Election:
    """A round of a national election (a Sunday)."""

    on: dt.date
    name: str


@attrs.frozen
class CdgDate:
    """EVT-11: another event of the CDG (a board meeting, a training day, the CDG's own days) that
    network sessions should avoid, recorded by the animator (``recorded_by``, CHA-2)."""

    id: str
    on: dt.date
    label: str
    recorded_by: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.label.strip():
            raise ValidationError(
                f"l'événement du CDG du {self.on:%d/%m/%Y} n'a pas de libellé : dites ce qu'il est",
                rule="EVT-11",
                value=self.label,
            )


@attrs.frozen
class PastTopic:
    """A session of another event of the network, with that event's title and topics."""

    day: dt.date
    title: str
    topics: tuple[str, ...]


def _fold(text: str) -> str:
    from rsgm_core.domain.directory import fold

    return fold(text)


def planning_warnings(
    days: Sequence[dt.date],
    *,
    topics: Iterable[str] = (),
    zones: Collection[str] = (),
    holidays: Iterable[HolidayPeriod] = (),
    elections: Iterable[Election] = (),
    cdg_dates: Iterable[CdgDate] = (),
    other_sessions: Iterable[PastTopic] = (),
) -> list[PlanningWarning]:
    """EVT-11: the warnings for sessions on ``days`` of an event on ``topics``. ``zones``: the
    school zones of the event's territory (holidays of other zones are ignored); ``holidays``:
    the school holidays known; ``other_sessions``: every session of the network's other events
    (the same day: a clash; on a shared topic in the 12 months before: a repeat)."""
    periods = [p for p in holidays if p.zone in zones]
    known_years = {(p.zone, p.school_year) for p in periods}
    seasons = {(p.zone, p.school_year, _season(p.name)) for p in periods}
    elections = list(elections)
    cdg_dates = list(cdg_dates)
    others = list(other_sessions)
    wanted = {_fold(t): t for t in topics if t.strip()}
    found: list[PlanningWarning] = []
    for day in sorted(set(days)):
        stamp = f"{day:%d/%m/%Y}"
        for held in cdg_dates:
            if held.on == day:
                found.append(PlanningWarning(
                    PlanningWarningKind.CDG_EVENT, day,
                    f"le {stamp}, le CDG a déjà « {held.label} »",
                ))  # fmt: skip
        for other in others:
            if other.day == day:
                found.append(PlanningWarning(
                    PlanningWarningKind.CDG_EVENT, day,
                    f"le {stamp}, le réseau a déjà une séance de « {other.title} »",
                ))  # fmt: skip
        for zone in sorted(zones):
            year = school_year_of(day)
            hits = [p for p in periods if p.zone == zone and day in p]
            for period in hits:
                found.append(PlanningWarning(
                    PlanningWarningKind.SCHOOL_HOLIDAYS, day,
                    f"le {stamp} tombe pendant les {period.name.lower()} de la zone {zone} "
                    f"(du {period.start:%d/%m/%Y} à la reprise du {period.resume:%d/%m/%Y})",
                ))  # fmt: skip
            season = _season_of(day)
            if hits:
                continue
            if (zone, year) not in known_years or (
                season is not None and (zone, year, season) not in seasons
            ):
                what = f"les vacances {season} " if season else "les vacances "
                found.append(PlanningWarning(
                    PlanningWarningKind.SCHOOL_CALENDAR_UNKNOWN, day,
                    f"{what}{year} de la zone {zone} ne sont pas connues de rsgm : vérifiez le "
                    f"{stamp} sur le calendrier scolaire officiel",
                ))  # fmt: skip
        for election in elections:
            if election.on - dt.timedelta(days=ELECTION_DAYS_BEFORE) <= day <= election.on:
                found.append(PlanningWarning(
                    PlanningWarningKind.ELECTION, day,
                    f"le {stamp} tombe dans la semaine de l'élection du {election.on:%d/%m/%Y} "
                    f"({election.name}) : les secrétaires de mairie la préparent",
                ))  # fmt: skip
        since = day - relativedelta(months=TOPIC_MONTHS)
        told: set[str] = set()  # one warning per other event: its latest session
        for other in sorted(others, key=lambda o: o.day, reverse=True):
            if not since <= other.day < day or other.title in told:
                continue
            shared = sorted(wanted[k] for k in {_fold(t) for t in other.topics} if k in wanted)
            if shared:
                told.add(other.title)
                found.append(PlanningWarning(
                    PlanningWarningKind.RECENT_TOPIC, day,
                    f"thème déjà traité il y a moins de {TOPIC_MONTHS} mois : "
                    f"{', '.join(shared)} (« {other.title} », le {other.day:%d/%m/%Y})",
                ))  # fmt: skip
    return found


def _season(name: str) -> str | None:
    folded = _fold(name)
    if "hiver" in folded:
        return "d'hiver"
    if "printemps" in folded:
        return "de printemps"
    return None


def _season_of(day: dt.date) -> str | None:
    """The holidays that move with the zone around ``day``: winter (February, early March) or
    spring (April, early May); those are the ones a calendar may not know yet."""
    if day.month == 2 or (day.month == 3 and day.day <= 15):
        return "d'hiver"
    if day.month == 4 or (day.month == 5 and day.day <= 10):
        return "de printemps"
    return None


@attrs.frozen
class RecordedWarning:
    """EVT-11: a warning an event was planned with, kept with the event (its history): on which
    day of the plan, what, on which day it was planned and whether the plan was forced."""

    id: str
    event_id: str
    day: dt.date
    kind: PlanningWarningKind
    message: str
    planned_on: dt.date
    forced: bool = False
