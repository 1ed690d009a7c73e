"""``rsgm local-networks add|list|epcis`` (NET-7): the existing local networks the CDG supports,
federates or merged, and the EPCIs without any network."""

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


def register(commands: Any) -> None:
    actions = add_group(commands, "local-networks", "réseaux locaux existants (NET-7)")
    add = add_action(actions, "add", "enregistrer un réseau local existant", _add)
    add.add_argument("name", metavar="NOM", help="nom du réseau local")
    add.add_argument("--porteur", dest="carrier", required=True, metavar="PORTEUR",
                     help="qui l'anime : un EPCI, une association…")  # fmt: skip
    add.add_argument("--relation", required=True, metavar="RELATION",
                     help="relation avec le CDG : soutenu, fédéré ou fusionné")  # fmt: skip
    add.add_argument("--epci", metavar="SIREN",
                     help="l'EPCI qui le porte ; ses communes sont couvertes si aucune n'est donnée")  # fmt: skip
    add.add_argument("--commune", dest="communes", action="append", default=[], metavar="INSEE",
                     help="une commune couverte (code INSEE), à répéter")  # fmt: skip
    add.add_argument("--referent", metavar="MEMBRE",
                     help="le référent, s'il est membre : identifiant, e-mail ou « Prénom Nom »")  # fmt: skip
    add.add_argument("--referent-nom", dest="referent_name", metavar="NOM",
                     help="le référent, s'il n'est pas membre : son nom")  # fmt: skip
    add.add_argument("--referent-contact", dest="referent_contact", metavar="CONTACT",
                     help="son adresse ou son téléphone")  # fmt: skip
    add.add_argument("--depuis", type=iso_date, dest="started_on", metavar="AAAA-MM-JJ",
                     help="date de création du réseau local, si elle est connue")  # fmt: skip
    add_actor_option(add)

    add_action(actions, "list", "les réseaux locaux enregistrés", _list)
    epcis = add_action(actions, "epcis", "les EPCI du territoire et leurs réseaux", _epcis)
    epcis.add_argument("--sans-reseau", action="store_true", dest="bare",
                       help="seulement les EPCI sans aucun réseau")  # fmt: skip


def _add(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        referent = find_member(app, args.referent).id if args.referent else None
        network = app.local_networks.add(
            args.name, args.carrier, args.relation, by=actor(args), communes=args.communes,
            epci=args.epci, referent_id=referent, referent_name=args.referent_name,
            referent_contact=args.referent_contact, started_on=args.started_on,
        )  # fmt: skip
    print(f"réseau local enregistré : « {network.name} », porté par {network.carrier}, "
          f"{network.relation.label} ; {plural(len(network.communes), 'commune couverte', 'communes couvertes')}")  # fmt: skip
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.local_networks.list_local_networks()
        names = {m.id: m.full_name for m in app.members.list_members()}
    if not found:
        print("aucun réseau local enregistré")
        return 0
    print_table(
        ("réseau", "porteur", "relation", "référent", "communes"),
        [(n.name, n.carrier, n.relation.label,
          names.get(n.referent_id, "") if n.referent_id else (n.referent_name or ""),
          len(n.communes)) for n in found],
        numeric={4},
    )  # fmt: skip
    return 0


def _epcis(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.local_networks.list_epcis(without_network=args.bare)
    if not found:
        print("aucun EPCI sans réseau" if args.bare else "aucun EPCI : importez le recensement")
        return 0
    print_table(
        ("EPCI", "nom", "communes", "couvertes", "réseaux locaux", "réseau communautaire"),
        [(e.epci, e.name, e.communes, e.covered, ", ".join(e.local_networks) or "aucun",
          "oui" if e.community_network else "") for e in found],
        numeric={2, 3},
    )  # fmt: skip
    bare = sum(1 for e in found if e.none)
    print(f"{bare} EPCI sans aucun réseau, {'animés' if bare > 1 else 'animé'} par le CDG (NET-7)")

    return 0
