"""Existing local networks (NET-7, ``app.local_networks``): recorded with their carrier, referent,
communes and relation with the CDG; the EPCIs of the territory without any network listed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.governance import NetworkKind
from rsgm_core.domain.local_networks import (
    EpciNetworks,
    LocalNetwork,
    LocalNetworkRelation,
    check_local_network,
    epci_networks,
    relation_of,
)
from rsgm_core.domain.report_sections import ReportPart, ReportSection, ReportTable
from rsgm_core.domain.rgpd import check_editable
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.render.french import plural
from rsgm_core.services.authorization import authorize
from rsgm_core.services.census import territory_of
from rsgm_core.services.places import territory_places

if TYPE_CHECKING:
    from rsgm_core.domain.indicators import Period, Scope
    from rsgm_core.domain.territory import Commune
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = [
    "LocalNetworkService",
    "local_network_coverage",
    "local_network_section",
    "local_networks_by_epci",
]


_PLURAL_LABELS = {
    LocalNetworkRelation.SUPPORTED: "soutenus",
    LocalNetworkRelation.FEDERATED: "fédérés",
    LocalNetworkRelation.MERGED: "fusionnés",
}


class LocalNetworkService:
    """``app.local_networks``: the networks the CDG supports, federates or merged (NET-7)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def add(
        self,
        name: str,
        carrier: str,
        relation: LocalNetworkRelation | str,
        *,
        by: str,
        communes: Iterable[str] = (),
        epci: str | None = None,
        referent_id: str | None = None,
        referent_name: str | None = None,
        referent_contact: str | None = None,
        started_on: dt.date | None = None,
    ) -> LocalNetwork:
        """NET-7: record a local network. ``communes`` (INSEE codes) and ``epci`` (the carrying
        EPCI's SIREN: its communes are covered when no commune is given) must be known to the
        census; the referent is a member (``referent_id``) or a free contact (``referent_name``,
        ``referent_contact``); ``relation``: soutenu, fédéré or fusionné; ``started_on``: when it started, if known."""
        wanted = relation_of(relation)
        codes = tuple(dict.fromkeys(c.strip() for c in communes if c.strip()))
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            if epci is not None and uow.epcis.find(epci.strip()) is None:
                raise NotFoundError(  # needs storage: the census imported
                    f"EPCI inconnu : {epci!r} (un SIREN d'EPCI du recensement importé) ; le "
                    "réseau local n'a pas été enregistré",
                    rule="NET-7",
                    value=epci,
                )
            for code in codes:
                if uow.communes.find(code) is None:
                    raise NotFoundError(  # needs storage: the census imported
                        f"commune inconnue : {code!r} (un code INSEE du recensement importé) ; "
                        "le réseau local n'a pas été enregistré",
                        rule="NET-7",
                        value=code,
                    )
            if not codes and epci is not None:
                codes = tuple(sorted(c.code for c in uow.communes.list({"epci": epci.strip()})))
            check_local_network(name, carrier, codes)
            if referent_id is not None:
                check_editable(uow.members.get(referent_id), "ce réseau local")
                if referent_name or referent_contact:
                    raise ValidationError(
                        "le référent est un membre ou un contact libre, pas les deux",
                        rule="NET-7",
                        value=referent_id,
                    )
            from rsgm_core.services.members import new_id  # not for the census report (start-up)

            return uow.local_networks.add(
                LocalNetwork(
                    new_id(),
                    name.strip(),
                    carrier.strip(),
                    wanted,
                    codes,
                    epci=epci.strip() if epci else None,
                    referent_id=referent_id,
                    referent_name=(referent_name or "").strip() or None,
                    referent_contact=(referent_contact or "").strip() or None,
                    since=started_on,
                    recorded_on=self.deps.today(),
                    recorded_by=actor.id,
                )
            )

    def list_local_networks(self, *, epci: str | None = None) -> list[LocalNetwork]:
        """NET-7: the local networks recorded, by name; ``epci`` keeps those carried by or
        covering a commune of that EPCI."""
        with self.deps.read() as uow:
            found = uow.local_networks.list()
            if epci is not None:
                codes = {c.code for c in uow.communes.list({"epci": epci})}
                found = [n for n in found if n.epci == epci or codes & set(n.communes)]
        return sorted(found, key=lambda n: (n.name, n.id))

    def list_epcis(self, *, without_network: bool = False) -> list[EpciNetworks]:
        """NET-7: each EPCI of the territory with its local networks and the CDG's community
        network; ``without_network`` keeps the EPCIs without any, which the CDG animates."""
        with self.deps.read() as uow:
            found = local_network_coverage(self.deps, uow)
        return [e for e in found if e.none] if without_network else found


