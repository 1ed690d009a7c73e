"""What each personal link names and does (NOT-3), inside the caller's unit of work: the object a
purpose needs, the link's expiry, the description a page shows before acting, and the act itself
through the use cases of registrations, directory, surveys and access.

Not part of the public API: the use cases are the methods of ``app.links``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.access import Role
from rsgm_core.domain.directory import FactKind, validate_phone
from rsgm_core.domain.events import RegistrationStatus
from rsgm_core.domain.links import LIFETIMES, LinkPurpose, SignedLink
from rsgm_core.domain.members import Member
from rsgm_core.domain.questionnaires import AnswerValue
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError
from rsgm_core.services.links import (
    DirectoryUpdate,
    LinkCheck,
    LinkChoice,
    LinkOutcome,
    consent_scope,
    session_start,
)

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["act", "check_target", "describe", "expiry_of"]

_NO_OBJECT = (
    LinkPurpose.DIRECTORY, LinkPurpose.ACCESS, LinkPurpose.UNSUBSCRIBE, LinkPurpose.SUGGESTION
)  # fmt: skip


def check_target(
    uow: UnitOfWork, purpose: LinkPurpose, member: Member, object_id: str | None
) -> str | None:
    """The object ``purpose`` names for ``member``, checked: an event, the member's own
    registration, a consent scope, a survey; none for the others."""
    if purpose in _NO_OBJECT:
        if object_id:
            raise ValidationError(
                f"un lien pour {purpose.label} ne nomme pas d'objet (reçu {object_id!r})",
                rule="NOT-3",
                value=object_id,
            )
        return None
    if purpose in (LinkPurpose.CONSENT, LinkPurpose.WITHDRAW_CONSENT):
        return consent_scope(object_id).value
    if not object_id:
        what = {LinkPurpose.REGISTER: "l'événement", LinkPurpose.CANCEL: "l'inscription",
                LinkPurpose.SURVEY: "le questionnaire"}[purpose]  # fmt: skip
        raise ValidationError(
            f"un lien pour {purpose.label} nomme {what} (--objet)", rule="NOT-3", value=None
        )
    if purpose is LinkPurpose.REGISTER:
        uow.events.get(object_id)
    elif purpose is LinkPurpose.SURVEY:
        uow.surveys.get(object_id)
    else:
        registration = uow.registrations.get(object_id)
        if registration.member_id != member.id:
            raise RuleViolation(  # needs storage: whose registration it is
                f"l'inscription {object_id} n'est pas celle de {member.full_name}",
                rule="NOT-3",
                value=object_id,
            )
    return object_id


def _starts(deps: Deps, uow: UnitOfWork, purpose: LinkPurpose, target: str) -> dt.datetime:
    if purpose is LinkPurpose.CANCEL:
        sessions = [uow.sessions.get(uow.registrations.get(target).session_id)]
    else:
        sessions = uow.sessions.list({"event_id": target})
    if not sessions:
        raise NotFoundError(
            "cet événement n'a pas encore de séance : rien à quoi s'inscrire",
            rule="NOT-3",
            value=target,
        )
    return max(session_start(deps, s.date, s.start) for s in sessions)


def expiry_of(
    deps: Deps, uow: UnitOfWork, purpose: LinkPurpose, target: str | None, now: dt.datetime
) -> dt.datetime:
    """When a link issued at ``now`` expires: its purpose's lifetime, and no later than the
    start of the (last) session for a registration or a cancellation."""
    expires = now + LIFETIMES[purpose]
    if purpose in (LinkPurpose.REGISTER, LinkPurpose.CANCEL) and target is not None:
        start = _starts(deps, uow, purpose, target)
        if start <= now:
            raise RuleViolation(  # needs storage: the sessions of the event
                f"la séance a déjà commencé ({start:%d/%m/%Y %H:%M}) : un lien pour "
                f"{purpose.label} n'aurait plus d'effet",
                rule="NOT-3",
                value=target,
            )
        expires = min(expires, start)
    return expires


def _title(uow: UnitOfWork, signed: SignedLink) -> str:
    purpose, target = signed.purpose, signed.object_id
    if target is None:
        return ""
    if purpose is LinkPurpose.REGISTER:
        return uow.events.get(target).title
    if purpose is LinkPurpose.CANCEL:
        session = uow.sessions.get(uow.registrations.get(target).session_id)
        return f"{uow.events.get(session.event_id).title} ({session.date:%d/%m/%Y})"
    if purpose is LinkPurpose.SURVEY:
        return uow.surveys.get(target).title
    return f"consentement « {consent_scope(target).value} »"


def _choices(
    uow: UnitOfWork, event_id: str, member_id: str, today: dt.date
) -> tuple[LinkChoice, ...]:
    sessions = sorted(uow.sessions.list({"event_id": event_id}), key=lambda s: (s.date, s.start))
    found = []
    for s in sessions:
        taken = waiting = 0
        held = None
        for r in uow.registrations.list({"session_id": s.id}):
            if r.status is RegistrationStatus.CONFIRMED:
                taken += 1
            elif r.status is RegistrationStatus.WAITING:
                waiting += 1
            if r.member_id == member_id and r.status is not RegistrationStatus.CANCELLED:
                held = r.status
        label = f"le {s.date:%d/%m/%Y}, {s.start:%H:%M}-{s.end:%H:%M}, {s.place}".replace(":", "h")
        full = s.capacity is not None and taken >= s.capacity
        found.append(LinkChoice(s.id, label, full, s.deadline, s.deadline < today, waiting, held))
    return tuple(found)


def describe(deps: Deps, uow: UnitOfWork, signed: SignedLink, member: Member) -> LinkCheck:
    """The page's description of what the link would do (nothing is written)."""
    title = _title(uow, signed)
    register = signed.purpose is LinkPurpose.REGISTER and signed.object_id is not None
    choices = _choices(uow, signed.object_id or "", member.id, deps.today()) if register else ()
    what = f"{signed.purpose.label} : « {title} »" if title else signed.purpose.label
    return LinkCheck(
        purpose=signed.purpose,
        member_id=member.id,
        person=member.full_name,
        object_id=signed.object_id,
        object_title=title,
        expires_at=signed.expires_at.astimezone(deps.settings.zone),
        single_use=signed.purpose.single_use,
        description=f"{member.full_name} peut {what}",
        choices=choices,
    )


