"""What the questionnaires give the rest of the network (SUR-2): the campaigns of the national
common core for the national export (IND-3) and the business software declared in the software
survey for the software map (KNB-5)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from rsgm_core.domain.directory import DirectoryFact, FactKind, fold
from rsgm_core.domain.national_core import CoreCampaign
from rsgm_core.domain.questionnaires import QuestionKind
from rsgm_core.domain.survey_results import band_of

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork

__all__ = ["CORE_PREFIX", "SOFTWARE_KEYS", "core_campaigns", "declared_software"]

#: the stable keys of the national core's questions start with it (``socle.anciennete``)
CORE_PREFIX = "socle."
#: the software survey's questions: used, mastered, others (one per line)
SOFTWARE_KEYS = ("logiciels_utilises", "logiciels_maitrises", "autres_logiciels")


def core_campaigns(uow: UnitOfWork) -> tuple[CoreCampaign, ...]:
    """SUR-2, IND-3: every sent survey asking questions of the national core, oldest first, as
    a :class:`CoreCampaign`: per core question, how many persons gave each answer (a choice's
    key, a scale's point, a number's band); free texts never. The first is the baseline (T0)."""
    surveys = sorted(
        (s for s in uow.surveys.list() if not s.draft), key=lambda s: (s.opened_on, s.title)
    )
    questions = [q for q in uow.survey_questions.list() if q.key.startswith(CORE_PREFIX)]
    by_survey: dict[str, list[str]] = {}
    for q in questions:
        by_survey.setdefault(q.survey_id, []).append(q.id)
    found: list[CoreCampaign] = []
    for survey in surveys:
        if survey.id not in by_survey:
            continue
        core = {q.id: q for q in questions if q.survey_id == survey.id}
        answers: dict[str, dict[str, int]] = {q.key: {} for q in core.values()}
        for response in uow.survey_responses.list({"survey_id": survey.id}):
            question = core.get(response.question_id)
            if question is None or question.kind is QuestionKind.TEXT or not response.values:
                continue
            cells = answers[question.key]
            values = response.values
            if question.kind is QuestionKind.NUMBER:
                values = (band_of(Decimal(values[0])),)
            for value in values:
                cells[value] = cells.get(value, 0) + 1
        respondents = uow.survey_answers.count({"survey_id": survey.id})
        found.append(
            CoreCampaign(
                f"{survey.title} ({survey.opened_on.year})" + ("" if found else " (T0)"),
                survey.opened_on.year, baseline=not found, invited=survey.invited,
                respondents=respondents, answers=answers,
            )
        )  # fmt: skip
    return tuple(found)


def declared_software(uow: UnitOfWork) -> list[DirectoryFact]:
    """KNB-5: the software each person declared in a software survey, as directory facts (not
    stored): used, or mastered; the "others" listed one per line count as used."""
    questions = {q.id: q for q in uow.survey_questions.list() if q.key in SOFTWARE_KEYS}
    if not questions:
        return []
    facts: dict[tuple[str, str, bool], DirectoryFact] = {}
    for survey_id in sorted({q.survey_id for q in questions.values()}):
        for response in uow.survey_responses.list({"survey_id": survey_id}):
            question = questions.get(response.question_id)
            if question is None or response.member_id is None:
                continue
            mastered = question.key == "logiciels_maitrises"
            labels = [question.label_of(v) for v in response.values]
            labels += [line.strip() for line in response.text.replace(";", "\n").splitlines()]
            for label in filter(None, labels):
                key = (response.member_id, fold(label), mastered)
                facts[key] = DirectoryFact(
                    f"enquete-{response.id}", response.member_id, FactKind.SOFTWARE, label,
                    fold(label), mastered,
                )  # fmt: skip
    return list(facts.values())
