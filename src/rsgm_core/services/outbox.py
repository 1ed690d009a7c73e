"""The outbox (NOT-1): messages are queued inside the transaction of the change that causes them
and delivered after it commits. Delivery is at least once: each message is claimed (``SENDING``)
before it is handed to the notifier and marked after, both in their own small transactions, and
its Message-ID is fixed when queued, so a resend after a crash carries the same identifier."""

from __future__ import annotations

import builtins
import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core._compat import deprecated, deprecated_aliases, renamed_keywords
from rsgm_core.domain.enums import read_enum
from rsgm_core.domain.members import validate_email
from rsgm_core.domain.messages import (
    Attachment,
    Delivery,
    MessageStatus,
    MessageTemplate,
    OutboxMessage,
    RenderedMessage,
    check_list_unsubscribe,
    mark_failed,
    mark_sent,
)
from rsgm_core.domain.outbox_policy import DeliveryPolicy, policy_from_options
from rsgm_core.errors import DeliveryError, NotFoundError, PluginError, RsgmError, ValidationError

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = [
    "DeliveryReport",
    "OutboxService",
    "message_id_domain",
    "outbox_options",
    "parse_status",
    "queue_message",
]

log = logging.getLogger("rsgm.outbox")

RATE_KEY = "outbox.rate"  # meta entry: the current hour and how many messages left in it
DEFAULT_DOMAIN = "rsgm.invalid"


@attrs.frozen
class DeliveryReport:
    """What one delivery round did: the ids sent, failed for now, dead-lettered, resent after a
    crash, and how many due messages it held back."""

    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()  # temporary failures: still pending, with a next attempt time
    dead: tuple[str, ...] = ()  # permanent failures or attempts exhausted: in the dead-letter list
    resent: tuple[str, ...] = ()  # interrupted by a crash earlier, sent again with the same ID
    deferred: int = 0  # due but held back by the sending hours or the hourly limit


OPTION_ENV = {  # for the `rsgm` command, whose settings are the defaults
    "hours": "RSGM_OUTBOX_HOURS",
    "days": "RSGM_OUTBOX_DAYS",
    "max_per_hour": "RSGM_OUTBOX_MAX_PER_HOUR",
}


def outbox_options(settings_plugin: Any) -> dict[str, Any]:
    """``Settings.plugin("outbox")``, completed by the ``RSGM_OUTBOX_*`` environment variables."""
    import os

    options = dict(settings_plugin("outbox"))
    for key, variable in OPTION_ENV.items():
        value = os.environ.get(variable)
        if value and key not in options:
            options[key] = int(value) if value.isdigit() else value
    return options


def message_id_domain(settings_plugin: Any) -> str:
    """The right-hand side of Message-IDs: ``outbox.domain``, else the SMTP sender's domain."""
    import os

    domain = settings_plugin("outbox").get("domain")
    sender = settings_plugin("smtp").get("sender") or os.environ.get("RSGM_SMTP_SENDER", "")
    if not domain and "@" in sender:
        domain = sender.rsplit("@", 1)[1].strip(" >")
    return str(domain or DEFAULT_DOMAIN)


