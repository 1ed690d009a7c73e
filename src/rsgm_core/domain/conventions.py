"""Membership conventions and their dates (TAR-4).

A convention is in force from its signature date for 2 years, then renews tacitly once for 2 more
years (4 years at most), unless either party gave notice at least one month before the renewal date.
No indemnity is due either way, so a termination never produces an invoice line.

Dates follow art. 641 of the Code de procédure civile, with ``S`` the signature date (every
anniversary is counted from ``S``, never chained, so a clipped date does not drift):

- renewal date ``R = S + 2 years``; the first term runs from ``S`` to the day before ``R``;
- end ``E = S + 4 years`` when renewed, ``R`` when notice was given; the last day in force is the
  day before;
- notice deadline ``R − 1 month``: the last day a notice is timely.

A term expressed in months or years ends on the day of the target month that bears the same
number as its start; when that month has no such day, on that month's last day (art. 641 CPC).
Signed on 29 February 2024, the convention renews on 28 February 2026, notice by 28 January 2026;
a renewal on 31 March 2027 has its notice deadline on 28 February 2027.

The header of the convention names the commune's SIRET, its service de gestion comptable (SGC)
and its council's deliberation (date, number): :class:`Convention` carries them, recorded at
signing; a convention recorded before they were asked for has them unknown (``None``, ``""``).
"""

import enum
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.domain.profile import validate_siret
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "NOTICE_MONTHS",
    "RENEWALS",
    "TERM_YEARS",
    "Convention",
    "Deadline",
    "DeadlineKind",
    "Deliberation",
    "Notice",
    "Party",
    "anniversary",
    "convention_in_force",
    "give_notice",
    "sign_convention",
    "terminate",
    "upcoming_deadlines",
]

TERM_YEARS = 2  # TAR-4
RENEWALS = 1  # TAR-4: renewable once, 4 years at most
NOTICE_MONTHS = 1  # TAR-4: notice at least one month before the renewal date


def anniversary(start: date, *, years: int = 0, months: int = 0) -> date:
    """The day a term of ``years`` and ``months`` counted from ``start`` falls on (art. 641 CPC).

    The day of the target month bearing ``start``'s number; when that month lacks it, its last day
    (29 February 2024 + 2 years = 28 February 2026; 31 August + 6 months = 28 or 29 February).
    Negative terms count backwards the same way (31 March − 1 month = 28 or 29 February).
    """
    return start + relativedelta(years=years, months=months)


class Party(enum.StrEnum):
    """Who gives notice of a convention (TAR-4): the CDG or the member collectivity."""

    CDG = "cdg"
    COLLECTIVITY = "collectivite"


def _party(value: object) -> Party:
    if isinstance(value, str):
        try:
            return Party(value)
        except ValueError:
            pass
    choices = ", ".join(Party)
    raise ValidationError(
        f"partie inconnue : {value!r} (attendu : {choices})", rule="TAR-4", value=value
    )


@attrs.frozen
class Notice:
    """A notice of termination given by one party (TAR-4)."""

    given_on: date
    by: Party = attrs.field(converter=_party)
    #: CHA-2: the CDG staff member who recorded the notice (a member id); None before
    #: rsgm_core recorded who acts.
    recorded_by: str | None = None


def _optional_siret(value: object) -> str | None:
    """A commune's SIRET, spaces removed, checked (14 digits, Luhn key); ``None`` when unknown."""
    if value is None:
        return None
    if isinstance(value, str):
        value = "".join(value.split()) or None
        if value is None:
            return None
    return validate_siret(value)


@attrs.frozen
class Deliberation:
    """The council's deliberation authorising the signature: its date and number (TAR-4)."""

    on: date
    number: str = ""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.on, datetime) or not isinstance(self.on, date):
            raise ValidationError(
                f"date de délibération invalide : {self.on!r} (une date attendue)",
                rule="TAR-4",
                value=self.on,
            )
        if not isinstance(self.number, str):
            raise ValidationError(
                f"numéro de délibération invalide : {self.number!r}",
                rule="TAR-4",
                value=self.number,
            )


