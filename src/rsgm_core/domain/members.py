"""Members and the positions they hold in collectivities (MEM-1).

A member is one named person; a position ties that person to one commune with a function, a work-time
fraction and a status. The census report (TER-6) reads positions to say which function is in place in
each commune and who holds it.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from decimal import Decimal

import attrs

from rsgm_core.domain.bounds import check_fraction
from rsgm_core.domain.mailboxes import GENERIC_WORDS
from rsgm_core.domain.territory import Commune, validate_insee_code
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "GENERIC_LOCAL_PARTS",
    "MAX_WORK_TIME",
    "DepartureReason",
    "Function",
    "Lifecycle",
    "Member",
    "NewPosition",
    "Position",
    "Status",
    "WorkTimeExcess",
    "check_can_register",
    "check_open_commune",
    "check_work_time_cap",
    "plain_email",
    "plain_email_parts",
    "surely_personal",
    "validate_email",
    "validate_work_time",
    "work_time_excess",
    "work_time_total",
]

MAX_WORK_TIME = Decimal("1.15")  # MEM-1: part-time positions above 115 % in total are flagged

# CHA-6: shared mailboxes are not people. Extensible by passing a larger set to validate_email.
GENERIC_LOCAL_PARTS = frozenset(
    {
        "mairie", "accueil", "contact", "secretariat", "secretariat.mairie", "info", "infos",
        "administration", "commune", "courrier", "direction", "dgs", "etat-civil", "etatcivil",
        "urbanisme", "compta", "comptabilite", "rh", "secretaire", "noreply", "no-reply",
    }
)  # fmt: skip
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}")


class Function(enum.Enum):
    """The function in place in a commune (TER-6)."""

    SGM = "sgm"
    SECRETAIRE_DE_MAIRIE = "secretaire_de_mairie"
    DGS_EMPLOI_FONCTIONNEL = "dgs_emploi_fonctionnel"
    DGS = "dgs"  # DGS not on an emploi fonctionnel
    RESPONSABLE_DES_SERVICES = "responsable_des_services"

    @property
    def label(self) -> str:
        return _FUNCTION_LABELS[self]


_FUNCTION_LABELS = {
    Function.SGM: "secrétaire général de mairie",
    Function.SECRETAIRE_DE_MAIRIE: "secrétaire de mairie",
    Function.DGS_EMPLOI_FONCTIONNEL: "DGS sur emploi fonctionnel",
    Function.DGS: "DGS hors emploi fonctionnel",
    Function.RESPONSABLE_DES_SERVICES: "responsable des services",
}


class Status(enum.Enum):
    TITULAIRE = "titulaire"
    STAGIAIRE = "stagiaire"
    CONTRACTUEL = "contractuel"


class Lifecycle(enum.Enum):
    """MEM-4: where a person stands with the network; only forward moves are allowed."""

    PROSPECT = "prospect"
    INVITED = "invite"
    ACTIVE = "actif"
    DEPARTED = "parti"


class DepartureReason(enum.Enum):
    """MEM-4: why a member left."""

    MUTATION = "mutation"
    RETRAITE = "retraite"
    DEMISSION = "demission"
    FIN_DE_CONTRAT = "fin_de_contrat"
    AUTRE = "autre"


def validate_email(
    email: str,
    *,
    generic_local_parts: Iterable[str] = GENERIC_LOCAL_PARTS,
    strict: bool = False,
    commune_names: Iterable[str] = (),
) -> str:
    """Return ``email`` normalised (lower-case domain) or raise: malformed, or a shared mailbox
    (CHA-6: a listed local part, or one of the variants of :func:`~.mailboxes.shared_mailbox`,
    the commune's name among them when ``commune_names`` are given). With no
    ``generic_local_parts`` (the outbox, a town hall's contact), any well-formed address passes.

    ``strict`` checks the syntax with email-validator (RFC 5322 and IDNA, no DNS lookup), as the
    directory does for a person's address (MEM-2); the outbox keeps the lighter check.
    """
    if not isinstance(email, str) or not _EMAIL.fullmatch(email.strip()):
        raise ValidationError(
            f"adresse électronique invalide : {email!r}", rule="MEM-2", value=email
        )
    if strict:
        email = plain_email(email.strip()) or _email_validator(email)
    local, domain = email.strip().rsplit("@", 1)
    if (
        generic_local_parts is GENERIC_LOCAL_PARTS
        and isinstance(commune_names, tuple | list)
        and not commune_names
        and local.isascii()
        and surely_personal(local, ())
    ):  # CHA-6: surely a person's, without the judge (a property test compares them)
        return f"{local}@{domain.lower()}"
    generic = set(generic_local_parts)  # empty: any address (the outbox writes to mairies)
    why = "générique" if local.lower() in generic else None
    if generic and why is None:
        from rsgm_core.domain.mailboxes import shared_mailbox

        why = shared_mailbox(local, commune_names)
    if why is not None:
        raise RuleViolation(
            f"adresse {why} refusée : {email!r} ; une adresse est celle d'une personne nommée, "
            "jamais une boîte partagée de la mairie : donnez son adresse nominative",
            rule="CHA-6",
            value=email,
        )
    return f"{local}@{domain.lower()}"


def _email_validator(email: str) -> str:
    """email-validator's verdict (RFC 5322 and IDNA, no DNS lookup): the address normalised."""
    import email_validator

    try:
        return str(
            email_validator.validate_email(email.strip(), check_deliverability=False).normalized
        )
    except email_validator.EmailNotValidError as exc:
        raise ValidationError(
            f"adresse électronique invalide : {email!r} ({exc})", rule="MEM-2", value=email
        ) from None


# A plain ASCII address: an RFC 5322 dot-atom local part, then an ASCII domain whose syntax
# email-validator judges, once per domain (:func:`plain_email`).
_PLAIN_EMAIL = re.compile(
    r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@([A-Za-z0-9.-]+)"
)


def plain_email(email: str) -> str | None:
    """``email`` as email-validator normalises it (the domain in lower case) when it is a plain
    ASCII address whose domain email-validator accepts as it is, without asking it again for each
    address: its verdict on a domain is kept (:func:`_plain_domain`). ``None`` for any other
    address (not plain, too long, a refused or IDNA-encoded domain): only email-validator judges
    those. A property test compares both on random addresses (MEM-2)."""
    parts = plain_email_parts(email)
    return None if parts is None else f"{parts[0]}@{parts[1]}"


def plain_email_parts(email: str) -> tuple[str, str] | None:
    """The local part and the domain (in lower case) of a plain address (:func:`plain_email`),
    else ``None``."""
    plain = _PLAIN_EMAIL.fullmatch(email)
    if plain is None or len(email) > 254:
        return None
    local, domain = plain.groups()
    domain = domain.lower()
    plain_domain = _PLAIN_DOMAINS.get(domain)
    if plain_domain is None:
        plain_domain = _plain_domain(domain)
    if len(local) > 64 or not plain_domain:
        return None
    return local, domain


_PLAIN_DOMAINS: dict[str, bool] = {}  # email-validator's verdicts, by domain


def _plain_domain(domain: str) -> bool:
    """:func:`validate_email`'s first check and email-validator both accept a plain address at
    ``domain``, and email-validator keeps the domain as it is (an ``xn--`` domain is written back
    in Unicode: not plain); the verdict is kept."""
    address = f"prenom.nom@{domain}"
    try:
        plain = bool(_EMAIL.fullmatch(address)) and _email_validator(address) == address
    except ValidationError:
        plain = False
    if len(_PLAIN_DOMAINS) >= 4096:
        _PLAIN_DOMAINS.clear()
    _PLAIN_DOMAINS[domain] = plain
    return plain


_SEPARATORS = re.compile(r"[^a-z0-9]+")
#: Any word that makes a local part a shared mailbox, anywhere in it (the shared starts too).
_GENERIC_INSIDE = re.compile(
    "|".join(
        f"{first}(?:{'|'.join(sorted(w[1:] for w in GENERIC_WORDS if w[0] == first))})"
        for first in sorted({w[0] for w in GENERIC_WORDS})
    )
)  # factored by first letter: positions starting with another letter are passed over quickly


def surely_personal(local: str, towns: tuple[str, ...]) -> bool:
    """True when the ASCII local part cannot be a shared mailbox (CHA-6): no generic local part,
    no generic word anywhere in it (separators left out), not the commune's name. Only a quick
    pre-check: anything else goes through :func:`~.mailboxes.shared_mailbox` (the one judge; a test
    compares both on the variants of :mod:`~.mailboxes` and on random local parts)."""
    low = local.lower()
    if low in GENERIC_LOCAL_PARTS:
        return False
    base = low.partition("+")[0]
    squeezed = base.replace(".", "").replace("-", "").replace("_", "")
    if not (squeezed.isascii() and squeezed.isalnum()):  # other separators
        squeezed = _SEPARATORS.sub("", base)
    return squeezed_personal(squeezed, towns)


def squeezed_personal(squeezed: str, towns: tuple[str, ...]) -> bool:
    """The end of :func:`surely_personal`, for a local part already in lower case without its
    separators (and not a generic local part): no generic word in it, not the commune's name."""
    if _GENERIC_INSIDE.search(squeezed) is not None:
        return False
    for town in towns:  # noqa: SIM110 - a loop: quicker than all() over a generator
        if town and town in squeezed:
            return False
    return True


def validate_work_time(fraction: Decimal | int) -> Decimal:
    """MEM-1: a work-time fraction q satisfies 0 < q <= 1; money-like, so Decimal only."""
    if isinstance(fraction, float) or not isinstance(fraction, Decimal | int):
        raise ValidationError(
            f"quotité de travail à donner en décimal exact : {fraction!r}",
            rule="MEM-1",
            value=fraction,
        )
    return check_fraction(fraction)  # finite (no NaN, no infinity), in ]0 ; 1]


def _required_text(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{attribute.name} vide", rule="MEM-1", value=value)


@attrs.frozen
class Member:
    id: str
    first_name: str = attrs.field(validator=_required_text)
    last_name: str = attrs.field(validator=_required_text)
    email: str | None = None
    # Added with the directory (migration 5); defaults keep older callers and rows valid.
    phone: str | None = None  # E.164 (MEM-2), printed the French way by the directory
    lifecycle: Lifecycle = Lifecycle.ACTIVE  # MEM-4
    arrival: dt.date | None = None  # MEM-5: the onboarding checklist counts from it
    departed_on: dt.date | None = None
    departure_reason: DepartureReason | None = None
    successor_id: str | None = None
    leaving_on: dt.date | None = None  # a departure announced ahead (MEM-8)
    helper: bool = False  # opted in to help a collectivity in difficulty (MEM-9)
    platform_access: bool = True  # revoked at departure (MEM-4, CHA-7)
    photo: str | None = None  # shown only with the photo consent (MEM-3)
    erased_on: dt.date | None = None  # MEM-11: anonymised on that day
    # Migration 14: the person asked not to be invited to network events (MEM-14).
    invitations_opt_out: bool = False
    # Migration 25 (IND-4): the year of birth only (data minimisation: never the day), and the
    # expected retirement date when the person or their employer gave it.
    birth_year: int | None = None
    retirement_on: dt.date | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def erased(self) -> bool:
        return self.erased_on is not None


@attrs.frozen
class Position:
    id: str
    member_id: str
    commune: str = attrs.field(validator=lambda _, __, v: validate_insee_code(v))
    function: Function
    work_time: Decimal = attrs.field(converter=validate_work_time)
    status: Status
    permanent: bool = True
    start: dt.date | None = None
    end: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


def work_time_total(positions: Iterable[Position], *, on: dt.date) -> Decimal:
    """MEM-1: the work-time fractions of the permanent positions held on ``on``, added up."""
    held = [p for p in positions if p.permanent and p.active_on(on)]
    return sum((p.work_time for p in held), Decimal(0))


def check_work_time_cap(positions: Iterable[Position], *, on: dt.date) -> Decimal:
    """MEM-1: the total of the permanent positions held on ``on``. Since the 2026-12 revision an
    excess over 115 % is recorded and flagged (:func:`work_time_excess`), never refused: the
    census records what it finds."""
    return work_time_total(positions, on=on)


@attrs.frozen
class WorkTimeExcess:
    """MEM-1: a person whose permanent positions (emplois à temps non complet) add up to more
    than 115 % of full time on ``on`` (décret 91-298 art. 8): recorded, flagged for the
    animator. ``positions`` are those counted."""

    member: Member
    total: Decimal
    positions: tuple[Position, ...]
    on: dt.date

    @property
    def percent(self) -> str:
        """The total as a French percentage (``120 %``), for listings."""
        return f"{(self.total * 100).normalize():f}".replace(".", ",") + " %"

    @property
    def message(self) -> str:
        return (
            f"quotités cumulées de {self.percent} au {self.on:%d/%m/%Y} : au-delà des 115 % "
            "permis pour des emplois à temps non complet (décret 91-298 art. 8), à examiner"
        )


def work_time_excess(
    member: Member, positions: Iterable[Position], *, on: dt.date
) -> WorkTimeExcess | None:
    """MEM-1: the flag of ``member`` if their permanent positions held on ``on`` exceed 115 %,
    else ``None``; never an error."""
    held = tuple(
        p for p in positions if p.member_id == member.id and p.permanent and p.active_on(on)
    )
    total = work_time_total(held, on=on)
    return WorkTimeExcess(member, total, held, on) if total > MAX_WORK_TIME else None


@attrs.frozen
class NewPosition:
    """A position to record together with its member (``app.members.add(…, position=…)``):
    the commune (INSEE code) and the terms of the post, checked when it is recorded (MEM-1).
    ``function`` and ``status`` accept the enum or its value."""

    commune: str
    function: Function | str = Function.SGM
    work_time: Decimal | int = 1
    status: Status | str = Status.TITULAIRE
    permanent: bool = True
    start: dt.date | None = None
    end: dt.date | None = None


def check_position_dates(start: dt.date | None, end: dt.date | None) -> None:
    """MEM-1: a position ends on or after the day it starts."""
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"un poste ne peut finir ({end:%d/%m/%Y}) avant de commencer ({start:%d/%m/%Y})",
            rule="MEM-1",
            value=end,
        )


def check_can_register(lifecycle: Lifecycle) -> None:
    """MEM-4: a person is recorded before their departure, never as already departed."""
    if lifecycle is Lifecycle.DEPARTED:
        raise RuleViolation(
            "un membre s'enregistre avant son départ", rule="MEM-4", value=lifecycle.value
        )


def check_open_commune(commune: Commune) -> None:
    """TER-5: a position is tied to a commune that still exists as such, not to a merged one."""
    if not commune.active:
        raise RuleViolation(
            f"la commune {commune.code} {commune.name} n'existe plus en tant que telle "
            f"({commune.status.value}) : rattachez le poste à "
            f"{commune.successor or 'sa commune actuelle'}",
            rule="TER-5",
            value=commune.code,
        )
