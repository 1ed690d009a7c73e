"""Tutorship (MEM-13): a tutor paired with a newcomer from arrival to the 3-month review (MEM-5),
a limited number of newcomers per tutor at once, and who could take over from a tutor who leaves
(MEM-8, by shared expertise).

Candidates are ranked, in this order: same EPCI as the newcomer, number of expertises shared, number
of business software shared (mastered counts before used), holding the tutor role (MEM-6), fewer
newcomers already carried, then by name. Each candidate comes with the French reasons that put
them where they are, like the helpers of MEM-9 (:mod:`rsgm_core.domain.activation`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable, Mapping, Sequence

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.domain.directory import DirectoryFact, FactKind, facts_by_member
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.territory import Commune
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "DEFAULT_TUTOR_LIMIT",
    "REVIEW_MONTHS",
    "TutorCandidate",
    "Tutorship",
    "TutorshipEnd",
    "check_limit",
    "check_tutor",
    "rank_tutors",
    "review_due",
]

#: MEM-13: newcomers one tutor carries at once, unless the profile says otherwise.
DEFAULT_TUTOR_LIMIT = 2
#: MEM-5, MEM-13: the pairing runs to the review at 3 months.
REVIEW_MONTHS = 3


class TutorshipEnd(enum.Enum):
    """Why a pairing ended."""

    REVIEW = "bilan"  # the 3-month review was held (MEM-5)
    SUCCESSOR = "relais"  # the tutor left or disengaged: another tutor took over (MEM-8)
    TUTOR_LEFT = "tuteur_parti"  # the tutor left, nobody took over yet
    NEWCOMER_LEFT = "arrivant_parti"  # the newcomer left the network before the review

    @property
    def label(self) -> str:
        return _END_LABELS[self]


_END_LABELS = {
    TutorshipEnd.REVIEW: "bilan à 3 mois tenu",
    TutorshipEnd.SUCCESSOR: "relais pris par un autre tuteur",
    TutorshipEnd.TUTOR_LEFT: "départ du tuteur",
    TutorshipEnd.NEWCOMER_LEFT: "départ de l'arrivant",
}


@attrs.frozen
class Tutorship:
    """MEM-13: ``tutor_id`` accompanies ``newcomer_id`` from ``started_on`` to the review due on
    ``review_due``; ``ended_on`` and ``end`` once over. ``forced``: paired over the tutor's limit
    on purpose. ``assigned_by``/``ended_by``: who paired and who ended (CHA-2)."""

    id: str
    newcomer_id: str
    tutor_id: str
    started_on: dt.date
    review_due: dt.date
    ended_on: dt.date | None = None
    end: TutorshipEnd | None = None
    forced: bool = False
    assigned_by: str | None = None
    ended_by: str | None = None

    def current_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)

    @property
    def current(self) -> bool:
        return self.ended_on is None


@attrs.frozen
class TutorCandidate:
    """A possible tutor (or successor), with what ranks them: ``load``, the newcomers they carry
    now, against ``limit``."""

    member: Member
    score: tuple[int, ...]
    reasons: tuple[str, ...]
    load: int
    limit: int

    @property
    def member_id(self) -> str:
        return self.member.id


def review_due(arrival: dt.date) -> dt.date:
    """MEM-5: the review with the tutor falls 3 months after the arrival."""
    return arrival + relativedelta(months=REVIEW_MONTHS)


def available(member: Member) -> bool:
    """A member who may tutor: active, not erased, no departure announced."""
    return member.lifecycle is Lifecycle.ACTIVE and not member.erased and member.leaving_on is None


def check_tutor(tutor: Member, newcomer: Member) -> None:
    """MEM-13: a tutor is an active member (no departure announced), other than the newcomer."""
    if tutor.id == newcomer.id:
        raise ValidationError(
            f"{tutor.full_name} ne peut pas être son propre tuteur : choisissez un autre membre ; "
            "rien n'a été enregistré",
            rule="MEM-13",
            value=tutor.id,
        )
    if not available(tutor):
        state = (
            f"départ annoncé le {tutor.leaving_on:%d/%m/%Y}"
            if tutor.lifecycle is Lifecycle.ACTIVE and tutor.leaving_on is not None
            else tutor.lifecycle.value
        )
        raise RuleViolation(
            f"{tutor.full_name} ne peut pas être tuteur : un tuteur est un membre actif du réseau "
            f"({state}) ; rien n'a été enregistré",
            rule="MEM-13",
            value=tutor.id,
        )


def check_limit(tutor: Member, load: int, limit: int, *, force: bool) -> bool:
    """MEM-13: a tutor carries at most ``limit`` newcomers at once; over it only with ``force``.
    Returns whether the pairing goes over the limit (forced)."""
    if load < limit:
        return False
    if not force:
        raise RuleViolation(
            f"{tutor.full_name} accompagne déjà {load} arrivant{'s' if load > 1 else ''}, la limite est de {limit} par "
            "tuteur : choisissez un autre tuteur, ou forcez l'appariement ; rien n'a été "
            "enregistré",
            rule="MEM-13",
            value=tutor.id,
        )
    return True


def check_limit_value(limit: object) -> int:
    """MEM-13: the configurable limit is a whole number from 1 to 20."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 20:
        raise ValidationError(
            f"nombre d'arrivants par tuteur invalide : {limit!r} (un entier de 1 à 20)",
            rule="MEM-13",
            value=limit,
        )
    return limit


