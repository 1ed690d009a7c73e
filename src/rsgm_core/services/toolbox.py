"""The toolbox (KNB-1..KNB-4), as ``app.toolbox``: resources and their versions, attachments,
followers, the stale list and the ranked search.

Who may do what is read from the access records (CHA-3, CHA-5): the toolbox lives in the
departmental space only; a member's role there is their active grant (an administrator of the CDG
is an administrator), and contributions are open when that space is not in its read-only phase.
The software map (KNB-5) and the export to the platform are in
:mod:`rsgm_core.services.toolbox_export`.
"""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain import toolbox as rules
from rsgm_core.domain.access import Role
from rsgm_core.domain.charters import SpaceKind
from rsgm_core.domain.toolbox import Resource, ResourceKind, ResourceStatus, SearchHit
from rsgm_core.domain.toolbox_records import (
    DEFAULT_ALLOWED_TYPES,
    DEFAULT_MAX_BYTES,
    Attachment,
    Follower,
    check_file,
)
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError
from rsgm_core.render.formatting import format_date
from rsgm_core.services.access_facts import find_member
from rsgm_core.services.members import new_id
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps
    from rsgm_core.services.toolbox_export import SoftwareUse

__all__ = ["ToolboxService", "parse_kind"]

_RANK = {Role.ADMINISTRATOR: 0, Role.ANIMATOR: 1, Role.CONTRIBUTOR: 2, Role.VISITOR: 3}


def parse_kind(value: ResourceKind | str) -> ResourceKind:
    if isinstance(value, ResourceKind):
        return value
    for kind in ResourceKind:
        if value in (kind.value, kind.name.lower()):
            return kind
    raise ValidationError(
        f"type de ressource inconnu : {value!r} (valeurs : "
        f"{', '.join(k.value for k in ResourceKind)})",
        rule="KNB-1",
        value=value,
    )


def departmental_role(uow: UnitOfWork, member_id: str) -> tuple[Role, bool]:
    """KNB-2 (CHA-3, CHA-5): the member's role in the departmental space, and whether its
    contributions are open. A member without access there is refused."""
    spaces = [s for s in uow.spaces.list() if s.kind is SpaceKind.DEPARTMENTAL]
    if not spaces:
        raise RuleViolation(
            "aucun espace départemental : la boîte à outils y est publiée", rule="KNB-2", value=None
        )
    space = spaces[0]
    staff = uow.cdg_staff.find(member_id)
    if staff is not None and staff.administrator:
        return Role.ADMINISTRATOR, not space.read_only
    roles = [
        g.role for g in uow.grants.list({"member_id": member_id, "space_id": space.id}) if g.active
    ]
    if not roles:
        raise RuleViolation(
            f"{member_id} n'a pas accès à l'espace départemental « {space.name} »",
            rule="KNB-2",
            value=member_id,
        )
    return min(roles, key=_RANK.__getitem__), not space.read_only


