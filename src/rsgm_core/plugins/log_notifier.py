"""Built-in notifier: writes each message to a file, or to the ``rsgm.outbox`` logger.

A message it writes is marked sent, though it reaches nobody: so it answers only when it is
configured explicitly (NOT-3), for a demonstration (``rsgm demo``), a test or a trial. Without it
and without another notifier (SMTP, a CDG's own), messages stay queued, never marked sent.
It is registered first, so it answers last: any real notifier registered after it takes precedence.

Settings (``Settings(plugins={"log": {...}})``, or ``[extensions.log]`` in the profile):
``path``, a file to append messages to; or ``enabled = true`` to write them to the logger.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from rsgm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from rsgm_core.domain.messages import Delivery, OutboxMessage
    from rsgm_core.settings import Settings

log = logging.getLogger("rsgm.outbox")


def configured(settings: Settings) -> bool:
    """Whether the log notifier was asked for: a ``path``, or ``enabled`` true."""
    options = settings.plugin("log")
    return bool(options.get("path")) or options.get("enabled") is True


@hookimpl(trylast=True)
def rsgm_send(message: OutboxMessage, settings: Settings) -> Delivery | None:
    if not configured(settings):
        return None  # not a transport unless asked for: the message stays queued (NOT-3)
    message_id = message.message_id or f"<{message.id}@rsgm.invalid>"
    text = (
        f"Message-ID: {message_id}\nÀ : {message.recipient}\nObjet : {message.subject}\n\n"
        f"{message.body_text}\n"
    )
    path = settings.plugin("log").get("path")
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text + "-" * 72 + "\n")
    else:
        log.info("%s", text)
    from rsgm_core.domain.messages import Delivery  # with the first message (start-up)

    return Delivery(message_id=message_id)
