"""MEM-5: the welcome mail of the onboarding checklist, sent through the outbox (NOT-1), the use
case behind ``app.members.send_welcome``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.lifecycle import OnboardingItem, OnboardingStep
from rsgm_core.domain.members import Member
from rsgm_core.domain.messages import OutboxMessage
from rsgm_core.domain.rgpd import check_editable
from rsgm_core.errors import RuleViolation
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["WelcomeMail", "send_welcome", "tick_step"]


@attrs.frozen
class WelcomeMail:
    """MEM-5: the welcome mail queued in the outbox for ``member`` (``message``: its subject,
    recipient and status when queued) and the checklist step it ticked (``None`` when the member
    has no onboarding checklist: recorded without an arrival date)."""

    member: Member
    message: OutboxMessage
    step: OnboardingItem | None


def send_welcome(deps: Deps, member_id: str, *, on: dt.date | None, again: bool) -> WelcomeMail:
    """MEM-5: queue the ``member_welcome`` message to the member's address and tick the step
    « mail de bienvenue envoyé » on ``on`` (today), in one unit of work; delivered after the
    commit like every message (NOT-1), with the member's consent and directory links (NOT-3). A
    mail already sent is not sent twice unless ``again``."""
    from rsgm_core.services.members import welcome_links  # members imports this module

    day = deps.on(on)
    with deps.transaction() as uow:
        member = uow.members.get(member_id)
        check_editable(member, "ce mail de bienvenue")  # MEM-11, MEM-4
        if not member.email:
            raise RuleViolation(  # needs storage: the member's record as it stands
                f"{member.full_name} n'a pas d'adresse électronique : le mail de bienvenue ne "
                "peut pas partir (ajoutez son adresse d'abord) ; rien n'a été enregistré",
                rule="MEM-5",
                value=member.id,
            )
        items = uow.onboarding_items.list(
            {"member_id": member.id, "step": OnboardingStep.WELCOME_MAIL}
        )
        item = items[0] if items else None
        if item is not None and item.done_on is not None and not again:
            raise RuleViolation(  # needs storage: the checklist as it stands
                f"le mail de bienvenue de {member.full_name} est déjà coché envoyé le "
                f"{item.done_on:%d/%m/%Y} : demandez un nouvel envoi explicitement pour le "
                "renvoyer ; rien n'a été envoyé",
                rule="MEM-5",
                value=member.id,
            )
        today = deps.today()
        codes = [
            p.commune for p in uow.positions.list({"member_id": member.id}) if p.active_on(today)
        ]
        town = uow.communes.find(codes[0]) if codes else None
        message = queue_message(
            deps, uow, "member_welcome", member.email,
            {"member": member, "commune": town.name if town else None,
             "links": welcome_links(deps, member.id)},
        )  # fmt: skip
        if item is not None:
            item = uow.onboarding_items.update(attrs.evolve(item, done_on=day))
        return WelcomeMail(member, message, item)


def tick_step(
    uow: UnitOfWork, member_id: str, step: OnboardingStep, day: dt.date | None
) -> OnboardingItem | None:
    """MEM-5, MEM-13: tick (``day``) or untick (``None``) one item of a member's checklist inside
    the caller's unit of work: the pairing with a tutor ticks « tuteur désigné », the review at
    3 months « bilan avec le tuteur à 3 mois ». ``None`` when the member has no checklist
    (recorded without an arrival date)."""
    items = uow.onboarding_items.list({"member_id": member_id, "step": step})
    if not items:
        return None
    return uow.onboarding_items.update(attrs.evolve(items[0], done_on=day))
