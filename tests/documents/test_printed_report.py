"""IND-2: the annual report printed on A4 (HTML through WeasyPrint, the ``pdf`` extra) holds up in
front of a CDG's board: read back with pdfplumber, no character lies outside the page's margins,
none is under 9 pt, no label or value is printed over a bar, each chart has its axis, its
graduations, its values and its legend, events of one title are told apart by their date, the
tables wrap inside the margins and repeat their header on each page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import attrs
import pytest

import rsgm_core
from rsgm_core.domain.indicators import AnnualReport, EpciCoverage, EventFigures, MonthMoves
from rsgm_core.render.formatting import format_date
from rsgm_core.render.report import render_html, render_markdown, render_pdf
from rsgm_core.render.report_charts import wrap_label
from rsgm_core.testing import Clock
from tests.documents.printed import (
    outside_margins,
    over_bars,
    overlapping,
    read_pdf,
    smaller_than,
    text_of,
)
from tests.helpers import CDG79, CIG
from tests.indicator_seed import YEAR, seed

pytest.importorskip("weasyprint")

D = dt.date
LONG_EPCI = "Communauté de communes du Pays de Fayence, des Vallées du Haut-Var et des Gorges"
LONG_TITLE = (
    "Journée réseau des secrétaires généraux de mairie : l'état civil, les élections et la "
    "paie après la réforme de la fonction publique territoriale de 2025"
)


def crowded(report: AnnualReport) -> AnnualReport:
    """``report`` with what made the printed report fail: three webinars of one title, a very
    long title, long EPCI names, 40 EPCI (tables across pages), a narrower target public (three
    more coverage columns), arrivals and departures in most months, and the CIG's long name."""
    events = [
        EventFigures(f"w{i}", "Webinaire : la DSN", D(YEAR, 1 + 3 * i, 14), 40, 31, 28,
                     Decimal("0.75"), 20)
        for i in range(3)
    ] + [
        EventFigures("j", LONG_TITLE, D(YEAR, 9, 3), 120, 97, 88, None, 0),
        EventFigures("m", "Matinale", D(YEAR, 11, 28), 12, 10, 9, Decimal("1"), 9),
        EventFigures("p", "Plénière", D(YEAR - 1, 12, 30), 120, 120, 120, Decimal("1"), 9),
    ]  # fmt: skip
    coverage = [
        EpciCoverage(
            f"{LONG_EPCI} {i}" if i % 3 == 0 else f"CC n° {i}", i % 7, 30 + i,
            Decimal(i % 7) / Decimal(30 + i), i % 5, 20 + i, Decimal(i % 5) / Decimal(20 + i),
        )
        for i in range(40)
    ]  # fmt: skip
    moves = [MonthMoves(f"{YEAR}-{m:02d}", (m * 7) % 13, (m * 5) % 4) for m in range(1, 13)]
    return attrs.evolve(
        report, events=tuple(events), coverage=tuple(coverage), moves=tuple(moves),
        issuer=CIG.cdg, cdg="CIG Grande Couronne", target_below=2000,
        title=f"Rapport d'activité {YEAR} du réseau des SGM — CIG Grande Couronne (Yvelines, "
        "Essonne, Val-d'Oise)",
    )  # fmt: skip


@pytest.fixture(scope="module")
def report() -> Iterator[AnnualReport]:
    """The seeded year's report as CDG 79 (the figures are proven on every backend in
    test_report_figures.py; here only the printing matters)."""
    with rsgm_core.open("memory://", settings=CDG79, clock=Clock()) as app:
        seed(app)
        yield app.indicators.annual_report(year=YEAR)


@pytest.fixture(scope="module")
def crowd(report: AnnualReport) -> tuple[AnnualReport, bytes]:
    crowd = crowded(report)
    return crowd, render_pdf(crowd)


def assert_printable(pdf: bytes) -> str:
    pages = read_pdf(pdf)
    assert pages and all(round(p.width) == 595 and round(p.height) == 842 for p in pages)  # A4
    assert outside_margins(pages) == []
    assert smaller_than(pages, 9) == []
    assert over_bars(pages) == []
    assert overlapping(pages) == []
    return text_of(pages)


@pytest.mark.rule("IND-2")
def test_the_printed_report_stays_inside_its_margins_IND_2(report: AnnualReport) -> None:
    text = assert_printable(render_pdf(report))
    assert "Centre de gestion de la fonction publique territoriale des Deux-Sèvres" in text
    assert "Fait à Saint-Maixent-l'École" in text  # the CDG of the profile signs it
    assert re.search(r"page 1 sur \d", text)


