"""Outbox messages (NOT-1) and the templates they are rendered from (NOT-2).

A message is written to the outbox in the same transaction as the change that caused it, then
delivered after commit. A failed delivery keeps the message, its error and its attempt count: nothing
is ever dropped. A temporary failure waits for ``next_attempt_at``; a permanent one (or too many
temporary ones) moves the message to the dead-letter list (``DEAD``), from which an animator
sends it again.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from rsgm_core._compat import DeprecatedTuple
from rsgm_core.errors import ValidationError

__all__ = [
    "Attachment",
    "Delivery",
    "MessageStatus",
    "MessageTemplate",
    "OutboxMessage",
    "RenderedMessage",
    "check_list_unsubscribe",
    "mark_failed",
    "mark_sent",
]

#: The base of the results that were tuples, under its first name.


class MessageStatus(enum.Enum):
    PENDING = "pending"  # waiting for its first delivery, or for a retry after a failure
    SENDING = "sending"  # claimed by a delivery round; still so after a crash mid-send
    SENT = "sent"
    DEAD = "dead"  # permanent failure or attempts exhausted: kept for an animator to retry


@attrs.frozen
class MessageTemplate:
    """A message's French (or other locale's) wording; Jinja2 syntax, HTML part optional."""

    name: str
    subject: str
    text: str
    html: str | None = None


@attrs.frozen
class RenderedMessage(DeprecatedTuple):
    """A message template rendered with its context (NOT-2): the subject on one line, the text
    part, and the HTML part when the template has one."""

    subject: str
    text: str
    html: str | None = None


@attrs.frozen
class Attachment:
    """A file sent with a message: an attendance certificate, an iCalendar invitation."""

    filename: str
    content_type: str  # "application/pdf", "text/calendar"
    content: bytes


@attrs.frozen
class OutboxMessage:
    """A message in the outbox (NOT-1): queued with the change that caused it, then delivered,
    retried or dead-lettered; never dropped."""

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
    message_id: str | None = None  # set when queued, sent as is: a double send is detectable
    # Schema migration 4: the fields below were added later, so they come last.
    next_attempt_at: dt.datetime | None = None  # back-off: not tried again before this
    list_unsubscribe: str | None = None  # newsletters: the List-Unsubscribe target (URL, mailto:)
    attachments: tuple[Attachment, ...] = ()
    # Schema migration 15.
    resent_by: str | None = None  # who put a message marked sent back in the queue (NOT-3)


@attrs.frozen
class Delivery:
    """What a notifier returns when it has handed a message over."""

    message_id: str | None = None


def check_list_unsubscribe(target: str | None) -> str | None:
    """NOT-1: a newsletter's ``List-Unsubscribe`` target is a web address or a ``mailto:``."""
    if target is not None and not target.startswith(("https://", "http://", "mailto:")):
        raise ValidationError(
            f"lien de désinscription invalide : {target!r} (https:… ou mailto:…)",
            rule="NOT-1",
            value=target,
        )
    return target


def mark_sent(message: OutboxMessage, *, at: dt.datetime, delivery: Delivery) -> OutboxMessage:
    return attrs.evolve(
        message,
        status=MessageStatus.SENT,
        attempts=message.attempts + 1,
        last_attempt_at=at,
        sent_at=at,
        last_error=None,
        message_id=delivery.message_id or message.message_id,
        next_attempt_at=None,
    )


def mark_failed(
    message: OutboxMessage,
    *,
    at: dt.datetime,
    error: str,
    retry_at: dt.datetime | None = None,
    dead: bool = False,
) -> OutboxMessage:
    # NOT-1: the message is kept with the reason, pending for the next round or dead-lettered.
    return attrs.evolve(
        message,
        status=MessageStatus.DEAD if dead else MessageStatus.PENDING,
        attempts=message.attempts + 1,
        last_attempt_at=at,
        last_error=error[:2000],
        next_attempt_at=None if dead else retry_at,
    )