@attrs.frozen
class Convention:
    """A commune's membership convention (TAR-4); see the module docstring for its dates.

    ``siret``, ``sgc`` (the commune's service de gestion comptable) and ``deliberation`` come from
    the convention's header; ``None``/``""`` when unknown (conventions recorded before migration 11).
    """

    insee: str
    signed_on: date
    reference: str = ""
    notice: Notice | None = None
    id: str = ""  # storage key, given when stored
    siret: str | None = attrs.field(default=None, converter=_optional_siret)
    sgc: str = ""
    deliberation: Deliberation | None = None
    #: CHA-2: who recorded the convention (a member id); None before migration 18.
    recorded_by: str | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.sgc, str):
            raise ValidationError(
                f"service de gestion comptable invalide : {self.sgc!r}",
                rule="TAR-4",
                value=self.sgc,
            )
        if self.deliberation is not None and self.deliberation.on > self.signed_on:
            raise ValidationError(
                f"délibération du {self.deliberation.on:%d/%m/%Y} postérieure à la signature "
                f"de la convention de la commune {self.insee} le {self.signed_on:%d/%m/%Y} : "
                "le conseil autorise la signature avant qu'elle n'ait lieu",
                rule="TAR-4",
                value=self.deliberation.on,
            )
        if not isinstance(self.insee, str) or not self.insee:
            raise ValidationError(
                f"code INSEE manquant ou invalide : {self.insee!r}", value=self.insee
            )
        if not isinstance(self.signed_on, date):
            raise ValidationError(
                f"date de signature invalide : {self.signed_on!r}",
                rule="TAR-4",
                value=self.signed_on,
            )
        if self.notice is not None:
            _check_notice(self, self.notice.given_on)

    @property
    def renewal_date(self) -> date:
        return anniversary(self.signed_on, years=TERM_YEARS)

    @property
    def notice_deadline(self) -> date:
        """The last day a notice stops the renewal (clipped backwards: never later than allowed)."""
        return self.renewal_date - relativedelta(months=NOTICE_MONTHS)

    @property
    def max_end(self) -> date:
        """The first day the convention is no longer in force if renewed (4 years at most)."""
        return anniversary(self.signed_on, years=TERM_YEARS * (1 + RENEWALS))

    @property
    def ends_on(self) -> date:
        """The first day the convention is no longer in force."""
        return self.renewal_date if self.notice is not None else self.max_end

    @property
    def last_day(self) -> date:
        return self.ends_on - timedelta(days=1)

    def in_force_on(self, day: date) -> bool:
        return self.signed_on <= day < self.ends_on

    def renewed_on(self, day: date) -> bool:
        """Whether, on ``day``, the convention is in its renewed term."""
        return self.notice is None and self.renewal_date <= day < self.max_end


def _check_notice(convention: Convention, given_on: date) -> None:
    # TAR-4: a notice must come after the signature and at least one month before the renewal date.
    if given_on < convention.signed_on:
        raise ValidationError(
            f"préavis daté du {given_on:%d/%m/%Y}, avant la signature de la convention de la "
            f"commune {convention.insee} le {convention.signed_on:%d/%m/%Y}",
            rule="TAR-4",
            value=given_on,
        )
    if given_on >= convention.renewal_date:
        raise RuleViolation(
            f"préavis du {given_on:%d/%m/%Y} refusé : la convention de la commune "
            f"{convention.insee} a été reconduite le {convention.renewal_date:%d/%m/%Y} et ne "
            f"l'est qu'une fois ; elle prend fin d'elle-même le {convention.last_day:%d/%m/%Y}",
            rule="TAR-4",
            value=given_on,
        )
    if given_on > convention.notice_deadline:
        raise RuleViolation(
            f"préavis du {given_on:%d/%m/%Y} trop tardif : il fallait le donner au plus tard le "
            f"{convention.notice_deadline:%d/%m/%Y}, un mois avant la reconduction du "
            f"{convention.renewal_date:%d/%m/%Y} (convention de la commune {convention.insee})",
            rule="TAR-4",
            value=given_on,
        )


