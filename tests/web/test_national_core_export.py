"""The national common core's campaigns reach the national export (SUR-2, IND-3): the survey's
answers, counted by core question, with small cells suppressed and the first campaign as T0."""

from __future__ import annotations

from rsgm_core import App, SurveyKind
from tests.web.conftest import person


def test_the_core_campaign_answered_by_members_is_in_the_national_export_SUR_2_IND_3(
    app: App,
) -> None:
    people = [person(app, f"P{i}", "Socle") for i in range(10)]
    survey = app.surveys.send(SurveyKind.IN_DEPTH, question_set="socle-national")
    for n, member in enumerate(people):
        function = "Secrétaire général de mairie" if n < 5 else "Autre"
        app.surveys.answer(survey.id, member_id=member, responses={
            "socle.fonction": function, "socle.satisfaction": 4 if n else 5,
        })  # fmt: skip
    export = app.indicators.national_export(year=app.today().year)
    [campaign] = export.core
    assert campaign["baseline"] is True
    assert (campaign["invited"], campaign["respondents"]) == (10, 10)
    functions = campaign["questions"]["socle.fonction"]["cells"]
    assert (functions["secretaire-general-de-mairie"], functions["autre"]) == (5, 5)
    scores = campaign["questions"]["socle.satisfaction"]["cells"]
    assert scores["5"] is None  # one person: masked, and its complement with it
    assert all(v is None or v >= 5 for v in scores.values())
    assert "core" in export.to_data()
