"""What a collaboration platform must apply, from the grants, as ``app.platform``: a full
snapshot, or the delta since the last export recorded in storage (so re-running gives nothing new
to do). The platform formats come from the ``rsgm_platform_exporters`` hook."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rsgm_core.domain.access import Role
from rsgm_core.domain.access_records import PlatformExport
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.platform import (
    ExportResult,
    PlatformExporter,
    PlatformMembership,
    PlatformState,
    PlatformUser,
    delta,
)
from rsgm_core.domain.progress import Progress, no_progress
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.services.authorization import authorize

if TYPE_CHECKING:
    from rsgm_core.domain.profile import CdgIdentity
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["ExportResult", "PlatformService", "export_accounts"]

CDG = "Centre de gestion"


def space_label(name: str, cdg: CdgIdentity | None) -> str:
    """A space's name as the platform shows it: with the CDG's short name when the profile
    gives its identity ("Espace départemental des SGM — CDG 77"), unless the name has it."""
    if cdg is None or cdg.short_name in name:
        return name
    return f"{name} — {cdg.short_name}"


def _platform_state(
    uow: UnitOfWork,
    day: dt.date,
    cdg: CdgIdentity | None = None,
    progress: Progress = no_progress,
) -> PlatformState:
    """The accounts and memberships the grants give on ``day``; accounts that had access and
    have none left are to be suspended (CHA-7, CHA-9, CHA-10). In a space in its read-only phase
    a contributor is shown as a visitor (CHA-5). Space names carry the CDG's name."""
    grants = uow.grants.list()
    spaces = {s.id: s for s in uow.spaces.list()}
    staff_label = cdg.short_name if cdg is not None else CDG
    members = {m.id: m for m in uow.members.list({"id": {g.member_id for g in grants}})}
    names = {c.code: c.name for c in uow.communes.list({"code": {g.commune for g in grants}})}
    users: dict[str, set[str]] = {}
    memberships = []
    for done, grant in enumerate(grants, 1):
        progress("droits", done, len(grants))
        member = members[grant.member_id]
        if not grant.active or not member.email or grant.granted_on > day:
            continue
        space = spaces[grant.space_id]
        role = grant.role
        if space.read_only and role is Role.CONTRIBUTOR:
            role = Role.VISITOR
        label = space_label(space.name, cdg)
        memberships.append(PlatformMembership(member.email, label, role.value))
        users.setdefault(member.id, set()).add(names.get(grant.commune or "", staff_label))
    accounts = [
        PlatformUser(m.email or "", m.first_name, m.last_name, ", ".join(sorted(users[m.id])))
        for m in members.values()
        if m.id in users
    ]
    suspended = {m.email for m in members.values() if m.email and m.id not in users}
    return PlatformState.of(accounts, memberships, suspended)


def exporter_named(deps: Deps, platform: str) -> PlatformExporter:
    exporters = {e.name: e for e in deps.hooks.platform_exporters()}
    if platform not in exporters:
        known = ", ".join(sorted(exporters)) or "aucun"
        raise NotFoundError(
            f"plateforme inconnue : {platform!r} (exports disponibles : {known})", value=platform
        )
    return exporters[platform]


def _last_export(uow: UnitOfWork, platform: str) -> PlatformExport | None:
    found = uow.platform_exports.list({"platform": platform})
    return max(found, key=lambda e: (e.exported_at, e.id), default=None)


def export_accounts(
    deps: Deps,
    platform: str,
    *,
    since_last: bool,
    format: str,
    by: str | None = None,
    progress: Progress = no_progress,
) -> ExportResult:
    """Render the snapshot (or the delta since the last export) and record the state given to
    the platform; a delta with nothing to do records nothing."""
    exporter = exporter_named(deps, platform)
    if format not in exporter.formats:
        raise ValidationError(
            f"format inconnu pour {platform} : {format!r} (au choix : {', '.join(exporter.formats)})",
            value=format,
        )
    with deps.transaction() as uow:
        current = _platform_state(uow, deps.today(), deps.settings.cdg, progress)
        previous = _last_export(uow, platform)
        shown = delta(previous.state if previous else PlatformState(), current)
        payload = shown if since_last else current
        text = exporter.render(
            payload, format=format, full=not since_last, options=deps.settings.plugin(platform)
        )
        if not since_last or not shown.empty:
            number = uow.platform_exports.count({"platform": platform}) + 1
            uow.platform_exports.add(
                PlatformExport(
                    f"{platform}-{number:06d}",
                    platform,
                    deps.now(),
                    not since_last,
                    current,
                    exported_by=by,
                )
            )
    return ExportResult(platform, not since_last, payload, text)


class PlatformService:
    """``app.platform``: what a collaboration platform (Interstis, or a plugin's) must apply."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def export_accounts(
        self,
        platform: str,
        *,
        by: str,
        since_last: bool = False,
        format: str = "csv",
        progress: Progress | None = None,
    ) -> ExportResult:
        """The accounts to create, the memberships per space with their role and the accounts to
        suspend, for ``platform`` in ``format``: the full snapshot, or with ``since_last`` only
        what changed since the last export recorded for that platform (re-running it gives
        nothing to do). Each export that gives something to do is recorded. ``by``: a CDG
        administrator (CHA-2): the export creates accounts and holds personal data. ``progress``
        is told ``("droits", done, total)`` as the grants are read."""
        with self.deps.read() as uow:
            actor = authorize(uow, by, Operation.PLATFORM_EXPORT, on=self.deps.today())
        return export_accounts(
            self.deps,
            platform,
            since_last=since_last,
            format=format,
            by=actor.id,
            progress=progress or no_progress,
        )

    def list_platforms(self) -> list[str]:
        """The names of the platforms an export is available for (``rsgm_platform_exporters``)."""
        return sorted(e.name for e in self.deps.hooks.platform_exporters())

    def list_exports(self, *, platform: str | None = None) -> list[PlatformExport]:
        """The exports recorded, oldest first, for ``platform`` or every platform."""
        with self.deps.read() as uow:
            found = uow.platform_exports.list(None if platform is None else {"platform": platform})
        return sorted(found, key=lambda e: (e.exported_at, e.id))
