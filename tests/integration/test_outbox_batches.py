"""Delivery by batches (issue 24, NOT-1, NOT-3): a batch is claimed in one transaction, its
messages sent on one SMTP connection, its outcomes recorded in one transaction after the server's
answers. The crash windows: what a crash between the server's answer and the record leaves
(at most one batch sent twice, with the same Message-IDs, after the lease), and a batch whose claim
gets old gives the rest back instead of sending it past its lease."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest

from rsgm_core import ConfigurationError, Delivery, MessageStatus, OutboxMessage, Settings, hookimpl
from rsgm_core.plugins import smtp
from rsgm_core.testing import Clock
from tests.conftest import NOW
from tests.integration.test_smtp import (  # noqa: F401 - fixtures
    OpenApp,
    open_app,
    open_sqlite_app,
)
from tests.smtp_server import Server, server_fixture  # noqa: F401

RECIPIENTS = [f"agent{i}@caunay.fr" for i in range(7)]


class Crash(BaseException):
    """The process dies: nothing catches it, nothing after it runs."""


class CrashAfter:
    """Sends through SMTP, and the process dies right after the server accepted the n-th mail."""

    def __init__(self, n: int) -> None:
        self.left = n

    @hookimpl
    def rsgm_send(self, message: OutboxMessage, settings: Settings) -> Delivery | None:
        delivery = smtp.rsgm_send(message, settings)
        self.left -= 1
        if self.left == 0:
            raise Crash
        return delivery


class SlowServer:
    """Each mail takes four minutes of the clock (a slow server): the claim gets old."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.claims: list[dt.datetime | None] = []  # when each mail handed over was claimed

    @hookimpl(tryfirst=True)
    def rsgm_send(self, message: OutboxMessage, settings: Settings) -> Delivery:
        self.claims.append(message.last_attempt_at)
        self.clock.set(self.clock() + dt.timedelta(minutes=4))
        return Delivery(message_id=message.message_id)


def _queue_all(app: object) -> None:
    from rsgm_core import App, Member

    assert isinstance(app, App)
    for i, email in enumerate(RECIPIENTS):
        member = Member(f"m-{i}", "Élodie", f"Rousseau{i}", email)
        app.outbox.queue("member_welcome", email, {"member": member, "commune": "Caunay"})


@pytest.mark.parametrize("batch", [1, 3])
def test_a_crash_after_the_server_accepted_resends_at_most_one_batch_NOT_1(
    server: tuple[Server, int],
    open_sqlite_app: OpenApp,  # noqa: F811
    batch: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler, port = server
    queuing = open_sqlite_app(port, outbox={"deliver_after_commit": False, "batch_size": batch})
    _queue_all(queuing)
    crashing = open_sqlite_app(port, CrashAfter(2), outbox={"batch_size": batch})
    with pytest.raises(Crash):
        crashing.outbox.deliver_due()
    smtp.close_connections()
    assert len(handler.received) == 2  # the server accepted two mails, nothing recorded them
    stored = crashing.outbox.list_messages()
    sending = [m for m in stored if m.status is MessageStatus.SENDING]
    # The batch holding the second mail stays claimed; with batches of one, that mail alone.
    assert len(sending) == (1 if batch == 1 else batch)
    assert all(m.status is not MessageStatus.SENT for m in stored) or batch == 1
    later = Clock(NOW + dt.timedelta(minutes=5))
    restarted = open_sqlite_app(port, clock=later, outbox={"batch_size": batch})
    assert sorted(restarted.outbox.deliver_due().sent) == sorted(
        m.id for m in stored if m.status is MessageStatus.PENDING
    )  # within the lease the claimed ones wait: their round may still be running
    later.set(NOW + dt.timedelta(minutes=11))
    with caplog.at_level(logging.WARNING, logger="rsgm.outbox"):
        report = restarted.outbox.deliver_due()
    assert sorted(report.resent) == sorted(report.sent) == sorted(m.id for m in sending)
    assert all(m.status is MessageStatus.SENT for m in restarted.outbox.list_messages())
    ids = [mail["Message-ID"] for mail in handler.received]
    doubles = {i for i in ids if ids.count(i) > 1}
    # Every message arrived; the doubles are the mails accepted before the crash, at most one
    # batch, and they carry the same Message-ID (NOT-1: detectable by the recipient).
    assert {m.message_id for m in stored} == set(ids)
    assert len(doubles) == (1 if batch == 1 else 2) <= batch
    assert all(m.message_id in caplog.text for m in sending)


def test_a_crash_after_a_batch_was_recorded_resends_nothing_of_it_NOT_1(
    server: tuple[Server, int],
    open_sqlite_app: OpenApp,  # noqa: F811
) -> None:
    handler, port = server
    queuing = open_sqlite_app(port, outbox={"deliver_after_commit": False, "batch_size": 3})
    _queue_all(queuing)
    crashing = open_sqlite_app(port, CrashAfter(4), outbox={"batch_size": 3})
    with pytest.raises(Crash):
        crashing.outbox.deliver_due()
    smtp.close_connections()
    statuses = [m.status for m in crashing.outbox.list_messages()]
    assert statuses.count(MessageStatus.SENT) == 3  # the first batch was recorded
    later = Clock(NOW + dt.timedelta(minutes=11))
    report = open_sqlite_app(port, clock=later, outbox={"batch_size": 3}).outbox.deliver_due()
    assert len(report.sent) == 4 and len(report.resent) == 3  # the second batch, then the last
    ids = [mail["Message-ID"] for mail in handler.received]
    assert len(ids) == 8 and len(set(ids)) == 7  # one double: the mail accepted at the crash


def test_a_batch_whose_claim_gets_old_gives_the_rest_back_unsent_NOT_3(
    server: tuple[Server, int],
    open_app: OpenApp,  # noqa: F811
) -> None:
    handler, port = server
    clock = Clock()
    outbox = {"batch_size": 5, "deliver_after_commit": False}
    server_ = SlowServer(clock)
    slow = open_app(port, server_, clock=clock, outbox=outbox)
    _queue_all(slow)
    report = slow.outbox.deliver_due()
    # Lease 10 minutes: after two mails of 4 minutes, the claim is 8 minutes old (past half the
    # lease): the three others of the batch go back to the queue; the next batch starts afresh.
    assert len(report.sent) == 7 and report.resent == ()
    stored = slow.outbox.list_messages()
    assert all(m.status is MessageStatus.SENT and m.attempts == 1 for m in stored)
    assert sorted(Counter(server_.claims).values()) == [
        1,
        2,
        2,
        2,
    ]  # two per claim at most, then given back
    assert handler.received == []  # SlowServer answered first: nothing went through SMTP


def test_the_batch_size_is_checked_when_the_instance_opens_NOT_1(
    server: tuple[Server, int],
    open_app: OpenApp,  # noqa: F811
) -> None:
    _, port = server
    for wrong in (0, 1001, "20", True):
        with pytest.raises(ConfigurationError, match="batch_size"):
            open_app(port, outbox={"batch_size": wrong}).outbox.policy  # noqa: B018
