"""Elected officials (MEM-12), as ``app.elus``: mandates recorded, ended and renewed, imported
from a spreadsheet (:mod:`~.elu_import`), written to (:mod:`~.elu_letters`), the steering
committee's seats (NET-3). The rules are in :mod:`rsgm_core.domain.elus`.

A mandate that ends ends what rests on it, in the same unit of work: the charter signature the
élu gave lapses on the mandate's last day (CHA-1), their seat on the steering committee is left
(NET-3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.directory import fold
from rsgm_core.domain.elu_import import EluImportReport
from rsgm_core.domain.elu_letters import LetterRound, MailMerge
from rsgm_core.domain.elus import (
    Civility,
    Elu,
    EluLetter,
    EluRole,
    LetterKind,
    check_elu,
    check_no_overlap,
    steering_seat,
)
from rsgm_core.domain.governance import CommitteeKind, Seat
from rsgm_core.domain.members import validate_email
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.services.access_facts import parse_enum
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["EluService"]

RULE = "MEM-12"


class EluService:
    """``app.elus``: the élus of the territory, one record per mandate (MEM-12)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def add(
        self,
        first_name: str,
        last_name: str,
        role: EluRole | str,
        *,
        by: str,
        start: dt.date,
        end: dt.date | None = None,
        commune: str | None = None,
        epci: str | None = None,
        civility: Civility | str | None = None,
        email: str | None = None,
        address: str = "",
        phone: str | None = None,
    ) -> Elu:
        """MEM-12: one mandate: a mayor or deputy of ``commune`` (INSEE code), the president of
        ``epci`` (SIREN), or a member of the CDG's board, from ``start`` to ``end`` (``None``: in
        office). Refused: a commune or EPCI the census does not know, a mandate ending before it
        starts, a second mayor of one commune (or president of one EPCI) over the same dates.
        ``by``: CDG staff (CHA-2)."""
        wanted = parse_enum(EluRole, role, "mandat", RULE)
        title = None if civility is None else parse_enum(Civility, civility, "civilité", RULE)
        mail = validate_email(email, generic_local_parts=()) if email else None
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            elu = Elu(
                new_id(), first_name.strip(), last_name.strip(), wanted, start, end,
                commune=commune if wanted.communal else None,
                epci=epci if wanted is EluRole.EPCI_PRESIDENT else None,
                civility=title, email=mail, address=address.strip(), phone=phone,
                recorded_by=actor.id,
            )  # fmt: skip
            return _record(uow, elu)

    def end(self, elu: str, *, by: str, on: dt.date | None = None) -> Elu:
        """MEM-12: the mandate ``elu`` names (id, e-mail or « Prénom Nom ») ends on ``on``
        (default today), and what rests on it: the charter signature the élu gave lapses after
        that day (CHA-1), their seat on the steering committee is left (NET-3)."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            found = find_elu(uow, elu, on=day)
            if found.end is not None and found.end <= day:
                raise ValidationError(
                    f"le mandat de {found.full_name} ({found.title}) a déjà pris fin le "
                    f"{found.end:%d/%m/%Y}",
                    rule=RULE,
                    value=found.full_name,
                )
            check_elu(attrs.evolve(found, end=day))  # not before it started
            return end_mandate(uow, found, day, actor.id)

    def get_elu(self, elu: str, *, on: dt.date | None = None) -> Elu:
        """The mandate ``elu`` names: its id (or 8 characters of it), the élu's e-mail address or
        full name (the mandate in office on ``on`` first, else the latest)."""
        with self.deps.read() as uow:
            return find_elu(uow, elu, on=self.deps.on(on))

    def list_elus(
        self,
        *,
        on: dt.date | None = None,
        role: EluRole | str | None = None,
        commune: str | None = None,
        epci: str | None = None,
        history: bool = False,
    ) -> list[Elu]:
        """The mandates in office on ``on`` (default today), or with ``history=True`` every
        mandate on record, ended ones included; by role, place and name."""
        day = self.deps.on(on)
        wanted = None if role is None else parse_enum(EluRole, role, "mandat", RULE)
        with self.deps.read() as uow:
            found = uow.elus.list({"commune": commune} if commune else None)
        kept = [
            e
            for e in found
            if (history or e.in_office(day))
            and (wanted is None or e.role is wanted)
            and (epci is None or e.epci == epci)
        ]
        return sorted(kept, key=lambda e: (e.role.value, e.seat or "", fold(e.full_name), e.start))

    def import_elus(
        self,
        path: str | Path,
        *,
        by: str,
        mapping: Mapping[str, str] | None = None,
        ignore: Iterable[str] = (),
        defaults: Mapping[str, str] | None = None,
        update: bool = False,
        election: dt.date | None = None,
        dry_run: bool = True,
    ) -> EluImportReport:
        """MEM-12: élus from a CSV or XLSX file, with the member import's machinery (French
        header synonyms, ``mapping`` header → field, ``ignore``, ``defaults`` for empty cells,
        every problem of every row in one pass, communes by INSEE code or name). A dry run by
        default: ``dry_run=False`` writes, all rows or none. ``update``: a row naming a mandate
        on record refreshes its contact. ``election``: a municipal election's date: the mandates
        of the communes (and EPCIs) the file names that run on that day end the day before, and
        the rows without a start date start that day (history kept)."""
        from rsgm_core.services.elu_import import EluImport

        return EluImport(self.deps)(
            Path(path), by=by, mapping=mapping, ignore=tuple(ignore), defaults=defaults,
            update=update, election=election, dry_run=dry_run,
        )  # fmt: skip

    def steering_seats(self, elus: Sequence[str], *, on: dt.date | None = None) -> list[Seat]:
        """NET-3: the steering committee's seats held by ``elus`` (each named as for
        :meth:`get_elu`), in office on ``on``: a member of the CDG's board sits for the CDG, an
        EPCI president, a mayor or a deputy for their EPCI. Give them to
        ``app.network.set_committee("pilotage", …)``."""
        day = self.deps.on(on)
        with self.deps.read() as uow:
            found = [find_elu(uow, ref, on=day) for ref in elus]
            epcis = {
                c.code: c.epci
                for c in uow.communes.list({"code": [e.commune for e in found if e.commune]})
            }
        return [steering_seat(e, on=day, epci=epcis.get(e.commune or "")) for e in found]

    # Letters and messages (EVT-2) --------------------------------------------------------------

    def send_letters(
        self,
        kind: LetterKind | str,
        *,
        by: str,
        event_id: str | None = None,
        on: dt.date | None = None,
    ) -> LetterRound:
        """MEM-12, EVT-2: the letter of ``kind`` by e-mail (the outbox, NOT-1) to each élu it
        is for who has an address and has not had it yet: the launch letter to the mayors in
        office, the letter to the EPCI presidents, the information of the mayors of the
        communes ``event_id`` invited, the feedback after it (with its figures). Those without
        an address are listed for the mail-merge (:meth:`print_letters`)."""
        from rsgm_core.services.elu_letters import send_letters

        wanted = parse_enum(LetterKind, kind, "courrier", RULE)
        return send_letters(self.deps, wanted, by=by, event_id=event_id, on=self.deps.on(on))

    def print_letters(
        self,
        kind: LetterKind | str,
        *,
        by: str,
        event_id: str | None = None,
        pdf: bool = False,
        everyone: bool = False,
        on: dt.date | None = None,
    ) -> MailMerge:
        """MEM-12: the letter of ``kind`` as a printable mail-merge for postal mail, one page
        per recipient (HTML, or PDF with the ``pdf`` extra), the sender being the CDG of the
        profile's ``[cdg]``: to those it is for who have not had it yet (``everyone``: to all
        of them). Each page printed is recorded as a letter sent by post."""
        from rsgm_core.services.elu_letters import print_letters

        wanted = parse_enum(LetterKind, kind, "courrier", RULE)
        return print_letters(
            self.deps, wanted, by=by, event_id=event_id, pdf=pdf, everyone=everyone,
            on=self.deps.on(on),
        )  # fmt: skip

    def list_letters(
        self,
        *,
        kind: LetterKind | str | None = None,
        event_id: str | None = None,
        elu: str | None = None,
    ) -> list[EluLetter]:
        """The letters and messages written to élus, oldest first."""
        wanted = None if kind is None else parse_enum(LetterKind, kind, "courrier", RULE)
        with self.deps.read() as uow:
            found = uow.elu_letters.list({"event_id": event_id} if event_id else None)
            who = find_elu(uow, elu, on=self.deps.today()).id if elu else None
        kept = [
            x
            for x in found
            if (wanted is None or x.kind is wanted) and (who is None or x.elu_id == who)
        ]
        return sorted(kept, key=lambda x: (x.on, x.kind.value, x.id))


def place_name(uow: UnitOfWork, elu: Elu) -> str:
    """« Aubigny (79019) », « CC du Thouarsais (200040947) » or « CDG »."""
    if elu.commune:
        found = uow.communes.find(elu.commune)
        return f"{found.name} ({elu.commune})" if found else elu.commune
    if elu.epci:
        epci = uow.epcis.find(elu.epci)
        return f"{epci.name} ({elu.epci})" if epci else elu.epci
    return "CDG"


def _record(uow: UnitOfWork, elu: Elu) -> Elu:
    """MEM-12: check and store one mandate in the caller's unit of work."""
    check_elu(elu)
    if elu.commune is not None and uow.communes.find(elu.commune) is None:
        # needs storage: the communes of the census
        raise NotFoundError(
            f"commune inconnue du recensement : {elu.commune!r} (un élu est celui d'une commune "
            "qui existe)",
            rule=RULE,
            value=elu.commune,
        )
    if elu.epci is not None and uow.epcis.find(elu.epci) is None:
        # needs storage: the EPCIs of the census
        raise NotFoundError(
            f"EPCI inconnu du recensement : {elu.epci!r}", rule=RULE, value=elu.epci
        )
    others = uow.elus.list({"commune": elu.commune} if elu.commune else {"epci": elu.epci})
    check_no_overlap(elu, others, place=place_name(uow, elu))
    return uow.elus.add(elu)


