"""The platform's usage charter: versions and signatures (CHA-1, CHA-8).

Access to the collaboration platform requires the charter signed, for a commune, by the mayor (or
a representative) and by the SGM — the DGS for a commune of 3,500 or more; access to a community
space also needs the EPCI president and the community referent (or the EPCI's own DGS, never the
commune's). Every signature records its signer, capacity, date and the version signed, and stays
on record when a new version is published.

CHA-1: the SGM's (or DGS's) signature is personal: it names the member who holds a position in
the commune and lapses when that position ends; a colleague or successor signs for themself. The
community referent's lapses with the referent role. The mayor (or representative) and the EPCI
president sign for the length of their mandate: by default until the next general renewal of the
municipal councils (:func:`next_general_renewal`). CHA-8: a version either asks every signatory
to sign again (a substantive change) or only informs (a correction): signatures of the versions
since the last substantive one stay valid.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence

import attrs

from rsgm_core.domain.profile import CharterChange
from rsgm_core.domain.territory import SGM_THRESHOLD
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "ELECTED_CAPACITIES",
    "PERSONAL_CAPACITIES",
    "Capacity",
    "CharterStatus",
    "CharterVersion",
    "Signatories",
    "Signature",
    "SpaceKind",
    "check_signature",
    "current_version",
    "lapse_of",
    "missing_signatures",
    "next_general_renewal",
    "next_version",
    "required_capacities",
    "status_of",
    "valid_from",
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
    EPCI_DGS = "directeur général des services de l'EPCI"


#: CHA-1: signed by a member of the commune's staff, for themself; lapses with their position.
PERSONAL_CAPACITIES = frozenset({Capacity.SGM, Capacity.DGS})
#: CHA-1: signed by an elected official for the length of the mandate.
ELECTED_CAPACITIES = frozenset(
    {Capacity.MAYOR, Capacity.MAYOR_REPRESENTATIVE, Capacity.EPCI_PRESIDENT}
)
#: The year of a general renewal of the municipal (and community) councils: every six years.
_RENEWAL_YEAR = 2026


def next_general_renewal(day: dt.date) -> dt.date:
    """CHA-1: the default end of a mayor's (or EPCI president's) mandate signed on ``day``: the
    31st of March of the next general renewal of the municipal councils (March 2026, then every
    six years: 2032, 2038…), the month the new councils elect their mayors and presidents."""
    year = _RENEWAL_YEAR + 6 * ((day.year - _RENEWAL_YEAR) // 6)
    end = dt.date(year, 3, 31)
    return end if end >= day else dt.date(year + 6, 3, 31)


@attrs.frozen
class CharterVersion:
    """CHA-8: one published version of the charter, numbered from 1; the latest is in force."""

    version: int = attrs.field(validator=attrs.validators.ge(1))
    published_on: dt.date
    title: str
    text: str
    # CHA-8: re-sign (a substantive change) or inform (a correction: earlier signatures hold).
    change: CharterChange = attrs.field(default=CharterChange.RESIGN, converter=CharterChange)
    #: CHA-2: the administrator who published it (a member id); None for a version published
    #: before rsgm_core recorded who acts (migration 18).
    published_by: str | None = None


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
    # CHA-1: the member who signs in person (SGM, DGS, community referent). ``None`` on a
    # signature recorded before signatures were personal: kept, and reported as needing one.
    member_id: str | None = None
    # CHA-1: the end of an elected signer's mandate; ``None``: the next general renewal.
    mandate_end: dt.date | None = None
    # CHA-1, MEM-12: the élu record (one mandate) of a mayor or EPCI president who signed as
    # themself; ``None`` on a signature recorded by name only (before migration 23): kept.
    elu_id: str | None = None

    @property
    def needs_personal(self) -> bool:
        """A signature of the SGM, the DGS or the referent that names no person (older data)."""
        personal = PERSONAL_CAPACITIES | {Capacity.COMMUNITY_REFERENT}
        return self.capacity in personal and self.member_id is None

    @property
    def mandate_until(self) -> dt.date | None:
        """The last day an elected signer's signature holds (CHA-1); ``None`` for the others."""
        if self.capacity not in ELECTED_CAPACITIES:
            return None
        return self.mandate_end or next_general_renewal(self.signed_on)


@attrs.frozen
class Signatories:
    """CHA-1: who may hold a personal signature for a commune on a day: the members holding a
    position in the commune (``staff``), the community referents of its EPCI (``referents``)."""

    staff: frozenset[str] = frozenset()
    referents: frozenset[str] = frozenset()


