"""Surveys (SUR-1, EVT-9) and the newsletter cadence (EVT-10): ``app.surveys``."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from rsgm_core._compat import deprecated_aliases
from rsgm_core.domain.animation import Newsletter, Survey, SurveyAnswer, newcomers_due
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
from rsgm_core.domain.questionnaires import AnswerValue, Question, QuestionFields, QuestionSpec
from rsgm_core.domain.survey_results import QuestionResult
from rsgm_core.domain.timeline import TaskKind
from rsgm_core.errors import RuleViolation, ValidationError
from rsgm_core.render.survey_report import Restitution, restitution_html, restitution_pdf
from rsgm_core.services.event_messages import event_registrations, mark_task
from rsgm_core.services.links import LinkMaker
from rsgm_core.services.members import enum_of, new_id
from rsgm_core.services.outbox import queue_message
from rsgm_core.services.questionnaires import (
    DEFAULT_SETS,
    QuestionSet,
    add_questions_in,
    answer_in,
    list_question_sets,
    questions_in,
    results_in,
    specs_of,
)
from rsgm_core.services.questionnaires import question_set as find_set
from rsgm_core.services.survey_import import SurveyImport, import_answers

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
    questions: tuple[QuestionResult, ...] = ()  # SUR-2: per question (results() only)


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

    def create(
        self,
        kind: SurveyKind | str,
        *,
        title: str | None = None,
        event_id: str | None = None,
        member_id: str | None = None,
        question_set: str | None = None,
        questions: Iterable[QuestionSpec | QuestionFields] = (),
    ) -> Survey:
        """Prepare a questionnaire without sending it (SUR-2): its kind, its title, the shipped
        ``question_set`` it starts from (the satisfaction survey's by default) and more
        ``questions``; :meth:`add_questions` adds others, :meth:`send` sends it."""
        with self.deps.transaction() as uow:
            return self._create(uow, kind, title, event_id, member_id, question_set, questions,
                                draft=True)  # fmt: skip

    def _create(
        self, uow: UnitOfWork, kind: SurveyKind | str, title: str | None, event_id: str | None,
        member_id: str | None, question_set: str | None,
        questions: Iterable[QuestionSpec | QuestionFields], *, draft: bool,
    ) -> Survey:  # fmt: skip
        chosen = enum_of(SurveyKind, kind, "type de questionnaire")
        specs = specs_of(questions)
        name = question_set or DEFAULT_SETS.get(chosen)
        shipped = find_set(name) if name else None
        default = shipped.title if shipped else chosen.value.capitalize()
        if event_id is not None:
            default = f"{default} : {uow.events.get(event_id).title}"
        if member_id is not None:
            uow.members.get(member_id)
        survey = Survey(
            new_id(), chosen, (title or default).strip(), self.deps.today(),
            invited=0, event_id=event_id, member_id=member_id, draft=draft,
        )  # fmt: skip
        if chosen is SurveyKind.SATISFACTION and event_id is None:
            raise ValidationError(
                "un questionnaire de satisfaction suit un événement", rule="EVT-9", value=None
            )
        uow.surveys.add(survey)
        add_questions_in(uow, survey, [*(shipped.questions if shipped else ()), *specs])
        return survey

    def add_questions(
        self, survey_id: str, questions: Iterable[QuestionSpec | QuestionFields]
    ) -> list[Question]:
        """Append questions to a survey, in order (SUR-2); refused once it has answers."""
        specs = specs_of(questions)
        with self.deps.transaction() as uow:
            return add_questions_in(uow, uow.surveys.get(survey_id), specs)

    def list_questions(self, *, survey_id: str) -> list[Question]:
        """The survey's questions in order (a survey without stored questions: score, comment)."""
        with self.deps.read() as uow:
            return list(questions_in(uow, uow.surveys.get(survey_id)))

    def list_question_sets(self) -> list[QuestionSet]:
        """The shipped question sets (SUR-2), French, in ``data/questionnaires``."""
        return list_question_sets()

    def send(
        self,
        kind: SurveyKind | str | None = None,
        *,
        survey_id: str | None = None,
        title: str | None = None,
        event_id: str | None = None,
        member_id: str | None = None,
        link: str = "",
        question_set: str | None = None,
    ) -> Survey:
        """Send a survey and invite its audience through the outbox: the one prepared by
        :meth:`create` (``survey_id``), else a new one of ``kind`` (with ``question_set``; the
        satisfaction survey gets the guide's questions). A satisfaction survey goes to the
        event's attendees (EVT-9), a newcomer survey to that member, the needs and in-depth
        surveys to every active member (SUR-1). Each message carries the person's own link to
        answer (NOT-3, SUR-2), unless ``link`` names a survey run elsewhere."""
        with self.deps.transaction() as uow:
            if survey_id is not None:
                survey = uow.surveys.get(survey_id)
                if not survey.draft:
                    # needs storage: the survey read
                    raise RuleViolation(
                        f"le questionnaire « {survey.title} » est déjà envoyé", rule="SUR-2",
                        value=survey_id,
                    )  # fmt: skip
            elif kind is None:
                raise ValidationError(
                    "dites quel questionnaire envoyer (son type ou le questionnaire préparé)",
                    rule="SUR-2", value=None,
                )  # fmt: skip
            else:
                survey = self._create(uow, kind, title, event_id, member_id, question_set, (),
                                      draft=False)  # fmt: skip
            audience = self._audience(uow, survey.kind, survey.event_id, survey.member_id)
            survey = attrs.evolve(survey, invited=len(audience), draft=False,
                                  opened_on=self.deps.today())  # fmt: skip
            uow.surveys.update(survey)
            maker = LinkMaker(self.deps)
            for member in audience:
                if member.email:  # NOT-3, SUR-2: the personal link, unless one is given
                    answer = link or maker.url(LinkPurpose.SURVEY, member.id, survey.id)
                    queue_message(self.deps,
                        uow, "survey_invitation", member.email,
                        {"member": member, "survey": {"title": survey.title, "kind": survey.kind.value}, "link": answer},
                    )  # fmt: skip
            if survey.kind is SurveyKind.SATISFACTION and survey.event_id is not None:
                mark_task(uow, uow.events.get(survey.event_id), TaskKind.SATISFACTION_SURVEY)
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
        responses: Mapping[str, AnswerValue] | None = None,
        on: dt.date | None = None,
    ) -> SurveyAnswer:
        """Record one answer (SUR-2): ``responses`` maps question keys to answers (a scale's
        1-5, a choice's key or label, a list for a multiple choice, a number, a text); ``score``
        and ``comment`` answer the ``note`` and ``commentaire`` questions. Every answer is
        checked against its question and every required question must be answered; a person
        answers a survey once."""
        with self.deps.transaction() as uow:
            return answer_in(self.deps, uow, survey_id, score=score, member_id=member_id,
                             comment=comment, responses=responses, on=on)  # fmt: skip

    def results(self, survey_id: str) -> SurveyResults:
        """The survey's rates and its results question by question (SUR-2), free texts
        anonymised."""
        with self.deps.read() as uow:
            survey = uow.surveys.get(survey_id)
            answers = uow.survey_answers.list({"survey_id": survey_id})
            questions = results_in(uow, survey, on=self.deps.today())
        return attrs.evolve(_results(survey, answers), questions=questions)

    def import_answers(
        self, survey_id: str, path: Path | str, *, dry_run: bool = False
    ) -> SurveyImport:
        """Import answers collected elsewhere (SUR-2): a LimeSurvey CSV export or a plain file,
        one row per answer; all or nothing (``dry_run``: checked, nothing written)."""
        return import_answers(self.deps, survey_id, Path(path), dry_run=dry_run)

    def restitution(self, survey_id: str, *, pdf: bool = False) -> bytes:
        """The restitution document (SUR-2): HTML (UTF-8), or PDF with the ``pdf`` extra."""
        found = self.results(survey_id)
        s = found.survey
        cdg = self.deps.settings.cdg
        doc = Restitution(s.title, s.kind.value, s.opened_on, s.invited, found.answers,
                          found.response, found.questions, cdg.name if cdg else "")  # fmt: skip
        return restitution_pdf(doc) if pdf else restitution_html(doc).encode()

    def list_surveys(self, *, kind: SurveyKind | str | None = None) -> list[SurveyResults]:
        """Every survey with its rates, oldest first; two reads whatever their number: the
        surveys, and their answers counted by survey and score where they are stored."""
        where = {"kind": enum_of(SurveyKind, kind, "type de questionnaire")} if kind else None
        with self.deps.read() as uow:
            surveys = uow.surveys.list(where)
            tallies = uow.survey_answers.aggregate(("survey_id", "score"))
        # per survey, integers (no object per survey): answers without a score (one group)
        unscored: dict[str, int] = {}
        low: dict[str, int] = {}  # scores 1-3
        high: dict[str, int] = {}  # scores 4-5
        wrong: dict[str, int] = {}  # a score outside 1-5
        for (survey_id, score), tally in tallies.items():
            if score is None:
                unscored[survey_id] = tally.count
            elif score >= 4:
                high[survey_id] = high.get(survey_id, 0) + tally.count
                if score > 5:
                    wrong[survey_id] = score
            else:
                low[survey_id] = low.get(survey_id, 0) + tally.count
                if score < 1:
                    wrong[survey_id] = score
        for survey in surveys:
            if survey.id in wrong:  # EVT-9: refused as the record path refuses it
                satisfaction([wrong[survey.id]], invited=survey.invited)
        results = []  # _results() from the counts, inline
        for s in sorted(surveys, key=operator.attrgetter("opened_on", "title")):
            satisfied = high.get(s.id, 0)
            scored = satisfied + low.get(s.id, 0)
            answers = scored + unscored.get(s.id, 0)
            results.append(SurveyResults(  # Decimal / int is Decimal / Decimal(int)
                s, answers, None if scored == 0 else Decimal(satisfied) / scored,
                None if s.invited == 0 else Decimal(answers) / s.invited,
            ))  # fmt: skip
        return results

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
                          f"{member.full_name}, arrivée le {member.arrival:%d/%m/%Y}",
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


def _results(survey: Survey, answers: Iterable[SurveyAnswer]) -> SurveyResults:
    answers = list(answers)
    scores = [a.score for a in answers if a.score is not None]
    rate, _ = satisfaction(scores, invited=survey.invited)
    response = None if survey.invited == 0 else Decimal(len(answers)) / Decimal(survey.invited)
    return SurveyResults(survey, len(answers), rate, response)


deprecated_aliases(
    SurveyService, list="list_surveys", newsletters="list_newsletters", due="list_due_surveys"
)
