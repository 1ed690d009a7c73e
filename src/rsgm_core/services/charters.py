"""The platform's usage charter, as ``app.charters``: versions, signatures, a commune's status
(CHA-1, CHA-8). The rules are in :mod:`rsgm_core.domain.charters`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rsgm_core.domain.charters import (
    Capacity,
    CharterStatus,
    CharterVersion,
    Signature,
    SpaceKind,
    check_signature,
    current_version,
    next_version,
)
from rsgm_core.render.formatting import format_date
from rsgm_core.services.access_facts import _charter_status, _population_of, parse_enum
from rsgm_core.services.access_revocation import _users
from rsgm_core.services.members import new_id
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["CharterService"]


class CharterService:
    """``app.charters``: publish a version of the charter, record signatures, tell what a
    commune still has to sign."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def publish(self, title: str, text: str, *, on: dt.date | None = None) -> CharterVersion:
        """CHA-8: a new version, in force from ``on`` (default today); every user with an
        account is told. Signatures of earlier versions stay on record."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            version = uow.charter_versions.add(
                next_version(uow.charter_versions.list(), title, text, on=day)
            )
            shown = {
                "version": version.version,
                "title": version.title,
                "published_on": format_date(day),
            }
            for member in _users(uow):
                queue_message(
                    self.deps,
                    uow,
                    "charter_new_version",
                    member.email or "",
                    {"member": member, "version": shown},
                )
        return version

    def list_versions(self) -> list[CharterVersion]:
        """Every published version, oldest first."""
        with self.deps.read() as uow:
            return sorted(uow.charter_versions.list(), key=lambda v: v.version)

    def sign(
        self,
        commune: str,
        signer: str,
        capacity: Capacity | str,
        *,
        space: SpaceKind | str = SpaceKind.DEPARTMENTAL,
        version: int | None = None,
        on: dt.date | None = None,
    ) -> Signature:
        """CHA-1: one signature for ``commune`` (default: of the version in force); refused on a
        superseded version (CHA-8) or by a capacity that does not sign for that commune and
        space."""
        day = self.deps.on(on)
        cap = parse_enum(Capacity, capacity, "qualité de signataire", "CHA-1")
        kind = parse_enum(SpaceKind, space, "type d'espace", "CHA-3")
        with self.deps.transaction() as uow:
            uow.communes.get(commune)
            versions = uow.charter_versions.list()
            number = version if version is not None else current_version(versions).version
            signature = Signature(new_id(), commune, number, signer.strip(), cap, day, kind)
            check_signature(
                signature, versions=versions, population=_population_of(uow, commune, day.year)
            )
            return uow.signatures.add(signature)

    def status(self, commune: str, *, on: dt.date | None = None) -> CharterStatus:
        """CHA-1: the version in force, what ``commune`` signed and what is missing per kind of
        space, with the population of ``on``'s year."""
        with self.deps.read() as uow:
            return _charter_status(uow, commune, self.deps.on(on))
