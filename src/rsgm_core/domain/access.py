"""Who may be in which platform space with which role, and why not (CHA-2..CHA-7, CHA-9).

:func:`decide` is the one answer to "may this person have this role in this space": it returns
every reason it may not, each with its rule ID, so an administrator sees all that is missing at
once instead of one refusal at a time.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence

import attrs

from rsgm_core.domain.charters import SpaceKind
from rsgm_core.domain.members import GENERIC_LOCAL_PARTS, Position, validate_email
from rsgm_core.domain.territory import SGM_THRESHOLD
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "Candidate",
    "Decision",
    "Grant",
    "LoweredRole",
    "Refusal",
    "Role",
    "Sanction",
    "SanctionKind",
    "Space",
    "check_nominative",
    "check_not_sanctioned",
    "close_position",
    "decide",
    "revoke_all",
]


class Role(enum.Enum):
    """CHA-2, CHA-5: the roles of a space, from the most to the least rights."""

    ADMINISTRATOR = "administrateur"
    ANIMATOR = "animateur"
    CONTRIBUTOR = "contributeur"
    VISITOR = "visiteur"


@attrs.frozen
class Space:
    """A space of the collaboration platform: the departmental one, or one per EPCI (CHA-3)."""

    id: str
    kind: SpaceKind
    name: str
    epci: str | None = None  # the EPCI of a community space
    read_only: bool = False  # CHA-5: before contributions open, members are visitors
    # TER-7: the department of a departmental space when the CDG keeps one per department.
    departement: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.kind is SpaceKind.COMMUNITY) != (self.epci is not None):
            raise RuleViolation(
                "un espace communautaire, et lui seul, est rattaché à un EPCI",
                rule="CHA-3",
                value=self.epci,
            )
        if self.departement is not None and self.kind is not SpaceKind.DEPARTMENTAL:
            raise RuleViolation(
                "seul un espace départemental est rattaché à un département",
                rule="TER-7",
                value=self.departement,
            )


@attrs.frozen
class Candidate:
    """What the rules need to know about a person and the collectivity they work for."""

    member_id: str
    email: str
    cdg_staff: bool = False
    sgm: bool = True  # holds the SGM function (secrétaire général or secrétaire de mairie)
    commune: str | None = None
    population: int | None = None
    epci: str | None = None
    member_commune: bool = False  # the commune holds the membership pack this year (CHA-3)
    charter_signed: bool = False  # CHA-1, for the space asked
    requested: bool = False  # a commune of 3,500 or more asked to join its community space
    admin_agrees: bool = False  # CHA-4, for a non-SGM in a community space
    referent_agrees: bool = False
    departed: bool = False  # CHA-7
    removed: bool = False  # CHA-9: access removed as a sanction
    restricted: bool = False  # CHA-9: rights restricted to reading
    departement: str | None = None  # TER-7: the commune's department
    outside_territory: bool = False  # TER-7: a commune hors ressort never gets access


@attrs.frozen
class Refusal:
    """One reason access is refused, with the rule that says so."""

    rule: str
    message: str


@attrs.frozen
class Decision:
    """May a person have a role in a space: ``allowed``, else every refusal with its rule."""

    allowed: bool
    refusals: tuple[Refusal, ...] = ()

    def explain(self) -> str:
        """``accès possible``, or every reason in French followed by its rule."""
        if self.allowed:
            return "accès possible"
        return " ; ".join(f"{r.message} [{r.rule}]" for r in self.refusals)

    def raise_if_refused(self) -> None:
        """A :class:`RuleViolation` naming the first rule and listing every reason."""
        if not self.allowed:
            first = self.refusals[0]
            raise RuleViolation(self.explain(), rule=first.rule)


def decide(
    candidate: Candidate,
    role: Role,
    space: Space,
    *,
    invited_by_admin: bool,
    pack_required: bool = False,
) -> Decision:
    """May ``candidate`` have ``role`` in ``space``? Every reason why not, with its rule.
    ``pack_required``: the CDG's policy (CHA-3) asks a small commune to hold the membership pack
    to enter its community space (CDG 79 does, CDG 77 and the CIG do not)."""
    refusals: list[Refusal] = []

    def refuse(rule: str, message: str) -> None:
        refusals.append(Refusal(rule, message))

    if candidate.departed:
        refuse("CHA-7", "les fonctions de cette personne ont pris fin")
    if candidate.removed:
        refuse("CHA-9", "l'accès a été supprimé à la suite d'une sanction")
    elif candidate.restricted and role is not Role.VISITOR:
        refuse("CHA-9", "les droits sont restreints à la consultation à la suite d'une sanction")
    if not invited_by_admin:
        refuse("CHA-2", "l'accès se fait sur invitation d'un administrateur du CDG")
    if role is Role.ADMINISTRATOR:
        if not candidate.cdg_staff:
            refuse("CHA-2", "seuls les agents du CDG sont administrateurs")
        return Decision(not refusals, tuple(refusals))
    if candidate.cdg_staff:
        return Decision(not refusals, tuple(refusals))  # CDG staff animate without a commune
    if space.read_only and role is Role.CONTRIBUTOR:
        refuse("CHA-5", f"l'espace « {space.name} » est en phase de consultation : rôle visiteur")
    if candidate.outside_territory:
        refuse(
            "TER-7", "la commune est hors du ressort du CDG : elle n'a pas accès à la plateforme"
        )
    if not candidate.charter_signed:
        refuse(
            "CHA-1", "la charte d'utilisation en vigueur n'est pas signée par tous les signataires"
        )
    large = candidate.population is not None and candidate.population >= SGM_THRESHOLD
    if space.kind is SpaceKind.DEPARTMENTAL:
        if large:
            refuse(
                "CHA-3",
                "l'espace départemental est réservé aux communes de moins de 3 500 habitants",
            )
        if not candidate.sgm:
            refuse("CHA-3", "l'espace départemental est ouvert aux secrétaires généraux de mairie")
        if space.departement is not None and candidate.departement not in (None, space.departement):
            refuse(
                "TER-7",
                f"la commune relève de l'espace départemental de son département "
                f"({candidate.departement}) et non de celui du département {space.departement}",
            )
    else:
        if candidate.epci != space.epci:
            refuse("CHA-3", "la commune n'appartient pas à l'EPCI de cet espace communautaire")
        if large and not candidate.requested:
            refuse(
                "CHA-3",
                "une commune de 3 500 habitants ou plus rejoint l'espace communautaire à sa demande",
            )
        if pack_required and not large and not candidate.member_commune:
            refuse("CHA-3", "la commune n'adhère pas au pack cette année")
        if not candidate.sgm and not (candidate.admin_agrees and candidate.referent_agrees):
            refuse(
                "CHA-4",
                "une personne qui n'est pas SGM entre avec l'accord de l'administrateur du CDG et "
                "du référent communautaire",
            )
    return Decision(not refusals, tuple(refusals))


def check_nominative(
    email: str,
    *,
    commune_names: Iterable[str] = (),
    generic_local_parts: Iterable[str] = GENERIC_LOCAL_PARTS,
) -> str:
    """CHA-6: an account is a person's, never a shared mailbox: the variants of
    :func:`~.mailboxes.shared_mailbox` (``mairie.aubigny@``, ``mairie+sgm@``, ``secrétariat@``,
    the commune's name ``voinsles@`` …) and the listed local parts are refused."""
    return validate_email(
        email, generic_local_parts=generic_local_parts, commune_names=commune_names
    )


@attrs.frozen
class Grant:
    """CHA-2: a member's role in a space, given by an administrator; revoked, it stays on record."""

    id: str
    member_id: str
    space_id: str
    role: Role
    granted_on: dt.date
    granted_by: str
    revoked_on: dt.date | None = None
    reason: str | None = None
    # The collectivity through which access was given (TER-5: follows a merged commune); the end
    # of the member's position there revokes this grant (CHA-7). ``None`` for CDG staff.
    commune: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_on is None


def revoke_all(grants: Sequence[Grant], member_id: str, *, on: dt.date, reason: str) -> list[Grant]:
    """CHA-7: every access of ``member_id``, revoked at once."""
    return [
        attrs.evolve(g, revoked_on=on, reason=reason)
        for g in grants
        if g.member_id == member_id and g.active
    ]


class SanctionKind(enum.Enum):
    """CHA-9: rights restricted to reading, or access removed."""

    RESTRICTION = "restriction des droits"
    REMOVAL = "suppression de l'accès"


@attrs.frozen
class LoweredRole:
    """CHA-9: a grant a restriction lowered to visitor, and the role it had before."""

    grant_id: str
    role: Role


@attrs.frozen
class Sanction:
    """CHA-9: decided by an administrator after a report; the employer is told. Lifting it keeps
    the record: ``lifted_on``, ``lifted_by`` and ``lift_reason`` are filled in."""

    id: str
    member_id: str
    kind: SanctionKind
    decided_on: dt.date
    decided_by: str
    reason: str
    report_id: str | None = None
    # What a restriction lowered, so that lifting it gives the roles back.
    lowered: tuple[LoweredRole, ...] = ()
    lifted_on: dt.date | None = None
    lifted_by: str | None = None
    lift_reason: str | None = None

    @property
    def active(self) -> bool:
        """In force: not lifted."""
        return self.lifted_on is None

    def apply(self, grants: Sequence[Grant]) -> list[Grant]:
        """The grants as the sanction leaves them: all revoked, or lowered to visitor."""
        if self.kind is SanctionKind.REMOVAL:
            return revoke_all(grants, self.member_id, on=self.decided_on, reason=self.reason)
        return [
            attrs.evolve(g, role=Role.VISITOR)
            for g in grants
            if g.member_id == self.member_id and g.active and g.role is not Role.VISITOR
        ]

    def impose(self, grants: Sequence[Grant]) -> tuple[Sanction, list[Grant]]:
        """The sanction as recorded (a restriction remembers the roles it lowered) and the
        grants as it leaves them."""
        changed = self.apply(grants)
        if self.kind is SanctionKind.REMOVAL:
            return self, changed
        before = {g.id: g.role for g in grants}
        lowered = tuple(LoweredRole(g.id, before[g.id]) for g in changed)
        return attrs.evolve(self, lowered=lowered), changed

    def lift(self, *, on: dt.date, by: str, reason: str) -> Sanction:
        """CHA-9: the sanction ends; refused when already lifted or before it was decided."""
        if not self.active:
            raise RuleViolation(
                f"la sanction {self.id} ({self.kind.value}) a déjà été levée le "
                f"{f'{self.lifted_on:%d/%m/%Y}' if self.lifted_on else ''}",
                rule="CHA-9",
                value=self.id,
            )
        if on < self.decided_on:
            raise ValidationError(
                f"une sanction ne peut être levée le {on:%d/%m/%Y}, avant d'avoir été décidée "
                f"le {self.decided_on:%d/%m/%Y}",
                rule="CHA-9",
                value=on,
            )
        if not reason.strip():
            raise ValidationError("la levée d'une sanction est motivée", rule="CHA-9", value=reason)
        return attrs.evolve(self, lifted_on=on, lifted_by=by, lift_reason=reason.strip())

    def restore(self, grants: Sequence[Grant]) -> list[Grant]:
        """The grants a lifted restriction gives back their former role: those still active
        and still visitor. A removal restores nothing: revoked access is given again by a new
        invitation (CHA-2), with every rule checked afresh."""
        if self.kind is SanctionKind.REMOVAL:
            return []
        former = {lowered.grant_id: lowered.role for lowered in self.lowered}
        return [
            attrs.evolve(g, role=former[g.id])
            for g in grants
            if g.id in former and g.active and g.role is Role.VISITOR
        ]


def check_not_sanctioned(
    sanctions: Iterable[Sanction], kind: SanctionKind, *, member_name: str
) -> None:
    """CHA-9: no sanction over a removal in force, no second restriction over one in force; so
    that lifting a sanction gives back exactly what it took. Escalating a restriction to a
    removal stays possible."""
    for held in sanctions:
        if held.active and (held.kind is SanctionKind.REMOVAL or held.kind is kind):
            raise RuleViolation(
                f"{member_name} est déjà sous le coup d'une sanction en vigueur "
                f"({held.kind.value}, décidée le {held.decided_on:%d/%m/%Y}, "
                f"identifiant {held.id}) : levez-la d'abord",
                rule="CHA-9",
                value=held.id,
            )


def close_position(position: Position, *, on: dt.date) -> Position:
    """CHA-7: the position as it ends on ``on``; refused when it has already ended."""
    if position.end is not None and position.end <= on:
        raise RuleViolation(
            f"ce poste a déjà pris fin le {position.end:%d/%m/%Y}",
            rule="CHA-7",
            value=position.id,
        )
    return attrs.evolve(position, end=on)
