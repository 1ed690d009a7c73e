"""The network's means in the annual report (NET-8, IND-2) and the budget's spreadsheet export.

Three sections of the report's first part, "Description du réseau", after its means
(:data:`MEANS_SECTIONS`, listed in :data:`rsgm_core.services.report_sections.REPORT_SECTIONS`):
the budget planned and spent by nature with the cost of each event, the venues used and the
speakers by kind, the animators' hours by activity (advice requests' time included, CNS-1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rsgm_core.domain.indicators import Period, Scope
from rsgm_core.domain.means import BudgetNature, SpeakerKind
from rsgm_core.domain.means_summary import (
    MeansSummary,
    VenueUse,
    animation_time,
    budget_of,
    speakers_by_kind,
)
from rsgm_core.domain.report_sections import ReportPart, ReportSection, ReportTable
from rsgm_core.errors import ValidationError
from rsgm_core.render.formatting import format_money, format_number
from rsgm_core.render.french import plural

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps
    from rsgm_core.services.report_sections import SectionSource

__all__ = [
    "BUDGET_HEAD",
    "MEANS_SECTIONS",
    "budget_export",
    "budget_section",
    "event_titles",
    "hours",
    "means_summary",
    "time_section",
    "venues_section",
]


def means_summary(deps: Deps, uow: UnitOfWork, year: int) -> MeansSummary:
    """NET-8: the means of ``year``, read in ``uow``."""
    zone = deps.settings.zone
    budget = budget_of(year, uow.budget_lines.list({"year": year}))
    choices = uow.venue_choices.list()
    all_speakers = uow.speakers.list()
    # the year's sessions, read only when a venue or a speaker may belong to one of them
    sessions = (
        {s.id for s in uow.sessions.list() if s.date.year == year}
        if choices or all_speakers
        else set()
    )
    venues = {v.id: v for v in uow.venues.list()} if choices else {}
    used: dict[str, int] = {}
    for choice in choices:
        if choice.id in sessions and choice.venue_id in venues:
            used[choice.venue_id] = used.get(choice.venue_id, 0) + 1
    uses = sorted(
        (VenueUse(venues[v], n) for v, n in used.items()), key=lambda u: (-u.sessions, u.venue.name)
    )
    speakers = [s for s in all_speakers if s.session_id in sessions]
    advice = sum(
        r.minutes_spent
        for r in uow.advice_requests.list()
        if r.answered_at is not None and r.answered_at.astimezone(zone).year == year
    )
    entries = [e for e in uow.time_entries.list() if e.day.year == year]
    names = {}
    for member_id in {e.member_id for e in entries}:
        member = uow.members.find(member_id)
        names[member_id] = member.full_name if member is not None else member_id
    time = animation_time(year, entries, advice_minutes=advice, names=names)
    return MeansSummary(year, budget, tuple(uses), speakers_by_kind(speakers), time)


def hours(minutes: int) -> str:
    """Minutes as French hours to the tenth: ``90`` → ``1,5 h``."""
    return f"{format_number(Decimal(minutes) / 60, decimals=1)} h"


def _money(amount: Decimal) -> str:
    return format_money(amount)


def _day_of(title: str) -> str:
    """The sortable day of a title ending in « du JJ/MM/AAAA »."""
    day = title.rsplit(" du ", 1)[-1]
    return day[6:] + day[3:5] + day[:2] if len(day) == 10 else ""


BUDGET_HEAD = ("Nature", "Prévu", "Réalisé", "Écart sur les lignes réglées")


def budget_section(summary: MeansSummary, titles: dict[str, str]) -> ReportSection:
    """NET-8: the year's budget by nature, and the cost of each event (the sum of its lines)."""
    budget = summary.budget
    rows = [
        (
            n.nature.label.capitalize(),
            _money(n.planned),
            _money(n.actual),
            _money(n.gap) if n.settled or n.actual else "—",
        )
        for n in budget.natures
    ]
    lines = []
    if rows:
        rows.append(
            ("Total", _money(budget.planned), _money(budget.actual),
             _money(budget.gap))
        )  # fmt: skip
        lines.append(
            f"Budget {summary.year} : {_money(budget.planned)} prévus, "
            f"{_money(budget.actual)} dépensés"
        )
    for cost in sorted(budget.events, key=lambda c: _day_of(titles.get(c.event_id, ""))):
        title = titles.get(cost.event_id, cost.event_id)
        lines.append(
            f"Coût de {title} : {_money(cost.cost)} ("
            + plural(cost.lines, "ligne")
            + f", {_money(cost.planned)} prévus, {_money(cost.actual)} dépensés)"
        )
    return ReportSection(
        ReportPart.DESCRIPTION,
        "Moyens : budget",
        lines,
        ReportTable(BUDGET_HEAD, rows, numeric_from=1) if rows else None,
        empty="Aucune ligne de budget enregistrée pour cette année.",
    )


_KIND_WORDS = {
    SpeakerKind.MEMBER: (
        "intervention d'un membre du réseau",
        "interventions de membres du réseau",
    ),
    SpeakerKind.PARTNER: ("intervention d'un partenaire", "interventions de partenaires"),
    SpeakerKind.CDG_SERVICE: (
        "intervention d'un service du CDG",
        "interventions de services du CDG",
    ),
}


