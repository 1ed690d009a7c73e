"""Numbers at the boundary and shared mailboxes, through the use cases on every backend: each
hostile value of issue 18 is refused with its rule named and nothing written (EVT-7, TAR-5,
MEM-1, CHA-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from rsgm_core import App, SessionPlan
from tests.conftest import SAMPLE
from tests.helpers import administrator, nothing_written

DAY = dt.date(2025, 6, 19)  # a Thursday; the clock starts on 14 March 2025
AUBIGNY = "79019"


@pytest.fixture
def census_app(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


@pytest.mark.parametrize("cost", ["Infinity", "1e32", "NaN", "-1"])
def test_a_hostile_cost_is_never_stored_and_tracking_still_works_EVT_7(app: App, cost: str) -> None:
    # A cost of Infinity or 1e32 was stored, then broke `rsgm events track` (issue 18).
    plan = [SessionPlan(DAY, "Niort")]
    call = lambda: app.events.plan("J", "matinale", "distanciel", plan, cost=Decimal(cost))  # noqa: E731
    nothing_written(app, call, "EVT-7")
    app.events.plan("J", "matinale", "distanciel", plan, cost=Decimal("350.50"))
    assert [row.cost for row in app.events.list_tracking_rows(year=2025)] == [Decimal("350.50")]


def test_a_capacity_beyond_any_venue_is_refused_EVT_4(app: App) -> None:
    plan = [SessionPlan(DAY, "Niort", capacity=10_000)]
    assert app.events.plan("J", "matinale", "distanciel", plan).sessions[0].capacity == 10_000
    with pytest.raises(Exception) as caught:
        SessionPlan(DAY, "Niort", capacity=10**15)
    assert "[EVT-4]" in str(caught.value)


def test_an_absurd_duration_makes_no_invoice_TAR_5(census_app: App) -> None:
    # 9,999,999,999 minutes gave a 12.5 billion € invoice (issue 18).
    app = census_app
    admin = administrator(app)
    call = lambda: app.billing.add_intervention(  # noqa: E731
        AUBIGNY, "intervention_specifique", 9_999_999_999, on=dt.date(2025, 3, 3),
        requested_by="le maire", by=admin,
    )  # fmt: skip
    error = nothing_written(app, call, "TAR-5")
    assert "9999999999 minutes" in error.message
    assert app.billing.bill(year=2025, by=admin) == []


@pytest.mark.parametrize("work_time", [Decimal("NaN"), Decimal("Infinity"), Decimal("-0.5")])
def test_a_hostile_work_time_is_refused_MEM_1(census_app: App, work_time: Decimal) -> None:
    member = census_app.members.add("Claire", "Martin", email="claire.martin@example.org")
    call = lambda: census_app.members.add_position(member.id, AUBIGNY, "sgm", work_time=work_time)  # noqa: E731
    nothing_written(census_app, call, "MEM-1")


@pytest.mark.parametrize(
    "email",
    ["mairie.aubigny@orange.fr", "mairie+sgm@aubigny.fr", "secrétariat@aubigny.fr",
     "secretariat@aubigny.fr", "accueil@aubigny.fr", "contact@aubigny.fr",
     "mairie-de-voinsles@wanadoo.fr", "secretariat.mairie@aubigny.fr", "info@aubigny.fr",
     "administration@aubigny.fr"],
)  # fmt: skip
def test_a_shared_mailbox_is_never_a_member_s_address_CHA_6(app: App, email: str) -> None:
    error = nothing_written(app, lambda: app.members.add("A", "B", email=email), "CHA-6")
    assert email.split("@")[0] in error.message


def test_the_commune_s_own_name_is_a_shared_mailbox_CHA_6(census_app: App) -> None:
    # voinsles@wanadoo.fr for Voinsles: here aubigny@… for Aubigny (79019).
    app = census_app
    member = app.members.add("Claire", "Martin", email="aubigny@wanadoo.fr")
    error = nothing_written(
        app, lambda: app.members.add_position(member.id, AUBIGNY, "sgm"), "CHA-6"
    )
    assert "adresse de la commune refusée" in error.message
    nominative = app.members.add("Jean", "Aubigny", email="jean.aubigny@wanadoo.fr")
    app.members.add_position(nominative.id, AUBIGNY, "sgm")  # a person named like the town
    call = lambda: app.directory.update_contact(nominative.id, email="Aubigny@orange.fr")  # noqa: E731
    nothing_written(app, call, "CHA-6")


def test_the_import_refuses_a_commune_mailbox_on_its_row_CHA_6(
    census_app: App, tmp_path: Path
) -> None:
    path = tmp_path / "membres.csv"
    path.write_text(
        "Prénom;Nom;Courriel;Code INSEE\nClaire;Martin;aubigny@orange.fr;79019\n"
        "Jean;Roux;mairie.aubigny@orange.fr;79019\nMarie;Durand;marie.durand@orange.fr;79019\n",
        encoding="utf-8",
    )
    report = census_app.members.import_members(path)
    assert not report.written
    assert [(r.line, "[CHA-6]" in " ".join(r.problems)) for r in report.rows] == [
        (2, True), (3, True), (4, False),
    ]  # fmt: skip
