"""The territory's communes as the figures read them (code, department, EPCI: three columns, not
whole records), and :func:`read_as`, which reads such column tuples.

Within :func:`sharing_places` (the indicators' reading block: the annual report, the national
export) the communes are read once per unit of work: the indicators and the report's NET-7
section both read them, from the same snapshot.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from rsgm_core.domain.profile import outside_territory
from rsgm_core.domain.territory import CommuneStatus

if TYPE_CHECKING:
    from rsgm_core.ports import Repository, UnitOfWork, Where

__all__ = ["Place", "read_as", "sharing_places", "territory_places"]

T = TypeVar("T", bound=tuple[Any, ...])


def read_as(repository: Repository[Any], kind: type[T], where: Where | None = None) -> list[T]:
    """The fields of ``kind`` (a NamedTuple naming record fields) of the matching records, in key
    order, each row made a ``kind`` by ``tuple.__new__`` as ``kind._make`` does, but with no
    Python call per row (the report reads some 6,000 rows this way)."""
    make = functools.partial(tuple.__new__, kind)
    return list(map(make, repository.values(kind._fields, where)))  # type: ignore[attr-defined]


class Place(NamedTuple):
    """A commune as the indicators see it."""

    code: str
    departement: str
    epci: str | None


#: within :func:`sharing_places`: the unit of work whose communes were read, its territory, and
#: the communes read (the unit of work is kept: an id alone could be a later one's)
_SHARED: ContextVar[list[tuple[UnitOfWork, tuple[str, ...], list[Place]]] | None] = ContextVar(
    "rsgm_places_shared", default=None
)


@contextmanager
def sharing_places() -> Iterator[None]:
    """Within the block, :func:`territory_places` reads each unit of work's communes once."""
    token = _SHARED.set([])
    try:
        yield
    finally:
        _SHARED.reset(token)


def territory_places(uow: UnitOfWork, territory: Sequence[str]) -> list[Place]:
    """The current communes (status ``active``) of the territory, by code; those *hors ressort*
    (outside ``territory``, TER-7) left out. The list is shared within :func:`sharing_places`:
    read it, never change it."""
    shared = _SHARED.get()
    wanted = tuple(territory)
    for read, of, places in shared or ():
        if read is uow and of == wanted:
            return places
    current = {"status": CommuneStatus.ACTUELLE}
    places = [
        c
        for c in read_as(uow.communes, Place, current)
        if not outside_territory(c.departement, wanted)
    ]
    if shared is not None:
        shared.append((uow, wanted, places))
    return places
