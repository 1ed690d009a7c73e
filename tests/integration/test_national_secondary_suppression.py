"""IND-3 secondary suppression on the real backends: the issue's attack (a suppressed attendee
count recovered by multiplying the published participation rate by the published invited count)
and a survey rate computed on one respondent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rsgm_core import (
    App,
    Event,
    EventFormat,
    EventKind,
    Registration,
    RegistrationStatus,
    Session,
    Survey,
    SurveyAnswer,
    SurveyKind,
)
from rsgm_core.domain.national import parse_export
from tests.indicator_seed import YEAR, seed

LATER = YEAR + 1


def _activity(app: App, present: int, answers: int) -> None:
    seed(app)
    day = dt.date(LATER, 3, 12)
    with app.deps.transaction() as uow:
        uow.events.add(
            Event("e9", "Matinale e9", EventKind.MATINALE, EventFormat.IN_PERSON, invited=20)
        )
        uow.sessions.add(Session("s-e9", "e9", day, "Mairie", day))
        for rank in range(10):  # 10 registered of 20 invited
            uow.registrations.add(
                Registration(
                    f"r-e9-{rank}", "s-e9", f"m{rank:02d}", day - dt.timedelta(days=10), rank + 1,
                    RegistrationStatus.CONFIRMED, attended=rank < present,
                )
            )  # fmt: skip
        uow.surveys.add(Survey("q9", SurveyKind.SATISFACTION, "Avis e9", day, 10, "e9"))
        for n in range(answers):
            uow.survey_answers.add(SurveyAnswer(f"a9-{n}", "q9", day, 5))


def test_a_suppressed_attendee_count_is_not_given_back_by_rate_times_invited_IND_3(
    app: App,
) -> None:
    _activity(app, present=3, answers=1)
    data = app.indicators.national_export(year=LATER, cdg="CDG79").to_data()
    table = data["tables"]["participation"]
    assert table["cells"]["presents"] is None  # 3 present: suppressed
    assert table["total"] == 20  # the invited are published ...
    assert data["indicators"]["taux_participation"] is None  # ... so the rate is not (3/20)
    # a satisfaction rate on one respondent is not published either
    assert data["indicators"]["taux_satisfaction"] is None
    # every product and difference of published figures misses every count of 1 to 4
    published = [v for v in table["cells"].values() if v is not None] + [table["total"]]
    rates = [Decimal(v) for v in data["indicators"].values() if isinstance(v, str)]
    guesses = {a - b for a in published for b in published} | {
        round(r * a) for r in rates for a in published
    }
    assert 3 not in guesses
    assert parse_export(data).cdg == "CDG79"


def test_a_rate_on_published_counts_stays_published_IND_3(app: App) -> None:
    _activity(app, present=5, answers=6)
    data = app.indicators.national_export(year=LATER, cdg="CDG79").to_data()
    assert data["tables"]["participation"]["cells"]["presents"] == 5
    assert data["indicators"]["taux_participation"] == "0.250"
    assert data["indicators"]["taux_satisfaction"] == "1.000"
