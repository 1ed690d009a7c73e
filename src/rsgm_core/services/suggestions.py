"""Suggestions of members (NET-6): ``app.suggestions``.

Recorded from a member (by the member, or by the CDG's staff on their behalf; through the
member's personal link, see :func:`record_in`), put on the agenda of the follow-up committee's
next meeting (NET-2), decided by someone who sits on that committee (or a CDG administrator
recording its decision), and answered: the decision goes to the author through the outbox
(template ``suggestion_answer``, NOT-1) in the same unit of work as the decision.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.authorization import ActorRole, Operation, ended
from rsgm_core.domain.bounds import check_day
from rsgm_core.domain.governance import Committee, CommitteeKind
from rsgm_core.domain.history import check_not_future
from rsgm_core.domain.links import LinkPurpose
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.suggestions import (
    MAX_REASON,
    MAX_SUGGESTION,
    Suggestion,
    SuggestionOutcome,
    SuggestionSource,
    check_decider,
    check_decision,
    next_meeting,
)
from rsgm_core.domain.working_groups import clean_text
from rsgm_core.errors import ConflictError, RuleViolation, ValidationError
from rsgm_core.render.formatting import format_date
from rsgm_core.services.authorization import authorize, roles_of
from rsgm_core.services.members import enum_of, new_id
from rsgm_core.services.naming import find
from rsgm_core.services.network_territory import committee_departement

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps
    from rsgm_core.services.links import LinkOutcome

__all__ = ["SuggestionAgenda", "SuggestionService", "record_from_link", "record_in"]

RULE = "NET-6"
TEMPLATE = "suggestion_answer"


@attrs.frozen
class SuggestionAgenda:
    """NET-6, NET-2: the suggestions the follow-up committee (of ``departement``, ``""`` for the
    CDG's) has to examine at its next meeting (``meeting_on``, None when none is planned)."""

    departement: str
    meeting_on: dt.date | None
    suggestions: tuple[Suggestion, ...]


def _author_departement(uow: UnitOfWork, member: Member, day: dt.date) -> str:
    """TER-7: the department of the author's current (or last) town hall, ``""`` if none."""
    positions = sorted(uow.positions.list({"member_id": member.id}),
                       key=lambda p: (p.active_on(day), p.start or dt.date.min))  # fmt: skip
    if not positions:
        return ""
    commune = uow.communes.find(positions[-1].commune)
    return commune.departement if commune is not None else ""


def _committee_key(deps: Deps, uow: UnitOfWork, departement: str) -> str:
    """NET-2, TER-7: the department whose follow-up committee examines a suggestion from
    ``departement`` (``""``: the CDG keeps one committee)."""
    if not deps.settings.policies.per_departement:
        return ""
    return committee_departement(deps, uow, CommitteeKind.FOLLOW_UP, departement or None)


def _committee(uow: UnitOfWork, key: str) -> Committee | None:
    return uow.committees.find((CommitteeKind.FOLLOW_UP, key))


def record_in(
    deps: Deps,
    uow: UnitOfWork,
    member: Member,
    text: str,
    *,
    on: dt.date,
    source: SuggestionSource,
    recorded_by: str | None,
) -> Suggestion:
    """NET-6 inside the caller's unit of work: ``member``'s suggestion, received ``on``, put on
    the agenda of the follow-up committee's next meeting."""
    words = clean_text(text, what="texte de la suggestion", rule=RULE, limit=MAX_SUGGESTION)
    if member.erased_on is not None or member.lifecycle is Lifecycle.DEPARTED:
        raise RuleViolation(  # needs storage: the author as recorded now
            f"{member.full_name} a quitté le réseau : une suggestion vient d'un membre du réseau",
            rule=RULE,
            value=member.id,
        )
    departement = _author_departement(uow, member, on)
    key = _committee_key(deps, uow, departement)
    return uow.suggestions.add(
        Suggestion(new_id(), member.id, words, on, source, key,
                   next_meeting(_committee(uow, key), on=on), recorded_by)
    )  # fmt: skip


def _answer_context(deps: Deps, member: Member, suggestion: Suggestion) -> dict[str, object]:
    locale = deps.settings.locale
    outcome = suggestion.outcome
    assert outcome is not None and suggestion.decided_on is not None
    return {
        "member": {"first_name": member.first_name, "last_name": member.last_name},
        "text": suggestion.text,
        "received_on": format_date(suggestion.received_on, locale),
        "decided_on": format_date(suggestion.decided_on, locale),
        "outcome": outcome.value,
        "outcome_label": outcome.label,
        "reason": suggestion.reason,
        "planned_for": format_date(suggestion.planned_for, locale)
        if suggestion.planned_for
        else "",
    }


class SuggestionService:
    """``app.suggestions``: members' suggestions, the follow-up committee's agenda, decisions
    and answers (NET-6)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def record(
        self, member_id: str, text: str, *, by: str, on: dt.date | None = None
    ) -> Suggestion:
        """NET-6: ``member_id``'s suggestion, received ``on`` (today, or a past day), put on the
        agenda of the follow-up committee's next meeting. ``by``: the author, or a CDG staff
        member recording it for them (CHA-2)."""
        day = check_not_future(
            check_day(self.deps.on(on), what="date de réception", rule=RULE),
            today=self.deps.today(), what="date de réception de la suggestion", rule=RULE,
        )  # fmt: skip
        with self.deps.transaction() as uow:
            author = uow.members.get(member_id)
            actor: Member = find(uow, "members", by, rule="CHA-2") if by else author
            if not by or actor.id != author.id:
                actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            return record_in(self.deps, uow, author, text, on=day,
                             source=SuggestionSource.RECORDED, recorded_by=actor.id)  # fmt: skip

    def decide(
        self,
        suggestion_id: str,
        outcome: SuggestionOutcome | str,
        *,
        by: str,
        reason: str = "",
        planned_for: dt.date | None = None,
        on: dt.date | None = None,
    ) -> Suggestion:
        """NET-6: the follow-up committee's decision on ``on`` (today, or a past day):
        accepted, planned (``planned_for``: when, optionally) or declined with a ``reason``.
        ``by`` sits on the follow-up committee, or is a CDG administrator recording its decision.
        The answer goes to the author through the outbox in the same unit of work (none for an
        author without an address: ``answer_id`` stays None)."""
        chosen = enum_of(SuggestionOutcome, outcome, "décision")
        why = clean_text(reason, what="raison de la décision", rule=RULE, limit=MAX_REASON,
                         required=False)  # fmt: skip
        day = check_not_future(
            check_day(self.deps.on(on), what="date de la décision", rule=RULE),
            today=self.deps.today(), what="date de la décision", rule=RULE,
        )  # fmt: skip
        if planned_for is not None:
            check_day(planned_for, what="date de réalisation", rule=RULE)
        check_decision(chosen, why, planned_for, on=day)
        with self.deps.transaction() as uow:
            suggestion = uow.suggestions.get(suggestion_id)
            decider: Member = find(uow, "members", by, rule="CHA-2")
            roles = roles_of(uow, decider, on=self.deps.today())
            check_decider(decider, _committee(uow, suggestion.departement),
                          administrator=ActorRole.ADMINISTRATOR in roles,
                          ended=ended(decider, on=self.deps.today()))  # fmt: skip
            if suggestion.decided:
                raise ConflictError(
                    f"suggestion déjà décidée le {suggestion.decided_on:%d/%m/%Y} "
                    f"({suggestion.outcome.label if suggestion.outcome else ''})",
                    rule=RULE,
                    value=suggestion.id,
                )
            if day < suggestion.received_on:
                raise ValidationError(
                    f"décision le {day:%d/%m/%Y}, avant la réception de la suggestion le "
                    f"{suggestion.received_on:%d/%m/%Y}",
                    rule=RULE,
                    value=day.isoformat(),
                )
            decided = attrs.evolve(
                suggestion, outcome=chosen, reason=why, planned_for=planned_for,
                decided_on=day, decided_by=decider.id,
            )  # fmt: skip
            author = uow.members.get(suggestion.member_id)
            if author.email and author.erased_on is None:
                from rsgm_core.services.outbox import queue_message

                message = queue_message(
                    self.deps, uow, TEMPLATE, author.email,
                    _answer_context(self.deps, author, decided),
                )  # fmt: skip
                decided = attrs.evolve(decided, answer_id=message.id)
            return uow.suggestions.update(decided)

    def agenda(
        self, *, departement: str | None = None, on: dt.date | None = None
    ) -> SuggestionAgenda:
        """NET-6, NET-2: what the follow-up committee (of ``departement`` when the profile
        keeps one per department) examines at its next meeting on or after ``on`` (today):
        every suggestion not decided yet, oldest first."""
        day = self.deps.on(on)
        with self.deps.read() as uow:
            key = (
                committee_departement(self.deps, uow, CommitteeKind.FOLLOW_UP, departement)
                if self.deps.settings.policies.per_departement or departement is not None
                else ""
            )
            pending = [s for s in uow.suggestions.list() if not s.decided and s.departement == key]
            meeting = next_meeting(_committee(uow, key), on=day)
        return SuggestionAgenda(
            key, meeting, tuple(sorted(pending, key=lambda s: (s.received_on, s.id)))
        )

    def list_suggestions(
        self,
        *,
        member_id: str | None = None,
        pending: bool | None = None,
        departement: str | None = None,
    ) -> list[Suggestion]:
        """NET-6: the suggestions (of one author; only those not decided yet with ``pending``,
        only those decided with ``pending=False``; of one department's committee), by date."""
        with self.deps.read() as uow:
            found = uow.suggestions.list({"member_id": member_id} if member_id else None)
        return sorted(
            (
                s
                for s in found
                if (pending is None or s.decided is not pending)
                and (departement is None or s.departement == departement)
            ),
            key=lambda s: (s.received_on, s.id),
        )


def record_from_link(deps: Deps, uow: UnitOfWork, member: Member, text: str) -> LinkOutcome:
    """NET-6, NOT-3: the suggestion written on the member's own page (``app.links.use`` with the
    suggestion as ``comment``), inside the link's unit of work."""
    from rsgm_core.services.links import LinkOutcome

    made = record_in(deps, uow, member, text, on=deps.today(), source=SuggestionSource.LINK,
                     recorded_by=member.id)  # fmt: skip
    when = (
        f"à l'ordre du jour de la réunion du comité de suivi du {made.agenda_on:%d/%m/%Y}"
        if made.agenda_on
        else "à l'ordre du jour de la prochaine réunion du comité de suivi"
    )
    return LinkOutcome(
        LinkPurpose.SUGGESTION, member.id,
        f"Merci : votre suggestion est enregistrée et inscrite {when}. La réponse du comité vous "
        "sera envoyée par courriel.", made.id,
    )  # fmt: skip
