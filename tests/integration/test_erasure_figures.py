"""Erasing a commune's only SGM (MEM-11): their positions become coarse ones (EPCI, stratum,
department, years; no commune), and every indicator, report and export keeps its totals, on every
backend, while nothing ties the anonymised record to the commune any more."""

from __future__ import annotations

import json
from typing import Any

from rsgm_core import App, Period
from rsgm_core.render.report import render_markdown
from rsgm_core.serialization import unstructure
from tests.indicator_seed import YEAR, seed

ERASED = "m02"  # the only SGM of places[2] (seed: m00..m09 in ten communes, m10, m11 departed)


def _figures(app: App, first: str) -> dict[str, Any]:
    period = Period.year(YEAR)
    figures: dict[str, Any] = {}
    for scope in (None, "departement:79", f"epci:{first}"):
        figures[f"indicators {scope}"] = [
            (i.key, i.value) for i in app.indicators.compute(period=period, scope=scope)
        ]
        figures[f"coverage {scope}"] = app.indicators.coverage_by_epci(period=period, scope=scope)
        figures[f"moves {scope}"] = app.indicators.moves_by_month(period=period, scope=scope)
        figures[f"events {scope}"] = app.indicators.list_event_figures(period=period, scope=scope)
    report = app.indicators.annual_report(year=YEAR)
    figures["annual report"] = render_markdown(report)
    figures["national export"] = app.indicators.national_export(year=YEAR, cdg="CDG79").to_data()
    return figures


def test_erasing_a_communes_only_sgm_keeps_every_total_MEM_11_IND_1_IND_2_IND_3(
    app: App,
) -> None:
    seeded = seed(app)
    place = seeded["places"][2]  # type: ignore[index]
    first = str(seeded["first"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    before = _figures(app, first)
    assert [p.member_id for p in app.members.list_positions(commune=place)] == [ERASED]

    app.rgpd.erase(ERASED, by=admin.id)

    after = _figures(app, first)
    for key in before:
        assert after[key] == before[key], key
    # the commune keeps no position of theirs; the coarse one names its EPCI, not the commune
    assert app.members.list_positions(commune=place) == []
    assert app.members.list_positions(member_id=ERASED) == []
    with app.deps.read() as uow:
        [coarse] = uow.coarse_positions.list({"member_id": ERASED})
        registrations = [r for r in uow.registrations.list() if r.member_id == ERASED]
    assert (coarse.epci, coarse.departement, coarse.sole) == (first, "79", True)
    assert place not in json.dumps(unstructure(coarse))
    assert registrations  # still counted, keyed by the anonymised member
    # what the person left is tied to no commune: their export names none
    held = json.dumps(app.rgpd.export_personal_data(ERASED, by=admin.id), default=str)
    assert place not in held
    assert place not in json.dumps(after["national export"])


def test_a_second_erasure_changes_nothing_and_a_new_sgm_is_counted_once_MEM_11(
    app: App,
) -> None:
    seeded = seed(app)
    first = str(seeded["first"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    app.rgpd.erase(ERASED, by=admin.id)
    after = _figures(app, first)
    app.rgpd.erase(ERASED, by=admin.id)
    assert _figures(app, first) == after
    with app.deps.read() as uow:
        assert len(uow.coarse_positions.list()) == 1
