"""The outbox on both backends: queued in the transaction of the change (NOT-1), delivered after
commit through the `rsgm_send` hook, kept with its error when delivery fails; templates rendered
strictly (NOT-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import (
    App,
    Delivery,
    DeliveryReport,
    Member,
    MessageStatus,
    MessageTemplate,
    NotFoundError,
    OutboxMessage,
    Settings,
    ValidationError,
    hookimpl,
)
from rsgm_core.domain.progress import Progress
from rsgm_core.services.outbox import OutboxService, queue_message
from rsgm_core.testing import Clock
from tests.conftest import NOW

EMAIL = "elodie.rousseau@caunay.fr"
OpenApp = Callable[..., App]


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "out.log"


@pytest.fixture
def open_app(url: str, log_path: Path) -> Iterator[OpenApp]:
    """Open the `url` backend with the built-in log notifier writing to `log_path`."""
    opened: list[App] = []

    def _open(*plugins: object) -> App:
        settings = Settings(plugins={"log": {"path": str(log_path)}})
        app = rsgm_core.open(url, plugins=plugins, settings=settings, clock=Clock())
        opened.append(app)
        return app

    yield _open
    for app in opened:
        app.close()


def stored(app: App) -> tuple[list[Member], list[OutboxMessage]]:
    with app.storage.unit_of_work(read_only=True) as uow:
        return uow.members.list(), uow.outbox.list()


def test_welcome_is_queued_then_sent_after_commit_NOT_1(open_app: OpenApp, log_path: Path) -> None:
    app = open_app()
    member = app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    [message] = app.outbox.list_messages()
    assert (message.template, message.recipient) == ("member_welcome", EMAIL)
    assert message.subject == "Bienvenue dans le réseau des secrétaires généraux de mairie"
    assert message.body_text.startswith("Bonjour Élodie Rousseau,")
    assert message.body_html and "<p>Bonjour Élodie Rousseau,</p>" in message.body_html
    assert message.status is MessageStatus.SENT
    assert message.message_id == f"<{message.id}@rsgm.invalid>"
    assert (message.attempts, message.sent_at, message.created_at) == (1, NOW, NOW)
    assert message.last_error is None
    assert app.outbox.get(message.id) == message
    assert app.members.get(member.id) == member
    log = log_path.read_text(encoding="utf-8")
    assert f"Message-ID: {message.message_id}" in log
    assert f"À : {EMAIL}" in log and "Objet : Bienvenue dans le réseau" in log
    assert "Bonjour Élodie Rousseau," in log
    assert app.outbox.retry_pending().sent == ()  # nothing left to send, nothing sent twice
    assert log_path.read_text(encoding="utf-8").count("Message-ID") == 1


def test_welcome_is_dated_by_the_app_clock_NOT_2(open_app: OpenApp) -> None:
    app = open_app()  # the clock says 14 March 2025
    app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    [message] = app.outbox.list_messages()
    assert "Message envoyé le 14 mars 2025." in message.body_text


def test_no_welcome_without_an_email_or_when_not_asked(open_app: OpenApp, log_path: Path) -> None:
    app = open_app()
    app.members.add("Jean", "Péroux", welcome=True)
    app.members.add("Élodie", "Rousseau", email=EMAIL)
    assert app.outbox.list_messages() == []
    assert not log_path.exists()


def test_delivery_happens_after_commit_NOT_1(open_app: OpenApp) -> None:
    seen: list[int] = []

    class Watcher:
        app: App

        @hookimpl
        def rsgm_send(self, message: OutboxMessage) -> Delivery:
            with self.app.storage.unit_of_work(read_only=True) as uow:
                seen.append(uow.members.count({"email": message.recipient}))
            return Delivery("<1@cdg79.fr>")

    watcher = Watcher()
    watcher.app = app = open_app(watcher)
    app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    assert seen == [1]  # the member was visible to a fresh unit of work: committed first
    assert app.outbox.list_messages()[0].message_id == "<1@cdg79.fr>"


def test_a_failure_after_queueing_leaves_neither_member_nor_message_NOT_1(
    open_app: OpenApp, log_path: Path
) -> None:
    app = open_app()
    member = Member("m-1", "Élodie", "Rousseau", EMAIL)
    with pytest.raises(RuntimeError, match="panne"), app.deps.transaction() as uow:
        uow.members.add(member)
        queued = queue_message(
            app.deps, uow, "member_welcome", EMAIL, {"member": member, "commune": None}
        )
        assert uow.outbox.get(queued.id).status is MessageStatus.PENDING
        raise RuntimeError("panne au milieu du cas d'usage")
    assert stored(app) == ([], [])
    assert not log_path.exists()


class FlakySmtp:
    """A notifier whose server is down until told otherwise."""

    def __init__(self) -> None:
        self.down = True
        self.calls = 0

    @hookimpl
    def rsgm_send(self, message: OutboxMessage) -> Delivery:
        self.calls += 1
        if self.down:
            raise ConnectionError("serveur SMTP injoignable")
        return Delivery(f"<{message.id}@smtp.cdg79.fr>")


def test_a_failed_delivery_stays_pending_then_retry_sends_it_NOT_1(
    open_app: OpenApp, log_path: Path
) -> None:
    smtp = FlakySmtp()
    app = open_app(smtp)
    member = app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    assert app.members.get(member.id) == member  # the change stands; only delivery failed
    [message] = app.outbox.list_messages(status=MessageStatus.PENDING)
    assert message.attempts == 1 and message.last_attempt_at == NOW
    assert message.last_error == "ConnectionError: serveur SMTP injoignable"
    assert message.sent_at is None
    assert message.message_id == f"<{message.id}@rsgm.invalid>"  # fixed when queued (NOT-1)
    assert message.next_attempt_at == NOW + dt.timedelta(minutes=1)  # back-off after 1 failure

    smtp.down = False
    report = app.outbox.retry_pending()
    assert (report.sent, report.failed) == ((message.id,), ())
    sent = app.outbox.get(message.id)
    assert sent.status is MessageStatus.SENT and sent.attempts == 2
    assert sent.message_id == f"<{message.id}@smtp.cdg79.fr>" and sent.last_error is None
    assert app.outbox.list_messages(status=MessageStatus.PENDING) == []
    assert smtp.calls == 2
    assert not log_path.exists()  # the caller's notifier answered first; the log one never ran


def test_retry_keeps_counting_failures_NOT_1(open_app: OpenApp) -> None:
    app = open_app(FlakySmtp())
    app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    report = app.outbox.retry_pending()
    assert len(report.failed) == 1 and report.sent == ()
    assert app.outbox.get(report.failed[0]).attempts == 2


class BadTemplate:
    @hookimpl
    def rsgm_message_template(self, name: str) -> MessageTemplate | None:
        if name == "member_welcome":
            return MessageTemplate(name, "Bienvenue {{ member.first_name }}", "Maire : {{ mayor }}")
        return None


def test_a_template_with_an_unknown_field_fails_at_render_NOT_2(
    open_app: OpenApp, log_path: Path
) -> None:
    app = open_app(BadTemplate())
    with pytest.raises(ValidationError, match="mayor") as caught:
        app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    assert caught.value.rule == "NOT-2"
    assert stored(app) == ([], [])
    assert not log_path.exists()


def test_an_unknown_template_name_is_not_found_NOT_2(open_app: OpenApp) -> None:
    app = open_app()
    with pytest.raises(NotFoundError, match="no_such_message"):
        app.outbox.render("no_such_message", {})
    member = Member("m-1", "Élodie", "Rousseau", EMAIL)
    with pytest.raises(NotFoundError):
        app.outbox.queue("no_such_message", EMAIL, {"member": member})
    assert stored(app) == ([], [])


@pytest.mark.parametrize("recipient", ["pas-une-adresse", "elodie@", "@caunay.fr", ""])
def test_an_invalid_recipient_is_refused(open_app: OpenApp, recipient: str) -> None:
    app = open_app()
    member = Member("m-1", "Élodie", "Rousseau", EMAIL)
    with pytest.raises(ValidationError):
        app.outbox.queue("member_welcome", recipient, {"member": member, "commune": None})
    assert stored(app) == ([], [])
    with pytest.raises(ValidationError):
        app.members.add("Élodie", "Rousseau", email=recipient, welcome=True)
    assert stored(app) == ([], [])


def test_outbox_lists_by_creation_then_id(open_app: OpenApp) -> None:
    app = open_app(FlakySmtp())
    for first in ("Élodie", "Jean"):
        app.members.add(first, "Rousseau", email=f"{first.lower()}.r@caunay.fr", welcome=True)
    listed = app.outbox.list_messages()
    assert [m.id for m in listed] == sorted(m.id for m in listed)  # same clock: ties by id
    assert all(m.created_at == NOW and m.created_at.tzinfo for m in listed)
    assert isinstance(listed[0].created_at, dt.datetime)


def test_a_message_queued_on_its_own_is_sent_after_its_commit_NOT_1(
    open_app: OpenApp, log_path: Path
) -> None:
    app = open_app()
    member = Member("m-1", "Élodie", "Rousseau", EMAIL)
    queued = app.outbox.queue(
        "member_welcome",
        EMAIL,
        {"member": member, "commune": None},
        list_unsubscribe="mailto:desinscription@cdg79.fr",
    )
    assert queued.status is MessageStatus.PENDING and queued.created_at == NOW
    sent = app.outbox.get(queued.id)
    assert sent.status is MessageStatus.SENT and sent.message_id == queued.message_id
    assert sent.list_unsubscribe == "mailto:desinscription@cdg79.fr"
    assert f"Message-ID: {queued.message_id}" in log_path.read_text(encoding="utf-8")
    with pytest.raises(ValidationError) as bad:
        app.outbox.queue("member_welcome", EMAIL, {"member": member}, list_unsubscribe="ftp://x")
    assert bad.value.rule == "NOT-1"
    assert app.outbox.list_messages() == [sent]


def test_render_gives_subject_text_and_html_NOT_2(open_app: OpenApp) -> None:
    app = open_app()
    member = Member("m-1", "Élodie", "Rousseau", EMAIL)
    rendered = app.outbox.render("member_welcome", {"member": member, "commune": None})
    assert rendered.subject == "Bienvenue dans le réseau des secrétaires généraux de mairie"
    assert rendered.text.startswith("Bonjour Élodie Rousseau,")
    assert rendered.html and "<p>Bonjour Élodie Rousseau,</p>" in rendered.html


def test_listing_by_status_takes_the_enum_or_its_value(open_app: OpenApp) -> None:
    app = open_app(FlakySmtp())
    app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    pending = app.outbox.list_messages(status=MessageStatus.PENDING)
    assert len(pending) == 1 and app.outbox.list_messages(status="pending") == pending
    assert app.outbox.list_messages(status="sent") == []
    with pytest.raises(ValidationError, match="perdu"):
        app.outbox.list_messages(status="perdu")


def test_a_transaction_that_queues_nothing_runs_no_delivery_round(
    open_app: OpenApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(FlakySmtp())
    app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)  # pending after a failure
    rounds: list[bool] = []
    original = OutboxService._deliver

    def counting(
        self: OutboxService,
        *,
        force: bool,
        only: frozenset[str] | None = None,
        progress: Progress | None = None,
    ) -> DeliveryReport:
        rounds.append(force)
        return original(self, force=force, only=only, progress=progress)

    monkeypatch.setattr(OutboxService, "_deliver", counting)
    app.members.add("Jean", "Péroux")
    [message] = app.outbox.list_messages()
    app.outbox.revive()  # nothing dead: nothing to write, no round either
    assert rounds == []
    queued = app.outbox.queue(
        "member_welcome", EMAIL, {"member": Member("m-1", "É", "R"), "commune": None}
    )
    assert rounds == [False]  # one round, for the message just queued
    assert app.outbox.get(queued.id).attempts == 1
    assert app.outbox.get(message.id).attempts == 1  # its back-off still runs


def test_the_names_before_0_2_still_work_with_a_warning(open_app: OpenApp) -> None:
    app = open_app(FlakySmtp())
    app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    with pytest.warns(DeprecationWarning, match=r"use list_messages\(status=…\)"):
        assert app.outbox.list(MessageStatus.PENDING) == app.outbox.list_messages()
    with pytest.warns(DeprecationWarning, match=r"use retry_pending\(\)"):
        assert len(app.outbox.deliver_pending().failed) == 1
    member = Member("m-1", "Élodie", "Rousseau", EMAIL)
    rendered = app.outbox.render("member_welcome", {"member": member, "commune": None})
    with pytest.warns(DeprecationWarning, match=r"read its attributes \(subject, text, html\)"):
        subject, text, _html = rendered
    assert subject.startswith("Bienvenue") and subject == rendered.subject
    with pytest.warns(DeprecationWarning, match=r"read its attributes \(subject, text, html\)"):
        assert rendered[1] == text == rendered.text
    with pytest.warns(DeprecationWarning, match="use template=…"):
        assert app.outbox.render(name="member_welcome", context={"member": member, "commune": None})


def test_a_failing_observer_is_logged_and_the_others_still_run(
    open_app: OpenApp, caplog: pytest.LogCaptureFixture
) -> None:
    app = open_app()
    ran: list[str] = []

    def failing() -> None:
        raise RuntimeError("panne de l'observateur")

    with caplog.at_level("ERROR", logger="rsgm.transaction"), app.deps.transaction() as uow:
        uow.members.add(Member("m-1", "Élodie", "Rousseau", EMAIL))
        uow.after_commit.extend([failing, lambda: ran.append("second")])
    assert ran == ["second"]  # no exception reached the caller, and the next observer ran
    assert [m.id for m in stored(app)[0]] == ["m-1"]
    assert "l'observateur" in caplog.text and "failing" in caplog.text


def test_a_failing_delivery_after_commit_is_logged_not_raised(
    open_app: OpenApp, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app()

    def broken(self: OutboxService, ids: object) -> DeliveryReport:
        raise RuntimeError("panne de la remise")

    monkeypatch.setattr(OutboxService, "deliver", broken)
    with caplog.at_level("ERROR", logger="rsgm.transaction"):
        member = app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    members, messages = stored(app)
    assert [m.id for m in members] == [member.id]
    assert [m.status for m in messages] == [MessageStatus.PENDING]  # left for the next round
    assert "remise des messages" in caplog.text
