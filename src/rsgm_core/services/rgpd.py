"""Personal data (MEM-11): ``app.rgpd``: right of access, erasure, retention purge."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from rsgm_core._compat import deprecated_aliases
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.bounds import check_day, check_days
from rsgm_core.domain.coarse import coarsen
from rsgm_core.domain.erasure_report import CollectionErasure, ErasureReport
from rsgm_core.domain.privacy import Identity, Personal, erase, mentions, names
from rsgm_core.domain.rgpd import DEFAULT_RETENTION_DAYS, anonymise, identity, past_retention
from rsgm_core.records import COLLECTIONS, Collection
from rsgm_core.render.exports import to_json
from rsgm_core.serialization import structure, unstructure
from rsgm_core.services.authorization import authorize
from rsgm_core.services.populations import populations_used

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

log = logging.getLogger(__name__)

#: MEM-11: every collection that may name a person or hold their words, with its declaration
#: (``Collection.personal`` in :mod:`rsgm_core.records`); the member record itself is apart.
PERSONAL: tuple[tuple[Collection[Any], Personal], ...] = tuple(
    (c, c.personal)
    for c in COLLECTIONS
    if c.personal is not None and c.personal.personal and c.name != "members"
)


__all__ = ["PERSONAL", "RgpdService"]


class RgpdService:
    """``app.rgpd``: the right of access, erasure and the retention purge (MEM-11)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def retention_days(self) -> int:
        """``Settings(plugins={"rgpd": {"retention_days": 1095}})``; three years by default."""
        return int(self.deps.settings.plugin("rgpd").get("retention_days", DEFAULT_RETENTION_DAYS))

    def export_personal_data(self, member_id: str, *, by: str) -> dict[str, Any]:
        """MEM-11, right of access: everything held on one person, as plain JSON values; ``by``:
        a CDG administrator (CHA-2)."""
        with self.deps.read() as uow:
            authorize(uow, by, Operation.EXPORT_PERSONAL_DATA, on=self.deps.today())
            member = uow.members.get(member_id)
            who = identity(member)
            held: dict[str, Any] = {"membre": unstructure(member)}
            for collection, personal in PERSONAL:
                found = []
                for record in uow.repository(collection.name).list():
                    data = unstructure(record)
                    if mentions(data, personal, who):
                        found.append(data)
                held[collection.name] = found
            # the names of the first version, kept one release
            held["reseaux_animes"] = [n for n in held["networks"] if n["referent_id"] == member_id]
            held["comites"] = [
                {"comite": c["kind"], "siege": s}
                for c in held["committees"]
                for s in c["seats"]
                if s["holder"] == member_id
            ]
            held["messages"] = held["outbox"]
        held["exporte_le"] = self.deps.today().isoformat()
        return held

    def export_personal_data_json(self, member_id: str, *, by: str) -> str:
        """:meth:`export_personal_data` as JSON text."""
        return to_json(self.export_personal_data(member_id, by=by))

    def erase(self, member_id: str, *, by: str) -> ErasureReport:
        """MEM-11: erase the person from every collection as each declares (``Collection.
        personal``): records only about them removed, the others anonymised, their free text
        blanked, their name, e-mail and phone cut from every text; positions coarsened. Counts
        and rates stay. Then the storage's checkpoint makes the old bytes leave its files.
        ``by``: a CDG administrator (CHA-2). Returns what was really done: an
        :class:`~rsgm_core.ErasureReport` (counts per collection, whether the checkpoint
        completed)."""
        day = self.deps.today()
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.ERASE, on=day)
            member = uow.members.get(member_id)
            before = _mentions(uow, identity(member)) if not member.erased else {}
            _erase(uow, member_id, day)
            counted = _counted(uow, before)
        done = _checkpoint(self.deps)
        return ErasureReport(
            member_id, day, actor.id, anonymised=not member.erased, collections=counted,
            checkpointed=done,
        )  # fmt: skip

    def erase_elu(self, elu_id: str, *, by: str) -> ErasureReport:
        """MEM-11, MEM-12: erase an élu who is not a member of the network: every mandate of
        theirs removed (the ``elus`` records are only about them), their name, e-mail and phone
        cut from every text that held them (letters, queued messages, committees), the letters'
        count kept. Then the storage's checkpoint, as :meth:`erase`. ``by``: a CDG administrator
        (CHA-2). The report's ``member_id`` is the élu's id; ``anonymised`` says whether there
        was anything to erase."""
        day = self.deps.today()
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.ERASE, on=day)
            elu = uow.elus.get(elu_id)
            who = Identity(
                elu_id, elu.first_name, elu.last_name,
                emails=(elu.email,) if elu.email else (),
                phones=(elu.phone,) if elu.phone else (),
            )  # fmt: skip
            before = _mentions(uow, who)
            _erase_everywhere(uow, who)
            counted = _counted(uow, before)
        done = _checkpoint(self.deps)
        return ErasureReport(
            elu_id, day, actor.id, anonymised=bool(before), collections=counted,
            checkpointed=done,
        )  # fmt: skip

    def purge(
        self, *, by: str, on: dt.date | None = None, retention_days: int | None = None
    ) -> list[str]:
        """MEM-11: erase every departed member past the retention period; their ids. ``by``: a
        CDG administrator (CHA-2)."""
        day = check_day(self.deps.on(on), rule="MEM-11")  # bounds: docs/limits.md
        keep = self.retention_days if retention_days is None else retention_days
        keep = check_days(keep, what="durée de conservation en jours", rule="MEM-11")
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.ERASE, on=self.deps.today())
            due = past_retention(uow.members.list(), on=day, retention_days=keep)
            for member in due:
                _erase(uow, member.id, day)
        if due:
            _checkpoint(self.deps)
        return [m.id for m in due]

    if TYPE_CHECKING:  # the former names, attached below at run time: typed for a caller's checker

        @typed_deprecated("use app.rgpd.export_personal_data()")
        def export(self, member_id: str, *, by: str) -> dict[str, Any]: ...
        @typed_deprecated("use app.rgpd.export_personal_data_json()")
        def export_json(self, member_id: str, *, by: str) -> str: ...


