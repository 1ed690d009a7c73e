"""Questionnaires (SUR-2) on every backend: questions of the five kinds, answers through the
personal link's page, entered and imported (LimeSurvey and plain files), results per question
with free texts anonymised, the restitution document, the software map fed by the software
survey (KNB-5) and the national core's campaigns (IND-3); bad input refused, nothing written."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from rsgm_core import App, QuestionKind, QuestionSpec, SurveyKind
from rsgm_core.services.survey_core import core_campaigns
from tests.helpers import nothing_written, snapshot
from tests.web.conftest import csrf, main_text, path, person, title

QUESTIONS = [
    {"key": "accueil", "text": "Votre accueil", "kind": "échelle", "required": True},
    {"key": "format", "text": "Le format préféré", "kind": "choix unique",
     "choices": ["Présentiel", "Distanciel"]},
    {"key": "themes", "text": "Vos thèmes", "kind": "choix multiple",
     "choices": ["État civil", "Élections", "Urbanisme"]},
    {"key": "communes", "text": "Combien de communes ?", "kind": "nombre"},
    {"key": "idees", "text": "Vos idées", "kind": "texte libre"},
]  # fmt: skip


def campaign(app: App) -> tuple[str, list[str]]:
    people = [person(app), person(app, "Paul", "Durand"), person(app, "Sophie", "Roy")]
    survey = app.surveys.create(SurveyKind.NEEDS, title="Vos besoins 2025", questions=QUESTIONS)
    return survey.id, people


def test_a_questionnaire_of_every_kind_sent_answered_and_its_results_SUR_2(app: App) -> None:
    survey_id, (claire, paul, _sophie) = campaign(app)
    assert [q.kind for q in app.surveys.list_questions(survey_id=survey_id)] == list(QuestionKind)
    sent = app.surveys.send(survey_id=survey_id)
    assert (sent.invited, sent.draft) == (3, False)
    app.surveys.answer(survey_id, member_id=claire, responses={
        "accueil": 5, "format": "Présentiel", "themes": ["État civil", "Élections"],
        "communes": "2", "idees": "Écrire à claire.martin@example.org ou à Paul Durand",
    })  # fmt: skip
    app.surveys.answer(survey_id, member_id=paul, responses={
        "accueil": "4", "format": "A2", "themes": "etat-civil", "communes": "3,5",
    })  # fmt: skip
    found = app.surveys.results(survey_id)
    assert (found.answers, found.response) == (2, Decimal(2) / Decimal(3))
    scale, single, multiple, number, text = found.questions
    assert (scale.mean, scale.median, scale.answered) == (Decimal("4.5"), Decimal("4.5"), 2)
    assert [(c.label, c.count) for c in scale.counts][3:] == [("4", 1), ("5", 1)]
    assert [(c.label, c.count, c.share) for c in single.counts] == [
        ("Présentiel", 1, Decimal("0.5")), ("Distanciel", 1, Decimal("0.5"))]  # fmt: skip
    assert [(c.label, c.count) for c in multiple.counts] == [
        ("État civil", 2), ("Élections", 1), ("Urbanisme", 0)]  # fmt: skip
    assert (number.mean, number.median) == (Decimal("2.75"), Decimal("2.75"))
    assert text.texts == ("Écrire à [adresse] ou à [nom]",)  # anonymised


def test_bad_questions_and_answers_are_refused_with_nothing_written_SUR_2(app: App) -> None:
    survey_id, (claire, paul, _) = campaign(app)
    error = nothing_written(
        app, lambda: app.surveys.add_questions(survey_id, [{"key": "x", "text": "Sans type"}]),
        "SUR-2",
    )  # fmt: skip
    assert "sans type" in error.message and "échelle" in error.message
    nothing_written(
        app,
        lambda: app.surveys.answer(survey_id, member_id=claire, responses={"accueil": 3}),
        "SUR-2",
    )  # draft
    app.surveys.send(survey_id=survey_id)
    error = nothing_written(
        app, lambda: app.surveys.answer(survey_id, member_id=claire, responses={"accueil": 6}), "SUR-2"
    )  # fmt: skip
    assert "hors de l'échelle de 1 à 5" in error.message and "6" in error.message
    error = nothing_written(app, lambda: app.surveys.answer(
        survey_id, member_id=claire, responses={"accueil": 3, "format": "Hybride"}), "SUR-2")  # fmt: skip
    assert "« Hybride » n'est pas un choix" in error.message
    error = nothing_written(
        app, lambda: app.surveys.answer(survey_id, member_id=claire, responses={"idees": "x"}),
        "SUR-2",
    )  # fmt: skip
    assert "« Votre accueil » (accueil) est obligatoire" in error.message
    app.surveys.answer(survey_id, member_id=claire, responses={"accueil": 3})
    error = nothing_written(
        app, lambda: app.surveys.answer(survey_id, member_id=claire, responses={"accueil": 4}),
        "SUR-2",
    )  # fmt: skip
    assert "déjà répondu" in error.message
    app.surveys.answer(survey_id, member_id=paul, responses={"accueil": 2})
    nothing_written(app, lambda: app.surveys.add_questions(survey_id, [QuestionSpec(
        "tard", "Trop tard", QuestionKind.TEXT)]), "SUR-2")  # fmt: skip


def test_answers_import_from_limesurvey_and_a_plain_file_else_nothing_SUR_2(
    app: App, tmp_path: Path
) -> None:
    survey_id, (_claire, _, _) = campaign(app)
    app.surveys.send(survey_id=survey_id)
    lime = tmp_path / "results-survey123456.csv"
    lime.write_text(
        '"id","submitdate","lastpage","startlanguage","seed","accueil","format",'
        '"themes[SQ001]","themes[SQ002]","themes[SQ003]","communes","idees"\n'
        '"1","2025-03-01 10:12:00","1","fr","12345","5","A1","Y","","Y","2","Très bien"\n'
        '"2","2025-03-01 11:00:00","1","fr","67890","3","A2","","Y","","4",""\n'
        '"3","","0","fr","11111","","","","","","",""\n',
        encoding="utf-8",
    )
    trial = app.surveys.import_answers(survey_id, lime, dry_run=True)
    assert (trial.layout, trial.answers, trial.incomplete) == ("limesurvey", 2, 1)
    assert app.surveys.results(survey_id).answers == 0  # a trial writes nothing
    done = app.surveys.import_answers(survey_id, lime)
    assert (done.answers, done.ignored) == (
        2,
        ("id", "submitdate", "lastpage", "startlanguage", "seed"),
    )
    plain = tmp_path / "reponses.csv"
    plain.write_text(
        "email;accueil;themes\nclaire.martin@example.org;4;Urbanisme;\n", encoding="utf-8"
    )
    assert app.surveys.import_answers(survey_id, plain).layout == "simple"
    found = app.surveys.results(survey_id)
    assert found.answers == 3 and [c.count for c in found.questions[2].counts] == [1, 1, 2]
    bad = tmp_path / "autre.csv"
    bad.write_text("accueil;age;service\n4;40;RH\n", encoding="utf-8")
    error = nothing_written(app, lambda: app.surveys.import_answers(survey_id, bad), "SUR-2")
    assert "age, service" in error.message
    again = tmp_path / "deux.csv"  # a second answer by Claire: the whole file refused
    again.write_text("email;accueil\npaul.durand@example.org;4\nclaire.martin@example.org;5\n")
    error = nothing_written(app, lambda: app.surveys.import_answers(survey_id, again), "SUR-2")
    assert "ligne 3" in error.message and "déjà répondu" in error.message


def test_the_survey_page_asks_every_question_and_accepts_one_answer_NOT_3_SUR_2(
    app: App, client: TestClient
) -> None:
    survey_id, (claire, _, _) = campaign(app)
    app.surveys.send(survey_id=survey_id)
    link = app.links.issue("questionnaire", member_id=claire, object_id=survey_id)
    page = client.get(path(link))
    text = main_text(page.text)
    assert "Votre accueil (obligatoire)" in text and "Vos thèmes (facultative)" in text
    assert page.text.count('name="themes"') == 3 and 'type="checkbox"' in page.text
    before = snapshot(app)
    missing = client.post(path(link), data={"csrf": csrf(page.text), "idees": "rien"})
    assert missing.status_code == 422 and snapshot(app) == before
    assert 'id="accueil-erreur"' in missing.text and "obligatoire" in title(missing.text)
    form = [("csrf", csrf(page.text)), ("accueil", "4"), ("themes", "etat-civil"),
            ("themes", "urbanisme"), ("communes", "2")]  # fmt: skip
    done = client.post(path(link), content=urlencode(form),
                       headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert done.status_code == 200, main_text(done.text)
    [_, _, multiple, _, _] = app.surveys.results(survey_id).questions
    assert [c.count for c in multiple.counts] == [1, 0, 1]
    twice = client.post(path(link), data={"csrf": csrf(page.text), "accueil": "5"})
    assert twice.status_code == 410 and app.surveys.results(survey_id).answers == 1  # once


def test_the_satisfaction_survey_asks_the_guides_questions_SUR_2_EVT_9(app: App) -> None:
    from tests.web.conftest import plan

    event = plan(app)
    survey = app.surveys.send(SurveyKind.SATISFACTION, event_id=event)
    keys = [q.key for q in app.surveys.list_questions(survey_id=survey.id)]
    assert keys == [
        "note",
        "points_forts",
        "points_faibles",
        "suggestions",
        "pratiques",
        "commentaire",
    ]
    assert survey.title.startswith("Questionnaire de satisfaction : Journée réseau")


def test_the_software_survey_feeds_the_software_map_KNB_5_SUR_2(app: App) -> None:
    from rsgm_core.services.toolbox_export import software_map

    claire = person(app)
    survey = app.surveys.send(SurveyKind.NEEDS, question_set="logiciels")
    app.surveys.answer(survey.id, member_id=claire, responses={
        "logiciels_utilises": ["Cosoluce", "Magnus"], "logiciels_maitrises": "Cosoluce",
        "autres_logiciels": "Horizon Villages",
    })  # fmt: skip
    found = {row.software: row.communes for row in software_map(app.deps)}
    assert set(found) == {"Cosoluce", "Magnus", "Horizon Villages"}
    assert all(len(communes) == 1 for communes in found.values())


def test_national_core_campaigns_with_the_first_as_baseline_SUR_2_IND_3(app: App) -> None:
    people = [person(app, f"P{i}", "Test") for i in range(3)]
    first = app.surveys.send(SurveyKind.IN_DEPTH, question_set="socle-national")
    app.surveys.send(SurveyKind.NEEDS, title="Sans socle")
    for n, member in enumerate(people):
        app.surveys.answer(first.id, member_id=member, responses={
            "socle.fonction": "Secrétaire général de mairie", "socle.anciennete": str(n * 12),
            "socle.satisfaction": 4, "commentaire": "privé",
        })  # fmt: skip
    with app.deps.read() as uow:
        [campaign_] = core_campaigns(uow)
    assert (campaign_.baseline, campaign_.invited, campaign_.respondents) == (True, 3, 3)
    assert campaign_.answers["socle.fonction"] == {"secretaire-general-de-mairie": 3}
    assert campaign_.answers["socle.anciennete"] == {"0": 1, "10 à 19": 1, "20 à 29": 1}
    assert "commentaire" not in campaign_.answers and "socle.commentaire" not in campaign_.answers


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    accueil=st.one_of(st.none(), st.integers(-1, 7), st.text(max_size=3)),
    format_=st.one_of(st.none(), st.sampled_from(["Présentiel", "A2", "Hybride", ""])),
    communes=st.one_of(st.none(), st.sampled_from(["2", "3,5", "beaucoup", "1e99"])),
)
def test_an_answer_is_written_whole_or_not_at_all_SUR_2(
    memory_survey: tuple[App, str, str], accueil: object, format_: object, communes: object
) -> None:
    app, survey_id, _claire = memory_survey
    before = snapshot(app)
    given_ = {"accueil": accueil, "format": format_, "communes": communes}
    try:
        made = app.surveys.answer(survey_id, responses=given_)
    except Exception as exc:
        assert type(exc).__module__ == "rsgm_core.errors", exc
        assert snapshot(app) == before
        return
    with app.deps.read() as uow:
        written = uow.survey_responses.list({"answer_id": made.id})
    assert len(written) == sum(1 for v in given_.values() if v not in (None, "") and str(v).strip())


@pytest.fixture
def memory_survey(memory_app: App) -> tuple[App, str, str]:
    survey_id, (claire, _, _) = campaign(memory_app)
    memory_app.surveys.send(survey_id=survey_id)
    return memory_app, survey_id, claire


def test_the_restitution_document_has_a_chart_per_question_SUR_2(app: App) -> None:
    survey_id, (claire, paul, _) = campaign(app)
    app.surveys.send(survey_id=survey_id)
    app.surveys.answer(
        survey_id, member_id=claire, responses={"accueil": 5, "idees": "Appeler Claire Martin"}
    )
    app.surveys.answer(survey_id, member_id=paul, responses={"accueil": 2, "communes": "3"})
    html = app.surveys.restitution(survey_id).decode()
    assert html.count("<svg") == 2  # the scale and the number; unanswered ones say so
    assert html.count("Aucune réponse.") == 2 and "2 personnes</strong> ont répondu" in html
    assert "taux de réponse 66,7" in re.sub(r"\s+", " ", html).replace("\u00a0", " ").replace(
        "\u202f", " "
    )
    assert "Appeler [nom]" in html and "Claire" not in html.split("<main>")[1].split("Vos idées")[1]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["1", "5", "0", "", "x"]),
                  st.sampled_from(["Présentiel", "A2", "Hybride", ""])),
        min_size=1, max_size=6,
    ),
)  # fmt: skip
def test_an_import_is_written_whole_or_not_at_all_SUR_2(
    memory_survey: tuple[App, str, str], tmp_path: Path, rows: list[tuple[str, str]]
) -> None:
    app, survey_id, _ = memory_survey
    source = tmp_path / "reponses.csv"
    source.write_text("accueil;format\n" + "".join(f"{a};{f}\n" for a, f in rows), encoding="utf-8")
    before = snapshot(app)
    answers = app.surveys.results(survey_id).answers
    try:
        done = app.surveys.import_answers(survey_id, source)
    except Exception as exc:
        assert type(exc).__module__ == "rsgm_core.errors", exc
        assert snapshot(app) == before
        return
    kept = [r for r in rows if any(r)]
    assert done.answers == len(kept) and app.surveys.results(survey_id).answers == answers + len(
        kept
    )
