"""The web application's settings, read from the profile's ``[web]`` section (docs/web.md): the
public address and the secret of the links (NOT-3), and how the animators' pages know who is
there: passwords hashed with scrypt (``animateurs``) or the reverse proxy's header
(``entete_proxy``). Checked when the application is built: a missing key is a French
:class:`~rsgm_core.errors.ConfigurationError`, never a default."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.errors import ConfigurationError, RsgmError
from rsgm_core.services.links import required_keys
from rsgm_core.web.passwords import check_hash

if TYPE_CHECKING:
    from rsgm_core.settings import Settings

__all__ = ["Animator", "RateLimit", "WebConfig", "web_config"]


@attrs.frozen
class Animator:
    """An animator who may sign in to the animators' pages; the hash is never shown."""

    email: str
    password_hash: str = attrs.field(repr=False)


@attrs.frozen
class RateLimit:
    """How many link pages (and sign-in attempts) one client address may open: a token bucket
    of ``burst`` requests refilled at ``per_minute`` a minute (docs/web.md). ``per_minute=0``
    turns the limit off (a benchmark, a test; never in production)."""

    per_minute: float = 30.0
    burst: int = 30

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0


@attrs.frozen
class WebConfig:
    """What the web application needs from the profile, checked."""

    public_url: str
    secret: str = attrs.field(repr=False)
    animators: tuple[Animator, ...] = ()
    proxy_header: str | None = None
    rate_limit: RateLimit = RateLimit()
    #: The key that signs the application's cookies: derived from the profile's secret, never
    #: the secret itself (a cookie cannot help forge a link); derived once, read on every page.
    cookie_key: bytes = attrs.field(init=False, repr=False, eq=False)

    @cookie_key.default
    def _derive_cookie_key(self) -> bytes:
        return hmac.new(self.secret.encode("utf-8"), b"rsgm-web-cookie-v1", hashlib.sha256).digest()

    @property
    def secure_cookies(self) -> bool:
        """``Secure`` cookies, unless the public address is ``http://`` (only allowed for
        localhost, to try the application out)."""
        return self.public_url.startswith("https://")

    @property
    def animator_login(self) -> str | None:
        """How animators sign in: ``"password"``, ``"proxy"``, or ``None`` (their pages are
        closed)."""
        if self.proxy_header:
            return "proxy"
        return "password" if self.animators else None

    def animator(self, email: str) -> Animator | None:
        wanted = email.strip().lower()
        return next((a for a in self.animators if a.email == wanted), None)


def _animators(entries: Any) -> tuple[Animator, ...]:
    found = []
    for index, entry in enumerate(entries or ()):
        if not isinstance(entry, Mapping) or not {"email", "password_hash"} <= set(entry):
            raise ConfigurationError(
                f"profil : web.animateurs[{index}] : une table {{email, mot_de_passe}} est "
                "attendue",
                rule="CHA-2",
            )
        try:
            hashed = check_hash(str(entry["password_hash"]))
        except RsgmError as exc:
            raise ConfigurationError(
                f"profil : web.animateurs[{index}].mot_de_passe : {exc.message}", rule="CHA-2"
            ) from None
        found.append(Animator(str(entry["email"]).strip().lower(), hashed))
    return tuple(found)


def web_config(settings: Settings, *, rate_limit: RateLimit | None = None) -> WebConfig:
    """The checked ``[web]`` options of ``settings``; without ``url_publique`` and ``secret``,
    a :class:`ConfigurationError` naming them (NOT-3)."""
    keys = required_keys(settings)
    options = settings.plugin("web")
    return WebConfig(
        public_url=keys.public_url,
        secret=keys.secret,
        animators=_animators(options.get("animators")),
        proxy_header=options.get("proxy_header") or None,
        rate_limit=rate_limit or _rate_limit(options.get("rate_per_minute")),
    )


def _rate_limit(per_minute: Any) -> RateLimit:
    if per_minute is None:
        return RateLimit()
    return RateLimit(per_minute=float(per_minute), burst=max(1, int(per_minute)))
