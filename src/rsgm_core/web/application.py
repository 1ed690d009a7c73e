"""``create_app``: the ASGI application of the personal links' pages and the animators' page,
on Starlette. A CDG mounts it in its own site (``Mount("/reseau", app=create_app(app))``) or
runs it alone (``rsgm serve``)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rsgm_core.domain.links import LinkPurpose
from rsgm_core.errors import RsgmError
from rsgm_core.web.animator import AnimatorPages
from rsgm_core.web.config import RateLimit, web_config
from rsgm_core.web.link_pages import LinkPages
from rsgm_core.web.pages import Site, secure
from rsgm_core.web.security import HEADERS, RateLimiter, install_log_filter, redact
from rsgm_core.web.suggestion_pages import SuggestionPages

if TYPE_CHECKING:
    from rsgm_core.app import App
    from rsgm_core.settings import Settings

__all__ = ["MAX_BODY", "create_app"]

log = logging.getLogger("rsgm.web")
HERE = Path(__file__).parent
#: The largest form accepted (bytes): the directory form is the longest, well under this.
MAX_BODY = 64 * 1024


class Guard:
    """ASGI middleware: the headers of :data:`HEADERS` on every response (pages, static files,
    errors), ``Cache-Control: no-store`` on all but the stylesheet, and a request body of
    :data:`MAX_BODY` bytes at most (beyond, a 413 French page: the endpoint reading it gets an
    ``HTTPException``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        static = "/static/" in path or path.endswith("/favicon.ico")
        size = 0

        async def receiving() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > MAX_BODY:
                    raise HTTPException(413)
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in HEADERS:
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receiving, sending)


def create_app(
    app: App | None = None,
    *,
    settings: Settings | None = None,
    rate_limit: RateLimit | None = None,
) -> Starlette:
    """The web application over ``app`` (else one opened on ``settings``' database, closed when
    the application stops). The profile's ``[web]`` section must name ``url_publique`` and
    ``secret`` (else a French :class:`~rsgm_core.errors.ConfigurationError`); ``animateurs`` or
    ``entete_proxy`` open the animators' page. ``rate_limit`` bounds the link pages opened per
    client address (default: 30 at once, then 30 a minute)."""
    import rsgm_core

    owned = app is None
    if app is None:
        from rsgm_core.services.links import required_keys

        required_keys(settings or rsgm_core.Settings())  # before opening any database
        app = rsgm_core.open(settings=settings)
    try:
        config = web_config(settings or app.settings, rate_limit=rate_limit)
    except BaseException:
        if owned:
            app.close()
        raise
    install_log_filter()
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # package files: no stat of the template on every page
    )
    limits = config.rate_limit
    site = Site(
        app=app,
        config=config,
        templates=templates,
        limiter=RateLimiter(limits.per_minute, limits.burst),
        login_limiter=RateLimiter(limits.per_minute and 10, 10),
    )
    links = LinkPages(site)
    animator = AnimatorPages(site)

    async def home(request: Request) -> Response:
        return site.page(request, "home.html", title="Accueil")

    async def favicon(request: Request) -> Response:
        # Browsers ask for /favicon.ico whatever the page says: the icon, not a 404 in the logs.
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    routes = [
        Route("/", home, methods=["GET"], name="home"),
        Route("/favicon.ico", favicon, methods=["GET"], name="favicon"),
        Route("/animateur", animator.tasks, methods=["GET"], name="animator"),
        Route("/animateur/connexion", animator.login, methods=["GET", "POST"], name="login"),
        Route("/animateur/deconnexion", animator.logout, methods=["POST"], name="logout"),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
        Route("/s/{token}", SuggestionPages(site).handle, methods=["GET", "POST"], name="idee"),
    ]
    for purpose in LinkPurpose:
        routes.append(
            Route(
                f"/{purpose.code}/{{token}}",
                _bound(links.handle, purpose),
                methods=["GET", "POST"],
                name=purpose.name.lower(),
            )
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return site.problem(request, 404, "Page introuvable",
                                "Cette adresse ne mène à aucune page. Si elle vient d'un message, "
                                "copiez le lien en entier.")  # fmt: skip
        if exc.status_code == 405:
            return site.problem(request, 405, "Méthode non permise",
                                "Cette page ne s'ouvre pas ainsi : ouvrez le lien du message.")  # fmt: skip
        if exc.status_code == 413:
            return site.problem(request, 413, "Formulaire trop long",
                                "Le formulaire envoyé est trop long : raccourcissez vos réponses.")  # fmt: skip
        return site.problem(request, exc.status_code, "Demande refusée",
                            "Cette demande ne peut pas aboutir : rouvrez le lien du message.")  # fmt: skip

    async def rule_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RsgmError)
        return site.refusal(request, exc)

    async def defect(request: Request, exc: Exception) -> Response:
        log.error("erreur inattendue sur %s : %s", redact(request.url.path), type(exc).__name__)
        response = site.problem(
            request, 500, "Erreur inattendue",
            "Une erreur inattendue empêche cette page de s'afficher ; rien n'a été enregistré de "
            "l'opération en cours. Réessayez plus tard ou contactez l'équipe d'animation.",
        )  # fmt: skip
        return secure(response)  # outside the middleware: its headers are set here

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        if owned:
            app.close()

    web = Starlette(
        routes=routes,
        middleware=[Middleware(Guard)],
        exception_handlers={HTTPException: http_error, RsgmError: rule_error, Exception: defect},
        lifespan=lifespan,
    )
    web.state.site = site
    return web


def _bound(
    handle: Callable[[Request, LinkPurpose], Awaitable[Response]], purpose: LinkPurpose
) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of one purpose's page: ``handle`` with that purpose."""

    async def endpoint(request: Request) -> Response:
        return await handle(request, purpose)

    return endpoint
