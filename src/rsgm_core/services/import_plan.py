"""From checked rows to what an import will do (MEM-1): people, duplicates and, in update mode,
what each row adds, changes or ends for the members already recorded.

One person is a name and an e-mail, case and accents ignored (:func:`~.member_import.person_key`).
Within the file the same person twice in one commune is a doubled position; the same name in one
commune under two addresses a likely duplicate; one address under two names a shared mailbox
(CHA-6). Against the database, without update mode, a known address or a known name in the same
commune is a likely duplicate; in update mode it is the person to refresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.domain.members import MAX_WORK_TIME, Lifecycle, Member, Position
from rsgm_core.services.import_rows import ParsedRow

__all__ = ["Person", "Plan", "Stored", "plan_import"]

_UPDATE_HINT = "pour rafraîchir la base, importez en mode mise à jour (--mise-a-jour)"


@attrs.define
class Stored:
    """The members and positions recorded before the import."""

    members: list[Member]
    positions: list[Position]
    by_email: dict[str, Member] = attrs.Factory(dict)
    by_name: dict[str, list[Member]] = attrs.Factory(dict)
    held: dict[str, list[Position]] = attrs.Factory(dict)  # member id → positions held today
    facts: dict[str, set[tuple[str, str]]] = attrs.Factory(dict)  # member id → (kind, key)
    commune_names: dict[str, str] = attrs.Factory(dict)  # code → name

    @classmethod
    def of(cls, members: list[Member], positions: list[Position], today: dt.date) -> Stored:
        stored = cls(members, positions)
        for m in members:
            if m.erased:
                continue
            if m.email:
                stored.by_email[m.email.lower()] = m
            stored.by_name.setdefault(fold(m.full_name), []).append(m)
        for p in positions:
            if p.end is None or p.end > today:
                stored.held.setdefault(p.member_id, []).append(p)
        return stored

    def communes_of(self, member: Member) -> set[str]:
        return {p.commune for p in self.held.get(member.id, ())}


@attrs.define
class Person:
    """A person of the sheet: the rows kept, and the member it refreshes in update mode."""

    key: str
    rows: list[ParsedRow]
    member: Member | None = None
    rejected_rows: int = 0  # rows of this person with a problem (update mode ends nothing then)


@attrs.define
class Plan:
    people: dict[str, Person] = attrs.Factory(dict)
    members_changed: list[Member] = attrs.Factory(list)
    positions_new: list[tuple[Person, ParsedRow]] = attrs.Factory(list)
    positions_ended: list[Position] = attrs.Factory(list)
    facts_new: list[tuple[Person, str, str]] = attrs.Factory(list)  # (person, kind, term)
    absent: list[str] = attrs.Factory(list)
    modified: int = 0

    @property
    def created(self) -> list[Person]:
        return [p for p in self.people.values() if p.member is None]


def _percent(total: Decimal) -> str:
    return f"{(total * 100).normalize():f}".replace(".", ",") + " %"


def plan_import(rows: Sequence[ParsedRow], stored: Stored, *, update: bool, today: dt.date) -> Plan:
    """People and duplicates for every row (problems added to the rows), then what each kept row
    does; in update mode, the changes to known members."""
    plan = Plan()
    emails: dict[str, tuple[str, int]] = {}
    places: dict[tuple[str, str], tuple[str, int]] = {}  # (name, commune) → (key, line)
    rejected: dict[str, int] = {}
    people = plan.people
    against = bool(stored.members)
    for row in rows:
        member = None
        if row.first and row.last:
            _within_file(row, emails, places)
            if against:
                member = _against_database(row, stored, update=update)
        if row.issues:
            rejected[row.key] = rejected.get(row.key, 0) + 1
            continue
        person = people.get(row.key)
        if person is None:
            person = people[row.key] = Person(row.key, [row], member)
        else:
            person.rows.append(row)
    positions_new = plan.positions_new
    for person in people.values():
        if rejected:
            person.rejected_rows = rejected.get(person.key, 0)
        rows_of = person.rows
        if person.member is None and len(rows_of) == 1:  # the usual new person: one row
            row = rows_of[0]
            row.action = "nouveau membre"
            if row.has_position:  # one position: at most full time (MEM-1), never over 115 %
                positions_new.append((person, row))
                if row.permanent and row.work_time is not None:
                    _flag_excess(row, row.work_time)
            if not (row.expertises or row.software):
                continue
        elif person.member is None:
            _new_person(person, today)
            for row in rows_of:
                if row.has_position:
                    positions_new.append((person, row))
        else:
            _refresh(person, stored, plan, today)
        if len(rows_of) == 1:
            if not (rows_of[0].expertises or rows_of[0].software):
                continue
        elif not any(row.expertises or row.software for row in rows_of):
            continue
        known = stored.facts.get(person.member.id, set()) if person.member else set()
        for kind, terms in (("expertise", "expertises"), ("logiciel", "software")):
            for term in sorted({t for row in rows_of for t in getattr(row, terms)}):
                if (kind, fold(term)) in known:
                    continue
                plan.facts_new.append((person, kind, term))
                if person.member is not None:
                    added = "expertise ajoutée" if kind == "expertise" else "logiciel ajouté"
                    person.rows[0].changes.append(f"{added} : {term}")
                    person.rows[0].action = "mis à jour"
    if update:
        seen = {p.member.id for p in plan.people.values() if p.member is not None}
        seen |= {m.id for row in rows if (m := _known(row, stored)) is not None}
        plan.absent = [
            m.full_name
            for m in stored.members
            if m.id not in seen and not m.erased and m.lifecycle is not Lifecycle.DEPARTED
        ]
    return plan


def _within_file(
    row: ParsedRow,
    emails: dict[str, tuple[str, int]],
    places: dict[tuple[str, str], tuple[str, int]],
) -> None:
    folded, email, commune = row.folded_name, row.email, row.commune
    if email:
        name, line = emails.setdefault(email.lower(), (folded, row.line))
        if name != folded:
            row.problem(
                "adresse partagée",
                f"l'adresse {email} est aussi celle de la ligne {line} sous un autre nom : "
                "une personne, un compte",
                email,
                rule="CHA-6",
            )
    if commune is None:
        return
    key, line = places.setdefault((folded, commune.code), (row.key, row.line))
    if line == row.line:
        return
    if key == row.key:
        row.problem(
            "poste en double",
            f"poste en double : même personne et même commune ({commune.name}) que la ligne {line}",
            row.name,
        )
    else:
        row.problem(
            "doublon probable",
            f"doublon probable de la ligne {line} : même nom et même commune "
            f"({commune.name}), autre adresse",
            row.name,
        )


def _known(row: ParsedRow, stored: Stored) -> Member | None:
    """The recorded member this row names: same address, else the only one of that name (when
    the addresses do not contradict it)."""
    if row.email and row.email.lower() in stored.by_email:
        return stored.by_email[row.email.lower()]
    same = stored.by_name.get(row.folded_name, [])
    if len(same) != 1:
        return None
    member = same[0]
    if row.email and member.email and row.email.lower() != member.email.lower():
        in_common = row.commune is not None and row.commune.code in stored.communes_of(member)
        return member if in_common else None
    return member


def _against_database(row: ParsedRow, stored: Stored, *, update: bool) -> Member | None:
    member = _known(row, stored)
    if row.email and row.email.lower() in stored.by_email:
        other = stored.by_email[row.email.lower()]
        if fold(other.full_name) != row.folded_name:
            row.problem(
                "adresse déjà prise",
                f"l'adresse {row.email} est déjà celle de {other.full_name} : une personne, "
                "un compte",
                row.email,
                rule="CHA-6",
            )
            return None
    if member is None:
        same = stored.by_name.get(row.folded_name, [])
        if update and len(same) > 1:
            row.problem(
                "homonymes",
                f"{len(same)} membres s'appellent {row.name} : donnez le courriel pour choisir",
                row.name,
            )
        return None
    if not update:
        where = (
            f"a déjà l'adresse {row.email}"
            if row.email and member.email and row.email.lower() == member.email.lower()
            else "figure déjà dans la base"
        )
        in_commune = row.commune is not None and row.commune.code in stored.communes_of(member)
        if "adresse" in where or in_commune:
            row.problem(
                "déjà enregistré",
                f"doublon probable : {member.full_name} {where}"
                + (
                    f" (même nom et même commune : {row.commune.name})"
                    if in_commune and row.commune
                    else ""
                )
                + f" ; {_UPDATE_HINT}",
                row.name,
            )
        return None
    if member.erased or member.lifecycle is Lifecycle.DEPARTED:
        row.problem(
            "membre parti",
            f"{member.full_name} a quitté le réseau ; enregistrez son retour avant de le mettre à jour",
            row.name,
            rule="MEM-4",
        )
        return None
    return member


def _new_person(person: Person, today: dt.date) -> None:
    rows = person.rows
    first = rows[0]
    first.action = "nouveau membre"
    total = Decimal(0)
    for row in rows:
        if row is not first:
            row.action = f"poste ajouté au membre de la ligne {first.line}"
        if row.has_position and row.permanent and row.work_time is not None:
            total += row.work_time  # new positions have no dates: all held today
            _flag_excess(row, total)


def _flag_excess(row: ParsedRow, total: Decimal) -> None:
    if total > MAX_WORK_TIME:  # MEM-1: recorded, flagged, never refused
        row.notes.append(
            f"quotités cumulées de {_percent(total)} : au-delà des 115 % permis pour des "
            "emplois à temps non complet, signalé à l'animateur [MEM-1]"
        )


def _refresh(person: Person, stored: Stored, plan: Plan, today: dt.date) -> None:
    from rsgm_core.services.member_refresh import refresh_person

    refresh_person(person, stored, plan, today)


def describe(items: Iterable[str]) -> str:
    return " ; ".join(items)
