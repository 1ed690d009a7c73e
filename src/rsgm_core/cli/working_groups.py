"""``rsgm groups create|list|show|join|leave|meeting|deliverable|restitution|deliver|close|agenda``
(NET-5): the network's working groups, their members, meetings, deliverables and restitution."""

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
from rsgm_core.cli.naming import MEMBER_HELP, RECORD_HELP, find_member, member_label, resolve
from rsgm_core.domain.working_groups import GroupState

__all__ = ["register"]

_GROUP_HELP = f"le groupe : son nom ou son {RECORD_HELP}"
_WHO = "l'animateur ou l'administrateur du CDG qui l'enregistre"


def register(commands: Any) -> None:
    actions = add_group(commands, "groups", "groupes de travail du réseau (NET-5)")
    create = add_action(actions, "create", "créer un groupe de travail (NET-5)", _create)
    create.add_argument("name", metavar="NOM", help="nom du groupe")
    create.add_argument("--theme", required=True, metavar="THEME", help="son thème")
    create.add_argument("--mandat", required=True, dest="mandate", metavar="TEXTE",
                        help="son mandat : ce que le réseau lui demande de produire")  # fmt: skip
    create.add_argument("--reseau", dest="network", metavar="RESEAU",
                        help=f"le réseau du groupe ({RECORD_HELP}) ; défaut : le réseau "
                        "départemental")  # fmt: skip
    create.add_argument("--departement", metavar="CODE",
                        help="le réseau départemental de ce département (TER-7)")  # fmt: skip
    create.add_argument("--restitution", type=iso_date, dest="restitution_on",
                        metavar="AAAA-MM-JJ", help="jour prévu de la restitution au réseau")  # fmt: skip
    create.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                        help="jour de création (défaut : aujourd'hui ; passé pour un groupe plus "
                        "ancien que ses enregistrements)")  # fmt: skip
    add_actor_option(create, _WHO)

    listing = add_action(actions, "list", "lister les groupes de travail et leur état", _list)
    listing.add_argument("--statut", choices=[s.value for s in GroupState], dest="state",
                         help="seulement les groupes dans cet état")  # fmt: skip

    show = add_action(actions, "show", "un groupe : membres, réunions, livrables", _show)
    show.add_argument("group", metavar="GROUPE", help=_GROUP_HELP)

    join = add_action(actions, "join", "ajouter un membre actif au groupe (NET-5)", _join)
    join.add_argument("group", metavar="GROUPE", help=_GROUP_HELP)
    join.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    join.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                      help="jour d'arrivée dans le groupe (défaut : aujourd'hui)")  # fmt: skip
    add_actor_option(join, _WHO)

    leave = add_action(actions, "leave", "un membre quitte le groupe (NET-5)", _leave)
    leave.add_argument("group", metavar="GROUPE", help=_GROUP_HELP)
    leave.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    leave.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                       help="jour de départ du groupe (défaut : aujourd'hui)")  # fmt: skip
    add_actor_option(leave, _WHO)

    meeting = add_action(
        actions, "meeting",
        "rattacher une réunion : un événement de type « groupe de travail » (NET-5)", _meeting,
    )  # fmt: skip
    meeting.add_argument("group", metavar="GROUPE", help=_GROUP_HELP)
    meeting.add_argument("event", metavar="EVENEMENT", help=f"l'événement : {RECORD_HELP}")
    add_actor_option(meeting, _WHO)

    deliverable = add_action(
        actions, "deliverable",
        "ajouter un livrable : une ressource de la boîte à outils (NET-5, KNB-1)", _deliverable,
    )  # fmt: skip
    deliverable.add_argument("group", metavar="GROUPE", help=_GROUP_HELP)
    deliverable.add_argument("resource", metavar="RESSOURCE",
                             help=f"la ressource : {RECORD_HELP}")  # fmt: skip
    deliverable.add_argument("--titre", dest="title", metavar="TITRE",
                             help="titre du livrable (défaut : celui de la ressource)")  # fmt: skip
    add_actor_option(deliverable, _WHO)

    restitution = add_action(
        actions, "restitution", "fixer le jour de la restitution au réseau (NET-5)", _restitution
    )
    restitution.add_argument("group", metavar="GROUPE", help=_GROUP_HELP)
    restitution.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                             required=True, help="jour de la restitution")  # fmt: skip
    add_actor_option(restitution, _WHO)

    deliver = add_action(
        actions, "deliver",
        "la restitution a eu lieu : le groupe a rendu ses livrables publiés (NET-5)", _deliver,
    )  # fmt: skip
    deliver.add_argument("group", metavar="GROUPE", help=_GROUP_HELP)
    deliver.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                         help="jour de la restitution (défaut : aujourd'hui)")  # fmt: skip
    add_actor_option(deliver, _WHO)

    close = add_action(actions, "close", "clore le groupe : son mandat a pris fin (NET-5)", _close)
    close.add_argument("group", metavar="GROUPE", help=_GROUP_HELP)
    close.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                       help="jour de clôture (défaut : aujourd'hui)")  # fmt: skip
    add_actor_option(close, _WHO)

    agenda = add_action(
        actions, "agenda", "réunions et restitutions à venir des groupes (NET-5)", _agenda
    )
    agenda.add_argument("--du", type=iso_date, dest="start", metavar="AAAA-MM-JJ",
                        help="premier jour (défaut : aujourd'hui)")  # fmt: skip
    agenda.add_argument("--au", type=iso_date, dest="end", metavar="AAAA-MM-JJ",
                        help="dernier jour (défaut : un an après le premier)")  # fmt: skip