class ToolboxService:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Options (settings.plugin("toolbox")).

    @property
    def max_bytes(self) -> int:
        return int(
            self.deps.settings.plugin("toolbox").get("max_attachment_bytes", DEFAULT_MAX_BYTES)
        )

    @property
    def allowed_types(self) -> tuple[str, ...]:
        found = self.deps.settings.plugin("toolbox").get("allowed_types", DEFAULT_ALLOWED_TYPES)
        return tuple(found)

    # Writing (one unit of work each).

    def add(
        self,
        kind: ResourceKind | str,
        title: str,
        body: str,
        *,
        themes: Sequence[str],
        author: str,
        software: Sequence[str] = (),
        shared_with_partners: bool = False,
        id: str | None = None,
        attachments: Sequence[tuple[str, bytes]] = (),
    ) -> Resource:
        """KNB-1, KNB-2: a draft, proposed by an animator or (contributions open) a contributor,
        with its attached files (name, content), all written or none."""
        thesaurus = self.deps.hooks.expertise_thesaurus()
        tools = self.deps.hooks.business_software()
        resource = Resource(
            id=id or new_id(),
            version=1,
            kind=parse_kind(kind),
            title=title.strip(),
            body=body,
            themes=tuple(thesaurus.resolve(t) for t in themes),
            author_id=author,
            status=ResourceStatus.DRAFT,
            software=tuple(tools.resolve(s) for s in software),
            shared_with_partners=shared_with_partners,
        )
        with self.deps.transaction() as uow:
            person = find_member(uow, author, rule="KNB-1")
            role, open_ = departmental_role(uow, person.id)
            resource = attrs.evolve(resource, author_id=person.id)
            files = [self._attachment(resource.id, name, content) for name, content in attachments]
            uow.resources.add(rules.propose(resource, role=role, contributions_open=open_))
            uow.resource_attachments.add_all(files)
            return resource

    def publish(
        self, resource_id: str, *, by: str, review_on: dt.date, on: dt.date | None = None
    ) -> Resource:
        """KNB-2, KNB-3: an animator publishes, with a review date to come."""
        with self.deps.transaction() as uow:
            person = find_member(uow, by, rule="KNB-2")
            role, _ = departmental_role(uow, person.id)
            current = self._current(uow, resource_id)
            published = rules.publish(
                current, role=role, on=on or self.deps.today(), review_on=review_on
            )
            return uow.resources.update(published)

    def edit(self, resource_id: str, *, by: str, **changes: Any) -> Resource:
        """KNB-3: a published resource gets a new version (the previous one kept) and its
        followers are told; a draft is edited in place."""
        with self.deps.transaction() as uow:
            person = find_member(uow, by, rule="KNB-3")
            role, open_ = departmental_role(uow, person.id)
            current = self._current(uow, resource_id)
            if current.status is ResourceStatus.PUBLISHED and role not in (
                Role.ANIMATOR,
                Role.ADMINISTRATOR,
            ):
                raise RuleViolation(
                    f"seuls les animateurs modifient une ressource publiée (rôle : {role.value})",
                    rule="KNB-2",
                    value=role.value,
                )
            rules.propose(attrs.evolve(current, status=ResourceStatus.DRAFT), role=role,
                          contributions_open=open_)  # fmt: skip
            if "themes" in changes:
                thesaurus = self.deps.hooks.expertise_thesaurus()
                changes["themes"] = tuple(thesaurus.resolve(t) for t in changes["themes"])
            if "software" in changes:
                tools = self.deps.hooks.business_software()
                changes["software"] = tuple(tools.resolve(s) for s in changes["software"])
            edited = rules.edit(current, **changes)
            if edited.version == current.version:
                return uow.resources.update(edited)
            uow.resources.add(edited)
            self._tell_followers(uow, edited)
            return edited

    def archive(self, resource_id: str, *, by: str) -> Resource:
        with self.deps.transaction() as uow:
            person = find_member(uow, by, rule="KNB-2")
            role, _ = departmental_role(uow, person.id)
            if role not in (Role.ANIMATOR, Role.ADMINISTRATOR):
                raise RuleViolation(
                    f"seuls les animateurs archivent une ressource (rôle : {role.value})",
                    rule="KNB-2",
                    value=role.value,
                )
            return uow.resources.update(rules.archive(self._current(uow, resource_id)))

    def follow(self, resource_id: str, member: str) -> Follower:
        """KNB-3: the member is told of every new version."""
        with self.deps.transaction() as uow:
            person = find_member(uow, member, rule="KNB-3")
            self._current(uow, resource_id)
            existing = uow.resource_followers.list(
                {"resource_id": resource_id, "member_id": person.id}
            )
            if existing:
                return existing[0]
            return uow.resource_followers.add(Follower(new_id(), resource_id, person.id))

    def attach(
        self, resource_id: str, name: str, content: bytes, *, media_type: str | None = None
    ) -> Attachment:
        """KNB-1: a file within the size limit and of an allowed type (settings of ``toolbox``)."""
        attachment = self._attachment(resource_id, name, content, media_type)
        with self.deps.transaction() as uow:
            self._current(uow, resource_id)
            return uow.resource_attachments.add(attachment)

    def _attachment(
        self, resource_id: str, name: str, content: bytes, media_type: str | None = None
    ) -> Attachment:
        kind = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        check_file(name, kind, len(content), max_bytes=self.max_bytes, allowed=self.allowed_types)
        encoded = base64.b64encode(content).decode("ascii")
        return Attachment(
            new_id(), resource_id, name, kind, len(content), encoded, self.deps.today()
        )

    # Reading.

    def software_map(self, *, epci: str | None = None) -> list[SoftwareUse]:
        """KNB-5: see :func:`rsgm_core.services.toolbox_export.software_map`."""
        from rsgm_core.services.toolbox_export import software_map

        return software_map(self.deps, epci=epci)

    def export(self, platform: str, folder: Path) -> dict[str, str]:
        """KNB-2: the published toolbox as the platform imports it, written under ``folder``."""
        from rsgm_core.services.toolbox_export import export_toolbox

        return export_toolbox(self.deps, platform, folder)

    def get(self, resource_id: str, version: int | None = None) -> Resource:
        with self.deps.read() as uow:
            if version is not None:
                found = uow.resources.find((resource_id, version))
                if found is None:
                    raise NotFoundError(
                        f"ressource {resource_id!r} sans version {version}",
                        rule="KNB-3",
                        value=version,
                    )
                return found
            return self._current(uow, resource_id)

    def history(self, resource_id: str) -> list[Resource]:
        """KNB-3: every version, the first first."""
        with self.deps.read() as uow:
            found = uow.resources.list({"id": resource_id})
        if not found:
            raise NotFoundError(
                f"ressource introuvable : {resource_id!r}", rule="KNB-1", value=resource_id
            )
        return sorted(found, key=lambda r: r.version)

    def list(self) -> list[Resource]:
        with self.deps.read() as uow:
            return rules.latest_versions(uow.resources.list())

    def attachments(self, resource_id: str) -> list[Attachment]:
        with self.deps.read() as uow:
            return uow.resource_attachments.list({"resource_id": resource_id})

    @staticmethod
    def content(attachment: Attachment) -> bytes:
        return base64.b64decode(attachment.content)

    def followers(self, resource_id: str) -> list[Follower]:
        with self.deps.read() as uow:
            return uow.resource_followers.list({"resource_id": resource_id})

    def stale(self, today: dt.date | None = None) -> list[Resource]:
        """KNB-3: published resources past their review date."""
        return rules.stale(self.list(), today or self.deps.today())

    def search(
        self,
        words: str = "",
        *,
        kind: ResourceKind | str | None = None,
        theme: str | None = None,
        software: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SearchHit]:
        """KNB-4: the current published versions matching every filter and holding every word,
        most relevant first (see docs/toolbox.md#search); ``limit`` and ``offset`` give one page.
        The words are ranked by the storage (``Repository.search``: FTS5 on SQLite, the same BM25
        in Python elsewhere)."""
        if (limit is not None and limit < 1) or offset < 0:
            raise ValidationError(
                f"page de résultats impossible : limit={limit}, offset={offset}",
                rule="KNB-4",
                value=limit if limit is not None and limit < 1 else offset,
            )
        chosen = parse_kind(kind) if kind is not None else None
        where: dict[str, Any] = {"status": ResourceStatus.PUBLISHED}
        if chosen is not None:
            where["kind"] = chosen
        with self.deps.read() as uow:
            if rules.query_tokens(words):
                scored = uow.resources.search(words, where)
            else:
                current = rules.latest_versions(uow.resources.list())
                scored = [(r, 0.0) for r in rules.by_title(current)]
        found = rules.hits(scored, kind=chosen, theme=theme, software=software)
        return found[offset : None if limit is None else offset + limit]

    # Helpers.

    def _current(self, uow: UnitOfWork, resource_id: str) -> Resource:
        found = uow.resources.list({"id": resource_id})
        if not found:
            raise NotFoundError(
                f"ressource introuvable : {resource_id!r}", rule="KNB-1", value=resource_id
            )
        return max(found, key=lambda r: r.version)

    def _tell_followers(self, uow: UnitOfWork, resource: Resource) -> None:
        ids = [f.member_id for f in uow.resource_followers.list({"resource_id": resource.id})]
        for member in uow.members.list({"id": ids}) if ids else []:
            if not member.email:
                continue
            queue_message(
                self.deps,
                uow,
                "toolbox_new_version",
                member.email,
                {
                    "member": {"first_name": member.first_name, "last_name": member.last_name},
                    "resource": {
                        "title": resource.title,
                        "kind": resource.kind.value,
                        "version": resource.version,
                        "edited_on": format_date(self.deps.today()),
                    },
                },
            )
