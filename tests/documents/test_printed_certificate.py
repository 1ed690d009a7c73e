"""EVT-5, EVT-6: the certificate and the sign-in sheet print on A4 inside their margins (read back
with pdfplumber), at 10 pt or more, naming the CDG of the profile, its place and its signatory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs
import pytest

import rsgm_core
from rsgm_core import App, NewPosition, SessionPlan
from rsgm_core.render.event_documents import certificate_html, certificate_pdf, sign_in_html
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.documents.printed import MM, read_pdf, smaller_than, text_of
from tests.helpers import CDG79, CIG, administrator

pytest.importorskip("weasyprint")

DAY = dt.date(2025, 6, 19)
MARGIN = 20  # mm, the documents' @page margin
LONG = (
    "Journée réseau des secrétaires généraux de mairie : l'état civil, les élections et la "
    "paie après la réforme de la fonction publique territoriale de 2025"
)


@pytest.fixture(scope="module")
def held() -> Iterator[tuple[App, str]]:
    """The CIG Grande Couronne (its long name), an event with a long title, 45 attendees (the
    sign-in sheet spans two pages)."""
    settings = attrs.evolve(CDG79, cdg=CIG.cdg)  # CDG 79's territory, the CIG's long name
    clock = Clock()
    with rsgm_core.open("memory://", settings=settings, clock=clock) as app:
        app.census.import_(SAMPLE, ["79"])
        people = [
            app.members.add(f"Prénom{i}", "Le Bihan-Éon de la Villemarqué" if i % 2 else "Meyer",
                            email=f"agent{i}@example.org", lifecycle="actif",
                            position=NewPosition("79191")).id
            for i in range(45)
        ]  # fmt: skip
        planned = app.events.plan(
            LONG, "journée réseau", "présentiel", [SessionPlan(DAY, "Salle des fêtes, Niort")],
            topics=["état civil", "élections"],
        )  # fmt: skip
        for member_id in people:
            app.registrations.register(planned.sessions[0].id, member_id)
        clock.set(DAY)
        app.registrations.attend(planned.sessions[0].id, people)
        yield app, planned.event.id


def inside(pdf: bytes) -> str:
    pages = read_pdf(pdf)
    assert pages and all(round(p.width) == 595 and round(p.height) == 842 for p in pages)  # A4
    edge = MARGIN * MM - 0.5  # the margin, less the rounding of the PDF's coordinates
    for page in pages:
        for c in page.chars:
            assert c["x0"] >= edge and c["x1"] <= page.width - edge, c
            assert c["top"] >= edge and c["bottom"] <= page.height - edge, c
    assert smaller_than(pages, 10) == []
    return text_of(pages)


@pytest.mark.rule("EVT-6")
def test_a_certificate_prints_inside_its_margins_and_names_its_cdg_EVT_6(
    held: tuple[App, str],
) -> None:
    app, event_id = held
    rows = app.registrations.list_certificates(event_id=event_id)
    row = next(r for r in rows if r.member.last_name.startswith("Le Bihan"))
    event = app.events.get(event_id).event
    html = certificate_html(event, row.session, row.member, today=DAY, cdg=app.settings.cdg)
    text = inside(certificate_pdf(html))
    assert "Centre interdépartemental de gestion de la Grande Couronne" in text
    assert "15 rue Boileau 78008 Versailles Cedex" in text
    assert "Jean Martin, Président du CIG Grande Couronne, atteste que" in text
    name = f"{row.member.first_name} Le Bihan-Éon de la Villemarqué"
    assert name in text.replace("- ", "-")  # a line may end at the hyphen
    assert "le 19 juin 2025, Salle des fêtes, Niort, de 9 h 30 à 12 h 30." in text  # no-break
    assert "Fait à Versailles, le 19 juin 2025." in text
    assert "ATTESTATION DE PRÉSENCE" in text


@pytest.mark.rule("EVT-5")
def test_the_sign_in_sheet_prints_inside_its_margins_EVT_5(held: tuple[App, str]) -> None:
    from weasyprint import HTML

    app, event_id = held
    sheet = app.registrations.sign_in(
        app.events.get(event_id).sessions[0].id, by=administrator(app)
    )
    pdf = HTML(string=sign_in_html(sheet.event, sheet.session, sheet.members)).write_pdf()
    pages = read_pdf(pdf)
    assert len(pages) >= 2
    assert all("N° Nom Prénom Signature" in p.text for p in pages)  # the header on each page
    assert "45 inscrits." in inside(pdf)
