"""Reading the territory: every commune with where it stands, and what waits on a vanished one.

A census re-import keeps every commune it ever stored (TER-5): the current ones, those merged into
a commune nouvelle (delegated or associated, their successor is the chef-lieu), those replaced
under another code, and those gone *without known successor*, whose attachments (positions,
memberships, conventions, town hall …) stay on the old code until an animator reassigns them to a
current commune. This module holds the values the listing returns and the pure rules of the
reassignment; :mod:`rsgm_core.services.census_territory` reads storage.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Mapping

import attrs

from rsgm_core.domain.census_conflicts import CensusConflict
from rsgm_core.domain.profile import outside_territory
from rsgm_core.domain.territory import Commune, CommuneStatus, PopulationKind
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "CommuneEntry",
    "CommuneReassignment",
    "CommuneSituation",
    "OrphanCommune",
    "Reassignment",
    "WaitingRecord",
    "check_reassignment",
    "records_label",
    "situation",
    "situation_of",
]


class CommuneSituation(enum.Enum):
    """Where a commune stands in the latest vintage imported (TER-5)."""

    ACTUELLE = "actuelle"
    FUSIONNEE = "fusionnée"  # (a) delegated or associated commune of a commune nouvelle
    REMPLACEE = "remplacée"  # (b) a change of code, or a successor named by an animator
    SANS_SUCCESSEUR = "sans successeur connu"  # (c) its attachments wait for a reassignment


def situation_of(commune: Commune) -> CommuneSituation:
    """TER-5: the situation of a stored commune, from its status and successor."""
    if commune.status is CommuneStatus.ACTUELLE:
        return CommuneSituation.ACTUELLE
    if commune.successor is None:
        return CommuneSituation.SANS_SUCCESSEUR
    if commune.status in (CommuneStatus.DELEGUEE, CommuneStatus.ASSOCIEE):
        return CommuneSituation.FUSIONNEE
    return CommuneSituation.REMPLACEE


def situation(value: CommuneSituation | str) -> CommuneSituation:
    """The situation named by ``value`` (the enum or its French value), else a clear error."""
    if isinstance(value, CommuneSituation):
        return value
    for known in CommuneSituation:
        if value in (known.value, known.name.lower()):
            return known
    choices = ", ".join(f"« {s.value} »" for s in CommuneSituation)
    raise ValidationError(
        f"situation de commune inconnue : {value!r} (au choix : {choices})",
        rule="TER-5",
        value=value,
    )


@attrs.frozen
class CommuneEntry:
    """One commune of the territory as :meth:`CensusService.communes` lists it.

    ``population`` is the figure used for ``year`` (TER-2): ``population_kind`` says which one
    (``MUNICIPALE`` where the totale is not known: the commune is flagged), ``population_vintage``
    its census year, and ``provisional`` is true when the vintage in force for the year is not
    imported yet and an earlier one stands in. All four are ``None``/false when no figure is known.
    ``successor`` is the commune that took over (the chef-lieu of a merge, the new code); ``None``
    for a current commune or one without known successor. ``hors_ressort`` (TER-7): outside the
    CDG's departments, known because its EPCI straddles the border. ``ept`` and ``ept_name``:
    the établissement public territorial of a commune of the Métropole du Grand Paris (the
    release's ``ept.json``), ``None`` elsewhere."""

    code: str
    name: str
    departement: str
    epci: str | None
    epci_name: str | None
    situation: CommuneSituation
    successor: str | None = None
    successor_name: str | None = None
    hors_ressort: bool = False
    year: int | None = None
    population: int | None = None
    population_kind: PopulationKind | None = None
    population_vintage: int | None = None
    provisional: bool = False
    ept: str | None = None
    ept_name: str | None = None

    @property
    def municipale_only(self) -> bool:
        """TER-2: the municipale stands in for the totale, which is not known."""
        return self.population_kind is PopulationKind.MUNICIPALE

    def status_label(self) -> str:
        """Where the commune stands, in French (« fusionnée dans 79307 Sauzé-entre-Bois »)."""
        heir = f"{self.successor} {self.successor_name or ''}".strip()
        label = {
            CommuneSituation.ACTUELLE: "actuelle",
            CommuneSituation.FUSIONNEE: f"fusionnée dans {heir}",
            CommuneSituation.REMPLACEE: f"remplacée par {heir}",
            CommuneSituation.SANS_SUCCESSEUR: "sans successeur connu",
        }[self.situation]
        return f"{label}, hors ressort" if self.hors_ressort else label

    def population_flags(self) -> str:
        """The flags of the population used, in French: « municipale », « provisoire »."""
        flags = []
        if self.municipale_only:
            flags.append("municipale")
        if self.provisional:
            flags.append("provisoire")
        return ", ".join(flags)


#: The French names of what may wait on a commune, singular and plural, by collection.
_LABELS: Mapping[str, tuple[str, str]] = {
    "positions": ("poste", "postes"),
    "memberships": ("adhésion", "adhésions"),
    "conventions": ("convention", "conventions"),
    "interventions": ("intervention", "interventions"),
    "town_halls": ("mairie", "mairies"),
    "events": ("événement accueilli", "événements accueillis"),
    "signatures": ("signature de charte", "signatures de charte"),
    "grants": ("accès", "accès"),
    "employer_notices": ("avis à l'employeur", "avis à l'employeur"),
    "access_requests": ("demande d'accès", "demandes d'accès"),
    "advice_requests": ("demande de conseil", "demandes de conseil"),
    "venues": ("lieu d'accueil", "lieux d'accueil"),
    "elus": ("élu", "élus"),
}


def records_label(collection: str, count: int) -> str:
    """« 1 poste », « 3 adhésions »: a count of records of ``collection``, in French."""
    one, many = _LABELS.get(collection, (collection, collection))
    return f"{count} {one if count == 1 else many}"


def _counts_text(counts: Mapping[str, int]) -> str:
    return ", ".join(records_label(name, n) for name, n in counts.items() if n) or "rien"


@attrs.frozen
class WaitingRecord:
    """A record attached to a commune without known successor (TER-5 c): its collection
    (``positions``, ``memberships`` …), its key, and the field holding the commune's code."""

    collection: str
    record: str
    field: str

    def describe(self) -> str:
        one, _ = _LABELS.get(self.collection, (self.collection, self.collection))
        return f"{one} {self.record}"


@attrs.frozen
class OrphanCommune:
    """TER-5 (c): a commune gone without known successor, and everything still attached to it,
    waiting to be reassigned to a current commune (:meth:`CensusService.reassign`)."""

    code: str
    name: str
    departement: str
    waiting: tuple[WaitingRecord, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """The records waiting, per collection."""
        found: dict[str, int] = {}
        for record in self.waiting:
            found[record.collection] = found.get(record.collection, 0) + 1
        return found

    def describe(self) -> str:
        """One French line: the commune and what waits on it."""
        if not self.waiting:
            return f"{self.code} {self.name} : aucun rattachement en attente"
        return f"{self.code} {self.name} : {_counts_text(self.counts)} à réaffecter"


@attrs.frozen
class Reassignment:
    """What :meth:`CensusService.reassign` did: the records moved from ``former`` to
    ``successor`` per collection, those kept aside because the successor already holds one of
    the kind (TER-5: its town hall, its membership for the year, its convention in force), who
    did it (``by``, a member id, and ``by_name``) and when. ``former`` now names ``successor``
    as its successor."""

    former: str
    former_name: str
    successor: str
    successor_name: str
    by: str
    on: dt.date
    moved: dict[str, int] = attrs.field(factory=dict)
    by_name: str = ""
    conflicts: tuple[CensusConflict, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.moved.values())

    def lines(self) -> list[str]:
        """The report, in French: what moved, then one line per record kept aside."""
        who = f"{self.by_name} ({self.by})" if self.by_name else self.by
        head = (
            f"{self.former} {self.former_name} réaffectée à {self.successor} "
            f"{self.successor_name} par {who} le {self.on.strftime('%d/%m/%Y')} : "
        )
        many = "rattachements déplacés" if self.total > 1 else "rattachement déplacé"
        moved = f"{many} : {_counts_text(self.moved)}" if self.total else "aucun rattachement"

        return [head + moved, *(c.describe() for c in self.conflicts)]


@attrs.frozen
class CommuneReassignment:
    """The stored record of one reassignment (TER-5 (c), CHA-2): ``former``'s attachments
    moved to ``successor`` on ``reassigned_on`` by ``reassigned_by`` (a member id), with the
    counts moved per collection."""

    id: str
    former: str
    successor: str
    reassigned_on: dt.date
    reassigned_by: str
    moved: dict[str, int] = attrs.field(factory=dict)


def check_reassignment(former: Commune, successor: Commune, *, territory: Collection[str]) -> None:
    """TER-5 (c): only a commune without known successor has its attachments reassigned, and
    only to a current commune; TER-7: a commune of the territory is not reassigned to one
    *hors ressort*."""
    where = situation_of(former)
    if where is CommuneSituation.ACTUELLE:
        raise RuleViolation(
            f"la commune {former.code} {former.name} est une commune actuelle : seuls les "
            "rattachements d'une commune disparue sans successeur connu se réaffectent",
            rule="TER-5",
            value=former.code,
        )
    if where is not CommuneSituation.SANS_SUCCESSEUR:
        raise RuleViolation(
            f"la commune {former.code} {former.name} a déjà un successeur, {former.successor} : "
            "ses rattachements y ont été déplacés (à l'import ou par une réaffectation), les "
            "doublons se résolvent avec "
            "« rsgm census conflicts »",
            rule="TER-5",
            value=former.code,
        )
    target = situation_of(successor)
    if target is not CommuneSituation.ACTUELLE:
        hint = f" ; son successeur est {successor.successor}" if successor.successor else ""
        raise RuleViolation(
            f"la commune {successor.code} {successor.name} n'est pas une commune actuelle "
            f"({target.value}{hint}) : les rattachements se réaffectent à une commune actuelle",
            rule="TER-5",
            value=successor.code,
        )
    if outside_territory(successor.departement, territory) and not outside_territory(
        former.departement, territory
    ):
        raise RuleViolation(
            f"la commune {successor.code} {successor.name} est hors ressort (département "
            f"{successor.departement}, hors du territoire du CDG) : les rattachements de "
            f"{former.code} {former.name} ne s'y réaffectent pas",
            rule="TER-7",
            value=successor.code,
        )
