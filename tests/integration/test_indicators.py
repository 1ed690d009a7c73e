"""IND-1 indicators, IND-2 annual report and IND-3 national export, on both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rsgm_core import (
    NOT_AVAILABLE,
    App,
    NotFoundError,
    Objective,
    ObjectiveKind,
    Period,
    ValidationError,
    format_indicator,
    hookimpl,
    render_html,
    render_markdown,
)
from rsgm_core.domain.national import merge, parse_export
from rsgm_core.render.report import SECTIONS
from rsgm_core.testing import Clock
from tests.helpers import administrator
from tests.indicator_seed import YEAR, seed


@pytest.fixture
def seeded(app: App) -> dict[str, object]:
    return seed(app)


def values(app: App, scope: str | None = None, period: Period | None = None) -> dict[str, object]:
    return {
        i.key: i.value
        for i in app.indicators.compute(period=period or Period.year(YEAR), scope=scope)
    }


def test_ind1_evt5_evt9_rates(app: App, seeded: dict[str, object]) -> None:
    got = values(app)
    assert got["taux_participation"] == Decimal(11) / 20  # EVT-5: attendees / invited
    assert got["taux_participation_inscrits"] == Decimal(11) / 14  # attendees / registered
    assert got["taux_satisfaction"] == Decimal(3) / 4  # EVT-9: answers 4-5 / scored answers
    assert got["taux_reponse_enquetes"] == Decimal(4) / 6
    assert got["evenements"] == 2 and got["lettres_envoyees"] == 1


def test_ind1_absent_statistics_are_not_available_never_zero(
    app: App, seeded: dict[str, object]
) -> None:
    shown = {i.key: format_indicator(i) for i in app.indicators.compute(period=Period.year(YEAR))}
    assert shown["taux_ouverture_lettre"] == NOT_AVAILABLE
    assert shown["visites_plateforme"] == NOT_AVAILABLE
    # a period without any event has no participation rate rather than 0 %
    empty = app.indicators.compute(period=Period.year(YEAR - 5))
    participation = next(i for i in empty if i.key == "taux_participation")
    assert format_indicator(participation) == NOT_AVAILABLE


class Stats:
    """A notification and platform plugin answering the statistics hook."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Period, str]] = []

    @hookimpl
    def rsgm_statistics(self, name: str, period: Period, scope: str) -> Decimal | int | None:
        self.calls.append((name, period, scope))
        return {"taux_ouverture_lettre": Decimal("0.42"), "visites_plateforme": 1234}.get(name)


def test_ind1_statistics_hook_feeds_open_rate_and_visits(url: str, rsgm_clock: Clock) -> None:
    import rsgm_core

    plugin = Stats()
    with rsgm_core.open(url, clock=rsgm_clock, plugins=[plugin]) as app:
        seed(app)
        computed = app.indicators.compute(period=Period.year(YEAR), scope="cdg")
        shown = {i.key: format_indicator(i) for i in computed}
    assert shown["taux_ouverture_lettre"] == "42,0\xa0%"
    assert shown["visites_plateforme"] == "1\u202f234"
    assert ("visites_plateforme", Period.year(YEAR), "cdg") in plugin.calls


def test_ind1_ter3_coverage_per_epci_and_overall(app: App, seeded: dict[str, object]) -> None:
    groups = seeded["groups"]
    first, second = seeded["first"], seeded["second"]
    rows = {
        c.name: (c.covered, c.communes)
        for c in app.indicators.coverage_by_epci(period=Period.year(YEAR))
    }
    with app.storage.unit_of_work(read_only=True) as uow:
        names = {e.siren: e.name for e in uow.epcis.list()}
    # the two departed members' communes (m10, m11 → places 0 and 1) are still covered by m00, m01
    assert rows[names[first]] == (6, len(groups[first]))
    assert rows[names[second]] == (4, len(groups[second]))
    total = sum(len(v) for v in groups.values())
    assert values(app)["couverture_territoriale"] == Decimal(10) / total


