"""Network roles (MEM-6), disengagement (MEM-7) and continuity (MEM-8).

Attendance comes through :class:`AttendanceSource`, a small interface: today the services feed it
from simple attendance facts kept in storage; the events feature will provide one built from its
registrations and sign-in sheets, and these rules will not change.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Protocol

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "ANIMATING_ROLES",
    "SINGLE_HOLDER_ROLES",
    "AttendanceFact",
    "AttendanceSource",
    "ContinuityWarning",
    "Disengagement",
    "NetworkRole",
    "NetworkWarning",
    "RoleAssignment",
    "animator_warning",
    "continuity_warnings",
    "disengaged",
    "network_warnings",
    "require_active",
    "why_away",
]

DEFAULT_LAST_EVENTS = 3  # MEM-7: absent from the last 3 events invited to
DEFAULT_SILENT_MONTHS = 12  # MEM-7: no registration for 12 months


class NetworkRole(enum.Enum):
    """MEM-6: the roles of the guide (Fiche 2.2, 3.1, 3.5)."""

    ANIMATOR = "animateur"
    CO_ANIMATOR = "co-animateur"
    COMMUNITY_REFERENT = "referent_communautaire"
    THEMATIC_REFERENT = "referent_thematique"
    TUTOR = "tuteur"
    AMBASSADOR = "ambassadeur"
    MEMBER = "membre"


ANIMATING_ROLES = frozenset({NetworkRole.ANIMATOR, NetworkRole.CO_ANIMATOR})
#: MEM-8: roles whose loss stops the network when one person holds them.
SINGLE_HOLDER_ROLES = frozenset(
    {
        NetworkRole.ANIMATOR,
        NetworkRole.COMMUNITY_REFERENT,
        NetworkRole.THEMATIC_REFERENT,
        NetworkRole.TUTOR,
    }
)


@attrs.frozen
class RoleAssignment:
    id: str
    network_id: str
    member_id: str
    role: NetworkRole
    since: dt.date
    until: dt.date | None = None
    theme: str | None = None  # a thematic referent's theme
    #: CHA-2: who assigned and who ended the role (member ids); None before migration 18 (or,
    #: for ``ended_by``, while the role runs).
    assigned_by: str | None = None
    ended_by: str | None = None

    def current_on(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day < self.until)


def require_active(member: Member) -> Member:
    """MEM-6: a network role (or a community network's referent) is held by an active member."""
    if member.lifecycle is not Lifecycle.ACTIVE:
        raise RuleViolation(
            f"{member.full_name} n'est pas membre actif ({member.lifecycle.value})",
            rule="MEM-6",
            value=member.id,
        )
    return member


@attrs.frozen
class AttendanceFact:
    """One invitation of one member to one event, and what they did with it (MEM-7)."""

    id: str
    member_id: str
    event: str  # the event's reference
    on: dt.date
    registered: bool = False
    attended: bool = False

    def __attrs_post_init__(self) -> None:
        if self.attended and not self.registered:
            # walk-ins happen: attending counts as registering
            object.__setattr__(self, "registered", True)


class AttendanceSource(Protocol):
    """Where MEM-7 reads attendance from: the invitations of members, with their outcome."""

    def invitations(self, member_ids: Sequence[str]) -> Iterable[AttendanceFact]:
        """Every invitation of these members, in any order."""
        ...


@attrs.frozen
class Disengagement:
    member_id: str
    reasons: tuple[str, ...]


def disengaged(
    members: Iterable[Member],
    facts: Iterable[AttendanceFact],
    *,
    on: dt.date,
    last_events: int = DEFAULT_LAST_EVENTS,
    silent_months: int = DEFAULT_SILENT_MONTHS,
) -> list[Disengagement]:
    """MEM-7: active members absent from their last ``last_events`` invitations, or without a
    registration for ``silent_months`` months (counted from their arrival, else from their first
    invitation: a member never invited yet is not listed for silence)."""
    if last_events < 1 or silent_months < 1:
        raise ValidationError(
            f"fenêtre de désengagement invalide : {last_events} événements, {silent_months} mois",
            rule="MEM-7",
            value=(last_events, silent_months),
        )
    try:
        since = on - relativedelta(months=silent_months)
    except (ValueError, OverflowError):  # before year 1: a window no network has
        raise ValidationError(
            f"fenêtre de désengagement hors du calendrier : {silent_months} mois avant le "
            f"{on:%d/%m/%Y}",
            rule="MEM-7",
            value=(on, silent_months),
        ) from None
    by_member: dict[str, list[AttendanceFact]] = {}
    for fact in facts:
        if fact.on <= on:
            by_member.setdefault(fact.member_id, []).append(fact)
    found = []
    for member in members:
        if member.lifecycle is not Lifecycle.ACTIVE:
            continue
        history = sorted(by_member.get(member.id, ()), key=lambda f: (f.on, f.event))
        reasons = []
        recent = history[-last_events:]
        if len(recent) == last_events and not any(f.attended for f in recent):
            reasons.append(
                f"aucune présence aux {last_events} derniers événements où cette personne "
                "était invitée"
            )
        registered = [f.on for f in history if f.registered]
        # counted from the arrival, else from the first invitation; never invited: nothing to say
        started = member.arrival or (history[0].on if history else None)
        if started is not None and started <= since and not any(d > since for d in registered):
            reasons.append(f"aucune inscription depuis {silent_months} mois")
        if reasons:
            found.append(Disengagement(member.id, tuple(reasons)))
    return found


#: MEM-6: the CDG staff a network's animation must rest on ("au moins 2 personnes en interne").
MIN_STAFF_ANIMATORS = 2


def animator_warning(
    assignments: Iterable[RoleAssignment], *, on: dt.date, staff: Collection[str] = ()
) -> str | None:
    """MEM-6: a network whose animation (animators and co-animators on ``on``) rests on fewer
    than 2 CDG staff members (``staff``: their member ids) gets a continuity warning; members of
    the network who co-animate are counted apart and never make up for a missing staff member."""
    holders = {a.member_id for a in assignments if a.role in ANIMATING_ROLES and a.current_on(on)}
    internal = holders & set(staff)
    if len(internal) >= MIN_STAFF_ANIMATORS:
        return None
    others = len(holders - internal)
    apart = (
        f" ; {others} animateur{_s(others)} membre{_s(others)} du réseau, compté{_s(others)} à part"
        if others
        else ""
    )
    return (
        f"{len(internal)} animateur{_s(len(internal))} seulement parmi les agents du CDG : prévoir au moins "
        f"{MIN_STAFF_ANIMATORS} personnes en interne pour assurer la continuité{apart}"
    )


@attrs.frozen
class ContinuityWarning:
    """MEM-8: a role held by one person who is leaving or disengaged, and who could take over."""

    network_id: str
    role: NetworkRole
    holder_id: str
    why: str
    candidates: tuple[str, ...]  # member ids, best first


def continuity_warnings(
    network_id: str,
    assignments: Iterable[RoleAssignment],
    members: dict[str, Member],
    disengaged_ids: set[str],
    *,
    on: dt.date,
    skills: Mapping[str, Collection[str]] | None = None,
) -> list[ContinuityWarning]:
    """MEM-8: flag single-holder roles whose holder is departing or disengaged, with candidates:
    co-animators first for the animator role, then successors, then the active members sharing
    the most expertise with the holder (``skills``: member id → folded expertise keys; the
    members named there must be in ``members``), then the network's other active members
    holding a role, by name."""
    current = [a for a in assignments if a.network_id == network_id and a.current_on(on)]
    warnings = []
    for role in sorted(SINGLE_HOLDER_ROLES, key=lambda r: r.value):
        holders = {a.member_id for a in current if a.role is role}
        if len(holders) != 1:
            continue
        (holder_id,) = holders
        holder = members.get(holder_id)
        if holder is None:
            continue
        why = why_away(holder, disengaged=holder_id in disengaged_ids)
        if why is None:
            continue
        candidates = _candidates(role, holder, current, members, skills or {})
        warnings.append(ContinuityWarning(network_id, role, holder_id, why, candidates))
    return warnings


def _candidates(
    role: NetworkRole,
    holder: Member,
    current: list[RoleAssignment],
    members: dict[str, Member],
    skills: Mapping[str, Collection[str]],
) -> tuple[str, ...]:
    def available(member_id: str) -> bool:
        m = members.get(member_id)
        return (
            m is not None
            and member_id != holder.id
            and m.lifecycle is Lifecycle.ACTIVE
            and m.leaving_on is None
        )

    ranked: list[str] = []
    if role is NetworkRole.ANIMATOR:
        ranked += sorted(
            {a.member_id for a in current if a.role is NetworkRole.CO_ANIMATOR},
            key=lambda i: members[i].last_name if i in members else i,
        )
    if holder.successor_id:
        ranked.append(holder.successor_id)
    theirs = set(skills.get(holder.id, ()))
    if theirs:  # MEM-8, MEM-13: by shared expertise, not only among the role holders
        sharing = {i: len(theirs & set(k)) for i, k in skills.items() if i in members}
        ranked += sorted(
            (i for i, n in sharing.items() if n),
            key=lambda i: (-sharing[i], members[i].last_name, members[i].first_name),
        )
    ranked += sorted(
        {a.member_id for a in current},
        key=lambda i: (members[i].last_name, members[i].first_name) if i in members else (i, ""),
    )
    seen: dict[str, None] = {}
    for member_id in ranked:
        if available(member_id):
            seen.setdefault(member_id)
    return tuple(seen)


@attrs.frozen
class NetworkWarning:
    """MEM-6 or MEM-8 on one network: too few animators (``role`` None), or a single-holder role
    whose holder is departing or disengaged, with who could take over.

    ``message`` is the French sentence to show; the other fields let a caller word it with names.
    """

    network_id: str
    network_name: str
    message: str
    role: NetworkRole | None = None
    holder_id: str | None = None
    why: str | None = None
    candidates: tuple[str, ...] = ()  # member ids, best first

    @property
    def continuity(self) -> ContinuityWarning | None:
        """The MEM-8 warning this one carries, if it is one."""
        if self.role is None or self.holder_id is None:
            return None
        return ContinuityWarning(
            self.network_id, self.role, self.holder_id, self.why or "", self.candidates
        )


def network_warnings(
    network_id: str,
    network_name: str,
    assignments: Iterable[RoleAssignment],
    members: dict[str, Member],
    disengaged_ids: set[str],
    *,
    on: dt.date,
    departmental: bool,
    staff: Collection[str] = (),
    skills: Mapping[str, Collection[str]] | None = None,
) -> list[NetworkWarning]:
    """MEM-6 (the departmental network's animation rests on at least two CDG staff members,
    ``staff``) and MEM-8 for one network."""
    mine = [a for a in assignments if a.network_id == network_id]
    found = []
    if departmental:
        message = animator_warning(mine, on=on, staff=staff)
        if message:
            found.append(NetworkWarning(network_id, network_name, f"{network_name} : {message}"))
    for w in continuity_warnings(network_id, mine, members, disengaged_ids, on=on, skills=skills):
        found.append(
            NetworkWarning(
                network_id,
                network_name,
                f"{network_name} : {w.role.value} tenu par une seule personne, {w.why}",
                role=w.role,
                holder_id=w.holder_id,
                why=w.why,
                candidates=w.candidates,
            )
        )
    return found


def _s(count: int) -> str:
    """The plural mark of a French word counted ``count`` times (0 and 1 take the singular)."""
    return "s" if count > 1 else ""


def why_away(member: Member, *, disengaged: bool) -> str | None:
    """MEM-8: why a role's holder needs a successor, in French (a departure, with its day, an
    announced one, or disengagement, MEM-7), or ``None`` while they are there."""
    if member.lifecycle is Lifecycle.DEPARTED:
        return f"départ le {member.departed_on:%d/%m/%Y}" if member.departed_on else "départ"
    if member.leaving_on is not None:
        return f"départ annoncé le {member.leaving_on:%d/%m/%Y}"
    return "désengagement" if disengaged else None
