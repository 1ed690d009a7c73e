"""TER-5: a merge that never blocks.

On a census re-import, everything attached to a commune that disappeared moves to its successor.
Three kinds of records exist once per commune: its town hall, its membership for a year (TAR-3)
and its convention in force (TAR-4). When a merge brings more than one of a kind onto the
successor, the successor keeps one, its own (the chef-lieu's) or else the first former commune's
by code; each other record stays on its former commune, untouched, and a
:class:`~rsgm_core.domain.census_conflicts.CensusConflict` lists it for an animator.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.census_conflicts import CensusConflict, ConflictKind
from rsgm_core.domain.tariffs import Membership

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork

__all__ = ["ONCE_PER_COMMUNE", "list_conflicts", "move_to_successors"]

#: The collections whose records exist once per commune (a year, a day): moved here, not by
#: :meth:`~rsgm_core.ports.UnitOfWork.reassign_commune`.
ONCE_PER_COMMUNE = ("town_halls", "memberships", "conventions")


@attrs.define
class _Mover:
    uow: UnitOfWork
    vintage: str
    today: dt.date
    moved: dict[str, dict[str, int]] = attrs.field(factory=dict)
    conflicts: list[CensusConflict] = attrs.field(factory=list)

    def count(self, old: str, collection: str) -> None:
        counts = self.moved.setdefault(old, {})
        counts[collection] = counts.get(collection, 0) + 1

    def conflict(
        self, kind: ConflictKind, new: str, old: str, record: str, kept: str, year: int | None
    ) -> None:
        from rsgm_core.services.members import new_id  # imported when a merge conflicts

        self.conflicts.append(
            CensusConflict(
                id=new_id(),
                kind=kind,
                commune=new,
                former=old,
                record=record,
                kept=kept,
                vintage=self.vintage,
                detected_on=self.today,
                year=year,
            )
        )

    def town_halls(self, new: str, olds: list[str]) -> None:
        repo = self.uow.town_halls
        held = repo.find(new)
        for old in olds:
            hall = repo.find(old)
            if hall is None:
                continue
            if held is not None:
                self.conflict(ConflictKind.TOWN_HALL, new, old, old, held.commune, None)
                continue
            repo.remove(old)
            held = attrs.evolve(hall, commune=new)
            repo.add(held)
            self.count(old, "town_halls")

    def memberships(self, new: str, olds: list[str]) -> None:
        repo = self.uow.memberships
        by_year = {m.year: m for m in sorted(repo.list({"insee": new}), key=_joined, reverse=True)}
        for old in olds:
            for membership in sorted(repo.list({"insee": old}), key=_joined):
                kept = by_year.get(membership.year)
                if kept is not None:
                    self.conflict(
                        ConflictKind.MEMBERSHIP, new, old, membership.id, kept.id, membership.year
                    )
                    continue
                by_year[membership.year] = attrs.evolve(membership, insee=new)
                repo.update(by_year[membership.year])
                self.count(old, "memberships")

    def conventions(self, new: str, olds: list[str]) -> None:
        repo = self.uow.conventions
        day = self.today
        kept = next((c for c in repo.list({"insee": new}) if c.in_force_on(day)), None)
        for old in olds:
            for convention in sorted(repo.list({"insee": old}), key=lambda c: c.signed_on):
                in_force = convention.in_force_on(day)
                if in_force and kept is not None:
                    self.conflict(ConflictKind.CONVENTION, new, old, convention.id, kept.id, None)
                    continue
                moved = attrs.evolve(convention, insee=new)
                repo.update(moved)
                kept = moved if in_force else kept
                self.count(old, "conventions")


def _joined(membership: Membership) -> dt.date:
    return membership.joined_on


def move_to_successors(
    uow: UnitOfWork, successors: Mapping[str, str], *, vintage: str, today: dt.date
) -> tuple[dict[str, dict[str, int]], list[CensusConflict]]:
    """TER-5 (a) and (b): move what is attached to each old code to its successor, inside the
    caller's unit of work; the records per collection moved from each old code, and the
    conflicts recorded (one per record kept aside)."""
    mover = _Mover(uow, vintage, today)
    groups: dict[str, list[str]] = defaultdict(list)
    for old, new in successors.items():
        groups[new].append(old)
    for new, olds in sorted(groups.items()):
        olds.sort()
        for old in olds:
            for name, n in uow.reassign_commune(old, new, skip=ONCE_PER_COMMUNE).items():
                mover.moved.setdefault(old, {})[name] = n
        mover.town_halls(new, olds)
        mover.memberships(new, olds)
        mover.conventions(new, olds)
    uow.census_conflicts.add_all(mover.conflicts)
    return mover.moved, mover.conflicts


def list_conflicts(uow: UnitOfWork, *, commune: str | None = None) -> list[CensusConflict]:
    """The conflicts recorded, of the successor ``commune`` if given, by commune, kind, former."""
    found = uow.census_conflicts.list({"commune": commune} if commune is not None else None)
    return sorted(found, key=lambda c: (c.commune, c.kind.value, c.former, c.year or 0, c.id))
