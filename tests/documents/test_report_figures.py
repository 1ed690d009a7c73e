"""IND-2, IND-3: the annual report and the national export give the same figures for the same
year, over one definition of an active member (domain.active_members, docs/indicators.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rsgm_core import App, Lifecycle, Member
from rsgm_core.domain.active_members import active_member_ids, is_active_member
from tests.indicator_seed import YEAR, seed

D = dt.date


@pytest.mark.rule("IND-2")
def test_a_cdg_agent_without_a_commune_is_no_active_member_IND_2_IND_3(app: App) -> None:
    seed(app)
    with app.deps.transaction() as uow:  # the animator, a CDG agent holding no position
        uow.members.add(Member("agent-cdg", "Julien", "Bonnet", lifecycle=Lifecycle.ACTIVE))
    report = app.indicators.annual_report(year=YEAR)
    export = app.indicators.national_export(year=YEAR, cdg="CDG79")
    tables = {t.name: t for t in export.tables}
    active = report.indicator("membres_actifs").value
    assert active == 10  # the seed's ten SGM, not the agent
    assert tables["membres_actifs_par_departement"].total == active
    assert sum(v or 0 for v in tables["membres_actifs_par_departement"].cells.values()) == active


@pytest.mark.rule("IND-3")
def test_every_published_figure_of_the_export_is_the_report_s_IND_2_IND_3(app: App) -> None:
    seed(app)
    report = app.indicators.annual_report(year=YEAR)
    export = app.indicators.national_export(year=YEAR, cdg="CDG79")
    tables = {t.name: t for t in export.tables}
    moves = tables["mouvements"].cells
    for key, cell in (("arrivees", "arrivees"), ("departs", "departs")):
        if moves[cell] is not None:  # a suppressed cell (1 to 4 persons) is not compared
            assert moves[cell] == report.indicator(key).value
    assert tables["participation"].cells["presents"] == sum(e.attendees for e in report.events)
    assert tables["participation"].total == sum(e.invited for e in report.events)
    for key in ("evenements", "lettres_envoyees"):
        assert export.indicators[key] == report.indicator(key).value
    for key in ("taux_participation", "couverture_territoriale", "taux_reponse_enquetes"):
        published = export.indicators[key]
        if published is not None:  # rounded to 0.001 in the export
            value = report.indicator(key).value
            assert value is not None
            assert Decimal(published) == Decimal(value).quantize(Decimal("0.001"))


def test_the_definition_of_an_active_member_IND_2() -> None:
    day = D(YEAR, 12, 31)
    person = Member("m", "Anne", "Meyer", lifecycle=Lifecycle.ACTIVE, arrival=D(YEAR, 3, 1))
    assert is_active_member(person, on=day, placed=True)
    assert not is_active_member(person, on=day, placed=False)  # no commune: not a member
    assert not is_active_member(person, on=D(YEAR, 2, 1), placed=True)  # not arrived yet
    gone = Member("g", "Paul", "Meyer", lifecycle=Lifecycle.DEPARTED, departed_on=D(YEAR, 6, 1))
    assert not is_active_member(gone, on=day, placed=True)
    assert is_active_member(gone, on=D(YEAR, 5, 31), placed=True)  # still there that day
    assert active_member_ids([person, gone], {"m", "g"}, on=day) == {"m"}
