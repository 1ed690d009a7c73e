"""Advice requests (CNS-1, CNS-2), as ``app.advice``: the log, the answer, the referral to a member
ranked as in network activation (MEM-9), the one-step conversion into an anonymised FAQ draft and
the answer-time statistics."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import attrs

from rsgm_core._compat import deprecated_aliases, renamed_keywords, warn_deprecated
from rsgm_core.domain import toolbox as rules
from rsgm_core.domain.advice import (
    AdviceRequest,
    AnswerTimes,
    Channel,
    FaqEntry,
    Referral,
    answer_times_of,
    choose_referee,
    record_answer,
    to_faq,
)
from rsgm_core.domain.bounds import LAST_DAY, check_day
from rsgm_core.domain.enums import read_enum
from rsgm_core.domain.history import check_not_future
from rsgm_core.domain.indicators import Period
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.render.formatting import format_date
from rsgm_core.services.access_facts import find_member
from rsgm_core.services.members import new_id
from rsgm_core.services.network import _find_helpers
from rsgm_core.services.toolbox import departmental_role

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["AdviceService", "parse_channel"]


def parse_channel(value: Channel | str) -> Channel:
    """A :class:`Channel` or its value ("téléphone"), else a :class:`ValidationError`."""
    return read_enum(Channel, value, "canal inconnu", rule="CNS-1")


def _received(deps: Deps, received_at: dt.datetime | None, on: dt.date | None) -> dt.datetime:
    """EVT-12: when a request was received: now, ``received_at``, or 9:00 on the day ``on``;
    never in the future."""
    now = deps.now()
    if on is not None and received_at is not None:
        raise ValidationError(
            "donnez la date de réception (on) ou l'heure (received_at), pas les deux",
            rule="CNS-1",
            value=on.isoformat(),
        )
    if on is not None:
        received_at = dt.datetime.combine(on, dt.time(9), tzinfo=now.tzinfo)
    if received_at is None:
        return now
    if received_at.tzinfo is None:
        return received_at  # refused by the record, which names the zone missing
    check_not_future(
        received_at.astimezone(now.tzinfo).date(), today=deps.today(), what="date de réception"
    )
    return received_at


def _since_until(new: Callable[..., AnswerTimes]) -> Callable[..., AnswerTimes]:
    """``stats(since=…, until=…)`` as before 0.2, one release, with a warning naming
    ``stats(period=Period(…))``; an open end becomes the first or last day of a request."""

    @functools.wraps(new)
    def stats(
        self: AdviceService,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        **kwargs: Period | None,
    ) -> AnswerTimes:
        if since is None and until is None:
            return new(self, **kwargs)
        warn_deprecated("stats(since=…, until=…)", "stats(period=Period(start, end))")
        if since is not None and until is not None and since > until:  # the error of before 0.2
            raise ValidationError(
                f"période à l'envers : du {format_date(since)} au {format_date(until)}",
                rule="CNS-2",
                value=since,
            )
        period = Period(since or dt.date.min, until or LAST_DAY)
        return new(self, period=period, **kwargs)

    return stats


class AdviceService:
    """``app.advice`` (CNS-1, CNS-2): the request log, answers, referrals to volunteers, the
    conversion into FAQ drafts and the answer-time statistics."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def log(
        self,
        commune: str,
        requester: str,
        channel: Channel | str,
        theme: str,
        question: str,
        *,
        received_at: dt.datetime | None = None,
        id: str | None = None,
        on: dt.date | None = None,
    ) -> AdviceRequest:
        """CNS-1: log a request from an SGM or an elected official of ``commune`` (INSEE code),
        received now unless ``received_at`` says when, or ``on`` which day (a call logged later:
        received at 9:00 that day, in the CDG's zone). Neither may be in the future (EVT-12)."""
        if not question.strip():
            raise ValidationError("demande sans question", rule="CNS-1", value=question)
        received_at = _received(self.deps, received_at, on)
        request = AdviceRequest(
            id=id or new_id(),
            commune=commune,
            requester=requester.strip(),
            channel=parse_channel(channel),
            theme=self.deps.hooks.expertise_thesaurus().resolve(theme),
            question=question.strip(),
            received_at=received_at,
        )
        with self.deps.transaction() as uow:
            if uow.communes.find(commune) is None:
                raise NotFoundError(f"commune inconnue : {commune!r}", rule="CNS-1", value=commune)
            return uow.advice_requests.add(request)

    def answer(
        self,
        request_id: str,
        answer: str,
        *,
        minutes_spent: int = 0,
        answered_at: dt.datetime | None = None,
    ) -> AdviceRequest:
        """CNS-1: record the answer, when it was given and the time spent. Answering again
        corrects the text and adds the time spent; the answer time stays the first one's unless
        ``answered_at`` corrects it. A request already turned into an FAQ entry is refused
        (CNS-2): correct the entry instead."""
        with self.deps.transaction() as uow:
            request = _request(uow, request_id, rule="CNS-1")
            at = answered_at or request.answered_at or self.deps.now()
            answered = record_answer(request, answer, minutes_spent=minutes_spent, at=at)
            return uow.advice_requests.update(answered)

    @renamed_keywords(member="member_id")
    def refer(
        self, request_id: str, *, member_id: str | None = None, software: Sequence[str] = ()
    ) -> Referral:
        """CNS-1: refer the request to a member with the expertise, ranked as in network
        activation (MEM-9): ``member_id`` if given, else the first of the ranking."""
        with self.deps.transaction() as uow:  # decided on the snapshot it writes
            current = _request(uow, request_id, rule="CNS-1")
            helpers = _find_helpers(
                uow, self.deps, current.commune, expertises=[current.theme], software=software
            )
            chosen = None if member_id is None else find_member(uow, member_id, rule="CNS-1").id
            referred = choose_referee(current, helpers, member_id=chosen)
            return Referral(uow.advice_requests.update(referred), tuple(helpers))

    def to_faq(self, request_id: str, *, by: str) -> FaqEntry:
        """CNS-2: an answered request becomes an anonymised FAQ draft (KNB-1) in one step; the
        request keeps the link."""
        with self.deps.transaction() as uow:
            author = find_member(uow, by, rule="CNS-2")
            request = _request(uow, request_id, rule="CNS-2")
            commune = uow.communes.find(request.commune)
            names = [commune.name] if commune is not None else []
            draft = to_faq(request, faq_id=new_id(), author_id=author.id, names=names)
            role, open_ = departmental_role(uow, author.id)
            uow.resources.add(rules.propose(draft, role=role, contributions_open=open_))
            linked = uow.advice_requests.update(attrs.evolve(request, faq_id=draft.id))
            return FaqEntry(linked, draft)

    def get(self, request_id: str) -> AdviceRequest:
        """One request by id (:class:`NotFoundError` if absent)."""
        with self.deps.read() as uow:
            return _request(uow, request_id, rule="CNS-1")

    def list_requests(
        self, *, commune: str | None = None, pending: bool | None = None
    ) -> list[AdviceRequest]:
        """CNS-1: the requests (of ``commune``; only the unanswered ones with ``pending=True``,
        the answered ones with ``False``), oldest first."""
        with self.deps.read() as uow:
            found = uow.advice_requests.list({"commune": commune} if commune else None)
        if pending is not None:
            found = [r for r in found if r.answered is not pending]
        return sorted(found, key=lambda r: r.received_at)

    @_since_until
    def stats(self, *, period: Period | None = None) -> AnswerTimes:
        """CNS-2: median and 90th-percentile answer times (hours) of the requests received in
        ``period`` (both ends included, days of the CDG's zone), or of all requests; a period
        ending outside 1900-2200 is refused (docs/limits.md)."""
        if period is not None:
            check_day(period.end, what="fin de période", rule="CNS-2")
        with self.deps.read() as uow:
            rows: Sequence[tuple[float | None, ...]]
            rows = uow.advice_requests.instants(("received_at", "answered_at"))
        if period is None:
            return answer_times_of(
                (received, answered) for received, answered in rows if received is not None
            )
        zone = self.deps.settings.zone
        start = _midnight(period.start, zone)
        end = _midnight(period.end + dt.timedelta(days=1), zone)
        return answer_times_of(
            (received, answered)
            for received, answered in rows
            if received is not None and start <= received < end
        )

    if TYPE_CHECKING:  # the former names, attached below at run time: typed for a caller's checker

        @typed_deprecated("use list_requests()")
        def list(
            self, *, commune: str | None = None, pending: bool | None = None
        ) -> list[AdviceRequest]: ...


deprecated_aliases(AdviceService, list="list_requests")


def _request(uow: UnitOfWork, request_id: str, *, rule: str) -> AdviceRequest:
    found = uow.advice_requests.find(request_id)
    if found is None:
        raise NotFoundError(f"demande de conseil introuvable : {request_id!r}", rule=rule,
                            value=request_id)  # fmt: skip
    return found


def _midnight(day: dt.date, zone: dt.tzinfo) -> float:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp()
