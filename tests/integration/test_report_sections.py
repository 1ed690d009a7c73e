"""The annual report's extension seam (IND-2): a part of the network with its own records adds
a section to one of the report's three parts, and every renderer prints it, or what it says when
there is nothing to show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from rsgm_core import App
from rsgm_core.domain.report_sections import ReportPart, ReportSection, ReportTable
from rsgm_core.render.report import render_html, render_markdown
from rsgm_core.services import report_sections


@pytest.fixture
def sources() -> Iterator[list[report_sections.SectionSource]]:
    kept = list(report_sections.REPORT_SECTIONS)
    report_sections.REPORT_SECTIONS.clear()  # the parts' own sections (means…) aside
    yield report_sections.REPORT_SECTIONS
    report_sections.REPORT_SECTIONS[:] = kept


def test_a_registered_section_is_read_in_the_reports_snapshot_and_printed_IND_2(
    app: App, sources: list[report_sections.SectionSource]
) -> None:
    seen: list[tuple[dt.date, str]] = []

    def figures(deps, uow, period, scope):  # type: ignore[no-untyped-def]
        seen.append((period.start, str(scope)))
        members = uow.members.count()
        return ReportSection(
            ReportPart.ACTIONS,
            "Groupes de travail",
            lines=[f"{members} membre(s) lus dans le même instantané"],
            table=ReportTable(["Groupe", "Réunions"], [["Finances locales", "3"]], numeric_from=1),
        )

    def nothing(deps, uow, period, scope):  # type: ignore[no-untyped-def]
        return ReportSection(ReportPart.PROJECTS, "Suggestions", empty="Aucune suggestion reçue.")

    sources += [figures, nothing, lambda *_: None]
    report = app.indicators.annual_report(year=2026)
    assert seen == [(dt.date(2026, 1, 1), "cdg")]
    assert [s.title for s in report.sections] == ["Groupes de travail", "Suggestions"]
    markdown = render_markdown(report)
    assert "### Groupes de travail" in markdown
    assert "| Finances locales | 3 |" in markdown
    assert markdown.index("### Groupes de travail") < markdown.index("## 3. Projets")
    assert markdown.index("### Suggestions") > markdown.index("## 3. Projets")
    assert "Aucune suggestion reçue." in markdown
    html = render_html(report)
    assert "<h3>Groupes de travail</h3>" in html
    assert "<td class=n>3</td>" in html
    assert "<p>Aucune suggestion reçue.</p>" in html


def test_a_table_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="columns"):
        ReportTable(["A", "B"], [["1"]])
