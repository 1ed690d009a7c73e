"""The platform's usage charter, as ``app.charters``: versions, signatures, a commune's status
(CHA-1, CHA-8). The rules are in :mod:`rsgm_core.domain.charters`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.charters import (
    ELECTED_CAPACITIES,
    PERSONAL_CAPACITIES,
    Capacity,
    CharterStatus,
    CharterVersion,
    Signatories,
    Signature,
    SpaceKind,
    check_signature,
    current_version,
    next_general_renewal,
    next_version,
)
from rsgm_core.domain.directory import fold
from rsgm_core.domain.elus import Elu, EluRole
from rsgm_core.domain.history import check_not_future
from rsgm_core.domain.profile import CharterChange
from rsgm_core.errors import RuleViolation
from rsgm_core.render.formatting import format_date
from rsgm_core.services.access_facts import (
    _charter_status,
    _signatories,
    parse_enum,
)
from rsgm_core.services.access_revocation import _users
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id
from rsgm_core.services.outbox import queue_message
from rsgm_core.services.populations import population_used

if TYPE_CHECKING:
    from rsgm_core.domain.members import Member
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["CharterService"]


class CharterService:
    """``app.charters``: publish a version of the charter, record signatures, tell what a
    commune still has to sign."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def publish(
        self,
        title: str,
        text: str,
        *,
        by: str,
        change: CharterChange | str | None = None,
        on: dt.date | None = None,
    ) -> CharterVersion:
        """CHA-8: a new version, in force from ``on`` (default today); every user with an
        account is told. ``change`` says whether it asks everyone to sign again
        (``CharterChange.RESIGN``, a substantive change) or only informs (``INFORM``, a
        correction: the signatures already given stay valid); default: the CDG's policy
        (``policies.charter_change``). Signatures of earlier versions stay on record. ``by``: a
        CDG administrator (CHA-2)."""
        day = self.deps.on(on)
        kind = (
            self.deps.settings.policies.charter_change
            if change is None
            else parse_enum(CharterChange, change, "nature de la nouvelle version", "CHA-8")
        )
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.PUBLISH_CHARTER, on=self.deps.today())
            drafted = next_version(uow.charter_versions.list(), title, text, on=day, change=kind)
            version = uow.charter_versions.add(attrs.evolve(drafted, published_by=actor.id))
            shown = _shown(version)
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
        mandate_end: dt.date | None = None,
        space: SpaceKind | str = SpaceKind.DEPARTMENTAL,
        version: int | None = None,
        on: dt.date | None = None,
    ) -> Signature:
        """CHA-1: one signature for ``commune`` (default: of the version in force).

        The SGM's or DGS's signature is personal: ``signer`` names a member (id, e-mail or full
        name) holding a position in the commune on ``on``; it lapses when that position ends, and
        a colleague or successor signs for themself. The community referent is likewise a member
        holding the role for the commune's EPCI. The mayor (or representative) and the EPCI
        president sign as themselves for the length of their mandate: when the élus are on
        record (MEM-12), ``signer`` names the mayor (or a deputy, or the EPCI's president) in
        office on ``on`` (id, e-mail or full name), the signature is linked to that mandate and
        lapses when it ends; otherwise by name until ``mandate_end`` (default: the next general
        renewal of the municipal councils, 31 March 2026, 2032…). The EPCI's
        DGS is never the commune's. Refused on a superseded version (CHA-8), by a capacity that
        does not sign for that commune and space, or by someone who holds no position there.
        ``on``: the day it was signed, past for a paper charter recorded later, never future
        (EVT-12)."""
        day = check_not_future(self.deps.on(on), today=self.deps.today(), what="date de signature")
        cap = parse_enum(Capacity, capacity, "qualité de signataire", "CHA-1")
        kind = parse_enum(SpaceKind, space, "type d'espace", "CHA-3")
        with self.deps.transaction() as uow:
            uow.communes.get(commune)
            versions = uow.charter_versions.list()
            number = version if version is not None else current_version(versions).version
            people = _signatories(uow, commune, day)
            person = _signer(uow, signer, cap, people)
            elu = _elected_signer(uow, commune, signer, cap, day)
            name = elu.full_name if elu else person.full_name if person else signer.strip()
            end = mandate_end
            if elu is not None and elu.end is not None:  # CHA-1: as long as the mandate
                end = min(elu.end, end) if end else elu.end
            if cap in ELECTED_CAPACITIES and end is None:
                end = next_general_renewal(day)
            signature = Signature(
                new_id(), commune, number, name, cap, day, kind,
                member_id=person.id if person else None,
                mandate_end=end if cap in ELECTED_CAPACITIES else None,
                elu_id=elu.id if elu else None,
            )  # fmt: skip
            check_signature(
                signature,
                versions=versions,
                population=population_used(uow, commune, year=day.year).population,
                signatories=people,
            )
            return uow.signatures.add(signature)

    def status(self, commune: str, *, on: dt.date | None = None) -> CharterStatus:
        """CHA-1: the version in force, what ``commune`` signed, which signatures lapsed (and
        why) and what is missing per kind of space, on ``on`` (default today)."""
        with self.deps.read() as uow:
            return _charter_status(uow, commune, self.deps.on(on))

    def list_signatures(
        self, *, commune: str | None = None, needs_personal: bool | None = None
    ) -> list[Signature]:
        """The signatures on record (of ``commune``, or all), oldest first. ``needs_personal=True``:
        those recorded before signatures were personal (no member named, CHA-1): kept, and to
        be signed again in person by the SGM, DGS or referent now in office."""
        with self.deps.read() as uow:
            found = uow.signatures.list(None if commune is None else {"commune": commune})
        kept = [s for s in found if needs_personal is None or s.needs_personal is needs_personal]
        return sorted(kept, key=lambda s: (s.commune, s.version, s.signed_on, s.id))


