"""Every published release of Etalab's ``@etalab/decoupage-administratif`` package (TER-1, TER-2).

Established from the packages themselves (``npm pack @etalab/decoupage-administratif@X.Y.Z``),
see ``docs/census.md``: the COG year from the number of communes in ``communes.json`` (INSEE's
count on 1 January of that year); the population vintage of ``communes.json`` (municipale only)
from the release date and the year its figures first appear (INSEE publishes vintage N at the end
of December N+2); the vintage of the municipale and totale ``epci.json`` gives per member commune
by comparing them with the figures of ``communes.json`` of the same and earlier releases.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs


@attrs.frozen
class EtalabRelease:
    """One published release: its COG year and the vintages of the populations it carries."""

    version: str
    published: str  # date of publication on npm
    cog_year: int
    population_vintage: int  # communes.json ``population``: the municipale
    epci_vintage: int | None  # epci.json members' municipale and totale; None: none given
    ept: bool  # data/ept.json (établissements publics territoriaux of the Métropole du Grand Paris)


def _r(
    version: str, published: str, cog: int, pop: int, epci: int | None, ept: bool = False
) -> EtalabRelease:
    return EtalabRelease(version, published, cog, pop, epci, ept)


#: Every release published on npm, oldest first (``npm view @etalab/decoupage-administratif versions``),
#: with the population vintages the packages show (docs/census.md, "How it was established").
RELEASES: Mapping[str, EtalabRelease] = {
    r.version: r
    for r in (
        _r("0.3.0", "2019-02-19", 2019, 2016, None),
        _r("0.4.0", "2019-04-08", 2019, 2016, None),
        _r("0.5.0", "2019-04-09", 2019, 2016, None),
        _r("0.5.1", "2019-05-06", 2019, 2016, None),
        _r("0.6.2", "2019-05-08", 2019, 2016, None),
        _r("0.7.0", "2020-01-08", 2019, 2016, None),
        _r("0.8.0", "2020-03-24", 2019, 2016, None),
        _r("0.9.0-0", "2021-09-30", 2021, 2016, None),
        _r("0.9.0-5", "2022-02-03", 2021, 2019, None),
        _r("1.0.0", "2022-02-08", 2021, 2019, None),
        _r("1.1.1", "2022-02-18", 2021, 2019, 2018),
        _r("2.0.0", "2022-02-21", 2022, 2019, 2019),
        _r("2.1.0", "2022-06-22", 2022, 2019, 2019),
        _r("2.2.1", "2022-08-31", 2022, 2019, 2019),
        _r("2.3.1", "2023-01-30", 2022, 2020, 2019),
        _r("3.0.0", "2023-02-23", 2023, 2020, 2020),
        _r("3.1.1", "2023-09-27", 2023, 2020, 2020, True),
        _r("4.0.0", "2024-04-17", 2024, 2021, 2021, True),
        _r("4.1.0", "2025-02-11", 2024, 2022, 2021, True),
        _r("5.0.0", "2025-03-04", 2025, 2022, 2022, True),
        _r("5.0.1", "2025-04-17", 2025, 2022, 2022, True),
        _r("5.2.0", "2025-05-07", 2025, 2022, 2022, True),
        _r("5.3.0", "2026-01-19", 2025, 2023, 2022, True),
        _r("6.0.0", "2026-03-09", 2025, 2023, 2022, True),
    )
}
