"""Built-in SMTP notifier (NOT-1), on the standard library's ``smtplib`` and ``email``.

Active only when a host is configured, in ``Settings(plugins={"smtp": {...}})`` or in the
``RSGM_SMTP_*`` environment variables (settings win); otherwise it defers to the next notifier, so
the log notifier still answers. Options are checked by ``rsgm_configure`` when the instance opens.

Keys (environment variable): ``host`` (RSGM_SMTP_HOST), ``port`` (RSGM_SMTP_PORT; 587, or 465 with
SSL, 25 without TLS), ``security`` (RSGM_SMTP_SECURITY: ``starttls``, ``ssl`` or ``none``),
``username`` (RSGM_SMTP_USERNAME), ``password`` (RSGM_SMTP_PASSWORD), ``sender``
(RSGM_SMTP_SENDER, required), ``reply_to`` (RSGM_SMTP_REPLY_TO), ``timeout`` in seconds
(RSGM_SMTP_TIMEOUT, 30), ``ca_file`` (RSGM_SMTP_CA_FILE: certificates to trust instead of the
system's, for a CDG's own authority). The password is never logged, shown, or written to the outbox.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.errors import ConfigurationError, DeliveryError
from rsgm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

    from rsgm_core.domain.messages import Delivery, OutboxMessage
    from rsgm_core.settings import Settings

ENV_PREFIX = "RSGM_SMTP_"
KEYS = (
    "host",
    "port",
    "security",
    "username",
    "password",
    "sender",
    "reply_to",
    "timeout",
    "ca_file",
)
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
IDLE_SECONDS = 30.0  # reuse an open connection across messages of a round, not beyond


@attrs.frozen
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)  # never in a repr or a log
    reply_to: str | None = None
    timeout: float = 30.0
    ca_file: str | None = None

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.host, self.port, self.security, self.username, hash(self.password))


def _options(settings: Settings) -> dict[str, Any]:
    options = {k: v for k, v in settings.plugin("smtp").items() if v not in (None, "")}
    for key in KEYS:
        value = os.environ.get(ENV_PREFIX + key.upper())
        if value and key not in options:
            options[key] = value
    return options


def _fail(message: str, value: Any) -> ConfigurationError:
    return ConfigurationError(f"configuration SMTP : {message}", value=value)


def _address(value: Any, key: str) -> str:
    from email.utils import parseaddr

    _, address = parseaddr(str(value))
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain or any(c.isspace() for c in address):
        raise _fail(f"adresse {key} invalide : {value!r}", value)
    return str(value)


def load_config(settings: Settings) -> SmtpConfig | None:
    """The SMTP configuration, ``None`` when none is given; :class:`ConfigurationError` if it is
    incomplete or malformed."""
    options = _options(settings)
    unknown = sorted(set(options) - set(KEYS))
    if unknown:
        what = "options inconnues" if len(unknown) > 1 else "option inconnue"
        raise _fail(f"{what} : {', '.join(unknown)} (connues : {KEYS})", unknown)

    if not options:
        return None
    if not options.get("host"):
        raise _fail(f"« host » manquant (ou {ENV_PREFIX}HOST)", None)
    security = str(options.get("security", "starttls")).lower()
    if security not in DEFAULT_PORTS:
        raise _fail(f"« security » doit valoir starttls, ssl ou none, pas {security!r}", security)
    try:
        port = int(options.get("port", DEFAULT_PORTS[security]))
    except (TypeError, ValueError):
        raise _fail(f"port illisible : {options.get('port')!r}", options.get("port")) from None
    try:
        timeout = float(options.get("timeout", 30))
    except (TypeError, ValueError):
        raise _fail(f"délai illisible : {options.get('timeout')!r}", options["timeout"]) from None
    if not 0 < port < 65536:
        raise _fail(f"port hors limites : {port}", port)
    if timeout <= 0:
        raise _fail(f"délai d'attente invalide : {timeout}", timeout)
    if not options.get("sender"):
        raise _fail(f"expéditeur « sender » manquant (ou {ENV_PREFIX}SENDER)", None)
    if bool(options.get("username")) != bool(options.get("password")):
        raise _fail("« username » et « password » vont ensemble", options.get("username"))
    return SmtpConfig(
        host=str(options["host"]),
        port=port,
        security=security,
        sender=_address(options["sender"], "sender"),
        username=options.get("username"),
        password=options.get("password"),
        reply_to=_address(options["reply_to"], "reply_to") if options.get("reply_to") else None,
        timeout=timeout,
        ca_file=_ca_file(options.get("ca_file")),
    )


def _ca_file(value: Any) -> str | None:
    if not value:
        return None
    if not os.path.isfile(str(value)):
        raise _fail(f"fichier de certificats introuvable : {value!r}", value)
    return str(value)


@hookimpl
def rsgm_configure(settings: Settings) -> None:
    load_config(settings)


@hookimpl
def rsgm_send(message: OutboxMessage, settings: Settings) -> Delivery | None:
    config = load_config(settings)
    if config is None:
        return None  # not configured: let the next notifier (the log one) answer
    mail = build_message(message, config)
    _POOL.send(config, mail, message.recipient)
    from rsgm_core.domain.messages import Delivery  # with the first message (start-up)

    return Delivery(message_id=mail["Message-ID"])


def build_message(message: OutboxMessage, config: SmtpConfig) -> EmailMessage:
    from email.message import EmailMessage
    from email.utils import formatdate

    mail = EmailMessage()
    mail["From"] = config.sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=True)
    # Fixed when queued (NOT-1): a resend after a crash carries the same ID, so it is detectable.
    domain = _envelope_sender(config).rpartition("@")[2]
    mail["Message-ID"] = message.message_id or f"<{message.id}@{domain}>"
    if config.reply_to:
        mail["Reply-To"] = config.reply_to
    if message.list_unsubscribe:
        mail["List-Unsubscribe"] = f"<{message.list_unsubscribe}>"
        if message.list_unsubscribe.startswith("https://"):
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if maintype == "text":
            params: dict[str, str] = {}
            text = attachment.content.decode("utf-8")
            if subtype == "calendar":
                # Calendar clients show an invitation with its buttons only with the method.
                method = next(
                    (
                        ln.split(":", 1)[1].strip()
                        for ln in text.splitlines()
                        if ln.startswith("METHOD:")
                    ),
                    "PUBLISH",
                )
                params["method"] = method
            mail.add_attachment(text, subtype=subtype, filename=attachment.filename, params=params)
        else:
            mail.add_attachment(
                attachment.content,
                maintype=maintype,
                subtype=subtype or "octet-stream",
                filename=attachment.filename,
            )
    if message.list_unsubscribe:
        # A personal link (NOT-3) is longer than 78 characters: folded at 78, Python would
        # rewrite it as an RFC 2047 encoded word that no mail client reads as an address. The
        # headers are folded when the message is written (the parts are encoded already), so
        # the limit is raised to RFC 5322's there.
        mail.policy = mail.policy.clone(max_line_length=998)
    return mail


def _envelope_sender(config: SmtpConfig) -> str:
    from email.utils import parseaddr

    return parseaddr(config.sender)[1]


def classify(exc: BaseException, recipient: str) -> DeliveryError:
    """A transport error as a :class:`DeliveryError`: permanent only when the server refuses this
    recipient or this content for good (5xx); the rest (4xx, time-outs, refused connections, a
    refused sender or login, which are configuration problems) is temporary."""
    import smtplib

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = exc.recipients.get(recipient, next(iter(exc.recipients.values())))
        return _delivery_error(code, reply, permanent=code >= 500)
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused):
        return _delivery_error(exc.smtp_code, exc.smtp_error, permanent=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _delivery_error(exc.smtp_code, exc.smtp_error, permanent=exc.smtp_code >= 500)
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return DeliveryError(f"serveur SMTP injoignable : {detail}", permanent=False)


def _delivery_error(code: int, reply: bytes | str, *, permanent: bool) -> DeliveryError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    kind = "refus définitif" if permanent else "refus temporaire"
    return DeliveryError(f"{kind} du serveur SMTP : {code} {text}", permanent=permanent, code=code)


class _Pool:
    """One open connection per configuration, reused while messages follow each other closely:
    a round of 5,000 messages (every batch of it: ``outbox.batch_size``) opens one session, not
    5,000."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[tuple[Any, ...], tuple[smtplib.SMTP, float]] = {}

    def send(self, config: SmtpConfig, mail: EmailMessage, recipient: str) -> None:
        import smtplib

        with self._lock:
            server, reused = self._connection(config)
            try:
                self._transmit(server, config, mail, recipient)
            except smtplib.SMTPServerDisconnected as exc:
                self._drop(config)
                if not reused:
                    raise classify(exc, recipient) from exc
                # The server closed an idle session: one fresh connection, then give up.
                server, _ = self._connection(config)
                try:
                    self._transmit(server, config, mail, recipient)
                except smtplib.SMTPServerDisconnected as again:
                    self._drop(config)
                    raise classify(again, recipient) from again

    def _transmit(
        self, server: smtplib.SMTP, config: SmtpConfig, mail: EmailMessage, recipient: str
    ) -> None:
        import smtplib

        try:
            server.send_message(mail, from_addr=_envelope_sender(config), to_addrs=[recipient])
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPResponseException as exc:
            # A refused transaction leaves a usable session; a 421 or a dead socket does not.
            if exc.smtp_code == 421 or not _reset(server):
                self._drop(config)
            raise classify(exc, recipient) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            if not _reset(server):
                self._drop(config)
            raise classify(exc, recipient) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop(config)
            raise classify(exc, recipient) from exc
        self._open[config.key] = (server, time.monotonic())

    def _connection(self, config: SmtpConfig) -> tuple[smtplib.SMTP, bool]:
        import smtplib

        found = self._open.get(config.key)
        if found and time.monotonic() - found[1] < IDLE_SECONDS:
            return found[0], True
        if found:
            self._drop(config)
        try:
            server = _connect(config)
        except (OSError, smtplib.SMTPException) as exc:
            raise classify(exc, "") from exc
        self._open[config.key] = (server, time.monotonic())
        return server, False

    def _drop(self, config: SmtpConfig) -> None:
        server, _ = self._open.pop(config.key, (None, 0.0))
        if server is not None:
            _close(server)

    def close(self) -> None:
        with self._lock:
            for server, _ in self._open.values():
                _close(server)
            self._open.clear()


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    import smtplib
    import ssl

    # The certificates are read only for TLS: loading the system's store costs more than the
    # whole SMTP session on a local relay (``security = "none"``).
    context = (
        ssl.create_default_context(cafile=config.ca_file) if config.security != "none" else None
    )
    server: smtplib.SMTP
    if config.security == "ssl":
        server = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        server = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        if config.security == "starttls":
            server.starttls(context=context)
        if config.username:
            server.login(config.username, config.password or "")
    except BaseException:
        _close(server)
        raise
    return server


def _reset(server: smtplib.SMTP) -> bool:
    """RSET after a refused transaction; ``False`` if the session is no longer usable."""
    import smtplib

    try:
        return server.rset()[0] == 250
    except (OSError, smtplib.SMTPException):
        return False


def _close(server: smtplib.SMTP) -> None:
    import smtplib

    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


_POOL = _Pool()
close_connections = _POOL.close
atexit.register(close_connections)


def options_summary(settings: Settings) -> Mapping[str, Any]:
    """The configuration as it may be shown (``rsgm db info``, logs): the password masked."""
    config = load_config(settings)
    if config is None:
        return {}
    shown = attrs.asdict(config)
    if shown["password"]:
        shown["password"] = "********"
    return shown