deprecated_aliases(
    RgpdService, export="export_personal_data", export_json="export_personal_data_json"
)


def _checkpoint(deps: Deps) -> bool:
    """MEM-11: the storage's checkpoint; whether it completed."""
    if deps.storage.checkpoint():
        return True
    log.warning(
        "effacement enregistré, mais un lecteur ouvert garde le journal de la base : "
        "relancez l'effacement quand il aura fini (MEM-11)"
    )
    return False


#: Per collection, the records naming or mentioning the person before the erasure: key →
#: (plain values, whether the record is about them).
_Before = dict[str, dict[Any, tuple[dict[str, Any], bool]]]


def _mentions(uow: UnitOfWork, who: Identity) -> _Before:
    """MEM-11: what the erasure may touch, read before it runs (for its report)."""
    found: _Before = {}
    for collection, personal in PERSONAL:
        for record in uow.repository(collection.name).list():
            data = unstructure(record)
            if mentions(data, personal, who):
                about = names(data, personal, who)
                found.setdefault(collection.name, {})[collection.key_of(record)] = (data, about)
    return found


def _counted(uow: UnitOfWork, before: _Before) -> tuple[CollectionErasure, ...]:
    """MEM-11: what became of the records read by :func:`_mentions`, per collection."""
    counts = []
    for collection, personal in PERSONAL:
        held = before.get(collection.name)
        if not held:
            continue
        repo = uow.repository(collection.name)
        removed = anonymised = mentioned = 0
        for key, (data, about) in held.items():
            now = repo.find(key)
            if now is None:
                removed += 1
            elif unstructure(now) != data:
                if about:
                    anonymised += 1
                else:
                    mentioned += 1
        if removed or anonymised or mentioned:
            counts.append(
                CollectionErasure(
                    collection.name,
                    collection.title,
                    personal.erasure,
                    removed,
                    anonymised,
                    mentioned,
                )
            )
    return tuple(counts)


def _erase(uow: UnitOfWork, member_id: str, day: dt.date) -> None:
    """MEM-11: erase one person inside the caller's unit of work, collection by collection."""
    member = uow.members.get(member_id)
    if member.erased:
        return
    who = identity(member)
    uow.members.update(anonymise(member, on=day))
    _coarsen_positions(uow, member_id, day)
    _erase_everywhere(uow, who)


def _erase_everywhere(uow: UnitOfWork, who: Identity) -> None:
    """MEM-11: ``who`` erased from every collection, as each one's declaration says."""
    for collection, personal in PERSONAL:
        _erase_in(uow, collection, personal, who)


def _erase_in(
    uow: UnitOfWork, collection: Collection[Any], personal: Personal, who: Identity
) -> None:
    repo = uow.repository(collection.name)
    changed = []
    for record in repo.list():
        data = unstructure(record)
        after = erase(copy.deepcopy(data), personal, who)
        if after is None:
            repo.remove(collection.key_of(record))
        elif after != data:
            changed.append(structure(after, collection.record))
    if changed:
        repo.update_all(changed)


def _coarsen_positions(uow: UnitOfWork, member_id: str, day: dt.date) -> None:
    """MEM-11: each position of the person replaced by a coarse one (EPCI, stratum, department,
    years; no commune), so the anonymised member is tied to no commune."""
    held = uow.positions.list({"member_id": member_id})
    if not held:
        return
    codes = sorted({p.commune for p in held})
    communes = {c.code: c for c in uow.communes.list({"code": codes})}
    populations = populations_used(uow, codes, year=day.year)
    others = {
        p.commune
        for p in uow.positions.list({"commune": codes})
        if p.member_id != member_id and p.active_on(day)
    }
    counted: set[str] = set()
    coarse = []
    for position in sorted(held, key=lambda p: p.id):
        commune = communes.get(position.commune)
        figure = populations.get(position.commune)
        sole = position.commune not in others and position.commune not in counted
        if sole and position.active_on(day):
            counted.add(position.commune)  # one commune is covered once, however many posts
        coarse.append(
            coarsen(
                position,
                departement=commune.departement if commune else position.commune[:2],
                epci=commune.epci if commune else None,
                population=figure.population if figure else None,
                sole=sole,
            )
        )
    for position in held:
        uow.positions.remove(position.id)
    uow.coarse_positions.add_all(coarse)
