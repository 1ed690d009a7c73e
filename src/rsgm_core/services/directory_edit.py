"""Editing a directory entry and a town hall after import (MEM-2), each in one unit of work:
the use cases behind ``app.directory.edit_entry`` and ``app.directory.edit_town_hall``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.directory import FactKind, fold, validate_phone
from rsgm_core.domain.members import Member, validate_email
from rsgm_core.domain.rgpd import check_editable
from rsgm_core.domain.territory import CommuneStatus
from rsgm_core.domain.town_hall import TownHall
from rsgm_core.domain.wording import of_place
from rsgm_core.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["edit_entry", "edit_town_hall", "resolve_commune"]


def edit_entry(
    deps: Deps,
    member_id: str,
    *,
    expertises: Sequence[str] | None,
    software_used: Sequence[str] | None,
    software_mastered: Sequence[str] | None,
    phone: str | None,
) -> Member:
    """MEM-2: replace what is given (``None`` keeps it; software used and mastered are replaced
    together when either is given), every term checked before anything is written."""
    from rsgm_core.services.directory import _replace_facts

    if expertises is None and software_used is None and software_mastered is None and phone is None:
        raise ValidationError(
            "rien à modifier : donnez des expertises, des logiciels ou un téléphone",
            rule="MEM-2",
            value=member_id,
        )
    terms = None
    if expertises is not None:
        vocabulary = deps.hooks.expertise_thesaurus()
        terms = [(t, False) for t in dict.fromkeys(vocabulary.resolve(e) for e in expertises)]
    tools = None
    if software_used is not None or software_mastered is not None:
        vocabulary = deps.hooks.business_software()
        chosen = {vocabulary.resolve(s): False for s in software_used or ()}
        chosen.update({vocabulary.resolve(s): True for s in software_mastered or ()})
        tools = list(chosen.items())
    new_phone = (validate_phone(phone) if phone.strip() else None) if phone is not None else None
    with deps.transaction() as uow:
        member = uow.members.get(member_id)
        check_editable(member, "cette fiche d'annuaire")  # MEM-11, MEM-4
        if terms is not None:
            _replace_facts(uow, member.id, FactKind.EXPERTISE, terms)
        if tools is not None:
            _replace_facts(uow, member.id, FactKind.SOFTWARE, tools)
        if phone is not None:
            member = uow.members.update(attrs.evolve(member, phone=new_phone))
        return member


def resolve_commune(uow: UnitOfWork, commune: str, *, rule: str = "MEM-2") -> str:
    """An INSEE code, or a commune's name (accent- and case-insensitive) naming exactly one
    current commune; else a French error naming the value (and the candidates) and ``rule``."""
    wanted = commune.strip()
    if uow.communes.find(wanted) is not None:
        return wanted
    key = fold(wanted)
    found = [c for c in uow.communes.list() if fold(c.name) == key] if key else []
    if not found:
        raise NotFoundError(
            f"commune inconnue : {commune!r} (code INSEE ou nom d'une commune du recensement "
            "importé)",
            rule=rule,
            value=commune,
        )
    current = [c for c in found if c.status is CommuneStatus.ACTUELLE] or found
    if len(current) > 1:
        named = ", ".join(f"{c.name} ({c.code})" for c in current)
        raise ValidationError(
            f"commune ambiguë : {commune!r} désigne {named} ; donnez le code INSEE",
            rule=rule,
            value=commune,
        )
    return current[0].code


def edit_town_hall(
    deps: Deps,
    commune: str,
    *,
    address: str | None,
    opening_hours: str | None,
    phone: str | None,
    email: str | None,
) -> TownHall:
    """MEM-2: the town hall of ``commune`` (code or name) changed where a value is given
    (``""`` clears the hours, the phone or the address of contact); a commune without a town
    hall yet needs its address."""
    if address is None and opening_hours is None and phone is None and email is None:
        raise ValidationError(
            "rien à modifier : donnez une adresse, des horaires, un téléphone ou une adresse "
            "électronique",
            rule="MEM-2",
            value=commune,
        )
    new_phone = (validate_phone(phone) if phone.strip() else None) if phone is not None else None
    contact = (
        (validate_email(email, generic_local_parts=()) if email.strip() else None)
        if email is not None
        else None
    )
    with deps.transaction() as uow:
        code = resolve_commune(uow, commune)
        old = uow.town_halls.find(code)
        if old is None and not (address or "").strip():
            raise ValidationError(
                f"la mairie {of_place(uow.communes.get(code).name)} ({code}) n'est pas encore dans "
                "l'annuaire : donnez son adresse (--adresse)",
                rule="MEM-2",
                value=code,
            )
        hall = TownHall(
            code,
            address if address is not None else old.address if old else "",
            opening_hours if opening_hours is not None else old.opening_hours if old else "",
            new_phone if phone is not None else old.phone if old else None,
            contact if email is not None else old.email if old else None,
        )
        return (uow.town_halls.add if old is None else uow.town_halls.update)(hall)
