"""``rsgm tariffs|membership|convention|interventions``: the membership pack (TAR-1..TAR-8)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, Literal

from rsgm_core.cli.actors import actor_names, shown
from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    add_group,
    open_app,
    print_table,
    whole_number,
)
from rsgm_core.cli.naming import commune_label, commune_labels, resolve, short
from rsgm_core.domain.conventions import Convention, Party
from rsgm_core.domain.tariffs import CatalogueColumn, ServiceKind, TariffGrid
from rsgm_core.errors import ValidationError
from rsgm_core.render.exports import to_csv
from rsgm_core.render.formatting import format_date, format_money, format_number
from rsgm_core.render.french import plural
from rsgm_core.render.invoices import print_invoice_documents

# Every service but the fee: the mandatory mission gets its own French refusal (TAR-8).
BILLABLE = [k.value for k in ServiceKind if k is not ServiceKind.MEMBERSHIP]


def _day(text: str) -> dt.date:
    """A date as an animator types it: ``2025-04-02`` or ``02/04/2025``."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"date illisible : {text!r} (AAAA-MM-JJ ou JJ/MM/AAAA)", value=text)


def _date_option(parser: argparse.ArgumentParser, help: str, **options: Any) -> None:
    parser.add_argument("--le", "--date", dest="date", metavar="AAAA-MM-JJ", help=help, **options)


def register(commands: Any) -> None:
    actions = add_group(commands, "tariffs", "grilles tarifaires du pack d'adhésion")
    show = add_action(actions, "show", "afficher la grille d'un exercice", _show)
    show.add_argument(
        "--annee", "--year", type=int, dest="year", help="exercice (défaut : l'année en cours)"
    )

    actions = add_group(commands, "membership", "adhésions annuelles des communes")
    join = add_action(actions, "join", "enregistrer l'adhésion d'une commune", _join)
    join.add_argument("commune", metavar="CODE_INSEE")
    join.add_argument(
        "--annee", "--year", type=int, dest="year", help="exercice (défaut : celui de la date)"
    )
    _date_option(join, "date d'adhésion (défaut : aujourd'hui)")
    add_actor_option(join, "l'animateur ou l'administrateur du CDG qui enregistre")
    listing = add_action(actions, "list", "lister les adhésions d'un exercice", _list_memberships)
    listing.add_argument(
        "--annee", "--year", type=int, dest="year", help="exercice (défaut : l'année en cours)"
    )

    actions = add_group(commands, "convention", "conventions d'adhésion")
    sign = add_action(actions, "sign", "enregistrer une convention signée", _sign)
    sign.add_argument("commune", metavar="CODE_INSEE")
    _date_option(sign, "date de signature", required=True)
    add_actor_option(sign, "l'animateur ou l'administrateur du CDG qui enregistre")
    sign.add_argument("--reference", default="", metavar="RÉF", help="référence de la convention")
    sign.add_argument("--siret", metavar="SIRET", help="SIRET de la commune (14 chiffres)")
    sign.add_argument(
        "--sgc", default="", metavar="SGC", help="service de gestion comptable de la commune"
    )
    sign.add_argument(
        "--date-deliberation",
        "--deliberation-date",
        dest="deliberation_date",
        help="date de la délibération du conseil municipal",
    )
    sign.add_argument(
        "--numero-deliberation",
        "--deliberation-number",
        dest="deliberation_number",
        default="",
        metavar="N°",
        help="numéro de la délibération",
    )
    listing = add_action(actions, "list", "lister les conventions et leur en-tête", _list)
    listing.add_argument("--commune", metavar="CODE_INSEE", help="les conventions d'une commune")
    listing.add_argument("--csv", type=Path, metavar="FICHIER", help="écrire la liste en CSV")
    status = add_action(actions, "status", "la convention d'une commune à une date", _status)
    status.add_argument("commune", metavar="CODE_INSEE")
    _date_option(status, "date (défaut : aujourd'hui)")
    notice = add_action(actions, "notice", "dénoncer la convention en vigueur", _notice)
    notice.add_argument("commune", metavar="CODE_INSEE")
    _date_option(notice, "date du préavis", required=True)
    notice.add_argument(
        "--partie",
        "--by",
        dest="party",
        choices=[p.value for p in Party],
        default=Party.COLLECTIVITY.value,
    )
    add_actor_option(notice, "l'animateur ou l'administrateur du CDG qui enregistre")
    due = add_action(actions, "due", "préavis, reconductions et fins à venir", _due)
    due.add_argument(
        "--jours",
        "--days",
        dest="days",
        type=int,
        default=90,
        metavar="JOURS",
        help="horizon (défaut : 90)",
    )
    _date_option(due, "à partir de cette date (défaut : aujourd'hui)")

    actions = add_group(commands, "interventions", "interventions facturées à l'heure")
    add = add_action(actions, "add", "enregistrer une intervention", _add)
    add.add_argument("commune", metavar="CODE_INSEE")
    _date_option(add, "date de l'intervention", required=True)
    add_actor_option(add, "l'animateur ou l'administrateur du CDG qui enregistre")
    add.add_argument(
        "--type", "--kind", dest="kind", choices=BILLABLE, required=True, help="prestation"
    )
    add.add_argument(
        "--duree",
        "--minutes",
        dest="minutes",
        type=whole_number,
        required=True,
        help="durée en minutes",
    )
    add.add_argument(
        "--sur-place",
        "--on-site",
        dest="on_site",
        action="store_true",
        help="intervention sur place",
    )
    add.add_argument(
        "--stagiaire",
        "--trainee",
        dest="trainee",
        metavar="STAGIAIRE",
        help="stagiaire accompagné : identifiant (8 premiers caractères au moins) ou nom "
        "(voir « interventions trainee »)",
    )
    add.add_argument("--description", default="", metavar="TEXTE")
    add.add_argument(
        "--reference",
        "--ref",
        dest="ref",
        default="",
        metavar="RÉF",
        help="référence (bon, ticket)",
    )
    add.add_argument(
        "--demandeur",
        "--requested-by",
        dest="requested_by",
        default="",
        help="qui a demandé l'intervention (obligatoire pour une commune sans convention)",
    )
    add.add_argument(
        "--demande-le",
        "--requested-on",
        dest="requested_on",
        help="date de la demande (défaut : celle de l'intervention)",
    )
    add.add_argument("--siret", metavar="SIRET", help="SIRET de la commune sans convention")
    add.add_argument(
        "--sgc", default="", metavar="SGC", help="service de gestion comptable de cette commune"
    )
    trainee = add_action(
        actions, "trainee", "enregistrer un stagiaire des formations du CDG", _trainee
    )
    trainee.add_argument("person", metavar="NOM")
    trainee.add_argument(
        "--debut",
        "--start",
        dest="start",
        required=True,
        metavar="AAAA-MM-JJ",
        help="date de prise de poste",
    )
    trainee.add_argument("--programme", default="", metavar="FORMATION")
    add_actor_option(trainee, "l'animateur ou l'administrateur du CDG qui enregistre")
    bill = add_action(actions, "bill", "les factures d'un exercice", _bill)
    bill.add_argument(
        "--annee", "--year", type=int, dest="year", help="exercice (défaut : l'année en cours)"
    )
    bill.add_argument("--csv", type=Path, metavar="FICHIER", help="écrire les lignes en CSV")
    bill.add_argument("--json", type=Path, metavar="FICHIER", help="écrire les lignes en JSON")
    add_actor_option(bill, "l'animateur ou l'administrateur du CDG qui facture")


