"""A department's plugin: CDG 79's 2026 grid, its own closing days, and an observer.

It imports nothing but ``rsgm_core``'s public names and the standard library. Shipped in the
CDG's own package (say ``rsgm_cdg79_local``, module ``rsgm_cdg79_local/plugin.py``), it is loaded
by every ``rsgm_core.open()`` and by the ``rsgm`` command once the package declares it in its
``pyproject.toml``::

    [project.entry-points.rsgm]
    cdg79_local = "rsgm_cdg79_local.plugin"

(``RSGM_DISABLE_PLUGINS=cdg79_local`` then blocks it by that name). A script may also pass it for
one opened instance only: ``rsgm_core.open(url, plugins=[plugin])``.
"""

import datetime as dt
import logging
from decimal import Decimal

from rsgm_core import (
    REFERENCE_CATALOGUE,
    CensusChanges,
    CensusImport,
    Member,
    Rounding,
    Settings,
    Stratum,
    TariffGrid,
    hookimpl,
)

DEPARTEMENT = "79"
log = logging.getLogger("rsgm_cdg79_local")

# The 2026 tariffs adopted by the board (the 2025 grid is in the CDG's profile, ``[[tarifs]]`` of
# its rsgm.toml; a grid may come from either). Same CDG code, so that both exercises are that
# CDG's: a 2025 invoice is still computed at 2025's rates.
CDG79_2026 = TariffGrid(
    cdg="cdg79",
    exercise=2026,
    strata=(
        Stratum(0, 499, Decimal("105")),
        Stratum(500, 999, Decimal("155")),
        Stratum(1_000, 2_000, Decimal("210")),
        Stratum(2_001, 3_500, Decimal("315")),
    ),
    member_hourly_rate=Decimal("36"),
    non_member_hourly_rate=Decimal("77"),
    rounding=Rounding(increment_minutes=15),  # each started quarter hour is billed
    catalogue=REFERENCE_CATALOGUE,
    adopted_by="délibération du conseil d'administration du CDG79 du 8 décembre 2025",
)

# The days the CDG closes besides the public holidays, voted each year: the bridge after
# Ascension Thursday. Christmas Eve is closed every year.
BRIDGES = {2025: dt.date(2025, 5, 30), 2026: dt.date(2026, 5, 15)}


@hookimpl
def rsgm_tariff_grids() -> list[TariffGrid]:
    return [CDG79_2026]


@hookimpl
def rsgm_public_holidays(year: int, departement: str, settings: Settings) -> list[dt.date]:
    """Only the CDG's own closing days: the national ones come from the built-in plugin."""
    if departement != DEPARTEMENT:
        return []
    closed = [dt.date(year, 12, 24)]
    if year in BRIDGES:
        closed.append(BRIDGES[year])
    return closed


@hookimpl
def rsgm_on_member_added(member: Member) -> None:
    log.info("nouveau membre du réseau : %s", member.full_name)


@hookimpl
def rsgm_on_census_imported(changes: CensusChanges, imported: CensusImport) -> None:
    for code in changes.orphans:  # communes an animator must reassign (TER-5)
        log.warning("millésime %s : commune %s sans successeur connu", imported.vintage, code)
