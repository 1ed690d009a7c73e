"""The network's means (NET-8), after the guide's Fiche 1.3 ("Quels sont les moyens dont je
dispose ?"), Fiche 2.1 (budget, place, "un contact pour l'ouverture des locaux"), Fiche 2.2 (the
speakers: the CDG's services, members, partners) and the animator's profile (time given).

Pure: the records (budget lines, venues, the venue chosen for a session, speakers, time logged)
and the arithmetic the annual report shows (IND-2): budget planned and actual by nature, the cost
of each event as the sum of its lines, hours by activity. Money is ``Decimal`` to the cent.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from rsgm_core.domain.bounds import (
    MAX_CAPACITY,
    check_amount,
    check_count,
    check_day,
    check_minutes,
    parse_decimal,
)
from rsgm_core.domain.enums import read_enum
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "ADVICE_LABEL",
    "Activity",
    "BudgetLine",
    "BudgetNature",
    "EventCost",
    "NatureTotal",
    "Speaker",
    "SpeakerKind",
    "TimeEntry",
    "Venue",
    "VenueChoice",
    "activity",
    "budget_amount",
    "budget_nature",
    "check_venue_fits",
    "event_costs",
    "minutes_by_activity",
    "totals_by_nature",
]

RULE = "NET-8"
ZERO = Decimal("0.00")


class BudgetNature(enum.Enum):
    """NET-8: the natures of a budget line (Fiche 2.1: room, coffee and lunch, speakers,
    platform, the animator's travel)."""

    VENUE = "salle"
    CATERING = "restauration"
    SPEAKERS = "intervenants"
    LICENCES = "licences"
    TRAVEL = "deplacements"
    OTHER = "autre"

    @property
    def label(self) -> str:
        return _NATURE_LABELS[self]


_NATURE_LABELS = {
    BudgetNature.VENUE: "salles",
    BudgetNature.CATERING: "restauration",
    BudgetNature.SPEAKERS: "intervenants",
    BudgetNature.LICENCES: "licences et plateformes",
    BudgetNature.TRAVEL: "déplacements",
    BudgetNature.OTHER: "autres dépenses",
}


def budget_nature(value: BudgetNature | str) -> BudgetNature:
    """``value`` as a nature (its value, ``"salle"``, or its name, ``"venue"``); anything else is
    refused naming the natures (NET-8)."""
    return read_enum(
        BudgetNature, value, "nature de dépense inconnue", rule=RULE, choices="attendu"
    )


def budget_amount(value: Any, *, what: str = "montant") -> Decimal:
    """NET-8: an amount of a budget line, in euros to the cent: a ``Decimal``, an ``int`` or a
    number typed by a person (``"1 250,50"``); negative, non-numeric, floating-point, sub-cent
    and too large amounts are refused naming the value as given."""
    number = parse_decimal(value, what=what, rule=RULE) if isinstance(value, str) else value
    try:
        amount = check_amount(number, what=what, rule=RULE)
    except ValidationError as exc:
        if number is value:
            raise
        why = exc.message.split(f"{number!r} ", 1)[-1]
        raise ValidationError(
            f"{what} invalide : {value!r} {why}", rule=RULE, value=value
        ) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            f"{what} invalide : {value!r} a plus de deux décimales (un montant est au centime "
            "près)",
            rule=RULE,
            value=value,
        )
    return amount.quantize(Decimal("0.01"))


def _year(_: object, __: object, value: int) -> None:
    check_count(value, what="année", rule=RULE, minimum=1900, maximum=2200)