def _group_id(app: Any, ref: str) -> str:
    """A group by its exact name (case ignored), else by id or id prefix."""
    wanted = ref.strip().casefold()
    named = [g for g in app.working_groups.list_groups() if g.name.casefold() == wanted]
    if len(named) == 1:
        return str(named[0].id)
    if len(ref.strip()) < 8:
        from rsgm_core.errors import NotFoundError

        known = ", ".join(f"« {g.name} »" for g in app.working_groups.list_groups()) or "aucun"
        raise NotFoundError(
            f"aucun groupe de travail nommé « {ref} » (son nom exact, ou son identifiant ; "
            f"groupes : {known})",
            rule="NET-5",
            value=ref,
        )
    return resolve(app, "working_groups", ref, rule="NET-5")


def _create(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        network = resolve(app, "networks", args.network, rule="NET-5") if args.network else None
        group = app.working_groups.create(
            args.name, theme=args.theme, mandate=args.mandate, by=by, network_id=network,
            departement=args.departement, restitution_on=args.restitution_on, on=args.on,
        )  # fmt: skip
        networks = {n.id: n.name for n in app.network.list_networks()}
    when = (
        f", restitution prévue le {group.restitution_on:%d/%m/%Y}" if group.restitution_on else ""
    )
    print(
        f"groupe de travail « {group.name} » créé ({group.id[:8]}) dans « "
        f"{networks.get(group.network_id, group.network_id)} », thème {group.theme}{when}"
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        groups = app.working_groups.list_groups(state=args.state)
        details = [app.working_groups.get(g.id) for g in groups]
    if not groups:
        print("aucun groupe de travail" + (f" {args.state}" if args.state else ""))
        return 0
    print_table(
        ("groupe", "thème", "état", "membres", "réunions", "livrables", "restitution", "id"),
        [
            (
                d.group.name,
                d.group.theme,
                d.group.state.value,
                str(sum(1 for m in d.members if m.left_on is None)),
                str(len(d.meetings)),
                str(len(d.deliverables)),
                f"{d.group.restitution_on:%d/%m/%Y}" if d.group.restitution_on else "à fixer",
                d.group.id[:8],
            )
            for d in details
        ],
    )
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        details = app.working_groups.get(_group_id(app, args.group))
        people = {m.member_id: member_label(app, m.member_id) for m in details.members}
        sessions = {e.id: app.events.get(e.id).sessions for e in details.meetings}
    group = details.group
    print(f"groupe de travail « {group.name} » ({group.state.value}), thème {group.theme}")
    print(f"mandat : {group.mandate}")
    if group.restitution_on:
        verb = "faite" if group.delivered_on else "prévue"
        print(f"restitution au réseau {verb} le {group.restitution_on:%d/%m/%Y}")
    else:
        print("restitution au réseau : date à fixer")
    print(f"membres ({sum(1 for m in details.members if m.left_on is None)} actuellement) :")
    for m in details.members:
        until = f" au {m.left_on:%d/%m/%Y}" if m.left_on else ""
        print(f"  {people[m.member_id]}, du {m.joined_on:%d/%m/%Y}{until}")
    print(f"réunions ({len(details.meetings)}) :")
    for event in details.meetings:
        days = ", ".join(f"{s.date:%d/%m/%Y}" for s in sessions[event.id])
        print(f"  « {event.title} »" + (f" : {days}" if days else ""))
    print(f"livrables ({len(details.deliverables)}) :")
    for view in details.deliverables:
        print(f"  « {view.deliverable.title} » : ressource « {view.resource_title} » "
              f"({view.resource_status.value})")  # fmt: skip
    return 0


def _join(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        group_id = _group_id(app, args.group)
        person = find_member(app, args.member, rule="NET-5")
        made = app.working_groups.add_member(group_id, person.id, by=by, on=args.on)
        name = app.working_groups.get(group_id).group.name
    print(f"{person.full_name} rejoint le groupe « {name} » le {made.joined_on:%d/%m/%Y}")
    return 0


def _leave(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        group_id = _group_id(app, args.group)
        person = find_member(app, args.member, rule="NET-5")
        made = app.working_groups.remove_member(group_id, person.id, by=by, on=args.on)
        name = app.working_groups.get(group_id).group.name
    assert made.left_on is not None
    print(f"{person.full_name} quitte le groupe « {name} » le {made.left_on:%d/%m/%Y}")
    return 0


def _meeting(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        group_id = _group_id(app, args.group)
        event_id = resolve(app, "events", args.event, rule="NET-5")
        group = app.working_groups.add_meeting(group_id, event_id, by=by)
        title = app.events.get(event_id).event.title
    count = len(group.meeting_ids)
    print(f"« {title} » est une réunion du groupe « {group.name} » "
          f"({count} {'réunion' if count < 2 else 'réunions'})")  # fmt: skip
    return 0


def _deliverable(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        group_id = _group_id(app, args.group)
        resource_id = resolve(app, "resources", args.resource, rule="NET-5")
        made = app.working_groups.add_deliverable(group_id, resource_id, by=by, title=args.title)
        view = next(
            v for v in app.working_groups.get(group_id).deliverables if v.deliverable.id == made.id
        )
    print(f"livrable « {made.title} » ajouté : ressource « {view.resource_title} » "
          f"({view.resource_status.value})")  # fmt: skip
    return 0


def _restitution(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        group = app.working_groups.set_restitution(_group_id(app, args.group), on=args.on, by=by)
    print(f"restitution du groupe « {group.name} » prévue le {args.on:%d/%m/%Y}, à l'agenda du "
          "réseau")  # fmt: skip
    return 0


def _deliver(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        group = app.working_groups.deliver(_group_id(app, args.group), by=by, on=args.on)
        count = len(app.working_groups.get(group.id).deliverables)
    assert group.delivered_on is not None
    print(f"groupe « {group.name} » rendu : restitution au réseau le "
          f"{group.delivered_on:%d/%m/%Y}, {count} "
          f"{'livrable publié' if count < 2 else 'livrables publiés'}")  # fmt: skip
    return 0


def _close(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        group = app.working_groups.close(_group_id(app, args.group), by=by, on=args.on)
    assert group.closed_on is not None
    print(f"groupe « {group.name} » clos le {group.closed_on:%d/%m/%Y}")
    return 0


def _agenda(args: argparse.Namespace) -> int:
    import datetime as dt

    from rsgm_core.domain.bounds import LAST_DAY
    from rsgm_core.domain.indicators import Period

    with open_app(args) as app:
        start = args.start or app.today()
        end = args.end or min(start, LAST_DAY - dt.timedelta(days=365)) + dt.timedelta(days=365)
        dates = app.working_groups.list_dates(period=Period(start, end))
    if not dates:
        print(f"aucune réunion ni restitution de groupe du {start:%d/%m/%Y} au {end:%d/%m/%Y}")
        return 0
    print_table(
        ("date", "groupe", "quoi"),
        [(f"{d.on:%d/%m/%Y}", d.group.name, d.what) for d in dates],
    )
    return 0
