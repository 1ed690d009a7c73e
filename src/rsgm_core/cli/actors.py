"""CHA-2: who did an administrative act, as the command line shows it: the person's name, or,
for a record made before rsgm_core recorded who acts (migration 18), that it predates it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["BEFORE", "actor_names", "shown"]

#: What a listing shows for a record made before the actors were recorded.
BEFORE = "avant l'enregistrement des auteurs"


def actor_names(app: Any, ids: Iterable[str | None]) -> dict[str, str]:
    """The full name of each member id in ``ids`` (``None`` skipped)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    with app.storage.unit_of_work(read_only=True) as uow:
        return {m.id: m.full_name for m in uow.members.list({"id": wanted})}


def shown(names: dict[str, str], member_id: str | None) -> str:
    """The actor as a listing shows them: their name (their id if unknown), or :data:`BEFORE`."""
    if member_id is None:
        return BEFORE
    return names.get(member_id, member_id)
