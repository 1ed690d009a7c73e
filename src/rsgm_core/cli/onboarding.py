"""``rsgm onboarding list|tick|welcome`` (MEM-5): a newcomer's checklist followed from the
command line, and the welcome mail sent through the outbox (NOT-1)."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import add_action, add_group, open_app, print_table
from rsgm_core.cli.dates import iso_date
from rsgm_core.domain.lifecycle import OnboardingStep
from rsgm_core.domain.messages import MessageStatus
from rsgm_core.render.french import plural

__all__ = ["register"]

_STATUS = {
    MessageStatus.PENDING: "en attente d'envoi (rsgm outbox send)",
    MessageStatus.SENDING: "en cours d'envoi",
    MessageStatus.SENT: "envoyé",
    MessageStatus.DEAD: "en échec définitif (rsgm outbox list --dead)",
}


def register(commands: Any) -> None:
    actions = add_group(commands, "onboarding", "parcours d'intégration des arrivants (MEM-5)")
    listing = add_action(actions, "list", "étapes du parcours d'un membre", _list)
    listing.add_argument("member", metavar="MEMBRE", help="identifiant (ou son début) ou e-mail")

    tick = add_action(actions, "tick", "cocher (ou décocher) une étape du parcours", _tick)
    tick.add_argument("member", metavar="MEMBRE", help="identifiant (ou son début) ou e-mail")
    tick.add_argument("step", metavar="ETAPE", choices=[s.value for s in OnboardingStep],
                      help=", ".join(s.value for s in OnboardingStep))  # fmt: skip
    tick.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                      help="jour où l'étape a été faite (défaut : aujourd'hui)")  # fmt: skip
    tick.add_argument("--annuler", action="store_true", dest="undo", help="décocher l'étape")

    welcome = add_action(
        actions, "welcome", "envoyer le mail de bienvenue (par la boîte d'envoi)", _welcome
    )
    welcome.add_argument("member", metavar="MEMBRE", help="identifiant (ou son début) ou e-mail")
    welcome.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                         help="jour coché pour l'étape (défaut : aujourd'hui)")  # fmt: skip
    welcome.add_argument("--renvoyer", action="store_true", dest="again",
                         help="renvoyer un mail déjà envoyé")  # fmt: skip


def _list(args: argparse.Namespace) -> int:
    from rsgm_core.cli.members import find_member

    with open_app(args) as app:
        member = find_member(app, args.member)
        items = app.members.list_onboarding_items(member_id=member.id)
        today = app.today()
    if not items:
        print(
            f"{member.full_name} n'a pas de parcours d'intégration (enregistrement sans date "
            "d'arrivée)"
        )
        return 0
    print(f"Parcours d'intégration de {member.full_name} :")
    print_table(
        ("échéance", "étape", "code", "fait le"),
        [
            (
                f"{i.due:%d/%m/%Y}",
                i.step.label,
                i.step.value,
                f"{i.done_on:%d/%m/%Y}"
                if i.done_on
                else ("en retard" if i.overdue_on(today) else ""),
            )
            for i in items
        ],
    )
    done = sum(1 for i in items if i.done)
    print(f"{plural(done, 'étape faite', 'étapes faites')} sur {len(items)}")

    return 0


def _tick(args: argparse.Namespace) -> int:
    from rsgm_core.cli.members import find_member

    with open_app(args) as app:
        member = find_member(app, args.member)
        item = app.members.mark_step(member.id, args.step, done=not args.undo, on=args.on)
    if item.done_on is None:
        print(f"{member.full_name} : étape « {item.step.label} » décochée")
    else:
        print(f"{member.full_name} : étape « {item.step.label} » cochée le {item.done_on:%d/%m/%Y}")
    return 0


def _welcome(args: argparse.Namespace) -> int:
    from rsgm_core.cli.members import find_member

    with open_app(args) as app:
        member = find_member(app, args.member)
        sent = app.members.send_welcome(member.id, on=args.on, again=args.again)
        status = app.outbox.get(sent.message.id).status
    print(
        f"mail de bienvenue mis en file d'attente pour {sent.member.full_name} "
        f"<{sent.message.recipient}> : « {sent.message.subject} » (message {sent.message.id})"
    )
    print(f"  état dans la boîte d'envoi : {_STATUS[status]}")
    if sent.step is not None and sent.step.done_on is not None:
        print(f"  étape « {sent.step.step.label} » cochée le {sent.step.done_on:%d/%m/%Y}")
    else:
        print("  pas de parcours d'intégration pour ce membre : aucune étape cochée")
    return 0
