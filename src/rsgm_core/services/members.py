"""Members, their positions and their lifecycle (MEM-1, MEM-4, MEM-5): ``app.members``."""

from __future__ import annotations

import builtins
import datetime as dt
import enum
import functools
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from rsgm_core._compat import deprecated, deprecated_aliases, keyword_only
from rsgm_core.domain.directory import validate_phone
from rsgm_core.domain.enums import read_enum
from rsgm_core.domain.history import LifecycleTransition, check_not_future
from rsgm_core.domain.lifecycle import (
    ONBOARDING,
    OnboardingItem,
    OnboardingStep,
    OverdueStep,
    announce_departure,
    checklist,
    depart,
    move,
)
from rsgm_core.domain.lifecycle import overdue as overdue_items
from rsgm_core.domain.links import LinkPurpose
from rsgm_core.domain.member_import import ImportReport
from rsgm_core.domain.members import (
    DepartureReason,
    Function,
    Lifecycle,
    Member,
    NewPosition,
    Position,
    Status,
    WorkTimeExcess,
    check_can_register,
    check_open_commune,
    check_position_dates,
    validate_email,
    work_time_excess,
)
from rsgm_core.domain.progress import Progress
from rsgm_core.domain.rgpd import check_editable
from rsgm_core.domain.tutorship import TutorshipEnd
from rsgm_core.errors import NotFoundError, RuleViolation
from rsgm_core.ports import UnitOfWork
from rsgm_core.services.onboarding import WelcomeMail, send_welcome
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.services.deps import Deps

E = TypeVar("E", bound=enum.Enum)
F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["MemberService", "enum_of", "new_id", "record_move"]


def new_id() -> str:
    """A new record id (a random UUID, as text)."""
    return str(uuid.uuid4())


