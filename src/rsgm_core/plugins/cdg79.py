"""CDG 79's tariff grid: the reference plugin, and the worked example of shipping a CDG's own grid.

The Centre de gestion des Deux-Sèvres adopted its "pack adhésion" tariffs for the 2025 exercise by a
board decision of 9 December 2024 (membership convention, Art. 3). This module is all a CDG needs to
bring its own grid:

1. build a :class:`~rsgm_core.TariffGrid` per exercise, amounts as ``Decimal`` (or strings; floats
   are refused), strata with inclusive bounds covering 0 to the eligibility ceiling without gap or
   overlap (the grid refuses itself otherwise, at import time);
2. return them from a function named ``rsgm_tariff_grids`` decorated with ``hookimpl``;
3. register the module under the ``rsgm`` entry-point group of the CDG's package, e.g. in its
   ``pyproject.toml``::

       [project.entry-points.rsgm]
       cdg77 = "rsgm_cdg77.tariffs"

A CDG's own package imports these stable public types from the package itself::

    from rsgm_core import REFERENCE_CATALOGUE, Rounding, Stratum, TariffGrid, hookimpl

(this module, inside rsgm_core, imports the same types from ``rsgm_core.domain.tariffs``: a
built-in plugin depends on the domain, never on the package's facade).

When the board adopts the 2026 tariffs, add ``CDG79_2026`` to the returned list and keep 2025:
the grid of a year is the one adopted for it, and a 2025 invoice is still computed at 2025's rates.
A CDG whose convention numbers its articles differently passes ``catalogue=`` with its own
:class:`~rsgm_core.Service` entries; one that bills per started quarter hour passes
``rounding=Rounding(increment_minutes=15)``.
"""

from decimal import Decimal

from rsgm_core.domain.tariffs import REFERENCE_CATALOGUE, Rounding, Stratum, TariffGrid
from rsgm_core.hookspecs import hookimpl

__all__ = ["CDG79_2025", "rsgm_tariff_grids"]

CDG79_2025 = TariffGrid(
    cdg="cdg79",
    exercise=2025,
    # Art. 3.1, bounds inclusive as written: "de 500 à 999", "de 1 000 à 2 000", "de 2 001 à 3 500".
    strata=(
        Stratum(0, 499, Decimal("100")),
        Stratum(500, 999, Decimal("150")),
        Stratum(1_000, 2_000, Decimal("200")),
        Stratum(2_001, 3_500, Decimal("300")),
    ),
    member_hourly_rate=Decimal("35"),  # Art. 3.2, commune adhérente
    non_member_hourly_rate=Decimal("75"),  # Art. 3.2, commune non adhérente
    rounding=Rounding(
        increment_minutes=1
    ),  # the convention says "de l'heure": billed to the minute
    trainee_months=6,  # Art. 2.3
    trainee_onsite_half_days=2,  # Art. 2.3
    catalogue=REFERENCE_CATALOGUE,
    adopted_by="délibération du conseil d'administration du CDG79 du 9 décembre 2024",
)


@hookimpl
def rsgm_tariff_grids() -> list[TariffGrid]:
    """CDG 79's grids, one per exercise adopted."""
    return [CDG79_2025]
