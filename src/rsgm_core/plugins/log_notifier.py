"""Built-in notifier: writes each message to a file, or to the ``rsgm.outbox`` logger.

It is registered first, so it answers last: any real notifier (SMTP, SMS, a CDG's own) registered
after it takes precedence, and with none installed nothing needs a mail server.

Settings (``Settings(plugins={"log": {...}})``): ``path``, a file to append messages to.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from rsgm_core.domain.messages import Delivery
from rsgm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from rsgm_core.domain.messages import OutboxMessage
    from rsgm_core.settings import Settings

log = logging.getLogger("rsgm.outbox")


@hookimpl(trylast=True)
def rsgm_send(message: OutboxMessage, settings: Settings) -> Delivery:
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
    return Delivery(message_id=message_id)