class MemberService:
    """``app.members``: people of the network, their positions, lifecycle and onboarding."""

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
        position: NewPosition | None = None,
    ) -> Member:
        """Record a person (MEM-1); with ``welcome`` and an e-mail, queue the welcome mail in the
        same transaction (MEM-5, NOT-1). An ``arrival`` date starts the onboarding checklist.
        With ``position``, the person and their position are recorded together or not at all."""
        with self.deps.transaction() as uow:
            member = _add_member(
                uow, self.deps, first_name, last_name, email=email, phone=phone,
                lifecycle=lifecycle, arrival=arrival, helper=helper, welcome=welcome,
            )  # fmt: skip
            if position is not None:
                _add_position(
                    uow, self.deps, member.id, position.commune, position.function,
                    work_time=position.work_time, status=position.status,
                    permanent=position.permanent, start=position.start, end=position.end,
                )  # fmt: skip
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
        """Tie a member to a commune; refused if the commune is unknown. Permanent positions
        adding up to more than 115 % are recorded and flagged, never refused (MEM-1): see
        :meth:`list_work_time_excesses`."""
        with self.deps.transaction() as uow:
            return _add_position(
                uow, self.deps, member_id, commune, function, work_time=work_time, status=status,
                permanent=permanent, start=start, end=end,
            )  # fmt: skip

    def get(self, member_id: str) -> Member:
        """One member by id (:class:`NotFoundError` if unknown)."""
        with self.deps.read() as uow:
            return uow.members.get(member_id)

    def get_by_email(self, email: str) -> Member:
        """The member with this e-mail address, compared without case (CHA-6: one person, one
        account); :class:`NotFoundError` if none."""
        wanted = (email or "").strip().lower()
        with self.deps.read() as uow:
            found = uow.members.list({"email": wanted})
            if not found:  # an address stored with capitals in its local part
                found = [m for m in uow.members.list() if m.email and m.email.lower() == wanted]
        if not found:
            raise NotFoundError(f"aucun membre n'a l'adresse {email!r}", value=email)
        return found[0]

    def list_members(self, *, lifecycle: Lifecycle | str | None = None) -> list[Member]:
        """Every member (or those at one lifecycle step), by name."""
        where = {"lifecycle": enum_of(Lifecycle, lifecycle, "étape")} if lifecycle else None
        with self.deps.read() as uow:
            return sorted(uow.members.list(where), key=lambda m: (m.last_name, m.first_name, m.id))

    def list_positions(
        self, *, member_id: str | None = None, commune: str | None = None
    ) -> list[Position]:
        """Positions, of one member and/or in one commune."""
        where = {k: v for k, v in (("member_id", member_id), ("commune", commune)) if v}
        with self.deps.read() as uow:
            return uow.positions.list(where)

    def list_work_time_excesses(
        self, *, on: dt.date | None = None, member_id: str | None = None
    ) -> list[WorkTimeExcess]:
        """MEM-1: the people whose permanent positions held on ``on`` (today by default) add up
        to more than 115 %, each with the total and the positions counted, by name; the flag
        for the animator (décret 91-298 art. 8), never a refusal."""
        day = self.deps.on(on)
        with self.deps.read() as uow:
            if member_id is not None:
                members = [uow.members.get(member_id)]
                positions = uow.positions.list({"member_id": member_id})
            else:
                members = uow.members.list()
                positions = uow.positions.list()
        by_member: dict[str, list[Position]] = {}
        for p in positions:
            by_member.setdefault(p.member_id, []).append(p)
        found = [
            flag
            for m in members
            if (flag := work_time_excess(m, by_member.get(m.id, ()), on=day)) is not None
        ]
        return sorted(found, key=lambda f: (f.member.last_name, f.member.first_name, f.member.id))

    def import_members(
        self,
        path: str | Path,
        *,
        mapping: Mapping[str, str] | None = None,
        ignore: Iterable[str] = (),
        defaults: Mapping[str, str] | None = None,
        update: bool = False,
        partial: bool = False,
        rejects: str | Path | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Members and positions from a CSV or XLSX file (MEM-1), every problem of every row
        reported in one pass. ``mapping`` (header → field, French or English names) and ``ignore``
        (headers) say how to read the columns; ``defaults`` (field → value) fill empty cells on
        the caller's choice; ``update`` refreshes the members already recorded (the report says
        what each row adds, changes or ends); ``partial`` writes the good rows when others are
        rejected; ``rejects`` is a CSV file receiving the rejected rows with their problems.
        Otherwise all rows or none (:mod:`rsgm_core.services.member_import`). ``progress`` is
        told ``("lignes", done, 0)`` as rows are read and checked, the total at the end."""
        from rsgm_core.services.member_import import MemberImport

        return MemberImport(self.deps)(
            path, mapping=mapping, ignore=ignore, defaults=defaults, update=update,
            partial=partial, rejects=rejects, dry_run=dry_run, progress=progress,
        )  # fmt: skip

    # Lifecycle (MEM-4)

    def mark_invited(self, member_id: str) -> Member:
        """MEM-4: the prospect was invited to join the network (not an event invitation)."""
        return self._move(member_id, Lifecycle.INVITED)

    def mark_active(self, member_id: str, *, arrival: dt.date | None = None) -> Member:
        """MEM-4: an active member; with ``arrival`` (and no checklist yet) the onboarding starts
        (MEM-5)."""
        with self.deps.transaction() as uow:
            member = uow.members.get(member_id)
            check_editable(member, "ce changement d'étape")  # MEM-11, MEM-4
            member = move(member, Lifecycle.ACTIVE)
            record_move(uow, member_id, Lifecycle.ACTIVE, arrival or self.deps.today())
            if arrival is not None:
                member = attrs.evolve(member, arrival=arrival)
                if not uow.onboarding_items.count({"member_id": member_id}):
                    uow.onboarding_items.add_all(
                        checklist(member_id, arrival, [new_id() for _ in range(len(ONBOARDING))])
                    )
            uow.members.update(member)
        return member

    def opt_out_of_invitations(self, member_id: str, *, opted_out: bool = True) -> Member:
        """MEM-14: the person asks not to be invited to network events (or, with
        ``opted_out=False``, to be invited again); invitations then leave them out."""
        with self.deps.transaction() as uow:
            member = uow.members.get(member_id)
            return uow.members.update(attrs.evolve(member, invitations_opt_out=opted_out))

    def _move(self, member_id: str, to: Lifecycle) -> Member:
        with self.deps.transaction() as uow:
            member = uow.members.get(member_id)
            check_editable(member, "ce changement d'étape")  # MEM-11, MEM-4
            record_move(uow, member_id, to, self.deps.today())
            return uow.members.update(move(member, to))

    def depart(
        self,
        member_id: str,
        *,
        reason: DepartureReason | str,
        on: dt.date | None = None,
        successor_id: str | None = None,
    ) -> Member:
        """MEM-4: the member leaves on ``on`` (today by default): every platform access revoked at
        once and the employer told, in this transaction (CHA-7), positions and network roles end
        that day, the successor is recorded and, if they have no checklist, their hand-over
        onboarding starts on that day (MEM-5)."""
        # EVT-12: a departure recorded after the fact, never ahead (MEM-8 announces those)
        day = check_not_future(self.deps.on(on), today=self.deps.today(), what="date de départ")
        why = enum_of(DepartureReason, reason, "motif de départ")
        with self.deps.transaction() as uow:
            member = uow.members.get(member_id)
            successor = uow.members.get(successor_id) if successor_id else None
            gone = depart(member, on=day, reason=why, successor=successor)
            uow.members.update(gone)
            record_move(uow, member_id, Lifecycle.DEPARTED, day)
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
            uow.tutorships.update_all(  # MEM-13: a newcomer who leaves ends their tutorship
                attrs.evolve(t, ended_on=day, end=TutorshipEnd.NEWCOMER_LEFT)
                for t in uow.tutorships.list({"newcomer_id": member_id, "ended_on": None})
            )
            if successor is not None and not uow.onboarding_items.count(
                {"member_id": successor.id}
            ):
                uow.onboarding_items.add_all(
                    checklist(successor.id, day, [new_id() for _ in range(len(ONBOARDING))])
                )
            from rsgm_core.services.access_revocation import _revoke_on_departure

            _revoke_on_departure(self.deps, uow, gone, on=day, reason=f"départ : {why.value}")
        return gone

    @keyword_only("on", after=2)
    def announce_departure(self, member_id: str, *, on: dt.date) -> Member:
        """MEM-8: a departure known ahead, on ``on``; the member's single-holder roles get
        flagged."""
        with self.deps.transaction() as uow:
            member = announce_departure(uow.members.get(member_id), on=on)
            return uow.members.update(member)

    # Onboarding (MEM-5)

    def list_onboarding_items(self, *, member_id: str) -> list[OnboardingItem]:
        """MEM-5: a member's onboarding checklist, by due date in the guide's order."""
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
            item = attrs.evolve(found[0], done_on=self.deps.on(on) if done else None)
            return uow.onboarding_items.update(item)

    def send_welcome(
        self, member_id: str, *, on: dt.date | None = None, again: bool = False
    ) -> WelcomeMail:
        """MEM-5: queue the welcome mail in the outbox (NOT-1) and tick its checklist step on
        ``on`` (today); see :func:`rsgm_core.services.onboarding.send_welcome`."""
        return send_welcome(self.deps, member_id, on=on, again=again)

    def list_overdue_steps(self, *, on: dt.date | None = None) -> list[OverdueStep]:
        """MEM-5: every item not done past its due date, with its member, oldest first."""
        day = self.deps.on(on)
        with self.deps.read() as uow:
            items = overdue_items(uow.onboarding_items.list({"done_on": None}), on=day)
            members = {m.id: m for m in uow.members.list({"id": [i.member_id for i in items]})}
        return [
            OverdueStep(members[i.member_id], i)
            for i in items
            if members[i.member_id].lifecycle is not Lifecycle.DEPARTED
        ]

    # Deprecated names kept for one release (their old signatures and results).

    @deprecated("add()")
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
        """Deprecated: use :meth:`add` (with ``position=`` to record a position with it)."""
        return _add_member(
            uow, self.deps, first_name, last_name, email=email, phone=phone,
            lifecycle=lifecycle, arrival=arrival, helper=helper, welcome=welcome,
        )  # fmt: skip

    @deprecated("add_position()")
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
        """Deprecated: use :meth:`add_position`, or :meth:`add` with ``position=``."""
        return _add_position(
            uow, self.deps, member_id, commune, function, work_time=work_time, status=status,
            permanent=permanent, start=start, end=end,
        )  # fmt: skip

    @deprecated("list_onboarding_items()")
    def onboarding(self, member_id: str) -> list[OnboardingItem]:
        """Deprecated: use :meth:`list_onboarding_items`."""
        return self.list_onboarding_items(member_id=member_id)

    @deprecated("list_overdue_steps()")
    def overdue(self, *, on: dt.date | None = None) -> list[tuple[Member, OnboardingItem]]:
        """Deprecated: use :meth:`list_overdue_steps` (which returns :class:`OverdueStep`)."""
        return [(o.member, o.item) for o in self.list_overdue_steps(on=on)]

    if TYPE_CHECKING:  # the former names, attached below at run time: typed for a caller's checker

        @typed_deprecated("use app.members.list_members()")
        def list(self, *, lifecycle: Lifecycle | str | None = None) -> builtins.list[Member]: ...
        @typed_deprecated("use app.members.list_positions()")
        def positions(
            self, *, member_id: str | None = None, commune: str | None = None
        ) -> builtins.list[Position]: ...
        @typed_deprecated("use app.members.import_members()")
        def import_(
            self,
            path: str | Path,
            *,
            mapping: Mapping[str, str] | None = None,
            dry_run: bool = False,
        ) -> ImportReport: ...
        @typed_deprecated("use app.members.mark_invited()")
        def invite(self, member_id: str) -> Member: ...
        @typed_deprecated("use app.members.mark_active()")
        def activate(self, member_id: str, *, arrival: dt.date | None = None) -> Member: ...


deprecated_aliases(
    MemberService,
    list="list_members",
    positions="list_positions",
    import_="import_members",
    invite="mark_invited",
    activate="mark_active",
)


def _add_member(
    uow: UnitOfWork,
    deps: Deps,
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
    """Record a person inside the caller's unit of work (``add`` and the import use it)."""
    email = validate_email(email, strict=True) if email is not None else None
    state = enum_of(Lifecycle, lifecycle, "étape du parcours")
    check_can_register(state)
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
        raise RuleViolation(  # needs storage: the addresses of the members already recorded
            f"un membre a déjà l'adresse {email} : une personne, un compte",
            rule="CHA-6",
            value=email,
        )
    uow.members.add(member)
    record_move(uow, member.id, state, arrival or deps.today())
    if arrival is not None:
        uow.onboarding_items.add_all(
            checklist(member.id, arrival, [new_id() for _ in range(len(ONBOARDING))])
        )
    if welcome and email:
        queue_message(deps, uow, "member_welcome", email,
                      {"member": member, "commune": None, "links": welcome_links(deps, member.id)})  # fmt: skip
    uow.after_commit.append(functools.partial(deps.hooks.on_member_added, member))
    return member


