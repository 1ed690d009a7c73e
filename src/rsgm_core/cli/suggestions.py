"""``rsgm suggestions add|list|agenda|decide`` (NET-6): members' suggestions, the follow-up
committee's agenda, its decisions, the answers sent to their authors."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import actor, add_action, add_actor_option, add_group, open_app
from rsgm_core.cli.dates import iso_date
from rsgm_core.cli.naming import MEMBER_HELP, RECORD_HELP, find_member, member_label, resolve
from rsgm_core.domain.suggestions import Suggestion, SuggestionOutcome

__all__ = ["register"]


def register(commands: Any) -> None:
    actions = add_group(commands, "suggestions", "suggestions des membres (NET-6)")
    add = add_action(
        actions, "add",
        "enregistrer la suggestion d'un membre : à l'ordre du jour du comité de suivi (NET-6)",
        _add,
    )  # fmt: skip
    add.add_argument("member", metavar="MEMBRE", help=f"l'auteur : {MEMBER_HELP}")
    add.add_argument("text", metavar="TEXTE", help="la suggestion")
    add.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                     help="jour de réception (défaut : aujourd'hui)")  # fmt: skip
    add_actor_option(add, "l'auteur lui-même, ou l'agent du CDG qui l'enregistre pour lui")

    listing = add_action(actions, "list", "lister les suggestions et leur décision", _list)
    listing.add_argument("--en-attente", action="store_true", dest="pending",
                         help="seulement celles que le comité n'a pas encore décidées")  # fmt: skip
    listing.add_argument("--membre", dest="member", metavar="PERSONNE",
                         help=f"seulement celles de ce membre : {MEMBER_HELP}")  # fmt: skip

    agenda = add_action(
        actions, "agenda",
        "ordre du jour du comité de suivi : les suggestions à examiner (NET-2, NET-6)", _agenda,
    )  # fmt: skip
    agenda.add_argument("--departement", metavar="CODE",
                        help="le comité de ce département (TER-7)")  # fmt: skip

    decide = add_action(
        actions, "decide",
        "décision du comité de suivi ; la réponse part à l'auteur (NET-6)", _decide,
    )  # fmt: skip
    decide.add_argument("suggestion", metavar="SUGGESTION", help=RECORD_HELP)
    decide.add_argument("outcome", metavar="DECISION",
                        choices=[o.value for o in SuggestionOutcome],
                        help="acceptee, planifiee ou refusee (avec --raison)")  # fmt: skip
    decide.add_argument("--raison", dest="reason", metavar="TEXTE", default="",
                        help="la raison d'un refus (obligatoire) ou les précisions du comité")  # fmt: skip
    decide.add_argument("--realisation", type=iso_date, dest="planned_for",
                        metavar="AAAA-MM-JJ", help="pour « planifiee » : mise en œuvre d'ici ce jour")  # fmt: skip
    decide.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                        help="jour de la décision (défaut : aujourd'hui)")  # fmt: skip
    add_actor_option(decide, "un membre du comité de suivi (ou un administrateur du CDG)")


def _where(s: Suggestion) -> str:
    if s.outcome is not None and s.decided_on is not None:
        return f"{s.outcome.label} le {s.decided_on:%d/%m/%Y}"
    if s.agenda_on is not None:
        return f"au comité du {s.agenda_on:%d/%m/%Y}"
    return "au prochain comité"


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count < 2 else many}"


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _add(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        author = find_member(app, args.member, rule="NET-6")
        made = app.suggestions.record(author.id, args.text, by=by, on=args.on)
    where = (
        f"la réunion du comité de suivi du {made.agenda_on:%d/%m/%Y}"
        if made.agenda_on
        else "la prochaine réunion du comité de suivi (aucune n'est encore prévue)"
    )
    print(f"suggestion de {author.full_name} enregistrée ({made.id[:8]}), reçue le "
          f"{made.received_on:%d/%m/%Y} : à l'ordre du jour de {where}")  # fmt: skip
    return 0


def _list(args: argparse.Namespace) -> int:
    from rsgm_core.cli.common import print_table

    with open_app(args) as app:
        member_id = find_member(app, args.member, rule="NET-6").id if args.member else None
        found = app.suggestions.list_suggestions(
            member_id=member_id, pending=True if args.pending else None
        )
        names = {s.member_id: member_label(app, s.member_id) for s in found}
    if not found:
        print("aucune suggestion" + (" en attente" if args.pending else ""))
        return 0
    print_table(
        ("reçue le", "auteur", "suggestion", "où elle en est", "id"),
        [
            (f"{s.received_on:%d/%m/%Y}", names[s.member_id], _short(s.text), _where(s), s.id[:8])
            for s in found
        ],
    )
    waiting = sum(1 for s in found if not s.decided)
    print(f"{waiting} en attente d'examen, "
          f"{_count(len(found) - waiting, 'décidée', 'décidées')}")  # fmt: skip
    return 0


def _agenda(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        agenda = app.suggestions.agenda(departement=args.departement)
        names = {s.member_id: member_label(app, s.member_id) for s in agenda.suggestions}
    which = f" du département {agenda.departement}" if agenda.departement else ""
    when = (
        f"réunion du {agenda.meeting_on:%d/%m/%Y}"
        if agenda.meeting_on
        else "prochaine réunion (date à fixer)"
    )
    print(f"comité de suivi{which}, {when} : "
          f"{_count(len(agenda.suggestions), 'suggestion', 'suggestions')} à examiner")  # fmt: skip
    for s in agenda.suggestions:
        print(f"  {s.id[:8]}  reçue le {s.received_on:%d/%m/%Y} de {names[s.member_id]} : "
              f"« {_short(s.text, 100)} »")  # fmt: skip
    return 0


def _decide(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        suggestion_id = resolve(app, "suggestions", args.suggestion, rule="NET-6")
        decided = app.suggestions.decide(
            suggestion_id, args.outcome, by=by, reason=args.reason,
            planned_for=args.planned_for, on=args.on,
        )  # fmt: skip
        author = member_label(app, decided.member_id)
        status = None
        if decided.answer_id is not None:
            status = app.outbox.get(decided.answer_id).status.value
    assert decided.outcome is not None and decided.decided_on is not None
    print(f"suggestion de {author} {decided.outcome.label} le {decided.decided_on:%d/%m/%Y}")
    if status is None:
        print(f"{author} n'a pas d'adresse électronique : la réponse n'a pas pu lui être "
              "envoyée, transmettez-la autrement")  # fmt: skip
    elif status == "sent":
        print(f"réponse envoyée à {author}")
    else:
        print(f"réponse à {author} mise dans la boîte d'envoi (pas encore envoyée : voir "
              "rsgm outbox list)")  # fmt: skip
    return 0
