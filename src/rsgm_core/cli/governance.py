"""``rsgm network charter|objective|committee|meeting|governance`` (NET-2..NET-4): the network's
charter of operation, its objectives and its committees recorded from the command line, so that
the annual report tells where the network comes from (IND-2)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import attrs

from rsgm_core.cli.common import actor, add_action, add_actor_option, load_settings, open_app
from rsgm_core.cli.dates import iso_date
from rsgm_core.domain.governance import (
    INDICATORS,
    Charter,
    CommitteeKind,
    Network,
    Objective,
    ObjectiveKind,
    Seat,
    SeatKind,
)
from rsgm_core.errors import NotFoundError, ValidationError
from rsgm_core.render.french import plural

__all__ = ["CHARTER_OPTIONS", "parse_seat", "register_actions"]

#: NET-4: each heading of the charter of operation, its option and its French name.
CHARTER_OPTIONS = (
    ("purpose", "--objet-reseau", "objet du réseau"),
    ("scope", "--perimetre-reseau", "périmètre"),
    ("animation", "--animation", "modalités d'animation"),
    ("members_role", "--role-membres", "rôle des membres"),
    ("principles", "--principes", "principes de fonctionnement"),
    ("rights_and_duties", "--droits-devoirs", "droits et devoirs"),
)

_KINDS = {ObjectiveKind.STRATEGIC: "stratégique", ObjectiveKind.OPERATIONAL: "opérationnel"}

_SEATS = {
    SeatKind.REFERENT: "référent communautaire",
    SeatKind.SGM: "SGM du territoire",
    SeatKind.CDG_ELECTED: "élu du CDG",
    SeatKind.EPCI_ELECTED: "élu de l'EPCI",
}


def _network_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reseau", dest="network", metavar="RESEAU",
                        help="identifiant (8 caractères suffisent) ou nom du réseau ; défaut : "
                        "le réseau départemental")  # fmt: skip
    parser.add_argument("--departement", metavar="CODE",
                        help="le réseau ou le comité de ce département (TER-7)")  # fmt: skip


def register_actions(actions: Any) -> None:
    """The governance actions of the ``network`` group (created by :mod:`rsgm_core.cli.network`)."""
    charter = add_action(
        actions, "charter", "enregistrer la charte de fonctionnement du réseau (NET-4)", _charter
    )
    for _, option, label in CHARTER_OPTIONS:
        charter.add_argument(option, dest=option[2:].replace("-", "_"), metavar="TEXTE",
                             help=label)  # fmt: skip
    charter.add_argument("--adoptee-le", type=iso_date, dest="adopted_on", metavar="AAAA-MM-JJ",
                         help="jour d'adoption de la charte")  # fmt: skip
    _network_options(charter)
    add_actor_option(charter, "l'animateur ou l'administrateur du CDG qui l'enregistre")

    objective = add_action(
        actions, "objective", "ajouter ou retirer un objectif du réseau (NET-4)", _objective
    )
    objective.add_argument("--type", choices=[k.value for k in ObjectiveKind], dest="kind",
                           help="objectif stratégique ou opérationnel")  # fmt: skip
    objective.add_argument("--texte", dest="text", metavar="TEXTE", help="l'objectif")
    objective.add_argument("--indicateur", action="append", dest="indicators",
                           choices=sorted(INDICATORS),
                           help="indicateur qui le mesure ; répétable")  # fmt: skip
    objective.add_argument("--retirer", type=int, dest="remove", metavar="NUMERO",
                           help="retirer l'objectif de ce numéro (rsgm network governance)")  # fmt: skip
    _network_options(objective)
    add_actor_option(objective, "l'animateur ou l'administrateur du CDG qui l'enregistre")

    committee = add_action(
        actions, "committee", "composer le comité de suivi ou de pilotage (NET-2, NET-3)",
        _committee,
    )  # fmt: skip
    committee.add_argument("kind", metavar="COMITE", choices=[k.value for k in CommitteeKind],
                           help="suivi ou pilotage")  # fmt: skip
    committee.add_argument(
        "--siege", action="append", dest="seats", metavar="TYPE:TITULAIRE[:SIREN]", default=[],
        help="répétable ; TYPE : referent, sgm (TITULAIRE : un membre), elu_cdg, elu_epci "
        "(TITULAIRE : l'élu, nom, adresse ou identifiant, s'il y a des élus enregistrés, rsgm "
        "elus ; son EPCI vient de son mandat) ; SIREN : l'EPCI représenté (sauf elu_cdg)",
    )  # fmt: skip
    committee.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                           help="jour de création du comité (gardé s'il existe)")  # fmt: skip
    committee.add_argument("--departement", metavar="CODE",
                           help="le comité de ce département (TER-7)")  # fmt: skip
    add_actor_option(committee, "l'animateur ou l'administrateur du CDG qui le compose")

    meeting = add_action(actions, "meeting", "enregistrer une réunion du comité (NET-2)", _meeting)
    meeting.add_argument("kind", metavar="COMITE", choices=[k.value for k in CommitteeKind],
                         help="suivi ou pilotage")  # fmt: skip
    meeting.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                         help="jour de la réunion (défaut : aujourd'hui)")  # fmt: skip
    meeting.add_argument("--departement", metavar="CODE",
                         help="le comité de ce département (TER-7)")  # fmt: skip
    add_actor_option(meeting, "l'animateur ou l'administrateur du CDG qui l'enregistre")

    show = add_action(
        actions, "governance", "charte, objectifs et comités du réseau (NET-2..NET-4)", _show
    )
    _network_options(show)


def _network(app: Any, args: argparse.Namespace) -> Network:
    """The network named by ``--reseau`` (id, 8 characters or more of it, or name), else the
    departmental network (of ``--departement``)."""
    ref = (args.network or "").strip()
    if not ref:
        found: Network = app.network.departmental(departement=args.departement)
        return found
    networks = app.network.list_networks()
    exact = [n for n in networks if n.id == ref or n.name.casefold() == ref.casefold()]
    chosen = exact or [n for n in networks if len(ref) >= 8 and n.id.startswith(ref)]
    if len(chosen) == 1:
        return chosen[0]
    if not chosen:
        raise NotFoundError(
            f"réseau introuvable : {ref!r} (identifiant, ses 8 premiers caractères ou nom ; "
            f"réseaux : {', '.join(n.name for n in networks) or 'aucun'})",
            rule="NET-1",
            value=ref,
        )
    raise ValidationError(
        f"réseau ambigu : {ref!r} désigne {', '.join(n.name for n in chosen)}",
        rule="NET-1",
        value=ref,
    )


def _charter(args: argparse.Namespace) -> int:
    given = {
        field: getattr(args, option[2:].replace("-", "_")) for field, option, _ in CHARTER_OPTIONS
    }
    by = actor(args)
    with open_app(args) as app:
        network = _network(app, args)
        old = network.charter
        if old is None:
            missing = [
                f"{option} ({label})"
                for field, option, label in CHARTER_OPTIONS
                if not (given[field] or "").strip()
            ]
            if missing:
                raise ValidationError(
                    f"charte de fonctionnement du réseau « {network.name} » incomplète : il manque "
                    f"{', '.join(missing)} (chaque rubrique est remplie, NET-4)",
                    rule="NET-4",
                    value=missing[0].split()[0],
                )
            charter = Charter(**given, adopted_on=args.adopted_on)
        else:
            changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
            if args.adopted_on is not None:
                changes["adopted_on"] = args.adopted_on
            if not changes:
                raise ValidationError(
                    "rien à modifier : donnez au moins une rubrique de la charte "
                    f"({', '.join(o for _, o, _ in CHARTER_OPTIONS)}) ou --adoptee-le",
                    rule="NET-4",
                    value=network.name,
                )
            charter = attrs.evolve(old, **changes)
        saved = app.network.set_charter(network.id, charter, network.objectives, by=by)
    what = "enregistrée" if old is None else "modifiée"
    adopted = (
        f", adoptée le {saved.charter.adopted_on:%d/%m/%Y}"
        if saved.charter and saved.charter.adopted_on
        else ""
    )
    print(f"charte de fonctionnement du réseau « {saved.name} » {what}{adopted}")
    if saved.charter is not None:
        print(f"  objet : {saved.charter.purpose}")
        print(f"  périmètre : {saved.charter.scope}")
    return 0


def _objective(args: argparse.Namespace) -> int:
    load_settings(args)  # a missing profile is said first
    by = actor(args)
    adding = args.kind is not None or args.text is not None or args.indicators
    if adding and args.remove is not None:
        raise ValidationError(
            "--retirer ne va pas avec --type, --texte ou --indicateur", rule="NET-4",
            value=args.remove,
        )  # fmt: skip
    if not adding and args.remove is None:
        raise ValidationError(
            "donnez l'objectif (--type, --texte, --indicateur) ou --retirer NUMERO",
            rule="NET-4",
            value=None,
        )
    with open_app(args) as app:
        network = _network(app, args)
        objectives = list(network.objectives)
        if args.remove is not None:
            if not 1 <= args.remove <= len(objectives):
                raise ValidationError(
                    f"objectif n° {args.remove} inconnu : le réseau « {network.name} » en a "
                    f"{len(objectives)} (rsgm network governance les numérote)",
                    rule="NET-4",
                    value=args.remove,
                )
            gone = objectives.pop(args.remove - 1)
        else:
            if args.kind is None or not (args.text or "").strip():
                raise ValidationError(
                    "un objectif a un type (--type strategique ou operationnel) et un texte "
                    "(--texte)",
                    rule="NET-4",
                    value=args.text,
                )
            objectives.append(
                Objective(ObjectiveKind(args.kind), args.text.strip(), args.indicators or ())
            )
        saved = app.network.set_objectives(network.id, objectives, by=by)
    if args.remove is not None:
        print(f"objectif n° {args.remove} retiré du réseau « {saved.name} » : {gone.text}")
    else:
        added = saved.objectives[-1]
        print(
            f"objectif n° {len(saved.objectives)} ajouté au réseau « {saved.name} » "
            f"({_KINDS[added.kind]}) : "
            f"{added.text} — mesuré par {', '.join(INDICATORS[i] for i in added.indicators)}"
        )
    print(f"{plural(len(saved.objectives), 'objectif')} en tout")
    return 0


def parse_seat(text: str) -> tuple[SeatKind, str, str | None]:
    """``TYPE:TITULAIRE[:SIREN]`` -> the seat's kind, holder (as given) and EPCI; a French error
    naming the value otherwise (NET-2)."""
    parts = [p.strip() for p in text.split(":")]
    kinds = {k.value: k for k in SeatKind}
    if len(parts) < 2 or parts[0] not in kinds or not parts[1]:
        raise ValidationError(
            f"siège illisible : {text!r} (attendu TYPE:TITULAIRE[:SIREN], TYPE parmi "
            f"{', '.join(kinds)})",
            rule="NET-2",
            value=text,
        )
    epci = parts[-1] if len(parts) > 2 and parts[-1].isdigit() else None
    holder = ":".join(parts[1:-1] if epci is not None else parts[1:])
    return kinds[parts[0]], holder, epci


def _committee(args: argparse.Namespace) -> int:
    from rsgm_core.cli.members import find_member

    load_settings(args)  # a missing profile is said first
    by = actor(args)
    parsed = [parse_seat(s) for s in args.seats]
    with open_app(args) as app:
        seats = []
        elected = bool(app.elus.list_elus(history=True))  # NET-3: seats held by élus records
        for kind, holder, epci in parsed:
            if kind in (SeatKind.REFERENT, SeatKind.SGM):
                holder = find_member(app, holder).id
            elif elected:
                [seat] = app.elus.steering_seats([holder], on=args.on)
                seats.append(seat)
                continue
            seats.append(Seat(kind, holder, epci))
        saved = app.network.set_committee(
            args.kind, seats, by=by, on=args.on, departement=args.departement
        )
        names = {m.id: m.full_name for m in app.members.list_members()}
        names |= {e.id: e.full_name for e in app.elus.list_elus(history=True)}
        report = app.network.committee_report(args.kind, departement=args.departement)
        with app.deps.read() as uow:
            sirens = sorted({s.epci for s in saved.seats if s.epci})
            epcis = {e.siren: e.name for e in uow.epcis.list({"siren": sirens})} if sirens else {}
    where = f" ({saved.departement})" if saved.departement else ""
    print(f"comité de {saved.kind.value}{where} composé : {plural(len(saved.seats), 'siège')}")
    for seat in saved.seats:
        territory = f", {epcis.get(seat.epci, 'EPCI')} ({seat.epci})" if seat.epci else ""
        print(f"  {_SEATS[seat.kind]} : {names.get(seat.holder, seat.holder)}{territory}")
    for missing in report.missing_seats:
        print(f"  siège manquant : {missing}")
    return 0


def _meeting(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        saved = app.network.record_meeting(
            args.kind, by=by, on=args.on, departement=args.departement
        )
        day: dt.date = args.on or app.today()
    where = f" ({saved.departement})" if saved.departement else ""
    print(
        f"réunion du comité de {saved.kind.value}{where} enregistrée le {day:%d/%m/%Y} "
        f"({plural(len(saved.meetings), 'réunion')} en tout)"
    )
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        network = _network(app, args)
        reports = [
            app.network.committee_report(k, departement=args.departement) for k in CommitteeKind
        ]
    print(f"Réseau « {network.name} »")
    if network.created_on:
        print(f"  créé le {network.created_on:%d/%m/%Y}")
    if network.charter is None:
        print("  charte de fonctionnement : non enregistrée (rsgm network charter)")
    else:
        adopted = network.charter.adopted_on
        print(
            "  charte de fonctionnement"
            + (f" adoptée le {adopted:%d/%m/%Y}" if adopted else "")
            + " :"
        )
        for field, _, label in CHARTER_OPTIONS:
            print(f"    {label} : {getattr(network.charter, field)}")
    if not network.objectives:
        print("  objectifs : aucun (rsgm network objective)")
    for number, o in enumerate(network.objectives, start=1):
        print(
            f"  objectif n° {number} ({_KINDS[o.kind]}) : {o.text} — "
            f"{', '.join(INDICATORS[i] for i in o.indicators)}"
        )
    for report in reports:
        where = f" ({report.departement})" if report.departement else ""
        if not report.missing_seats and not report.missed_years:
            print(f"  comité de {report.kind.value}{where} : complet")
            continue
        print(f"  comité de {report.kind.value}{where} :")
        for seat in report.missing_seats:
            print(f"    siège manquant : {seat}")
        for year in report.missed_years:
            print(f"    aucune réunion en {year}")
    return 0
