"""The toolbox's stored companions (KNB-1, KNB-3): attached files and followers of a resource."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import attrs

from rsgm_core.errors import ValidationError

__all__ = [
    "DEFAULT_ALLOWED_TYPES",
    "DEFAULT_MAX_BYTES",
    "Attachment",
    "Follower",
    "ResourceAttachment",
    "check_file",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_ALLOWED_TYPES = (
    "application/pdf",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
    "text/csv",
    "image/png",
    "image/jpeg",
)


@attrs.frozen
class ResourceAttachment:
    """A file attached to a resource (KNB-1); ``content`` is the file in base64. Named apart from
    a message's :class:`rsgm_core.domain.messages.Attachment`, so both are importable from
    ``rsgm_core``."""

    id: str
    resource_id: str
    name: str
    media_type: str
    size: int
    content: str
    added_on: dt.date


#: The name before 0.2, still used by the storage registry.
Attachment = ResourceAttachment


@attrs.frozen
class Follower:
    """A member told of every new version of a resource (KNB-3)."""

    id: str
    resource_id: str
    member_id: str


def check_file(
    name: str, media_type: str, size: int, *, max_bytes: int, allowed: Collection[str]
) -> None:
    """KNB-1: an attachment within the size limit and of an allowed type, or a clear error."""
    if media_type not in allowed:
        raise ValidationError(
            f"type de fichier non autorisé pour « {name} » : {media_type} "
            f"(types autorisés : {', '.join(sorted(allowed))})",
            rule="KNB-1",
            value=media_type,
        )
    if size > max_bytes:
        raise ValidationError(
            f"fichier « {name} » trop volumineux : {size} octets (limite : {max_bytes} octets)",
            rule="KNB-1",
            value=size,
        )
