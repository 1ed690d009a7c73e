"""The annual report's sections on working groups (NET-5) and suggestions (NET-6), IND-2: two
sources of :data:`rsgm_core.services.report_sections.REPORT_SECTIONS`, each reading the report's
own unit of work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rsgm_core.domain.indicators import Period, Scope
from rsgm_core.domain.messages import MessageStatus
from rsgm_core.domain.report_sections import ReportPart, ReportSection, ReportTable
from rsgm_core.domain.suggestions import Suggestion, SuggestionOutcome
from rsgm_core.domain.toolbox import ResourceStatus
from rsgm_core.domain.working_groups import GroupState, WorkingGroup
from rsgm_core.render.formatting import format_date_short
from rsgm_core.services.group_agenda import current_resources

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["suggestions_section", "working_groups_section"]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count < 2 else many}"


def _in_scope(uow: UnitOfWork, scope: Scope) -> set[str] | None:
    """The networks of the scope (None: every one)."""
    if scope.kind == "cdg":
        return None
    networks = uow.networks.list()
    if scope.kind == "departement":
        return {n.id for n in networks if n.departement == scope.code}
    return {n.id for n in networks if n.epci == scope.code}


def _lived_in(group: WorkingGroup, period: Period) -> bool:
    return group.created_on <= period.end and (
        group.closed_on is None or group.closed_on >= period.start
    )


def _state_on(group: WorkingGroup, period: Period) -> GroupState:
    """The group's state at the end of the period (a later restitution or closing not yet)."""
    if group.closed_on is not None and group.closed_on <= period.end:
        return GroupState.CLOSED
    if group.delivered_on is not None and group.delivered_on <= period.end:
        return GroupState.DELIVERED
    return GroupState.OPEN


def working_groups_section(
    deps: Deps, uow: UnitOfWork, period: Period, scope: Scope
) -> ReportSection | None:
    """NET-5, IND-2: every working group that lived in the period, with its state at its end,
    its members, its meetings held in the period and its deliverables (published ones)."""
    networks = _in_scope(uow, scope)
    groups = sorted(
        (g for g in uow.working_groups.list()
         if _lived_in(g, period) and (networks is None or g.network_id in networks)),
        key=lambda g: g.name.casefold(),
    )  # fmt: skip
    ids = [g.id for g in groups]
    members = uow.working_group_members.list({"group_id": ids}) if ids else []
    deliverables = uow.working_group_deliverables.list({"group_id": ids}) if ids else []
    resources = current_resources(uow, [d.resource_id for d in deliverables])
    events = sorted({e for g in groups for e in g.meeting_ids})
    sessions = uow.sessions.list({"event_id": events}) if events else []
    held = {s.event_id for s in sessions if s.date in period}
    rows = []
    states = {state: 0 for state in GroupState}
    for group in groups:
        state = _state_on(group, period)
        states[state] += 1
        people = {m.member_id for m in members if m.group_id == group.id
                  and m.joined_on <= period.end
                  and (m.left_on is None or m.left_on >= period.start)}  # fmt: skip
        mine = [d for d in deliverables if d.group_id == group.id and d.added_on <= period.end]
        published = sum(
            1 for d in mine
            if d.resource_id in resources and resources[d.resource_id].status is ResourceStatus.PUBLISHED
        )  # fmt: skip
        restitution = group.restitution_on
        rows.append((
            group.name, group.theme, state.value, len(people),
            sum(1 for e in group.meeting_ids if e in held),
            f"{published}/{len(mine)}",
            format_date_short(restitution) if restitution else "à fixer",
        ))  # fmt: skip
    lines = []
    if groups:
        lines.append(
            f"{_plural(len(groups), 'groupe de travail', 'groupes de travail')} : "
            f"{_plural(states[GroupState.OPEN], 'ouvert', 'ouverts')}, "
            f"{_plural(states[GroupState.DELIVERED], 'rendu', 'rendus')}, "
            f"{_plural(states[GroupState.CLOSED], 'clos', 'clos')}."
        )
        delivered = [g for g in groups if g.delivered_on and g.delivered_on in period]
        for group in delivered:
            assert group.delivered_on is not None
            lines.append(
                f"Restitution au réseau du groupe « {group.name} » le "
                f"{format_date_short(group.delivered_on)}."
            )
    return ReportSection(
        ReportPart.ACTIONS,
        "Groupes de travail",
        lines,
        ReportTable(
            ("groupe", "thème", "état", "membres", "réunions", "livrables publiés", "restitution"),
            rows,
            numeric_from=3,
        ),
        empty="Aucun groupe de travail cette année.",
    )


def _answered(uow: UnitOfWork, suggestions: list[Suggestion]) -> int:
    ids = [s.answer_id for s in suggestions if s.answer_id]
    if not ids:
        return 0
    return sum(1 for m in uow.outbox.list({"id": ids}) if m.status is MessageStatus.SENT)


def suggestions_section(
    deps: Deps, uow: UnitOfWork, period: Period, scope: Scope
) -> ReportSection | None:
    """NET-6, IND-2: the members' suggestions received in the period, those the follow-up
    committee decided (accepted, planned, declined) and those whose answer was sent; each
    suggestion decided in the period listed with its decision (no author: only the words)."""
    if scope.kind == "epci":
        return None  # a suggestion belongs to the CDG's (or a department's) committee
    found = [
        s for s in uow.suggestions.list()
        if scope.kind == "cdg" or s.departement in ("", scope.code)
    ]  # fmt: skip
    received = [s for s in found if s.received_on in period]
    decided = [s for s in found if s.decided_on is not None and s.decided_on in period]
    by = {o: sum(1 for s in decided if s.outcome is o) for o in SuggestionOutcome}
    pending = [s for s in found if s.received_on <= period.end
               and (s.decided_on is None or s.decided_on > period.end)]  # fmt: skip
    lines = []
    if received or decided:
        lines = [
            f"{_plural(len(received), 'suggestion reçue', 'suggestions reçues')} des membres ; "
            f"{_plural(len(decided), 'décidée', 'décidées')} par le comité de suivi "
            f"({_plural(by[SuggestionOutcome.ACCEPTED], 'acceptée', 'acceptées')}, "
            f"{_plural(by[SuggestionOutcome.PLANNED], 'planifiée', 'planifiées')}, "
            f"{_plural(by[SuggestionOutcome.DECLINED], 'refusée', 'refusées')}) ; "
            f"{_plural(_answered(uow, decided), 'réponse envoyée', 'réponses envoyées')} "
            "à leur auteur.",
            f"{_plural(len(pending), 'suggestion', 'suggestions')} en attente d'examen à la fin "
            "de l'année.",
        ]
    rows = [
        (
            format_date_short(s.received_on),
            s.text if len(s.text) <= 120 else s.text[:119] + "…",
            s.outcome.label if s.outcome else "",
            format_date_short(s.decided_on) if s.decided_on else "",
            s.reason if len(s.reason) <= 120 else s.reason[:119] + "…",
        )
        for s in sorted(decided, key=lambda s: (s.decided_on, s.received_on, s.id))
    ]
    return ReportSection(
        ReportPart.ACTIONS,
        "Suggestions des membres",
        lines,
        ReportTable(("reçue le", "suggestion", "décision", "décidée le", "raison"), rows)
        if rows
        else None,
        empty="Aucune suggestion reçue ni décidée cette année.",
    )
