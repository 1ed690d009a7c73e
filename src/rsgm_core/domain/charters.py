"""The platform's usage charter: versions and signatures (CHA-1, CHA-8).

Access to the collaboration platform requires the *current* charter signed, for a commune, by the
mayor (or a representative) and by the SGM — the DGS for a commune of 3,500 or more; access to a
community space also needs the EPCI president and the community referent (or the DGS). Every
signature records its signer, capacity, date and the version signed, and stays on record when a
new version is published.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence

import attrs

from rsgm_core.domain.territory import SGM_THRESHOLD
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "Capacity",
    "CharterVersion",
    "Signature",
    "SpaceKind",
    "check_signature",
    "current_version",
    "missing_signatures",
    "required_capacities",
]


class SpaceKind(enum.Enum):
    DEPARTMENTAL = "départemental"
    COMMUNITY = "communautaire"


class Capacity(enum.Enum):
    MAYOR = "maire"
    MAYOR_REPRESENTATIVE = "représentant du maire"
    SGM = "secrétaire général de mairie"
    DGS = "directeur général des services"
    EPCI_PRESIDENT = "président de l'EPCI"
    COMMUNITY_REFERENT = "référent communautaire"


@attrs.frozen
class CharterVersion:
    version: int = attrs.field(validator=attrs.validators.ge(1))
    published_on: dt.date
    title: str
    text: str


@attrs.frozen
class Signature:
    id: str
    commune: str
    version: int
    signer: str
    capacity: Capacity
    signed_on: dt.date
    space: SpaceKind = SpaceKind.DEPARTMENTAL


def current_version(versions: Iterable[CharterVersion]) -> CharterVersion:
    found = max(versions, key=lambda v: v.version, default=None)
    if found is None:
        raise RuleViolation("aucune charte d'utilisation publiée", rule="CHA-1")
    return found


def required_capacities(space: SpaceKind, population: int) -> tuple[frozenset[Capacity], ...]:
    """CHA-1: the groups of capacities a commune's signatures must cover, one signature per group."""
    large = population >= SGM_THRESHOLD  # TER-3: the DGS signs for a commune of 3,500 or more
    groups = [
        frozenset({Capacity.MAYOR, Capacity.MAYOR_REPRESENTATIVE}),
        frozenset({Capacity.DGS} if large else {Capacity.SGM}),
    ]
    if space is SpaceKind.COMMUNITY:
        groups += [
            frozenset({Capacity.EPCI_PRESIDENT}),
            frozenset({Capacity.COMMUNITY_REFERENT, Capacity.DGS}),
        ]
    return tuple(groups)


def check_signature(
    signature: Signature, *, versions: Sequence[CharterVersion], population: int
) -> Signature:
    """Refuse a signature on a superseded version (CHA-8) or by someone without the capacity to
    sign for that commune and space (CHA-1)."""
    if not signature.signer.strip():
        raise ValidationError("signataire sans nom", rule="CHA-1", value=signature.signer)
    current = current_version(versions)
    if signature.version != current.version:
        raise RuleViolation(
            f"la version {signature.version} de la charte n'est plus en vigueur : signez la "
            f"version {current.version} du {current.published_on.isoformat()}",
            rule="CHA-8",
            value=signature.version,
        )
    if signature.signed_on < current.published_on:
        raise ValidationError(
            f"signature du {signature.signed_on.isoformat()} antérieure à la publication de la "
            f"version {current.version}",
            rule="CHA-8",
            value=signature.signed_on,
        )
    allowed = frozenset().union(*required_capacities(signature.space, population))
    if signature.capacity not in allowed:
        size = (
            "de 3 500 habitants ou plus"
            if population >= SGM_THRESHOLD
            else "de moins de 3 500 habitants"
        )
        raise RuleViolation(
            f"« {signature.capacity.value} » ne signe pas la charte de l'espace "
            f"{signature.space.value} pour une commune {size}",
            rule="CHA-1",
            value=signature.capacity.value,
        )
    return signature


def missing_signatures(
    signatures: Iterable[Signature],
    *,
    commune: str,
    space: SpaceKind,
    population: int,
    version: int,
) -> list[frozenset[Capacity]]:
    """CHA-1: the capacity groups still unsigned on the current ``version`` for ``commune``.

    A community space needs the departmental signatures too: they are the same two people, the
    mayor and the SGM, and one signature of the current version covers both spaces."""
    signed = {
        s.capacity
        for s in signatures
        if s.commune == commune
        and s.version == version
        and (s.space is space or s.space is SpaceKind.DEPARTMENTAL)
    }
    return [group for group in required_capacities(space, population) if not group & signed]
