"""IND-3: the anonymised export of one CDG's aggregate figures for the national synthesis.

No names, e-mails or per-person rows: person counts go into one-dimensional tables whose cells of
1 to 4 persons are suppressed, with complementary suppression so that no hidden cell can be
recovered by subtracting the published cells from the total (:func:`~rsgm_core.domain.national.suppress`).
Rates are rounded to 0.1 point, none is published that would give a suppressed cell back
(attendees / registered is not exported), and they are left out (``None``) when their denominator
is under 5 persons or when their numerator or denominator is a suppressed cell (secondary
suppression, :func:`~rsgm_core.domain.national.anonymised_rates`), so that a rate cannot give a
small count away either.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rsgm_core._compat import deprecated
from rsgm_core.domain.indicators import Indicator, Period
from rsgm_core.domain.national import (
    CdgExport,
    NationalMerge,
    RateSource,
    Table,
    anonymised_rates,
    merge_exports,
    parse_export,
)
from rsgm_core.domain.national_census import census_of_function, core_section, export_day
from rsgm_core.domain.national_core import CoreCampaign
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.services.ages import census_in
from rsgm_core.services.census import CensusService
from rsgm_core.services.survey_core import core_campaigns

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.indicators import IndicatorService

__all__ = ["national_export"]


@deprecated("app.indicators.national_export(year=…, cdg=…)")
def national_export(service: IndicatorService, year: int, cdg: str | None) -> CdgExport:
    """Deprecated: ``app.indicators.national_export(year=…, cdg=…)``."""
    return service.national_export(year=year, cdg=cdg)


def _national_merge(paths: Iterable[Path | str]) -> NationalMerge:
    exports = []
    for name in paths:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFoundError(f"export introuvable : {path}", value=str(path)) from None
        except (OSError, ValueError) as exc:  # a folder, not UTF-8, a NUL in the name
            raise ValidationError(
                f"{path} : fichier illisible ({exc})", rule="IND-3", value=str(path)
            ) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"{path} : JSON illisible ({exc.msg})", rule="IND-3", value=str(path)
            ) from None
        exports.append(parse_export(data, source=str(path)))
    if not exports:
        raise ValidationError(
            "aucun export de CDG à fusionner : donnez au moins un fichier", rule="IND-3", value=""
        )
    return merge_exports(exports)


def _national_export(service: IndicatorService, year: int, cdg: str | None) -> CdgExport:
    """The export of ``year``, inside the service's reading block (storage read once)."""
    deps = service.deps
    if not cdg:
        cdg = "CDG" + "-".join(CensusService(deps).territory_codes() or ["?"])
    period = Period.year(year)
    indicators = {i.key: i for i in service.compute(period=period)}
    events = service.list_event_figures(period=period)
    data, _ = service._load(period, "cdg")
    departements = {c.code: c.departement for c in data.communes.values()}
    active = data.active_members(period.end)
    home: dict[str, str] = {}
    # the positions that make an active member (domain.active_members): each counts once, in
    # the department of its first position in the scope, so the table's total is the report's
    held = [(p.id, p.member_id, departements[p.commune]) for p in data.positions
            if p.commune in departements]  # fmt: skip
    held += [(p.id, p.member_id, p.departement) for p in data.coarse_positions]  # MEM-11
    for _, member_id, departement in sorted(held):  # one department per person
        if member_id in active:
            home.setdefault(member_id, departement)
    invited = sum(e.invited for e in events)
    registered = sum(e.registered for e in events)
    attendees = sum(e.attendees for e in events)
    tables = [
        Table.anonymised("membres_actifs_par_departement", dict(Counter(home.values()))),
        Table.anonymised(
            "mouvements",
            {"arrivees": int(indicators["arrivees"].value or 0),
             "departs": int(indicators["departs"].value or 0)},
        ),
        Table.anonymised(
            "participation",
            {"presents": attendees, "inscrits_absents": registered - attendees,
             "invites_non_inscrits": invited - registered},
        ),
    ]  # fmt: skip
    # attendees / registered is left out: with the published attendees it would give the
    # registered, hence the suppressed "inscrits_absents" cell
    _, sat_scored, sat_good = data.answer_counts(
        s for s in data.surveys_in(period) if s.kind.name == "SATISFACTION"
    )
    answers, _, _ = data.answer_counts(data.surveys_in(period))
    surveyed = sum(s.invited for s in data.surveys_in(period))
    cov = data.coverage(period, service.deps.settings.policies.target_below)["total"]
    small = data.small_communes(period)
    joined = {m.insee for m in data.memberships if period.start.year <= m.year <= period.end.year}
    recipients = sum(n.recipients for n in data.newsletters if n.sent_on in period)
    sources = {
        "taux_participation": RateSource(_value(indicators, "taux_participation"), attendees,
                                         invited, "participation.presents", "participation"),
        "taux_satisfaction": RateSource(_value(indicators, "taux_satisfaction"),
                                        sat_good, sat_scored),
        "taux_reponse_enquetes": RateSource(_value(indicators, "taux_reponse_enquetes"),
                                            min(answers, surveyed), surveyed),
        "taux_ouverture_lettre": RateSource(_value(indicators, "taux_ouverture_lettre"), 0,
                                            recipients),
        "couverture_territoriale": RateSource(_value(indicators, "couverture_territoriale"),
                                              cov.covered, cov.communes),
        "adhesion_pack": RateSource(_value(indicators, "adhesion_pack"), len(joined & small),
                                    len(small)),
    }  # fmt: skip
    figures: dict[str, str | int | None] = dict(anonymised_rates(tables, sources))
    for key in ("evenements", "lettres_envoyees", "visites_plateforme"):  # not persons
        value = indicators[key].value
        figures[key] = None if value is None else int(value)
    with service._read() as uow:  # the census of the function (IND-3, IND-4) and the core (SUR-2)
        census = census_in(deps, uow, on=export_day(year, deps.today()))
        coarse = uow.coarse_positions.list() if census is not None else []
        campaigns = tuple(c for c in _core_campaigns(uow) if c.year <= year)
    if census is not None:
        territory = {row.departement for row in census.rows}
        census_tables, census_figures = census_of_function(
            census,
            target_below=deps.settings.policies.target_below,
            coarse=[p for p in coarse if p.departement in territory],  # MEM-11
        )
        tables += census_tables
        figures |= census_figures
    return CdgExport(cdg, year, figures, tables, core_section(campaigns))


def _core_campaigns(uow: UnitOfWork) -> tuple[CoreCampaign, ...]:
    """SUR-2: the campaigns of the national common core held by this CDG."""
    return core_campaigns(uow)


def _value(indicators: dict[str, Indicator], key: str) -> Decimal | None:
    value = indicators[key].value
    return None if value is None else Decimal(value)