@pytest.mark.rule("IND-2")
def test_a_crowded_report_prints_inside_its_margins_IND_2(
    crowd: tuple[AnnualReport, bytes],
) -> None:
    crowd, pdf = crowd
    pages = read_pdf(pdf)
    text = assert_printable(pdf)
    # the CIG of the profile names itself and signs
    assert "Centre interdépartemental de gestion de la Grande Couronne" in text
    assert "Fait à Versailles" in text and "Jean Martin" in text
    # the events table: dates on one line, never wrapped; the satisfaction column whole
    for event in crowd.events:  # the table's dates, each on one line
        assert format_date(event.first_date, format="d MMM yyyy") in text
    assert f"30 déc. {YEAR - 1} — Plénière" in text  # another year's date says its year
    assert "Satisfaction" in text and "75,0 %" in text
    # the coverage table spans pages and repeats its header on each of them
    holding = [p for p in pages if re.search(r"CC n° \d+ \d+ \d+ ", p.text)]  # table rows
    assert len(holding) >= 2
    assert all("EPCI Communes Communes Couverture Communes" in p.text for p in holding)


@pytest.mark.rule("IND-2")
def test_each_chart_has_its_axis_values_and_legend_IND_2(
    crowd: tuple[AnnualReport, bytes],
) -> None:
    crowd, pdf = crowd
    text = text_of(read_pdf(pdf))
    # participation: graduations, axis title, legend, each value with its counts
    for label in ("0 %", "25 %", "50 %", "75 %", "100 %", "Participation : présents / invités",
                  "présents / invités de l'événement", "70,0 % (28 / 40)", "73,3 % (88 / 120)",
                  "100,0 % (120 / 120)"):  # fmt: skip
        assert label in text, label
    # the three webinars of one title, told apart by their date
    for month in ("14 janv. — Webinaire", "14 avr. — Webinaire", "14 juil. — Webinaire"):
        assert month in text, month
    # coverage: its axis in whole percents, its title, values with their counts
    assert "Part des communes < 3 500 hab. ayant au moins un membre actif" in text
    assert "communes couvertes / communes < 3 500 hab. de l'EPCI" in text
    assert "20,0 % (6 / 30)" not in text and "3,2 % (1 / 31)" in text
    # arrivals and departures: the vertical axis and its title, months, counts, legend totals
    arrivals = sum(m.arrivals for m in crowd.moves)
    departures = sum(m.departures for m in crowd.moves)
    assert f"arrivées ({arrivals})" in text and f"départs ({departures})" in text
    assert "Nombre de membres" in text
    for month in ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                  "oct.", "nov.", "déc."):  # fmt: skip
        assert month in text, month


@pytest.mark.rule("IND-2")
def test_a_year_without_moves_says_so_on_its_chart_IND_2(report: AnnualReport) -> None:
    still = attrs.evolve(
        report, moves=tuple(MonthMoves(f"{YEAR}-{m:02d}", 0, 0) for m in range(1, 13))
    )
    text = assert_printable(render_pdf(still))
    assert f"Aucune arrivée ni aucun départ en {YEAR}" in text
    assert "arrivées (0)" in text and "Nombre de membres" in text


@pytest.mark.rule("IND-2")
def test_the_seeded_year_draws_its_arrivals_and_departures_IND_2(report: AnnualReport) -> None:
    """The seed's ten arrivals and two departures of 2024 are bars with their counts (the chart
    was blank, with hover tooltips only)."""
    html = render_html(report)
    chart = html.split('id="graphique-mouvements"')[1].split("</svg>")[0]
    assert chart.count("<rect") - 2 == sum(  # the two legend swatches
        (m.arrivals > 0) + (m.departures > 0) for m in report.moves
    )
    assert "arrivées (10)" in chart and "départs (2)" in chart
    assert f"Aucune arrivée ni aucun départ en {YEAR}" not in chart


@pytest.mark.rule("IND-2")
def test_long_labels_are_wrapped_or_cut_with_their_full_text_in_a_title_IND_2(
    report: AnnualReport,
) -> None:
    lines, cut = wrap_label(f"{LONG_EPCI} 0", 230)
    assert len(lines) == 2 and cut and lines[1].endswith("…")
    assert wrap_label("CC du Thouarsais", 230) == (["CC du Thouarsais"], False)
    html = render_html(crowded(report))
    chart = html.split('id="graphique-couverture"')[1].split("</svg>")[0]
    assert f"<title>{LONG_EPCI} 0</title>" in chart.replace("&#x27;", "'")
    assert "…" in chart
    participation = html.split('id="graphique-participation"')[1].split("</svg>")[0]
    assert "<title>3 sept. — Journée réseau des secrétaires" in participation


@pytest.mark.rule("IND-2")
def test_the_html_page_is_laid_out_for_a4_IND_2(report: AnnualReport) -> None:
    html = render_html(report)
    assert "@page{size:A4;margin:18mm 15mm 20mm 15mm" in html
    assert "thead{display:table-header-group}" in html
    assert "table-layout:fixed" in html and "td.d{white-space:nowrap}" in html
    for size in re.findall(r"font-size:(\d+(?:\.\d+)?)pt", html):
        assert float(size) >= 9
    assert 'font-size="13"' in html and 'font-size="1' in html  # charts: 13 px = 9.75 pt


@pytest.mark.rule("IND-2")
def test_no_rule_id_in_the_report_for_the_board_IND_2(report: AnnualReport) -> None:
    for text in (render_html(report), render_markdown(report)):
        assert "Ressources à revoir" in text
        assert not re.search(r"\([A-Z]{3}-\d+\)", text)
