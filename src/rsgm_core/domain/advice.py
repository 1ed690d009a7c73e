"""Advice requests (CNS-1, CNS-2): the log, the conversion of an answered request into an
anonymised FAQ entry, and answer-time statistics for the indicators."""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Iterable, Sequence
from typing import ClassVar

import attrs

from rsgm_core._compat import DeprecatedTuple
from rsgm_core.domain.activation import Helper
from rsgm_core.domain.bounds import check_minutes
from rsgm_core.domain.toolbox import Resource, ResourceKind, ResourceStatus
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "AdviceRequest",
    "AnswerTimes",
    "Channel",
    "FaqEntry",
    "Referral",
    "anonymise",
    "answer_times",
    "answer_times_of",
    "choose_referee",
    "record_answer",
    "to_faq",
]


class Channel(enum.Enum):
    PHONE = "téléphone"
    EMAIL = "courriel"


@attrs.frozen
class AdviceRequest:
    """CNS-1: one request from an SGM or an elected official."""

    id: str
    commune: str
    requester: str
    channel: Channel
    theme: str
    question: str
    received_at: dt.datetime
    answered_at: dt.datetime | None = None
    answer: str | None = None
    minutes_spent: int = 0
    referred_to: str | None = None  # a member with the expertise (MEM-9's ranking)
    faq_id: str | None = None  # CNS-2: the FAQ entry it became

    def __attrs_post_init__(self) -> None:
        if self.received_at.tzinfo is None:
            raise ValidationError(
                "heure de réception sans fuseau", rule="CNS-1", value=self.received_at
            )
        if self.answered_at is not None and self.answered_at < self.received_at:
            raise ValidationError(
                f"réponse du {self.answered_at:%d/%m/%Y %H:%M} avant la demande du "
                f"{self.received_at:%d/%m/%Y %H:%M}",
                rule="CNS-1",
                value=self.answered_at,
            )
        if (self.answered_at is None) != (self.answer is None):
            raise ValidationError(
                "une réponse a un texte et une heure, ou ni l'un ni l'autre",
                rule="CNS-1",
                value=self.answered_at or self.answer,
            )
        check_minutes(self.minutes_spent, what="temps passé", rule="CNS-1", minimum=0)

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


@attrs.frozen
class Referral(DeprecatedTuple):
    """CNS-1: a request referred to a member, and the ranking of volunteers it was chosen from
    (MEM-9), best first."""

    _legacy_lists: ClassVar[tuple[str, ...]] = ("helpers",)  # a list in the old tuple

    request: AdviceRequest
    helpers: tuple[Helper, ...]


@attrs.frozen
class FaqEntry(DeprecatedTuple):
    """CNS-2: a request turned into an FAQ draft: the request (now linked) and the draft."""

    request: AdviceRequest
    resource: Resource


def record_answer(
    request: AdviceRequest, answer: str, *, minutes_spent: int, at: dt.datetime
) -> AdviceRequest:
    """CNS-1: the answer and the time spent; answering again corrects the text and adds the
    time, the answer time staying the first one's unless ``at`` is an explicit correction (the
    caller passes ``request.answered_at`` to keep it). A request that became an FAQ entry is not
    answered again (CNS-2): the entry is corrected instead."""
    if not answer.strip():
        raise ValidationError("réponse vide", rule="CNS-1", value=answer)
    if request.faq_id:
        raise RuleViolation(
            f"cette demande est déjà la question-réponse {request.faq_id} : corrigez-la "
            "dans la boîte à outils",
            rule="CNS-2",
            value=request.id,
        )
    return attrs.evolve(
        request,
        answer=answer.strip(),
        answered_at=at,
        minutes_spent=request.minutes_spent + minutes_spent,
    )


def choose_referee(
    request: AdviceRequest, helpers: Sequence[Helper], *, member_id: str | None = None
) -> AdviceRequest:
    """CNS-1: the request referred to ``member_id`` if given, else to the first of the MEM-9
    ranking; without a volunteer with the expertise, refused."""
    if member_id is None:
        if not helpers:
            raise RuleViolation(
                f"aucun membre volontaire pour « {request.theme} » (MEM-9)",
                rule="CNS-1",
                value=request.theme,
            )
        member_id = helpers[0].member.id
    return attrs.evolve(request, referred_to=member_id)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}")


def anonymise(text: str, *, names: Iterable[str] = ()) -> str:
    """CNS-2: no e-mail, phone number or given name (the requester's, the commune's) survives."""
    text = _EMAIL.sub("[adresse]", text)
    text = _PHONE.sub("[téléphone]", text)
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(re.escape(name), "[…]", text, flags=re.IGNORECASE)
    return text


def to_faq(
    request: AdviceRequest,
    *,
    faq_id: str,
    author_id: str,
    names: Iterable[str],
) -> Resource:
    """CNS-2: an answered request becomes a draft FAQ entry, anonymised, in one step."""
    if not request.answered:
        raise RuleViolation(
            "seule une demande qui a reçu sa réponse devient une question-réponse",
            rule="CNS-2",
            value=request.id,
        )
    if request.faq_id:
        raise RuleViolation(
            f"cette demande est déjà la question-réponse {request.faq_id}",
            rule="CNS-2",
            value=request.id,
        )
    hidden = [request.requester, *names]
    return Resource(
        id=faq_id,
        version=1,
        kind=ResourceKind.FAQ,
        title=anonymise(request.question.strip().splitlines()[0][:120], names=hidden),
        body=f"**Question**\n\n{anonymise(request.question, names=hidden)}\n\n"
        f"**Réponse**\n\n{anonymise(request.answer or '', names=hidden)}\n",
        themes=(request.theme,),
        author_id=author_id,
        status=ResourceStatus.DRAFT,
    )


@attrs.frozen
class AnswerTimes:
    """CNS-2: answer times in hours; ``None`` when no request was answered (no figure, not 0)."""

    answered: int
    pending: int
    median_hours: float | None
    p90_hours: float | None


def _percentile(sorted_values: Sequence[float], share: float) -> float:
    # Nearest rank: the value below which at least ``share`` of the answers fall; it is always an
    # observed time, which is what an animator can check by hand.
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def answer_times(requests: Iterable[AdviceRequest]) -> AnswerTimes:
    # Timestamps, not datetime subtraction: two datetimes sharing one zone subtract wall-clock
    # times, an hour off when a daylight-saving change falls between them.
    return answer_times_of(
        (r.received_at.timestamp(), r.answered_at.timestamp() if r.answered_at else None)
        for r in requests
    )


def answer_times_of(instants: Iterable[tuple[float, float | None]]) -> AnswerTimes:
    """CNS-2 from (received, answered or ``None``) pairs of POSIX timestamps, which a backend
    reads without building a datetime per value (``Repository.instants``)."""
    pairs = list(instants)
    hours = sorted(
        (answered - received) / 3600 for received, answered in pairs if answered is not None
    )
    if not hours:
        return AnswerTimes(0, len(pairs), None, None)
    middle = len(hours) // 2
    median = hours[middle] if len(hours) % 2 else (hours[middle - 1] + hours[middle]) / 2
    return AnswerTimes(len(hours), len(pairs) - len(hours), median, _percentile(hours, 0.9))
