"""Surveys (SUR-1, EVT-9) and the newsletter cadence (EVT-10): ``app.surveys``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from rsgm_core._compat import deprecated_aliases
from rsgm_core.domain.animation import (
    Newsletter,
    Survey,
    SurveyAnswer,
    check_answer,
    newcomers_due,
)
from rsgm_core.domain.events import (
    SurveyKind,
    certificate_recipients,
    check_newsletter,
    in_depth_survey_due,
    satisfaction,
)
from rsgm_core.domain.links import LinkPurpose
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.progress import Progress, no_progress
from rsgm_core.domain.timeline import TaskKind
from rsgm_core.errors import RuleViolation, ValidationError
from rsgm_core.services.event_messages import event_registrations, mark_task
from rsgm_core.services.links import LinkMaker
from rsgm_core.services.members import enum_of, new_id
from rsgm_core.services.outbox import queue_message

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["SurveyDue", "SurveyResults", "SurveyService", "answer_in"]


@attrs.frozen
class SurveyResults:
    """A survey with its answer count, satisfaction rate and response rate (EVT-9); a rate is
    ``None`` where its denominator is zero."""

    survey: Survey
    answers: int
    satisfaction: Decimal | None  # share of scores 4-5 (EVT-9)
    response: Decimal | None  # answers / invited


@attrs.frozen
class SurveyDue:
    """SUR-1: a survey to send now, and why."""

    kind: SurveyKind
    reason: str
    event_id: str | None = None
    member_id: str | None = None


class SurveyService:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def send(
        self,
        kind: SurveyKind | str,
        *,
        title: str | None = None,
        event_id: str | None = None,
        member_id: str | None = None,
        link: str = "",
    ) -> Survey:
        """Open a survey and invite its audience through the outbox: a satisfaction survey goes to
        the event's attendees (EVT-9), a newcomer survey to that member, the needs and in-depth
        surveys to every active member (SUR-1). Each message carries the person's own link to
        answer (NOT-3), unless ``link`` names a survey run elsewhere."""
        chosen = enum_of(SurveyKind, kind, "type de questionnaire")
        with self.deps.transaction() as uow:
            audience = self._audience(uow, chosen, event_id, member_id)
            default = chosen.value.capitalize()
            if event_id is not None:
                default = f"{default} : {uow.events.get(event_id).title}"
            survey = Survey(
                new_id(), chosen, (title or default).strip(), self.deps.today(),
                invited=len(audience), event_id=event_id, member_id=member_id,
            )  # fmt: skip
            uow.surveys.add(survey)
            maker = LinkMaker(self.deps)
            for member in audience:
                if member.email:  # NOT-3, SUR-2: the personal link, unless one is given
                    answer = link or maker.url(LinkPurpose.SURVEY, member.id, survey.id)
                    queue_message(self.deps,
                        uow, "survey_invitation", member.email,
                        {"member": member, "survey": {"title": survey.title, "kind": survey.kind.value}, "link": answer},
                    )  # fmt: skip
            if chosen is SurveyKind.SATISFACTION and event_id is not None:
                mark_task(uow, uow.events.get(event_id), TaskKind.SATISFACTION_SURVEY)
        return survey

    def _audience(
        self, uow: UnitOfWork, kind: SurveyKind, event_id: str | None, member_id: str | None
    ) -> list[Member]:
        if kind is SurveyKind.SATISFACTION:
            if event_id is None:
                raise ValidationError(
                    "un questionnaire de satisfaction suit un événement", rule="EVT-9", value=None
                )
            uow.events.get(event_id)
            ids = [r.member_id for r in certificate_recipients(event_registrations(uow, event_id))]
            return uow.members.list({"id": ids}) if ids else []
        if kind is SurveyKind.NEWCOMER:
            if member_id is None:
                raise ValidationError(
                    "le questionnaire à 3 mois concerne un nouveau membre", rule="SUR-1", value=None
                )
            return [uow.members.get(member_id)]
        return [m for m in uow.members.list({"lifecycle": Lifecycle.ACTIVE}) if not m.erased]

    def answer(
        self,
        survey_id: str,
        *,
        score: int | None = None,
        member_id: str | None = None,
        comment: str = "",
    ) -> SurveyAnswer:
        """Record one answer; a member answers a survey once."""
        with self.deps.transaction() as uow:
            return answer_in(
                self.deps, uow, survey_id, score=score, member_id=member_id, comment=comment
            )

    def results(self, survey_id: str) -> SurveyResults:
        with self.deps.read() as uow:
            survey = uow.surveys.get(survey_id)
            answers = uow.survey_answers.list({"survey_id": survey_id})
        return _results(survey, answers)

    def list_surveys(self, *, kind: SurveyKind | str | None = None) -> list[SurveyResults]:
        """Every survey with its rates, oldest first; two reads whatever their number."""
        where = {"kind": enum_of(SurveyKind, kind, "type de questionnaire")} if kind else None
        with self.deps.read() as uow:
            surveys = uow.surveys.list(where)
            answers = uow.survey_answers.list()
        by_survey: dict[str, list[SurveyAnswer]] = {}
        for a in answers:
            by_survey.setdefault(a.survey_id, []).append(a)
        found = [_results(s, by_survey.get(s.id, [])) for s in surveys]
        return sorted(found, key=lambda r: (r.survey.opened_on, r.survey.title))

    def list_due_surveys(self, *, on: dt.date | None = None) -> list[SurveyDue]:
        """SUR-1 and EVT-9: what should go out now: the satisfaction survey of each event held
        and not yet surveyed, the 3-month survey of each newcomer, and the in-depth survey when
        the last one is 3 years old (or there was none)."""
        day = self.deps.on(on)
        with self.deps.read() as uow:
            surveys = uow.surveys.list()
            events = uow.events.list()
            last_dates: dict[str, dt.date] = {}
            for s in uow.sessions.list():
                last_dates[s.event_id] = max(s.date, last_dates.get(s.event_id, s.date))
            members = uow.members.list({"lifecycle": Lifecycle.ACTIVE})
        surveyed = {s.event_id for s in surveys if s.kind is SurveyKind.SATISFACTION}
        found = [
            SurveyDue(SurveyKind.SATISFACTION, f"« {e.title} » a eu lieu le {last_dates[e.id]:%d/%m/%Y}", event_id=e.id)
            for e in sorted(events, key=lambda e: last_dates.get(e.id, dt.date.max))
            if e.id in last_dates and last_dates[e.id] < day and e.id not in surveyed
        ]  # fmt: skip
        newcomers = {
            s.member_id
            for s in surveys
            if s.kind is SurveyKind.NEWCOMER and s.member_id is not None
        }
        names = {m.id: m for m in members}
        for member_id in newcomers_due([(m.id, m.arrival) for m in members], newcomers, on=day):
            member = names[member_id]
            found.append(
                SurveyDue(SurveyKind.NEWCOMER,
                          f"{member.full_name} est arrivé(e) le {member.arrival:%d/%m/%Y}",
                          member_id=member_id)
            )  # fmt: skip
        in_depth = [s.opened_on for s in surveys if s.kind is SurveyKind.IN_DEPTH]
        last = max(in_depth, default=None)
        if in_depth_survey_due(last, day):
            why = f"la dernière date du {last:%d/%m/%Y}" if last else "aucune n'a encore été menée"
            found.append(
                SurveyDue(SurveyKind.IN_DEPTH, f"enquête approfondie tous les 3 ans : {why}")
            )
        return found

    # Newsletter (EVT-10) -----------------------------------------------------------------------

    def newsletter(
        self,
        subject: str,
        text: str,
        *,
        force: bool = False,
        unsubscribe: str | None = None,
        progress: Progress | None = None,
    ) -> Newsletter:
        """Send the newsletter to every active member who has not unsubscribed; a second one in
        the month is refused unless ``force`` (then recorded as forced). Each message carries
        its recipient's own one-click unsubscribe link, in its text and its ``List-Unsubscribe``
        header (NOT-3, RFC 8058); ``unsubscribe`` is the shared address used when the profile
        has no ``[web]`` section for personal links. ``progress`` is told ``("lettres", done,
        total)`` as they are queued, then ``("messages", done, total)`` as they are delivered."""
        if not subject.strip() or not text.strip():
            raise ValidationError(
                "lettre d'information sans objet ou sans texte", rule="EVT-10", value=subject
            )
        today = self.deps.today()
        progress = progress or no_progress
        with self.deps.transaction(progress=progress) as uow:
            sent = [n.sent_on for n in uow.newsletters.list()]
            forced = check_newsletter(sent, today, force=force)
            members = [
                m
                for m in uow.members.list({"lifecycle": Lifecycle.ACTIVE})
                if m.email and not m.erased and not m.invitations_opt_out
            ]
            maker = LinkMaker(self.deps)
            for done, member in enumerate(members, 1):
                progress("lettres", done, len(members))
                own = maker.url(LinkPurpose.UNSUBSCRIBE, member.id)
                queue_message(self.deps,
                    uow, "newsletter", member.email or "",
                    {"member": member, "subject": subject.strip(), "text": text,
                     "links": {"unsubscribe": own}},
                    list_unsubscribe=own or unsubscribe,
                )  # fmt: skip
            return uow.newsletters.add(
                Newsletter(new_id(), today, subject.strip(), len(members), forced)
            )

    def list_newsletters(self) -> list[Newsletter]:
        """The newsletters sent, oldest first (EVT-10)."""
        with self.deps.read() as uow:
            return sorted(uow.newsletters.list(), key=lambda n: (n.sent_on, n.id))

    # The former names, attached below at run time, typed for a caller's checker; ``list`` comes
    # last, so that no annotation of the class reads it instead of the builtin.
    if TYPE_CHECKING:

        @typed_deprecated("use list_newsletters()")
        def newsletters(self) -> list[Newsletter]: ...
        @typed_deprecated("use list_due_surveys()")
        def due(self, *, on: dt.date | None = None) -> list[SurveyDue]: ...
        @typed_deprecated("use list_surveys()")
        def list(self, *, kind: SurveyKind | str | None = None) -> list[SurveyResults]: ...


def answer_in(
    deps: Deps,
    uow: UnitOfWork,
    survey_id: str,
    *,
    score: int | None,
    member_id: str | None,
    comment: str,
) -> SurveyAnswer:
    """:meth:`SurveyService.answer` inside the caller's unit of work (a personal link, NOT-3)."""
    survey = uow.surveys.get(survey_id)
    if member_id is not None:
        uow.members.get(member_id)
        if uow.survey_answers.count({"survey_id": survey.id, "member_id": member_id}):
            # needs storage: the member's earlier answers to this survey
            raise RuleViolation(
                "ce membre a déjà répondu à ce questionnaire", rule="SUR-1", value=member_id
            )
    check_answer(survey, score)
    answer = SurveyAnswer(new_id(), survey.id, deps.today(), score, member_id, comment.strip())
    return uow.survey_answers.add(answer)


def _results(survey: Survey, answers: Iterable[SurveyAnswer]) -> SurveyResults:
    answers = list(answers)
    scores = [a.score for a in answers if a.score is not None]
    rate, _ = satisfaction(scores, invited=survey.invited)
    response = None if survey.invited == 0 else Decimal(len(answers)) / Decimal(survey.invited)
    return SurveyResults(survey, len(answers), rate, response)


deprecated_aliases(
    SurveyService, list="list_surveys", newsletters="list_newsletters", due="list_due_surveys"
)