def _show(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        grid = app.memberships.grid(year=args.year or app.today().year)
    print(f"Grille tarifaire {grid.cdg}, exercice {grid.exercise}")
    if grid.adopted_by:
        print(f"adoptée par {grid.adopted_by}")
    print()
    rows = [
        (f"{format_number(s.low)} à {format_number(s.high)}", format_money(s.fee))
        for s in grid.strata
    ]
    print_table(("habitants", "cotisation annuelle"), rows, numeric={1})
    print(f"\nau-delà de {format_number(grid.ceiling)} habitants : commune non éligible au pack")
    print(f"heure d'intervention : {format_money(grid.member_hourly_rate)} (commune adhérente), "
          f"{format_money(grid.non_member_hourly_rate)} (non adhérente)")  # fmt: skip
    step = grid.rounding.increment_minutes
    print(
        "facturation : à la minute"
        if step == 1
        else f"facturation : par tranche entamée de {step} min"
    )
    print(f"stagiaires : {grid.trainee_months} mois d'accompagnement inclus, dont "
          f"{grid.trainee_onsite_half_days} demi-journées sur place")  # fmt: skip
    _catalogue(grid)
    return 0


def _catalogue(grid: TariffGrid) -> None:
    """The catalogue in the annex's two columns (TAR-8): the mandatory mission, then the pack."""
    for column in CatalogueColumn:
        print(f"\n{column.label}")
        if column is CatalogueColumn.MANDATORY:
            rows = [(s.label, s.article, "gratuit, jamais facturé") for s in grid.column(column)]
        else:
            rows = [(s.label, s.article, _how_paid(s.kind, s.included, s.hourly))
                    for s in grid.column(column)]  # fmt: skip
        print_table(("prestation", "article", "tarif"), rows)


def _how_paid(kind: ServiceKind, included: bool, hourly: bool) -> str:
    if kind is ServiceKind.MEMBERSHIP:
        return "cotisation annuelle selon la strate"
    if included and hourly:
        return "inclus dans l'adhésion, au-delà à l'heure"
    if hourly:
        return "à l'heure (tarif préférentiel si adhérente)"
    return "inclus dans l'adhésion"


def _join(args: argparse.Namespace) -> int:
    joined_on = _day(args.date) if args.date else None
    with open_app(args) as app:
        membership = app.memberships.join(
            args.commune, by=actor(args), year=args.year, on=joined_on
        )
        quote = app.memberships.quote(args.commune, year=membership.year)
    note = f" ; {quote.used.note}" if quote.used and quote.used.note else ""  # TER-2
    print(
        f"adhésion {membership.year} enregistrée pour {quote.commune.name} ({membership.insee}) : "
        f"{format_money(membership.fee)} (population {quote.kind.value} {quote.vintage} : "
        f"{format_number(quote.population)} habitants{note})"
    )
    return 0


def _list_memberships(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        year = args.year or app.today().year
        memberships = app.memberships.list_memberships(year=year)
        names = _names(app, [m.insee for m in memberships])
        people = actor_names(app, [m.recorded_by for m in memberships])
    rows = [
        (m.insee, names.get(m.insee, ""), format_date(m.joined_on, format="short"),
         format_money(m.fee), shown(people, m.recorded_by))
        for m in memberships
    ]  # fmt: skip
    print_table(
        ("code", "commune", "adhésion le", "cotisation", "enregistrée par"), rows, numeric={3}
    )
    total = sum((m.fee for m in memberships), start=0)
    print(f"\n{plural(len(memberships), 'adhésion')} pour {year}, {format_money(total)}")
    return 0


def _names(app: Any, codes: list[str]) -> dict[str, str]:
    with app.storage.unit_of_work(read_only=True) as uow:
        return {c.code: c.name for c in uow.communes.list({"code": sorted(set(codes))})}


def _describe(convention: Convention) -> str:
    end = format_date(convention.last_day)
    ref = f" {convention.reference}" if convention.reference else ""
    return (
        f"convention{ref} signée le {format_date(convention.signed_on)}, en vigueur jusqu'au {end}"
    )


def _header(convention: Convention) -> str:
    """The convention's header (TAR-4): SIRET, service de gestion comptable, deliberation."""
    deliberation = convention.deliberation
    if deliberation is None:
        voted = "inconnue"
    else:
        number = f"n° {deliberation.number} " if deliberation.number else ""
        voted = f"{number}du {format_date(deliberation.on)}"
    return (
        f"SIRET : {convention.siret or 'inconnu'} ; service de gestion comptable : "
        f"{convention.sgc or 'inconnu'} ; délibération : {voted}"
    )


def _sign(args: argparse.Namespace) -> int:
    voted_on = _day(args.deliberation_date) if args.deliberation_date else None
    with open_app(args) as app:
        convention = app.memberships.sign_convention(
            args.commune, by=actor(args), on=_day(args.date), reference=args.reference,
            siret=args.siret,
            sgc=args.sgc, deliberation_on=voted_on, deliberation_number=args.deliberation_number,
        )  # fmt: skip
        where = commune_label(app, convention.insee)
    print(f"{where} : {_describe(convention)}")
    print(_header(convention))
    print(f"préavis au plus tard le {format_date(convention.notice_deadline)}, sinon reconduction "
          f"tacite le {format_date(convention.renewal_date)}")  # fmt: skip
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        conventions = app.memberships.list_conventions(commune=args.commune)
        names = _names(app, [c.insee for c in conventions])
        people = actor_names(app, [c.recorded_by for c in conventions])
    rows = [
        (c.insee, names.get(c.insee, ""), c.reference, c.signed_on,
         c.last_day, c.siret or "", c.sgc,
         c.deliberation.on if c.deliberation else None,
         c.deliberation.number if c.deliberation else "", shown(people, c.recorded_by))
        for c in conventions
    ]  # fmt: skip
    headers = ("code", "commune", "référence", "signée le", "dernier jour", "SIRET",
               "service de gestion comptable", "délibération du", "délibération n°",
               "enregistrée par")  # fmt: skip
    if args.csv is not None:
        args.csv.write_text(to_csv(headers, rows), encoding="utf-8")
        print(
            f"{plural(len(conventions), 'convention écrite', 'conventions écrites')} dans {args.csv}"
        )
        return 0
    print_table(headers, rows)
    print(f"\n{plural(len(conventions), 'convention')}")
    return 0


def _status(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        on = _day(args.date) if args.date else None
        status = app.memberships.convention_status(args.commune, on=on)
        where = commune_label(app, args.commune)
    when = format_date(status.on)
    convention = status.convention
    if convention is None:
        print(f"{where} : aucune convention")
        return 0
    if not status.in_force:
        print(f"{where} : pas de convention en vigueur le {when} ({_describe(convention)})")
    else:
        term = "période reconduite" if status.renewed else "première période"
        print(f"{where} : en vigueur le {when}, {term} ; {_describe(convention)}")
    print(_header(convention))
    if not status.in_force:
        return 0
    if convention.notice is not None:
        by = "le CDG" if convention.notice.by is Party.CDG else "la collectivité"
        print(f"dénoncée le {format_date(convention.notice.given_on)} par {by}")
    elif not status.renewed:
        print(f"préavis au plus tard le {format_date(convention.notice_deadline)}, sinon "
              f"reconduction tacite le {format_date(convention.renewal_date)}")  # fmt: skip
    return 0


def _notice(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        convention = app.memberships.give_notice(
            args.commune, by=actor(args), on=_day(args.date), party=args.party
        )
        where = commune_label(app, convention.insee)
    print(f"{where} : convention dénoncée, dernier jour le {format_date(convention.last_day)} "
          "(sans indemnité)")  # fmt: skip
    return 0


def _due(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        start = _day(args.date) if args.date else app.today()
        deadlines = app.memberships.list_deadlines(on=start, days=args.days)
        places = commune_labels(app, [d.convention.insee for d in deadlines])
    rows = [(format_date(d.on, format="short"), places[d.convention.insee], d.label)
            for d in deadlines]  # fmt: skip
    print_table(("date", "commune", "échéance"), rows)
    print(f"\n{plural(len(deadlines), 'échéance')} du {format_date(start)} au "

          f"{format_date(start + dt.timedelta(days=args.days))}")  # fmt: skip
    return 0


def _trainee(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        trainee = app.billing.add_trainee(
            args.person,
            by=actor(args),
            first_job_start=_day(args.start),
            programme=args.programme,
        )
    print(f"stagiaire {trainee.person} enregistré : {short(trainee.id)}")
    return 0


def _add(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        intervention = app.billing.add_intervention(
            args.commune, args.kind, args.minutes, by=actor(args), on=_day(args.date),
            on_site=args.on_site,
            trainee=resolve(app, "trainees", args.trainee) if args.trainee else None,
            description=args.description, ref=args.ref,
            requested_by=args.requested_by,
            requested_on=_day(args.requested_on) if args.requested_on else None,
            siret=args.siret, sgc=args.sgc,
        )  # fmt: skip
        service = app.memberships.grid(year=intervention.on.year).service(intervention.kind)
        where = commune_label(app, intervention.insee)
    print(f"intervention du {format_date(intervention.on)} pour {where} enregistrée : "
          f"{service.label} ({service.article}), {intervention.minutes} min")  # fmt: skip
    request = intervention.request
    if request is not None:
        print(f"à la demande de {request.requested_by} du {format_date(request.on)}")
    return 0


def _bill(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        year = args.year or app.today().year
        by = actor(args)
        invoices = app.billing.bill(year=year, by=by)  # no grid configured: TAR-2
        issuer = app.billing.issuer()  # TAR-8: no invoice document without the CDG's identity
        names = _names(app, [i.insee for i in invoices])
        billed_by = actor_names(app, [i.billed_by for i in invoices[:1]])
        exports: dict[Literal["csv", "json"], Path | None] = {"csv": args.csv, "json": args.json}
        for format, path in exports.items():
            if path is not None:
                data = app.billing.export_invoice_lines(year=year, by=by, format=format)
                if isinstance(data, bytes):
                    path.write_bytes(data)
                else:
                    path.write_text(data + "\n", encoding="utf-8")
    print_invoice_documents(invoices, names, year, issuer=issuer)
    if invoices:
        print(f"factures établies par {shown(billed_by, invoices[0].billed_by)}")
    for path in (p for p in exports.values() if p is not None):
        print(f"lignes écrites dans {path}")
    return 0
