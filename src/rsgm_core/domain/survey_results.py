"""The results of a questionnaire, question by question (SUR-2): how many answered, the count and
share of each choice (or of each point of a scale), the mean and median of a scale or a number,
and the free texts anonymised (no name, no e-mail address, no commune where fewer than 5 persons
could be told apart). Pure arithmetic on what the service read."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from rsgm_core.domain.questionnaires import Question, QuestionKind

__all__ = ["SMALL_CELL", "ChoiceCount", "QuestionResult", "anonymise", "band_of", "question_result"]

SMALL_CELL = 5  # IND-3: fewer persons than this can be told apart
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


@attrs.frozen
class ChoiceCount:
    """One choice (or one point of a scale): its label, how many persons chose it, and their
    share of the persons who answered the question (``None`` when nobody did)."""

    key: str
    label: str
    count: int
    share: Decimal | None


@attrs.frozen
class QuestionResult:
    """SUR-2: one question's results. ``counts`` for a scale (1 to 5) and a choice question (for
    a multiple choice the shares are of the persons who answered, so they may sum past 100 %);
    ``mean`` and ``median`` for a scale and a number; ``texts`` the free texts, anonymised."""

    question: Question
    answered: int
    counts: tuple[ChoiceCount, ...] = ()
    mean: Decimal | None = None
    median: Decimal | None = None
    texts: tuple[str, ...] = ()


def _share(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) / Decimal(whole)


def question_result(
    question: Question, answers: Iterable[tuple[tuple[str, ...], str]]
) -> QuestionResult:
    """The results of ``question`` from each person's (values, text); unanswered ones left out."""
    given = [(values, text) for values, text in answers if values or text]
    answered = len(given)
    kind = question.kind
    if kind is QuestionKind.TEXT:
        return QuestionResult(question, answered, texts=tuple(t for _, t in given if t))
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE):
        keys = question.choice_keys if kind is not QuestionKind.SCALE else ("1", "2", "3", "4", "5")
        labels = question.choices if kind is not QuestionKind.SCALE else keys
        tally = dict.fromkeys(keys, 0)
        for values, _ in given:
            for value in set(values):
                if value in tally:
                    tally[value] += 1
        counts = tuple(
            ChoiceCount(k, label, tally[k], _share(tally[k], answered))
            for k, label in zip(keys, labels, strict=True)
        )
        if kind is not QuestionKind.SCALE:
            return QuestionResult(question, answered, counts)
    numbers = [Decimal(values[0]) for values, _ in given if values]
    if kind is QuestionKind.NUMBER:  # drawn by band: the national core's bands
        bands = [band_of(n) for n in numbers]
        order = [label for _, label in _BANDS if label in bands]
        if "moins de 0" in bands:
            order.insert(0, "moins de 0")
        counts = tuple(
            ChoiceCount(b, b, bands.count(b), _share(bands.count(b), answered)) for b in order
        )
    mean = sum(numbers, Decimal(0)) / len(numbers) if numbers else None
    median = median_of(numbers)
    return QuestionResult(question, answered, counts, mean, median)


def median_of(numbers: Sequence[Decimal]) -> Decimal | None:
    """The median (the mean of the two middle values for an even count); ``None`` when empty."""
    if not numbers:
        return None
    return Decimal(statistics.median(sorted(numbers)))


def anonymise(text: str, *, names: Iterable[str] = (), communes: Iterable[str] = ()) -> str:
    """``text`` without e-mail addresses or telephone numbers, without the ``names`` given (the
    persons on record) and without the ``communes`` given (those where fewer than
    :data:`SMALL_CELL` persons could be told apart): each replaced by a bracketed word."""
    text = _EMAIL.sub("[adresse]", text)
    text = _PHONE.sub("[téléphone]", text)
    for words, mark in ((communes, "[commune]"), (names, "[nom]")):
        for word in sorted({w.strip() for w in words if len(w.strip()) > 2}, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", mark, text, flags=re.IGNORECASE)
    return text


#: the bands a number falls in for the national core (IND-3): no exact value leaves the CDG
_BANDS = (
    (Decimal(0), "0"), (Decimal(1), "1 à 4"), (Decimal(5), "5 à 9"), (Decimal(10), "10 à 19"),
    (Decimal(20), "20 à 29"), (Decimal(30), "30 et plus"),
)  # fmt: skip


def band_of(value: Decimal) -> str:
    """The national core's band of a number: 0, 1 à 4, 5 à 9, 10 à 19, 20 à 29, 30 et plus."""
    found = "moins de 0"
    for low, label in _BANDS:
        if value >= low:
            found = label
    return found