def _text(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{_WHAT.get(attribute.name, attribute.name)} vide", rule=RULE)


_WHAT = {"label": "libellé de la ligne", "name": "nom du lieu", "address": "adresse du lieu"}


@attrs.frozen
class BudgetLine:
    """NET-8: one budget line of a year: what it pays for, its nature, the amount planned and
    the amount actually spent (``None`` until known), and the event it is for, if any."""

    id: str
    year: int = attrs.field(validator=_year)
    nature: BudgetNature
    label: str = attrs.field(validator=_text)
    planned: Decimal
    actual: Decimal | None = None
    event_id: str | None = None
    recorded_by: str | None = None
    recorded_on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        budget_amount(self.planned, what="montant prévu")
        if self.actual is not None:
            budget_amount(self.actual, what="montant réalisé")

    @property
    def cost(self) -> Decimal:
        """What the line costs as far as is known: the amount spent, else the amount planned."""
        return self.planned if self.actual is None else self.actual


@attrs.frozen
class NatureTotal:
    """NET-8: the budget of one nature in a year: planned, spent (lines with an actual amount),
    and ``settled``, the amount planned for the lines whose spending is known."""

    nature: BudgetNature
    planned: Decimal
    actual: Decimal
    lines: int
    settled: Decimal = ZERO

    @property
    def gap(self) -> Decimal:
        """Spent minus planned, on the lines whose spending is known (negative: less spent)."""
        return self.actual - self.settled


def totals_by_nature(lines: Iterable[BudgetLine]) -> tuple[NatureTotal, ...]:
    """NET-8: the lines summed by nature, in the natures' order, natures without line left out;
    exact ``Decimal`` sums (no rounding: every amount is to the cent)."""
    planned: dict[BudgetNature, Decimal] = {}
    actual: dict[BudgetNature, Decimal] = {}
    count: dict[BudgetNature, int] = {}
    settled: dict[BudgetNature, Decimal] = {}
    for line in lines:
        if line.actual is not None:
            settled[line.nature] = settled.get(line.nature, ZERO) + line.planned
        planned[line.nature] = planned.get(line.nature, ZERO) + line.planned
        actual[line.nature] = actual.get(line.nature, ZERO) + (line.actual or ZERO)
        count[line.nature] = count.get(line.nature, 0) + 1
    return tuple(
        NatureTotal(n, planned[n], actual[n], count[n], settled.get(n, ZERO))
        for n in BudgetNature
        if n in count
    )


@attrs.frozen
class EventCost:
    """NET-8: an event's cost, the sum of its lines: planned, spent, and the cost as known (the
    amount spent on each line, else its amount planned), which the tracking table shows."""

    event_id: str
    planned: Decimal
    actual: Decimal
    cost: Decimal
    lines: int


def event_costs(lines: Iterable[BudgetLine]) -> dict[str, EventCost]:
    """NET-8: the cost of every event that has lines, by event id."""
    sums: dict[str, list[Any]] = {}
    for line in lines:
        if line.event_id is None:
            continue
        found = sums.setdefault(line.event_id, [ZERO, ZERO, ZERO, 0])
        found[0] += line.planned
        found[1] += line.actual or ZERO
        found[2] += line.cost
        found[3] += 1
    return {e: EventCost(e, p, a, c, n) for e, (p, a, c, n) in sums.items()}


def _capacity(_: object, __: object, value: int) -> None:
    check_count(value, what="capacité du lieu", rule=RULE, minimum=1, maximum=MAX_CAPACITY)


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v.strip() for v in values if v.strip())


@attrs.frozen
class Venue:
    """NET-8: a room the network meets in (Fiche 2.1): address, seats, equipment, accessibility
    and the person to call to have it opened ("un contact pour l'ouverture des locaux")."""

    id: str
    name: str = attrs.field(validator=_text)
    address: str = attrs.field(validator=_text)
    capacity: int = attrs.field(validator=_capacity)
    commune: str | None = None  # INSEE code, when the room is in a commune of the territory
    equipment: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    accessibility: str | None = None  # e.g. "accessible PMR, ascenseur"
    opener: str | None = None  # who opens the room: a name, a phone


@attrs.frozen
class VenueChoice:
    """NET-8: the venue chosen for a session (keyed by the session: one venue per session)."""

    id: str  # the session's id
    event_id: str
    venue_id: str
    chosen_on: dt.date
    chosen_by: str | None = None


