"""Questionnaires over storage (SUR-2): the shipped question sets, a survey's questions, one
person's answer checked and written, the results question by question with the free texts
anonymised. :class:`~rsgm_core.services.surveys.SurveyService` (``app.surveys``) calls these."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.animation import Survey, SurveyAnswer, check_answer
from rsgm_core.domain.events import SurveyKind
from rsgm_core.domain.questionnaires import (
    COMMENT_KEY,
    SCORE_KEY,
    AnswerValue,
    Question,
    QuestionFields,
    QuestionKind,
    QuestionSpec,
    SurveyResponse,
    check_question,
    implicit_questions,
    make_spec,
    read_answers,
)
from rsgm_core.domain.survey_results import SMALL_CELL, QuestionResult, anonymise, question_result
from rsgm_core.errors import RuleViolation, ValidationError
from rsgm_core.services.members import new_id

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = [
    "QuestionSet",
    "add_questions_in",
    "answer_in",
    "list_question_sets",
    "question_set",
    "questions_in",
    "results_in",
    "specs_of",
]

RULE = "SUR-2"
#: the question set a survey gets by default, per kind (SUR-2): the satisfaction survey follows
#: the guide; the others keep the score and comment unless a set is named
DEFAULT_SETS = {SurveyKind.SATISFACTION: "satisfaction"}


@attrs.frozen
class QuestionSet:
    """A shipped question set (``data/questionnaires/<key>.toml``, French)."""

    key: str
    title: str
    kind: SurveyKind
    questions: tuple[QuestionSpec, ...]


def _files() -> list[str]:
    folder = resources.files("rsgm_core") / "data" / "questionnaires"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def question_set(name: str) -> QuestionSet:
    """The shipped question set ``name`` (``satisfaction``, ``besoins``, ``etonnement``,
    ``logiciels``, ``socle-national``); an unknown name is refused, naming the sets."""
    names = _files()
    key = name.strip().lower()
    if key not in names:
        raise ValidationError(
            f"jeu de questions inconnu : « {name} » ; jeux livrés : {', '.join(names)}",
            rule=RULE, value=name,
        )  # fmt: skip
    path = resources.files("rsgm_core") / "data" / "questionnaires" / f"{key}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    specs = tuple(
        make_spec(q["cle"], q["intitule"], q.get("type"), required=bool(q.get("obligatoire")),
                  choices=q.get("choix", ()))
        for q in data["questions"]
    )  # fmt: skip
    return QuestionSet(key, data["titre"], SurveyKind(data["type"]), specs)


def list_question_sets() -> list[QuestionSet]:
    return [question_set(name) for name in _files()]


def questions_in(uow: UnitOfWork, survey: Survey) -> tuple[Question, ...]:
    """The survey's questions in order; a survey without stored questions asks its score and its
    comment (:func:`~rsgm_core.domain.questionnaires.implicit_questions`)."""
    stored = sorted(uow.survey_questions.list({"survey_id": survey.id}), key=lambda q: q.position)
    if stored:
        return tuple(stored)
    return implicit_questions(survey.id, score_required=survey.kind is SurveyKind.SATISFACTION)


def add_questions_in(
    uow: UnitOfWork, survey: Survey, specs: Sequence[QuestionSpec]
) -> list[Question]:
    """Append ``specs`` to the survey's questions, in order; refused once it has answers."""
    if uow.survey_answers.count({"survey_id": survey.id}):
        # needs storage: the survey's answers
        raise RuleViolation(
            f"le questionnaire « {survey.title} » a déjà des réponses : ses questions ne "
            "changent plus", rule=RULE, value=survey.id,
        )  # fmt: skip
    stored = sorted(uow.survey_questions.list({"survey_id": survey.id}), key=lambda q: q.position)
    taken = [q.key for q in stored]
    added = []
    for spec in specs:
        check_question(spec, taken)
        taken.append(spec.key)
        question = Question(new_id(), survey.id, len(taken), spec.key, spec.text.strip(),
                            spec.kind, spec.required, spec.choices)  # fmt: skip
        added.append(uow.survey_questions.add(question))
    return added


