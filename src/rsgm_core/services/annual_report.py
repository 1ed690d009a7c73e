"""IND-2: gather the annual activity report of the network, with the structure of the guide
(Fiche 3.6): description of the network, actions and their evaluation, projects for the coming
year. Rendering (Markdown, HTML with inline SVG charts, PDF) lives in
:mod:`rsgm_core.render.report`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.engagement import NetworkRole
from rsgm_core.domain.indicators import Indicator, Period
from rsgm_core.services.indicators import IndicatorService

if TYPE_CHECKING:
    from decimal import Decimal

    from rsgm_core.services.deps import Deps
    from rsgm_core.services.indicators import EventFigures

__all__ = ["AnnualReport", "build_annual_report"]


@attrs.frozen
class AnnualReport:
    year: int
    title: str
    generated_on: dt.date
    origin: list[str]  # description: origin of the network
    members: list[tuple[str, str]]  # (label, value) already formatted
    organisation: list[str]
    objectives: list[tuple[str, str, list[Indicator]]]  # (kind, text, its indicators)
    means: list[str]
    indicators: list[Indicator]
    events: list[EventFigures]
    coverage: list[tuple[str, int, int, Decimal | None]]
    moves: list[tuple[str, int, int]]  # (YYYY-MM, arrivals, departures)
    knowledge: list[Indicator]
    projects: list[str]

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


_KNOWLEDGE = {
    "ressources_publiees", "ressources_mises_a_jour", "ressources_perimees", "demandes_conseil",
    "demandes_repondues", "delai_reponse_median", "delai_reponse_p90",
}  # fmt: skip


_KINDS = {"strategique": "stratégique", "operationnel": "opérationnel"}


def build_annual_report(deps: Deps, year: int, scope: str | None = None) -> AnnualReport:
    with IndicatorService(deps).reading():
        return _build(deps, year, scope)


def _build(deps: Deps, year: int, scope: str | None) -> AnnualReport:
    from rsgm_core.render.formatting import format_date

    period = Period.year(year)
    service = IndicatorService(deps)
    indicators = service.compute(period, scope)
    by_key = {i.key: i for i in indicators}
    with deps.read() as uow:
        networks = uow.networks.list()
        roles = uow.network_roles.list()
        holders = tuple({r.member_id for r in roles})
        members = {m.id: m for m in uow.members.list({"id": holders})} if holders else {}
        committees = uow.committees.list()
        partners = uow.partners.list()
    departmental = next((n for n in networks if n.epci is None), None)
    title = departmental.name if departmental else "Réseau des secrétaires généraux de mairie"
    origin = []
    if departmental and departmental.created_on:
        origin.append(f"Réseau créé le {format_date(departmental.created_on)}.")
    if departmental and departmental.charter:
        origin.append(f"Objet : {departmental.charter.purpose}")
        origin.append(f"Périmètre : {departmental.charter.scope}")
    if not origin:
        origin.append("Origine du réseau non renseignée (charte de fonctionnement à enregistrer).")
    community = [n for n in networks if n.epci is not None]
    member_rows = [
        (i.label, i.display())
        for i in indicators
        if i.key in {"membres_actifs", "arrivees", "departs", "membres_desengages"}
    ]
    member_rows.append(("Réseaux communautaires", str(len(community))))
    organisation = []
    for role in (NetworkRole.ANIMATOR, NetworkRole.CO_ANIMATOR, NetworkRole.COMMUNITY_REFERENT):
        holders = [
            r for r in roles
            if r.role is role and r.since <= period.end and (r.until is None or r.until >= period.start)
        ]  # fmt: skip
        if holders:
            names = ", ".join(sorted(_name(members.get(r.member_id)) for r in holders))
            organisation.append(f"{role.value.replace('_', ' ').capitalize()} : {names}")
    organisation.append(f"Instances de gouvernance : {len(committees)}")
    objectives = [
        (_KINDS.get(objective.kind.value, objective.kind.value), objective.text, [by_key[k] for k in objective.indicators if k in by_key])
        for network in networks
        for objective in network.objectives
    ]  # fmt: skip
    means = [
        f"{len(partners)} partenaire(s)",
        f"{by_key['evenements'].display()} événement(s) dans l'année",
        f"{by_key['lettres_envoyees'].display()} lettre(s) d'information envoyée(s)",
    ]
    return AnnualReport(
        year=year,
        title=title,
        generated_on=deps.today(),
        origin=origin,
        members=member_rows,
        organisation=organisation,
        objectives=objectives,
        means=means,
        indicators=[i for i in indicators if i.key not in _KNOWLEDGE],
        events=service.events(period, scope),
        coverage=service.coverage_by_epci(period, scope),
        moves=service.moves_by_month(period, scope),
        knowledge=[i for i in indicators if i.key in _KNOWLEDGE],
        projects=service.projects(year + 1),
    )


def _name(member: Any) -> str:
    if member is None or member.erased_on is not None:
        return "membre"
    return f"{member.first_name} {member.last_name}"