def check_venue_fits(venue: Venue, *, capacity: int | None, registered: int, place: str) -> Venue:
    """NET-8: a session is held in a venue that seats it: its capacity (else the people already
    registered) may not exceed the venue's."""
    needed = capacity if capacity is not None else registered
    if needed > venue.capacity:
        what = (
            f"la séance de {place} prévoit {needed} places"
            if capacity is not None
            else f"la séance de {place} compte déjà {needed} inscrits"
        )
        raise RuleViolation(
            f"{what}, mais le lieu « {venue.name} » n'en a que {venue.capacity} : choisissez un "
            "lieu plus grand ou réduisez la capacité de la séance",
            rule=RULE,
            value=needed,
        )
    return venue


class SpeakerKind(enum.Enum):
    """NET-8, Fiche 2.2: who speaks at a session."""

    MEMBER = "membre"
    PARTNER = "partenaire"
    CDG_SERVICE = "service_cdg"

    @property
    def label(self) -> str:
        return {"membre": "membre du réseau", "partenaire": "partenaire"}.get(
            self.value, "service du CDG"
        )


@attrs.frozen
class Speaker:
    """NET-8: one speaker of a session: a member of the network, or a partner card of the
    directory (MEM-10) — a partner of category « service interne du CDG » is a CDG service."""

    id: str
    session_id: str
    event_id: str
    kind: SpeakerKind
    member_id: str | None = None
    partner_id: str | None = None
    topic: str | None = None

    def __attrs_post_init__(self) -> None:
        expected = self.kind is SpeakerKind.MEMBER
        if (self.member_id is not None) != expected or (self.partner_id is not None) == expected:
            raise ValidationError(
                f"un intervenant est un membre ou un partenaire (ou un service du CDG), pas "
                f"{self.kind.label} sans sa fiche",
                rule=RULE,
                value=self.member_id or self.partner_id,
            )


class Activity(enum.Enum):
    """NET-8, the animator's profile: what an animator's time goes to. Advice requests are timed
    in their own log (CNS-1) and added by the report, not logged here twice."""

    PREPARATION = "preparation"
    ANIMATION = "animation"
    COMMUNICATION = "communication"
    COORDINATION = "coordination"
    TRAVEL = "deplacement"
    TRAINING = "formation"
    OTHER = "autre"

    @property
    def label(self) -> str:
        return _ACTIVITY_LABELS[self]


_ACTIVITY_LABELS = {
    Activity.PREPARATION: "préparation des rencontres",
    Activity.ANIMATION: "animation des rencontres",
    Activity.COMMUNICATION: "communication et lettres d'information",
    Activity.COORDINATION: "coordination et suivi",
    Activity.TRAVEL: "déplacements",
    Activity.TRAINING: "formation de l'animateur",
    Activity.OTHER: "autres activités",
}
#: the label of the advice requests' time (CNS-1) in the report's table
ADVICE_LABEL = "conseil aux communes (demandes de conseil)"


def activity(value: Activity | str) -> Activity:
    """``value`` as an activity, else refused naming the activities (NET-8)."""
    return read_enum(Activity, value, "activité inconnue", rule=RULE, choices="attendu")


@attrs.frozen
class TimeEntry:
    """NET-8: time an animator gave to the network on a day."""

    id: str
    member_id: str
    day: dt.date
    minutes: int
    activity: Activity
    note: str | None = None
    event_id: str | None = None
    recorded_by: str | None = None

    def __attrs_post_init__(self) -> None:
        check_day(self.day, what="jour", rule=RULE)
        check_minutes(self.minutes, what="temps d'animation", rule=RULE, maximum=24 * 60)


def minutes_by_activity(
    entries: Iterable[TimeEntry], *, advice_minutes: int = 0
) -> tuple[tuple[str, int], ...]:
    """NET-8: minutes by activity (label, minutes), in the activities' order, then the advice
    requests' minutes (CNS-1) when there are any; activities without time left out."""
    sums: Mapping[Activity, int] = _sum_minutes(entries)
    rows = [(a.label, sums[a]) for a in Activity if sums.get(a)]
    if advice_minutes:
        rows.append((ADVICE_LABEL, advice_minutes))
    return tuple(rows)


def _sum_minutes(entries: Iterable[TimeEntry]) -> dict[Activity, int]:
    sums: dict[Activity, int] = {}
    for entry in entries:
        sums[entry.activity] = sums.get(entry.activity, 0) + entry.minutes
    return sums
