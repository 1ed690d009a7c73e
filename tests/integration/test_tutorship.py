"""Tutorship (MEM-13): a tutor paired with each newcomer from arrival to the 3-month review
(MEM-5), a limited number of newcomers per tutor, and successors proposed by shared expertise for
a tutor who leaves (MEM-8); as CDG 79 (sample census), CDG 77 and the CIG (real Etalab data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import rsgm_core
from rsgm_core import App, ConflictError, OnboardingStep, TutorshipEnd
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, NOW, SAMPLE
from tests.helpers import CDG77, CIG, administrator, nothing_written

TODAY = NOW.date()


@pytest.fixture
def census_app(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    administrator(app)  # CHA-2: named before any snapshot
    return app


def person(app: App, first: str, last: str, commune: str, **kw: object) -> str:
    member = app.members.add(first, last, email=f"{first}.{last}@example.org".lower(), **kw)  # type: ignore[arg-type]
    app.members.add_position(member.id, commune, "sgm", work_time=Decimal(1))
    return member.id


def newcomer(app: App, first: str, last: str, commune: str, *, arrival: dt.date = TODAY) -> str:
    member_id = person(app, first, last, commune, lifecycle="prospect")
    app.members.mark_active(member_id, arrival=arrival)
    return member_id


def step(app: App, member_id: str, wanted: OnboardingStep) -> dt.date | None:
    [item] = [i for i in app.members.list_onboarding_items(member_id=member_id) if i.step is wanted]
    return item.done_on


def test_candidates_are_ranked_by_epci_expertise_software_and_load_MEM_13(census_app: App) -> None:
    app = census_app
    arriving = newcomer(app, "Inès", "Arrivée", "79030")
    near = person(app, "Nadia", "Girard", "79018")  # same EPCI as 79030
    skilled = person(app, "Léa", "Fournier", "79002")  # Gâtine: shares the expertise
    tooled = person(app, "Paul", "Moreau", "79009")  # Niortais: shares the software
    app.directory.set_expertises(arriving, ["État civil"])
    app.directory.set_software(arriving, used=["Berger-Levrault"])
    app.directory.set_expertises(skilled, ["État civil"])
    app.directory.set_software(tooled, mastered=["Berger-Levrault"])
    found = app.tutors.list_candidates(newcomer_id=arriving)
    ids = [c.member_id for c in found]
    assert ids[:3] == [near, skilled, tooled]
    assert arriving not in ids
    assert found[0].reasons == ("même EPCI", "accompagne 0 arrivant sur 2")
    assert found[1].reasons[0] == "expertise partagée : État civil"
    assert found[2].reasons[0] == "logiciel partagé : Berger-Levrault (maîtrisé)"
    assert app.tutors.limit == 2  # the profile's default


def test_a_pairing_ticks_the_tutor_step_and_ends_at_the_review_MEM_13_MEM_5(
    census_app: App,
) -> None:
    app = census_app
    arrival = dt.date(2025, 1, 6)
    arriving = newcomer(app, "Inès", "Arrivée", "79030", arrival=arrival)
    tutor = person(app, "Nadia", "Girard", "79018")
    assert step(app, arriving, OnboardingStep.TUTOR) is None
    pairing = app.tutors.pair(arriving, tutor, by=administrator(app), on=arrival)
    assert (pairing.started_on, pairing.review_due) == (arrival, dt.date(2025, 4, 6))
    assert step(app, arriving, OnboardingStep.TUTOR) == arrival  # the tick is the pairing
    assert [t.id for t in app.tutors.list_tutorships(tutor_id=tutor, current=True)] == [pairing.id]
    with pytest.raises(ConflictError, match="a déjà un tuteur, Nadia Girard"):
        app.tutors.pair(arriving, person(app, "Jean", "Péroux", "79015"), by=administrator(app))
    nothing_written(  # a review is recorded once held, never ahead
        app, lambda: app.tutors.review(arriving, by=administrator(app), on=dt.date(2025, 4, 6)),
        "MEM-13",
    )  # fmt: skip
    review_day = dt.date(2025, 3, 12)
    ended = app.tutors.review(arriving, by=administrator(app), on=review_day)
    assert (ended.ended_on, ended.end, ended.ended_by) == (
        review_day,
        TutorshipEnd.REVIEW,
        administrator(app),
    )
    assert step(app, arriving, OnboardingStep.TUTOR_REVIEW) == review_day
    assert app.tutors.list_tutorships(current=True) == []
    report = app.indicators.annual_report(year=2025)
    [section] = [s for s in report.sections if s.title == "Tutorat des arrivants"]
    assert "1 arrivant apparié à un tuteur dans l'année" in section.lines
    assert section.lines[1] == "1 tutorat clos au bilan à 3 mois (en 65 jours en moyenne)"
    assert section.table is not None and section.table.rows == (("Nadia Girard", "1", "1"),)


def test_a_tutor_over_the_limit_or_not_active_is_refused_MEM_13(census_app: App) -> None:
    app = census_app
    tutor = person(app, "Nadia", "Girard", "79018")
    first, second, third = (newcomer(app, n, "Arrivant", "79030") for n in ("Un", "Deux", "Trois"))
    app.tutors.pair(first, tutor, by=administrator(app))
    app.tutors.pair(second, tutor, by=administrator(app))
    error = nothing_written(
        app, lambda: app.tutors.pair(third, tutor, by=administrator(app)), "MEM-13"
    )
    assert "Nadia Girard accompagne déjà 2 arrivants, la limite est de 2 par tuteur" in str(error)
    assert tutor not in [c.member_id for c in app.tutors.list_candidates(newcomer_id=third)]
    forced = app.tutors.pair(third, tutor, by=administrator(app), force=True)
    assert forced.forced
    prospect = person(app, "Zoé", "Bernard", "79019", lifecycle="prospect")
    fourth = newcomer(app, "Quatre", "Arrivant", "79030")
    error = nothing_written(
        app, lambda: app.tutors.pair(fourth, prospect, by=administrator(app)), "MEM-13"
    )
    assert "Zoé Bernard ne peut pas être tuteur : un tuteur est un membre actif" in str(error)
    gone = person(app, "Paul", "Moreau", "79009")
    app.members.depart(gone, reason="retraite", on=TODAY)
    error = nothing_written(
        app, lambda: app.tutors.pair(fourth, gone, by=administrator(app)), "MEM-13"
    )
    assert "(parti)" in str(error)
    nothing_written(app, lambda: app.tutors.pair(fourth, fourth, by=administrator(app)), "MEM-13")


def test_a_departing_tutor_s_newcomers_get_successors_by_shared_expertise_MEM_8_MEM_13(
    census_app: App,
) -> None:
    app = census_app
    arriving = newcomer(app, "Inès", "Arrivée", "79030")
    tutor = person(app, "Nadia", "Girard", "79018")
    same_epci = person(app, "Jean", "Péroux", "79015")  # same EPCI, no expertise in common
    expert = person(app, "Léa", "Fournier", "79002")  # shares the tutor's two expertises
    half = person(app, "Paul", "Moreau", "79009")  # shares one
    app.directory.set_expertises(tutor, ["État civil", "Élections"])
    app.directory.set_expertises(expert, ["Élections", "État civil"])
    app.directory.set_expertises(half, ["Élections"])
    app.tutors.pair(arriving, tutor, by=administrator(app))
    assert app.tutors.list_successions() == []
    app.members.announce_departure(tutor, on=TODAY + dt.timedelta(days=20))
    [succession] = app.tutors.list_successions()
    assert succession.newcomer.id == arriving and "départ annoncé" in succession.why
    ranked = [c.member_id for c in succession.candidates]
    assert ranked.index(expert) < ranked.index(half) < ranked.index(same_epci)
    assert succession.candidates[0].reasons[0] == "expertise partagée : Élections, État civil"
    relayed = app.tutors.relay(arriving, expert, by=administrator(app))
    assert relayed.review_due == dt.date(2025, 6, 14)  # the same review
    [old] = app.tutors.list_tutorships(tutor_id=tutor)
    assert (old.end, old.ended_on) == (TutorshipEnd.SUCCESSOR, TODAY)
    assert app.tutors.list_successions() == []


def _with_limit(settings: rsgm_core.Settings, limit: int) -> rsgm_core.Settings:
    return attrs.evolve(settings, policies=attrs.evolve(settings.policies, tutor_limit=limit))


@pytest.mark.parametrize(
    ("settings", "commune", "other"), [(CDG77, "77001", "77002"), (CIG, "95002", "78003")],
    ids=["cdg77", "cig"],
)  # fmt: skip
def test_the_limit_comes_from_the_profile_for_cdg77_and_the_cig_MEM_13(
    url: str, rsgm_clock: Clock, census_data: Path, settings: rsgm_core.Settings,
    commune: str, other: str,
) -> None:  # fmt: skip
    with rsgm_core.open(url, clock=rsgm_clock, settings=_with_limit(settings, 1)) as app:
        app.census.import_(NEW_VINTAGE)
        administrator(app)
        tutor = person(app, "Nadia", "Girard", other)
        one = newcomer(app, "Un", "Arrivant", commune)
        two = newcomer(app, "Deux", "Arrivant", commune)
        app.tutors.pair(one, tutor, by=administrator(app))
        error = nothing_written(
            app, lambda: app.tutors.pair(two, tutor, by=administrator(app)), "MEM-13"
        )
        assert "la limite est de 1 par tuteur" in str(error)


def test_a_newcomer_who_leaves_ends_their_tutorship_MEM_13_MEM_4(census_app: App) -> None:
    app = census_app
    arrival = dt.date(2025, 1, 6)
    arriving = newcomer(app, "Inès", "Arrivée", "79030", arrival=arrival)
    tutor = person(app, "Nadia", "Girard", "79018")
    app.tutors.pair(arriving, tutor, by=administrator(app), on=arrival)
    left = dt.date(2025, 2, 14)
    app.members.depart(arriving, reason="mutation", on=left)
    [ended] = app.tutors.list_tutorships(newcomer_id=arriving)
    assert (ended.ended_on, ended.end) == (left, TutorshipEnd.NEWCOMER_LEFT)
    assert app.tutors.list_tutorships(tutor_id=tutor, current=True) == []  # her load is freed
