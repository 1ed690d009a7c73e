"""Member lifecycle (MEM-4) and the onboarding checklist (MEM-5).

Lifecycle: prospect → invited → active → departed, forward only (a step may be skipped, e.g. a
prospect met at a network day who joins at once). A departure records its date, a reason, the
successor when known, and revokes platform access at once (CHA-7).

Onboarding: the items of the ANDCDG guide (Fiche 3.2), each due at an offset from the arrival date.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.domain.members import DepartureReason, Lifecycle, Member
from rsgm_core.errors import RuleViolation

__all__ = [
    "ONBOARDING",
    "OnboardingItem",
    "OnboardingStep",
    "OverdueStep",
    "announce_departure",
    "checklist",
    "depart",
    "move",
    "overdue",
]

_ORDER = (Lifecycle.PROSPECT, Lifecycle.INVITED, Lifecycle.ACTIVE, Lifecycle.DEPARTED)


def move(member: Member, to: Lifecycle) -> Member:
    """MEM-4: a forward move; the platform is open to active members only."""
    if _ORDER.index(to) <= _ORDER.index(member.lifecycle):
        raise RuleViolation(
            f"{member.full_name} est « {member.lifecycle.value} » : passage à « {to.value} » "
            "impossible (prospect → invité → actif → parti)",
            rule="MEM-4",
            value=to.value,
        )
    if to is Lifecycle.DEPARTED:
        raise RuleViolation(
            "un départ s'enregistre avec sa date et son motif", rule="MEM-4", value=to.value
        )
    return attrs.evolve(member, lifecycle=to, platform_access=to is Lifecycle.ACTIVE)


def announce_departure(member: Member, *, on: dt.date) -> Member:
    """MEM-8: a departure known ahead, on ``on``; refused for a member already gone (MEM-4)."""
    if member.lifecycle is Lifecycle.DEPARTED:
        raise RuleViolation(
            f"{member.full_name} a déjà quitté le réseau", rule="MEM-4", value=member.id
        )
    return attrs.evolve(member, leaving_on=on)


def depart(
    member: Member,
    *,
    on: dt.date,
    reason: DepartureReason,
    successor: Member | None = None,
) -> Member:
    """MEM-4: record a departure; access is revoked at once (CHA-7)."""
    if member.lifecycle is Lifecycle.DEPARTED:
        raise RuleViolation(
            f"{member.full_name} a déjà quitté le réseau"
            + (f" le {member.departed_on:%d/%m/%Y}" if member.departed_on else ""),
            rule="MEM-4",
            value=member.id,
        )
    if successor is not None and successor.id == member.id:
        raise RuleViolation(
            f"{member.full_name} ne peut être son propre successeur", rule="MEM-4", value=member.id
        )
    if successor is not None and successor.lifecycle is Lifecycle.DEPARTED:
        raise RuleViolation(
            f"le successeur {successor.full_name} est lui-même parti",
            rule="MEM-4",
            value=successor.id,
        )
    return attrs.evolve(
        member,
        lifecycle=Lifecycle.DEPARTED,
        departed_on=on,
        departure_reason=reason,
        successor_id=successor.id if successor else None,
        leaving_on=None,
        platform_access=False,
        helper=False,
    )


class OnboardingStep(enum.Enum):
    """MEM-5, Fiche 3.2: before arrival, on arrival, first weeks, 3 months."""

    WELCOME_KIT = "kit_accueil"
    TUTOR = "tuteur"
    WELCOME_SESSION_PLANNED = "session_accueil_planifiee"
    WELCOME_MAIL = "mail_bienvenue"
    NETWORK_TOLD = "reseau_informe"
    GROUPS = "groupes"
    KEY_RESOURCES = "ressources_cles"
    FIRST_VISIO = "premiere_visio"
    PRESENTATION = "presentation_evenement"
    QUESTIONNAIRE = "questionnaire_3_mois"
    TUTOR_REVIEW = "bilan_tuteur"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    OnboardingStep.WELCOME_KIT: "kit d'accueil prêt",
    OnboardingStep.TUTOR: "tuteur désigné",
    OnboardingStep.WELCOME_SESSION_PLANNED: "prochaine session d'accueil planifiée",
    OnboardingStep.WELCOME_MAIL: "mail de bienvenue envoyé",
    OnboardingStep.NETWORK_TOLD: "réseau informé de l'arrivée",
    OnboardingStep.GROUPS: "ajout aux groupes",
    OnboardingStep.KEY_RESOURCES: "ressources clés partagées",
    OnboardingStep.FIRST_VISIO: "première session d'accueil en visio",
    OnboardingStep.PRESENTATION: "présentation au prochain événement en présentiel",
    OnboardingStep.QUESTIONNAIRE: "questionnaire de suivi à 3 mois",
    OnboardingStep.TUTOR_REVIEW: "bilan avec le tuteur à 3 mois",
}

#: Each step and its due date relative to the arrival date (MEM-5).
ONBOARDING: tuple[tuple[OnboardingStep, relativedelta], ...] = (
    (OnboardingStep.WELCOME_KIT, relativedelta(days=-7)),
    (OnboardingStep.TUTOR, relativedelta(days=-7)),
    (OnboardingStep.WELCOME_SESSION_PLANNED, relativedelta(days=-7)),
    (OnboardingStep.WELCOME_MAIL, relativedelta()),
    (OnboardingStep.NETWORK_TOLD, relativedelta()),
    (OnboardingStep.GROUPS, relativedelta()),
    (OnboardingStep.KEY_RESOURCES, relativedelta()),
    (OnboardingStep.FIRST_VISIO, relativedelta(months=1)),
    (OnboardingStep.PRESENTATION, relativedelta(months=2)),
    (OnboardingStep.QUESTIONNAIRE, relativedelta(months=3)),
    (OnboardingStep.TUTOR_REVIEW, relativedelta(months=3)),
)


@attrs.frozen
class OnboardingItem:
    id: str
    member_id: str
    step: OnboardingStep
    due: dt.date
    done_on: dt.date | None = None

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def overdue_on(self, day: dt.date) -> bool:
        return self.done_on is None and self.due < day


def checklist(member_id: str, arrival: dt.date, ids: list[str]) -> list[OnboardingItem]:
    """MEM-5: the checklist of a member arriving on ``arrival``; ``ids`` one per step."""
    return [
        OnboardingItem(item_id, member_id, step, arrival + offset)
        for item_id, (step, offset) in zip(ids, ONBOARDING, strict=True)
    ]


def overdue(items: list[OnboardingItem], *, on: dt.date) -> list[OnboardingItem]:
    """MEM-5: the items not done whose due date has passed, oldest first, in the guide's order."""
    order = list(OnboardingStep)
    return sorted(
        (i for i in items if i.overdue_on(on)), key=lambda i: (i.due, order.index(i.step))
    )


@attrs.frozen
class OverdueStep:
    """MEM-5: one onboarding item not done past its due date, with the member it concerns."""

    member: Member
    item: OnboardingItem

    @property
    def member_id(self) -> str:
        return self.member.id

    @property
    def step(self) -> OnboardingStep:
        return self.item.step

    @property
    def due(self) -> dt.date:
        return self.item.due
