"""Who is invited to an event and who may register (EVT-4, MEM-14, TER-3, TER-7), inside the
caller's unit of work.

The network reaches every SGM of the territory, not only its members (MEM-14): an event open to
the scope is sent to every person, member or not, at any step of the lifecycle but departed, who
holds a position in a commune of the CDG's *target public* (communes of fewer than
``settings.policies.target_below`` inhabitants, TER-3; CDG 77: 2,000) and has not opted out.
Registering follows the legal scope (fewer than 3,500 inhabitants). A commune *hors ressort*
(TER-7) is never invited. The population of a commune for a year is the one function the other
services use for thresholds (TER-2).

Not part of the public API: the use cases are the methods of ``app.event_mail`` and
``app.registrations``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rsgm_core.domain.event_reach import split_reach
from rsgm_core.domain.events import Event, EventAudience
from rsgm_core.domain.members import Lifecycle, Member, Position
from rsgm_core.domain.profile import outside_territory
from rsgm_core.domain.territory import SGM_THRESHOLD, Commune
from rsgm_core.services.populations import populations_used

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["audience_of", "in_legal_scope", "invitees"]


class _Populations:
    """Populations of communes for ``year`` (TER-2: ``population_used``, the one function that
    decides the population of a commune and a year for every threshold), read once each."""

    def __init__(self, uow: UnitOfWork, year: int) -> None:
        self.uow, self.year = uow, year
        self.known: dict[str, int | None] = {}

    def of(self, commune: str) -> int | None:
        if commune not in self.known:
            used = populations_used(self.uow, [commune], year=self.year).get(commune)
            # no census figure: not counted in any public
            self.known[commune] = None if used is None else used.population
        return self.known[commune]


def _in_ressort(deps: Deps, commune: Commune | None) -> bool:
    """A current commune of the CDG's territory (TER-7: one *hors ressort* is never invited)."""
    return (
        commune is not None
        and commune.active
        and not outside_territory(commune.departement, deps.settings.departements)
    )


def _held(uow: UnitOfWork, on: dt.date, member_ids: Iterable[str] | None = None) -> list[Position]:
    where = {"member_id": list(member_ids)} if member_ids is not None else None
    return [p for p in uow.positions.list(where) if p.active_on(on)]


def in_legal_scope(deps: Deps, uow: UnitOfWork, member: Member, *, on: dt.date) -> bool:
    """EVT-4: whether ``member`` holds, on ``on``, a position in a commune of the legal SGM
    scope (fewer than 3,500 inhabitants, TER-3) that is not *hors ressort* (TER-7)."""
    positions = _held(uow, on, [member.id])
    if not positions:
        return False
    communes = {c.code: c for c in uow.communes.list({"code": [p.commune for p in positions]})}
    populations = _Populations(uow, on.year)
    for p in positions:
        population = populations.of(p.commune)
        if (
            _in_ressort(deps, communes.get(p.commune))
            and population is not None
            and population < SGM_THRESHOLD
        ):
            return True
    return False


def invitees(deps: Deps, uow: UnitOfWork, event: Event, *, on: dt.date) -> list[Member]:
    """MEM-14: who the invitation to ``event`` reaches, by name: :func:`audience_of` less the
    people who opted out, were erased or have no address."""
    return split_reach(audience_of(deps, uow, event, on=on))[0]


def audience_of(deps: Deps, uow: UnitOfWork, event: Event, *, on: dt.date) -> list[Member]:
    """MEM-14: who ``event`` is for, by name, whether an invitation can reach them or not. For
    an event open to the scope or to guests: every person holding a position in a commune of
    the CDG's target public (TER-3), member or not, at any step but departed. For a members-only
    event: the active members holding a position in the territory. An active member with no
    position yet is invited; CDG staff organise rather than get invited. For a community
    network, only its communes. Nobody whose positions are all *hors ressort* (TER-7).
    :func:`~rsgm_core.domain.event_reach.split_reach` then tells who can be reached."""
    reachable = [m for m in uow.members.list() if m.lifecycle is not Lifecycle.DEPARTED]
    positions = _held(uow, on)
    network_communes: set[str] | None = None
    if event.network_id is not None:
        network = uow.networks.get(event.network_id)
        if network.epci is not None:
            network_communes = {c.code for c in uow.communes.list({"epci": network.epci})}
    codes = sorted({p.commune for p in positions})
    communes = {c.code: c for c in uow.communes.list({"code": codes})} if codes else {}
    by_member: dict[str, list[Position]] = {}
    for p in positions:
        by_member.setdefault(p.member_id, []).append(p)
    populations = _Populations(uow, on.year)
    policies = deps.settings.policies

    def in_target(p: Position) -> bool:
        population = populations.of(p.commune)
        return population is not None and policies.in_target(population)

    staff = {s.member_id for s in uow.cdg_staff.list()}
    chosen = []
    open_to_scope = event.audience is not EventAudience.MEMBERS
    for member in reachable:
        mine = by_member.get(member.id, [])
        ours = [p for p in mine if _in_ressort(deps, communes.get(p.commune))]
        if network_communes is not None:  # a community network: its communes' holders only
            ours = [p for p in ours if p.commune in network_communes]
        # A member with no position yet (a newcomer) is invited; CDG staff organise.
        unplaced = (
            member.lifecycle is Lifecycle.ACTIVE
            and not member.erased  # an erased person holds no position: not a newcomer
            and not mine
            and network_communes is None
            and member.id not in staff
        )
        if open_to_scope:  # the SGMs of the target public, members or not (MEM-14, TER-3)
            if unplaced or any(in_target(p) for p in ours):
                chosen.append(member)
        elif unplaced or (member.lifecycle is Lifecycle.ACTIVE and ours):
            chosen.append(member)
    return sorted(chosen, key=lambda m: (m.last_name, m.first_name, m.id))
