"""The pages of the personal links (NOT-3): one path per purpose, ``/<letter>/<token>``. GET says
what the link would do (``app.links.verify``) and shows its form, writing nothing (mail
scanners open links); POST checks the form's CSRF token and acts (``app.links.use``), in one
unit of work. The unsubscribe page also takes RFC 8058's one-click POST, without CSRF token."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from rsgm_core.domain.access_records import RequestStatus, check_requests_allowed
from rsgm_core.domain.directory import ConsentScope, Viewer, validate_phone
from rsgm_core.domain.events import RegistrationStatus
from rsgm_core.domain.links import LinkPurpose
from rsgm_core.domain.questionnaires import SCORE_KEY, Question, QuestionKind
from rsgm_core.errors import RsgmError, ValidationError
from rsgm_core.services.links import DirectoryUpdate, LinkCheck
from rsgm_core.web.pages import Site
from rsgm_core.web.security import csrf_valid

__all__ = ["LinkPages"]

T = TypeVar("T")

#: What a page is called, per purpose.
TITLES = {
    LinkPurpose.REGISTER: "S'inscrire",
    LinkPurpose.CANCEL: "Annuler son inscription",
    LinkPurpose.CONSENT: "Donner son consentement",
    LinkPurpose.WITHDRAW_CONSENT: "Retirer son consentement",
    LinkPurpose.SURVEY: "Répondre au questionnaire",
    LinkPurpose.DIRECTORY: "Mettre à jour sa fiche",
    LinkPurpose.ACCESS: "Demander l'accès à la plateforme",
    LinkPurpose.UNSUBSCRIBE: "Se désabonner",
}
_TEMPLATES = {
    LinkPurpose.REGISTER: "register.html",
    LinkPurpose.CANCEL: "cancel.html",
    LinkPurpose.CONSENT: "consent.html",
    LinkPurpose.WITHDRAW_CONSENT: "consent.html",
    LinkPurpose.SURVEY: "survey.html",
    LinkPurpose.DIRECTORY: "directory.html",
    LinkPurpose.ACCESS: "access.html",
    LinkPurpose.UNSUBSCRIBE: "unsubscribe.html",
}
MAX_COMMENT = 2000
MAX_FIELD = 500


def _lines(text: str) -> list[str]:
    """A field of one item per line (or separated by ``;``): its items, blanks dropped."""
    return [item.strip() for item in text.replace(";", "\n").splitlines() if item.strip()]


class _FieldError(Exception):
    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("formulaire invalide")
        self.errors = dict(errors)


class LinkPages:
    """The GET and POST of every link page, over one :class:`Site`."""

    def __init__(self, site: Site) -> None:
        self.site = site

    async def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await run_in_threadpool(function, *args, **kwargs)

    async def handle(self, request: Request, purpose: LinkPurpose) -> Response:
        token = request.path_params["token"]
        if limited := self.site.too_many_links(request):
            return limited
        if request.method == "POST":
            return await self._post(request, purpose, token)
        try:
            check, details = await self._call(self._verified, token, purpose)
        except RsgmError as exc:
            return self.site.refusal(request, exc)
        return self._show(request, check, details)

    def _verified(self, token: str, purpose: LinkPurpose) -> tuple[LinkCheck, dict[str, Any]]:
        """The link checked and what its page shows, in one trip to a worker thread (storage
        calls block; the event loop must not)."""
        check = self.site.app.links.verify(token, purpose=purpose)
        return check, self._details(check)

    # --- GET: what the link would do ------------------------------------------------------------

    def _show(
        self,
        request: Request,
        check: LinkCheck,
        details: Mapping[str, Any],
        *,
        errors: Mapping[str, str] | None = None,
        values: Mapping[str, str] | None = None,
    ) -> Response:
        context: dict[str, Any] = {
            "check": check,
            "purpose": check.purpose,
            "expires": check.expires_at.strftime("%d/%m/%Y à %Hh%M"),
            "values": dict(values or {}),
        }
        context.update(details)
        if check.purpose is LinkPurpose.SURVEY and errors and details.get("questions"):
            # SUR-2: a refusal about no field of the form shows at its first question
            names = [q["name"] for q in details["questions"]]
            errors = {(k if k in names else names[0]): v for k, v in errors.items()}
        if check.purpose is LinkPurpose.SURVEY and values:
            for q in details.get("questions", ()):
                q["chosen"] = _chosen(values.get(q["name"], ""))
        status = 422 if errors else 200
        return self.site.page(
            request, _TEMPLATES[check.purpose], context,
            title=TITLES[check.purpose], status=status, errors=errors,
        )  # fmt: skip

    def _details(self, check: LinkCheck) -> dict[str, Any]:
        """What a purpose's page shows besides the check: sessions with their deadline and
        waiting list, the current directory entry, the survey's kind, the access policy."""
        app = self.site.app
        purpose = check.purpose
        if purpose is LinkPurpose.REGISTER and check.object_id:
            return self._sessions(check)
        if purpose in (LinkPurpose.CONSENT, LinkPurpose.WITHDRAW_CONSENT):
            scope = ConsentScope(check.object_id or ConsentScope.DIRECTORY.value)
            consents = app.directory.list_consents(member_id=check.member_id)
            held = any(c.scope is scope and c.current_on(app.today()) for c in consents)
            return {"scope": scope.value, "photo": scope is ConsentScope.PHOTO, "held": held,
                    "give": purpose is LinkPurpose.CONSENT}  # fmt: skip
        if purpose is LinkPurpose.SURVEY and check.object_id:
            return {
                "questions": _survey_questions(
                    app.surveys.list_questions(survey_id=check.object_id)
                )
            }
        if purpose is LinkPurpose.DIRECTORY:
            return self._entry(check.member_id)
        if purpose is LinkPurpose.ACCESS:
            pending = app.access.list_requests(
                status=RequestStatus.PENDING, member_id=check.member_id
            )
            check_requests_allowed(app.settings.policies.access)  # CHA-2: before the form
            return {"pending": bool(pending)}
        if purpose is LinkPurpose.UNSUBSCRIBE:
            return {"already": app.members.get(check.member_id).invitations_opt_out}
        return {}

    @staticmethod
    def _sessions(check: LinkCheck) -> dict[str, Any]:
        """The sessions as the check gave them: no second read."""
        sessions = [
            {"id": c.id, "label": c.label, "full": c.full, "waiting": c.waiting,
             "deadline": c.deadline.strftime("%d/%m/%Y") if c.deadline else "",
             "closed": c.closed}
            for c in check.choices
        ]  # fmt: skip
        mine = [
            {"label": c.label, "waiting": c.held is RegistrationStatus.WAITING}
            for c in check.choices
            if c.held is not None
        ]
        return {"sessions": sessions, "mine": mine}

    def _entry(self, member_id: str) -> dict[str, Any]:
        app = self.site.app
        entry = app.directory.get_entry(member_id, viewer=Viewer(member_id=member_id))
        member = app.members.get(member_id)
        hours = ""
        halls = []
        with app.deps.read() as uow:  # the town halls of the person's communes, as recorded
            for position in uow.positions.list({"member_id": member_id}):
                if position.active_on(app.today()):
                    hall = uow.town_halls.find(position.commune)
                    if hall is not None:
                        halls.append(hall)
        if halls:
            hours = halls[0].opening_hours or ""
        return {
            "entry": entry,
            "has_hall": bool(halls),
            "current": {
                "telephone": entry.phone if member.phone else "",
                "expertises": "\n".join(entry.expertises),
                "logiciels_utilises": "\n".join(
                    s for s in entry.software_used if s not in entry.software_mastered
                ),
                "logiciels_maitrises": "\n".join(entry.software_mastered),
                "horaires": hours,
            },
        }

    # --- POST: act ------------------------------------------------------------------------------

    async def _post(self, request: Request, purpose: LinkPurpose, token: str) -> Response:
        site = self.site
        form = await request.form()
        one_click = (
            purpose is LinkPurpose.UNSUBSCRIBE and form.get("List-Unsubscribe") == "One-Click"
        )
        if not one_click and not csrf_valid(site.session(request), site.config.cookie_key,
                                            form.get("csrf")):  # fmt: skip
            return site.problem(
                request, 403, "Formulaire expiré",
                "Ce formulaire n'a pas été envoyé depuis sa page, ou la page est trop ancienne : "
                "rouvrez le lien du message et recommencez. Rien n'a été enregistré.",
            )  # fmt: skip
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        try:
            arguments = self._arguments(purpose, form)
            outcome = await self._call(site.app.links.use, token, purpose=purpose, **arguments)
        except _FieldError as exc:
            return await self._again(request, purpose, token, exc.errors, values)
        except ValidationError as exc:
            field = _field_of(purpose, exc, values)
            return await self._again(request, purpose, token, {field: exc.message}, values)
        except RsgmError as exc:
            return site.refusal(request, exc)
        if one_click:
            return site.problem(request, 200, "Désabonnement", outcome.summary)
        return site.page(
            request, "done.html", {"outcome": outcome, "purpose": purpose},
            title=TITLES[purpose],
        )  # fmt: skip

    async def _again(
        self,
        request: Request,
        purpose: LinkPurpose,
        token: str,
        errors: Mapping[str, str],
        values: Mapping[str, str],
    ) -> Response:
        """The form again, with each error next to its field and in the title (nothing was
        written)."""
        try:
            check, details = await self._call(self._verified, token, purpose)
        except RsgmError as exc:
            return self.site.refusal(request, exc)
        return self._show(request, check, details, errors=errors, values=values)

    def _arguments(self, purpose: LinkPurpose, form: FormData) -> dict[str, Any]:
        """``app.links.use``'s arguments from the form, each field checked where it is."""
        text = {k: v for k, v in form.items() if isinstance(v, str)}
        if purpose is LinkPurpose.REGISTER:
            session = text.get("seance", "").strip()
            if not session:
                raise _FieldError({"seance": "choisissez la séance à laquelle vous inscrire"})
            return {"session_id": session}
        if purpose is LinkPurpose.SURVEY:
            return self._answer(form)
        if purpose is LinkPurpose.DIRECTORY:
            return {"update": self._update(text)}
        return {}

    def _answer(self, form: FormData) -> dict[str, Any]:
        """SUR-2: every field but the CSRF token is a question's answer (a multiple choice's
        boxes share their name); the use case checks each against its question."""
        errors = {}
        responses: dict[str, object] = {}
        for name in dict.fromkeys(k for k in form if k != "csrf"):
            items = [v for v in form.getlist(name) if isinstance(v, str)]
            if len(items) > 1:
                responses[name] = items
            elif items:
                responses[name] = items[0]
            if any(len(v) > MAX_COMMENT for v in items):
                errors[name] = f"réponse trop longue : {MAX_COMMENT} caractères au plus"
        raw = str(responses.get(SCORE_KEY, "")).strip()
        if raw and raw not in {"1", "2", "3", "4", "5"}:
            errors[SCORE_KEY] = f"note invalide : {raw!r} ; choisissez une note de 1 à 5"
        if errors:
            raise _FieldError(errors)
        return {"responses": responses}

    def _update(self, text: Mapping[str, str]) -> DirectoryUpdate:
        errors = {}
        for name in ("telephone", "expertises", "logiciels_utilises", "logiciels_maitrises",
                     "horaires"):  # fmt: skip
            if len(text.get(name, "")) > MAX_FIELD:
                errors[name] = f"texte trop long : {MAX_FIELD} caractères au plus"
        phone = text.get("telephone")
        if phone is not None and phone.strip() and "telephone" not in errors:
            try:
                validate_phone(phone)
            except RsgmError as exc:
                errors["telephone"] = exc.message
        if errors:
            raise _FieldError(errors)

        def listed(name: str) -> list[str] | None:
            return None if name not in text else _lines(text[name])

        return DirectoryUpdate(
            phone=phone,
            expertises=listed("expertises"),
            software_used=listed("logiciels_utilises"),
            software_mastered=listed("logiciels_maitrises"),
            opening_hours=text["horaires"].strip() if "horaires" in text else None,
        )


