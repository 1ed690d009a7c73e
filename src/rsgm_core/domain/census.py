"""Census vintages and what a newer one changes (TER-5).

A census source (a plugin) reads official files into a :class:`CensusSnapshot`. :func:`diff` compares
that snapshot with what storage holds and says, for every commune that disappeared, who its successor
is: (a) the chef-lieu of the commune nouvelle it became a delegated or associated commune of, (b) the
commune that now carries its SIREN under another code, or (c) nobody known, in which case everything
attached to it stays attached and the commune is flagged for an animator.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import attrs

from rsgm_core.domain.census_conflicts import CensusConflict
from rsgm_core.domain.populations import population_used
from rsgm_core.domain.territory import (
    SGM_THRESHOLD,
    Arrondissement,
    Commune,
    CommuneStatus,
    Departement,
    Epci,
    PopulationFigure,
    validate_insee_code,
)
from rsgm_core.errors import RuleViolation

__all__ = [
    "CENSUS_STRATA",
    "CensusChanges",
    "CensusImport",
    "CensusSnapshot",
    "CensusSource",
    "CensusVintage",
    "Change",
    "ChangeKind",
    "CommuneStatus",
    "ImportResult",
    "MetaEntry",
    "check_not_older",
    "diff",
    "stratum_of",
]


@attrs.frozen
class MetaEntry:
    """A small keyed setting kept with the data (for instance the CDG's territory)."""

    key: str
    value: str


@attrs.frozen(order=True)
class CensusVintage:
    """Which edition of the official geography (COG year) and of the legal populations a file holds."""

    cog_year: int
    population_vintage: int
    label: str = attrs.field(order=False)


@attrs.frozen
class CensusImport:
    """The record of one import, kept so that an older vintage can be refused (TER-5)."""

    vintage: str
    cog_year: int
    population_vintage: int
    departements: tuple[str, ...]
    imported_at: dt.datetime
    source: str


@attrs.frozen
class DelegatedCommune:
    """A former commune that lives on inside a commune nouvelle (or an associated commune)."""

    code: str = attrs.field(validator=lambda _, __, value: validate_insee_code(value))
    name: str
    status: CommuneStatus
    chef_lieu: str = attrs.field(validator=lambda _, __, value: validate_insee_code(value))
    departement: str


@attrs.frozen
class CensusSnapshot:
    """Everything one census source read, for the departments asked for."""

    vintage: CensusVintage
    source: str
    departements: tuple[Departement, ...]
    arrondissements: tuple[Arrondissement, ...]
    epcis: tuple[Epci, ...]
    communes: tuple[Commune, ...]
    populations: tuple[PopulationFigure, ...]
    delegated: tuple[DelegatedCommune, ...] = ()
    former_codes: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    #: TER-7: the departments of the communes read because their EPCI straddles the border of
    #: ``departements`` (those communes are in ``communes``, *hors ressort*).
    neighbours: tuple[Departement, ...] = ()

    @property
    def departement_codes(self) -> frozenset[str]:
        """The departments asked for (not the :attr:`neighbours`)."""
        return frozenset(d.code for d in self.departements)

    @property
    def outside_codes(self) -> frozenset[str]:
        """TER-7: the communes read from the :attr:`neighbours` (their EPCI straddles the border)."""
        asked = self.departement_codes  # built once, not once per commune
        return frozenset(c.code for c in self.communes if c.departement not in asked)


class CensusSource(Protocol):
    """A reader of census files, contributed through the ``rsgm_census_sources`` hook."""

    name: str

    def detect(self, path: Path) -> bool:
        """Does ``path`` (a folder or a file) hold data this source reads?"""

    def read(
        self, path: Path, departements: frozenset[str] | None, vintage: CensusVintage | None
    ) -> CensusSnapshot:
        """Read the communes of ``departements`` (all of France when ``None``).

        Raise ``SourceDataError`` naming the file and the value for anything malformed.
        """


# Population strata of the census report (TER-6); the tariff grids have their own (TAR-1).
CENSUS_STRATA: tuple[tuple[int, int | None, str], ...] = (
    (0, 499, "moins de 500"),
    (500, 999, "500 à 999"),
    (1_000, 1_999, "1 000 à 1 999"),
    (2_000, SGM_THRESHOLD - 1, "2 000 à 3 499"),
    (SGM_THRESHOLD, None, "3 500 et plus"),
)


def stratum_of(population: int) -> str:
    for low, high, label in CENSUS_STRATA:
        if population >= low and (high is None or population <= high):
            return label
    raise ValueError(population)  # unreachable for population >= 0


class ChangeKind(enum.Enum):
    NEW = "nouvelle"
    RENAMED = "renommée"
    MERGED = "fusionnée"  # TER-5 (a)
    CODE_CHANGED = "changement de code"  # TER-5 (b)
    NO_SUCCESSOR = "sans successeur connu"  # TER-5 (c)
    SPLIT = "rétablie"  # restored from delegated status
    STRATUM_CHANGED = "changement de strate"
    EPCI_CHANGED = "changement d'EPCI"
    EPCI_NEW = "EPCI nouvel"
    EPCI_RENAMED = "EPCI renommé"
    EPCI_GONE = "EPCI disparu"


@attrs.frozen
class Change:
    """One line of the change report."""

    kind: ChangeKind
    code: str
    name: str
    detail: str
    successor: str | None = None

    def describe(self) -> str:
        return f"{self.kind.value} : {self.code} {self.name} — {self.detail}"


@attrs.frozen
class CensusChanges:
    """What a vintage changes to the stored communes and EPCI, one :class:`Change` a line."""

    changes: tuple[Change, ...]

    @property
    def successors(self) -> dict[str, str]:
        """Old code → successor, for the communes whose attachments must move (TER-5 a and b)."""
        return {
            c.code: c.successor
            for c in self.changes
            if c.kind in (ChangeKind.MERGED, ChangeKind.CODE_CHANGED) and c.successor
        }

    @property
    def orphans(self) -> list[str]:
        return [c.code for c in self.changes if c.kind is ChangeKind.NO_SUCCESSOR]

    def of_kind(self, kind: ChangeKind) -> list[Change]:
        return [c for c in self.changes if c.kind is kind]

    def lines(self) -> list[str]:
        return [c.describe() for c in self.changes]


@attrs.frozen
class ImportResult:
    """What :meth:`CensusService.import_` did: the import recorded, the changes it made (TER-5),
    counts of what was read, and the records moved from each vanished commune to its successor."""

    imported: CensusImport
    changes: CensusChanges
    # communes (of the departments imported), hors_ressort (TER-7: the other communes of their
    # EPCIs, counted apart), communes_deleguees, epcis, populations
    counts: dict[str, int]
    moved: dict[str, dict[str, int]]  # old code -> {collection: records moved to the successor}
    #: TER-5: the records a merge brought twice onto one successor, kept aside on their former
    #: commune for an animator to resolve (one per record).
    conflicts: tuple[CensusConflict, ...] = ()

    def lines(self) -> list[str]:
        """The report: one line per change, then one per conflict to resolve."""
        return self.changes.lines() + [c.describe() for c in self.conflicts]


def check_not_older(imports: Iterable[CensusImport], vintage: CensusVintage) -> None:
    """TER-5: a vintage older (by its COG year) than one already imported is refused."""
    newest = max(imports, key=lambda i: i.cog_year, default=None)
    if newest is not None and vintage.cog_year < newest.cog_year:
        raise RuleViolation(
            f"le millésime {vintage.label} (COG {vintage.cog_year}) est plus ancien "
            f"que celui déjà importé, {newest.vintage} (COG {newest.cog_year})",
            rule="TER-5",
            value=vintage.label,
        )


def diff(
    stored: Sequence[Commune],
    stored_populations: Iterable[PopulationFigure],
    stored_epcis: Iterable[Epci],
    snapshot: CensusSnapshot,
) -> CensusChanges:
    """What ``snapshot`` changes to the ``stored`` communes of the same departments (TER-5).

    ``stored`` holds every commune kept for those departments, whatever its status. On a first import
    (nothing stored) the report is empty: nothing changed, everything is new.
    """
    if not stored:
        return CensusChanges(())
    actual = {c.code: c for c in snapshot.communes}
    by_siren = {c.siren: c for c in snapshot.communes if c.siren}
    delegated = {d.code: d for d in snapshot.delegated}
    known = {c.code: c for c in stored}
    # TER-2: a commune's stratum before and after, for the year the new figures come into force
    year = snapshot.vintage.population_vintage + 3
    figures_before = _by_commune(stored_populations)
    figures_after = _by_commune(snapshot.populations)
    epci_names = {e.siren: e.name for e in stored_epcis} | {e.siren: e.name for e in snapshot.epcis}
    changes: list[Change] = []

    for old in stored:
        if old.status is not CommuneStatus.ACTUELLE:
            continue
        new = actual.get(old.code)
        if new is None:
            changes.append(_resolve_gone(old, delegated, by_siren, actual, snapshot.former_codes))
            continue
        if new.name != old.name:
            changes.append(
                Change(ChangeKind.RENAMED, old.code, new.name, f"ancien nom : {old.name}")
            )
        if new.epci != old.epci:
            changes.append(
                Change(
                    ChangeKind.EPCI_CHANGED,
                    old.code,
                    new.name,
                    f"{_epci_label(old.epci, epci_names)} → {_epci_label(new.epci, epci_names)}",
                )
            )
        own_before = figures_before.get(old.code, ())
        before = population_used(own_before, old.code, year)
        new_figures = figures_after.get(old.code)
        after = (  # a vintage in both: the new figure
            population_used(
                {f.vintage: f for f in (*own_before, *new_figures)}.values(), old.code, year
            )
            if new_figures
            else None
        )
        if before and after:
            s_before, s_after = stratum_of(before.population), stratum_of(after.population)
            if s_before != s_after:
                changes.append(
                    Change(
                        ChangeKind.STRATUM_CHANGED,
                        old.code,
                        new.name,
                        f"{s_before} ({before.population}, {before.vintage}) → "
                        f"{s_after} ({after.population}, {after.vintage})",
                    )
                )

    renumbered = {c.successor for c in changes if c.kind is ChangeKind.CODE_CHANGED}
    for code, new in actual.items():
        previous = known.get(code)
        if previous is None:
            if code in renumbered:  # a code change is one line, on the old code (TER-5 b)
                continue
            changes.append(Change(ChangeKind.NEW, code, new.name, "absente du millésime précédent"))
        elif (
            previous.status in (CommuneStatus.DELEGUEE, CommuneStatus.ASSOCIEE)
            and previous.successor in actual
        ):
            # restored while its former chef-lieu lives on; had the chef-lieu gone, this code is
            # the commune nouvelle's new one, reported on the chef-lieu's own line
            changes.append(
                Change(
                    ChangeKind.SPLIT,
                    code,
                    new.name,
                    f"rétablie, détachée de {previous.successor} ; ce qui est rattaché à "
                    f"{previous.successor} y reste",
                )
            )
    changes.extend(_epci_changes(stored_epcis, snapshot.epcis))
    return CensusChanges(tuple(changes))


def _resolve_gone(
    old: Commune,
    delegated: Mapping[str, DelegatedCommune],
    by_siren: Mapping[str, Commune],
    actual: Mapping[str, Commune],
    former_codes: Mapping[str, tuple[str, ...]],
) -> Change:
    now = delegated.get(old.code)
    if now is not None and now.chef_lieu in actual:  # TER-5 (a)
        head = actual[now.chef_lieu]
        return Change(
            ChangeKind.MERGED,
            old.code,
            old.name,
            f"devenue commune {_STATUS_LABELS[now.status]} de {head.code} {head.name}",
            successor=head.code,
        )
    heir = by_siren.get(old.siren) if old.siren else None
    if heir is not None and heir.code != old.code:  # TER-5 (b)
        return Change(
            ChangeKind.CODE_CHANGED,
            old.code,
            old.name,
            f"même SIREN {old.siren} sous le code {heir.code} {heir.name}",
            successor=heir.code,
        )
    hints = sorted(code for code, former in former_codes.items() if old.code in former)
    hint = f" ; successeur probable d'après les anciens codes : {', '.join(hints)}" if hints else ""
    return Change(  # TER-5 (c)
        ChangeKind.NO_SUCCESSOR,
        old.code,
        old.name,
        f"disparue sans successeur connu, ses rattachements restent à réaffecter{hint}",
    )


_STATUS_LABELS = {CommuneStatus.DELEGUEE: "déléguée", CommuneStatus.ASSOCIEE: "associée"}


def _epci_changes(stored: Iterable[Epci], fresh: Iterable[Epci]) -> list[Change]:
    before = {e.siren: e for e in stored}
    after = {e.siren: e for e in fresh}
    changes = []
    for siren, epci in after.items():
        if siren not in before:
            changes.append(Change(ChangeKind.EPCI_NEW, siren, epci.name, epci.kind.value))
        elif before[siren].name != epci.name:
            changes.append(
                Change(
                    ChangeKind.EPCI_RENAMED, siren, epci.name, f"ancien nom : {before[siren].name}"
                )
            )
    for siren, epci in before.items():
        if siren not in after:
            changes.append(
                Change(ChangeKind.EPCI_GONE, siren, epci.name, "absent du nouveau millésime")
            )
    return changes


def _by_commune(figures: Iterable[PopulationFigure]) -> dict[str, tuple[PopulationFigure, ...]]:
    """Each commune's figures (one per vintage: stored and read figures are keyed so). A tuple
    per commune, not a dict by vintage: a France diff groups some 70,000 figures twice, and a
    small dict weighs about three times a tuple; those dicts were the diff's peak memory."""
    found: dict[str, tuple[PopulationFigure, ...]] = {}
    get = found.get
    for figure in figures:
        found[figure.commune] = (*get(figure.commune, ()), figure)
    return found


def _epci_label(siren: str | None, names: Mapping[str, str]) -> str:
    if siren is None:
        return "aucun EPCI"
    return f"{names.get(siren, siren)} ({siren})"
