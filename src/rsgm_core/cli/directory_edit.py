"""``rsgm directory consent|withdraw|edit|town-hall`` (MEM-2, MEM-3): the directory kept up to
date after import, from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import add_action, load_settings, open_app
from rsgm_core.cli.dates import iso_date
from rsgm_core.domain.directory import ConsentScope, format_phone
from rsgm_core.domain.wording import of_place
from rsgm_core.errors import NotFoundError

__all__ = ["register_actions"]

_SCOPES = {ConsentScope.DIRECTORY: "la fiche d'annuaire", ConsentScope.PHOTO: "la photo"}


def register_actions(actions: Any) -> None:
    """The editing actions of the ``directory`` group (created by :mod:`rsgm_core.cli.members`)."""
    for name, about, handler, day in (
        ("consent", "enregistrer le consentement d'un membre (MEM-3)", _consent,
         "jour du consentement"),
        ("withdraw", "enregistrer le retrait d'un consentement (MEM-3)", _withdraw,
         "jour du retrait"),
    ):  # fmt: skip
        action = add_action(actions, name, about, handler)
        action.add_argument("member", metavar="MEMBRE", help="identifiant (ou son début) ou e-mail")
        action.add_argument(
            "--portee",
            action="append",
            choices=[s.value for s in ConsentScope],
            dest="scopes",
            help="annuaire (défaut) ou photo ; répétable",
        )
        action.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                            help=f"{day} (défaut : aujourd'hui)")  # fmt: skip

    edit = add_action(
        actions, "edit", "modifier les expertises, logiciels et téléphone d'une fiche (MEM-2)",
        _edit,
    )  # fmt: skip
    edit.add_argument("member", metavar="MEMBRE", help="identifiant (ou son début) ou e-mail")
    edit.add_argument("--expertise", action="append", dest="expertises", metavar="EXPERTISE",
                      help="remplace les expertises ; répétable")  # fmt: skip
    edit.add_argument("--sans-expertise", action="store_true", dest="no_expertise",
                      help="retirer toutes les expertises")  # fmt: skip
    edit.add_argument("--logiciel", action="append", dest="used", metavar="LOGICIEL",
                      help="logiciel utilisé ; répétable (remplace les logiciels)")  # fmt: skip
    edit.add_argument("--maitrise", action="append", dest="mastered", metavar="LOGICIEL",
                      help="logiciel maîtrisé ; répétable (remplace les logiciels)")  # fmt: skip
    edit.add_argument("--sans-logiciel", action="store_true", dest="no_software",
                      help="retirer tous les logiciels")  # fmt: skip
    edit.add_argument("--telephone", dest="phone", metavar="TELEPHONE",
                      help="téléphone (« » pour l'effacer)")  # fmt: skip

    hall = add_action(
        actions, "town-hall", "modifier la mairie d'une commune : adresse, horaires (MEM-2)",
        _town_hall,
    )  # fmt: skip
    hall.add_argument("commune", metavar="COMMUNE", help="code INSEE ou nom de la commune")
    hall.add_argument("--adresse", dest="address", metavar="ADRESSE")
    hall.add_argument("--horaires", dest="hours", metavar="HORAIRES",
                      help="ex. « lun. 9h-12h, jeu. 14h-18h » (« » pour les effacer)")  # fmt: skip
    hall.add_argument("--telephone", dest="phone", metavar="TELEPHONE")
    hall.add_argument("--courriel", "--email", dest="email", metavar="ADRESSE",
                      help="adresse de contact de la collectivité")  # fmt: skip


def _scopes(args: argparse.Namespace) -> list[ConsentScope]:
    return [ConsentScope(s) for s in dict.fromkeys(args.scopes or [ConsentScope.DIRECTORY.value])]


def _consent(args: argparse.Namespace) -> int:
    from rsgm_core.cli.members import find_member

    with open_app(args) as app:
        member = find_member(app, args.member)
        before = {c.id for c in app.directory.list_consents(member_id=member.id)}
        done = [(s, app.directory.give_consent(member.id, s, on=args.on)) for s in _scopes(args)]
    for scope, consent in done:
        if consent.id in before:
            print(
                f"{member.full_name} : consentement pour {_SCOPES[scope]} déjà en cours depuis "
                f"le {consent.given_on:%d/%m/%Y} (rien de changé)"
            )
        else:
            print(
                f"{member.full_name} : consentement pour {_SCOPES[scope]} enregistré le "
                f"{consent.given_on:%d/%m/%Y}"
                + (" : sa fiche est visible des membres" if scope is ConsentScope.DIRECTORY else "")
            )
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    from rsgm_core.cli.members import find_member

    with open_app(args) as app:
        member = find_member(app, args.member)
        running = {
            c.scope for c in app.directory.list_consents(member_id=member.id) if not c.withdrawn_on
        }
        for scope in _scopes(args):  # every scope checked before the first is withdrawn
            if scope not in running:
                raise NotFoundError(
                    f"aucun consentement pour {_SCOPES[scope]} en cours pour "
                    f"{member.full_name} : rien à retirer, rien n'a été enregistré",
                    rule="MEM-3",
                    value=scope.value,
                )
        done = [
            (s, app.directory.withdraw_consent(member.id, s, on=args.on)) for s in _scopes(args)
        ]
    for scope, withdrawn in done:
        day = withdrawn[0].withdrawn_on
        hidden = (
            " : sa fiche n'est plus visible des membres" if scope is ConsentScope.DIRECTORY else ""
        )
        print(
            f"{member.full_name} : consentement pour {_SCOPES[scope]} retiré le "
            f"{day:%d/%m/%Y}{hidden}"
        )
    return 0


def _edit(args: argparse.Namespace) -> int:
    from rsgm_core.cli.members import find_member
    from rsgm_core.domain.directory import Viewer, ViewerRole
    from rsgm_core.errors import ValidationError

    load_settings(args)  # a missing profile is said first
    if args.no_expertise and args.expertises:
        raise ValidationError(
            "--expertise et --sans-expertise s'excluent", rule="MEM-2", value="--sans-expertise"
        )
    if args.no_software and (args.used or args.mastered):
        raise ValidationError(
            "--logiciel/--maitrise et --sans-logiciel s'excluent",
            rule="MEM-2",
            value="--sans-logiciel",
        )
    expertises = [] if args.no_expertise else args.expertises
    software = args.no_software or args.used is not None or args.mastered is not None
    with open_app(args) as app:
        member = find_member(app, args.member)
        changed = app.directory.edit_entry(
            member.id,
            expertises=expertises,
            software_used=(args.used or []) if software else None,
            software_mastered=(args.mastered or []) if software else None,
            phone=args.phone,
        )
        entry = app.directory.get_entry(member.id, viewer=Viewer(ViewerRole.ANIMATOR))
    print(f"fiche d'annuaire de {changed.full_name} modifiée :")
    if expertises is not None:
        print(f"  expertises : {', '.join(entry.expertises) or 'aucune'}")
    if software:
        tools = [f"{s} (maîtrisé)" for s in entry.software_mastered] + list(entry.software_used)
        print(f"  logiciels : {', '.join(tools) or 'aucun'}")
    if args.phone is not None:
        print(f"  téléphone : {format_phone(changed.phone) or 'aucun'}")
    return 0


def _town_hall(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        hall = app.directory.edit_town_hall(
            args.commune, address=args.address, opening_hours=args.hours, phone=args.phone,
            email=args.email,
        )  # fmt: skip
        name = commune_name(app, hall.commune)
    print(f"mairie {of_place(name)} ({hall.commune}) enregistrée :")
    print(f"  adresse : {hall.address}")
    print(f"  horaires : {hall.opening_hours or 'non renseignés'}")
    print(f"  téléphone : {format_phone(hall.phone) or 'non renseigné'}")
    print(f"  adresse de contact : {hall.email or 'non renseignée'}")
    return 0


def commune_name(app: Any, code: str) -> str:
    """The commune's name as the census gives it (its code if unknown)."""
    with app.deps.read() as uow:
        found = uow.communes.find(code)
    return found.name if found is not None else code