def rank_tutors(
    target: Sequence[Commune],
    members: Iterable[Member],
    places: Mapping[str, Sequence[Commune]],
    facts: Iterable[DirectoryFact],
    loads: Mapping[str, int],
    *,
    limit: int,
    expertises: Collection[str] = (),
    software: Collection[str] = (),
    tutors: Collection[str] = (),
    exclude: Collection[str] = (),
    expertise_first: bool = False,
) -> list[TutorCandidate]:
    """MEM-13 (and MEM-8 for a successor): the available members under ``limit``, best first.

    ``target``: the communes of the newcomer's current positions (their EPCIs are compared);
    ``places``: each member's current communes; ``expertises``/``software``: the folded keys to
    share (the newcomer's, or the departing tutor's for a successor); ``loads``: newcomers each
    member carries now; ``tutors``: members holding the tutor role; ``exclude``: never proposed
    (the newcomer, the departing tutor, newcomers being accompanied themselves);
    ``expertise_first``: the expertise shared counts before the EPCI (MEM-8: a successor is
    proposed by shared expertise)."""
    held = facts_by_member(facts)
    epcis = {c.epci for c in target if c.epci}
    ranked = []
    for member in members:
        load = loads.get(member.id, 0)
        if member.id in exclude or not available(member) or load >= limit:
            continue
        mine = held.get(member.id, {})
        skills = mine.get(FactKind.EXPERTISE, {})
        tools = mine.get(FactKind.SOFTWARE, {})
        same_epci = any(c.epci in epcis for c in places.get(member.id, ()))
        got_skills = sorted(skills[k].value for k in expertises if k in skills)
        got_tools = [tools[k] for k in sorted(software) if k in tools]
        mastered = sum(1 for f in got_tools if f.mastered)
        is_tutor = member.id in tutors
        reasons = []
        if same_epci:
            reasons.append("même EPCI")
        if got_skills:
            reasons.append("expertise partagée : " + ", ".join(got_skills))
        if got_tools:
            reasons.append("logiciel partagé : " + ", ".join(f.software_label for f in got_tools))
        if is_tutor:
            reasons.append("rôle de tuteur")
        reasons.append(f"accompagne {load} arrivant{'s' if load > 1 else ''} sur {limit}")
        score = (int(same_epci), len(got_skills), len(got_tools), mastered, int(is_tutor), -load)
        if expertise_first:
            score = (len(got_skills), *score[:1], *score[2:])
        ranked.append(TutorCandidate(member, score, tuple(reasons), load, limit))
    ranked.sort(
        key=lambda c: (
            tuple(-s for s in c.score),
            c.member.last_name,
            c.member.first_name,
            c.member.id,
        )
    )
    return ranked
