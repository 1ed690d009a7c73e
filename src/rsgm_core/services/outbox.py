"""The outbox (NOT-1): messages are queued inside the transaction of the change that causes them
and delivered after it commits, the commit delivering only the messages it queued (NOT-3). The
delivery rounds (:mod:`rsgm_core.services.outbox_round`) claim each message by one
compare-and-set before sending it, so concurrent rounds send it once; its Message-ID is fixed when
queued, so a resend after a crash carries the same identifier."""

from __future__ import annotations

import builtins
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
    MessageStatus,
    MessageTemplate,
    OutboxMessage,
    RenderedMessage,
    check_list_unsubscribe,
)
from rsgm_core.domain.outbox_policy import DeliveryPolicy, policy_from_options
from rsgm_core.domain.progress import Progress
from rsgm_core.errors import (
    NotFoundError,
    RuleViolation,
    ValidationError,
)
from rsgm_core.services.outbox_options import outbox_options
from rsgm_core.services.outbox_round import NO_TRANSPORT, DeliveryReport, DeliveryRound

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = [
    "NO_TRANSPORT",
    "DeliveryReport",
    "OutboxService",
    "message_id_domain",
    "outbox_options",
    "parse_status",
    "queue_message",
]

log = logging.getLogger("rsgm.outbox")

DEFAULT_DOMAIN = "rsgm.invalid"


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

    @property
    def last_delivery(self) -> DeliveryReport | None:
        """What the delivery after the last commit that queued messages did with them, ``None``
        when it did not run (``deliver_after_commit`` off, or it failed): how a command reports
        what was delivered, failed or stays queued, rather than success (NOT-3)."""
        return self.deps.deliveries[-1] if self.deps.deliveries else None

    # Delivery rounds (rsgm_core.services.outbox_round)

    def _deliver(
        self,
        *,
        force: bool,
        only: frozenset[str] | None = None,
        progress: Progress | None = None,
    ) -> DeliveryReport:
        return DeliveryRound(self.deps, self.policy).run(force=force, only=only, progress=progress)

    def deliver_due(self, *, progress: Progress | None = None) -> DeliveryReport:
        """One round: every message whose back-off has elapsed, within the sending hours and the
        hourly limit: what ``rsgm outbox send`` runs. Each message is claimed atomically before
        it is sent, so any number of rounds at once deliver it once (NOT-3). ``progress`` is told
        ``("messages", done, total)`` as they go (:class:`~rsgm_core.domain.progress.Progress`)."""
        return self._deliver(force=False, progress=progress)

    def deliver(self, ids: Iterable[str], *, progress: Progress | None = None) -> DeliveryReport:
        """A round over the messages ``ids`` only: what a commit runs for the messages its
        transaction queued, never for the rest of the outbox (NOT-3)."""
        return self._deliver(force=False, only=frozenset(ids), progress=progress)

    def retry_pending(self, *, progress: Progress | None = None) -> DeliveryReport:
        """Every pending message now, back-off or not (sending hours and the hourly limit still
        apply): what an animator asks for with ``rsgm outbox retry``."""
        return self._deliver(force=True, progress=progress)

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

    def resend(self, message_id: str, *, by: str) -> OutboxMessage:
        """NOT-3: put back in the queue a message marked sent that never arrived (sent by a
        notifier that only logged it, a mailbox that lost it); ``by`` names who asks, kept on the
        message. The next round sends it again, with the same Message-ID."""
        if not isinstance(by, str) or not by.strip():
            raise ValidationError(
                "renvoi d'un message : nommez la personne qui le demande (--par)",
                rule="NOT-3",
                value=by,
            )
        with self.deps.transaction() as uow:
            message = uow.outbox.get(message_id)
            if message.status is not MessageStatus.SENT:
                # needs storage: the message's current status
                raise RuleViolation(
                    f"le message {message_id} n'est pas marqué envoyé (état "
                    f"{message.status.value}) : rien à renvoyer",
                    rule="NOT-3",
                    value=message_id,
                )
            again = attrs.evolve(
                message,
                status=MessageStatus.PENDING,
                attempts=0,
                next_attempt_at=None,
                sent_at=None,
                last_error=None,
                resent_by=by.strip(),
            )
            uow.outbox.update(again)
        log.info("message %s remis en file pour un nouvel envoi par %s", message_id, by.strip())
        return again

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
    uow.queued_ids.append(key)
    return message
