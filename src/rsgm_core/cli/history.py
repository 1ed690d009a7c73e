"""``rsgm history creation|import|plateforme|list``: a network's past entered after the fact
(EVT-12)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from rsgm_core.cli.common import actor, add_action, add_actor_option, add_group, open_app
from rsgm_core.domain.history import HistoryKind, french_date

_KINDS = [k.value for k in HistoryKind]


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date AAAA-MM-JJ attendue : {text!r}") from None


def register(commands: Any) -> None:
    actions = add_group(
        commands, "history", "historique d'un réseau antérieur à sa saisie (EVT-12)"
    )
    creation = add_action(
        actions, "creation", "date de création réelle du réseau départemental (EVT-12)", _creation
    )
    creation.add_argument("--le", type=_day, dest="on", required=True, metavar="AAAA-MM-JJ")
    creation.add_argument(
        "--departement", metavar="CODE", help="quand le CDG tient un réseau par département"
    )
    creation.add_argument("--reseau", dest="network", metavar="RESEAU",
                          help="un autre réseau que le départemental")  # fmt: skip
    add_actor_option(creation, "l'animateur ou l'administrateur du CDG")

    imp = add_action(
        actions, "import",
        "importer des événements passés (avec les présents), des enquêtes passées ou des "
        "membres passés (CSV ou XLSX) ; ex. : rsgm history import evenements-2023.xlsx --essai",
        _import,
    )  # fmt: skip
    imp.add_argument("path", metavar="FICHIER", type=Path)
    imp.add_argument("--nature", choices=_KINDS, dest="kind",
                     help="ce que contient le fichier (défaut : reconnu à ses en-têtes)")  # fmt: skip
    imp.add_argument("--essai", action="store_true", help="vérifier sans rien enregistrer")
    add_actor_option(imp, "l'animateur ou l'administrateur du CDG")

    platform = add_action(
        actions, "plateforme",
        "importer la liste des membres exportée de la plateforme collaborative : ses comptes "
        "existants, pour que le prochain export différentiel parte de là",
        _platform,
    )  # fmt: skip
    platform.add_argument("path", metavar="FICHIER", type=Path)
    platform.add_argument("--plateforme", default="interstis", dest="platform")
    platform.add_argument("--essai", action="store_true", help="vérifier sans rien enregistrer")
    add_actor_option(platform, "un administrateur du CDG")

    listing = add_action(actions, "list", "ce qui a été saisi comme historique", _list)
    listing.add_argument("--nature", choices=_KINDS, dest="kind")


def _creation(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        network_id = args.network or app.network.departmental(departement=args.departement).id
        network = app.network.set_creation_date(network_id, on=args.on, by=by)
    print(f"réseau {network.name} : créé le {french_date(args.on)}")
    return 0


def _import(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        result = app.history.import_file(args.path, by=by, kind=args.kind, dry_run=args.essai)
    for line in result.lines:
        print(line)
    counts = {
        HistoryKind.EVENTS: _counted(result.events, "événement")
        + f", {_counted(result.attendances, 'présence')}",
        HistoryKind.SURVEYS: _counted(result.surveys, "enquête")
        + f", {_counted(result.answers, 'réponse')}",
        HistoryKind.MEMBERS: _counted(result.members, "membre")
        + f" dont {_counted(result.departed, 'parti')}",
    }[result.kind]
    e = "es" if result.kind is HistoryKind.SURVEYS else "s"  # enquêtes et réponses : féminin
    if result.dry_run:
        print(f"{result.source} : {counts} à importer (essai : rien n'est enregistré)")
    else:
        print(f"{result.source} : {counts} importé{e}, marqué{e} comme historique")
    return 0


def _platform(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        done = app.history.import_platform_accounts(
            args.path, by=by, platform=args.platform, dry_run=args.essai
        )
    for account in done.unmatched:
        name = f" ({account.name})" if account.name else ""
        print(f"ligne {account.line} : {account.email}{name} : aucun membre n'a cette adresse, "
              "compte laissé de côté")  # fmt: skip
    for space in done.unknown_spaces:
        print(f"espace inconnu ici, laissé de côté : {space}")
    for email in done.without_access:
        print(f"{email} : aucun accès enregistré ici, le prochain export différentiel le suspendra")
    verb = "seraient enregistrés" if done.dry_run else "enregistrés"
    print(
        f"{_counted(len(done.matched), 'compte')} et {_counted(done.memberships, 'appartenance')} "
        f"{verb} comme déjà présents sur {done.platform} ; "
        f"{_counted(len(done.unmatched), 'compte')} sans membre"
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        entries = app.history.list_entries(kind=args.kind)
    if not entries:
        print("rien n'a été saisi comme historique")
    for e in entries:
        print(
            f"{french_date(e.imported_on)} {e.kind.label} {e.record_id} ({e.source}, ligne {e.line})"
        )
    return 0


def _counted(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"