def test_ind1_tar3_mem4_mem7_pack_arrivals_departures(app: App, seeded: dict[str, object]) -> None:
    got = values(app)
    total = sum(len(v) for v in seeded["groups"].values())
    assert got["adhesion_pack"] == Decimal(3) / total  # TAR-3: memberships of the year
    assert got["arrivees"] == 10 and got["departs"] == 2  # MEM-4
    assert got["membres_actifs"] == 10
    assert got["membres_desengages"] == 0  # MEM-7: nobody was sent invitations through the network
    half = values(app, period=Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 6, 30)))
    assert half["arrivees"] == 6 and half["departs"] == 0


def test_ind1_scopes(app: App, seeded: dict[str, object]) -> None:
    assert values(app, "departement:79") == values(app, "cdg")
    second = values(app, f"epci:{seeded['second']}")
    assert second["arrivees"] == 4  # members m06..m09 work in the second EPCI
    assert second["couverture_territoriale"] == Decimal(4) / len(seeded["groups"][seeded["second"]])
    assert second["evenements"] == 0  # both events are hosted in the first EPCI


@pytest.mark.parametrize("scope", ["region:75", "epci:", "departement:99", "epci:999999999"])
def test_ind1_unknown_scope_is_a_clear_error(
    app: App, seeded: dict[str, object], scope: str
) -> None:
    # a department outside the CDG's territory is named as such (TER-7)
    with pytest.raises(ValidationError, match=r"périmètre inconnu|n'est pas dans le territoire"):
        app.indicators.compute(period=Period.year(YEAR), scope=scope)


def test_ind1_period_end_before_start_is_refused() -> None:
    with pytest.raises(ValidationError, match="période inversée"):
        Period(dt.date(YEAR, 6, 1), dt.date(YEAR, 5, 1))


def test_ind1_knb3_cns2_from_their_collections_or_not_available(
    app: App, seeded: dict[str, object]
) -> None:
    shown = {i.key: i for i in app.indicators.compute(period=Period.year(YEAR))}
    for key in (
        "ressources_publiees",
        "ressources_perimees",
        "demandes_conseil",
        "delai_reponse_median",
    ):
        assert key in shown
        assert shown[key].formula  # every indicator documents its formula
    if hasattr(app.storage.unit_of_work(read_only=True), "advice_requests"):
        assert shown["demandes_conseil"].value == 0
        assert format_indicator(shown["delai_reponse_median"]) == NOT_AVAILABLE  # no answer
    else:
        assert format_indicator(shown["demandes_conseil"]) == NOT_AVAILABLE


def test_net4_objectives_reported_with_their_indicators(
    app: App, seeded: dict[str, object]
) -> None:
    app.network.create_departmental_network("Réseau des SGM des Deux-Sèvres", by=administrator(app))
    network = app.network.departmental()
    objective = Objective(ObjectiveKind.OPERATIONAL, "Faire venir les SGM", ("taux_participation",))
    with app.deps.transaction() as uow:
        import attrs

        uow.networks.update(attrs.evolve(network, objectives=(objective,)))
    report = app.indicators.annual_report(year=YEAR)
    assert report.title == "Rapport d'activité 2024 du réseau des SGM — CDG 79 (Deux-Sèvres)"
    assert report.network == "Réseau des SGM des Deux-Sèvres"
    (reported,) = report.objectives
    assert (reported.kind, reported.text) == (ObjectiveKind.OPERATIONAL, "Faire venir les SGM")
    assert format_indicator(reported.indicators[0]) == "55,0\xa0%"
    assert "- (opérationnel) Faire venir les SGM — Taux de participation" in render_markdown(report)


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.svgs: list[dict[str, str | None]] = []
        self.rects = 0
        self.external: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"h2", "h3"}:
            self._in = tag
        if tag == "svg":
            self.svgs.append(dict(attrs))
        if tag == "rect":
            self.rects += 1
        if tag in {"script", "link", "img"}:
            self.external.append(tag)

    def handle_data(self, data: str) -> None:
        if self._in:
            self.headings.append(data.strip())
            self._in = None


