"""The arithmetic of a questionnaire's results (SUR-2), on the pure domain: shares of a single
choice or a scale sum to one, a multiple choice's shares are of the persons who answered, the
median is the middle value (or the mean of the two middle ones), free texts are anonymised."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.questionnaires import (
    Question,
    QuestionKind,
    make_spec,
    parse_value,
    read_answers,
)
from rsgm_core.domain.survey_results import anonymise, band_of, median_of, question_result
from rsgm_core.errors import ValidationError

CHOICES = ("Présentiel", "Distanciel", "Alternance des deux")


def question(kind: QuestionKind, *, required: bool = False) -> Question:
    choices = CHOICES if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else ()
    return Question("q", "s", 1, "cle", "La question", kind, required, choices)


@given(st.lists(st.sampled_from(["1", "2", "3", "4", "5"]), max_size=60))
def test_a_scales_shares_sum_to_one_and_its_median_is_the_middle_SUR_2(points: list[str]) -> None:
    result = question_result(question(QuestionKind.SCALE), [((p,), "") for p in points])
    assert result.answered == len(points) == sum(c.count for c in result.counts)
    if not points:
        assert result.mean is None and result.median is None
        assert all(c.share is None for c in result.counts)
        return
    assert abs(sum(c.share or 0 for c in result.counts) - 1) < Decimal("1e-20")
    numbers = sorted(int(p) for p in points)
    assert result.median == Decimal(str(statistics.median(numbers)))
    assert result.mean == Decimal(sum(numbers)) / len(numbers)
    assert numbers[0] <= result.median <= numbers[-1]


@given(st.lists(st.sets(st.sampled_from(CHOICES), min_size=1), max_size=40))
def test_a_multiple_choices_shares_are_of_the_persons_who_answered_SUR_2(
    chosen: list[set[str]],
) -> None:
    q = question(QuestionKind.MULTIPLE)
    answers = [parse_value(q, sorted(c)) for c in chosen]
    result = question_result(q, answers)
    assert result.answered == len(chosen)
    for count, label in zip(result.counts, CHOICES, strict=True):
        assert count.count == sum(1 for c in chosen if label in c)
        if chosen:
            assert count.share == Decimal(count.count) / len(chosen)


@given(st.lists(st.decimals(min_value=-1000, max_value=10**6, places=2), min_size=1, max_size=40))
def test_the_median_of_numbers_SUR_2(numbers: list[Decimal]) -> None:
    found = median_of(numbers)
    ordered = sorted(numbers)
    middle = len(ordered) // 2
    expected = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    assert found == expected
    assert sum(1 for n in numbers if n < found) <= len(numbers) / 2  # type: ignore[operator]
    assert band_of(numbers[0]) in (
        "moins de 0",
        "0",
        "1 à 4",
        "5 à 9",
        "10 à 19",
        "20 à 29",
        "30 et plus",
    )


def test_answers_outside_their_question_are_refused_naming_the_value_SUR_2() -> None:
    with pytest.raises(ValidationError, match=r"hors de l'échelle de 1 à 5 à « cle » : 0") as e:
        parse_value(question(QuestionKind.SCALE), 0)
    assert e.value.rule == "SUR-2"
    with pytest.raises(ValidationError, match="« Hybride » n'est pas un choix"):
        parse_value(question(QuestionKind.SINGLE), "Hybride")
    with pytest.raises(ValidationError, match="« douze » n'est pas un nombre"):
        parse_value(question(QuestionKind.NUMBER), "douze")
    with pytest.raises(ValidationError, match="est obligatoire"):
        read_answers([question(QuestionKind.TEXT, required=True)], {"cle": "  "})
    with pytest.raises(ValidationError, match="question sans type"):
        make_spec("age", "Votre âge", None)
    with pytest.raises(ValidationError, match="type de question inconnu : « date »"):
        make_spec("age", "Votre âge", "date")
    assert parse_value(question(QuestionKind.SINGLE), "ao03") == (("alternance-des-deux",), "")
    assert parse_value(question(QuestionKind.NUMBER), "2,50") == (("2.5",), "")


def test_free_texts_lose_names_addresses_phones_and_small_communes_SUR_2() -> None:
    text = "Claire MARTIN (claire@mairie-aubigne.fr, 05 49 00 00 00) à Aubigné : super"
    assert anonymise(text, names=["Claire", "Martin"], communes=["Aubigné"]) == (
        "[nom] [nom] ([adresse], [téléphone]) à [commune] : super"
    )
