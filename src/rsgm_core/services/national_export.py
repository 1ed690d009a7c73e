"""IND-3: the anonymised export of one CDG's aggregate figures for the national synthesis.

No names, e-mails or per-person rows: person counts go into one-dimensional tables whose cells of
1 to 4 persons are suppressed, with complementary suppression so that no hidden cell can be
recovered by subtracting the published cells from the total (:func:`~rsgm_core.domain.national.suppress`).
Rates are rounded to 0.1 point, none is published that would give a suppressed cell back
(attendees / registered is not exported), and they are left out (``None``) when their denominator is under 5 persons,
so that a rate cannot give a small count away either.
"""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from rsgm_core.domain.indicators import Period
from rsgm_core.domain.national import SMALL, CdgExport, Table
from rsgm_core.services.census import CensusService

if TYPE_CHECKING:
    from rsgm_core.services.indicators import IndicatorService

__all__ = ["national_export"]


def national_export(service: IndicatorService, year: int, cdg: str | None) -> CdgExport:
    with service.reading():
        return _export(service, year, cdg)


def _export(service: IndicatorService, year: int, cdg: str | None) -> CdgExport:
    deps = service.deps
    if not cdg:
        cdg = "CDG" + "-".join(CensusService(deps).territory_codes() or ["?"])
    period = Period.year(year)
    indicators = {i.key: i for i in service.compute(period)}
    events = service.events(period)
    data, _ = service._load(period, "cdg")
    departements = {c.code: c.departement for c in data.communes.values()}
    active = data.active_members(period.end)
    home: dict[str, str] = {}
    for position in sorted(data.positions, key=lambda p: p.id):  # one department per person
        if position.member_id in active:
            home.setdefault(position.member_id, departements.get(position.commune, "autre"))
    invited = sum(e.invited for e in events)
    registered = sum(e.registered for e in events)
    attendees = sum(e.attendees for e in events)
    tables = [
        Table.anonymised("membres_actifs_par_departement", dict(Counter(home.values()))),
        Table.anonymised(
            "mouvements",
            {"arrivees": indicators["arrivees"].value or 0, "departs": indicators["departs"].value or 0},
        ),
        Table.anonymised(
            "participation",
            {"presents": attendees, "inscrits_absents": registered - attendees,
             "invites_non_inscrits": invited - registered},
        ),
    ]  # fmt: skip
    # attendees / registered is left out: with the published attendees it would give the
    # registered, hence the suppressed "inscrits_absents" cell
    denominators = {"taux_participation": invited}
    figures: dict[str, str | int | None] = {}
    for key in ("taux_participation", "taux_satisfaction",
                "taux_reponse_enquetes", "taux_ouverture_lettre", "couverture_territoriale",
                "adhesion_pack"):  # fmt: skip
        value = indicators[key].value
        small = key in denominators and denominators[key] < SMALL
        figures[key] = None if value is None or small else _share(Decimal(value))
    for key in ("evenements", "lettres_envoyees", "visites_plateforme"):  # not persons
        value = indicators[key].value
        figures[key] = None if value is None else int(value)
    return CdgExport(cdg, year, figures, tables)


def _share(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))