def lapse_of(signature: Signature, *, on: dt.date, signatories: Signatories) -> str | None:
    """CHA-1: why ``signature`` no longer holds on ``on`` (in French), or ``None``."""
    if signature.needs_personal:
        return "signature qui ne nomme personne : le signataire signe de nouveau en personne"
    if signature.capacity in PERSONAL_CAPACITIES and signature.member_id not in signatories.staff:
        return f"{signature.signer} n'occupe plus de poste dans la commune"
    if (
        signature.capacity is Capacity.COMMUNITY_REFERENT
        and signature.member_id not in signatories.referents
    ):
        return f"{signature.signer} n'est plus référent communautaire"
    until = signature.mandate_until
    if until is not None and on > until:
        return f"mandat terminé le {until:%d/%m/%Y} ({signature.signer})"
    return None


def valid_from(versions: Iterable[CharterVersion]) -> int:
    """CHA-8: the oldest version whose signatures still hold: the latest that asked to sign
    again (a version that only informs keeps the earlier signatures valid); 0 when none."""
    found = sorted(versions, key=lambda v: v.version)
    base = found[0].version if found else 0
    for version in found:
        if version.change is CharterChange.RESIGN:
            base = version.version
    return base


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
    if space is SpaceKind.COMMUNITY:  # the EPCI's side: never the commune's DGS
        groups += [
            frozenset({Capacity.EPCI_PRESIDENT}),
            frozenset({Capacity.COMMUNITY_REFERENT, Capacity.EPCI_DGS}),
        ]
    return tuple(groups)


