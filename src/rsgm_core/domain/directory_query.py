"""What the directory reads, and how one entry is made of it (MEM-2, MEM-3).

A search is a :class:`DirectoryQuery`: the criteria (folded keys of expertises or software, INSEE
codes of communes where an active position is held, member ids), who looks (the consent filter of
MEM-3: staff see every entry, a member sees the entries with a current directory consent and
their own) and the page. A storage backend answers it with :class:`DirectoryRow`\\ s, the page's
members in the directory's order (by folded last name, folded first name, id) with what their
entries show; :func:`entry_of` turns one row into the :class:`DirectoryEntry` a viewer sees.

:func:`select_directory` is the answer computed from the records, in one pass over each
collection: the memory backend's, and the reference a SQL backend's query is checked against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

import attrs

from rsgm_core.domain.directory import (
    Consent,
    ConsentScope,
    DirectoryEntry,
    DirectoryFact,
    FactKind,
    NameKey,
    Viewer,
    fold,
    format_phone,
)
from rsgm_core.domain.members import Lifecycle, Member, Position
from rsgm_core.domain.territory import Commune, Epci
from rsgm_core.domain.town_hall import TownHall

__all__ = [
    "DirectoryPage",
    "DirectoryQuery",
    "DirectoryRow",
    "Place",
    "entry_of",
    "name_order",
    "select_directory",
    "stale_name_keys",
]


@attrs.frozen
class DirectoryQuery:
    """One directory read: every criterion given must hold (``None``: no criterion).

    ``expertises`` / ``software``: folded keys, any of which the member holds as a fact of that
    kind; ``communes``: INSEE codes where the member holds a position active ``on``;
    ``member_ids``: these members only. Erased members never appear; departed ones only with
    ``include_departed``. ``viewer``: MEM-3's consent filter (staff and the person themself see
    the entry; others need a directory consent current ``on``). ``limit``/``offset``: the page,
    in the directory's order."""

    on: dt.date
    viewer: Viewer = attrs.field(factory=Viewer)
    expertises: tuple[str, ...] | None = None
    software: tuple[str, ...] | None = None
    communes: tuple[str, ...] | None = None
    member_ids: tuple[str, ...] | None = None
    include_departed: bool = False
    limit: int | None = None
    offset: int = 0

    @property
    def empty(self) -> bool:
        """A one-of criterion with no value: nothing can match."""
        return any(
            values is not None and not values
            for values in (self.expertises, self.software, self.communes, self.member_ids)
        )


class Place(NamedTuple):
    """A commune where a member holds an active position, with what the entry shows of it."""

    code: str
    name: str
    epci_name: str | None = None
    hall_address: str | None = None  # None: no town hall recorded
    hall_hours: str = ""
    hall_phone: str | None = None


class DirectoryRow(NamedTuple):
    """One member of a directory page and what their entry shows: expertises and software
    (used, mastered) by folded key, ``places`` in the order of the positions (by id), and
    whether a directory consent (``listed``) and a photo consent are current (MEM-3)."""

    member_id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    photo: str | None
    expertises: tuple[str, ...] = ()
    software_used: tuple[str, ...] = ()
    software_mastered: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    listed: bool = False
    photo_allowed: bool = False


def stale_name_keys(members: Iterable[Member], keys: Iterable[NameKey]) -> list[NameKey]:
    """The keys to write so that every member not erased has an up-to-date one."""
    held = {k.member_id: k for k in keys}
    stale = []
    for m in members:
        key = held.get(m.id)
        if m.erased_on is None and (
            key is None or (key.last_name, key.first_name) != (m.last_name, m.first_name)
        ):
            stale.append(NameKey.of(m.id, m.first_name, m.last_name))
    return stale


@attrs.frozen
class DirectoryPage:
    """The answer to a :class:`DirectoryQuery`: its rows in order, and how many of the members
    matching it had no up-to-date :class:`~rsgm_core.domain.directory.NameKey` in storage (a
    backend ordering by the stored keys then orders in Python; refreshing them makes the next
    reads order where the data is)."""

    rows: tuple[DirectoryRow, ...]
    stale_keys: int = 0


def name_order(member_id: str, first_name: str, last_name: str) -> tuple[str, str, str]:
    """The directory's order: folded last name, folded first name, then id."""
    return (fold(last_name), fold(first_name), member_id)


