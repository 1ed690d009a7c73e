"""Networks and committees across the departments of a CDG (NET-1, NET-2, TER-7): which
department a network or committee serves, read from storage for :class:`NetworkService`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rsgm_core.domain.governance import (
    CommitteeKind,
    Network,
    NetworkKind,
    check_committee_departement,
    check_in_territory,
    home_departement,
)
from rsgm_core.domain.territory import CommuneStatus
from rsgm_core.errors import RuleViolation
from rsgm_core.services.census import territory_of

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = [
    "check_departement_filter",
    "committee_departement",
    "departement_names",
    "departmental_of",
    "epci_departement",
    "parent_network",
]


def departement_names(uow: UnitOfWork) -> dict[str, str]:
    """Code → name of the departments imported."""
    return {d.code: d.name for d in uow.departements.list()}


def departmental_of(uow: UnitOfWork, departement: str | None) -> Network | None:
    """NET-1: the departmental network of ``departement`` (when the CDG keeps one per
    department), else the CDG's one; ``None`` if not created yet."""
    found = uow.networks.list({"kind": NetworkKind.DEPARTMENTAL})
    if departement is not None:
        mine = [n for n in found if n.departement == departement]
        if mine or len(found) > 1:
            return mine[0] if mine else None
    return found[0] if len(found) == 1 else None


def epci_departement(deps: Deps, uow: UnitOfWork, epci: str) -> str | None:
    """TER-7: the department of the CDG an EPCI belongs to (most of its communes there)."""
    communes = uow.communes.list({"epci": epci, "status": CommuneStatus.ACTUELLE})
    return home_departement((c.departement for c in communes), territory_of(deps, uow))


def parent_network(deps: Deps, uow: UnitOfWork, epci: str, epci_name: str) -> Network:
    """NET-1: the departmental network a community network of ``epci`` sits in: its
    department's when the CDG keeps one per department, else the CDG's; refused when missing."""
    departement = epci_departement(deps, uow, epci)
    departmentals = uow.networks.list({"kind": NetworkKind.DEPARTMENTAL})
    if deps.settings.policies.per_departement:
        found = [n for n in departmentals if n.departement == departement]
        if not found:
            names = departement_names(uow)
            where = f"{departement} ({names[departement]})" if departement in names else "?"
            raise RuleViolation(  # needs storage: the departmental networks already created
                f"créez d'abord le réseau départemental du {where} : le réseau communautaire "
                f"de {epci_name} s'inscrit dans celui de son département",
                rule="NET-1",
                value=epci,
            )
        return found[0]
    if not departmentals:
        raise RuleViolation(  # needs storage: whether the departmental network exists
            "créez d'abord le réseau départemental : un réseau communautaire s'inscrit "
            "dans celui-ci",
            rule="NET-1",
            value=epci,
        )
    return departmentals[0]


def committee_departement(
    deps: Deps, uow: UnitOfWork, kind: CommitteeKind, departement: str | None
) -> str:
    """NET-2, TER-7: the key's department of a committee (``""``: the CDG's)."""
    return check_committee_departement(
        kind,
        departement,
        per_departement=deps.settings.policies.per_departement,
        territory=territory_of(deps, uow),
    )


def check_departement_filter(deps: Deps, uow: UnitOfWork, departement: str) -> str:
    """A ``departement=`` filter names a department of the CDG (TER-7)."""
    return check_in_territory(departement, territory_of(deps, uow))
