"""Suggestions of members (NET-6): recorded (by the member, by the CDG's staff, through the
member's personal link, NOT-3), on the agenda of the follow-up committee's next meeting (NET-2),
decided by someone who sits on it, the answer sent to the author through the outbox (NOT-1), and
listed in the annual report (IND-2); as CDG 79, CDG 77 and the CIG run them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import attrs

import rsgm_core
from rsgm_core import (
    App,
    PermissionDeniedError,
    Seat,
    SeatKind,
    SuggestionOutcome,
    SuggestionSource,
)
from rsgm_core.domain.messages import MessageStatus
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import CDG79, administrator, nothing_written, with_log_transport

AUBIGNY, SAUZE = "79019", "79307"
TODAY = dt.date(2025, 3, 14)
SECRET = "s" * 20 + "ecret-de-test-du-cdg-79-pour-les-idees"


def member(app: App, first: str, last: str, commune: str) -> str:
    made = app.members.add(first, last, email=f"{first}.{last}@example.org".lower())
    app.members.add_position(made.id, commune, "sgm")
    return made.id


def epci_of(app: App, commune: str) -> str:
    with app.deps.read() as uow:
        found = uow.communes.get(commune).epci
    assert found is not None
    return found


def setup79(app: App) -> SimpleNamespace:
    app.census.import_(SAMPLE, ["79"])
    admin = administrator(app)
    app.network.create_departmental_network("Réseau des SGM 79", by=admin)
    claire = member(app, "Claire", "Martin", AUBIGNY)
    jean = member(app, "Jean", "Péroux", SAUZE)
    paul = member(app, "Paul", "Roy", SAUZE)
    app.network.set_committee(
        "suivi", [Seat(SeatKind.SGM, claire, epci_of(app, AUBIGNY))], by=admin,
        on=dt.date(2024, 1, 15),
    )  # fmt: skip
    app.network.record_meeting("suivi", by=admin, on=dt.date(2025, 4, 10))  # the next one
    return SimpleNamespace(admin=admin, claire=claire, jean=jean, paul=paul)


def test_a_suggestion_goes_to_the_committee_and_its_answer_to_its_author_NET_6(
    url: str, rsgm_clock: Clock
) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=with_log_transport(CDG79)) as app:
        net = setup79(app)
        ideas = app.suggestions
        made = ideas.record(net.jean, "Une matinale sur le budget primitif", by=net.jean)
        assert made.agenda_on == dt.date(2025, 4, 10) and made.source is SuggestionSource.RECORDED
        assert made.recorded_by == net.jean and made.received_on == TODAY
        other = ideas.record(net.paul, "Un annuaire des logiciels", by=net.admin)  # for him
        assert other.recorded_by == net.admin
        agenda = ideas.agenda()
        assert agenda.meeting_on == dt.date(2025, 4, 10)
        assert {s.id for s in agenda.suggestions} == {made.id, other.id}

        decided = ideas.decide(
            made.id, "planifiee", by=net.claire, reason="En septembre, avant les budgets.",
            planned_for=dt.date(2025, 9, 30),
        )  # fmt: skip
        assert decided.outcome is SuggestionOutcome.PLANNED and decided.decided_by == net.claire
        assert decided.answer_id is not None
        with app.deps.read() as uow:
            answer = uow.outbox.get(decided.answer_id)
        assert answer.recipient == app.members.get(net.jean).email
        assert answer.status is MessageStatus.SENT
        assert answer.subject == (
            "Votre suggestion au réseau des SGM : planifiée par le comité de suivi"
        )
        assert "« Une matinale sur le budget primitif »" in answer.body_text
        assert "mise en œuvre d'ici le 30 septembre 2025" in answer.body_text
        declined = ideas.decide(other.id, "refusee", by=net.admin, reason="Il existe déjà.")
        assert declined.outcome is SuggestionOutcome.DECLINED  # an administrator records it
        assert ideas.agenda().suggestions == ()
        assert {s.id for s in ideas.list_suggestions(pending=False)} == {made.id, other.id}

        report = app.indicators.annual_report(year=2025)
        section = next(s for s in report.sections if s.title == "Suggestions des membres")
        assert section.lines[0] == (
            "2 suggestions reçues des membres ; 2 décidées par le comité de suivi (0 acceptée, "
            "1 planifiée, 1 refusée) ; 2 réponses envoyées à leur auteur."
        )
        assert section.table is not None
        assert sorted(r[2] for r in section.table.rows) == ["planifiée", "refusée"]


def test_a_suggestion_is_decided_by_the_follow_up_committee_NET_6(app: App) -> None:
    net = setup79(app)
    made = app.suggestions.record(net.jean, "Une idée", by=net.jean)
    error = nothing_written(
        app, lambda: app.suggestions.decide(made.id, "acceptee", by=net.paul), "NET-6"
    )
    assert isinstance(error, PermissionDeniedError)
    assert "Paul Roy ne siège pas au comité de suivi" in str(error)
    animator = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.example.org")
    app.access.add_staff(animator.id, by=net.admin)  # staff, not an administrator
    nothing_written(
        app, lambda: app.suggestions.decide(made.id, "acceptee", by=animator.id), "NET-6"
    )


def test_a_declined_suggestion_gives_its_reason_NET_6(app: App) -> None:
    net = setup79(app)
    made = app.suggestions.record(net.jean, "Une idée", by=net.jean)
    error = nothing_written(
        app, lambda: app.suggestions.decide(made.id, "refusee", by=net.claire), "NET-6"
    )
    assert "décision « refusee » sans raison" in str(error)
    nothing_written(
        app,
        lambda: app.suggestions.decide(made.id, "acceptee", by=net.claire,
                                       planned_for=dt.date(2025, 9, 1)),
        "NET-6",
    )  # fmt: skip
    app.suggestions.decide(made.id, "acceptee", by=net.claire)
    nothing_written(
        app, lambda: app.suggestions.decide(made.id, "refusee", by=net.claire, reason="Non"),
        "NET-6",
    )  # fmt: skip


def test_a_suggestion_comes_from_a_member_recorded_by_them_or_the_staff_NET_6(
    app: App, rsgm_clock: Clock
) -> None:
    net = setup79(app)
    nothing_written(app, lambda: app.suggestions.record(net.jean, "Idée", by=net.paul), "CHA-2")
    nothing_written(app, lambda: app.suggestions.record(net.jean, "   ", by=net.jean), "NET-6")
    app.members.depart(net.paul, reason="retraite", on=dt.date(2025, 3, 1))
    nothing_written(app, lambda: app.suggestions.record(net.paul, "Idée", by=net.admin), "NET-6")
    nothing_written(  # EVT-12: received today or on a past day
        app,
        lambda: app.suggestions.record(net.jean, "Idée", by=net.jean, on=dt.date(2026, 1, 1)),
        "NET-6",
    )
    rsgm_clock.set(dt.date(2025, 4, 20))
    made = app.suggestions.record(net.jean, "Idée", by=net.jean)
    assert made.agenda_on is None  # after the last meeting planned: the next one, to be set
    assert app.suggestions.agenda().meeting_on is None


def test_a_suggestion_through_the_personal_link_NET_6_NOT_3(url: str, rsgm_clock: Clock) -> None:
    web = {"public_url": "https://reseau.cdg79.example", "secret": SECRET, "previous_secrets": ()}
    settings = attrs.evolve(CDG79, plugins={**CDG79.plugins, "web": web})
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as app:
        net = setup79(app)
        link = app.links.issue("suggestion", member_id=net.jean)
        assert link.url.startswith("https://reseau.cdg79.example/s/")
        assert "faire une suggestion au réseau" in app.links.verify(link.token).description
        done = app.links.use(link.token, purpose="suggestion", comment="Un tutoriel e-magnus")
        assert "inscrite à l'ordre du jour de la réunion du comité de suivi du 10/04/2025" in (
            done.summary
        )
        again = app.links.use(link.token, purpose="suggestion", comment="Et un second")
        mine = app.suggestions.list_suggestions(member_id=net.jean)
        assert sorted(s.text for s in mine) == ["Et un second", "Un tutoriel e-magnus"]
        assert {s.source for s in mine} == {SuggestionSource.LINK} and again.record_id
        nothing_written(
            app, lambda: app.links.use(link.token, purpose="suggestion", comment=""), "NET-6"
        )


def test_erasing_an_author_removes_their_identity_NET_6_MEM_11(app: App) -> None:
    net = setup79(app)
    made = app.suggestions.record(net.jean, "Jean Péroux propose une matinale", by=net.jean)
    app.suggestions.decide(made.id, "acceptee", by=net.claire, reason="Merci Jean Péroux")
    app.rgpd.erase(net.jean, by=net.admin)
    kept = app.suggestions.list_suggestions()[0]
    assert kept.outcome is SuggestionOutcome.ACCEPTED  # still counted and decided
    assert "Péroux" not in kept.text and "Péroux" not in kept.reason
    assert app.members.get(kept.member_id).erased_on is not None


def _census(app: App, census_data: Path) -> None:
    app.census.import_(NEW_VINTAGE)


def test_cdg77_suggestions_go_to_its_one_committee_NET_6(cdg77: App, census_data: Path) -> None:
    app = cdg77
    _census(app, census_data)
    admin = administrator(app)
    app.network.create_departmental_network("Réseau 77", by=admin)
    referent = member(app, "Inès", "Lambert", "77001")
    author = member(app, "Hugo", "Petit", "77001")
    app.network.set_committee(
        "suivi", [Seat(SeatKind.REFERENT, referent, epci_of(app, "77001"))], by=admin
    )
    made = app.suggestions.record(author, "Un groupe sur l'urbanisme", by=author)
    assert made.departement == "" and made.agenda_on is None
    assert app.suggestions.decide(made.id, "acceptee", by=referent).decided_by == referent


def test_cig_a_suggestion_goes_to_its_department_s_committee_NET_6_TER_7(
    cig: App, census_data: Path
) -> None:
    app = cig
    _census(app, census_data)
    admin = administrator(app)
    sgm95 = member(app, "Léa", "Roux", "95002")  # Ableiges (95)
    sgm78 = member(app, "Marc", "Blanc", "78003")  # Ablis (78)
    author = member(app, "Hugo", "Petit", "95002")
    app.network.set_committee("suivi", [Seat(SeatKind.SGM, sgm95, epci_of(app, "95002"))],
                              by=admin, departement="95")  # fmt: skip
    app.network.set_committee("suivi", [Seat(SeatKind.SGM, sgm78, epci_of(app, "78003"))],
                              by=admin, departement="78")  # fmt: skip
    app.network.record_meeting("suivi", by=admin, on=dt.date(2025, 5, 5), departement="95")
    made = app.suggestions.record(author, "Une visio mensuelle", by=author)
    assert made.departement == "95" and made.agenda_on == dt.date(2025, 5, 5)
    assert [s.id for s in app.suggestions.agenda(departement="95").suggestions] == [made.id]
    assert app.suggestions.agenda(departement="78").suggestions == ()
    nothing_written(app, lambda: app.suggestions.decide(made.id, "acceptee", by=sgm78), "NET-6")
    app.suggestions.decide(made.id, "acceptee", by=sgm95)
    in95 = app.indicators.annual_report(year=2025, scope="departement:95")
    in78 = app.indicators.annual_report(year=2025, scope="departement:78")
    assert next(s for s in in95.sections if s.title == "Suggestions des membres").lines
    assert next(s for s in in78.sections if s.title == "Suggestions des membres").is_empty
