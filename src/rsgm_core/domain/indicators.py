"""Indicators (IND-1) over a period and a scope, each with its formula, and the annual activity
report (IND-2) they feed; a figure the data cannot give is *not available* (``None``), never 0.

Values only: turning a figure into French text is the job of :mod:`rsgm_core.render.report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core._compat import DeprecatedTuple
from rsgm_core.domain.bounds import FIRST_DAY, LAST_DAY, check_day
from rsgm_core.domain.engagement import NetworkRole
from rsgm_core.domain.governance import ObjectiveKind
from rsgm_core.domain.report_sections import ReportSection
from rsgm_core.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from rsgm_core.domain.profile import CdgIdentity

__all__ = [
    "NOT_AVAILABLE",
    "REPORT_ROLES",
    "SMALL_COMMUNE",
    "AnnualReport",
    "EpciCoverage",
    "EventFigures",
    "Indicator",
    "MonthMoves",
    "Period",
    "ReportObjective",
    "RoleHolders",
    "Scope",
    "coverage",
    "rate",
    "report_title",
    "validate_project",
]

#: How an absent figure reads in a report.
NOT_AVAILABLE = "non disponible"
SMALL_COMMUNE = 3500  # IND-1 territorial coverage: communes under 3,500 inhabitants


@attrs.frozen
class Period:
    """From ``start`` to ``end``, both included (IND-1)."""

    start: dt.date
    end: dt.date  # inclusive

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                f"période inversée : du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}",
                rule="IND-1",
                value=(self.start, self.end),
            )

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def year(cls, year: int) -> Period:
        """1 January to 31 December of ``year``; a year outside 1900-2200 is refused (IND-1)."""
        if (
            isinstance(year, bool)
            or not isinstance(year, int)
            or not FIRST_DAY.year <= year <= LAST_DAY.year
        ):
            raise ValidationError(
                f"année hors des années prises en charge ({FIRST_DAY.year} à {LAST_DAY.year}) : "
                f"{year!r}",
                rule="IND-1",
                value=year,
            )
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def check_computable(self) -> Period:
        """IND-1: indicators look a few months around the end of the period (MEM-7's
        disengagement, the year before); a period ending before 1900 or after 2200 is refused
        rather than overflowing the calendar (an open start, ``date.min``, is fine)."""
        check_day(self.end, what="fin de période", rule="IND-1")  # domain/bounds.py
        return self


@attrs.frozen
class Scope:
    """Where indicators are computed (IND-1): ``cdg`` (the whole CDG), ``departement:79`` or
    ``epci:200041317``."""

    kind: str  # "cdg", "departement", "epci"
    code: str | None = None

    @classmethod
    def parse(cls, text: Scope | str | None) -> Scope:
        """A scope from its text (``None`` or ``"cdg"``: the whole CDG); refused when unknown."""
        if isinstance(text, Scope):
            return text
        if not text or text == "cdg":
            return cls("cdg")
        kind, _, code = text.partition(":")
        if kind not in {"departement", "epci"} or not code:
            raise ValidationError(
                f"périmètre inconnu : {text!r} (cdg, departement:CODE ou epci:SIREN)",
                rule="IND-1",
                value=text,
            )
        return cls(kind, code)

    def __str__(self) -> str:
        return self.kind if self.code is None else f"{self.kind}:{self.code}"


@attrs.frozen
class Indicator:
    """One figure: ``value`` is ``None`` when the data is absent (shown "non disponible")."""

    key: str
    label: str
    value: Decimal | int | None
    formula: str
    unit: str = ""  # "%" for a rate stored as a share in [0, 1]

    @property
    def available(self) -> bool:
        return self.value is not None


@attrs.frozen
class EventFigures:
    """IND-1 per event: invited, confirmed registrations, attendees and satisfaction."""

    event_id: str
    title: str
    first_date: dt.date
    invited: int
    registered: int
    attendees: int
    satisfaction: Decimal | None
    answers: int

    @property
    def participation(self) -> Decimal | None:
        """Attendees / invited, ``None`` when nobody was invited."""
        return None if not self.invited else Decimal(self.attendees) / Decimal(self.invited)


@attrs.frozen
class EpciCoverage(DeprecatedTuple):
    """IND-1 territorial coverage of one EPCI: communes under 3,500 (the legal scope, TER-3)
    with at least one active member, communes under 3,500, and their share; beside it, when the
    CDG targets a narrower public (TER-3, ``target_below``), the same for the communes of that
    public (``None`` otherwise)."""

    name: str
    covered: int
    communes: int
    share: Decimal | None
    target_covered: int | None = None
    target_communes: int | None = None
    target_share: Decimal | None = None
    #: NET-7: the existing local networks covering some of the EPCI's communes, by name.
    local_networks: tuple[str, ...] = ()

    def _legacy_items(self) -> tuple[Any, ...]:
        return super()._legacy_items()[:4]  # the tuple it was: name, covered, communes, share


@attrs.frozen
class MonthMoves(DeprecatedTuple):
    """Arrivals and departures of members in one month (``month`` as ``YYYY-MM``)."""

    month: str
    arrivals: int
    departures: int


@attrs.frozen
class ReportObjective:
    """NET-4: an objective of a network and the indicators that measure it."""

    kind: ObjectiveKind
    text: str
    indicators: tuple[Indicator, ...]


@attrs.frozen
class RoleHolders:
    """Who held a network role during the report's year (names, sorted)."""

    role: NetworkRole
    names: tuple[str, ...]


