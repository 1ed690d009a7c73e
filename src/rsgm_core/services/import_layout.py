"""The quick paths of :meth:`~.import_rows.RowChecker.check` (MEM-1, MEM-2): where a member
sheet's cells are, worked out once per header, and the usual address, judged for less."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from rsgm_core.domain.members import GENERIC_LOCAL_PARTS, plain_email_parts, squeezed_personal

__all__ = ["PLACE_FIELDS", "QuickLayout", "UsualAddress"]

#: The cells that say a row's commune and position (:meth:`~.import_rows.RowChecker._place`).
PLACE_FIELDS = (
    "commune", "commune_name", "departement", "function", "status", "work_time", "permanent"
)  # fmt: skip


@attrs.frozen
class QuickLayout:
    """Where a sheet's cells are, for the quick path of :meth:`~.import_rows.RowChecker.check`:
    the person's cells by index (a doubled field: its last column, as the cell dictionary keeps
    it), the place's cells picked together. ``ready`` only when no default can fill a person's
    cell and no optional cell is read (those rows take the dictionary's path)."""

    columns: Mapping[int, str]
    ready: bool
    width: int = -1  # the highest index read
    first: int = 0
    last: int = 0
    email: int | None = None
    phone: int | None = None
    place: Callable[[list[str]], Any] = tuple

    @classmethod
    def of(cls, columns: Mapping[int, str], defaults: Mapping[str, str], more: bool) -> QuickLayout:
        where = {field: index for index, field in columns.items()}
        person = ("first_name", "last_name", "email", "phone")
        if more or "first_name" not in where or "last_name" not in where:
            return cls(columns, False)
        if set(defaults) & set(person):
            return cls(columns, False)
        spots = [where[f] for f in PLACE_FIELDS if f in where]
        place: Callable[[list[str]], Any] = operator.itemgetter(*spots) if spots else lambda raw: ()
        return cls(
            columns, True, max(columns), where["first_name"], where["last_name"],
            where.get("email"), where.get("phone"), place,
        )  # fmt: skip


class UsualAddress:
    """Says whether an address is the usual one, kept as written; the verdicts on domains are
    kept by one instance (one import)."""

    def __init__(self) -> None:
        self._domains: dict[str, bool] = {}  # domain as written → _plain_as_written

    def __call__(self, email: str, town: tuple[str, ...]) -> bool:
        """The usual address, kept as written: letters and digits between single dots, at a
        domain kept as written, surely a person's; what :func:`~.members.plain_email_parts` and
        :func:`~.members.surely_personal` pass unchanged, for less (a property test)."""
        local, _, domain = email.rpartition("@")
        bare = local.replace(".", "")
        if not (
            bare.isalnum() and bare.isascii() and len(local) <= 64 and len(email) <= 254
            and local[0] != "." and local[-1] != "." and ".." not in local
        ):  # fmt: skip
            return False
        plain = self._domains.get(domain)
        if plain is None:
            plain = self._domains[domain] = _plain_as_written(domain)
        return (
            plain
            and local.lower() not in GENERIC_LOCAL_PARTS
            and squeezed_personal(bare.lower(), town)
        )


def _plain_as_written(domain: str) -> bool:
    """A plain address at ``domain`` is kept as written (:func:`~.members.plain_email_parts`:
    the domain accepted, and in lower case already)."""
    parts = plain_email_parts(f"x@{domain}")
    return parts is not None and parts[1] == domain
