"""IND-1, IND-2, IND-3: the one definition of an *active member* on a day, used by the
indicators, the annual activity report and the national export alike (docs/indicators.md).

A member of the network is a named person holding a position in a collectivity (MEM-1). A person
is an active member on day ``D`` when

- the person stood *active* on ``D`` (:func:`rsgm_core.domain.history.lifecycle_on`: the last of
  their dated lifecycle moves by ``D``, EVT-12; without any, arrived by ``D`` and not departed
  by ``D``, MEM-4);
- the person holds or held a position in a commune of the scope (or, once erased, a coarse
  position in it, MEM-11).

A CDG agent recorded only to animate the network (an animator with no commune) is therefore no
active member: the report and the national export both leave the person out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence, Set

from rsgm_core.domain.history import LifecycleTransition, lifecycle_on
from rsgm_core.domain.members import Lifecycle, Member

__all__ = ["active_member_ids", "is_active_member"]


def is_active_member(
    person: Member,
    *,
    on: dt.date,
    placed: bool,
    transitions: Sequence[LifecycleTransition] = (),
) -> bool:
    """Whether ``person`` is an active member on ``on``; ``placed``: the person holds or held a
    position in a commune of the scope; ``transitions``: their dated lifecycle moves (EVT-12)."""
    return placed and lifecycle_on(person, transitions, on) is Lifecycle.ACTIVE


def active_member_ids(
    people: Iterable[Member],
    placed: Set[str],
    *,
    on: dt.date,
    transitions: Mapping[str, Sequence[LifecycleTransition]] | None = None,
) -> set[str]:
    """The ids of the active members on ``on`` among ``people``; ``placed``: the ids of the
    persons holding or having held a position in a commune of the scope; ``transitions``: each
    person's dated lifecycle moves, by id."""
    moves = transitions or {}
    # is_active_member() spelled inline (placed, then active that day): a call less per person
    return {
        p.id
        for p in people
        if p.id in placed and lifecycle_on(p, moves.get(p.id, ()), on) is Lifecycle.ACTIVE
    }
