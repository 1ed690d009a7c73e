"""Elected officials and their mandates (MEM-12).

One :class:`Elu` record is one person in one mandate: the mayor or a deputy (adjoint) of a
commune, the president of an EPCI, or a member of the CDG's board (conseil d'administration),
from ``start`` to ``end`` (``None``: in office until further notice). A municipal election renews
them: the mandates in office end the day before the new ones start, and both stay on record
(history). The mayor signs the usage charter as themself (CHA-1), receives the launch letter and
the "information des maires" of each event (EVT-2), the EPCI presidents their letter, and the
steering committee's seats are held by élus (NET-3). A mandate that ends ends what rests on it:
the charter signature it gave lapses, its seat on the steering committee is left.

Pure rules here: a mandate ending before it starts, a mayor (or deputy) without a commune, an
EPCI president without an EPCI, and a second mayor of one commune (or president of one EPCI) over
the same dates are refused, each naming the value and MEM-12.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.domain.governance import Seat, SeatKind
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "Civility",
    "Elu",
    "EluLetter",
    "EluRole",
    "LetterChannel",
    "LetterKind",
    "check_elu",
    "check_no_overlap",
    "in_office",
    "overlaps",
    "renewed_by",
    "salutation",
    "steering_seat",
]

RULE = "MEM-12"


class EluRole(enum.Enum):
    """MEM-12: the mandate an élu record holds (value: the French word, masculine)."""

    MAYOR = "maire"
    DEPUTY = "adjoint"
    EPCI_PRESIDENT = "président d'EPCI"
    CDG_BOARD = "administrateur du CDG"

    def label(self, civility: Civility | None = None) -> str:
        """The title agreed with ``civility`` (« adjointe », « présidente d'EPCI »)."""
        if civility is not Civility.MADAME:
            return self.value
        return _FEMININE[self]

    @property
    def communal(self) -> bool:
        """Held in a commune (mayor, deputy): renewed by a municipal election."""
        return self in (EluRole.MAYOR, EluRole.DEPUTY)

    @property
    def single(self) -> bool:
        """One holder at a time: one mayor per commune, one president per EPCI."""
        return self in (EluRole.MAYOR, EluRole.EPCI_PRESIDENT)


_FEMININE = {
    EluRole.MAYOR: "maire",
    EluRole.DEPUTY: "adjointe",
    EluRole.EPCI_PRESIDENT: "présidente d'EPCI",
    EluRole.CDG_BOARD: "administratrice du CDG",
}


class Civility(enum.Enum):
    MADAME = "Madame"
    MONSIEUR = "Monsieur"


@attrs.frozen
class Elu:
    """MEM-12: one person in one mandate. ``commune`` (INSEE code) for a mayor or a deputy,
    ``epci`` (SIREN) for an EPCI president, neither for a member of the CDG's board; ``end``
    ``None`` while in office; a contact: ``email`` and a postal ``address`` (lines separated by
    newlines). ``recorded_by`` and ``ended_by``: who recorded it and who ended it (CHA-2)."""

    id: str
    first_name: str
    last_name: str
    role: EluRole
    start: dt.date
    end: dt.date | None = None
    commune: str | None = None
    epci: str | None = None
    civility: Civility | None = None
    email: str | None = None
    address: str = ""
    phone: str | None = None
    recorded_by: str | None = None
    ended_by: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def title(self) -> str:
        """« maire », « adjointe », « président d'EPCI »: the role agreed with the civility."""
        return self.role.label(self.civility)

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.address.splitlines() if line.strip())

    def in_office(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    @property
    def seat(self) -> str | None:
        """What the mandate is held in: the commune's code, the EPCI's SIREN, or None (CDG)."""
        return self.commune if self.role.communal else self.epci


class LetterKind(enum.Enum):
    """MEM-12, EVT-2: what is written to élus (value: the French name)."""

    LAUNCH = "lancement"  # the launch letter to the mayors (003 Fiche 1.6)
    EPCI = "présidents d'EPCI"  # the letter to the EPCI presidents (003 Fiche 1.6)
    EVENT_INFORMATION = "information des maires"  # EVT-2, at the invitation step
    EVENT_FEEDBACK = "retour aux élus"  # EVT-2, after the event (003 Fiche 2.2)

    @property
    def template(self) -> str:
        return _TEMPLATES[self]


_TEMPLATES = {
    LetterKind.LAUNCH: "elus_launch_letter",
    LetterKind.EPCI: "elus_epci_letter",
    LetterKind.EVENT_INFORMATION: "elus_event_information",
    LetterKind.EVENT_FEEDBACK: "elus_event_feedback",
}


class LetterChannel(enum.Enum):
    EMAIL = "courriel"  # queued in the outbox (NOT-1)
    POST = "courrier"  # printed in a mail-merge for postal mail


@attrs.frozen
class EluLetter:
    """MEM-12: one letter or message to one élu: its kind, the event it is about (EVT-2), the
    day, the channel, the outbox message when it went by e-mail, who sent it (CHA-2)."""

    id: str
    elu_id: str
    kind: LetterKind
    on: dt.date
    channel: LetterChannel = LetterChannel.EMAIL
    event_id: str | None = None
    message_id: str | None = None
    sent_by: str | None = None


def _dates(start: dt.date, end: dt.date | None) -> str:
    return f"du {start:%d/%m/%Y}" + (f" au {end:%d/%m/%Y}" if end else " (en cours)")


def check_elu(elu: Elu) -> Elu:
    """MEM-12: a name, a mandate that does not end before it starts, a commune for a mayor or a
    deputy, an EPCI for an EPCI president; a French error naming the value otherwise."""
    if not elu.first_name.strip() or not elu.last_name.strip():
        raise ValidationError(
            f"élu sans prénom ou sans nom : « {elu.full_name} »", rule=RULE, value=elu.full_name
        )
    if elu.end is not None and elu.end < elu.start:
        raise ValidationError(
            f"mandat de {elu.full_name} ({elu.title}) finissant le {elu.end:%d/%m/%Y}, avant "
            f"son début le {elu.start:%d/%m/%Y} : un mandat ne finit pas avant de commencer",
            rule=RULE,
            value=elu.end,
        )
    if elu.role.communal and not elu.commune:
        raise ValidationError(
            f"{elu.full_name} : un {elu.role.value} est l'élu d'une commune (code INSEE ou nom)",
            rule=RULE,
            value=elu.full_name,
        )
    if elu.role is EluRole.EPCI_PRESIDENT and not elu.epci:
        raise ValidationError(
            f"{elu.full_name} : un président d'EPCI est l'élu d'un EPCI (SIREN ou nom)",
            rule=RULE,
            value=elu.full_name,
        )
    return elu


def overlaps(a: Elu, b: Elu) -> bool:
    """Whether two mandates share a day (an open end runs on)."""
    far = dt.date.max
    return a.start <= (b.end or far) and b.start <= (a.end or far)


def check_no_overlap(elu: Elu, others: Iterable[Elu], *, place: str = "") -> None:
    """MEM-12: one mayor per commune and one president per EPCI on any day. ``others``: the
    mandates on record (and those of the same import); ``place``: the commune or EPCI's name."""
    if not elu.role.single:
        return
    for other in others:
        if other.id == elu.id or other.role is not elu.role or other.seat != elu.seat:
            continue
        if overlaps(elu, other):
            where = place or elu.seat or ""
            raise RuleViolation(
                f"second {elu.role.value} pour {where} sur les mêmes dates : {elu.full_name} "
                f"{_dates(elu.start, elu.end)}, alors que {other.full_name} l'est "
                f"{_dates(other.start, other.end)} ; terminez d'abord ce mandat (ou importez "
                "un renouvellement : --election)",
                rule=RULE,
                value=elu.full_name,
            )


def in_office(elus: Iterable[Elu], *, on: dt.date) -> list[Elu]:
    """The mandates held on ``on``, by role, place and name."""
    found = [e for e in elus if e.in_office(on)]
    return sorted(found, key=lambda e: (e.role.value, e.seat or "", fold(e.full_name)))


def renewed_by(
    elus: Iterable[Elu], *, roles: Iterable[EluRole], seats: Iterable[str], on: dt.date
) -> list[Elu]:
    """MEM-12: a renewal on ``on`` (a municipal election) ends, the day before, the mandates of
    ``roles`` held in ``seats`` (the communes or EPCIs the new file names) still running on
    ``on``; those already ended stay as they are."""
    wanted, places = frozenset(roles), frozenset(seats)
    return [
        e
        for e in elus
        if e.role in wanted and e.seat in places and e.start < on and (e.end is None or e.end >= on)
    ]


def salutation(elu: Elu) -> str:
    """The letter's salutation: « Madame la Maire », « Monsieur le Président », or « Madame,
    Monsieur » without a civility."""
    if elu.civility is None:
        return "Madame, Monsieur"
    feminine = elu.civility is Civility.MADAME
    article = "la" if feminine else "le"
    noun = {
        EluRole.MAYOR: "Maire",
        EluRole.DEPUTY: "Adjointe" if feminine else "Adjoint",
        EluRole.EPCI_PRESIDENT: "Présidente" if feminine else "Président",
        EluRole.CDG_BOARD: "Administratrice" if feminine else "Administrateur",
    }[elu.role]
    return f"{elu.civility.value} {article} {noun}"


def steering_seat(elu: Elu, *, on: dt.date, epci: str | None = None) -> Seat:
    """NET-3: the steering committee's seat ``elu`` holds (its holder the élu record's id): a
    member of the CDG's board sits for the CDG; an EPCI president, a mayor or a deputy for their
    EPCI (``epci``: a commune's EPCI, for a mayor or a deputy). An élu out of office on ``on``,
    or a mayor of a commune in no EPCI, holds none."""
    if not elu.in_office(on):
        raise RuleViolation(
            f"{elu.full_name} n'est plus {elu.title} le {on:%d/%m/%Y} (mandat terminé) : un "
            "siège du comité de pilotage est tenu par un élu en fonction",
            rule="NET-3",
            value=elu.full_name,
        )
    if elu.role is EluRole.CDG_BOARD:
        return Seat(SeatKind.CDG_ELECTED, elu.id)
    where = elu.epci if elu.role is EluRole.EPCI_PRESIDENT else epci
    if where is None:
        raise RuleViolation(
            f"{elu.full_name} ({elu.title}) n'est l'élu d'aucun EPCI : siège de l'EPCI impossible",
            rule="NET-3",
            value=elu.full_name,
        )
    return Seat(SeatKind.EPCI_ELECTED, elu.id, where)
