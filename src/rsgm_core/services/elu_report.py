"""The annual report's section on the élus (MEM-12, EVT-2): the mandates in office, who was
written to during the period (launch letters, information of the mayors, feedback after events),
by e-mail or by post, and the steering committee's seats held by élus (NET-3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rsgm_core.domain.elus import EluRole, LetterChannel, LetterKind, in_office
from rsgm_core.domain.governance import CommitteeKind
from rsgm_core.domain.report_sections import ReportPart, ReportSection, ReportTable

if TYPE_CHECKING:
    from rsgm_core.domain.indicators import Period, Scope
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["elus_section"]


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count < 2 else many}"


def elus_section(deps: Deps, uow: UnitOfWork, period: Period, scope: Scope) -> ReportSection | None:
    """MEM-12: the élus' section, or ``None`` for a CDG that records no élu."""
    elus = uow.elus.list()
    if not elus:
        return None
    communes = {c.code: c for c in uow.communes.list()} if scope.kind != "cdg" else {}

    def inside(commune: str | None, epci: str | None) -> bool:
        if scope.kind == "cdg":
            return True
        if scope.kind == "epci":
            return epci == scope.code or (
                commune in communes and communes[commune].epci == scope.code
            )
        return commune in communes and communes[commune].departement == scope.code

    mine = {e.id: e for e in elus if e.role is EluRole.CDG_BOARD or inside(e.commune, e.epci)}
    current = in_office(mine.values(), on=period.end)
    mayors = sum(1 for e in current if e.role is EluRole.MAYOR)
    presidents = sum(1 for e in current if e.role is EluRole.EPCI_PRESIDENT)
    letters = [
        x for x in uow.elu_letters.list() if x.elu_id in mine and period.start <= x.on <= period.end
    ]
    rows = []
    for kind in LetterKind:
        sent = [x for x in letters if x.kind is kind]
        if not sent:
            continue
        mail = sum(1 for x in sent if x.channel is LetterChannel.EMAIL)
        events = len({x.event_id for x in sent if x.event_id})
        rows.append((kind.value, str(len({x.elu_id for x in sent})), str(len(sent)), str(mail),
                     str(len(sent) - mail), str(events) if events else ""))  # fmt: skip
    seats = [
        s
        for c in uow.committees.list({"kind": CommitteeKind.STEERING})
        for s in c.seats
        if s.holder in mine
    ]
    heads = _count(presidents, "président d'EPCI", "présidents d'EPCI")
    lines = [
        f"{_count(len(current), 'élu en fonction', 'élus en fonction')} à la fin de la période, dont "
        f"{_count(mayors, 'maire', 'maires')} et {heads}.",
        f"Comité de pilotage : {_count(len(seats), 'siège tenu', 'sièges tenus')} par des élus enregistrés.",
    ]
    table = ReportTable(
        ("courrier", "élus destinataires", "envois", "par courriel", "par la poste", "événements"),
        rows,
        numeric_from=1,
    )
    return ReportSection(
        ReportPart.ACTIONS, "Information des élus", lines, table,
        empty="Aucun courrier aux élus cette année.",
    )  # fmt: skip