_FIELDS = {
    LinkPurpose.REGISTER: ("seance",),
    LinkPurpose.SURVEY: ("note", "commentaire"),
    LinkPurpose.DIRECTORY: (
        "telephone", "expertises", "logiciels_utilises", "logiciels_maitrises", "horaires",
    ),
}  # fmt: skip


def _field_of(purpose: LinkPurpose, exc: RsgmError, values: Mapping[str, str]) -> str:
    """The form field a use case's refusal is about: the one holding the refused value, else the
    purpose's first field (the error then shows at the top of the form too)."""
    if purpose is LinkPurpose.SURVEY and exc.value not in (None, ""):
        return str(exc.value)  # SUR-2: the question's key; shown at the first one if not a field
    fields = _FIELDS.get(purpose, ())
    wanted = str(exc.value).strip().lower() if exc.value not in (None, "") else None
    if wanted:
        for name in fields:
            if wanted in values.get(name, "").lower():
                return name
    return fields[0] if fields else "formulaire"


_KINDS = {QuestionKind.SCALE: "scale", QuestionKind.SINGLE: "single",
          QuestionKind.MULTIPLE: "multiple", QuestionKind.NUMBER: "number",
          QuestionKind.TEXT: "text"}  # fmt: skip


def _chosen(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _survey_questions(questions: Sequence[Question]) -> list[dict[str, Any]]:
    """What the survey page shows of each question (SUR-2), in order."""
    found = []
    for q in questions:
        if q.kind is QuestionKind.SCALE:
            choices = [(str(n), str(n)) for n in range(1, 6)]
        else:
            choices = list(zip(q.choice_keys, q.choices, strict=True))
        found.append({"name": q.key, "text": q.text, "kind": _KINDS[q.kind],
                      "required": q.required, "choices": choices, "chosen": []})  # fmt: skip
    return found
