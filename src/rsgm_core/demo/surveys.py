"""The questionnaires part of ``rsgm demo`` (SUR-2): the needs survey of the launch sent through
personal links, answered by the agents, its results question by question and its restitution
document written next to the database; the software survey's answers on the software map
(KNB-5)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rsgm_core.domain.questionnaires import AnswerValue
from rsgm_core.render.formatting import format_number, format_percent
from rsgm_core.render.french import plural

if TYPE_CHECKING:
    from rsgm_core.app import App

__all__ = ["surveys_demo"]

#: what the agents answer, in turn
_ANSWERS: tuple[dict[str, AnswerValue], ...] = (
    {"fonction": "Secrétaire général de mairie", "communes": "2", "anciennete": "12",
     "isolement": 4, "attentes": ["Échanger entre pairs", "Une entraide au quotidien"],
     "thematiques": ["Urbanisme", "Numérique"], "format": "Alternance des deux",
     "frequence": "Tous les trimestres",
     "commentaire": "Un annuaire des collègues qui maîtrisent chaque logiciel."},
    {"fonction": "Secrétaire général de mairie", "communes": "3", "anciennete": "2",
     "isolement": 5, "attentes": ["Se former", "Une veille juridique"],
     "thematiques": ["État civil", "Élections"], "format": "Présentiel",
     "frequence": "Tous les mois"},
    {"fonction": "Agent administratif polyvalent", "communes": "1", "anciennete": "25",
     "isolement": 2, "attentes": ["Des modèles de documents"],
     "thematiques": ["Finances et comptabilité"], "format": "Distanciel",
     "frequence": "Deux fois par an",
     "commentaire": "Des modèles de délibérations, à envoyer à marie.dupont@example.org."},
    {"fonction": "Directeur général des services", "communes": "4", "anciennete": "7",
     "isolement": 3, "attentes": ["Échanger entre pairs", "Se former"],
     "thematiques": ["Ressources humaines", "Marchés publics"], "format": "Alternance des deux",
     "frequence": "Tous les trimestres"},
)  # fmt: skip


def surveys_demo(app: App, members: dict[str, str], path: Path) -> None:
    survey = app.surveys.create("enquête de besoins", question_set="besoins",
                                title="Enquête de besoins au lancement du réseau")  # fmt: skip
    survey = app.surveys.send(survey_id=survey.id)
    people = list(members.values())
    for n, member_id in enumerate(people[: max(1, len(people) - 1)]):
        app.surveys.answer(survey.id, member_id=member_id, responses=_ANSWERS[n % len(_ANSWERS)])
    found = app.surveys.results(survey.id)
    rate = format_percent(found.response, decimals=1) if found.response is not None else "-"
    print(f"\n14. questionnaire « {found.survey.title} » : {plural(found.answers, 'réponse')} sur "
          f"{plural(found.survey.invited, 'invitation')} (taux de réponse {rate}) :")  # fmt: skip
    for r in found.questions:
        if not r.answered:
            continue
        if r.mean is not None:
            figure = f"moyenne {format_number(r.mean, decimals=1)}"
        elif r.counts:
            top = max(r.counts, key=lambda c: c.count)
            figure = f"en tête : {top.label} ({top.count})"
        else:
            figure = " ; ".join(f"« {t} »" for t in r.texts)
        print(f"   - {r.question.text} : {figure}")
    document = path.with_name(path.stem + "-restitution.html")
    document.write_bytes(app.surveys.restitution(survey.id))
    print(f"   restitution (un graphique par question) : {document}")
    software = app.surveys.send("enquête de besoins", question_set="logiciels")
    if people:
        app.surveys.answer(software.id, member_id=people[0], responses={
            "logiciels_utilises": ["Segilog", "Berger-Levrault"], "logiciels_maitrises": ["Segilog"],
        })  # fmt: skip
    print("   enquête logiciels : les réponses alimentent la cartographie des logiciels (KNB-5)")
