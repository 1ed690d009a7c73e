"""No transport, no "sent" (NOT-3): without SMTP settings and without an explicitly configured
log notifier, messages stay queued with the reason, the use case says so in French and points to
the `[smtp]` section; a message marked sent by mistake can be sent again; a server that is down is
reported as such, never as success (NOT-1)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import rsgm_core
from rsgm_core import (
    App,
    Member,
    MessageStatus,
    NotFoundError,
    RuleViolation,
    Settings,
    ValidationError,
)
from rsgm_core.services.outbox import NO_TRANSPORT
from rsgm_core.testing import Clock
from tests.helpers import nothing_written
from tests.smtp_server import Server, free_port, server_fixture  # noqa: F401

EMAIL = "elodie.rousseau@caunay.fr"
SENDER = "reseau-sgm@cdg79.fr"
OpenApp = Callable[..., App]


@pytest.fixture(autouse=True)
def no_smtp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("HOST", "PORT", "SECURITY", "SENDER", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"RSGM_SMTP_{key}", raising=False)


@pytest.fixture
def open_app(url: str) -> Iterator[OpenApp]:
    opened: list[App] = []

    def _open(plugins: dict[str, Any] | None = None, *, at: str | None = None) -> App:
        app = rsgm_core.open(at or url, settings=Settings(plugins=plugins or {}), clock=Clock())
        opened.append(app)
        return app

    yield _open
    for app in opened:
        app.close()


def welcome(app: App, email: str = EMAIL) -> str:
    app.members.add("Élodie", "Rousseau", email=email, welcome=True)
    [message] = [m for m in app.outbox.list_messages() if m.recipient == email]
    return message.id


def test_without_a_transport_messages_stay_queued_and_the_user_is_told_NOT_3(
    open_app: OpenApp, caplog: pytest.LogCaptureFixture
) -> None:
    app = open_app()
    with caplog.at_level(logging.WARNING, logger="rsgm.outbox"):
        key = welcome(app)
    message = app.outbox.get(key)
    assert (message.status, message.attempts, message.sent_at) == (MessageStatus.PENDING, 0, None)
    assert message.last_error == NO_TRANSPORT
    assert "[smtp]" in NO_TRANSPORT and "docs/plugins/smtp.md" in NO_TRANSPORT
    # the use case that queued it says so, in French
    [record] = [r for r in caplog.records if r.name == "rsgm.outbox"]
    assert record.levelno == logging.WARNING
    assert "1 message mis en file" in record.getMessage()
    assert "non envoyé" in record.getMessage() and "section [smtp]" in record.getMessage()
    report = app.outbox.last_delivery
    assert report is not None and report.unsent == (key,) and not report.sent
    assert not report.complete and "non envoyé" in report.summary()
    # a round, or a forced one, changes nothing: never marked sent, no attempt counted
    for round_ in (app.outbox.deliver_due, app.outbox.retry_pending):
        assert round_().unsent == (key,)
        assert app.outbox.get(key) == message


def test_the_log_notifier_is_a_transport_only_when_configured_NOT_3(
    open_app: OpenApp, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "messages.log"
    written = open_app({"log": {"path": str(path)}})
    key = welcome(written)
    assert written.outbox.get(key).status is MessageStatus.SENT
    assert "Bonjour Élodie Rousseau" in path.read_text(encoding="utf-8")
    logged = open_app({"log": {"enabled": True}})
    with caplog.at_level(logging.INFO, logger="rsgm.outbox"):
        key = welcome(logged, "elodie.rousseau2@caunay.fr")
    assert logged.outbox.get(key).status is MessageStatus.SENT
    assert "Bonjour Élodie Rousseau" in caplog.text
    off = open_app({"log": {"enabled": False}})
    assert off.outbox.get(welcome(off, "elodie.rousseau3@caunay.fr")).status is (
        MessageStatus.PENDING
    )


def test_held_messages_leave_once_smtp_is_configured_NOT_3(
    sqlite_url: str, open_app: OpenApp, server: tuple[Server, int]
) -> None:
    handler, port = server
    key = welcome(open_app(at=sqlite_url))
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "sender": SENDER}
    app = open_app({"smtp": smtp}, at=sqlite_url)
    report = app.outbox.deliver_due()
    assert report.sent == (key,) and report.complete
    assert [mail["To"] for mail in handler.received] == [EMAIL]
    message = app.outbox.get(key)
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 1, None)


def test_a_message_marked_sent_by_mistake_is_sent_again_with_its_requester_NOT_3(
    open_app: OpenApp, tmp_path: Path
) -> None:
    path = tmp_path / "messages.log"
    app = open_app({"log": {"path": str(path)}})
    key = welcome(app)
    again = app.outbox.resend(key, by="Claire Martin")
    assert (again.status, again.attempts, again.sent_at) == (MessageStatus.PENDING, 0, None)
    assert again.resent_by == "Claire Martin" and app.outbox.get(key) == again
    report = app.outbox.deliver_due()
    assert report.sent == (key,)
    message = app.outbox.get(key)
    assert message.status is MessageStatus.SENT and message.resent_by == "Claire Martin"
    # the same message, the same Message-ID, twice in the log
    assert path.read_text(encoding="utf-8").count(f"Message-ID: {message.message_id}") == 2


def test_resend_refuses_without_a_requester_or_for_a_message_not_sent_NOT_3(
    open_app: OpenApp,
) -> None:
    app = open_app()
    key = welcome(app)  # no transport: pending
    error = nothing_written(app, lambda: app.outbox.resend(key, by="Claire Martin"), "NOT-3")
    assert "n'est pas marqué envoyé" in str(error) and "pending" in str(error)
    nothing_written(app, lambda: app.outbox.resend(key, by="  "), "NOT-3")
    with pytest.raises(NotFoundError):
        app.outbox.resend("inconnu", by="Claire Martin")
    assert isinstance(error, RuleViolation)
    with pytest.raises(ValidationError, match="--par"):
        app.outbox.resend(key, by="")


def test_a_newsletter_while_the_smtp_server_is_down_reports_failure_not_success_NOT_1(
    open_app: OpenApp, caplog: pytest.LogCaptureFixture
) -> None:
    smtp = {
        "host": "127.0.0.1",
        "port": free_port(),  # nothing listens there: the server is down
        "security": "none",
        "sender": SENDER,
        "timeout": 2,
    }
    app = open_app({"smtp": smtp})
    for n in range(3):
        app.members.add("Jean", f"Péroux{n}", email=f"jean.peroux{n}@caunay.fr")
    with caplog.at_level(logging.WARNING, logger="rsgm.outbox"):
        letter = app.surveys.newsletter("Lettre de mars", "Au sommaire : …")
    assert letter.recipients == 3
    report = app.outbox.last_delivery
    assert report is not None and len(report.failed) == 3 and not report.sent
    assert "0 message envoyé, 3 en échec temporaire" in report.summary()
    assert "3 messages mis en file : 0 message envoyé" in caplog.text
    messages = [m for m in app.outbox.list_messages() if m.template == "newsletter"]
    assert {m.status for m in messages} == {MessageStatus.PENDING}
    assert all(m.last_error and m.next_attempt_at for m in messages)


def test_queueing_without_delivery_after_commit_is_said_and_sends_nothing_NOT_1(
    open_app: OpenApp, caplog: pytest.LogCaptureFixture
) -> None:
    app = open_app({"log": {"enabled": True}, "outbox": {"deliver_after_commit": False}})
    with caplog.at_level(logging.INFO, logger="rsgm.outbox"):
        key = welcome(app)
    assert app.outbox.get(key).status is MessageStatus.PENDING
    assert app.outbox.last_delivery is None
    assert "1 message mis en file, envoyé par « rsgm outbox send »" in caplog.text
    member = Member("m-1", "É", "R")
    assert app.outbox.render("member_welcome", {"member": member, "commune": None}).subject


def test_the_test_profiles_get_an_explicit_log_transport_NOT_3(url: str) -> None:
    from tests.helpers import CDG79, with_log_transport

    with rsgm_core.open(url, settings=with_log_transport(CDG79), clock=Clock()) as app:
        assert app.outbox.get(welcome(app)).status is MessageStatus.SENT
    assert with_log_transport(CDG79).cdg == CDG79.cdg and "log" not in CDG79.plugins
