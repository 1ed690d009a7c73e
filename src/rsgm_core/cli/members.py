"""``rsgm members add|import|list|show|depart|export|erase`` and ``rsgm directory search``
(MEM-1..MEM-5, MEM-11)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from rsgm_core.cli import directory_edit, members_import
from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    add_group,
    open_app,
    print_table,
)
from rsgm_core.cli.naming import MEMBER_HELP, commune_labels, find_member
from rsgm_core.domain.directory import DirectoryEntry, Viewer, ViewerRole, format_phone
from rsgm_core.domain.members import DepartureReason, Lifecycle, NewPosition
from rsgm_core.render.formatting import format_date
from rsgm_core.render.french import plural


def register(commands: Any) -> None:
    actions = add_group(commands, "members", "membres du réseau, parcours, données personnelles")

    add = add_action(actions, "add", "enregistrer une personne (et son poste)", _add)
    add.add_argument("first_name", metavar="PRÉNOM")
    add.add_argument("last_name", metavar="NOM")
    add.add_argument("--email", metavar="ADRESSE", help="adresse nominative (pas mairie@…)")
    add.add_argument("--telephone", dest="phone")
    add.add_argument("--commune", metavar="CODE_INSEE", help="commune du poste")
    add.add_argument("--fonction", default="sgm", help="sgm, secretaire_de_mairie, dgs, …")
    add.add_argument("--quotite", default="1", help="fraction de temps complet : 1, 0.5 …")
    add.add_argument("--statut", default="titulaire", help="titulaire, stagiaire, contractuel")
    add.add_argument("--arrivee", type=dt.date.fromisoformat, metavar="AAAA-MM-JJ")
    add.add_argument("--etape", default="actif", help="prospect, invite, actif")
    add.add_argument("--volontaire", action="store_true", help="volontaire pour l'entraide")

    members_import.register(actions)  # rsgm members import (cli/members_import.py)

    listing = add_action(actions, "list", "lister les membres", _list)
    listing.add_argument("--etape", help="prospect, invite, actif, parti")

    over = add_action(
        actions,
        "work-time",
        "personnes dont les postes dépassent 115 %% d'un temps complet (signalées, MEM-1)",
        _work_time,
    )
    over.add_argument("--le", type=dt.date.fromisoformat, metavar="AAAA-MM-JJ", dest="on")

    show = add_action(actions, "show", "fiche d'un membre", _show)
    show.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)

    depart = add_action(actions, "depart", "enregistrer un départ (accès retiré)", _depart)
    depart.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    depart.add_argument(
        "--motif", required=True, choices=[r.value for r in DepartureReason], dest="reason"
    )
    depart.add_argument("--le", type=dt.date.fromisoformat, metavar="AAAA-MM-JJ", dest="on")
    depart.add_argument("--successeur", metavar="MEMBRE", dest="successor", help=MEMBER_HELP)

    export = add_action(
        actions, "export", "tout ce qui est détenu sur une personne (JSON)", _export
    )
    export.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    export.add_argument("--sortie", "-o", "--output", dest="output", type=Path)
    add_actor_option(export, "l'administrateur du CDG qui exporte")

    erase = add_action(actions, "erase", "anonymiser une personne (droit à l'effacement)", _erase)
    erase.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    erase.add_argument("--oui", action="store_true", required=True, help="confirmer")
    add_actor_option(erase, "l'administrateur du CDG qui efface")

    dir_actions = add_group(commands, "directory", "annuaire partagé")
    directory_edit.register_actions(dir_actions)  # consent, withdraw, edit, town-hall
    search = add_action(
        dir_actions, "search", "chercher par expertise, logiciel, EPCI, commune", _search
    )
    search.add_argument("--expertise")
    search.add_argument("--logiciel", dest="software")
    search.add_argument("--epci", help="SIREN ou partie du nom")
    search.add_argument("--commune", help="code INSEE ou nom")
    search.add_argument(
        "--role",
        choices=[r.value for r in ViewerRole],
        default="animateur",
        help="qui consulte : un membre ne voit que les fiches consenties (MEM-3)",
    )


def _add(args: argparse.Namespace) -> int:
    work_time = _fraction(args.quotite)
    position = (
        NewPosition(args.commune, args.fonction, work_time=work_time, status=args.statut)
        if args.commune
        else None
    )
    with open_app(args) as app:  # the person and the position, or nothing
        member = app.members.add(
            args.first_name,
            args.last_name,
            email=args.email,
            phone=args.phone,
            lifecycle=args.etape,
            arrival=args.arrivee,
            helper=args.volontaire,
            position=position,
        )
        print(f"membre enregistré : {member.full_name} ({member.id[:8]})")
    return 0


def _fraction(text: str) -> Decimal:
    from rsgm_core.domain.member_import import parse_fraction
    from rsgm_core.domain.members import validate_work_time

    return validate_work_time(parse_fraction(text))


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        members = app.members.list_members(lifecycle=args.etape)
        places: dict[str, list[str]] = {}
        positions = app.members.list_positions()
        for p in positions:
            places.setdefault(p.member_id, []).append(p.commune)
        labels = commune_labels(app, [p.commune for p in positions])
    print_table(
        ("id", "nom", "e-mail", "étape", "communes"),
        [
            (
                m.id[:8],
                m.full_name,
                m.email,
                m.lifecycle.value,
                ", ".join(labels[c] for c in sorted(places.get(m.id, []))),
            )
            for m in members
        ],
    )
    return 0


def _work_time(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        flags = app.members.list_work_time_excesses(on=args.on)
        labels = commune_labels(app, [p.commune for f in flags for p in f.positions])
    print_table(
        ("id", "nom", "quotités cumulées", "communes"),
        [
            (f.member.id[:8], f.member.full_name, f.percent,
             ", ".join(f"{labels[p.commune]} : {p.work_time}" for p in f.positions))
            for f in flags
        ],
    )  # fmt: skip
    if flags:
        print(
            f"{plural(len(flags), 'personne')} au-delà des 115 % permis pour des emplois à temps non "
            "complet (décret 91-298 art. 8) : postes enregistrés, à examiner [MEM-1]"
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member = find_member(app, args.member)
        excess = app.members.list_work_time_excesses(member_id=member.id)
        entry = app.directory.get_entry(member.id, viewer=Viewer(ViewerRole.ANIMATOR))
        positions = app.members.list_positions(member_id=member.id)
        checklist = app.members.list_onboarding_items(member_id=member.id)
        consents = app.directory.list_consents(member_id=member.id)
        today = app.today()
        labels = commune_labels(app, [p.commune for p in positions])
    print(f"{member.full_name} ({member.id})")
    print(
        f"  étape : {member.lifecycle.value}"
        + (
            f", départ le {format_date(member.departed_on)} ({member.departure_reason.value})"
            if member.departed_on and member.departure_reason
            else ""
        )
    )
    print(f"  e-mail : {member.email or '-'}   téléphone : {format_phone(member.phone) or '-'}")
    for p in positions:
        print(
            f"  poste : {labels[p.commune]}, {p.function.label}, quotité {p.work_time}, "
            f"{p.status.value}" + (f", jusqu'au {format_date(p.end)}" if p.end else "")
        )
    for flag in excess:
        print(f"  ! {flag.message} [MEM-1]")
    _print_entry_details(entry)
    states = [
        f"{c.scope.value} depuis le {format_date(c.given_on)}"
        + (f", retiré le {format_date(c.withdrawn_on)}" if c.withdrawn_on else "")
        for c in consents
    ]
    print(
        f"  consentements : {'; '.join(states) or 'aucun (fiche visible des animateurs seulement)'}"
    )
    for item in checklist:
        mark = "x" if item.done else ("!" if item.overdue_on(today) else " ")
        print(f"  [{mark}] {format_date(item.due)} : {item.step.label}")
    return 0


def _print_entry_details(entry: DirectoryEntry) -> None:
    if entry.expertises:
        print(f"  expertises : {', '.join(entry.expertises)}")
    if entry.software_used or entry.software_mastered:
        tools = [f"{s} (maîtrisé)" for s in entry.software_mastered] + list(entry.software_used)
        print(f"  logiciels : {', '.join(tools)}")
    for hall in entry.town_halls:
        print(f"  mairie : {hall}")


def _depart(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member = find_member(app, args.member)
        successor = find_member(app, args.successor) if args.successor else None
        gone = app.members.depart(
            member.id,
            reason=args.reason,
            on=args.on,
            successor_id=successor.id if successor else None,
        )
    when = f" le {format_date(gone.departed_on)}" if gone.departed_on else ""
    print(f"départ enregistré : {gone.full_name}{when} ({args.reason}) ; accès retiré")
    if successor:
        print(f"successeur : {successor.full_name} (parcours d'intégration ouvert)")
    return 0


def _export(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member = find_member(app, args.member)
        held = app.rgpd.export_personal_data(member.id, by=actor(args))
        text = json.dumps(held, ensure_ascii=False, indent=2)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"données de {member.full_name} exportées dans {args.output}")
    else:
        print(text)
    return 0


def _erase(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member = find_member(app, args.member)
        report = app.rgpd.erase(member.id, by=actor(args))
    for line in report.lines():  # MEM-11: what was really done, and the checkpoint
        print(line)
    return 0


def _search(args: argparse.Namespace) -> int:
    viewer = Viewer(ViewerRole(args.role))
    with open_app(args) as app:
        entries = app.directory.search(
            expertise=args.expertise,
            software=args.software,
            epci=args.epci,
            commune=args.commune,
            viewer=viewer,
        )
    print_table(
        ("nom", "téléphone", "e-mail", "communes", "expertises", "logiciels"),
        [
            (
                e.name + (" *" if e.restricted else ""),
                e.phone,
                e.email,
                ", ".join(e.communes),
                ", ".join(e.expertises),
                ", ".join((*e.software_mastered, *e.software_used)),
            )
            for e in entries
        ],
    )
    if any(e.restricted for e in entries):
        print(
            "* sans consentement à l'annuaire : visible des animateurs et administrateurs seulement"
        )
    return 0


__all__ = ["Lifecycle", "find_member", "register"]
