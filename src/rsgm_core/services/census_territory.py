"""Reading the territory (TER-2, TER-5, TER-7): every commune with where it stands and the
population used, the records waiting on a commune without known successor, their reassignment.

:class:`CensusTerritory` is a mixin of :class:`~rsgm_core.services.census.CensusService`: its
use cases are ``app.census.communes``, ``app.census.list_orphans`` and ``app.census.reassign``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.census_listing import (
    CommuneEntry,
    CommuneReassignment,
    CommuneSituation,
    OrphanCommune,
    Reassignment,
    WaitingRecord,
    check_reassignment,
    situation,
    situation_of,
)
from rsgm_core.domain.populations import population_used
from rsgm_core.domain.profile import outside_territory
from rsgm_core.domain.territory import (
    Commune,
    CommuneStatus,
    PopulationFigure,
    validate_departement_code,
    validate_insee_code,
    validate_siren,
)
from rsgm_core.errors import NotFoundError
from rsgm_core.records import COLLECTIONS
from rsgm_core.services._pack import checked_date, checked_year

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["ATTACHMENT_COLLECTIONS", "CensusTerritory"]

log = logging.getLogger("rsgm.census")

#: Every collection whose records hold a commune's INSEE code (``Collection.commune_refs``):
#: what a census re-import moves to a successor (TER-5), and what waits on a commune without
#: known successor. Invoices are computed from memberships and interventions; spaces and
#: networks are keyed by EPCI or department, never by commune.
ATTACHMENT_COLLECTIONS = tuple(c for c in COLLECTIONS if c.commune_refs)

_CHUNK = 500  # commune codes per query for the population figures of a few communes


class CensusTerritory:
    """The census service's reading of the territory (mixed into ``CensusService``)."""

    deps: Deps

    def communes(
        self,
        *,
        departement: str | None = None,
        epci: str | None = None,
        status: CommuneSituation | str | None = None,
        hors_ressort: bool | None = None,
        year: int | None = None,
    ) -> list[CommuneEntry]:
        """Every commune stored, not only those under 3,500 nor only the current ones, by code:
        its department, EPCI, the population used for ``year`` (this year by default) with its
        flags (TER-2), where it stands (current, merged into its successor, replaced by another
        code, without known successor: TER-5) and whether it is *hors ressort* (TER-7).

        Filters: ``departement`` and ``epci`` (a SIREN) must be stored (else
        :class:`~rsgm_core.errors.NotFoundError`); ``status`` is a :class:`CommuneSituation` or
        its French value; ``hors_ressort`` ``True`` for the communes outside the territory only,
        ``False`` for the territory's only."""
        wanted = None if status is None else situation(status)
        year = self.deps.today().year if year is None else checked_year(year)
        filters: dict[str, Any] = {}
        with self.deps.read() as uow:
            if departement is not None:
                filters["departement"] = uow.departements.get(
                    validate_departement_code(departement)
                ).code
            if epci is not None:
                filters["epci"] = uow.epcis.get(validate_siren(epci)).siren
            found = uow.communes.list(filters or None)
            if wanted is not None:
                found = [c for c in found if situation_of(c) is wanted]
            territory = _territory(self.deps, uow)
            if hors_ressort is not None:
                found = [
                    c for c in found if outside_territory(c.departement, territory) is hors_ressort
                ]
            figures = _figures(uow, [c.code for c in found])
            names = _names(uow, found)
            epcis = {e.siren: e.name for e in uow.epcis.list()} if found else {}
        return [
            _entry(c, names, epcis, figures.get(c.code, ()), territory, year)
            for c in sorted(found, key=lambda c: c.code)
        ]

    def list_orphans(self, *, departement: str | None = None) -> list[OrphanCommune]:
        """TER-5 (c): the communes gone without known successor (of ``departement`` if given),
        each with the records still attached to it, waiting to be reassigned: positions,
        memberships, conventions, interventions, town hall, events hosted, charter signatures,
        access grants and requests, employer notices, advice requests."""
        filters: dict[str, Any] = {"status": CommuneStatus.DISPARUE}
        with self.deps.read() as uow:
            if departement is not None:
                filters["departement"] = uow.departements.get(
                    validate_departement_code(departement)
                ).code
            gone = [c for c in uow.communes.list(filters) if c.successor is None]
            waiting = _waiting(uow, [c.code for c in gone])
        return [
            OrphanCommune(c.code, c.name, c.departement, tuple(waiting.get(c.code, ())))
            for c in sorted(gone, key=lambda c: c.code)
        ]

    def list_reassignments(self, *, commune: str | None = None) -> list[CommuneReassignment]:
        """TER-5 (c), CHA-2: the reassignments recorded (of the former commune ``commune``, or
        all), oldest first, each naming who did it."""
        with self.deps.read() as uow:
            found = uow.reassignments.list(None if commune is None else {"former": commune})
        return sorted(found, key=lambda r: (r.reassigned_on, r.id))

    def reassign(
        self, former: str, successor: str, *, by: str, on: dt.date | None = None
    ) -> Reassignment:
        """TER-5 (c): move everything attached to ``former``, a commune without known successor,
        to ``successor``, a current commune, in one transaction, and record ``successor`` as
        its successor. As on a merge, a town hall, a membership for a year or a convention in
        force that ``successor`` already holds stays in force; the former commune's is kept
        aside and listed (``list_conflicts``). ``by`` is the CDG staff member who decides (id
        or e-mail); ``on`` dates the act (today by default) and decides which conventions are
        in force. Refused, nothing written: a ``former`` that is current or already has a
        successor, a ``successor`` that is not current (TER-5) or is *hors ressort* (TER-7),
        an actor who is not CDG staff (CHA-2)."""
        from rsgm_core.services.authorization import authorize
        from rsgm_core.services.census_conflicts import move_to_successors
        from rsgm_core.services.members import new_id

        day = self.deps.today() if on is None else checked_date(on, "date de la réaffectation")
        old, new = validate_insee_code(former), validate_insee_code(successor)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.REASSIGN_COMMUNE, on=self.deps.today())
            before, after = _commune(uow, old), _commune(uow, new)
            check_reassignment(before, after, territory=_territory(self.deps, uow))
            imports = uow.census_imports.list()
            label = (
                max(imports, key=lambda i: (i.cog_year, i.imported_at)).vintage if imports else ""
            )
            moved, conflicts = move_to_successors(uow, {old: new}, vintage=label, today=day)
            uow.communes.update(attrs.evolve(before, successor=new))
            counts = _in_order(moved.get(old, {}))
            uow.reassignments.add(  # CHA-2: the act and who did it stay on record
                CommuneReassignment(new_id(), old, new, day, actor.id, counts)
            )
        done = Reassignment(
            former=old,
            former_name=before.name,
            successor=new,
            successor_name=after.name,
            by=actor.id,
            by_name=f"{actor.first_name} {actor.last_name}",
            on=day,
            moved=counts,
            conflicts=tuple(conflicts),
        )
        log.info("%s", done.lines()[0])
        return done


