"""``rsgm outbox list|send|retry|resend|preview``: what was sent, what waits, what failed for
good, sending a round, trying again, sending again a message marked sent by mistake, and seeing a
message before it is ever queued.

Exit status of ``send`` and ``retry``: 0 when every due message left (or none was due, or the
sending hours hold them back); 1 when some stay in the outbox: failed (kept for a retry or
dead-lettered) or unsent because no transport is configured (NOT-3); 2 on an error."""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path
from typing import Any

from rsgm_core.cli.common import add_action, add_group, open_app, print_table
from rsgm_core.cli.progress import add_quiet_option, progress_line
from rsgm_core.domain.messages import MessageStatus
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.render.french import plural
from rsgm_core.services.naming import MIN_PREFIX
from rsgm_core.services.outbox import DeliveryReport

#: A message's state as the command line names it (the stored values are English).
STATUS_NAMES = {
    MessageStatus.PENDING: "en-attente",
    MessageStatus.SENDING: "en-cours",
    MessageStatus.SENT: "envoye",
    MessageStatus.DEAD: "echec",
}
_STATUSES = {name: status for status, name in STATUS_NAMES.items()}


def _status(text: str) -> str:
    """``--statut``: the French name; the stored English value (``pending``) still works."""
    known = {s.value: name for s, name in STATUS_NAMES.items()}
    return known.get(text, text)


def register(commands: Any) -> None:
    actions = add_group(commands, "outbox", "boîte d'envoi des messages")

    listing = add_action(actions, "list", "lister les messages", _list)
    which = listing.add_mutually_exclusive_group()
    which.add_argument(
        "--statut",
        "--status",
        dest="status",
        type=_status,
        choices=list(STATUS_NAMES.values()),
        help="filtrer par état",
    )
    which.add_argument(
        "--echec",
        "--dead",
        dest="dead",
        action="store_true",
        help="les messages en échec définitif (à réessayer)",
    )

    add_quiet_option(
        add_action(
            actions,
            "send",
            "une tournée d'envoi (heures d'envoi, limite horaire et délais respectés)",
            _send,
        )
    )

    retry = add_action(actions, "retry", "réessayer maintenant les messages en attente", _retry)
    add_quiet_option(retry)
    retry.add_argument(
        "--echec",
        "--dead",
        dest="dead",
        nargs="*",
        metavar="ID",
        help="remettre en attente les messages en échec définitif (tous, ou ces identifiants)",
    )

    resend = add_action(
        actions,
        "resend",
        "renvoyer un message marqué envoyé qui n'est jamais arrivé",
        _resend,
    )
    resend.add_argument("id", metavar="ID", help="identifiant du message (8 caractères suffisent)")
    resend.add_argument("--par", dest="by", required=True, help="qui demande le renvoi")

    preview = actions.add_parser("preview", help="afficher un modèle rendu avec un exemple")
    preview.add_argument("template", metavar="MODELE", help="nom du modèle, ex. member_welcome")
    preview.add_argument(
        "--contexte",
        "--context",
        dest="context",
        metavar="FICHIER.json",
        help="valeurs à utiliser au lieu de l'exemple fourni",
    )
    preview.add_argument("--html", action="store_true", help="afficher aussi la partie HTML")
    preview.set_defaults(handler=_preview)


def _list(args: argparse.Namespace) -> int:
    status = MessageStatus.DEAD if args.dead else _STATUSES[args.status] if args.status else None
    with open_app(args) as app:
        messages = app.outbox.list_messages(status=status)
    rows = [
        (
            m.id[:8],
            m.created_at.strftime("%d/%m/%Y %H:%M"),
            STATUS_NAMES[m.status],
            m.attempts,
            m.next_attempt_at.strftime("%d/%m %H:%M") if m.next_attempt_at else "",
            m.recipient,
            m.subject,
            m.last_error or "",
        )
        for m in messages
    ]
    print_table(
        ("id", "créé le", "état", "essais", "prochain", "destinataire", "objet", "dernière erreur"),
        rows,
        numeric={3},
    )
    return 0


def _report(report: DeliveryReport) -> int:
    print(report.summary())
    if report.resent:
        many = len(report.resent) > 1
        print(
            f"{plural(len(report.resent), 'message interrompu', 'messages interrompus')} lors "
            f"d'un envoi précédent et {'renvoyés' if many else 'renvoyé'} avec le même "
            f"Message-ID : le destinataire a pu {'les' if many else 'le'} recevoir deux fois"
        )
    return 1 if report.failed or report.dead or report.unsent else 0


def _send(args: argparse.Namespace) -> int:
    with open_app(args) as app, progress_line(args) as progress:
        report = app.outbox.deliver_due(progress=progress)
    return _report(report)


def _retry(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        if args.dead is not None:
            revived = app.outbox.revive(_full_ids(app, args.dead) if args.dead else None)
            print(f"{plural(len(revived), 'message remis', 'messages remis')} en attente")
        with progress_line(args) as progress:
            report = app.outbox.retry_pending(progress=progress)
    return _report(report)


def _resend(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        [key] = _full_ids(app, [args.id], status=MessageStatus.SENT)
        message = app.outbox.resend(key, by=args.by)
        print(f"message {key[:8]} à {message.recipient} remis en file (demandé par {args.by})")
        return _report(app.outbox.deliver([key]))


def _full_ids(
    app: Any, prefixes: list[str], *, status: MessageStatus = MessageStatus.DEAD
) -> list[str]:
    """Identifiers as `rsgm outbox list` shows them (their first 8 characters) or whole."""
    among = [m.id for m in app.outbox.list_messages(status=status)]
    dead = status is MessageStatus.DEAD
    ids = []
    for prefix in prefixes:
        if len(prefix) < MIN_PREFIX:  # the one rule of naming: 8 characters at least
            app.records.resolve("outbox", prefix)
        found = [key for key in among if key.startswith(prefix)]
        if len(found) != 1:
            if found:
                what = "messages en échec définitif" if dead else "messages marqués envoyés"
                text = f"{len(found)} {what} correspondent"
            else:
                what = "message en échec définitif" if dead else "message marqué envoyé"
                text = f"aucun {what} ne correspond"
            raise NotFoundError(f"identifiant {prefix!r} : {text}", value=prefix)
        ids.append(found[0])
    return ids


def _preview(args: argparse.Namespace) -> int:
    import rsgm_core

    context = _context(args.template, args.context)
    with rsgm_core.open("memory://") as app:  # templates come from plugins, not from a database
        rendered = app.outbox.render(args.template, context)
    print(f"Objet : {rendered.subject}\n\n{rendered.text.rstrip()}")
    if args.html and rendered.html:
        print(f"\n--- HTML ---\n{rendered.html.rstrip()}")
    return 0


def _context(template: str, path: str | None) -> dict[str, Any]:
    if path:
        source = Path(path)
        text = source.read_text(encoding="utf-8")
    else:
        sample = resources.files("rsgm_core") / "templates" / "fr" / f"{template}.sample.json"
        if not sample.is_file():
            return {}  # a template without fields still renders; one with fields says which
        text, source = sample.read_text(encoding="utf-8"), Path(str(sample))
    try:
        values = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{source.name} : JSON illisible ({exc})", value=str(source)) from exc
    if not isinstance(values, dict):
        raise ValidationError(f"{source.name} : un objet JSON est attendu", value=str(source))
    return values