def end_mandate(uow: UnitOfWork, elu: Elu, day: dt.date, by: str | None) -> Elu:
    """MEM-12: ``elu``'s mandate ends on ``day`` and what rests on it: the signatures it gave
    hold until that day at most (CHA-1), its steering committee seats are left (NET-3)."""
    ended = uow.elus.update(attrs.evolve(elu, end=day, ended_by=by))
    signatures = (
        [s for s in uow.signatures.list({"commune": elu.commune}) if s.elu_id == elu.id]
        if elu.commune
        else [s for s in uow.signatures.list() if s.elu_id == elu.id]
    )
    for signature in signatures:
        if signature.mandate_end is None or signature.mandate_end > day:
            uow.signatures.update(attrs.evolve(signature, mandate_end=day))
    for committee in uow.committees.list({"kind": CommitteeKind.STEERING}):
        kept = tuple(s for s in committee.seats if s.holder != elu.id)
        if len(kept) != len(committee.seats):
            uow.committees.update(attrs.evolve(committee, seats=kept, changed_by=by))
    return ended


def find_elu(uow: UnitOfWork, ref: str, *, on: dt.date) -> Elu:
    """The mandate ``ref`` names: an id or 8 characters of it, an e-mail address or a full
    name; among several mandates of one person, the one in office on ``on``, else the latest."""
    text = (ref or "").strip()
    if not text:
        raise ValidationError("élu non nommé : identifiant, adresse ou nom attendu", rule=RULE)
    exact = uow.elus.find(text)
    if exact is not None:
        return exact
    everyone = uow.elus.list()
    if "@" in text:
        found = [e for e in everyone if (e.email or "").casefold() == text.casefold()]
    else:
        wanted = fold(text)
        found = [e for e in everyone if fold(e.full_name) == wanted]
        if not found and len(text) >= 8:
            found = [e for e in everyone if e.id.startswith(text)]
    if not found:
        raise NotFoundError(f"élu inconnu : « {text} »", rule=RULE, value=text)
    current = [e for e in found if e.in_office(on)]
    pool = current or sorted(found, key=lambda e: e.start)[-1:]
    if len({(fold(e.full_name)) for e in pool}) > 1 or (
        len(pool) > 1 and len({e.id for e in pool}) > 1
    ):
        listed = " ; ".join(f"{e.full_name}, {e.title} ({e.id[:8]})" for e in pool)
        raise ValidationError(
            f"« {text} » désigne plusieurs mandats en cours : {listed} ; donnez l'identifiant",
            rule=RULE,
            value=text,
        )
    return pool[0]
