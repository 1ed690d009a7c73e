"""Personal data (MEM-11): anonymising a person and the retention of departed members' data.

Erasing a person keeps their records (the member, attendance, roles; their positions as coarse
positions, without the commune) so that counts and rates computed later stay the same, but removes
everything that identifies them: names become "Personne anonymisée", e-mail, phone and photo are
dropped; directory facts and consents, which only describe the person, are deleted by the
service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.privacy import Identity
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "ANONYMOUS",
    "DEFAULT_RETENTION_DAYS",
    "anonymise",
    "check_editable",
    "identity",
    "past_retention",
]

DEFAULT_RETENTION_DAYS = 3 * 365  # MEM-11 choice: three years after departure
ANONYMOUS = ("Personne", "anonymisée")


def anonymise(member: Member, *, on: dt.date) -> Member:
    """MEM-11: the same record, with nothing left that identifies the person."""
    return attrs.evolve(
        member,
        first_name=ANONYMOUS[0],
        last_name=ANONYMOUS[1],
        email=None,
        phone=None,
        photo=None,
        birth_year=None,  # IND-4: the age bands of the past keep no one's age once erased
        retirement_on=None,
        helper=False,
        platform_access=False,
        erased_on=member.erased_on or on,
    )


def past_retention(
    members: Iterable[Member], *, on: dt.date, retention_days: int = DEFAULT_RETENTION_DAYS
) -> list[Member]:
    """MEM-11: departed members not yet erased whose departure is older than the retention."""
    if not isinstance(retention_days, int) or retention_days < 0:
        raise ValidationError(
            f"durée de conservation invalide : {retention_days!r} jours",
            rule="MEM-11",
            value=retention_days,
        )
    limit = on - dt.timedelta(days=retention_days)
    return [
        m
        for m in members
        if m.lifecycle is Lifecycle.DEPARTED
        and not m.erased
        and m.departed_on is not None
        and m.departed_on < limit
    ]


def identity(member: Member) -> Identity:
    """MEM-11: what designates the person, for export and erasure."""
    return Identity(
        member.id,
        first_name=member.first_name,
        last_name=member.last_name,
        emails=(member.email,) if member.email else (),
        phones=(member.phone,) if member.phone else (),
    )


def check_editable(member: Member, what: str) -> None:
    """MEM-11: an erased person's record takes no new data; MEM-4: nor does a departed
    member's (their record is closed). ``what`` names what was refused ("cette inscription")."""
    if member.erased:
        day = f" le {member.erased_on:%d/%m/%Y}" if member.erased_on else ""
        raise RuleViolation(
            f"impossible d'enregistrer {what} : les données de ce membre ont été effacées{day} "
            "(droit à l'effacement) ; rien n'a été enregistré",
            rule="MEM-11",
            value=member.id,
        )
    if member.lifecycle is Lifecycle.DEPARTED:
        day = f" le {member.departed_on:%d/%m/%Y}" if member.departed_on else ""
        raise RuleViolation(
            f"impossible d'enregistrer {what} : {member.full_name} a quitté le réseau{day} et "
            "sa fiche est close ; rien n'a été enregistré",
            rule="MEM-4",
            value=member.id,
        )
