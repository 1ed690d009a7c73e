"""A delivery round of the outbox (NOT-1, NOT-3): the due messages, by batches of
``outbox.batch_size``, each batch claimed in one write transaction before its messages are handed
to the notifier one by one and its outcomes recorded in one transaction after the server's
answers, within the sending hours and the hourly limit; no transport configured leaves them
queued, never marked sent."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.messages import (
    Delivery,
    MessageStatus,
    OutboxMessage,
    mark_failed,
    mark_sent,
)
from rsgm_core.domain.progress import Progress, no_progress
from rsgm_core.errors import DeliveryError, PluginError, RsgmError
from rsgm_core.render.french import plural

if TYPE_CHECKING:
    from rsgm_core.domain.outbox_policy import DeliveryPolicy
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["NO_TRANSPORT", "RATE_KEY", "DeliveryReport", "DeliveryRound"]

log = logging.getLogger("rsgm.outbox")

RATE_KEY = "outbox.rate"  # meta entry: the current hour and how many messages left in it

#: Why a message stays queued when no notifier takes it (NOT-3): what to do, in French.
NO_TRANSPORT = (
    "aucun moyen d'envoi n'est configuré : renseignez la section [smtp] du profil "
    "(voir docs/plugins/smtp.md), puis lancez « rsgm outbox send »"
)


@attrs.frozen
class DeliveryReport:
    """What one delivery round did: the ids sent, failed for now, dead-lettered, resent after a
    crash, how many due messages it held back, and those left queued because no transport is
    configured (NOT-3: never marked sent)."""

    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()  # temporary failures: still pending, with a next attempt time
    dead: tuple[str, ...] = ()  # permanent failures or attempts exhausted: in the dead-letter list
    resent: tuple[str, ...] = ()  # interrupted by a crash earlier, sent again with the same ID
    deferred: int = 0  # due but held back by the sending hours or the hourly limit
    unsent: tuple[str, ...] = ()  # no transport configured: still pending, nothing attempted

    @property
    def complete(self) -> bool:
        """Whether every message the round looked at was delivered."""
        return not (self.failed or self.dead or self.unsent or self.deferred)

    def summary(self) -> str:
        """What was delivered, what waits and why, in French (for a command's output)."""
        parts = [plural(len(self.sent), "message envoyé", "messages envoyés")]
        if self.failed:
            parts.append(
                f"{len(self.failed)} en échec temporaire (gardé{_s(len(self.failed))} pour un nouvel essai)"
            )
        if self.dead:
            parts.append(f"{len(self.dead)} en échec définitif (rsgm outbox retry --dead)")
        if self.deferred:
            parts.append(f"{plural(self.deferred, 'différé')} (heures d'envoi ou limite horaire)")
        if self.unsent:
            parts.append(
                f"{len(self.unsent)} en attente, non envoyé{_s(len(self.unsent))} : {NO_TRANSPORT}"
            )
        return ", ".join(parts)


class DeliveryRound:
    """One round over the due messages (all, or ``only`` those ids) of ``deps``' outbox."""

    def __init__(self, deps: Deps, policy: DeliveryPolicy) -> None:
        self.deps = deps
        self.policy = policy

    def run(
        self,
        *,
        force: bool,
        only: frozenset[str] | None = None,
        progress: Progress | None = None,
    ) -> DeliveryReport:
        """The round; ``progress("messages", done, total)`` after each message handed over."""
        return self._deliver(force=force, only=only, progress=progress or no_progress)

    def _due(
        self, now: dt.datetime, force: bool, only: frozenset[str] | None = None
    ) -> list[OutboxMessage]:
        lease = self.policy.lease
        waiting_status = (MessageStatus.PENDING, MessageStatus.SENDING)
        with self.deps.read() as uow:
            if only is None:
                waiting = uow.outbox.list({"status": waiting_status})
            else:
                waiting = [
                    m
                    for key in sorted(only)
                    if (m := uow.outbox.find(key)) is not None and m.status in waiting_status
                ]
        due = [
            m
            for m in waiting
            if (
                # A claim older than the lease belongs to a round that died mid-send.
                (m.last_attempt_at is None or m.last_attempt_at + lease <= now)
                if m.status is MessageStatus.SENDING
                else force or m.next_attempt_at is None or m.next_attempt_at <= now
            )
        ]
        return sorted(due, key=lambda m: (m.created_at, m.id))

    def _deliver(
        self, *, force: bool, only: frozenset[str] | None, progress: Progress
    ) -> DeliveryReport:
        now = self.deps.now()
        due = self._due(now, force, only)
        if not due:
            return DeliveryReport()
        if not self.policy.window.allows(now.astimezone(self.deps.settings.zone)):
            return DeliveryReport(deferred=len(due))
        budget = self._reserve(now, len(due))
        todo = deque(due[:budget])
        done = _Tally()
        handled, total = 0, min(budget, len(due))
        while todo:
            batch = [todo.popleft() for _ in range(min(self.policy.batch_size, len(todo)))]
            claimed = self._claim(batch)
            left, unsent = self._send_batch(claimed, done, partial(_told, progress, handled, total))
            if unsent:  # no notifier took a message: no transport (NOT-3)
                held = self._hold(unsent, list(todo))
                self._refund(now, budget - done.spent)
                return done.report(0, held)
            todo.extendleft(reversed(left))  # given back unsent: claimed again in the next batch
            if len(claimed) < len(batch):  # some were another round's: counted all the same
                progress("messages", handled + len(batch) - len(left), total)
            handled += len(batch) - len(left)
        self._refund(now, budget - done.spent)
        return done.report(len(due) - min(budget, len(due)), [])

    def _send_batch(
        self,
        claimed: Sequence[tuple[OutboxMessage, OutboxMessage]],
        done: _Tally,
        tick: Callable[[int], None],
    ) -> tuple[list[OutboxMessage], list[OutboxMessage]]:
        """Hand the claimed messages over one by one (the notifier keeps its connection open
        across them), then record every outcome in one transaction. The messages given back to
        the queue because the claim got old (half the lease: another round must never find a
        claim expired while this round still sends under it), and, when no notifier answers,
        the claimed messages left for :meth:`_hold`. ``tick(n)`` after the n-th handed over."""
        outcomes: list[tuple[OutboxMessage, OutboxMessage]] = []
        left: list[OutboxMessage] = []
        for index, (seen, message) in enumerate(claimed):
            if index and self._claim_aging(message):
                left = [m for _, m in claimed[index:]]
                break
            outcome = self._send(message)
            if outcome is None:
                self._record(outcomes, [])
                return [], [m for _, m in claimed[index:]]
            if seen.status is MessageStatus.SENDING:
                log.warning(
                    "message %s interrompu pendant un envoi précédent : renvoyé avec le même "
                    "Message-ID %s, le destinataire l'a peut-être déjà reçu",
                    message.id,
                    message.message_id,
                )
                done.resent.append(message.id)
            outcomes.append((message, outcome))
            done.add(outcome)
            tick(len(outcomes))
        returned = self._record(outcomes, left)
        return returned, []

    def _claim_aging(self, claimed: OutboxMessage) -> bool:
        taken = claimed.last_attempt_at
        return taken is not None and self.deps.now() - taken >= self.policy.lease / 2

    def _claim(self, batch: Sequence[OutboxMessage]) -> list[tuple[OutboxMessage, OutboxMessage]]:
        """Take the messages of ``batch`` still as this round read them, in one write
        transaction (NOT-3): it reads their status and attempts and changes those that did not
        move, and every backend serialises write transactions (SQLite ``BEGIN IMMEDIATE``,
        PostgreSQL the writer lock, the memory backend its lock), so of two rounds that read a
        message, one alone gets it. A message retaken after an expired lease counts an attempt,
        so the claim of the round it was taken from cannot match any more. Each message as read
        and as claimed, in order."""
        taken: list[tuple[OutboxMessage, OutboxMessage]] = []
        with self.deps.transaction() as uow:
            current = self._states(uow, batch)
            at = self.deps.now()
            for seen in batch:
                if current.get(seen.id) != (seen.status, seen.attempts):
                    continue  # another round took it first: it is that round's to send
                retaken = seen.status is MessageStatus.SENDING
                claimed = attrs.evolve(
                    seen,
                    status=MessageStatus.SENDING,
                    last_attempt_at=at,
                    attempts=seen.attempts + 1 if retaken else seen.attempts,
                )
                taken.append((seen, claimed))
            uow.outbox.update_all([claimed for _, claimed in taken])
        return taken

    @staticmethod
    def _states(
        uow: UnitOfWork, messages: Sequence[OutboxMessage]
    ) -> dict[str, tuple[MessageStatus, int]]:
        """The stored status and attempts of ``messages``, by id (one read)."""
        rows = uow.outbox.values(
            ("id", "status", "attempts"), {"id": tuple(m.id for m in messages)}
        )
        return {key: (MessageStatus(status), int(attempts)) for key, status, attempts in rows}

    def _record(
        self,
        outcomes: Sequence[tuple[OutboxMessage, OutboxMessage]],
        unsent: Sequence[OutboxMessage],
    ) -> list[OutboxMessage]:
        """The outcomes of a batch, after the server's answers, and the claimed messages not
        sent given back to the queue, in one transaction; each only if its claim is still this
        round's (a send that outlived its lease and was taken over is logged as a possible
        double). A crash before this commit leaves the batch ``sending``: a later round resends
        it after the lease, with the same Message-IDs (docs/outbox.md). Nothing is queued here,
        so the transaction never starts another delivery round. The messages given back, as
        stored."""
        changes = [*outcomes, *((m, attrs.evolve(m, status=MessageStatus.PENDING)) for m in unsent)]
        if not changes:
            return []
        with self.deps.transaction() as uow:
            current = self._states(uow, [claimed for claimed, _ in changes])
            kept = []
            for claimed, outcome in changes:
                if current.get(claimed.id) == (MessageStatus.SENDING, claimed.attempts):
                    kept.append(outcome)
                elif claimed.id in current:
                    log.warning(
                        "message %s : son envoi a duré plus que le bail (lease_seconds) et une "
                        "autre tournée l'a repris ; il a pu partir deux fois",
                        claimed.id,
                    )
            uow.outbox.update_all(kept)
        back = {m.id for m in unsent}
        return [m for m in kept if m.id in back]

    def _hold(self, claimed: Sequence[OutboxMessage], rest: Sequence[OutboxMessage]) -> list[str]:
        """No transport: the claimed messages go back to the queue as they were, and they and
        the rest of the round carry the reason (NOT-3: never marked sent); their ids."""
        with self.deps.transaction() as uow:
            current = self._states(uow, [*claimed, *rest])
            held = [
                attrs.evolve(m, status=MessageStatus.PENDING, last_error=NO_TRANSPORT)
                for m in claimed
                if current.get(m.id) == (MessageStatus.SENDING, m.attempts)
            ]
            held += [
                attrs.evolve(m, last_error=NO_TRANSPORT)
                for m in rest
                if m.status is MessageStatus.PENDING
                and m.last_error != NO_TRANSPORT
                and current.get(m.id) == (MessageStatus.PENDING, m.attempts)
            ]
            uow.outbox.update_all(held)
        waiting = len(claimed) + len(rest)
        log.info("%d message%s en attente : %s", waiting, _s(waiting), NO_TRANSPORT)

        return [*(m.id for m in claimed), *(m.id for m in rest)]

    def _send(self, message: OutboxMessage) -> OutboxMessage | None:
        permanent = False
        try:
            delivery = self.deps.hooks.send(message, self.deps.settings)
            if delivery is None:
                return None
            if not isinstance(delivery, Delivery):
                raise PluginError(f"résultat d'envoi inattendu : {delivery!r}", value=delivery)
            return mark_sent(message, at=self.deps.now(), delivery=delivery)
        except Exception as exc:  # any failure of a notifier keeps the message (NOT-1)
            permanent = isinstance(exc, DeliveryError) and exc.permanent
            detail = exc.message if isinstance(exc, RsgmError) else f"{type(exc).__name__}: {exc}"
        at = self.deps.now()
        attempts = message.attempts + 1
        retry = self.policy.retry
        if not permanent and retry.exhausted(attempts):
            detail = f"{detail} (abandon après {attempts} essais)"
        return mark_failed(
            message,
            at=at,
            error=detail,
            retry_at=retry.next_attempt(at, attempts),
            dead=permanent or retry.exhausted(attempts),
        )

    # The hourly limit: a round reserves its share of the hour's budget before sending and gives
    # back what it did not use (messages another round took, no transport), each in one write
    # transaction, which every backend serialises: concurrent rounds never exceed the limit.

    def _reserve(self, now: dt.datetime, wanted: int) -> int:
        """How many of ``wanted`` messages may leave in the current clock hour, counted spent."""
        limit = self.policy.max_per_hour
        if limit is None:
            return wanted
        return self._count(now, lambda spent: min(wanted, max(limit - spent, 0)))

    def _refund(self, now: dt.datetime, unused: int) -> None:
        if self.policy.max_per_hour is not None and unused > 0:
            self._count(now, lambda spent: -min(unused, spent))

    def _count(self, now: dt.datetime, change: Callable[[int], int]) -> int:
        """Add ``change(spent)`` to the hour's count, in one transaction; the amount added."""
        from rsgm_core.domain.census import MetaEntry

        with self.deps.transaction() as uow:
            entry = uow.meta.find(RATE_KEY)
            value: dict[str, Any] = (
                json.loads(entry.value) if entry is not None else {"hour": "", "count": 0}
            )
            spent = int(value["count"]) if value["hour"] == _hour(now) else 0
            delta = change(spent)
            if delta:
                stored = MetaEntry(
                    RATE_KEY, json.dumps({"hour": _hour(now), "count": spent + delta})
                )
                (uow.meta.add if entry is None else uow.meta.update)(stored)
        return delta


def _told(progress: Progress, before: int, total: int, sent: int) -> None:
    progress("messages", before + sent, total)


class _Tally:
    """What a round did so far: the ids by outcome, and how many messages a notifier took."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.failed: list[str] = []
        self.dead: list[str] = []
        self.resent: list[str] = []

    @property
    def spent(self) -> int:
        return len(self.sent) + len(self.failed) + len(self.dead)

    def add(self, outcome: OutboxMessage) -> None:
        {MessageStatus.SENT: self.sent, MessageStatus.DEAD: self.dead}.get(
            outcome.status, self.failed
        ).append(outcome.id)

    def report(self, deferred: int, unsent: Sequence[str]) -> DeliveryReport:
        return DeliveryReport(
            tuple(self.sent),
            tuple(self.failed),
            tuple(self.dead),
            tuple(self.resent),
            deferred,
            tuple(unsent),
        )


def _hour(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H")


def _s(count: int) -> str:
    """The plural mark of a French word counted ``count`` times (0 and 1 take the singular)."""
    return "s" if count > 1 else ""
