"""Members, their positions and their lifecycle (MEM-1, MEM-4, MEM-5)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import attrs

from rsgm_core.domain.directory import validate_phone
from rsgm_core.domain.lifecycle import (
    ONBOARDING,
    OnboardingItem,
    OnboardingStep,
    checklist,
    depart,
    move,
)
from rsgm_core.domain.lifecycle import overdue as overdue_items
from rsgm_core.domain.members import (
    DepartureReason,
    Function,
    Lifecycle,
    Member,
    Position,
    Status,
    check_work_time_cap,
    validate_email,
)
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from rsgm_core.domain.member_import import ImportReport
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

E = TypeVar("E", Function, Status, Lifecycle, DepartureReason, OnboardingStep)


def new_id() -> str:
    return str(uuid.uuid4())


class MemberService:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def add(
        self,
        first_name: str,
        last_name: str,
        *,
        email: str | None = None,
        welcome: bool = False,
        phone: str | None = None,
        lifecycle: Lifecycle | str = Lifecycle.ACTIVE,
        arrival: dt.date | None = None,
        helper: bool = False,
    ) -> Member:
        """Record a person (MEM-1); with ``welcome`` and an e-mail, queue the welcome mail in the
        same transaction (MEM-5, NOT-1). An ``arrival`` date starts the onboarding checklist."""
        with self.deps.transaction() as uow:
            member = self.add_in(
                uow,
                first_name,
                last_name,
                email=email,
                phone=phone,
                lifecycle=lifecycle,
                arrival=arrival,
                helper=helper,
                welcome=welcome,
            )
        return member

    def add_in(
        self,
        uow: UnitOfWork,
        first_name: str,
        last_name: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        lifecycle: Lifecycle | str = Lifecycle.ACTIVE,
        arrival: dt.date | None = None,
        helper: bool = False,
        welcome: bool = False,
    ) -> Member:
        """:meth:`add` inside the caller's unit of work (the import uses it for every row)."""
        email = validate_email(email, strict=True) if email is not None else None
        state = enum_of(Lifecycle, lifecycle, "étape du parcours")
        if state is Lifecycle.DEPARTED:
            raise RuleViolation(
                "un membre s'enregistre avant son départ", rule="MEM-4", value=state.value
            )
        member = Member(
            new_id(),
            (first_name or "").strip(),
            (last_name or "").strip(),
            email,
            phone=validate_phone(phone) if phone else None,
            lifecycle=state,
            arrival=arrival,
            helper=helper,
            platform_access=state is Lifecycle.ACTIVE,
        )
        if email and uow.members.count({"email": email}):
            raise RuleViolation(
                f"un membre a déjà l'adresse {email} : une personne, un compte",
                rule="CHA-6",
                value=email,
            )
        uow.members.add(member)
        if arrival is not None:
            uow.onboarding_items.add_all(
                checklist(member.id, arrival, [new_id() for _ in range(len(ONBOARDING))])
            )
        if welcome and email:
            queue_message(
                self.deps, uow, "member_welcome", email, {"member": member, "commune": None}
            )
        uow.after_commit.append(lambda: self.deps.hooks.on_member_added(member))
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
        with self.deps.transaction() as uow:
            return self.add_position_in(
                uow, member_id, commune, function, work_time=work_time, status=status,
                permanent=permanent, start=start, end=end,
            )  # fmt: skip

    def add_position_in(
        self,
        uow: UnitOfWork,
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
        position = Position(
            id=new_id(),
            member_id=member_id,
            commune=commune,
            function=enum_of(Function, function, "fonction"),
            work_time=work_time,
            status=enum_of(Status, status, "statut"),
            permanent=permanent,
            start=start,
            end=end,
        )
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
        check_work_time_cap([*held, position], on=start or self.deps.today())
        uow.positions.add(position)
        return position

    def get(self, member_id: str) -> Member:
        with self.deps.read() as uow:
            return uow.members.get(member_id)

    def list(self, *, lifecycle: Lifecycle | str | None = None) -> list[Member]:
        where = {"lifecycle": enum_of(Lifecycle, lifecycle, "étape")} if lifecycle else None
        with self.deps.read() as uow:
            return sorted(uow.members.list(where), key=lambda m: (m.last_name, m.first_name, m.id))

    def positions(
        self, *, member_id: str | None = None, commune: str | None = None
    ) -> list[Position]:
        where = {k: v for k, v in (("member_id", member_id), ("commune", commune)) if v}
        with self.deps.read() as uow:
            return uow.positions.list(where)

    def import_(
        self, path: str | Path, *, mapping: Mapping[str, str] | None = None, dry_run: bool = False
    ) -> ImportReport:
        """Members and positions from a CSV or XLSX file; all rows or none
        (:mod:`rsgm_core.services.member_import`)."""
        from rsgm_core.services.member_import import MemberImport

        return MemberImport(self.deps)(path, mapping=mapping, dry_run=dry_run)

    # Lifecycle (MEM-4)

    def invite(self, member_id: str) -> Member:
        return self._move(member_id, Lifecycle.INVITED)

    def activate(self, member_id: str, *, arrival: dt.date | None = None) -> Member:
        """Active member; with ``arrival`` (and no checklist yet) the onboarding starts (MEM-5)."""
        with self.deps.transaction() as uow:
            member = move(uow.members.get(member_id), Lifecycle.ACTIVE)
            if arrival is not None:
                member = attrs.evolve(member, arrival=arrival)
                if not uow.onboarding_items.count({"member_id": member_id}):
                    uow.onboarding_items.add_all(
                        checklist(member_id, arrival, [new_id() for _ in range(len(ONBOARDING))])
                    )
            uow.members.update(member)
        return member

    def _move(self, member_id: str, to: Lifecycle) -> Member:
        with self.deps.transaction() as uow:
            return uow.members.update(move(uow.members.get(member_id), to))

    def depart(
        self,
        member_id: str,
        *,
        reason: DepartureReason | str,
        on: dt.date | None = None,
        successor_id: str | None = None,
    ) -> Member:
        """MEM-4: the member leaves on ``on`` (today by default): every platform access revoked at
        once and the employer told, in this transaction (CHA-7), positions and network roles end that day, the successor is recorded and, if they
        have no checklist, their hand-over onboarding starts on that day (MEM-5)."""
        day = on or self.deps.today()
        why = enum_of(DepartureReason, reason, "motif de départ")
        with self.deps.transaction() as uow:
            member = uow.members.get(member_id)
            successor = uow.members.get(successor_id) if successor_id else None
            gone = depart(member, on=day, reason=why, successor=successor)
            uow.members.update(gone)
            uow.positions.update_all(
                attrs.evolve(p, end=day)
                for p in uow.positions.list({"member_id": member_id})
                if p.end is None or p.end > day
            )
            uow.network_roles.update_all(
                attrs.evolve(r, until=day)
                for r in uow.network_roles.list({"member_id": member_id})
                if r.until is None or r.until > day
            )
            if successor is not None and not uow.onboarding_items.count(
                {"member_id": successor.id}
            ):
                uow.onboarding_items.add_all(
                    checklist(successor.id, day, [new_id() for _ in range(len(ONBOARDING))])
                )
            from rsgm_core.services.access_revocation import revoke_on_departure

            revoke_on_departure(self.deps, uow, gone, on=day, reason=f"départ : {why.value}")
        return gone

    def announce_departure(self, member_id: str, on: dt.date) -> Member:
        """MEM-8: a departure known ahead; the member's single-holder roles get flagged."""
        with self.deps.transaction() as uow:
            member = uow.members.get(member_id)
            if member.lifecycle is Lifecycle.DEPARTED:
                raise RuleViolation(
                    f"{member.full_name} est déjà parti(e)", rule="MEM-4", value=member_id
                )
            return uow.members.update(attrs.evolve(member, leaving_on=on))

    # Onboarding (MEM-5)

    def onboarding(self, member_id: str) -> list[OnboardingItem]:
        with self.deps.read() as uow:
            uow.members.get(member_id)
            items = uow.onboarding_items.list({"member_id": member_id})
        order = list(OnboardingStep)
        return sorted(items, key=lambda i: (i.due, order.index(i.step)))

    def mark_step(
        self,
        member_id: str,
        step: OnboardingStep | str,
        *,
        done: bool = True,
        on: dt.date | None = None,
    ) -> OnboardingItem:
        """MEM-5: tick (or untick) one item of the checklist."""
        wanted = enum_of(OnboardingStep, step, "étape d'intégration")
        with self.deps.transaction() as uow:
            found = uow.onboarding_items.list({"member_id": member_id, "step": wanted})
            if not found:
                raise NotFoundError(
                    f"pas de parcours d'intégration avec l'étape {wanted.value!r} pour ce membre",
                    value=wanted.value,
                )
            item = attrs.evolve(found[0], done_on=(on or self.deps.today()) if done else None)
            return uow.onboarding_items.update(item)

    def overdue(self, *, on: dt.date | None = None) -> list[tuple[Member, OnboardingItem]]:
        """MEM-5: every item not done past its due date, with its member, oldest first."""
        day = on or self.deps.today()
        with self.deps.read() as uow:
            items = overdue_items(uow.onboarding_items.list({"done_on": None}), on=day)
            members = {m.id: m for m in uow.members.list({"id": [i.member_id for i in items]})}
        return [
            (members[i.member_id], i)
            for i in items
            if members[i.member_id].lifecycle is not Lifecycle.DEPARTED
        ]


def enum_of(kind: type[E], value: E | str, label: str) -> E:
    if isinstance(value, kind):
        return value
    for member in kind:  # type: ignore[attr-defined]
        if value in (member.value, member.name.lower()):
            return member  # type: ignore[return-value]
    allowed = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
    raise ValidationError(f"{label} inconnu(e) : {value!r} (valeurs : {allowed})", value=value)


# Kept for callers of the first version.
_enum = enum_of
