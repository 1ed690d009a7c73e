"""Light rows: the few columns a computation reads of a collection (``Repository.values``),
where whole records would be built for nothing. Kept apart from the indicators' own rows
(:mod:`rsgm_core.services.indicators_data`) so that the census report, which reads communes this
way, does not import the indicators."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Place"]


class Place(NamedTuple):
    """A commune as the indicators and the local networks' coverage see it."""

    code: str
    departement: str
    epci: str | None
