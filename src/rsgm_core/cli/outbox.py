"""``rsgm outbox list|retry``: what was sent, what waits, and trying again."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import add_db_option, open_app, print_table
from rsgm_core.domain.messages import MessageStatus


def register(commands: Any) -> None:
    outbox = commands.add_parser("outbox", help="boîte d'envoi des messages")
    actions = outbox.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="lister les messages")
    listing.add_argument(
        "--status", choices=[s.value for s in MessageStatus], help="filtrer par état"
    )
    add_db_option(listing)
    listing.set_defaults(handler=_list)
    retry = actions.add_parser("retry", help="réessayer les messages en attente")
    add_db_option(retry)
    retry.set_defaults(handler=_retry)


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        messages = app.outbox.list(MessageStatus(args.status) if args.status else None)
    rows = [
        (
            m.created_at.strftime("%d/%m/%Y %H:%M"),
            m.status.value,
            m.attempts,
            m.recipient,
            m.subject,
            m.last_error or "",
        )
        for m in messages
    ]
    print_table(
        ("créé le", "état", "essais", "destinataire", "objet", "dernière erreur"), rows, numeric={2}
    )
    return 0


def _retry(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        report = app.outbox.retry_pending()
    print(
        f"{len(report.sent)} message(s) envoyé(s), {len(report.failed)} en échec (conservés pour un nouvel essai)"
    )
    return 1 if report.failed else 0
