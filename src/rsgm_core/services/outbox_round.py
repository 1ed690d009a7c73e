"""A delivery round of the outbox (NOT-1, NOT-3): the due messages, each claimed by one
compare-and-set before it is handed to the notifier and recorded after, within the sending hours
and the hourly limit; no transport configured leaves them queued, never marked sent."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
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

if TYPE_CHECKING:
    from rsgm_core.domain.outbox_policy import DeliveryPolicy
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
        parts = [f"{len(self.sent)} message(s) envoyé(s)"]
        if self.failed:
            parts.append(
                f"{len(self.failed)} en échec temporaire (conservé(s) pour un nouvel essai)"
            )
        if self.dead:
            parts.append(f"{len(self.dead)} en échec définitif (rsgm outbox retry --dead)")
        if self.deferred:
            parts.append(f"{self.deferred} différé(s) (heures d'envoi ou limite horaire)")
        if self.unsent:
            parts.append(f"{len(self.unsent)} en attente, non envoyé(s) : {NO_TRANSPORT}")
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
        sent: list[str] = []
        failed: list[str] = []
        dead: list[str] = []
        resent: list[str] = []
        tried = 0
        for index, seen in enumerate(due[:budget]):
            message = self._claim(seen, now)
            if message is None:
                continue  # another round took it first: it is that round's to send
            tried += 1
            if seen.status is MessageStatus.SENDING:
                log.warning(
                    "message %s interrompu pendant un envoi précédent : renvoyé avec le même "
                    "Message-ID %s, le destinataire l'a peut-être déjà reçu",
                    message.id,
                    message.message_id,
                )
                resent.append(message.id)
            outcome = self._send(message)
            if outcome is None:  # no notifier took it: no transport is configured (NOT-3)
                unsent = self._hold(message, due[index + 1 :])
                self._refund(now, budget - (tried - 1))
                return DeliveryReport(
                    tuple(sent), tuple(failed), tuple(dead), tuple(resent), 0, tuple(unsent)
                )
            self._finish(message, outcome)
            {MessageStatus.SENT: sent, MessageStatus.DEAD: dead}.get(outcome.status, failed).append(
                message.id
            )
            progress("messages", index + 1, min(budget, len(due)))
        self._refund(now, budget - tried)
        return DeliveryReport(
            tuple(sent), tuple(failed), tuple(dead), tuple(resent), len(due) - len(due[:budget])
        )

    def _claim(self, seen: OutboxMessage, now: dt.datetime) -> OutboxMessage | None:
        """Take ``seen`` for this round, in one compare-and-set (NOT-3): only if it is still as
        this round read it, so of two rounds that read it, one alone gets it. A message retaken
        after an expired lease counts an attempt, so the claim of the round it was taken from
        cannot match any more."""
        retaken = seen.status is MessageStatus.SENDING
        claimed = attrs.evolve(
            seen,
            status=MessageStatus.SENDING,
            last_attempt_at=now,
            attempts=seen.attempts + 1 if retaken else seen.attempts,
        )
        with self.deps.transaction() as uow:
            taken = uow.outbox.update_if(
                claimed, {"status": seen.status, "attempts": seen.attempts}
            )
        return claimed if taken else None

    def _finish(self, claimed: OutboxMessage, outcome: OutboxMessage) -> None:
        # Each outcome commits on its own, so that a crash mid-round loses at most the message
        # being sent (resent with the same Message-ID). Nothing is queued here, so the
        # transaction never starts another delivery round.
        with self.deps.transaction() as uow:
            kept = uow.outbox.update_if(
                outcome, {"status": MessageStatus.SENDING, "attempts": claimed.attempts}
            )
        if not kept:
            log.warning(
                "message %s : son envoi a duré plus que le bail (lease_seconds) et une autre "
                "tournée l'a repris ; il a pu partir deux fois",
                claimed.id,
            )

    def _hold(self, claimed: OutboxMessage, rest: Sequence[OutboxMessage]) -> list[str]:
        """No transport: the claimed message goes back to the queue as it was, and it and the
        rest of the round carry the reason (NOT-3: never marked sent); their ids."""
        with self.deps.transaction() as uow:
            uow.outbox.update_if(
                attrs.evolve(
                    claimed,
                    status=MessageStatus.PENDING,
                    last_error=NO_TRANSPORT,
                    attempts=claimed.attempts,
                ),
                {"status": MessageStatus.SENDING, "attempts": claimed.attempts},
            )
            for message in rest:
                if message.status is MessageStatus.PENDING and message.last_error != NO_TRANSPORT:
                    uow.outbox.update_if(
                        attrs.evolve(message, last_error=NO_TRANSPORT),
                        {"status": MessageStatus.PENDING, "attempts": message.attempts},
                    )
        log.info("%d message(s) en attente : %s", 1 + len(rest), NO_TRANSPORT)
        return [claimed.id, *(m.id for m in rest)]

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


def _hour(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H")