def answer_in(
    deps: Deps,
    uow: UnitOfWork,
    survey_id: str,
    *,
    score: int | None = None,
    member_id: str | None = None,
    comment: str = "",
    responses: Mapping[str, AnswerValue] | None = None,
    on: dt.date | None = None,
) -> SurveyAnswer:
    """One person's answer (SUR-2), checked against every question and written, inside the
    caller's unit of work (a personal link, an import, ``app.surveys.answer``). ``score`` and
    ``comment`` are the answers to the ``note`` and ``commentaire`` questions."""
    survey = uow.surveys.get(survey_id)
    if survey.draft:
        raise RuleViolation(  # needs storage: the survey read
            f"le questionnaire « {survey.title} » n'est pas encore envoyé", rule=RULE,
            value=survey.id,
        )  # fmt: skip
    if member_id is not None:
        uow.members.get(member_id)
        if uow.survey_answers.count({"survey_id": survey.id, "member_id": member_id}):
            # needs storage: the member's earlier answers to this survey
            raise RuleViolation(
                "cette personne a déjà répondu à ce questionnaire (une réponse par personne)",
                rule=RULE, value=member_id,
            )  # fmt: skip
    questions = questions_in(uow, survey)
    keys = {q.key for q in questions}
    given = dict(responses or {})
    for key, value in ((SCORE_KEY, score), (COMMENT_KEY, comment.strip() or None)):
        if value is None or key not in keys:
            continue
        if given.get(key) not in (None, "") and str(given[key]).strip() != str(value).strip():
            raise ValidationError(
                f"deux réponses différentes à « {key} » : {given[key]} et {value}", rule=RULE,
                value=key,
            )  # fmt: skip
        given[key] = value
    if survey.kind is SurveyKind.SATISFACTION and given.get(SCORE_KEY) in (None, ""):
        check_answer(survey, None)  # EVT-9: its message, before the generic one
    found = read_answers(questions, given)
    note = found.get(SCORE_KEY)
    final_score = int(note[0][0]) if note else score
    check_answer(survey, final_score)
    text = found[COMMENT_KEY][1] if COMMENT_KEY in found else comment.strip()
    answer = uow.survey_answers.add(
        SurveyAnswer(new_id(), survey.id, deps.on(on), final_score, member_id, text)
    )
    for question in questions:
        if question.id and question.key in found:
            values, free = found[question.key]
            uow.survey_responses.add(
                SurveyResponse(new_id(), answer.id, survey.id, question.id, values, free, member_id)
            )
    return answer


def _small_communes(uow: UnitOfWork, day: dt.date) -> list[str]:
    """The names of the communes where the network has fewer than :data:`SMALL_CELL` persons
    (a commune named in a free text there could tell who wrote it)."""
    people: dict[str, set[str]] = {}
    for position in uow.positions.list():
        if position.active_on(day):
            people.setdefault(position.commune, set()).add(position.member_id)
    small = sorted(code for code, ids in people.items() if len(ids) < SMALL_CELL)
    return [c.name for c in uow.communes.list({"code": small})] if small else []


def results_in(uow: UnitOfWork, survey: Survey, *, on: dt.date) -> tuple[QuestionResult, ...]:
    """SUR-2: each question's results; free texts without names, addresses nor small communes."""
    questions = questions_in(uow, survey)
    answers = uow.survey_answers.list({"survey_id": survey.id})
    by_question: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    if any(q.id for q in questions):
        for r in uow.survey_responses.list({"survey_id": survey.id}):
            by_question.setdefault(r.question_id, []).append((r.values, r.text))
    else:  # the score and the comment of a survey without stored questions
        by_question = {
            "": [],
            SCORE_KEY: [((str(a.score),), "") for a in answers if a.score is not None],
            COMMENT_KEY: [((), a.comment) for a in answers if a.comment],
        }
    names: set[str] = set()
    for member in uow.members.list():
        names.update((member.first_name, member.last_name, member.full_name))
    communes = _small_communes(uow, on)
    found = []
    for question in questions:
        result = question_result(question, by_question.get(question.id or question.key, []))
        if result.texts:
            texts = tuple(anonymise(t, names=names, communes=communes) for t in result.texts)
            result = attrs.evolve(result, texts=texts)
        found.append(result)
    return tuple(found)


def specs_of(items: Iterable[QuestionSpec | QuestionFields]) -> list[QuestionSpec]:
    """Question specs from specs or mappings (``key``, ``text``, ``kind``, ``required``,
    ``choices``); a question without a kind is refused, naming it."""
    found = []
    for item in items:
        if isinstance(item, QuestionSpec):
            found.append(item)
            continue
        choices = item.get("choices") or ()
        kind = item.get("kind")
        found.append(
            make_spec(str(item.get("key", "")), str(item.get("text", "")),
                      kind if isinstance(kind, (str, QuestionKind)) else None,
                      required=bool(item.get("required", False)),
                      choices=[str(c) for c in choices] if isinstance(choices, (list, tuple)) else ())
        )  # fmt: skip
    return found
