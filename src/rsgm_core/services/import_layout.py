"""Where a member sheet's cells are, worked out once per header, for the quick path of
:meth:`~.import_rows.RowChecker.check` (MEM-1)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = ["PLACE_FIELDS", "QuickLayout"]

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
