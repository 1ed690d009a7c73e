"""The suggestion page of the personal link (NET-6, NOT-3): ``/s/<token>``. GET says whose link
it is, shows the form and the person's earlier suggestions with where each stands (writing
nothing: mail scanners open links); POST checks the form's CSRF token and records the suggestion
through ``app.links.use`` (the suggestion is its ``comment``), in one unit of work. The link serves
again: a member may make several suggestions."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from rsgm_core.domain.links import LinkPurpose
from rsgm_core.domain.suggestions import MAX_SUGGESTION, Suggestion
from rsgm_core.errors import RsgmError, ValidationError
from rsgm_core.web.pages import Site
from rsgm_core.web.security import csrf_valid

__all__ = ["SuggestionPages"]

TITLE = "Faire une suggestion au réseau"
FIELD = "suggestion"


def _where(suggestion: Suggestion) -> str:
    """Where a suggestion stands, in French, for its author."""
    if suggestion.outcome is not None and suggestion.decided_on is not None:
        said = f" : {suggestion.reason}" if suggestion.reason else ""
        return f"{suggestion.outcome.label} le {suggestion.decided_on:%d/%m/%Y}{said}"
    if suggestion.agenda_on is not None:
        return f"à l'ordre du jour du comité de suivi du {suggestion.agenda_on:%d/%m/%Y}"
    return "en attente d'examen par le comité de suivi"


class SuggestionPages:
    """The GET and POST of the suggestion page, over one :class:`Site`."""

    def __init__(self, site: Site) -> None:
        self.site = site

    async def handle(self, request: Request) -> Response:
        token = request.path_params["token"]
        if limited := self.site.too_many_links(request):
            return limited
        if request.method == "POST":
            return await self._post(request, token)
        return await self._show(request, token)

    def _context(self, token: str) -> dict[str, Any]:
        """The link checked and the person's suggestions, in one trip to a worker thread."""
        app = self.site.app
        check = app.links.verify(token, purpose=LinkPurpose.SUGGESTION)
        mine = app.suggestions.list_suggestions(member_id=check.member_id)
        return {
            "check": check,
            "expires": check.expires_at.strftime("%d/%m/%Y à %Hh%M"),
            "mine": [
                {"received": f"{s.received_on:%d/%m/%Y}", "text": s.text, "where": _where(s)}
                for s in reversed(mine)
            ],
            "limit": MAX_SUGGESTION,
        }

    async def _show(
        self,
        request: Request,
        token: str,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Response:
        try:
            context = await run_in_threadpool(self._context, token)
        except RsgmError as exc:
            return self.site.refusal(request, exc)
        context["values"] = values or {}
        return self.site.page(
            request, "suggestion.html", context, title=TITLE,
            status=422 if errors else 200, errors=errors,
        )  # fmt: skip

    async def _post(self, request: Request, token: str) -> Response:
        site = self.site
        form = await request.form()
        if not csrf_valid(site.session(request), site.config.cookie_key, form.get("csrf")):
            return site.problem(
                request, 403, "Formulaire expiré",
                "Ce formulaire n'a pas été envoyé depuis sa page, ou la page est trop ancienne : "
                "rouvrez le lien du message et recommencez. Rien n'a été enregistré.",
            )  # fmt: skip
        raw = form.get(FIELD)
        text = raw if isinstance(raw, str) else ""
        values = {FIELD: text}
        try:
            outcome = await run_in_threadpool(
                site.app.links.use, token, purpose=LinkPurpose.SUGGESTION, comment=text
            )
        except ValidationError as exc:
            return await self._show(request, token, errors={FIELD: exc.message}, values=values)
        except RsgmError as exc:
            return site.refusal(request, exc)
        return site.page(
            request, "done.html", {"outcome": outcome, "purpose": LinkPurpose.SUGGESTION},
            title=TITLE,
        )  # fmt: skip
