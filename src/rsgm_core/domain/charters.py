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
    "CharterStatus",
    "CharterVersion",
    "Signature",
    "SpaceKind",
    "check_signature",
    "current_version",
    "missing_signatures",
    "next_version",
    "required_capacities",
    "status_of",
]


class SpaceKind(enum.Enum):
    """CHA-3: the departmental space (small communes' SGM) or a community space (one EPCI)."""

    DEPARTMENTAL = "départemental"
    COMMUNITY = "communautaire"


class Capacity(enum.Enum):
    """CHA-1: in which capacity a person signs the charter for a commune."""

    MAYOR = "maire"
    MAYOR_REPRESENTATIVE = "représentant du maire"
    SGM = "secrétaire général de mairie"
    DGS = "directeur général des services"
    EPCI_PRESIDENT = "président de l'EPCI"
    COMMUNITY_REFERENT = "référent communautaire"


@attrs.frozen
class CharterVersion:
    """CHA-8: one published version of the charter, numbered from 1; the latest is in force."""

    version: int = attrs.field(validator=attrs.validators.ge(1))
    published_on: dt.date
    title: str
    text: str


@attrs.frozen
class Signature:
    """CHA-1: one signature of one version, for a commune and a kind of space."""

    id: str
    commune: str
    version: int
    signer: str
    capacity: Capacity
    signed_on: dt.date
    space: SpaceKind = SpaceKind.DEPARTMENTAL


def current_version(versions: Iterable[CharterVersion]) -> CharterVersion:
    """The version in force: the highest number; none published is refused (CHA-1)."""
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


def next_version(
    versions: Sequence[CharterVersion], title: str, text: str, *, on: dt.date
) -> CharterVersion:
    """CHA-8: the version that follows ``versions``, in force from ``on``. A version has a title
    and a text, and is not published before the version in force."""
    if not title.strip() or not text.strip():
        raise ValidationError("une version de la charte a un titre et un texte", rule="CHA-8")
    if not versions:
        return CharterVersion(1, on, title.strip(), text)
    current = current_version(versions)
    if on < current.published_on:
        raise ValidationError(
            f"une nouvelle version ne peut précéder la version en vigueur du "
            f"{current.published_on.isoformat()}",
            rule="CHA-8",
            value=on,
        )
    return CharterVersion(current.version + 1, on, title.strip(), text)


@attrs.frozen
class CharterStatus:
    """CHA-1: what is signed and what is missing for a commune, per kind of space."""

    commune: str
    version: int | None  # the version in force, None when none is published
    population: int
    missing: dict[SpaceKind, list[frozenset[Capacity]]]
    signatures: tuple[Signature, ...]  # every version, oldest first (CHA-8)

    @property
    def complete(self) -> bool:
        """The departmental space's signatures of the version in force are all there."""
        return self.version is not None and not self.missing[SpaceKind.DEPARTMENTAL]


def status_of(
    commune: str,
    *,
    versions: Iterable[CharterVersion],
    signatures: Iterable[Signature],
    population: int,
) -> CharterStatus:
    """CHA-1, CHA-8: the signatures of ``commune`` and the capacity groups still unsigned on the
    version in force, for each kind of space."""
    found = list(versions)
    mine = [s for s in signatures if s.commune == commune]
    version = current_version(found).version if found else None
    missing = {
        kind: missing_signatures(
            mine, commune=commune, space=kind, population=population, version=version or 0
        )
        for kind in SpaceKind
    }
    ordered = tuple(sorted(mine, key=lambda s: (s.version, s.signed_on, s.id)))
    return CharterStatus(commune, version, population, missing, ordered)
