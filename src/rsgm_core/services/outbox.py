"""The outbox (NOT-1): messages are queued inside the transaction of the change that causes them
and delivered after it commits; a failed delivery stays queued with its error for a retry."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.members import validate_email
from rsgm_core.domain.messages import (
    Delivery,
    MessageStatus,
    OutboxMessage,
    mark_failed,
    mark_sent,
)
from rsgm_core.errors import NotFoundError, PluginError, RsgmError, ValidationError

if TYPE_CHECKING:
    from rsgm_core.app import App
    from rsgm_core.domain.messages import MessageTemplate
    from rsgm_core.ports import UnitOfWork


@attrs.frozen
class DeliveryReport:
    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


class OutboxService:
    def __init__(self, app: App) -> None:
        self.app = app

    def template(self, name: str) -> MessageTemplate:
        template = self.app.hooks.message_template(name, self.app.settings.locale)
        if template is None:
            raise NotFoundError(
                f"modèle de message introuvable : {name!r} (langue {self.app.settings.locale})",
                rule="NOT-2",
                value=name,
            )
        return template

    def render(self, name: str, context: Mapping[str, Any]) -> tuple[str, str, str | None]:
        """Subject, text and HTML of message ``name``; an unknown field is an error now, not
        when the message is sent (NOT-2)."""
        from rsgm_core.services.rendering import render_template

        return render_template(
            self.template(name), context, self.app.settings, today=self.app.today()
        )

    def queue(
        self, uow: UnitOfWork, name: str, recipient: str, context: Mapping[str, Any]
    ) -> OutboxMessage:
        """Render message ``name`` and add it to the outbox in ``uow``'s transaction (NOT-1)."""
        recipient = validate_email(recipient, generic_local_parts=())
        subject, text, html = self.render(name, context)
        message = OutboxMessage(
            id=str(uuid.uuid4()),
            created_at=self.app.now(),
            template=name,
            recipient=recipient,
            subject=subject,
            body_text=text,
            body_html=html,
        )
        uow.outbox.add(message)
        return message

    def list(self, status: MessageStatus | None = None) -> list[OutboxMessage]:
        with self.app.storage.unit_of_work(read_only=True) as uow:
            where = {"status": status} if status else None
            return sorted(uow.outbox.list(where), key=lambda m: (m.created_at, m.id))

    def retry_pending(self) -> DeliveryReport:
        """Try every pending message once; each outcome is saved on its own, so a crash loses at
        most the mark of the message being sent (it is then sent again, with the same id)."""
        sent, failed = [], []
        for message in self.list(MessageStatus.PENDING):
            try:
                delivery = self.app.hooks.send(message, self.app.settings)
                if delivery is None:
                    raise PluginError(
                        "aucune extension n'a pris le message en charge", value=message.id
                    )
                if not isinstance(delivery, Delivery):
                    raise PluginError(f"résultat d'envoi inattendu : {delivery!r}", value=delivery)
                outcome = mark_sent(message, at=self.app.now(), delivery=delivery)
                sent.append(message.id)
            except Exception as exc:  # any failure of a notifier keeps the message (NOT-1)
                detail = (
                    exc.message if isinstance(exc, RsgmError) else f"{type(exc).__name__}: {exc}"
                )
                outcome = mark_failed(message, at=self.app.now(), error=detail)
                failed.append(message.id)
            with self.app.storage.unit_of_work() as uow:
                uow.outbox.update(outcome)
                uow.commit()
        return DeliveryReport(tuple(sent), tuple(failed))

    deliver_pending = retry_pending

    def get(self, message_id: str) -> OutboxMessage:
        if not message_id:
            raise ValidationError("identifiant de message vide", value=message_id)
        with self.app.storage.unit_of_work(read_only=True) as uow:
            return uow.outbox.get(message_id)
