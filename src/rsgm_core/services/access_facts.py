"""What the access rules need to know, read from storage: the member, their collectivity, its
population and membership, the charter's signatures, agreements and sanctions (CHA-1..CHA-9)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, TypeVar

import attrs

from rsgm_core.domain.access import (
    Candidate,
    Decision,
    Refusal,
    Role,
    SanctionKind,
    Space,
    check_nominative,
    decide,
)
from rsgm_core.domain.access_records import (
    AgreementParty,
    CdgStaff,
    check_administrator,
    check_referent,
    community_referents,
)
from rsgm_core.domain.charters import (
    CharterStatus,
    Signatories,
    SpaceKind,
    missing_signatures,
    status_of,
    valid_from,
)
from rsgm_core.domain.enums import read_enum
from rsgm_core.domain.members import Function, Lifecycle, Member, Position
from rsgm_core.domain.profile import outside_territory
from rsgm_core.errors import NotFoundError, RsgmError
from rsgm_core.services.naming import find
from rsgm_core.services.populations import population_used

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.settings import Settings

SGM_FUNCTIONS = frozenset({Function.SGM, Function.SECRETAIRE_DE_MAIRIE})
#: CHA-1: the functions whose holder signs the charter in person (SGM, or DGS from 3,500).
PERSONAL_FUNCTIONS = SGM_FUNCTIONS | {Function.DGS, Function.DGS_EMPLOI_FONCTIONNEL}

E = TypeVar("E", bound=enum.Enum)


def parse_enum(kind: type[E], value: E | str, label: str, rule: str) -> E:
    """An enum member from itself, its value (``"maire"``) or its name (``"mayor"``)."""
    return read_enum(
        kind, value, f"valeur inconnue pour « {label} »", rule=rule, choices="au choix"
    )


def _find_member(uow: UnitOfWork, ref: str | None, *, rule: str) -> Member:
    """A member named the one way (id, id prefix of 8 characters or more, e-mail address:
    :func:`rsgm_core.services.naming.find`); an unknown person is an error naming the rule."""
    if ref:
        found: Member = find(uow, "members", ref, rule=rule)
        return found
    raise NotFoundError(f"personne inconnue : {ref!r}", rule=rule, value=ref)


#: The name the knowledge areas (services/toolbox.py, services/advice.py) import; not public API.
find_member = _find_member


def _require_admin(uow: UnitOfWork, member: Member, *, rule: str) -> Member:
    """CHA-2: ``member`` is a CDG administrator (their staff record read from storage)."""
    return check_administrator(member, uow.cdg_staff.find(member.id), rule=rule)


def _signatories(uow: UnitOfWork, commune: str, day: dt.date) -> Signatories:
    """CHA-1: who may hold a personal signature for ``commune`` on ``day``: the members holding
    a position there, and the community referents of its EPCI."""
    staff = {p.member_id for p in uow.positions.list({"commune": commune}) if p.active_on(day)}
    epci = uow.communes.get(commune).epci
    referents = (
        community_referents(
            epci, uow.networks.list({"epci": epci}), uow.network_roles.list(), on=day
        )
        if epci
        else set()
    )
    return Signatories(frozenset(staff), frozenset(referents))


def _charter_status(uow: UnitOfWork, commune: str, day: dt.date) -> CharterStatus:
    """CHA-1: the charter status of ``commune`` on ``day`` from the versions and signatures on
    record: lapsed signatures (position or mandate ended, no person named) do not count."""
    uow.communes.get(commune)
    return status_of(
        commune,
        versions=uow.charter_versions.list(),
        signatures=uow.signatures.list({"commune": commune}),
        population=population_used(uow, commune, year=day.year).population,
        on=day,
        signatories=_signatories(uow, commune, day),
    )


def _basis(
    uow: UnitOfWork, positions: list[Position], space: Space, commune: str | None
) -> Position | None:
    """The position through which the member would enter ``space``: in the space's EPCI for a
    community space, an SGM function first."""
    candidates = [p for p in positions if commune is None or p.commune == commune]
    if space.kind is SpaceKind.COMMUNITY:
        epcis = {
            c.code: c.epci for c in uow.communes.list({"code": [p.commune for p in candidates]})
        }
        inside = [p for p in candidates if epcis.get(p.commune) == space.epci]
        candidates = inside or candidates
    candidates.sort(key=lambda p: (p.function not in SGM_FUNCTIONS, p.commune))
    return candidates[0] if candidates else None


def _decide_for(
    uow: UnitOfWork,
    member: Member,
    role: Role,
    space: Space,
    day: dt.date,
    *,
    settings: Settings,
    commune: str | None = None,
    admin: Member | None = None,
    assume_invited: bool = False,
) -> tuple[Decision, str | None]:
    """The decision for ``member`` and the commune the access would be given through, under the
    CDG's policies (CHA-3: the pack for a community space) and territory (TER-7)."""
    staff: CdgStaff | None = uow.cdg_staff.find(member.id)
    invited = assume_invited or (
        admin is not None
        and (found := uow.cdg_staff.find(admin.id)) is not None
        and found.administrator
    )
    positions = [p for p in uow.positions.list({"member_id": member.id}) if p.active_on(day)]
    basis = _basis(uow, positions, space, commune)
    extra: list[Refusal] = []
    candidate = Candidate(member_id=member.id, email=member.email or "")
    if basis is not None:
        place = uow.communes.get(basis.commune)
        population = population_used(uow, place.code, year=day.year).population
        signatures = uow.signatures.list({"commune": place.code})
        versions = uow.charter_versions.list()
        signed = bool(versions) and not missing_signatures(
            signatures,
            commune=place.code,
            space=space.kind,
            population=population,
            version=valid_from(versions),
            on=day,
            signatories=_signatories(uow, place.code, day),
            # CHA-1: an SGM's (or DGS's) signature is their own; another agent (CHA-4) enters
            # on the commune's signatures.
            member_id=member.id if basis.function in PERSONAL_FUNCTIONS else None,
        )
        candidate = attrs.evolve(
            candidate,
            commune=place.code,
            population=population,
            epci=place.epci,
            sgm=basis.function in SGM_FUNCTIONS,
            member_commune=bool(uow.memberships.count({"insee": place.code, "year": day.year})),
            charter_signed=signed,
            departement=place.departement,
            outside_territory=outside_territory(place.departement, settings.departements),
        )
    elif staff is None:
        where = f"la commune {commune}" if commune else "une commune"
        extra.append(Refusal("CHA-3", f"aucun poste en cours dans {where}"))
        candidate = attrs.evolve(candidate, sgm=False)
    agreed = {a.party for a in uow.agreements.list({"member_id": member.id, "space_id": space.id})}
    kinds = {s.kind for s in uow.sanctions.list({"member_id": member.id}) if s.active}
    candidate = attrs.evolve(
        candidate,
        cdg_staff=staff is not None,
        requested=AgreementParty.COMMUNE_REQUEST in agreed,
        admin_agrees=AgreementParty.ADMINISTRATOR in agreed,
        referent_agrees=AgreementParty.REFERENT in agreed,
        departed=member.lifecycle is Lifecycle.DEPARTED,
        removed=SanctionKind.REMOVAL in kinds,
        restricted=SanctionKind.RESTRICTION in kinds,
    )
    extra += _nominative(uow, member, basis)
    decision = decide(
        candidate,
        role,
        space,
        invited_by_admin=invited,
        pack_required=settings.policies.community_space_needs_pack,
    )
    refusals = decision.refusals + tuple(extra)
    return Decision(not refusals, refusals), candidate.commune


