"""``rsgm cdg-calendar add|list|remove`` (EVT-11): the CDG's other events, which planning a
network session on the same day warns of."""

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
from rsgm_core.errors import NotFoundError, ValidationError

__all__ = ["register"]


def register(commands: Any) -> None:
    actions = add_group(commands, "cdg-calendar", "autres événements du CDG, à éviter (EVT-11)")
    add = add_action(actions, "add", "noter un autre événement du CDG", _add)
    add.add_argument("label", metavar="LIBELLE", help="ce que le CDG tient ce jour-là")
    add.add_argument("--le", type=iso_date, dest="on", required=True, metavar="AAAA-MM-JJ",
                     help="le jour de l'événement")  # fmt: skip
    add_actor_option(add)
    listing = add_action(actions, "list", "les autres événements du CDG", _list)
    listing.add_argument("--annee", type=int, dest="year", metavar="AAAA",
                         help="une année civile seulement")  # fmt: skip
    remove = add_action(actions, "remove", "retirer un événement du CDG", _remove)
    remove.add_argument("date", metavar="ID", help="identifiant (ou ses 8 premiers caractères)")
    add_actor_option(remove)


def _add(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        held = app.cdg_calendar.add(args.label, on=args.on, by=actor(args))
    print(f"événement du CDG noté le {held.on:%d/%m/%Y} : « {held.label} » ({held.id[:8]}) ; "
          "une séance du réseau ce jour-là sera signalée (EVT-11)")  # fmt: skip
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.cdg_calendar.list_dates(year=args.year)
    if not found:
        print("aucun autre événement du CDG noté")
        return 0
    print_table(("id", "date", "événement"),
                [(d.id[:8], f"{d.on:%d/%m/%Y}", d.label) for d in found])  # fmt: skip
    return 0


def _remove(args: argparse.Namespace) -> int:
    ref = args.date.strip()
    with open_app(args) as app:
        if len(ref) < 8:
            raise ValidationError(f"identifiant trop court : {ref!r} (8 caractères au moins)",
                                  rule="EVT-11", value=ref)  # fmt: skip
        hits = [d for d in app.cdg_calendar.list_dates() if d.id.startswith(ref)]
        if len(hits) != 1:
            raise NotFoundError(f"aucun événement du CDG ne porte l'identifiant {ref!r}",
                                rule="EVT-11", value=ref)  # fmt: skip
        gone = app.cdg_calendar.remove(hits[0].id, by=actor(args))
    print(f"événement du CDG du {gone.on:%d/%m/%Y} retiré : « {gone.label} »")
    return 0