def test_ind2_html_report_sections_and_charts(app: App, seeded: dict[str, object]) -> None:
    app.indicators.add_project("Ouvrir un réseau communautaire par EPCI", year=YEAR + 1)
    html = render_html(app.indicators.annual_report(year=YEAR))
    outline = Outline()
    outline.feed(html)
    assert [h for h in outline.headings if h in SECTIONS] == list(SECTIONS)
    for heading in ("Origine", "Membres", "Organisation", "Objectifs", "Moyens",
                    "Participation par événement", "Couverture territoriale par EPCI",
                    "Arrivées et départs par mois", "Boîte à outils et demandes de conseil"):  # fmt: skip
        assert heading in outline.headings
    ids = {svg.get("id") for svg in outline.svgs}
    assert ids == {"graphique-participation", "graphique-couverture", "graphique-mouvements"}
    assert outline.rects > 10 and not outline.external  # self-contained: inline SVG, no fetch
    assert "Ouvrir un réseau communautaire par EPCI" in html
    assert "55,0\xa0%" in html and "Matinale e1" in html  # French formatting
    assert 'lang="fr"' in html


def test_ind2_markdown_report_and_projects(app: App, seeded: dict[str, object]) -> None:
    app.indicators.add_project("Publier un guide de prise de poste", year=YEAR + 1)
    assert app.indicators.list_projects(year=YEAR + 1) == ["Publier un guide de prise de poste"]
    text = render_markdown(app.indicators.annual_report(year=YEAR))
    for section in SECTIONS:
        assert f"## {section}" in text
    assert "- Publier un guide de prise de poste" in text
    assert "| 12 mars 2024 | Matinale e1 | 12 | 8 | 6 | 50,0\xa0% | 75,0\xa0% |" in text
    with pytest.raises(ValidationError) as info:
        app.indicators.add_project("  ", year=YEAR + 1)
    assert info.value.rule == "IND-2"
    assert app.indicators.list_projects(year=YEAR + 1) == ["Publier un guide de prise de poste"]


def test_ind3_export_is_anonymous_and_small_counts_suppressed(
    app: App, seeded: dict[str, object]
) -> None:
    data = app.indicators.national_export(year=YEAR, cdg="CDG79").to_data()
    text = str(data)
    assert "Nom" not in text and "@" not in text and "m0" not in text  # no names, e-mails, ids
    for table in data["tables"].values():
        for value in [*table["cells"].values(), table["total"]]:
            assert value is None or value == 0 or value >= 5
    assert parse_export(data).cdg == "CDG79"


def test_ind3_suppressed_cell_cannot_be_recovered_by_subtraction(
    app: App, seeded: dict[str, object]
) -> None:
    data = app.indicators.national_export(year=YEAR, cdg="CDG79").to_data()
    truth = {"mouvements": {"arrivees": 10, "departs": 2},
             "participation": {"presents": 11, "inscrits_absents": 3, "invites_non_inscrits": 6}}  # fmt: skip
    attacked = 0
    for name, cells in truth.items():
        table = data["tables"][name]
        hidden = [k for k, v in table["cells"].items() if v is None]
        assert any(0 < cells[k] < 5 for k in hidden)  # a small count was hidden
        published = sum(v for v in table["cells"].values() if v is not None)
        remainder = table["total"] - published
        # the attacker learns only the sum of the hidden cells: never a single small count
        assert len(hidden) >= 2
        assert all(remainder != cells[k] or remainder >= 5 for k in hidden)
        attacked += 1
    assert attacked == 2
    # and no exported rate gives the registered count (hence the hidden absentees) back
    assert "taux_participation_inscrits" not in data["indicators"]


def test_ind3_merge_refuses_duplicates_and_unknown_schema(
    app: App, seeded: dict[str, object]
) -> None:
    one = app.indicators.national_export(year=YEAR, cdg="CDG79").to_data()
    other = {**one, "cdg": "CDG86"}
    table = merge([parse_export(one), parse_export(other)])
    assert table["cdgs"] == ["CDG79", "CDG86"]
    assert table["tables"]["participation"]["total"] == 40
    with pytest.raises(ValidationError, match="deux fois"):
        merge([parse_export(one), parse_export(dict(one))])
    with pytest.raises(ValidationError, match="schéma inconnu"):
        parse_export({**one, "schema": "rsgm-national/2"})
    edited = {**one, "tables": {"mouvements": {"cells": {"departs": 2}, "total": 12}}}
    with pytest.raises(ValidationError, match="sous le seuil"):
        parse_export(edited)


