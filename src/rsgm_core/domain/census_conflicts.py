"""Records a merge brings twice onto one commune (TER-5).

A town hall, a membership for a year and a convention in force exist once per commune. When a
census re-import merges several communes into a commune nouvelle and more than one of them holds
such a record, the successor keeps one, the chef-lieu's (or, when the chef-lieu has none, the
first former commune's by code), and each other record stays where it was, on its former
commune, with a :class:`CensusConflict` naming it for an animator to resolve.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

__all__ = ["CensusConflict", "ConflictKind"]


class ConflictKind(enum.StrEnum):
    """The kind of record a merge brought twice onto one commune."""

    TOWN_HALL = "mairie"
    MEMBERSHIP = "adhésion"
    CONVENTION = "convention"


@attrs.frozen
class CensusConflict:
    """TER-5: a record kept aside on its ``former`` commune because the successor ``commune``
    already holds one of the same kind (``kept``, the key of the record in force there).

    ``record`` is the key of the record kept aside (the former commune's code for a town hall,
    the id of a membership or a convention); ``year`` is the membership's year."""

    id: str
    kind: ConflictKind
    commune: str
    former: str
    record: str
    kept: str
    vintage: str
    detected_on: dt.date
    year: int | None = None

    def describe(self) -> str:
        """One French line for the animator."""
        what = {
            ConflictKind.TOWN_HALL: "mairie",
            ConflictKind.MEMBERSHIP: f"adhésion {self.year}",
            ConflictKind.CONVENTION: "convention en vigueur",
        }[self.kind]
        return (
            f"{what} en double sur {self.commune} après la fusion de {self.former} "
            f"(millésime {self.vintage}) : celle de {self.commune} reste en vigueur, celle de "
            f"{self.former} est gardée à part, à résoudre"
        )
