"""IND-1, IND-2, IND-3: the one definition of an *active member* on a day, used by the
indicators, the annual activity report and the national export alike (docs/indicators.md).

A member of the network is a named person holding a position in a collectivity (MEM-1). A person
is an active member on day ``D`` when

- the person has arrived by ``D`` (no arrival date, or an arrival on or before ``D``);
- the person has not departed by ``D`` (lifecycle *active*, or a departure dated after ``D``,
  MEM-4);
- the person holds or held a position in a commune of the scope (or, once erased, a coarse
  position in it, MEM-11).

A CDG agent recorded only to animate the network (an animator with no commune) is therefore no
active member: the report and the national export both leave the person out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set
from typing import Protocol

from rsgm_core.domain.members import Lifecycle

__all__ = ["active_member_ids", "is_active_member"]


class _Person(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def lifecycle(self) -> Lifecycle: ...
    @property
    def arrival(self) -> dt.date | None: ...
    @property
    def departed_on(self) -> dt.date | None: ...


def is_active_member(person: _Person, *, on: dt.date, placed: bool) -> bool:
    """Whether ``person`` is an active member on ``on``; ``placed``: the person holds or held a
    position in a commune of the scope."""
    arrived = person.arrival is None or person.arrival <= on
    present = person.lifecycle is Lifecycle.ACTIVE or (
        person.departed_on is not None and person.departed_on > on
    )
    return placed and arrived and present


def active_member_ids(people: Iterable[_Person], placed: Set[str], *, on: dt.date) -> set[str]:
    """The ids of the active members on ``on`` among ``people``; ``placed``: the ids of the
    persons holding or having held a position in a commune of the scope."""
    return {p.id for p in people if is_active_member(p, on=on, placed=p.id in placed)}
