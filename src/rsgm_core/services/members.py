"""Members and their positions (MEM-1): the part of the directory the census report needs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from rsgm_core.domain.members import (
    Function,
    Member,
    Position,
    Status,
    check_work_time_cap,
    validate_email,
)
from rsgm_core.errors import NotFoundError, RuleViolation

if TYPE_CHECKING:
    from rsgm_core.app import App

E = TypeVar("E", Function, Status)


class MemberService:
    def __init__(self, app: App) -> None:
        self.app = app

    def add(
        self,
        first_name: str,
        last_name: str,
        *,
        email: str | None = None,
        welcome: bool = False,
    ) -> Member:
        """Record a person (MEM-1); with ``welcome`` and an e-mail, queue the welcome mail in the
        same transaction (MEM-5, NOT-1)."""
        email = validate_email(email) if email is not None else None
        member = Member(str(uuid.uuid4()), first_name.strip(), last_name.strip(), email)
        with self.app.transaction() as uow:
            if email and uow.members.count({"email": email}):
                raise RuleViolation(
                    f"un membre a déjà l'adresse {email} : une personne, un compte",
                    rule="CHA-6",
                    value=email,
                )
            uow.members.add(member)
            if welcome and email:
                self.app.outbox.queue(
                    uow, "member_welcome", email, {"member": member, "commune": None}
                )
            uow.after_commit.append(lambda: self.app.hooks.on_member_added(member))
        return member

    def add_position(
        self,
        member_id: str,
        commune: str,
        function: Function | str,
        *,
        work_time: Decimal | int = 1,
        status: Status | str = Status.TITULAIRE,
        permanent: bool = True,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> Position:
        """Tie a member to a commune; refused if the commune is unknown or the permanent
        positions would exceed 115 % (MEM-1)."""
        position = Position(
            id=str(uuid.uuid4()),
            member_id=member_id,
            commune=commune,
            function=_enum(Function, function, "fonction"),
            work_time=work_time,
            status=_enum(Status, status, "statut"),
            permanent=permanent,
            start=start,
            end=end,
        )
        with self.app.transaction() as uow:
            uow.members.get(member_id)
            found = uow.communes.find(commune)
            if found is None:
                raise NotFoundError(
                    f"commune inconnue : {commune} (importez d'abord le recensement)", value=commune
                )
            if not found.active:
                raise RuleViolation(
                    f"la commune {commune} {found.name} n'existe plus en tant que telle "
                    f"({found.status.value}) : rattachez le poste à {found.successor or 'sa commune actuelle'}",
                    rule="TER-5",
                    value=commune,
                )
            held = uow.positions.list({"member_id": member_id})
            check_work_time_cap([*held, position], on=start or self.app.today())
            uow.positions.add(position)
        return position

    def get(self, member_id: str) -> Member:
        with self.app.storage.unit_of_work(read_only=True) as uow:
            return uow.members.get(member_id)

    def list(self) -> list[Member]:
        with self.app.storage.unit_of_work(read_only=True) as uow:
            return sorted(uow.members.list(), key=lambda m: (m.last_name, m.first_name, m.id))

    def positions(
        self, *, member_id: str | None = None, commune: str | None = None
    ) -> list[Position]:
        where = {k: v for k, v in (("member_id", member_id), ("commune", commune)) if v}
        with self.app.storage.unit_of_work(read_only=True) as uow:
            return uow.positions.list(where)


def _enum(kind: type[E], value: E | str, label: str) -> E:
    if isinstance(value, kind):
        return value
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError:
        from rsgm_core.errors import ValidationError

        allowed = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
        raise ValidationError(
            f"{label} inconnu(e) : {value!r} (valeurs : {allowed})", value=value
        ) from None