def welcome_links(deps: Deps, member_id: str) -> dict[str, str]:
    """The links a welcome mail carries (NOT-3): give or withdraw directory consent (MEM-3) and
    complete one's directory entry (MEM-2); empty strings without the profile's ``[web]``."""
    from rsgm_core.services.link_requests import request_links
    from rsgm_core.services.links import LinkMaker

    maker = LinkMaker(deps)
    return {
        **request_links(maker, LinkPurpose.CONSENT, member_id),
        **request_links(maker, LinkPurpose.DIRECTORY, member_id),
    }


def _add_position(
    uow: UnitOfWork,
    deps: Deps,
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
    """Tie a member to a commune inside the caller's unit of work (MEM-1, TER-5). A total over
    115 % is recorded: :meth:`MemberService.list_work_time_excesses` flags it."""
    check_position_dates(start, end)
    position = Position(
        id=new_id(),
        member_id=member_id,
        commune=commune,
        function=enum_of(Function, function, "fonction"),
        work_time=work_time,  # validate_work_time makes it a Decimal, refusing a float
        status=enum_of(Status, status, "statut"),
        permanent=permanent,
        start=start,
        end=end,
    )
    member = uow.members.get(member_id)
    check_editable(member, "ce poste")  # MEM-11, MEM-4
    found = uow.communes.find(commune)
    if found is None:
        raise NotFoundError(
            f"commune inconnue : {commune} (importez d'abord le recensement)", value=commune
        )
    check_open_commune(found)
    if member.email:  # CHA-6: not the commune's own mailbox (voinsles@… for Voinsles)
        validate_email(member.email, commune_names=[found.name])
    uow.positions.add(position)
    return position


def record_move(uow: UnitOfWork, member_id: str, to: Lifecycle, on: dt.date) -> None:
    """MEM-4, EVT-12: date the member's move to ``to``, so a past year sees them as they were."""
    uow.lifecycle_transitions.add(LifecycleTransition(new_id(), member_id, to, on))


def enum_of(kind: type[E], value: E | str, label: str) -> E:
    """``value`` as a member of ``kind``: the member itself, its value or its lower-case name;
    else a :class:`ValidationError` naming ``label`` and the allowed values."""
    return read_enum(kind, value, f"valeur inconnue pour « {label} »")