class OutboxService:
    """``app.outbox``: queue a message on its own, render and list messages, delivery rounds
    (``deliver_due``, ``retry_pending``) and the dead-letter list (``revive``)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @cached_property
    def policy(self) -> DeliveryPolicy:
        """The sending hours, hourly limit, retries and lease of the ``outbox`` options."""
        return policy_from_options(outbox_options(self.deps.settings.plugin))

    def template(self, name: str) -> MessageTemplate:
        """Message template ``name`` in the CDG's locale, from the plugins (NOT-2)."""
        template = self.deps.hooks.message_template(name, self.deps.settings.locale)
        if template is None:
            raise NotFoundError(
                f"modèle de message introuvable : {name!r} (langue {self.deps.settings.locale})",
                rule="NOT-2",
                value=name,
            )
        return template

    @renamed_keywords(name="template")
    def render(self, template: str, context: Mapping[str, Any]) -> RenderedMessage:
        """Subject, text and HTML of message ``template``; an unknown field is an error now, not
        when the message is sent (NOT-2)."""
        from rsgm_core.render.messages import render_template

        return render_template(
            self.template(template), context, self.deps.settings, today=self.deps.today()
        )

    def queue(
        self,
        template: str,
        recipient: str,
        context: Mapping[str, Any],
        *,
        attachments: Sequence[Attachment] = (),
        list_unsubscribe: str | None = None,
    ) -> OutboxMessage:
        """NOT-1: queue one message in its own transaction, delivered after it commits (unless
        ``deliver_after_commit`` is off); the message as queued, pending. A message that must
        stand or fall with other writes is queued by the use case making them
        (:func:`queue_message`)."""
        with self.deps.transaction() as uow:
            return queue_message(
                self.deps,
                uow,
                template,
                recipient,
                context,
                attachments=attachments,
                list_unsubscribe=list_unsubscribe,
            )

    def list_messages(self, *, status: MessageStatus | str | None = None) -> list[OutboxMessage]:
        """The messages (of ``status`` if given: a :class:`MessageStatus` or its value), oldest
        first, ties in id order."""
        wanted = parse_status(status) if status is not None else None
        with self.deps.read() as uow:
            found = uow.outbox.list({"status": wanted} if wanted else None)
        return sorted(found, key=lambda m: (m.created_at, m.id))

    def get(self, message_id: str) -> OutboxMessage:
        """One message by id (:class:`NotFoundError` if absent)."""
        if not message_id:
            raise ValidationError("identifiant de message vide", value=message_id)
        with self.deps.read() as uow:
            return uow.outbox.get(message_id)

    # Delivery rounds

    def deliver_due(self) -> DeliveryReport:
        """One round: every message whose back-off has elapsed, within the sending hours and the
        hourly limit. Runs after each transaction and in ``rsgm outbox send``."""
        return self._deliver(force=False)

    def retry_pending(self) -> DeliveryReport:
        """Every pending message now, back-off or not (sending hours and the hourly limit still
        apply): what an animator asks for with ``rsgm outbox retry``."""
        return self._deliver(force=True)

    def revive(self, ids: Iterable[str] | None = None) -> list[OutboxMessage]:
        """Move dead-lettered messages (all, or those of ``ids``) back to pending, attempts reset;
        the next round sends them."""
        wanted = set(ids) if ids is not None else None
        with self.deps.transaction() as uow:
            dead = uow.outbox.list({"status": MessageStatus.DEAD})
            found = {m.id for m in dead}
            missing = sorted((wanted or set()) - found)
            if missing:
                raise NotFoundError(
                    f"aucun message en échec définitif : {', '.join(missing)}", value=missing
                )
            revived = [
                attrs.evolve(m, status=MessageStatus.PENDING, attempts=0, next_attempt_at=None)
                for m in dead
                if wanted is None or m.id in wanted
            ]
            uow.outbox.update_all(revived)
        return sorted(revived, key=lambda m: (m.created_at, m.id))

    def _due(self, now: dt.datetime, force: bool) -> list[OutboxMessage]:
        lease = self.policy.lease
        with self.deps.read() as uow:
            waiting = uow.outbox.list({"status": (MessageStatus.PENDING, MessageStatus.SENDING)})
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

    def _deliver(self, *, force: bool) -> DeliveryReport:
        now = self.deps.now()
        due = self._due(now, force)
        if not due:
            return DeliveryReport()
        if not self.policy.window.allows(now.astimezone(self.deps.settings.zone)):
            return DeliveryReport(deferred=len(due))
        budget = self._budget(now)
        sent: list[str] = []
        failed: list[str] = []
        dead: list[str] = []
        resent: list[str] = []
        for message in due[:budget]:
            if message.status is MessageStatus.SENDING:
                log.warning(
                    "message %s interrompu pendant un envoi précédent : renvoyé avec le même "
                    "Message-ID %s, le destinataire l'a peut-être déjà reçu",
                    message.id,
                    message.message_id,
                )
                message = attrs.evolve(message, attempts=message.attempts + 1)
                resent.append(message.id)
            self._save(attrs.evolve(message, status=MessageStatus.SENDING, last_attempt_at=now))
            outcome = self._send(message)
            self._save(outcome)
            {MessageStatus.SENT: sent, MessageStatus.DEAD: dead}.get(outcome.status, failed).append(
                message.id
            )
        self._spend(now, len(due[:budget]))
        return DeliveryReport(
            tuple(sent), tuple(failed), tuple(dead), tuple(resent), len(due) - len(due[:budget])
        )

    def _send(self, message: OutboxMessage) -> OutboxMessage:
        permanent = False
        try:
            delivery = self.deps.hooks.send(message, self.deps.settings)
            if delivery is None:
                raise PluginError(
                    "aucune extension n'a pris le message en charge", value=message.id
                )
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

    def _save(self, message: OutboxMessage) -> None:
        # Each claim and each outcome commits on its own, so that a crash mid-round loses at most
        # the message being sent (resent with the same Message-ID). Nothing is queued here, so
        # the transaction never starts another delivery round.
        with self.deps.transaction() as uow:
            uow.outbox.update(message)

    def _budget(self, now: dt.datetime) -> int:
        """How many messages may still leave in the current clock hour."""
        limit = self.policy.max_per_hour
        if limit is None:
            return 1 << 62
        hour, spent = self._rate()
        return max(limit - (spent if hour == _hour(now) else 0), 0)

    def _rate(self) -> tuple[str, int]:
        with self.deps.read() as uow:
            entry = uow.meta.find(RATE_KEY)
        if entry is None:
            return "", 0
        value = json.loads(entry.value)
        return str(value["hour"]), int(value["count"])

    def _spend(self, now: dt.datetime, count: int) -> None:
        if self.policy.max_per_hour is None or count == 0:
            return
        from rsgm_core.domain.census import MetaEntry

        hour, spent = self._rate()
        spent = spent + count if hour == _hour(now) else count
        entry = MetaEntry(RATE_KEY, json.dumps({"hour": _hour(now), "count": spent}))
        with self.deps.transaction() as uow:
            if uow.meta.find(RATE_KEY) is None:
                uow.meta.add(entry)
            else:
                uow.meta.update(entry)

    if TYPE_CHECKING:  # the former names, attached below at run time: typed for a caller's checker

        @typed_deprecated("use app.outbox.list_messages(status=…)")
        def list(
            self, status: MessageStatus | str | None = None
        ) -> builtins.list[OutboxMessage]: ...
        @typed_deprecated("use app.outbox.retry_pending()")
        def deliver_pending(self) -> DeliveryReport: ...


