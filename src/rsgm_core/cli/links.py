"""``rsgm links PERSONNE BUT [--objet ID]``: a person's personal link for a purpose, to read to
them over the phone or send by hand (NOT-3)."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import add_db_option, open_app
from rsgm_core.cli.naming import MEMBER_HELP
from rsgm_core.domain.links import LinkPurpose

_OBJECTS = {  # purpose -> the collection its --objet names
    LinkPurpose.REGISTER: "events",
    LinkPurpose.CANCEL: "registrations",
    LinkPurpose.SURVEY: "surveys",
}


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "links",
        help="lien personnel d'une personne pour un usage (NOT-3)",
        description=(
            "Afficher le lien personnel d'une personne pour un usage, à lui dicter au "
            "téléphone ou à lui envoyer. Exemple : rsgm links claire.martin@example.org "
            "inscription --objet 3f2a9c1b"
        ),
    )
    add_db_option(parser)
    parser.add_argument("person", metavar="PERSONNE", help=MEMBER_HELP)
    parser.add_argument(
        "purpose",
        metavar="BUT",
        choices=[p.value for p in LinkPurpose],
        help=" | ".join(p.value for p in LinkPurpose),
    )
    parser.add_argument(
        "--objet",
        dest="object",
        metavar="ID",
        help=(
            "l'événement (inscription), l'inscription ou l'événement (annulation), le "
            "questionnaire, ou la portée du consentement (annuaire, photo)"
        ),
    )
    parser.set_defaults(handler=_links)


def _links(args: argparse.Namespace) -> int:
    from rsgm_core.cli.events import resolve_id
    from rsgm_core.cli.members import find_member
    from rsgm_core.services.links import required_keys

    purpose = LinkPurpose(args.purpose)
    with open_app(args) as app:
        required_keys(app.settings)  # the profile's [web] first: what to set, before who
        member = find_member(app, args.person)
        target = args.object
        if target and purpose in _OBJECTS:
            target = _object(app, purpose, member.id, target, resolve_id)
        link = app.links.issue(purpose, member_id=member.id, object_id=target)
        check = app.links.verify(link.token)
    about = f" (« {check.object_title} »)" if check.object_title else ""
    print(f"Lien pour {purpose.label}, au nom de {member.full_name}{about} :")
    print(link.url)
    when = check.expires_at.strftime("%d/%m/%Y à %Hh%M")
    once = " ; il ne sert qu'une fois" if purpose.single_use else ""
    print(
        f"Valable jusqu'au {when}{once}. Ce lien est personnel : ne le transmettez qu'à cette personne."
    )
    return 0


def _object(app: Any, purpose: LinkPurpose, member_id: str, ref: str, resolve: Any) -> str:
    """The object's full id from a prefix; for a cancellation, an event names the person's
    registration to it."""
    if purpose is LinkPurpose.CANCEL:
        with app.deps.read() as uow:
            known = uow.registrations.find(ref) is not None or any(
                r.id.startswith(ref) for r in uow.registrations.list({"member_id": member_id})
            )
        if not known:
            event = resolve(app, "events", ref)
            from rsgm_core.domain.events import RegistrationStatus

            held = [
                r
                for r in app.registrations.list_registrations(event_id=event)
                if r.member_id == member_id and r.status is not RegistrationStatus.CANCELLED
            ]
            if len(held) == 1:
                return str(held[0].id)
            from rsgm_core.errors import NotFoundError

            raise NotFoundError(
                f"aucune inscription en cours de cette personne à l'événement {ref!r}",
                rule="NOT-3",
                value=ref,
            )
    return str(resolve(app, _OBJECTS[purpose], ref))
