"""What one computation of the indicators reads (IND-1, IND-2), loaded once for a scope and a
period: a few ``list()`` calls, no per-row query. ``IndicatorService`` computes the figures from
it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.domain.active_members import active_member_ids
from rsgm_core.domain.coarse import NO_EPCI, attribute, stratum_for
from rsgm_core.domain.engagement import DEFAULT_SILENT_MONTHS, disengaged
from rsgm_core.domain.events import RegistrationStatus, SurveyKind
from rsgm_core.domain.history import in_force, overlaps
from rsgm_core.domain.indicators import SMALL_COMMUNE, EpciCoverage, Period, Scope, coverage
from rsgm_core.domain.members import Lifecycle
from rsgm_core.domain.profile import outside_territory
from rsgm_core.errors import ValidationError
from rsgm_core.services.places import Place, read_as, territory_places
from rsgm_core.services.populations import population_figures

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork

__all__ = [
    "Held", "IndicatorData", "Occasion", "Person", "Place", "Polled", "Sitting", "disengaged_count"
]  # fmt: skip

Month = tuple[int, int]  # (year, month)


# What the figures read of a commune, a position and a member: these columns alone, not whole
# records (the same values as the records hold; the domain's rules read these fields only).


class Held(NamedTuple):
    """A position as the indicators see it (EVT-12: its dates)."""

    id: str
    member_id: str
    commune: str
    start: dt.date | None
    end: dt.date | None


class Person(NamedTuple):
    """A member as the indicators see it (EVT-12, MEM-7: lifecycle, arrival, departure)."""

    id: str
    lifecycle: Lifecycle
    arrival: dt.date | None
    departed_on: dt.date | None


class Occasion(NamedTuple):
    """An event as the indicators see it: its place in the scope, its title, its invited."""

    id: str
    title: str
    invited: int
    host_commune: str | None
    network_id: str | None


class Sitting(NamedTuple):
    """A session as the indicators see it: its event and its date."""

    id: str
    event_id: str
    date: dt.date


class Polled(NamedTuple):
    """A survey as the indicators see it (EVT-9): its kind, date, audience and event."""

    id: str
    kind: SurveyKind
    opened_on: dt.date
    invited: int
    event_id: str | None


@attrs.define
class IndicatorData:
    """Everything one computation reads, loaded once (a few list() calls, no per-row query)."""

    scope: Scope
    communes: dict[str, Any]
    populations: dict[str, int]
    members: list[Any]
    positions: list[Any]
    member_ids: set[str]
    events: list[Any]
    sessions: dict[str, list[Any]]
    #: per session of the period: its confirmed registrations and how many of them attended
    attendance: dict[str, tuple[int, int]]
    surveys: list[Any]
    event_surveys: dict[str, list[Any]]
    #: per survey: its answers counted by score (``None``: no score), counted where they are
    #: stored (one grouped count, not a record per answer)
    scores: dict[str, dict[int | None, int]]
    newsletters: list[Any]
    memberships: list[Any]
    epci_names: dict[str, str]
    #: MEM-11: the positions of erased people, without their commune (EPCI, stratum, department)
    coarse_positions: list[Any] = attrs.field(factory=list)
    #: EVT-12: each member's dated lifecycle moves, to see the members as they were
    transitions: dict[str, list[Any]] = attrs.field(factory=dict)
    #: figures already computed from this data (it is never changed once loaded)
    computed: dict[tuple[Any, ...], Any] = attrs.field(factory=dict, eq=False, repr=False)

    @classmethod
    def load(
        cls, uow: UnitOfWork, scope: Scope, period: Period, territory: Sequence[str] = ()
    ) -> IndicatorData:
        """The data of ``scope`` and ``period``; the communes *hors ressort* (outside
        ``territory``, TER-7) are left out of every figure."""
        communes = {c.code: c for c in territory_places(uow, territory)}
        if scope.kind == "departement":
            if scope.code is not None and outside_territory(scope.code, territory):
                raise ValidationError(
                    f"le département {scope.code} n'est pas dans le territoire du CDG "
                    f"({', '.join(territory)})",
                    rule="TER-7",
                    value=scope.code,
                )
            if uow.departements.find(scope.code) is None:
                raise _unknown(scope)
            communes = {k: c for k, c in communes.items() if c.departement == scope.code}
        elif scope.kind == "epci":
            if uow.epcis.find(scope.code) is None:
                raise _unknown(scope)
            communes = {k: c for k, c in communes.items() if c.epci == scope.code}
        # TER-2: the population of each commune for the period's last year (``population_used``)
        populations = population_figures(uow, communes, year=period.end.year)
        positions: list[Any] = read_as(uow.positions, Held)
        coarse = _coarse_in(uow.coarse_positions.list(), scope, communes)
        members = read_as(uow.members, Person)
        if scope.kind != "cdg":  # EVT-12: the positions held during the period, not today's
            ids = {
                p.member_id
                for p in positions
                if p.commune in communes and overlaps(p, period.start, period.end)
            }
            ids |= {p.member_id for p in coarse}
            members = [m for m in members if m.id in ids]
        member_ids = {m.id for m in members}
        transitions: dict[str, list[Any]] = {}
        for move in uow.lifecycle_transitions.list():
            transitions.setdefault(move.member_id, []).append(move)
        networks = {n.id: n for n in uow.networks.list()}
        epcis = {c.epci for c in communes.values()}
        events = [
            e for e in read_as(uow.events, Occasion)
            if scope.kind == "cdg" or e.host_commune in communes
            or (e.network_id in networks and networks[e.network_id].epci in epcis)
        ]  # fmt: skip
        sessions: dict[str, list[Any]] = {}
        for session in read_as(uow.sessions, Sitting):
            sessions.setdefault(session.event_id, []).append(session)
        # only the events with a session in the period, and their registrations and surveys
        events = [e for e in events if any(s.date in period for s in sessions.get(e.id, ()))]
        event_ids = {e.id for e in events}
        wanted = tuple(s.id for e in events for s in sessions.get(e.id, ()))
        # counted where they are stored: one grouped count, not a record per registration
        attendance: dict[str, tuple[int, int]] = dict.fromkeys(wanted, (0, 0))
        confirmed = {"status": RegistrationStatus.CONFIRMED, "session_id": wanted}
        if wanted:
            counts = uow.registrations.aggregate(("session_id", "attended"), where=confirmed)
            for (session_id, attended), tally in counts.items():
                if session_id in attendance:
                    registered, present = attendance[session_id]
                    attendance[session_id] = (
                        registered + tally.count,
                        present + (tally.count if attended else 0),
                    )
        surveys = [
            s for s in read_as(uow.surveys, Polled)
            if s.event_id in event_ids or (s.opened_on in period and scope.kind == "cdg")
        ]  # fmt: skip
        event_surveys: dict[str, list[Any]] = {}
        for s in surveys:
            if s.event_id:
                event_surveys.setdefault(s.event_id, []).append(s)
        scores: dict[str, dict[int | None, int]] = {}
        asked = tuple(s.id for s in surveys)
        tallies = (
            uow.survey_answers.aggregate(("survey_id", "score"), where={"survey_id": asked})
            if asked
            else {}
        )
        for (survey_id, score), tally in tallies.items():
            scores.setdefault(survey_id, {})[score] = tally.count
        return cls(
            scope, communes, populations, members, positions,
            member_ids, events, sessions, attendance, surveys, event_surveys, scores,
            uow.newsletters.list(), [m for m in uow.memberships.list() if m.insee in communes],
            {e.siren: e.name for e in uow.epcis.list()}, coarse, transitions,
        )  # fmt: skip

    def surveys_in(self, period: Period) -> list[Any]:
        return [s for s in self.surveys if s.opened_on in period]

    def answer_counts(self, surveys: Iterable[Any]) -> tuple[int, int, int]:
        """The answers to ``surveys``: how many, how many with a score, how many scored 4 or 5
        (EVT-9)."""
        answers = scored = satisfied = 0
        for survey in surveys:
            for score, count in self.scores.get(survey.id, {}).items():
                answers += count
                if score is not None:
                    scored += count
                    satisfied += count if score >= 4 else 0
        return answers, scored, satisfied

    def active_members(self, on: dt.date) -> set[str]:
        """The active members on ``on`` (:mod:`rsgm_core.domain.active_members`: active that day
        as their dated moves say, EVT-12, and holding or having held a position in a commune of
        the scope)."""
        key = ("active", on)
        if key not in self.computed:
            self.computed[key] = self._active_members(on)
        return set(self.computed[key])

    def _active_members(self, on: dt.date) -> set[str]:
        placed = {p.member_id for p in self.positions if p.commune in self.communes}
        placed |= {p.member_id for p in self.coarse_positions}  # MEM-11
        return active_member_ids(self.members, placed, on=on, transitions=self.transitions)

    def small_communes(self, period: Period) -> set[str]:
        return {k for k in self.communes if self.populations.get(k, SMALL_COMMUNE) < SMALL_COMMUNE}

    def coverage(
        self, period: Period, target_below: int = SMALL_COMMUNE
    ) -> dict[str, EpciCoverage]:
        """IND-1 coverage in the legal scope (TER-3), with the target public beside it when the
        CDG targets communes under ``target_below`` < 3,500."""
        key = ("coverage", period, target_below)
        if key not in self.computed:
            self.computed[key] = self._coverage(period, target_below)
        return dict(self.computed[key])

    def _coverage(self, period: Period, target_below: int) -> dict[str, EpciCoverage]:
        small = self.small_communes(period)
        groups: dict[str, list[str]] = {}
        for code in sorted(small):
            groups.setdefault(self.communes[code].epci or "sans EPCI", []).append(code)
        active = self.active_members(period.end)
        covered = {  # EVT-12: the positions held at the end of the period
            p.commune for p in self.positions if p.member_id in active and in_force(p, period.end)
        }
        # MEM-11: an erased person's former commune counted in its EPCI and stratum, never by name
        coarse = [
            p
            for p in self.coarse_positions
            if p.sole
            and p.small
            and p.member_id in active
            and (p.end is None or p.end >= period.end)
        ]
        if coarse:  # the candidates' strata only then: most reports have no erased person
            candidates = {
                code: (self.communes[code].epci or NO_EPCI, stratum_for(self.populations.get(code)))
                for code in small
            }
            covered |= attribute(coarse, candidates, covered)
        target = (
            {k for k in small if self.populations[k] < target_below}
            if target_below < SMALL_COMMUNE
            else None
        )
        return coverage(groups, covered, target=target)

    def moves(self, period: Period) -> tuple[int, int]:
        arrivals, departures = self.moves_by_month(period)
        return arrivals.total(), departures.total()

    def moves_by_month(self, period: Period) -> tuple[Counter[Month], Counter[Month]]:
        """Arrivals and departures of the members in ``period``, by (year, month)."""
        key = ("moves", period)
        if key not in self.computed:
            start, end = period.start, period.end
            self.computed[key] = (
                Counter((d.year, d.month) for m in self.members if (d := m.arrival) and start <= d <= end),
                Counter((d.year, d.month) for m in self.members if (d := m.departed_on) and start <= d <= end),
            )  # fmt: skip
        arrivals, departures = self.computed[key]
        return Counter(arrivals), Counter(departures)


def disengaged_count(members: Iterable[Any], facts: Iterable[Any], *, on: dt.date) -> int:
    """MEM-7: how many of ``members`` :func:`rsgm_core.domain.engagement.disengaged` lists on
    ``on``, with the default window. The rule runs for the members with an invitation by then;
    for the others (most of a network that records no invitation) it comes down to their
    arrival: an active member arrived 12 months or more before ``on`` is silent."""
    facts = list(facts)
    invited = {f.member_id for f in facts if f.on <= on}
    active = [m for m in members if m.lifecycle is Lifecycle.ACTIVE]
    # the rule itself (it also refuses a window out of the calendar, as the record path does)
    found = {d.member_id for d in disengaged([m for m in active if m.id in invited], facts, on=on)}
    since = on - relativedelta(months=DEFAULT_SILENT_MONTHS)
    found.update(
        m.id for m in active if m.id not in invited and m.arrival is not None and m.arrival <= since
    )
    return len(found)


def _coarse_in(coarse: list[Any], scope: Scope, communes: dict[str, Any]) -> list[Any]:
    """The coarse positions (MEM-11) of the scope: its EPCI or department, or the territory."""
    if scope.kind == "epci":
        return [p for p in coarse if p.epci == scope.code]
    if scope.kind == "departement":
        return [p for p in coarse if p.departement == scope.code]
    departements = {c.departement for c in communes.values()}
    return [p for p in coarse if p.departement in departements]


def _unknown(scope: Scope) -> ValidationError:
    # needs storage: whether the department or EPCI was imported
    return ValidationError(f"périmètre inconnu : {scope}", rule="IND-1", value=str(scope))