def check_signature(
    signature: Signature,
    *,
    versions: Sequence[CharterVersion],
    population: int,
    signatories: Signatories = Signatories(),
) -> Signature:
    """Refuse a signature on a superseded version (CHA-8), by someone without the capacity to
    sign for that commune and space, or in person by someone who does not hold the position it
    needs (CHA-1): the SGM or DGS holds a position in the commune (``signatories.staff``), the
    referent holds the role (``signatories.referents``), the EPCI's DGS is not the commune's."""
    if not signature.signer.strip():
        raise ValidationError("signataire sans nom", rule="CHA-1", value=signature.signer)
    current = current_version(versions)
    if signature.version != current.version:
        raise RuleViolation(
            f"la version {signature.version} de la charte n'est plus en vigueur : signez la "
            f"version {current.version} du {current.published_on:%d/%m/%Y}",
            rule="CHA-8",
            value=signature.version,
        )
    if signature.signed_on < current.published_on:
        raise ValidationError(
            f"signature du {signature.signed_on:%d/%m/%Y} antérieure à la publication de la "
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
    _check_signer(signature, signatories)
    return signature


def _check_signer(signature: Signature, signatories: Signatories) -> None:
    """CHA-1: a personal signature is signed by the person holding the position, for themself."""
    who = signature.member_id
    if signature.capacity in PERSONAL_CAPACITIES and who not in signatories.staff:
        raise RuleViolation(
            f"{signature.signer} n'occupe aucun poste dans la commune {signature.commune} : la "
            f"signature du {signature.capacity.value} est personnelle, chacun signe pour soi",
            rule="CHA-1",
            value=who or signature.signer,
        )
    if signature.capacity is Capacity.COMMUNITY_REFERENT and who not in signatories.referents:
        raise RuleViolation(
            f"{signature.signer} n'est pas référent communautaire de l'EPCI de la commune "
            f"{signature.commune}",
            rule="CHA-1",
            value=who or signature.signer,
        )
    if signature.capacity is Capacity.EPCI_DGS and who is not None and who in signatories.staff:
        raise RuleViolation(
            f"{signature.signer} travaille pour la commune {signature.commune} : le DGS de la "
            "commune ne signe pas pour l'EPCI (son président et le référent communautaire ou le "
            "DGS de l'EPCI signent)",
            rule="CHA-1",
            value=who,
        )
    end = signature.mandate_end
    if end is not None and end < signature.signed_on:
        raise ValidationError(
            f"un mandat qui finit le {end:%d/%m/%Y} ne permet pas de signer le "
            f"{signature.signed_on:%d/%m/%Y}",
            rule="CHA-1",
            value=end,
        )


def missing_signatures(
    signatures: Iterable[Signature],
    *,
    commune: str,
    space: SpaceKind,
    population: int,
    version: int,
    on: dt.date | None = None,
    signatories: Signatories | None = None,
    member_id: str | None = None,
) -> list[frozenset[Capacity]]:
    """CHA-1: the capacity groups still unsigned for ``commune``, counting the signatures of
    ``version`` or later (:func:`valid_from`, CHA-8).

    With ``on``, a signature that has lapsed that day does not count (:func:`lapse_of`). With
    ``member_id`` (the person asking for access), the SGM's or DGS's group counts only that
    person's own signature: a colleague's or predecessor's does not stand for them.
    A community space needs the departmental signatures too: they are the same two people, the
    mayor and the SGM, and one signature covers both spaces."""
    people = signatories or Signatories()
    signed = {
        s.capacity
        for s in signatures
        if s.commune == commune
        and s.version >= version
        and (s.space is space or s.space is SpaceKind.DEPARTMENTAL)
        and (on is None or lapse_of(s, on=on, signatories=people) is None)
        and (member_id is None or s.capacity not in PERSONAL_CAPACITIES or s.member_id == member_id)
    }
    return [group for group in required_capacities(space, population) if not group & signed]


def next_version(
    versions: Sequence[CharterVersion],
    title: str,
    text: str,
    *,
    on: dt.date,
    change: CharterChange = CharterChange.RESIGN,
) -> CharterVersion:
    """CHA-8: the version that follows ``versions``, in force from ``on``. A version has a title
    and a text, and is not published before the version in force; ``change`` says whether it
    asks to sign again or only informs (the first version is always signed)."""
    if not title.strip() or not text.strip():
        raise ValidationError("une version de la charte a un titre et un texte", rule="CHA-8")
    if not versions:
        return CharterVersion(1, on, title.strip(), text, CharterChange.RESIGN)
    current = current_version(versions)
    if on < current.published_on:
        raise ValidationError(
            f"une nouvelle version ne peut précéder la version en vigueur du "
            f"{current.published_on:%d/%m/%Y}",
            rule="CHA-8",
            value=on,
        )
    return CharterVersion(current.version + 1, on, title.strip(), text, change)


@attrs.frozen
class CharterStatus:
    """CHA-1: what is signed and what is missing for a commune, per kind of space."""

    commune: str
    version: int | None  # the version in force, None when none is published
    population: int
    missing: dict[SpaceKind, list[frozenset[Capacity]]]
    signatures: tuple[Signature, ...]  # every version, oldest first (CHA-8)
    # CHA-1: signature id → why it no longer holds (position or mandate ended, no person named).
    lapsed: dict[str, str] = attrs.field(factory=dict)
    valid_from: int = 0  # CHA-8: signatures of this version or later hold

    @property
    def complete(self) -> bool:
        """The departmental space's signatures in force are all there."""
        return self.version is not None and not self.missing[SpaceKind.DEPARTMENTAL]

    @property
    def needs_personal(self) -> tuple[Signature, ...]:
        """CHA-1: signatures recorded before they were personal, to be signed again in person."""
        return tuple(s for s in self.signatures if s.needs_personal)


def status_of(
    commune: str,
    *,
    versions: Iterable[CharterVersion],
    signatures: Iterable[Signature],
    population: int,
    on: dt.date | None = None,
    signatories: Signatories | None = None,
) -> CharterStatus:
    """CHA-1, CHA-8: the signatures of ``commune`` and the capacity groups still unsigned, for
    each kind of space; with ``on``, the signatures that lapsed by then, and why."""
    found = list(versions)
    mine = [s for s in signatures if s.commune == commune]
    version = current_version(found).version if found else None
    base = valid_from(found)
    people = signatories or Signatories()
    missing = {
        kind: missing_signatures(
            mine, commune=commune, space=kind, population=population, version=base or 1,
            on=on, signatories=people,
        )
        for kind in SpaceKind
    }  # fmt: skip
    ordered = tuple(sorted(mine, key=lambda s: (s.version, s.signed_on, s.id)))
    lapsed: dict[str, str] = {}
    for signature in ordered:
        why = lapse_of(signature, on=on, signatories=people) if on else None
        if why is None and signature.needs_personal:
            why = lapse_of(signature, on=signature.signed_on, signatories=people)
        if why is None and signature.version < base:
            why = f"version {signature.version} remplacée par une version à signer de nouveau"
        if why is not None:
            lapsed[signature.id] = why
    return CharterStatus(commune, version, population, missing, ordered, lapsed, base)
