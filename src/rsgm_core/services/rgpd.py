"""Personal data (MEM-11): ``app.rgpd``: right of access, erasure, retention purge."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from rsgm_core._compat import deprecated_aliases
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.bounds import check_day, check_days
from rsgm_core.domain.privacy import Identity, Personal, erase, mentions
from rsgm_core.domain.rgpd import DEFAULT_RETENTION_DAYS, anonymise, identity, past_retention
from rsgm_core.records import COLLECTIONS, Collection
from rsgm_core.render.exports import to_json
from rsgm_core.serialization import structure, unstructure
from rsgm_core.services.authorization import authorize

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

    def erase(self, member_id: str, *, by: str) -> None:
        """MEM-11: erase the person from every collection as each declares (``Collection.
        personal``): records only about them removed, the others anonymised, their free text
        blanked, their name, e-mail and phone cut from every text; positions coarsened. Counts
        and rates stay. Then the storage's checkpoint makes the old bytes leave its files. ``by``: a CDG administrator (CHA-2)."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.ERASE, on=self.deps.today())
            _erase(uow, member_id, self.deps.today())
        _checkpoint(self.deps)

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


def _checkpoint(deps: Deps) -> None:
    if not deps.storage.checkpoint():
        log.warning(
            "effacement enregistré, mais un lecteur ouvert garde le journal de la base : "
            "relancez l'effacement quand il aura fini (MEM-11)"
        )


def _erase(uow: UnitOfWork, member_id: str, day: dt.date) -> None:
    """MEM-11: erase one person inside the caller's unit of work, collection by collection."""
    member = uow.members.get(member_id)
    if member.erased:
        return
    who = identity(member)
    uow.members.update(anonymise(member, on=day))
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