def test_ind3_national_merge_of_exported_files(
    app: App, seeded: dict[str, object], tmp_path: Path
) -> None:
    import json

    files = []
    for cdg in ("CDG79", "CDG86"):
        data = app.indicators.national_export(year=YEAR, cdg=cdg).to_data()
        files.append(tmp_path / f"{cdg}.json")
        files[-1].write_text(json.dumps(data), encoding="utf-8")
    merged = app.indicators.national_merge(files)
    assert merged.cdgs == ("CDG79", "CDG86") and merged.year == YEAR
    assert merged.tables["participation"].total == 40
    assert merged.to_data()["schema"] == "rsgm-national/1"
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"broken\.json : JSON illisible") as info:
        app.indicators.national_merge([files[0], tmp_path / "broken.json"])
    assert info.value.rule == "IND-3"
    with pytest.raises(NotFoundError, match=r"absent\.json"):
        app.indicators.national_merge([tmp_path / "absent.json"])
    with pytest.raises(ValidationError, match=r"aucun export de CDG à fusionner"):
        app.indicators.national_merge([])


def test_old_indicator_names_warn_and_still_work(app: App, seeded: dict[str, object]) -> None:
    from rsgm_core.services.annual_report import build_annual_report

    with pytest.warns(DeprecationWarning, match=r"use add_project\(text, year=…\)"):
        assert app.indicators.add_project(YEAR + 1, "Un projet") == ["Un projet"]
    with pytest.warns(DeprecationWarning, match=r"list_projects\(year=…\)"):
        assert app.indicators.projects(YEAR + 1) == ["Un projet"]
    with pytest.warns(DeprecationWarning, match="list_event_figures"):
        assert len(app.indicators.events(Period.year(YEAR))) == 2
    with pytest.warns(DeprecationWarning, match=r"use national_export\(year=…, cdg=…\)"):
        assert app.indicators.national_export(YEAR, "CDG79").cdg == "CDG79"
    with pytest.warns(DeprecationWarning, match=r"use app\.indicators\.annual_report\(year=…"):
        assert build_annual_report(app.deps, YEAR).projects == ("Un projet",)
    with (
        pytest.warns(DeprecationWarning, match=r"use annual_report\(\) or national_export\(\)"),
        app.indicators.reading(),
    ):
        assert app.indicators.compute(period=Period.year(YEAR))
    year = Period.year(YEAR)
    with pytest.warns(DeprecationWarning, match=r"compute\(…, period=…, scope=…\)"):
        assert app.indicators.compute(year, "cdg") == app.indicators.compute(period=year)
    with pytest.warns(DeprecationWarning, match=r"coverage_by_epci\(…, period=…"):
        (coverage, *_) = app.indicators.coverage_by_epci(year)
    with pytest.warns(DeprecationWarning, match=r"EpciCoverage is deprecated .*\(name, covered"):
        name, covered, communes, share = coverage
    assert (name, covered, communes, share) == (
        coverage.name,
        coverage.covered,
        coverage.communes,
        coverage.share,
    )
    with pytest.warns(DeprecationWarning, match=r"moves_by_month\(…, period=…"):
        (moves, *_) = app.indicators.moves_by_month(year)
    with pytest.warns(DeprecationWarning, match="MonthMoves"):
        assert (moves[0], len(moves)) == (moves.month, 3)


def test_reading_blocks_belong_to_their_thread(app: App, seeded: dict[str, object]) -> None:
    """``app.indicators`` is shared: a report read in one thread neither serves nor ends the
    reading of another."""
    from concurrent.futures import ThreadPoolExecutor

    expected = render_markdown(app.indicators.annual_report(year=YEAR))
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(
            pool.map(lambda _: render_markdown(app.indicators.annual_report(year=YEAR)), range(8))
        )
    assert texts == [expected] * 8
    with app.indicators._reading():  # a block open here is not seen from another thread
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(app.indicators._current).result() is None
        assert app.indicators._current() is not None
