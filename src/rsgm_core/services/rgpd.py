"""Personal data (MEM-11): ``app.rgpd``: right of access, erasure, retention purge."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core._compat import deprecated_aliases
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.governance import Seat
from rsgm_core.domain.rgpd import ANONYMOUS, DEFAULT_RETENTION_DAYS, anonymise, past_retention
from rsgm_core.render.exports import to_json
from rsgm_core.serialization import unstructure
from rsgm_core.services.authorization import authorize

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

#: Collections holding records about one member, and the field naming them.
PERSONAL = (
    ("positions", "member_id"),
    ("directory_facts", "member_id"),
    ("consents", "member_id"),
    ("onboarding_items", "member_id"),
    ("network_roles", "member_id"),
    ("attendance", "member_id"),
    # Events (EVT-4, EVT-9): registrations stay on erasure so rates stay right; a free-text
    # comment in a survey answer may name people, so it is blanked.
    ("registrations", "member_id"),
    ("survey_answers", "member_id"),
    # Platform access (CHA-1..CHA-9): kept on erasure as evidence, the person anonymised.
    ("grants", "member_id"),
    ("cdg_staff", "member_id"),
    ("agreements", "member_id"),
    ("abuse_reports", "member_id"),
    ("sanctions", "member_id"),
    ("employer_notices", "member_id"),
)


__all__ = ["PERSONAL", "RgpdService"]


class RgpdService:
    """``app.rgpd``: the right of access, erasure and the retention purge (MEM-11)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def retention_days(self) -> int:
        """``Settings(plugins={"rgpd": {"retention_days": 1095}})``; three years by default."""
        return int(self.deps.settings.plugin("rgpd").get("retention_days", DEFAULT_RETENTION_DAYS))

    def export_personal_data(self, member_id: str, *, by: str) -> dict[str, Any]:
        """MEM-11, right of access: everything held on one person, as plain JSON values; ``by``:
        a CDG administrator (CHA-2)."""
        with self.deps.read() as uow:
            authorize(uow, by, Operation.EXPORT_PERSONAL_DATA, on=self.deps.today())
            member = uow.members.get(member_id)
            held: dict[str, Any] = {"membre": unstructure(member)}
            for name, field in PERSONAL:
                held[name] = unstructure(uow.repository(name).list({field: member_id}))
            held["reseaux_animes"] = [
                unstructure(n) for n in uow.networks.list({"referent_id": member_id})
            ]
            held["comites"] = [
                {"comite": c.kind.value, "siege": unstructure(s)}
                for c in uow.committees.list()
                for s in c.seats
                if s.holder == member_id
            ]
            held["messages"] = [
                unstructure(m)
                for m in uow.outbox.list()
                if member.email and m.recipient == member.email
            ]
        held["exporte_le"] = self.deps.today().isoformat()
        return held

    def export_personal_data_json(self, member_id: str, *, by: str) -> str:
        """:meth:`export_personal_data` as JSON text."""
        return to_json(self.export_personal_data(member_id, by=by))

    def erase(self, member_id: str, *, by: str) -> None:
        """MEM-11: anonymise the person everywhere; their records stay, so counts and rates do.
        ``by``: a CDG administrator (CHA-2)."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.ERASE, on=self.deps.today())
            _erase(uow, member_id, self.deps.today())

    def purge(
        self, *, by: str, on: dt.date | None = None, retention_days: int | None = None
    ) -> list[str]:
        """MEM-11: erase every departed member past the retention period; their ids. ``by``: a
        CDG administrator (CHA-2)."""
        day = self.deps.on(on)
        keep = self.retention_days if retention_days is None else retention_days
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.ERASE, on=self.deps.today())
            due = past_retention(uow.members.list(), on=day, retention_days=keep)
            for member in due:
                _erase(uow, member.id, day)
        return [m.id for m in due]

    if TYPE_CHECKING:  # the former names, attached below at run time: typed for a caller's checker

        @typed_deprecated("use app.rgpd.export_personal_data()")
        def export(self, member_id: str, *, by: str) -> dict[str, Any]: ...
        @typed_deprecated("use app.rgpd.export_personal_data_json()")
        def export_json(self, member_id: str, *, by: str) -> str: ...


deprecated_aliases(
    RgpdService, export="export_personal_data", export_json="export_personal_data_json"
)


def _erase(uow: UnitOfWork, member_id: str, day: dt.date) -> None:
    """MEM-11: anonymise one person inside the caller's unit of work."""
    member = uow.members.get(member_id)
    uow.members.update(anonymise(member, on=day))
    for name in ("directory_facts", "consents"):
        repo = uow.repository(name)
        for record in repo.list({"member_id": member_id}):
            repo.remove(record.id)
    uow.survey_answers.update_all(
        attrs.evolve(a, comment="")
        for a in uow.survey_answers.list({"member_id": member_id})
        if a.comment
    )
    for committee in uow.committees.list():
        seats = tuple(
            Seat(s.kind, " ".join(ANONYMOUS), s.epci) if s.holder == member_id else s
            for s in committee.seats
        )
        if seats != committee.seats:
            uow.committees.update(attrs.evolve(committee, seats=seats))
    if member.email:  # messages stay counted, their content and address go
        uow.outbox.update_all(
            attrs.evolve(
                m,
                recipient=f"anonyme-{member_id[:8]}@rsgm.invalid",
                subject="(effacé)",
                body_text="(effacé)",
                body_html=None,
                last_error=None,
                attachments=(),
            )
            for m in uow.outbox.list({"recipient": member.email})
        )
