"""The animators' page (EVT-2, CHA-2, NOT-1): today's tasks, behind a sign-in. The profile's
``[web]`` says how animators are known: a password hashed with scrypt (``animateurs``; a form
here, a session cookie after) or the CDG's reverse proxy, whose header (``entete_proxy``) names
the user it authenticated. Read only: the back office stays on the command line."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rsgm_core.domain.access_records import RequestStatus
from rsgm_core.domain.messages import MessageStatus
from rsgm_core.render.formatting import format_date
from rsgm_core.web.pages import Site, client_of
from rsgm_core.web.passwords import verify_password
from rsgm_core.web.security import Session, csrf_valid

__all__ = ["SESSION_HOURS", "AnimatorPages"]

log = logging.getLogger("rsgm.web")

#: How long a sign-in lasts.
SESSION_HOURS = 8


class AnimatorPages:
    def __init__(self, site: Site) -> None:
        self.site = site

    def _root(self, request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    def _user(self, request: Request) -> str | None:
        config = self.site.config
        if config.animator_login == "proxy":
            assert config.proxy_header is not None
            value = request.headers.get(config.proxy_header, "").strip()
            return value or None
        session = self.site.session(request)
        if session is not None and session.signed_in(time.time()):
            return session.user
        return None

    def _closed(self, request: Request) -> Response:
        return self.site.problem(
            request, 404, "Pages des animateurs fermées",
            "Le profil du CDG ne dit pas comment les animateurs se connectent : renseignez "
            "« animateurs » ou « entete_proxy » dans sa section [web] (voir docs/web.md).",
        )  # fmt: skip

    async def tasks(self, request: Request) -> Response:
        login = self.site.config.animator_login
        if login is None:
            return self._closed(request)
        user = self._user(request)
        if user is None:
            if login == "proxy":
                return self.site.problem(
                    request, 401, "Connexion requise",
                    "Cette page passe par l'authentification du serveur frontal du CDG, qui n'a "
                    "nommé personne : connectez-vous par l'adresse habituelle du site.",
                )  # fmt: skip
            return RedirectResponse(f"{self._root(request)}/animateur/connexion", status_code=303)
        context = await run_in_threadpool(self._today)
        context["user"] = user
        context["proxy"] = login == "proxy"
        return self.site.page(request, "tasks.html", context, title="Tâches du jour")

    def _today(self) -> dict[str, Any]:
        """Today's tasks: timeline to-dos due this week or late (EVT-2), access requests waiting
        for an administrator (CHA-2), messages that failed for good (NOT-1)."""
        app = self.site.app
        todos = app.events.todo()
        requests = []
        for request in app.access.list_requests(status=RequestStatus.PENDING):
            member = app.members.get(request.member_id)
            requests.append({"request": request, "name": member.full_name,
                             "email": member.email or ""})  # fmt: skip
        failed = app.outbox.list_messages(status=MessageStatus.DEAD)
        return {
            "today": app.today(),
            "todos": todos,
            "requests": requests,
            "failed": failed,
            "day": format_date(app.today(), app.settings.locale, "full"),
        }

    async def login(self, request: Request) -> Response:
        site = self.site
        login = site.config.animator_login
        if login is None:
            return self._closed(request)
        if login == "proxy":
            return RedirectResponse(f"{self._root(request)}/animateur", status_code=303)
        if request.method == "GET":
            return site.page(
                request, "login.html", {"values": {}}, title="Connexion des animateurs"
            )
        wait = site.login_limiter.allow(f"connexion:{client_of(request)}")
        if wait:
            seconds = max(1, math.ceil(wait))
            response = site.problem(
                request, 429, "Trop de tentatives",
                f"Trop de tentatives de connexion depuis votre adresse : réessayez dans "
                f"{seconds} seconde{'s' if seconds > 1 else ''}.",
            )  # fmt: skip
            response.headers["Retry-After"] = str(seconds)
            return response
        form = await request.form()
        session = site.session(request)
        if not csrf_valid(session, site.config.cookie_key, form.get("csrf")):
            return site.problem(
                request, 403, "Formulaire expiré",
                "Ce formulaire n'a pas été envoyé depuis sa page, ou la page est trop ancienne : "
                "rouvrez la page de connexion et recommencez.",
            )  # fmt: skip
        email = str(form.get("email", "")).strip().lower()
        password = str(form.get("mot_de_passe", ""))
        animator = site.config.animator(email)
        stored = animator.password_hash if animator is not None else None
        if not await run_in_threadpool(verify_password, password, stored):
            log.info("connexion refusée depuis %s", client_of(request))
            return site.page(
                request, "login.html", {"values": {"email": email}},
                title="Connexion des animateurs", status=401,
                errors={"mot_de_passe": "adresse ou mot de passe incorrect"},
            )  # fmt: skip
        # A new session at sign-in (its CSRF secret too): a session planted before cannot ride it.
        signed = attrs.evolve(
            Session.new(), user=email, until=int(time.time()) + SESSION_HOURS * 3600
        )
        done = RedirectResponse(f"{self._root(request)}/animateur", status_code=303)
        site.set_session(done, signed)
        log.info("connexion de l'animateur %s", email)
        return done

    async def logout(self, request: Request) -> Response:
        site = self.site
        form = await request.form()
        if not csrf_valid(site.session(request), site.config.cookie_key, form.get("csrf")):
            return site.problem(
                request, 403, "Formulaire expiré",
                "Ce formulaire n'a pas été envoyé depuis sa page : rouvrez-la et recommencez.",
            )  # fmt: skip
        response = RedirectResponse(f"{self._root(request)}/animateur/connexion", status_code=303)
        site.clear_session(response)
        return response
