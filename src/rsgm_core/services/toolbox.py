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
import binascii
import datetime as dt
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core._compat import deprecated, deprecated_aliases, keyword_only, renamed_keywords
from rsgm_core.domain import toolbox as rules
from rsgm_core.domain.access import Role
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.bounds import MAX_VERSION, check_count
from rsgm_core.domain.enums import read_enum
from rsgm_core.domain.toolbox import Resource, ResourceKind, ResourceStatus, SearchHit
from rsgm_core.domain.toolbox_records import (
    DEFAULT_ALLOWED_TYPES,
    DEFAULT_MAX_BYTES,
    Follower,
    ResourceAttachment,
    check_file,
)
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.render.formatting import format_date
from rsgm_core.services.access_facts import find_member
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id
from rsgm_core.services.outbox import queue_message
from rsgm_core.services.toolbox_export import (
    SoftwareUse,
    ToolboxExport,
    export_toolbox,
    export_toolbox_files,
    find_attachment,
    software_map,
)

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["ToolboxService", "parse_kind"]


def parse_kind(value: ResourceKind | str) -> ResourceKind:
    """A :class:`ResourceKind` or its value ("fiche pratique"), else a :class:`ValidationError`."""
    return read_enum(ResourceKind, value, "type de ressource inconnu", rule="KNB-1")


def departmental_role(uow: UnitOfWork, member_id: str) -> tuple[Role, bool]:
    """KNB-2 (CHA-3, CHA-5): the member's role in the departmental space and whether its
    contributions are open, from the spaces, staff and grants read in ``uow``
    (:func:`rsgm_core.domain.toolbox.departmental_role` decides)."""
    staff = uow.cdg_staff.find(member_id)
    return rules.departmental_role(
        member_id,
        uow.spaces.list(),
        administrator=staff is not None and staff.administrator,
        grants=uow.grants.list({"member_id": member_id}),
    )


