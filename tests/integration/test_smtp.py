"""The SMTP notifier against a real SMTP server (aiosmtpd) on 127.0.0.1: delivery, attachments,
temporary and permanent refusals, a server that is down, a crash between send and mark-sent,
TLS and authentication, sending hours and the hourly limit (NOT-1); configuration errors at open."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

import rsgm_core
from rsgm_core import (
    App,
    Attachment,
    ConfigurationError,
    Member,
    MessageStatus,
    OutboxMessage,
    Settings,
    hookimpl,
)
from rsgm_core.plugins import smtp
from rsgm_core.testing import Clock
from tests.conftest import NOW
from tests.smtp_server import Server, free_port, server_fixture  # noqa: F401

EMAIL = "elodie.rousseau@caunay.fr"
SENDER = "Réseau SGM <reseau-sgm@cdg79.fr>"
PASSWORD = "s3cr3t-Ne-Pas-Divulguer"
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CDG79//rsgm//FR\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:journee-2025@cdg79.fr\r\nDTSTART:20250410T090000Z\r\n"
    "SUMMARY:Journée réseau\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


OpenApp = Callable[..., App]


def _opener(url: str, opened: list[App]) -> OpenApp:
    def _open(port: int, *plugins: object, clock: Clock | None = None, **options: Any) -> App:
        outbox = options.pop("outbox", {})
        config = {"host": "127.0.0.1", "port": port, "security": "none", "sender": SENDER}
        settings = Settings(plugins={"smtp": {**config, **options}, "outbox": outbox})
        app = rsgm_core.open(url, plugins=plugins, settings=settings, clock=clock or Clock())
        opened.append(app)
        return app

    return _open


@pytest.fixture
def open_app(url: str) -> Iterator[OpenApp]:
    opened: list[App] = []
    yield _opener(url, opened)
    for app in opened:
        app.close()


@pytest.fixture
def open_sqlite_app(sqlite_url: str) -> Iterator[OpenApp]:
    """A restart must find the outbox again: storage that outlives the process."""
    opened: list[App] = []
    yield _opener(sqlite_url, opened)
    for app in opened:
        app.close()


def queue(app: App, **extra: Any) -> OutboxMessage:
    member = Member("m-1", "Élodie", "Rousseau", EMAIL)
    return app.outbox.queue(
        "member_welcome", EMAIL, {"member": member, "commune": "Caunay"}, **extra
    )


def test_a_welcome_mail_is_delivered_with_both_parts_NOT_1(
    server: tuple[Server, int], open_app: OpenApp
) -> None:
    handler, port = server
    app = open_app(port, reply_to="animation@cdg79.fr")
    app.members.add("Élodie", "Rousseau", email=EMAIL, welcome=True)
    [message] = app.outbox.list_messages()
    assert message.status is MessageStatus.SENT and message.attempts == 1
    [mail] = handler.received
    assert mail["Message-ID"] == message.message_id == f"<{message.id}@cdg79.fr>"
    assert (mail["To"], mail["Reply-To"]) == (EMAIL, "animation@cdg79.fr")
    assert mail["From"].addresses[0].addr_spec == "reseau-sgm@cdg79.fr"
    assert mail["Subject"] == message.subject and "List-Unsubscribe" not in mail
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and "Bonjour Élodie Rousseau" in text.get_content()
    assert html is not None and "<p>Bonjour Élodie Rousseau,</p>" in html.get_content()


def test_attachments_and_list_unsubscribe_round_trip(
    server: tuple[Server, int], open_app: OpenApp
) -> None:
    handler, port = server
    app = open_app(port)
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 4  # binary, as a certificate is
    queued = queue(
        app,
        attachments=[
            Attachment("attestation.pdf", "application/pdf", pdf),
            Attachment("invitation.ics", "text/calendar", ICS.encode()),
        ],
        list_unsubscribe="https://reseau.cdg79.fr/desinscription?m=1",
    )
    assert app.outbox.get(queued.id).attachments == queued.attachments  # stored as given
    [mail] = handler.received
    parts = {p.get_filename(): p for p in mail.iter_attachments()}
    assert parts["attestation.pdf"].get_content() == pdf
    calendar = parts["invitation.ics"]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert "METHOD:REQUEST" in calendar.get_content()
    assert mail["List-Unsubscribe"] == "<https://reseau.cdg79.fr/desinscription?m=1>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_451_then_250_is_retried_after_the_back_off_NOT_1(
    server: tuple[Server, int], open_app: OpenApp
) -> None:
    handler, port = server
    handler.data_replies = ["451 4.3.0 Réessayez plus tard"]
    clock = Clock()
    app = open_app(port, clock=clock)
    message = queue(app)
    stored = app.outbox.get(message.id)
    assert stored.status is MessageStatus.PENDING and stored.attempts == 1
    assert stored.last_error and "451" in stored.last_error and "temporaire" in stored.last_error
    assert stored.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert app.outbox.deliver_due() == type(app.outbox.deliver_due())()  # not due yet
    clock.set(NOW + dt.timedelta(minutes=1))
    report = app.outbox.deliver_due()
    assert report.sent == (message.id,)
    sent = app.outbox.get(message.id)
    assert sent.status is MessageStatus.SENT and sent.attempts == 2 and sent.last_error is None
    assert [m["Message-ID"] for m in handler.received] == [message.message_id]


def test_550_goes_to_the_dead_letter_list_and_can_be_retried_NOT_1(
    server: tuple[Server, int], open_app: OpenApp
) -> None:
    handler, port = server
    handler.rcpt_replies = ["550 5.1.1 Destinataire inconnu"]
    app = open_app(port)
    message = queue(app)
    [dead] = app.outbox.list_messages(status=MessageStatus.DEAD)
    assert dead.id == message.id and dead.next_attempt_at is None
    assert dead.last_error and "550" in dead.last_error and "définitif" in dead.last_error
    assert app.outbox.retry_pending().sent == ()  # a dead message is not retried by itself
    assert [m.id for m in app.outbox.revive()] == [message.id]
    report = app.outbox.deliver_due()
    assert report.sent == (message.id,) and len(handler.received) == 1


def test_a_server_that_is_down_keeps_the_message_queued_NOT_1(open_app: OpenApp) -> None:
    clock = Clock()
    app = open_app(free_port(), clock=clock, outbox={"max_attempts": 3})
    message = queue(app)
    stored = app.outbox.get(message.id)
    assert stored.status is MessageStatus.PENDING and stored.attempts == 1
    assert stored.last_error and "injoignable" in stored.last_error
    for minutes in (1, 3):  # 1 then 2 minutes of back-off
        clock.set(NOW + dt.timedelta(minutes=minutes))
        assert app.outbox.deliver_due().failed in {(message.id,), ()}
    final = app.outbox.get(message.id)
    assert final.status is MessageStatus.DEAD and final.attempts == 3
    assert final.last_error and "abandon après 3 essais" in final.last_error


class Crash(BaseException):
    """The process dies: nothing catches it, nothing after it runs."""


class CrashAfterSending:
    @hookimpl
    def rsgm_send(self, message: OutboxMessage, settings: Settings) -> None:
        smtp.rsgm_send(message, settings)  # the mail leaves…
        raise Crash  # …and the process dies before the outbox records it


def test_a_crash_between_send_and_mark_sent_is_detected_by_message_id_NOT_1(
    server: tuple[Server, int], open_sqlite_app: OpenApp, caplog: pytest.LogCaptureFixture
) -> None:
    open_app = open_sqlite_app
    handler, port = server
    crashing = open_app(port, CrashAfterSending())
    with pytest.raises(Crash):
        queue(crashing)
    [claimed] = crashing.outbox.list_messages()
    assert claimed.status is MessageStatus.SENDING and len(handler.received) == 1
    later = Clock(NOW + dt.timedelta(minutes=5))
    restarted = open_app(port, clock=later)
    assert restarted.outbox.deliver_due().sent == ()  # within the lease: maybe still in flight
    later.set(NOW + dt.timedelta(minutes=11))
    with caplog.at_level(logging.WARNING, logger="rsgm.outbox"):
        report = restarted.outbox.deliver_due()
    assert report.resent == (claimed.id,) and report.sent == (claimed.id,)
    assert claimed.message_id and claimed.message_id in caplog.text
    first, second = handler.received
    assert first["Message-ID"] == second["Message-ID"] == claimed.message_id  # the double shows
    assert restarted.outbox.get(claimed.id).status is MessageStatus.SENT


def test_sending_hours_and_the_hourly_limit_hold_messages_back_NOT_1(
    server: tuple[Server, int], open_app: OpenApp
) -> None:
    handler, port = server
    clock = Clock()  # Friday 14 March 2025, 10:30 in Paris
    app = open_app(port, clock=clock, outbox={"hours": "11:00-18:00", "max_per_hour": 2})
    for _ in range(3):
        queue(app)
    assert handler.received == [] and app.outbox.deliver_due().deferred == 3
    clock.set(NOW + dt.timedelta(minutes=30))  # 11:00
    report = app.outbox.deliver_due()
    assert (len(report.sent), report.deferred) == (2, 1)
    assert app.outbox.deliver_due().deferred == 1  # the hour's budget is spent
    clock.set(NOW + dt.timedelta(hours=1, minutes=30))  # 12:00, a new hour
    assert len(app.outbox.deliver_due().sent) == 1 and len(handler.received) == 3


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_and_the_password_stays_secret(
    open_app: OpenApp, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    logins: list[tuple[str, str]] = []

    def authenticator(_server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
        assert isinstance(data, LoginPassword)
        logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password.decode() == PASSWORD)

    handler, port = Server(), free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        with caplog.at_level(logging.DEBUG):
            app = open_app(port, username="reseau", password=PASSWORD)
            message = queue(app)
            # aiosmtpd stalls after a failed login: a short time-out keeps the test quick.
            bad = open_app(port, username="reseau", password="faux", timeout=1)
            refused = queue(bad)
    finally:
        smtp.close_connections()
        controller.stop()
    assert logins[0] == ("reseau", PASSWORD) and len(handler.received) == 1
    assert app.outbox.get(message.id).status is MessageStatus.SENT
    failed = bad.outbox.get(refused.id)
    assert failed.status is MessageStatus.PENDING  # a login failure is the CDG's to fix, not fatal
    assert PASSWORD not in caplog.text and PASSWORD not in repr(smtp.load_config(app.settings))
    assert "faux" not in (failed.last_error or "")
    assert smtp.options_summary(app.settings)["password"] == "********"
    if url.startswith("sqlite"):
        assert PASSWORD.encode() not in Path(url.removeprefix("sqlite:///")).read_bytes()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
                *("-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"),
                *("-keyout", str(key), "-out", str(cert)),
            ],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("openssl is needed to make a test certificate")
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_starttls_and_ssl(
    certificate: tuple[Path, Path], open_app: OpenApp, security: str
) -> None:
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler, port = Server(), free_port()
    options: dict[str, Any] = (
        {"tls_context": context, "require_starttls": True}
        if security == "starttls"
        else {"ssl_context": context}
    )
    controller = Controller(handler, hostname="localhost", port=port, **options)
    controller.start()
    try:
        app = open_app(port, host="localhost", security=security, ca_file=str(cert))
        message = queue(app)
    finally:
        smtp.close_connections()
        controller.stop()
    assert app.outbox.get(message.id).status is MessageStatus.SENT
    assert len(handler.received) == 1


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"port": 25, "sender": SENDER}, "host"),
        ({"host": "smtp.cdg79.fr", "port": "vingt-cinq", "sender": SENDER}, "port"),
        ({"host": "smtp.cdg79.fr", "port": 70000, "sender": SENDER}, "port"),
        ({"host": "smtp.cdg79.fr", "sender": "pas une adresse"}, "sender"),
        ({"host": "smtp.cdg79.fr"}, "sender"),
        ({"host": "smtp.cdg79.fr", "sender": SENDER, "security": "tls1"}, "security"),
        ({"host": "smtp.cdg79.fr", "sender": SENDER, "username": "u"}, "password"),
        ({"host": "smtp.cdg79.fr", "sender": SENDER, "pasword": "x"}, "pasword"),
    ],
)
def test_configuration_errors_are_raised_at_open(options: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        rsgm_core.open("memory://", settings=Settings(plugins={"smtp": options}))


def test_environment_variables_configure_the_plugin(
    monkeypatch: pytest.MonkeyPatch, server: tuple[Server, int]
) -> None:
    handler, port = server
    monkeypatch.setenv("RSGM_SMTP_PORT", "not-a-port")
    with pytest.raises(ConfigurationError, match="host"):
        rsgm_core.open("memory://", settings=Settings())  # the port alone activates it: no host
    monkeypatch.setenv("RSGM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RSGM_SMTP_SENDER", "reseau-sgm@cdg79.fr")
    with pytest.raises(ConfigurationError, match="port illisible"):
        rsgm_core.open("memory://")
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "SECURITY": "none"}.items():
        monkeypatch.setenv(f"RSGM_SMTP_{key}", value)
    monkeypatch.setenv("RSGM_SMTP_SENDER", "reseau-sgm@cdg79.fr")
    with rsgm_core.open("memory://") as app:
        message = queue(app)
    assert message.message_id and message.message_id.endswith("@cdg79.fr>")
    assert [m["Message-ID"] for m in handler.received] == [message.message_id]


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({EMAIL: (550, b"5.1.1 inconnu")}), True),
        (smtplib.SMTPRecipientsRefused({EMAIL: (450, b"4.2.0 boite pleine")}), False),
        (smtplib.SMTPDataError(552, b"5.3.4 trop gros"), True),
        (smtplib.SMTPDataError(451, b"4.3.0 plus tard"), False),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 refus"), False),  # configuration: keep
        (smtplib.SMTPSenderRefused(550, b"5.7.1 refus", "x@cdg79.fr"), False),
        (smtplib.SMTPServerDisconnected("coupé"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_failures_are_classified_permanent_or_temporary(error: Exception, permanent: bool) -> None:
    classified = smtp.classify(error, EMAIL)
    assert classified.permanent is permanent and classified.rule == "NOT-1"


def test_without_configuration_the_log_notifier_answers(tmp_path: Path) -> None:
    settings = Settings(plugins={"log": {"path": str(tmp_path / "out.log")}})
    with rsgm_core.open("memory://", settings=settings) as app:
        message = queue(app)
        assert app.outbox.get(message.id).status is MessageStatus.SENT
    assert message.message_id and message.message_id in (tmp_path / "out.log").read_text()


def test_a_plugin_can_refuse_its_options_through_rsgm_configure() -> None:
    class Strict:
        @hookimpl
        def rsgm_configure(self, settings: Settings) -> None:
            if not settings.plugin("sms").get("token"):
                raise ConfigurationError("sms : jeton manquant")

    with pytest.raises(ConfigurationError, match="jeton"):
        rsgm_core.open("memory://", plugins=[Strict()])
    rsgm_core.open(
        "memory://", plugins=[Strict()], settings=Settings(plugins={"sms": {"token": "t"}})
    ).close()
