"""Networks, roles, committees, engagement and activation (MEM-6..MEM-9, NET-1..NET-4):
``app.network``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core._compat import deprecated, deprecated_aliases, keyword_only, renamed_keywords
from rsgm_core.domain.activation import Helper
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.directory import fold
from rsgm_core.domain.engagement import (
    DEFAULT_LAST_EVENTS,
    DEFAULT_SILENT_MONTHS,
    AttendanceFact,
    AttendanceSource,
    ContinuityWarning,
    Disengagement,
    NetworkRole,
    NetworkWarning,
    RoleAssignment,
    disengaged,
    network_warnings,
    require_active,
)
from rsgm_core.domain.governance import (
    Charter,
    Committee,
    CommitteeKind,
    CommitteeReport,
    MeetingRecord,
    Network,
    NetworkKind,
    NetworkLead,
    Objective,
    Seat,
    check_departmental,
    check_referent_network,
    committee_report,
    network_lead,
)
from rsgm_core.domain.history import check_creation_date, check_not_future
from rsgm_core.domain.members import Lifecycle
from rsgm_core.errors import ConflictError, NotFoundError, ValidationError
from rsgm_core.services.authorization import authorize
from rsgm_core.services.census import territory_of
from rsgm_core.services.members import enum_of, new_id
from rsgm_core.services.network_territory import (
    check_departement_filter,
    committee_departement,
    departement_names,
    departmental_of,
    epci_departement,
    parent_network,
)

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps


__all__ = ["NetworkService", "StoredAttendance"]


class StoredAttendance:
    """MEM-7's :class:`AttendanceSource` over the ``attendance`` collection, until events exist."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def invitations(self, member_ids: Sequence[str]) -> list[AttendanceFact]:
        """Every recorded invitation of these members."""
        with self.deps.read() as uow:
            return uow.attendance.list({"member_id": list(member_ids)})


