"""Indicators and the annual report of a CDG of one or several departments (IND-1, IND-2, TER-3,
TER-7), on the real Etalab 6.0.0 data: CDG 77 (target public under 2,000) and the CIG Grande
Couronne (78, 91, 95)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import App, Period, ValidationError
from rsgm_core.render.report import NO_IDENTITY, render_html, render_markdown
from rsgm_core.settings import Settings
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import administrator

YEAR = 2025
ROISSY = "200055655"


def _sgm(app: App, commune: str) -> None:
    member = app.members.add("Agent", f"de {commune}", email=f"agent.{commune}@example.org")
    app.members.add_position(member.id, commune, "sgm", work_time=Decimal(1))


@pytest.fixture
def cdg77_census(cdg77: App, census_data: Path) -> tuple[App, dict[str, int]]:
    cdg77.census.import_(NEW_VINTAGE)
    populations = {r.code: r.population for r in cdg77.census.report().rows}
    small = min(c for c, p in populations.items() if p < 2_000)
    middle = min(c for c, p in populations.items() if 2_000 <= p < 3_500)
    for code in (small, middle):
        _sgm(cdg77, code)
    return cdg77, populations


def test_coverage_keeps_the_legal_scope_and_shows_the_target_public_TER_3_IND_1(
    cdg77_census: tuple[App, dict[str, int]],
) -> None:
    app, populations = cdg77_census
    legal = len(populations)  # communes of the 77 under 3,500
    target = sum(1 for p in populations.values() if p < 2_000)
    values = {i.key: i for i in app.indicators.compute(period=Period.year(YEAR))}
    assert values["couverture_territoriale"].value == Decimal(2) / legal
    cible = values["couverture_public_cible"]
    assert cible.value == Decimal(1) / target
    assert cible.label == "Couverture du public cible (communes < 2 000 hab.)"
    total = sum(c.communes for c in app.indicators.coverage_by_epci(period=Period.year(YEAR)))
    assert total == legal  # hors ressort never in it (TER-7)
    targets = sum(
        c.target_communes or 0 for c in app.indicators.coverage_by_epci(period=Period.year(YEAR))
    )
    assert targets == target


def test_an_epci_s_communes_hors_ressort_are_not_covered_TER_7_IND_1(
    cdg77_census: tuple[App, dict[str, int]],
) -> None:
    app, _ = cdg77_census
    rows = app.indicators.coverage_by_epci(period=Period.year(YEAR), scope=f"epci:{ROISSY}")
    [roissy] = rows
    inside = [
        c
        for c in app.census.list_communes(epci=ROISSY, hors_ressort=False)
        if c.code in {r.code for r in app.census.report().rows}
    ]
    assert roissy.communes == len(inside)  # its 25 communes of the Val-d'Oise are not counted


def test_annual_report_is_titled_with_the_cdg_and_its_department_IND_2(
    cdg77_census: tuple[App, dict[str, int]],
) -> None:
    app, _ = cdg77_census
    report = app.indicators.annual_report(year=YEAR)
    assert report.title == "Rapport d'activité 2025 du réseau des SGM — CDG 77 (Seine-et-Marne)"
    markdown = render_markdown(report)
    assert markdown.startswith(f"# {report.title}\n")
    assert "Communes < 2 000 hab." in markdown and NO_IDENTITY not in markdown
    assert f"<title>{report.title}</title>" in render_html(report).replace("&#x27;", "'")


def test_indicators_and_report_by_department_TER_7_IND_1_IND_2(cig: App, census_data: Path) -> None:
    cig.census.import_(NEW_VINTAGE)
    _sgm(cig, "95011")  # Ableiges, Val-d'Oise
    whole = cig.indicators.annual_report(year=YEAR)
    assert whole.title == (
        "Rapport d'activité 2025 du réseau des SGM — CIG Grande Couronne "
        "(Yvelines, Essonne, Val-d'Oise)"
    )
    assert whole.target_below is None  # the CIG targets the legal scope
    assert "couverture_public_cible" not in {i.key for i in whole.indicators}
    report = cig.indicators.annual_report(year=YEAR, departement="95")
    assert report.title.endswith("— CIG Grande Couronne (Val-d'Oise)")
    assert report.indicator("membres_actifs").value == 1
    essonne = {
        i.key: i.value for i in cig.indicators.compute(period=Period.year(YEAR), departement="91")
    }
    assert essonne["couverture_territoriale"] == 0 and essonne["membres_actifs"] == 0
    rows = cig.indicators.coverage_by_epci(period=Period.year(YEAR), departement="95")
    assert sum(r.covered for r in rows) == 1
    with pytest.raises(ValidationError) as outside:
        cig.indicators.compute(period=Period.year(YEAR), departement="77")
    assert outside.value.rule == "TER-7"


def test_the_whole_report_names_every_departmental_network_TER_7_IND_2(
    cig: App, census_data: Path
) -> None:
    administrator(cig)  # CHA-2: named before any snapshot
    cig.census.import_(NEW_VINTAGE)
    for code, name in (("95", "Val-d'Oise"), ("78", "Yvelines"), ("91", "Essonne")):
        cig.network.create_departmental_network(
            f"Réseau des SGM ({name})", by=administrator(cig), departement=code
        )
    whole = cig.indicators.annual_report(year=YEAR)
    assert whole.network == (
        "Réseau des SGM (Yvelines) ; Réseau des SGM (Essonne) ; Réseau des SGM (Val-d'Oise)"
    )
    one = cig.indicators.annual_report(year=YEAR, departement="91")
    assert one.network == "Réseau des SGM (Essonne)"
    with pytest.raises(ValidationError, match="pas les deux"):
        cig.indicators.annual_report(year=YEAR, scope="epci:200055655", departement="95")


def test_without_a_cdg_identity_the_report_names_nobody_IND_2(url: str, rsgm_clock: Clock) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=Settings()) as app:
        app.census.import_(SAMPLE, ["79"])
        report = app.indicators.annual_report(year=YEAR)
        assert report.title == "Rapport d'activité 2025 du réseau des SGM" and report.cdg is None
        assert NO_IDENTITY in render_markdown(report)
        assert "section [cdg]" in render_html(report)