def act(
    deps: Deps,
    uow: UnitOfWork,
    signed: SignedLink,
    member: Member,
    *,
    session_id: str | None,
    score: int | None,
    comment: str,
    update: DirectoryUpdate | None,
    responses: Mapping[str, AnswerValue] | None = None,
) -> LinkOutcome:
    """Do what the link is for, inside ``uow`` (NOT-3)."""
    purpose, target = signed.purpose, signed.object_id
    if purpose is LinkPurpose.REGISTER and target is not None:
        return _register(deps, uow, member, target, session_id)
    if purpose is LinkPurpose.CANCEL and target is not None:
        from rsgm_core.services.registrations import cancel_in

        done = cancel_in(deps, uow, target)
        told = (
            " ; la première personne de la liste d'attente prend la place" if done.promoted else ""
        )
        return LinkOutcome(purpose, member.id, f"Votre inscription est annulée{told}.", target)
    if purpose is LinkPurpose.CONSENT:
        from rsgm_core.services.directory import give_consent_in

        given = give_consent_in(uow, member.id, consent_scope(target), deps.today())
        return LinkOutcome(purpose, member.id, f"Votre consentement « {given.scope.value} » est "
                           f"enregistré depuis le {given.given_on:%d/%m/%Y}.", given.id)  # fmt: skip
    if purpose is LinkPurpose.WITHDRAW_CONSENT:
        from rsgm_core.services.directory import withdraw_consent_in

        scope = consent_scope(target)
        withdrawn = withdraw_consent_in(uow, member.id, scope, deps.today())
        if not withdrawn:
            return LinkOutcome(purpose, member.id, f"Aucun consentement « {scope.value} » n'était "
                               "en cours : rien à retirer.", changed=False)  # fmt: skip
        return LinkOutcome(purpose, member.id, f"Votre consentement « {scope.value} » est retiré : "
                           "votre fiche n'est plus visible des autres membres.")  # fmt: skip
    if purpose is LinkPurpose.SURVEY and target is not None:
        from rsgm_core.services.surveys import answer_in

        answer = answer_in(deps, uow, target, score=score, member_id=member.id, comment=comment,
                           responses=responses)  # fmt: skip
        return LinkOutcome(purpose, member.id, "Merci : votre réponse est enregistrée.", answer.id)
    if purpose is LinkPurpose.DIRECTORY:
        return _update_entry(deps, uow, member, update)
    if purpose is LinkPurpose.ACCESS:
        return _request_access(deps, uow, member)
    if purpose is LinkPurpose.SUGGESTION:  # NET-6: the suggestion is the comment
        from rsgm_core.services.suggestions import record_from_link

        return record_from_link(deps, uow, member, comment)
    if member.invitations_opt_out:
        return LinkOutcome(purpose, member.id, "Votre adresse ne recevait déjà plus les envois : rien n'a changé.",
                           changed=False)  # fmt: skip
    uow.members.update(attrs.evolve(member, invitations_opt_out=True))
    return LinkOutcome(purpose, member.id, "Désabonnement enregistré : vous ne recevrez plus "
                       "les invitations ni la lettre d'information du réseau.")  # fmt: skip


