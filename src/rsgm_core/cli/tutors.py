"""``rsgm tutors candidates|pair|relay|review|list|successions`` (MEM-13, MEM-8): a tutor paired
with each newcomer until the 3-month review, and who could take over from a tutor who leaves."""

from __future__ import annotations

import argparse
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
from rsgm_core.cli.naming import find_member
from rsgm_core.render.french import plural

__all__ = ["register"]

_WHO = "identifiant (ou son début), e-mail ou « Prénom Nom »"


def register(commands: Any) -> None:
    actions = add_group(
        commands, "tutors", "tutorat des arrivants jusqu'au bilan à 3 mois (MEM-13)"
    )
    candidates = add_action(
        actions, "candidates", "tuteurs possibles pour un arrivant, les mieux placés d'abord",
        _candidates,
    )  # fmt: skip
    candidates.add_argument("newcomer", metavar="ARRIVANT", help=_WHO)
    candidates.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                            help="jour considéré (défaut : aujourd'hui)")  # fmt: skip

    pair = add_action(actions, "pair", "apparier un tuteur et un arrivant", _pair)
    pair.add_argument("newcomer", metavar="ARRIVANT", help=_WHO)
    pair.add_argument("tutor", metavar="TUTEUR", help=_WHO)
    pair.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                      help="début du tutorat (défaut : aujourd'hui)")  # fmt: skip
    pair.add_argument("--forcer", action="store_true", dest="force",
                      help="apparier même au-delà de la limite d'arrivants par tuteur")  # fmt: skip
    add_actor_option(pair)

    relay = add_action(actions, "relay", "passer le relais à un autre tuteur (MEM-8)", _relay)
    relay.add_argument("newcomer", metavar="ARRIVANT", help=_WHO)
    relay.add_argument("tutor", metavar="TUTEUR", help="le nouveau tuteur : " + _WHO)
    relay.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                       help="jour du relais (défaut : aujourd'hui)")  # fmt: skip
    relay.add_argument("--forcer", action="store_true", dest="force",
                       help="apparier même au-delà de la limite d'arrivants par tuteur")  # fmt: skip
    add_actor_option(relay)

    review = add_action(actions, "review", "bilan à 3 mois tenu : le tutorat prend fin", _review)
    review.add_argument("newcomer", metavar="ARRIVANT", help=_WHO)
    review.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                        help="jour du bilan (défaut : aujourd'hui)")  # fmt: skip
    add_actor_option(review)

    listing = add_action(actions, "list", "les tutorats, en cours et clos", _list)
    listing.add_argument("--en-cours", action="store_true", dest="current",
                         help="seulement les tutorats en cours")  # fmt: skip

    successions = add_action(
        actions, "successions",
        "arrivants dont le tuteur part ou se désengage, et qui peut prendre le relais (MEM-8)",
        _successions,
    )  # fmt: skip
    successions.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                             help="jour considéré (défaut : aujourd'hui)")  # fmt: skip


def _candidates(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        newcomer = find_member(app, args.newcomer)
        found = app.tutors.list_candidates(newcomer_id=newcomer.id, on=args.on)
        limit = app.tutors.limit
    if not found:
        print(f"aucun tuteur possible pour {newcomer.full_name} : aucun membre actif sous la "
              f"limite de {plural(limit, 'arrivant')} par tuteur")  # fmt: skip
        return 0
    print(
        f"Tuteurs possibles pour {newcomer.full_name} (limite : {plural(limit, 'arrivant')} par tuteur) :"
    )
    print_table(
        ("tuteur", "arrivants", "raisons"),
        [(c.member.full_name, f"{c.load}/{c.limit}", " ; ".join(c.reasons[:-1]) or "—")
         for c in found],
    )  # fmt: skip
    return 0


def _said(app: Any, pairing: Any, verb: str) -> None:
    tutor = app.members.get(pairing.tutor_id)
    newcomer = app.members.get(pairing.newcomer_id)
    print(
        f"{tutor.full_name} {verb} {newcomer.full_name} depuis le {pairing.started_on:%d/%m/%Y}, "
        f"bilan à 3 mois prévu le {pairing.review_due:%d/%m/%Y}"
    )
    if pairing.forced:
        print("attention : appariement forcé au-delà de la limite d'arrivants par tuteur (MEM-13)")
    print("étape « tuteur désigné » du parcours d'intégration cochée (si l'arrivant en a un)")


def _pair(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        newcomer = find_member(app, args.newcomer)
        tutor = find_member(app, args.tutor)
        pairing = app.tutors.pair(newcomer.id, tutor.id, by=actor(args), on=args.on,
                                  force=args.force)  # fmt: skip
        _said(app, pairing, "accompagne")
    return 0


def _relay(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        newcomer = find_member(app, args.newcomer)
        tutor = find_member(app, args.tutor)
        pairing = app.tutors.relay(newcomer.id, tutor.id, by=actor(args), on=args.on,
                                   force=args.force)  # fmt: skip
        _said(app, pairing, "prend le relais et accompagne")
    return 0


def _review(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        newcomer = find_member(app, args.newcomer)
        pairing = app.tutors.review(newcomer.id, by=actor(args), on=args.on)
        tutor = app.members.get(pairing.tutor_id)
    print(f"bilan à 3 mois de {newcomer.full_name} avec {tutor.full_name} tenu le "
          f"{pairing.ended_on:%d/%m/%Y} : le tutorat est clos")  # fmt: skip
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.tutors.list_tutorships(current=True if args.current else None)
        names = {m.id: m.full_name for m in app.members.list_members()}
    if not found:
        print("aucun tutorat enregistré" + (" en cours" if args.current else ""))
        return 0
    print_table(
        ("tuteur", "arrivant", "début", "bilan prévu", "fin", "issue"),
        [(names.get(t.tutor_id, t.tutor_id), names.get(t.newcomer_id, t.newcomer_id),
          f"{t.started_on:%d/%m/%Y}", f"{t.review_due:%d/%m/%Y}",
          f"{t.ended_on:%d/%m/%Y}" if t.ended_on else "en cours",
          t.end.label if t.end else ("forcé" if t.forced else ""))
         for t in found],
    )  # fmt: skip
    print(plural(len(found), "tutorat"))

    return 0


def _successions(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.tutors.list_successions(on=args.on)
    if not found:
        print("aucun tuteur parti, sur le départ ou désengagé : pas de relais à prévoir")
        return 0
    for s in found:
        names = ", ".join(c.member.full_name for c in s.candidates[:3]) or "aucun candidat"
        print(f"{s.newcomer.full_name} : tuteur {s.tutor.full_name} ({s.why}) ; relais "
              f"possible : {names}")  # fmt: skip
    return 0
