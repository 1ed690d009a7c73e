"""IND-2: gather the annual activity report of the network (:class:`AnnualReport`, with the
structure of the guide, Fiche 3.6). The use case is :meth:`IndicatorService.annual_report`;
rendering (Markdown, HTML with inline SVG charts, PDF) lives in :mod:`rsgm_core.render.report`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rsgm_core._compat import deprecated
from rsgm_core.domain.indicators import (
    REPORT_ROLES,
    SMALL_COMMUNE,
    AnnualReport,
    Period,
    RoleHolders,
)
from rsgm_core.domain.profile import outside_territory
from rsgm_core.services.census import territory_of
from rsgm_core.services.history import first_event_date
from rsgm_core.services.indicators import IndicatorService, Scope
from rsgm_core.services.report_sections import collect_sections

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["AnnualReport", "build_annual_report"]


@deprecated("app.indicators.annual_report(year=…, scope=…)")
def build_annual_report(deps: Deps, year: int, scope: str | None = None) -> AnnualReport:
    """Deprecated: ``app.indicators.annual_report(year=…, scope=…)``."""
    return IndicatorService(deps).annual_report(year=year, scope=scope)


def _annual_report(service: IndicatorService, year: int, scope: Scope | str | None) -> AnnualReport:
    """The report of ``year``, read inside the service's reading block: one read unit of work,
    and the data of the year loaded once. Of one department (TER-7): its networks, committees
    and figures, titled with its name."""
    deps = service.deps
    period = Period.year(year)
    scope = Scope.parse(scope)
    indicators = service.compute(period=period, scope=scope)
    only = scope.code if scope.kind == "departement" else None
    with service._read() as uow:  # the unit of work of the reading block: one snapshot
        networks = [n for n in uow.networks.list() if only is None or n.departement in (only, None)]
        kept = {n.id for n in networks}
        roles = [r for r in uow.network_roles.list() if r.network_id in kept]
        holder_ids = tuple({r.member_id for r in roles})
        members = {m.id: m for m in uow.members.list({"id": holder_ids})} if holder_ids else {}
        committees = sum(
            1 for c in uow.committees.list() if only is None or c.departement in ("", only)
        )
        partners = uow.partners.count()
        territory = territory_of(deps, uow)
        dep_names = {d.code: d.name for d in uow.departements.list()}
        first_events = [first_event_date(uow, n) for n in networks if n.epci is None]
        sections = collect_sections(deps, uow, period, scope)
    codes = [only] if only else [c for c in territory if not outside_territory(c, territory)]
    identity = deps.settings.cdg
    target = deps.settings.policies.target_below
    # A CDG keeping a network per department (TER-7) reports on all of them unless one is asked.
    departmentals = sorted(
        (n for n in networks if n.epci is None), key=lambda n: n.departement or ""
    )
    charter = next((n.charter for n in departmentals if n.charter), None)
    organisation = []
    for role in REPORT_ROLES:
        held = [
            r for r in roles
            if r.role is role and r.since <= period.end and (r.until is None or r.until >= period.start)
        ]  # fmt: skip
        if held:
            names = sorted(_name(members.get(r.member_id)) for r in held)
            organisation.append(RoleHolders(role, tuple(names)))
    return AnnualReport.assemble(
        year=year,
        generated_on=deps.today(),
        indicators=indicators,
        title=" ; ".join(n.name for n in departmentals) or None,
        cdg=identity.short_name if identity else None,
        departements=[dep_names.get(code, code) for code in codes],
        target_below=target if target < SMALL_COMMUNE else None,
        created_on=_created_on(departmentals, first_events),
        purpose=charter.purpose if charter else None,
        charter_scope=charter.scope if charter else None,
        community_networks=sum(1 for n in networks if n.epci is not None),
        organisation=organisation,
        committees=committees,
        objectives=[
            (objective.kind, objective.text, objective.indicators)
            for network in networks
            for objective in network.objectives
        ],
        partners=partners,
        events=service.list_event_figures(period=period, scope=scope),
        coverage=service.coverage_by_epci(period=period, scope=scope),
        moves=service.moves_by_month(period=period, scope=scope),
        projects=service.list_projects(year=year + 1),
        issuer=identity,  # IND-2: the report names its CDG
        sections=sections,
    )


def _created_on(departmentals: list[Any], first_events: list[dt.date | None]) -> dt.date | None:
    """EVT-12: the network's creation date, never after the first event it has recorded (a
    network entered in the library after its first events existed before them)."""
    days = [n.created_on for n in departmentals if n.created_on]
    days += [d for d in first_events if d is not None] if days else []
    return min(days, default=None)


def _name(member: Any) -> str:
    if member is None or member.erased_on is not None:
        return "membre"
    return f"{member.first_name} {member.last_name}"
