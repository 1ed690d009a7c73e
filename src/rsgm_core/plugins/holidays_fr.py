"""Built-in public holidays of France, by department (EVT-3), from the ``holidays`` package.

Alsace-Moselle (57, 67, 68) adds Good Friday and 26 December; the overseas departments have their
own days (abolition of slavery, …). Whether Whit Monday (lundi de Pentecôte, the *journée de
solidarité* in many collectivities) is worked is a CDG setting: ``lundi_de_pentecote_travaille`` in
the profile's ``[calendrier]`` (``Settings.policies.whit_monday_worked``); the older plugin option
``Settings(plugins={"holidays_fr": {"whit_monday_worked": True}})`` still counts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rsgm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from rsgm_core.settings import Settings

# The ``holidays`` package names Alsace "6AE" (Collectivité européenne d'Alsace) and the overseas
# collectivities by their ISO codes.
_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
    "975": "PM",
    "977": "BL",
    "978": "MF",
}


@hookimpl
def rsgm_public_holidays(year: int, departement: str, settings: Settings) -> list[dt.date]:
    import holidays

    days = holidays.country_holidays("FR", subdiv=_SUBDIVISIONS.get(departement), years=year)
    whit_monday_worked = settings.policies.whit_monday_worked or bool(
        settings.plugin("holidays_fr").get("whit_monday_worked", False)
    )
    return sorted(
        day for day, name in days.items() if not (whit_monday_worked and "Pentecost" in name)
    )
