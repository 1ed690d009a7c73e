"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, a free port, scripted replies."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from rsgm_core.plugins import smtp


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """What the server answers: scripted replies for RCPT and DATA, then 250."""

    def __init__(self) -> None:
        self.rcpt_replies: list[str] = []
        self.data_replies: list[str] = []
        self.received: list[EmailMessage] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, _: Any):
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted"


@pytest.fixture(name="server")
def server_fixture() -> Iterator[tuple[Server, int]]:
    """A running server and its port; import this name into a test module to use ``server``."""
    handler, port = Server(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    smtp.close_connections()
    controller.stop()
