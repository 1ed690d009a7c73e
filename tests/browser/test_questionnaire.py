"""A questionnaire answered in Debian's chromium against ``rsgm serve`` (SUR-2, NOT-3): the
invitation's link opens the page of every question (checked by axe-core), a required question
left empty comes back with its error tied to it, the answer is recorded question by question,
and the link serves once."""

from __future__ import annotations

from rsgm_core import SurveyKind
from tests.browser.site import Browser, Site


def test_a_questionnaire_answered_in_a_browser_once_SUR_2_NOT_3(
    site77: Site, browser: Browser
) -> None:
    site = site77
    survey = site.app.surveys.create(
        SurveyKind.NEEDS, question_set="besoins", title="Vos besoins pour 2026",
        questions=[{"key": "logiciel", "text": "Votre logiciel principal", "kind": "choix unique",
                    "choices": ["Cosoluce", "Segilog"], "required": True}],
    )  # fmt: skip
    site.app.surveys.send(survey_id=survey.id)
    link = site.mail_link("sophie", "Votre avis compte", "q")
    page = browser.open(link)
    assert (
        "Vos besoins pour 2026" in page.main
        and "Votre logiciel principal (obligatoire)" in page.main
    )
    page.choose("isolement", "4")
    page.choose("attentes", "se-former")
    page.choose("attentes", "une-veille-juridique")
    page.fill("communes", "3")
    page.submit()
    # RGAA 11.10: the error is in the title and tied to its question; nothing written.
    assert page.title.startswith("Erreur"), page.main
    assert "obligatoire" in page.find("#logiciel-erreur").text
    assert site.app.surveys.results(survey.id).answers == 0
    page.choose("logiciel", "segilog")
    page.choose("isolement", "4")
    page.choose("attentes", "se-former")
    page.fill("commentaire", "Des ateliers sur l'état civil.")
    page.submit()
    assert "enregistrée" in page.main, page.main
    found = site.app.surveys.results(survey.id)
    by_key = {r.question.key: r for r in found.questions}
    assert found.answers == 1 and by_key["isolement"].mean == 4
    assert [c.count for c in by_key["logiciel"].counts] == [0, 1]
    assert by_key["attentes"].counts[1].count == 1
    page = browser.open(link)  # SUR-2: once per person
    assert "Lien déjà utilisé" in page.title, page.main
