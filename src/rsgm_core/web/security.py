"""The web application's defences (docs/web.md, « Security model »): a signed session cookie
that carries the CSRF secret and, once signed in, the animator; the CSRF token of every form; a
token bucket per client address in front of the link pages and the sign-in; the security
headers of every response; and the access-log filter that keeps link tokens out of the logs.

Standard library only (``hmac``, ``secrets``): nothing here needs Starlette."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable

import attrs

__all__ = [
    "HEADERS",
    "RateLimiter",
    "Session",
    "TokenLogFilter",
    "csrf_token",
    "csrf_valid",
    "install_log_filter",
    "read_session",
    "redact",
    "write_session",
]

#: Sent with every response. No inline script nor style (the stylesheet is a static file); no
#: framing (clickjacking); forms post only to this site; no Referer at all, since a link's token
#: is in the address and would leak to any site the page points to.
HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)

#: A personal link's token in a path: ``<payload>.<signature>`` in base64url (domain/links.py).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}")
MASK = "[jeton masqué]"


def redact(text: str) -> str:
    """``text`` with every link token replaced by ``[jeton masqué]``: what a log may hold."""
    return _TOKEN.sub(MASK, text)


class TokenLogFilter(logging.Filter):
    """Rewrites log records so that no link token reaches a log: uvicorn's access log
    (``"GET /i/<token> HTTP/1.1" 200``) becomes ``"GET /i/[jeton masqué] HTTP/1.1" 200``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


_FILTER = TokenLogFilter()


def install_log_filter(names: tuple[str, ...] = ("uvicorn.access", "uvicorn.error")) -> None:
    """Put :class:`TokenLogFilter` on the loggers named (uvicorn's by default), once; also on
    their handlers, since uvicorn's access logger may be configured to propagate elsewhere."""
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)


# --- the session cookie --------------------------------------------------------------------------


@attrs.frozen
class Session:
    """What the signed cookie carries: the CSRF secret of the forms, and the animator once
    signed in with the time their session ends (Unix time)."""

    csrf: str
    user: str | None = None
    until: int = 0

    @classmethod
    def new(cls) -> Session:
        return cls(secrets.token_urlsafe(18))

    def signed_in(self, now: float) -> bool:
        return self.user is not None and now < self.until


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def write_session(session: Session, key: bytes) -> str:
    payload = json.dumps([session.csrf, session.user, session.until], separators=(",", ":"))
    data = payload.encode("utf-8")
    return f"{_b64(data)}.{_b64(_mac(key, data))}"


def read_session(value: str | None, key: bytes) -> Session | None:
    """The session a cookie holds, ``None`` when absent, altered or signed with another key."""
    if not value:
        return None
    payload, dot, signature = value.partition(".")
    try:
        data, mac = _unb64(payload), _unb64(signature)
    except (binascii.Error, ValueError):
        return None
    if not dot or not hmac.compare_digest(mac, _mac(key, data)):
        return None
    try:
        csrf, user, until = json.loads(data)
    except (ValueError, TypeError):
        return None
    if not isinstance(csrf, str) or not isinstance(until, int):
        return None
    return Session(csrf, user if isinstance(user, str) else None, until)


def csrf_token(session: Session, key: bytes) -> str:
    """The hidden field of every form: bound to the session's secret (synchronizer token), so a
    page of another site cannot post a form here in the visitor's name."""
    return _b64(_mac(key, b"csrf|" + session.csrf.encode("ascii")))


def csrf_valid(session: Session | None, key: bytes, sent: object) -> bool:
    return (
        session is not None
        and isinstance(sent, str)
        and hmac.compare_digest(sent.encode("ascii", "replace"), csrf_token(session, key).encode())
    )


# --- rate limiting -------------------------------------------------------------------------------


class RateLimiter:
    """A token bucket per client address, in memory (one process; docs/web.md): ``burst``
    requests at once, refilled at ``per_minute`` a minute. ``allow(key)`` takes one token;
    refused, it says how many seconds until the next one."""

    MAX_CLIENTS = 10_000

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def allow(self, key: str) -> float:
        """0 when the request may go on, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self.lock:
            tokens, last = self.buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self.buckets[key] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self.buckets[key] = (tokens - 1.0, now)
            if len(self.buckets) > self.MAX_CLIENTS:
                self._forget(now)
            return 0.0

    def _forget(self, now: float) -> None:
        """Drop the buckets already full again: their clients are as if never seen."""
        full = [
            k for k, (t, last) in self.buckets.items() if t + (now - last) * self.rate >= self.burst
        ]
        for key in full:
            del self.buckets[key]
        excess = len(self.buckets) - self.MAX_CLIENTS
        if excess > 0:  # a flood of addresses: the least recent go first
            for key in sorted(self.buckets, key=lambda k: self.buckets[k][1])[:excess]:
                del self.buckets[key]
