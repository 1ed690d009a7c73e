"""Who an invitation reached and who it could not (EVT-2, EVT-5, MEM-14, NOT-1).

An invitation round counts as *invited* only the people the invitation really went to (a message
queued to their address); everyone else the event is for is reported with the reason they could
not be reached: no e-mail address, unsubscribed from invitations, or erased (MEM-11). Pure: the
service layer decides who the event is for and hands the people here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from rsgm_core.domain.members import Member

__all__ = [
    "InvitationRound",
    "ReminderRound",
    "Unreached",
    "UnreachedReason",
    "split_reach",
    "unreached_reason",
]


class UnreachedReason(enum.Enum):
    """Why someone the event is for was not invited (value: the French label, singular)."""

    ERASED = "effacé"
    OPTED_OUT = "désinscrit"
    NO_EMAIL = "sans e-mail"

    def counted(self, count: int) -> str:
        """``3 désinscrits``, ``1 effacé``, ``6 sans e-mail``: the label agreed with ``count``."""
        label = self.value
        if count > 1 and self is not UnreachedReason.NO_EMAIL:
            label += "s"
        return f"{count} {label}"


@attrs.frozen
class Unreached:
    """One person the event is for whom the invitation could not reach, and why."""

    member: Member
    reason: UnreachedReason


@attrs.frozen
class InvitationRound:
    """What an invitation round did (EVT-2): ``invited``, the people the invitation has gone to
    for this event (this round and the earlier ones: the participation rate's denominator,
    EVT-5); ``sent``, the messages this round queued; ``unreached``, the people the event is for
    who could not be reached, each with the reason, by name. ``mayors_informed``: the mayors
    (MEM-12) of the communes invited who got the "information des maires" this round, by name;
    ``mayors_to_print``: those without an address, for the mail-merge."""

    event_id: str
    invited: int
    sent: int
    unreached: tuple[Unreached, ...] = ()
    mayors_informed: tuple[str, ...] = ()
    mayors_to_print: tuple[str, ...] = ()

    def count_by_reason(self) -> dict[UnreachedReason, int]:
        """How many were not reached for each reason, most frequent first."""
        counts: dict[UnreachedReason, int] = {}
        for found in self.unreached:
            counts[found.reason] = counts.get(found.reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0].value)))


@attrs.frozen
class ReminderRound:
    """What the reminder step did (EVT-2, EVT-4): ``reminded``, the people still registered
    reminded of their session; ``relanced``, the invited people who never answered, relanced."""

    event_id: str
    reminded: int
    relanced: int


def unreached_reason(member: Member) -> UnreachedReason | None:
    """Why ``member`` cannot receive an invitation, or ``None`` when they can (MEM-11: erased
    first; MEM-14: unsubscribed from invitations; NOT-1: no address to send to)."""
    if member.erased:
        return UnreachedReason.ERASED
    if member.invitations_opt_out:
        return UnreachedReason.OPTED_OUT
    if not (member.email or "").strip():
        return UnreachedReason.NO_EMAIL
    return None


def split_reach(members: Iterable[Member]) -> tuple[list[Member], list[Unreached]]:
    """The people an invitation can reach, and the others with their reason, in the given order."""
    reached: list[Member] = []
    unreached: list[Unreached] = []
    for member in members:
        reason = unreached_reason(member)
        if reason is None:
            reached.append(member)
        else:
            unreached.append(Unreached(member, reason))
    return reached, unreached
