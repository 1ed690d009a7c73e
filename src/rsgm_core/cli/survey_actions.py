"""``rsgm surveys create|questions|results|import|restitution`` (SUR-2): questionnaires prepared,
their questions, their results per question, answers imported from a file, the restitution
document. Added to ``rsgm surveys`` by :mod:`rsgm_core.cli.surveys`."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import add_action, open_app, print_table, write_output
from rsgm_core.cli.events import resolve_id
from rsgm_core.cli.naming import MEMBER_HELP, RECORD_HELP, short
from rsgm_core.domain.events import SurveyKind
from rsgm_core.domain.questionnaires import AnswerValue, QuestionKind, make_spec
from rsgm_core.errors import ValidationError
from rsgm_core.render.formatting import format_number, format_percent
from rsgm_core.render.french import plural

__all__ = ["register_questionnaires", "responses_of"]

SETS = "satisfaction, besoins, etonnement, logiciels, socle-national"


def register_questionnaires(actions: Any) -> None:
    create = add_action(
        actions, "create", "préparer un questionnaire sans l'envoyer (SUR-2)", _create
    )
    create.add_argument("kind", choices=[k.value for k in SurveyKind], metavar="TYPE",
                        help=" | ".join(k.value for k in SurveyKind))  # fmt: skip
    create.add_argument("--titre", dest="title")
    create.add_argument("--evenement", dest="event", metavar="EVENEMENT", help=RECORD_HELP)
    create.add_argument("--membre", dest="member", metavar="PERSONNE", help=MEMBER_HELP)
    create.add_argument("--jeu", dest="question_set", metavar="JEU",
                        help=f"jeu de questions livré : {SETS}")  # fmt: skip

    questions = add_action(
        actions, "questions", "lister ou ajouter les questions d'un questionnaire", _questions
    )
    questions.add_argument("survey", metavar="QUESTIONNAIRE", help=RECORD_HELP)
    questions.add_argument(
        "--cle", dest="key", metavar="CLE", help="ajouter une question de cette clé"
    )
    questions.add_argument("--intitule", dest="text", metavar="TEXTE")
    questions.add_argument("--type", dest="kind", metavar="TYPE",
                           help=" | ".join(k.value for k in QuestionKind))  # fmt: skip
    questions.add_argument("--choix", dest="choices", action="append", default=[], metavar="CHOIX",
                           help="un choix proposé (à répéter)")  # fmt: skip
    questions.add_argument("--obligatoire", action="store_true", dest="required")

    results = add_action(actions, "results", "résultats question par question (SUR-2)", _results)
    results.add_argument("survey", metavar="QUESTIONNAIRE", help=RECORD_HELP)

    imp = add_action(
        actions, "import", "importer des réponses (export LimeSurvey ou fichier simple)", _import
    )
    imp.add_argument("survey", metavar="QUESTIONNAIRE", help=RECORD_HELP)
    imp.add_argument("path", metavar="FICHIER")
    imp.add_argument(
        "--essai", action="store_true", dest="dry_run", help="vérifier sans rien enregistrer"
    )

    doc = add_action(actions, "restitution", "document de restitution (HTML, ou PDF)", _restitution)
    doc.add_argument("survey", metavar="QUESTIONNAIRE", help=RECORD_HELP)
    doc.add_argument("--pdf", action="store_true", help="en PDF (extra « pdf »)")
    doc.add_argument("--sortie", "-o", dest="output")


def responses_of(items: list[str]) -> dict[str, AnswerValue]:
    """``CLE=VALEUR`` items as answers by question key (a multiple choice: ``a;b``)."""
    found: dict[str, AnswerValue] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(
                f"réponse à écrire CLE=VALEUR : « {item} »", rule="SUR-2", value=item
            )
        found[key.strip()] = value
    return found


def _create(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        event = resolve_id(app, "events", args.event) if args.event else None
        member = resolve_id(app, "members", args.member) if args.member else None
        survey = app.surveys.create(args.kind, title=args.title, event_id=event, member_id=member,
                                    question_set=args.question_set)  # fmt: skip
        count = len(app.surveys.list_questions(survey_id=survey.id))
    print(f"questionnaire « {survey.title} » préparé ({short(survey.id)}), non envoyé : "
          f"{count} question{'s' if count > 1 else ''}")  # fmt: skip
    return 0


def _questions(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        survey_id = resolve_id(app, "surveys", args.survey)
        if args.key is not None or args.kind is not None:
            spec = make_spec(args.key or "", args.text or "", args.kind,
                             required=args.required, choices=args.choices)  # fmt: skip
            [added] = app.surveys.add_questions(survey_id, [spec])
            print(f"question « {added.key} » ajoutée en position {added.position}")
        found = app.surveys.list_questions(survey_id=survey_id)
    print_table(
        ("n°", "clé", "type", "obligatoire", "intitulé", "choix"),
        [(q.position, q.key, q.kind.value, "oui" if q.required else "non", q.text,
          " ; ".join(q.choices)) for q in found],
        numeric={0},
    )  # fmt: skip
    return 0


def _results(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.surveys.results(resolve_id(app, "surveys", args.survey))
    rate = (
        format_percent(found.response, decimals=1)
        if found.response is not None
        else "non calculable"
    )
    print(f"« {found.survey.title} » : {plural(found.answers, 'réponse')} pour "
          f"{plural(found.survey.invited, 'invitation')}, taux de réponse {rate}")  # fmt: skip
    for r in found.questions:
        print(f"\n{r.question.position}. {r.question.text} ({r.question.kind.value}, "
              f"{plural(r.answered, 'réponse')})")  # fmt: skip
        if r.mean is not None and r.median is not None:
            print(f"   moyenne {format_number(r.mean, decimals=1)}, médiane "
                  f"{format_number(r.median, decimals=1)}")  # fmt: skip
        for c in r.counts:
            share = format_percent(c.share, decimals=1) if c.share is not None else "-"
            print(f"   {c.label} : {c.count} ({share})")
        for text in r.texts:
            print(f"   « {text} »")
    return 0


def _import(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        done = app.surveys.import_answers(resolve_id(app, "surveys", args.survey), args.path,
                                          dry_run=args.dry_run)  # fmt: skip
    layout = "export LimeSurvey" if done.layout == "limesurvey" else "fichier simple"
    many = done.answers > 1
    verb = (
        f"{'seraient importées' if many else 'serait importée'} (essai : rien n'est enregistré)"
        if done.dry_run
        else ("importées" if many else "importée")
    )
    print(f"{layout} : {plural(done.answers, 'réponse')} {verb}")
    if done.incomplete:
        print(
            plural(
                done.incomplete,
                "réponse non terminée laissée de côté",
                "réponses non terminées laissées de côté",
            )
        )
    if done.ignored:
        print(f"colonnes ignorées (métadonnées) : {', '.join(done.ignored)}")
    return 0


def _restitution(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        data = app.surveys.restitution(resolve_id(app, "surveys", args.survey), pdf=args.pdf)
    write_output(data if args.pdf else data.decode(), args.output)
    return 0
