"""Existing local networks (NET-7): the networks run by an EPCI or others before or beside the
CDG's (the CIG is "fédérateur des réseaux existants ou à naître"; CDG 79's network "vient en appui
aux réseaux existants … propose l'animation des territoires qui en sont dépourvus"), and the EPCIs
of the territory without any network, which the CDG animates itself.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable, Mapping

import attrs

from rsgm_core.domain.territory import Commune, Epci
from rsgm_core.errors import ValidationError

__all__ = [
    "EpciNetworks",
    "LocalNetwork",
    "LocalNetworkRelation",
    "check_local_network",
    "epci_networks",
]


class LocalNetworkRelation(enum.Enum):
    """NET-7: how the CDG stands with a local network."""

    SUPPORTED = "soutenu"  # it runs on its own; the CDG supports it
    FEDERATED = "federe"  # it keeps its animation inside the CDG's network
    MERGED = "fusionne"  # it merged into the CDG's network

    @property
    def label(self) -> str:
        return {"soutenu": "soutenu", "federe": "fédéré", "fusionne": "fusionné"}[self.value]


@attrs.frozen
class LocalNetwork:
    """NET-7: a local network, its ``carrier`` (who runs it: an EPCI, an association …; ``epci``,
    the carrying EPCI's SIREN if it is one), its referent (a member, ``referent_id``, or a free
    contact: ``referent_name`` and ``referent_contact``), the communes it covers (INSEE codes) and
    its relation with the CDG. ``recorded_on``/``recorded_by``: when and by whom (CHA-2)."""

    id: str
    name: str
    carrier: str
    relation: LocalNetworkRelation
    communes: tuple[str, ...] = ()
    epci: str | None = None
    referent_id: str | None = None
    referent_name: str | None = None
    referent_contact: str | None = None
    since: dt.date | None = None  # when it started, if known
    recorded_on: dt.date | None = None
    recorded_by: str | None = None


def relation_of(value: LocalNetworkRelation | str) -> LocalNetworkRelation:
    """NET-7: the relation, from its value or its French label (« fédéré »)."""
    if isinstance(value, LocalNetworkRelation):
        return value
    text = str(value).strip().lower()
    for relation in LocalNetworkRelation:
        if text in (relation.value, relation.label):
            return relation
    raise ValidationError(
        f"relation avec le CDG inconnue : {value!r} (au choix : soutenu, fédéré, fusionné)",
        rule="NET-7",
        value=value,
    )


def check_local_network(name: str, carrier: str, communes: Collection[str]) -> None:
    """NET-7: a local network has a name, a carrier and covers at least one commune."""
    if not name.strip():
        raise ValidationError("un réseau local a un nom", rule="NET-7", value=name)
    if not carrier.strip():
        raise ValidationError(
            f"le réseau local « {name.strip()} » n'a pas de porteur : nommez qui l'anime (un "
            "EPCI, une association…)",
            rule="NET-7",
            value=carrier,
        )
    if not communes:
        raise ValidationError(
            f"le réseau local « {name.strip()} » ne couvre aucune commune : donnez ses communes "
            "ou l'EPCI qui le porte",
            rule="NET-7",
            value=name,
        )


@attrs.frozen
class EpciNetworks:
    """NET-7 for one EPCI of the territory: its communes, those covered by a local network, the
    local networks there, and whether the CDG runs a community network there (NET-1). ``none``:
    no network at all (the CDG animates it, `004` Art. 1.1)."""

    epci: str
    name: str
    communes: int
    covered: int
    local_networks: tuple[str, ...]
    community_network: bool

    @property
    def none(self) -> bool:
        return not self.local_networks and not self.community_network


def epci_networks(
    epcis: Iterable[Epci],
    communes: Iterable[Commune],
    networks: Iterable[LocalNetwork],
    community_epcis: Collection[str] = (),
) -> list[EpciNetworks]:
    """NET-7: each EPCI having communes in ``communes`` (the territory), by name, with the local
    networks covering some of them; ``community_epcis``: the EPCIs with a community network of
    the CDG (NET-1)."""
    by_epci: dict[str, set[str]] = {}
    for commune in communes:
        if commune.epci:
            by_epci.setdefault(commune.epci, set()).add(commune.code)
    names: Mapping[str, str] = {e.siren: e.name for e in epcis}
    found = []
    for siren, codes in by_epci.items():
        covering = sorted(n.name for n in networks if codes & set(n.communes) or n.epci == siren)
        covered = codes & {c for n in networks for c in n.communes}
        found.append(
            EpciNetworks(
                siren,
                names.get(siren, siren),
                len(codes),
                len(covered),
                tuple(covering),
                siren in community_epcis,
            )
        )
    return sorted(found, key=lambda e: (e.name, e.epci))
