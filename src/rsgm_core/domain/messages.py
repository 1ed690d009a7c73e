"""Outbox messages (NOT-1) and the templates they are rendered from (NOT-2).

A message is written to the outbox in the same transaction as the change that caused it, then
delivered after commit. A failed delivery keeps the message, its error and its attempt count: nothing
is ever dropped, and ``retry_pending`` tries again.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

__all__ = [
    "Delivery",
    "MessageStatus",
    "MessageTemplate",
    "OutboxMessage",
    "mark_failed",
    "mark_sent",
]


class MessageStatus(enum.Enum):
    PENDING = "pending"  # waiting for its first delivery, or for a retry after a failure
    SENT = "sent"


@attrs.frozen
class MessageTemplate:
    """A message's French (or other locale's) wording; Jinja2 syntax, HTML part optional."""

    name: str
    subject: str
    text: str
    html: str | None = None


@attrs.frozen
class OutboxMessage:
    id: str
    created_at: dt.datetime
    template: str
    recipient: str
    subject: str
    body_text: str
    body_html: str | None = None
    status: MessageStatus = MessageStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    last_attempt_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    message_id: str | None = None  # the transport's identifier, to detect a double send


@attrs.frozen
class Delivery:
    """What a notifier returns when it has handed a message over."""

    message_id: str | None = None


def mark_sent(message: OutboxMessage, *, at: dt.datetime, delivery: Delivery) -> OutboxMessage:
    return attrs.evolve(
        message,
        status=MessageStatus.SENT,
        attempts=message.attempts + 1,
        last_attempt_at=at,
        sent_at=at,
        last_error=None,
        message_id=delivery.message_id or message.message_id,
    )


def mark_failed(message: OutboxMessage, *, at: dt.datetime, error: str) -> OutboxMessage:
    # NOT-1: the message stays pending with the reason, for the next retry.
    return attrs.evolve(
        message, attempts=message.attempts + 1, last_attempt_at=at, last_error=error[:2000]
    )