#: The roles the annual report names, in its order.
REPORT_ROLES = (NetworkRole.ANIMATOR, NetworkRole.CO_ANIMATOR, NetworkRole.COMMUNITY_REFERENT)

_KNOWLEDGE_KEYS = frozenset({
    "ressources_publiees", "ressources_mises_a_jour", "ressources_perimees", "demandes_conseil",
    "demandes_repondues", "delai_reponse_median", "delai_reponse_p90",
})  # fmt: skip


@attrs.frozen
class AnnualReport:
    """IND-2: the annual activity report, with the structure of the guide (Fiche 3.6):
    description of the network, actions and their evaluation, projects for the coming year.

    Values only; :func:`rsgm_core.render.report.render_html` (or ``render_markdown``,
    ``render_pdf``) writes it out.
    """

    year: int
    title: str  # "Rapport d'activité 2025 du réseau des SGM — CDG 77 (Seine-et-Marne)"
    generated_on: dt.date
    created_on: dt.date | None  # of the departmental network
    purpose: str | None  # of its charter of operation (NET-4)
    charter_scope: str | None
    community_networks: int
    organisation: tuple[RoleHolders, ...]
    committees: int
    objectives: tuple[ReportObjective, ...]
    partners: int
    indicators: tuple[Indicator, ...]  # IND-1, but the toolbox and advice ones
    events: tuple[EventFigures, ...]
    coverage: tuple[EpciCoverage, ...]
    moves: tuple[MonthMoves, ...]
    knowledge: tuple[Indicator, ...]  # toolbox (KNB-3) and advice requests (CNS-2)
    projects: tuple[str, ...]  # for the coming year
    network: str | None = None  # the departmental network's name
    cdg: str | None = None  # the CDG's short name, None when its profile has no [cdg] section
    departements: tuple[str, ...] = ()  # the names of the departments it covers (TER-7)
    target_below: int | None = None  # TER-3: the CDG's target public, when narrower than 3,500
    #: IND-2: the CDG that issues the report (its name, address, place and signatory), when its
    #: profile has a [cdg] section
    issuer: CdgIdentity | None = None
    #: sections added by the parts of the network with their own records, in the order of
    #: :data:`rsgm_core.services.report_sections.REPORT_SECTIONS`
    sections: tuple[ReportSection, ...] = ()

    def indicator(self, key: str) -> Indicator:
        """The indicator ``key`` (any of :attr:`indicators` or :attr:`knowledge`)."""
        known = (*self.indicators, *self.knowledge)
        for indicator in known:
            if indicator.key == key:
                return indicator
        raise NotFoundError(
            f"indicateur inconnu : {key!r} (connus : {', '.join(i.key for i in known)})",
            rule="IND-1",
            value=key,
        )

    @property
    def member_figures(self) -> tuple[Indicator, ...]:
        """Arrivals, departures, members to win back and active members, in the report's order."""
        keys = {"arrivees", "departs", "membres_desengages", "membres_actifs"}
        return tuple(i for i in self.indicators if i.key in keys)

    @classmethod
    def assemble(
        cls,
        *,
        year: int,
        generated_on: dt.date,
        indicators: Sequence[Indicator],
        title: str | None = None,
        cdg: str | None = None,
        departements: Sequence[str] = (),
        target_below: int | None = None,
        created_on: dt.date | None = None,
        purpose: str | None = None,
        charter_scope: str | None = None,
        community_networks: int = 0,
        organisation: Iterable[RoleHolders] = (),
        committees: int = 0,
        objectives: Iterable[tuple[ObjectiveKind, str, Iterable[str]]] = (),
        partners: int = 0,
        events: Iterable[EventFigures] = (),
        coverage: Iterable[EpciCoverage] = (),
        moves: Iterable[MonthMoves] = (),
        projects: Iterable[str] = (),
        issuer: CdgIdentity | None = None,
        sections: Iterable[ReportSection] = (),
    ) -> AnnualReport:
        """The report from its parts: indicators are split between the network's and the
        knowledge ones, and each objective gets the indicators it names (unknown keys left out).
        ``title`` is the departmental network's name; the report's title names the CDG (``cdg``,
        its short name) and its ``departements`` (:func:`report_title`)."""
        by_key = {i.key: i for i in indicators}
        return cls(
            year=year,
            title=report_title(year, cdg, departements),
            network=title,
            cdg=cdg,
            departements=tuple(departements),
            target_below=target_below,
            generated_on=generated_on,
            created_on=created_on,
            purpose=purpose,
            charter_scope=charter_scope,
            community_networks=community_networks,
            organisation=tuple(organisation),
            committees=committees,
            objectives=tuple(
                ReportObjective(kind, text, tuple(by_key[k] for k in keys if k in by_key))
                for kind, text, keys in objectives
            ),
            partners=partners,
            indicators=tuple(i for i in indicators if i.key not in _KNOWLEDGE_KEYS),
            events=tuple(events),
            coverage=tuple(coverage),
            moves=tuple(moves),
            knowledge=tuple(i for i in indicators if i.key in _KNOWLEDGE_KEYS),
            projects=tuple(projects),
            issuer=issuer,
            sections=tuple(sections),
        )


