"""A network's history (EVT-12): what existed before the library recorded it.

A network launched before rsgm_core (CDG 77's dates from June 2023) records its creation date,
its past events with their attendance, its past surveys and its former members *as history*:
outside the planning rules (a past event is no longer refused), flagged (:class:`HistoryEntry`),
and counted in the indicators and reports of their own period. The lifecycle moves of each member
are dated (:class:`LifecycleTransition`) so that a past year is computed from the members as they
were then (:func:`lifecycle_on`, :func:`in_force`).

Dates of receipt and signature given after the fact (``on=``, ``--le``) may be past, never in the
future (:func:`check_not_future`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence

import attrs

from rsgm_core.domain.members import Lifecycle, Member, Position
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "RULE",
    "HistoryEntry",
    "HistoryKind",
    "LifecycleTransition",
    "check_creation_date",
    "check_not_future",
    "french_date",
    "in_force",
    "lifecycle_on",
    "overlaps",
]

RULE = "EVT-12"


class HistoryKind(enum.Enum):
    """What a history import holds: past events (with attendance), past surveys (with their
    results) or former members."""

    EVENTS = "evenements"
    SURVEYS = "enquetes"
    MEMBERS = "membres"

    @property
    def label(self) -> str:
        return {"evenements": "événements", "enquetes": "enquêtes", "membres": "membres"}[
            self.value
        ]


@attrs.frozen
class HistoryEntry:
    """EVT-12: one record entered as history (an event, a survey or a member), the file it came
    from, its line there, when and by whom it was imported."""

    id: str
    kind: HistoryKind
    record_id: str
    source: str
    line: int
    imported_on: dt.date
    imported_by: str | None = None


@attrs.frozen
class LifecycleTransition:
    """MEM-4, EVT-12: a member reached ``lifecycle`` on ``reached_on``. The moves of a member,
    in date order, say where they stood on any past day."""

    id: str
    member_id: str
    lifecycle: Lifecycle
    reached_on: dt.date


def french_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def check_not_future(day: dt.date, *, today: dt.date, what: str, rule: str = RULE) -> dt.date:
    """EVT-12: a date entered after the fact (receipt, signature, consent, departure, a past
    event) may be today or past, never future: a :class:`ValidationError` names ``what``, the
    value and the rule."""
    if day > today:
        raise ValidationError(
            f"{what} dans le futur : {french_date(day)} (aujourd'hui : {french_date(today)}) ; "
            "une date passée ou celle du jour seulement",
            rule=rule,
            value=day.isoformat(),
        )
    return day


def check_creation_date(
    created_on: dt.date, *, today: dt.date, first_activity: dt.date | None
) -> dt.date:
    """EVT-12: a network's creation date is past or today and not after the first event it has
    recorded, so that no report says the network was created after the events it reports."""
    check_not_future(created_on, today=today, what="date de création du réseau")
    if first_activity is not None and created_on > first_activity:
        raise RuleViolation(
            f"date de création du réseau {french_date(created_on)} postérieure au premier "
            f"événement enregistré ({french_date(first_activity)}) : donnez une date au plus "
            "tard ce jour-là",
            rule=RULE,
            value=created_on.isoformat(),
        )
    return created_on


def lifecycle_on(
    member: Member, transitions: Sequence[LifecycleTransition], on: dt.date
) -> Lifecycle | None:
    """EVT-12: where ``member`` stood on ``on``: the last of their dated moves by that day, None
    before the first. A member with no recorded move (stored before migration 21 filled them)
    is read from the dates the record keeps: arrival and departure."""
    if transitions:
        reached = [t for t in transitions if t.reached_on <= on]
        if reached:
            return max(reached, key=lambda t: (t.reached_on, _ORDER.index(t.lifecycle))).lifecycle
        first = min(transitions, key=lambda t: t.reached_on)
        known_since = member.arrival is None or member.arrival <= on
        # a member stored before the moves were dated, who left since: active until then
        return Lifecycle.ACTIVE if first.lifecycle is Lifecycle.DEPARTED and known_since else None
    if member.departed_on is not None and member.departed_on <= on:
        return Lifecycle.DEPARTED
    if member.arrival is not None and member.arrival > on:
        return None
    if member.lifecycle is Lifecycle.DEPARTED:
        return Lifecycle.ACTIVE  # not yet gone that day
    return member.lifecycle


_ORDER = (Lifecycle.PROSPECT, Lifecycle.INVITED, Lifecycle.ACTIVE, Lifecycle.DEPARTED)


def transitions_of(member: Member, ids: Iterable[str]) -> list[LifecycleTransition]:
    """The dated moves a member's record implies, when nothing else is known (an import of
    history, or a member stored before migration 21): active from their arrival, departed on
    their departure day. ``ids``: fresh ids, at least two."""
    fresh = iter(ids)
    moves = []
    if member.arrival is not None and member.lifecycle in (Lifecycle.ACTIVE, Lifecycle.DEPARTED):
        moves.append(LifecycleTransition(next(fresh), member.id, Lifecycle.ACTIVE, member.arrival))
    if member.departed_on is not None:
        moves.append(
            LifecycleTransition(next(fresh), member.id, Lifecycle.DEPARTED, member.departed_on)
        )
    return moves


def in_force(position: Position, on: dt.date) -> bool:
    """EVT-12: whether ``position`` was held on ``on`` (an unknown start: since always)."""
    return (position.start is None or position.start <= on) and (
        position.end is None or position.end >= on
    )


def overlaps(position: Position, start: dt.date, end: dt.date) -> bool:
    """EVT-12: whether ``position`` was held on some day from ``start`` to ``end``."""
    return (position.start is None or position.start <= end) and (
        position.end is None or position.end >= start
    )
