"""Networks, roles, committees, engagement and activation (MEM-6..MEM-9, NET-1..NET-4):
``app.network``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.activation import Helper, rank_helpers
from rsgm_core.domain.directory import fold
from rsgm_core.domain.engagement import (
    DEFAULT_LAST_EVENTS,
    DEFAULT_SILENT_MONTHS,
    AttendanceFact,
    AttendanceSource,
    ContinuityWarning,
    Disengagement,
    NetworkRole,
    RoleAssignment,
    animator_warning,
    continuity_warnings,
    disengaged,
)
from rsgm_core.domain.governance import (
    Charter,
    Committee,
    CommitteeKind,
    CommitteeReport,
    Network,
    NetworkKind,
    Objective,
    Seat,
    committee_report,
    lead,
)
from rsgm_core.domain.members import Lifecycle
from rsgm_core.errors import ConflictError, NotFoundError, RuleViolation
from rsgm_core.services.members import enum_of, new_id

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps


class StoredAttendance:
    """MEM-7's :class:`AttendanceSource` over the ``attendance`` collection, until events exist."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def invitations(self, member_ids: Sequence[str]) -> list[AttendanceFact]:
        with self.deps.read() as uow:
            return uow.attendance.list({"member_id": list(member_ids)})


class NetworkService:
    def __init__(self, deps: Deps, attendance: AttendanceSource | None = None) -> None:
        self.deps = deps
        self.attendance: AttendanceSource = attendance or StoredAttendance(deps)

    # Networks (NET-1)

    def create_departmental(self, name: str, *, project_lead: str | None = None) -> Network:
        """NET-1: the CDG's one departmental network; ``project_lead`` stands in for a missing
        community referent."""
        with self.deps.transaction() as uow:
            if uow.networks.count({"kind": NetworkKind.DEPARTMENTAL}):
                raise RuleViolation(
                    "le CDG a déjà son réseau départemental : un seul par centre de gestion",
                    rule="NET-1",
                    value=name,
                )
            return uow.networks.add(
                Network(new_id(), NetworkKind.DEPARTMENTAL, name, project_lead=project_lead,
                        created_on=self.deps.today())
            )  # fmt: skip

    def create_community(
        self, epci: str, *, name: str | None = None, referent_id: str | None = None
    ) -> Network:
        """NET-1: the community network of an EPCI of the territory (one per EPCI)."""
        with self.deps.transaction() as uow:
            found = uow.epcis.find(epci)
            if found is None:
                raise NotFoundError(f"EPCI inconnu : {epci!r}", value=epci)
            if not uow.networks.count({"kind": NetworkKind.DEPARTMENTAL}):
                raise RuleViolation(
                    "créez d'abord le réseau départemental : un réseau communautaire s'inscrit "
                    "dans celui-ci",
                    rule="NET-1",
                    value=epci,
                )
            if uow.networks.count({"epci": epci}):
                raise ConflictError(f"l'EPCI {found.name} a déjà son réseau", value=epci)
            if referent_id:
                self._active(uow, referent_id)
            network = Network(
                new_id(), NetworkKind.COMMUNITY, name or f"Réseau {found.name}", epci=epci,
                referent_id=referent_id, created_on=self.deps.today(),
            )  # fmt: skip
            uow.networks.add(network)
            if referent_id:
                uow.network_roles.add(
                    RoleAssignment(new_id(), network.id, referent_id,
                                   NetworkRole.COMMUNITY_REFERENT, self.deps.today())
                )  # fmt: skip
            return network

    def networks(self) -> list[Network]:
        with self.deps.read() as uow:
            return sorted(
                uow.networks.list(), key=lambda n: (n.kind.value != "departemental", n.name)
            )

    def departmental(self) -> Network:
        with self.deps.read() as uow:
            return _departmental(uow)

    def lead(self, network_id: str) -> tuple[str, str | None]:
        """NET-1: who runs the network: its referent, or the CDG's project lead as stand-in."""
        with self.deps.read() as uow:
            network = uow.networks.get(network_id)
            if network.kind is NetworkKind.DEPARTMENTAL:
                return ("chef de projet du CDG", network.project_lead)
            return lead(network, _departmental(uow, required=False))

    def set_charter(
        self, network_id: str, charter: Charter, objectives: Iterable[Objective] = ()
    ) -> Network:
        """NET-4: the charter of operation and the objectives, each tied to indicators."""
        with self.deps.transaction() as uow:
            network = uow.networks.get(network_id)
            return uow.networks.update(
                attrs.evolve(network, charter=charter, objectives=tuple(objectives))
            )

    # Roles (MEM-6)

    def assign(
        self,
        network_id: str,
        member_id: str,
        role: NetworkRole | str,
        *,
        since: dt.date | None = None,
        theme: str | None = None,
    ) -> RoleAssignment:
        wanted = enum_of(NetworkRole, role, "rôle")
        with self.deps.transaction() as uow:
            network = uow.networks.get(network_id)
            self._active(uow, member_id)
            day = since or self.deps.today()
            if any(
                a.member_id == member_id and a.role is wanted and a.current_on(day)
                for a in uow.network_roles.list({"network_id": network_id})
            ):
                raise ConflictError(
                    f"ce membre est déjà {wanted.value} de ce réseau", value=member_id
                )
            if wanted is NetworkRole.COMMUNITY_REFERENT:
                if network.kind is not NetworkKind.COMMUNITY:
                    raise RuleViolation(
                        "un référent communautaire anime un réseau communautaire",
                        rule="NET-1",
                        value=network_id,
                    )
                uow.networks.update(attrs.evolve(network, referent_id=member_id))
            return uow.network_roles.add(
                RoleAssignment(new_id(), network_id, member_id, wanted, day, theme=theme)
            )

    def end_role(self, assignment_id: str, *, on: dt.date | None = None) -> RoleAssignment:
        with self.deps.transaction() as uow:
            assignment = uow.network_roles.get(assignment_id)
            return uow.network_roles.update(attrs.evolve(assignment, until=on or self.deps.today()))

    def roles(self, network_id: str) -> list[RoleAssignment]:
        with self.deps.read() as uow:
            return uow.network_roles.list({"network_id": network_id})

    # Attendance, disengagement and continuity (MEM-7, MEM-8)

    def record_attendance(
        self, member_id: str, event: str, on: dt.date, *, registered: bool, attended: bool
    ) -> AttendanceFact:
        """A simple attendance fact (MEM-7), until the events feature records sign-in sheets."""
        with self.deps.transaction() as uow:
            uow.members.get(member_id)
            return uow.attendance.add(
                AttendanceFact(new_id(), member_id, event, on, registered, attended)
            )

    def disengaged(
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
            members, facts, on=on or self.deps.today(), last_events=last_events,
            silent_months=silent_months,
        )  # fmt: skip

    def warnings(self, *, on: dt.date | None = None) -> list[str | ContinuityWarning]:
        """MEM-6 and MEM-8 for every network: too few animators; single-holder roles whose holder
        is departing or disengaged, with candidates."""
        day = on or self.deps.today()
        away = {d.member_id for d in self.disengaged(on=day)}
        with self.deps.read() as uow:
            networks = uow.networks.list()
            assignments = uow.network_roles.list()
            members = {
                m.id: m
                for m in uow.members.list({"id": sorted({a.member_id for a in assignments})})
            }
        found: list[str | ContinuityWarning] = []
        for network in sorted(networks, key=lambda n: n.name):
            mine = [a for a in assignments if a.network_id == network.id]
            if network.kind is NetworkKind.DEPARTMENTAL:
                message = animator_warning(mine, on=day)
                if message:
                    found.append(f"{network.name} : {message}")
            found.extend(continuity_warnings(network.id, mine, members, away, on=day))
        return found

    # Activation (MEM-9)

    def activate(
        self, commune: str, *, expertises: Sequence[str] = (), software: Sequence[str] = ()
    ) -> list[Helper]:
        """MEM-9: opted-in helpers for a commune in difficulty, best first, with reasons."""
        thesaurus = self.deps.hooks.expertise_thesaurus()
        tools = self.deps.hooks.business_software()
        skill_keys = [fold(thesaurus.resolve(e)) for e in expertises]
        tool_keys = [fold(tools.resolve(s)) for s in software]
        today = self.deps.today()
        with self.deps.read() as uow:
            target = uow.communes.find(commune)
            if target is None:
                raise NotFoundError(f"commune inconnue : {commune!r}", value=commune)
            helpers = uow.members.list({"helper": True, "lifecycle": Lifecycle.ACTIVE})
            ids = [m.id for m in helpers]
            positions = [p for p in uow.positions.list({"member_id": ids}) if p.active_on(today)]
            communes = {
                c.code: c
                for c in uow.communes.list({"code": sorted({p.commune for p in positions})})
            }
            keys = [*skill_keys, *tool_keys]
            facts = uow.directory_facts.list({"member_id": ids, "key": keys}) if keys else []
        places: dict[str, list] = {}
        for p in positions:
            if p.commune in communes:
                places.setdefault(p.member_id, []).append(communes[p.commune])
        return rank_helpers(
            target, helpers, places, facts, expertises=skill_keys, software=tool_keys
        )

    # Committees (NET-2, NET-3)

    def set_committee(
        self, kind: CommitteeKind | str, seats: Iterable[Seat], *, created_on: dt.date | None = None
    ) -> Committee:
        wanted = enum_of(CommitteeKind, kind, "comité")
        with self.deps.transaction() as uow:
            old = uow.committees.find(wanted)
            committee = Committee(
                wanted, tuple(seats), old.meetings if old else (),
                created_on or (old.created_on if old else self.deps.today()),
            )  # fmt: skip
            for seat in committee.seats:
                if seat.epci is not None and uow.epcis.find(seat.epci) is None:
                    raise NotFoundError(f"EPCI inconnu : {seat.epci!r}", value=seat.epci)
            return (uow.committees.update if old else uow.committees.add)(committee)

    def record_meeting(self, kind: CommitteeKind | str, on: dt.date) -> Committee:
        wanted = enum_of(CommitteeKind, kind, "comité")
        with self.deps.transaction() as uow:
            committee = uow.committees.get(wanted)
            meetings = tuple(sorted({*committee.meetings, on}))
            return uow.committees.update(attrs.evolve(committee, meetings=meetings))

    def committee_report(
        self, kind: CommitteeKind | str, *, on: dt.date | None = None
    ) -> CommitteeReport:
        """NET-2/NET-3: missing seats per community territory and, for the follow-up committee,
        the years without a meeting."""
        wanted = enum_of(CommitteeKind, kind, "comité")
        with self.deps.read() as uow:
            committee = uow.committees.find(wanted) or Committee(wanted)
            sirens = [n.epci for n in uow.networks.list({"kind": NetworkKind.COMMUNITY})]
            names = {e.siren: e.name for e in uow.epcis.list({"siren": sirens})}
        return committee_report(committee, names.items(), on=on or self.deps.today())

    def _active(self, uow: UnitOfWork, member_id: str) -> None:
        member = uow.members.get(member_id)
        if member.lifecycle is not Lifecycle.ACTIVE:
            raise RuleViolation(
                f"{member.full_name} n'est pas membre actif ({member.lifecycle.value})",
                rule="MEM-6",
                value=member_id,
            )


def _departmental(uow: UnitOfWork, *, required: bool = True) -> Network | None:  # type: ignore[return]
    found = uow.networks.list({"kind": NetworkKind.DEPARTMENTAL})
    if found:
        return found[0]
    if required:
        raise NotFoundError("aucun réseau départemental enregistré", value=None)
    return None
