"""What a collaboration platform must apply: users to create, memberships per space with their
role, users to suspend — as a full snapshot, or as the delta since the last export (CHA-2..CHA-7).

A platform state is plain data computed from the grants; the delta compares two states, so
recording the state of each export makes re-running it idempotent: nothing changed, nothing to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import attrs

__all__ = [
    "ExportResult",
    "PlatformExporter",
    "PlatformMembership",
    "PlatformState",
    "PlatformUser",
    "delta",
]


@attrs.frozen
class PlatformUser:
    """An account on the platform: nominative (CHA-6), with the collectivities it works for."""

    email: str
    first_name: str
    last_name: str
    collectivity: str


@attrs.frozen
class PlatformMembership:
    """A person's membership of a space, with the role shown on the platform."""

    email: str
    space: str
    role: str


@attrs.frozen
class PlatformState:
    """What a platform holds, or must apply (a delta): accounts, memberships, suspensions."""

    users: tuple[PlatformUser, ...] = ()
    memberships: tuple[PlatformMembership, ...] = ()
    suspended: tuple[str, ...] = ()  # e-mails of accounts to suspend (CHA-7, CHA-9)
    # Memberships to withdraw from a user who keeps an account (a delta only): revoked in one
    # space, still a member of another.
    removed: tuple[PlatformMembership, ...] = ()

    @classmethod
    def of(
        cls,
        users: Iterable[PlatformUser],
        memberships: Iterable[PlatformMembership],
        suspended: Iterable[str] = (),
        removed: Iterable[PlatformMembership] = (),
    ) -> PlatformState:
        return cls(
            tuple(sorted(set(users), key=lambda u: u.email)),
            tuple(sorted(set(memberships), key=lambda m: (m.email, m.space))),
            tuple(sorted(set(suspended))),
            tuple(sorted(set(removed), key=lambda m: (m.email, m.space))),
        )

    @property
    def empty(self) -> bool:
        return not (self.users or self.memberships or self.suspended or self.removed)


@attrs.frozen
class ExportResult:
    """One export for a platform: the ``state`` rendered (the snapshot when ``full``, else the
    delta since the last export) and its ``text`` in the format asked."""

    platform: str
    full: bool
    state: PlatformState  # what was rendered: the snapshot, or the delta
    text: str

    @property
    def empty(self) -> bool:
        """Nothing to apply on the platform."""
        return self.state.empty


def delta(previous: PlatformState, current: PlatformState) -> PlatformState:
    """What to apply on a platform that holds ``previous`` so that it holds ``current``: users new
    or changed, memberships new or with another role, and the users to suspend — those who were
    members of a space and are of none now, or whom ``current`` suspends."""
    known_users = set(previous.users)
    known_memberships = set(previous.memberships)
    still_in = {m.email for m in current.memberships}
    gone = {m.email for m in previous.memberships} - still_in - set(previous.suspended)
    suspended = (set(current.suspended) - set(previous.suspended)) | gone
    places = {(m.email, m.space) for m in current.memberships}
    return PlatformState.of(
        (u for u in current.users if u not in known_users),
        (m for m in current.memberships if m not in known_memberships),
        suspended,
        (
            m
            for m in previous.memberships
            if (m.email, m.space) not in places and m.email in still_in
        ),
    )


class PlatformExporter(Protocol):
    """What the ``rsgm_platform_exporters`` hook returns: one platform's import format."""

    name: str  # "interstis"
    formats: tuple[str, ...]  # ("csv", "json")

    def render(
        self, state: PlatformState, *, format: str, full: bool, options: Mapping[str, Any]
    ) -> str:
        """``state`` as the platform imports it; ``full`` is false for a delta; ``options`` are
        the plugin's settings (``Settings.plugin(name)``)."""
        ...
