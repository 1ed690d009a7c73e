"""``rsgm link-requests BUT [--membre PERSONNE …]``: ask people to act through their own link
(NOT-3): give their directory consent, update their directory entry, request platform access."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import add_db_option, open_app

#: The purposes a request message exists for, and what the command calls its messages.
_ASKED = {
    "consentement": "de demande d'accord pour l'annuaire (MEM-3)",
    "annuaire": "de demande de mise à jour de la fiche d'annuaire (MEM-2)",
    "acces": "d'invitation à demander l'accès à la plateforme (CHA-2)",
}


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "link-requests",
        help="demander aux membres d'agir par leur lien personnel (NOT-3)",
        description=(
            "Mettre dans la boîte d'envoi un message qui demande à chaque membre, par son lien "
            "personnel, de donner son accord pour l'annuaire (consentement), de mettre à jour "
            "sa fiche (annuaire) ou de demander son accès à la plateforme (acces). Sans "
            "--membre : tous les membres actifs ayant une adresse (pour le consentement, ceux "
            "qui ne l'ont pas encore donné). Les messages partent ensuite avec « rsgm outbox "
            "send »."
        ),
    )
    add_db_option(parser)
    parser.add_argument("purpose", metavar="BUT", choices=list(_ASKED), help=" | ".join(_ASKED))
    parser.add_argument(
        "--membre",
        dest="members",
        action="append",
        metavar="PERSONNE",
        help="identifiant, préfixe d'identifiant ou adresse électronique (répétable)",
    )
    parser.set_defaults(handler=_send)


def _send(args: argparse.Namespace) -> int:
    from rsgm_core.cli.members import find_member

    with open_app(args) as app:
        chosen = None
        if args.members:
            chosen = [find_member(app, ref).id for ref in args.members]
        queued = app.links.send_requests(args.purpose, member_ids=chosen)
    kind = _ASKED[args.purpose]
    if not queued:
        why = (
            "chaque membre actif avec une adresse a déjà donné son accord"
            if args.purpose == "consentement" and not args.members
            else "aucun des membres visés n'a d'adresse électronique"
        )
        print(f"Aucun message {kind} mis dans la boîte d'envoi : {why}.")
        return 0
    plural, them = ("s", "les ") if queued > 1 else ("", "l'")
    print(
        f"{queued} message{plural} {kind} mis dans la boîte d'envoi ; "
        f"« rsgm outbox send » {them}envoie."
    )
    return 0
