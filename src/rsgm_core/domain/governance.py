"""Networks and their governance (NET-1..NET-4).

A CDG runs one departmental network, or one per department of its territory when its profile says
so (``reseau_par_departement``, TER-7); each EPCI may have a community network inside its
department's, run by a community referent or, where none exists, by the CDG's project lead (NET-1). Two committees: the
follow-up committee (community referents plus one SGM per community territory, at least one meeting
a year, NET-2) and the steering committee (elected members of the CDG and of each EPCI, NET-3). A
network records its charter of operation and objectives tied to indicators (NET-4).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "INDICATORS",
    "Charter",
    "Committee",
    "CommitteeKind",
    "CommitteeReport",
    "MeetingRecord",
    "Network",
    "NetworkKind",
    "NetworkLead",
    "Objective",
    "ObjectiveKind",
    "Seat",
    "SeatKind",
    "check_committee_departement",
    "check_departmental",
    "check_in_territory",
    "check_referent_network",
    "committee_report",
    "home_departement",
    "lead",
    "network_lead",
]

#: NET-4: the indicators an objective can be tied to (IND-1).
INDICATORS = {
    "taux_participation": "taux de participation",
    "taux_satisfaction": "taux de satisfaction",
    "taux_reponse_enquetes": "taux de réponse aux enquêtes",
    "taux_ouverture_lettre": "taux d'ouverture de la lettre d'information",
    "visites_plateforme": "visites de la plateforme",
    "couverture_territoriale": "couverture territoriale",
    "adhesion_pack": "adhésion au pack",
    "arrivees": "arrivées",
    "departs": "départs",
}


class NetworkKind(enum.Enum):
    DEPARTMENTAL = "departemental"
    COMMUNITY = "communautaire"


class ObjectiveKind(enum.Enum):
    STRATEGIC = "strategique"
    OPERATIONAL = "operationnel"


def _text(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"charte de fonctionnement : rubrique « {attribute.name} » vide",
            rule="NET-4",
            value=value,
        )


@attrs.frozen
class Charter:
    """NET-4, Fiche 1.2: the charter of operation, every heading filled in."""

    purpose: str = attrs.field(validator=_text)
    scope: str = attrs.field(validator=_text)
    animation: str = attrs.field(validator=_text)
    members_role: str = attrs.field(validator=_text)
    principles: str = attrs.field(validator=_text)
    rights_and_duties: str = attrs.field(validator=_text)
    adopted_on: dt.date | None = None


def _indicators(_: object, __: object, value: tuple[str, ...]) -> None:
    if not value:
        raise RuleViolation(
            "un objectif doit être relié à au moins un indicateur", rule="NET-4", value=value
        )
    unknown = [i for i in value if i not in INDICATORS]
    if unknown:
        raise ValidationError(
            f"indicateur inconnu : {unknown[0]!r} (valeurs : {', '.join(INDICATORS)})",
            rule="NET-4",
            value=unknown[0],
        )


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Objective:
    """NET-4, Fiche 1.3: a strategic or operational objective and the indicators measuring it."""

    kind: ObjectiveKind
    text: str = attrs.field(validator=_text)
    indicators: tuple[str, ...] = attrs.field(converter=_strings, validator=_indicators)


@attrs.frozen
class Network:
    """NET-1: the departmental network (``epci`` None) or one EPCI's community network."""

    id: str
    kind: NetworkKind
    name: str
    epci: str | None = None
    referent_id: str | None = None  # the community referent (a member)
    project_lead: str | None = None  # departmental: the CDG's project lead, stand-in referent
    charter: Charter | None = None
    objectives: tuple[Objective, ...] = ()
    created_on: dt.date | None = None
    #: TER-7: the department it serves (a community network: its EPCI's); None for a network of
    #: the whole CDG or one created before rsgm_core recorded it.
    departement: str | None = None
    #: CHA-2: who created it (a member id); None before migration 18.
    created_by: str | None = None
    #: CHA-2: who last set its charter and objectives (a member id), None if nobody did since
    #: migration 18.
    charter_set_by: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.kind is NetworkKind.COMMUNITY) != (self.epci is not None):
            raise ValidationError(
                "un réseau communautaire est rattaché à un EPCI, le réseau départemental à aucun",
                rule="NET-1",
                value=self.epci,
            )


@attrs.frozen
class NetworkLead:
    """NET-1: who runs a network: ``title`` (the referent, or the CDG's project lead standing in)
    and ``holder``, a member id for a referent, the project lead's name, or None when missing."""

    title: str
    holder: str | None


def _named(code: str, names: Mapping[str, str]) -> str:
    return f"{code} ({names[code]})" if code in names else code


