"""Import élus from CSV or XLSX (MEM-12): ``app.elus.import_elus``.

The member import's machinery, with the élus' headers (:mod:`~.elu_import` of the domain): the
header found among the first lines, ``--colonne``/``--ignorer``/``--par-defaut``, communes by
INSEE code or by name (homonyms told apart by the department), every problem of every row in one
pass (:class:`~.member_import.ImportReport`), then all rows written in one transaction, or none.
A municipal election (``election``) ends the mandates running in the communes and EPCIs the file
names the day before, and what rests on them (:func:`~.elus.end_mandate`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.commune_names import CommuneIndex
from rsgm_core.domain.directory import FactKind, Vocabulary, fold, validate_phone
from rsgm_core.domain.elu_import import (
    ELU_LABELS,
    ELU_VOCABULARY,
    ROLE_ALLOWED,
    EluImportReport,
    read_civility,
    read_role,
)
from rsgm_core.domain.elus import (
    Elu,
    EluRole,
    check_elu,
    check_no_overlap,
    overlaps,
    renewed_by,
)
from rsgm_core.domain.member_import import parse_date, resolve_field
from rsgm_core.domain.members import validate_email
from rsgm_core.errors import RsgmError, ValidationError
from rsgm_core.services.authorization import authorize
from rsgm_core.services.elus import end_mandate
from rsgm_core.services.import_rows import ParsedRow, RowChecker, open_row
from rsgm_core.services.member_import import _open, _result, find_header, new_ids

if TYPE_CHECKING:
    from rsgm_core.domain.territory import Epci
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["EluImport", "EluImportReport"]  # the report: rsgm_core.domain.elu_import

RULE = "MEM-12"
_EMPTY = Vocabulary(FactKind.EXPERTISE, ())


@attrs.define
class _Row:
    parsed: ParsedRow
    elu: Elu | None = None
    refresh: Elu | None = None  # update mode: the mandate on record the row refreshes


class EluImport:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def __call__(
        self,
        path: Path,
        *,
        by: str,
        mapping: Mapping[str, str] | None,
        ignore: tuple[str, ...],
        defaults: Mapping[str, str] | None,
        update: bool,
        election: dt.date | None,
        dry_run: bool,
    ) -> EluImportReport:
        chosen = {
            resolve_field(k, "champ par défaut", vocabulary=ELU_VOCABULARY): str(v).strip()
            for k, v in (defaults or {}).items()
        }
        for field, value in chosen.items():
            if not value:
                raise ValidationError(
                    f"valeur par défaut vide pour {ELU_LABELS[field]}", rule=RULE, value=field
                )
        rows = _open(path)
        try:
            header, header_line = find_header(
                rows, mapping, ignore, path, vocabulary=ELU_VOCABULARY
            )
            file_problems = tuple(
                f'colonne « {h} » non reconnue : ignorez-la (--ignorer "{h}") ou dites ce '
                f'qu\'elle contient (--colonne "{h}=CHAMP")'
                for h in header.unknown
            ) + tuple(
                f'colonne « {h} » en double : ignorez-en une (--ignorer "{h}")'
                for h in header.doubled
            )
            context = self.deps.read() if dry_run else self.deps.transaction()
            with context as uow:
                actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
                reader = _Reader(uow, self.deps, chosen, election)
                read = [
                    reader.read(line, raw, header.columns)
                    for line, raw in enumerate(rows, start=header_line + 1)
                    if any(c.strip() for c in raw)
                ]
                ended = _plan(uow, read, update=update, election=election)
                bad = any(r.parsed.issues for r in read)
                write = not dry_run and not file_problems and not bad
                if write:
                    _write(uow, read, ended, election, actor.id)
        finally:
            rows.close()
        created = [
            r for r in read if r.elu is not None and r.refresh is None and not r.parsed.issues
        ]
        return EluImportReport(
            str(path), tuple(_result(r.parsed) for r in read), members=len(created), positions=0,
            dry_run=dry_run, written=write, file_problems=file_problems, header=header,
            update=update, updated=sum(1 for r in read if r.refresh is not None and r.parsed.changes),
            ended=len(ended), ended_mandates=tuple(f"{e.full_name} ({e.title})" for e in ended),
            election=election,
        )  # fmt: skip


class _Reader:
    """Reads each row into a mandate, every problem kept (the member import's row checker
    finds the communes)."""

    def __init__(
        self, uow: UnitOfWork, deps: Deps, defaults: Mapping[str, str], election: dt.date | None
    ) -> None:
        self.defaults = defaults
        self.election = election
        departements = deps.settings.departements
        self.checker = RowChecker(
            index=CommuneIndex(uow.communes.list(), departements), fields=set(), defaults={},
            thesaurus=_EMPTY, tools=_EMPTY, departements=departements,
        )  # fmt: skip
        self.epcis: list[Epci] = uow.epcis.list()
        self.ids = iter(new_ids(20_000))

    def read(self, line: int, raw: list[str], columns: Mapping[int, str]) -> _Row:
        row, cells = open_row(line, raw, columns, self.defaults, rule=RULE)
        found = read_role(cells.get("role", ""))
        if found is None:
            text = cells.get("role", "")
            row.problem(
                "mandat inconnu",
                f"mandat inconnu : « {text} »",
                text,
                allowed=ROLE_ALLOWED,
                rule=RULE,
            )
        role, civility = found if found else (None, None)
        if cells.get("civility"):
            civility = read_civility(cells["civility"])
            if civility is None:
                row.problem("civilité inconnue", f"civilité inconnue : « {cells['civility']} »",
                            cells["civility"], allowed="Madame, Monsieur", rule=RULE)  # fmt: skip
        commune = epci = None
        if role is not None and role.communal:
            if not (cells.get("commune") or cells.get("commune_name")):
                row.problem(
                    "commune vide",
                    f"commune vide : un {role.value} est l'élu d'une commune",
                    rule=RULE,
                )
            else:
                self.checker._commune_once(row, cells)
                row.notes[:] = [n for n in row.notes if "TER-7" not in n]
                commune = row.commune.code if row.commune else None
        elif role is EluRole.EPCI_PRESIDENT:
            epci = self._epci(row, cells.get("epci", ""))
        start = self._date(row, cells.get("start", ""), "début") or self.election
        if start is None and role is not None:
            row.problem("début vide", 'début de mandat vide : remplissez-le, ou donnez la date '
                        'de l\'élection (--election) ou une valeur par défaut (--par-defaut "début=…")',
                        rule=RULE)  # fmt: skip
        end = self._date(row, cells.get("end", ""), "fin")
        email = phone = None
        if cells.get("email"):
            email = self.checker._read(row, "adresse invalide", _email, cells["email"])
        if cells.get("phone"):
            phone = self.checker._read(row, "téléphone invalide", validate_phone, cells["phone"])
        address = "\n".join(
            x for x in (cells.get("address", ""), " ".join(
                y for y in (cells.get("postcode", ""), cells.get("town", "")) if y)) if x
        )  # fmt: skip
        result = _Row(row)
        if role is None or start is None or row.issues:
            return result
        elu = Elu(
            next(self.ids), row.first, row.last, role, start, end, commune=commune, epci=epci,
            civility=civility, email=email, address=address, phone=phone,
        )  # fmt: skip
        result.elu = self.checker._read(row, "mandat impossible", check_elu, elu)
        return result

    def _date(self, row: ParsedRow, text: str, what: str) -> dt.date | None:
        if not text:
            return None
        return self.checker._read(row, f"{what} illisible", parse_date, text)

    def _epci(self, row: ParsedRow, text: str) -> str | None:
        if not text:
            row.problem(
                "EPCI vide",
                "EPCI vide : un président d'EPCI est l'élu d'un EPCI (SIREN ou nom)",
                rule=RULE,
            )
            return None
        wanted = fold(text)
        found = [e for e in self.epcis if e.siren == text.strip() or fold(e.name) == wanted]
        if len(found) != 1:
            row.problem(
                "EPCI inconnu", f"EPCI inconnu du recensement : « {text} »", text, rule=RULE
            )
            return None
        return found[0].siren


def _email(text: str) -> str:
    """An élu's contact: any well-formed address (a mayor is often reached at the town hall's)."""
    return validate_email(text, generic_local_parts=())


def _same(a: Elu, b: Elu) -> bool:
    """The same person in the same mandate (role and place), on overlapping dates."""
    return (
        fold(a.full_name) == fold(b.full_name)
        and a.role is b.role
        and a.seat == b.seat
        and overlaps(a, b)
    )


def _plan(
    uow: UnitOfWork, read: list[_Row], *, update: bool, election: dt.date | None
) -> list[Elu]:
    """What the rows do against the mandates on record: a municipal election ends the running
    ones of the places the file names; update mode refreshes a mandate on record; a mandate
    already on record or a second mayor over the same dates is a problem (MEM-12)."""
    stored = uow.elus.list()
    ended: list[Elu] = []
    if election is not None:
        kept = [r.elu for r in read if r.elu is not None]
        communes = {e.commune for e in kept if e.role.communal and e.commune}
        epcis = {e.epci for e in kept if e.role is EluRole.EPCI_PRESIDENT and e.epci}
        day_before = election - dt.timedelta(days=1)
        ended = [
            attrs.evolve(e, end=day_before)
            for e in renewed_by(
                stored, roles=(EluRole.MAYOR, EluRole.DEPUTY), seats=communes, on=election
            )
            + renewed_by(stored, roles=(EluRole.EPCI_PRESIDENT,), seats=epcis, on=election)
        ]
        gone = {e.id: e for e in ended}
        stored = [gone.get(e.id, e) for e in stored]
    accepted: list[Elu] = []
    for row in read:
        elu, parsed = row.elu, row.parsed
        if elu is None:
            continue
        known = next((e for e in stored if _same(elu, e)), None)
        if known is not None and update:
            row.refresh = known
            changes = _changes(known, elu)
            parsed.action = "mis à jour" if changes else "inchangé"
            parsed.changes.extend(changes)
            continue
        if known is not None:
            parsed.problem(
                "déjà enregistré",
                f"mandat déjà enregistré : {known.full_name}, {known.title} depuis le "
                f"{known.start:%d/%m/%Y} ; pour rafraîchir ses coordonnées, importez en mode "
                "mise à jour (--mise-a-jour)",
                parsed.name,
                rule=RULE,
            )
            continue
        twice = next((e for e in accepted if _same(elu, e)), None)
        if twice is not None:
            parsed.problem("mandat en double", f"mandat en double dans le fichier : {elu.full_name}, "
                           f"{elu.title}", parsed.name, rule=RULE)  # fmt: skip
            continue
        place = parsed.commune.name if parsed.commune else (elu.epci or "")
        kind = "second maire" if elu.role is EluRole.MAYOR else "second président d'EPCI"
        try:
            check_no_overlap(elu, [*stored, *accepted], place=place)
        except RsgmError as exc:
            parsed.problem(kind, exc.message, parsed.name, rule=RULE)
            continue
        accepted.append(elu)
        parsed.action = f"nouveau mandat : {elu.title}"
    return ended


def _changes(known: Elu, row: Elu) -> list[str]:
    found = []
    for field, label in (("email", "courriel"), ("address", "adresse"), ("phone", "téléphone"),
                         ("civility", "civilité"), ("end", "fin de mandat")):  # fmt: skip
        new = getattr(row, field)
        if new not in (None, "") and new != getattr(known, field):
            shown = (
                new.value
                if hasattr(new, "value")
                else (
                    f"{new:%d/%m/%Y}" if isinstance(new, dt.date) else str(new).replace("\n", ", ")
                )
            )
            found.append(f"{label} : {shown}")
    return found


def _write(
    uow: UnitOfWork, read: list[_Row], ended: list[Elu], election: dt.date | None, by: str
) -> None:
    for elu in ended:
        end_mandate(uow, uow.elus.get(elu.id), elu.end or dt.date.min, by)
    for row in read:
        if row.elu is None:
            continue
        if row.refresh is not None:
            if row.parsed.changes:
                fresh = {
                    f: getattr(row.elu, f)
                    for f in ("email", "address", "phone", "civility")
                    if getattr(row.elu, f) not in (None, "")
                }
                updated = uow.elus.update(attrs.evolve(row.refresh, **fresh))
                if row.elu.end is not None and row.elu.end != updated.end:
                    end_mandate(uow, updated, row.elu.end, by)  # and what rests on it
            continue
        uow.elus.add(attrs.evolve(row.elu, recorded_by=by))