def local_network_coverage(deps: Deps, uow: UnitOfWork) -> list[EpciNetworks]:
    """NET-7 inside the caller's unit of work (the census report and the annual report use it):
    the EPCIs of the territory with the networks there, by name."""
    # the columns NET-7 reads (code, department, EPCI), not whole records: the communes the
    # indicators read, read once in the annual report's unit of work
    communes = cast("list[Commune]", territory_places(uow, territory_of(deps, uow)))
    sirens = sorted({c.epci for c in communes if c.epci})
    community = {n.epci for n in uow.networks.list() if n.kind is NetworkKind.COMMUNITY and n.epci}
    epcis = uow.epcis.list({"siren": sirens}) if sirens else []
    return epci_networks(epcis, communes, uow.local_networks.list(), community)


def local_network_section(
    deps: Deps, uow: UnitOfWork, period: Period, scope: Scope
) -> ReportSection | None:
    """IND-2, NET-7: the annual report's « Réseaux locaux existants »: the local networks known
    at the end of ``period`` with their carrier and relation with the CDG, and the EPCIs
    without any network, which the CDG animates (`004` Art. 1.1)."""
    epcis = local_network_coverage(deps, uow)
    if scope.kind == "epci":
        epcis = [e for e in epcis if e.epci == scope.code]
    elif scope.kind == "departement":
        inside = {c.epci for c in uow.communes.list({"departement": scope.code}) if c.epci}
        epcis = [e for e in epcis if e.epci in inside]
    kept = {e.epci for e in epcis}
    networks = [
        n for n in uow.local_networks.list()
        if (n.since or n.recorded_on or period.end) <= period.end
        and (scope.kind == "cdg" or n.epci in kept or _epcis_of(uow, n) & kept)
    ]  # fmt: skip
    counts = {r: sum(1 for n in networks if n.relation is r) for r in LocalNetworkRelation}
    lines = []
    if networks:
        lines.append(
            f"{plural(len(networks), 'réseau local existant', 'réseaux locaux existants')} : "
            + ", ".join(plural(counts[r], r.label, _PLURAL_LABELS[r]) for r in LocalNetworkRelation)
        )
    bare = [e for e in epcis if e.none]
    if epcis:
        animated = "animé par le CDG" if len(bare) < 2 else "animés par le CDG"
        lines.append(
            f"{plural(len(bare), 'EPCI', 'EPCI')} sur {len(epcis)} sans aucun réseau, {animated}"
            + (" : " + ", ".join(e.name for e in bare) if bare else "")
        )
    rows = [
        (n.name, n.carrier, n.relation.label, str(len(n.communes)))
        for n in sorted(networks, key=lambda n: n.name)
    ]
    table = ReportTable(
        ("Réseau", "Porteur", "Relation avec le CDG", "Communes"), rows, numeric_from=3
    )
    return ReportSection(
        ReportPart.DESCRIPTION, "Réseaux locaux existants", lines=lines,
        table=table if rows else None, empty="Aucun réseau local enregistré.",
    )  # fmt: skip


def _epcis_of(uow: UnitOfWork, network: LocalNetwork) -> set[str]:
    codes = list(network.communes)
    return {c.epci for c in uow.communes.list({"code": codes}) if c.epci} if codes else set()


def local_networks_by_epci(deps: Deps, period: Period) -> dict[str, tuple[str, ...]]:
    """NET-7 for the coverage indicator: each EPCI's local networks known at the end of
    ``period``, by name."""
    with deps.read() as uow:
        networks = [
            n for n in uow.local_networks.list()
            if (n.since or n.recorded_on or period.end) <= period.end
        ]  # fmt: skip
        found: dict[str, set[str]] = {}
        for network in networks:
            for epci in _epcis_of(uow, network) | ({network.epci} if network.epci else set()):
                found.setdefault(epci, set()).add(network.name)
    return {k: tuple(sorted(v)) for k, v in found.items()}