class ToolboxService:
    """``app.toolbox`` (KNB-1..KNB-5): resources and their versions, attachments, followers,
    the stale list, the ranked search, the software map and the export to a platform."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Options (settings.plugin("toolbox")).

    @property
    def max_bytes(self) -> int:
        """The size limit of an attachment (option ``max_attachment_bytes``)."""
        return int(
            self.deps.settings.plugin("toolbox").get("max_attachment_bytes", DEFAULT_MAX_BYTES)
        )

    @property
    def allowed_types(self) -> tuple[str, ...]:
        """The media types an attachment may have (option ``allowed_types``)."""
        found = self.deps.settings.plugin("toolbox").get("allowed_types", DEFAULT_ALLOWED_TYPES)
        return tuple(found)

    # Writing (one unit of work each).

    @renamed_keywords(author="by")
    def add(
        self,
        kind: ResourceKind | str,
        title: str,
        body: str,
        *,
        themes: Sequence[str],
        by: str,
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
            author_id=by,
            status=ResourceStatus.DRAFT,
            software=tuple(tools.resolve(s) for s in software),
            shared_with_partners=shared_with_partners,
        )
        with self.deps.transaction() as uow:
            person = find_member(uow, by, rule="KNB-1")
            role, open_ = departmental_role(uow, person.id)
            resource = attrs.evolve(resource, author_id=person.id)
            files = [self._attachment(resource.id, name, content) for name, content in attachments]
            uow.resources.add(rules.propose(resource, role=role, contributions_open=open_))
            uow.resource_attachments.add_all(files)
            return resource

    def publish(
        self, resource_id: str, *, by: str, review_on: dt.date, on: dt.date | None = None
    ) -> Resource:
        """KNB-2, KNB-3: an animator (CDG staff, CHA-2) publishes, with a review date to come."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.PUBLISH_RESOURCE, on=self.deps.today())  # MEM-6
            current = self._current(uow, resource_id)
            published = rules.publish(current, role=Role.ANIMATOR, on=day, review_on=review_on)
            return uow.resources.update(attrs.evolve(published, published_by=actor.id))

    def edit(
        self,
        resource_id: str,
        *,
        by: str,
        kind: ResourceKind | str | None = None,
        title: str | None = None,
        body: str | None = None,
        themes: Sequence[str] | None = None,
        software: Sequence[str] | None = None,
        shared_with_partners: bool | None = None,
    ) -> Resource:
        """KNB-3: a published resource gets a new version (the previous one kept) and its
        followers are told; a draft is edited in place. A field left ``None`` keeps its value."""
        thesaurus = self.deps.hooks.expertise_thesaurus()
        tools = self.deps.hooks.business_software()
        with self.deps.transaction() as uow:
            person = find_member(uow, by, rule="KNB-3")
            role, open_ = departmental_role(uow, person.id)
            current = self._current(uow, resource_id)
            rules.check_edit(current, role=role, contributions_open=open_)
            edited = rules.edit(
                current,
                kind=parse_kind(kind) if kind is not None else None,
                title=title,
                body=body,
                themes=None if themes is None else [thesaurus.resolve(t) for t in themes],
                software=None if software is None else [tools.resolve(s) for s in software],
                shared_with_partners=shared_with_partners,
            )
            if edited.version == current.version:
                return uow.resources.update(edited)
            uow.resources.add(edited)
            self._tell_followers(uow, edited)
            return edited

    def archive(self, resource_id: str, *, by: str) -> Resource:
        """KNB-2: an animator (CDG staff, CHA-2) archives a resource (it leaves the search and
        the export)."""
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.PUBLISH_RESOURCE, on=self.deps.today())
            current = self._current(uow, resource_id)
            archived = rules.archive(current, role=Role.ANIMATOR)
            return uow.resources.update(attrs.evolve(archived, archived_by=actor.id))

    @renamed_keywords(member="member_id")
    def follow(self, resource_id: str, member_id: str) -> Follower:
        """KNB-3: the member is told of every new version (following twice is following)."""
        with self.deps.transaction() as uow:
            person = find_member(uow, member_id, rule="KNB-3")
            self._current(uow, resource_id)
            existing = uow.resource_followers.list(
                {"resource_id": resource_id, "member_id": person.id}
            )
            if existing:
                return existing[0]
            return uow.resource_followers.add(Follower(new_id(), resource_id, person.id))

    def attach(
        self, resource_id: str, name: str, content: bytes, *, media_type: str | None = None
    ) -> ResourceAttachment:
        """KNB-1: a file within the size limit and of an allowed type (settings of ``toolbox``)."""
        attachment = self._attachment(resource_id, name, content, media_type)
        with self.deps.transaction() as uow:
            self._current(uow, resource_id)
            return uow.resource_attachments.add(attachment)

    def _attachment(
        self, resource_id: str, name: str, content: bytes, media_type: str | None = None
    ) -> ResourceAttachment:
        kind = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        check_file(name, kind, len(content), max_bytes=self.max_bytes, allowed=self.allowed_types)
        encoded = base64.b64encode(content).decode("ascii")
        return ResourceAttachment(
            new_id(), resource_id, name, kind, len(content), encoded, self.deps.today()
        )

    # Reading.

    def software_map(self, *, epci: str | None = None) -> list[SoftwareUse]:
        """KNB-5: see :func:`rsgm_core.services.toolbox_export.software_map`."""
        return software_map(self.deps, epci=epci)

    def export_to_platform(self, platform: str, folder: Path) -> dict[str, str]:
        """KNB-2: the published toolbox as ``platform`` imports it, written under ``folder``
        with its attached files (:meth:`export_files`); the pages written (path -> text)."""
        return export_toolbox(self.deps, platform, folder)

    def export_files(self, platform: str, folder: Path) -> ToolboxExport:
        """KNB-2: as :meth:`export_to_platform`, telling every file written: the pages and the
        attached files themselves (under ``pieces-jointes/``), byte for byte."""
        return export_toolbox_files(self.deps, platform, folder)

    def get(self, resource_id: str, version: int | None = None) -> Resource:
        """The current version of a resource, or ``version`` of it (:class:`NotFoundError`)."""
        if version is not None:  # beyond MAX_VERSION no database stores it (docs/limits.md)
            check_count(version, what="version", rule="KNB-3", minimum=1, maximum=MAX_VERSION)
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

    @keyword_only("resource_id")
    def list_versions(self, *, resource_id: str) -> list[Resource]:
        """KNB-3: every version of a resource, the first first."""
        with self.deps.read() as uow:
            found = uow.resources.list({"id": resource_id})
        if not found:
            raise NotFoundError(
                f"ressource introuvable : {resource_id!r}", rule="KNB-1", value=resource_id
            )
        return sorted(found, key=lambda r: r.version)

    def list_resources(self) -> list[Resource]:
        """The current version of every resource (drafts and archived ones included), in id
        order."""
        with self.deps.read() as uow:
            return rules.latest_versions(uow.resources.list())

    @keyword_only("resource_id")
    def list_attachments(self, *, resource_id: str) -> list[ResourceAttachment]:
        """KNB-1: the files attached to a resource."""
        with self.deps.read() as uow:
            return uow.resource_attachments.list({"resource_id": resource_id})

    def get_attachment(self, ref: str, *, name: str | None = None) -> ResourceAttachment:
        """KNB-1: an attached file by its id (or 8 characters or more of it), or by its
        resource's id when the resource has one file, else ``name`` chooses; an unknown or
        ambiguous reference is refused naming the value (and the files to choose from)."""
        return find_attachment(self.deps, ref, name=name)

    def content(self, attachment: ResourceAttachment | str) -> bytes:
        """KNB-1: the bytes of an attached file: the :class:`ResourceAttachment` of
        :meth:`list_attachments`, or its id (:class:`NotFoundError` if unknown)."""
        if isinstance(attachment, str):
            with self.deps.read() as uow:
                found = uow.resource_attachments.find(attachment)
            if found is None:
                raise NotFoundError(
                    f"pièce jointe introuvable : {attachment!r}", rule="KNB-1", value=attachment
                )
            attachment = found
        try:  # a hand-built attachment whose content is not base64 (KNB-1)
            return base64.b64decode(attachment.content, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise ValidationError(
                f"pièce jointe {attachment.name!r} : contenu illisible (du base64 attendu)",
                rule="KNB-1",
                value=attachment.id,
            ) from None

    @keyword_only("resource_id")
    def list_followers(self, *, resource_id: str) -> list[Follower]:
        """KNB-3: the members told of every new version of a resource."""
        with self.deps.read() as uow:
            return uow.resource_followers.list({"resource_id": resource_id})

    def list_stale_resources(self, *, on: dt.date | None = None) -> list[Resource]:
        """KNB-3: published resources past their review date on ``on`` (today by default), the
        oldest first."""
        return rules.stale(self.list_resources(), on=self.deps.on(on))

    # The former names whose call changed shape, kept one release (0.2.0).

    @deprecated("list_stale_resources(on=…)")
    def stale(self, today: dt.date | None = None, *, on: dt.date | None = None) -> list[Resource]:
        """Deprecated: :meth:`list_stale_resources`."""
        return self.list_stale_resources(on=on or today)

    @deprecated("list_versions(resource_id=…)")
    def history(self, resource_id: str) -> list[Resource]:
        """Deprecated: :meth:`list_versions`."""
        return self.list_versions(resource_id=resource_id)

    @deprecated("list_attachments(resource_id=…)")
    def attachments(self, resource_id: str) -> list[ResourceAttachment]:
        """Deprecated: :meth:`list_attachments`."""
        return self.list_attachments(resource_id=resource_id)

    @deprecated("list_followers(resource_id=…)")
    def followers(self, resource_id: str) -> list[Follower]:
        """Deprecated: :meth:`list_followers`."""
        return self.list_followers(resource_id=resource_id)

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

    @staticmethod
    def _current(uow: UnitOfWork, resource_id: str) -> Resource:
        found = uow.resources.list({"id": resource_id})
        if not found:
            raise NotFoundError(
                f"ressource introuvable : {resource_id!r}", rule="KNB-1", value=resource_id
            )
        return max(found, key=lambda r: r.version)

    def _tell_followers(self, uow: UnitOfWork, resource: Resource) -> None:
        ids = [f.member_id for f in uow.resource_followers.list({"resource_id": resource.id})]
        today = self.deps.today()
        for member in uow.members.list({"id": ids}) if ids else []:
            if not member.email:
                continue  # told by no one else either: the follower list shows them
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
                        "edited_on": format_date(today),
                    },
                },
            )

    # The former names, attached below at run time, typed for a caller's checker; ``list`` comes
    # last, so that no annotation of the class reads it instead of the builtin.
    if TYPE_CHECKING:

        @typed_deprecated("use export_to_platform()")
        def export(self, platform: str, folder: Path) -> dict[str, str]: ...
        @typed_deprecated("use list_resources()")
        def list(self) -> list[Resource]: ...


deprecated_aliases(ToolboxService, list="list_resources", export="export_to_platform")
