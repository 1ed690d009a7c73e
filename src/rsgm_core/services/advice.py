"""Advice requests (CNS-1, CNS-2), as ``app.advice``: the log, the answer, the referral to a member
ranked as in network activation (MEM-9), the one-step conversion into an anonymised FAQ draft and
the answer-time statistics."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain import toolbox as rules
from rsgm_core.domain.activation import Helper
from rsgm_core.domain.advice import AdviceRequest, AnswerTimes, Channel, answer_times_of, to_faq
from rsgm_core.domain.toolbox import Resource
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError
from rsgm_core.services.access_facts import find_member
from rsgm_core.services.members import new_id
from rsgm_core.services.network import NetworkService
from rsgm_core.services.toolbox import departmental_role

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["AdviceService", "parse_channel"]


def parse_channel(value: Channel | str) -> Channel:
    if isinstance(value, Channel):
        return value
    for channel in Channel:
        if value in (channel.value, channel.name.lower()):
            return channel
    raise ValidationError(
        f"canal inconnu : {value!r} (valeurs : {', '.join(c.value for c in Channel)})",
        rule="CNS-1",
        value=value,
    )


class AdviceService:
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
    ) -> AdviceRequest:
        """CNS-1: log a request from an SGM or an elected official."""
        if not question.strip():
            raise ValidationError("demande sans question", rule="CNS-1", value=question)
        request = AdviceRequest(
            id=id or new_id(),
            commune=commune,
            requester=requester.strip(),
            channel=parse_channel(channel),
            theme=self.deps.hooks.expertise_thesaurus().resolve(theme),
            question=question.strip(),
            received_at=received_at or self.deps.now(),
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
        if not answer.strip():
            raise ValidationError("réponse vide", rule="CNS-1", value=answer)
        with self.deps.transaction() as uow:
            request = _request(uow, request_id, rule="CNS-1")
            if request.faq_id:
                raise RuleViolation(
                    f"cette demande est déjà la question-réponse {request.faq_id} : corrigez-la "
                    "dans la boîte à outils",
                    rule="CNS-2",
                    value=request.id,
                )
            answered = attrs.evolve(
                request,
                answer=answer.strip(),
                answered_at=answered_at or request.answered_at or self.deps.now(),
                minutes_spent=request.minutes_spent + minutes_spent,
            )
            return uow.advice_requests.update(answered)

    def refer(
        self, request_id: str, *, member: str | None = None, software: tuple[str, ...] = ()
    ) -> tuple[AdviceRequest, list[Helper]]:
        """CNS-1: refer the request to a member with the expertise, ranked as in network
        activation (MEM-9): ``member`` if given, else the first of the ranking."""
        request = self.get(request_id)
        helpers = NetworkService(self.deps).activate(
            request.commune, expertises=[request.theme], software=software
        )
        with self.deps.transaction() as uow:
            if member is not None:
                chosen = find_member(uow, member, rule="CNS-1").id
            elif helpers:
                chosen = helpers[0].member.id
            else:
                raise RuleViolation(
                    f"aucun membre volontaire pour « {request.theme} » (MEM-9)",
                    rule="CNS-1",
                    value=request.theme,
                )
            current = _request(uow, request_id, rule="CNS-1")
            referred = uow.advice_requests.update(attrs.evolve(current, referred_to=chosen))
        return referred, helpers

    def to_faq(self, request_id: str, *, by: str) -> tuple[AdviceRequest, Resource]:
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
            return linked, draft

    def get(self, request_id: str) -> AdviceRequest:
        with self.deps.read() as uow:
            return _request(uow, request_id, rule="CNS-1")

    def list(
        self, *, commune: str | None = None, pending: bool | None = None
    ) -> list[AdviceRequest]:
        with self.deps.read() as uow:
            found = uow.advice_requests.list({"commune": commune} if commune else None)
        if pending is not None:
            found = [r for r in found if r.answered is not pending]
        return sorted(found, key=lambda r: r.received_at)

    def stats(self, *, since: dt.date | None = None, until: dt.date | None = None) -> AnswerTimes:
        """CNS-2: median and 90th-percentile answer times (hours) of requests received in the
        period (both ends included, days of the CDG's zone)."""
        if since is not None and until is not None and since > until:
            raise ValidationError(
                f"période à l'envers : du {since.isoformat()} au {until.isoformat()}",
                rule="CNS-2",
                value=since,
            )
        zone = self.deps.settings.zone
        start = _midnight(since, zone) if since is not None else -math.inf
        end = _midnight(until + dt.timedelta(days=1), zone) if until is not None else math.inf
        with self.deps.read() as uow:
            rows = uow.advice_requests.instants(("received_at", "answered_at"))
        if since is None and until is None:
            return answer_times_of(rows)  # type: ignore[arg-type]  # received_at is required
        return answer_times_of(
            (received, answered)
            for received, answered in rows
            if received is not None and start <= received < end
        )


def _request(uow: UnitOfWork, request_id: str, *, rule: str) -> AdviceRequest:
    found = uow.advice_requests.find(request_id)
    if found is None:
        raise NotFoundError(f"demande de conseil introuvable : {request_id!r}", rule=rule,
                            value=request_id)  # fmt: skip
    return found


def _midnight(day: dt.date, zone: dt.tzinfo) -> float:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp()
