"""``rsgm access request|requests|accept|refuse`` (CHA-2: self-service requests where the CDG's
policy allows them) and ``rsgm access suspend|reinvite`` (CHA-10: lost or stolen credentials),
on ``app.access``."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import actor, add_action, add_actor_option, open_app, print_table
from rsgm_core.cli.naming import (
    MEMBER_HELP,
    RECORD_HELP,
    commune_labels,
    member_label,
    of,
    resolve,
    short,
)
from rsgm_core.domain.access_records import REQUESTABLE_ROLES, RequestStatus


def register_requests(access: Any) -> None:
    """The request and suspension actions, added to the ``rsgm access`` group."""
    request = add_action(
        access, "request", "demander l'accès à la plateforme (si le CDG le permet, CHA-2)", _request
    )
    request.add_argument("email", metavar="ADRESSE", help="l'adresse personnelle de la personne")
    request.add_argument("--prenom", required=True, dest="first_name")
    request.add_argument("--nom", required=True, dest="last_name")
    request.add_argument("--commune", required=True, metavar="CODE_INSEE")
    request.add_argument(
        "--espace", dest="space", help=f"{RECORD_HELP} ; défaut : l'espace départemental"
    )
    request.add_argument("--role", choices=REQUESTABLE_ROLES, default="contributeur")
    requests = add_action(access, "requests", "lister les demandes d'accès (CHA-2)", _requests)
    requests.add_argument(
        "--statut", "--etat", choices=[s.value for s in RequestStatus], dest="status"
    )
    accept = add_action(access, "accept", "accepter une demande (administrateur)", _accept)
    accept.add_argument("request_id", metavar="DEMANDE", help=RECORD_HELP)
    add_actor_option(accept, "l'administrateur du CDG")
    refuse = add_action(access, "refuse", "refuser une demande, motif à l'appui", _refuse)
    refuse.add_argument("request_id", metavar="DEMANDE", help=RECORD_HELP)
    add_actor_option(refuse, "l'administrateur du CDG")
    refuse.add_argument("--motif", dest="reason", required=True)
    suspend = add_action(
        access, "suspend", "suspendre un compte (identifiants perdus ou volés, CHA-10)", _suspend
    )
    suspend.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    add_actor_option(suspend, "l'administrateur du CDG")
    suspend.add_argument("--motif", dest="reason", default="identifiants perdus ou volés")
    reinvite = add_action(access, "reinvite", "inviter de nouveau un compte suspendu", _reinvite)
    reinvite.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    add_actor_option(reinvite, "l'administrateur du CDG")


def _request(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        request = app.access.request_access(
            args.email, first_name=args.first_name, last_name=args.last_name,
            commune=args.commune, role=args.role,
            space_id=resolve(app, "spaces", args.space) if args.space else None,
        )  # fmt: skip
        who = member_label(app, request.member_id)
    print(f"demande enregistrée : {short(request.id)} {of(who)}, espace {request.space_id}, "
          f"{request.status.value}")  # fmt: skip
    print("les administrateurs du CDG sont prévenus ; la charte reste à signer (rsgm charter sign)")
    return 0


def _requests(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.access.list_requests(status=args.status)
        people = {r.member_id: app.members.get(r.member_id) for r in found}
        places = commune_labels(app, [r.commune for r in found])
    print_table(
        ("identifiant", "personne", "adresse", "commune", "espace", "demandée le", "état", "motif"),
        [
            (short(r.id), people[r.member_id].full_name, people[r.member_id].email or "",
             places.get(r.commune, r.commune),
             r.space_id, r.requested_on, r.status.value, r.reason or "")
            for r in found
        ],
    )  # fmt: skip
    return 0


def _accept(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        grant = app.access.accept_request(
            resolve(app, "access_requests", args.request_id), by=actor(args)
        )
        who = member_label(app, grant.member_id)
    print(
        f"demande acceptée : {who}, accès à {grant.space_id}, rôle {grant.role.value} ; "
        "personne prévenue"
    )
    return 0


def _refuse(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        request = app.access.refuse_request(
            resolve(app, "access_requests", args.request_id), by=actor(args), reason=args.reason
        )
        who = member_label(app, request.member_id)
    print(f"demande refusée : {who} ; motif envoyé à la personne")
    return 0


def _suspend(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member_id = resolve(app, "members", args.member, rule="CHA-10")
        suspension = app.access.suspend(member_id, by=actor(args), reason=args.reason)
        who = member_label(app, member_id)
    print(f"compte suspendu ({len(suspension.grant_ids)} accès) : {who} ; le prochain export Interstis le suspend ; invitez de nouveau avec « rsgm access reinvite »")  # fmt: skip
    return 0


def _reinvite(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        granted = app.access.reinvite(
            resolve(app, "members", args.member, rule="CHA-10"), by=actor(args)
        )
    spaces = ", ".join(f"{g.space_id} ({g.role.value})" for g in granted)
    print(f"nouvelle invitation envoyée : {spaces}")
    return 0
