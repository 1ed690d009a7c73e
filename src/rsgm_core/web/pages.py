"""Rendering the web application's pages: one Jinja2 environment (autoescape, strict undefined)
over the package's templates, the common context of every page (the mount's root, the
stylesheet, the form's CSRF token, the title with its errors first), the session cookie, and
the French error pages (never a trace)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from rsgm_core.domain.links import LinkRefusal
from rsgm_core.errors import (
    ConfigurationError,
    NotFoundError,
    RsgmError,
    RuleViolation,
    ValidationError,
)
from rsgm_core.web.security import (
    HEADERS,
    RateLimiter,
    Session,
    csrf_token,
    read_session,
    redact,
    write_session,
)

if TYPE_CHECKING:
    from rsgm_core.app import App
    from rsgm_core.web.config import WebConfig

__all__ = ["Site", "client_of", "status_of"]

log = logging.getLogger("rsgm.web")

SITE_NAME = "Réseau des secrétaires généraux de mairie"
#: Link refusals and their HTTP status: a link altered or opened on the wrong page is a bad
#: request; expired, used, or about someone gone, it is gone for good.
_REFUSAL_STATUS = {
    LinkRefusal.TAMPERED: 400,
    LinkRefusal.WRONG_PURPOSE: 400,
    LinkRefusal.EXPIRED: 410,
    LinkRefusal.REUSED: 410,
    LinkRefusal.GONE: 410,
}
_REFUSAL_TITLES = {
    LinkRefusal.TAMPERED: "Lien altéré",
    LinkRefusal.WRONG_PURPOSE: "Lien ouvert sur la mauvaise page",
    LinkRefusal.EXPIRED: "Lien expiré",
    LinkRefusal.REUSED: "Lien déjà utilisé",
    LinkRefusal.GONE: "Lien sans objet",
}


def status_of(exc: RsgmError) -> int:
    """The HTTP status of a refusal: a link's own (400, 410), else 404 for what does not exist,
    409 for a rule (a deadline passed, a survey already answered), 422 for a bad value, 503 for
    a profile to complete."""
    if isinstance(exc.value, LinkRefusal):
        return _REFUSAL_STATUS[exc.value]
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConfigurationError):
        return 503
    if isinstance(exc, RuleViolation):
        return 409
    if isinstance(exc, ValidationError):
        return 422
    return 400


def title_of(exc: RsgmError) -> str:
    if isinstance(exc.value, LinkRefusal):
        return _REFUSAL_TITLES[exc.value]
    if isinstance(exc, NotFoundError):
        return "Introuvable"
    if isinstance(exc, ConfigurationError):
        return "Service indisponible"
    return "Action impossible"


@attrs.define
class Site:
    """What every page needs: the library, the checked ``[web]`` settings, the templates, the
    rate limiter of the link pages and the one of the sign-in."""

    app: App
    config: WebConfig
    templates: jinja2.Environment
    limiter: RateLimiter
    login_limiter: RateLimiter

    @property
    def cdg_name(self) -> str:
        cdg = self.app.settings.cdg
        return cdg.short_name if cdg is not None else "CDG"

    # --- the session cookie -----------------------------------------------------------------

    @property
    def cookie_name(self) -> str:
        # ``__Host-``: the browser takes it only over HTTPS, for the whole host, from this host
        # itself (no sub-domain can plant one).
        return "__Host-rsgm" if self.config.secure_cookies else "rsgm"

    def session(self, request: Request) -> Session | None:
        return read_session(request.cookies.get(self.cookie_name), self.config.cookie_key)

    def set_session(self, response: Response, session: Session) -> None:
        response.set_cookie(
            self.cookie_name,
            write_session(session, self.config.cookie_key),
            path="/",
            secure=self.config.secure_cookies,
            httponly=True,
            samesite="lax",
        )

    def clear_session(self, response: Response) -> None:
        response.delete_cookie(
            self.cookie_name,
            path="/",
            secure=self.config.secure_cookies,
            httponly=True,
            samesite="lax",
        )

    # --- pages --------------------------------------------------------------------------------

    def page(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        title: str,
        status: int = 200,
        errors: Mapping[str, str] | None = None,
        session: Session | None = None,
    ) -> HTMLResponse:
        """Render ``template``; with a form, the CSRF token of ``session`` (or of the visitor's
        session, a new one set in a cookie when there is none). Errors come first in the
        title, so a screen reader announces them when the page loads (RGAA 11.10)."""
        errors = dict(errors or {})
        fresh = False
        if session is None:
            session = self.session(request)
            if session is None:
                session, fresh = Session.new(), True
        root = request.scope.get("root_path", "").rstrip("/")
        full_title = f"{title} – {SITE_NAME}"
        if errors:
            count = len(errors)
            full_title = (
                f"Erreur{'s' if count > 1 else ''} : {'; '.join(errors.values())} – {full_title}"
            )
        body = self.templates.get_template(template).render(
            root=root,
            css=f"{root}/static/rsgm.css",
            title=title,
            page_title=full_title,
            errors=errors,
            csrf=csrf_token(session, self.config.cookie_key),
            cdg=self.cdg_name,
            signed_in=session.user if session.signed_in(time.time()) else None,
            **(context or {}),
        )
        response = HTMLResponse(body, status_code=status)
        if fresh:
            self.set_session(response, session)
        return response

    def refusal(
        self, request: Request, exc: RsgmError, *, status: int | None = None
    ) -> HTMLResponse:
        """The French page of a refusal: what went wrong and what to do, with a 4xx status."""
        code = status or status_of(exc)
        log.info("refus %s (%s) sur %s", code, exc.rule, redact(request.url.path))
        return self.page(
            request,
            "error.html",
            {"message": exc.message, "rule": exc.rule, "status": code, "advice": self.advice(exc)},
            title=title_of(exc),
            status=code,
        )

    def advice(self, exc: RsgmError | None) -> tuple[str, ...]:
        """What to do after a refusal, in the person's words: a link refused asks for a new
        link; a rule of the network (a deadline, an answer already given) names the team."""
        team = f"l'équipe d'animation du {self.cdg_name}"
        if exc is not None and exc.rule == "EVT-4":
            return (
                f"Si vous souhaitez tout de même venir, contactez {team} : elle vous dira s'il "
                "reste une place et peut vous inscrire elle-même.",
            )
        if exc is not None and not isinstance(exc.value, LinkRefusal) and exc.rule != "NOT-3":
            return (f"En cas de question, contactez {team}.",)
        return (
            "Vérifiez que vous avez ouvert le lien le plus récent reçu par courriel, copié en "
            "entier.",
            f"Sinon, demandez un nouveau lien à {team} : elle peut vous le donner par téléphone.",
        )

    def problem(self, request: Request, status: int, title: str, message: str) -> HTMLResponse:
        return self.page(
            request, "error.html",
            {"message": message, "rule": None, "status": status, "advice": self.advice(None)},
            title=title, status=status,
        )  # fmt: skip

    def too_many_links(self, request: Request) -> Response | None:
        """The 429 page when the client opened too many personal links lately (every link page
        shares one budget per address), else ``None``."""
        wait = self.limiter.allow(f"lien:{client_of(request)}")
        if not wait:
            return None
        seconds = max(1, math.ceil(wait))
        response = self.problem(
            request, 429, "Trop de demandes",
            f"Trop de liens ouverts depuis votre connexion en peu de temps : réessayez dans "
            f"{seconds} seconde{'s' if seconds > 1 else ''}.",
        )  # fmt: skip
        response.headers["Retry-After"] = str(seconds)
        return response


def client_of(request: Request) -> str:
    """The client's address (behind a reverse proxy, the one uvicorn's ``--proxy-headers`` read
    from ``X-Forwarded-For`` sent by a trusted proxy)."""
    return request.client.host if request.client else "inconnu"


def secure(response: Response) -> Response:
    """Add the security headers, and keep pages with personal data out of caches."""
    for name, value in HEADERS:
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response
