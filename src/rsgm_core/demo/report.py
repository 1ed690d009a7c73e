"""The closing part of ``rsgm demo``: the annual activity report of the demo network (IND-2),
written next to the database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rsgm_core.app import App

PROJECTS = (
    "Ouvrir un réseau communautaire dans chaque EPCI du département",
    "Publier un guide de prise de poste dans la boîte à outils",
)


def report_demo(app: App, path: Path) -> Path:
    from rsgm_core.render.report import format_indicator, render_html, render_markdown

    year = app.today().year  # the demo's events are set around today
    if not app.indicators.list_projects(year=year + 1):
        for text in PROJECTS:
            app.indicators.add_project(text, year=year + 1)
    report = app.indicators.annual_report(year=year)
    html = path.with_name(f"{path.stem}-rapport-{year}.html")
    html.write_text(render_html(report), encoding="utf-8")
    html.with_suffix(".md").write_text(render_markdown(report), encoding="utf-8")
    print(
        f"\n17. rapport d'activité {year} écrit dans {html} (et {html.with_suffix('.md').name}) : "
        f"{len(report.events)} événements, participation "
        f"{format_indicator(report.indicator('taux_participation'))}, "
        f"{len(report.projects)} projets pour {year + 1}"
    )
    return html
