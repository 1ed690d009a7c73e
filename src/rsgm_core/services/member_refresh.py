"""Update mode of the member import (MEM-1): next year's sheet refreshes the base.

A row naming a recorded member (same address, else the only member of that name) says what it
changes: the address, phone or helper flag that differ; a position in a new commune is added; a
position whose function, work time, status or permanence differ ends today and its successor
starts today (so past years keep their positions as they were); a position the sheet no longer
lists for that person ends today, unless one of the person's rows is rejected (the sheet is then
not the whole truth about them). Expertises and software are added, never removed. Members no row
names are listed, not changed: a departure is recorded with its reason (MEM-4).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from rsgm_core.domain.members import Position
from rsgm_core.services.import_plan import Person, Plan, Stored, _percent
from rsgm_core.services.import_rows import ParsedRow

__all__ = ["refresh_person"]


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _fraction(value: Decimal) -> str:
    return _percent(value)


def _diff(old: Position, row: ParsedRow) -> list[str]:
    found = []
    if row.function is not None and row.function is not old.function:
        found.append(f"fonction {old.function.label} → {row.function.label}")
    if row.work_time is not None and row.work_time != old.work_time:
        found.append(f"quotité {_fraction(old.work_time)} → {_fraction(row.work_time)}")
    if row.status is not None and row.status is not old.status:
        found.append(f"statut {old.status.value} → {row.status.value}")
    if row.permanent != old.permanent:
        found.append("emploi permanent" if row.permanent else "emploi non permanent")
    return found


def refresh_person(person: Person, stored: Stored, plan: Plan, today: dt.date) -> None:
    """What the rows of a known member change; the changes are said on the rows."""
    member = person.member
    assert member is not None
    first = person.rows[0]
    changed = member
    emails = [r.email for r in person.rows if r.email]
    if emails and (member.email or "").lower() not in {e.lower() for e in emails}:
        first.changes.append(f"courriel {member.email or 'aucun'} → {emails[0]}")
        changed = attrs.evolve(changed, email=emails[0])
    phones = [r.phone for r in person.rows if r.phone]
    if phones and phones[0] != member.phone:
        first.changes.append(f"téléphone {member.phone or 'aucun'} → {phones[0]}")
        changed = attrs.evolve(changed, phone=phones[0])
    helpers = [r.helper for r in person.rows if r.helper is not None]
    if helpers and helpers[0] != member.helper:
        first.changes.append("volontaire pour l'entraide" if helpers[0] else "plus volontaire")
        changed = attrs.evolve(changed, helper=helpers[0])
    births = [r.birth_year for r in person.rows if r.birth_year is not None]
    if births and births[0] != member.birth_year:  # IND-4
        first.changes.append(f"année de naissance {member.birth_year or 'inconnue'} → {births[0]}")
        changed = attrs.evolve(changed, birth_year=births[0])
    retiring = [r.retirement_on for r in person.rows if r.retirement_on is not None]
    if retiring and retiring[0] != member.retirement_on:
        before = f"{member.retirement_on:%d/%m/%Y}" if member.retirement_on else "inconnu"
        first.changes.append(f"départ en retraite prévu {before} → {retiring[0]:%d/%m/%Y}")
        changed = attrs.evolve(changed, retirement_on=retiring[0])
    if changed != member:
        plan.members_changed.append(changed)
    held = stored.held.get(member.id, [])
    by_commune = {p.commune: p for p in held}
    listed: set[str] = set()
    for row in person.rows:
        if not row.has_position or row.commune is None:
            continue
        place = f"{row.commune.name} ({row.commune.code})"
        listed.add(row.commune.code)
        old = by_commune.get(row.commune.code)
        if old is None:
            row.changes.append(f"poste ajouté à {place}")
            plan.positions_new.append((person, row))
            continue
        diffs = _diff(old, row)
        if diffs:
            row.changes.append(f"poste à {place} modifié : {', '.join(diffs)}")
            plan.positions_ended.append(old)
            plan.positions_new.append((person, row))
            plan.modified += 1
    gone = [p for p in held if p.commune not in listed]
    if gone and person.rejected_rows:
        first.notes.append("aucun poste terminé : une autre ligne de cette personne est en erreur")
    elif gone:
        for p in gone:
            place = f"{stored.commune_names.get(p.commune, p.commune)} ({p.commune})"
            first.changes.append(f"poste à {place} terminé le {_day(today)}")
            plan.positions_ended.append(p)
    for row in person.rows:
        row.action = "mis à jour" if row.changes else "inchangé"
    total = sum(
        (r.work_time for r in person.rows if r.has_position and r.permanent and r.work_time),
        Decimal(0),
    ) + sum((p.work_time for p in gone if p.permanent and person.rejected_rows), Decimal(0))
    if total > Decimal("1.15"):
        first.notes.append(
            f"quotités cumulées de {_percent(total)} : au-delà des 115 % permis pour des emplois "
            "à temps non complet, signalé à l'animateur [MEM-1]"
        )
