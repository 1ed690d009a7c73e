"""A member's suggestion through their personal link, in Debian's chromium against ``rsgm serve``
(NET-6, NOT-3): the page says whose link it is, refuses an empty suggestion next to its field and
writes nothing, records the suggestion on the follow-up committee's agenda, and shows it with
where it stands when the link is opened again; the committee's answer reaches the author by
mail. Every page is checked by axe-core like the others."""

from __future__ import annotations

import datetime as dt

from rsgm_core import Seat, SeatKind
from tests.browser.site import Browser, Site
from tests.helpers import snapshot


def test_a_member_makes_a_suggestion_through_their_link_NET_6_NOT_3(
    site79: Site, browser: Browser
) -> None:
    site = site79
    app = site.app
    app.network.create_departmental_network("Réseau des SGM 79", by=site.admin)
    with app.deps.read() as uow:
        epci = uow.communes.get("79007").epci
    assert epci is not None
    app.network.set_committee("suivi", [Seat(SeatKind.SGM, site.people["paul"], epci)],
                              by=site.admin)  # fmt: skip
    meeting = app.today() + dt.timedelta(days=20)
    app.network.record_meeting("suivi", by=site.admin, on=meeting)

    link = site.link("suggestion", "claire")
    assert "/s/" in link
    page = browser.open(link)
    assert "Faire une suggestion" in page.title, page.title
    assert "Claire Martin peut faire une suggestion au réseau" in page.main, page.main
    before = snapshot(app)
    page.submit()  # empty: refused next to its field
    assert "texte de la suggestion vide" in page.main, page.main
    assert snapshot(app) == before

    page.fill("suggestion", "Une visio mensuelle de 45 minutes sur l'actualité juridique.")
    page.submit()
    assert f"comité de suivi du {meeting:%d/%m/%Y}" in page.main, page.main
    [made] = app.suggestions.list_suggestions(member_id=site.people["claire"])
    assert made.text == "Une visio mensuelle de 45 minutes sur l'actualité juridique."

    app.suggestions.decide(made.id, "planifiee", by=site.people["paul"],
                           reason="Dès la rentrée.")  # fmt: skip
    answer = site.mailbox.wait_for(site.emails["claire"], "Votre suggestion au réseau des SGM")
    assert "planifiée" in str(answer["Subject"])
    page = browser.open(link)  # the link serves again, and shows where each suggestion stands
    assert "Vos suggestions" in page.main, page.main
    assert f"planifiée le {app.today():%d/%m/%Y} : Dès la rentrée." in page.main, page.main
