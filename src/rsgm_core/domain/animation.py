"""Records of continuous animation kept in storage: surveys and their answers (SUR-1, EVT-9), the
newsletters sent (EVT-10) and recurring series of events (EVT-8).

The rules themselves (satisfaction and response rates, the in-depth survey's cadence, the
newsletter's) live in :mod:`rsgm_core.domain.events`; this module adds the records and the few pure
functions that need them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.domain.bounds import MAX_SESSION_MINUTES, check_minutes
from rsgm_core.domain.events import EventFormat, EventKind, SurveyKind
from rsgm_core.domain.recurrence import Recurrence
from rsgm_core.errors import ValidationError

__all__ = [
    "NEWCOMER_DELAY",
    "Newsletter",
    "RecurringSeries",
    "Survey",
    "SurveyAnswer",
    "check_answer",
    "newcomers_due",
]

NEWCOMER_DELAY = relativedelta(months=3)  # SUR-1, MEM-5: the newcomer survey at 3 months


@attrs.frozen
class Survey:
    """One survey sent (SUR-1); a satisfaction survey follows one event (EVT-9)."""

    id: str
    kind: SurveyKind
    title: str
    opened_on: dt.date
    invited: int  # how many people it was sent to: the response rate's denominator
    event_id: str | None = None
    member_id: str | None = None  # the newcomer a 3-month survey is about
    draft: bool = False  # SUR-2: created with its questions, not sent yet (migration 24)

    def __attrs_post_init__(self) -> None:
        if self.kind is SurveyKind.SATISFACTION and self.event_id is None:
            raise ValidationError(
                "un questionnaire de satisfaction suit un événement", rule="EVT-9", value=self.id
            )
        if self.invited < 0:
            raise ValidationError(
                f"nombre de destinataires invalide : {self.invited}",
                rule="SUR-1",
                value=self.invited,
            )


@attrs.frozen
class SurveyAnswer:
    """One answer; ``score`` on the 1-5 scale of EVT-9 when the survey asks for one."""

    id: str
    survey_id: str
    answered_on: dt.date
    score: int | None = None
    member_id: str | None = None  # None for an anonymous answer
    comment: str = ""

    def __attrs_post_init__(self) -> None:
        if self.score is not None and not 1 <= self.score <= 5:
            raise ValidationError(
                f"note hors de 1 à 5 : {self.score}", rule="EVT-9", value=self.score
            )


def check_answer(survey: Survey, score: int | None) -> None:
    """EVT-9: an answer to a satisfaction survey carries a score from 1 to 5."""
    if survey.kind is SurveyKind.SATISFACTION and score is None:
        raise ValidationError(
            "une réponse de satisfaction porte une note de 1 à 5", rule="EVT-9", value=survey.id
        )
    if score is not None and not 1 <= score <= 5:
        raise ValidationError(f"note hors de 1 à 5 : {score}", rule="EVT-9", value=score)


@attrs.frozen
class Newsletter:
    """A newsletter sent (EVT-10); ``forced`` when it is the month's second."""

    id: str
    sent_on: dt.date
    subject: str
    recipients: int
    forced: bool = False


@attrs.frozen
class RecurringSeries:
    """A recurring event (a monthly matinale, a webinar every other Tuesday): an RFC 5545 rule
    anchored at its first occurrence, in the CDG's zone (EVT-8)."""

    id: str
    title: str
    kind: EventKind
    format: EventFormat
    start: dt.datetime
    rule: str
    minutes: int = 90
    place: str = ""
    network_id: str | None = None

    def __attrs_post_init__(self) -> None:
        self.recurrence  # noqa: B018 - validates the rule (EVT-8)
        check_minutes(self.minutes, what="durée", rule="EVT-8", maximum=MAX_SESSION_MINUTES)

    @property
    def recurrence(self) -> Recurrence:
        return Recurrence(self.start, self.rule)


def newcomers_due(
    arrivals: Iterable[tuple[str, dt.date | None]], surveyed: Iterable[str], *, on: dt.date
) -> list[str]:
    """SUR-1: members (id, arrival) who arrived 3 months ago or more and have had no newcomer
    survey yet, oldest arrival first."""
    done = set(surveyed)
    due = [
        (arrival, member_id)
        for member_id, arrival in arrivals
        if arrival is not None and arrival + NEWCOMER_DELAY <= on and member_id not in done
    ]
    return [member_id for _, member_id in sorted(due)]