def report_title(year: int, cdg: str | None, departements: Sequence[str] = ()) -> str:
    """IND-2: "Rapport d'activité 2025 du réseau des SGM — CDG 77 (Seine-et-Marne)". Without a
    CDG identity (no ``[cdg]`` in the profile), the title names nobody rather than invent a name;
    the rendered report says the identity is missing."""
    title = f"Rapport d'activité {year} du réseau des SGM"
    if cdg is None:
        return title
    where = f" ({', '.join(departements)})" if departements else ""
    return f"{title} — {cdg}{where}"


def validate_project(text: str) -> str:
    """IND-2: a project for the coming year is a non-empty text; returned stripped."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("un projet ne peut pas être vide", rule="IND-2", value=text)
    return text.strip()


def rate(part: int | None, whole: int | None) -> Decimal | None:
    """``part / whole`` as a share; ``None`` when either is unknown or the whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    if part < 0 or part > whole:
        raise ValidationError(
            f"taux impossible : {part} sur {whole}", rule="IND-1", value=(part, whole)
        )
    return Decimal(part) / Decimal(whole)


def coverage(
    communes_by_group: Mapping[str, Iterable[str]],
    covered: Iterable[str],
    *,
    target: Collection[str] | None = None,
) -> dict[str, EpciCoverage]:
    """IND-1 territorial coverage: per group (an EPCI, or ``"total"``), the communes under 3,500
    with at least one active member, the communes under 3,500, and their share (each row named
    after its group); with ``target`` (the communes of a narrower target public, TER-3), the
    same for those communes beside it."""
    covered = set(covered)
    result: dict[str, EpciCoverage] = {}
    everyone: set[str] = set()

    def row(group: str, members: set[str]) -> EpciCoverage:
        hit = len(members & covered)
        if target is None:
            return EpciCoverage(group, hit, len(members), rate(hit, len(members)))
        aimed = members & set(target)
        aimed_hit = len(aimed & covered)
        return EpciCoverage(
            group, hit, len(members), rate(hit, len(members)),
            aimed_hit, len(aimed), rate(aimed_hit, len(aimed)),
        )  # fmt: skip

    for group, communes in communes_by_group.items():
        members = set(communes)
        everyone |= members
        result[group] = row(group, members)
    result["total"] = row("total", everyone)
    return result
