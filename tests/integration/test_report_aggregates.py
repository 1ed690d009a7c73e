"""The annual report, the indicators and the survey rates read their figures where they are stored
(issue 24): grouped counts of answers and registrations, and the columns they use of communes,
positions, members, events and sessions instead of whole records. On random data, on every
backend, the figures equal those computed from the records themselves (IND-1, IND-2, EVT-5,
EVT-9, MEM-7, EVT-12, IND-4)."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import (
    App,
    CommuneStatus,
    Event,
    EventFormat,
    EventKind,
    Function,
    Lifecycle,
    Member,
    Period,
    Position,
    Registration,
    RegistrationStatus,
    RsgmError,
    Session,
    Status,
    Survey,
    SurveyAnswer,
    SurveyKind,
)
from rsgm_core.domain.active_members import active_member_ids
from rsgm_core.domain.engagement import AttendanceFact
from rsgm_core.domain.indicators import Scope, rate
from rsgm_core.services.ages import census_section, report_section
from rsgm_core.services.indicators_data import Held, Occasion, Person, Place, Polled, Sitting
from rsgm_core.services.network import NetworkService
from rsgm_core.services.surveys import _results
from tests.conftest import SAMPLE

YEAR = 2024
PERIOD = Period.year(YEAR)
DAYS = [dt.date(2023, 11, 20), dt.date(2024, 2, 1), dt.date(2024, 6, 15), dt.date(2024, 12, 31),
        dt.date(2025, 1, 2)]  # fmt: skip
EVENTS = [
    Event(f"e-{i}", f"Rencontre {i}", EventKind.MATINALE, EventFormat.IN_PERSON, invited=inv)
    for i, inv in enumerate((0, 4, 12))
]
SURVEYS = [
    Survey("v-0", SurveyKind.SATISFACTION, "Avis 0", DAYS[2], 6, event_id="e-0"),
    Survey("v-1", SurveyKind.SATISFACTION, "Avis 1", DAYS[0], 3, event_id="e-1"),
    Survey("v-2", SurveyKind.NEEDS, "Besoins", DAYS[3], 0),
    Survey("v-3", SurveyKind.NEEDS, "Besoins bis", DAYS[1], 5),
]
MEMBERS = range(6)
SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

day = st.sampled_from([None, *DAYS])
history = st.fixed_dictionaries(
    {
        "members": st.lists(
            st.tuples(
                st.sampled_from([Lifecycle.ACTIVE, Lifecycle.DEPARTED, Lifecycle.PROSPECT]),
                day,
                st.sampled_from(DAYS),
                st.sampled_from([None, None, 1962, 1990]),
            ),
            min_size=len(MEMBERS),
            max_size=len(MEMBERS),
        ),
        "positions": st.lists(
            st.tuples(st.sampled_from(MEMBERS), st.integers(0, 5), day, day), max_size=8
        ),
        "sessions": st.lists(st.tuples(st.integers(0, 2), st.sampled_from(DAYS)), max_size=5),
        "registrations": st.lists(
            st.tuples(
                st.integers(0, 4),
                st.sampled_from(MEMBERS),
                st.sampled_from(list(RegistrationStatus)),
                st.sampled_from([None, True, False]),
            ),
            max_size=20,
        ),
        "answers": st.lists(
            st.tuples(st.integers(0, len(SURVEYS) - 1), st.sampled_from([None, 1, 2, 3, 4, 5])),
            max_size=20,
        ),
        "facts": st.lists(
            st.tuples(
                st.sampled_from(MEMBERS), st.sampled_from(DAYS), st.booleans(), st.booleans()
            ),
            max_size=10,
        ),
    }
)


@pytest.fixture
def territory(app: App) -> Iterator[list[str]]:
    """The sample's census (Deux-Sèvres) and six of its current communes."""
    app.census.import_(SAMPLE, ["79"])
    with app.deps.read() as uow:
        codes = [c.code for c in uow.communes.list({"status": CommuneStatus.ACTUELLE})]
    yield codes[:: max(1, len(codes) // 6)][:6]


def _store(app: App, drawn: dict[str, Any], communes: list[str]) -> None:
    with app.deps.transaction() as uow:
        uow.members.add_all(
            Member(f"m-{i}", "Camille", f"Martin {i}", lifecycle=life, arrival=arrival,
                   departed_on=left if life is Lifecycle.DEPARTED else None, birth_year=born)
            for i, (life, arrival, left, born) in enumerate(drawn["members"])
        )  # fmt: skip
        uow.positions.add_all(
            Position(f"p-{n}", f"m-{m}", communes[c], Function.SECRETAIRE_DE_MAIRIE, Decimal(1),
                     Status.TITULAIRE, start=start, end=end if start is None or end is None
                     or end >= start else start)
            for n, (m, c, start, end) in enumerate(drawn["positions"])
        )  # fmt: skip
        uow.events.add_all(EVENTS)
        sessions = [Session(f"s-{n}", f"e-{e}", when, "Salle", when)
                    for n, (e, when) in enumerate(drawn["sessions"])]  # fmt: skip
        uow.sessions.add_all(sessions)
        uow.registrations.add_all(
            Registration(f"r-{n}", sessions[s % len(sessions)].id, f"m-{m}", DAYS[0], n, status,
                         attended)
            for n, (s, m, status, attended) in enumerate(drawn["registrations"]) if sessions
        )  # fmt: skip
        uow.surveys.add_all(SURVEYS)
        uow.survey_answers.add_all(
            SurveyAnswer(f"a-{n}", SURVEYS[s].id, DAYS[2], score)
            for n, (s, score) in enumerate(drawn["answers"])
        )
        uow.attendance.add_all(
            AttendanceFact(f"f-{n}", f"m-{m}", f"e-{n % 3}", when, registered, attended)
            for n, (m, when, registered, attended) in enumerate(drawn["facts"])
        )


@contextlib.contextmanager
def _stored(app: App, drawn: dict[str, Any], communes: list[str]) -> Iterator[None]:
    """The drawn history stored for one example, cleared after it whatever happens."""
    _store(app, drawn, communes)
    try:
        yield
    finally:
        _clear(app)


def _clear(app: App) -> None:
    with app.deps.transaction() as uow:
        for repo in (uow.attendance, uow.survey_answers, uow.surveys, uow.registrations,
                     uow.sessions, uow.events, uow.positions, uow.members):  # fmt: skip
            for key in [repo.collection.key_of(r) for r in repo.list()]:
                repo.remove(key)


def _records_path(app: App) -> dict[str, Any]:
    """The figures as they were computed before issue 24: from every record."""
    with app.deps.read() as uow:
        members = uow.members.list()
        communes = {c.code for c in uow.communes.list({"status": CommuneStatus.ACTUELLE})}
        positions = uow.positions.list()
        sessions = uow.sessions.list()
        regs = uow.registrations.list({"status": RegistrationStatus.CONFIRMED})
        answers = uow.survey_answers.list()
        surveys = uow.surveys.list()
        moves = uow.lifecycle_transitions.list()
    events = []
    for event in EVENTS:
        mine = sorted(s.date for s in sessions if s.event_id == event.id)
        if not any(d in PERIOD for d in mine):
            continue
        theirs = [r for r in regs if r.session_id in {s.id for s in sessions
                                                       if s.event_id == event.id}]  # fmt: skip
        scores = [a.score for a in answers if a.score is not None
                  and any(v.id == a.survey_id and v.event_id == event.id for v in surveys)]  # fmt: skip
        events.append((event.title, mine[0], event.invited, len(theirs),
                       sum(1 for r in theirs if r.attended),
                       rate(sum(1 for s in scores if s >= 4), len(scores)), len(scores)))  # fmt: skip
    events.sort(key=lambda e: (e[1], e[0]))
    opened = {v.id for v in surveys if v.opened_on in PERIOD}
    satisfaction = {v.id for v in surveys if v.id in opened and v.kind is SurveyKind.SATISFACTION}
    sat = [a.score for a in answers if a.survey_id in satisfaction and a.score is not None]
    answered = sum(1 for a in answers if a.survey_id in opened)
    surveyed = sum(v.invited for v in surveys if v.id in opened)
    transitions: dict[str, list[Any]] = {}
    for move in moves:
        transitions.setdefault(move.member_id, []).append(move)
    placed = {p.member_id for p in positions if p.commune in communes}
    away = NetworkService(app.deps).list_disengaged(on=PERIOD.end)
    invited = sum(e[2] for e in events)
    return {
        "events": events,
        "taux_participation": rate(sum(e[4] for e in events), invited),
        "taux_participation_inscrits": rate(sum(e[4] for e in events), sum(e[3] for e in events)),
        "taux_satisfaction": rate(sum(1 for s in sat if s >= 4), len(sat)),
        "taux_reponse_enquetes": rate(min(answered, surveyed), surveyed),
        "arrivees": sum(1 for m in members if m.arrival and m.arrival in PERIOD),
        "departs": sum(1 for m in members if m.departed_on and m.departed_on in PERIOD),
        "membres_actifs": len(
            active_member_ids(members, placed, on=PERIOD.end, transitions=transitions)
        ),
        "membres_desengages": len({d.member_id for d in away}),
        "evenements": len(events),
    }


def _figures(app: App) -> dict[str, Any]:
    report = app.indicators.annual_report(year=YEAR)
    values = {i.key: i.value for i in report.indicators}
    found: dict[str, Any] = {key: values[key] for key in _KEYS}
    found["events"] = [
        (e.title, e.first_date, e.invited, e.registered, e.attendees, e.satisfaction, e.answers)
        for e in report.events
    ]
    return found


_KEYS = ("taux_participation", "taux_participation_inscrits", "taux_satisfaction",
         "taux_reponse_enquetes", "arrivees", "departs", "membres_actifs",
         "membres_desengages", "evenements")  # fmt: skip


@SLOW
@given(drawn=history)
def test_report_figures_from_grouped_counts_equal_the_records_IND_1_IND_2_EVT_5_EVT_9_MEM_7(
    app: App, territory: list[str], drawn: dict[str, Any]
) -> None:
    with _stored(app, drawn, territory):
        assert _figures(app) == _records_path(app)


@SLOW
@given(drawn=history)
def test_survey_rates_from_grouped_counts_equal_the_records_EVT_9(
    app: App, territory: list[str], drawn: dict[str, Any]
) -> None:
    with _stored(app, drawn, territory):
        with app.deps.read() as uow:
            answers = uow.survey_answers.list()
            expected = sorted(
                (_results(s, [a for a in answers if a.survey_id == s.id]) for s in SURVEYS),
                key=lambda r: (r.survey.opened_on, r.survey.title),
            )
        assert app.surveys.list_surveys() == expected
        assert app.surveys.list_surveys(kind=SurveyKind.NEEDS) == [
            r for r in expected if r.survey.kind is SurveyKind.NEEDS
        ]


@SLOW
@given(drawn=history)
def test_the_columns_read_equal_the_records_fields_and_ages_need_an_age_IND_1_IND_4(
    app: App, territory: list[str], drawn: dict[str, Any]
) -> None:
    with _stored(app, drawn, territory), app.deps.read() as uow:
        for light, repo, where in (
            (Place, uow.communes, {"status": CommuneStatus.ACTUELLE}),
            (Held, uow.positions, None),
            (Person, uow.members, None),
            (Occasion, uow.events, None),
            (Sitting, uow.sessions, None),
            (Polled, uow.surveys, None),
        ):
            records = repo.list(where)
            expected = [light(*(getattr(r, f) for f in light._fields)) for r in records]
            assert [light._make(row) for row in repo.values(light._fields, where)] == expected
        cdg = Scope.parse(None)  # IND-4: the same section with or without an age known
        assert report_section(app.deps, uow, PERIOD, cdg) == census_section(
            app.deps, uow, PERIOD, cdg
        )


@pytest.mark.parametrize("stored", [0, 7])
def test_a_stored_score_outside_1_to_5_is_refused_by_the_list_as_by_the_survey_EVT_9(
    sqlite_url: str, stored: int
) -> None:
    """A score written behind the library's back: the counted list refuses it as the survey's
    own results (read from its answers) do."""
    survey = SURVEYS[3]
    with rsgm_core.open(sqlite_url) as app, app.deps.transaction() as uow:
        uow.surveys.add(survey)
        uow.survey_answers.add_all(
            SurveyAnswer(f"a-{n}", survey.id, DAYS[2], score) for n, score in enumerate((3, 4))
        )
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE survey_answers SET score = ? WHERE id = 'a-1'", (stored,))
    with rsgm_core.open(sqlite_url) as app:
        with pytest.raises(RsgmError) as by_records:
            app.surveys.results(survey.id)
        with pytest.raises(RsgmError) as by_counts:
            app.surveys.list_surveys()
    assert type(by_counts.value) is type(by_records.value)
    assert str(by_counts.value) == str(by_records.value)