def check_departmental(
    existing: Iterable[Network],
    departement: str | None,
    *,
    per_departement: bool,
    territory: Sequence[str],
    names: Mapping[str, str] | None = None,
) -> str | None:
    """NET-1, TER-7: the department a new departmental network serves, or a refusal.

    With ``per_departement`` (the profile's ``reseau_par_departement``), one departmental network
    per department of ``territory``: the department must be named, be the CDG's, and have none
    yet. Without it, one departmental network for the CDG; a named department must be the CDG's,
    and a CDG of one department has it recorded. ``names`` gives the departments' names."""
    names = names or {}
    if departement is not None and territory and departement not in territory:
        raise ValidationError(
            f"le département {_named(departement, names)} n'est pas dans le territoire du CDG "
            f"({', '.join(territory)})",
            rule="TER-7",
            value=departement,
        )
    departmentals = [n for n in existing if n.kind is NetworkKind.DEPARTMENTAL]
    if per_departement:
        if departement is None:
            raise ValidationError(
                "précisez le département du réseau départemental : le CDG tient un réseau par "
                f"département ({', '.join(territory)})",
                rule="NET-1",
                value=None,
            )
        same = [n for n in departmentals if n.departement == departement]
        if same:
            raise RuleViolation(
                f"le département {_named(departement, names)} a déjà son réseau départemental, "
                f"« {same[0].name} » : un seul par département",
                rule="NET-1",
                value=departement,
            )
        return departement
    if departmentals:
        raise RuleViolation(
            f"le CDG a déjà son réseau départemental, « {departmentals[0].name} » : un seul par "
            "centre de gestion (un réseau par département se choisit dans le profil, "
            "reseau_par_departement dans [territoire])",
            rule="NET-1",
            value=departement,
        )
    if departement is None and len(territory) == 1:
        return territory[0]
    return departement


def home_departement(departements: Iterable[str], territory: Sequence[str]) -> str | None:
    """TER-7: the department of an EPCI whose communes are in ``departements`` (one code per
    commune): the CDG's department that holds most of them (the smaller code on a tie); its
    communes hors ressort never count. ``None`` when it has none in the territory."""
    counts = Counter(d for d in departements if not territory or d in territory)
    if not counts:
        return None
    return min(counts, key=lambda d: (-counts[d], d))


def check_committee_departement(
    kind: CommitteeKind,
    departement: str | None,
    *,
    per_departement: bool,
    territory: Sequence[str],
) -> str:
    """NET-2, TER-7: the department a committee is kept for (``""``: the whole CDG).

    With ``per_departement``, the follow-up committee is kept per department (the department
    must be named and be the CDG's); the steering committee may be, or be the CDG's. Without
    it, each committee is the CDG's and a department is refused."""
    rule = "NET-2" if kind is CommitteeKind.FOLLOW_UP else "NET-3"
    if departement is None:
        if per_departement and kind is CommitteeKind.FOLLOW_UP:
            raise ValidationError(
                "précisez le département du comité de suivi : le CDG tient un comité par "
                f"département ({', '.join(territory)})",
                rule=rule,
                value=None,
            )
        return ""
    if not per_departement:
        raise ValidationError(
            f"comité de {kind.value} du département {departement} : le profil tient un seul "
            "comité pour le CDG (reseau_par_departement dans [territoire])",
            rule="TER-7",
            value=departement,
        )
    return check_in_territory(departement, territory)


def check_in_territory(departement: str, territory: Sequence[str]) -> str:
    """TER-7: ``departement`` is one of the CDG's (any, for a CDG with no territory yet)."""
    if territory and departement not in territory:
        raise ValidationError(
            f"le département {departement} n'est pas dans le territoire du CDG "
            f"({', '.join(territory)})",
            rule="TER-7",
            value=departement,
        )
    return departement


def network_lead(network: Network, departmental: Network | None) -> NetworkLead:
    """NET-1: the departmental network is run by the CDG's project lead; a community network by
    its referent or, without one, by the project lead as stand-in."""
    if network.kind is NetworkKind.DEPARTMENTAL:
        return NetworkLead("chef de projet du CDG", network.project_lead)
    return NetworkLead(*lead(network, departmental))


def check_referent_network(network: Network) -> None:
    """NET-1: a community referent runs a community network, not the departmental one."""
    if network.kind is not NetworkKind.COMMUNITY:
        raise RuleViolation(
            "un référent communautaire anime un réseau communautaire",
            rule="NET-1",
            value=network.id,
        )