def _shown(version: CharterVersion) -> dict[str, object]:
    """A version as the messages show it (CHA-8)."""
    return {
        "version": version.version,
        "title": version.title,
        "text": version.text,
        "published_on": format_date(version.published_on),
        "resign": version.change is CharterChange.RESIGN,
    }


def _signer(uow: UnitOfWork, signer: str, capacity: Capacity, people: Signatories) -> Member | None:
    """CHA-1: the member a personal signature names: by id or e-mail, else by full name among
    those who may sign in that capacity (the commune's staff, the EPCI's referents). ``None``
    for an elected official, or when nobody matches (then the signature is refused)."""
    if capacity in ELECTED_CAPACITIES or not signer.strip():
        return None
    found = uow.members.find(signer.strip())
    if found is None and "@" in signer:
        matches = uow.members.list({"email": signer.strip().lower()})
        found = matches[0] if matches else None
    if found is not None:
        return found
    pool = set(people.staff)
    if capacity not in PERSONAL_CAPACITIES:
        pool |= people.referents
    if not pool:
        return None
    wanted = fold(signer)
    named = [m for m in uow.members.list({"id": pool}) if fold(m.full_name) == wanted]
    return named[0] if len(named) == 1 else None


_ELECTED_ROLES = {
    Capacity.MAYOR: (EluRole.MAYOR,),
    Capacity.MAYOR_REPRESENTATIVE: (EluRole.MAYOR, EluRole.DEPUTY),
    Capacity.EPCI_PRESIDENT: (EluRole.EPCI_PRESIDENT,),
}


def _elected_signer(
    uow: UnitOfWork, commune: str, signer: str, capacity: Capacity, day: dt.date
) -> Elu | None:
    """CHA-1, MEM-12: the mandate an elected signer signs as: among the élus in office on
    ``day`` for ``commune`` (its mayor and deputies) or its EPCI (the president), the one
    ``signer`` names (id, e-mail or full name). ``None`` when no élu of that role is on record
    there (a signature by name, as before the élus were recorded; a representative who is not
    an élu, too); naming someone else while the mayor or president is on record is refused."""
    roles = _ELECTED_ROLES.get(capacity)
    if roles is None:
        return None
    if capacity is Capacity.EPCI_PRESIDENT:
        epci = uow.communes.get(commune).epci
        found = uow.elus.list({"epci": epci}) if epci else []
    else:
        found = uow.elus.list({"commune": commune})
    current = [e for e in found if e.role in roles and e.in_office(day)]
    if not current:
        return None
    text = signer.strip()
    named = [
        e for e in current
        if text in (e.id, (e.email or "")) or fold(e.full_name) == fold(text)
        or (e.email and e.email.casefold() == text.casefold())
    ]  # fmt: skip
    if named:
        return named[0]
    if capacity is Capacity.MAYOR_REPRESENTATIVE:
        return None  # a representative who is not an élu signs by name
    holder = " ; ".join(f"{e.full_name} ({e.title} depuis le {e.start:%d/%m/%Y})" for e in current)
    # needs storage: the élus on record for the commune or its EPCI (MEM-12)
    raise RuleViolation(
        f"{text} n'est pas {capacity.value} de la commune {commune} le {day:%d/%m/%Y} : "
        f"l'élu en fonction est {holder} ; le maire signe en personne pour la durée de son mandat",
        rule="CHA-1",
        value=text,
    )
