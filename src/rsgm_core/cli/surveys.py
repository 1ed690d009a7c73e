"""``rsgm calendar export|add-series`` (EVT-8), ``rsgm surveys send|answer|list|due`` (SUR-1,
EVT-9) with ``create|questions|results|import|restitution`` (SUR-2, :mod:`.survey_actions`) and ``rsgm newsletter send`` (EVT-10)."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from rsgm_core.cli.common import add_action, add_group, open_app, print_table, write_output
from rsgm_core.cli.events import resolve_id
from rsgm_core.cli.naming import MEMBER_HELP, RECORD_HELP, short
from rsgm_core.cli.progress import add_quiet_option, progress_line
from rsgm_core.cli.survey_actions import SETS, register_questionnaires, responses_of
from rsgm_core.domain.events import EventAudience, EventFormat, EventKind, SurveyKind
from rsgm_core.render.formatting import format_date, format_percent
from rsgm_core.render.french import plural


def register(commands: Any) -> None:
    c_actions = add_group(commands, "calendar", "agenda iCalendar du réseau (EVT-8)")
    export = add_action(c_actions, "export", "exporter le fil iCalendar (.ics)", _calendar)
    who = export.add_mutually_exclusive_group()
    who.add_argument("--reseau", dest="network", metavar="RESEAU", help=RECORD_HELP)
    who.add_argument("--membre", dest="member", metavar="PERSONNE", help=MEMBER_HELP)
    export.add_argument("--sortie", "-o", "--output", dest="output")
    series = add_action(
        c_actions, "add-series", "ajouter un événement récurrent (RRULE RFC 5545)", _series
    )
    series.add_argument("title", metavar="TITRE")
    series.add_argument("--type", required=True, choices=[k.value for k in EventKind], dest="kind")
    series.add_argument("--format", required=True, choices=[f.value for f in EventFormat])
    series.add_argument("--debut", required=True, type=dt.datetime.fromisoformat, dest="start",
                        metavar="AAAA-MM-JJTHH:MM")  # fmt: skip
    series.add_argument(
        "--regle", required=True, dest="rule", metavar="RRULE", help="ex. FREQ=MONTHLY;BYDAY=1TH"
    )
    series.add_argument("--duree", type=int, default=90, dest="minutes", metavar="MINUTES")
    series.add_argument("--lieu", default="", dest="place")
    series.add_argument("--places", type=int, dest="capacity", metavar="NOMBRE",
                        help="places par séance (liste d'attente au-delà, EVT-4)")  # fmt: skip
    series.add_argument(
        "--public", choices=[a.value for a in EventAudience], default=EventAudience.SCOPE.value,
        dest="audience", help="qui peut s'inscrire et qui est invité (EVT-4, MEM-14)",
    )  # fmt: skip
    series.add_argument("--reseau", dest="network", metavar="RESEAU", help="réseau communautaire")
    series.add_argument("--forcer", action="store_true", dest="force",
                        help="accepter moins d'un mois de préavis pour la première séance (EVT-3)")  # fmt: skip

    s_actions = add_group(commands, "surveys", "questionnaires (SUR-1, SUR-2, EVT-9)")
    send = add_action(s_actions, "send", "envoyer un questionnaire", _survey_send)
    send.add_argument("kind", nargs="?", choices=[k.value for k in SurveyKind], metavar="TYPE",
                      help=" | ".join(k.value for k in SurveyKind))  # fmt: skip
    send.add_argument("--questionnaire", dest="survey", metavar="QUESTIONNAIRE",
                      help="le questionnaire préparé par « rsgm surveys create »")  # fmt: skip
    send.add_argument("--jeu", dest="question_set", metavar="JEU",
                      help="jeu de questions livré : " + SETS)  # fmt: skip
    send.add_argument("--evenement", dest="event", metavar="EVENEMENT", help=RECORD_HELP)
    send.add_argument("--membre", dest="member", metavar="PERSONNE", help=MEMBER_HELP)
    send.add_argument("--titre", dest="title")
    send.add_argument("--lien", default="", dest="link", metavar="URL")
    answer = add_action(s_actions, "answer", "enregistrer une réponse", _survey_answer)
    answer.add_argument("survey", metavar="QUESTIONNAIRE", help=RECORD_HELP)
    answer.add_argument("--note", type=int, dest="score", help="de 1 à 5")
    answer.add_argument("--membre", dest="member", metavar="PERSONNE", help=MEMBER_HELP)
    answer.add_argument("--commentaire", default="", dest="comment")
    answer.add_argument("--reponse", action="append", default=[], dest="responses",
                        metavar="CLE=VALEUR", help="réponse à une question (à répéter)")  # fmt: skip
    answer.add_argument("--le", type=dt.date.fromisoformat, dest="on")
    register_questionnaires(s_actions)
    add_action(s_actions, "list", "questionnaires et taux", _survey_list)
    add_action(s_actions, "due", "questionnaires à envoyer maintenant", _survey_due)

    n_actions = add_group(commands, "newsletter", "lettre d'information (EVT-10)")
    n_send = add_action(n_actions, "send", "envoyer la lettre du mois", _newsletter)
    n_send.add_argument("subject", metavar="OBJET")
    n_send.add_argument(
        "--fichier-texte",
        "--texte",
        required=True,
        dest="text",
        metavar="FICHIER",
        help="le texte de la lettre",
    )
    n_send.add_argument(
        "--forcer", action="store_true", dest="force", help="seconde lettre du mois"
    )
    n_send.add_argument("--desinscription", dest="unsubscribe", metavar="URL")
    add_quiet_option(n_send)


def _calendar(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member = resolve_id(app, "members", args.member) if args.member else None
        network = resolve_id(app, "networks", args.network) if args.network else None
        feed = app.events.feed(network_id=network, member_id=member)
    write_output(feed, args.output)
    return 0


def _series(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        made = app.events.add_series(
            args.title, args.kind, args.format, args.start, args.rule, minutes=args.minutes,
            place=args.place, capacity=args.capacity, audience=args.audience,
            network_id=args.network, force=args.force,
        )  # fmt: skip
        events = [d for d in app.events.list_events() if d.event.series_id == made.id]
        locale, zone = app.settings.locale, app.settings.zone
    asked = args.start if args.start.tzinfo else args.start.replace(tzinfo=zone)
    print(f"série « {made.title} » enregistrée ({short(made.id)}) : {made.rule}")
    if made.start != asked:  # EVT-8: DTSTART is always an occurrence of the rule
        print(f"début déplacé au {format_date(made.start.date(), locale)} à "
              f"{made.start.astimezone(zone):%H:%M}, première occurrence de la règle")  # fmt: skip
    print(f"{plural(len(events), 'séance ouverte', 'séances ouvertes')} aux inscriptions "
          "(une par occurrence) :")  # fmt: skip
    print_table(
        ("événement", "séance", "date", "heure", "inscriptions jusqu'au"),
        [(short(d.event.id), short(s.id), format_date(s.date, locale), f"{s.start:%H:%M}",
          format_date(s.deadline, locale)) for d in events for s in d.sessions],
    )  # fmt: skip
    late = sum(1 for d in events if d.event.late)
    if late:
        print(f"attention : {plural(late, 'séance', 'séances')} avec moins d'un mois de préavis "
              f"(EVT-3), {'signalées' if late > 1 else 'signalée'}")  # fmt: skip
    return 0


def _survey_send(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        event = resolve_id(app, "events", args.event) if args.event else None
        member = resolve_id(app, "members", args.member) if args.member else None
        survey_id = resolve_id(app, "surveys", args.survey) if args.survey else None
        survey = app.surveys.send(
            args.kind,
            survey_id=survey_id,
            title=args.title,
            event_id=event,
            member_id=member,
            link=args.link,
            question_set=args.question_set,
        )
    print(
        f"questionnaire « {survey.title} » ({short(survey.id)}) envoyé à "
        f"{plural(survey.invited, 'personne')}"
    )
    return 0


def _survey_answer(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        member = resolve_id(app, "members", args.member) if args.member else None
        app.surveys.answer(resolve_id(app, "surveys", args.survey), score=args.score, member_id=member,
                           comment=args.comment, responses=responses_of(args.responses),
                           on=args.on)  # fmt: skip
    print("réponse enregistrée")
    return 0


def _survey_list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.surveys.list_surveys()
        locale = app.settings.locale

    def pct(value: Decimal | None) -> str:
        return "" if value is None else format_percent(value, locale, 1)

    print_table(
        ("id", "date", "type", "titre", "réponses", "satisfaction", "taux de réponse"),
        [(r.survey.id[:8], format_date(r.survey.opened_on, locale), r.survey.kind.value, r.survey.title,
          r.answers, pct(r.satisfaction), pct(r.response)) for r in found],
        numeric={4},
    )  # fmt: skip
    return 0


def _survey_due(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.surveys.list_due_surveys()
    if not found:
        print("aucun questionnaire à envoyer")
    for due in found:
        target = due.event_id or due.member_id
        print(f"- {due.kind.value} : {due.reason}" + (f" ({target[:8]})" if target else ""))
    return 0


def _newsletter(args: argparse.Namespace) -> int:
    text = Path(args.text).read_text(encoding="utf-8")
    with open_app(args) as app:
        with progress_line(args) as progress:
            sent = app.surveys.newsletter(
                args.subject,
                text,
                force=args.force,
                unsubscribe=args.unsubscribe,
                progress=progress,
            )
        delivery = app.outbox.last_delivery if sent.recipients else None
    print(
        f"lettre d'information enregistrée pour {plural(sent.recipients, 'membre')}"
        + (" (seconde du mois, forcée)" if sent.forced else "")
    )
    # NOT-3: what actually left, never success for what only waits in the outbox; exit 1 when
    # some messages stay there (failed, or no transport), as `rsgm outbox send` does.
    if delivery is None:
        if sent.recipients:
            print("messages mis en file : envoi par « rsgm outbox send »")
        return 0
    print(delivery.summary())
    return 1 if delivery.failed or delivery.dead or delivery.unsent else 0
