"""``rsgm network create|activate|status`` (MEM-6..MEM-9, NET-1, NET-2) and ``rsgm partners add|list``
(MEM-10)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from rsgm_core.cli import governance
from rsgm_core.cli.actors import actor_names, shown
from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    add_group,
    open_app,
    print_table,
)
from rsgm_core.domain.governance import CommitteeKind
from rsgm_core.domain.partners import PartnerCategory
from rsgm_core.errors import ValidationError


def register(commands: Any) -> None:
    actions = add_group(commands, "network", "réseaux, entraide, continuité")

    activate = add_action(
        actions,
        "activate",
        "volontaires pour aider une collectivité en difficulté (MEM-9)",
        _activate,
    )
    activate.add_argument("--commune", required=True, metavar="CODE_INSEE")
    activate.add_argument("--expertise", action="append", default=[], help="répétable")
    activate.add_argument("--logiciel", action="append", default=[], dest="software")
    activate.add_argument("--max", type=int, default=10, help="nombre de volontaires affichés")

    create = add_action(
        actions,
        "create",
        "créer le réseau départemental, ou le réseau communautaire d'un EPCI (NET-1)",
        _create,
    )
    create.add_argument("name", metavar="NOM", nargs="?", help="nom du réseau")
    create.add_argument(
        "--departement",
        metavar="CODE",
        help="département du réseau, quand le CDG en tient un par département (TER-7)",
    )
    create.add_argument("--epci", metavar="SIREN", help="réseau communautaire de cet EPCI")
    create.add_argument(
        "--le", type=_day, dest="on", metavar="AAAA-MM-JJ",
        help="réseau départemental : jour de sa création, s'il existait avant sa saisie (EVT-12)",
    )  # fmt: skip
    add_actor_option(create, "l'animateur ou l'administrateur du CDG qui crée le réseau")
    create.add_argument(
        "--chef-de-projet",
        dest="project_lead",
        metavar="NOM",
        help="qui anime en l'absence de référent communautaire",
    )

    status = add_action(
        actions, "status", "réseaux, alertes de continuité, désengagement, comités", _status
    )
    status.add_argument(
        "--departement", metavar="CODE", help="réseaux et comités de ce département (TER-7)"
    )

    governance.register_actions(actions)  # charter, objective, committee, meeting, governance

    p_actions = add_group(commands, "partners", "annuaire des partenaires (MEM-10)")
    add = add_action(p_actions, "add", "ajouter un partenaire", _partner_add)
    add.add_argument("name", metavar="NOM")
    add.add_argument("--organisme", required=True, dest="organisation")
    add.add_argument(
        "--categorie", required=True, choices=[c.value for c in PartnerCategory], dest="category"
    )
    add.add_argument("--contact")
    add.add_argument("--theme", action="append", default=[], dest="themes")
    add.add_argument("--annee", action="append", default=[], type=int, dest="years")
    listing = add_action(p_actions, "list", "lister les partenaires", _partner_list)
    listing.add_argument("--categorie", choices=[c.value for c in PartnerCategory], dest="category")
    listing.add_argument("--theme")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date AAAA-MM-JJ attendue : {text!r}") from None


def _create(args: argparse.Namespace) -> int:
    by = actor(args)
    with open_app(args) as app:
        if args.epci:
            network = app.network.create_community_network(args.epci, by=by, name=args.name)
        else:
            if not args.name:
                raise ValidationError(
                    "nom du réseau départemental manquant (rsgm network create NOM)", rule="NET-1"
                )
            network = app.network.create_departmental_network(
                args.name,
                by=by,
                project_lead=args.project_lead,
                departement=args.departement,
                on=args.on,
            )
    where = f", département {network.departement}" if network.departement else ""
    kind = "communautaire" if network.epci else "départemental"
    print(f"réseau {kind} créé : {network.name}{where} ({network.id[:8]})")
    return 0


def _activate(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        helpers = app.network.find_helpers(
            args.commune, expertises=args.expertise, software=args.software
        )
    if not helpers:
        print("aucun volontaire pour l'entraide ne correspond")
        return 0
    print_table(
        ("rang", "nom", "postes", "pourquoi"),
        [
            (rank, h.member.full_name, ", ".join(h.communes), " ; ".join(h.reasons))
            for rank, h in enumerate(helpers[: args.max], start=1)
        ],
        numeric={0},
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        networks = app.network.list_networks(departement=args.departement)
        leads = {n.id: app.network.get_lead(n.id) for n in networks}
        listed = {n.id for n in networks}
        warnings = [w for w in app.network.list_warnings() if w.network_id in listed]
        away = app.network.list_disengaged()
        names = {m.id: m.full_name for m in app.members.list_members()}
        reports = _committee_reports(app, args.departement)
        creators = actor_names(app, [n.created_by for n in networks])
    print("Réseaux :")
    for n in networks:
        who, holder = leads[n.id].title, leads[n.id].holder
        where = f", {n.departement}" if n.departement else ""
        print(
            f"  {n.name} ({'communautaire' if n.epci else 'départemental'}{where}) : {who} "
            f"{names.get(holder or '', holder or 'à désigner')} ; créé par "
            f"{shown(creators, n.created_by)}"
        )
    print("Alertes de continuité :")
    if not warnings:
        print("  aucune")
    for w in warnings:
        if w.role is not None and w.holder_id is not None:
            candidates = ", ".join(names.get(c, c) for c in w.candidates) or "aucun"
            print(
                f"  {w.role.value} : {names.get(w.holder_id, w.holder_id)}, titulaire unique du rôle, {w.why} : "
                f"reprise possible par {candidates}"
            )
        else:
            print(f"  {w.message}")
    print("À remobiliser :")
    for d in away or []:
        print(f"  {names.get(d.member_id, d.member_id)} : {' ; '.join(d.reasons)}")
    if not away:
        print("  personne")
    for report in reports:
        where = f" ({report.departement})" if report.departement else ""
        print(f"Comité de {report.kind.value}{where} :")
        for seat in report.missing_seats:
            print(f"  siège manquant : {seat}")
        for year in report.missed_years:
            print(f"  aucune réunion en {year}")
        if not report.missing_seats and not report.missed_years:
            print("  complet")
    return 0


def _committee_reports(app: Any, departement: str | None) -> list[Any]:
    """NET-2: the CDG's committees, or with a follow-up committee per department (TER-7) those of
    ``departement`` (every department of the profile without it)."""
    if not app.settings.policies.per_departement:
        return [app.network.committee_report(kind) for kind in CommitteeKind]
    codes = [departement] if departement else list(app.settings.departements)
    reports = [
        app.network.committee_report(CommitteeKind.FOLLOW_UP, departement=code) for code in codes
    ]
    return [*reports, app.network.committee_report(CommitteeKind.STEERING)]


def _partner_add(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        partner = app.partners.add(
            args.name,
            args.organisation,
            args.category,
            contact=args.contact,
            themes=args.themes,
            years=args.years,
        )
    print(f"partenaire enregistré : {partner.name} ({partner.category.label})")
    return 0


def _partner_list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        partners = app.partners.list_partners(category=args.category, theme=args.theme)
        today = app.today()
    print_table(
        ("nom", "organisme", "catégorie", "thèmes", "années", "à jour"),
        [
            (
                p.name,
                p.organisation,
                p.category.label,
                ", ".join(p.themes),
                ", ".join(str(y) for y in p.years),
                "non" if p.stale_on(today) else "oui",
            )
            for p in partners
        ],
    )
    return 0