def give_notice(convention: Convention, *, on: date, by: Party) -> Convention:
    """Terminate ``convention`` at its renewal date; no indemnity is due either way (TAR-4)."""
    if convention.notice is not None:
        raise RuleViolation(
            f"la convention de la commune {convention.insee} a déjà été dénoncée le "
            f"{convention.notice.given_on:%d/%m/%Y} ; "
            f"nouveau préavis du {on:%d/%m/%Y} inutile",
            rule="TAR-4",
            value=on,
        )
    return attrs.evolve(convention, notice=Notice(on, by))


def terminate(
    conventions: Iterable[Convention], insee: str, *, on: date, by: Party | str
) -> Convention:
    """The convention of ``insee`` in force on ``on``, with the notice ``by`` gave that day: it
    ends at its renewal date, without indemnity (TAR-4). None in force that day is refused, as is
    a notice too late, after the renewal, or a second one."""
    current = convention_in_force(conventions, insee, on)
    if current is None:
        raise RuleViolation(
            f"aucune convention de la commune {insee} n'est en vigueur le "
            f"{on:%d/%m/%Y} : rien à dénoncer",
            rule="TAR-4",
            value=on,
        )
    return give_notice(current, on=on, by=_party(by))


def sign_convention(
    insee: str,
    signed_on: date,
    *,
    existing: Iterable[Convention],
    reference: str = "",
    siret: str | None = None,
    sgc: str = "",
    deliberation: Deliberation | None = None,
) -> Convention:
    """A new convention for ``insee``, with its header (SIRET, SGC, deliberation); refused while
    another is in force on that date (TAR-4)."""
    convention = Convention(
        insee, signed_on, reference, siret=siret, sgc=sgc, deliberation=deliberation
    )
    for other in existing:
        if other.insee == insee and other.in_force_on(signed_on):
            raise RuleViolation(
                f"la commune {insee} a déjà une convention en vigueur le {signed_on:%d/%m/%Y} "
                f"(signée le {other.signed_on:%d/%m/%Y}, en vigueur jusqu'au "
                f"{other.last_day:%d/%m/%Y})",
                rule="TAR-4",
                value=signed_on,
            )
    return convention


def convention_in_force(
    conventions: Iterable[Convention], insee: str, day: date
) -> Convention | None:
    """The convention of ``insee`` in force on ``day``, if any."""
    return next((c for c in conventions if c.insee == insee and c.in_force_on(day)), None)


class DeadlineKind(enum.StrEnum):
    """What falls due on a :class:`Deadline` (TAR-4)."""

    NOTICE = "preavis"  # last day to give notice before the renewal
    RENEWAL = "reconduction"  # the convention renews tacitly
    EXPIRY = "echeance"  # last day the convention is in force


_LABELS = {
    DeadlineKind.NOTICE: "dernier jour pour dénoncer la convention",
    DeadlineKind.RENEWAL: "reconduction tacite de la convention",
    DeadlineKind.EXPIRY: "dernier jour de la convention",
}


@attrs.frozen
class Deadline:
    """A date a convention's holder must know of: the last day for notice, the tacit renewal,
    or the convention's last day (TAR-4)."""

    on: date
    kind: DeadlineKind
    convention: Convention

    @property
    def label(self) -> str:
        return f"{_LABELS[self.kind]} (commune {self.convention.insee})"


def upcoming_deadlines(
    conventions: Iterable[Convention], *, today: date, days: int = 90
) -> list[Deadline]:
    """Notice deadlines, renewals and expiries from ``today`` to ``today + days`` inclusive."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValidationError(f"horizon invalide : {days!r} (un nombre de jours ≥ 0)", value=days)
    horizon = today + timedelta(days=days)
    found: list[Deadline] = []
    for convention in conventions:
        candidates = [(convention.last_day, DeadlineKind.EXPIRY)]
        if convention.notice is None:
            candidates += [
                (convention.notice_deadline, DeadlineKind.NOTICE),
                (convention.renewal_date, DeadlineKind.RENEWAL),
            ]
        found += [Deadline(d, kind, convention) for d, kind in candidates if today <= d <= horizon]
    order = list(DeadlineKind)
    return sorted(found, key=lambda d: (d.on, order.index(d.kind), d.convention.insee))
