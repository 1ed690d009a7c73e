"""``rsgm budget|venues|speakers|animation-time|means`` (NET-8, MEM-10): the network's means —
budget lines, venues chosen for sessions, speakers, animators' time — and their summary for a
year, as the annual report shows it."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    add_group,
    decimal_number,
    open_app,
    print_table,
    whole_number,
)
from rsgm_core.cli.dates import iso_date
from rsgm_core.cli.naming import RECORD_HELP, resolve, short
from rsgm_core.domain.means import Activity, BudgetNature
from rsgm_core.errors import NotFoundError, ValidationError

__all__ = ["register"]

_NATURES = [n.value for n in BudgetNature]
_ACTIVITIES = [a.value for a in Activity]


def register(commands: Any) -> None:
    _register_budget(commands)
    _register_venues(commands)
    _register_speakers(commands)
    _register_time(commands)
    summary_group = add_group(commands, "means", "les moyens du réseau d'une année (NET-8)")
    summary = add_action(
        summary_group, "summary", "budget, lieux, intervenants et temps d'animation", _summary
    )
    summary.add_argument("--annee", "--year", dest="year", type=int, required=True, metavar="AAAA")


def _register_budget(commands: Any) -> None:
    b_actions = add_group(commands, "budget", "lignes de budget du réseau (NET-8)")
    add = add_action(b_actions, "add", "enregistrer une ligne de budget", _budget_add)
    add.add_argument("nature", choices=_NATURES, metavar="NATURE", help=", ".join(_NATURES))
    add.add_argument("label", metavar="LIBELLE")
    add.add_argument("planned", type=decimal_number, metavar="MONTANT_PREVU", help="en euros")
    add.add_argument("--annee", "--year", dest="year", type=int, required=True, metavar="AAAA")
    add.add_argument(
        "--realise", dest="actual", type=decimal_number, metavar="MONTANT",
        help="le montant dépensé, s'il est connu",
    )  # fmt: skip
    add.add_argument(
        "--evenement", dest="event", metavar="EVENEMENT",
        help=f"l'événement dont la ligne fait partie du coût : {RECORD_HELP}",
    )  # fmt: skip
    add_actor_option(add, "l'animateur (agent du CDG) qui enregistre la ligne")
    actual = add_action(b_actions, "actual", "enregistrer le montant dépensé", _budget_actual)
    actual.add_argument("line", metavar="LIGNE", help=RECORD_HELP)
    actual.add_argument("actual", type=decimal_number, metavar="MONTANT", help="en euros")
    add_actor_option(actual, "l'animateur (agent du CDG) qui enregistre la dépense")
    remove = add_action(b_actions, "remove", "supprimer une ligne saisie par erreur", _remove)
    remove.add_argument("line", metavar="LIGNE", help=RECORD_HELP)
    add_actor_option(remove, "l'animateur (agent du CDG) qui supprime la ligne")
    listing = add_action(b_actions, "list", "lister les lignes d'une année", _budget_list)
    listing.add_argument("--annee", "--year", dest="year", type=int, required=True, metavar="AAAA")
    listing.add_argument("--evenement", dest="event", metavar="EVENEMENT", help=RECORD_HELP)
    export = add_action(b_actions, "export", "exporter les lignes d'une année", _budget_export)
    export.add_argument("--annee", "--year", dest="year", type=int, required=True, metavar="AAAA")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--sortie", "-o", "--output", dest="output", metavar="FICHIER")


def _register_venues(commands: Any) -> None:
    v_actions = add_group(commands, "venues", "lieux des rencontres (NET-8)")
    add = add_action(v_actions, "add", "enregistrer un lieu", _venue_add)
    add.add_argument("name", metavar="NOM")
    add.add_argument("--adresse-lieu", dest="address", required=True, metavar="ADRESSE")
    add.add_argument(
        "--places", dest="capacity", type=whole_number, required=True, metavar="NOMBRE"
    )
    add.add_argument("--commune", metavar="CODE_INSEE")
    add.add_argument(
        "--equipement", dest="equipment", action="append", default=[], metavar="EQUIPEMENT",
        help="un équipement (vidéoprojecteur, sonorisation…) ; l'option se répète",
    )  # fmt: skip
    add.add_argument("--accessibilite", dest="accessibility", metavar="TEXTE")
    add.add_argument(
        "--ouverture", dest="opener", metavar="CONTACT",
        help="qui ouvre la salle : nom, téléphone",
    )  # fmt: skip
    add_actor_option(add, "l'animateur (agent du CDG) qui enregistre le lieu")
    add_action(v_actions, "list", "lister les lieux", _venue_list)
    choose = add_action(v_actions, "choose", "choisir le lieu d'une séance", _venue_choose)
    choose.add_argument("session", metavar="SEANCE", help=RECORD_HELP)
    choose.add_argument("venue", metavar="LIEU", help="identifiant ou nom du lieu")
    add_actor_option(choose, "l'animateur (agent du CDG) qui choisit le lieu")


def _register_speakers(commands: Any) -> None:
    s_actions = add_group(commands, "speakers", "intervenants des séances (NET-8, MEM-10)")
    add = add_action(s_actions, "add", "ajouter un intervenant à une séance", _speaker_add)
    add.add_argument("session", metavar="SEANCE", help=RECORD_HELP)
    add.add_argument(
        "speaker", metavar="INTERVENANT",
        help="un membre (identifiant ou adresse) ou un partenaire de l'annuaire (identifiant "
        "ou nom ; un service interne du CDG est un partenaire de cette catégorie)",
    )  # fmt: skip
    add.add_argument("--sujet", dest="topic", metavar="SUJET")
    add_actor_option(add, "l'animateur (agent du CDG) qui enregistre l'intervenant")
    listing = add_action(s_actions, "list", "lister les intervenants d'une année", _speaker_list)
    listing.add_argument("--annee", "--year", dest="year", type=int, metavar="AAAA")
    add_action(s_actions, "years", "années d'intervention des partenaires (MEM-10)", _partner_years)


def _register_time(commands: Any) -> None:
    t_actions = add_group(commands, "animation-time", "temps des animateurs (NET-8)")
    log = add_action(t_actions, "log", "saisir du temps d'animation", _time_log)
    log.add_argument("member", metavar="ANIMATEUR", help="identifiant ou adresse d'un membre")
    log.add_argument(
        "--duree", "--minutes", dest="minutes", type=whole_number, required=True,
        metavar="MINUTES",
    )  # fmt: skip
    log.add_argument("--activite", dest="activity", choices=_ACTIVITIES, required=True)
    log.add_argument("--le", "--date", type=iso_date, dest="on", metavar="AAAA-MM-JJ")
    log.add_argument("--commentaire", dest="note", metavar="COMMENTAIRE")
    add_actor_option(log, "l'animateur (agent du CDG) qui saisit le temps")
    report = add_action(t_actions, "report", "le temps d'une année par activité", _time_report)
    report.add_argument("--annee", "--year", dest="year", type=int, required=True, metavar="AAAA")


def _money(amount: Any, locale: str) -> str:
    from rsgm_core.render.formatting import format_money

    return format_money(amount, locale)


def _budget_add(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        event = None if args.event is None else resolve(app, "events", args.event, rule="NET-8")
        line = app.means.add_budget_line(
            args.nature, args.label, args.planned, year=args.year, by=actor(args),
            actual=args.actual, event_id=event,
        )  # fmt: skip
        locale = app.settings.locale
        tail = ""
        if event is not None:
            cost = app.means.event_cost(event)
            title = app.events.get(event).event.title
            tail = f" ; coût de « {title} » : {_money(cost.cost, locale)}"
    print(
        f"ligne {short(line.id)} enregistrée : {line.label} ({line.nature.label}, "
        f"{line.year}), {_money(line.planned, locale)} prévus{tail}"
    )
    return 0


def _budget_actual(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        line = app.means.record_actual(args.line, args.actual, by=actor(args))
        locale = app.settings.locale
    assert line.actual is not None
    print(
        f"dépense enregistrée : {line.label}, {_money(line.actual, locale)} dépensés pour "
        f"{_money(line.planned, locale)} prévus"
    )
    return 0


def _remove(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        line = app.means.remove_budget_line(args.line, by=actor(args))
    print(f"ligne supprimée : {line.label} ({line.year})")
    return 0


def _budget_list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        event = None if args.event is None else resolve(app, "events", args.event, rule="NET-8")
        lines = app.means.list_budget_lines(year=args.year, event_id=event)
        titles = {d.event.id: d.event.title for d in app.events.list_events()}
        locale = app.settings.locale
    if not lines:
        print(f"aucune ligne de budget en {args.year}")
        return 0
    print_table(
        ("ligne", "nature", "libellé", "événement", "prévu", "réalisé"),
        [(short(l_.id), l_.nature.label, l_.label, titles.get(l_.event_id or "", ""),
          _money(l_.planned, locale),
          "" if l_.actual is None else _money(l_.actual, locale)) for l_ in lines],
    )  # fmt: skip
    return 0


def _budget_export(args: argparse.Namespace) -> int:
    from rsgm_core.cli.common import write_output

    if args.format == "xlsx" and not args.output:
        raise ValidationError(
            "l'export Excel s'écrit dans un fichier : ajoutez --sortie FICHIER.xlsx", rule="NET-8"
        )
    with open_app(args) as app:
        data = app.means.export_budget(year=args.year, format=args.format)
    write_output(data, args.output)
    return 0


def _venue_add(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        venue = app.means.add_venue(
            args.name, args.address, args.capacity, by=actor(args), commune=args.commune,
            equipment=args.equipment, accessibility=args.accessibility, opener=args.opener,
        )  # fmt: skip
    print(f"lieu {short(venue.id)} enregistré : {venue.name}, {venue.capacity} places")
    return 0


def _venue_list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        venues = app.means.list_venues()
    if not venues:
        print("aucun lieu enregistré")
        return 0
    print_table(
        ("lieu", "nom", "adresse", "places", "équipement", "accessibilité", "ouverture"),
        [(short(v.id), v.name, v.address, v.capacity, ", ".join(v.equipment),
          v.accessibility or "", v.opener or "") for v in venues],
        numeric={3},
    )  # fmt: skip
    return 0


def _venue_choose(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        session = resolve(app, "sessions", args.session, rule="NET-8")
        app.means.choose_venue(session, args.venue, by=actor(args))
        venue = app.means.venue_of(session)
        named = app.records.resolve("sessions", session).name
    assert venue is not None
    print(f"séance {named} : lieu « {venue.name} » ({venue.capacity} places)")
    return 0


def _speaker_add(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        session = resolve(app, "sessions", args.session, rule="NET-8")
        speaker = app.means.add_speaker(session, args.speaker, by=actor(args), topic=args.topic)
        who = _speaker_name(app, speaker)
        named = app.records.resolve("sessions", session).name
    print(f"intervenant ajouté à la séance {named} : {who} ({speaker.kind.label})")
    return 0


def _speaker_name(app: Any, speaker: Any) -> str:
    if speaker.member_id is not None:
        return str(app.members.get(speaker.member_id).full_name)
    try:
        partner = app.partners.get(speaker.partner_id)
    except NotFoundError:
        return "partenaire retiré de l'annuaire"
    return f"{partner.name} ({partner.organisation})"


def _speaker_list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        speakers = app.means.list_speakers(year=args.year)
        rows = [
            (app.records.resolve("sessions", s.session_id).name, _speaker_name(app, s),
             s.kind.label, s.topic or "")
            for s in speakers
        ]  # fmt: skip
    if not rows:
        print("aucun intervenant enregistré")
        return 0
    print_table(("séance", "intervenant", "qualité", "sujet"), rows)
    return 0


def _partner_years(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.partners.list_intervention_years()
        names = {p.id: p.name for p in app.partners.list_partners()}
    if not found:
        print("aucun partenaire dans l'annuaire")
        return 0

    def years(values: tuple[int, ...]) -> str:
        return ", ".join(str(y) for y in values) or "—"

    print_table(
        ("partenaire", "années déclarées", "années des séances", "années d'intervention"),
        [(names[y.partner_id], years(y.declared), years(y.from_sessions), years(y.years))
         for y in found],
    )  # fmt: skip
    return 0


def _time_log(args: argparse.Namespace) -> int:
    from rsgm_core.services.means_report import hours

    with open_app(args) as app:
        member = resolve(app, "members", args.member, rule="NET-8")
        entry = app.means.log_time(
            member, args.minutes, args.activity, by=actor(args), on=args.on, note=args.note
        )
        name = app.members.get(entry.member_id).full_name
    print(
        f"temps saisi : {name}, {hours(entry.minutes)} le {entry.day:%d/%m/%Y} "
        f"({entry.activity.label})"
    )
    return 0


def _time_report(args: argparse.Namespace) -> int:
    from rsgm_core.services.means_report import hours

    with open_app(args) as app:
        time = app.means.summary(year=args.year).time
    if not time.by_activity:
        print(f"aucun temps d'animation en {args.year}")
        return 0
    print_table(
        ("activité", "heures"),
        [*((label, hours(m)) for label, m in time.by_activity), ("total", hours(time.minutes))],
    )
    for animator in time.by_animator:
        print(f"{animator.name} : {hours(animator.minutes)}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    from rsgm_core.services.means_report import (
        budget_section,
        event_titles,
        time_section,
        venues_section,
    )

    with open_app(args) as app:
        summary = app.means.summary(year=args.year)
        with app.deps.read() as uow:
            titles = event_titles(uow)
    for section in (
        budget_section(summary, titles),
        venues_section(summary),
        time_section(summary),
    ):
        print(section.title)
        if section.is_empty:
            print(f"  {section.empty}")
        for line in section.lines:
            print(f"  {line}")
        if section.table is not None and section.table.rows:
            print_table(section.table.head, section.table.rows)
        print()
    return 0
