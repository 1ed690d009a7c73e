"""What the network's means add up to in a year (NET-8, IND-2): the budget by nature and by event,
the venues used, the speakers by kind, the animators' time. Values only, built from records the
caller reads; the annual report and ``rsgm means summary`` show them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from rsgm_core.domain.means import (
    ZERO,
    BudgetLine,
    EventCost,
    NatureTotal,
    Speaker,
    SpeakerKind,
    TimeEntry,
    Venue,
    event_costs,
    minutes_by_activity,
    totals_by_nature,
)

__all__ = [
    "AnimationTime",
    "AnimatorTime",
    "Budget",
    "MeansSummary",
    "VenueUse",
    "animation_time",
    "budget_of",
    "speakers_by_kind",
]


@attrs.frozen
class Budget:
    """NET-8: a year's budget: by nature (planned, spent) and the cost of each event with lines."""

    year: int
    natures: tuple[NatureTotal, ...]
    events: tuple[EventCost, ...]

    @property
    def planned(self) -> Decimal:
        return sum((n.planned for n in self.natures), ZERO)

    @property
    def actual(self) -> Decimal:
        return sum((n.actual for n in self.natures), ZERO)

    @property
    def gap(self) -> Decimal:
        """Spent minus planned on the lines whose spending is known."""
        return sum((n.gap for n in self.natures), ZERO)


def budget_of(year: int, lines: Iterable[BudgetLine]) -> Budget:
    """NET-8: the budget of ``year`` from its lines (lines of other years ignored)."""
    mine = [line for line in lines if line.year == year]
    costs = event_costs(mine)
    return Budget(year, totals_by_nature(mine), tuple(costs[e] for e in sorted(costs)))


@attrs.frozen
class AnimatorTime:
    """NET-8: the time one animator logged in the year."""

    member_id: str
    name: str
    minutes: int


@attrs.frozen
class AnimationTime:
    """NET-8, the animator's profile: the year's time by activity (the advice requests' minutes
    of CNS-1 included, on their own row) and by animator (logged time only)."""

    year: int
    by_activity: tuple[tuple[str, int], ...]
    by_animator: tuple[AnimatorTime, ...]
    advice_minutes: int

    @property
    def minutes(self) -> int:
        return sum(m for _, m in self.by_activity)


def animation_time(
    year: int,
    entries: Iterable[TimeEntry],
    *,
    advice_minutes: int,
    names: Mapping[str, str],
) -> AnimationTime:
    """NET-8: the time of ``year`` from the entries logged (others ignored) and the minutes spent
    answering advice requests that year (CNS-1); animators by time given, most first."""
    mine = [e for e in entries if e.day.year == year]
    per: dict[str, int] = {}
    for entry in mine:
        per[entry.member_id] = per.get(entry.member_id, 0) + entry.minutes
    animators = sorted(
        (AnimatorTime(m, names.get(m, m), minutes) for m, minutes in per.items()),
        key=lambda a: (-a.minutes, a.name),
    )
    return AnimationTime(
        year,
        minutes_by_activity(mine, advice_minutes=advice_minutes),
        tuple(animators),
        advice_minutes,
    )


@attrs.frozen
class VenueUse:
    """NET-8: a venue and the number of sessions held there in the year."""

    venue: Venue
    sessions: int


def speakers_by_kind(speakers: Iterable[Speaker]) -> tuple[tuple[SpeakerKind, int], ...]:
    """NET-8: how many times each kind of speaker spoke (one per session spoken at), kinds in
    their order, kinds without any left out."""
    counts: dict[SpeakerKind, int] = {}
    for speaker in speakers:
        counts[speaker.kind] = counts.get(speaker.kind, 0) + 1
    return tuple((k, counts[k]) for k in SpeakerKind if k in counts)


@attrs.frozen
class MeansSummary:
    """NET-8, IND-2: the year's means as the annual report shows them."""

    year: int
    budget: Budget
    venues: tuple[VenueUse, ...]
    speakers: tuple[tuple[SpeakerKind, int], ...]
    time: AnimationTime
