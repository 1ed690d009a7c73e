"""Indicators (IND-1), the annual activity report (IND-2) and the anonymised national export
and merge (IND-3), computed from storage for a period and a scope.

A scope is ``cdg`` (the whole CDG), ``departement:79`` or ``epci:200041317``; ``departement="79"``
says the same as ``scope="departement:79"``. The communes *hors ressort* (TER-7) are in no figure.
Coverage keeps the legal scope (communes under 3,500, TER-3) and shows the CDG's target public
beside it when narrower (``settings.policies.target_below``). Figures the data
cannot give (toolbox and advice requests before their storage exists, statistics no plugin
provides) are ``None`` and shown "non disponible", never 0.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core._compat import deprecated, keyword_only
from rsgm_core.domain.census import MetaEntry
from rsgm_core.domain.indicators import (
    SMALL_COMMUNE,
    AnnualReport,
    EpciCoverage,
    EventFigures,
    Indicator,
    MonthMoves,
    Period,
    Scope,
    rate,
    validate_project,
)
from rsgm_core.domain.national import CdgExport, NationalMerge
from rsgm_core.errors import ValidationError
from rsgm_core.services.census import territory_of
from rsgm_core.services.deps import Deps
from rsgm_core.services.indicators_data import IndicatorData, disengaged_count
from rsgm_core.services.indicators_knowledge import _knowledge_indicators
from rsgm_core.services.places import sharing_places

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork

__all__ = ["SMALL_COMMUNE", "EventFigures", "IndicatorService", "Scope"]

PROJECTS_KEY = "report_projects:{year}"


@attrs.define
class _Reading:
    """One reading block of one service: the read unit of work every computation inside it
    uses (one snapshot), and the data already loaded in it, by scope and period."""

    service: int
    uow: UnitOfWork
    loaded: dict[tuple[Scope, Period], tuple[IndicatorData, list[Indicator]]] = attrs.Factory(dict)


# Per thread and per task (a context variable), never on the service that ``App`` shares.
_READING: ContextVar[_Reading | None] = ContextVar("rsgm_indicators_reading", default=None)


def scope_of(scope: Scope | str | None, departement: str | None) -> Scope:
    """The scope asked for: ``departement`` is ``scope="departement:CODE"`` (TER-7)."""
    parsed = Scope.parse(scope)
    if departement is None:
        return parsed
    if parsed.kind != "cdg":
        raise ValidationError(
            f"précisez le périmètre ({parsed}) ou le département ({departement}), pas les deux",
            rule="IND-1",
            value=departement,
        )
    return Scope("departement", departement)


def _year_first(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """A call from before 0.2.0, when ``year`` came first, positionally."""
    return isinstance(args[1], int) and "year" not in kwargs


class IndicatorService:
    """IND-1 indicators, the IND-2 annual report and its projects, the IND-3 national export and
    merge."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # -- IND-1 -----------------------------------------------------------------------------

    def _current(self) -> _Reading | None:
        reading = _READING.get()
        return reading if reading is not None and reading.service == id(self) else None

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Within the block, every computation of this service reads one unit of work, and
        those for the same period and scope read storage once (the annual report asks for
        indicators, events and coverage of one year). The block belongs to the calling thread
        or task only."""
        if self._current() is not None:  # already inside a reading block
            yield
            return
        with self.deps.read() as uow, sharing_places():
            token = _READING.set(_Reading(id(self), uow))
            try:
                yield
            finally:
                _READING.reset(token)

    @contextmanager
    def _read(self) -> Iterator[UnitOfWork]:
        """The unit of work of the current reading block, else a read of its own."""
        reading = self._current()
        if reading is not None:
            yield reading.uow
            return
        with self.deps.read() as uow:
            yield uow

    @deprecated("annual_report() or national_export(), which read storage once")
    def reading(self) -> AbstractContextManager[None]:
        """Deprecated: the use cases that need it read storage once on their own."""
        return self._reading()

    def _load(
        self, period: Period, scope: Scope | str | None
    ) -> tuple[IndicatorData, list[Indicator]]:
        scope = Scope.parse(scope)
        reading = self._current()
        if reading is not None and (scope, period) in reading.loaded:
            return reading.loaded[scope, period]
        with self._read() as uow:
            data = IndicatorData.load(uow, scope, period, territory_of(self.deps, uow))
            knowledge = _knowledge_indicators(
                uow, period, None if scope.kind == "cdg" else set(data.communes)
            )
        if reading is not None:
            reading.loaded[scope, period] = (data, knowledge)
        return data, knowledge

    @keyword_only("period", "scope")
    def compute(
        self,
        *,
        period: Period,
        scope: Scope | str | None = None,
        departement: str | None = None,
    ) -> list[Indicator]:
        """Every IND-1 indicator of ``period`` for ``scope`` (the whole CDG by default, or one
        of its departments, ``departement``), each with its formula; a figure the data cannot
        give has the value ``None``."""
        data, knowledge = self._load(period.check_computable(), scope_of(scope, departement))
        scope = data.scope
        events = self._event_figures(data, period)
        invited = sum(e.invited for e in events)
        registered = sum(e.registered for e in events)
        attendees = sum(e.attendees for e in events)
        surveys = data.surveys_in(period)
        answers, _, _ = data.answer_counts(surveys)
        _, sat_scored, sat_good = data.answer_counts(
            s for s in surveys if s.kind.name == "SATISFACTION"
        )
        surveyed = sum(s.invited for s in surveys)
        target_below = self.deps.settings.policies.target_below
        cov = data.coverage(period, target_below)["total"]
        small = data.small_communes(period)
        joined = {
            m.insee for m in data.memberships if period.start.year <= m.year <= period.end.year
        }
        arrivals, departures = data.moves(period)
        disengaged = self._disengaged(data, period)
        stats = {k: self.deps.hooks.statistics(k, period, str(scope)) for k in _HOOKED}
        values: list[Indicator] = [
            Indicator("taux_participation", "Taux de participation (présents / invités)",
                      rate(attendees, invited), "présents / invités, événements de la période", "%"),
            Indicator("taux_participation_inscrits", "Taux de participation (présents / inscrits)",
                      rate(attendees, registered), "présents / inscrits confirmés", "%"),
            Indicator("taux_satisfaction", "Taux de satisfaction",
                      rate(sat_good, sat_scored),
                      "réponses notées 4 ou 5 / réponses notées (questionnaires de satisfaction)", "%"),
            Indicator("taux_reponse_enquetes", "Taux de réponse aux enquêtes",
                      _capped_rate(answers, surveyed), "réponses / destinataires des questionnaires", "%"),
            Indicator("taux_ouverture_lettre", "Taux d'ouverture de la lettre d'information",
                      stats["taux_ouverture_lettre"], "fourni par l'extension de messagerie", "%"),
            Indicator("visites_plateforme", "Visites de la plateforme", stats["visites_plateforme"],
                      "fourni par l'extension de la plateforme"),
            Indicator("lettres_envoyees", "Lettres d'information envoyées",
                      sum(1 for n in data.newsletters if n.sent_on in period), "lettres envoyées sur la période"),
            Indicator("couverture_territoriale", "Couverture territoriale (communes < 3 500 hab.)",
                      cov.share, "communes < 3 500 hab. avec au moins un membre actif / communes < 3 500 hab.", "%"),
            *_target_coverage(cov, target_below),
            Indicator("adhesion_pack", "Adhésion au pack",
                      rate(len(joined & small), len(small)) if small else None,
                      "communes < 3 500 hab. adhérentes au pack / communes < 3 500 hab.", "%"),
            Indicator("arrivees", "Arrivées", arrivals, "membres arrivés dans la période"),
            Indicator("departs", "Départs", departures, "membres partis dans la période"),
            Indicator("membres_desengages", "Membres à remobiliser", disengaged,
                      "membres actifs absents des dernières rencontres à la fin de la période"),
            Indicator("membres_actifs", "Membres actifs", len(data.active_members(period.end)),
                      "membres actifs à la fin de la période"),
            Indicator("evenements", "Événements", len(events), "événements ayant une séance dans la période"),
            *knowledge,
        ]  # fmt: skip
        return values

    def _event_figures(self, data: IndicatorData, period: Period) -> list[EventFigures]:
        key = ("events", period)  # the report asks twice: its indicators, then its table
        if key not in data.computed:
            data.computed[key] = self._compute_event_figures(data, period)
        return list(data.computed[key])

    def _compute_event_figures(self, data: IndicatorData, period: Period) -> list[EventFigures]:
        figures = []
        for event in data.events:
            dates = sorted(s.date for s in data.sessions.get(event.id, ()))
            if not dates or not any(d in period for d in dates):
                continue
            registered = attended = 0
            for s in data.sessions.get(event.id, ()):
                confirmed, present = data.attendance.get(s.id, (0, 0))
                registered, attended = registered + confirmed, attended + present
            _, scored, satisfied = data.answer_counts(data.event_surveys.get(event.id, ()))
            figures.append(
                EventFigures(
                    event.id, event.title, dates[0], event.invited, registered,
                    attended, rate(satisfied, scored), scored,
                )
            )  # fmt: skip
        return sorted(figures, key=lambda f: (f.first_date, f.event_id))

    def list_event_figures(
        self,
        *,
        period: Period,
        scope: Scope | str | None = None,
        departement: str | None = None,
    ) -> list[EventFigures]:
        """IND-1 per event with a session in ``period``, by first date."""
        data, _ = self._load(period, scope_of(scope, departement))
        return self._event_figures(data, period)

    @deprecated("list_event_figures(period=…, scope=…)")
    def events(self, period: Period, scope: Scope | str | None = None) -> list[EventFigures]:
        """Deprecated: :meth:`list_event_figures`."""
        return self.list_event_figures(period=period, scope=scope)

    def _disengaged(self, data: IndicatorData, period: Period) -> int:
        """MEM-7 at the end of ``period`` among the scope's members, as
        ``NetworkService.list_disengaged`` finds them (the same rule over the same recorded
        invitations), read in the reading block's unit of work with the members already read."""
        with self._read() as uow:
            facts = uow.attendance.list()
        return disengaged_count(data.members, facts, on=period.end)

    @keyword_only("period", "scope")
    def coverage_by_epci(
        self,
        *,
        period: Period,
        scope: Scope | str | None = None,
        departement: str | None = None,
    ) -> list[EpciCoverage]:
        """IND-1 territorial coverage per EPCI at the end of ``period``, by EPCI name: the legal
        scope (communes under 3,500) and, beside it, the CDG's target public when narrower
        (TER-3); the communes hors ressort of an EPCI are not counted (TER-7)."""
        data, _ = self._load(period, scope_of(scope, departement))
        names = data.epci_names
        rows = data.coverage(period, self.deps.settings.policies.target_below)
        from rsgm_core.services.local_networks import local_networks_by_epci  # NET-7

        local = local_networks_by_epci(self.deps, period)
        return [
            attrs.evolve(rows[k], name=names.get(k, k), local_networks=local.get(k, ()))
            for k in sorted(rows, key=lambda k: names.get(k, k))
            if k != "total"
        ]

    @keyword_only("period", "scope")
    def moves_by_month(
        self,
        *,
        period: Period,
        scope: Scope | str | None = None,
        departement: str | None = None,
    ) -> list[MonthMoves]:
        """Arrivals and departures of members per month of ``period``."""
        data, _ = self._load(period, scope_of(scope, departement))
        arrivals, departures = data.moves_by_month(period)
        months = []
        day = period.start.replace(day=1)
        while day <= period.end:
            month = (day.year, day.month)
            months.append(MonthMoves(day.strftime("%Y-%m"), arrivals[month], departures[month]))
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return months

    # -- IND-2 -----------------------------------------------------------------------------

    def annual_report(
        self, *, year: int, scope: Scope | str | None = None, departement: str | None = None
    ) -> AnnualReport:
        """IND-2: the annual activity report of ``year``, of the whole CDG or of one of its
        departments (``departement``, TER-7), titled with the CDG and its departments (render it
        with :func:`rsgm_core.render.report.render_html`, ``render_markdown`` or
        ``render_pdf``)."""
        from rsgm_core.services.annual_report import _annual_report

        with self._reading():
            return _annual_report(self, year, scope_of(scope, departement))

    def list_projects(self, *, year: int) -> list[str]:
        """IND-2: the projects entered for ``year``, in the order they were added."""
        with self._read() as uow:
            entry = uow.meta.find(PROJECTS_KEY.format(year=year))
        return list(json.loads(entry.value)) if entry else []

    @deprecated("list_projects(year=…)")
    def projects(self, year: int) -> list[str]:
        """Deprecated: :meth:`list_projects`."""
        return self.list_projects(year=year)

    @keyword_only(
        "year",
        "text",
        when=_year_first,
        old="add_project(year, text)",
        use="add_project(text, year=…)",
    )
    def add_project(self, text: str, *, year: int) -> list[str]:
        """IND-2: add a project for ``year`` (it appears in the report of the year before);
        the projects of that year."""
        text = validate_project(text)
        key = PROJECTS_KEY.format(year=year)
        with self.deps.transaction() as uow:
            entry = uow.meta.find(key)
            projects = [*(json.loads(entry.value) if entry else []), text]
            record = MetaEntry(key, json.dumps(projects, ensure_ascii=False))
            (uow.meta.update if entry else uow.meta.add)(record)
        return projects

    # -- IND-3 -----------------------------------------------------------------------------

    @keyword_only(
        "year",
        "cdg",
        when=_year_first,
        old="national_export(year, cdg)",
        use="national_export(year=…, cdg=…)",
    )
    def national_export(self, *, year: int, cdg: str | None = None) -> CdgExport:
        """IND-3: the CDG's anonymised aggregate figures for ``year`` (``cdg`` names the CDG in
        the national table; by default ``CDG`` and its departments)."""
        from rsgm_core.services.national_export import _national_export

        with self._reading():
            return _national_export(self, year, cdg)

    def national_merge(self, paths: Iterable[Path | str]) -> NationalMerge:
        """IND-3: the national table of the CDGs' exports (JSON files written by
        :meth:`national_export`); a file that is unreadable, breaks the schema or publishes a
        small count, a CDG twice, or several years are refused, naming the file."""
        from rsgm_core.services.national_export import _national_merge

        return _national_merge(paths)


_HOOKED = ("taux_ouverture_lettre", "visites_plateforme")


def _target_coverage(total: EpciCoverage, target_below: int) -> list[Indicator]:
    """TER-3: the coverage of the CDG's target public, beside the legal scope's, when narrower."""
    if total.target_communes is None:
        return []
    below = f"{target_below:,}".replace(",", " ")
    return [
        Indicator(
            "couverture_public_cible",
            f"Couverture du public cible (communes < {below} hab.)",
            total.target_share,
            f"communes < {below} hab. avec au moins un membre actif / communes < {below} hab.",
            "%",
        )
    ]


def _capped_rate(part: int, whole: int) -> Decimal | None:
    return rate(min(part, whole), whole)
