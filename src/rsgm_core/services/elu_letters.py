"""Letters and messages to élus (MEM-12, EVT-2): the launch letter to the mayors, the letter to
the EPCI presidents (``003`` Fiche 1.6), the "information des maires" of an event, sent at its
invitation step to the mayors of the communes invited, and the feedback to élus after it with its
figures (Fiche 2.1, 2.2). By e-mail through the outbox (NOT-1), or printed as a mail-merge for
postal mail; each one written is recorded (``elu_letters``) so that nobody gets it twice and the
event's timeline ticks reflect the messages really sent.

Not part of the public API: the use cases are ``app.elus.send_letters`` and ``print_letters``;
``app.event_mail.invite`` calls :func:`inform_mayors` in its own unit of work.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.elu_letters import LetterRound, MailMerge
from rsgm_core.domain.elus import (
    Elu,
    EluLetter,
    EluRole,
    LetterChannel,
    LetterKind,
    in_office,
    salutation,
)
from rsgm_core.domain.events import Event, RegistrationStatus
from rsgm_core.domain.timeline import TaskKind
from rsgm_core.errors import ConfigurationError, ValidationError
from rsgm_core.render.formatting import format_date, format_number
from rsgm_core.services.authorization import authorize
from rsgm_core.services.event_messages import (
    event_context,
    event_registrations,
    mark_task,
    sessions_of,
)
from rsgm_core.services.members import new_id
from rsgm_core.services.outbox import OutboxService, queue_message

if TYPE_CHECKING:
    from rsgm_core.domain.profile import CdgIdentity
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["inform_mayors", "invited_communes", "print_letters", "send_letters"]

RULE = "MEM-12"
_EVENT_KINDS = (LetterKind.EVENT_INFORMATION, LetterKind.EVENT_FEEDBACK)
_TICKS = {
    LetterKind.EVENT_INFORMATION: TaskKind.MAYORS_INFORMED,
    LetterKind.EVENT_FEEDBACK: TaskKind.FEEDBACK_ELECTED,
}


def invited_communes(uow: UnitOfWork, event_id: str, day: dt.date) -> set[str]:
    """EVT-2: the communes an event invited: those where the people invited hold a position."""
    invited = [f.member_id for f in uow.attendance.list({"event": event_id})]
    if not invited:
        return set()
    return {p.commune for p in uow.positions.list({"member_id": invited}) if p.active_on(day)}


def _recipients(uow: UnitOfWork, kind: LetterKind, event_id: str | None, day: dt.date) -> list[Elu]:
    """Who a letter of ``kind`` is for, in office on ``day``."""
    current = in_office(uow.elus.list(), on=day)
    if kind is LetterKind.EPCI:
        return [e for e in current if e.role is EluRole.EPCI_PRESIDENT]
    mayors = [e for e in current if e.role is EluRole.MAYOR]
    if kind is LetterKind.LAUNCH:
        return mayors
    assert event_id is not None
    communes = invited_communes(uow, event_id, day)
    return [e for e in mayors if e.commune in communes]


def _event(uow: UnitOfWork, kind: LetterKind, event_id: str | None) -> Event | None:
    if kind in _EVENT_KINDS and not event_id:
        raise ValidationError(
            f"le courrier « {kind.value} » porte sur un événement : nommez-le", rule="EVT-2",
            value=kind.value,
        )  # fmt: skip
    if kind not in _EVENT_KINDS and event_id:
        raise ValidationError(
            f"le courrier « {kind.value} » ne porte sur aucun événement", rule=RULE, value=event_id
        )
    return uow.events.get(event_id) if event_id else None


def _written(uow: UnitOfWork, kind: LetterKind, event_id: str | None) -> set[str]:
    """The élus who already had the letter of ``kind`` (about ``event_id``)."""
    found = uow.elu_letters.list({"event_id": event_id} if event_id else None)
    return {x.elu_id for x in found if x.kind is kind and x.event_id == event_id}


def _cdg(deps: Deps) -> dict[str, Any]:
    cdg = deps.settings.cdg
    if cdg is None:
        return {"name": "le centre de gestion", "short_name": "le CDG", "signatory_name": "",
                "signatory_title": ""}  # fmt: skip
    return {"name": cdg.name, "short_name": cdg.short_name,
            "signatory_name": cdg.signatory_name or "", "signatory_title": cdg.signatory_title or ""}  # fmt: skip


def _shown(uow: UnitOfWork, elu: Elu) -> dict[str, Any]:
    commune = uow.communes.find(elu.commune) if elu.commune else None
    epci = uow.epcis.find(elu.epci) if elu.epci else None
    return {
        "first_name": elu.first_name, "last_name": elu.last_name, "title": elu.title,
        "salutation": salutation(elu), "commune": commune.name if commune else "",
        "epci": epci.name if epci else "",
    }  # fmt: skip


def _figures(uow: UnitOfWork, event: Event) -> dict[str, Any]:
    """EVT-2: what the feedback to élus tells of an event: registered, present, communes
    represented, satisfaction (the mean score of its satisfaction survey, if any)."""
    registrations = event_registrations(uow, event.id)
    registered = [r for r in registrations if r.status is RegistrationStatus.CONFIRMED]
    present = [r for r in registrations if r.attended]
    sessions = {s.id: s.date for s in sessions_of(uow, event.id)}
    who = {r.member_id: sessions.get(r.session_id) for r in present}
    positions = uow.positions.list({"member_id": list(who)}) if who else []
    communes = {p.commune for p in positions if p.active_on(who[p.member_id] or dt.date.today())}
    scores = [
        a.score
        for s in uow.surveys.list({"event_id": event.id})
        for a in uow.survey_answers.list({"survey_id": s.id})
        if a.score is not None
    ]
    satisfaction = None
    if scores:
        mean = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"))
        satisfaction = (
            f"{format_number(mean)} sur 5 ({len(scores)} réponse{'s' if len(scores) > 1 else ''})"
        )
    return {"registered": len(registered), "present": len(present), "communes": len(communes),
            "satisfaction": satisfaction}  # fmt: skip


def _context(
    deps: Deps,
    uow: UnitOfWork,
    elu: Elu,
    event: Event | None,
    kind: LetterKind,
    *,
    printed: bool = False,
) -> dict[str, Any]:
    context: dict[str, Any] = {"elu": _shown(uow, elu), "cdg": _cdg(deps), "printed": printed}
    if event is not None:
        context |= event_context(event, sessions_of(uow, event.id), deps.settings.locale)
    if kind is LetterKind.EVENT_FEEDBACK and event is not None:
        context["figures"] = _figures(uow, event)
    return context


def _tick(
    uow: UnitOfWork, kind: LetterKind, event: Event | None, due: list[Elu], day: dt.date
) -> None:
    """EVT-2: the event's tick reflects the letters: done once every mayor it is for has had
    it (by e-mail or by post), not done while one is missing or nobody is on record."""
    if event is None or kind not in _TICKS:
        return
    written = _written(uow, kind, event.id)
    done = bool(due) and all(e.id in written for e in due)
    mark_task(uow, uow.events.get(event.id), _TICKS[kind], done=done)


def _label(uow: UnitOfWork, elu: Elu) -> str:
    where = _shown(uow, elu)["commune"] or _shown(uow, elu)["epci"]
    return f"{elu.full_name} ({elu.title}{', ' + where if where else ''})"


def _send(deps: Deps, uow: UnitOfWork, kind: LetterKind, event: Event | None, day: dt.date,
          by: str | None) -> LetterRound:  # fmt: skip
    event_id = event.id if event else None
    due = _recipients(uow, kind, event_id, day)
    written = _written(uow, kind, event_id)
    sent, unreached = [], []
    for elu in due:
        if elu.id in written:
            continue
        if not elu.email:
            unreached.append(_label(uow, elu))
            continue
        message = queue_message(
            deps, uow, kind.template, elu.email, _context(deps, uow, elu, event, kind)
        )
        uow.elu_letters.add(
            EluLetter(new_id(), elu.id, kind, day, LetterChannel.EMAIL, event_id, message.id, by)
        )
        sent.append(_label(uow, elu))
    _tick(uow, kind, event, due, day)
    return LetterRound(kind, tuple(sent), len(written), tuple(unreached), event_id)


def send_letters(
    deps: Deps, kind: LetterKind, *, by: str, event_id: str | None, on: dt.date
) -> LetterRound:
    with deps.transaction() as uow:
        actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=deps.today())
        return _send(deps, uow, kind, _event(uow, kind, event_id), on, actor.id)


def inform_mayors(
    deps: Deps, uow: UnitOfWork, event: Event, day: dt.date
) -> tuple[LetterRound, set[str]]:
    """EVT-2: at the invitation step, the "information des maires" to the mayors of the
    communes invited who have not had it, in the caller's unit of work; the round, and the
    communes whose mayor is informed (this round or before, by e-mail or by post)."""
    done = _send(deps, uow, LetterKind.EVENT_INFORMATION, event, day, None)
    informed = _written(uow, LetterKind.EVENT_INFORMATION, event.id)
    communes = {e.commune for e in uow.elus.list() if e.id in informed and e.commune}
    return done, communes


def _identity(deps: Deps) -> CdgIdentity:
    cdg = deps.settings.cdg
    if cdg is None:
        raise ConfigurationError(
            "publipostage impossible : l'identité du CDG (l'expéditeur) n'est pas configurée ; "
            "renseignez la section [cdg] du profil (nom, adresse, lieu, signataire, "
            "qualite_signataire)",
            rule=RULE,
            value="[cdg]",
        )
    cdg.signature_block()
    return cdg


def print_letters(
    deps: Deps, kind: LetterKind, *, by: str, event_id: str | None, pdf: bool, everyone: bool,
    on: dt.date,
) -> MailMerge:  # fmt: skip
    from rsgm_core.render.mail_merge import Letter, mail_merge_html, mail_merge_pdf

    cdg = _identity(deps)
    if pdf:  # refused before anything is recorded as posted
        try:
            import weasyprint  # noqa: F401
        except ImportError:
            mail_merge_pdf("")
    outbox = OutboxService(deps)
    with deps.transaction() as uow:
        actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=deps.today())
        event = _event(uow, kind, event_id)
        due = _recipients(uow, kind, event_id, on)
        written = _written(uow, kind, event_id)
        chosen = [e for e in due if everyone or e.id not in written]
        letters, names = [], []
        for elu in chosen:
            rendered = outbox.render(
                kind.template, _context(deps, uow, elu, event, kind, printed=True)
            )
            shown = _shown(uow, elu)
            place = (
                f"{elu.title.capitalize()} de {shown['commune']}"
                if shown["commune"]
                else (
                    f"{elu.title.capitalize()}" + (f" — {shown['epci']}" if shown["epci"] else "")
                )
            )
            block = (f"{elu.civility.value + ' ' if elu.civility else ''}{elu.full_name}", place,
                     *elu.address_lines)  # fmt: skip
            letters.append(Letter(block, rendered.subject, rendered.text))
            names.append(_label(uow, elu))
            if elu.id not in written:
                uow.elu_letters.add(
                    EluLetter(
                        new_id(), elu.id, kind, on, LetterChannel.POST, event_id, None, actor.id
                    )
                )
        _tick(uow, kind, event, due, on)
    title = f"Publipostage : {kind.value}"
    document = mail_merge_html(
        letters, cdg=cdg, dated=format_date(on, deps.settings.locale), title=title
    )
    stem = kind.template.replace("_", "-")
    if pdf:
        return MailMerge(kind, f"{stem}.pdf", "application/pdf", mail_merge_pdf(document),
                         tuple(names), event_id)  # fmt: skip
    return MailMerge(
        kind, f"{stem}.html", "text/html", document.encode("utf-8"), tuple(names), event_id
    )