def _nominative(uow: UnitOfWork, member: Member, basis: Position | None) -> list[Refusal]:
    """CHA-6: an account is opened on the member's own address."""
    if not member.email:
        return [Refusal("CHA-6", "aucune adresse électronique nominative connue")]
    names = []
    if basis is not None:
        names.append(uow.communes.get(basis.commune).name)
    try:
        check_nominative(member.email, commune_names=names)
    except RsgmError as exc:
        return [Refusal("CHA-6", exc.message)]
    return []


def _of_member_in_space(
    uow: UnitOfWork, member_id: str | None, space_id: str | None, *, rule: str
) -> dict[str, object] | None:
    """The filter on a member (by id or e-mail, ``rule`` naming an unknown one) and a space."""
    where: dict[str, object] = {}
    if member_id:
        where["member_id"] = _find_member(uow, member_id, rule=rule).id
    if space_id is not None:
        where["space_id"] = space_id
    return where or None


def _require_referent(uow: UnitOfWork, giver: Member, epci: str, day: dt.date) -> Member:
    """CHA-4: ``giver`` holds, on ``day``, the community-referent role in the community network
    of ``epci`` (the networks, roles and names are read here, the rule is
    :func:`~rsgm_core.domain.access_records.check_referent`)."""
    ids = community_referents(
        epci, uow.networks.list({"epci": epci}), uow.network_roles.list(), on=day
    )
    found = uow.epcis.find(epci)
    referents = {m.id: m.full_name for m in uow.members.list({"id": ids})} if ids else {}
    return check_referent(
        giver, referents, epci_name=found.name if found else f"l'EPCI {epci}", on=day
    )


__all__ = ["SGM_FUNCTIONS", "CharterStatus", "parse_enum"]
