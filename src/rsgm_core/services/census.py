"""Census use cases: import a vintage, preview what a newer one changes, report (TER-1..TER-6)."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core._compat import deprecated
from rsgm_core.domain.census import (
    CensusChanges,
    CensusImport,
    CensusSnapshot,
    CensusSource,
    CensusVintage,
    ChangeKind,
    ImportResult,
    MetaEntry,
    check_not_older,
    diff,
)
from rsgm_core.domain.census_conflicts import CensusConflict
from rsgm_core.domain.census_report import CensusReport, build_report
from rsgm_core.domain.populations import PopulationUsed
from rsgm_core.domain.profile import outside_territory
from rsgm_core.domain.progress import Progress, no_progress
from rsgm_core.domain.territory import (
    Commune,
    CommuneStatus,
    PopulationFigure,
    Territory,
    validate_departement_code,
)
from rsgm_core.errors import NotFoundError, SourceDataError, ValidationError
from rsgm_core.services.census_conflicts import list_conflicts, move_to_successors
from rsgm_core.services.census_territory import CensusTerritory
from rsgm_core.services.deps import Deps
from rsgm_core.services.populations import (
    PopulationImport,
    import_populations,
    population_used,
    populations_used,
)

if TYPE_CHECKING:
    from rsgm_core.ports import Repository, UnitOfWork

__all__ = ["CensusService", "ImportResult", "Progress", "territory_of"]

TERRITORY_KEY = "territory"
_BATCH = 2_000


class CensusService(CensusTerritory):
    """The territory of the CDG: census vintages imported, previewed and reported (TER-1..TER-6)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def source_for(self, path: Path | str) -> CensusSource:
        """The census source (a plugin) that reads the files at ``path``."""
        path = Path(path)
        try:  # a name too long or with a NUL: the system cannot even look it up
            if not path.exists():
                raise NotFoundError(f"dossier de recensement introuvable : {path}", value=str(path))
            for source in self.deps.hooks.census_sources():
                if source.detect(path):
                    return source
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise SourceDataError(
                f"dossier de recensement illisible ({reason})", source=str(path), value=str(path)
            ) from None
        raise ValidationError(
            f"aucune source de recensement ne sait lire {path} (attendu : communes.json, "
            "epci.json et departements.json, éventuellement compressés en .gz)",
            value=str(path),
        )

    def read(
        self,
        path: Path | str,
        departements: Iterable[str] | None = None,
        *,
        vintage: CensusVintage | None = None,
    ) -> CensusSnapshot:
        """The communes of ``departements`` (all of France when ``None``) as read at ``path``,
        without storing anything."""
        wanted = _departements(departements)
        return self.source_for(Path(path)).read(Path(path), wanted, vintage)

    def diff(
        self,
        path: Path | str,
        departements: Iterable[str] | None = None,
        *,
        vintage: CensusVintage | None = None,
        france: bool = False,
    ) -> CensusChanges:
        """What importing ``path`` would change, without writing anything (TER-5).

        Without ``departements``, the stored territory is compared (all of France before any
        import, or with ``france=True``)."""
        if not france:
            departements = self._named(departements) or self.territory_codes()
        with _collector_paused():
            snapshot = self.read(path, departements, vintage=vintage)
            with self.deps.read() as uow:
                check_not_older(uow.census_imports.list(), snapshot.vintage)
                return _diff(uow, snapshot)[0]

    def import_(
        self,
        path: Path | str,
        departements: Iterable[str] | None = None,
        *,
        vintage: CensusVintage | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import the communes of ``departements`` in one transaction; on a newer vintage, move
        everything attached to a commune that disappeared to its successor and report every
        change (TER-5).

        Without ``departements``, the CDG's (``settings.departements``), else all of France. A
        department outside the CDG's territory is refused (TER-7). Every EPCI with communes in
        the departments is imported whole: its communes elsewhere are stored too, *hors ressort*
        (TER-7), and counted apart in ``counts["hors_ressort"]``."""
        with _collector_paused():
            return self._import(path, departements, vintage, progress)

    def _import(
        self,
        path: Path | str,
        departements: Iterable[str] | None,
        vintage: CensusVintage | None,
        progress: Progress | None,
    ) -> ImportResult:
        progress = progress or no_progress
        departements = self._named(departements)
        progress("lecture", 0, 1)
        snapshot = self.read(path, departements, vintage=vintage)
        progress("lecture", 1, 1)
        with self.deps.transaction() as uow:
            check_not_older(uow.census_imports.list(), snapshot.vintage)
            changes, stored, figures = _diff(uow, snapshot)
            result = _apply(
                uow,
                snapshot,
                (changes, stored, figures),
                self.deps.now(),
                self.deps.today(),
                progress,
            )
            uow.after_commit.append(
                functools.partial(
                    self.deps.hooks.on_census_imported, result.changes, result.imported
                )
            )
        return result

    def import_populations(
        self, path: Path | str, *, vintage: int | None = None
    ) -> PopulationImport:
        """TER-2: store INSEE's legal populations (PMUN, PCAP, PTOT per commune, CSV or XLSX as
        INSEE publishes them) of the communes imported, under ``vintage`` (default: from the
        file's name or title), all or nothing."""
        return import_populations(self.deps, path, vintage=vintage)

    def population(self, commune: str, *, year: int) -> PopulationUsed:
        """TER-2: the population ``commune`` counts for in ``year``, and whether it is flagged
        (municipale only, or *provisoire*): the one rule every threshold uses."""
        with self.deps.read() as uow:
            return population_used(uow, commune, year=year)

    def _named(self, departements: Iterable[str] | None) -> list[str] | None:
        """The departments to import: those named, which must be the CDG's when its profile
        names its territory (TER-7), else the profile's, else ``None`` (all of France)."""
        territory = self.deps.settings.departements
        if departements is None:
            return list(territory) or None
        named = sorted(_departements(departements) or ())
        strangers = [code for code in named if outside_territory(code, territory)]
        if strangers:
            several = len(strangers) > 1
            raise ValidationError(
                f"{'départements' if several else 'département'} {', '.join(strangers)} "
                f"hors du territoire du CDG ({', '.join(territory)}, section [territoire] du "
                f"profil) : {'leurs' if several else 'ses'} communes ne s'importent que si un "
                "EPCI du territoire les compte, marquées hors ressort",
                rule="TER-7",
                value=strangers[0],
            )
        return named

    def territory(self) -> Territory | None:
        """NET-1: the departments imported so far, or ``None`` before any import."""
        with self.deps.read() as uow:
            entry = uow.meta.find(TERRITORY_KEY)
        return Territory(json.loads(entry.value)) if entry else None

    def territory_codes(self) -> list[str] | None:
        """The codes of the departments imported so far, sorted; ``None`` before any import."""
        territory = self.territory()
        return sorted(territory.departements) if territory else None

    def list_communes(
        self,
        *,
        epci: str | None = None,
        departement: str | None = None,
        hors_ressort: bool | None = None,
    ) -> list[Commune]:
        """The current communes (not the merged or vanished ones), of an EPCI (TER-4: each
        belongs to one EPCI at most) and/or of a department; an unknown EPCI or department is a
        :class:`~rsgm_core.errors.NotFoundError`. ``hors_ressort`` (TER-7): ``True`` for the
        communes outside the CDG's territory only (known because their EPCI straddles its
        border), ``False`` for those of the territory only, ``None`` for both."""
        filters: dict[str, Any] = {"status": CommuneStatus.ACTUELLE}
        with self.deps.read() as uow:
            if epci is not None:
                uow.epcis.get(epci)
                filters["epci"] = epci
            if departement is not None:
                uow.departements.get(validate_departement_code(departement))
                filters["departement"] = departement
            found = uow.communes.list(filters)
            if hors_ressort is None:
                return found
            territory = territory_of(self.deps, uow)
        return [c for c in found if outside_territory(c.departement, territory) is hors_ressort]

    def is_hors_ressort(self, commune: Commune) -> bool:
        """TER-7: is ``commune`` outside the CDG's territory (its EPCI straddles the border)?"""
        with self.deps.read() as uow:
            return outside_territory(commune.departement, territory_of(self.deps, uow))

    def list_conflicts(self, *, commune: str | None = None) -> list[CensusConflict]:
        """TER-5: the records a merge brought twice onto one commune (a town hall, a membership
        for a year, a convention in force), kept aside on their former commune for an animator
        to resolve; of the successor ``commune`` if given."""
        with self.deps.read() as uow:
            return list_conflicts(uow, commune=commune)

    @deprecated("list_communes(epci=…)")
    def epci_members(self, siren: str) -> list[Commune]:
        """Deprecated: :meth:`list_communes` with ``epci=``."""
        return self.list_communes(epci=siren)

    def report(
        self,
        *,
        on: dt.date | None = None,
        departements: Iterable[str] | None = None,
        departement: str | None = None,
    ) -> CensusReport:
        """TER-6, for the whole territory, one of its departments (``departement``) or some
        (``departements``), with the positions held on ``on`` (today by default) and the
        population of each commune for the year of ``on`` (TER-2, ``population_used``). The communes *hors ressort* of the EPCIs of the
        report (TER-7) are listed apart (:attr:`CensusReport.hors_ressort`), never in its counts."""
        on = on or self.deps.today()
        if departement is not None:
            if departements is not None:
                raise ValidationError(
                    "précisez departement ou departements, pas les deux", value=departement
                )
            departements = [departement]
        with self.deps.read() as uow:
            if not uow.census_imports.count():
                raise NotFoundError(
                    "aucun recensement importé : lancez d'abord « rsgm census import »"
                )
            territory = territory_of(self.deps, uow)
            imported = _stored_territory(uow)
            codes = tuple(
                sorted(
                    _departements(departements)
                    or [c for c in imported if not outside_territory(c, territory)]
                )
            )
            for code in codes:
                if outside_territory(code, territory) or uow.departements.find(code) is None:
                    raise NotFoundError(  # needs storage: the departments imported
                        f"département {code} hors du territoire importé "
                        f"({', '.join(territory) or 'aucun'})",
                        rule="TER-7",
                        value=code,
                    )
            current = CommuneStatus.ACTUELLE
            communes = uow.communes.list({"departement": codes, "status": current})
            sirens = tuple(sorted({c.epci for c in communes if c.epci}))
            outside = [
                c
                for c in (uow.communes.list({"epci": sirens, "status": current}) if sirens else ())
                if outside_territory(c.departement, territory)
            ]
            in_scope = {c.code for c in communes} | {c.code for c in outside}
            report = build_report(
                on=on,
                communes=communes,
                outside=outside,
                populations=populations_used(uow, in_scope, year=on.year),  # TER-2
                departements=uow.departements.list({"code": codes}),
                arrondissements=uow.arrondissements.list({"departement": codes}),
                epcis=uow.epcis.list(),
                positions=[p for p in uow.positions.list() if p.commune in in_scope],
                members={m.id: m for m in uow.members.list()},
            )
            from rsgm_core.services.local_networks import local_network_coverage  # NET-7

            there = {c.epci for c in communes if c.epci}
            local = tuple(e for e in local_network_coverage(self.deps, uow) if e.epci in there)
            return attrs.evolve(report, local_networks=local)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a census is read and applied: the
    hundreds of thousands of records, rows and parsed entries it makes stay alive until it ends,
    so each collection the allocations trigger walks them all and frees nothing (a fifth of a
    France import). Reference counting still frees everything let go; the collector is turned
    back on after (unless the application had turned it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def territory_of(deps: Deps, uow: UnitOfWork) -> tuple[str, ...]:
    """TER-7: the CDG's departments: its profile's (``settings.departements``), else those
    imported so far; a commune elsewhere is *hors ressort*
    (:func:`rsgm_core.domain.profile.outside_territory`)."""
    if deps.settings.departements:
        return tuple(deps.settings.departements)
    return _stored_territory(uow)


def _stored_territory(uow: UnitOfWork) -> tuple[str, ...]:
    entry = uow.meta.find(TERRITORY_KEY)
    return tuple(json.loads(entry.value)) if entry else ()


def _recent_vintages(latest: int) -> tuple[int, ...]:
    # A commune absent from the latest vintage's files keeps its previous figure in the report.
    return tuple(range(latest - 5, latest + 1))


def _departements(codes: Iterable[str] | None) -> frozenset[str] | None:
    if codes is None:
        return None
    if isinstance(codes, str):
        codes = [codes]
    wanted = frozenset(validate_departement_code(code) for code in codes)
    return wanted or None


def _diff(
    uow: UnitOfWork, snapshot: CensusSnapshot
) -> tuple[CensusChanges, list[Commune], list[PopulationFigure] | None]:
    """The changes, the communes stored for the snapshot's departments, and the figures stored
    for the recent vintages and those of the snapshot (``None`` before any import): each read
    once, for the diff and for the import that follows."""
    codes = tuple(sorted(snapshot.departement_codes))
    stored = uow.communes.list({"departement": codes})
    outside = tuple(sorted(snapshot.outside_codes))
    if outside:  # TER-7: the communes hors ressort stored by a previous import
        stored += uow.communes.list({"code": outside})
    imports = uow.census_imports.list()
    if not imports:
        return diff(stored, (), (), snapshot), stored, None
    latest = max(i.population_vintage for i in imports)
    in_scope = {c.code for c in stored}
    recent = _recent_vintages(latest)
    written = {f.vintage for f in snapshot.populations}
    figures = uow.populations.list({"vintage": tuple(sorted(set(recent) | written))})
    populations = [p for p in figures if p.commune in in_scope and p.vintage in recent]
    figures = [p for p in figures if p.vintage in written]  # only these are kept for the import
    used = {c.epci for c in stored if c.epci and c.active}
    epcis = [e for e in uow.epcis.list() if e.siren in used]
    return diff(stored, populations, epcis, snapshot), stored, figures


def _apply(
    uow: UnitOfWork,
    snapshot: CensusSnapshot,
    found: tuple[CensusChanges, list[Commune], list[PopulationFigure] | None],
    now: dt.datetime,
    today: dt.date,
    progress: Progress,
) -> ImportResult:
    changes, stored_communes, stored_figures = found  # what _diff read
    codes = tuple(sorted(snapshot.departement_codes))
    stored = {c.code: c for c in stored_communes}
    actual = {c.code: c for c in snapshot.communes}
    communes: list[Commune] = list(snapshot.communes)
    for delegated in snapshot.delegated:
        head = actual.get(delegated.chef_lieu)
        if delegated.code in actual or head is None:
            continue  # the chef-lieu's own delegated commune shares its code
        before = stored.get(delegated.code)
        communes.append(
            attrs.evolve(
                before or head,
                code=delegated.code,
                name=delegated.name,
                siren=before.siren if before else None,
                postcodes=before.postcodes if before else head.postcodes,
                epci=None,
                ept=None,
                ept_name=None,
                status=delegated.status,
                successor=head.code,
            )
        )
    written = {c.code for c in communes}
    for change in changes.changes:
        if (
            change.kind in (ChangeKind.CODE_CHANGED, ChangeKind.NO_SUCCESSOR)
            and change.code not in written
        ):
            communes.append(
                attrs.evolve(
                    stored[change.code], status=CommuneStatus.DISPARUE, successor=change.successor
                )
            )

    _upsert(uow.departements, (*snapshot.departements, *snapshot.neighbours))
    _upsert(uow.arrondissements, snapshot.arrondissements)
    _upsert(uow.epcis, snapshot.epcis)
    for start in range(0, len(communes), _BATCH):
        batch = communes[start : start + _BATCH]
        if stored:
            uow.communes.add_all(c for c in batch if c.code not in stored)
            uow.communes.update_all(c for c in batch if c.code in stored and stored[c.code] != c)
        else:  # a first import: every commune is new
            uow.communes.add_all(batch)
        progress("communes", min(start + _BATCH, len(communes)), len(communes))
    moved, conflicts = move_to_successors(  # TER-5 (a) and (b)
        uow, changes.successors, vintage=snapshot.vintage.label, today=today
    )
    vintage = snapshot.vintage.population_vintage
    _save_populations(uow, snapshot.populations, stored_figures)  # moves touch no figure
    progress("populations", 1, 1)

    imported = CensusImport(
        vintage=snapshot.vintage.label,
        cog_year=snapshot.vintage.cog_year,
        population_vintage=vintage,
        departements=codes,
        imported_at=now,
        source=snapshot.source,
    )
    previous = uow.census_imports.find(imported.vintage)
    if previous is not None:
        merged = tuple(sorted(set(previous.departements) | set(codes)))
        uow.census_imports.update(attrs.evolve(imported, departements=merged))
    else:
        uow.census_imports.add(imported)
    territory = uow.meta.find(TERRITORY_KEY)
    covered = set(json.loads(territory.value)) if territory else set()
    _upsert(uow.meta, [MetaEntry(TERRITORY_KEY, json.dumps(sorted(covered | set(codes))))])
    outside = len(snapshot.outside_codes)
    counts = {
        "communes": len(snapshot.communes) - outside,
        "hors_ressort": outside,  # TER-7: counted apart, never in the territory's communes
        "communes_deleguees": len(communes) - len(snapshot.communes),
        "epcis": len(snapshot.epcis),
        "populations": len(snapshot.populations),
    }
    return ImportResult(imported, changes, counts, moved, tuple(conflicts))


def _save_populations(
    uow: UnitOfWork,
    figures: Iterable[PopulationFigure],
    stored: list[PopulationFigure] | None = None,
) -> None:
    """Add or refresh figures; a totale already known is kept when the new figure lacks it.
    ``stored``: the figures stored for (at least) the vintages of ``figures``, when already read."""
    figures = list(figures)
    vintages = tuple({f.vintage for f in figures})
    if stored is None:
        stored = uow.populations.list({"vintage": vintages})
    known = {(p.commune, p.vintage): p for p in stored if p.vintage in vintages}
    if not known:  # none of these vintages stored yet: every figure is new
        uow.populations.add_all(figures)
        return
    uow.populations.add_all(f for f in figures if (f.commune, f.vintage) not in known)
    refreshed = (
        attrs.evolve(f, totale=known[f.commune, f.vintage].totale)
        if f.totale is None and known[f.commune, f.vintage].municipale == f.municipale
        else f
        for f in figures
        if (f.commune, f.vintage) in known
    )
    uow.populations.update_all(f for f in refreshed if known[f.commune, f.vintage] != f)


def _upsert(repo: Repository[Any], records: Iterable[Any]) -> None:
    records = list(records)
    key_of = repo.collection.key_of
    known = {key_of(r) for r in repo.list()} if records else set()
    repo.add_all(r for r in records if key_of(r) not in known)
    repo.update_all(r for r in records if key_of(r) in known)
