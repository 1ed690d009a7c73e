"""``rsgm events …`` (EVT-1..EVT-7), ``rsgm calendar export`` (EVT-8), ``rsgm surveys …`` (SUR-1,
EVT-9) and ``rsgm newsletter send`` (EVT-10).

A record is named by its id, an unambiguous prefix of 8 characters or more
(``rsgm events timeline 3f2a9c1b``), or a person by their e-mail (:mod:`rsgm_core.cli.naming`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from rsgm_core.cli.common import (
    actor,
    add_action,
    add_actor_option,
    add_group,
    decimal_number,
    open_app,
    print_table,
    write_output,
)
from rsgm_core.cli.naming import MEMBER_HELP, RECORD_HELP, member_label, of, resolve, short
from rsgm_core.cli.progress import add_quiet_option, progress_line
from rsgm_core.domain.events import (
    EventAudience,
    EventFormat,
    EventKind,
    RegistrationStatus,
    SessionPlan,
)
from rsgm_core.domain.indicators import Period
from rsgm_core.errors import ValidationError
from rsgm_core.render.formatting import (
    format_date,
    format_date_short,
    format_money,
    format_number,
    format_percent,
)
from rsgm_core.render.french import plural


def register(commands: Any) -> None:
    actions = add_group(commands, "events", "événements du réseau : planning, inscriptions, suivi")

    plan = add_action(
        actions, "plan", "planifier un événement et ses séances (EVT-1, EVT-3)", _plan
    )
    plan.add_argument("title", metavar="TITRE")
    plan.add_argument("--type", required=True, choices=[k.value for k in EventKind], dest="kind")
    plan.add_argument("--format", required=True, choices=[f.value for f in EventFormat])
    plan.add_argument(
        "--seance", action="append", required=True, dest="sessions", metavar="DATE;LIEU[;PLACES[;HH:MM-HH:MM]]",
        help="répétable : une séance par lieu, ex. « 2025-06-19;Salle des fêtes, Niort;40;09:30-16:30 »",
    )  # fmt: skip
    plan.add_argument("--sujet", action="append", default=[], dest="topics")
    plan.add_argument("--cout", default=Decimal(0), type=decimal_number, dest="cost",
                      help="coût en euros, ex. 350,50 (au plus 1 000 000)")  # fmt: skip
    plan.add_argument("--commune", dest="host", metavar="CODE_INSEE", help="commune d'accueil")
    plan.add_argument("--reseau", dest="network", metavar="RESEAU",
                      help=f"réseau communautaire : {RECORD_HELP}")  # fmt: skip
    plan.add_argument("--forcer", action="store_true", dest="force",
                      help="accepter moins d'un mois de préavis (l'événement est signalé)")  # fmt: skip
    plan.add_argument(
        "--public", choices=[a.value for a in EventAudience], default=EventAudience.SCOPE.value,
        dest="audience",
        help="qui peut s'inscrire et qui est invité (EVT-4, MEM-14) : membres, tous les SGM du "
        "ressort (par défaut) ou aussi des invités (élus, partenaires, agents des communes de "
        "3 500 habitants et plus)",
    )  # fmt: skip

    add_action(actions, "list", "lister les événements", _list).add_argument(
        "--annee", "--year", type=int, dest="year"
    )
    add_action(
        actions, "timeline", "calendrier logistique d'un événement (EVT-2)", _timeline
    ).add_argument("event", metavar="EVENEMENT")
    todo = add_action(actions, "todo", "tâches de la semaine, tous événements (EVT-2)", _todo)
    todo.add_argument("--du", type=dt.date.fromisoformat, dest="start", metavar="AAAA-MM-JJ")
    todo.add_argument("--au", type=dt.date.fromisoformat, dest="end", metavar="AAAA-MM-JJ")
    done = add_action(actions, "done", "marquer une tâche faite", _done)
    done.add_argument("event", metavar="EVENEMENT")
    done.add_argument("task", metavar="TACHE", help="ex. « information des maires »")
    invite = add_action(actions, "invite", "envoyer l'invitation (avec la date limite)", _invite)
    invite.add_argument("event", metavar="EVENEMENT")
    add_quiet_option(invite)
    invite.add_argument(
        "--lister", action="store_true", dest="list_unreached",
        help="nommer les personnes non jointes et pourquoi (sans e-mail, désinscrites, effacées)",
    )  # fmt: skip
    add_action(
        actions, "remind", "relancer les invités non inscrits (D − 15 jours)", _remind
    ).add_argument("event", metavar="EVENEMENT")
    deadline = add_action(
        actions, "deadline", "changer la date limite d'inscription d'une séance (EVT-4)",
        _deadline,
    )  # fmt: skip
    deadline.add_argument("session", metavar="SEANCE")
    deadline.add_argument("deadline", metavar="AAAA-MM-JJ",
                          help="nouvelle date limite (fin de journée), au plus le jour de la séance")  # fmt: skip
    add_actor_option(deadline, "l'agent du CDG qui change la date limite (CHA-2)")
    reg = add_action(actions, "register", "inscrire un membre à une séance (EVT-4)", _register)
    reg.add_argument("session", metavar="SEANCE", help=RECORD_HELP)
    reg.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    add_action(actions, "cancel", "annuler une inscription (EVT-4)", _cancel).add_argument(
        "registration", metavar="INSCRIPTION", help=RECORD_HELP
    )
    attend = add_action(actions, "attend", "saisir l'émargement d'une séance (EVT-5)", _attend)
    attend.add_argument("session", metavar="SEANCE")
    attend.add_argument(
        "present",
        nargs="*",
        metavar="MEMBRE",
        help=f"les présents ({MEMBER_HELP}) ; les autres inscrits sont absents",
    )
    attend.add_argument(
        "--sur-place", action="append", default=[], dest="walk_ins", metavar="MEMBRE",
        help="répétable : une personne venue le jour même sans place confirmée, comptée comme "
        "inscrite et présente (EVT-4)",
    )  # fmt: skip
    sheet = add_action(actions, "sheet", "feuille d'émargement imprimable (EVT-5)", _sheet)
    sheet.add_argument("session", metavar="SEANCE")
    sheet.add_argument("--format", choices=["html", "csv"], default="html")
    sheet.add_argument("--sortie", "-o", "--output", dest="output")
    add_actor_option(sheet, "l'agent du CDG qui édite la feuille (CHA-2)")
    certs = add_action(actions, "certificates", "attestations de présence (EVT-6)", _certificates)
    certs.add_argument("event", metavar="EVENEMENT")
    certs.add_argument(
        "--dossier", dest="folder", metavar="DOSSIER", help="écrire un fichier par présent"
    )
    certs.add_argument("--pdf", action="store_true", help="en PDF (extra « pdf »)")
    certs.add_argument("--envoyer", action="store_true", dest="send", help="envoyer par courriel")
    track = add_action(actions, "track", "tableau de suivi des événements (EVT-7)", _track)
    track.add_argument("--annee", "--year", type=int, dest="year")
    track.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
    track.add_argument("--sortie", "-o", "--output", dest="output")


def resolve_id(app: Any, collection: str, prefix: str) -> str:
    """A full id from the one way to name a record (full id, prefix of 8 characters or more,
    a person's e-mail)."""
    return resolve(app, collection, prefix)


#: A registration's state, agreeing with « inscription ».
_STATUS = {
    RegistrationStatus.CONFIRMED: "inscrite",
    RegistrationStatus.WAITING: "en liste d'attente",
    RegistrationStatus.CANCELLED: "annulée",
}


def _session_plan(text: str) -> SessionPlan:
    parts = [p.strip() for p in text.split(";")]
    try:
        day = dt.date.fromisoformat(parts[0])
        capacity = int(parts[2]) if len(parts) > 2 and parts[2] else None
        plan = SessionPlan(day, parts[1], capacity=capacity)
        if len(parts) > 3 and parts[3]:
            start, end = parts[3].split("-")
            plan = attrs.evolve(
                plan, start=dt.time.fromisoformat(start), end=dt.time.fromisoformat(end)
            )
        return plan
    except (ValueError, IndexError) as exc:
        raise ValidationError(
            f"séance illisible : {text!r} (attendu DATE;LIEU[;PLACES[;HH:MM-HH:MM]])",
            rule="EVT-1",
            value=text,
        ) from exc


def _plan(args: argparse.Namespace) -> int:
    cost = args.cost  # a finite number (decimal_number); its bounds are the event's (EVT-7)
    plans = [_session_plan(s) for s in args.sessions]
    with open_app(args) as app:
        planned = app.events.plan(
            args.title, args.kind, args.format, plans, topics=args.topics, cost=cost,
            host_commune=args.host, force=args.force,
            network_id=resolve(app, "networks", args.network) if args.network else None,
            audience=args.audience,
        )  # fmt: skip
        locale = app.settings.locale
    print(f"événement planifié : {short(planned.event.id)} « {planned.event.title} »")
    for s in planned.sessions:
        print(
            f"  séance {short(s.id)} : {format_date(s.date, locale)} {s.place}, inscriptions jusqu'au {format_date(s.deadline, locale)}"
        )
    print(f"public : {planned.event.audience.label}")
    if planned.event.audience is not EventAudience.MEMBERS:  # MEM-14, TER-3
        target = format_number(app.settings.policies.target_below, app.settings.locale)
        print(f"invitations : les SGM des communes de moins de {target} habitants (public cible)")
    if planned.check.late:
        print(f"attention : invitation attendue le {format_date(planned.check.invitation_due, locale)}, "
              "moins d'un mois de préavis (EVT-3) ; l'événement est signalé")  # fmt: skip
    for warning in planned.warnings:  # EVT-11: recorded with the event
        print(f"attention : {warning.message} (EVT-11)")
    if planned.warnings:
        kept = plural(len(planned.warnings), "alerte", "alertes")
        print(f"{kept} de planification {'gardées' if len(planned.warnings) > 1 else 'gardée'} "
              "avec l'événement")  # fmt: skip
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.events.list_events(year=args.year)
    print_table(
        ("id", "dates", "titre", "type", "séances", "invités", "signalé"),
        [(e.id[:8], ", ".join(format_date_short(s.date) for s in ss), e.title, e.kind.value,
          " ; ".join(f"{s.id[:8]} {s.place}" for s in ss), e.invited, "oui" if e.late else "")
         for e, ss in ((d.event, d.sessions) for d in found)],
        numeric={5},
    )  # fmt: skip
    return 0


def _timeline(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        event_id = resolve_id(app, "events", args.event)
        event = app.events.get(event_id).event
        tasks = app.events.timeline(event_id)
    print(f"{event.title}\n")
    print_table(
        ("échéance", "tâche", "date théorique", "faite"),
        [(t.due, t.label, t.nominal, "oui" if t.kind.value in event.done else "")
         for t in tasks],
    )  # fmt: skip
    return 0


def _todo(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        period = None
        if args.start or args.end:
            today = app.today()
            start = args.start or today - dt.timedelta(days=today.weekday())
            period = Period(start, args.end or start + dt.timedelta(days=6))
        items = app.events.todo(period=period)
        week = period or Period(app.today() - dt.timedelta(days=app.today().weekday()),
                                app.today() + dt.timedelta(days=6 - app.today().weekday()))  # fmt: skip
        rendus = [d for d in app.working_groups.list_dates(period=week) if d.event_id is None]
    if not items and not rendus:
        print("rien à faire cette semaine")
        return 0
    if items:
        print_table(
            ("échéance", "événement", "tâche", ""),
            [(i.task.due, f"{i.event.title} ({i.event.id[:8]})", i.task.label,
              "EN RETARD" if i.overdue else "") for i in items],
        )  # fmt: skip
    for rendu in rendus:  # NET-5: the working groups' restitutions are the network's dates too
        print(f"{format_date(rendu.on)} : restitution du groupe de travail « {rendu.group.name} »")
    return 0


def _done(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        app.events.mark_done(resolve_id(app, "events", args.event), args.task)
    print("tâche marquée faite")
    return 0


def _invite(args: argparse.Namespace) -> int:
    with open_app(args) as app, progress_line(args) as progress:
        done = app.event_mail.invite(resolve_id(app, "events", args.event), progress=progress)
    print(f"invitation envoyée à {_people(done.sent)} ; {_people(done.invited)} invitée"
          f"{'s' if done.invited > 1 else ''} en tout")  # fmt: skip
    if done.unreached:  # EVT-5: only who was reached counts as invited
        count = len(done.unreached)
        reasons = ", ".join(r.counted(n) for r, n in done.count_by_reason().items())
        print(f"{count} membre{'s' if count > 1 else ''} non joint{'s' if count > 1 else ''} : "
              f"{reasons}" + ("" if args.list_unreached else " (--lister pour les nommer)"))  # fmt: skip
        if args.list_unreached:
            print_table(
                ("nom", "adresse", "raison"),
                [(u.member.full_name, u.member.email or "", u.reason.value)
                 for u in done.unreached],
            )  # fmt: skip
    return 0


def _people(count: int) -> str:
    return f"{count} personne{'s' if count > 1 else ''}"


def _remind(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        done = app.event_mail.remind(resolve_id(app, "events", args.event))
    print(f"rappel envoyé à {_people(done.reminded)} encore inscrite"
          f"{'s' if done.reminded > 1 else ''} ; relance envoyée à {_people(done.relanced)} "
          f"invitée{'s' if done.relanced > 1 else ''} sans réponse")  # fmt: skip
    return 0


def _deadline(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        session_id = resolve_id(app, "sessions", args.session)
        with app.deps.read() as uow:
            old = uow.sessions.get(session_id).deadline
        changed = app.events.set_deadline(session_id, _date(args.deadline), by=actor(args))
        locale = app.settings.locale
        title = app.events.get(changed.event_id).event.title
    print(f"{title}, séance du {format_date(changed.date, locale)} "
          f"({changed.place}) : inscriptions jusqu'au {format_date(changed.deadline, locale)} "
          f"(auparavant le {format_date(old, locale)})")  # fmt: skip
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(
            f"date limite illisible : {text!r} (attendu AAAA-MM-JJ)", rule="EVT-4", value=text
        ) from exc


def _register(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member_id = resolve_id(app, "members", args.member)
        made = app.registrations.register(resolve_id(app, "sessions", args.session), member_id)
        who = member_label(app, member_id)
    print(f"inscription {of(who)} : {_STATUS[made.status]} (rang {made.rank})")
    return 0


def _cancel(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        done = app.registrations.cancel(resolve_id(app, "registrations", args.registration))
        promoted = done.promoted
        name = app.members.get(promoted.member_id).full_name if promoted else None
        who = member_label(app, done.cancelled.member_id)
    print(f"inscription {of(who)} annulée")
    if name:
        print(f"{name} : place confirmée depuis la liste d'attente, un message l'en avertit")
    return 0


def _attend(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        session_id = resolve_id(app, "sessions", args.session)
        present = [resolve_id(app, "members", p) for p in args.present]
        walk_ins = [resolve_id(app, "members", p) for p in args.walk_ins]
        marked = app.registrations.attend(session_id, present, walk_ins=walk_ins)
    came = sum(1 for r in marked if r.attended)
    print(f"émargement enregistré : {plural(came, 'présent')}, {plural(len(marked) - came, 'absent')}"
          + (f", dont {plural(len(walk_ins), 'personne venue', 'personnes venues')} sur place"
             if walk_ins else ""))  # fmt: skip
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from rsgm_core.render.event_documents import sign_in_csv, sign_in_html

    with open_app(args) as app:
        sheet = app.registrations.sign_in(resolve_id(app, "sessions", args.session), by=actor(args))
        locale = app.settings.locale
    data = (
        sign_in_html(sheet.event, sheet.session, sheet.members, locale=locale)
        if args.format == "html"
        else sign_in_csv(sheet.event, sheet.session, sheet.members)
    )
    write_output(data, args.output)
    return 0


def _certificates(args: argparse.Namespace) -> int:
    from rsgm_core.render.event_documents import certificate_attachments, certificate_identity

    with open_app(args) as app:
        if args.folder or args.send:  # EVT-6: made by the CDG of the profile, or not at all
            certificate_identity(app.settings.cdg)
        event_id = resolve_id(app, "events", args.event)
        event = app.events.get(event_id).event
        found = app.registrations.list_certificates(event_id=event_id)
        if args.folder:
            folder = Path(args.folder)
            folder.mkdir(parents=True, exist_ok=True)
            for doc in certificate_attachments(  # EVT-6: one file per attendee
                event, found, pdf=args.pdf, settings=app.settings, on=app.today()
            ):
                (folder / doc.filename).write_bytes(doc.content)
            written = plural(len(found), "attestation", "attestations")
            print(
                f"{written} de présence {'écrites' if len(found) > 1 else 'écrite'} dans {folder}"
            )
        if args.send:
            sent = app.event_mail.send_certificates(event_id, pdf=args.pdf)
            print(plural(sent, "attestation envoyée", "attestations envoyées"))
    if not args.folder and not args.send:
        print_table(
            ("nom", "séance"),
            [
                (r.member.full_name, f"{format_date_short(r.session.date)} {r.session.place}")
                for r in found
            ],
        )
    return 0


def _track(args: argparse.Namespace) -> int:
    from rsgm_core.render.event_documents import tracking_csv, tracking_xlsx

    with open_app(args) as app:
        rows = app.events.list_tracking_rows(year=args.year)
        locale = app.settings.locale
    if args.format == "csv":
        write_output(tracking_csv(rows, locale=locale), args.output)
    elif args.format == "xlsx":
        if not args.output:
            raise ValidationError(
                "l'export Excel s'écrit dans un fichier : ajoutez --sortie FICHIER.xlsx"
            )
        write_output(tracking_xlsx(rows), args.output)
    else:
        print_table(
            ("événement", "dates", "lieux", "participation", "coût", "coût/présent"),

            [(r.title, ", ".join(format_date(d, locale, "short") for d in r.dates), " ; ".join(r.places),
              "" if r.participation is None else format_percent(r.participation, locale, 1),
              format_money(r.cost, locale),
              "" if r.cost_per_attendee is None else format_money(r.cost_per_attendee, locale))
             for r in rows],
        )  # fmt: skip
    return 0
