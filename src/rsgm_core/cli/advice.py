"""``rsgm advice log|list|answer|to-faq|stats`` (CNS-1, CNS-2): requests for advice, the pending
ones first in the listing."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    add_group,
    open_app,
    print_table,
)
from rsgm_core.cli.dates import iso_date
from rsgm_core.cli.naming import RECORD_HELP, commune_label, of, resolve, short
from rsgm_core.domain.advice import AdviceRequest, Channel
from rsgm_core.domain.bounds import LAST_DAY
from rsgm_core.domain.indicators import Period
from rsgm_core.errors import ValidationError
from rsgm_core.render.formatting import format_date
from rsgm_core.render.french import plural

__all__ = ["pending_first", "register"]


def register(commands: Any) -> None:
    a_actions = add_group(commands, "advice", "demandes de conseil (CNS-1, CNS-2)")
    log = add_action(a_actions, "log", "enregistrer une demande", _log)
    log.add_argument("question", metavar="QUESTION")
    log.add_argument("--commune", required=True, metavar="CODE_INSEE")
    log.add_argument("--demandeur", required=True, dest="requester")
    log.add_argument("--canal", required=True, choices=[c.value for c in Channel], dest="channel")
    log.add_argument("--theme", required=True)
    log.add_argument(
        "--orienter", action="store_true", dest="refer", help="vers un volontaire (MEM-9)"
    )
    log.add_argument(
        "--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
        help="jour de réception d'une demande saisie après coup (EVT-12) ; défaut : maintenant",
    )  # fmt: skip
    listing = add_action(
        a_actions, "list", "lister les demandes, les demandes en attente d'abord", _list
    )
    listing.add_argument(
        "--commune", metavar="COMMUNE", help="les demandes de cette commune (code INSEE ou nom)"
    )
    listing.add_argument(
        "--en-attente", action="store_true", dest="pending", help="seulement celles sans réponse"
    )
    listing.add_argument("--format", choices=("table", "json"), default="table")
    answer = add_action(a_actions, "answer", "enregistrer la réponse", _answer)
    answer.add_argument("request", metavar="DEMANDE", help=RECORD_HELP)
    answer.add_argument("answer", metavar="REPONSE")
    answer.add_argument("--duree", "--minutes", dest="minutes", type=int, default=0)
    faq = add_action(a_actions, "to-faq", "transformer en question-réponse anonymisée", _to_faq)
    faq.add_argument("request", metavar="DEMANDE", help=RECORD_HELP)
    add_actor_option(faq, "l'animateur (agent du CDG) qui rédige la question-réponse")
    stats = add_action(a_actions, "stats", "délais de réponse (médiane, 90e centile)", _stats)
    stats.add_argument("--du", type=iso_date, dest="since", metavar="AAAA-MM-JJ")
    stats.add_argument("--au", type=iso_date, dest="until", metavar="AAAA-MM-JJ")
    stats.add_argument("--format", choices=("table", "json"), default="table")


def _log(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        request = app.advice.log(
            args.commune, args.requester, args.channel, args.theme, args.question, on=args.on
        )
        where = commune_label(app, request.commune)
        received = f", reçue le {args.on:%d/%m/%Y}" if args.on else ""
        print(
            f"demande {short(request.id)} enregistrée : {request.requester} ({where}), "
            f"thème {request.theme}{received}"
        )
        if args.refer:
            referral = app.advice.refer(request.id)
            chosen = next(
                h for h in referral.helpers if h.member.id == referral.request.referred_to
            )
            print(f"orientée vers {chosen.member.full_name} : {' ; '.join(chosen.reasons)}")
    return 0


def _answer(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        request = app.advice.answer(
            resolve(app, "advice_requests", args.request), args.answer, minutes_spent=args.minutes
        )
        where = commune_label(app, request.commune)
    print(f"réponse enregistrée pour la demande {of(request.requester)} ({where})")
    return 0


def _to_faq(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        request_id = resolve(app, "advice_requests", args.request)
        faq = app.advice.to_faq(request_id, by=actor(args)).resource
    print(f"question-réponse « {faq.title} » créée (brouillon, {short(faq.id)})")
    return 0


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h".replace(".", ",")


def _period(since: dt.date | None, until: dt.date | None) -> Period | None:
    """``--du``/``--au``: an open end reaches the first or the last request."""
    if since is None and until is None:
        return None
    try:
        return Period(since or dt.date.min, until or LAST_DAY)  # the calendar's window
    except ValidationError as exc:
        raise ValidationError(
            f"période à l'envers : du {format_date(since) if since else '?'} au "
            f"{format_date(until) if until else '?'}",
            rule="CNS-2",
            value=since,
        ) from exc


def _stats(args: argparse.Namespace) -> int:
    from rsgm_core.render.exports import to_json

    with open_app(args) as app:
        stats = app.advice.stats(period=_period(args.since, args.until))
    if args.format == "json":
        print(to_json({
            "repondues": stats.answered, "en_attente": stats.pending,
            "mediane_heures": stats.median_hours, "centile_90_heures": stats.p90_hours,
        }))  # fmt: skip
        return 0
    print(f"demandes répondues : {stats.answered}, en attente : {stats.pending}")
    print(f"délai médian : {_hours(stats.median_hours)}, 90e centile : {_hours(stats.p90_hours)}")
    return 0


def pending_first(requests: list[AdviceRequest]) -> list[AdviceRequest]:
    """CNS-1: the unanswered requests first, oldest first (the longest waiting at the top), then
    the answered ones, most recently answered first."""
    waiting = sorted((r for r in requests if not r.answered), key=lambda r: r.received_at)
    answered = sorted(
        (r for r in requests if r.answered), key=lambda r: r.answered_at or r.received_at,
        reverse=True,
    )  # fmt: skip
    return [*waiting, *answered]


def _list(args: argparse.Namespace) -> int:
    from rsgm_core.render.exports import to_json
    from rsgm_core.services.directory_edit import resolve_commune

    with open_app(args) as app:
        if args.commune is not None:
            with app.deps.read() as uow:  # CNS-1: a commune unknown is said, not listed empty
                args.commune = resolve_commune(uow, args.commune, rule="CNS-1")
        found = pending_first(
            app.advice.list_requests(commune=args.commune, pending=True if args.pending else None)
        )
        with app.deps.read() as uow:
            codes = sorted({r.commune for r in found})
            names = {c.code: c.name for c in uow.communes.list({"code": codes})} if codes else {}
            helpers = {m.id: m.full_name for m in uow.members.list(
                {"id": sorted({r.referred_to for r in found if r.referred_to})}
            )} if any(r.referred_to for r in found) else {}  # fmt: skip
        zone = app.settings.zone

    def commune(r: AdviceRequest) -> str:
        return f"{names.get(r.commune, r.commune)} ({r.commune})"

    if args.format == "json":
        print(to_json([
            {"id": r.id, "etat": "répondue" if r.answered else "en attente",
             "recue_le": r.received_at.isoformat(), "demandeur": r.requester,
             "commune": names.get(r.commune, r.commune), "code_insee": r.commune,
             "canal": r.channel.value, "theme": r.theme, "question": r.question,
             "orientee_vers": helpers.get(r.referred_to or "", r.referred_to),
             "repondue_le": r.answered_at.isoformat() if r.answered_at else None}
            for r in found
        ]))  # fmt: skip
        return 0
    if not found:
        print("aucune demande de conseil" + (" en attente" if args.pending else ""))
        return 0
    print_table(
        ("état", "reçue le", "demandeur", "commune", "thème", "question", "demande"),
        [
            (
                "répondue" if r.answered else "en attente",
                f"{r.received_at.astimezone(zone):%d/%m/%Y %H:%M}",
                r.requester,
                commune(r),
                r.theme,
                _short(r.question),
                short(r.id),
            )
            for r in found
        ],
    )
    waiting = sum(1 for r in found if not r.answered)
    answered = len(found) - waiting
    print(
        f"{plural(waiting, 'demande')} en attente, {answered} {'répondues' if answered > 1 else 'répondue'}"
    )

    return 0


def _short(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"