def venues_section(summary: MeansSummary) -> ReportSection:
    """NET-8: the venues used in the year (seats, who opens) and the speakers by kind."""
    rows = [
        (u.venue.name, u.venue.address, u.venue.opener or "—", str(u.venue.capacity),
         str(u.sessions))
        for u in summary.venues
    ]  # fmt: skip
    lines = [plural(n, *_KIND_WORDS[kind]) for kind, n in summary.speakers]
    return ReportSection(
        ReportPart.DESCRIPTION,
        "Moyens : lieux et intervenants",
        lines,
        ReportTable(("Lieu", "Adresse", "Ouverture", "Places", "Séances"), rows, numeric_from=3)
        if rows
        else None,
        empty="Aucun lieu ni intervenant enregistré pour les séances de l'année.",
    )


def time_section(summary: MeansSummary) -> ReportSection:
    """NET-8: the animators' hours by activity, advice requests included (CNS-1)."""
    time = summary.time
    rows = [(label.capitalize(), hours(minutes)) for label, minutes in time.by_activity]
    lines = []
    if rows:
        rows.append(("Total", hours(time.minutes)))
        lines = [f"{a.name} : {hours(a.minutes)}" for a in time.by_animator]
    return ReportSection(
        ReportPart.DESCRIPTION,
        "Moyens : temps d'animation",
        lines,
        ReportTable(("Activité", "Heures"), rows, numeric_from=1) if rows else None,
        empty="Aucun temps d'animation enregistré pour cette année.",
    )


#: the summaries already made while the report's sections are collected (:func:`sharing`):
#: its three means sections read the year's means once
_SHARED: ContextVar[dict[tuple[int, int], MeansSummary] | None] = ContextVar(
    "rsgm_means_shared", default=None
)


@contextmanager
def sharing() -> Iterator[None]:
    """Within the block, the means sections of one unit of work and year share one summary."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _summary(deps: Deps, uow: UnitOfWork, period: Period) -> MeansSummary:
    shared = _SHARED.get()
    if shared is None:
        return means_summary(deps, uow, period.start.year)
    key = (id(uow), period.start.year)
    if key not in shared:
        shared[key] = means_summary(deps, uow, period.start.year)
    return shared[key]


def _budget_source(deps: Deps, uow: UnitOfWork, period: Period, scope: Scope) -> ReportSection:
    summary = _summary(deps, uow, period)
    # the events' titles name the events' costs: read only when the budget has some
    return budget_section(summary, event_titles(uow) if summary.budget.events else {})


def event_titles(uow: UnitOfWork) -> dict[str, str]:
    """Each event's title with its first day (« Matinale » du 12/01/2026), so that the
    occurrences of a series read apart."""
    first: dict[str, dt.date] = {}
    for session in uow.sessions.list():
        if session.event_id not in first or session.date < first[session.event_id]:
            first[session.event_id] = session.date
    return {
        e.id: f"« {e.title} »" + (f" du {first[e.id]:%d/%m/%Y}" if e.id in first else "")
        for e in uow.events.list()
    }


def _venues_source(deps: Deps, uow: UnitOfWork, period: Period, scope: Scope) -> ReportSection:
    return venues_section(_summary(deps, uow, period))


def _time_source(deps: Deps, uow: UnitOfWork, period: Period, scope: Scope) -> ReportSection:
    return time_section(_summary(deps, uow, period))


#: NET-8: the means' sections of the annual report, in their order.
MEANS_SECTIONS: Sequence[SectionSource] = (_budget_source, _venues_source, _time_source)

BUDGET_EXPORT_HEAD = (
    "année", "nature", "libellé", "événement", "prévu (€)", "réalisé (€)", "écart (€)",
)  # fmt: skip


def budget_export(uow: UnitOfWork, year: int, format: str) -> str | bytes:
    """NET-8: the lines of ``year`` as a CSV or XLSX (docs/exports.md's conventions)."""
    from rsgm_core.render.exports import Money, to_csv, to_xlsx

    if format not in ("csv", "xlsx"):
        raise ValidationError(
            f"format d'export inconnu : {format!r} (csv ou xlsx)", rule="NET-8", value=format
        )
    titles = {e.id: e.title for e in uow.events.list()}
    order = {n: i for i, n in enumerate(BudgetNature)}
    lines = sorted(
        uow.budget_lines.list({"year": year}), key=lambda l_: (order[l_.nature], l_.label, l_.id)
    )
    rows: list[list[Any]] = [
        [
            line.year, line.nature.label, line.label,
            titles.get(line.event_id, "") if line.event_id else "",
            Money(line.planned),
            None if line.actual is None else Money(line.actual),
            None if line.actual is None else line.actual - line.planned,
        ]
        for line in lines
    ]  # fmt: skip
    for row in rows:  # the gap is an amount too
        if row[-1] is not None:
            row[-1] = Money(row[-1])
    if format == "csv":
        return to_csv(BUDGET_EXPORT_HEAD, rows)
    return to_xlsx(f"Budget {year}", BUDGET_EXPORT_HEAD, rows, widths=(8, 24, 40, 40, 14, 14, 14))
