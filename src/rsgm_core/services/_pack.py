"""What the membership pack's two areas share: input checks at the boundary, the grid in force
and the commune a use case is about. Private to ``services.memberships`` and ``services.billing``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rsgm_core.domain.tariffs import (
    TariffGrid,
    check_can_join,
    check_served,
    collect_grids,
    grid_for,
    grids_of_cdg,
    pick_cdg,
)
from rsgm_core.domain.territory import Commune, validate_insee_code
from rsgm_core.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = [
    "active_commune",
    "checked_date",
    "checked_year",
    "current_cdg",
    "grid_of",
    "grids_of",
    "known_commune",
    "own_grids",
    "served_commune",
]


def checked_year(value: object) -> int:
    """An exercise: a year as an ``int`` (a string or a bool is refused, not converted)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 9999:
        raise ValidationError(
            f"exercice invalide : {value!r} (une année, par exemple 2025)", value=value
        )
    return value


def checked_date(value: object, label: str) -> dt.date:
    """A date; a datetime is refused rather than silently losing its time and zone."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(f"{label} invalide : {value!r} (une date attendue)", value=value)
    return value


def grids_of(deps: Deps) -> tuple[TariffGrid, ...]:
    """The grids of the profile (``[[tarifs]]``) and those plugins bring; two for one CDG and
    exercise are refused (TAR-2)."""
    return collect_grids([deps.settings.grids, deps.hooks.tariff_grids()])


def current_cdg(deps: Deps) -> str:
    """The CDG whose grids apply (TAR-2): the profile's CDG, else the ``cdg`` option of the
    ``tariffs`` plugin, else the only CDG a plugin brings grids for (a plugin that is the CDG's
    own); see :func:`rsgm_core.domain.tariffs.pick_cdg`."""
    configured = deps.settings.cdg_code or deps.settings.plugin("tariffs").get("cdg")
    return pick_cdg(grids_of(deps), str(configured) if configured else None)


def grid_of(deps: Deps, year: int) -> TariffGrid:
    """The grid adopted for ``year``; none is a ``NotFoundError``, never another year's (TAR-2)."""
    return grid_for(grids_of(deps), checked_year(year), cdg=current_cdg(deps))


def own_grids(deps: Deps) -> tuple[TariffGrid, ...]:
    """This CDG's grids, by exercise; none configured is an error naming ``[[tarifs]]`` (TAR-2)."""
    return grids_of_cdg(grids_of(deps), cdg=current_cdg(deps))


def served_commune(deps: Deps, commune: Commune, *, what: str) -> Commune:
    """``commune``, refused if hors ressort (TER-7, checked in the domain)."""
    return check_served(commune, deps.settings.departements, what=what)


def known_commune(uow: UnitOfWork, code: str) -> Commune:
    found = uow.communes.find(validate_insee_code(code))  # a malformed code is TER-1's error
    if found is None:
        raise NotFoundError(
            f"commune inconnue : {code!r} (importez d'abord le recensement)", value=code
        )
    return found


def active_commune(uow: UnitOfWork, code: str) -> Commune:
    """The commune of ``code``, refused if merged or delegated (TER-5, checked in the domain)."""
    return check_can_join(known_commune(uow, code))