def _in_order(moved: dict[str, int]) -> dict[str, int]:
    """The counts of records moved, in the order of :data:`ATTACHMENT_COLLECTIONS`."""
    return {c.name: moved[c.name] for c in ATTACHMENT_COLLECTIONS if moved.get(c.name)}


def _territory(deps: Deps, uow: UnitOfWork) -> tuple[str, ...]:
    from rsgm_core.services.census import territory_of

    return territory_of(deps, uow)


def _commune(uow: UnitOfWork, code: str) -> Commune:
    found = uow.communes.find(code)
    if found is None:
        raise NotFoundError(
            f"commune {code} inconnue du recensement importé", rule="TER-5", value=code
        )
    return found


def _figures(uow: UnitOfWork, codes: Sequence[str]) -> dict[str, list[PopulationFigure]]:
    """The population figures of ``codes``, every vintage, by commune."""
    by_commune: dict[str, list[PopulationFigure]] = defaultdict(list)
    if not codes:
        return by_commune
    wanted = set(codes)
    if len(codes) > 4 * _CHUNK:  # most of the base: one read
        chunks: Iterable[list[PopulationFigure]] = [uow.populations.list()]
    else:
        chunks = (
            uow.populations.list({"commune": tuple(codes[i : i + _CHUNK])})
            for i in range(0, len(codes), _CHUNK)
        )
    for chunk in chunks:
        for figure in chunk:
            if figure.commune in wanted:
                by_commune[figure.commune].append(figure)
    return by_commune


def _names(uow: UnitOfWork, communes: Sequence[Commune]) -> dict[str, str]:
    """The names of the communes listed and of their successors."""
    names = {c.code: c.name for c in communes}
    missing = tuple(sorted({c.successor for c in communes if c.successor} - set(names)))
    for start in range(0, len(missing), _CHUNK):
        names.update(
            (c.code, c.name) for c in uow.communes.list({"code": missing[start : start + _CHUNK]})
        )
    return names


def _entry(
    commune: Commune,
    names: dict[str, str],
    epcis: dict[str, str],
    figures: Sequence[PopulationFigure],
    territory: Sequence[str],
    year: int,
) -> CommuneEntry:
    used = population_used(figures, commune.code, year)  # TER-2: the one rule
    return CommuneEntry(
        code=commune.code,
        name=commune.name,
        departement=commune.departement,
        epci=commune.epci,
        epci_name=epcis.get(commune.epci) if commune.epci else None,
        situation=situation_of(commune),
        successor=commune.successor,
        successor_name=names.get(commune.successor) if commune.successor else None,
        hors_ressort=outside_territory(commune.departement, territory),
        year=year,
        population=used.population if used else None,
        population_kind=used.kind if used else None,
        population_vintage=used.vintage if used else None,
        provisional=used.provisional if used else False,
        ept=commune.ept,
        ept_name=commune.ept_name,
    )


def _waiting(uow: UnitOfWork, codes: Sequence[str]) -> dict[str, list[WaitingRecord]]:
    """Every record of every collection holding a commune code that is one of ``codes``."""
    found: dict[str, list[WaitingRecord]] = defaultdict(list)
    if not codes:
        return found
    wanted = tuple(codes)
    for collection in ATTACHMENT_COLLECTIONS:
        repo = uow.repository(collection.name)
        for field in collection.commune_refs:
            for record in repo.list({field: wanted}):
                code = getattr(record, field)
                key = collection.key_of(record)
                text = "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
                found[code].append(WaitingRecord(collection.name, text, field))
    return found