def _register(
    deps: Deps, uow: UnitOfWork, member: Member, event_id: str, session_id: str | None
) -> LinkOutcome:
    from rsgm_core.services.registrations import register_in

    sessions = uow.sessions.list({"event_id": event_id})
    if session_id is None and len(sessions) == 1:
        session_id = sessions[0].id
    if session_id is None or session_id not in {s.id for s in sessions}:
        raise ValidationError(
            "choisissez la séance à laquelle vous inscrire"
            + (f" : {session_id!r} n'est pas une séance de cet événement" if session_id else ""),
            rule="EVT-4",
            value=session_id,
        )
    made = register_in(deps, uow, session_id, member.id)
    if made.status is RegistrationStatus.WAITING:
        return LinkOutcome(LinkPurpose.REGISTER, member.id, "La séance est complète : votre inscription "
                           "est sur la liste d'attente, et un message vous préviendra si une "
                           "place se libère.", made.id, waiting_list=True)  # fmt: skip
    return LinkOutcome(
        LinkPurpose.REGISTER, member.id, "Votre inscription est enregistrée.", made.id
    )


def _update_entry(
    deps: Deps, uow: UnitOfWork, member: Member, update: DirectoryUpdate | None
) -> LinkOutcome:
    """MEM-2 through a link: phone, expertises, software, the town hall's hours."""
    from rsgm_core.services.directory import _replace_facts

    if update is None or update == DirectoryUpdate():
        raise ValidationError("rien à mettre à jour dans la fiche", rule="MEM-2", value=None)
    changed = []
    if update.phone is not None:
        phone = validate_phone(update.phone) if update.phone.strip() else None
        uow.members.update(attrs.evolve(member, phone=phone))
        changed.append("téléphone")
    if update.expertises is not None:
        vocabulary = deps.hooks.expertise_thesaurus()
        terms = dict.fromkeys(vocabulary.resolve(e) for e in update.expertises)
        _replace_facts(uow, member.id, FactKind.EXPERTISE, [(t, False) for t in terms])
        changed.append("domaines d'expertise")
    if update.software_used is not None or update.software_mastered is not None:
        vocabulary = deps.hooks.business_software()
        chosen = {vocabulary.resolve(s): False for s in update.software_used or ()}
        chosen.update({vocabulary.resolve(s): True for s in update.software_mastered or ()})
        _replace_facts(uow, member.id, FactKind.SOFTWARE, list(chosen.items()))
        changed.append("logiciels")
    if update.opening_hours is not None:
        communes = {p.commune for p in uow.positions.list({"member_id": member.id})
                    if p.active_on(deps.today())}  # fmt: skip
        halls = [h for h in (uow.town_halls.find(c) for c in sorted(communes)) if h is not None]
        if not halls:
            raise NotFoundError(  # needs storage: the town halls recorded
                "aucune mairie enregistrée pour vos communes : l'équipe d'animation doit d'abord "
                "saisir son adresse",
                rule="MEM-2",
                value=sorted(communes),
            )
        uow.town_halls.update_all(
            attrs.evolve(h, opening_hours=update.opening_hours) for h in halls
        )
        changed.append("horaires de la mairie")
    return LinkOutcome(LinkPurpose.DIRECTORY, member.id,
                       f"Votre fiche est mise à jour : {', '.join(changed)}.")  # fmt: skip


def _request_access(deps: Deps, uow: UnitOfWork, member: Member) -> LinkOutcome:
    """CHA-2 through a link: a request in the person's name, where the policy allows it."""
    from rsgm_core.services.access_requests import request_access_in

    today = deps.today()
    held = sorted(
        (p for p in uow.positions.list({"member_id": member.id}) if p.active_on(today)),
        key=lambda p: (p.start or dt.date.min, p.id),
    )
    if not member.email or not held:
        raise RuleViolation(  # needs storage: the person's address and positions
            f"{member.full_name} n'a pas d'adresse ou de poste en cours enregistré : l'équipe "
            "d'animation doit les saisir avant une demande d'accès",
            rule="CHA-2",
            value=member.id,
        )
    request = request_access_in(
        deps, uow, member.email, first_name=member.first_name, last_name=member.last_name,
        commune=held[0].commune, space_id=None, role=Role.CONTRIBUTOR, on=today,
    )  # fmt: skip
    return LinkOutcome(LinkPurpose.ACCESS, member.id, "Votre demande d'accès est enregistrée : "
                       "un administrateur du CDG la validera.", request.id)  # fmt: skip