class NetworkService:
    """``app.network``: networks and their governance, roles, engagement, continuity and
    mutual help (MEM-6..MEM-9, NET-1..NET-4)."""

    def __init__(self, deps: Deps, attendance: AttendanceSource | None = None) -> None:
        self.deps = deps
        self.attendance: AttendanceSource = attendance or StoredAttendance(deps)

    # Networks (NET-1)

    def create_departmental_network(
        self,
        name: str,
        *,
        by: str,
        project_lead: str | None = None,
        departement: str | None = None,
        on: dt.date | None = None,
    ) -> Network:
        """NET-1: the CDG's departmental network, or, when its profile keeps one per department
        (``reseau_par_departement``, TER-7), that of ``departement``; a second one (in the same
        department) is refused. ``project_lead`` stands in for a missing community referent.
        ``on``: the day it was created, past for a network older than its records (EVT-12)."""
        created = check_not_future(
            self.deps.on(on), today=self.deps.today(), what="date de création du réseau"
        )
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            kept = check_departmental(
                uow.networks.list({"kind": NetworkKind.DEPARTMENTAL}),
                departement,
                per_departement=self.deps.settings.policies.per_departement,
                territory=territory_of(self.deps, uow),
                names=departement_names(uow),
            )
            return uow.networks.add(
                Network(new_id(), NetworkKind.DEPARTMENTAL, name, project_lead=project_lead,
                        created_on=created, departement=kept, created_by=actor.id)
            )  # fmt: skip

    def create_community_network(
        self, epci: str, *, by: str, name: str | None = None, referent_id: str | None = None
    ) -> Network:
        """NET-1: the community network of an EPCI of the territory (one per EPCI), inside its
        department's departmental network (TER-7)."""
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            found = uow.epcis.find(epci)
            if found is None:
                raise NotFoundError(f"EPCI inconnu : {epci!r}", value=epci)
            parent = parent_network(self.deps, uow, epci, found.name)
            if uow.networks.count({"epci": epci}):
                raise ConflictError(f"l'EPCI {found.name} a déjà son réseau", value=epci)
            if referent_id:
                require_active(uow.members.get(referent_id))
            network = Network(
                new_id(), NetworkKind.COMMUNITY, name or f"Réseau {found.name}", epci=epci,
                referent_id=referent_id, created_on=self.deps.today(),
                departement=epci_departement(self.deps, uow, epci) or parent.departement,
                created_by=actor.id,
            )  # fmt: skip
            uow.networks.add(network)
            if referent_id:
                uow.network_roles.add(
                    RoleAssignment(new_id(), network.id, referent_id,
                                   NetworkRole.COMMUNITY_REFERENT, self.deps.today(),
                                   assigned_by=actor.id)
                )  # fmt: skip
            return network

    def list_networks(self, *, departement: str | None = None) -> list[Network]:
        """The departmental network(s) first, then the community networks, by name; of one
        department with ``departement`` (TER-7)."""
        with self.deps.read() as uow:
            found = uow.networks.list()
            if departement is not None:
                check_departement_filter(self.deps, uow, departement)
                found = [n for n in found if n.departement == departement]
        return sorted(found, key=lambda n: (n.kind.value != "departemental", n.name))

    def departmental(self, *, departement: str | None = None) -> Network:
        """NET-1: the CDG's departmental network, or that of ``departement`` when it keeps one
        per department (:class:`NotFoundError` if not created yet)."""
        with self.deps.read() as uow:
            found = departmental_of(uow, departement)
            several = uow.networks.count({"kind": NetworkKind.DEPARTMENTAL}) > 1
        if found is None and departement is None and several:
            raise ValidationError(
                "précisez le département : le CDG tient un réseau départemental par département",
                rule="TER-7",
                value=None,
            )
        if found is None:
            where = f" pour le département {departement}" if departement else ""
            raise NotFoundError(f"aucun réseau départemental enregistré{where}", value=departement)
        return found

    def set_creation_date(self, network_id: str, *, on: dt.date, by: str) -> Network:
        """EVT-12: the day the network was really created (June 2023 for a network older than
        its records): past or today, and not after the first event it has recorded, so that no
        report says it was created after the events it reports."""
        from rsgm_core.services.history import first_event_date

        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            network = uow.networks.get(network_id)
            day = check_creation_date(
                on, today=self.deps.today(), first_activity=first_event_date(uow, network)
            )
            return uow.networks.update(attrs.evolve(network, created_on=day))

    def get_lead(self, network_id: str) -> NetworkLead:
        """NET-1: who runs the network: its referent, or the CDG's project lead of its
        department's network as stand-in."""
        with self.deps.read() as uow:
            network = uow.networks.get(network_id)
            return network_lead(network, departmental_of(uow, network.departement))

    def set_charter(
        self,
        network_id: str,
        charter: Charter,
        objectives: Iterable[Objective] = (),
        *,
        by: str,
    ) -> Network:
        """NET-4: the charter of operation and the objectives, each tied to indicators."""
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            network = uow.networks.get(network_id)
            return uow.networks.update(
                attrs.evolve(
                    network, charter=charter, objectives=tuple(objectives), charter_set_by=actor.id
                )
            )

    def set_objectives(
        self, network_id: str, objectives: Iterable[Objective], *, by: str
    ) -> Network:
        """NET-4: replace the network's objectives (each tied to indicators), its charter kept."""
        chosen = tuple(objectives)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            network = uow.networks.get(network_id)
            return uow.networks.update(
                attrs.evolve(network, objectives=chosen, charter_set_by=actor.id)
            )

    # Roles (MEM-6)

    @renamed_keywords(since="on")
    def assign(
        self,
        network_id: str,
        member_id: str,
        role: NetworkRole | str,
        *,
        by: str,
        on: dt.date | None = None,
        theme: str | None = None,
    ) -> RoleAssignment:
        """MEM-6: the member (active) takes a role in the network from ``on`` (today); a community
        referent becomes the community network's referent (NET-1)."""
        wanted = enum_of(NetworkRole, role, "rôle")
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            network = uow.networks.get(network_id)
            require_active(uow.members.get(member_id))
            day = self.deps.on(on)
            if any(
                a.member_id == member_id and a.role is wanted and a.current_on(day)
                for a in uow.network_roles.list({"network_id": network_id})
            ):
                raise ConflictError(
                    f"ce membre est déjà {wanted.value} de ce réseau", value=member_id
                )
            if wanted is NetworkRole.COMMUNITY_REFERENT:
                check_referent_network(network)
                uow.networks.update(attrs.evolve(network, referent_id=member_id))
            return uow.network_roles.add(
                RoleAssignment(
                    new_id(), network_id, member_id, wanted, day, theme=theme, assigned_by=actor.id
                )
            )

    def end_role(self, assignment_id: str, *, by: str, on: dt.date | None = None) -> RoleAssignment:
        """MEM-6: the role ends on ``on`` (today)."""
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            assignment = uow.network_roles.get(assignment_id)
            return uow.network_roles.update(
                attrs.evolve(assignment, until=self.deps.on(on), ended_by=actor.id)
            )

    def list_roles(
        self, *, network_id: str | None = None, member_id: str | None = None
    ) -> list[RoleAssignment]:
        """MEM-6: role assignments, past and current, of one network and/or one member."""
        where = {k: v for k, v in (("network_id", network_id), ("member_id", member_id)) if v}
        with self.deps.read() as uow:
            return uow.network_roles.list(where)

    # Attendance, disengagement and continuity (MEM-7, MEM-8)

    @renamed_keywords(event="event_id")
    @keyword_only("on", after=3)
    def record_attendance(
        self,
        member_id: str,
        event_id: str,
        *,
        on: dt.date | None = None,
        registered: bool,
        attended: bool,
    ) -> AttendanceFact:
        """A simple attendance fact (MEM-7) for an event held on ``on`` (today), until the events
        feature records sign-in sheets."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            uow.members.get(member_id)
            return uow.attendance.add(
                AttendanceFact(new_id(), member_id, event_id, day, registered, attended)
            )

    def list_disengaged(
        self,
        *,
        on: dt.date | None = None,
        last_events: int = DEFAULT_LAST_EVENTS,
        silent_months: int = DEFAULT_SILENT_MONTHS,
    ) -> list[Disengagement]:
        """MEM-7: active members to remobilise, with the reasons."""
        with self.deps.read() as uow:
            members = uow.members.list({"lifecycle": Lifecycle.ACTIVE})
        facts = self.attendance.invitations([m.id for m in members])
        return disengaged(
            members, facts, on=self.deps.on(on), last_events=last_events,
            silent_months=silent_months,
        )  # fmt: skip

    def list_warnings(self, *, on: dt.date | None = None) -> list[NetworkWarning]:
        """MEM-6 and MEM-8 for every network, by network name: an animation resting on fewer than
        2 CDG staff members (members co-animating counted apart); single-holder roles whose holder
        is departing or disengaged, with candidates."""
        day = self.deps.on(on)
        away = {d.member_id for d in self.list_disengaged(on=day)}
        with self.deps.read() as uow:
            networks = uow.networks.list()
            assignments = uow.network_roles.list()
            members = {
                m.id: m
                for m in uow.members.list({"id": sorted({a.member_id for a in assignments})})
            }
            staff = {s.member_id for s in uow.cdg_staff.list()}
            skills = _expertise_of_active(uow, members)  # MEM-8: candidates by expertise
        found: list[NetworkWarning] = []
        for network in sorted(networks, key=lambda n: n.name):
            found += network_warnings(
                network.id, network.name, assignments, members, away, on=day,
                departmental=network.kind is NetworkKind.DEPARTMENTAL, staff=staff,
                skills=skills,
            )  # fmt: skip
        return found

    # Activation (MEM-9)

    def find_helpers(
        self, commune: str, *, expertises: Sequence[str] = (), software: Sequence[str] = ()
    ) -> list[Helper]:
        """MEM-9, network activation: opted-in helpers for a commune in difficulty, best first,
        with reasons."""
        with self.deps.read() as uow:
            return _find_helpers(uow, self.deps, commune, expertises=expertises, software=software)

    # Committees (NET-2, NET-3)

    @renamed_keywords(created_on="on")
    def set_committee(
        self,
        kind: CommitteeKind | str,
        seats: Iterable[Seat],
        *,
        by: str,
        on: dt.date | None = None,
        departement: str | None = None,
    ) -> Committee:
        """NET-2/NET-3: the committee's seats; ``on`` is the day it was set up (kept from before,
        else today), from which the follow-up committee's yearly meeting is due. When the profile
        keeps them per department (TER-7), the follow-up committee of ``departement``."""
        wanted = enum_of(CommitteeKind, kind, "comité")
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            where = committee_departement(self.deps, uow, wanted, departement)
            old = uow.committees.find((wanted, where))
            committee = Committee(
                wanted, tuple(seats), old.meetings if old else (),
                on or (old.created_on if old else self.deps.today()), where,
                changed_by=actor.id, meeting_records=old.meeting_records if old else (),
            )  # fmt: skip
            for seat in committee.seats:
                if seat.epci is not None and uow.epcis.find(seat.epci) is None:
                    raise NotFoundError(f"EPCI inconnu : {seat.epci!r}", value=seat.epci)
            return (uow.committees.update if old else uow.committees.add)(committee)

    @keyword_only("on", after=2)
    def record_meeting(
        self,
        kind: CommitteeKind | str,
        *,
        by: str,
        on: dt.date | None = None,
        departement: str | None = None,
    ) -> Committee:
        """NET-2: the committee (of ``departement``, TER-7) met on ``on`` (today)."""
        wanted = enum_of(CommitteeKind, kind, "comité")
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            where = committee_departement(self.deps, uow, wanted, departement)
            committee = uow.committees.get((wanted, where))
            meetings = tuple(sorted({*committee.meetings, day}))
            records = committee.meeting_records
            if committee.recorded_by(day) is None:  # CHA-2: who recorded it first
                records = (*records, MeetingRecord(day, actor.id))
            return uow.committees.update(
                attrs.evolve(committee, meetings=meetings, meeting_records=records)
            )

    def committee_report(
        self,
        kind: CommitteeKind | str,
        *,
        on: dt.date | None = None,
        departement: str | None = None,
    ) -> CommitteeReport:
        """NET-2/NET-3: missing seats per community territory (of ``departement`` when the
        profile keeps committees per department, TER-7) and, for the follow-up committee, the
        years without a meeting."""
        wanted = enum_of(CommitteeKind, kind, "comité")
        with self.deps.read() as uow:
            where = committee_departement(self.deps, uow, wanted, departement)
            committee = uow.committees.find((wanted, where)) or Committee(wanted, departement=where)
            sirens = [
                n.epci
                for n in uow.networks.list({"kind": NetworkKind.COMMUNITY})
                if not where or n.departement == where
            ]
            names = {e.siren: e.name for e in uow.epcis.list({"siren": sirens})}
        return committee_report(committee, names.items(), on=self.deps.on(on))

    # Deprecated names kept for one release (their old signatures and results).

    @deprecated("get_lead()")
    def lead(self, network_id: str) -> tuple[str, str | None]:
        """Deprecated: use :meth:`get_lead`, which returns a :class:`NetworkLead`."""
        found = self.get_lead(network_id)
        return (found.title, found.holder)

    @deprecated("list_roles()")
    def roles(self, network_id: str) -> list[RoleAssignment]:
        """Deprecated: use :meth:`list_roles` (``network_id=`` keyword)."""
        return self.list_roles(network_id=network_id)

    @deprecated("list_warnings()")
    def warnings(self, *, on: dt.date | None = None) -> list[str | ContinuityWarning]:
        """Deprecated: use :meth:`list_warnings`, which returns :class:`NetworkWarning` only."""
        return [w.continuity or w.message for w in self.list_warnings(on=on)]

    if TYPE_CHECKING:  # the former names, attached below at run time: typed for a caller's checker

        @typed_deprecated("use create_departmental_network()")
        def create_departmental(
            self, name: str, *, by: str, project_lead: str | None = None
        ) -> Network: ...
        @typed_deprecated("use create_community_network()")
        def create_community(
            self,
            epci: str,
            *,
            by: str,
            name: str | None = None,
            referent_id: str | None = None,
        ) -> Network: ...
        @typed_deprecated("use list_networks()")
        def networks(self) -> list[Network]: ...
        @typed_deprecated("use find_helpers()")
        def activate(
            self, commune: str, *, expertises: Sequence[str] = (), software: Sequence[str] = ()
        ) -> list[Helper]: ...
        @typed_deprecated("use list_disengaged()")
        def disengaged(
            self,
            *,
            on: dt.date | None = None,
            last_events: int = DEFAULT_LAST_EVENTS,
            silent_months: int = DEFAULT_SILENT_MONTHS,
        ) -> list[Disengagement]: ...


deprecated_aliases(
    NetworkService,
    create_departmental="create_departmental_network",
    create_community="create_community_network",
    networks="list_networks",
    activate="find_helpers",
    disengaged="list_disengaged",
)


def _expertise_of_active(uow: UnitOfWork, members: dict[str, Any]) -> dict[str, set[str]]:
    """MEM-8: each active member's folded expertise keys; ``members`` gets the active members
    it lacks, so that a candidate by expertise can be named."""
    from rsgm_core.domain.directory import FactKind

    active = {m.id: m for m in uow.members.list({"lifecycle": Lifecycle.ACTIVE})}
    for member_id, member in active.items():
        members.setdefault(member_id, member)
    skills: dict[str, set[str]] = {}
    for fact in uow.directory_facts.list({"kind": FactKind.EXPERTISE}):
        if fact.member_id in members:
            skills.setdefault(fact.member_id, set()).add(fact.key)
    return skills


def _find_helpers(
    uow: UnitOfWork,
    deps: Deps,
    commune: str,
    *,
    expertises: Sequence[str] = (),
    software: Sequence[str] = (),
) -> list[Helper]:
    """MEM-9 inside the caller's unit of work: :meth:`NetworkService.find_helpers`, for a use
    case that decides on the same snapshot as it writes (``advice.refer``)."""
    thesaurus = deps.hooks.expertise_thesaurus()
    tools = deps.hooks.business_software()
    skill_keys = [fold(thesaurus.resolve(e)) for e in expertises]
    tool_keys = [fold(tools.resolve(s)) for s in software]
    today = deps.today()
    target = uow.communes.find(commune)
    if target is None:
        raise NotFoundError(f"commune inconnue : {commune!r}", value=commune)
    return uow.find_helpers(target, expertises=skill_keys, software=tool_keys, on=today)