def entry_of(row: DirectoryRow, viewer: Viewer, *, on: dt.date) -> DirectoryEntry:
    """The entry ``viewer`` sees of ``row`` (MEM-2; MEM-3: ``restricted`` without a current
    directory consent, the photo only with a current photo consent, or to staff and the person)."""
    places = row.places
    if len(places) > 1:
        places = tuple({p.code: p for p in places}.values())  # each commune once, first seen
    insider = viewer.staff or viewer.member_id == row.member_id
    return DirectoryEntry(
        member_id=row.member_id,
        name=f"{row.first_name} {row.last_name}",
        email=row.email,
        phone=format_phone(row.phone) if row.phone else "",
        photo=row.photo if insider or row.photo_allowed else None,
        expertises=row.expertises,
        software_used=row.software_used,
        software_mastered=row.software_mastered,
        communes=tuple([f"{p.name} ({p.code})" for p in places]),
        epcis=tuple(dict.fromkeys([p.epci_name for p in places if p.epci_name is not None])),
        town_halls=tuple(
            [
                f"{p.name} : {p.hall_address}"
                + (f" ; {p.hall_hours}" if p.hall_hours else "")
                + (f" ; {format_phone(p.hall_phone)}" if p.hall_phone else "")
                for p in places
                if p.hall_address is not None
            ]
        ),
        restricted=not row.listed,
    )


def select_directory(
    query: DirectoryQuery,
    *,
    members: Iterable[Member],
    consents: Iterable[Consent],
    facts: Iterable[DirectoryFact],
    positions: Iterable[Position],
    communes: Iterable[Commune],
    epcis: Iterable[Epci],
    town_halls: Iterable[TownHall],
) -> list[DirectoryRow]:
    """The rows answering ``query``, from the records (positions and facts in key order)."""
    if query.empty:
        return []
    on = query.on
    consents = list(consents)
    facts = list(facts)
    positions = [p for p in positions if p.active_on(on)]
    ids: set[str] | None = None if query.member_ids is None else set(query.member_ids)
    for kind, keys in ((FactKind.EXPERTISE, query.expertises), (FactKind.SOFTWARE, query.software)):
        if keys is not None:
            wanted = set(keys)
            found = {f.member_id for f in facts if f.kind is kind and f.key in wanted}
            ids = found if ids is None else ids & found
    if query.communes is not None:
        codes = set(query.communes)
        found = {p.member_id for p in positions if p.commune in codes}
        ids = found if ids is None else ids & found
    seen = {c.member_id for c in consents if c.scope is ConsentScope.DIRECTORY and c.current_on(on)}
    viewer = query.viewer
    chosen = [
        m
        for m in members
        if (ids is None or m.id in ids)
        and m.erased_on is None
        and (query.include_departed or m.lifecycle is Lifecycle.ACTIVE)
        and (viewer.staff or viewer.member_id == m.id or m.id in seen)
    ]
    chosen.sort(key=lambda m: name_order(m.id, m.first_name, m.last_name))
    end = None if query.limit is None else query.offset + query.limit
    page = chosen[query.offset : end]
    shown = {m.id for m in page}
    held: dict[str, list[DirectoryFact]] = {}
    for fact in facts:
        if fact.member_id in shown:
            held.setdefault(fact.member_id, []).append(fact)
    scopes: dict[str, set[ConsentScope]] = {}
    for consent in consents:
        if consent.member_id in shown and consent.current_on(on):
            scopes.setdefault(consent.member_id, set()).add(consent.scope)
    known = {c.code: c for c in communes}
    epci_names = {e.siren: e.name for e in epcis}
    halls = {h.commune: h for h in town_halls}
    places: dict[str, list[Place]] = {}
    for position in sorted(positions, key=lambda p: p.id):
        commune = known.get(position.commune)
        if position.member_id in shown and commune is not None:
            hall = halls.get(commune.code)
            places.setdefault(position.member_id, []).append(
                Place(
                    commune.code,
                    commune.name,
                    epci_names.get(commune.epci) if commune.epci else None,
                    hall.address if hall else None,
                    hall.opening_hours if hall else "",
                    hall.phone if hall else None,
                )
            )
    rows = []
    for m in page:
        mine = sorted(held.get(m.id, ()), key=lambda f: (f.key, f.id))
        tools = [f for f in mine if f.kind is FactKind.SOFTWARE]
        rows.append(
            DirectoryRow(
                m.id,
                m.first_name,
                m.last_name,
                m.email,
                m.phone,
                m.photo,
                tuple(f.value for f in mine if f.kind is FactKind.EXPERTISE),
                tuple(f.value for f in tools if not f.mastered),
                tuple(f.value for f in tools if f.mastered),
                tuple(places.get(m.id, ())),
                ConsentScope.DIRECTORY in scopes.get(m.id, ()),
                ConsentScope.PHOTO in scopes.get(m.id, ()),
            )
        )
    return rows