@deprecated("list_messages(status=…)", old="list()")
def _list(self: OutboxService, status: MessageStatus | str | None = None) -> list[OutboxMessage]:
    return self.list_messages(status=status)


_list.__name__ = _list.__qualname__ = "list"
_list.__doc__ = "Deprecated alias of :meth:`OutboxService.list_messages`."
setattr(OutboxService, "list", _list)  # noqa: B010 - the old name, kept one release
deprecated_aliases(OutboxService, deliver_pending="retry_pending")


def parse_status(value: MessageStatus | str) -> MessageStatus:
    """A :class:`MessageStatus` or its value (``"dead"``), else a :class:`ValidationError`."""
    return read_enum(MessageStatus, value, "état de message inconnu", rule="NOT-1")


def _hour(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H")


def queue_message(
    deps: Deps,
    uow: UnitOfWork,
    template: str,
    recipient: str,
    context: Mapping[str, Any],
    *,
    attachments: Sequence[Attachment] = (),
    list_unsubscribe: str | None = None,
) -> OutboxMessage:
    """Render message ``template`` and add it to the outbox in ``uow``'s transaction (NOT-1).

    ``list_unsubscribe`` (a URL or ``mailto:``) marks a newsletter: the SMTP notifier sends it
    as ``List-Unsubscribe``. The Message-ID is fixed here, once, for every attempt.
    """
    recipient = validate_email(recipient, generic_local_parts=())
    check_list_unsubscribe(list_unsubscribe)
    rendered = OutboxService(deps).render(template, context)
    key = str(uuid.uuid4())
    message = OutboxMessage(
        id=key,
        created_at=deps.now(),
        template=template,
        recipient=recipient,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        message_id=f"<{key}@{message_id_domain(deps.settings.plugin)}>",
        list_unsubscribe=list_unsubscribe,
        attachments=tuple(attachments),
    )
    uow.outbox.add(message)
    uow.queued_messages += 1
    return message