def lead(network: Network, departmental: Network | None) -> tuple[str, str | None]:
    """NET-1: who runs a community network: ("référent", member id) or the project lead."""
    if network.referent_id:
        return ("référent communautaire", network.referent_id)
    stand_in = departmental.project_lead if departmental else None
    return ("chef de projet du CDG (en l'absence de référent)", stand_in)


class CommitteeKind(enum.Enum):
    FOLLOW_UP = "suivi"  # NET-2
    STEERING = "pilotage"  # NET-3


class SeatKind(enum.Enum):
    REFERENT = "referent"  # NET-2: a community referent
    SGM = "sgm"  # NET-2: the SGM of a community territory
    CDG_ELECTED = "elu_cdg"  # NET-3
    EPCI_ELECTED = "elu_epci"  # NET-3


_ALLOWED = {
    CommitteeKind.FOLLOW_UP: {SeatKind.REFERENT, SeatKind.SGM},
    CommitteeKind.STEERING: {SeatKind.CDG_ELECTED, SeatKind.EPCI_ELECTED},
}


@attrs.frozen
class Seat:
    kind: SeatKind
    holder: str  # a member id (referent, SGM) or an elected official's name
    epci: str | None = None  # the community territory the seat represents


@attrs.frozen
class MeetingRecord:
    """CHA-2: who recorded that a committee met on ``on`` (a member id)."""

    on: dt.date
    recorded_by: str


@attrs.frozen
class Committee:
    """NET-2/NET-3: a committee of the CDG (``departement`` ``""``) or of one of its departments
    when the profile keeps them per department (TER-7). ``changed_by``: who last set its seats;
    ``meeting_records``: who recorded each meeting (CHA-2; a meeting recorded before migration
    18 has none)."""

    kind: CommitteeKind
    seats: tuple[Seat, ...] = ()
    meetings: tuple[dt.date, ...] = ()
    created_on: dt.date | None = None
    departement: str = ""
    changed_by: str | None = None
    meeting_records: tuple[MeetingRecord, ...] = ()

    def recorded_by(self, day: dt.date) -> str | None:
        """CHA-2: who recorded the meeting of ``day`` (None before migration 18)."""
        return next((m.recorded_by for m in self.meeting_records if m.on == day), None)

    def __attrs_post_init__(self) -> None:
        for seat in self.seats:
            if seat.kind not in _ALLOWED[self.kind]:
                rule = "NET-2" if self.kind is CommitteeKind.FOLLOW_UP else "NET-3"
                raise RuleViolation(
                    f"siège « {seat.kind.value} » impossible au comité de {self.kind.value}",
                    rule=rule,
                    value=seat.kind.value,
                )
            if seat.kind is not SeatKind.CDG_ELECTED and seat.epci is None:
                raise ValidationError(
                    f"le siège « {seat.kind.value} » de {seat.holder} doit nommer son EPCI",
                    rule="NET-2",
                    value=seat.holder,
                )


@attrs.frozen
class CommitteeReport:
    kind: CommitteeKind
    missing_seats: tuple[str, ...]  # "CC du Thouarsais : SGM"
    missed_years: tuple[int, ...]  # NET-2: years without a meeting
    departement: str = ""  # TER-7: "" for the CDG's committee


def committee_report(
    committee: Committee,
    community_epcis: Iterable[tuple[str, str]],
    *,
    on: dt.date,
) -> CommitteeReport:
    """NET-2, NET-3: the seats each community territory (siren, name) should have and lacks;
    for the follow-up committee, every finished year (and the current one once past) without a
    meeting since it was set up."""
    missing = []
    needed = (
        (SeatKind.REFERENT, SeatKind.SGM)
        if committee.kind is CommitteeKind.FOLLOW_UP
        else (SeatKind.EPCI_ELECTED,)
    )
    labels = {
        SeatKind.REFERENT: "référent communautaire",
        SeatKind.SGM: "SGM du territoire",
        SeatKind.EPCI_ELECTED: "élu de l'EPCI",
    }
    for siren, name in sorted(community_epcis, key=lambda e: fold(e[1])):
        for kind in needed:
            if not any(s.kind is kind and s.epci == siren for s in committee.seats):
                missing.append(f"{name} : {labels[kind]}")
    if committee.kind is CommitteeKind.STEERING and not any(
        s.kind is SeatKind.CDG_ELECTED for s in committee.seats
    ):
        missing.insert(0, "CDG : élu du centre de gestion")
    missed: list[int] = []
    if committee.kind is CommitteeKind.FOLLOW_UP:
        start = (committee.created_on or min(committee.meetings, default=on)).year
        held = {d.year for d in committee.meetings}
        missed = [y for y in range(start, on.year) if y not in held]
    return CommitteeReport(committee.kind, tuple(missing), tuple(missed), committee.departement)
